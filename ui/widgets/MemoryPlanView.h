#pragma once

#include "MemoryPlanText.h"

#include <QLabel>
#include <QTimer>

#include <functional>
#include <optional>

namespace wan::ui {

// The memory plan of the form's request, shown under the form before Generate: where the models would live
// and the estimated memory, or why the job would not fit. Planned on a worker thread (headers only) a moment
// after the last change; an answer for an older request is dropped.
class MemoryPlanView final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MemoryPlanView)

public:
    // `planner` unset: the view stays hidden. `draft` gives the request to plan (the window's form plus the
    // model set, device and budget).
    MemoryPlanView(MemoryPlanner planner, std::function<std::optional<wan::Request>()> draft,
                   QWidget* parent = nullptr);

    void setDelayMs(int ms) { m_timer.setInterval(ms); }
    // Plans again a moment from now (the form, the model set or the settings changed).
    void schedule();
    bool fits() const { return m_fits; }

Q_SIGNALS:
    void planned(); // a new plan (or problem) is shown

private:
    void start();

    MemoryPlanner m_planner;
    std::function<std::optional<wan::Request>()> m_draft;
    QTimer m_timer;
    quint64 m_generation = 0;
    bool m_fits = true;
};

} // namespace wan::ui
