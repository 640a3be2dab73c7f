// The taskbar entry follows the queue: what it sends through the seam (a recording sink) as jobs are queued,
// run, finish and fail, and the launcher-entry signal itself over a private session bus (dbus-daemon).
#include "LauncherEntrySink.h"
#include "PrivateBus.h"
#include "RenderQueueModel.h"
#include "TaskbarProgress.h"

#include <QProcess>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

#if WAN_UI_HAS_DBUS
#include <QDBusConnection>
#include <QDBusError>
#include <QVariantMap>
#endif

using namespace wan::ui;

namespace {

RenderJob makeJob(const char* prompt)
{
    RenderJob job;
    job.request.prompt = prompt;
    job.request.width = 48;
    job.request.height = 32;
    job.request.frameNum = 9;
    return job;
}

JobOutcome outcomeOf(wan::JobStatus status)
{
    JobOutcome outcome;
    outcome.status = status;
    if (status == wan::JobStatus::Failed)
        outcome.error = QStringLiteral("boom");
    return outcome;
}

JobProgress denoisingStep(int step, int total)
{
    JobProgress progress;
    progress.stage = wan::Stage::Denoising;
    progress.step = step;
    progress.totalSteps = total;
    return progress;
}

class RecordingSink final : public TaskbarSink
{
public:
    explicit RecordingSink(QList<TaskbarState>* shown) : m_shown(shown) {}
    void show(const TaskbarState& state) override { m_shown->append(state); }

private:
    QList<TaskbarState>* m_shown;
};

#if WAN_UI_HAS_DBUS
// Receives the launcher-entry signals on a second connection to the same bus.
class Listener final : public QObject
{
    Q_OBJECT

public:
    QList<QPair<QString, QVariantMap>> received;

public Q_SLOTS:
    void update(const QString& appUri, const QVariantMap& properties)
    {
        received.append({appUri, properties});
    }
};

using wan::ui::test::PrivateBus;
#endif

} // namespace

class TestTaskbarProgress final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void followsTheQueue();
    void failureInTheBackgroundIsUrgent_data();
    void failureInTheBackgroundIsUrgent();
    void launcherEntrySignal();
};

void TestTaskbarProgress::followsTheQueue()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    QList<TaskbarState> shown;
    {
        TaskbarProgress taskbar(&queue, std::make_unique<RecordingSink>(&shown));
        taskbar.setActiveProbe([] { return true; });
        QCOMPARE(shown.size(), 1); // the empty entry at start
        QVERIFY(!shown.last().progressVisible);
        QVERIFY(!shown.last().countVisible);

        const QUuid a = queue.addJob(makeJob("a"));
        const QUuid b = queue.addJob(makeJob("b"));
        QCOMPARE(shown.last().count, 2);
        QVERIFY(shown.last().countVisible);
        QVERIFY(!shown.last().progressVisible);

        // Started: the bar shows, the count is what waits behind it.
        QVERIFY(queue.markRunning(a, queue.job(a)->request, dir.filePath(QStringLiteral("a"))));
        QVERIFY(shown.last().progressVisible);
        QCOMPARE(shown.last().progress, 0.0);
        QCOMPARE(shown.last().count, 1);

        // Progress follows the queue's own figure for the job; repeated values are not sent again.
        QList<double> values;
        for (int step = 1; step <= 20; ++step) {
            queue.setProgress(a, denoisingStep(step, 20));
            values.append(shown.last().progress);
            QCOMPARE(shown.last().progress, std::round(queue.job(a)->progress * 1000.0) / 1000.0);
        }
        QVERIFY(std::is_sorted(values.begin(), values.end()));
        QVERIFY(values.last() > values.first());
        const qsizetype before = shown.size();
        queue.setProgress(a, denoisingStep(20, 20));
        QCOMPARE(shown.size(), before);

        // Done: the bar goes; b is still queued.
        QVERIFY(queue.finishJob(a, outcomeOf(wan::JobStatus::Done)));
        QVERIFY(!shown.last().progressVisible);
        QCOMPARE(shown.last().count, 1);
        QVERIFY(!shown.last().urgent);
        const QUuid c = queue.addJob(makeJob("c"));
        QCOMPARE(shown.last().count, 2);
        QVERIFY(queue.removeJob(c));
        QCOMPARE(shown.last().count, 1);
        QVERIFY(shown.last().countVisible);
        QVERIFY(queue.job(b));
        QVERIFY(taskbar.state() == shown.last());
    }
    // Gone with the window: the entry is cleared.
    QVERIFY(shown.last() == TaskbarState{});
}

void TestTaskbarProgress::failureInTheBackgroundIsUrgent_data()
{
    QTest::addColumn<bool>("active");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("urgent");
    QTest::newRow("failed in the background") << false << int(wan::JobStatus::Failed) << true;
    QTest::newRow("failed in front") << true << int(wan::JobStatus::Failed) << false;
    QTest::newRow("done in the background") << false << int(wan::JobStatus::Done) << false;
    QTest::newRow("cancelled in the background") << false << int(wan::JobStatus::Cancelled) << false;
}

void TestTaskbarProgress::failureInTheBackgroundIsUrgent()
{
    QFETCH(bool, active);
    QFETCH(int, status);
    QFETCH(bool, urgent);
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    QList<TaskbarState> shown;
    TaskbarProgress taskbar(&queue, std::make_unique<RecordingSink>(&shown));
    taskbar.setActiveProbe([active] { return active; });
    const QUuid a = queue.addJob(makeJob("a"));
    QVERIFY(queue.markRunning(a, queue.job(a)->request, dir.filePath(QStringLiteral("a"))));
    QVERIFY(queue.finishJob(a, outcomeOf(wan::JobStatus(status))));
    QCOMPARE(shown.last().urgent, urgent);
    QVERIFY(!shown.last().progressVisible);
    // Retrying keeps the urgency until the user comes back; coming back clears it.
    QVERIFY(queue.retryJob(a) || status == int(wan::JobStatus::Done));
    QCOMPARE(shown.last().urgent, urgent);
    taskbar.activated();
    QVERIFY(!shown.last().urgent);
    QVERIFY(!taskbar.state().urgent);
}

void TestTaskbarProgress::launcherEntrySignal()
{
#if !WAN_UI_HAS_DBUS
    qInfo("built without Qt D-Bus: the taskbar entry is tested through the seam only");
    QVERIFY(desktopTaskbarSink() == nullptr);
#else
    PrivateBus bus;
    QVERIFY2(!bus.address().isEmpty(),
             "no private session bus: dbus-daemon is missing (bash installer/bootstrap.sh installs it)");
    QDBusConnection sender =
        QDBusConnection::connectToBus(bus.address(), QStringLiteral("wan-taskbar-sender"));
    QDBusConnection receiver =
        QDBusConnection::connectToBus(bus.address(), QStringLiteral("wan-taskbar-receiver"));
    const auto disconnect = qScopeGuard([] {
        QDBusConnection::disconnectFromBus(QStringLiteral("wan-taskbar-sender"));
        QDBusConnection::disconnectFromBus(QStringLiteral("wan-taskbar-receiver"));
    });
    QVERIFY2(sender.isConnected(), qPrintable(sender.lastError().message()));
    QVERIFY2(receiver.isConnected(), qPrintable(receiver.lastError().message()));
    Listener listener;
    QVERIFY(receiver.connect(QString(), QLatin1String(LauncherEntrySink::kObjectPath),
                             QLatin1String(LauncherEntrySink::kInterface), QStringLiteral("Update"),
                             &listener, SLOT(update(QString, QVariantMap))));

    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    TaskbarProgress taskbar(&queue, std::make_unique<LauncherEntrySink>(sender));
    taskbar.setActiveProbe([] { return false; });
    const QUuid a = queue.addJob(makeJob("a"));
    queue.addJob(makeJob("b"));
    QVERIFY(queue.markRunning(a, queue.job(a)->request, dir.filePath(QStringLiteral("a"))));
    queue.setProgress(a, denoisingStep(10, 20));
    QTRY_VERIFY_WITH_TIMEOUT(
        !listener.received.isEmpty() &&
            listener.received.last().second.value(QStringLiteral("progress")).toDouble() > 0,
        5000);
    const auto& [appUri, running] = listener.received.last();
    QCOMPARE(appUri, QStringLiteral("application://wan-studio.desktop"));
    QCOMPARE(running.value(QStringLiteral("progress")).toDouble(), taskbar.state().progress);
    QCOMPARE(running.value(QStringLiteral("progress")).userType(), QMetaType::Double);
    QCOMPARE(running.value(QStringLiteral("progress-visible")).toBool(), true);
    QCOMPARE(running.value(QStringLiteral("count")).userType(), QMetaType::LongLong); // int64, as specified
    QCOMPARE(running.value(QStringLiteral("count")).toLongLong(), 1LL);
    QCOMPARE(running.value(QStringLiteral("count-visible")).toBool(), true);
    QCOMPARE(running.value(QStringLiteral("urgent")).toBool(), false);

    // Failed in the background: the bar goes, the entry asks for attention.
    QVERIFY(queue.finishJob(a, outcomeOf(wan::JobStatus::Failed)));
    QTRY_VERIFY_WITH_TIMEOUT(listener.received.last().second.value(QStringLiteral("urgent")).toBool(), 5000);
    QCOMPARE(listener.received.last().second.value(QStringLiteral("progress-visible")).toBool(), false);
#endif
}

QTEST_GUILESS_MAIN(TestTaskbarProgress)
#include "test_taskbarprogress.moc"
