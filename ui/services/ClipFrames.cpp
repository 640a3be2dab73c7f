#include "ClipFrames.h"

#include "SourceFrames.h"

#include <QCoreApplication>
#include <QDir>
#include <QImageReader>

namespace wan::ui {

ClipFrames readClipFrames(const QString& path, QSize maxSize, const ClipReader& readVideo)
{
    ClipFrames clip;
    if (isPictureFile(path)) {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        const QImage image = reader.read();
        if (image.isNull())
            clip.error = QCoreApplication::translate("ClipFrames", "Cannot read the picture %1: %2.")
                             .arg(QDir::toNativeSeparators(path), reader.errorString());
        else
            clip.frames.append(image.scaled(maxSize, Qt::KeepAspectRatio, Qt::SmoothTransformation));
        return clip;
    }
    if (!readVideo) {
        clip.error = QCoreApplication::translate("ClipFrames", "This build cannot play %1.")
                         .arg(QDir::toNativeSeparators(path));
        return clip;
    }
    return readVideo(path, maxSize);
}

} // namespace wan::ui
