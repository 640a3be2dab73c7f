#pragma once
// Taskbar progress on Linux desktops: the launcher-entry protocol, a D-Bus signal
// com.canonical.Unity.LauncherEntry.Update(app_uri, properties) on the session bus, which KDE Plasma's task
// manager, Ubuntu Dock and Dash to Dock read. Only with Qt D-Bus (WAN_UI_HAS_DBUS).

#include "TaskbarProgress.h"

#if WAN_UI_HAS_DBUS

#include <QDBusConnection>
#include <QString>

namespace wan::ui {

class LauncherEntrySink final : public TaskbarSink
{
public:
    static constexpr const char* kInterface = "com.canonical.Unity.LauncherEntry";
    static constexpr const char* kObjectPath = "/com/wanstudio/LauncherEntry";

    // `desktopFile`: the app's .desktop file name, which names the entry ("application://<desktopFile>").
    explicit LauncherEntrySink(QDBusConnection connection,
                               const QString& desktopFile = QStringLiteral("wan-studio.desktop"));

    void show(const TaskbarState& state) override;
    QString appUri() const { return m_appUri; }

private:
    QDBusConnection m_connection;
    QString m_appUri;
};

} // namespace wan::ui

#endif
