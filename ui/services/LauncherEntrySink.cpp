#include "LauncherEntrySink.h"

#include <spdlog/spdlog.h>

#if WAN_UI_HAS_DBUS

#include <QDBusMessage>
#include <QVariantMap>

namespace wan::ui {

LauncherEntrySink::LauncherEntrySink(QDBusConnection connection, const QString& desktopFile)
    : m_connection(std::move(connection)), m_appUri(QStringLiteral("application://") + desktopFile)
{
}

void LauncherEntrySink::show(const TaskbarState& state)
{
    QDBusMessage signal = QDBusMessage::createSignal(QLatin1String(kObjectPath), QLatin1String(kInterface),
                                                     QStringLiteral("Update"));
    // The protocol's types: progress a double 0..1, count an int64, the rest booleans.
    const QVariantMap properties{{QStringLiteral("progress"), state.progress},
                                 {QStringLiteral("progress-visible"), state.progressVisible},
                                 {QStringLiteral("count"), qint64(state.count)},
                                 {QStringLiteral("count-visible"), state.countVisible},
                                 {QStringLiteral("urgent"), state.urgent}};
    signal << m_appUri << properties;
    if (!m_connection.send(signal))
        spdlog::debug("Taskbar progress: the session bus did not take the launcher-entry signal");
}

} // namespace wan::ui

#endif

namespace wan::ui {

std::unique_ptr<TaskbarSink> desktopTaskbarSink()
{
#if WAN_UI_HAS_DBUS
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (bus.isConnected())
        return std::make_unique<LauncherEntrySink>(bus);
    spdlog::info("No D-Bus session bus: no taskbar progress");
#endif
    return nullptr;
}

} // namespace wan::ui
