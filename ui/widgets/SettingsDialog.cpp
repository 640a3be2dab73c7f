#include "SettingsDialog.h"

#include "PromptExtendSettingsPage.h"
#include "PromptExtendSettingsStore.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QVBoxLayout>

namespace wan::ui {

QString defaultOutputDir()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::MoviesLocation);
    if (base.isEmpty())
        base = QDir::homePath();
    return QDir(base).filePath(QStringLiteral("Wan Studio"));
}

namespace {

QString gibText(std::uint64_t bytes)
{
    return QString::number(double(bytes) / double(1ull << 30), 'f', 1);
}

} // namespace

QString deviceLabel(const wan::ComputeDevice& d)
{
    if (!d.isCuda())
        return SettingsDialog::tr("CPU — %1, %2 GiB RAM")
            .arg(QString::fromStdString(d.name), gibText(d.totalBytes));
    return SettingsDialog::tr("GPU %1 — %2, %3 GiB, compute capability %4.%5")
        .arg(QString::fromStdString(d.id), QString::fromStdString(d.name), gibText(d.totalBytes))
        .arg(d.computeMajor)
        .arg(d.computeMinor);
}

SettingsDialog::SettingsDialog(QSettings* settings, const std::vector<wan::ComputeDevice>& devices,
                               PromptExtendSettingsStore* promptSettings, QWidget* parent)
    : QDialog(parent), m_settings(settings), m_promptSettings(promptSettings)
{
    setWindowTitle(tr("Settings"));
    m_outputDir = new QLineEdit(
        settings->value(QLatin1String(settings_keys::kOutputDir), defaultOutputDir()).toString(), this);
    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(m_outputDir, 1);
    outputRow->addWidget(browse);

    m_language = new QComboBox(this);
    m_language->addItem(tr("Same as the system"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    m_language->setCurrentIndex(std::max(
        0, m_language->findData(settings->value(QLatin1String(settings_keys::kLanguage)).toString())));

    // One entry per device found; the stored choice is kept even when its device is gone (a job then fails
    // with the devices found, before any model loads). No stored choice: the first GPU, else the CPU.
    m_device = new QComboBox(this);
    m_device->setObjectName(QStringLiteral("devicePicker"));
    for (const auto& d : devices)
        m_device->addItem(deviceLabel(d), QString::fromStdString(d.id));
    QString stored = settings->value(QLatin1String(settings_keys::kDevice)).toString();
    if (stored == QLatin1String("cuda"))
        stored = QStringLiteral("cuda:0");
    if (!stored.isEmpty() && stored != QLatin1String("auto") && m_device->findData(stored) < 0)
        m_device->addItem(tr("%1 — not found on this computer").arg(stored), stored);
    m_device->setCurrentIndex(std::max(0, m_device->findData(stored)));

    m_noise = new QComboBox(this);
    m_noise->setObjectName(QStringLiteral("noisePicker"));
    m_noise->addItem(tr("CPU — a seed gives the same video on every computer"), QStringLiteral("cpu"));
    m_noise->addItem(tr("Device — the GPU's own generator, as the official script"),
                     QStringLiteral("device"));
    m_noise->setCurrentIndex(
        std::max(0, m_noise->findData(settings->value(QLatin1String(settings_keys::kNoise)).toString())));
    m_noise->setToolTip(
        tr("Where the starting noise is drawn. \"Device\" reproduces videos made with the "
           "official Python script on an NVIDIA GPU; the same seed then gives another video on "
           "the CPU."));

    m_vramBudget = new QComboBox(this);
    m_vramBudget->setObjectName(QStringLiteral("vramBudgetPicker"));
    m_vramBudget->addItem(tr("All free GPU memory"), 0.0);
    for (const int gib : {4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 80})
        m_vramBudget->addItem(tr("%1 GB").arg(gib), double(gib));
    const double budget = savedVramBudgetGiB(*settings).value_or(0.0);
    int budgetIndex = m_vramBudget->findData(budget);
    if (budgetIndex < 0 && budget > 0) { // a value set elsewhere is kept
        m_vramBudget->addItem(tr("%1 GB").arg(budget), budget);
        budgetIndex = m_vramBudget->count() - 1;
    }
    m_vramBudget->setCurrentIndex(std::max(0, budgetIndex));
    m_vramBudget->setToolTip(
        tr("The most GPU memory a job may use, below what is free: leave room for games, "
           "a browser or a second job. The plan under the form shows what fits."));

    m_textPrecision = new QComboBox(this);
    m_textPrecision->setObjectName(QStringLiteral("textPrecisionPicker"));
    m_textPrecision->addItem(tr("Automatic — the fastest for this computer"), int(wan::TextPrecision::Auto));
    m_textPrecision->addItem(tr("bf16 — as the official script on a GPU"), int(wan::TextPrecision::BFloat16));
    m_textPrecision->addItem(tr("fp32 — the reference result"), int(wan::TextPrecision::Float32));
    m_textPrecision->setCurrentIndex(
        std::max(0, m_textPrecision->findData(int(savedTextPrecision(*settings)))));
    m_textPrecision->setToolTip(
        tr("How the text encoder computes. Automatic: fp32 for fp32 jobs; otherwise bf16 on a GPU, and on "
           "the CPU bf16 only where the processor multiplies bf16 itself (AVX512-BF16 or AMX), since "
           "elsewhere fp32 is faster."));

    m_vaePrecision = new QComboBox(this);
    m_vaePrecision->setObjectName(QStringLiteral("vaePrecisionPicker"));
    m_vaePrecision->addItem(tr("Automatic — half precision on a GPU"), int(wan::VaePrecision::Auto));
    m_vaePrecision->addItem(tr("bf16 — GPUs from compute capability 8.0"), int(wan::VaePrecision::BFloat16));
    m_vaePrecision->addItem(tr("fp16 — older GPUs"), int(wan::VaePrecision::Float16));
    m_vaePrecision->addItem(tr("fp32 — the reference result"), int(wan::VaePrecision::Float32));
    m_vaePrecision->setCurrentIndex(std::max(0, m_vaePrecision->findData(int(savedVaePrecision(*settings)))));
    m_vaePrecision->setToolTip(
        tr("How the VAE, which turns latents into video and images into latents, computes on a GPU. "
           "Automatic: fp32 for fp32 jobs; otherwise bf16, or fp16 on GPUs before compute capability 8.0, "
           "which halves its memory. A half-precision run that overflows is redone in fp32. The processor "
           "always uses fp32."));

    auto* form = new QFormLayout;
    form->addRow(tr("Output folder"), outputRow);
    form->addRow(tr("Language"), m_language);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Noise"), m_noise);
    form->addRow(tr("GPU memory budget"), m_vramBudget);
    form->addRow(tr("Text encoder math"), m_textPrecision);
    form->addRow(tr("VAE math"), m_vaePrecision);
    auto* note = new QLabel(tr("Each job gets its own folder inside the output folder: the video, its final "
                               "latents, settings.json and a log."),
                            this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* general = new QWidget(this);
    auto* generalLayout = new QVBoxLayout(general);
    generalLayout->addLayout(form);
    generalLayout->addWidget(note);
    generalLayout->addStretch();
    auto* tabs = new QTabWidget(this);
    tabs->addTab(general, tr("General"));
    if (m_promptSettings) {
        m_promptPage = new PromptExtendSettingsPage(this);
        m_promptPage->load(*m_promptSettings);
        tabs->addTab(m_promptPage, tr("Prompt extension"));
        // Opened within the first moments after start: the page waits for the settings (never saving
        // defaults over them).
        if (!m_promptSettings->isReady()) {
            m_promptPage->setEnabled(false);
            connect(m_promptSettings, &PromptExtendSettingsStore::ready, m_promptPage, [this] {
                m_promptPage->load(*m_promptSettings);
                m_promptPage->setEnabled(true);
            });
        }
    }
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(buttons);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Output folder"), m_outputDir->text());
        if (!dir.isEmpty())
            m_outputDir->setText(QDir::toNativeSeparators(dir));
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

std::optional<double> savedVramBudgetGiB(const QSettings& settings)
{
    const double budget = settings.value(QLatin1String(settings_keys::kVramBudgetGiB), 0.0).toDouble();
    return budget > 0 ? std::optional(budget) : std::nullopt;
}

wan::TextPrecision savedTextPrecision(const QSettings& settings)
{
    const auto name = settings.value(QLatin1String(settings_keys::kTextPrecision)).toString().toStdString();
    return wan::enumFromName<wan::TextPrecision>(name).value_or(wan::TextPrecision::Auto);
}

wan::VaePrecision savedVaePrecision(const QSettings& settings)
{
    const auto name = settings.value(QLatin1String(settings_keys::kVaePrecision)).toString().toStdString();
    return wan::enumFromName<wan::VaePrecision>(name).value_or(wan::VaePrecision::Auto);
}

QString SettingsDialog::outputDir() const
{
    return m_outputDir->text().trimmed();
}
QString SettingsDialog::language() const
{
    return m_language->currentData().toString();
}
QString SettingsDialog::device() const
{
    const QString id = m_device->currentData().toString();
    return id.isEmpty() ? QStringLiteral("auto") : id;
}
QString SettingsDialog::noise() const
{
    return m_noise->currentData().toString();
}
double SettingsDialog::vramBudgetGiB() const
{
    return m_vramBudget->currentData().toDouble();
}

wan::TextPrecision SettingsDialog::textPrecision() const
{
    return wan::TextPrecision(m_textPrecision->currentData().toInt());
}

wan::VaePrecision SettingsDialog::vaePrecision() const
{
    return wan::VaePrecision(m_vaePrecision->currentData().toInt());
}

void SettingsDialog::save()
{
    m_settings->setValue(QLatin1String(settings_keys::kOutputDir), outputDir());
    m_settings->setValue(QLatin1String(settings_keys::kLanguage), language());
    m_settings->setValue(QLatin1String(settings_keys::kDevice), device());
    m_settings->setValue(QLatin1String(settings_keys::kNoise), noise());
    m_settings->setValue(QLatin1String(settings_keys::kTextPrecision),
                         QString::fromUtf8(std::string(wan::enumName(textPrecision())).c_str()));
    m_settings->setValue(QLatin1String(settings_keys::kVaePrecision),
                         QString::fromUtf8(std::string(wan::enumName(vaePrecision())).c_str()));
    if (vramBudgetGiB() > 0)
        m_settings->setValue(QLatin1String(settings_keys::kVramBudgetGiB), vramBudgetGiB());
    else
        m_settings->remove(QLatin1String(settings_keys::kVramBudgetGiB));
    if (m_promptPage && m_promptSettings->isReady())
        m_promptPage->save(*m_promptSettings);
}

} // namespace wan::ui
