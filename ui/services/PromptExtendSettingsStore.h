#pragma once
// The prompt-extension settings as the queue runner and the dialogs read them: group "promptExtension" of the
// application's settings, each service's API key in the system keychain when one answered. Read once at
// start-up on a thread of its own (a keychain may take seconds to answer), then served from memory; the
// settings page writes through save(), which updates every reader at once.

#include "wan/PromptExtend.h"

#include <QMutex>
#include <QObject>
#include <QString>

#include <utility>
#include <vector>

class QSettings;

namespace wan::ui {

// What each service keeps of its own: switching the service never sends one service's key (or URL) to
// another.
struct PromptExtendService
{
    QString url;
    QString textModel;
    QString visionModel;
    QString apiKey;
    bool keyInKeychain = false; // where the last load or save found or put the key
};

// Everything the settings page edits.
struct PromptExtendConfig
{
    bool enabled = false;                                       // "Extend prompts automatically when queuing"
    wan::PromptBackend backend = wan::PromptBackend::Dashscope; // the selected service
    PromptExtendService dashscope;
    PromptExtendService openAi;
    int timeoutSeconds = 90; // 5..600
    int attempts = 4;        // 1..10
    wan::PromptLanguage language = wan::PromptLanguage::Chinese;

    PromptExtendService& service(wan::PromptBackend of);
    const PromptExtendService& service(wan::PromptBackend of) const;
    // Any service's settings as they would be sent if it were selected.
    wan::PromptExtendSettings settingsFor(wan::PromptBackend of) const;
    // The selected service's: its own URL, models and key, nobody else's.
    wan::PromptExtendSettings settings() const { return settingsFor(backend); }
};

class PromptExtendSettingsStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptExtendSettingsStore)

public:
    // `settings` outlives the store; load() reads its file (after a sync()) through a QSettings of its own.
    explicit PromptExtendSettingsStore(QSettings* settings, QObject* parent = nullptr);
    ~PromptExtendSettingsStore() override;

    // Reads the settings on a new thread, then each key kept in the system keychain with asynchronous jobs
    // (waiting at most about 2 s for them, without blocking or a local event loop); ready() follows on this
    // object's thread. Settings written before keys were kept per service
    // (one URL, model pair and key for the service selected then) are taken over. Only the first call reads.
    void load();
    bool isReady() const;
    // The settings as last loaded or saved; defaults (extension off) until ready. Never waits and never
    // runs an event loop, from any thread.
    PromptExtendConfig config() const;
    // Writes `config` (the settings page's Save) and returns at once, without waiting for a keychain: readers
    // see the new settings, keys included, immediately, and changed() is emitted. Each API key goes to its
    // keychain entry with an asynchronous job answered through this thread's event loop; when every job
    // answered (or after about 2 s) saved() follows, and a key no keychain took is written in plain text into
    // the settings file (until then the file keeps where the previous key was). Returns the settings with
    // keyInKeychain false for keys still on their way; config() has it once saved() came. Before the store
    // was ready, the load still under way is discarded.
    PromptExtendConfig save(const PromptExtendConfig& config);

    struct Loaded; // what the load thread read

Q_SIGNALS:
    void ready();   // once, when load() has read the settings
    void changed(); // after save()
    // After save(), when the keychain answered for every key: `ok` false when a key went to the settings
    // file instead (`error` says why, for the settings page). Only for the latest save().
    void saved(bool ok, const QString& error);

private:
    void readKeychain(const Loaded& loaded);
    void setConfig(const PromptExtendConfig& config);
    void writeKeychain(int generation, const std::vector<std::pair<wan::PromptBackend, QString>>& keys);

    QSettings* m_settings = nullptr;
    mutable QMutex m_mutex; // m_config: config() may be called from any thread
    PromptExtendConfig m_config;
    bool m_ready = false;
    bool m_loading = false;
    int m_saveGeneration = 0; // save() calls so far: a keychain answer for an older one changes nothing
};

} // namespace wan::ui
