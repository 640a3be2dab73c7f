#include "ImageInput.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QMimeData>
#include <QUrl>

namespace wan::ui {

namespace {
bool hasAcceptedSuffix(const QString& path)
{
    return acceptedImageSuffixes().contains(QFileInfo(path).suffix().toLower());
}
} // namespace

QStringList acceptedImageSuffixes()
{
    return {QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("webp"),
            QStringLiteral("bmp")};
}

bool mimeMayHoldImage(const QMimeData* mime)
{
    if (!mime)
        return false;
    if (mime->hasImage())
        return true;
    for (const QUrl& url : mime->urls())
        if (hasAcceptedSuffix(url.path()))
            return true;
    return false;
}

ImageInput imageFromFile(const QString& path)
{
    ImageInput input;
    const QFileInfo info(path);
    if (!hasAcceptedSuffix(path)) {
        input.error = QCoreApplication::translate(
                          "ImageInput", "%1 is not a supported image. Use a PNG, JPEG, WebP or BMP file.")
                          .arg(info.fileName());
        return input;
    }
    if (!info.isFile()) {
        input.error = QCoreApplication::translate("ImageInput", "%1 does not exist.")
                          .arg(QDir::toNativeSeparators(path));
        return input;
    }
    QImageReader reader(path);
    reader.setAutoTransform(true);
    input.image = reader.read();
    if (input.image.isNull()) {
        const QString suffix = info.suffix().toLower();
        if (!QImageReader::supportedImageFormats().contains(suffix.toLatin1()))
            input.error =
                QCoreApplication::translate(
                    "ImageInput", "This system cannot read %1 images: install the Qt image format plugins "
                                  "(Debian: qt6-image-formats-plugins) or convert %2 to PNG.")
                    .arg(suffix.toUpper(), info.fileName());
        else
            input.error = QCoreApplication::translate(
                              "ImageInput", "%1 could not be read as an image (%2). The file may be damaged.")
                              .arg(info.fileName(), reader.errorString());
        return input;
    }
    input.filePath = info.absoluteFilePath();
    return input;
}

ImageInput imageFromMime(const QMimeData* mime)
{
    ImageInput input;
    if (!mime) {
        input.error = QCoreApplication::translate("ImageInput", "Nothing to use here.");
        return input;
    }
    QString firstError;
    for (const QUrl& url : mime->urls()) {
        if (url.isLocalFile()) {
            ImageInput fromFile = imageFromFile(url.toLocalFile());
            if (fromFile.isValid())
                return fromFile;
            if (firstError.isEmpty())
                firstError = fromFile.error;
        }
    }
    if (mime->hasImage()) {
        input.image = qvariant_cast<QImage>(mime->imageData());
        if (!input.image.isNull())
            return input;
    }
    // Some browsers send the picture as encoded bytes rather than as image data.
    for (const QString& format : mime->formats()) {
        if (!format.startsWith(QLatin1String("image/")))
            continue;
        if (input.image.loadFromData(mime->data(format)))
            return input;
    }
    if (!firstError.isEmpty()) {
        input.error = firstError;
    } else if (!mime->urls().isEmpty()) {
        input.error = QCoreApplication::translate(
            "ImageInput",
            "Only image files can be used here (PNG, JPEG, WebP, BMP). For an image on a web page, "
            "save it first or drag the picture itself.");
    } else {
        input.error = QCoreApplication::translate(
            "ImageInput", "This is not an image. Drop or paste a PNG, JPEG, WebP or BMP image.");
    }
    return input;
}

} // namespace wan::ui
