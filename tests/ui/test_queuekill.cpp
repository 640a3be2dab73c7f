// Kill-anywhere recovery of the render queue: a headless queue runner with the real engine on the t2v
// fixture (queue_headless) is SIGKILLed at random points (start-up, loading, text encoding, denoising,
// queue saves, decoding, MP4 writing, between jobs) and restarted until its jobs are done. After every
// kill queue.json loads and every finished job's video is intact; at the end every job has the same
// latents and video, byte for byte, as in an uninterrupted run, and no checkpoint is left.
//
// WAN_KILL_POINTS sets the number of kills (default 16), WAN_KILL_SEED the random seed.
#include "QueueStore.h"
#include "support/Fixtures.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <map>
#include <optional>

using namespace wan::ui;

namespace {

constexpr int kJobs = 2;

QByteArray fileBytes(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList subfolders(const QString& dir)
{
    QStringList list;
    for (const QFileInfo& info : QDir(dir).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot))
        list.append(info.absoluteFilePath());
    return list;
}

QString stageOf(const QByteArray& log)
{
    static const std::pair<const char*, const char*> markers[] = {
        {"stage loading", "loading"},   {"stage text", "text"},       {"stage denoising", "denoising"},
        {"stage decoding", "decoding"}, {"stage writing", "writing"}, {"job done", "between jobs"},
        {"queue saved", "queue save"}};
    qsizetype best = -1;
    QString stage = QStringLiteral("startup");
    for (const auto& [marker, name] : markers) {
        const auto at = log.lastIndexOf(marker);
        if (at > best) {
            best = at;
            stage = QString::fromLatin1(name);
        }
    }
    return stage;
}

struct Outcome
{
    bool killed = false;
    int exitCode = -1;
    QString stage;
    QByteArray log;
};

Outcome run(const QString& data, const QString& out, const QByteArray& marker, int delayMs, bool kill)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    const auto fixture = QString::fromStdString((wan::test::fixturesDir() / "wan-tiny-t2v").string());
    process.start(QStringLiteral(QUEUE_HEADLESS_PATH),
                  {data, out, QStringLiteral("--add"), QString::number(kJobs), fixture});
    Outcome outcome;
    if (!process.waitForStarted(10000))
        return outcome;
    QElapsedTimer clock;
    clock.start();
    qint64 armedAt = kill && marker.isEmpty() ? 0 : -1;
    while (process.state() != QProcess::NotRunning && clock.elapsed() < 120000) {
        process.waitForReadyRead(1);
        outcome.log += process.readAll();
        if (!kill)
            continue;
        if (armedAt < 0 && outcome.log.contains(marker))
            armedAt = clock.elapsed();
        if (armedAt >= 0 && clock.elapsed() >= armedAt + delayMs) {
            outcome.stage = stageOf(outcome.log);
            ::kill(pid_t(process.processId()), SIGKILL);
            outcome.killed = true;
            break;
        }
    }
    process.waitForFinished(10000);
    outcome.log += process.readAll();
    if (outcome.killed && process.exitStatus() == QProcess::NormalExit)
        outcome.killed = false;
    if (!outcome.killed)
        outcome.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return outcome;
}

} // namespace

class TestQueueKill : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killAnywhereThenResume();
};

void TestQueueKill::killAnywhereThenResume()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString refData = root.filePath(QStringLiteral("ref-data"));
    const QString refOut = root.filePath(QStringLiteral("ref-out"));
    const auto reference = run(refData, refOut, {}, 0, false);
    QVERIFY2(reference.exitCode == 0, reference.log.constData());
    const auto refJobs = QueueStore(QDir(refData).filePath(QStringLiteral("queue.json"))).load().jobs;
    QCOMPARE(int(refJobs.size()), kJobs);
    QList<QByteArray> refVideos, refLatents;
    for (const auto& job : refJobs) {
        QCOMPARE(job.state, JobState::Done);
        refVideos.append(fileBytes(job.outputPath));
        refLatents.append(fileBytes(job.latentsPath));
        QVERIFY(!refVideos.back().isEmpty() && !refLatents.back().isEmpty());
    }

    const int points =
        qEnvironmentVariableIsSet("WAN_KILL_POINTS") ? qEnvironmentVariableIntValue("WAN_KILL_POINTS") : 16;
    const quint32 seed = qEnvironmentVariableIsSet("WAN_KILL_SEED")
                             ? quint32(qEnvironmentVariableIntValue("WAN_KILL_SEED"))
                             : quint32(QDateTime::currentMSecsSinceEpoch());
    qInfo("queue kill test: %d kill points, WAN_KILL_SEED=%u", points, seed);
    QRandomGenerator random(seed);
    const QList<QByteArray> markers{QByteArrayLiteral(""),
                                    QByteArrayLiteral("stage loading"),
                                    QByteArrayLiteral("stage text"),
                                    QByteArrayLiteral("stage denoising"),
                                    QByteArrayLiteral("queue saved"),
                                    QByteArrayLiteral("stage decoding"),
                                    QByteArrayLiteral("stage writing"),
                                    QByteArrayLiteral("job done")};

    std::map<QString, int> landed;
    int kills = 0, trials = 0, strayFolders = 0, partialsAfterKills = 0;
    while (kills < points) {
        const QString tag = QStringLiteral("trial%1").arg(++trials);
        const QString data = root.filePath(tag + QStringLiteral("-data"));
        const QString out = root.filePath(tag + QStringLiteral("-out"));
        const int killsThisTrial = 1 + int(random.bounded(3));
        // A partial video an earlier killed process left in the output folder, an hour old: the next start
        // removes it (so "no partial file left" below is not merely because no kill left one).
        QVERIFY(QDir().mkpath(out));
        {
            QFile stale(QDir(out).filePath(QStringLiteral("old-job.partial-stale1.mp4")));
            QVERIFY(stale.open(QIODevice::WriteOnly) && stale.write("half a video") > 0);
            QVERIFY(stale.setFileTime(QDateTime::currentDateTime().addSecs(-3600),
                                      QFileDevice::FileModificationTime));
        }
        for (int attempt = 0;; ++attempt) {
            QVERIFY2(attempt < 12, "the queue never completed");
            const bool kill = attempt < killsThisTrial && kills < points;
            const QByteArray marker = markers.at(kills % int(markers.size()));
            const int spreadMs = marker.isEmpty() ? 2500 : marker.contains("writing") ? 8 : 60;
            const auto outcome = run(data, out, marker, int(random.bounded(spreadMs)), kill);
            if (outcome.killed) {
                ++kills;
                ++landed[outcome.stage];
                qInfo("kill %d (%s): aimed at \"%s\", landed in %s", kills, qPrintable(tag),
                      marker.isEmpty() ? "start" : marker.constData(), qPrintable(outcome.stage));
                for (const QString& dir : QStringList{out} + subfolders(out))
                    for (const QString& name :
                         QDir(dir).entryList({QStringLiteral("*.partial-*")}, QDir::Files))
                        partialsAfterKills += name.contains(QLatin1String("partial-stale")) ? 0 : 1;
                // The queue file loads after any kill, and a finished job's video is whole.
                const auto report = QueueStore(QDir(data).filePath(QStringLiteral("queue.json"))).load();
                QVERIFY2(report.problem.isEmpty(), qPrintable(report.problem));
                for (int i = 0; i < int(report.jobs.size()); ++i)
                    if (report.jobs[i].state == JobState::Done)
                        QVERIFY2(
                            fileBytes(report.jobs[i].outputPath) == refVideos.value(i),
                            qPrintable(QStringLiteral("%1: finished video of job %2 lost or damaged by a "
                                                      "kill in %3")
                                           .arg(tag)
                                           .arg(i)
                                           .arg(outcome.stage)));
                continue;
            }
            QVERIFY2(outcome.exitCode == 0,
                     qPrintable(QStringLiteral("%1: %2").arg(tag, QString::fromUtf8(outcome.log))));
            break;
        }
        const auto report = QueueStore(QDir(data).filePath(QStringLiteral("queue.json"))).load();
        QVERIFY(report.problem.isEmpty());
        QCOMPARE(int(report.jobs.size()), kJobs);
        QStringList folders;
        for (int i = 0; i < kJobs; ++i) {
            const auto& job = report.jobs[i];
            QCOMPARE(job.state, JobState::Done);
            QVERIFY2(fileBytes(job.latentsPath) == refLatents[i],
                     qPrintable(QStringLiteral("%1: latents of job %2 differ").arg(tag).arg(i)));
            QVERIFY2(fileBytes(job.outputPath) == refVideos[i],
                     qPrintable(QStringLiteral("%1: video of job %2 differs").arg(tag).arg(i)));
            QVERIFY(!QFileInfo::exists(QDir(job.folder).filePath(QStringLiteral("resume.safetensors"))));
            folders.append(QFileInfo(job.folder).fileName());
        }
        // A kill between making a job folder and saving the queue leaves that folder unused.
        for (const auto& name : QDir(out).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            strayFolders += folders.contains(name) ? 0 : 1;
        // Nothing half-written is left in the output folder or any job folder.
        for (const QString& dir : QStringList{out} + subfolders(out)) {
            const QStringList partials = QDir(dir).entryList({QStringLiteral("*.partial-*")}, QDir::Files);
            QVERIFY2(partials.isEmpty(), qPrintable(tag + QStringLiteral(": left ") + partials.join(u' ')));
        }
    }
    QString summary;
    for (const auto& [stage, count] : landed)
        summary += QStringLiteral(" %1=%2").arg(stage).arg(count);
    qInfo("queue kill test: %d kills in %d trials; landed:%s; %d unused job folders left by kills; %d "
          ".partial- files left by kills and %d planted stale ones, none left at the end",
          kills, trials, qPrintable(summary), strayFolders, partialsAfterKills, trials);
    QCOMPARE(kills, points);
}

QTEST_GUILESS_MAIN(TestQueueKill)
#include "test_queuekill.moc"
