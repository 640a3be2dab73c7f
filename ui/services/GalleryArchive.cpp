#include "GalleryArchive.h"

#include "GalleryModel.h"
#include "VariationTag.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>

#include <spdlog/spdlog.h>

namespace wan::ui {

namespace {
constexpr const char* kSettingsFile = "settings.json";
constexpr qint64 kMaxSettingsBytes =
    4 * 1024 * 1024;                       // a settings.json is a few kB; anything larger is not one
constexpr qint64 kBatchMilliseconds = 100; // what was found is handed over at least this often

// A fixed namespace for the name-based ids of archived results.
const QUuid kArchiveNamespace(QStringLiteral("{5b0e3c52-8f0d-4d8e-9b1c-3c9a7f1e2d40}"));

QString stablePath(const QFileInfo& info)
{
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical;
}
} // namespace

QUuid archivedResultId(const QString& outputPath)
{
    return QUuid::createUuidV5(kArchiveNamespace, stablePath(QFileInfo(outputPath)));
}

std::optional<RenderJob> readArchivedResult(const QString& jobFolder)
{
    const QDir folder(jobFolder);
    QFile file(folder.filePath(QLatin1String(kSettingsFile)));
    if (file.size() > kMaxSettingsBytes || !file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QJsonParseError parse;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parse);
    if (parse.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    const QJsonObject settings = document.object();
    RenderJob job;
    if (!requestFromJson(settings, &job.request))
        return std::nullopt;
    // The file the settings name, looked for in this folder (the folder may have moved since).
    const QString name = QFileInfo(QString::fromStdString(job.request.outputPath.string())).fileName();
    if (name.isEmpty() || !isResultFile(name) || name.compare(QLatin1String(kSettingsFile)) == 0)
        return std::nullopt;
    const QFileInfo output(folder.filePath(name));
    if (!output.isFile())
        return std::nullopt;
    job.outputPath = stablePath(output);
    job.folder = output.absolutePath();
    job.id = archivedResultId(job.outputPath);
    job.state = JobState::Done;
    job.progress = 1.0;
    job.request.outputPath = job.outputPath.toStdString();
    job.finishedAt = output.lastModified();
    job.createdAt = QFileInfo(file).lastModified();
    if (const QString thumbnail = folder.filePath(QStringLiteral("thumbnail.png"));
        QFileInfo(thumbnail).isFile())
        job.thumbnailPath = thumbnail;
    if (const auto tag = variationTagFromJson(settings.value(QLatin1String("variation"))))
        job.variation = *tag;
    return job;
}

bool isInOwnJobFolder(const QString& outputPath)
{
    const QFileInfo info(outputPath);
    if (!info.isFile())
        return false;
    const std::optional<RenderJob> job = readArchivedResult(info.absolutePath());
    return job && job->outputPath == stablePath(info);
}

QList<RenderJob> scanResultFolder(const QString& root, int limit)
{
    QList<RenderJob> results;
    // Job folder names start with the date and time: in reverse name order the newest come first.
    const QFileInfoList folders =
        QDir(root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
    for (const QFileInfo& folder : folders) {
        if (results.size() >= limit)
            break;
        if (auto job = readArchivedResult(folder.absoluteFilePath()))
            results.append(std::move(*job));
    }
    return results;
}

GalleryArchiveScanner::GalleryArchiveScanner(QObject* parent) : QObject(parent)
{
    m_pool.setMaxThreadCount(1);
}

GalleryArchiveScanner::~GalleryArchiveScanner()
{
    ++*m_current; // the scan under way stops at its next folder
    m_pool.clear();
    m_pool.waitForDone();
}

int GalleryArchiveScanner::scan(const QStringList& roots)
{
    const int scan = ++*m_current;
    m_scanning = true;
    m_pool.start([this, scan, roots, current = m_current, batchSize = m_batchSize, limit = m_limit] {
        QElapsedTimer timer;
        timer.start();
        QElapsedTimer sinceBatch;
        sinceBatch.start();
        QList<RenderJob> batch;
        int found = 0;
        bool capped = false;
        // `this` outlives the task: the destructor waits for the pool.
        const auto hand = [&] {
            if (batch.isEmpty())
                return;
            QMetaObject::invokeMethod(
                this, [this, scan, results = std::move(batch)] { deliver(scan, results); },
                Qt::QueuedConnection);
            batch = {};
            sinceBatch.restart();
        };
        QStringList seen;
        for (const QString& root : roots) {
            const QString clean = QDir::cleanPath(QFileInfo(root).absoluteFilePath());
            if (root.isEmpty() || seen.contains(clean) || !QFileInfo(clean).isDir())
                continue;
            seen.append(clean);
            const QFileInfoList folders =
                QDir(clean).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
            for (const QFileInfo& folder : folders) {
                if (*current != scan)
                    return; // a newer scan, or the scanner is going away
                if (found >= limit) {
                    capped = true;
                    break;
                }
                if (auto job = readArchivedResult(folder.absoluteFilePath())) {
                    batch.append(std::move(*job));
                    ++found;
                }
                if (batch.size() >= batchSize ||
                    (!batch.isEmpty() && sinceBatch.elapsed() >= kBatchMilliseconds))
                    hand();
            }
        }
        hand();
        spdlog::debug("gallery: {} results in {} output folder(s) read in {} ms{}", found, seen.size(),
                      timer.elapsed(), capped ? " (capped)" : "");
        QMetaObject::invokeMethod(
            this, [this, scan, capped] { finish(scan, capped); }, Qt::QueuedConnection);
    });
    return scan;
}

void GalleryArchiveScanner::deliver(int scan, const QList<RenderJob>& results)
{
    if (scan == *m_current)
        Q_EMIT resultsFound(scan, results);
}

void GalleryArchiveScanner::finish(int scan, bool capped)
{
    if (scan != *m_current)
        return;
    m_scanning = false;
    Q_EMIT scanFinished(scan, capped);
}

} // namespace wan::ui
