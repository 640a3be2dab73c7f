#pragma once

#include <QDialog>

class QTreeWidget;

namespace wan::ui {

// Help → Keyboard Shortcuts: the shortcut table, grouped by where each works.
class ShortcutsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ShortcutsDialog)

public:
    explicit ShortcutsDialog(QWidget* parent = nullptr);

    QTreeWidget* list() const { return m_list; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void fill();

    QTreeWidget* m_list = nullptr;
};

} // namespace wan::ui
