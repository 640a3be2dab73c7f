#pragma once
// What the image drop zone accepts: image files, image data from a browser or the clipboard.

#include <QImage>
#include <QString>
#include <QStringList>

class QMimeData;

namespace wan::ui {

struct ImageInput
{
    QImage image;
    QString filePath; // the file the image came from; empty for pasted/dropped image data
    QString error;    // set when nothing usable was found, written for the user
    bool isValid() const { return !image.isNull(); }
};

QStringList acceptedImageSuffixes();          // png jpg jpeg webp bmp
bool mimeMayHoldImage(const QMimeData* mime); // cheap check for drag-enter
ImageInput imageFromMime(const QMimeData* mime);
ImageInput imageFromFile(const QString& path);

} // namespace wan::ui
