#pragma once

#include "InferenceWorker.h"

#include <QObject>
#include <QThread>

namespace wan::ui {

// The UI side of the one long-lived inference thread. Jobs go in as values, progress and outcomes come back
// as queued signals on the UI thread.
class InferenceBridge final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InferenceBridge)

public:
    explicit InferenceBridge(JobRunnerFactory factory, QObject* parent = nullptr);
    ~InferenceBridge() override; // cancels and joins

    void submit(const JobTicket& ticket);
    void cancel(const QUuid& id);
    bool isBusy() const { return m_pending > 0; }
    // Cancels what runs, waits for it to end, stops the thread. Idempotent.
    void shutdown() { shutdown(-1); }
    // Same, waiting at most `timeoutMs` (-1: no limit). False when the thread is still busy then (a step or a
    // load between two cancel checks): it stops on its own, and a later shutdown() finishes the job.
    bool shutdown(int timeoutMs);

Q_SIGNALS:
    void jobStarted(const QUuid& id);
    void jobProgress(const QUuid& id, const wan::ui::JobProgress& progress);
    void jobPreview(const QUuid& id, const QImage& image); // the newest only
    void jobFinished(const QUuid& id, const wan::ui::JobOutcome& outcome);

private:
    void takePreview();

    QThread m_thread;
    InferenceWorker* m_worker = nullptr; // lives on m_thread
    QList<QUuid> m_submitted;
    int m_pending = 0;
};

} // namespace wan::ui
