#pragma once
// The gallery: the finished results of the render queue (Done jobs whose file still exists) and those kept in
// the output folders' job folders (GalleryArchive, read on a worker thread), one entry per file, newest
// first, filtered by prompt; and reading a result's settings back from its job folder's settings.json or the
// metadata the engine writes into its PNG/MP4 ("settings recall").

#include "JobTypes.h"
#include "SourceFrames.h"

#include <QAbstractListModel>
#include <QHash>
#include <QImage>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QStringList>
#include <QThreadPool>

#include <functional>

namespace wan::ui {

class GalleryArchiveScanner;
class RenderQueueModel;

// What "Load settings" takes from a result.
enum class RecallScope
{
    Everything = 1, // the whole request, seed included: the same video again
    PromptOnly,     // the prompt; everything else stays as the form has it
    AllButSeed      // every setting except the seed, which stays as the form has it
};

// `current` (the form's request) with what `scope` takes from `source`.
wan::Request recalledRequest(const wan::Request& source, const wan::Request& current, RecallScope scope);

// The settings tags of a video made by the app (the JSON object of its `comment` tag; empty when it has
// none), or an error naming the file. Set by the app to the engine's FFmpeg reader (MediaAdapters).
using MediaTagsReader = std::function<QJsonObject(const QString& path, QString* error)>;

struct ResultSettings
{
    wan::Request request;
    bool exact = false; // from settings.json: the whole request; from media tags: the settings they carry
    QString source;     // the file the settings were read from
    QString error;      // for the user: names the file and what to do; empty when ok
    bool isValid() const { return error.isEmpty(); }
};

// The settings of a result: a settings.json itself; for a PNG or MP4 the settings.json of its job folder
// (when that names this file as its output), else the metadata in the file (PNG text chunk; MP4 through
// `readVideoTags`, unset: MP4 metadata is not read). A file the app did not make gives an error.
ResultSettings readResultSettings(const QString& path, const MediaTagsReader& readVideoTags);
// The request described by the engine's media tags (prompt, seed, steps, size, ...); false when the tags are
// not the app's.
bool requestFromMediaTags(const QJsonObject& tags, wan::Request* request, QString* error);
// Files the gallery and the window take as results: .mp4, .png and settings.json.
bool isResultFile(const QString& path);

class GalleryModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GalleryModel)

public:
    enum Role
    {
        JobIdRole = Qt::UserRole + 1,
        PathRole,    // the result file
        PromptRole,  // the full prompt
        SettingsRole // the settings as readable lines
    };
    static constexpr QSize kThumbnailSize{160, 96};

    // Follows `queue`. `readVideo` (unset: none) decodes videos for their thumbnails, on a worker thread.
    explicit GalleryModel(RenderQueueModel* queue, VideoFrameReader readVideo = {},
                          QObject* parent = nullptr);
    ~GalleryModel() override; // waits for thumbnails being decoded

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override; // the result files' URLs
    Qt::DropActions supportedDragActions() const override;

    // Shows only results whose prompt (or the user's prompt before extension) contains `text`, ignoring case.
    void setFilter(const QString& text);
    const QString& filter() const { return m_filter; }

    QUuid idAt(int row) const;
    int rowOf(const QUuid& id) const;
    // The queue's job, or the archived result as a finished job, when it is in the gallery.
    const RenderJob* job(const QUuid& id) const;
    // Whether the entry comes from an output folder only (it is not, or no longer, in the queue).
    bool isArchived(const QUuid& id) const;

    // The output folders whose job folders are shown too; scanned again now (empty: none).
    void setArchiveFolders(const QStringList& folders);
    const QStringList& archiveFolders() const { return m_archiveFolders; }
    // Reads the output folders again: new results appear, those whose file is gone disappear.
    void refreshArchive();
    bool isArchiveScanning() const { return m_scanning; }
    // The last scan stopped at kMaxArchivedResults job folders.
    bool isArchiveCapped() const { return m_archiveCapped; }
    GalleryArchiveScanner* archiveScanner() const { return m_scanner; }

    // Moves the job's folder (or, without one, its result file) to the trash and removes the job from the
    // queue. Only results the app made: a Done job's file inside its own job folder beside its settings.json;
    // for an archived result, a job folder (not an output folder itself) whose settings.json names the file.
    bool moveToTrash(const QUuid& id, QString* error);
    // Waits until no thumbnail is being decoded (tests, screenshots).
    void waitForThumbnails();

Q_SIGNALS:
    void thumbnailReady(const QUuid& id);
    void archiveScanFinished();

private:
    void rebuild();
    void applyIds(const QList<QUuid>& ids);
    const RenderJob* jobAt(int row) const;
    void onArchiveResults(int scan, const QList<RenderJob>& results);
    void onArchiveScanFinished(int scan, bool capped);
    bool moveArchivedToTrash(const QUuid& id, QString* error);
    QImage thumbnail(const RenderJob& job) const;
    void decodeThumbnail(const QUuid& id, const QString& path) const;
    QString settingsText(const RenderJob& job) const;

    RenderQueueModel* m_queue;
    VideoFrameReader m_readVideo;
    QString m_filter;
    QList<QUuid> m_ids;
    QHash<QUuid, RenderJob> m_archive; // results found in the output folders, by archivedResultId
    QSet<QUuid> m_scanSeen;            // what the scan under way has found so far
    QStringList m_archiveFolders;
    GalleryArchiveScanner* m_scanner = nullptr;
    int m_scan = 0;
    bool m_scanning = false;
    bool m_archiveCapped = false;
    mutable QHash<QUuid, QImage> m_thumbnails;
    mutable QThreadPool m_pool;
};

} // namespace wan::ui

Q_DECLARE_METATYPE(wan::ui::RecallScope)
