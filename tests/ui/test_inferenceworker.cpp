// The inference thread with a scripted runner: signals, previews, exactly one outcome per job, cancellation.
#include "FakeJobRunner.h"
#include "InferenceBridge.h"

#include <QSignalSpy>
#include <QTest>

using namespace wan::ui;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

namespace {
JobTicket ticket(const char* prompt, int steps = 3)
{
    JobTicket t;
    t.id = QUuid::createUuid();
    t.request.prompt = prompt;
    t.request.steps = steps;
    t.request.width = 48;
    t.request.height = 32;
    t.request.frameNum = 9;
    t.request.seed = 7;
    return t;
}

QList<QUuid> finishedIds(const QSignalSpy& spy)
{
    QList<QUuid> ids;
    for (const auto& args : spy)
        ids.append(args.at(0).toUuid());
    return ids;
}

JobOutcome outcomeAt(const QSignalSpy& spy, int i)
{
    return spy.at(i).at(1).value<JobOutcome>();
}
} // namespace

class TestInferenceWorker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void progressAndPreviews();
    void exactlyOneOutcome_data();
    void exactlyOneOutcome();
    void twoJobsInOrder();
    void cancelMidJob();
    void cancelBeforeStart();
    void resumeFromLatents();
    void previewsAreCoalesced();
    void shutdownWhileRunningCancelsAndJoins();
    void previewImageLayout();
};

void TestInferenceWorker::progressAndPreviews()
{
    FakeRunnerLog log;
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QSignalSpy started(&bridge, &InferenceBridge::jobStarted);
    QSignalSpy progress(&bridge, &InferenceBridge::jobProgress);
    QSignalSpy previews(&bridge, &InferenceBridge::jobPreview);
    QSignalSpy finished(&bridge, &InferenceBridge::jobFinished);
    const JobTicket job = ticket("a cat", 3);
    bridge.submit(job);
    QVERIFY(bridge.isBusy());
    QVERIFY(finished.wait(5000));
    QVERIFY(!bridge.isBusy());
    QCOMPARE(started.count(), 1);
    QCOMPARE(started.at(0).at(0).toUuid(), job.id);
    QVERIFY(progress.count() >= 2); // stage change and the last step are never throttled away
    const auto last = progress.last().at(1).value<JobProgress>();
    QCOMPARE(last.stage, wan::Stage::Denoising);
    QCOMPARE(last.step, 3);
    QCOMPARE(last.totalSteps, 3);
    QVERIFY(previews.count() >= 1);
    const QImage image = previews.last().at(1).value<QImage>();
    QCOMPARE(image.size(), QSize(6 * 3, 4));
    QCOMPARE(previews.last().at(0).toUuid(), job.id);
    QCOMPARE(outcomeAt(finished, 0).status, wan::JobStatus::Done);
    QCOMPARE(outcomeAt(finished, 0).seed, 7);
    QVERIFY(log.ranOn != QThread::currentThread());
    QCOMPARE(log.createdOn.load(), log.ranOn.load());
}

void TestInferenceWorker::exactlyOneOutcome_data()
{
    QTest::addColumn<QString>("prompt");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("kind");
    QTest::newRow("done") << "ok" << int(wan::JobStatus::Done) << int(wan::ErrorKind::Internal);
    QTest::newRow("failed") << "fail" << int(wan::JobStatus::Failed) << int(wan::ErrorKind::ModelFolder);
    QTest::newRow("thrown") << "throw" << int(wan::JobStatus::Failed) << int(wan::ErrorKind::OutOfMemory);
}

void TestInferenceWorker::exactlyOneOutcome()
{
    QFETCH(QString, prompt);
    QFETCH(int, status);
    QFETCH(int, kind);
    FakeRunnerLog log;
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QSignalSpy finished(&bridge, &InferenceBridge::jobFinished);
    bridge.submit(ticket(prompt.toUtf8().constData()));
    QVERIFY(finished.wait(5000));
    QTest::qWait(50); // room for a second, wrong, outcome to arrive
    QCOMPARE(finished.count(), 1);
    const JobOutcome outcome = outcomeAt(finished, 0);
    QCOMPARE(int(outcome.status), status);
    if (outcome.status == wan::JobStatus::Failed) {
        QCOMPARE(int(outcome.errorKind), kind);
        QVERIFY(!outcome.error.isEmpty());
    }
}

void TestInferenceWorker::twoJobsInOrder()
{
    FakeRunnerLog log;
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QSignalSpy started(&bridge, &InferenceBridge::jobStarted);
    QSignalSpy finished(&bridge, &InferenceBridge::jobFinished);
    const JobTicket a = ticket("first", 5);
    const JobTicket b = ticket("second", 2);
    bridge.submit(a);
    bridge.submit(b);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
    QCOMPARE(finishedIds(finished), (QList<QUuid>{a.id, b.id}));
    QCOMPARE(finishedIds(started), (QList<QUuid>{a.id, b.id}));
    QCOMPARE(log.runs.load(), 2);
}

void TestInferenceWorker::cancelMidJob()
{
    FakeRunnerLog log;
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QSignalSpy progress(&bridge, &InferenceBridge::jobProgress);
    QSignalSpy finished(&bridge, &InferenceBridge::jobFinished);
    const JobTicket job = ticket("wait");
    bridge.submit(job);
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 2, 5000); // running, past its first step
    QVERIFY(finished.isEmpty());
    bridge.cancel(job.id);
    QVERIFY(finished.wait(5000));
    QTest::qWait(20);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(outcomeAt(finished, 0).status, wan::JobStatus::Cancelled);
}

void TestInferenceWorker::cancelBeforeStart()
{
    FakeRunnerLog log;
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QSignalSpy finished(&bridge, &InferenceBridge::jobFinished);
    const JobTicket a = ticket("wait");
    const JobTicket b = ticket("never runs");
    bridge.submit(a);
    bridge.submit(b);
    bridge.cancel(b.id);
    bridge.cancel(a.id);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
    QCOMPARE(outcomeAt(finished, 0).status, wan::JobStatus::Cancelled);
    QCOMPARE(outcomeAt(finished, 1).status, wan::JobStatus::Cancelled);
    QVERIFY(log.runs.load() <= 1); // b never reached the runner
}

void TestInferenceWorker::resumeFromLatents()
{
    FakeRunnerLog log;
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QSignalSpy finished(&bridge, &InferenceBridge::jobFinished);
    JobTicket job = ticket("resume");
    job.resumeLatents = QStringLiteral("/tmp/latents.safetensors");
    bridge.submit(job);
    QVERIFY(finished.wait(5000));
    QCOMPARE(log.decodes.load(), 1);
    QCOMPARE(log.runs.load(), 0);
    QCOMPARE(outcomeAt(finished, 0).latentsPath, job.resumeLatents);
}

void TestInferenceWorker::previewsAreCoalesced()
{
    FakeRunnerLog log;
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QSignalSpy previews(&bridge, &InferenceBridge::jobPreview);
    QSignalSpy finished(&bridge, &InferenceBridge::jobFinished);
    bridge.submit(ticket("many", 200));
    QVERIFY(finished.wait(5000));
    QVERIFY(previews.count() >= 1);
    QVERIFY(previews.count() <= 200);
    // Whatever was skipped, the last one painted is the newest.
    const QImage last = previews.last().at(1).value<QImage>();
    QCOMPARE(qRed(last.pixel(0, 0)), 200);
}

void TestInferenceWorker::shutdownWhileRunningCancelsAndJoins()
{
    FakeRunnerLog log;
    QList<QUuid> ended;
    QList<int> statuses;
    {
        InferenceBridge bridge(fakeRunnerFactory(&log));
        QSignalSpy progress(&bridge, &InferenceBridge::jobProgress);
        connect(&bridge, &InferenceBridge::jobFinished, this,
                [&](const QUuid& id, const JobOutcome& outcome) {
                    ended.append(id);
                    statuses.append(int(outcome.status));
                });
        bridge.submit(ticket("wait"));
        bridge.submit(ticket("queued behind"));
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 2, 5000);
        bridge.shutdown();
        QCOMPARE(ended.size(), 2);
        bridge.shutdown(); // idempotent
    }
    QCOMPARE(ended.size(), 2);
    QCOMPARE(statuses, (QList<int>{int(wan::JobStatus::Cancelled), int(wan::JobStatus::Cancelled)}));
    QCOMPARE(log.destroyedOn.load(), log.createdOn.load()); // the engine dies on its own thread
}

void TestInferenceWorker::previewImageLayout()
{
    wan::PreviewImage preview;
    preview.width = 2;
    preview.height = 1;
    preview.frames = 2;
    preview.rgb = {1, 2, 3, 4, 5, 6, /* frame 1 */ 7, 8, 9, 10, 11, 12};
    const QImage image = InferenceWorker::previewToImage(preview);
    QCOMPARE(image.size(), QSize(4, 1));
    QCOMPARE(image.pixel(0, 0), qRgb(1, 2, 3));
    QCOMPARE(image.pixel(2, 0), qRgb(7, 8, 9));
    QCOMPARE(image.pixel(3, 0), qRgb(10, 11, 12));
    preview.rgb.resize(5); // short buffer: no image, no crash
    QVERIFY(InferenceWorker::previewToImage(preview).isNull());
}

QTEST_MAIN(TestInferenceWorker)
#include "test_inferenceworker.moc"
