// The render queue dock over a queue runner with a scripted engine; its ETA column from the progress panel.
#include "FakeJobRunner.h"
#include "InferenceBridge.h"
#include "ProgressPanel.h"
#include "QueueRunner.h"
#include "RenderQueueDock.h"
#include "RenderQueueModel.h"
#include "StageEta.h"

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
    void etaColumnFollowsTheProgressPanel_data();
    void etaColumnFollowsTheProgressPanel();
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

void TestRenderQueueDock::etaColumnFollowsTheProgressPanel_data()
{
    QTest::addColumn<int>("stage");
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("total");
    QTest::newRow("loading") << int(wan::Stage::Loading) << 0 << 0;
    QTest::newRow("prompt") << int(wan::Stage::EncodingText) << 1 << 2;
    QTest::newRow("denoising") << int(wan::Stage::Denoising) << 12 << 30;
    QTest::newRow("decoding") << int(wan::Stage::Decoding) << 3 << 6;
    QTest::newRow("writing") << int(wan::Stage::Writing) << 0 << 0;
}

// The running job's ETA cell is the progress panel's remaining time over all stages (one estimate: non-zero
// in loading and decoding, where the engine's own figure is 0), each queued job's the estimate from the
// remembered stage costs (loading counted once), finished jobs none; the cells add up to the queue's ETA.
void TestRenderQueueDock::etaColumnFollowsTheProgressPanel()
{
    QFETCH(int, stage);
    QFETCH(int, step);
    QFETCH(int, total);
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    runner.setQueuePaused(true);
    RenderQueueDock dock(&model, &runner);
    ProgressPanel panel;
    double now = 1000.0;
    panel.setClock([&now] { return now; });
    dock.followEta(&panel);

    const auto job = [](JobState state, int width, int height, int steps) {
        RenderJob j = makeJob("a fox", steps);
        j.id = QUuid::createUuid();
        j.state = state;
        j.request.width = width;
        j.request.height = height;
        j.request.frameNum = 81;
        j.request.device = "cuda";
        j.request.ckptDir = "/models/Wan2.1-T2V-1.3B";
        return j;
    };
    const QList<RenderJob> jobs{job(JobState::Done, 832, 480, 30), job(JobState::Running, 832, 480, 30),
                                job(JobState::Queued, 832, 480, 50), job(JobState::Queued, 480, 832, 20)};
    model.setJobs(jobs);
    QAbstractItemModel* view = dock.view()->model();
    const auto cell = [&](int row, int role) {
        return view->index(row, RenderQueueModel::EtaColumn).data(role);
    };

    // Before the panel knows the running job: no figure for it (never a wrong one).
    QVERIFY(cell(1, Qt::DisplayRole).toString().isEmpty());

    QSignalSpy repainted(&model, &QAbstractItemModel::dataChanged);
    panel.startJob(jobs[1].id, QStringLiteral("a fox"), &jobs[1].request);
    JobProgress loading;
    loading.stage = wan::Stage::Loading;
    panel.setProgress(loading);
    now += 30.0;
    JobProgress p;
    p.stage = wan::Stage(stage);
    p.step = step;
    p.totalSteps = total;
    p.etaSeconds = 0.0; // the engine's denoising-only figure: not what the dock shows
    panel.setProgress(p);
    now += 1.5; // between reports the estimate counts down; the cell with it
    QVERIFY(repainted.count() > 0);

    const double remaining = panel.remainingSeconds();
    QVERIFY2(remaining > 0, qPrintable(QString::number(remaining)));
    QCOMPARE(cell(1, RenderQueueModel::EtaSecondsRole).toDouble(), remaining);
    QCOMPARE(cell(1, Qt::DisplayRole).toString(), QString::fromStdString(wan::formatClock(remaining)));
    QVERIFY(cell(1, Qt::DisplayRole).toString() != QLatin1String("0:00"));

    // Queued rows: StageEta's estimate from the panel's stage costs, without loading (the running job keeps
    // the models loaded).
    for (int row : {2, 3}) {
        const JobShape shape = jobShape(jobs[row].request);
        const double expected =
            StageEta(shape, panel.stageCosts().costsFor(shape), false).expectedTotalSeconds();
        QCOMPARE(cell(row, RenderQueueModel::EtaSecondsRole).toDouble(), expected);
        QCOMPARE(cell(row, Qt::DisplayRole).toString(), QString::fromStdString(wan::formatClock(expected)));
    }
    QVERIFY(cell(0, Qt::DisplayRole).toString().isEmpty()); // done: none
    double sum = 0.0;
    for (int row = 0; row < view->rowCount(); ++row)
        sum += std::max(0.0, cell(row, RenderQueueModel::EtaSecondsRole).toDouble());
    QVERIFY(qAbs(sum - queueEtaSeconds(model.jobs(), panel.stageCosts(), remaining)) < 1e-9);
}

QTEST_MAIN(TestRenderQueueDock)
#include "test_renderqueuedock.moc"
