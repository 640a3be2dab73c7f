#pragma once

#include "Theme.h"

#include <QMenu>

class QAction;
class QActionGroup;
class QSettings;

namespace wan::ui {

// View → Theme: System (the system's light or dark), Light or Dark, saved in the settings and applied at
// once.
class ViewMenu final : public QMenu
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ViewMenu)

public:
    // `settings` may be null (tests): the choice is then applied but not saved.
    explicit ViewMenu(QSettings* settings, QWidget* parent = nullptr);

    QAction* themeAction(ThemeChoice choice) const;
    ThemeChoice theme() const;
    void setTheme(ThemeChoice choice);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();

    QSettings* m_settings;
    QMenu* m_themeMenu = nullptr;
    QActionGroup* m_themes = nullptr;
    QAction* m_system = nullptr;
    QAction* m_light = nullptr;
    QAction* m_dark = nullptr;
};

} // namespace wan::ui
