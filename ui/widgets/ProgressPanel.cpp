#include "ProgressPanel.h"

#include "PreviewView.h"
#include "SemanticStyle.h"
#include "Theme.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
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

ProgressPanel::ProgressPanel(QWidget* parent) : QWidget(parent), m_costs(std::make_unique<StageCostStore>())
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
    m_bar->setRange(0, 1000);
    m_view = new PreviewView(this);
    // Counts down between reports (a model loading says nothing for a minute).
    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &ProgressPanel::refreshEta);
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
    layout->addWidget(m_view, 1);
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
    m_view->reset(tr("The preview appears here while a job runs."));
}

void ProgressPanel::setSettings(QSettings* settings)
{
    m_costs = std::make_unique<StageCostStore>(settings);
}

void ProgressPanel::startJob(const QUuid& id, const QString& title, const wan::Request* request)
{
    m_job = id;
    m_shape = request ? jobShape(*request) : JobShape{};
    // Models stay loaded from one job to the next while the device and model stay the same.
    const QString models = m_shape.costKey.section(QLatin1Char('|'), 0, 1);
    m_estimate = StageEta(m_shape, m_costs->costsFor(m_shape), models.isEmpty() || models != m_loadedModels);
    m_clock.start();
    m_jobStart = m_now ? m_now() : 0.0;
    m_running = true;
    m_tick->start();
    m_title->setText(title);
    m_stage->setText(stageText(wan::Stage::Loading));
    m_step->clear();
    m_speed->clear();
    m_eta->clear();
    m_bar->setValue(0);
    m_message->clear();
    m_view->reset(tr("Waiting for the first step…"));
    m_cancel->setEnabled(true);
    refreshEta();
}

void ProgressPanel::setProgress(const JobProgress& p)
{
    if (m_cancel->isEnabled())
        m_stage->setText(stageText(p.stage));
    if (p.totalSteps > 0) {
        m_step->setText(p.stage == wan::Stage::Denoising ? tr("Step %1/%2").arg(p.step).arg(p.totalSteps)
                                                         : tr("%1/%2").arg(p.step).arg(p.totalSteps));
    }
    if (p.secondsPerStep > 0)
        m_speed->setText(tr("%1 s/step").arg(p.secondsPerStep, 0, 'f', p.secondsPerStep < 10 ? 2 : 1));
    if (m_running)
        m_estimate.report(p, clockSeconds());
    refreshEta();
}

double ProgressPanel::clockSeconds() const
{
    if (m_now)
        return m_now() - m_jobStart;
    return m_clock.isValid() ? m_clock.elapsed() / 1000.0 : 0.0;
}

double ProgressPanel::remainingSeconds() const
{
    return m_running ? m_estimate.remainingSeconds(clockSeconds()) : -1.0;
}

int ProgressPanel::barPermille() const
{
    return m_bar->value();
}

void ProgressPanel::refreshEta()
{
    if (!m_running)
        return;
    const double now = clockSeconds();
    m_eta->setText(tr("ETA %1").arg(formatDuration(m_estimate.remainingSeconds(now))));
    // The bar only moves forward: a slower measured step raises the ETA, never takes back progress.
    m_bar->setValue(std::max(m_bar->value(), int(1000.0 * m_estimate.fraction(now))));
    Q_EMIT etaChanged();
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
    m_view->setPreview(image);
}

void ProgressPanel::showOutcome(const JobOutcome& outcome, const QString& message)
{
    m_cancel->setEnabled(false);
    m_eta->clear();
    if (m_running) {
        m_running = false;
        m_tick->stop();
        m_estimate.finish(clockSeconds());
        const QString models = m_shape.costKey.section(QLatin1Char('|'), 0, 1);
        // Only a whole job measures every stage; a failed one may have stopped anywhere.
        if (outcome.status == wan::JobStatus::Done && !m_shape.costKey.isEmpty())
            m_costs->remember(m_shape, m_estimate.measured());
        m_loadedModels = outcome.status == wan::JobStatus::Done ? models : QString();
        Q_EMIT etaChanged();
    }
    switch (outcome.status) {
    case wan::JobStatus::Done:
        m_stage->setText(tr("Done in %1").arg(formatDuration(outcome.seconds)));
        m_bar->setValue(m_bar->maximum());
        break;
    case wan::JobStatus::Failed:
        m_stage->setText(tr("Failed"));
        break;
    case wan::JobStatus::Cancelled:
        m_stage->setText(tr("Cancelled"));
        break;
    }
    m_message->setText(message);
    setSemanticStyle(m_message, outcome.status == wan::JobStatus::Failed ? std::optional(SemanticColor::Error)
                                                                         : std::nullopt);
}

void ProgressPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        m_cancel->setText(tr("Cancel"));
    QWidget::changeEvent(event);
}

} // namespace wan::ui
