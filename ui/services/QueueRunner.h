#pragma once

#include "JobTypes.h"

#include "wan/PromptExtend.h"

#include <QObject>
#include <QPointer>
#include <optional>

namespace wan::ui {

class InferenceBridge;
class PromptExtendSettingsStore;
class PromptExtendWorker;
class RenderQueueModel;

// Feeds the render queue to the inference thread one job at a time: prepares each job's folder
// (settings.json, log), starts the next Queued job when idle, and writes progress and outcomes back into the
// model.
class QueueRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueueRunner)

public:
    QueueRunner(RenderQueueModel* model, InferenceBridge* bridge, QString outputDir,
                QObject* parent = nullptr);

    void setOutputDir(const QString& dir) { m_outputDir = dir; }
    const QString& outputDir() const { return m_outputDir; }
    // The GPU memory budget of the settings (not part of a job's settings): applied to every job at its
    // start, also to jobs queued before it changed or restored from an earlier session.
    void setVramBudgetGiB(std::optional<double> gib) { m_vramBudgetGiB = gib; }
    bool isQueuePaused() const { return m_paused; }
    // Paused: the running job goes on, no new one starts.
    void setQueuePaused(bool paused);
    // Cancels the running job (its checkpoint is deleted) or a pending one.
    void cancelJob(const QUuid& id);
    // "Pause and free GPU": the running job stops at the next step boundary, keeps its checkpoint, the
    // models are dropped and the job becomes Paused; resuming it (RenderQueueModel::resumeJob) continues from
    // the checkpoint in its folder. False when `id` is not the running job.
    bool pauseRunningJob(const QUuid& id);
    QUuid runningJob() const { return m_running; }
    // Where automatic prompt extension is switched on (read from `store` as each job starts, never waiting
    // for it), each new job's prompt is extended (off the UI thread) before the job runs; a failure is logged
    // and the job runs with its original prompt. No job starts before the store is ready. `store` outlives
    // the runner or is reset here first; null: no extension.
    void setPromptExtendSettings(const PromptExtendSettingsStore* store);

Q_SIGNALS:
    void queuePausedChanged(bool paused);
    void jobStarted(const QUuid& id);
    void jobProgress(const QUuid& id, const wan::ui::JobProgress& progress);
    void jobPreview(const QUuid& id, const QImage& image);
    void jobFinished(const QUuid& id, const wan::ui::JobOutcome& outcome);
    // The running job stopped for a pause (after its jobFinished with status Cancelled).
    void jobPaused(const QUuid& id);
    // After an automatic prompt extension; `message` says why it failed (the job goes on regardless).
    void promptExtensionFinished(const QUuid& id, bool ok, const QString& message);

private:
    void scheduleNext();
    void startNext();
    bool startPromptExtension(const wan::Request& request);
    void onPromptExtended(const wan::PromptExtension& extension);
    void onPromptExtensionFailed(wan::ErrorKind kind, const QString& message);
    void finishPromptExtension(const wan::PromptExtension* extension, const QString& error);
    void submitJob(const QUuid& id, const wan::Request& request, const QString& resumeLatents);
    void onProgress(const QUuid& id, const JobProgress& progress);
    void onPreview(const QUuid& id, const QImage& image);
    void onFinished(const QUuid& id, const JobOutcome& outcome);
    void appendLog(const QUuid& id, const QString& line) const;

    QPointer<RenderQueueModel> m_model;
    InferenceBridge* m_bridge = nullptr;
    QString m_outputDir;
    std::optional<double> m_vramBudgetGiB;
    bool m_paused = false;
    bool m_startPosted = false;
    QUuid m_running;
    bool m_thumbnailSaved = false;
    wan::Stage m_lastStage{};
    QPointer<const PromptExtendSettingsStore> m_extendSettings;
    PromptExtendWorker* m_extender = nullptr; // created on first use
    bool m_extending = false;
    bool m_extensionCancelled = false;
    wan::Request m_extendingRequest; // the running job's request while its prompt is being extended
    bool m_pausing = false;          // the running job stops for a pause, not a cancel
    bool m_userCancelled = false;    // the running job was cancelled by the user: its checkpoint goes
    std::shared_ptr<std::atomic<bool>> m_releaseModels; // of the running job's ticket
};

} // namespace wan::ui
