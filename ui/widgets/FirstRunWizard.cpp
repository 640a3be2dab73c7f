#include "FirstRunWizard.h"

#include "BackgroundTask.h"
#include "ModelDownloads.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace wan::ui {

FirstRunWizard::FirstRunWizard(ModelDownloads* downloads, DeviceLister listDevices, const QString& demoFolder,
                               QWidget* parent)
    : QDialog(parent), m_downloads(downloads), m_listDevices(std::move(listDevices)), m_demoFolder(demoFolder)
{
    setWindowTitle(tr("Welcome to Wan Studio"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("<b>Let's get a model to make videos with.</b><br>Wan Studio looked at this "
                                "computer and suggests a model that fits it."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_machineLabel = new QLabel(tr("Checking this computer…"), this);
    m_machineLabel->setWordWrap(true);
    layout->addWidget(m_machineLabel);
    m_recommendationLabel = new QLabel(this);
    m_recommendationLabel->setWordWrap(true);
    m_recommendationLabel->setTextFormat(Qt::RichText);
    layout->addWidget(m_recommendationLabel);
    layout->addStretch(1);

    m_download = new QPushButton(tr("Download the recommended model"), this);
    m_download->setEnabled(false);
    m_folder = new QPushButton(tr("I already have the files…"), this);
    m_demo = new QPushButton(tr("Use the built-in demo model"), this);
    m_demo->setVisible(!m_demoFolder.isEmpty());
    layout->addWidget(m_download);
    layout->addWidget(m_folder);
    layout->addWidget(m_demo);
    auto* buttons = new QDialogButtonBox(this);
    buttons->addButton(tr("Not now"), QDialogButtonBox::RejectRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_download, &QPushButton::clicked, this, [this] {
        if (!m_recommendation)
            return;
        if (m_downloads->start(m_recommendation->setName)) {
            Q_EMIT memoryModeChosen(m_recommendation->memory);
            Q_EMIT downloadStarted(m_recommendation->setName);
            accept();
        }
    });
    connect(m_folder, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder with the Wan2.1 model files"));
        if (dir.isEmpty())
            return;
        if (m_recommendation)
            Q_EMIT memoryModeChosen(m_recommendation->memory);
        Q_EMIT folderChosen(dir);
        accept();
    });
    connect(m_demo, &QPushButton::clicked, this, [this] {
        Q_EMIT folderChosen(m_demoFolder);
        accept();
    });
    resize(560, 380);
}

FirstRunWizard::~FirstRunWizard() = default;

void FirstRunWizard::showEvent(QShowEvent* event)
{
    QDialog::showEvent(event);
    if (!m_probeStarted && !m_machine)
        startProbe();
}

void FirstRunWizard::startProbe()
{
    m_probeStarted = true;
    runInBackground(
        this,
        [lister = m_listDevices, root = m_downloads->modelsRoot(), demo = !m_demoFolder.isEmpty()] {
            return probeMachine(lister, root, demo);
        },
        [this](const MachineInfo& machine) {
            if (!m_machine)
                setMachine(machine);
        });
}

void FirstRunWizard::setMachine(const MachineInfo& machine)
{
    m_probeStarted = true;
    m_machine = machine;
    m_recommendation = recommendSetup(machine);
    m_machineLabel->setText(tr("This computer: %1.").arg(describeMachine(machine)));
    const wan::ModelSet* set = m_downloads->findSet(m_recommendation->setName);
    const QString title = set ? QString::fromStdString(set->title) : m_recommendation->setName;
    QString text;
    if (m_recommendation->choice == SetupChoice::Demo)
        text = tr("Recommended: <b>the built-in demo model</b>.");
    else
        text = tr("Recommended: <b>%1</b> (about %2), memory mode: %3.")
                   .arg(title.toHtmlEscaped(), formatBytes(m_recommendation->downloadBytes),
                        memoryModeText(m_recommendation->memory));
    text += QStringLiteral("<br>") + m_recommendation->reason.toHtmlEscaped();
    m_recommendationLabel->setText(text);
    m_download->setText(m_recommendation->choice == SetupChoice::Demo ? tr("Download %1 anyway").arg(title)
                                                                      : tr("Download %1").arg(title));
    m_download->setEnabled(set != nullptr);
    // The recommended button is the default and holds the focus: Return picks the recommendation (an
    // auto-default button with focus would otherwise take Return for itself, e.g. "I already have the
    // files").
    QPushButton* recommended = m_recommendation->choice == SetupChoice::Demo ? m_demo : m_download;
    recommended->setDefault(true);
    recommended->setFocus(Qt::OtherFocusReason);
    layout()->activate(); // the labels' new heights before the next paint
    Q_EMIT probed();
}

QString FirstRunWizard::machineText() const
{
    return m_machineLabel->text();
}

QString FirstRunWizard::recommendationText() const
{
    return m_recommendationLabel->text();
}

} // namespace wan::ui
