// Render queue: state transitions, reorder, persistence round trip, damaged files, crash recovery.
#include "QueueStore.h"
#include "RenderQueueModel.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>

#include <unistd.h>

using namespace wan::ui;

namespace {
RenderJob makeJob(const QString& prompt, wan::Task task = wan::Task::T2V)
{
    RenderJob job;
    job.request.task = task;
    job.request.prompt = prompt.toStdString();
    job.request.width = 48;
    job.request.height = 32;
    job.request.frameNum = 9;
    job.request.seed = 42;
    return job;
}

QStringList prompts(const RenderQueueModel& model)
{
    QStringList list;
    for (const auto& job : model.jobs())
        list.append(QString::fromStdString(job.request.prompt));
    return list;
}

JobOutcome outcomeOf(wan::JobStatus status)
{
    JobOutcome outcome;
    outcome.status = status;
    if (status == wan::JobStatus::Failed)
        outcome.error = QStringLiteral("boom");
    return outcome;
}
} // namespace

class TestQueueModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void transitions_data();
    void transitions();
    void runningJobCannotBeRemovedOrEdited();
    void heldJobIsSkippedAndSurvivesACrash();
    void reorder_data();
    void reorder();
    void reorderByDrop();
    void duplicateAndRetry();
    void persistenceRoundTrip();
    void everyChangeIsSaved();
    void progressTicksAreNotWritten();
    void changesAreCoalesced();
    void finishedJobsBeyondLimitAreArchived();
    void editOrRetryClearsResumeState();
    void toolTipsShowServerTextLiterally();
    void damagedFileIsKeptAside_data();
    void damagedFileIsKeptAside();
    void unreadableFileIsKeptAside_data();
    void unreadableFileIsKeptAside();
    void runningJobComesBackQueued();
    void runningJobWithLatentsIsResumed();
    void thumbnailsShowTheInputs_data();
    void thumbnailsShowTheInputs();
    void inputPicturesAreCopiedAtQueueTime();
    void copiedInputsGoWithTheLastJobUsingThem();
    void failedCopyLeavesNothing();
    void onlyStashFoldersAreEverRemoved();
};

void TestQueueModel::transitions_data()
{
    QTest::addColumn<QString>("steps");    // actions applied in order
    QTest::addColumn<QString>("expected"); // state name at the end
    QTest::addColumn<bool>("lastAccepted");
    QTest::newRow("run-done") << "run,done"
                              << "done" << true;
    QTest::newRow("run-failed") << "run,fail"
                                << "failed" << true;
    QTest::newRow("run-cancel") << "run,cancel"
                                << "cancelled" << true;
    QTest::newRow("pause") << "pause"
                           << "paused" << true;
    QTest::newRow("pause-resume") << "pause,resume"
                                  << "queued" << true;
    QTest::newRow("paused-cannot-run") << "pause,run"
                                       << "paused" << false;
    QTest::newRow("pending-cancel") << "cancelpending"
                                    << "cancelled" << true;
    QTest::newRow("retry-failed") << "run,fail,retry"
                                  << "queued" << true;
    QTest::newRow("retry-cancelled") << "run,cancel,retry"
                                     << "queued" << true;
    QTest::newRow("no-retry-done") << "run,done,retry"
                                   << "done" << false;
    QTest::newRow("no-finish-twice") << "run,done,fail"
                                     << "done" << false;
    QTest::newRow("no-finish-queued") << "done"
                                      << "queued" << false;
}

void TestQueueModel::transitions()
{
    QFETCH(QString, steps);
    QFETCH(QString, expected);
    QFETCH(bool, lastAccepted);
    RenderQueueModel model(nullptr);
    const QUuid id = model.addJob(makeJob(QStringLiteral("a cat")));
    QCOMPARE(model.job(id)->state, JobState::Queued);
    bool accepted = false;
    for (const QString& step : steps.split(QLatin1Char(','))) {
        if (step == QLatin1String("run"))
            accepted = model.markRunning(id, model.job(id)->request, QStringLiteral("/tmp/x"));
        else if (step == QLatin1String("done"))
            accepted = model.finishJob(id, outcomeOf(wan::JobStatus::Done));
        else if (step == QLatin1String("fail"))
            accepted = model.finishJob(id, outcomeOf(wan::JobStatus::Failed));
        else if (step == QLatin1String("cancel"))
            accepted = model.finishJob(id, outcomeOf(wan::JobStatus::Cancelled));
        else if (step == QLatin1String("pause"))
            accepted = model.pauseJob(id);
        else if (step == QLatin1String("resume"))
            accepted = model.resumeJob(id);
        else if (step == QLatin1String("retry"))
            accepted = model.retryJob(id);
        else if (step == QLatin1String("cancelpending"))
            accepted = model.cancelPendingJob(id);
        else
            QFAIL("unknown step");
    }
    QCOMPARE(accepted, lastAccepted);
    QCOMPARE(jobStateName(model.job(id)->state), expected);
}

void TestQueueModel::runningJobCannotBeRemovedOrEdited()
{
    RenderQueueModel model(nullptr);
    const QUuid a = model.addJob(makeJob(QStringLiteral("a")));
    const QUuid b = model.addJob(makeJob(QStringLiteral("b")));
    QVERIFY(model.markRunning(a, model.job(a)->request, {}));
    QVERIFY(!model.markRunning(b, model.job(b)->request, {})); // one at a time
    QVERIFY(!model.removeJob(a));
    QVERIFY(!model.updatePendingRequest(a, makeJob(QStringLiteral("edited")).request));
    QVERIFY(model.updatePendingRequest(b, makeJob(QStringLiteral("edited")).request));
    QCOMPARE(prompts(model), (QStringList{"a", "edited"}));
    QCOMPARE(*model.nextQueued(), b);
    QVERIFY(model.removeJob(b));
    QCOMPARE(model.rowCount(), 1);
}

void TestQueueModel::reorder_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addColumn<QString>("expected");
    QTest::newRow("down") << 0 << 2 << "b,c,a,d";
    QTest::newRow("up") << 3 << 1 << "a,d,b,c";
    QTest::newRow("same") << 1 << 1 << "a,b,c,d";
    QTest::newRow("last-to-first") << 3 << 0 << "d,a,b,c";
}

void TestQueueModel::reorder()
{
    QFETCH(int, from);
    QFETCH(int, to);
    QFETCH(QString, expected);
    RenderQueueModel model(nullptr);
    for (const char* p : {"a", "b", "c", "d"})
        model.addJob(makeJob(QString::fromLatin1(p)));
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    QVERIFY(model.moveJob(from, to));
    QCOMPARE(prompts(model).join(QLatin1Char(',')), expected);
    QCOMPARE(moved.count(), from == to ? 0 : 1);
    QVERIFY(!model.moveJob(0, 4));
}

void TestQueueModel::reorderByDrop()
{
    RenderQueueModel model(nullptr);
    for (const char* p : {"a", "b", "c", "d"})
        model.addJob(makeJob(QString::fromLatin1(p)));
    std::unique_ptr<QMimeData> mime(model.mimeData({model.index(0, 1)}));
    QVERIFY(model.canDropMimeData(mime.get(), Qt::MoveAction, 3, 0, {}));
    model.dropMimeData(mime.get(), Qt::MoveAction, 3, 0, {}); // dropped between c and d
    QCOMPARE(prompts(model).join(QLatin1Char(',')), QStringLiteral("b,c,a,d"));
    std::unique_ptr<QMimeData> mime2(model.mimeData({model.index(3, 1)}));
    model.dropMimeData(mime2.get(), Qt::MoveAction, -1, -1, model.index(0, 0)); // dropped onto b
    QCOMPARE(prompts(model).join(QLatin1Char(',')), QStringLiteral("d,b,c,a"));
    QMimeData foreign;
    foreign.setText(QStringLiteral("x"));
    QVERIFY(!model.canDropMimeData(&foreign, Qt::MoveAction, 0, 0, {}));
}

void TestQueueModel::duplicateAndRetry()
{
    RenderQueueModel model(nullptr);
    const QUuid a = model.addJob(makeJob(QStringLiteral("a")));
    model.addJob(makeJob(QStringLiteral("b")));
    QVERIFY(model.markRunning(a, model.job(a)->request, QStringLiteral("/tmp/a")));
    QVERIFY(model.finishJob(a, outcomeOf(wan::JobStatus::Failed)));
    QCOMPARE(model.job(a)->error, QStringLiteral("boom"));
    const QUuid copy = model.duplicateJob(a);
    QVERIFY(!copy.isNull() && copy != a);
    QCOMPARE(prompts(model), (QStringList{"a", "a", "b"}));
    QCOMPARE(model.job(copy)->state, JobState::Queued);
    QVERIFY(model.retryJob(a));
    QVERIFY(model.job(a)->error.isEmpty());
    QCOMPARE(model.job(a)->progress, 0.0);
}

// A job being edited is held: the queue passes it by; the hold is never written, so after a crash (the
// model gone without a word) the job is back as it was, pending.
void TestQueueModel::heldJobIsSkippedAndSurvivesACrash()
{
    QTemporaryDir dir;
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    QUuid a, b;
    {
        RenderQueueModel model(&store);
        a = model.addJob(makeJob(QStringLiteral("first")));
        b = model.addJob(makeJob(QStringLiteral("second")));
        model.flush();
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(model.holdJob(a));
        QVERIFY(model.isHeld(a));
        QCOMPARE(changed.size(), 1); // the view shows it
        QVERIFY(model.data(model.index(0, RenderQueueModel::StateColumn))
                    .toString()
                    .contains(QStringLiteral("edited")));
        QVERIFY(!model.hasUnsavedChanges()); // nothing to write
        QVERIFY(model.nextQueued() == b);
        QVERIFY(model.markRunning(b, model.job(b)->request, dir.filePath(QStringLiteral("b"))));
        QVERIFY(!model.holdJob(b)); // only pending jobs
        QVERIFY(model.finishJob(b, outcomeOf(wan::JobStatus::Done)));
        QVERIFY(!model.nextQueued());
        model.flush();
        // The app dies here, still editing: the file has the job, pending, as it was.
        const QueueLoadReport report = store.load();
        QCOMPARE(report.jobs.size(), 2);
        QCOMPARE(report.jobs[0].id, a);
        QCOMPARE(report.jobs[0].state, JobState::Queued);
        QCOMPARE(QString::fromStdString(report.jobs[0].request.prompt), QStringLiteral("first"));

        const int signalled = int(changed.size());
        model.releaseJob(a);
        QVERIFY(!model.isHeld(a));
        QCOMPARE(int(changed.size()), signalled + 1); // the runner hears it and may start the job
        QVERIFY(model.nextQueued() == a);
        // A removed job leaves no hold behind.
        QVERIFY(model.holdJob(a));
        QVERIFY(model.removeJob(a));
        QVERIFY(!model.isHeld(a));
    }
    RenderQueueModel restarted(&store);
    restarted.setJobs(store.load().jobs);
    QVERIFY(!restarted.isHeld(a));
}

void TestQueueModel::persistenceRoundTrip()
{
    QTemporaryDir dir;
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    QUuid a, b, c;
    {
        RenderQueueModel model(&store);
        RenderJob job = makeJob(QStringLiteral("一只猫在冲浪 \"quoted\""));
        job.request.negativePrompt = std::string("blurry");
        job.request.seed = 9007199254740993LL; // not representable as a double
        job.request.solver = wan::Solver::DpmPP;
        job.request.memory = wan::MemoryMode::Offload;
        job.request.shift = 3.5;
        a = model.addJob(job);
        b = model.addJob(makeJob(QStringLiteral("second"), wan::Task::I2V));
        c = model.addJob(makeJob(QStringLiteral("third"), wan::Task::T2I));
        QVERIFY(model.markRunning(b, model.job(b)->request, dir.filePath(QStringLiteral("b"))));
        QVERIFY(model.finishJob(b, outcomeOf(wan::JobStatus::Failed)));
        QVERIFY(model.pauseJob(c));
    }
    const QueueLoadReport report = store.load();
    QVERIFY2(report.problem.isEmpty(), qPrintable(report.problem));
    QCOMPARE(report.jobs.size(), 3);
    const RenderJob& first = report.jobs[0];
    QCOMPARE(first.id, a);
    QCOMPARE(QString::fromStdString(first.request.prompt), QStringLiteral("一只猫在冲浪 \"quoted\""));
    QCOMPARE(first.request.negativePrompt.value_or(""), std::string("blurry"));
    QCOMPARE(first.request.seed, 9007199254740993LL);
    QCOMPARE(int(first.request.solver), int(wan::Solver::DpmPP));
    QCOMPARE(first.request.memory, wan::MemoryMode::Offload);
    QCOMPARE(first.request.shift, 3.5);
    QCOMPARE(first.request.width, 48);
    QCOMPARE(first.request.frameNum, 9);
    QCOMPARE(first.state, JobState::Queued);
    QCOMPARE(report.jobs[1].id, b);
    QCOMPARE(report.jobs[1].state, JobState::Failed);
    QCOMPARE(report.jobs[1].error, QStringLiteral("boom"));
    QCOMPARE(int(report.jobs[1].request.task), int(wan::Task::I2V));
    QCOMPARE(report.jobs[2].state, JobState::Paused);
    QCOMPARE(int(report.jobs[2].request.task), int(wan::Task::T2I));
}

void TestQueueModel::everyChangeIsSaved()
{
    QTemporaryDir dir;
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    RenderQueueModel model(&store);
    model.addJob(makeJob(QStringLiteral("a")));
    const QUuid b = model.addJob(makeJob(QStringLiteral("b")));
    QTRY_COMPARE(store.load().jobs.size(), 2); // written after the debounce, without a flush
    model.moveJob(1, 0);
    QTRY_COMPARE(store.load().jobs.first().id, b);
    model.removeJob(b);
    QTRY_COMPARE(store.load().jobs.size(), 1);
    QVERIFY(!model.hasUnsavedChanges());
}

void TestQueueModel::progressTicksAreNotWritten()
{
    QTemporaryDir dir;
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    RenderQueueModel model(&store);
    QCOMPARE(model.saveDelayMs(), RenderQueueModel::kDefaultSaveDelayMs);
    model.setSaveDelayMs(100);
    const QUuid a = model.addJob(makeJob(QStringLiteral("a")));
    QVERIFY(model.markRunning(a, model.job(a)->request, dir.filePath(QStringLiteral("a"))));
    model.flush();
    const int before = store.saveCount();
    QCOMPARE(before, 1); // the add and the start, in one write

    for (int step = 1; step <= 200; ++step) {
        JobProgress progress;
        progress.stage = wan::Stage::Denoising;
        progress.step = step;
        progress.totalSteps = 200;
        progress.etaSeconds = 200 - step;
        model.setProgress(a, progress);
    }
    QVERIFY(model.job(a)->progress > 0.8); // kept in memory
    QVERIFY(!model.hasUnsavedChanges());
    QTest::qWait(3 * model.saveDelayMs());
    QCOMPARE(store.saveCount(), before); // 200 ticks, no write

    // A status change: one write, after the delay rather than at once.
    QVERIFY(model.finishJob(a, outcomeOf(wan::JobStatus::Done)));
    QCOMPARE(store.saveCount(), before);
    QTRY_COMPARE_WITH_TIMEOUT(store.saveCount(), before + 1, 2000);
    QTest::qWait(3 * model.saveDelayMs());
    QCOMPARE(store.saveCount(), before + 1);
    QCOMPARE(store.load().jobs.first().state, JobState::Done);
}

void TestQueueModel::changesAreCoalesced()
{
    QTemporaryDir dir;
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    {
        RenderQueueModel model(&store);
        model.setSaveDelayMs(100);
        for (int i = 0; i < 20; ++i)
            model.addJob(makeJob(QStringLiteral("job %1").arg(i)));
        model.moveJob(0, 19);
        QTRY_COMPARE(store.saveCount(), 1);
        QTest::qWait(3 * model.saveDelayMs());
        QCOMPARE(store.saveCount(), 1);
        QCOMPARE(store.load().jobs.size(), 20);

        // Destroyed (the app quits) within the delay: the last change is written at once.
        model.setSaveDelayMs(60 * 1000);
        model.removeJob(model.jobs().first().id);
        QVERIFY(model.hasUnsavedChanges());
    }
    QCOMPARE(store.saveCount(), 2);
    QCOMPARE(store.load().jobs.size(), 19);
}

void TestQueueModel::finishedJobsBeyondLimitAreArchived()
{
    QTemporaryDir dir;
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    QCOMPARE(QFileInfo(store.archivePath()).fileName(), QStringLiteral("queue-archive.json"));
    QList<QUuid> finished;
    QUuid pending;
    {
        RenderQueueModel model(&store);
        QCOMPARE(model.finishedJobLimit(), RenderQueueModel::kDefaultFinishedJobLimit);
        model.setFinishedJobLimit(3);
        pending = model.addJob(makeJob(QStringLiteral("pending")));
        QVERIFY(model.pauseJob(pending));
        for (int i = 0; i < 5; ++i) {
            const QUuid id = model.addJob(makeJob(QStringLiteral("finished %1").arg(i)));
            QVERIFY(model.markRunning(id, model.job(id)->request, dir.filePath(QString::number(i))));
            QVERIFY(model.finishJob(id, outcomeOf(i == 2 ? wan::JobStatus::Failed : wan::JobStatus::Done)));
            finished.append(id);
            QTest::qWait(5); // distinct finish times
        }
        model.flush();
        // The two oldest finished jobs left the queue; the paused one is never archived.
        QCOMPARE(model.rowCount(), 4);
        QVERIFY(model.job(pending));
        QVERIFY(!model.job(finished[0]) && !model.job(finished[1]));
        QVERIFY(model.job(finished[2]) && model.job(finished[4]));
    }
    QueueLoadReport queue = store.load();
    QVERIFY2(queue.problem.isEmpty(), qPrintable(queue.problem));
    QCOMPARE(queue.jobs.size(), 4);
    QCOMPARE(queue.jobs.first().id, pending);
    QueueLoadReport archive = store.loadArchive();
    QVERIFY2(archive.problem.isEmpty(), qPrintable(archive.problem));
    QCOMPARE(archive.jobs.size(), 2);
    QCOMPARE(archive.jobs[0].id, finished[0]);
    QCOMPARE(archive.jobs[1].id, finished[1]);
    QCOMPARE(archive.jobs[0].state, JobState::Done);
    QCOMPARE(QString::fromStdString(archive.jobs[1].request.prompt), QStringLiteral("finished 1"));

    // Reloaded, one more job finishes: the archive grows by one, without duplicates.
    {
        RenderQueueModel model(&store);
        model.setJobs(queue.jobs);
        model.setFinishedJobLimit(3);
        QVERIFY(model.resumeJob(pending));
        QVERIFY(model.markRunning(pending, model.job(pending)->request, dir.filePath(QStringLiteral("p"))));
        QVERIFY(model.finishJob(pending, outcomeOf(wan::JobStatus::Cancelled)));
        model.flush();
        QCOMPARE(model.rowCount(), 3);
    }
    QCOMPARE(store.load().jobs.size(), 3);
    archive = store.loadArchive();
    QCOMPARE(archive.jobs.size(), 3);
    QCOMPARE(archive.jobs[2].id, finished[2]);
    // Not a valid queue file of its own? It is: the same format, loadable by any QueueStore.
    QCOMPARE(QueueStore(store.archivePath()).load().jobs.size(), 3);
}

void TestQueueModel::editOrRetryClearsResumeState()
{
    RenderQueueModel model(nullptr);
    RenderJob queued = makeJob(QStringLiteral("recovered"));
    queued.id = QUuid::createUuid();
    queued.state = JobState::Queued;
    queued.resumeLatents = QStringLiteral("/tmp/old/latents.safetensors");
    RenderJob failed = makeJob(QStringLiteral("failed decode"));
    failed.id = QUuid::createUuid();
    failed.state = JobState::Failed;
    failed.resumeLatents = QStringLiteral("/tmp/other/latents.safetensors");
    model.setJobs({queued, failed});

    auto edited = queued.request;
    edited.prompt = "edited";
    QVERIFY(model.updatePendingRequest(queued.id, edited));
    QVERIFY(model.job(queued.id)->resumeLatents.isEmpty());
    QVERIFY(model.retryJob(failed.id));
    QVERIFY(model.job(failed.id)->resumeLatents.isEmpty());
}

// Errors and extended prompts can come from a prompt-extension server: a tool tip must show their markup as
// text (as a QToolTip renders it: rich text when it looks like HTML), never load or format it.
void TestQueueModel::toolTipsShowServerTextLiterally()
{
    RenderQueueModel model(nullptr);
    RenderJob failed = makeJob(QStringLiteral("<b>bold</b> & <a href=\"http://example.com\">link</a>"));
    failed.id = QUuid::createUuid();
    failed.state = JobState::Failed;
    failed.error = QStringLiteral("<img src=\"http://example.com/x.png\"><h1>server says</h1>");
    failed.request.originalPrompt = "<i>short</i>";
    model.setJobs({failed});
    const auto shown = [&](int column) {
        QTextDocument document;
        document.setHtml(model.index(0, column).data(Qt::ToolTipRole).toString());
        return document.toPlainText();
    };
    QCOMPARE(shown(RenderQueueModel::StateColumn), failed.error);
    const QString prompt = shown(RenderQueueModel::PromptColumn);
    QVERIFY2(prompt.contains(QString::fromStdString(failed.request.prompt)), qPrintable(prompt));
    QVERIFY2(prompt.contains(QStringLiteral("<i>short</i>")), qPrintable(prompt));
}

void TestQueueModel::damagedFileIsKeptAside_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("jobsBack");
    QTest::newRow("half-written") << QByteArray(
                                         R"({"format":"wan-studio-queue","version":1,"jobs":[{"id":"8)")
                                  << 0;
    QTest::newRow("not-json") << QByteArray("\x00\x01garbage", 9) << 0;
    QTest::newRow("other-json") << QByteArray(R"({"hello":"world"})") << 0;
    QTest::newRow("newer-version") << QByteArray(R"({"format":"wan-studio-queue","version":99,"jobs":[]})")
                                   << 0;
}

void TestQueueModel::damagedFileIsKeptAside()
{
    QFETCH(QByteArray, content);
    QFETCH(int, jobsBack);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("queue.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    QueueStore store(path);
    const QueueLoadReport report = store.load();
    QCOMPARE(report.jobs.size(), jobsBack);
    QVERIFY(!report.problem.isEmpty());
    QVERIFY(report.corruptBackup.contains(QStringLiteral("queue.json.corrupt-")));
    QVERIFY(report.problem.contains(QDir::toNativeSeparators(report.corruptBackup)));
    QFile backup(report.corruptBackup);
    QVERIFY(backup.open(QIODevice::ReadOnly));
    QCOMPARE(backup.readAll(), content); // kept byte for byte
    QVERIFY(!QFile::exists(path));
    // The next save starts a fresh file and leaves the damaged one alone.
    QVERIFY(store.save({makeJob(QStringLiteral("new"))}));
    QVERIFY(QFile::exists(report.corruptBackup));
}

void TestQueueModel::unreadableFileIsKeptAside_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("a folder in its place") << QStringLiteral("folder");
    if (::geteuid() != 0) // root reads any file
        QTest::newRow("no read permission") << QStringLiteral("chmod");
}

// Not parsable is not the only way to lose the queue: a file that cannot even be read must not be replaced by
// the next save either.
void TestQueueModel::unreadableFileIsKeptAside()
{
    QFETCH(QString, how);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("queue.json"));
    if (how == QLatin1String("folder")) {
        QVERIFY(QDir().mkpath(path));
        QFile inside(path + QStringLiteral("/keep"));
        QVERIFY(inside.open(QIODevice::WriteOnly) && inside.write("keep") == 4);
    } else {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write("{}") == 2);
        file.close();
        QVERIFY(QFile::setPermissions(path, QFileDevice::WriteOwner));
    }
    QueueStore store(path);
    const QueueLoadReport report = store.load();
    QVERIFY(report.jobs.isEmpty());
    QVERIFY(!report.problem.isEmpty());
    QVERIFY2(report.corruptBackup.contains(QStringLiteral("queue.json.corrupt-")),
             qPrintable(report.problem));
    QVERIFY(QFileInfo::exists(report.corruptBackup));
    QVERIFY(store.save({makeJob(QStringLiteral("new"))}));
    QVERIFY(QFileInfo::exists(report.corruptBackup));
    if (how == QLatin1String("folder"))
        QVERIFY(QFile::exists(report.corruptBackup + QStringLiteral("/keep")));
    QVERIFY(QFileInfo(path).isFile()); // a fresh queue file next to the one kept aside
}

void TestQueueModel::runningJobComesBackQueued()
{
    QTemporaryDir dir;
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    QUuid id;
    {
        RenderQueueModel model(&store);
        id = model.addJob(makeJob(QStringLiteral("crashed")));
        wan::Request request = model.job(id)->request;
        request.latentsPath = dir.filePath(QStringLiteral("job/latents.safetensors")).toStdString();
        QVERIFY(model.markRunning(id, request, dir.filePath(QStringLiteral("job"))));
        model.setProgress(id, JobProgress{wan::Stage::Denoising, 2, 3, 1.0, 1.0});
        // The app dies here: no finishJob.
    }
    const QueueLoadReport report = store.load();
    QCOMPARE(report.jobs.size(), 1);
    QCOMPARE(report.jobs[0].state, JobState::Queued);
    QCOMPARE(report.jobs[0].progress, 0.0);
    QVERIFY(report.jobs[0].resumeLatents.isEmpty());
    QCOMPARE(report.requeued, 1);
    QCOMPARE(report.resumed, 0);
    QVERIFY(report.problem.isEmpty());
}

void TestQueueModel::runningJobWithLatentsIsResumed()
{
    QTemporaryDir dir;
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    QDir().mkpath(dir.filePath(QStringLiteral("job")));
    const QString latents = dir.filePath(QStringLiteral("job/latents.safetensors"));
    {
        RenderQueueModel model(&store);
        const QUuid id = model.addJob(makeJob(QStringLiteral("crashed in decode")));
        wan::Request request = model.job(id)->request;
        request.latentsPath = latents.toStdString();
        QVERIFY(model.markRunning(id, request, dir.filePath(QStringLiteral("job"))));
        QFile file(latents);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("saved latents");
    }
    const QueueLoadReport report = store.load();
    QCOMPARE(report.jobs[0].state, JobState::Queued);
    QCOMPARE(report.jobs[0].resumeLatents, latents);
    QCOMPARE(report.resumed, 1);
}

// The preview column: I2V's image, FLF2V's first and last frames side by side (left, right), VACE's first
// source frame or else its first reference image; a saved preview wins when there is one.
void TestQueueModel::thumbnailsShowTheInputs_data()
{
    QTest::addColumn<int>("task");
    QTest::addColumn<QStringList>("colours"); // expected from left to right; empty: no picture
    QTest::addColumn<bool>("sourceFolder");
    QTest::addColumn<bool>("references");
    QTest::newRow("t2v") << int(wan::Task::T2V) << QStringList() << false << false;
    QTest::newRow("i2v") << int(wan::Task::I2V) << QStringList{"red"} << false << false;
    QTest::newRow("flf2v") << int(wan::Task::FLF2V) << QStringList{"red", "blue"} << false << false;
    QTest::newRow("vace-source-frames") << int(wan::Task::VACE) << QStringList{"#00ff00"} << true << true;
    QTest::newRow("vace-reference") << int(wan::Task::VACE) << QStringList{"yellow"} << false << true;
    QTest::newRow("vace-blank") << int(wan::Task::VACE) << QStringList() << false << false;
}

void TestQueueModel::thumbnailsShowTheInputs()
{
    QFETCH(int, task);
    QFETCH(QStringList, colours);
    QFETCH(bool, sourceFolder);
    QFETCH(bool, references);
    QTemporaryDir dir;
    const auto write = [&](const QString& name, const QColor& colour, QSize size = QSize(160, 90)) {
        QImage image(size, QImage::Format_RGB32);
        image.fill(colour);
        const QString path = dir.filePath(name);
        QDir().mkpath(QFileInfo(path).absolutePath());
        return image.save(path) ? path.toStdString() : std::string();
    };
    RenderJob job = makeJob(QStringLiteral("inputs"), wan::Task(task));
    job.request.image = write(QStringLiteral("image.png"), Qt::red);
    job.request.firstFrame = write(QStringLiteral("first.png"), Qt::red);
    job.request.lastFrame = write(QStringLiteral("last.png"), Qt::blue, QSize(90, 160));
    if (sourceFolder) {
        write(QStringLiteral("source/frame_0001.png"), Qt::darkGray); // sorted by name: not the first
        write(QStringLiteral("source/frame_0000.png"), Qt::green);
        job.request.srcVideo = dir.filePath(QStringLiteral("source")).toStdString();
    }
    if (references)
        job.request.srcRefImages = {write(QStringLiteral("ref.png"), Qt::yellow)};
    RenderQueueModel model(nullptr);
    const QUuid id = model.addJob(job);
    const QModelIndex cell = model.index(0, RenderQueueModel::ThumbnailColumn);
    const QVariant decoration = model.data(cell, Qt::DecorationRole);
    QCOMPARE(decoration.isValid(), !colours.isEmpty());
    if (colours.isEmpty())
        return;
    // An image, not a pixmap: the model is a service and holds no QPixmap.
    QCOMPARE(decoration.metaType(), QMetaType::fromType<QImage>());
    const QImage thumb = decoration.value<QImage>();
    QVERIFY(thumb.height() <= 40 && thumb.width() <= 80); // fits the preview column
    for (int i = 0; i < colours.size(); ++i) {
        // The middle of each picture's share, from left to right.
        const int x = thumb.width() * (2 * i + 1) / (2 * int(colours.size()));
        const QColor expected(colours[i]);
        const QColor actual = thumb.pixelColor(x, thumb.height() / 2);
        QVERIFY2(
            std::abs(actual.red() - expected.red()) < 8 && std::abs(actual.green() - expected.green()) < 8 &&
                std::abs(actual.blue() - expected.blue()) < 8,
            qPrintable(
                QStringLiteral("picture %1 is %2, expected %3").arg(i).arg(actual.name(), expected.name())));
    }
    // A saved preview is shown instead.
    QImage preview(20, 10, QImage::Format_RGB32);
    preview.fill(Qt::white);
    const QString previewPath = dir.filePath(QStringLiteral("thumbnail.png"));
    QVERIFY(preview.save(previewPath));
    model.setThumbnail(id, previewPath);
    const QImage shown = model.data(cell, Qt::DecorationRole).value<QImage>();
    QCOMPARE(shown.pixelColor(shown.width() / 2, shown.height() / 2), QColor(Qt::white));
}

namespace {
QString writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return {};
    return path;
}

QByteArray readBytes(const std::filesystem::path& path)
{
    QFile file(QString::fromStdString(path.string()));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString parentOf(const std::filesystem::path& path)
{
    return QFileInfo(QString::fromStdString(path.string())).absolutePath();
}

QStringList stashFolders(const QString& stash)
{
    return QDir(stash).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
}
} // namespace

void TestQueueModel::inputPicturesAreCopiedAtQueueTime()
{
    QTemporaryDir dir;
    const QString stash = dir.filePath(QStringLiteral("job-inputs"));
    RenderQueueModel model(nullptr);
    model.setInputStash(stash);
    const QString first = writeBytes(dir.filePath(QStringLiteral("first.png")), "first frame bytes");
    const QString last = writeBytes(dir.filePath(QStringLiteral("last.jpeg")), "last frame bytes");
    QVERIFY(!first.isEmpty() && !last.isEmpty());

    RenderJob job = makeJob(QStringLiteral("flf2v"), wan::Task::FLF2V);
    job.request.firstFrame = first.toStdString();
    job.request.lastFrame = last.toStdString();
    job.request.srcRefImages = {first.toStdString()};
    QString error;
    QVERIFY2(model.stageInputs(&job.request, &error), qPrintable(error));
    // Every picture now names a copy in one new folder below the stash, with its file type kept.
    const QString folder = parentOf(job.request.firstFrame);
    QCOMPARE(QFileInfo(folder).absolutePath(), QFileInfo(stash).absoluteFilePath());
    QCOMPARE(parentOf(job.request.lastFrame), folder);
    QCOMPARE(parentOf(job.request.srcRefImages[0]), folder);
    QCOMPARE(QFileInfo(QString::fromStdString(job.request.lastFrame.string())).suffix(),
             QStringLiteral("jpeg"));
    QCOMPARE(readBytes(job.request.firstFrame), QByteArray("first frame bytes"));
    QCOMPARE(readBytes(job.request.lastFrame), QByteArray("last frame bytes"));
    const QUuid id = model.addJob(job);

    // The user moves the originals away: the queued job still has its pictures.
    QVERIFY(QFile::remove(first) && QFile::remove(last));
    QCOMPARE(readBytes(model.job(id)->request.firstFrame), QByteArray("first frame bytes"));

    // Staging the job's own request again (an edit that kept the pictures) copies nothing.
    wan::Request again = model.job(id)->request;
    QVERIFY2(model.stageInputs(&again, &error), qPrintable(error));
    QCOMPARE(again.firstFrame, model.job(id)->request.firstFrame);
    QCOMPARE(stashFolders(stash).size(), 1);

    // No stash (the default): paths stay as chosen and nothing is created.
    RenderQueueModel plain(nullptr);
    wan::Request untouched;
    untouched.image = "/somewhere/else.png";
    QVERIFY(plain.stageInputs(&untouched, &error));
    QCOMPARE(untouched.image, std::filesystem::path("/somewhere/else.png"));
}

void TestQueueModel::copiedInputsGoWithTheLastJobUsingThem()
{
    QTemporaryDir dir;
    const QString stash = dir.filePath(QStringLiteral("job-inputs"));
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    RenderQueueModel model(&store);
    model.setInputStash(stash);
    model.setFinishedJobLimit(1);
    const QString image = writeBytes(dir.filePath(QStringLiteral("cat.png")), "cat");
    QString error;

    RenderJob job = makeJob(QStringLiteral("a cat"), wan::Task::I2V);
    job.request.image = image.toStdString();
    QVERIFY(model.stageInputs(&job.request, &error));
    const QString folder = parentOf(job.request.image);
    const QUuid a = model.addJob(job);
    const QUuid b = model.duplicateJob(a); // shares the copy
    QCOMPARE(model.job(b)->request.image, model.job(a)->request.image);
    QVERIFY(model.removeJob(a));
    QVERIFY2(QFileInfo::exists(folder), "still used by the duplicate");
    QVERIFY(model.removeJob(b));
    QVERIFY2(!QFileInfo::exists(folder), "the last job using it left the queue");
    QVERIFY(QFileInfo::exists(image)); // the user's original is never touched

    // An edit that picks another picture releases the old copy.
    RenderJob edited = makeJob(QStringLiteral("a dog"), wan::Task::I2V);
    edited.request.image = image.toStdString();
    QVERIFY(model.stageInputs(&edited.request, &error));
    const QUuid c = model.addJob(edited);
    const QString oldFolder = parentOf(model.job(c)->request.image);
    wan::Request changed = model.job(c)->request;
    changed.image = writeBytes(dir.filePath(QStringLiteral("dog.png")), "dog").toStdString();
    QVERIFY(model.stageInputs(&changed, &error));
    QVERIFY(model.updatePendingRequest(c, changed));
    QVERIFY(!QFileInfo::exists(oldFolder));
    QCOMPARE(readBytes(model.job(c)->request.image), QByteArray("dog"));

    // Finished jobs beyond the limit are archived: their copies go (a record, not something to run again).
    const QString newFolder = parentOf(model.job(c)->request.image);
    QVERIFY(model.markRunning(c, model.job(c)->request, dir.filePath(QStringLiteral("c"))));
    QVERIFY(model.finishJob(c, outcomeOf(wan::JobStatus::Done)));
    QTest::qWait(5);
    RenderJob later = makeJob(QStringLiteral("later"));
    const QUuid d = model.addJob(later);
    QVERIFY(model.markRunning(d, model.job(d)->request, dir.filePath(QStringLiteral("d"))));
    QVERIFY(model.finishJob(d, outcomeOf(wan::JobStatus::Done)));
    model.flush();
    QVERIFY(!model.job(c));
    QVERIFY(!QFileInfo::exists(newFolder));
}

void TestQueueModel::failedCopyLeavesNothing()
{
    QTemporaryDir dir;
    const QString stash = dir.filePath(QStringLiteral("job-inputs"));
    RenderQueueModel model(nullptr);
    model.setInputStash(stash);
    const QString good = writeBytes(dir.filePath(QStringLiteral("good.png")), "good");
    const QString missing = dir.filePath(QStringLiteral("moved-away.png"));
    wan::Request request;
    request.task = wan::Task::FLF2V;
    request.firstFrame = good.toStdString();
    request.lastFrame = missing.toStdString();
    const wan::Request before = request;
    QString error;
    QVERIFY(!model.stageInputs(&request, &error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(missing)), qPrintable(error));
    QCOMPARE(request.firstFrame, before.firstFrame); // unchanged
    QCOMPARE(request.lastFrame, before.lastFrame);
    QVERIFY(stashFolders(stash).isEmpty()); // the half-made folder is gone
}

void TestQueueModel::onlyStashFoldersAreEverRemoved()
{
    QTemporaryDir dir;
    const QString stash = dir.filePath(QStringLiteral("job-inputs"));
    QVERIFY(QDir().mkpath(stash));
    RenderQueueModel model(nullptr);
    model.setInputStash(stash);
    // A job whose picture lies outside the stash (queued before copies existed): removing it deletes nothing.
    const QString outside = writeBytes(dir.filePath(QStringLiteral("outside.png")), "mine");
    RenderJob old = makeJob(QStringLiteral("old"), wan::Task::I2V);
    old.request.image = outside.toStdString();
    old.id = QUuid::createUuid();
    old.state = JobState::Queued;
    model.setJobs({old});
    QVERIFY(model.removeJob(old.id));
    QVERIFY(QFileInfo::exists(outside));

    // At start-up: folders made by staging that no job uses are removed; the used one and anything a user
    // put there (not named by the stash) stay.
    RenderJob used = makeJob(QStringLiteral("used"), wan::Task::I2V);
    used.request.image = outside.toStdString();
    QString error;
    QVERIFY(model.stageInputs(&used.request, &error));
    model.addJob(used);
    const QString orphan = QDir(stash).filePath(QUuid::createUuid().toString(QUuid::WithoutBraces));
    QVERIFY(QDir().mkpath(orphan));
    QVERIFY(!writeBytes(QDir(orphan).filePath(QStringLiteral("image.png")), "x").isEmpty());
    const QString users = QDir(stash).filePath(QStringLiteral("my-pictures"));
    QVERIFY(QDir().mkpath(users));
    model.pruneInputStash();
    QVERIFY(!QFileInfo::exists(orphan));
    QVERIFY(QFileInfo::exists(users));
    QVERIFY(QFileInfo::exists(QString::fromStdString(model.jobs().first().request.image.string())));
}

QTEST_MAIN(TestQueueModel)
#include "test_queuemodel.moc"
