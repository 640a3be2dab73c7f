#pragma once

#include "JobTypes.h"

#include <QList>
#include <QString>

namespace wan::ui {

struct QueueLoadReport
{
    QList<RenderJob> jobs;
    QString corruptBackup; // where an unreadable queue file was moved, empty if none
    QString problem;       // what was wrong with it, for the user
    int requeued = 0;      // jobs that were running when the app stopped and run again
    int resumed = 0;       // of those, jobs that will be finished from their saved latents
};

// The render queue on disk: one JSON file written atomically, so a crash leaves either the old or the new
// file.
class QueueStore final
{
public:
    explicit QueueStore(QString filePath);
    Q_DISABLE_COPY_MOVE(QueueStore)

    const QString& filePath() const { return m_filePath; }
    bool save(const QList<RenderJob>& jobs, QString* error = nullptr);
    // A missing file is an empty queue. A damaged or unreadable one is renamed *.corrupt-<date> and reported,
    // never overwritten: the jobs that could still be read come back. When it can be neither read nor moved,
    // save() refuses rather than replace it.
    QueueLoadReport load() const;
    int saveCount() const { return m_saveCount; } // files written by save() so far

    // Finished jobs moved out of the queue: <queue name>-archive.json next to the queue file, written
    // atomically. appendToArchive() adds to what is there (a damaged archive is kept aside first, as load()
    // does); loadArchive() reads it (missing: empty).
    QString archivePath() const;
    bool appendToArchive(const QList<RenderJob>& jobs, QString* error = nullptr);
    QueueLoadReport loadArchive() const;
    // Removes from `jobs` the finished (Done/Failed/Cancelled) jobs beyond the newest `keepFinished` of them,
    // oldest first by finish time, and returns them in queue order.
    static QList<RenderJob> takeArchivable(QList<RenderJob>& jobs, int keepFinished);

private:
    bool write(const QString& path, const QList<RenderJob>& jobs, QString* error) const;

    QString m_filePath;
    mutable bool m_keepExisting = false;
    int m_saveCount = 0;
};

} // namespace wan::ui
