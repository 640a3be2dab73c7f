#include "SettingsDialog.h"

#include "PromptEnhanceSettingsPage.h"

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

SettingsDialog::SettingsDialog(QSettings* settings, QWidget* parent) : QDialog(parent), m_settings(settings)
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

    m_device = new QComboBox(this);
    m_device->setEditable(true);
    m_device->addItems({QStringLiteral("cpu"), QStringLiteral("cuda"), QStringLiteral("cuda:1")});
    m_device->setCurrentText(
        settings->value(QLatin1String(settings_keys::kDevice), QStringLiteral("cpu")).toString());

    auto* form = new QFormLayout;
    form->addRow(tr("Output folder"), outputRow);
    form->addRow(tr("Language"), m_language);
    form->addRow(tr("Device"), m_device);
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
    m_promptPage = new PromptEnhanceSettingsPage(this);
    m_promptPage->load(*settings);
    auto* tabs = new QTabWidget(this);
    tabs->addTab(general, tr("General"));
    tabs->addTab(m_promptPage, tr("Prompt extension"));
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
    return m_device->currentText().trimmed();
}

void SettingsDialog::save()
{
    m_settings->setValue(QLatin1String(settings_keys::kOutputDir), outputDir());
    m_settings->setValue(QLatin1String(settings_keys::kLanguage), language());
    m_settings->setValue(QLatin1String(settings_keys::kDevice), device());
    m_promptPage->save(*m_settings);
}

} // namespace wan::ui
