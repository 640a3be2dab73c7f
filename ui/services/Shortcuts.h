#pragma once
// Every keyboard shortcut of the studio in one table: the actions are made from it (ShortcutActions) and
// Help → Keyboard Shortcuts lists it.

#include <QKeySequence>
#include <QString>
#include <QStringList>

#include <vector>

namespace wan::ui {

// Where a shortcut works: the whole window, or while focus is in one panel (the same keys may then mean
// different things in different panels, never twice in one, never one that the window already takes).
enum class ShortcutContext
{
    Window = 1,
    Queue,
    Player,
    Gallery
};

enum class ShortcutId
{
    AddToQueue = 1,
    ExportAs,
    PasteImage,
    Quit,
    ShowShortcuts,
    QueueStartPause,
    QueueMoveUp,
    QueueMoveDown,
    QueueDelete,
    QueueRetry,
    PlayerPlayPause,
    PlayerFrameBack,
    PlayerFrameForward,
    PlayerLoop,
    GalleryOpen,
    GalleryDelete,
    GallerySearch
};

struct Shortcut
{
    ShortcutId id;
    const char* name; // the action's object name, e.g. "shortcut.queue.moveUp"
    QKeySequence keys;
    const char* description; // untranslated; shortcutDescription() translates it
    ShortcutContext context;
};

const std::vector<Shortcut>& shortcutTable();
const Shortcut& shortcut(ShortcutId id);
QString shortcutDescription(const Shortcut& shortcut);
QString shortcutContextName(ShortcutContext context);
// One line per pair of shortcuts whose keys would clash (same keys in one context, or in the window and a
// panel); empty when there is none.
QStringList shortcutConflicts(const std::vector<Shortcut>& table);

} // namespace wan::ui
