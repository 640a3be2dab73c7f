// Light and dark: the semantic colours read on either palette (light shades on dark, dark on light), the
// theme choice is saved and applied through View → Theme, and a screenshot of the main window in the dark
// theme.
#include "FakeJobRunner.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueModel.h"
#include "Theme.h"
#include "ViewMenu.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QMenuBar>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

Q_DECLARE_METATYPE(wan::ui::SemanticColor)

class TestTheme final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { applyTheme(ThemeChoice::Light, lightPalette()); }
    void choiceNames();
    void palettesAreWhatTheySay();
    void semanticColoursRead_data();
    void semanticColoursRead();
    void systemFollowsThePalette();
    void viewMenuSavesAndApplies();
    void mainWindowDark();
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
