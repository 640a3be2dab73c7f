// The queue runner with a scripted engine: job folders, order, pausing the queue, cancelling, retrying.
#include "FakeJobRunner.h"
#include "GenerationRules.h"
#include "InferenceBridge.h"
#include "QueueRunner.h"
#include "RenderQueueModel.h"
#include "StalePartials.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QImage>
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
    void existingFolderIsNeverShared();
    void pauseAfterCurrentJob();
    void cancelRunningAndPending();
    void failedJobCanBeRetried();
    void unwritableOutputFailsJobWithMessage();
    void resumesFromSavedLatents();
    void stalePartialFilesAreRemovedAtStart();
    void inputPicturesStayTheThumbnail();
    void pauseRunningJobKeepsCheckpointAndResumes();
    void cancelRunningJobDeletesCheckpoint();
    void interruptedJobResumesFromCheckpoint();
    void retryAndEditClearCheckpoint();
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

// A folder of the job's name that exists already (another instance's job, a job of the same second) is never
// written into: the job makes its own, exclusively.
void TestQueueRunner::existingFolderIsNeverShared()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    RenderJob job = makeJob("a red fox in the snow");
    job.request.seed = 7;
    // Taken: every name the job could get in the next minute.
    const QDateTime now = QDateTime::currentDateTime();
    QStringList taken;
    for (int s = 0; s < 60; ++s) {
        const QString name = readableJobName(now.addSecs(s), QStringLiteral("a red fox in the snow"), 7);
        QVERIFY(QDir(dir.path()).mkdir(name));
        QFile mine(QDir(dir.filePath(name)).filePath(QStringLiteral("someone-elses.txt")));
        QVERIFY(mine.open(QIODevice::WriteOnly) && mine.write("keep") == 4);
        taken.append(dir.filePath(name));
    }
    const QUuid id = model.addJob(job);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    QCOMPARE(model.job(id)->state, JobState::Done);
    const QString folder = model.job(id)->folder;
    QVERIFY2(!taken.contains(folder), qPrintable(folder));
    QVERIFY2(folder.endsWith(QStringLiteral("_7-2")), qPrintable(folder));
    for (const QString& other : taken)
        QCOMPARE(QDir(other).entryList(QDir::Files), QStringList{QStringLiteral("someone-elses.txt")});
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

// Jobs with input pictures (here FLF2V) keep showing them in the queue; a job without any gets its first
// preview as its thumbnail (every job folder keeps the first preview as thumbnail.png).
void TestQueueRunner::inputPicturesStayTheThumbnail()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.filePath(QStringLiteral("out")));
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const auto write = [&](const QString& name, const QColor& colour) {
        QImage image(64, 48, QImage::Format_RGB32);
        image.fill(colour);
        const QString path = dir.filePath(name);
        return image.save(path) ? path.toStdString() : std::string();
    };
    RenderJob flf2v = makeJob("sunrise to sunset");
    flf2v.request.task = wan::Task::FLF2V;
    flf2v.request.firstFrame = write(QStringLiteral("first.png"), Qt::red);
    flf2v.request.lastFrame = write(QStringLiteral("last.png"), Qt::blue);
    const QUuid a = model.addJob(flf2v);
    const QUuid b = model.addJob(makeJob("a plain text job"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
    QCOMPARE(model.job(a)->state, JobState::Done);
    QVERIFY(model.job(a)->thumbnailPath.isEmpty()); // no preview replaced the frames
    QVERIFY(QFileInfo::exists(QDir(model.job(a)->folder).filePath(QStringLiteral("thumbnail.png")))); // kept
    const QImage shown =
        model.data(model.index(model.rowOf(a), RenderQueueModel::ThumbnailColumn), Qt::DecorationRole)
            .value<QImage>();
    QVERIFY(!shown.isNull());
    QCOMPARE(shown.pixelColor(shown.width() / 4, shown.height() / 2), QColor(Qt::red));
    QCOMPARE(shown.pixelColor(3 * shown.width() / 4, shown.height() / 2), QColor(Qt::blue));
    QVERIFY(QFileInfo(model.job(b)->thumbnailPath).isFile()); // the first preview
}

namespace {
QByteArray fileText(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
} // namespace

// "Pause and free GPU": the job stops at a step boundary, keeps its checkpoint, the models are dropped, the
// job shows Paused; releasing it continues from the checkpoint in the same folder.
void TestQueueRunner::pauseRunningJobKeepsCheckpointAndResumes()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    QSignalSpy paused(&runner, &QueueRunner::jobPaused);
    int lastStep = 0;
    connect(&runner, &QueueRunner::jobProgress, this,
            [&](const QUuid&, const JobProgress& p) { lastStep = std::max(lastStep, p.step); });
    RenderJob job = makeJob("slow", 400);
    job.request.seed = -1; // resolved at the first start, kept for the continuation
    const QUuid id = model.addJob(job);
    QTRY_VERIFY_WITH_TIMEOUT(lastStep >= 3, 5000);
    QVERIFY(!runner.pauseRunningJob(QUuid::createUuid())); // only the running job
    QVERIFY(runner.pauseRunningJob(id));
    QVERIFY(finished.wait(5000));
    QCOMPARE(paused.size(), 1);
    QCOMPARE(model.job(id)->state, JobState::Paused);
    QVERIFY(runner.runningJob().isNull());
    // The models went with the runner, on the inference thread.
    QTRY_VERIFY_WITH_TIMEOUT(log.destroyedOn.load() != nullptr, 2000);
    QCOMPARE(log.created.load(), 1);
    QCOMPARE(log.releases.load(), 1); // the engine's unload(): device memory, not only the objects

    const QString folder = model.job(id)->folder;
    const QString checkpoint = QString::fromStdString(model.job(id)->request.resumeStatePath.string());
    QCOMPARE(QFileInfo(checkpoint).absolutePath(), QFileInfo(folder).absoluteFilePath());
    const QByteArray saved = fileText(checkpoint);
    QVERIFY2(saved.startsWith("step "), saved.constData());
    const int savedStep = saved.mid(5).toInt();
    QVERIFY(savedStep >= 3 && savedStep < 400);
    const qint64 seed = model.job(id)->request.seed;
    QVERIFY(seed >= 0);

    // The paused job waits; releasing it continues where it stopped.
    QTest::qWait(50);
    QCOMPARE(log.runs.load(), 1);
    QVERIFY(model.resumeJob(id));
    QVERIFY(finished.wait(20000));
    QCOMPARE(model.job(id)->state, JobState::Done);
    QCOMPARE(log.runs.load(), 2);
    QCOMPARE(log.created.load(), 2); // loaded again
    QCOMPARE(log.resumedFrom.load(), savedStep);
    QCOMPARE(model.job(id)->folder, folder);
    QCOMPARE(model.job(id)->request.seed, seed);
    QVERIFY2(!QFileInfo::exists(checkpoint), "a finished job leaves no checkpoint");
    QVERIFY(readAll(QDir(folder).filePath(QStringLiteral("log.txt"))).contains(QLatin1String("paused")));
}

void TestQueueRunner::cancelRunningJobDeletesCheckpoint()
{
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    int lastStep = 0;
    connect(&runner, &QueueRunner::jobProgress, this,
            [&](const QUuid&, const JobProgress& p) { lastStep = std::max(lastStep, p.step); });
    const QUuid id = model.addJob(makeJob("slow", 400));
    QTRY_VERIFY_WITH_TIMEOUT(lastStep >= 2, 5000);
    const QString checkpoint = QString::fromStdString(model.job(id)->request.resumeStatePath.string());
    QVERIFY(QFileInfo::exists(checkpoint));
    runner.cancelJob(id);
    QVERIFY(finished.wait(5000));
    QCOMPARE(model.job(id)->state, JobState::Cancelled);
    QVERIFY2(!QFileInfo::exists(checkpoint), "a user's Cancel deletes the checkpoint");
    QVERIFY(log.destroyedOn.load() == nullptr); // a cancel keeps the models loaded

    // A paused job cancelled from the queue loses its checkpoint too.
    lastStep = 0;
    const QUuid second = model.addJob(makeJob("slow", 400));
    QTRY_VERIFY_WITH_TIMEOUT(runner.runningJob() == second && lastStep >= 2, 5000);
    QVERIFY(runner.pauseRunningJob(second));
    QVERIFY(finished.wait(5000));
    const QString secondCheckpoint =
        QString::fromStdString(model.job(second)->request.resumeStatePath.string());
    QVERIFY(QFileInfo::exists(secondCheckpoint));
    runner.cancelJob(second);
    QCOMPARE(model.job(second)->state, JobState::Cancelled);
    QVERIFY(!QFileInfo::exists(secondCheckpoint));
}

// After a crash the store requeues the running job (folder and request kept): it goes on from its
// checkpoint in the same folder, without a new folder, a new seed or a prompt extension.
void TestQueueRunner::interruptedJobResumesFromCheckpoint()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("job"));
    QVERIFY(QDir().mkpath(folder));
    const QString checkpoint = QDir(folder).filePath(QString::fromLatin1(kJobCheckpointName));
    {
        QFile file(checkpoint);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("step 4");
    }
    RenderJob job = makeJob("crashed while denoising", 6);
    job.id = QUuid::createUuid();
    job.folder = folder;
    job.request.seed = 77;
    job.request.outputPath = QDir(folder).filePath(QStringLiteral("job.png")).toStdString();
    job.request.latentsPath = QDir(folder).filePath(QStringLiteral("latents.safetensors")).toStdString();
    job.request.resumeStatePath = checkpoint.toStdString();
    // Through the queue file, as after a restart.
    const auto restored = jobFromJson(jobToJson(job));
    QVERIFY(restored);
    QCOMPARE(QString::fromStdString(restored->request.resumeStatePath.string()), checkpoint);

    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    model.setJobs({*restored});
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(model.job(job.id)->state, JobState::Done);
    QCOMPARE(log.resumedFrom.load(), 4);
    QCOMPARE(model.job(job.id)->folder, folder);
    QCOMPARE(model.job(job.id)->request.seed, qint64(77));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot),
             QStringList{QStringLiteral("job")});
    QVERIFY(!QFileInfo::exists(checkpoint));
    QVERIFY(readAll(QDir(folder).filePath(QStringLiteral("log.txt"))).contains(QLatin1String("checkpoint")));
}

void TestQueueRunner::retryAndEditClearCheckpoint()
{
    QTemporaryDir dir;
    const auto makeCheckpoint = [&](const QString& name) {
        const QString path = dir.filePath(name);
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write("step 2");
        return path;
    };
    RenderJob failed = makeJob("failed");
    failed.id = QUuid::createUuid();
    failed.state = JobState::Failed;
    failed.folder = dir.path();
    failed.request.resumeStatePath = makeCheckpoint(QStringLiteral("a.safetensors")).toStdString();
    failed.resumeLatents = dir.filePath(QStringLiteral("latents.safetensors"));
    RenderJob paused = makeJob("paused");
    paused.id = QUuid::createUuid();
    paused.state = JobState::Paused;
    paused.folder = dir.path();
    paused.request.resumeStatePath = makeCheckpoint(QStringLiteral("b.safetensors")).toStdString();
    RenderQueueModel model(nullptr);
    model.setJobs({failed, paused});

    QVERIFY(model.retryJob(failed.id));
    QVERIFY(model.job(failed.id)->request.resumeStatePath.empty());
    QVERIFY(model.job(failed.id)->resumeLatents.isEmpty());
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("a.safetensors"))));

    // An edit starts over: the steps saved belong to the old settings. The editor's request may even carry
    // the old path; it is dropped.
    wan::Request edited = paused.request;
    edited.prompt = "edited";
    QVERIFY(model.updatePendingRequest(paused.id, edited));
    QVERIFY(model.job(paused.id)->request.resumeStatePath.empty());
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("b.safetensors"))));

    // A duplicate never shares the original's checkpoint.
    const QString c = makeCheckpoint(QStringLiteral("c.safetensors"));
    RenderJob original = makeJob("original");
    original.request.resumeStatePath = c.toStdString();
    const QUuid originalId = model.addJob(original);
    const QUuid copy = model.duplicateJob(originalId);
    QVERIFY(model.job(copy)->request.resumeStatePath.empty());
    QVERIFY(QFileInfo::exists(c));
}

QTEST_MAIN(TestQueueRunner)
#include "test_queuerunner.moc"
