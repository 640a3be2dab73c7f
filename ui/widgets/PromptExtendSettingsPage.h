#pragma once
// Settings page for prompt extension: back end, URL, models, API key, limits, default target language, and a
// "Test connection" button that runs off the UI thread.

#include "PromptExtendSettingsStore.h"

#include "wan/PromptExtend.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace wan::ui {

class PromptExtendWorker;

class PromptExtendSettingsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptExtendSettingsPage)

public:
    explicit PromptExtendSettingsPage(QWidget* parent = nullptr);
    ~PromptExtendSettingsPage() override;

    // The selected service with its own URL, models and key.
    wan::PromptExtendSettings settings() const;
    // Selects settings.backend and sets its fields; the other service's fields stay as they are.
    void setSettings(const wan::PromptExtendSettings& settings);
    // Any service's settings as they would be sent if it were selected.
    wan::PromptExtendSettings settingsFor(wan::PromptBackend backend) const;
    wan::PromptLanguage targetLanguage() const;
    void setTargetLanguage(wan::PromptLanguage language);
    bool isExtensionEnabled() const; // "Extend prompts automatically when queuing"
    void setExtensionEnabled(bool enabled);

    // Shows the store's settings (read once at start-up; nothing is read here).
    void load(const PromptExtendSettingsStore& store);
    // Writes the fields through the store without waiting: every reader of the store sees them at once; the
    // API keys go to the system keychain, and when it does not take them (the store's saved() says so, within
    // about 2 s) they are in plain text in the settings file and a warning with the reason shows here.
    void save(PromptExtendSettingsStore& store);
    // Everything the page edits, as save() would write it.
    PromptExtendConfig config() const;
    void setConfig(const PromptExtendConfig& config);
    bool isKeyInKeychain() const; // where the last load() or save() found or put the key

Q_SIGNALS:
    void settingsChanged();
    void connectionTested(bool ok, const QString& message);

private:
    void onBackendChanged();
    void onTestClicked();
    void onTestPassed(const wan::PromptExtension& extension);
    void onTestFailed(wan::ErrorKind kind, const QString& message);
    void showTestResult(bool ok, const QString& message);
    void updateKeyWarning();
    PromptExtendService& service(wan::PromptBackend backend);
    const PromptExtendService& service(wan::PromptBackend backend) const;
    PromptExtendService shownFields() const; // the widgets' values, for the service shown

    QCheckBox* m_enabled = nullptr;
    QComboBox* m_backend = nullptr;
    QComboBox* m_url = nullptr; // editable, with the presets of the back end
    QLineEdit* m_textModel = nullptr;
    QLineEdit* m_visionModel = nullptr;
    QLineEdit* m_apiKey = nullptr;
    QCheckBox* m_showKey = nullptr;
    QLabel* m_keyWarning = nullptr;
    QString m_keychainError; // why the last save's keychain write failed; empty when it did not
    QComboBox* m_language = nullptr;
    QSpinBox* m_timeoutSeconds = nullptr;
    QSpinBox* m_attempts = nullptr;
    QPushButton* m_test = nullptr;
    QLabel* m_testStatus = nullptr;
    PromptExtendWorker* m_worker = nullptr;
    bool m_keyInKeychain = false; // of the service shown
    PromptExtendService m_dashscope;
    PromptExtendService m_openAi;
    wan::PromptBackend m_shown = wan::PromptBackend::Dashscope; // whose fields the widgets hold
};

} // namespace wan::ui
