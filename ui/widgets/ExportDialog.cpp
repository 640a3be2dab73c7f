#include "ExportDialog.h"

#include "BackgroundTask.h"
#include "SemanticStyle.h"
#include "Theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QStandardItemModel>
#include <QTimer>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace wan::ui {

ExportDialog::ExportDialog(const QString& source, int sourceFps, const QJsonObject& settings,
                           VideoExportService service, QWidget* parent)
    : QDialog(parent), m_source(source), m_sourceFps(sourceFps > 0 ? sourceFps : 16), m_settings(settings),
      m_service(std::move(service))
{
    setWindowTitle(tr("Export as"));

    m_format = new QComboBox(this);
    for (ExportFormat format : allExportFormats()) {
        const ExportFormatInfo info = exportFormatInfo(format);
        const bool supported = m_service.supported && m_service.supported(format);
        m_format->addItem(supported ? info.name : tr("%1 — not in this build").arg(info.name), int(format));
        if (!supported) {
            auto* model = qobject_cast<QStandardItemModel*>(m_format->model());
            if (QStandardItem* item = model ? model->item(m_format->count() - 1) : nullptr)
                item->setEnabled(false);
            m_format->setItemData(
                m_format->count() - 1,
                tr("The FFmpeg this copy of Wan Studio runs with has no encoder for %1.").arg(info.name),
                Qt::ToolTipRole);
        }
    }
    m_formatNote = new QLabel(this);
    m_formatNote->setWordWrap(true);

    m_fps = new QComboBox(this);
    m_fps->addItem(tr("%1 fps (as generated)").arg(m_sourceFps), 0);
    for (int fps : {24, 30}) {
        if (fps != m_sourceFps)
            m_fps->addItem(tr("%1 fps (%2)").arg(fps).arg(retimeNote(m_sourceFps, fps)), fps);
    }
    m_fps->setToolTip(tr("Other rates show the same frames faster: this build makes no new frames "
                         "(no frame interpolation yet)."));

    m_crf = new QSlider(Qt::Horizontal, this);
    m_crf->setPageStep(4);
    m_crfLabel = new QLabel(this);
    m_crfLabel->setMinimumWidth(
        m_crfLabel->fontMetrics().horizontalAdvance(QStringLiteral("CRF 00 (smaller)")));
    m_lossless = new QCheckBox(this);
    auto* quality = new QHBoxLayout;
    quality->addWidget(m_crf, 1);
    quality->addWidget(m_crfLabel);
    auto* qualityBox = new QVBoxLayout;
    qualityBox->addLayout(quality);
    qualityBox->addWidget(m_lossless);

    m_metadata = new QCheckBox(tr("Include the prompt, seed and settings (JSON)"), this);
    m_metadata->setChecked(true);

    m_target = new QLineEdit(this);
    m_browse = new QPushButton(tr("Browse…"), this);
    auto* target = new QHBoxLayout;
    target->addWidget(m_target, 1);
    target->addWidget(m_browse);

    auto* form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(QString(), m_formatNote);
    form->addRow(tr("Frame rate:"), m_fps);
    form->addRow(tr("Quality:"), qualityBox);
    form->addRow(tr("Metadata:"), m_metadata);
    form->addRow(tr("Save to:"), target);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0); // busy until the first frame is written (the source is being decoded)
    m_progress->setTextVisible(false);
    m_progress->setVisible(false);
    m_progressTimer = new QTimer(this);
    m_progressTimer->setInterval(100);
    connect(m_progressTimer, &QTimer::timeout, this, &ExportDialog::showProgress);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_buttons = new QDialogButtonBox(this);
    m_export = m_buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    m_close = m_buttons->addButton(QDialogButtonBox::Close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Source: %1").arg(QDir::toNativeSeparators(source)), this));
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addStretch();
    layout->addWidget(m_buttons);

    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::onFormatChanged);
    connect(m_crf, &QSlider::valueChanged, this, &ExportDialog::updateCrfLabel);
    connect(m_lossless, &QCheckBox::toggled, this, &ExportDialog::onLosslessToggled);
    connect(m_browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_close, &QPushButton::clicked, this, &ExportDialog::reject);
    connect(m_target, &QLineEdit::textChanged, this, &ExportDialog::updateControls);

    const QFileInfo info(source);
    m_target->setText(QDir(QDir::homePath()).filePath(info.completeBaseName() + QStringLiteral(".mp4")));
    for (ExportFormat format : allExportFormats()) {
        if (m_service.supported && m_service.supported(format)) {
            setFormat(format);
            break;
        }
    }
    onFormatChanged();
    resize(560, sizeHint().height());
}

ExportDialog::~ExportDialog()
{
    if (m_cancel)
        m_cancel->cancel(); // the worker ends at its next frame; runInBackground waits for it
}

ExportFormat ExportDialog::currentFormat() const
{
    return ExportFormat(m_format->currentData().toInt());
}

void ExportDialog::setFormat(ExportFormat format)
{
    const int index = m_format->findData(int(format));
    if (index >= 0)
        m_format->setCurrentIndex(index);
}

void ExportDialog::setTarget(const QString& target)
{
    m_target->setText(target);
}

ExportSettings ExportDialog::exportSettings() const
{
    ExportSettings settings;
    settings.format = currentFormat();
    settings.target = m_target->text().trimmed();
    settings.fps = m_fps->currentData().toInt();
    const ExportFormatInfo info = exportFormatInfo(settings.format);
    settings.lossless = info.hasLosslessMode && m_lossless->isChecked();
    settings.crf = info.usesCrf && !settings.lossless ? m_crf->value() : -1;
    settings.includeMetadata = exportFormatInfo(settings.format).holdsMetadata && m_metadata->isChecked();
    settings.settings = m_settings;
    return settings;
}

void ExportDialog::onFormatChanged()
{
    const ExportFormat format = currentFormat();
    const ExportFormatInfo info = exportFormatInfo(format);
    if (!info.lossless)
        m_lossyFormat = format;
    {
        const QSignalBlocker blocker(m_lossless);
        m_lossless->setChecked(info.lossless);
    }
    if (info.hasLosslessMode) {
        m_lossless->setText(
            tr("Lossless (%1 in 4:4:4: exact, large; not every player has it)").arg(info.name));
    } else {
        m_lossless->setText(tr("Lossless (FFV1 MKV: the frames exactly)"));
    }
    if (info.usesCrf) {
        const QSignalBlocker blocker(m_crf);
        m_crf->setRange(0, info.maxCrf);
        m_crf->setValue(info.defaultCrf);
    }
    updateCrfLabel();
    updateControls();
    switch (format) {
    case ExportFormat::Mp4H264:
        m_formatNote->setText(tr("Plays everywhere. Lower CRF: better and larger."));
        break;
    case ExportFormat::Mp4H265:
        m_formatNote->setText(
            tr("About half the size of H.264 at the same quality; not every player has it."));
        break;
    case ExportFormat::WebmVp9:
        m_formatNote->setText(tr("For the web. Lower CRF: better and larger."));
        break;
    case ExportFormat::MkvFfv1:
        m_formatNote->setText(tr("Lossless: the decoded frames exactly, for editing. Large."));
        break;
    case ExportFormat::Gif:
        m_formatNote->setText(tr("256 colours, loops; no settings stored."));
        break;
    case ExportFormat::PngSequence:
        m_formatNote->setText(tr("A folder of numbered PNG frames, each with the settings."));
        break;
    }
    m_target->setText(exportTargetFor(m_target->text().trimmed(), format));
}

void ExportDialog::updateControls()
{
    const ExportFormatInfo info = exportFormatInfo(currentFormat());
    for (QWidget* widget : {static_cast<QWidget*>(m_format), static_cast<QWidget*>(m_fps),
                            static_cast<QWidget*>(m_target), static_cast<QWidget*>(m_browse)})
        widget->setEnabled(!m_running);
    const bool losslessMode = info.hasLosslessMode && m_lossless->isChecked();
    m_crf->setEnabled(!m_running && info.usesCrf && !losslessMode);
    m_lossless->setEnabled(
        !m_running &&
        (info.hasLosslessMode || (m_service.supported && m_service.supported(ExportFormat::MkvFfv1))));
    m_metadata->setEnabled(!m_running && info.holdsMetadata);
    m_metadata->setToolTip(info.holdsMetadata ? QString() : tr("GIF files hold no settings."));
    m_export->setEnabled(!m_running && !m_target->text().trimmed().isEmpty());
    m_close->setText(m_running ? tr("Cancel") : tr("Close"));
}

void ExportDialog::onLosslessToggled(bool lossless)
{
    if (exportFormatInfo(currentFormat()).hasLosslessMode) {
        updateCrfLabel();
        updateControls();
        return;
    }
    setFormat(lossless ? ExportFormat::MkvFfv1 : m_lossyFormat);
}

void ExportDialog::updateCrfLabel()
{
    const ExportFormatInfo info = exportFormatInfo(currentFormat());
    if (info.hasLosslessMode && m_lossless->isChecked())
        m_crfLabel->setText(tr("lossless"));
    else if (info.usesCrf)
        m_crfLabel->setText(tr("CRF %1").arg(m_crf->value()));
    else if (info.lossless)
        m_crfLabel->setText(tr("lossless"));
    else
        m_crfLabel->setText(tr("256 colours"));
}

void ExportDialog::browse()
{
    const ExportFormatInfo info = exportFormatInfo(currentFormat());
    const QString current = m_target->text().trimmed();
    QString chosen;
    if (info.extension.isEmpty()) {
        const QString parent = QFileDialog::getExistingDirectory(
            this, tr("Folder to put the PNG sequence in"), QFileInfo(current).absolutePath());
        if (!parent.isEmpty())
            chosen = QDir(parent).filePath(QFileInfo(current).fileName());
    } else {
        chosen = QFileDialog::getSaveFileName(this, tr("Export as"), current, info.fileFilter);
        if (!chosen.isEmpty())
            chosen = exportTargetFor(chosen, currentFormat());
    }
    if (!chosen.isEmpty())
        m_target->setText(QDir::toNativeSeparators(chosen));
}

bool ExportDialog::startExport()
{
    if (m_running || !m_service)
        return false;
    const ExportSettings settings = exportSettings();
    if (settings.target.isEmpty()) {
        m_status->setText(tr("Choose where to save the export."));
        return false;
    }
    m_outcome = {};
    m_status->setStyleSheet(QString());
    m_cancel = std::make_shared<wan::CancelToken>();
    m_progressState = std::make_shared<Progress>();
    setRunning(true);
    m_status->setText(tr("Exporting to %1…").arg(QDir::toNativeSeparators(settings.target)));
    spdlog::info("Exporting {} as format {} to {}", m_source.toStdString(), int(settings.format),
                 settings.target.toStdString());
    runInBackground(
        this,
        [run = m_service.run, source = m_source, settings, cancel = m_cancel, progress = m_progressState] {
            return run(source, settings, cancel.get(), [progress](int framesDone, int frameCount) {
                progress->frameCount = frameCount;
                progress->framesDone = framesDone;
            });
        },
        [this, target = settings.target](const ExportOutcome& outcome) { onFinished(outcome, target); });
    return true;
}

void ExportDialog::cancelExport()
{
    if (m_running && m_cancel) {
        m_cancel->cancel();
        m_status->setText(tr("Cancelling…"));
    }
}

void ExportDialog::reject()
{
    if (m_running) {
        m_closeWhenDone = true;
        cancelExport();
        return;
    }
    QDialog::reject();
}

void ExportDialog::onFinished(const ExportOutcome& outcome, const QString& target)
{
    m_outcome = outcome;
    m_cancel.reset();
    showProgress(); // the last frame's report, before the bar goes
    setRunning(false);
    setSemanticStyle(m_status, outcome.ok          ? std::optional(SemanticColor::Ok)
                               : outcome.cancelled ? std::nullopt
                                                   : std::optional(SemanticColor::Error));
    if (outcome.ok)
        m_status->setText(tr("Exported to %1").arg(QDir::toNativeSeparators(target)));
    else if (outcome.cancelled)
        m_status->setText(tr("Export cancelled: nothing was written."));
    else
        m_status->setText(outcome.error);
    Q_EMIT exportFinished(outcome.ok, target);
    if (m_closeWhenDone)
        QDialog::reject();
    else if (outcome.ok)
        accept();
}

void ExportDialog::setRunning(bool running)
{
    m_running = running;
    if (running) {
        m_progress->setRange(0, 0);
        m_progress->setTextVisible(false);
        m_progressTimer->start();
    } else {
        m_progressTimer->stop();
    }
    m_progress->setVisible(running);
    updateControls();
}

void ExportDialog::showProgress()
{
    if (!m_progressState)
        return;
    const int count = m_progressState->frameCount;
    const int done = std::min(m_progressState->framesDone.load(), count);
    if (count <= 0)
        return; // still decoding the source: the busy bar
    if (m_progress->maximum() != count) {
        m_progress->setRange(0, count);
        m_progress->setTextVisible(true);
        m_progress->setFormat(tr("%p% (frame %v of %m)"));
    }
    m_progress->setValue(std::max(done, m_progress->value()));
}

} // namespace wan::ui
