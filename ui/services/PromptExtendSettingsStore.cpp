#include "PromptExtendSettingsStore.h"

#include "Keychain.h"

#include "BackgroundTask.h"

#include <QMutexLocker>
#include <QSettings>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace wan::ui {

namespace {

constexpr auto kGroup = "promptExtension";
constexpr auto kApiKey = "apiKey";
// Set when the key lives in the system keychain, so a key-less setup never waits for a keychain.
constexpr auto kApiKeyInKeychain = "apiKeyInKeychain";
// Before keys were kept per service, one URL, model pair and key sat directly in kGroup, for the service
// selected then (the keychain entry below without a service suffix).
constexpr auto kLegacyKeychainEntry = "prompt-extension/api-key";
constexpr wan::PromptBackend kBackends[] = {wan::PromptBackend::Dashscope,
                                            wan::PromptBackend::OpenAiCompatible};

// The settings subgroup of a service, also its name in the settings file's "backend" value.
QString serviceName(wan::PromptBackend backend)
{
    return backend == wan::PromptBackend::Dashscope ? QStringLiteral("dashscope") : QStringLiteral("openai");
}

QString keychainEntry(wan::PromptBackend backend)
{
    return QLatin1String(kLegacyKeychainEntry) + QLatin1Char('/') + serviceName(backend);
}

#ifdef WAN_HAVE_QTKEYCHAIN
using keychain::kService;
using keychain::kTimeoutMs;
#endif

// The key saved in the current group, unless it went to the keychain: then `keychain` is set to its entry
// (read afterwards, on the store's thread; QtKeychain runs its jobs there).
QString readPlainApiKey(QSettings& store, const QString& entry, QString& keychain)
{
    keychain.clear();
    const QString plain = store.value(QLatin1String(kApiKey)).toString();
    if (!plain.isEmpty() || !store.value(QLatin1String(kApiKeyInKeychain), false).toBool())
        return plain;
    keychain = entry;
    return {};
}

// Removes the keychain `entry` without waiting: the job answers through this thread's event loop and deletes
// itself; a failure is only logged.
void deleteKeychainKey(const QString& entry)
{
#ifdef WAN_HAVE_QTKEYCHAIN
    auto* job = new QKeychain::DeletePasswordJob(QLatin1String(kService));
    job->setKey(entry);
    QObject::connect(job, &QKeychain::Job::finished, job, [](QKeychain::Job* done) {
        if (done->error() != QKeychain::NoError && done->error() != QKeychain::EntryNotFound)
            spdlog::warn("prompt extension: cannot remove the API key from the system keychain: {}",
                         keychain::errorText(*done).toStdString());
    });
    job->start();
#else
    Q_UNUSED(entry);
#endif
}

// Where one service's key is kept in the settings file (`store` in kGroup): only the marker when the keychain
// holds it, else the key itself (an empty key: neither).
void writeKeyPlacement(QSettings& store, wan::PromptBackend backend, const QString& key, bool inKeychain)
{
    store.beginGroup(serviceName(backend));
    if (inKeychain) {
        store.remove(QLatin1String(kApiKey));
        store.setValue(QLatin1String(kApiKeyInKeychain), true);
    } else {
        store.remove(QLatin1String(kApiKeyInKeychain));
        if (key.isEmpty())
            store.remove(QLatin1String(kApiKey));
        else
            store.setValue(QLatin1String(kApiKey), key);
    }
    store.endGroup();
}

wan::PromptBackend savedBackend(QSettings& store)
{
    return store.value(QStringLiteral("backend")).toString() == QLatin1String("openai")
               ? wan::PromptBackend::OpenAiCompatible
               : wan::PromptBackend::Dashscope;
}

// One service's URL, models and key as saved (`store` in kGroup); `keychain`: the entry its key is to be read
// from, if any. Settings from before per-service storage belong to the service that was selected.
PromptExtendService readService(QSettings& store, wan::PromptBackend backend, QString& keychain)
{
    keychain.clear();
    PromptExtendService service;
    const QString name = serviceName(backend);
    const bool legacy = !store.childGroups().contains(name);
    if (legacy && backend != savedBackend(store))
        return service;
    if (!legacy)
        store.beginGroup(name);
    const QString entry = legacy ? QLatin1String(kLegacyKeychainEntry) : keychainEntry(backend);
    service.url = store.value(QStringLiteral("url")).toString();
    service.textModel = store.value(QStringLiteral("textModel")).toString();
    service.visionModel = store.value(QStringLiteral("visionModel")).toString();
    service.apiKey = readPlainApiKey(store, entry, keychain);
    if (!legacy)
        store.endGroup();
    return service;
}

} // namespace

// What the load thread read: the settings, and the keychain entries of keys still to be read.
struct PromptExtendSettingsStore::Loaded
{
    PromptExtendConfig config;
    QString dashscopeKeychain;
    QString openAiKeychain;
};

namespace {

PromptExtendSettingsStore::Loaded readConfig(QSettings& store)
{
    PromptExtendSettingsStore::Loaded loaded;
    PromptExtendConfig& config = loaded.config;
    store.beginGroup(QLatin1String(kGroup));
    config.enabled = store.value(QStringLiteral("enabled"), false).toBool();
    config.backend = savedBackend(store);
    config.dashscope = readService(store, wan::PromptBackend::Dashscope, loaded.dashscopeKeychain);
    config.openAi = readService(store, wan::PromptBackend::OpenAiCompatible, loaded.openAiKeychain);
    config.timeoutSeconds = std::clamp(store.value(QStringLiteral("timeoutSeconds"), 90).toInt(), 5, 600);
    config.attempts = std::clamp(store.value(QStringLiteral("attempts"), 4).toInt(), 1, 10);
    config.language = store.value(QStringLiteral("language")).toString() == QLatin1String("en")
                          ? wan::PromptLanguage::English
                          : wan::PromptLanguage::Chinese;
    store.endGroup();
    return loaded;
}

// Writes everything but the keys still to go to the keychain: those are listed in `keychainWrites` and the
// file keeps where their previous key was until the keychain answers.
void writeConfig(QSettings& store, PromptExtendConfig& config,
                 std::vector<std::pair<wan::PromptBackend, QString>>& keychainWrites)
{
    store.beginGroup(QLatin1String(kGroup));
    store.setValue(QStringLiteral("enabled"), config.enabled);
    store.setValue(QStringLiteral("backend"), serviceName(config.backend));
    // Settings from before per-service storage: taken over by readConfig(), removed here.
    const bool legacyInKeychain = store.value(QLatin1String(kApiKeyInKeychain), false).toBool();
    for (const char* legacy : {"url", "textModel", "visionModel", kApiKey, kApiKeyInKeychain})
        store.remove(QLatin1String(legacy));
    if (legacyInKeychain)
        deleteKeychainKey(QLatin1String(kLegacyKeychainEntry));

    for (const auto backend : kBackends) {
        PromptExtendService& fields = config.service(backend);
        store.beginGroup(serviceName(backend));
        store.setValue(QStringLiteral("url"), fields.url);
        store.setValue(QStringLiteral("textModel"), fields.textModel);
        store.setValue(QStringLiteral("visionModel"), fields.visionModel);
        // The key never reaches the log; it goes to the keychain when one answers, else to this file.
        const bool wasInKeychain = store.value(QLatin1String(kApiKeyInKeychain), false).toBool();
        store.endGroup();
        fields.keyInKeychain = false; // until a keychain took it
        if (fields.apiKey.isEmpty()) {
            if (wasInKeychain)
                deleteKeychainKey(keychainEntry(backend));
            writeKeyPlacement(store, backend, {}, false);
        } else {
#ifdef WAN_HAVE_QTKEYCHAIN
            keychainWrites.emplace_back(backend, fields.apiKey);
#else
            writeKeyPlacement(store, backend, fields.apiKey, false);
#endif
        }
    }
    store.setValue(QStringLiteral("timeoutSeconds"), std::clamp(config.timeoutSeconds, 5, 600));
    store.setValue(QStringLiteral("attempts"), std::clamp(config.attempts, 1, 10));
    store.setValue(QStringLiteral("language"), config.language == wan::PromptLanguage::English
                                                   ? QStringLiteral("en")
                                                   : QStringLiteral("zh"));
    store.endGroup();
}

} // namespace

PromptExtendService& PromptExtendConfig::service(wan::PromptBackend of)
{
    return of == wan::PromptBackend::Dashscope ? dashscope : openAi;
}

const PromptExtendService& PromptExtendConfig::service(wan::PromptBackend of) const
{
    return of == wan::PromptBackend::Dashscope ? dashscope : openAi;
}

wan::PromptExtendSettings PromptExtendConfig::settingsFor(wan::PromptBackend of) const
{
    const PromptExtendService& fields = service(of);
    wan::PromptExtendSettings s;
    s.backend = of;
    s.baseUrl = fields.url.toStdString();
    s.textModel = fields.textModel.toStdString();
    s.visionModel = fields.visionModel.toStdString();
    s.apiKey = fields.apiKey.toStdString();
    s.totalTimeoutMs = std::clamp(timeoutSeconds, 5, 600) * 1000;
    s.maxAttempts = std::clamp(attempts, 1, 10);
    return s;
}

PromptExtendSettingsStore::PromptExtendSettingsStore(QSettings* settings, QObject* parent)
    : QObject(parent), m_settings(settings)
{
}

PromptExtendSettingsStore::~PromptExtendSettingsStore() = default;

void PromptExtendSettingsStore::load()
{
    if (m_loading || m_ready)
        return;
    m_loading = true;
    if (!m_settings) {
        m_loading = false;
        m_ready = true;
        Q_EMIT ready();
        return;
    }
    // The load thread reads the file through its own QSettings: flush what this one still holds.
    m_settings->sync();
    const QString fileName = m_settings->fileName();
    const QSettings::Format format = m_settings->format();
    runInBackground(
        this,
        [fileName, format] {
            QSettings store(fileName, format);
            return readConfig(store);
        },
        [this](const Loaded& loaded) {
            if (m_loading)
                readKeychain(loaded);
        });
}

void PromptExtendSettingsStore::readKeychain(const Loaded& loaded)
{
    struct Pending
    {
        PromptExtendConfig config;
        int jobs = 0;
        bool done = false;
    };
    auto pending = std::make_shared<Pending>();
    pending->config = loaded.config;
    const auto finish = [this, pending] {
        if (pending->done)
            return;
        pending->done = true;
        if (!m_loading)
            return; // save() came first: what it wrote is newer
        m_loading = false;
        setConfig(pending->config);
        m_ready = true;
        spdlog::info("prompt extension settings loaded (automatic extension {})",
                     pending->config.enabled ? "on" : "off");
        Q_EMIT ready();
    };
    const std::pair<wan::PromptBackend, QString> reads[] = {
        {wan::PromptBackend::Dashscope, loaded.dashscopeKeychain},
        {wan::PromptBackend::OpenAiCompatible, loaded.openAiKeychain}};
#ifdef WAN_HAVE_QTKEYCHAIN
    // Asynchronous jobs answered through this thread's event loop (never a local one); each deletes itself
    // when it finishes, also after the store is gone or the wait is over.
    for (const auto& [backend, entry] : reads) {
        if (entry.isEmpty())
            continue;
        auto* job = new QKeychain::ReadPasswordJob(QLatin1String(kService));
        job->setKey(entry);
        ++pending->jobs;
        connect(job, &QKeychain::Job::finished, this,
                [pending, finish, backend = backend](QKeychain::Job* done) {
                    if (pending->done)
                        return;
                    if (done->error() == QKeychain::NoError) {
                        PromptExtendService& service = pending->config.service(backend);
                        service.apiKey = static_cast<QKeychain::ReadPasswordJob*>(done)->textData();
                        service.keyInKeychain = true;
                    } else {
                        spdlog::warn("prompt extension: cannot read the API key from the system keychain: {}",
                                     keychain::errorText(*done).toStdString());
                    }
                    if (--pending->jobs == 0)
                        finish();
                });
        job->start();
    }
    if (pending->jobs == 0) {
        finish();
        return;
    }
    QTimer::singleShot(kTimeoutMs, this, [pending, finish] {
        if (pending->done)
            return;
        spdlog::warn(
            "prompt extension: the system keychain did not answer within {} s; no API key read from it",
            kTimeoutMs / 1000);
        finish();
    });
#else
    for (const auto& [backend, entry] : reads)
        if (!entry.isEmpty())
            spdlog::warn("prompt extension: the API key was stored in a system keychain, which this build "
                         "cannot read (built without QtKeychain); enter it again");
    finish();
#endif
}

bool PromptExtendSettingsStore::isReady() const
{
    return m_ready;
}

PromptExtendConfig PromptExtendSettingsStore::config() const
{
    const QMutexLocker lock(&m_mutex);
    return m_config;
}

void PromptExtendSettingsStore::setConfig(const PromptExtendConfig& config)
{
    const QMutexLocker lock(&m_mutex);
    m_config = config;
}

PromptExtendConfig PromptExtendSettingsStore::save(const PromptExtendConfig& config)
{
    PromptExtendConfig saved = config;
    std::vector<std::pair<wan::PromptBackend, QString>> keychainWrites;
    if (m_settings)
        writeConfig(*m_settings, saved, keychainWrites);
    setConfig(saved);
    const bool becameReady = !m_ready;
    m_loading = false;
    m_ready = true;
    if (becameReady)
        Q_EMIT ready();
    Q_EMIT changed();
    writeKeychain(++m_saveGeneration, keychainWrites);
    return saved;
}

void PromptExtendSettingsStore::writeKeychain(int generation,
                                              const std::vector<std::pair<wan::PromptBackend, QString>>& keys)
{
    struct Pending
    {
        std::vector<std::pair<wan::PromptBackend, QString>> waiting; // keys whose job has not answered
        QStringList errors;
    };
    auto pending = std::make_shared<Pending>();
    pending->waiting = keys;
    // One key's answer: the file says where it went (unless a later save() wrote it again); when the last
    // answers, saved() tells the settings page.
    const auto settle = [this, pending, generation](wan::PromptBackend backend, bool inKeychain,
                                                    const QString& error) {
        const auto it = std::find_if(pending->waiting.begin(), pending->waiting.end(),
                                     [&](const auto& item) { return item.first == backend; });
        if (it == pending->waiting.end())
            return; // answered already (or timed out)
        const QString key = it->second;
        pending->waiting.erase(it);
        if (!inKeychain) {
            pending->errors.append(error);
            spdlog::warn("prompt extension: cannot store the API key in a system keychain ({}); it goes to "
                         "the settings file",
                         error.toStdString());
        }
        if (generation != m_saveGeneration)
            return; // a later save() owns the file and the signal
        if (m_settings) {
            m_settings->beginGroup(QLatin1String(kGroup));
            writeKeyPlacement(*m_settings, backend, key, inKeychain);
            m_settings->endGroup();
        }
        {
            const QMutexLocker lock(&m_mutex);
            m_config.service(backend).keyInKeychain = inKeychain;
        }
        if (pending->waiting.empty())
            Q_EMIT saved(pending->errors.isEmpty(), pending->errors.join(QStringLiteral("; ")));
    };
    if (keys.empty()) {
        Q_EMIT saved(true, {});
        return;
    }
#ifdef WAN_HAVE_QTKEYCHAIN
    // Asynchronous jobs answered through this thread's event loop (QtKeychain on another thread crashed);
    // each deletes itself when it finishes, also after the store is gone or the wait is over.
    for (const auto& [backend, key] : keys) {
        auto* job = new QKeychain::WritePasswordJob(QLatin1String(kService));
        job->setKey(keychainEntry(backend));
        job->setTextData(key);
        connect(job, &QKeychain::Job::finished, this, [settle, backend = backend](QKeychain::Job* done) {
            settle(backend, done->error() == QKeychain::NoError, keychain::errorText(*done));
        });
        job->start();
    }
    QTimer::singleShot(kTimeoutMs, this, [pending, settle] {
        const auto late = pending->waiting;
        for (const auto& item : late)
            settle(item.first, false,
                   QStringLiteral("no keychain answer within %1 s").arg(kTimeoutMs / 1000));
    });
#else
    for (const auto& item : keys)
        settle(item.first, false, QStringLiteral("this build has no system keychain support"));
#endif
}

} // namespace wan::ui
