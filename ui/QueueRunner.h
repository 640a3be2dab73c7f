#pragma once

#include "JobTypes.h"

#include <QObject>
#include <QPointer>

namespace wan::ui {

class InferenceBridge;
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
    bool isQueuePaused() const { return m_paused; }
    // Paused: the running job goes on, no new one starts.
    void setQueuePaused(bool paused);
    void cancelJob(const QUuid& id);
    QUuid runningJob() const { return m_running; }

Q_SIGNALS:
    void queuePausedChanged(bool paused);
    void jobStarted(const QUuid& id);
    void jobProgress(const QUuid& id, const wan::ui::JobProgress& progress);
    void jobPreview(const QUuid& id, const QImage& image);
    void jobFinished(const QUuid& id, const wan::ui::JobOutcome& outcome);

private:
    void scheduleNext();
    void startNext();
    void onProgress(const QUuid& id, const JobProgress& progress);
    void onPreview(const QUuid& id, const QImage& image);
    void onFinished(const QUuid& id, const JobOutcome& outcome);
    void appendLog(const QUuid& id, const QString& line) const;

    QPointer<RenderQueueModel> m_model;
    InferenceBridge* m_bridge = nullptr;
    QString m_outputDir;
    bool m_paused = false;
    bool m_startPosted = false;
    QUuid m_running;
    bool m_thumbnailSaved = false;
    wan::Stage m_lastStage{};
};

} // namespace wan::ui
