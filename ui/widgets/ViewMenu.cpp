#include "ViewMenu.h"

#include <QActionGroup>
#include <QEvent>
#include <QSettings>

namespace wan::ui {

ViewMenu::ViewMenu(QSettings* settings, QWidget* parent) : QMenu(parent), m_settings(settings)
{
    m_themeMenu = addMenu(QString());
    m_themes = new QActionGroup(this);
    m_themes->setExclusive(true);
    const auto add = [this](ThemeChoice choice) {
        QAction* action = m_themeMenu->addAction(QString());
        action->setCheckable(true);
        action->setData(int(choice));
        action->setObjectName(QStringLiteral("theme.") + themeChoiceName(choice));
        m_themes->addAction(action);
        connect(action, &QAction::triggered, this, [this, choice] { setTheme(choice); });
        return action;
    };
    m_system = add(ThemeChoice::System);
    m_light = add(ThemeChoice::Light);
    m_dark = add(ThemeChoice::Dark);
    const ThemeChoice saved =
        m_settings
            ? themeChoiceFromName(m_settings->value(QLatin1String(theme_settings_keys::kTheme)).toString())
            : ThemeChoice::System;
    themeAction(saved)->setChecked(true);
    retranslate();
}

QAction* ViewMenu::themeAction(ThemeChoice choice) const
{
    switch (choice) {
    case ThemeChoice::Light:
        return m_light;
    case ThemeChoice::Dark:
        return m_dark;
    case ThemeChoice::System:
        break;
    }
    return m_system;
}

ThemeChoice ViewMenu::theme() const
{
    const QAction* checked = m_themes->checkedAction();
    return checked ? ThemeChoice(checked->data().toInt()) : ThemeChoice::System;
}

void ViewMenu::setTheme(ThemeChoice choice)
{
    themeAction(choice)->setChecked(true);
    if (m_settings)
        m_settings->setValue(QLatin1String(theme_settings_keys::kTheme), themeChoiceName(choice));
    applyTheme(choice);
}

void ViewMenu::retranslate()
{
    setTitle(tr("&View"));
    m_themeMenu->setTitle(tr("Theme"));
    m_system->setText(tr("Follow the system"));
    m_light->setText(tr("Light"));
    m_dark->setText(tr("Dark"));
}

void ViewMenu::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMenu::changeEvent(event);
}

} // namespace wan::ui
