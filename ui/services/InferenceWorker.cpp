#include "InferenceWorker.h"

#include "PreviewFrames.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMutexLocker>

#include <spdlog/spdlog.h>

namespace wan::ui {

namespace {
// Progress faster than this is dropped (except stage changes and the last step): the UI cannot show it
// anyway.
constexpr qint64 kProgressIntervalMs = 100;
} // namespace

bool PreviewMailbox::put(const QUuid& job, QImage image)
{
    QMutexLocker lock(&m_mutex);
    const bool wasEmpty = m_image.isNull();
    m_job = job;
    m_image = std::move(image);
    return wasEmpty;
}

QImage PreviewMailbox::take(QUuid* job)
{
    QMutexLocker lock(&m_mutex);
    if (job)
        *job = m_job;
    return std::exchange(m_image, QImage());
}

InferenceWorker::InferenceWorker(JobRunnerFactory factory, QObject* parent)
    : QObject(parent), m_factory(std::move(factory))
{
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::releaseRunner()
{
    if (m_runner)
        m_runner->releaseModels();
    m_runner.reset();
}

void InferenceWorker::cancel(const QUuid& id)
{
    QMutexLocker lock(&m_cancelMutex);
    if (id == m_currentJob)
        m_cancel.cancel();
    else
        m_cancelledEarly.insert(id);
}

QImage InferenceWorker::previewToImage(const wan::PreviewImage& preview)
{
    const int frames = std::max(preview.frames, 1);
    const std::size_t expected = std::size_t(frames) * preview.width * preview.height * 3;
    if (preview.width <= 0 || preview.height <= 0 || preview.rgb.size() < expected)
        return {};
    // The frames side by side, so the whole clip is visible at a glance.
    QImage image(preview.width * frames, preview.height, QImage::Format_RGB888);
    const std::size_t frameBytes = std::size_t(preview.width) * preview.height * 3;
    for (int f = 0; f < frames; ++f) {
        const std::uint8_t* frame = preview.rgb.data() + f * frameBytes;
        for (int y = 0; y < preview.height; ++y)
            std::memcpy(image.scanLine(y) + std::size_t(f) * preview.width * 3,
                        frame + std::size_t(y) * preview.width * 3, std::size_t(preview.width) * 3);
    }
    return withFrameCount(std::move(image), frames); // the UI cuts single frames out of it
}

void InferenceWorker::runJob(const JobTicket& ticket)
{
    {
        QMutexLocker lock(&m_cancelMutex);
        if (m_cancelledEarly.remove(ticket.id)) {
            JobOutcome outcome;
            outcome.status = wan::JobStatus::Cancelled;
            outcome.errorKind = wan::ErrorKind::Cancelled;
            lock.unlock();
            Q_EMIT jobFinished(ticket.id, outcome);
            return;
        }
        m_currentJob = ticket.id;
        m_cancel.reset();
    }
    Q_EMIT jobStarted(ticket.id);

    const QUuid id = ticket.id;
    QElapsedTimer throttle;
    throttle.start();
    wan::Stage lastStage{};
    wan::Callbacks callbacks;
    callbacks.cancel = &m_cancel;
    callbacks.onProgress = [&](const wan::Progress& p) {
        const bool important = p.stage != lastStage || p.step >= p.totalSteps;
        if (!important && throttle.elapsed() < kProgressIntervalMs)
            return;
        throttle.restart();
        lastStage = p.stage;
        Q_EMIT jobProgress(id, JobProgress{p.stage, p.step, p.totalSteps, p.secondsPerStep, p.etaSeconds});
    };
    callbacks.onPreview = [&](const wan::PreviewImage& preview) {
        QImage image = previewToImage(preview);
        if (!image.isNull() && m_previews.put(id, std::move(image)))
            Q_EMIT previewAvailable();
    };

    JobOutcome outcome;
    try {
        if (!m_runner)
            m_runner = m_factory();
        const wan::Result result =
            ticket.resumeLatents.isEmpty()
                ? m_runner->run(ticket.request, callbacks)
                : m_runner->decodeLatents(ticket.request, ticket.resumeLatents.toStdString(), callbacks);
        outcome = outcomeFromResult(result);
    } catch (const wan::Error& error) {
        outcome.status =
            error.kind() == wan::ErrorKind::Cancelled ? wan::JobStatus::Cancelled : wan::JobStatus::Failed;
        outcome.errorKind = error.kind();
        outcome.error = QString::fromStdString(error.what());
    } catch (const std::bad_alloc&) {
        outcome.status = wan::JobStatus::Failed;
        outcome.errorKind = wan::ErrorKind::OutOfMemory;
        outcome.error = QCoreApplication::translate("InferenceWorker", "Out of memory.");
    } catch (const std::exception& error) {
        outcome.status = wan::JobStatus::Failed;
        outcome.errorKind = wan::ErrorKind::Internal;
        outcome.error = QString::fromStdString(error.what());
    } catch (...) {
        outcome.status = wan::JobStatus::Failed;
        outcome.errorKind = wan::ErrorKind::Internal;
        outcome.error = QCoreApplication::translate("InferenceWorker", "Unknown error in the engine.");
    }
    if (outcome.status == wan::JobStatus::Failed)
        spdlog::error("job {} failed: {}", id.toString().toStdString(), outcome.error.toStdString());
    {
        QMutexLocker lock(&m_cancelMutex);
        m_currentJob = QUuid();
    }
    // "Pause and free GPU": the models go now, on this thread; the next job loads them again.
    if (ticket.releaseModelsAfter && ticket.releaseModelsAfter->load())
        releaseRunner();
    Q_EMIT jobFinished(id, outcome);
}

} // namespace wan::ui
