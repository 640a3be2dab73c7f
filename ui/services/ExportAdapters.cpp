#include "ExportAdapters.h"

#include "ErrorText.h"
#include "media/Png.h"
#include "media/VideoExport.h"
#include "media/VideoReader.h"
#include "wan/Error.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

#include <spdlog/spdlog.h>

#include <exception>
#include <filesystem>

namespace wan::ui {

namespace {

wan::media::ExportFormat toMedia(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Mp4H265:
        return wan::media::ExportFormat::Mp4H265;
    case ExportFormat::WebmVp9:
        return wan::media::ExportFormat::WebmVp9;
    case ExportFormat::MkvFfv1:
        return wan::media::ExportFormat::MkvFfv1;
    case ExportFormat::Gif:
        return wan::media::ExportFormat::Gif;
    case ExportFormat::PngSequence:
        return wan::media::ExportFormat::PngSequence;
    case ExportFormat::Mp4H264:
        break;
    }
    return wan::media::ExportFormat::Mp4H264;
}

std::filesystem::path toPath(const QString& path)
{
    return std::filesystem::path(path.toStdU16String());
}

QJsonObject tagsToJson(const wan::media::MediaMetadata& metadata)
{
    QJsonObject tags;
    for (const auto& [key, value] : metadata.tags)
        tags.insert(QString::fromStdString(key), QString::fromStdString(value));
    return tags;
}

} // namespace

bool exportFormatSupported(ExportFormat format)
{
    return wan::media::exportSupported(toMedia(format));
}

ExportOutcome exportVideoFile(const QString& source, const ExportSettings& settings,
                              const wan::CancelToken* cancel, const ExportProgressCallback& onProgress)
{
    ExportOutcome outcome;
    wan::media::ExportOptions options;
    options.format = toMedia(settings.format);
    options.fps = settings.fps;
    const ExportFormatInfo info = exportFormatInfo(settings.format);
    options.lossless = info.hasLosslessMode && settings.lossless;
    options.crf = info.usesCrf && !options.lossless ? settings.crf : -1;
    options.onProgress = onProgress;
    options.keepSourceMetadata = settings.includeMetadata;
    if (settings.includeMetadata && !settings.settings.isEmpty())
        options.metadata.tags["settings"] =
            QJsonDocument(settings.settings).toJson(QJsonDocument::Compact).toStdString();
    try {
        wan::media::exportVideo(toPath(source), toPath(settings.target), options, cancel);
        outcome.ok = true;
        spdlog::info("Exported {} to {}", source.toStdString(), settings.target.toStdString());
    } catch (const wan::Error& error) {
        if (error.kind() == wan::ErrorKind::Cancelled) {
            outcome.cancelled = true;
        } else {
            outcome.error = userErrorMessage(error);
            spdlog::warn("Export of {} failed: {}", source.toStdString(), error.what());
        }
    } catch (const std::exception& error) {
        outcome.error = QCoreApplication::translate("VideoExport", "Could not export %1: %2")
                            .arg(QDir::toNativeSeparators(source), QString::fromStdString(error.what()));
        spdlog::warn("Export of {} failed: {}", source.toStdString(), error.what());
    }
    return outcome;
}

ExportedVideoInfo readExportedVideo(const QString& path)
{
    ExportedVideoInfo info;
    try {
        const QDir folder(path);
        if (QFileInfo(path).isDir()) {
            const QStringList frames = folder.entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name);
            info.frameCount = int(frames.size());
            info.codec = QStringLiteral("png");
            if (!frames.isEmpty()) {
                const auto first = toPath(folder.filePath(frames.first()));
                const wan::media::RgbImage image = wan::media::readPng(first);
                info.width = image.width;
                info.height = image.height;
                info.tags = tagsToJson(wan::media::readPngMetadata(first));
            }
            return info;
        }
        const wan::media::VideoInfo video = wan::media::probeVideo(toPath(path));
        info.frameCount = video.frameCount;
        info.width = video.width;
        info.height = video.height;
        info.fps = video.fps;
        info.codec = QString::fromStdString(video.codec);
        info.tags = tagsToJson(video.metadata);
    } catch (const std::exception& error) {
        info.error = QCoreApplication::translate("SourceFrames", "Cannot read the video %1: %2")
                         .arg(QDir::toNativeSeparators(path), QString::fromStdString(error.what()));
    }
    return info;
}

VideoExportService videoExportService()
{
    VideoExportService service;
    service.supported = &exportFormatSupported;
    service.run = &exportVideoFile;
    return service;
}

} // namespace wan::ui
