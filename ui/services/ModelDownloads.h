#pragma once
// The app's model downloads: one worker thread per model set running wan::downloadModelSet, throttled
// progress on the GUI thread, pause (a cancel that keeps the .part files, which the core resumes), resume,
// cancel, and the sets installed under the models root. Sets still downloading when the app quits are
// recorded in the settings and come back as paused.

#include "wan/Download.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

class QSettings;
class QTimer;

namespace wan::ui {

enum class ModelSetState
{
    Available = 1, // not on disk (or only a foreign, incomplete folder)
    Downloading,
    Paused, // parts on disk, recorded; resume continues them
    Failed, // stopped by an error (parts kept); resume retries
    Installed,
};

struct ModelDownloadProgress
{
    QString file; // the file that moved last, relative to the set folder
    quint64 fileBytes = 0;
    quint64 fileTotal = 0;
    quint64 doneBytes = 0;
    quint64 totalBytes = 0;
    double bytesPerSecond = 0;
    qint64 etaSeconds = -1;     // the whole set; -1: unknown
    qint64 fileEtaSeconds = -1; // the current file at the same speed
    int filesDone = 0;
    int filesTotal = 0;
};

struct InstalledModelSet
{
    QString name;  // the folder's name (the catalogue's set name when the manager downloaded it)
    QString title; // the catalogue's title, or the folder's name
    QString folder;
    quint64 sizeBytes = 0;
    bool managed = false; // created by the manager: only such folders can be deleted from the app
};

namespace model_settings_keys {
inline constexpr char kRoot[] = "models/root";
inline constexpr char kEndpoint[] = "models/endpoint";
inline constexpr char kCreated[] = "models/created";         // folders the manager created
inline constexpr char kDownloading[] = "models/downloading"; // set names not yet finished
inline constexpr char kAccessToken[] = "models/accessToken"; // only when no keychain took it
inline constexpr char kParallelFiles[] = "models/parallelFiles";
inline constexpr char kMaxBytesPerSecond[] = "models/maxBytesPerSecond"; // 0: unlimited
} // namespace model_settings_keys

class SecretStore;

class ModelDownloads final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelDownloads)

public:
    // `catalogue`: the sets offered (wan::builtInModelCatalogue() in the app; the tests pass their own).
    ModelDownloads(QSettings* settings, std::vector<wan::ModelSet> catalogue, QObject* parent = nullptr);
    // Stops running downloads keeping their parts (they stay recorded, so they come back as paused).
    ~ModelDownloads() override;

    const std::vector<wan::ModelSet>& catalogue() const { return m_catalogue; }
    const wan::ModelSet* findSet(const QString& name) const;

    static QString defaultModelsRoot();
    QString modelsRoot() const;
    void setModelsRoot(const QString& dir);
    QString folderFor(const QString& name) const; // <root>/<name>

    // "huggingface", "hf-mirror", "modelscope" or a URL (wan::parseHubEndpoint). Returns the problem, or "".
    QString endpoint() const;
    QString setEndpoint(const QString& text);
    static QString endpointProblem(const QString& text);

    // Applied to every download (the tests shorten retries and time-outs); endpoint is replaced by
    // endpoint().
    void setBaseOptions(const wan::DownloadOptions& options) { m_baseOptions = options; }
    void setProgressIntervalMs(int ms);

    // Options of the downloads started from now on (saved in the settings). The access token (a Hugging Face
    // or ModelScope token, for gated or rate-limited repositories) goes to the system keychain when one
    // answers: accessTokenStore() says where it went and when it is loaded.
    QString accessToken() const;
    void setAccessToken(const QString& token);
    SecretStore* accessTokenStore() const { return m_token; }
    int parallelFiles() const; // 1..kMaxParallelFiles
    void setParallelFiles(int files);
    quint64 maxBytesPerSecond() const; // 0: unlimited
    void setMaxBytesPerSecond(quint64 bytesPerSecond);
    static constexpr int kMaxParallelFiles = 8;

    ModelSetState state(const QString& name) const;
    std::optional<ModelDownloadProgress> progress(const QString& name) const;
    QString lastError(const QString& name) const;
    QStringList activeDownloads() const; // downloading now
    QStringList pausedSets() const;      // recorded, not running (paused or failed)
    QList<InstalledModelSet> installedSets() const;
    std::optional<quint64> knownSize(const QString& name) const; // after resolveSize or a download

    // Lists the set's files on the endpoint off the GUI thread; sizeResolved follows.
    void resolveSize(const QString& name);
    // Starts or resumes a download into folderFor(name). Returns false (and emits failed) when it cannot
    // start.
    bool start(const QString& name);
    void pause(const QString& name);
    // Stops the download and forgets it: the unfinished folder the manager created is deleted.
    void cancel(const QString& name);
    // Deletes an installed or paused set's folder; only folders the manager created. Returns the problem or
    // "".
    QString remove(const QString& folder);

Q_SIGNALS:
    void progressChanged(const QString& name); // throttled
    void stateChanged(const QString& name);
    void finished(const QString& name, const QString& folder);
    void failed(const QString& name, const QString& message);
    void sizeResolved(const QString& name, quint64 bytes, const QString& error);
    void installedChanged();

private:
    struct Job;
    void onJobDone(const QString& name, const QString& error, bool cancelled);
    void flushProgress();
    void addRecord(const char* key, const QString& value);
    void removeRecord(const char* key, const QString& value);
    QStringList records(const char* key) const;
    bool isManaged(const QString& folder) const;
    wan::DownloadOptions optionsNow() const;

    QSettings* m_settings = nullptr;
    std::vector<wan::ModelSet> m_catalogue;
    wan::DownloadOptions m_baseOptions;
    QHash<QString, std::shared_ptr<Job>> m_jobs; // running
    QHash<QString, QString> m_errors;
    QHash<QString, ModelDownloadProgress> m_lastProgress;
    QHash<QString, quint64> m_sizes;
    QTimer* m_progressTimer = nullptr;
    std::shared_ptr<wan::CancelToken> m_resolveCancel; // set when the service goes
    SecretStore* m_token = nullptr;
};

// A download error in the user's language: what went wrong and, in the core's words, the file and the fix.
QString describeDownloadError(const wan::Error& error, const QString& setName);
// "1.2 GB" (decimal units, as the hubs show sizes).
QString formatBytes(quint64 bytes);
// "3 min 20 s", "1 h 5 min", "—" for unknown.
QString formatDuration(qint64 seconds);

} // namespace wan::ui
