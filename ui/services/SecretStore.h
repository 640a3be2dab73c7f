#pragma once
// One secret (a hub access token, ...) kept in the system keychain, or in the settings file when no keychain
// answers. Both directions are asynchronous keychain jobs answered through this thread's event loop, never a
// local one; the value is served from memory once loaded. The settings file records only where the secret
// went (`<key>InKeychain`), or the secret itself when no keychain took it.
#include <QObject>
#include <QString>

class QSettings;

namespace wan::ui {

class SecretStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretStore)

public:
    // `settingsKey`: where the settings file keeps it (e.g. "models/accessToken"); `keychainEntry`: its name
    // in the keychain under the service "Wan Studio". `what`: for the log ("access token").
    SecretStore(QSettings* settings, QString settingsKey, QString keychainEntry, QString what,
                QObject* parent = nullptr);
    ~SecretStore() override;

    // Reads the secret; loaded() follows (at once when it is in the settings file or absent).
    void load();
    bool isLoaded() const { return m_loaded; }
    QString value() const { return m_value; }
    bool inKeychain() const { return m_inKeychain; }

    // value() is `secret` at once; the keychain's answer follows as saved(). An empty secret removes it.
    void save(const QString& secret);

Q_SIGNALS:
    void loaded();
    // `inKeychain` false: no keychain took it, so it is in the settings file (in plain text).
    void saved(bool inKeychain);

private:
    void writePlain(const QString& secret);

    QSettings* m_settings;
    QString m_key;
    QString m_entry;
    QString m_what;
    QString m_value;
    bool m_loaded = false;
    bool m_inKeychain = false;
    quint64 m_generation = 0; // the newest save: older answers are ignored
};

} // namespace wan::ui
