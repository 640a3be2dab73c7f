#pragma once

#include "JobTypes.h"
#include "StageEta.h"

#include <QElapsedTimer>
#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QSettings;
class QTimer;

namespace wan::ui {

class PreviewView;

// The running job: stage, step i/N, seconds per step, the ETA and bar over all stages (StageEta, with the
// stage costs measured on earlier jobs), the newest preview as one large frame (PreviewView) and a cancel
// button.
class ProgressPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressPanel)

public:
    explicit ProgressPanel(QWidget* parent = nullptr);

    // Where measured stage costs are remembered (none: in memory only).
    void setSettings(QSettings* settings);
    // `request` (when known) sizes the estimate: model, device, resolution, frames, steps.
    void startJob(const QUuid& id, const QString& title, const wan::Request* request = nullptr);
    void setProgress(const JobProgress& progress);
    void setPreview(const QImage& image);
    void showOutcome(const JobOutcome& outcome, const QString& message);
    QUuid job() const { return m_job; }
    QString stepText() const;
    QString etaText() const;
    PreviewView* preview() const { return m_view; }
    const StageCostStore& stageCosts() const { return *m_costs; }
    // The running job's remaining seconds over all stages; < 0 when no job runs.
    double remainingSeconds() const;
    int barPermille() const;
    // Tests: a clock of their own (seconds from any origin) instead of the monotonic one.
    void setClock(std::function<double()> seconds) { m_now = std::move(seconds); }

Q_SIGNALS:
    void cancelRequested(const QUuid& id);
    void etaChanged(); // every report and every second while a job runs

protected:
    void changeEvent(QEvent* event) override;

private:
    void refreshEta();
    double clockSeconds() const;

    QUuid m_job;
    std::unique_ptr<StageCostStore> m_costs;
    JobShape m_shape;
    StageEta m_estimate;
    QElapsedTimer m_clock;
    std::function<double()> m_now;
    double m_jobStart = 0.0;
    QTimer* m_tick = nullptr;
    bool m_running = false;
    QString m_loadedModels; // the device and model the last finished job left loaded
    QLabel* m_title = nullptr;
    QLabel* m_stage = nullptr;
    QLabel* m_step = nullptr;
    QLabel* m_speed = nullptr;
    QLabel* m_eta = nullptr;
    QProgressBar* m_bar = nullptr;
    PreviewView* m_view = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_cancel = nullptr;
};

QString stageText(wan::Stage stage);
QString formatDuration(double seconds);

} // namespace wan::ui
