#pragma once

#include "JobTypes.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QImage>
#include <QList>
#include <QSet>
#include <QTimer>

#include <functional>

namespace wan::ui {

class QueueStore;
class StageCostStore;

// The render queue as a table. State changes (added, removed, moved, edited, status) are written through the
// store (when one is given), coalesced: one write at most every saveDelayMs(), and at once by flush() (on
// quit, and when the model is destroyed). Progress ticks stay in memory. Finished jobs beyond
// finishedJobLimit() move to the store's archive file.
class RenderQueueModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RenderQueueModel)

public:
    enum Column
    {
        ThumbnailColumn = 0,
        PromptColumn,
        TaskColumn,
        SizeColumn,
        FramesColumn,
        StateColumn,
        ProgressColumn,
        EtaColumn,
        ColumnCount
    };
    enum Role
    {
        JobIdRole = Qt::UserRole + 1,
        StateRole,
        ProgressRole,
        EtaSecondsRole // the ETA column's number in seconds; < 0 when it shows none
    };

    // Where the ETA column's numbers come from: the remembered stage costs and the running job's remaining
    // time over all stages (the progress panel's StageEta; < 0 while it does not know the job). The column is
    // jobEtaSeconds (StageEta.h) over the queue: that time for the running job, each queued job's estimate.
    // Unset (headless): the column is empty.
    struct EtaSource
    {
        std::function<const StageCostStore*()> costs;
        std::function<double(const QUuid& running)> runningRemaining;
    };

    explicit RenderQueueModel(QueueStore* store, QObject* parent = nullptr);
    ~RenderQueueModel() override; // flushes

    static constexpr int kDefaultSaveDelayMs = 500;
    static constexpr int kDefaultFinishedJobLimit = 200;
    int saveDelayMs() const;
    void setSaveDelayMs(int ms);
    int finishedJobLimit() const { return m_finishedJobLimit; }
    void setFinishedJobLimit(int jobs);
    bool hasUnsavedChanges() const { return m_unsaved; }
    // Writes a pending change now (and archives what is over the limit). No-op when nothing changed.
    void flush();

    void setEtaSource(EtaSource source);
    // The estimate moved (a report, a clock tick, a measured job): the ETA column is repainted.
    void refreshEta();
    double etaSeconds(int row) const; // the ETA column's number; < 0: none

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    Qt::DropActions supportedDropActions() const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

    const QList<RenderJob>& jobs() const { return m_jobs; }
    int rowOf(const QUuid& id) const;
    const RenderJob* job(const QUuid& id) const;
    QUuid idAt(int row) const;

    void setJobs(QList<RenderJob> jobs);  // restore without writing
    QUuid addJob(RenderJob job);          // new id, Queued
    bool removeJob(const QUuid& id);      // anything but the running job
    bool moveJob(int fromRow, int toRow); // toRow: the row it ends up at
    QUuid duplicateJob(const QUuid& id);  // a fresh Queued copy right below
    bool updatePendingRequest(const QUuid& id, const wan::Request& request);

    // The folder that queued jobs' input pictures are copied into (see JobInputs.h); empty (the default):
    // jobs keep the paths the user chose.
    void setInputStash(const QString& folder) { m_inputStash = folder; }
    const QString& inputStash() const { return m_inputStash; }
    // Copies the request's pictures into the stash and points it at the copies; call before addJob() or
    // updatePendingRequest(). False with a message naming the file when a copy fails.
    bool stageInputs(wan::Request* request, QString* error) const;
    // Removes folders in the stash that no job refers to (left by a crash between copying and queueing).
    void pruneInputStash();
    bool pauseJob(const QUuid& id);         // Queued -> Paused (held: the queue skips it)
    bool resumeJob(const QUuid& id);        // Paused -> Queued
    bool retryJob(const QUuid& id);         // Failed/Cancelled -> Queued
    bool cancelPendingJob(const QUuid& id); // Queued/Paused -> Cancelled
    // A pending job open in the form for editing is held: the queue does not start it until released. The
    // hold lives in memory only: queue.json keeps the job as it was, so a crash while editing loses nothing
    // (the job comes back pending, with the settings it had before the edit).
    bool holdJob(const QUuid& id); // false unless the job is pending
    void releaseJob(const QUuid& id);
    bool isHeld(const QUuid& id) const { return m_held.contains(id); }
    // "Keep": marks a Done variation as its group's kept result and every other job of the group as not kept.
    bool keepVariation(const QUuid& id);

    // Driven by the queue runner.
    bool markRunning(const QUuid& id, const wan::Request& request, const QString& folder);
    bool setRunningRequest(const QUuid& id, const wan::Request& request); // e.g. its extended prompt
    void setProgress(const QUuid& id, const JobProgress& progress);
    void setThumbnail(const QUuid& id, const QString& path);
    bool finishJob(const QUuid& id, const JobOutcome& outcome); // Running -> Done/Failed/Cancelled
    // Running -> Paused after "Pause and free GPU": keeps the folder and the checkpoint, so Resume continues.
    bool pauseRunningJob(const QUuid& id);

    std::optional<QUuid> nextQueued() const;
    std::optional<QUuid> runningJob() const;

Q_SIGNALS:
    void saveFailed(const QString& message);

private:
    void persist();
    void rowChanged(int row);
    void releaseInputs(const wan::Request& gone); // after the job left m_jobs or changed its request
    // Thumbnails are QImages (no QPixmap in a model: it needs the GUI thread and a window system).
    QImage thumbnail(const QString& path) const;
    QImage inputThumbnailImage(const wan::Request& request) const; // the job's input images, if any

    QueueStore* m_store = nullptr;
    QTimer* m_saveTimer = nullptr;
    bool m_unsaved = false;
    int m_finishedJobLimit = kDefaultFinishedJobLimit;
    QList<RenderJob> m_jobs;
    QString m_inputStash;
    QSet<QUuid> m_held; // being edited: never started
    EtaSource m_etaSource;
    mutable QHash<QString, QImage> m_thumbnails;
};

} // namespace wan::ui
