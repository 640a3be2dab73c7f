#include "VideoExportSettings.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStringList>

namespace wan::ui {

std::vector<ExportFormat> allExportFormats()
{
    return {ExportFormat::Mp4H264, ExportFormat::Mp4H265, ExportFormat::WebmVp9,
            ExportFormat::MkvFfv1, ExportFormat::Gif,     ExportFormat::PngSequence};
}

ExportFormatInfo exportFormatInfo(ExportFormat format)
{
    const auto tr = [](const char* text) { return QCoreApplication::translate("VideoExport", text); };
    ExportFormatInfo info;
    switch (format) {
    case ExportFormat::Mp4H264:
        info = {tr("H.264 MP4"), QStringLiteral("mp4"), tr("MP4 video (*.mp4)"), true, 51, 17, false, true};
        break;
    case ExportFormat::Mp4H265:
        info = {tr("H.265 MP4"), QStringLiteral("mp4"), tr("MP4 video (*.mp4)"), true, 51, 20, false, true};
        break;
    case ExportFormat::WebmVp9:
        info = {tr("VP9 WebM"), QStringLiteral("webm"), tr("WebM video (*.webm)"), true, 63, 24, false, true};
        break;
    case ExportFormat::MkvFfv1:
        info = {tr("FFV1 MKV (lossless)"),
                QStringLiteral("mkv"),
                tr("Matroska video (*.mkv)"),
                false,
                0,
                -1,
                true,
                true};
        break;
    case ExportFormat::Gif:
        info = {tr("GIF (256 colours)"),
                QStringLiteral("gif"),
                tr("GIF animation (*.gif)"),
                false,
                0,
                -1,
                false,
                false};
        break;
    case ExportFormat::PngSequence:
        info = {tr("PNG sequence (a folder)"), QString(), QString(), false, 0, -1, true, true};
        break;
    }
    info.hasLosslessMode = format == ExportFormat::Mp4H264 || format == ExportFormat::Mp4H265;
    return info;
}

QString exportTargetFor(const QString& target, ExportFormat format)
{
    if (target.isEmpty())
        return target;
    const QFileInfo info(target);
    static const QStringList known = {QStringLiteral("mp4"), QStringLiteral("webm"), QStringLiteral("mkv"),
                                      QStringLiteral("gif"), QStringLiteral("png")};
    const QString base = known.contains(info.suffix().toLower())
                             ? info.fileName().left(info.fileName().size() - info.suffix().size() - 1)
                             : info.fileName();
    const QString extension = exportFormatInfo(format).extension;
    const QString name = extension.isEmpty() ? base : base + QLatin1Char('.') + extension;
    const QString folder = target.left(target.size() - info.fileName().size());
    return folder + name;
}

QString retimeNote(int sourceFps, int fps)
{
    if (sourceFps <= 0 || fps <= 0 || fps == sourceFps)
        return {};
    return QCoreApplication::translate("VideoExport", "retimed, no new frames: plays %1× as fast")
        .arg(QString::number(double(fps) / sourceFps, 'g', 3));
}

} // namespace wan::ui
