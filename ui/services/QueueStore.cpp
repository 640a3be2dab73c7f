#include "QueueStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>

#include <algorithm>

#include <spdlog/spdlog.h>

namespace wan::ui {

namespace {
constexpr auto kFormat = "wan-studio-queue";
constexpr int kVersion = 1;

} // namespace

QueueStore::QueueStore(QString filePath) : m_filePath(std::move(filePath)) {}

bool QueueStore::save(const QList<RenderJob>& jobs, QString* error)
{
    if (m_keepExisting) {
        const QString message =
            QCoreApplication::translate("QueueStore", "The render queue is not saved: %1 could not be read nor "
                                                      "moved aside, and saving would replace it.")
                .arg(QDir::toNativeSeparators(m_filePath));
        spdlog::error("{}", message.toStdString());
        if (error)
            *error = message;
        return false;
    }
    if (!write(m_filePath, jobs, error))
        return false;
    ++m_saveCount;
    return true;
}

bool QueueStore::write(const QString& path, const QList<RenderJob>& jobs, QString* error) const
{
    QJsonArray array;
    for (const auto& job : jobs)
        array.append(jobToJson(job));
    QJsonObject root;
    root[QStringLiteral("format")] = QLatin1String(kFormat);
    root[QStringLiteral("version")] = kVersion;
    root[QStringLiteral("jobs")] = array;

    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(root).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
        const QString message =
            QCoreApplication::translate("QueueStore", "Could not save the render queue to %1: %2. Check that "
                                                      "the disk is not full and the folder is "
                                                      "writable.")
                .arg(QDir::toNativeSeparators(path), file.errorString());
        spdlog::error("{}", message.toStdString());
        if (error)
            *error = message;
        return false;
    }
    return true;
}

QString QueueStore::archivePath() const
{
    const QFileInfo info(m_filePath);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral("-archive.json"));
}

QueueLoadReport QueueStore::loadArchive() const
{
    // The archive holds finished jobs only; nothing in it is ever requeued.
    QueueStore archive(archivePath());
    QueueLoadReport report = archive.load();
    report.requeued = 0;
    report.resumed = 0;
    return report;
}

bool QueueStore::appendToArchive(const QList<RenderJob>& jobs, QString* error)
{
    if (jobs.isEmpty())
        return true;
    QueueStore archive(archivePath());
    const QueueLoadReport existing = archive.load(); // a damaged archive is renamed aside, never replaced
    if (archive.m_keepExisting) {
        if (error)
            *error = existing.problem;
        return false;
    }
    QList<RenderJob> all = existing.jobs;
    QSet<QUuid> known;
    for (const auto& job : all)
        known.insert(job.id);
    for (const auto& job : jobs)
        if (!known.contains(job.id)) // archived before a crash kept it in the queue file too
            all.append(job);
    return archive.write(archive.m_filePath, all, error);
}

QList<RenderJob> QueueStore::takeArchivable(QList<RenderJob>& jobs, int keepFinished)
{
    QList<int> finished;
    for (int i = 0; i < jobs.size(); ++i)
        if (isTerminal(jobs[i].state))
            finished.append(i);
    const int excess = int(finished.size()) - std::max(0, keepFinished);
    if (excess <= 0)
        return {};
    // Oldest first; a job without a finish time counts as oldest, the queue order breaks ties.
    std::stable_sort(finished.begin(), finished.end(), [&](int a, int b) {
        const QDateTime& ta = jobs[a].finishedAt;
        const QDateTime& tb = jobs[b].finishedAt;
        if (ta.isValid() != tb.isValid())
            return !ta.isValid();
        return ta < tb;
    });
    QList<int> taken = finished.mid(0, excess);
    std::sort(taken.begin(), taken.end());
    QList<RenderJob> out;
    for (int i : taken)
        out.append(jobs[i]);
    for (auto it = taken.crbegin(); it != taken.crend(); ++it)
        jobs.removeAt(*it);
    return out;
}

QueueLoadReport QueueStore::load() const
{
    QueueLoadReport report;
    QFile file(m_filePath);
    if (!file.exists())
        return report;
    QString problem;
    QByteArray bytes;
    // Unreadable (permissions, I/O error, a folder in its place): kept aside like a damaged file, so that the
    // next save cannot replace what may still be a good queue.
    const bool readable = file.open(QIODevice::ReadOnly);
    if (readable) {
        bytes = file.readAll();
        if (file.error() != QFileDevice::NoError)
            problem = QCoreApplication::translate("QueueStore", "the file cannot be read: %1").arg(file.errorString());
        file.close();
    } else {
        problem = QCoreApplication::translate("QueueStore", "the file cannot be opened: %1").arg(file.errorString());
    }

    QJsonParseError parseError{};
    const QJsonDocument document =
        problem.isEmpty() ? QJsonDocument::fromJson(bytes, &parseError) : QJsonDocument();
    int skipped = 0;
    if (!problem.isEmpty()) {
        // reported below
    } else if (parseError.error != QJsonParseError::NoError) {
        problem = QCoreApplication::translate(
                      "QueueStore", "the file is damaged (%1 at byte %2), probably written only in part")
                      .arg(parseError.errorString())
                      .arg(parseError.offset);
    } else if (!document.isObject() ||
               document.object().value(QLatin1String("format")).toString() != QLatin1String(kFormat)) {
        problem = QCoreApplication::translate("QueueStore", "the file is not a Wan Studio queue");
    } else if (document.object().value(QLatin1String("version")).toInt() > kVersion) {
        problem = QCoreApplication::translate("QueueStore",
                                              "the file was written by a newer version of Wan Studio");
    } else {
        const QJsonArray array = document.object().value(QLatin1String("jobs")).toArray();
        for (const auto& value : array) {
            auto job = jobFromJson(value.toObject());
            if (!job) {
                ++skipped;
                continue;
            }
            if (job->state == JobState::Running) {
                // The app stopped during this job: run it again, or only decode when its latents were saved.
                job->state = JobState::Queued;
                job->progress = 0.0;
                job->etaSeconds = -1.0;
                ++report.requeued;
                if (!job->latentsPath.isEmpty() && QFileInfo(job->latentsPath).isFile()) {
                    job->resumeLatents = job->latentsPath;
                    ++report.resumed;
                }
            }
            report.jobs.append(*job);
        }
        if (skipped > 0)
            problem =
                QCoreApplication::translate("QueueStore", "%n job(s) could not be read", nullptr, skipped);
    }

    if (problem.isEmpty())
        return report;

    const QString backup = m_filePath + QStringLiteral(".corrupt-") +
                           QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    // Renamed so the next save cannot overwrite it; copied when renaming is refused (e.g. across devices).
    const bool moved = QFile::rename(m_filePath, backup) || (readable && QFile::copy(m_filePath, backup));
    m_keepExisting = !moved;
    report.corruptBackup = moved ? backup : QString();
    report.problem =
        moved ? QCoreApplication::translate(
                    "QueueStore", "The render queue file could not be fully read (%1). It was kept as %2.")
                    .arg(problem, QDir::toNativeSeparators(backup))
              : QCoreApplication::translate("QueueStore",
                                            "The render queue file %1 could not be fully read (%2).")
                    .arg(QDir::toNativeSeparators(m_filePath), problem);
    spdlog::warn("{}", report.problem.toStdString());
    return report;
}

} // namespace wan::ui
