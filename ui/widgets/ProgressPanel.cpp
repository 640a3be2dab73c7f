#include "ProgressPanel.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace wan::ui {

QString stageText(wan::Stage stage)
{
    switch (stage) {
    case wan::Stage::Loading:
        return ProgressPanel::tr("Loading the model");
    case wan::Stage::EncodingText:
        return ProgressPanel::tr("Reading the prompt");
    case wan::Stage::EncodingImage:
        return ProgressPanel::tr("Reading the image");
    case wan::Stage::Denoising:
        return ProgressPanel::tr("Generating");
    case wan::Stage::Decoding:
        return ProgressPanel::tr("Decoding frames");
    case wan::Stage::Writing:
        return ProgressPanel::tr("Writing the video");
    }
    return {};
}

QString formatDuration(double seconds)
{
    if (seconds < 0)
        return QStringLiteral("–");
    const int total = int(seconds + 0.5);
    if (total >= 3600)
        return ProgressPanel::tr("%1 h %2 min").arg(total / 3600).arg(total / 60 % 60);
    if (total >= 60)
        return ProgressPanel::tr("%1 min %2 s").arg(total / 60).arg(total % 60);
    return ProgressPanel::tr("%1 s").arg(total);
}

ProgressPanel::ProgressPanel(QWidget* parent) : QWidget(parent)
{
    // Prompts and error messages (some from a prompt-extension server) are shown as typed, never as HTML.
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_stage = new QLabel(this);
    m_step = new QLabel(this);
    m_speed = new QLabel(this);
    m_eta = new QLabel(this);
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 100);
    m_image = new QLabel(this);
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setMinimumSize(320, 180);
    m_image->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_image->setStyleSheet(QStringLiteral("background: #202020; color: #aaaaaa;"));
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cancel = new QPushButton(this);

    auto* facts = new QGridLayout;
    facts->addWidget(m_stage, 0, 0);
    facts->addWidget(m_step, 0, 1);
    facts->addWidget(m_speed, 0, 2);
    facts->addWidget(m_eta, 0, 3);
    facts->addWidget(m_cancel, 0, 4);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addLayout(facts);
    layout->addWidget(m_bar);
    layout->addWidget(m_image, 1);
    layout->addWidget(m_message);

    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (!m_job.isNull()) {
            m_cancel->setEnabled(false);
            m_stage->setText(tr("Cancelling…"));
            Q_EMIT cancelRequested(m_job);
        }
    });
    m_cancel->setText(tr("Cancel"));
    m_cancel->setEnabled(false);
    m_image->setText(tr("The preview appears here while a job runs."));
}

void ProgressPanel::startJob(const QUuid& id, const QString& title)
{
    m_job = id;
    m_preview = QImage();
    m_title->setText(title);
    m_stage->setText(stageText(wan::Stage::Loading));
    m_step->clear();
    m_speed->clear();
    m_eta->clear();
    m_bar->setValue(0);
    m_message->clear();
    m_image->setPixmap({});
    m_image->setText(tr("Waiting for the first step…"));
    m_cancel->setEnabled(true);
}

void ProgressPanel::setProgress(const JobProgress& p)
{
    if (m_cancel->isEnabled())
        m_stage->setText(stageText(p.stage));
    if (p.totalSteps > 0) {
        m_step->setText(p.stage == wan::Stage::Denoising ? tr("Step %1/%2").arg(p.step).arg(p.totalSteps)
                                                         : tr("%1/%2").arg(p.step).arg(p.totalSteps));
        if (p.stage == wan::Stage::Denoising)
            m_bar->setValue(int(100.0 * p.step / p.totalSteps));
    }
    if (p.secondsPerStep > 0)
        m_speed->setText(tr("%1 s/step").arg(p.secondsPerStep, 0, 'f', p.secondsPerStep < 10 ? 2 : 1));
    m_eta->setText(tr("ETA %1").arg(formatDuration(p.etaSeconds)));
}

QString ProgressPanel::stepText() const
{
    return m_step->text();
}
QString ProgressPanel::etaText() const
{
    return m_eta->text();
}

void ProgressPanel::setPreview(const QImage& image)
{
    m_preview = image;
    showPreview();
}

void ProgressPanel::showPreview()
{
    if (m_preview.isNull())
        return;
    // Latent previews are tiny: scale up without smoothing so they stay crisp.
    m_image->setPixmap(
        QPixmap::fromImage(m_preview.scaled(m_image->size(), Qt::KeepAspectRatio, Qt::FastTransformation)));
}

void ProgressPanel::showOutcome(const JobOutcome& outcome, const QString& message)
{
    m_cancel->setEnabled(false);
    m_eta->clear();
    switch (outcome.status) {
    case wan::JobStatus::Done:
        m_stage->setText(tr("Done in %1").arg(formatDuration(outcome.seconds)));
        m_bar->setValue(100);
        break;
    case wan::JobStatus::Failed:
        m_stage->setText(tr("Failed"));
        break;
    case wan::JobStatus::Cancelled:
        m_stage->setText(tr("Cancelled"));
        break;
    }
    m_message->setText(message);
    m_message->setStyleSheet(outcome.status == wan::JobStatus::Failed ? QStringLiteral("color: #c0392b;")
                                                                      : QString());
}

void ProgressPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    showPreview();
}

void ProgressPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        m_cancel->setText(tr("Cancel"));
    QWidget::changeEvent(event);
}

} // namespace wan::ui
