#pragma once

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSettings;
class PromptEnhanceSettingsPage;

namespace wan::ui {

namespace settings_keys {
inline constexpr char kOutputDir[] = "output/dir";
inline constexpr char kLanguage[] = "ui/language"; // "" follows the system, else "en" or "zh_CN"
inline constexpr char kDevice[] = "engine/device";
inline constexpr char kModelDir[] = "model/dir";
inline constexpr char kCurrentTask[] = "task/current";
} // namespace settings_keys

QString defaultOutputDir();

// Output folder, language and compute device; prompt extension on its own page.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    SettingsDialog(QSettings* settings, QWidget* parent = nullptr);

    QString outputDir() const;
    QString language() const;
    QString device() const;
    void save(); // writes the fields into the settings

private:
    QSettings* m_settings;
    QLineEdit* m_outputDir = nullptr;
    QComboBox* m_language = nullptr;
    QComboBox* m_device = nullptr;
    PromptEnhanceSettingsPage* m_promptPage = nullptr;
};

} // namespace wan::ui
