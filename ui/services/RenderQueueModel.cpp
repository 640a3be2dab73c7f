#include "RenderQueueModel.h"

#include "JobInputs.h"
#include "JobThumbnail.h"
#include "QueueStore.h"
#include "StageEta.h"

#include <QDataStream>
#include <QDir>
#include <QFileInfo>
#include <QIODevice>
#include <QMimeData>
#include <QTextDocument>
#include <QTimer>
#include <QUuid>

#include <algorithm>

namespace wan::ui {

namespace {
const QString kMimeType = QStringLiteral("application/x-wan-studio-job-ids");
constexpr int kThumbnailHeight = 40;
constexpr int kThumbnailMaxWidth = 80; // the dock's preview column is 84 px wide

QString formatEta(double seconds)
{
    return QString::fromStdString(wan::formatClock(seconds));
}

// Tool tips render anything that looks like HTML; errors and extended prompts may come from a server: shown
// as the text they are (escaped), never as markup.
QString literalTip(const QString& text)
{
    return Qt::convertFromPlainText(text, Qt::WhiteSpaceNormal);
}
} // namespace

RenderQueueModel::RenderQueueModel(QueueStore* store, QObject* parent)
    : QAbstractTableModel(parent), m_store(store), m_saveTimer(new QTimer(this))
{
    m_saveTimer->setSingleShot(true);
    m_saveTimer->setInterval(kDefaultSaveDelayMs);
    connect(m_saveTimer, &QTimer::timeout, this, &RenderQueueModel::flush);
}

RenderQueueModel::~RenderQueueModel()
{
    flush();
}

int RenderQueueModel::saveDelayMs() const
{
    return m_saveTimer->interval();
}

void RenderQueueModel::setSaveDelayMs(int ms)
{
    m_saveTimer->setInterval(std::max(0, ms));
}

void RenderQueueModel::setFinishedJobLimit(int jobs)
{
    m_finishedJobLimit = std::max(0, jobs);
}

void RenderQueueModel::setEtaSource(EtaSource source)
{
    m_etaSource = std::move(source);
    refreshEta();
}

void RenderQueueModel::refreshEta()
{
    if (!m_jobs.isEmpty())
        Q_EMIT dataChanged(index(0, EtaColumn), index(int(m_jobs.size()) - 1, EtaColumn),
                           {Qt::DisplayRole, EtaSecondsRole});
}

double RenderQueueModel::etaSeconds(int row) const
{
    const StageCostStore* costs = m_etaSource.costs ? m_etaSource.costs() : nullptr;
    if (!costs || row < 0 || row >= m_jobs.size())
        return -1.0;
    const std::optional<QUuid> running = runningJob();
    const double remaining =
        running && m_etaSource.runningRemaining ? m_etaSource.runningRemaining(*running) : -1.0;
    if (running && *running == m_jobs[row].id && remaining < 0)
        return -1.0; // not known yet (a moment at the start): no figure rather than a wrong one
    // A running job whose remaining time is not known yet still has the models loaded for the next.
    return jobEtaSeconds(m_jobs, *costs, running ? std::max(0.0, remaining) : -1.0).value(row, -1.0);
}

int RenderQueueModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}
int RenderQueueModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RenderQueueModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_jobs.size())
        return {};
    const RenderJob& job = m_jobs[index.row()];
    if (role == JobIdRole)
        return job.id;
    if (role == StateRole)
        return int(job.state);
    if (role == ProgressRole)
        return job.progress;
    if (role == EtaSecondsRole)
        return etaSeconds(index.row());
    const auto& r = job.request;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case PromptColumn:
            return QString::fromStdString(r.prompt).simplified();
        case TaskColumn:
            return taskText(r.task);
        case SizeColumn:
            return QStringLiteral("%1×%2").arg(r.width).arg(r.height);
        case FramesColumn:
            return r.task == wan::Task::T2I ? 1 : r.frameNum;
        case StateColumn:
            return m_held.contains(job.id) && isPending(job.state) ? tr("Being edited")
                                                                   : jobStateText(job.state);
        case ProgressColumn:
            return QStringLiteral("%1%").arg(int(job.progress * 100.0 + 0.5));
        case EtaColumn: {
            const double seconds = etaSeconds(index.row());
            return seconds >= 0 ? formatEta(seconds) : QString();
        }
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == StateColumn && !job.error.isEmpty())
            return literalTip(job.error);
        if (index.column() == PromptColumn && !r.originalPrompt.empty())
            return literalTip(
                tr("%1\n\nExtended from: %2")
                    .arg(QString::fromStdString(r.prompt), QString::fromStdString(r.originalPrompt)));
        if (index.column() == PromptColumn)
            return literalTip(QString::fromStdString(r.prompt));
    }
    if (role == Qt::DecorationRole && index.column() == ThumbnailColumn) {
        if (!job.thumbnailPath.isEmpty())
            return thumbnail(job.thumbnailPath);
        if (const QImage inputs = inputThumbnailImage(r); !inputs.isNull())
            return inputs;
    }
    return {};
}

QVariant RenderQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ThumbnailColumn:
        return tr("Preview");
    case PromptColumn:
        return tr("Prompt");
    case TaskColumn:
        return tr("Task");
    case SizeColumn:
        return tr("Size");
    case FramesColumn:
        return tr("Frames");
    case StateColumn:
        return tr("State");
    case ProgressColumn:
        return tr("Progress");
    case EtaColumn:
        return tr("ETA");
    default:
        return {};
    }
}

Qt::ItemFlags RenderQueueModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
}

Qt::DropActions RenderQueueModel::supportedDropActions() const
{
    return Qt::MoveAction;
}
QStringList RenderQueueModel::mimeTypes() const
{
    return {kMimeType};
}

QMimeData* RenderQueueModel::mimeData(const QModelIndexList& indexes) const
{
    QByteArray bytes;
    QDataStream stream(&bytes, QIODevice::WriteOnly);
    QList<int> rows;
    for (const auto& index : indexes)
        if (index.isValid() && !rows.contains(index.row()))
            rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    for (int row : rows)
        stream << m_jobs[row].id;
    auto* mime = new QMimeData;
    mime->setData(kMimeType, bytes);
    return mime;
}

bool RenderQueueModel::canDropMimeData(const QMimeData* data, Qt::DropAction action, int, int,
                                       const QModelIndex&) const
{
    return data && data->hasFormat(kMimeType) && action == Qt::MoveAction;
}

bool RenderQueueModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int,
                                    const QModelIndex& parent)
{
    if (!canDropMimeData(data, action, row, 0, parent))
        return false;
    int target = row >= 0 ? row : (parent.isValid() ? parent.row() : int(m_jobs.size()));
    QList<QUuid> ids;
    QDataStream stream(data->data(kMimeType));
    while (!stream.atEnd()) {
        QUuid id;
        stream >> id;
        ids.append(id);
    }
    for (const QUuid& id : ids) {
        const int from = rowOf(id);
        if (from < 0)
            continue;
        const int to = from < target ? target - 1 : target;
        moveJob(from, to);
        target = to + 1;
    }
    // The move is already done: returning false stops the view from also removing the dragged rows.
    return false;
}

int RenderQueueModel::rowOf(const QUuid& id) const
{
    for (int i = 0; i < m_jobs.size(); ++i)
        if (m_jobs[i].id == id)
            return i;
    return -1;
}

const RenderJob* RenderQueueModel::job(const QUuid& id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_jobs[row];
}

QUuid RenderQueueModel::idAt(int row) const
{
    return row >= 0 && row < m_jobs.size() ? m_jobs[row].id : QUuid();
}

void RenderQueueModel::setJobs(QList<RenderJob> jobs)
{
    beginResetModel();
    m_jobs = std::move(jobs);
    endResetModel();
}

QUuid RenderQueueModel::addJob(RenderJob job)
{
    job.id = QUuid::createUuid();
    job.state = JobState::Queued;
    job.progress = 0.0;
    job.etaSeconds = -1.0;
    if (!job.createdAt.isValid())
        job.createdAt = QDateTime::currentDateTime();
    const int row = int(m_jobs.size());
    beginInsertRows({}, row, row);
    m_jobs.append(job);
    endInsertRows();
    persist();
    return job.id;
}

bool RenderQueueModel::removeJob(const QUuid& id)
{
    const int row = rowOf(id);
    if (row < 0 || m_jobs[row].state == JobState::Running)
        return false;
    const wan::Request gone = m_jobs[row].request;
    beginRemoveRows({}, row, row);
    m_jobs.removeAt(row);
    endRemoveRows();
    m_held.remove(id);
    releaseInputs(gone);
    persist();
    return true;
}

bool RenderQueueModel::moveJob(int fromRow, int toRow)
{
    const int count = int(m_jobs.size());
    if (fromRow < 0 || fromRow >= count || toRow < 0 || toRow >= count)
        return false;
    if (fromRow == toRow)
        return true;
    // beginMoveRows takes the destination as "insert before" in the old numbering.
    if (!beginMoveRows({}, fromRow, fromRow, {}, toRow > fromRow ? toRow + 1 : toRow))
        return false;
    m_jobs.move(fromRow, toRow);
    endMoveRows();
    persist();
    return true;
}

QUuid RenderQueueModel::duplicateJob(const QUuid& id)
{
    const int row = rowOf(id);
    if (row < 0)
        return {};
    RenderJob copy;
    copy.id = QUuid::createUuid();
    copy.request = m_jobs[row].request;
    copy.request.outputPath.clear();
    copy.request.latentsPath.clear();
    copy.request.resumeStatePath.clear(); // the copy never continues the original's steps
    copy.thumbnailPath = m_jobs[row].request.task == wan::Task::I2V ? m_jobs[row].thumbnailPath : QString();
    copy.createdAt = QDateTime::currentDateTime();
    beginInsertRows({}, row + 1, row + 1);
    m_jobs.insert(row + 1, copy);
    endInsertRows();
    persist();
    return copy.id;
}

bool RenderQueueModel::updatePendingRequest(const QUuid& id, const wan::Request& request)
{
    const int row = rowOf(id);
    if (row < 0 || !isPending(m_jobs[row].state))
        return false;
    // Latents and a checkpoint saved by an earlier run belong to the old settings: the edited job samples
    // again.
    clearJobCheckpoint(m_jobs[row]);
    const wan::Request old = m_jobs[row].request;
    m_jobs[row].request = request;
    m_jobs[row].request.resumeStatePath.clear();
    releaseInputs(old);
    rowChanged(row);
    return true;
}

bool RenderQueueModel::stageInputs(wan::Request* request, QString* error) const
{
    return stageJobInputs(request, m_inputStash, error);
}

void RenderQueueModel::pruneInputStash()
{
    if (m_inputStash.isEmpty())
        return;
    QStringList used;
    for (const RenderJob& job : m_jobs)
        used += stagedInputFolders(job.request, m_inputStash);
    const QDir stash(m_inputStash);
    // Only the folders stageJobInputs() makes (named by a UUID): nothing else a user put there is touched.
    for (const QString& name : stash.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (QUuid::fromString(name).isNull())
            continue;
        const QString folder = QDir::cleanPath(QFileInfo(stash.filePath(name)).absoluteFilePath());
        if (!used.contains(folder))
            QDir(folder).removeRecursively();
    }
}

void RenderQueueModel::releaseInputs(const wan::Request& gone)
{
    if (!m_inputStash.isEmpty())
        releaseJobInputs(gone, m_jobs, m_inputStash);
}

bool RenderQueueModel::pauseJob(const QUuid& id)
{
    const int row = rowOf(id);
    if (row < 0 || m_jobs[row].state != JobState::Queued)
        return false;
    m_jobs[row].state = JobState::Paused;
    rowChanged(row);
    return true;
}

bool RenderQueueModel::resumeJob(const QUuid& id)
{
    const int row = rowOf(id);
    if (row < 0 || m_jobs[row].state != JobState::Paused)
        return false;
    m_jobs[row].state = JobState::Queued;
    rowChanged(row);
    return true;
}

bool RenderQueueModel::retryJob(const QUuid& id)
{
    const int row = rowOf(id);
    if (row < 0 || (m_jobs[row].state != JobState::Failed && m_jobs[row].state != JobState::Cancelled))
        return false;
    RenderJob& job = m_jobs[row];
    job.state = JobState::Queued;
    job.progress = 0.0;
    job.etaSeconds = -1.0;
    job.error.clear();
    job.finishedAt = {};
    clearJobCheckpoint(job); // a retry runs the whole job, not the decode or the steps that failed
    rowChanged(row);
    return true;
}

bool RenderQueueModel::cancelPendingJob(const QUuid& id)
{
    const int row = rowOf(id);
    if (row < 0 || !isPending(m_jobs[row].state))
        return false;
    m_jobs[row].state = JobState::Cancelled;
    m_jobs[row].finishedAt = QDateTime::currentDateTime();
    rowChanged(row);
    return true;
}

bool RenderQueueModel::holdJob(const QUuid& id)
{
    const int row = rowOf(id);
    if (row < 0 || !isPending(m_jobs[row].state))
        return false;
    m_held.insert(id);
    // Not persisted (see the header): only the view changes.
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    return true;
}

void RenderQueueModel::releaseJob(const QUuid& id)
{
    if (!m_held.remove(id))
        return;
    // The runner listens to dataChanged: a released Queued job may start now.
    if (const int row = rowOf(id); row >= 0)
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

bool RenderQueueModel::keepVariation(const QUuid& id)
{
    const int row = rowOf(id);
    if (row < 0 || m_jobs[row].state != JobState::Done || !m_jobs[row].variation.isValid())
        return false;
    const QUuid group = m_jobs[row].variation.group;
    for (int i = 0; i < m_jobs.size(); ++i) {
        VariationTag& tag = m_jobs[i].variation;
        const bool kept = i == row;
        if (tag.group == group && tag.kept != kept) {
            tag.kept = kept;
            rowChanged(i);
        }
    }
    return true;
}

bool RenderQueueModel::markRunning(const QUuid& id, const wan::Request& request, const QString& folder)
{
    const int row = rowOf(id);
    if (row < 0 || m_jobs[row].state != JobState::Queued || runningJob())
        return false;
    RenderJob& job = m_jobs[row];
    job.state = JobState::Running;
    job.request = request;
    job.folder = folder;
    job.latentsPath = QString::fromStdString(request.latentsPath.string());
    job.progress = 0.0;
    job.etaSeconds = -1.0;
    job.error.clear();
    rowChanged(row);
    return true;
}

bool RenderQueueModel::pauseRunningJob(const QUuid& id)
{
    const int row = rowOf(id);
    if (row < 0 || m_jobs[row].state != JobState::Running)
        return false;
    m_jobs[row].state = JobState::Paused;
    m_jobs[row].etaSeconds = -1.0;
    rowChanged(row);
    return true;
}

bool RenderQueueModel::setRunningRequest(const QUuid& id, const wan::Request& request)
{
    const int row = rowOf(id);
    if (row < 0 || m_jobs[row].state != JobState::Running)
        return false;
    m_jobs[row].request = request;
    rowChanged(row);
    return true;
}

void RenderQueueModel::setProgress(const QUuid& id, const JobProgress& progress)
{
    const int row = rowOf(id);
    if (row < 0 || m_jobs[row].state != JobState::Running)
        return;
    RenderJob& job = m_jobs[row];
    const double fraction = wan::stageProgress(progress.stage, progress.step, progress.totalSteps);
    job.progress = std::max(job.progress, fraction);
    job.etaSeconds = progress.etaSeconds;
    const QModelIndex first = index(row, ProgressColumn);
    const QModelIndex last = index(row, EtaColumn);
    Q_EMIT dataChanged(first, last);
    // Progress stays in memory: a restart requeues a running job anyway.
}

void RenderQueueModel::setThumbnail(const QUuid& id, const QString& path)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_thumbnails.remove(path);
    m_jobs[row].thumbnailPath = path;
    rowChanged(row);
}

bool RenderQueueModel::finishJob(const QUuid& id, const JobOutcome& outcome)
{
    const int row = rowOf(id);
    if (row < 0 || m_jobs[row].state != JobState::Running)
        return false;
    RenderJob& job = m_jobs[row];
    switch (outcome.status) {
    case wan::JobStatus::Done:
        job.state = JobState::Done;
        break;
    case wan::JobStatus::Failed:
        job.state = JobState::Failed;
        break;
    case wan::JobStatus::Cancelled:
        job.state = JobState::Cancelled;
        break;
    }
    if (job.state == JobState::Done) {
        job.progress = 1.0;
        job.outputPath = outcome.outputPath;
        job.resumeLatents.clear();
    }
    if (!outcome.latentsPath.isEmpty())
        job.latentsPath = outcome.latentsPath;
    if (outcome.seed >= 0 && job.state == JobState::Done)
        job.request.seed = outcome.seed;
    job.error = outcome.error;
    job.etaSeconds = -1.0;
    job.seconds = outcome.seconds;
    job.finishedAt = QDateTime::currentDateTime();
    rowChanged(row);
    return true;
}

std::optional<QUuid> RenderQueueModel::nextQueued() const
{
    for (const auto& job : m_jobs)
        if (job.state == JobState::Queued && !m_held.contains(job.id))
            return job.id;
    return std::nullopt;
}

std::optional<QUuid> RenderQueueModel::runningJob() const
{
    for (const auto& job : m_jobs)
        if (job.state == JobState::Running)
            return job.id;
    return std::nullopt;
}

void RenderQueueModel::persist()
{
    if (!m_store)
        return;
    m_unsaved = true;
    // Not restarted by later changes: a busy queue is still written at least every saveDelayMs().
    if (!m_saveTimer->isActive())
        m_saveTimer->start();
}

void RenderQueueModel::flush()
{
    m_saveTimer->stop();
    if (!m_store || !m_unsaved)
        return;
    m_unsaved = false;
    QString error;
    QList<RenderJob> kept = m_jobs;
    const QList<RenderJob> archived = QueueStore::takeArchivable(kept, m_finishedJobLimit);
    if (!archived.isEmpty()) {
        // Archived first: a crash before the queue is written leaves a job in both files, never in neither.
        if (m_store->appendToArchive(archived, &error)) {
            for (const auto& job : archived) {
                const int row = rowOf(job.id);
                beginRemoveRows({}, row, row);
                m_jobs.removeAt(row);
                endRemoveRows();
            }
            // An archived job is a record, not something to run again: its copied pictures go once no
            // job in the queue uses them.
            for (const auto& job : archived)
                releaseInputs(job.request);
        } else {
            Q_EMIT saveFailed(error);
            error.clear();
        }
    }
    if (!m_store->save(m_jobs, &error))
        Q_EMIT saveFailed(error);
}

void RenderQueueModel::rowChanged(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    persist();
}

QImage RenderQueueModel::inputThumbnailImage(const wan::Request& request) const
{
    const QStringList sources = inputThumbnailSources(request);
    if (sources.isEmpty())
        return {};
    const QString key = QStringLiteral("inputs:") + sources.join(QLatin1Char('\n'));
    auto it = m_thumbnails.find(key);
    if (it == m_thumbnails.end())
        it = m_thumbnails.insert(key, inputThumbnail(request, QSize(kThumbnailMaxWidth, kThumbnailHeight)));
    return *it;
}

QImage RenderQueueModel::thumbnail(const QString& path) const
{
    auto it = m_thumbnails.find(path);
    if (it == m_thumbnails.end()) {
        QImage image;
        if (image.load(path))
            image = image.scaledToHeight(kThumbnailHeight, Qt::SmoothTransformation);
        it = m_thumbnails.insert(path, image);
    }
    return *it;
}

} // namespace wan::ui
