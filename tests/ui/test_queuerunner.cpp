// The queue runner with a scripted engine: job folders, order, pausing the queue, cancelling, retrying.
#include "FakeJobRunner.h"
#include "InferenceBridge.h"
#include "QueueRunner.h"
#include "RenderQueueModel.h"
#include "StalePartials.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

namespace {
RenderJob makeJob(const char* prompt, int steps = 3)
{
    RenderJob job;
    job.request.prompt = prompt;
    job.request.steps = steps;
    job.request.width = 48;
    job.request.height = 32;
    job.request.frameNum = 9;
    return job;
}

QString readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}
} // namespace

class TestQueueRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsJobsInOrderWithFolders();
    void pauseAfterCurrentJob();
    void cancelRunningAndPending();
    void failedJobCanBeRetried();
    void unwritableOutputFailsJobWithMessage();
    void resumesFromSavedLatents();
    void stalePartialFilesAreRemovedAtStart();
};

// Partial files a killed run left behind: ours (by name) and older than this run go, nothing else.
void TestQueueRunner::stalePartialFilesAreRemovedAtStart()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("20260101-120000_a_cat_1")));
    const QDateTime started = QDateTime::currentDateTime();
    auto make = [&](const QString& name, qint64 ageSeconds) {
        QFile file(dir.filePath(name));
        return file.open(QIODevice::WriteOnly) && file.write("x") == 1 && file.flush() &&
               file.setFileTime(started.addSecs(-ageSeconds), QFileDevice::FileModificationTime);
    };
    QVERIFY(make(QStringLiteral("out.partial-abc123.mp4"), 3600));
    QVERIFY(make(QStringLiteral("20260101-120000_a_cat_1/video.partial-zz99xx.mp4"), 60));
    QVERIFY(make(QStringLiteral("20260101-120000_a_cat_1/latents.partial-q1w2e3.safetensors"), 60));
    QVERIFY(make(QStringLiteral("being-written.partial-abc123.mp4"), -5)); // newer than this run
    QVERIFY(make(QStringLiteral("notes.partial-abc.txt"), 3600));          // not our pattern
    QVERIFY(make(QStringLiteral("20260101-120000_a_cat_1/video.mp4"), 3600));

    QCOMPARE(removeStalePartialFiles(dir.path(), started), 3);
    QStringList left = QDir(dir.path()).entryList(QDir::Files);
    left += QDir(dir.filePath(QStringLiteral("20260101-120000_a_cat_1"))).entryList(QDir::Files);
    left.sort();
    QCOMPARE(left, (QStringList{QStringLiteral("being-written.partial-abc123.mp4"),
                                QStringLiteral("notes.partial-abc.txt"), QStringLiteral("video.mp4")}));
}

void TestQueueRunner::runsJobsInOrderWithFolders()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid a = model.addJob(makeJob("a red fox in the snow"));
    RenderJob fixed = makeJob("一只猫");
    fixed.request.seed = 1234;
    const QUuid b = model.addJob(fixed);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
    QCOMPARE(finished.at(0).at(0).toUuid(), a);
    QCOMPARE(finished.at(1).at(0).toUuid(), b);
    for (const QUuid& id : {a, b}) {
        const RenderJob* job = model.job(id);
        QCOMPARE(job->state, JobState::Done);
        QCOMPARE(job->progress, 1.0);
        QVERIFY(job->request.seed >= 0); // a random seed is fixed before the job starts, for the folder name
        QVERIFY(QFileInfo(job->folder).isDir());
        QVERIFY(job->folder.startsWith(dir.path()));
        QVERIFY(job->folder.endsWith(QString::number(job->request.seed)));
        QVERIFY(job->outputPath.endsWith(QStringLiteral(".mp4")));
        const QJsonObject settings =
            QJsonDocument::fromJson(
                readAll(QDir(job->folder).filePath(QStringLiteral("settings.json"))).toUtf8())
                .object();
        QCOMPARE(settings.value(QStringLiteral("prompt")).toString(),
                 QString::fromStdString(job->request.prompt));
        QCOMPARE(settings.value(QStringLiteral("seed")).toString(), QString::number(job->request.seed));
        const QString jobLog = readAll(QDir(job->folder).filePath(QStringLiteral("log.txt")));
        QVERIFY(jobLog.contains(QStringLiteral("started")));
        QVERIFY(jobLog.contains(QStringLiteral("done")));
        QVERIFY(QFileInfo(job->thumbnailPath).isFile());
    }
    QVERIFY(model.job(a)->folder.contains(QStringLiteral("a-red-fox-in-the-snow")));
    QVERIFY(model.job(b)->folder.endsWith(QStringLiteral("_一只猫_1234")));
}

void TestQueueRunner::pauseAfterCurrentJob()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    QSignalSpy started(&runner, &QueueRunner::jobStarted);
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid a = model.addJob(makeJob("wait"));
    const QUuid b = model.addJob(makeJob("second"));
    QVERIFY(started.wait(5000));
    runner.setQueuePaused(true);
    runner.cancelJob(a); // the current job ends...
    QVERIFY(finished.wait(5000));
    QTest::qWait(50); // ...and nothing else starts
    QCOMPARE(finished.count(), 1);
    QCOMPARE(model.job(b)->state, JobState::Queued);
    runner.setQueuePaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
    QCOMPARE(model.job(b)->state, JobState::Done);
}

void TestQueueRunner::cancelRunningAndPending()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    QSignalSpy started(&runner, &QueueRunner::jobStarted);
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid a = model.addJob(makeJob("wait"));
    const QUuid b = model.addJob(makeJob("never"));
    QVERIFY(started.wait(5000));
    runner.cancelJob(b);
    QCOMPARE(model.job(b)->state, JobState::Cancelled);
    runner.cancelJob(a);
    QVERIFY(finished.wait(5000));
    QCOMPARE(model.job(a)->state, JobState::Cancelled);
    QTest::qWait(50);
    QCOMPARE(log.runs.load(), 1);
}

void TestQueueRunner::failedJobCanBeRetried()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid id = model.addJob(makeJob("fail"));
    QVERIFY(finished.wait(5000));
    QCOMPARE(model.job(id)->state, JobState::Failed);
    QVERIFY(model.job(id)->error.contains(QStringLiteral("missing")));
    QVERIFY(readAll(QDir(model.job(id)->folder).filePath(QStringLiteral("log.txt")))
                .contains(QStringLiteral("failed")));
    wan::Request fixedRequest = model.job(id)->request;
    fixedRequest.prompt = "fixed";
    QVERIFY(model.retryJob(id));
    QVERIFY(model.updatePendingRequest(id, fixedRequest));
    QVERIFY(finished.wait(5000));
    QCOMPARE(model.job(id)->state, JobState::Done);
}

void TestQueueRunner::unwritableOutputFailsJobWithMessage()
{
    QTemporaryDir dir;
    const QString notADir = dir.filePath(QStringLiteral("file"));
    QFile file(notADir);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, notADir);
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid id = model.addJob(makeJob("anything"));
    QVERIFY(finished.wait(5000));
    QCOMPARE(model.job(id)->state, JobState::Failed);
    QCOMPARE(finished.at(0).at(1).value<JobOutcome>().errorKind, wan::ErrorKind::Io);
    QCOMPARE(log.runs.load(), 0);
}

void TestQueueRunner::resumesFromSavedLatents()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("job"));
    QDir().mkpath(folder);
    const QString latents = QDir(folder).filePath(QStringLiteral("latents.safetensors"));
    QFile file(latents);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("saved");
    file.close();
    RenderJob job = makeJob("crashed in decode");
    job.id = QUuid::createUuid();
    job.folder = folder;
    job.resumeLatents = latents;
    job.request.seed = 5;
    job.request.outputPath = QDir(folder).filePath(QStringLiteral("job.mp4")).toStdString();
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    model.setJobs({job});
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(log.decodes.load(), 1);
    QCOMPARE(log.runs.load(), 0);
    QCOMPARE(model.job(job.id)->state, JobState::Done);
    QCOMPARE(model.job(job.id)->folder, folder); // same folder, same output
    QVERIFY(model.job(job.id)->resumeLatents.isEmpty());
}

QTEST_MAIN(TestQueueRunner)
#include "test_queuerunner.moc"
