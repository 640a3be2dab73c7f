#include "QueueEtaLabel.h"

#include "ProgressPanel.h"
#include "RenderQueueModel.h"
#include "StageEta.h"

#include <QEvent>

#include <algorithm>

namespace wan::ui {

QueueEtaLabel::QueueEtaLabel(RenderQueueModel* queue, ProgressPanel* progress, QWidget* parent)
    : QLabel(parent), m_queue(queue), m_progress(progress)
{
    setTextFormat(Qt::PlainText);
    const auto changed = [this] { refresh(); };
    connect(m_queue, &QAbstractItemModel::rowsInserted, this, changed);
    connect(m_queue, &QAbstractItemModel::rowsRemoved, this, changed);
    connect(m_queue, &QAbstractItemModel::rowsMoved, this, changed);
    connect(m_queue, &QAbstractItemModel::modelReset, this, changed);
    connect(m_queue, &QAbstractItemModel::dataChanged, this, changed);
    connect(m_progress, &ProgressPanel::etaChanged, this, changed);
    refresh();
}

void QueueEtaLabel::refresh()
{
    const std::optional<QUuid> running = m_queue->runningJob();
    // The panel shows the running job; until it does (a moment at the start), the job counts as unknown.
    const double runningRemaining =
        running ? (m_progress->job() == *running ? m_progress->remainingSeconds() : 0.0) : -1.0;
    int jobs = running ? 1 : 0;
    for (const RenderJob& job : m_queue->jobs())
        jobs += job.state == JobState::Queued ? 1 : 0;
    if (jobs == 0) {
        m_seconds = 0.0;
        clear();
        hide();
        return;
    }
    m_seconds = queueEtaSeconds(m_queue->jobs(), m_progress->stageCosts(), runningRemaining);
    setText(tr("Queue: %n job(s), about %1", nullptr, jobs).arg(formatDuration(m_seconds)));
    // The status bar sizes permanent widgets from their hint: make room for the longest text so far.
    setMinimumWidth(std::max(minimumWidth(), fontMetrics().horizontalAdvance(text()) + 8));
    setToolTip(tr("Time until every queued job is done, from the running job's progress and the stage "
                  "times measured on earlier jobs"));
    show();
}

void QueueEtaLabel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        refresh();
    QLabel::changeEvent(event);
}

} // namespace wan::ui
