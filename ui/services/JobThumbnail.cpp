#include "JobThumbnail.h"

#include "SourceFrames.h"

#include <QFileInfo>
#include <QImageReader>
#include <QPainter>

namespace wan::ui {

namespace {
constexpr int kGap = 2; // pixels between two pictures

QString path(const std::filesystem::path& p)
{
    return QString::fromStdString(p.string());
}
} // namespace

QStringList inputThumbnailSources(const wan::Request& request)
{
    switch (request.task) {
    case wan::Task::I2V:
        if (!request.image.empty())
            return {path(request.image)};
        break;
    case wan::Task::FLF2V: {
        QStringList sources;
        for (const auto& frame : {request.firstFrame, request.lastFrame})
            if (!frame.empty())
                sources.append(path(frame));
        return sources;
    }
    case wan::Task::VACE: {
        const QString source = path(request.srcVideo);
        if (!source.isEmpty() && QFileInfo(source).isDir()) {
            if (const QStringList frames = pngFramesIn(source); !frames.isEmpty())
                return {frames.first()};
        } else if (!source.isEmpty() && isPictureFile(source)) {
            return {source};
        }
        if (!request.srcRefImages.empty())
            return {path(request.srcRefImages.front())};
        break;
    }
    case wan::Task::T2V:
    case wan::Task::T2I:
        break;
    }
    return {};
}

QImage inputThumbnail(const wan::Request& request, QSize bounds)
{
    const QStringList sources = inputThumbnailSources(request);
    if (sources.isEmpty() || bounds.isEmpty())
        return {};
    const int count = int(sources.size());
    const QSize share(std::max(1, (bounds.width() - kGap * (count - 1)) / count), bounds.height());
    QList<QImage> images;
    for (const QString& source : sources) {
        QImageReader reader(source);
        reader.setAutoTransform(true);
        const QImage image = reader.read();
        if (!image.isNull())
            images.append(image.scaled(share, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    }
    if (images.isEmpty())
        return {};
    if (images.size() == 1)
        return images.first();
    int width = kGap * int(images.size() - 1);
    int height = 0;
    for (const QImage& image : images) {
        width += image.width();
        height = std::max(height, image.height());
    }
    QImage combined(width, height, QImage::Format_ARGB32_Premultiplied);
    combined.fill(Qt::transparent);
    QPainter painter(&combined);
    int x = 0;
    for (const QImage& image : images) {
        painter.drawImage(x, (height - image.height()) / 2, image);
        x += image.width() + kGap;
    }
    return combined;
}

} // namespace wan::ui
