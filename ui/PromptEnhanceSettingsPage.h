#pragma once
// Settings page for prompt extension: back end, URL, models, API key, limits, default target language, and a
// "Test connection" button that runs off the UI thread.

#include "wan/PromptExtend.h"

#include <QWidget>

class PromptEnhanceWorker;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSpinBox;

class PromptEnhanceSettingsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptEnhanceSettingsPage)

public:
    explicit PromptEnhanceSettingsPage(QWidget* parent = nullptr);
    ~PromptEnhanceSettingsPage() override;

    wan::PromptExtendSettings settings() const;
    void setSettings(const wan::PromptExtendSettings& settings);
    wan::PromptLanguage targetLanguage() const;
    void setTargetLanguage(wan::PromptLanguage language);
    bool isExtensionEnabled() const; // "Extend prompts automatically when queuing"
    void setExtensionEnabled(bool enabled);

    // Group "promptExtension" of `store`. The API key goes to the system keychain when the build has
    // QtKeychain and a keychain answers within about 2 s (these calls then wait for it in a local event
    // loop); otherwise it is stored in plain text in `store` and the page shows a warning.
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
    void onTestFinished(const wan::PromptExtendResult& result);
    void updateKeyWarning();

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
    PromptEnhanceWorker* m_worker = nullptr;
    bool m_keyInKeychain = false;
};
