#pragma once

#include "JobTypes.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace wan::ui {

// The running job: stage, step i/N, seconds per step, ETA, the newest preview and a cancel button.
class ProgressPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressPanel)

public:
    explicit ProgressPanel(QWidget* parent = nullptr);

    void startJob(const QUuid& id, const QString& title);
    void setProgress(const JobProgress& progress);
    void setPreview(const QImage& image);
    void showOutcome(const JobOutcome& outcome, const QString& message);
    QUuid job() const { return m_job; }
    QString stepText() const;
    QString etaText() const;

Q_SIGNALS:
    void cancelRequested(const QUuid& id);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void showPreview();

    QUuid m_job;
    QImage m_preview;
    QLabel* m_title = nullptr;
    QLabel* m_stage = nullptr;
    QLabel* m_step = nullptr;
    QLabel* m_speed = nullptr;
    QLabel* m_eta = nullptr;
    QProgressBar* m_bar = nullptr;
    QLabel* m_image = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_cancel = nullptr;
};

QString stageText(wan::Stage stage);
QString formatDuration(double seconds);

} // namespace wan::ui
