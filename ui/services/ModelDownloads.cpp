#include "ModelDownloads.h"

#include "BackgroundTask.h"
#include "SecretStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QMetaObject>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <thread>
#include <utility>

namespace wan::ui {

namespace {

std::filesystem::path toPath(const QString& path)
{
    return std::filesystem::path(path.toStdString());
}

QString canonicalOrClean(const QString& path)
{
    const QString canonical = QFileInfo(path).canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(QFileInfo(path).absoluteFilePath()) : canonical;
}

quint64 folderBytes(const QString& folder)
{
    quint64 total = 0;
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += quint64(it.fileInfo().size());
    }
    return total;
}

// What an unfinished set folder holds: the files the core's state file records as verified, plus the .part
// files on disk. The set's size comes from the settings (the state file lists verified files only).
ModelDownloadProgress progressOnDisk(const QString& folder, quint64 totalBytes, int filesTotal)
{
    ModelDownloadProgress progress;
    progress.totalBytes = totalBytes;
    progress.filesTotal = filesTotal;
    std::ifstream in(toPath(folder) / wan::kDownloadStateFile);
    if (in) {
        try {
            const auto document = nlohmann::json::parse(in);
            for (const auto& item : document.at("files")) {
                if (item.value("verified", false)) {
                    progress.doneBytes += item.at("size").get<std::uint64_t>();
                    ++progress.filesDone;
                }
            }
        } catch (const std::exception& e) {
            spdlog::warn("Unreadable download state in {}: {}", folder.toStdString(), e.what());
        }
    }
    QDirIterator it(folder, {QStringLiteral("*.part")}, QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        progress.doneBytes += quint64(it.fileInfo().size());
    }
    if (progress.totalBytes > 0)
        progress.doneBytes = std::min(progress.doneBytes, progress.totalBytes);
    return progress;
}

QString totalKey(const QString& name)
{
    return QStringLiteral("models/total/") + name;
}

} // namespace

struct ModelDownloads::Job
{
    wan::CancelToken cancel;
    std::thread thread;
    std::mutex mutex;
    ModelDownloadProgress latest; // guarded by mutex
    bool dirty = false;           // guarded by mutex
};

ModelDownloads::ModelDownloads(QSettings* settings, std::vector<wan::ModelSet> catalogue, QObject* parent)
    : QObject(parent), m_settings(settings), m_catalogue(std::move(catalogue)),
      m_progressTimer(new QTimer(this)), m_resolveCancel(std::make_shared<wan::CancelToken>()),
      m_token(new SecretStore(settings, QLatin1String(model_settings_keys::kAccessToken),
                              QStringLiteral("model-downloads/access-token"), QStringLiteral("access token"),
                              this))
{
    m_token->load();
    m_progressTimer->setInterval(250);
    connect(m_progressTimer, &QTimer::timeout, this, &ModelDownloads::flushProgress);
    for (const QString& name : records(model_settings_keys::kDownloading)) {
        const QList<QVariant> total =
            m_settings ? m_settings->value(totalKey(name)).toList() : QList<QVariant>();
        const auto onDisk =
            progressOnDisk(folderFor(name), total.value(0).toULongLong(), total.value(1).toInt());
        m_lastProgress.insert(name, onDisk);
        if (onDisk.totalBytes > 0)
            m_sizes.insert(name, onDisk.totalBytes);
    }
}

ModelDownloads::~ModelDownloads()
{
    m_resolveCancel->cancel();
    for (const auto& job : std::as_const(m_jobs))
        job->cancel.cancel();
    for (const auto& job : std::as_const(m_jobs)) {
        if (job->thread.joinable())
            job->thread.join();
    }
}

const wan::ModelSet* ModelDownloads::findSet(const QString& name) const
{
    for (const auto& set : m_catalogue) {
        if (QString::fromStdString(set.name) == name)
            return &set;
    }
    return nullptr;
}

QString ModelDownloads::defaultModelsRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/models");
}

QString ModelDownloads::modelsRoot() const
{
    const QString saved =
        m_settings ? m_settings->value(QLatin1String(model_settings_keys::kRoot)).toString() : QString();
    return saved.isEmpty() ? defaultModelsRoot() : saved;
}

void ModelDownloads::setModelsRoot(const QString& dir)
{
    if (m_settings)
        m_settings->setValue(QLatin1String(model_settings_keys::kRoot), QDir::cleanPath(dir));
    Q_EMIT installedChanged();
}

QString ModelDownloads::folderFor(const QString& name) const
{
    return QDir::cleanPath(modelsRoot() + QLatin1Char('/') + name);
}

QString ModelDownloads::endpoint() const
{
    return m_settings ? m_settings->value(QLatin1String(model_settings_keys::kEndpoint)).toString()
                      : QString();
}

QString ModelDownloads::endpointProblem(const QString& text)
{
    try {
        wan::parseHubEndpoint(text.trimmed().toStdString());
        return {};
    } catch (const std::exception& e) {
        return tr("The download server \"%1\" is not usable: %2").arg(text, QString::fromStdString(e.what()));
    }
}

QString ModelDownloads::setEndpoint(const QString& text)
{
    const QString problem = endpointProblem(text);
    if (problem.isEmpty() && m_settings)
        m_settings->setValue(QLatin1String(model_settings_keys::kEndpoint), text.trimmed());
    return problem;
}

QString ModelDownloads::accessToken() const
{
    return m_token->value().trimmed();
}

void ModelDownloads::setAccessToken(const QString& token)
{
    m_token->save(token.trimmed());
}

int ModelDownloads::parallelFiles() const
{
    const int saved = m_settings ? m_settings
                                       ->value(QLatin1String(model_settings_keys::kParallelFiles),
                                               wan::DownloadOptions{}.parallelFiles)
                                       .toInt()
                                 : wan::DownloadOptions{}.parallelFiles;
    return std::clamp(saved, 1, kMaxParallelFiles);
}

void ModelDownloads::setParallelFiles(int files)
{
    if (m_settings)
        m_settings->setValue(QLatin1String(model_settings_keys::kParallelFiles),
                             std::clamp(files, 1, kMaxParallelFiles));
}

quint64 ModelDownloads::maxBytesPerSecond() const
{
    return m_settings
               ? m_settings->value(QLatin1String(model_settings_keys::kMaxBytesPerSecond), 0).toULongLong()
               : 0;
}

void ModelDownloads::setMaxBytesPerSecond(quint64 bytesPerSecond)
{
    if (m_settings)
        m_settings->setValue(QLatin1String(model_settings_keys::kMaxBytesPerSecond), bytesPerSecond);
}

void ModelDownloads::setProgressIntervalMs(int ms)
{
    m_progressTimer->setInterval(ms);
}

wan::DownloadOptions ModelDownloads::optionsNow() const
{
    wan::DownloadOptions options = m_baseOptions;
    options.endpoint = wan::parseHubEndpoint(endpoint().toStdString());
    if (!accessToken().isEmpty())
        options.token = accessToken().toStdString();
    if (m_settings && m_settings->contains(QLatin1String(model_settings_keys::kParallelFiles)))
        options.parallelFiles = parallelFiles();
    if (m_settings && m_settings->contains(QLatin1String(model_settings_keys::kMaxBytesPerSecond)))
        options.maxBytesPerSecond = maxBytesPerSecond();
    return options;
}

ModelSetState ModelDownloads::state(const QString& name) const
{
    if (m_jobs.contains(name))
        return ModelSetState::Downloading;
    if (records(model_settings_keys::kDownloading).contains(name))
        return m_errors.contains(name) ? ModelSetState::Failed : ModelSetState::Paused;
    if (wan::modelSetComplete(toPath(folderFor(name))))
        return ModelSetState::Installed;
    return m_errors.contains(name) ? ModelSetState::Failed : ModelSetState::Available;
}

std::optional<ModelDownloadProgress> ModelDownloads::progress(const QString& name) const
{
    const auto it = m_lastProgress.constFind(name);
    if (it == m_lastProgress.constEnd())
        return std::nullopt;
    return *it;
}

QString ModelDownloads::lastError(const QString& name) const
{
    return m_errors.value(name);
}

QStringList ModelDownloads::activeDownloads() const
{
    return m_jobs.keys();
}

QStringList ModelDownloads::pausedSets() const
{
    QStringList paused;
    for (const QString& name : records(model_settings_keys::kDownloading)) {
        if (!m_jobs.contains(name))
            paused.append(name);
    }
    return paused;
}

std::optional<quint64> ModelDownloads::knownSize(const QString& name) const
{
    const auto it = m_sizes.constFind(name);
    if (it == m_sizes.constEnd())
        return std::nullopt;
    return *it;
}

QList<InstalledModelSet> ModelDownloads::installedSets() const
{
    QStringList folders;
    const QDir root(modelsRoot());
    for (const QString& entry : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        folders.append(QDir::cleanPath(root.absoluteFilePath(entry)));
    for (const QString& created : records(model_settings_keys::kCreated)) {
        if (!folders.contains(created))
            folders.append(created);
    }
    QList<InstalledModelSet> installed;
    for (const QString& folder : std::as_const(folders)) {
        const QString name = QFileInfo(folder).fileName();
        if (m_jobs.contains(name) && folderFor(name) == folder)
            continue;
        if (!QFileInfo(folder).isDir() || !wan::modelSetComplete(toPath(folder)))
            continue;
        InstalledModelSet set;
        set.name = name;
        const wan::ModelSet* known = findSet(name);
        set.title = known ? QString::fromStdString(known->title) : name;
        set.folder = folder;
        set.sizeBytes = folderBytes(folder);
        set.managed = isManaged(folder);
        installed.append(set);
    }
    return installed;
}

void ModelDownloads::resolveSize(const QString& name)
{
    const wan::ModelSet* set = findSet(name);
    if (!set) {
        Q_EMIT sizeResolved(name, 0, tr("\"%1\" is not in the model catalogue.").arg(name));
        return;
    }
    wan::DownloadOptions options;
    try {
        options = optionsNow();
    } catch (const std::exception&) {
        Q_EMIT sizeResolved(name, 0, endpointProblem(endpoint()));
        return;
    }
    runInBackground(
        this,
        [set = *set, options, cancel = m_resolveCancel]() -> std::pair<quint64, QString> {
            try {
                const auto resolved = wan::resolveModelSet(set, options, cancel.get());
                return {quint64(resolved.totalBytes), QString()};
            } catch (const wan::Error& e) {
                return {0, describeDownloadError(e, QString::fromStdString(set.name))};
            } catch (const std::exception& e) {
                return {0, QString::fromStdString(e.what())};
            }
        },
        [this, name](const std::pair<quint64, QString>& result) {
            if (result.second.isEmpty())
                m_sizes.insert(name, result.first);
            Q_EMIT sizeResolved(name, result.first, result.second);
        });
}

bool ModelDownloads::start(const QString& name)
{
    if (m_jobs.contains(name))
        return true;
    const wan::ModelSet* set = findSet(name);
    if (!set) {
        const QString message = tr("\"%1\" is not in the model catalogue.").arg(name);
        Q_EMIT failed(name, message);
        return false;
    }
    wan::DownloadOptions options;
    try {
        options = optionsNow();
    } catch (const std::exception&) {
        const QString message = endpointProblem(endpoint());
        m_errors.insert(name, message);
        Q_EMIT failed(name, message);
        return false;
    }
    const QString folder = folderFor(name);
    if (!QFileInfo::exists(folder)) {
        if (!QDir().mkpath(folder)) {
            const QString message =
                tr("Cannot create the folder %1 for %2. Choose another models folder.").arg(folder, name);
            m_errors.insert(name, message);
            Q_EMIT failed(name, message);
            return false;
        }
        addRecord(model_settings_keys::kCreated, canonicalOrClean(folder));
    }
    addRecord(model_settings_keys::kDownloading, name);
    m_errors.remove(name);

    auto job = std::make_shared<Job>();
    m_jobs.insert(name, job);
    spdlog::info("Downloading model set {} into {}", name.toStdString(), folder.toStdString());
    job->thread = std::thread([this, job, set = *set, folder, options, name] {
        QString error;
        bool cancelled = false;
        try {
            wan::downloadModelSet(
                set, toPath(folder), options,
                [job](const wan::DownloadProgress& p) {
                    ModelDownloadProgress progress;
                    progress.file = QString::fromStdString(p.file);
                    progress.fileBytes = p.fileBytes;
                    progress.fileTotal = p.fileTotal;
                    progress.doneBytes = p.doneBytes;
                    progress.totalBytes = p.totalBytes;
                    progress.bytesPerSecond = p.bytesPerSecond;
                    progress.filesDone = p.filesDone;
                    progress.filesTotal = p.filesTotal;
                    if (p.bytesPerSecond > 0) {
                        progress.etaSeconds = qint64(std::ceil(
                            double(p.totalBytes - std::min(p.doneBytes, p.totalBytes)) / p.bytesPerSecond));
                        progress.fileEtaSeconds = qint64(std::ceil(
                            double(p.fileTotal - std::min(p.fileBytes, p.fileTotal)) / p.bytesPerSecond));
                    }
                    const std::lock_guard lock(job->mutex);
                    job->latest = progress;
                    job->dirty = true;
                },
                &job->cancel);
        } catch (const wan::Error& e) {
            cancelled = e.kind() == wan::ErrorKind::Cancelled;
            error = cancelled ? QString() : describeDownloadError(e, name);
        } catch (const std::exception& e) {
            error = describeDownloadError(wan::Error(wan::ErrorKind::Internal, e.what()), name);
        }
        QMetaObject::invokeMethod(
            this, [this, name, error, cancelled] { onJobDone(name, error, cancelled); },
            Qt::QueuedConnection);
    });
    m_progressTimer->start();
    Q_EMIT stateChanged(name);
    return true;
}

void ModelDownloads::flushProgress()
{
    for (auto it = m_jobs.constBegin(); it != m_jobs.constEnd(); ++it) {
        ModelDownloadProgress latest;
        {
            const std::lock_guard lock(it.value()->mutex);
            if (!it.value()->dirty)
                continue;
            it.value()->dirty = false;
            latest = it.value()->latest;
        }
        m_lastProgress.insert(it.key(), latest);
        if (m_settings && latest.totalBytes > 0 && m_sizes.value(it.key()) != latest.totalBytes) {
            m_settings->setValue(totalKey(it.key()), QList<QVariant>{latest.totalBytes, latest.filesTotal});
            m_settings->sync();
        }
        m_sizes.insert(it.key(), latest.totalBytes);
        Q_EMIT progressChanged(it.key());
    }
    if (m_jobs.isEmpty())
        m_progressTimer->stop();
}

void ModelDownloads::onJobDone(const QString& name, const QString& error, bool cancelled)
{
    const auto job = m_jobs.value(name);
    if (!job)
        return;
    if (job->thread.joinable())
        job->thread.join();
    flushProgress(); // the last reading of this job
    m_jobs.remove(name);
    if (m_jobs.isEmpty())
        m_progressTimer->stop();
    const QString folder = folderFor(name);
    if (cancelled) {
        spdlog::info("Model set {} paused", name.toStdString());
        if (!records(model_settings_keys::kDownloading).contains(name)) {
            // Cancelled, not paused: the unfinished folder goes (only when the manager made it).
            if (isManaged(folder) && !wan::modelSetComplete(toPath(folder))) {
                QDir(folder).removeRecursively();
                removeRecord(model_settings_keys::kCreated, canonicalOrClean(folder));
            }
            m_lastProgress.remove(name);
        }
        Q_EMIT stateChanged(name);
        return;
    }
    if (!error.isEmpty()) {
        spdlog::warn("Model set {} failed: {}", name.toStdString(), error.toStdString());
        m_errors.insert(name, error);
        Q_EMIT stateChanged(name);
        Q_EMIT failed(name, error);
        return;
    }
    spdlog::info("Model set {} installed in {}", name.toStdString(), folder.toStdString());
    removeRecord(model_settings_keys::kDownloading, name);
    if (m_settings)
        m_settings->remove(totalKey(name));
    m_errors.remove(name);
    Q_EMIT stateChanged(name);
    Q_EMIT finished(name, folder);
    Q_EMIT installedChanged();
}

void ModelDownloads::pause(const QString& name)
{
    if (const auto job = m_jobs.value(name))
        job->cancel.cancel();
}

void ModelDownloads::cancel(const QString& name)
{
    removeRecord(model_settings_keys::kDownloading, name);
    if (m_settings)
        m_settings->remove(totalKey(name));
    m_errors.remove(name);
    if (const auto job = m_jobs.value(name)) {
        job->cancel.cancel(); // onJobDone deletes the folder once the thread let go of it
        return;
    }
    const QString folder = folderFor(name);
    if (isManaged(folder) && !wan::modelSetComplete(toPath(folder))) {
        QDir(folder).removeRecursively();
        removeRecord(model_settings_keys::kCreated, canonicalOrClean(folder));
    }
    m_lastProgress.remove(name);
    Q_EMIT stateChanged(name);
}

QString ModelDownloads::remove(const QString& folder)
{
    const QString clean = canonicalOrClean(folder);
    if (!isManaged(clean))
        return tr("%1 was not downloaded by Wan Studio, so it is not deleted from here. Delete it in your "
                  "file "
                  "manager if you no longer need it.")
            .arg(folder);
    const QString name = QFileInfo(clean).fileName();
    if (m_jobs.contains(name) && canonicalOrClean(folderFor(name)) == clean)
        return tr("%1 is still downloading. Cancel the download first.").arg(name);
    if (!QDir(clean).removeRecursively())
        return tr("Could not delete every file in %1. Check the folder's permissions.").arg(clean);
    spdlog::info("Deleted model set folder {}", clean.toStdString());
    removeRecord(model_settings_keys::kCreated, clean);
    removeRecord(model_settings_keys::kDownloading, name);
    if (m_settings)
        m_settings->remove(totalKey(name));
    m_lastProgress.remove(name);
    m_errors.remove(name);
    Q_EMIT stateChanged(name);
    Q_EMIT installedChanged();
    return {};
}

bool ModelDownloads::isManaged(const QString& folder) const
{
    return records(model_settings_keys::kCreated).contains(canonicalOrClean(folder));
}

QStringList ModelDownloads::records(const char* key) const
{
    return m_settings ? m_settings->value(QLatin1String(key)).toStringList() : QStringList();
}

void ModelDownloads::addRecord(const char* key, const QString& value)
{
    if (!m_settings)
        return;
    QStringList list = records(key);
    if (!list.contains(value)) {
        list.append(value);
        m_settings->setValue(QLatin1String(key), list);
        m_settings->sync();
    }
}

void ModelDownloads::removeRecord(const char* key, const QString& value)
{
    if (!m_settings)
        return;
    QStringList list = records(key);
    if (list.removeAll(value) > 0) {
        m_settings->setValue(QLatin1String(key), list);
        m_settings->sync();
    }
}

QString describeDownloadError(const wan::Error& error, const QString& setName)
{
    const QString detail = QString::fromStdString(error.what());
    QString headline;
    switch (error.kind()) {
    case wan::ErrorKind::Network:
        headline = ModelDownloads::tr(
            "The download of %1 failed: the server or the network did not deliver a file.");
        break;
    case wan::ErrorKind::Io:
        headline = ModelDownloads::tr("The download of %1 could not be written to disk.");
        break;
    case wan::ErrorKind::CorruptFile:
        headline = ModelDownloads::tr("The download of %1 was refused: a file arrived damaged twice.");
        break;
    case wan::ErrorKind::InvalidArgument:
        headline = ModelDownloads::tr("The download of %1 could not start.");
        break;
    default:
        headline = ModelDownloads::tr("The download of %1 stopped.");
        break;
    }
    return headline.arg(setName) + QLatin1Char('\n') + detail;
}

QString formatBytes(quint64 bytes)
{
    return QString::fromStdString(wan::formatByteSize(bytes));
}

QString formatDuration(qint64 seconds)
{
    if (seconds < 0)
        return QStringLiteral("—");
    if (seconds < 60)
        return ModelDownloads::tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return ModelDownloads::tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return ModelDownloads::tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

} // namespace wan::ui
