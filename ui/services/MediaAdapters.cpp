#include "MediaAdapters.h"

#include "media/VideoReader.h"

#include <QCoreApplication>
#include <QDir>

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

} // namespace wan::ui
