#include "QueueRunner.h"

#include "GenerationRules.h"
#include "InferenceBridge.h"
#include "JobThumbnail.h"
#include "PromptExtendSettingsStore.h"
#include "PromptExtendWorker.h"
#include "RenderQueueModel.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QTimer>

#include <spdlog/spdlog.h>

namespace wan::ui {

QueueRunner::QueueRunner(RenderQueueModel* model, InferenceBridge* bridge, QString outputDir, QObject* parent)
    : QObject(parent), m_model(model), m_bridge(bridge), m_outputDir(std::move(outputDir))
{
    connect(bridge, &InferenceBridge::jobProgress, this, &QueueRunner::onProgress);
    connect(bridge, &InferenceBridge::jobPreview, this, &QueueRunner::onPreview);
    connect(bridge, &InferenceBridge::jobFinished, this, &QueueRunner::onFinished);
    connect(bridge, &InferenceBridge::jobStarted, this, &QueueRunner::jobStarted);
    connect(model, &QAbstractItemModel::rowsInserted, this, &QueueRunner::scheduleNext);
    connect(model, &QAbstractItemModel::rowsMoved, this, &QueueRunner::scheduleNext);
    connect(model, &QAbstractItemModel::modelReset, this, &QueueRunner::scheduleNext);
    connect(model, &QAbstractItemModel::dataChanged, this, &QueueRunner::scheduleNext);
    scheduleNext();
}

void QueueRunner::setQueuePaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    Q_EMIT queuePausedChanged(paused);
    scheduleNext();
}

void QueueRunner::cancelJob(const QUuid& id)
{
    if (id == m_running && m_extending) {
        m_userCancelled = true;
        m_extensionCancelled = true;
        m_extender->cancel();
    } else if (id == m_running) {
        m_userCancelled = true;
        m_bridge->cancel(id);
    } else if (m_model) {
        const RenderJob* job = m_model->job(id);
        const bool pending = job && isPending(job->state);
        const QString checkpoint =
            pending ? QString::fromStdString(job->request.resumeStatePath.string()) : QString();
        if (m_model->cancelPendingJob(id) && !checkpoint.isEmpty())
            QFile::remove(checkpoint); // a cancelled job is not continued
    }
}

bool QueueRunner::pauseRunningJob(const QUuid& id)
{
    if (id.isNull() || id != m_running)
        return false;
    m_pausing = true;
    if (m_extending) {
        m_extensionCancelled = true;
        m_extender->cancel();
        return true;
    }
    if (m_releaseModels)
        m_releaseModels->store(true);
    m_bridge->cancel(id);
    appendLog(id, QStringLiteral("pausing: stopping at the next step"));
    return true;
}

void QueueRunner::scheduleNext()
{
    // Model signals arrive in the middle of model changes: start jobs from a clean stack.
    if (m_startPosted || !m_running.isNull() || m_paused)
        return;
    m_startPosted = true;
    QTimer::singleShot(0, this, &QueueRunner::startNext);
}

void QueueRunner::setPromptExtendSettings(const PromptExtendSettingsStore* store)
{
    if (m_extendSettings)
        disconnect(m_extendSettings, nullptr, this, nullptr);
    m_extendSettings = store;
    if (store)
        connect(store, &PromptExtendSettingsStore::ready, this, &QueueRunner::scheduleNext);
    scheduleNext();
}

void QueueRunner::startNext()
{
    m_startPosted = false;
    if (!m_model || !m_running.isNull() || m_paused)
        return;
    // Whether a job's prompt is extended depends on the settings: wait for them (ready() starts it).
    if (m_extendSettings && !m_extendSettings->isReady())
        return;
    const auto next = m_model->nextQueued();
    if (!next)
        return;
    const RenderJob job = *m_model->job(*next);
    wan::Request request = job.request;
    if (request.seed < 0)
        request.seed = qint64(QRandomGenerator::global()->bounded(quint64(1) << 53)); // named in the folder

    QString folder = job.folder;
    const bool resume =
        !job.resumeLatents.isEmpty() && QFileInfo(job.resumeLatents).isFile() && !folder.isEmpty();
    // A paused or interrupted job goes on in its folder, from its checkpoint when one was saved, with the
    // request (seed, extended prompt) it started with.
    const bool continued =
        !resume && !folder.isEmpty() && !request.resumeStatePath.empty() && QFileInfo(folder).isDir();
    bool created = true;
    if (!resume && !continued) {
        const QString name = readableJobName(QDateTime::currentDateTime(),
                                             QString::fromStdString(request.prompt), request.seed);
        const QDir output(m_outputDir);
        QDir().mkpath(m_outputDir);
        folder = output.filePath(name);
        // Made exclusively (mkdir fails on an existing folder): a folder another instance or job made in the
        // meantime is never shared.
        for (int n = 2; !output.mkdir(QFileInfo(folder).fileName()); ++n) {
            if (!QFileInfo::exists(folder) || n > 10000) {
                created = false;
                break;
            }
            folder = output.filePath(name + QStringLiteral("-%1").arg(n));
        }
        const QString extension =
            request.task == wan::Task::T2I ? QStringLiteral(".png") : QStringLiteral(".mp4");
        request.outputPath = QDir(folder).filePath(QFileInfo(folder).fileName() + extension).toStdString();
        request.latentsPath = QDir(folder).filePath(QStringLiteral("latents.safetensors")).toStdString();
        request.resumeStatePath =
            QDir(folder).filePath(QString::fromLatin1(kJobCheckpointName)).toStdString();
    }
    m_model->markRunning(job.id, request, folder);
    m_running = job.id;
    m_thumbnailSaved = request.task == wan::Task::I2V && !job.thumbnailPath.isEmpty();
    m_lastStage = {};
    m_pausing = false;
    m_userCancelled = false;

    if (!created || !QDir().mkpath(folder)) {
        JobOutcome outcome;
        outcome.status = wan::JobStatus::Failed;
        outcome.errorKind = wan::ErrorKind::Io;
        outcome.error = QCoreApplication::translate("QueueRunner", "Could not create the job folder %1.")
                            .arg(QDir::toNativeSeparators(folder));
        onFinished(job.id, outcome);
        return;
    }
    // A job whose prompt was extended already (a retry or a duplicate) keeps it.
    if (!resume && !continued && request.originalPrompt.empty() && startPromptExtension(request)) {
        appendLog(job.id, QStringLiteral("extending the prompt"));
        return;
    }
    submitJob(job.id, request, resume ? job.resumeLatents : QString());
}

bool QueueRunner::startPromptExtension(const wan::Request& request)
{
    if (!m_extendSettings || !wan::promptExtensionAvailable() ||
        QString::fromStdString(request.prompt).trimmed().isEmpty())
        return false;
    const PromptExtendConfig config = m_extendSettings->config(); // from memory: no keychain, no event loop
    if (!config.enabled)
        return false;
    wan::PromptExtendRequest extend;
    extend.prompt = request.prompt;
    extend.language = config.language;
    extend.task = wan::promptTaskFor(request.task);
    if (extend.task == wan::PromptTask::ImageToVideo) // i2v: its image; flf2v: the first frame
        extend.image = PromptExtendWorker::encodeImageFileForRequest(QString::fromStdString(
            (request.task == wan::Task::FLF2V ? request.firstFrame : request.image).string()));
    if (request.seed >= 0)
        extend.seed = request.seed;
    if (!m_extender) {
        m_extender = new PromptExtendWorker(this);
        connect(m_extender, &PromptExtendWorker::extended, this, &QueueRunner::onPromptExtended);
        connect(m_extender, &PromptExtendWorker::failed, this, &QueueRunner::onPromptExtensionFailed);
    }
    m_extending = true;
    m_extensionCancelled = false;
    m_extendingRequest = request;
    m_extender->start(config.settings(), extend);
    return true;
}

void QueueRunner::onPromptExtended(const wan::PromptExtension& extension)
{
    finishPromptExtension(&extension, QString());
}

void QueueRunner::onPromptExtensionFailed(wan::ErrorKind /*kind*/, const QString& message)
{
    finishPromptExtension(nullptr, message);
}

void QueueRunner::finishPromptExtension(const wan::PromptExtension* extension, const QString& error)
{
    if (!m_extending || m_running.isNull())
        return;
    m_extending = false;
    const QUuid id = m_running;
    if (m_extensionCancelled) {
        JobOutcome outcome;
        outcome.status = wan::JobStatus::Cancelled;
        outcome.errorKind = wan::ErrorKind::Cancelled;
        onFinished(id, outcome);
        return;
    }
    wan::Request request = m_extendingRequest;
    const QString message =
        error.isEmpty() ? QString() : error + QStringLiteral("; continuing with the original prompt");
    const bool extended = extension && !extension->prompt.empty() && extension->prompt != request.prompt;
    if (extended) {
        request.originalPrompt = request.prompt;
        request.prompt = extension->prompt;
        if (m_model)
            m_model->setRunningRequest(id, request);
        appendLog(id,
                  QStringLiteral("prompt extended by %1: %2")
                      .arg(QString::fromStdString(extension->model), QString::fromStdString(request.prompt)));
    } else {
        appendLog(id, message.isEmpty() ? QStringLiteral("prompt extension returned the prompt unchanged")
                                        : message);
        spdlog::warn("job {}: {}", id.toString().toStdString(), message.toStdString());
    }
    Q_EMIT promptExtensionFinished(id, extended, message);
    submitJob(id, request, QString());
}

void QueueRunner::submitJob(const QUuid& id, const wan::Request& request, const QString& resumeLatents)
{
    const RenderJob* job = m_model ? m_model->job(id) : nullptr;
    const QString folder = job ? job->folder : QString();
    if (resumeLatents.isEmpty()) {
        QJsonObject settings = requestToJson(request);
        settings[QStringLiteral("job_id")] = id.toString(QUuid::WithoutBraces);
        settings[QStringLiteral("application")] = QStringLiteral("%1 %2").arg(
            QCoreApplication::applicationName(), QCoreApplication::applicationVersion());
        if (job && job->variation.isValid())
            settings[QStringLiteral("variation")] = variationTagToJson(job->variation);
        QSaveFile file(QDir(folder).filePath(QStringLiteral("settings.json")));
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(settings).toJson()) < 0 ||
            !file.commit()) {
            JobOutcome outcome;
            outcome.status = wan::JobStatus::Failed;
            outcome.errorKind = wan::ErrorKind::Io;
            outcome.error = QCoreApplication::translate("QueueRunner", "Could not write %1: %2.")
                                .arg(QDir::toNativeSeparators(file.fileName()), file.errorString());
            onFinished(id, outcome);
            return;
        }
    }
    const bool fromCheckpoint = resumeLatents.isEmpty() && !request.resumeStatePath.empty() &&
                                QFileInfo::exists(QString::fromStdString(request.resumeStatePath.string()));
    appendLog(id, !resumeLatents.isEmpty()
                      ? QStringLiteral("resumed: decoding saved latents %1").arg(resumeLatents)
                  : fromCheckpoint ? QStringLiteral("resumed from the checkpoint %1")
                                         .arg(QString::fromStdString(request.resumeStatePath.string()))
                                   : QStringLiteral("started, seed %1").arg(request.seed));
    spdlog::info("job {} started in {}", id.toString().toStdString(), folder.toStdString());
    JobTicket ticket;
    ticket.id = id;
    ticket.request = request;
    ticket.request.vramBudgetGiB = m_vramBudgetGiB;
    ticket.resumeLatents = resumeLatents;
    m_releaseModels = std::make_shared<std::atomic<bool>>(m_pausing);
    ticket.releaseModelsAfter = m_releaseModels;
    m_bridge->submit(ticket);
}

void QueueRunner::onProgress(const QUuid& id, const JobProgress& progress)
{
    if (progress.stage != m_lastStage) {
        m_lastStage = progress.stage;
        appendLog(id, QStringLiteral("stage %1").arg(QLatin1String(wan::enumName(progress.stage).data())));
    }
    if (m_model)
        m_model->setProgress(id, progress);
    Q_EMIT jobProgress(id, progress);
}

void QueueRunner::onPreview(const QUuid& id, const QImage& image)
{
    if (!m_thumbnailSaved && m_model) {
        if (const RenderJob* job = m_model->job(id); job && !job->folder.isEmpty()) {
            const QString path = QDir(job->folder).filePath(QStringLiteral("thumbnail.png"));
            // Jobs with input pictures (I2V, FLF2V, most VACE) keep showing those in the queue.
            if (image.save(path) && inputThumbnailSources(job->request).isEmpty())
                m_model->setThumbnail(id, path);
            m_thumbnailSaved = true;
        }
    }
    Q_EMIT jobPreview(id, image);
}

void QueueRunner::onFinished(const QUuid& id, const JobOutcome& outcome)
{
    const bool running = id == m_running;
    if (running && m_pausing && outcome.status == wan::JobStatus::Cancelled) {
        appendLog(id, QStringLiteral("paused"));
        if (m_model)
            m_model->pauseRunningJob(id);
        m_running = QUuid();
        m_pausing = false;
        m_releaseModels.reset();
        Q_EMIT jobFinished(id, outcome);
        Q_EMIT jobPaused(id);
        scheduleNext();
        return;
    }
    // Done: nothing to continue (a job finished from its saved latents still has the checkpoint made before
    // decoding). A user's Cancel: the job is not meant to go on.
    const bool dropCheckpoint = outcome.status == wan::JobStatus::Done ||
                                (running && m_userCancelled && outcome.status == wan::JobStatus::Cancelled);
    if (dropCheckpoint && m_model) {
        if (const RenderJob* job = m_model->job(id); job && !job->request.resumeStatePath.empty())
            QFile::remove(QString::fromStdString(job->request.resumeStatePath.string()));
    }
    if (running) {
        m_pausing = false;
        m_userCancelled = false;
        m_releaseModels.reset();
    }
    switch (outcome.status) {
    case wan::JobStatus::Done:
        appendLog(id,
                  QStringLiteral("done in %1 s: %2").arg(outcome.seconds, 0, 'f', 1).arg(outcome.outputPath));
        appendLog(id, QStringLiteral("%1 DiT calls, %2 from the step cache, %3 steps skipped")
                          .arg(outcome.ditCalls)
                          .arg(outcome.cachedCalls)
                          .arg(outcome.stepsSkipped));
        break;
    case wan::JobStatus::Failed:
        appendLog(id, QStringLiteral("failed: %1").arg(outcome.error));
        break;
    case wan::JobStatus::Cancelled:
        appendLog(id, QStringLiteral("cancelled"));
        break;
    }
    if (m_model)
        m_model->finishJob(id, outcome);
    if (id == m_running)
        m_running = QUuid();
    Q_EMIT jobFinished(id, outcome);
    scheduleNext();
}

void QueueRunner::appendLog(const QUuid& id, const QString& line) const
{
    const RenderJob* job = m_model ? m_model->job(id) : nullptr;
    if (!job || job->folder.isEmpty())
        return;
    QFile file(QDir(job->folder).filePath(QStringLiteral("log.txt")));
    if (file.open(QIODevice::Append | QIODevice::Text))
        file.write(
            QStringLiteral("%1 %2\n").arg(QDateTime::currentDateTime().toString(Qt::ISODate), line).toUtf8());
}

} // namespace wan::ui
