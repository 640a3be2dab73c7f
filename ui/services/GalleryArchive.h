#pragma once
// The results kept in the output folder: every job folder the app (or `wan-generate --save_settings`) wrote
// holds its result (MP4 or PNG) beside a settings.json whose "output" names that file. The gallery shows
// them too, so results stay there when the queue is cleared or on another machine. Folders are read on a
// worker thread, newest first, and handed over in batches; a newer scan drops what an older one still sends.

#include "JobTypes.h"

#include <QList>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <optional>

namespace wan::ui {

// Job folders read per scan and output folder: the newest (by folder name, which starts with the date and
// time, then by modification time) beyond this are left out of the gallery.
inline constexpr int kMaxArchivedResults = 5000;

// The id of an archived result: the same file always gives the same id (a name-based UUID of its path).
QUuid archivedResultId(const QString& outputPath);

// The result of one job folder, as a finished job (state Done, folder, output file, request from its
// settings.json with the output at the file found, the file's time as the finish time, the variation tag
// when it carries one); nullopt when the folder holds no settings.json, one Wan Studio cannot read, or not
// the file it names.
std::optional<RenderJob> readArchivedResult(const QString& jobFolder);

// Whether `outputPath` lies directly in a job folder the app made: that folder's settings.json reads as a
// request naming this very file. Nothing else is ever moved to the trash from the gallery.
bool isInOwnJobFolder(const QString& outputPath);

// Every result in the job folders right under `root`, newest first, at most `limit`.
QList<RenderJob> scanResultFolder(const QString& root, int limit = kMaxArchivedResults);

// Scans output folders on a thread of its own and reports what it finds as it goes.
class GalleryArchiveScanner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GalleryArchiveScanner)

public:
    explicit GalleryArchiveScanner(QObject* parent = nullptr);
    ~GalleryArchiveScanner() override; // stops the scan under way and waits for it

    // Starts scanning `roots` (missing ones are skipped); a scan under way is dropped. Results come in
    // `resultsFound` batches (at most `batchSize` each), then `scanFinished` with the same scan number.
    int scan(const QStringList& roots);
    bool isScanning() const { return m_scanning; }
    void setBatchSize(int size) { m_batchSize = qMax(1, size); }
    void setLimit(int limit) { m_limit = qMax(0, limit); }

Q_SIGNALS:
    void resultsFound(int scan, const QList<wan::ui::RenderJob>& results);
    void scanFinished(int scan, bool capped);

private:
    void deliver(int scan, const QList<RenderJob>& results);
    void finish(int scan, bool capped);

    std::shared_ptr<std::atomic<int>> m_current = std::make_shared<std::atomic<int>>(0);
    int m_batchSize = 100;
    int m_limit = kMaxArchivedResults;
    bool m_scanning = false;
    QThreadPool m_pool;
};

} // namespace wan::ui
