#include "PromptExtendWorker.h"

#include <QBuffer>
#include <QImage>
#include <QImageReader>
#include <QMetaObject>
#include <QPointer>

#include <algorithm>
#include <cmath>
#include <optional>

namespace wan::ui {

PromptExtendWorker::PromptExtendWorker(QObject* parent) : QObject(parent) {}

PromptExtendWorker::~PromptExtendWorker()
{
    cancel();
    joinThread();
}

void PromptExtendWorker::cancel()
{
    if (m_cancel)
        m_cancel->cancel();
}

void PromptExtendWorker::joinThread()
{
    if (m_thread.joinable())
        m_thread.join();
}

template <typename Job> void PromptExtendWorker::launch(Job job)
{
    cancel();
    joinThread();
    m_cancel = std::make_shared<wan::CancelToken>();
    m_running = true;
    const quint64 generation = ++m_generation;
    QPointer<PromptExtendWorker> self(this);
    m_thread = std::thread([self, generation, token = m_cancel, job = std::move(job)]() mutable {
        std::optional<wan::PromptExtension> extension;
        wan::ErrorKind kind = wan::ErrorKind::Internal;
        QString message;
        try {
            extension = job(token.get());
        } catch (const wan::Error& error) {
            kind = error.kind();
            message = QString::fromStdString(error.what());
        } catch (const std::exception& error) {
            message = QStringLiteral("prompt extension failed: %1").arg(QString::fromStdString(error.what()));
        }
        // The context object drops the call if the worker is gone by then.
        if (self)
            QMetaObject::invokeMethod(
                self.data(),
                [self, generation, extension = std::move(extension), kind, message] {
                    if (!self || generation != self->m_generation)
                        return;
                    self->m_running = false;
                    if (extension)
                        Q_EMIT self->extended(*extension);
                    else
                        Q_EMIT self->failed(kind, message);
                },
                Qt::QueuedConnection);
    });
}

void PromptExtendWorker::start(const wan::PromptExtendSettings& settings,
                               const wan::PromptExtendRequest& request)
{
    launch([settings, request](wan::CancelToken* token) {
        return wan::makePromptExtender(settings)->extend(request, token);
    });
}

void PromptExtendWorker::startConnectionTest(const wan::PromptExtendSettings& settings)
{
    launch([settings](wan::CancelToken* token) { return wan::testPromptExtendConnection(settings, token); });
}

std::vector<std::uint8_t> PromptExtendWorker::encodeImageFileForRequest(const QString& path, int maxPixels)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    return encodeImageForRequest(reader.read(), maxPixels);
}

std::vector<std::uint8_t> PromptExtendWorker::encodeImageForRequest(const QImage& image, int maxPixels)
{
    if (image.isNull())
        return {};
    QImage scaled = image;
    const double pixels = double(image.width()) * image.height();
    if (maxPixels > 0 && pixels > maxPixels) {
        const double factor = std::sqrt(maxPixels / pixels);
        scaled = image.scaled(std::max(1, int(std::lround(image.width() * factor))),
                              std::max(1, int(std::lround(image.height() * factor))), Qt::IgnoreAspectRatio,
                              Qt::SmoothTransformation);
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    scaled.convertToFormat(QImage::Format_RGB888).save(&buffer, "PNG");
    return {reinterpret_cast<const std::uint8_t*>(bytes.constData()),
            reinterpret_cast<const std::uint8_t*>(bytes.constData()) + bytes.size()};
}

} // namespace wan::ui
