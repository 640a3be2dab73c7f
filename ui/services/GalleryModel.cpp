#include "GalleryModel.h"

#include "GalleryArchive.h"
#include "JobThumbnail.h"
#include "RenderQueueModel.h"
#include "Variations.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonDocument>
#include <QLocale>
#include <QMimeData>
#include <QPainter>
#include <QUrl>

#include <algorithm>

namespace wan::ui {

namespace {
constexpr const char* kSettingsFile = "settings.json";

QString native(const QString& path)
{
    return QDir::toNativeSeparators(path);
}

QString pathString(const std::filesystem::path& path)
{
    return QString::fromStdString(path.string());
}

bool sameFile(const QString& a, const QString& b)
{
    const QFileInfo x(a), y(b);
    const QString cx = x.canonicalFilePath(), cy = y.canonicalFilePath();
    return !cx.isEmpty() ? cx == cy : x.absoluteFilePath() == y.absoluteFilePath();
}

// `image` scaled into `size`, centred on a transparent canvas: every item of the grid has the same size.
QImage letterboxed(const QImage& image, QSize size)
{
    if (image.isNull())
        return {};
    QImage canvas(size, QImage::Format_ARGB32_Premultiplied);
    canvas.fill(Qt::transparent);
    const QImage scaled = image.scaled(size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QPainter painter(&canvas);
    painter.drawImage((size.width() - scaled.width()) / 2, (size.height() - scaled.height()) / 2, scaled);
    return canvas;
}

QJsonObject readJsonObject(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QCoreApplication::translate("GalleryModel", "Cannot read %1: %2.")
                     .arg(native(path), file.errorString());
        return {};
    }
    QJsonParseError parse;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parse);
    if (parse.error != QJsonParseError::NoError || !document.isObject()) {
        *error = QCoreApplication::translate(
                     "GalleryModel", "%1 is not a settings file of Wan Studio (it is not a JSON object).")
                     .arg(native(path));
        return {};
    }
    return document.object();
}

// The PNG's "Comment" text chunk (tEXt or iTXt), where the engine writes its settings tags.
QJsonObject pngTags(const QString& path, QString* error)
{
    QImageReader reader(path, "png");
    if (!reader.canRead()) {
        *error = QCoreApplication::translate("GalleryModel", "Cannot read the picture %1: %2.")
                     .arg(native(path), reader.errorString());
        return {};
    }
    const QString comment = reader.text(QStringLiteral("Comment"));
    const QJsonDocument document = QJsonDocument::fromJson(comment.toUtf8());
    return document.isObject() ? document.object() : QJsonObject();
}

QString notMadeHere(const QString& path)
{
    return QCoreApplication::translate(
               "GalleryModel",
               "%1 was not made by Wan Studio: it carries no generation settings. Drop a video or picture "
               "that Wan Studio made, or the settings.json from its job folder.")
        .arg(native(path));
}
} // namespace

wan::Request recalledRequest(const wan::Request& source, const wan::Request& current, RecallScope scope)
{
    switch (scope) {
    case RecallScope::Everything:
        return source;
    case RecallScope::PromptOnly: {
        wan::Request request = current;
        request.prompt = source.prompt;
        request.originalPrompt = source.originalPrompt;
        return request;
    }
    case RecallScope::AllButSeed: {
        wan::Request request = source;
        request.seed = current.seed;
        return request;
    }
    }
    return current;
}

bool isResultFile(const QString& path)
{
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    return suffix == QLatin1String("mp4") || suffix == QLatin1String("png") ||
           (suffix == QLatin1String("json") &&
            info.fileName().compare(QLatin1String(kSettingsFile), Qt::CaseInsensitive) == 0);
}

bool requestFromMediaTags(const QJsonObject& tags, wan::Request* request, QString* error)
{
    // A full request in the tags (the settings JSON itself) wins over the single values.
    if (const QString settings = tags.value(QLatin1String("settings")).toString(); !settings.isEmpty()) {
        const QJsonDocument document = QJsonDocument::fromJson(settings.toUtf8());
        if (document.isObject() && requestFromJson(document.object(), request, error))
            return true;
    }
    if (!tags.contains(QLatin1String("prompt")) || !tags.contains(QLatin1String("seed"))) {
        if (error)
            *error = QStringLiteral("no prompt and seed tags");
        return false;
    }
    // The tags, renamed to the request's JSON keys; what they do not carry keeps the defaults.
    QJsonObject json;
    const auto text = [&](const char* tag) { return tags.value(QLatin1String(tag)).toString(); };
    const auto copyText = [&](const char* tag, const char* key) {
        if (tags.contains(QLatin1String(tag)))
            json[QLatin1String(key)] = text(tag);
    };
    const auto copyNumber = [&](const char* tag, const char* key) {
        bool ok = false;
        const double value = text(tag).toDouble(&ok);
        if (ok)
            json[QLatin1String(key)] = value;
    };
    copyText("task", "task");
    copyText("prompt", "prompt");
    copyText("original_prompt", "original_prompt");
    copyText("negative_prompt", "negative_prompt");
    copyText("seed", "seed");
    copyText("solver", "solver");
    copyNumber("steps", "steps");
    copyNumber("shift", "shift");
    copyNumber("guidance", "guide_scale");
    copyNumber("frames", "frame_num");
    copyText("sampler_mode", "sampler_mode");
    copyText("cache", "cache");
    copyText("cache_preset", "cache_preset");
    copyNumber("cache_threshold", "cache_threshold");
    copyNumber("context_scale", "context_scale");
    const QStringList size = text("size").split(QLatin1Char('*'));
    if (size.size() == 2) {
        json[QStringLiteral("width")] = size[0].toInt();
        json[QStringLiteral("height")] = size[1].toInt();
    }
    return requestFromJson(json, request, error);
}

ResultSettings readResultSettings(const QString& path, const MediaTagsReader& readVideoTags)
{
    ResultSettings result;
    const QFileInfo info(path);
    if (!info.isFile()) {
        result.error = QCoreApplication::translate("GalleryModel", "%1 does not exist or is not a file.")
                           .arg(native(path));
        return result;
    }
    const QString suffix = info.suffix().toLower();
    const auto fromSettingsFile = [&result](const QString& file) {
        QString error;
        const QJsonObject object = readJsonObject(file, &error);
        if (error.isEmpty() && !requestFromJson(object, &result.request, &error))
            error =
                QCoreApplication::translate("GalleryModel", "%1 holds settings Wan Studio cannot read: %2")
                    .arg(native(file), error);
        result.error = error;
        result.exact = error.isEmpty();
        result.source = file;
        return error.isEmpty();
    };
    if (suffix == QLatin1String("json")) {
        fromSettingsFile(info.absoluteFilePath());
        return result;
    }
    if (suffix != QLatin1String("mp4") && suffix != QLatin1String("png")) {
        result.error =
            QCoreApplication::translate(
                "GalleryModel",
                "%1 is not a result of Wan Studio: drop an MP4 or PNG it made, or a settings.json.")
                .arg(native(path));
        return result;
    }
    // The job folder's settings.json, when it describes this very file.
    const QString beside = info.dir().filePath(QLatin1String(kSettingsFile));
    if (QFileInfo(beside).isFile()) {
        QString error;
        const QJsonObject object = readJsonObject(beside, &error);
        wan::Request request;
        if (error.isEmpty() && requestFromJson(object, &request) &&
            QFileInfo(pathString(request.outputPath)).fileName() == info.fileName()) {
            result.request = request;
            result.exact = true;
            result.source = beside;
            return result;
        }
    }
    QString error;
    QJsonObject tags;
    if (suffix == QLatin1String("png"))
        tags = pngTags(info.absoluteFilePath(), &error);
    else if (readVideoTags)
        tags = readVideoTags(info.absoluteFilePath(), &error);
    else
        error =
            QCoreApplication::translate(
                "GalleryModel",
                "This build cannot read video metadata; drop the settings.json from the job folder of %1.")
                .arg(native(path));
    if (!error.isEmpty()) {
        result.error = error;
        return result;
    }
    QString reason;
    if (tags.isEmpty() || !requestFromMediaTags(tags, &result.request, &reason)) {
        result.error = notMadeHere(path);
        return result;
    }
    result.source = info.absoluteFilePath();
    return result;
}

GalleryModel::GalleryModel(RenderQueueModel* queue, VideoFrameReader readVideo, QObject* parent)
    : QAbstractListModel(parent), m_queue(queue), m_readVideo(std::move(readVideo)),
      m_scanner(new GalleryArchiveScanner(this))
{
    m_pool.setMaxThreadCount(1);
    connect(m_scanner, &GalleryArchiveScanner::resultsFound, this, &GalleryModel::onArchiveResults);
    connect(m_scanner, &GalleryArchiveScanner::scanFinished, this, &GalleryModel::onArchiveScanFinished);
    connect(queue, &QAbstractItemModel::modelReset, this, &GalleryModel::rebuild);
    connect(queue, &QAbstractItemModel::rowsInserted, this, &GalleryModel::rebuild);
    connect(queue, &QAbstractItemModel::rowsRemoved, this, &GalleryModel::rebuild);
    connect(queue, &QAbstractItemModel::rowsMoved, this, &GalleryModel::rebuild);
    connect(queue, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& from, const QModelIndex& to) {
                // Progress ticks of the running job change nothing here; a job that finished (or was edited)
                // does.
                for (int row = from.row(); row <= to.row(); ++row) {
                    const RenderJob* job = m_queue->job(m_queue->idAt(row));
                    if (!job)
                        continue;
                    const bool shown = m_ids.contains(job->id);
                    if (shown || job->state == JobState::Done) {
                        rebuild();
                        return;
                    }
                }
            });
    rebuild();
}

GalleryModel::~GalleryModel()
{
    m_pool.clear();
    m_pool.waitForDone();
}

void GalleryModel::waitForThumbnails()
{
    m_pool.waitForDone();
    QCoreApplication::sendPostedEvents(this);
}

void GalleryModel::rebuild()
{
    const auto matches = [this](const RenderJob& job) {
        return m_filter.isEmpty() ||
               QString::fromStdString(job.request.prompt).contains(m_filter, Qt::CaseInsensitive) ||
               QString::fromStdString(job.request.originalPrompt).contains(m_filter, Qt::CaseInsensitive);
    };
    QList<const RenderJob*> jobs;
    QSet<QUuid> inQueue; // the queue's results by their archive id: the same file is one entry
    for (const RenderJob& job : m_queue->jobs()) {
        if (job.state != JobState::Done || job.outputPath.isEmpty() || !QFileInfo(job.outputPath).isFile())
            continue;
        if (!m_archive.isEmpty())
            inQueue.insert(archivedResultId(job.outputPath));
        if (matches(job))
            jobs.append(&job);
    }
    // An archived result not shown until now (hidden behind its queue job, or filtered out) is looked for
    // again: its folder may have gone to the trash meanwhile. Shown ones are checked by the next scan.
    const QSet<QUuid> shown(m_ids.cbegin(), m_ids.cend());
    QList<QUuid> gone;
    for (const RenderJob& job : std::as_const(m_archive)) {
        if (inQueue.contains(job.id) || !matches(job))
            continue;
        if (!shown.contains(job.id) && !QFileInfo(job.outputPath).isFile()) {
            gone.append(job.id);
            continue;
        }
        jobs.append(&job);
    }
    std::stable_sort(jobs.begin(), jobs.end(), [](const RenderJob* a, const RenderJob* b) {
        if (a->finishedAt != b->finishedAt)
            return a->finishedAt > b->finishedAt; // newest first
        return a->outputPath > b->outputPath;     // same time: job folder names start with date and time
    });
    QList<QUuid> ids;
    ids.reserve(jobs.size());
    for (const RenderJob* job : jobs)
        ids.append(job->id);
    for (const QUuid& id : gone)
        m_archive.remove(id); // after the last use of `jobs`, which points into m_archive
    if (ids == m_ids) {
        if (!m_ids.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_ids.size()) - 1));
        return;
    }
    applyIds(ids);
}

// Rows only added (a batch of archived results) go in as rows, keeping the view's selection and scroll
// position; anything else resets the model (a view moves its selection to a neighbour of a removed row, and
// the dock keeps the selected result across a reset only while it is still shown).
void GalleryModel::applyIds(const QList<QUuid>& ids)
{
    const auto isSubsequence = [](const QList<QUuid>& part, const QList<QUuid>& whole) {
        qsizetype j = 0;
        for (const QUuid& id : whole)
            if (j < part.size() && part[j] == id)
                ++j;
        return j == part.size();
    };
    if (ids.size() > m_ids.size() && isSubsequence(m_ids, ids)) {
        int row = 0;
        for (int i = 0; i < ids.size();) {
            if (row < m_ids.size() && m_ids[row] == ids[i]) {
                ++row;
                ++i;
                continue;
            }
            int end = i;
            while (end < ids.size() && (row >= m_ids.size() || m_ids[row] != ids[end]))
                ++end;
            beginInsertRows({}, row, row + (end - i) - 1);
            for (int k = i; k < end; ++k)
                m_ids.insert(row + (k - i), ids[k]);
            endInsertRows();
            row += end - i;
            i = end;
        }
        return;
    }
    beginResetModel();
    m_ids = ids;
    endResetModel();
}

void GalleryModel::setArchiveFolders(const QStringList& folders)
{
    m_archiveFolders = folders;
    refreshArchive();
}

void GalleryModel::refreshArchive()
{
    m_scanSeen.clear();
    m_scanning = true;
    m_scan = m_scanner->scan(m_archiveFolders);
}

void GalleryModel::onArchiveResults(int scan, const QList<RenderJob>& results)
{
    if (scan != m_scan)
        return;
    for (const RenderJob& job : results) {
        m_scanSeen.insert(job.id);
        m_archive.insert(job.id, job);
    }
    rebuild();
}

void GalleryModel::onArchiveScanFinished(int scan, bool capped)
{
    if (scan != m_scan)
        return;
    m_scanning = false;
    m_archiveCapped = capped;
    // What the scan no longer found (deleted, moved, or in an output folder no longer shown) goes.
    for (auto it = m_archive.begin(); it != m_archive.end();) {
        if (m_scanSeen.contains(it.key())) {
            ++it;
        } else {
            m_thumbnails.remove(it.key());
            it = m_archive.erase(it);
        }
    }
    m_scanSeen.clear();
    rebuild();
    Q_EMIT archiveScanFinished();
}

void GalleryModel::setFilter(const QString& text)
{
    const QString filter = text.trimmed();
    if (filter == m_filter)
        return;
    m_filter = filter;
    rebuild();
}

int GalleryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

QUuid GalleryModel::idAt(int row) const
{
    return row >= 0 && row < m_ids.size() ? m_ids[row] : QUuid();
}

int GalleryModel::rowOf(const QUuid& id) const
{
    return int(m_ids.indexOf(id));
}

const RenderJob* GalleryModel::job(const QUuid& id) const
{
    return jobAt(int(m_ids.indexOf(id)));
}

const RenderJob* GalleryModel::jobAt(int row) const
{
    if (row < 0 || row >= m_ids.size())
        return nullptr;
    const QUuid& id = m_ids[row];
    if (const RenderJob* queued = m_queue->job(id))
        return queued;
    const auto it = m_archive.constFind(id);
    return it != m_archive.constEnd() ? &*it : nullptr;
}

bool GalleryModel::isArchived(const QUuid& id) const
{
    return m_ids.contains(id) && !m_queue->job(id) && m_archive.contains(id);
}

QString GalleryModel::settingsText(const RenderJob& job) const
{
    const wan::Request& r = job.request;
    QStringList lines;
    lines << QString::fromStdString(r.prompt);
    if (!r.originalPrompt.empty())
        lines << tr("Your prompt: %1").arg(QString::fromStdString(r.originalPrompt));
    lines << tr("%1 · %2×%3 · %4 frames").arg(taskText(r.task)).arg(r.width).arg(r.height).arg(r.frameNum);
    lines << tr("Seed %1 · %2 steps · shift %3 · guidance %4")
                 .arg(r.seed)
                 .arg(r.steps)
                 .arg(QLocale().toString(r.shift, 'g', 4), QLocale().toString(r.guideScale, 'g', 4));
    if (job.variation.isValid())
        lines << (job.variation.kept ? tr("Variation %1 of %2 (%3), kept") : tr("Variation %1 of %2 (%3)"))
                     .arg(job.variation.index + 1)
                     .arg(job.variation.count)
                     .arg(variationLabel(r, job.variation));
    if (job.seconds > 0)
        lines << tr("Finished %1 in %2 s")
                     .arg(QLocale().toString(job.finishedAt, QLocale::ShortFormat))
                     .arg(qRound(job.seconds));
    else if (isArchived(job.id))
        lines << tr("From the output folder, saved %1")
                     .arg(QLocale().toString(job.finishedAt, QLocale::ShortFormat));
    lines << native(job.outputPath);
    return lines.join(QLatin1Char('\n'));
}

QVariant GalleryModel::data(const QModelIndex& index, int role) const
{
    const RenderJob* job = index.isValid() ? jobAt(index.row()) : nullptr;
    if (!job)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return QString::fromStdString(job->request.prompt).simplified();
    case Qt::ToolTipRole:
    case SettingsRole:
        return settingsText(*job);
    case Qt::DecorationRole:
        return thumbnail(*job);
    case JobIdRole:
        return job->id;
    case PathRole:
        return job->outputPath;
    case PromptRole:
        return QString::fromStdString(job->request.prompt);
    default:
        return {};
    }
}

Qt::ItemFlags GalleryModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled | Qt::ItemNeverHasChildren;
}

QStringList GalleryModel::mimeTypes() const
{
    return {QStringLiteral("text/uri-list")};
}

QMimeData* GalleryModel::mimeData(const QModelIndexList& indexes) const
{
    QList<QUrl> urls;
    for (const QModelIndex& index : indexes)
        if (const RenderJob* job = jobAt(index.row()))
            urls.append(QUrl::fromLocalFile(QFileInfo(job->outputPath).absoluteFilePath()));
    if (urls.isEmpty())
        return nullptr;
    auto* mime = new QMimeData;
    mime->setUrls(urls);
    return mime;
}

Qt::DropActions GalleryModel::supportedDragActions() const
{
    return Qt::CopyAction;
}

QImage GalleryModel::thumbnail(const RenderJob& job) const
{
    if (const auto it = m_thumbnails.constFind(job.id); it != m_thumbnails.constEnd())
        return *it;
    QImage image;
    const bool picture =
        QFileInfo(job.outputPath).suffix().compare(QLatin1String("png"), Qt::CaseInsensitive) == 0;
    if (picture) {
        QImageReader reader(job.outputPath);
        reader.setAutoTransform(true);
        image = letterboxed(reader.read(), kThumbnailSize);
    } else {
        if (m_readVideo)
            decodeThumbnail(job.id, job.outputPath);
        // Until the video's first frame is decoded (or without a decoder): the inputs or the first preview.
        image = letterboxed(inputThumbnail(job.request, kThumbnailSize), kThumbnailSize);
        if (image.isNull() && !job.thumbnailPath.isEmpty())
            image = letterboxed(QImage(job.thumbnailPath), kThumbnailSize);
    }
    m_thumbnails.insert(job.id, image);
    return image;
}

void GalleryModel::decodeThumbnail(const QUuid& id, const QString& path) const
{
    // The pool is the model's own and the destructor waits for it: `this` outlives every task.
    auto* self = const_cast<GalleryModel*>(this);
    m_pool.start([self, id, path, read = m_readVideo] {
        const SourceFrames frames = read(path);
        const QImage image = letterboxed(frames.first, kThumbnailSize);
        if (image.isNull())
            return;
        QMetaObject::invokeMethod(
            self,
            [self, id, image] {
                self->m_thumbnails.insert(id, image);
                if (const int row = self->rowOf(id); row >= 0)
                    Q_EMIT self->dataChanged(self->index(row), self->index(row), {Qt::DecorationRole});
                Q_EMIT self->thumbnailReady(id);
            },
            Qt::QueuedConnection);
    });
}

bool GalleryModel::moveToTrash(const QUuid& id, QString* error)
{
    const RenderJob* job = this->job(id);
    if (!job) {
        *error = tr("That result is no longer in the gallery.");
        return false;
    }
    if (isArchived(id))
        return moveArchivedToTrash(id, error);
    // Only what the app made: the result inside its job folder, next to the settings.json the app wrote.
    const QString folder = job->folder;
    const bool ownFolder = !folder.isEmpty() && QFileInfo(folder).isDir() &&
                           QFileInfo(QDir(folder).filePath(QLatin1String(kSettingsFile))).isFile() &&
                           sameFile(QFileInfo(job->outputPath).absolutePath(), folder);
    if (!ownFolder) {
        *error = tr("%1 is not in a job folder made by Wan Studio; it was left alone.")
                     .arg(native(job->outputPath));
        return false;
    }
    if (!QFile::moveToTrash(folder)) {
        *error = tr("Could not move %1 to the trash. Check that the folder is writable; on some drives "
                    "there is no trash.")
                     .arg(native(folder));
        return false;
    }
    m_thumbnails.remove(id);
    m_archive.remove(archivedResultId(job->outputPath)); // the same file, found in the output folder
    m_queue->removeJob(id);
    return true;
}

bool GalleryModel::moveArchivedToTrash(const QUuid& id, QString* error)
{
    const RenderJob archived = m_archive.value(id);
    const QString folder = archived.folder;
    // A job folder, never an output folder itself, whose settings.json names this very file.
    bool ownFolder = !folder.isEmpty() && isInOwnJobFolder(archived.outputPath) &&
                     sameFile(QFileInfo(archived.outputPath).absolutePath(), folder);
    for (const QString& root : std::as_const(m_archiveFolders))
        ownFolder = ownFolder && !sameFile(root, folder);
    if (!ownFolder) {
        *error = tr("%1 is not in a job folder made by Wan Studio; it was left alone.")
                     .arg(native(archived.outputPath));
        return false;
    }
    if (!QFile::moveToTrash(folder)) {
        *error = tr("Could not move %1 to the trash. Check that the folder is writable; on some drives "
                    "there is no trash.")
                     .arg(native(folder));
        return false;
    }
    m_thumbnails.remove(id);
    m_archive.remove(id);
    rebuild();
    return true;
}

} // namespace wan::ui
