#pragma once

#include <QLabel>

namespace wan::ui {

class ProgressPanel;
class RenderQueueModel;

// The status bar's "how long until the queue is done": the running job's remaining time (from the progress
// panel's stage-aware estimate) plus each queued job's estimate from the remembered stage costs. Hidden
// when nothing is queued or running.
class QueueEtaLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueueEtaLabel)

public:
    QueueEtaLabel(RenderQueueModel* queue, ProgressPanel* progress, QWidget* parent = nullptr);

    void refresh();
    double seconds() const { return m_seconds; }

protected:
    void changeEvent(QEvent* event) override;

private:
    RenderQueueModel* m_queue = nullptr;
    ProgressPanel* m_progress = nullptr;
    double m_seconds = 0.0;
};

} // namespace wan::ui
