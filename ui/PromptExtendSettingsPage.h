#pragma once
// Settings page for prompt extension: back end, URL, models, API key, limits, default target language, and a
// "Test connection" button that runs off the UI thread.

#include "wan/PromptExtend.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSpinBox;

namespace wan::ui {

class PromptExtendWorker;

class PromptExtendSettingsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptExtendSettingsPage)

public:
    // What each service keeps of its own: switching the service shows the other one's fields and never
    // sends one service's key (or URL) to another.
    struct Service
    {
        QString url;
        QString textModel;
        QString visionModel;
        QString apiKey;
        bool keyInKeychain = false;
    };

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

    // Group "promptExtension" of `store`, one subgroup per service ("dashscope", "openai"); settings written
    // before that (one URL, models and key for the selected service) are taken over. Each service's API key
    // goes to its own system keychain entry when the build has QtKeychain and a keychain answers within
    // about 2 s (these calls then wait for it in a local event loop); otherwise it is stored in plain text in
    // `store` and the page shows a warning.
    void load(QSettings& store);
    void save(QSettings& store);
    bool isKeyInKeychain() const; // where the last load() or save() found or put the key
    static wan::PromptExtendSettings loadSettings(QSettings& store);
    static wan::PromptLanguage loadTargetLanguage(QSettings& store);
    static bool loadEnabled(QSettings& store);

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
    Service& service(wan::PromptBackend backend);
    const Service& service(wan::PromptBackend backend) const;
    Service shownFields() const; // the widgets' values, for the service shown

    QCheckBox* m_enabled = nullptr;
    QComboBox* m_backend = nullptr;
    QComboBox* m_url = nullptr; // editable, with the presets of the back end
    QLineEdit* m_textModel = nullptr;
    QLineEdit* m_visionModel = nullptr;
    QLineEdit* m_apiKey = nullptr;
    QCheckBox* m_showKey = nullptr;
    QLabel* m_keyWarning = nullptr;
    QComboBox* m_language = nullptr;
    QSpinBox* m_timeoutSeconds = nullptr;
    QSpinBox* m_attempts = nullptr;
    QPushButton* m_test = nullptr;
    QLabel* m_testStatus = nullptr;
    PromptExtendWorker* m_worker = nullptr;
    bool m_keyInKeychain = false; // of the service shown
    Service m_dashscope;
    Service m_openAi;
    wan::PromptBackend m_shown = wan::PromptBackend::Dashscope; // whose fields the widgets hold
};

} // namespace wan::ui
