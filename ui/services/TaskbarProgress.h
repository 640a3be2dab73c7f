#pragma once
// The app's entry in the desktop's taskbar or dock: the running job's progress, the number of queued jobs and
// "look at me" when a job fails while the window is in the background. Qt 6 has no portable API for it, so
// the state goes to a sink per desktop API: on Linux the launcher-entry D-Bus signal (LauncherEntrySink.h);
// on Windows ITaskbarList3 would be another sink (Qt 5's QWinTaskbarProgress is gone in Qt 6), not written
// yet; no sink (no session bus, other systems): nothing is shown.

#include "JobTypes.h"

#include <QHash>
#include <QObject>
#include <QUuid>

#include <functional>
#include <memory>

namespace wan::ui {

class RenderQueueModel;

struct TaskbarState
{
    double progress = 0.0; // 0..1, the running job's
    bool progressVisible = false;
    int count = 0; // queued jobs (not the running one)
    bool countVisible = false;
    bool urgent = false;

    bool operator==(const TaskbarState& other) const = default;
};

// Where the state goes: one desktop API. Called on the GUI thread, only when the state changed.
class TaskbarSink
{
public:
    virtual ~TaskbarSink() = default;
    virtual void show(const TaskbarState& state) = 0;
};

// The session bus's launcher-entry sink (LauncherEntrySink), or none when the build has no Qt D-Bus or there
// is no session bus: the taskbar is then left alone.
std::unique_ptr<TaskbarSink> desktopTaskbarSink();

// Follows the queue and tells the sink. The progress is the queue's own for the running job (its progress
// column), rounded to 0.1 % so that step ticks do not flood the bus.
class TaskbarProgress final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaskbarProgress)

public:
    // `sink` may be null (no-op).
    TaskbarProgress(RenderQueueModel* queue, std::unique_ptr<TaskbarSink> sink, QObject* parent = nullptr);
    ~TaskbarProgress() override; // clears the entry

    // Whether the app is in front (a failure then needs no attention); default: the application's state.
    void setActiveProbe(std::function<bool()> isActive) { m_isActive = std::move(isActive); }
    // The user came back: the urgency goes.
    void activated();
    TaskbarState state() const { return m_state; }

private:
    void refresh();
    void show(const TaskbarState& state);

    RenderQueueModel* m_queue;
    std::unique_ptr<TaskbarSink> m_sink;
    std::function<bool()> m_isActive;
    QHash<QUuid, JobState> m_states; // as last seen: a job that turns Failed raises the urgency
    TaskbarState m_state;
    bool m_shown = false;
};

} // namespace wan::ui
