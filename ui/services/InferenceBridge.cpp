#include "InferenceBridge.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QMetaObject>

namespace wan::ui {

InferenceBridge::InferenceBridge(JobRunnerFactory factory, QObject* parent) : QObject(parent)
{
    qRegisterMetaType<JobProgress>();
    qRegisterMetaType<JobOutcome>();
    qRegisterMetaType<JobTicket>();
    m_thread.setObjectName(QStringLiteral("inference"));
    m_worker = new InferenceWorker(std::move(factory));
    m_worker->moveToThread(&m_thread);
    // Runs on the inference thread as it ends, so the engine is destroyed where it was created.
    connect(&m_thread, &QThread::finished, m_worker, &InferenceWorker::releaseRunner, Qt::DirectConnection);
    connect(m_worker, &InferenceWorker::jobStarted, this, &InferenceBridge::jobStarted);
    connect(m_worker, &InferenceWorker::jobProgress, this, &InferenceBridge::jobProgress);
    connect(m_worker, &InferenceWorker::previewAvailable, this, &InferenceBridge::takePreview);
    connect(m_worker, &InferenceWorker::jobFinished, this,
            [this](const QUuid& id, const JobOutcome& outcome) {
                // A preview still in the box belongs to the job that just ended: paint it before the outcome.
                takePreview();
                m_submitted.removeOne(id);
                --m_pending;
                Q_EMIT jobFinished(id, outcome);
            });
    m_thread.start();
}

InferenceBridge::~InferenceBridge()
{
    shutdown();
    delete m_worker;
}

void InferenceBridge::submit(const JobTicket& ticket)
{
    ++m_pending;
    m_submitted.append(ticket.id);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, ticket] { worker->runJob(ticket); }, Qt::QueuedConnection);
}

void InferenceBridge::cancel(const QUuid& id)
{
    if (m_submitted.contains(id))
        m_worker->cancel(id);
}

bool InferenceBridge::shutdown(int timeoutMs)
{
    if (!m_thread.isRunning() && m_submitted.isEmpty())
        return true;
    for (const QUuid& id : std::as_const(m_submitted))
        m_worker->cancel(id);
    m_thread.quit();
    if (!m_thread.wait(timeoutMs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(timeoutMs)))
        return false;
    // Deliver the outcomes the thread posted before it stopped; jobs it never started end here as Cancelled,
    // so every submitted job still ends exactly once.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    const QList<QUuid> neverRun = std::exchange(m_submitted, {});
    for (const QUuid& id : neverRun) {
        --m_pending;
        JobOutcome outcome;
        outcome.status = wan::JobStatus::Cancelled;
        outcome.errorKind = wan::ErrorKind::Cancelled;
        Q_EMIT jobFinished(id, outcome);
    }
    return true;
}

void InferenceBridge::takePreview()
{
    QUuid id;
    QImage image = m_worker->previews().take(&id);
    if (!image.isNull())
        Q_EMIT jobPreview(id, image);
}

} // namespace wan::ui
