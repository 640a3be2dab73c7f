// The render queue dock over a queue runner with a scripted engine.
#include "FakeJobRunner.h"
#include "InferenceBridge.h"
#include "QueueRunner.h"
#include "RenderQueueDock.h"
#include "RenderQueueModel.h"

#include <QAction>
#include <QDir>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

namespace {
RenderJob makeJob(const char* prompt, int steps)
{
    RenderJob job;
    job.request.prompt = prompt;
    job.request.steps = steps;
    job.request.width = 48;
    job.request.height = 32;
    job.request.frameNum = 9;
    return job;
}
} // namespace

class TestRenderQueueDock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void holdPausesAndReleasesRunningJob();
    void queueRestoredPausedResumesOnFirstClick();
};

// A queue restored paused (requeued jobs after a crash) shows the pause action checked, so one click resumes.
void TestRenderQueueDock::queueRestoredPausedResumesOnFirstClick()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    runner.setQueuePaused(true);
    RenderQueueDock dock(&model, &runner);
    QAction* pause = nullptr;
    for (QAction* action : dock.findChildren<QAction*>())
        if (action->text() == QLatin1String("Resume queue"))
            pause = action;
    QVERIFY2(pause, "no \"Resume queue\" action for a paused queue");
    QVERIFY(pause->isChecked());
    pause->trigger();
    QVERIFY(!runner.isQueuePaused());
    QCOMPARE(pause->text(), QStringLiteral("Pause queue"));
}

// The queue dock's Hold action reads "Pause and free GPU" on the running job and pauses it; on the paused
// job it reads "Release" and continues it.
void TestRenderQueueDock::holdPausesAndReleasesRunningJob()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    RenderQueueDock dock(&model, &runner);
    dock.resize(900, 260);
    dock.show();
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    int lastStep = 0;
    connect(&runner, &QueueRunner::jobProgress, this,
            [&](const QUuid&, const JobProgress& p) { lastStep = std::max(lastStep, p.step); });
    const QUuid id = model.addJob(makeJob("slow", 400));
    QTRY_VERIFY_WITH_TIMEOUT(lastStep >= 2, 5000);
    dock.view()->selectRow(model.rowOf(id));
    QAction* hold = nullptr;
    for (QAction* action : dock.findChildren<QAction*>())
        if (action->text() == QLatin1String("Pause and free GPU"))
            hold = action;
    QVERIFY2(hold, "no \"Pause and free GPU\" action for the running job");
    QVERIFY(hold->isEnabled());
    const QString shots = QStringLiteral(WAN_UI_TEST_OUTPUT_DIR);
    QDir().mkpath(shots);
    QTest::qWait(50); // the toolbar lays out the new text
    QVERIFY(dock.grab().save(QDir(shots).filePath(QStringLiteral("queue_pause_running.png"))));
    hold->trigger();
    QVERIFY(finished.wait(5000));
    QCOMPARE(model.job(id)->state, JobState::Paused);
    QTRY_COMPARE(hold->text(), QStringLiteral("Release"));
    QTest::qWait(50); // the toolbar lays out the new text
    QVERIFY(dock.grab().save(QDir(shots).filePath(QStringLiteral("queue_paused.png"))));
    hold->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(model.job(id)->state, JobState::Running, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(log.resumedFrom.load() >= 2, 5000); // continued from its checkpoint
    QCOMPARE(log.runs.load(), 2);
    runner.cancelJob(id);
    QVERIFY(finished.wait(5000));
}

QTEST_MAIN(TestRenderQueueDock)
#include "test_renderqueuedock.moc"
