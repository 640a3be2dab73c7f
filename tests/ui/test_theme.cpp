// Light and dark: the semantic colours read on either palette (light shades on dark, dark on light), the
// theme choice is saved and applied through View → Theme, "Follow the system" follows the desktop portal's
// colour scheme while the app runs (a fake portal on a private session bus), and a screenshot of the main
// window in the dark theme.
#include "FakeJobRunner.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "PrivateBus.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueModel.h"
#include "SemanticStyle.h"
#include "SystemColorScheme.h"
#include "Theme.h"
#include "ViewMenu.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#if WAN_UI_HAS_DBUS
#include <QDBusConnection>
#include <QDBusError>
#include <QDBusMessage>
#include <QDBusVariant>
#endif

using namespace wan::ui;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

Q_DECLARE_METATYPE(wan::ui::SemanticColor)

#if WAN_UI_HAS_DBUS
namespace {

// The desktop portal's Settings interface as GNOME's and KDE's portals offer it (version 2: ReadOne).
class FakePortal final : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.portal.Settings")

public:
    uint value = 1;
    int reads = 0;

public Q_SLOTS:
    QDBusVariant ReadOne(const QString& group, const QString& key)
    {
        ++reads;
        if (group == QLatin1String(SystemColorScheme::kAppearance) &&
            key == QLatin1String(SystemColorScheme::kColorSchemeKey))
            return QDBusVariant(value);
        return QDBusVariant(QString());
    }
};

// A version 1 portal: Read only, its value wrapped in one more variant.
class OldPortal final : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.portal.Settings")

public:
    uint value = 2;

public Q_SLOTS:
    QDBusVariant Read(const QString&, const QString&)
    {
        return QDBusVariant(QVariant::fromValue(QDBusVariant(value)));
    }
};

// A private session bus with two connections on it: the app's and the (fake) portal's.
class PortalBus
{
public:
    explicit PortalBus(const QString& prefix)
        : m_appName(prefix + QStringLiteral("-app")), m_portalName(prefix + QStringLiteral("-portal")),
          app(QDBusConnection::connectToBus(m_bus.address(), m_appName)),
          portal(QDBusConnection::connectToBus(m_bus.address(), m_portalName))
    {
    }
    ~PortalBus()
    {
        QDBusConnection::disconnectFromBus(m_appName);
        QDBusConnection::disconnectFromBus(m_portalName);
    }
    bool running() const { return !m_bus.address().isEmpty(); }
    // Offers `settings` as the desktop portal's Settings object.
    bool offer(QObject* settings)
    {
        return portal.registerService(QLatin1String(SystemColorScheme::kPortalService)) &&
               portal.registerObject(QLatin1String(SystemColorScheme::kPortalPath), settings,
                                     QDBusConnection::ExportAllSlots);
    }

private:
    wan::ui::test::PrivateBus m_bus;
    QString m_appName, m_portalName;

public:
    QDBusConnection app;
    QDBusConnection portal;
};

void sendSettingChanged(QDBusConnection& bus, const QString& group, const QString& key, const QVariant& value)
{
    QDBusMessage signal = QDBusMessage::createSignal(QLatin1String(SystemColorScheme::kPortalPath),
                                                     QLatin1String(SystemColorScheme::kSettingsInterface),
                                                     QStringLiteral("SettingChanged"));
    signal << group << key << QVariant::fromValue(QDBusVariant(value));
    QVERIFY(bus.send(signal));
}

} // namespace
#endif

class TestTheme final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup()
    {
        setSystemColorScheme(ColorScheme::Unknown);
        applyTheme(ThemeChoice::Light, lightPalette());
    }
    void choiceNames();
    void palettesAreWhatTheySay();
    void semanticColoursRead_data();
    void semanticColoursRead();
    void systemFollowsThePalette();
    void viewMenuSavesAndApplies();
    void mainWindowDark();
    void portalValues();
    void reportedSchemeDecides();
    void followsThePortalWhileRunning();
    void oldPortalAndNoPortal();
    void semanticStylesFollowASwitch();
};

void TestTheme::choiceNames()
{
    for (ThemeChoice choice : {ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark})
        QCOMPARE(themeChoiceFromName(themeChoiceName(choice)), choice);
    QCOMPARE(themeChoiceFromName(QStringLiteral("purple")), ThemeChoice::System);
    QCOMPARE(themeChoiceFromName(QString()), ThemeChoice::System);
}

void TestTheme::palettesAreWhatTheySay()
{
    QVERIFY(isDarkPalette(darkPalette()));
    QVERIFY(!isDarkPalette(lightPalette()));
    for (const QPalette& palette : {darkPalette(), lightPalette()}) {
        QVERIFY(contrastRatio(palette.color(QPalette::WindowText), palette.color(QPalette::Window)) >= 7.0);
        QVERIFY(contrastRatio(palette.color(QPalette::Text), palette.color(QPalette::Base)) >= 7.0);
    }
    QVERIFY(darkPalette().color(QPalette::WindowText).lightness() > 200);
}

void TestTheme::semanticColoursRead_data()
{
    QTest::addColumn<SemanticColor>("role");
    QTest::newRow("ok") << SemanticColor::Ok;
    QTest::newRow("warning") << SemanticColor::Warning;
    QTest::newRow("error") << SemanticColor::Error;
}

void TestTheme::semanticColoursRead()
{
    QFETCH(SemanticColor, role);
    const QPalette dark = darkPalette(), light = lightPalette();
    const QColor onDark = semanticColor(role, dark), onLight = semanticColor(role, light);
    // Light text on the dark palette, dark text on the light one, each readable on its window (WCAG AA
    // for large text at least, and the body-text level on the dark window).
    QVERIFY2(onDark.lightness() > dark.color(QPalette::Window).lightness() + 80, qPrintable(onDark.name()));
    QVERIFY2(onLight.lightness() < light.color(QPalette::Window).lightness() - 80,
             qPrintable(onLight.name()));
    QVERIFY2(contrastRatio(onDark, dark.color(QPalette::Window)) >= 4.5, qPrintable(onDark.name()));
    QVERIFY2(contrastRatio(onLight, light.color(QPalette::Window)) >= 4.5, qPrintable(onLight.name()));
    // The application-wide form follows the palette in use.
    applyTheme(ThemeChoice::Dark, light);
    QCOMPARE(semanticColor(role), onDark);
    QVERIFY(semanticStyleSheet(role).contains(onDark.name()));
    QVERIFY(semanticHtml(role, QStringLiteral("x")).contains(onDark.name()));
    applyTheme(ThemeChoice::Light, dark);
    QCOMPARE(semanticColor(role), onLight);
}

void TestTheme::systemFollowsThePalette()
{
    // A system palette is used as it is when it agrees with the system's scheme.
    const QPalette light = lightPalette();
    if (!systemPrefersDark(light))
        QCOMPARE(paletteFor(ThemeChoice::System, light), light);
    QVERIFY(systemPrefersDark(darkPalette()) || QT_VERSION >= QT_VERSION_CHECK(6, 5, 0));
    QVERIFY(isDarkPalette(paletteFor(ThemeChoice::System, darkPalette())));
    QVERIFY(isDarkPalette(paletteFor(ThemeChoice::Dark, light)));
    QVERIFY(!isDarkPalette(paletteFor(ThemeChoice::Light, darkPalette())));
}

void TestTheme::viewMenuSavesAndApplies()
{
    QTemporaryDir dir;
    QSettings settings(QDir(dir.path()).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    {
        ViewMenu menu(&settings);
        QVERIFY(menu.themeAction(ThemeChoice::System)->isChecked());
        menu.themeAction(ThemeChoice::Dark)->trigger();
        QCOMPARE(menu.theme(), ThemeChoice::Dark);
        QVERIFY(isDarkPalette(QApplication::palette()));
        QCOMPARE(settings.value(QLatin1String(theme_settings_keys::kTheme)).toString(),
                 QStringLiteral("dark"));
    }
    ViewMenu again(&settings);
    QCOMPARE(again.theme(), ThemeChoice::Dark);
    again.themeAction(ThemeChoice::Light)->trigger();
    QVERIFY(!isDarkPalette(QApplication::palette()));
}

void TestTheme::mainWindowDark()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    QSettings settings(QDir(dir.path()).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    QueueStore store(QDir(dir.path()).filePath(QStringLiteral("queue.json")));
    RenderQueueModel queue(&store);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&queue, &bridge, QDir(dir.path()).filePath(QStringLiteral("out")));
    runner.setQueuePaused(true);
    StudioServices services;
    services.settings = &settings;
    services.queue = &queue;
    services.runner = &runner;
    services.bridge = &bridge;
    services.inspectFolder = [](const QString& folder) {
        FolderCheck check;
        check.problem = QStringLiteral("%1 holds no Wan2.1 model").arg(folder);
        return check;
    };
    applyTheme(ThemeChoice::Dark, lightPalette());
    MainWindow window(std::move(services));
    window.resize(1280, 820);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(100);
    QVERIFY(isDarkPalette(window.palette()));
    // The View menu offers the choice, with Dark ticked once chosen.
    bool found = false;
    for (QAction* action : window.menuBar()->actions()) {
        if (qobject_cast<ViewMenu*>(action->menu()))
            found = true;
    }
    QVERIFY(found);
    const QImage shot = window.grab().toImage();
    // Mostly dark pixels: the window really is drawn dark.
    QVERIFY(qGray(shot.pixel(shot.width() / 2, shot.height() - 5)) < 100);
    const QString shots = QStringLiteral(WAN_UI_TEST_OUTPUT_DIR);
    QDir().mkpath(shots);
    QVERIFY(shot.save(QDir(shots).filePath(QStringLiteral("main_dark.png"))));
}

void TestTheme::portalValues()
{
    QCOMPARE(colorSchemeFromPortal(QVariant(uint(1))), ColorScheme::Dark);
    QCOMPARE(colorSchemeFromPortal(QVariant(uint(2))), ColorScheme::Light);
    QCOMPARE(colorSchemeFromPortal(QVariant(uint(0))), ColorScheme::Unknown);
    QCOMPARE(colorSchemeFromPortal(QVariant(uint(7))), ColorScheme::Unknown);
    QCOMPARE(colorSchemeFromPortal(QVariant(QStringLiteral("dark"))), ColorScheme::Unknown);
    QCOMPARE(colorSchemeFromPortal(QVariant()), ColorScheme::Unknown);
#if WAN_UI_HAS_DBUS
    const auto nested = QVariant::fromValue(QDBusVariant(QVariant::fromValue(QDBusVariant(uint(1)))));
    QCOMPARE(colorSchemeFromPortal(nested), ColorScheme::Dark);
#endif
}

void TestTheme::reportedSchemeDecides()
{
    // A light system palette with the desktop asking for dark (a style that ignores the scheme): dark.
    QVERIFY(isDarkPalette(paletteFor(ThemeChoice::System, lightPalette(), ColorScheme::Dark)));
    // A dark system palette with the desktop asking for light: light.
    QVERIFY(!isDarkPalette(paletteFor(ThemeChoice::System, darkPalette(), ColorScheme::Light)));
    // A palette that already matches is kept as it is.
    QPalette light = lightPalette();
    light.setColor(QPalette::Highlight, QColor(0x12, 0x34, 0x56));
    QCOMPARE(paletteFor(ThemeChoice::System, light, ColorScheme::Light), light);
    // The user's explicit choice wins over the desktop.
    QVERIFY(!isDarkPalette(paletteFor(ThemeChoice::Light, lightPalette(), ColorScheme::Dark)));
    QVERIFY(isDarkPalette(paletteFor(ThemeChoice::Dark, lightPalette(), ColorScheme::Light)));

    // Applied: a switch re-applies System over the same system palette, and leaves an explicit choice alone.
    applyTheme(ThemeChoice::System, light);
    QVERIFY(setSystemColorScheme(ColorScheme::Dark));
    QVERIFY(isDarkPalette(QApplication::palette()));
    QVERIFY(!setSystemColorScheme(ColorScheme::Dark)); // no change, no re-apply
    QVERIFY(setSystemColorScheme(ColorScheme::Light));
    QCOMPARE(QApplication::palette().color(QPalette::Highlight), QColor(0x12, 0x34, 0x56));
    applyTheme(ThemeChoice::Dark, light);
    QVERIFY(!setSystemColorScheme(ColorScheme::Light));
    QVERIFY(!setSystemColorScheme(ColorScheme::Dark));
    QVERIFY(isDarkPalette(QApplication::palette()));
    QCOMPARE(appliedThemeChoice(), ThemeChoice::Dark);
}

void TestTheme::followsThePortalWhileRunning()
{
#if !WAN_UI_HAS_DBUS
    QSKIP("built without Qt D-Bus: the desktop's scheme is read at start only");
#else
    PortalBus bus(QStringLiteral("theme"));
    QVERIFY2(bus.running(),
             "no private session bus: dbus-daemon is missing (bash installer/bootstrap.sh installs it)");
    QVERIFY2(bus.portal.isConnected(), qPrintable(bus.portal.lastError().message()));
    QDBusConnection& portalBus = bus.portal;
    QDBusConnection& appBus = bus.app;
    FakePortal portal;
    QVERIFY(bus.offer(&portal));

    // "Follow the system" on a light system palette; the desktop says dark at start.
    applyTheme(ThemeChoice::System, lightPalette());
    QVERIFY(!isDarkPalette(QApplication::palette()));
    SystemColorScheme watcher(appBus);
    followDesktopColorScheme(&watcher);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.scheme(), ColorScheme::Dark, 5000);
    QCOMPARE(portal.reads, 1);
    QVERIFY(isDarkPalette(QApplication::palette()));

    // The user switches the desktop to light, then back to dark: the app follows each time.
    sendSettingChanged(portalBus, QLatin1String(SystemColorScheme::kAppearance),
                       QLatin1String(SystemColorScheme::kColorSchemeKey), uint(2));
    QTRY_COMPARE_WITH_TIMEOUT(watcher.scheme(), ColorScheme::Light, 5000);
    QCOMPARE(QApplication::palette(), lightPalette());
    sendSettingChanged(portalBus, QLatin1String(SystemColorScheme::kAppearance),
                       QLatin1String(SystemColorScheme::kColorSchemeKey), uint(1));
    QTRY_VERIFY_WITH_TIMEOUT(isDarkPalette(QApplication::palette()), 5000);

    // Other settings on the same signal change nothing.
    QSignalSpy changed(&watcher, &SystemColorScheme::changed);
    sendSettingChanged(portalBus, QStringLiteral("org.gnome.desktop.interface"), QStringLiteral("gtk-theme"),
                       QStringLiteral("Adwaita"));
    sendSettingChanged(portalBus, QLatin1String(SystemColorScheme::kAppearance),
                       QStringLiteral("accent-color"), uint(2));
    QTest::qWait(300);
    QCOMPARE(changed.size(), 0);
    QVERIFY(isDarkPalette(QApplication::palette()));

    // An explicit choice is kept whatever the desktop says.
    applyTheme(ThemeChoice::Light, lightPalette());
    sendSettingChanged(portalBus, QLatin1String(SystemColorScheme::kAppearance),
                       QLatin1String(SystemColorScheme::kColorSchemeKey), uint(0));
    QTRY_COMPARE_WITH_TIMEOUT(watcher.scheme(), ColorScheme::Unknown, 5000);
    sendSettingChanged(portalBus, QLatin1String(SystemColorScheme::kAppearance),
                       QLatin1String(SystemColorScheme::kColorSchemeKey), uint(1));
    QTRY_COMPARE_WITH_TIMEOUT(watcher.scheme(), ColorScheme::Dark, 5000);
    QVERIFY(!isDarkPalette(QApplication::palette()));
    // Back to "Follow the system" through the View menu: the desktop's dark is taken at once.
    QTemporaryDir dir;
    QSettings settings(QDir(dir.path()).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    ViewMenu menu(&settings);
    menu.themeAction(ThemeChoice::System)->trigger();
    QVERIFY(isDarkPalette(QApplication::palette()));
#endif
}

void TestTheme::oldPortalAndNoPortal()
{
#if !WAN_UI_HAS_DBUS
    QSKIP("built without Qt D-Bus: the desktop's scheme is read at start only");
#else
    PortalBus bus(QStringLiteral("theme2"));
    QVERIFY2(bus.running(),
             "no private session bus: dbus-daemon is missing (bash installer/bootstrap.sh installs it)");
    QDBusConnection& appBus = bus.app;
    applyTheme(ThemeChoice::System, darkPalette());
    {
        // No portal on the bus: nothing reported, the palette stays the system's.
        SystemColorScheme watcher(appBus);
        followDesktopColorScheme(&watcher);
        QSignalSpy changed(&watcher, &SystemColorScheme::changed);
        QTest::qWait(500);
        QCOMPARE(changed.size(), 0);
        QCOMPARE(watcher.scheme(), ColorScheme::Unknown);
        QVERIFY(isDarkPalette(QApplication::palette()));
    }
    // A version 1 portal (Read, a variant in a variant) saying light.
    OldPortal portal;
    QVERIFY(bus.offer(&portal));
    SystemColorScheme watcher(appBus);
    followDesktopColorScheme(&watcher);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.scheme(), ColorScheme::Light, 5000);
    QCOMPARE(QApplication::palette(), lightPalette());
#endif
}

void TestTheme::semanticStylesFollowASwitch()
{
    applyTheme(ThemeChoice::Light, lightPalette());
    QLabel error, count, plain;
    setSemanticStyle(&error, SemanticColor::Error);
    setSemanticStyle(&count, SemanticColor::Warning, QStringLiteral("font-weight: bold;"));
    setSemanticStyle(&plain, SemanticColor::Ok);
    setSemanticStyle(&plain, std::nullopt);
    const QString lightError = semanticColor(SemanticColor::Error, lightPalette()).name();
    const QString darkError = semanticColor(SemanticColor::Error, darkPalette()).name();
    QVERIFY(lightError != darkError);
    QVERIFY2(error.styleSheet().contains(lightError), qPrintable(error.styleSheet()));
    // A switch while the app runs: each styled widget gets the shade for the new palette.
    applyTheme(ThemeChoice::Dark, lightPalette());
    QVERIFY2(error.styleSheet().contains(darkError), qPrintable(error.styleSheet()));
    QVERIFY(count.styleSheet().contains(semanticColor(SemanticColor::Warning, darkPalette()).name()));
    QVERIFY(count.styleSheet().contains(QStringLiteral("font-weight: bold;")));
    QVERIFY(plain.styleSheet().isEmpty());
    applyTheme(ThemeChoice::Light, lightPalette());
    QVERIFY(error.styleSheet().contains(lightError));
}

int main(int argc, char** argv)
{
    // As the app does: Qt 6.4 defaults to GStreamer, which crashes without its plugin packages.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("wan-studio-test"));
    TestTheme test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_theme.moc"
