#pragma once

#include "JobRunner.h"
#include "JobTypes.h"

#include <QElapsedTimer>
#include <QImage>
#include <QMutex>
#include <QObject>
#include <QSet>

namespace wan::ui {

// Holds only the newest preview: the inference thread overwrites it, the UI takes it when it gets to it.
class PreviewMailbox final
{
public:
    PreviewMailbox() = default;
    Q_DISABLE_COPY_MOVE(PreviewMailbox)

    // Returns true when the box was empty, i.e. the reader must be told.
    bool put(const QUuid& job, QImage image);
    // The newest image, or a null image if it was already taken.
    QImage take(QUuid* job);

private:
    QMutex m_mutex;
    QUuid m_job;
    QImage m_image;
};

// Lives on the inference thread; runs one job at a time through its JobRunner.
class InferenceWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InferenceWorker)

public:
    explicit InferenceWorker(JobRunnerFactory factory, QObject* parent = nullptr);
    ~InferenceWorker() override;

    // Any thread. Cancels the job if it is running, or makes it end as Cancelled when it starts.
    void cancel(const QUuid& id);
    PreviewMailbox& previews() { return m_previews; }
    // Inference thread: drops the runner (and the models it holds) on the thread that created them.
    void releaseRunner();

    static QImage previewToImage(const wan::PreviewImage& preview);

public Q_SLOTS:
    void runJob(const wan::ui::JobTicket& ticket);

Q_SIGNALS:
    void jobStarted(const QUuid& id);
    void jobProgress(const QUuid& id, const wan::ui::JobProgress& progress);
    void previewAvailable();
    void jobFinished(const QUuid& id, const wan::ui::JobOutcome& outcome);

private:
    JobRunnerFactory m_factory;
    std::unique_ptr<JobRunner> m_runner;
    PreviewMailbox m_previews;

    QMutex m_cancelMutex;
    QUuid m_currentJob;
    QSet<QUuid> m_cancelledEarly;
    wan::CancelToken m_cancel;
};

} // namespace wan::ui
