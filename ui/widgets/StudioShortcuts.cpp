#include "StudioShortcuts.h"

#include "GalleryDock.h"
#include "PlayerWidget.h"
#include "QueueRunner.h"
#include "RenderQueueDock.h"
#include "RenderQueueModel.h"

#include <QAction>
#include <QCheckBox>
#include <QLineEdit>
#include <QMainWindow>
#include <QTableView>

namespace wan::ui {

void applyShortcut(QAction* action, ShortcutId id)
{
    const Shortcut& entry = shortcut(id);
    action->setShortcut(entry.keys);
    action->setObjectName(QLatin1String(entry.name));
    action->setShortcutContext(entry.context == ShortcutContext::Window ? Qt::WindowShortcut
                                                                        : Qt::WidgetWithChildrenShortcut);
}

StudioShortcuts::StudioShortcuts(QMainWindow* window, RenderQueueDock* queue, RenderQueueModel* model,
                                 QueueRunner* runner, PlayerWidget* player, GalleryDock* gallery)
    : QObject(window), m_queue(queue), m_model(model)
{
    // The runner's state, not the toolbar button's check mark, says what "pause or resume" means.
    connect(make(ShortcutId::QueueStartPause, queue), &QAction::triggered, runner,
            [runner] { runner->setQueuePaused(!runner->isQueuePaused()); });
    connect(make(ShortcutId::QueueMoveUp, queue), &QAction::triggered, this, [this] { moveSelectedJob(-1); });
    connect(make(ShortcutId::QueueMoveDown, queue), &QAction::triggered, this,
            [this] { moveSelectedJob(1); });
    connect(make(ShortcutId::QueueDelete, queue), &QAction::triggered, this,
            [this] { m_model->removeJob(m_queue->selectedJob()); });
    connect(make(ShortcutId::QueueRetry, queue), &QAction::triggered, this,
            [this] { m_model->retryJob(m_queue->selectedJob()); });

    connect(make(ShortcutId::PlayerPlayPause, player), &QAction::triggered, player,
            &PlayerWidget::togglePlay);
    connect(make(ShortcutId::PlayerFrameBack, player), &QAction::triggered, player,
            [player] { player->stepFrames(-1); });
    connect(make(ShortcutId::PlayerFrameForward, player), &QAction::triggered, player,
            [player] { player->stepFrames(1); });
    connect(make(ShortcutId::PlayerLoop, player), &QAction::triggered, player,
            [player] { player->loopBox()->toggle(); });

    connect(make(ShortcutId::GalleryOpen, gallery), &QAction::triggered, gallery, [gallery] {
        if (const QUuid id = gallery->selectedJob(); !id.isNull())
            Q_EMIT gallery->openRequested(id);
    });
    connect(make(ShortcutId::GalleryDelete, gallery), &QAction::triggered, gallery, [gallery] {
        if (gallery->deleteAction()->isEnabled())
            gallery->deleteSelected();
    });
    // Searching works from anywhere in the window: it shows the gallery and puts the cursor in its field.
    connect(make(ShortcutId::GallerySearch, window), &QAction::triggered, gallery, [gallery] {
        gallery->show();
        gallery->raise();
        gallery->searchField()->setFocus(Qt::ShortcutFocusReason);
        gallery->searchField()->selectAll();
    });
}

QAction* StudioShortcuts::make(ShortcutId id, QWidget* scope)
{
    auto* action = new QAction(shortcutDescription(shortcut(id)), scope);
    applyShortcut(action, id);
    scope->addAction(action);
    m_actions[id] = action;
    return action;
}

QAction* StudioShortcuts::action(ShortcutId id) const
{
    const auto found = m_actions.find(id);
    return found == m_actions.end() ? nullptr : found->second;
}

void StudioShortcuts::moveSelectedJob(int delta)
{
    const QUuid id = m_queue->selectedJob();
    const int row = id.isNull() ? -1 : m_model->rowOf(id);
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_model->rowCount() || !m_model->moveJob(row, to))
        return;
    m_queue->view()->selectRow(m_model->rowOf(id));
}

} // namespace wan::ui
