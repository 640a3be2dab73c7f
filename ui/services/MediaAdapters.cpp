#include "MediaAdapters.h"

#include "media/VideoReader.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonValue>

#include <exception>

namespace wan::ui {

SourceFrames readVideoEnds(const QString& path)
{
    SourceFrames frames;
    try {
        const wan::media::VideoFrames video = wan::media::readVideoFrames(path.toStdString());
        const auto frameImage = [&video](int index) {
            return QImage(video.frame(index), video.width, video.height, video.width * 3,
                          QImage::Format_RGB888)
                .copy();
        };
        if (video.count > 0) {
            frames.first = frameImage(0);
            frames.last = frameImage(video.count - 1);
            frames.frameCount = video.count;
        }
    } catch (const std::exception& error) {
        frames.error = QCoreApplication::translate("SourceFrames", "Cannot read the video %1: %2")
                           .arg(QDir::toNativeSeparators(path), QString::fromStdString(error.what()));
    }
    return frames;
}

ClipFrames readVideoClip(const QString& path, QSize maxSize)
{
    ClipFrames clip;
    try {
        const wan::media::VideoFrames video = wan::media::readVideoFrames(path.toStdString());
        for (int i = 0; i < video.count; ++i)
            clip.frames.append(
                QImage(video.frame(i), video.width, video.height, video.width * 3, QImage::Format_RGB888)
                    .scaled(maxSize, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    } catch (const std::exception& error) {
        clip.error = QCoreApplication::translate("SourceFrames", "Cannot read the video %1: %2")
                         .arg(QDir::toNativeSeparators(path), QString::fromStdString(error.what()));
    }
    return clip;
}

QJsonObject readVideoTags(const QString& path, QString* error)
{
    QJsonObject tags;
    try {
        const wan::media::VideoInfo info = wan::media::probeVideo(path.toStdString());
        for (const auto& [key, value] : info.metadata.tags)
            tags.insert(QString::fromStdString(key), QString::fromStdString(value));
    } catch (const std::exception& e) {
        if (error)
            *error = QCoreApplication::translate("SourceFrames", "Cannot read the video %1: %2")
                         .arg(QDir::toNativeSeparators(path), QString::fromStdString(e.what()));
    }
    return tags;
}

} // namespace wan::ui
