// The keyboard shortcut table and the actions made from it: no two shortcuts clash, every entry is an action
// of the main window with the table's keys, the queue, player and gallery keys act on their panel, and
// Help → Keyboard Shortcuts lists every entry.
#include "FakeJobRunner.h"
#include "GalleryDock.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "PlayerWidget.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueDock.h"
#include "RenderQueueModel.h"
#include "Shortcuts.h"
#include "ShortcutsDialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QLineEdit>
#include <QSet>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace wan::ui;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

namespace {

FolderCheck fakeInspect(const QString& dir)
{
    FolderCheck check;
    check.ok = false;
    check.problem = dir;
    return check;
}

struct Studio
{
    explicit Studio(const QString& root)
        : settings(QDir(root).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat),
          store(QDir(root).filePath(QStringLiteral("queue.json"))), queue(&store),
          bridge(fakeRunnerFactory(&log)), runner(&queue, &bridge, QDir(root).filePath(QStringLiteral("out")))
    {
        runner.setQueuePaused(true); // nothing runs: the jobs only sit in the queue
    }

    StudioServices services()
    {
        StudioServices s;
        s.settings = &settings;
        s.queue = &queue;
        s.runner = &runner;
        s.bridge = &bridge;
        s.inspectFolder = &fakeInspect;
        return s;
    }

    FakeRunnerLog log;
    QSettings settings;
    QueueStore store;
    RenderQueueModel queue;
    InferenceBridge bridge;
    QueueRunner runner;
};

QAction* windowAction(const QMainWindow& window, ShortcutId id)
{
    const QList<QAction*> found = window.findChildren<QAction*>(QLatin1String(shortcut(id).name));
    return found.size() == 1 ? found.first() : nullptr;
}

} // namespace

class TestShortcuts final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tableIsConsistent();
    void conflictsAreFound();
    void everyShortcutIsAnAction();
    void queueKeys();
    void playerAndGalleryKeys();
    void helpListsEveryShortcut();
};

void TestShortcuts::tableIsConsistent()
{
    const auto& table = shortcutTable();
    QVERIFY2(shortcutConflicts(table).isEmpty(),
             qPrintable(shortcutConflicts(table).join(QLatin1Char('\n'))));
    QSet<int> ids;
    QSet<QString> names;
    for (const Shortcut& entry : table) {
        QVERIFY2(!ids.contains(int(entry.id)), entry.name);
        ids.insert(int(entry.id));
        QVERIFY2(!names.contains(QLatin1String(entry.name)), entry.name);
        names.insert(QLatin1String(entry.name));
        QVERIFY2(!entry.keys.isEmpty(), entry.name);
        QCOMPARE(entry.keys.count(), 1); // one chord each: nothing waits for a second key
        QVERIFY2(!shortcutDescription(entry).isEmpty(), entry.name);
        QCOMPARE(&shortcut(entry.id), &entry);
    }
    // Every id has its entry.
    for (int id = int(ShortcutId::AddToQueue); id <= int(ShortcutId::GallerySearch); ++id)
        QVERIFY2(ids.contains(id), qPrintable(QString::number(id)));
}

void TestShortcuts::conflictsAreFound()
{
    const auto keys = [](QKeyCombination key) { return QKeySequence(key); };
    using C = ShortcutContext;
    const std::vector<Shortcut> clash = {
        {ShortcutId::QueueDelete, "a", keys(QKeyCombination(Qt::Key_Delete)), "a", C::Queue},
        {ShortcutId::QueueRetry, "b", keys(QKeyCombination(Qt::Key_Delete)), "b",
         C::Queue}, // same panel: clash
        {ShortcutId::GalleryDelete, "c", keys(QKeyCombination(Qt::Key_Delete)), "c",
         C::Gallery}, // other panel: fine
        {ShortcutId::ExportAs, "d", keys(Qt::CTRL | Qt::Key_E), "d", C::Window},
        {ShortcutId::PlayerLoop, "e", keys(Qt::CTRL | Qt::Key_E), "e", C::Player}, // window and panel: clash
    };
    const QStringList conflicts = shortcutConflicts(clash);
    QCOMPARE(conflicts.size(), 2);
    QVERIFY(conflicts.at(0).startsWith(QLatin1String("a and b")));
    QVERIFY(conflicts.at(1).startsWith(QLatin1String("d and e")));
}

void TestShortcuts::everyShortcutIsAnAction()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    for (const Shortcut& entry : shortcutTable()) {
        QAction* action = windowAction(window, entry.id);
        QVERIFY2(action, entry.name);
        QCOMPARE(action->shortcut(), entry.keys);
        QCOMPARE(action->shortcutContext(), entry.context == ShortcutContext::Window
                                                ? Qt::WindowShortcut
                                                : Qt::WidgetWithChildrenShortcut);
        QVERIFY2(!action->associatedObjects().isEmpty(), entry.name); // on a menu or a panel
    }
    // The table is the only place keys come from: no action of the window has keys it does not list.
    QSet<QString> names;
    for (const Shortcut& entry : shortcutTable())
        names.insert(QLatin1String(entry.name));
    for (QAction* action : window.findChildren<QAction*>()) {
        if (!action->shortcut().isEmpty())
            QVERIFY2(names.contains(action->objectName()),
                     qPrintable(action->text() + QLatin1Char(' ') + action->shortcut().toString()));
    }
}

void TestShortcuts::queueKeys()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    QList<QUuid> ids;
    for (int i = 0; i < 3; ++i) {
        RenderJob job;
        job.request.prompt = "job " + std::to_string(i);
        ids.append(studio.queue.addJob(job));
    }
    MainWindow window(studio.services());
    RenderQueueDock* dock = window.findChild<RenderQueueDock*>();
    QVERIFY(dock);
    dock->view()->selectRow(1);
    QCOMPARE(dock->selectedJob(), ids[1]);

    windowAction(window, ShortcutId::QueueMoveUp)->trigger();
    QCOMPARE(studio.queue.rowOf(ids[1]), 0);
    QCOMPARE(dock->selectedJob(), ids[1]);                    // the selection moves with the job
    windowAction(window, ShortcutId::QueueMoveUp)->trigger(); // already first: stays
    QCOMPARE(studio.queue.rowOf(ids[1]), 0);
    windowAction(window, ShortcutId::QueueMoveDown)->trigger();
    windowAction(window, ShortcutId::QueueMoveDown)->trigger();
    QCOMPARE(studio.queue.rowOf(ids[1]), 2);

    const bool paused = studio.runner.isQueuePaused();
    windowAction(window, ShortcutId::QueueStartPause)->trigger();
    QCOMPARE(studio.runner.isQueuePaused(), !paused);
    windowAction(window, ShortcutId::QueueStartPause)->trigger();
    QCOMPARE(studio.runner.isQueuePaused(), paused);

    // Retry takes only failed or cancelled jobs; Delete removes the selected job.
    windowAction(window, ShortcutId::QueueRetry)->trigger();
    QCOMPARE(studio.queue.job(ids[1])->state, JobState::Queued);
    windowAction(window, ShortcutId::QueueDelete)->trigger();
    QVERIFY(!studio.queue.job(ids[1]));
    QCOMPARE(studio.queue.rowCount(), 2);

    // The keys themselves, with focus in the queue.
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    dock->raise();
    dock->view()->setFocus();
    dock->view()->selectRow(1);
    QTRY_VERIFY(dock->view()->hasFocus());
    QTest::keyClick(dock->view(), Qt::Key_Up, Qt::ControlModifier);
    QCOMPARE(studio.queue.rowOf(ids[2]), 0);
}

void TestShortcuts::playerAndGalleryKeys()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    PlayerWidget* player = window.findChild<PlayerWidget*>();
    GalleryDock* gallery = window.findChild<GalleryDock*>();
    QVERIFY(player && gallery);
    const bool loop = player->loopBox()->isChecked();
    windowAction(window, ShortcutId::PlayerLoop)->trigger();
    QCOMPARE(player->loopBox()->isChecked(), !loop);

    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(!gallery->searchField()->hasFocus());
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(gallery->searchField()->hasFocus());
    QVERIFY(gallery->isVisible());
}

void TestShortcuts::helpListsEveryShortcut()
{
    ShortcutsDialog dialog;
    QStringList shown;
    for (int i = 0; i < dialog.list()->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = dialog.list()->topLevelItem(i);
        shown.append(item->text(0) + QLatin1Char('|') + item->text(1));
    }
    for (const Shortcut& entry : shortcutTable()) {
        const QString line =
            entry.keys.toString(QKeySequence::NativeText) + QLatin1Char('|') + shortcutDescription(entry);
        QVERIFY2(shown.contains(line), qPrintable(line));
    }
    QCOMPARE(shown.size(), int(shortcutTable().size()) + 4); // and a heading per context
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const QString shots = QStringLiteral(WAN_UI_TEST_OUTPUT_DIR);
    QDir().mkpath(shots);
    QVERIFY(dialog.grab().save(QDir(shots).filePath(QStringLiteral("shortcuts.png"))));
}

int main(int argc, char** argv)
{
    // As the app does: Qt 6.4 defaults to GStreamer, which crashes without its plugin packages.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("wan-studio-test"));
    TestShortcuts test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_shortcuts.moc"
