#include "ShortcutsDialog.h"

#include "Shortcuts.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QHeaderView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace wan::ui {

ShortcutsDialog::ShortcutsDialog(QWidget* parent) : QDialog(parent)
{
    m_list = new QTreeWidget(this);
    m_list->setColumnCount(2);
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFocusPolicy(Qt::NoFocus);
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    fill();
    resize(520, 520);
}

void ShortcutsDialog::fill()
{
    setWindowTitle(tr("Keyboard Shortcuts"));
    m_list->clear();
    m_list->setHeaderLabels({tr("Keys"), tr("Action")});
    for (ShortcutContext context : {ShortcutContext::Window, ShortcutContext::Queue, ShortcutContext::Player,
                                    ShortcutContext::Gallery}) {
        auto* group = new QTreeWidgetItem(m_list, {shortcutContextName(context)});
        group->setFirstColumnSpanned(true);
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        for (const Shortcut& entry : shortcutTable()) {
            if (entry.context == context)
                new QTreeWidgetItem(
                    m_list, {entry.keys.toString(QKeySequence::NativeText), shortcutDescription(entry)});
        }
    }
}

void ShortcutsDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        fill();
    QDialog::changeEvent(event);
}

} // namespace wan::ui
