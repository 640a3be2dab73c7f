#include "SystemColorScheme.h"

#include <QGuiApplication>
#include <QStyleHints>

#include <spdlog/spdlog.h>

#if WAN_UI_HAS_DBUS
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#endif

namespace wan::ui {

namespace {

const char* schemeName(ColorScheme scheme)
{
    switch (scheme) {
    case ColorScheme::Dark:
        return "dark";
    case ColorScheme::Light:
        return "light";
    case ColorScheme::Unknown:
        break;
    }
    return "no preference";
}

} // namespace

ColorScheme colorSchemeFromPortal(const QVariant& value)
{
    QVariant inner = value;
#if WAN_UI_HAS_DBUS
    // Read (the portal's first version) wraps the value in one more variant than ReadOne.
    for (int depth = 0; depth < 3 && inner.userType() == qMetaTypeId<QDBusVariant>(); ++depth)
        inner = inner.value<QDBusVariant>().variant();
#endif
    bool ok = false;
    const uint number = inner.toUInt(&ok);
    if (!ok)
        return ColorScheme::Unknown;
    if (number == 1)
        return ColorScheme::Dark;
    if (number == 2)
        return ColorScheme::Light;
    return ColorScheme::Unknown;
}

SystemColorScheme::SystemColorScheme(QObject* parent) : QObject(parent)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    if (const QStyleHints* hints = QGuiApplication::styleHints())
        connect(hints, &QStyleHints::colorSchemeChanged, this, [this](Qt::ColorScheme scheme) {
            report(scheme == Qt::ColorScheme::Dark    ? ColorScheme::Dark
                   : scheme == Qt::ColorScheme::Light ? ColorScheme::Light
                                                      : ColorScheme::Unknown);
        });
#endif
#if WAN_UI_HAS_DBUS
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (bus.isConnected())
        watch(bus);
    else
        spdlog::info("No D-Bus session bus: the theme follows the system's palette at start only");
#endif
}

#if WAN_UI_HAS_DBUS
SystemColorScheme::SystemColorScheme(QDBusConnection connection, QObject* parent) : QObject(parent)
{
    watch(std::move(connection));
}

void SystemColorScheme::watch(QDBusConnection connection)
{
    // Any sender: the portal's unique name is not known before it starts (the service may be activated).
    if (!connection.connect(QString(), QLatin1String(kPortalPath), QLatin1String(kSettingsInterface),
                            QStringLiteral("SettingChanged"), this,
                            SLOT(portalSettingChanged(QString, QString, QDBusVariant))))
        spdlog::warn("Theme: cannot listen to the desktop portal's settings ({})",
                     connection.lastError().message().toStdString());
    readInitial(std::move(connection), true);
}

void SystemColorScheme::readInitial(QDBusConnection connection, bool readOne)
{
    // Asynchronous: a missing or slow portal never holds up the window.
    QDBusMessage call = QDBusMessage::createMethodCall(
        QLatin1String(kPortalService), QLatin1String(kPortalPath), QLatin1String(kSettingsInterface),
        readOne ? QStringLiteral("ReadOne") : QStringLiteral("Read"));
    call << QLatin1String(kAppearance) << QLatin1String(kColorSchemeKey);
    auto* watcher = new QDBusPendingCallWatcher(connection.asyncCall(call, 5000), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, watcher, connection, readOne](QDBusPendingCallWatcher*) mutable {
                watcher->deleteLater();
                const QDBusPendingReply<QDBusVariant> reply = *watcher;
                if (reply.isError()) {
                    // Portals before version 2 have Read only.
                    if (readOne && reply.error().type() == QDBusError::UnknownMethod) {
                        readInitial(connection, false);
                        return;
                    }
                    spdlog::info("Theme: no desktop portal colour scheme ({})",
                                 reply.error().message().toStdString());
                    return;
                }
                if (m_signalSeen)
                    return;
                report(colorSchemeFromPortal(QVariant::fromValue(reply.value())));
            });
}

void SystemColorScheme::portalSettingChanged(const QString& group, const QString& key,
                                             const QDBusVariant& value)
{
    if (group != QLatin1String(kAppearance) || key != QLatin1String(kColorSchemeKey))
        return;
    m_signalSeen = true;
    report(colorSchemeFromPortal(QVariant::fromValue(value)));
}
#endif

SystemColorScheme::~SystemColorScheme() = default;

void SystemColorScheme::report(ColorScheme scheme)
{
    if (scheme == m_scheme)
        return;
    m_scheme = scheme;
    spdlog::info("Theme: the desktop reports {}", schemeName(scheme));
    Q_EMIT changed(scheme);
}

void followDesktopColorScheme(SystemColorScheme* watcher)
{
    QObject::connect(watcher, &SystemColorScheme::changed, watcher, [](ColorScheme scheme) {
        if (setSystemColorScheme(scheme))
            spdlog::info("Theme: switched with the desktop");
    });
    if (watcher->scheme() != ColorScheme::Unknown)
        setSystemColorScheme(watcher->scheme());
}

} // namespace wan::ui
