#include "TaskbarProgress.h"

#include "JobTypes.h"
#include "RenderQueueModel.h"

#include <QGuiApplication>

#include <algorithm>
#include <cmath>

namespace wan::ui {

TaskbarProgress::TaskbarProgress(RenderQueueModel* queue, std::unique_ptr<TaskbarSink> sink, QObject* parent)
    : QObject(parent), m_queue(queue), m_sink(std::move(sink)),
      m_isActive([] { return QGuiApplication::applicationState() == Qt::ApplicationActive; })
{
    for (const RenderJob& job : m_queue->jobs())
        m_states.insert(job.id, job.state);
    const auto changed = [this] { refresh(); };
    connect(m_queue, &QAbstractItemModel::rowsInserted, this, changed);
    connect(m_queue, &QAbstractItemModel::rowsRemoved, this, changed);
    connect(m_queue, &QAbstractItemModel::modelReset, this, changed);
    connect(m_queue, &QAbstractItemModel::dataChanged, this, changed);
    if (auto* app = qobject_cast<QGuiApplication*>(QCoreApplication::instance())) {
        connect(app, &QGuiApplication::applicationStateChanged, this, [this](Qt::ApplicationState state) {
            if (state == Qt::ApplicationActive)
                activated();
        });
    }
    refresh();
}

TaskbarProgress::~TaskbarProgress()
{
    if (m_shown)
        show(TaskbarState{});
}

void TaskbarProgress::activated()
{
    if (!m_state.urgent)
        return;
    TaskbarState next = m_state;
    next.urgent = false;
    show(next);
}

void TaskbarProgress::refresh()
{
    TaskbarState next;
    next.urgent = m_state.urgent;
    QHash<QUuid, JobState> states;
    for (const RenderJob& job : m_queue->jobs()) {
        states.insert(job.id, job.state);
        if (job.state == JobState::Running) {
            next.progressVisible = true;
            next.progress = std::round(std::clamp(job.progress, 0.0, 1.0) * 1000.0) / 1000.0;
        } else if (job.state == JobState::Queued) {
            ++next.count;
        }
        const auto before = m_states.constFind(job.id);
        if (job.state == JobState::Failed && before != m_states.constEnd() && *before != JobState::Failed &&
            !(m_isActive && m_isActive()))
            next.urgent = true;
    }
    m_states = std::move(states);
    next.countVisible = next.count > 0;
    show(next);
}

void TaskbarProgress::show(const TaskbarState& state)
{
    if (m_shown && state == m_state)
        return;
    m_state = state;
    m_shown = true;
    if (m_sink)
        m_sink->show(state);
}

} // namespace wan::ui
