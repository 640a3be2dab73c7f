#include "Shortcuts.h"

#include <QCoreApplication>

namespace wan::ui {

const std::vector<Shortcut>& shortcutTable()
{
    using C = ShortcutContext;
    using I = ShortcutId;
    static const std::vector<Shortcut> table = {
        {I::AddToQueue, "shortcut.window.addToQueue", QKeySequence(Qt::CTRL | Qt::Key_Return),
         QT_TRANSLATE_NOOP("Shortcuts", "Add the form's job to the queue"), C::Window},
        {I::ExportAs, "shortcut.window.exportAs", QKeySequence(Qt::CTRL | Qt::Key_E),
         QT_TRANSLATE_NOOP("Shortcuts", "Export the selected or shown result"), C::Window},
        {I::PasteImage, "shortcut.window.pasteImage", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V),
         QT_TRANSLATE_NOOP("Shortcuts", "Paste an image as the first frame"), C::Window},
        {I::Quit, "shortcut.window.quit", QKeySequence(Qt::CTRL | Qt::Key_Q),
         QT_TRANSLATE_NOOP("Shortcuts", "Quit"), C::Window},
        {I::ShowShortcuts, "shortcut.window.showShortcuts", QKeySequence(Qt::CTRL | Qt::Key_Slash),
         QT_TRANSLATE_NOOP("Shortcuts", "Show the keyboard shortcuts"), C::Window},
        {I::QueueStartPause, "shortcut.queue.startPause", QKeySequence(Qt::Key_Space),
         QT_TRANSLATE_NOOP("Shortcuts", "Pause or resume the queue"), C::Queue},
        {I::QueueMoveUp, "shortcut.queue.moveUp", QKeySequence(Qt::CTRL | Qt::Key_Up),
         QT_TRANSLATE_NOOP("Shortcuts", "Move the selected job up"), C::Queue},
        {I::QueueMoveDown, "shortcut.queue.moveDown", QKeySequence(Qt::CTRL | Qt::Key_Down),
         QT_TRANSLATE_NOOP("Shortcuts", "Move the selected job down"), C::Queue},
        {I::QueueDelete, "shortcut.queue.delete", QKeySequence(Qt::Key_Delete),
         QT_TRANSLATE_NOOP("Shortcuts", "Remove the selected job"), C::Queue},
        {I::QueueRetry, "shortcut.queue.retry", QKeySequence(Qt::CTRL | Qt::Key_R),
         QT_TRANSLATE_NOOP("Shortcuts", "Retry the selected failed or cancelled job"), C::Queue},
        {I::PlayerPlayPause, "shortcut.player.playPause", QKeySequence(Qt::Key_Space),
         QT_TRANSLATE_NOOP("Shortcuts", "Play or pause"), C::Player},
        {I::PlayerFrameBack, "shortcut.player.frameBack", QKeySequence(Qt::Key_Comma),
         QT_TRANSLATE_NOOP("Shortcuts", "One frame back"), C::Player},
        {I::PlayerFrameForward, "shortcut.player.frameForward", QKeySequence(Qt::Key_Period),
         QT_TRANSLATE_NOOP("Shortcuts", "One frame forward"), C::Player},
        {I::PlayerLoop, "shortcut.player.loop", QKeySequence(Qt::Key_L),
         QT_TRANSLATE_NOOP("Shortcuts", "Loop on or off"), C::Player},
        {I::GalleryOpen, "shortcut.gallery.open", QKeySequence(Qt::Key_Return),
         QT_TRANSLATE_NOOP("Shortcuts", "Open the selected result in the player"), C::Gallery},
        {I::GalleryDelete, "shortcut.gallery.delete", QKeySequence(Qt::Key_Delete),
         QT_TRANSLATE_NOOP("Shortcuts", "Move the selected result to the trash"), C::Gallery},
        {I::GallerySearch, "shortcut.gallery.search", QKeySequence(Qt::CTRL | Qt::Key_F),
         QT_TRANSLATE_NOOP("Shortcuts", "Search the gallery's prompts"), C::Window},
    };
    return table;
}

const Shortcut& shortcut(ShortcutId id)
{
    for (const Shortcut& entry : shortcutTable()) {
        if (entry.id == id)
            return entry;
    }
    Q_UNREACHABLE();
    return shortcutTable().front();
}

QString shortcutDescription(const Shortcut& shortcut)
{
    return QCoreApplication::translate("Shortcuts", shortcut.description);
}

QString shortcutContextName(ShortcutContext context)
{
    switch (context) {
    case ShortcutContext::Queue:
        return QCoreApplication::translate("Shortcuts", "Render queue");
    case ShortcutContext::Player:
        return QCoreApplication::translate("Shortcuts", "Player");
    case ShortcutContext::Gallery:
        return QCoreApplication::translate("Shortcuts", "Gallery");
    case ShortcutContext::Window:
        break;
    }
    return QCoreApplication::translate("Shortcuts", "Anywhere");
}

QStringList shortcutConflicts(const std::vector<Shortcut>& table)
{
    QStringList conflicts;
    for (std::size_t i = 0; i < table.size(); ++i) {
        for (std::size_t j = i + 1; j < table.size(); ++j) {
            const Shortcut& a = table[i];
            const Shortcut& b = table[j];
            const bool overlap = a.context == b.context || a.context == ShortcutContext::Window ||
                                 b.context == ShortcutContext::Window;
            if (overlap && !a.keys.isEmpty() && a.keys == b.keys)
                conflicts.append(QStringLiteral("%1 and %2: %3")
                                     .arg(QLatin1String(a.name), QLatin1String(b.name),
                                          a.keys.toString(QKeySequence::PortableText)));
        }
    }
    return conflicts;
}

} // namespace wan::ui
