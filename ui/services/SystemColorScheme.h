#pragma once
// Whether the desktop wants light or dark, while the app runs: the XDG desktop portal's
// org.freedesktop.appearance color-scheme (asked once at start, then its SettingChanged signal) on the
// session bus, and Qt's own colour scheme signal where this Qt has one (6.5+). GNOME, KDE Plasma and other
// portals implement the setting. Without D-Bus or a portal the scheme stays Unknown and the palette decides.

#include "Theme.h"

#include <QObject>

#if WAN_UI_HAS_DBUS
#include <QDBusConnection>
#include <QDBusVariant>
#endif

namespace wan::ui {

// The portal's value: 1 prefers dark, 2 prefers light; 0 (no preference) and anything else is Unknown.
ColorScheme colorSchemeFromPortal(const QVariant& value);

class SystemColorScheme : public QObject
{
    Q_OBJECT
public:
    static constexpr const char* kPortalService = "org.freedesktop.portal.Desktop";
    static constexpr const char* kPortalPath = "/org/freedesktop/portal/desktop";
    static constexpr const char* kSettingsInterface = "org.freedesktop.portal.Settings";
    static constexpr const char* kAppearance = "org.freedesktop.appearance";
    static constexpr const char* kColorSchemeKey = "color-scheme";

    // The user's session bus, where there is one.
    explicit SystemColorScheme(QObject* parent = nullptr);
#if WAN_UI_HAS_DBUS
    explicit SystemColorScheme(QDBusConnection connection, QObject* parent = nullptr);
#endif
    ~SystemColorScheme() override;

    // Unknown until the portal has answered (or when there is none).
    ColorScheme scheme() const
    {
        return m_scheme;
    }

Q_SIGNALS:
    // The scheme the desktop reports changed (including the first answer at start).
    void changed(wan::ui::ColorScheme scheme);

private Q_SLOTS:
#if WAN_UI_HAS_DBUS
    void portalSettingChanged(const QString& group, const QString& key, const QDBusVariant& value);
#endif

private:
    void report(ColorScheme scheme);
#if WAN_UI_HAS_DBUS
    void watch(QDBusConnection connection);
    void readInitial(QDBusConnection connection, bool readOne);
#endif

    ColorScheme m_scheme = ColorScheme::Unknown;
    bool m_signalSeen = false; // a SettingChanged arrived: the start-up read's late answer is stale
};

// Keeps the theme's reported scheme (setSystemColorScheme) on what `watcher` reports, so "Follow the system"
// switches light and dark while the app runs.
void followDesktopColorScheme(SystemColorScheme* watcher);

} // namespace wan::ui
