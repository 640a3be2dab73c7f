#pragma once

#include "Shortcuts.h"

#include <QObject>

#include <map>

class QAction;
class QMainWindow;
class QWidget;

namespace wan::ui {

class GalleryDock;
class PlayerWidget;
class RenderQueueDock;
class RenderQueueModel;
class QueueRunner;

// Gives `action` the table's keys, name and shortcut context for `id` (an action the window made itself).
void applyShortcut(QAction* action, ShortcutId id);

// The panels' keyboard actions, made from the shortcut table: the queue's (pause/resume, move, remove,
// retry), the player's (play, frame steps, loop) and the gallery's (open, delete, search). Each acts on the
// panel's selection, while focus is in that panel.
class StudioShortcuts final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StudioShortcuts)

public:
    StudioShortcuts(QMainWindow* window, RenderQueueDock* queue, RenderQueueModel* model, QueueRunner* runner,
                    PlayerWidget* player, GalleryDock* gallery);

    QAction* action(ShortcutId id) const;

private:
    QAction* make(ShortcutId id, QWidget* scope);
    void moveSelectedJob(int delta);

    RenderQueueDock* m_queue;
    RenderQueueModel* m_model;
    std::map<ShortcutId, QAction*> m_actions;
};

} // namespace wan::ui
