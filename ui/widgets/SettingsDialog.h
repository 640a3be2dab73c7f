#pragma once

#include <optional>

#include "wan/Devices.h"
#include "wan/Request.h"

#include <QDialog>

#include <vector>

class QComboBox;
class QLineEdit;
class QSettings;

namespace wan::ui {

class PromptExtendSettingsPage;
class PromptExtendSettingsStore;

namespace settings_keys {
inline constexpr char kOutputDir[] = "output/dir";
inline constexpr char kLanguage[] = "ui/language"; // "" follows the system, else "en" or "zh_CN"
inline constexpr char kDevice[] = "engine/device"; // a wan::ComputeDevice id; absent: "auto"
inline constexpr char kNoise[] = "engine/noise";   // "cpu" (default) or "device"
inline constexpr char kTextPrecision[] =
    "engine/textPrecision"; // a wan::TextPrecision name ("auto", "bf16", "fp32"); absent: "auto"
inline constexpr char kVaePrecision[] =
    "engine/vaePrecision"; // a wan::VaePrecision name ("auto", "bf16", "fp16", "fp32"); absent: "auto"
inline constexpr char kVramBudgetGiB[] =
    "engine/vramBudgetGiB"; // GPU memory a job may use; 0/absent: all free
inline constexpr char kModelDir[] = "model/dir";
inline constexpr char kModelFiles[] = "model/files"; // JSON of wan::ModelFiles (modelFilesToJson)
inline constexpr char kCurrentTask[] = "task/current";
} // namespace settings_keys

QString defaultOutputDir();
// The GPU memory budget saved in `settings` (kVramBudgetGiB); empty: no limit.
std::optional<double> savedVramBudgetGiB(const QSettings& settings);
// The text encoder's math saved in `settings` (kTextPrecision); Auto when absent or unknown.
wan::TextPrecision savedTextPrecision(const QSettings& settings);
// The VAE's math saved in `settings` (kVaePrecision); Auto when absent or unknown.
wan::VaePrecision savedVaePrecision(const QSettings& settings);
// "GPU cuda:0 — NVIDIA H200, 139.8 GiB, compute capability 9.0" / "CPU — ..., 23.4 GiB RAM"
QString deviceLabel(const wan::ComputeDevice& device);

// Output folder, language, compute device and noise source; prompt extension on its own page.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    // `devices`: what wan::listDevices() found (GPUs first, the CPU last); empty in tests without an engine.
    // `promptSettings`: the prompt extension page shows and saves through it; null: no such page.
    SettingsDialog(QSettings* settings, const std::vector<wan::ComputeDevice>& devices,
                   PromptExtendSettingsStore* promptSettings = nullptr, QWidget* parent = nullptr);

    QString outputDir() const;
    QString language() const;
    QString device() const;       // the chosen device's id ("cuda:0", "cpu")
    QString noise() const;        // "cpu" or "device"
    double vramBudgetGiB() const; // 0: no limit
    wan::TextPrecision textPrecision() const;
    wan::VaePrecision vaePrecision() const;
    void save(); // writes the fields into the settings

private:
    QSettings* m_settings;
    PromptExtendSettingsStore* m_promptSettings = nullptr;
    QLineEdit* m_outputDir = nullptr;
    QComboBox* m_language = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_noise = nullptr;
    QComboBox* m_vramBudget = nullptr;
    QComboBox* m_textPrecision = nullptr;
    QComboBox* m_vaePrecision = nullptr;
    PromptExtendSettingsPage* m_promptPage = nullptr;
};

} // namespace wan::ui
