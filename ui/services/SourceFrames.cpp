#include "SourceFrames.h"

#include "ImageInput.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>

#include <algorithm>

namespace wan::ui {

namespace {
QImage readImage(const QString& path, QString* error)
{
    QImageReader reader(path);
    reader.setAutoTransform(false); // the engine ignores EXIF orientation for frames
    QImage image = reader.read();
    if (image.isNull())
        *error = QCoreApplication::translate(
                     "SourceFrames", "Cannot read the frame %1 (%2). Replace it with a readable PNG file.")
                     .arg(QDir::toNativeSeparators(path), reader.errorString());
    return image;
}
} // namespace

QStringList pngFramesIn(const QString& folder)
{
    const QDir dir(folder);
    QStringList names;
    for (const QFileInfo& info : dir.entryInfoList(QDir::Files | QDir::Hidden))
        if (info.suffix().compare(QLatin1String("png"), Qt::CaseInsensitive) == 0)
            names.append(info.fileName());
    // The engine sorts by the bytes of the UTF-8 names.
    std::sort(names.begin(), names.end(),
              [](const QString& a, const QString& b) { return a.toUtf8() < b.toUtf8(); });
    QStringList paths;
    for (const QString& name : names)
        paths.append(dir.absoluteFilePath(name));
    return paths;
}

bool isPictureFile(const QString& path)
{
    return acceptedImageSuffixes().contains(QFileInfo(path).suffix().toLower());
}

SourceFrames readSourceFrames(const QString& path, const VideoFrameReader& readVideo)
{
    SourceFrames frames;
    const QFileInfo info(path);
    if (path.isEmpty() || !info.exists()) {
        frames.error =
            QCoreApplication::translate("SourceFrames",
                                        "%1 does not exist. Choose a video file or a folder of PNG frames.")
                .arg(QDir::toNativeSeparators(path));
        return frames;
    }
    if (info.isDir()) {
        const QStringList files = pngFramesIn(path);
        if (files.isEmpty()) {
            frames.error = QCoreApplication::translate(
                               "SourceFrames",
                               "The folder %1 holds no PNG frames (*.png). Choose a folder of numbered PNG "
                               "frames or a video file.")
                               .arg(QDir::toNativeSeparators(path));
            return frames;
        }
        frames.first = readImage(files.first(), &frames.error);
        if (!frames.first.isNull())
            frames.last = files.size() == 1 ? frames.first : readImage(files.last(), &frames.error);
        if (frames.first.isNull() || frames.last.isNull()) {
            frames.first = frames.last = QImage();
            return frames;
        }
        frames.frameCount = int(files.size());
        return frames;
    }
    if (isPictureFile(path)) {
        frames.first = frames.last = readImage(path, &frames.error);
        frames.frameCount = frames.first.isNull() ? 0 : 1;
        return frames;
    }
    if (!readVideo) {
        frames.error =
            QCoreApplication::translate(
                "SourceFrames",
                "This build cannot decode the video %1. Export its frames as PNG files into a folder "
                "and choose the folder.")
                .arg(QDir::toNativeSeparators(path));
        return frames;
    }
    frames = readVideo(path);
    if (!frames.isValid() && frames.error.isEmpty())
        frames.error = QCoreApplication::translate(
                           "SourceFrames",
                           "The video %1 holds no readable frames. Choose another video or a folder of PNG "
                           "frames.")
                           .arg(QDir::toNativeSeparators(path));
    return frames;
}

} // namespace wan::ui
