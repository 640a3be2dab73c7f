#include "MemoryPlanView.h"

#include "BackgroundTask.h"

namespace wan::ui {

MemoryPlanView::MemoryPlanView(MemoryPlanner planner, std::function<std::optional<wan::Request>()> draft,
                               QWidget* parent)
    : QLabel(parent), m_planner(std::move(planner)), m_draft(std::move(draft))
{
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setEnabled(false); // shown in the muted text colour until a refusal needs attention
    hide();
    m_timer.setSingleShot(true);
    m_timer.setInterval(600);
    connect(&m_timer, &QTimer::timeout, this, &MemoryPlanView::start);
}

void MemoryPlanView::schedule()
{
    if (m_planner)
        m_timer.start();
}

void MemoryPlanView::start()
{
    const std::optional<wan::Request> request = m_draft ? m_draft() : std::nullopt;
    const quint64 generation = ++m_generation;
    if (!request) { // no usable model set yet: nothing to plan
        hide();
        return;
    }
    runInBackground(
        this, [planner = m_planner, request = *request] { return planner(request); },
        [this, generation](const MemoryPlanCheck& check) {
            if (generation != m_generation)
                return; // a newer request is being planned
            if (check.ok) {
                m_fits = memoryPlanFits(check.plan);
                setText(tr("Memory plan: %1").arg(memoryPlanText(check.plan)));
                setToolTip(QString::fromStdString(check.plan.description +
                                                  (check.plan.deviceBreakdown.empty()
                                                       ? std::string()
                                                       : "\n" + check.plan.deviceBreakdown)));
            } else {
                m_fits = true; // the form's own check names the problem at Generate
                setText(tr("Memory plan: not available (%1)").arg(check.error));
                setToolTip(QString());
            }
            setEnabled(!m_fits);
            show();
            Q_EMIT planned();
        });
}

} // namespace wan::ui
