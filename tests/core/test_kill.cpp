// Kill-anywhere recovery of wan-generate: SIGKILL at random points of a run (start-up, loading, text
// encoding, denoising, checkpoint saves, decoding, MP4 writing), then run the same command again, possibly
// killed again, until it completes. After every kill no final file is partial (what exists is complete), and
// the completed run has the same latents and the same MP4, byte for byte, as an uninterrupted run.
//
// WAN_KILL_POINTS sets the number of kills (default 30); WAN_KILL_SEED the random seed (default: the time,
// printed so a failure can be replayed); WAN_KILL_MARKER aims every kill at one log marker.
#include "support/Fixtures.h"

#include <QCryptographicHash>
#include <QDateTime>
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

using namespace wan;

namespace {

constexpr int kSteps = 8;

QStringList generateArgs(const QString& dir)
{
    const auto fixture = QString::fromStdString((test::fixturesDir() / "wan-tiny-t2v").string());
    return {QStringLiteral("--ckpt_dir"),
            fixture,
            QStringLiteral("--task"),
            QStringLiteral("t2v-1.3B"),
            QStringLiteral("--size"),
            QStringLiteral("48*32"),
            QStringLiteral("--frame_num"),
            QStringLiteral("9"),
            QStringLiteral("--sample_steps"),
            QString::number(kSteps),
            QStringLiteral("--sample_shift"),
            QStringLiteral("5"),
            QStringLiteral("--base_seed"),
            QStringLiteral("42"),
            QStringLiteral("--device"),
            QStringLiteral("cpu"),
            QStringLiteral("--precision"),
            QStringLiteral("fp32"),
            QStringLiteral("--prompt"),
            QStringLiteral("Two anthropomorphic cats in comfy boxing gear fight on a spotlighted stage."),
            QStringLiteral("--save_file"),
            QDir(dir).filePath(QStringLiteral("out.mp4")),
            QStringLiteral("--save_latents"),
            QDir(dir).filePath(QStringLiteral("latents.safetensors")),
            QStringLiteral("--resume_state"),
            QDir(dir).filePath(QStringLiteral("resume.safetensors")),
            QStringLiteral("--checkpoint_every"),
            QStringLiteral("1"),
            QStringLiteral("--log_level"),
            QStringLiteral("debug")};
}

QByteArray fileBytes(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Where a run is, from the last marker its log printed.
QString stageOf(const QByteArray& log)
{
    static const std::pair<const char*, const char*> markers[] = {
        {"stage writing", "writing"},     {"stage decoding", "decoding"}, {"checkpoint after", "checkpoint"},
        {"stage denoising", "denoising"}, {"stage text", "text"},         {"stage loading", "loading"},
        {"resuming from", "loading"}};
    qsizetype best = -1;
    QString stage = QStringLiteral("startup");
    for (const auto& [marker, name] : markers) {
        const auto at = log.lastIndexOf(marker);
        if (at > best) {
            best = at;
            stage = QString::fromLatin1(name);
        }
    }
    // Denoising steps report in between the checkpoint lines.
    const auto step = log.lastIndexOf("[info] step ");
    if (step > best)
        stage = QStringLiteral("denoising");
    return stage;
}

struct Trigger
{
    QByteArray marker; // empty: time from the start
    int delayMs = 0;   // after the marker (or the start)
};

struct Outcome
{
    bool killed = false;
    int exitCode = -1;
    QString stage; // at the kill
    QByteArray log;
};

Outcome runAndMaybeKill(const QString& dir, const std::optional<Trigger>& trigger)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(WAN_GENERATE_PATH), generateArgs(dir));
    Outcome outcome;
    if (!process.waitForStarted(10000))
        return outcome;
    QElapsedTimer clock;
    clock.start();
    qint64 armedAt = trigger && trigger->marker.isEmpty() ? 0 : -1;
    while (process.state() != QProcess::NotRunning && clock.elapsed() < 60000) {
        process.waitForReadyRead(1);
        outcome.log += process.readAll();
        if (!trigger)
            continue;
        if (armedAt < 0 && outcome.log.contains(trigger->marker))
            armedAt = clock.elapsed();
        if (armedAt >= 0 && clock.elapsed() >= armedAt + trigger->delayMs) {
            outcome.stage = stageOf(outcome.log);
            ::kill(pid_t(process.processId()), SIGKILL);
            outcome.killed = true;
            break;
        }
    }
    process.waitForFinished(10000);
    outcome.log += process.readAll();
    if (outcome.killed && process.exitStatus() == QProcess::NormalExit) {
        outcome.killed = false; // it ended before the signal
        outcome.exitCode = process.exitCode();
    } else if (!outcome.killed) {
        outcome.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    return outcome;
}

} // namespace

class TestKill : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killAnywhereThenResume();
};

void TestKill::killAnywhereThenResume()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString refDir = root.filePath(QStringLiteral("reference"));
    QVERIFY(QDir().mkpath(refDir));
    const auto reference = runAndMaybeKill(refDir, std::nullopt);
    QVERIFY2(reference.exitCode == 0, reference.log.constData());
    const QByteArray refLatents = fileBytes(QDir(refDir).filePath(QStringLiteral("latents.safetensors")));
    const QByteArray refVideo = fileBytes(QDir(refDir).filePath(QStringLiteral("out.mp4")));
    QVERIFY(!refLatents.isEmpty() && !refVideo.isEmpty());
    QVERIFY2(!QFileInfo::exists(QDir(refDir).filePath(QStringLiteral("resume.safetensors"))),
             "a completed run removes its checkpoint");

    const int points =
        qEnvironmentVariableIsSet("WAN_KILL_POINTS") ? qEnvironmentVariableIntValue("WAN_KILL_POINTS") : 30;
    const quint32 seed = qEnvironmentVariableIsSet("WAN_KILL_SEED")
                             ? quint32(qEnvironmentVariableIntValue("WAN_KILL_SEED"))
                             : quint32(QDateTime::currentMSecsSinceEpoch());
    qInfo("kill test: %d kill points, WAN_KILL_SEED=%u", points, seed);
    QRandomGenerator random(seed);
    // Where to aim; the stage a kill lands in is read from the log, not assumed.
    const QList<QByteArray> markers{QByteArrayLiteral(""),
                                    QByteArrayLiteral("stage loading"),
                                    QByteArrayLiteral("stage text"),
                                    QByteArrayLiteral("stage denoising"),
                                    QByteArrayLiteral("checkpoint after step"),
                                    QByteArrayLiteral("[info] step "),
                                    QByteArrayLiteral("stage decoding"),
                                    QByteArrayLiteral("stage writing"),
                                    QByteArrayLiteral("ffmpeg: [mp4")};

    std::map<QString, int> landed;
    int kills = 0, trials = 0, restarts = 0, leftoverPartials = 0, endedFirst = 0, partialsAfterKills = 0;
    while (kills < points) {
        const QString dir = root.filePath(QStringLiteral("trial%1").arg(++trials));
        QVERIFY(QDir().mkpath(dir));
        // What a killed earlier run leaves next to each output, an hour old: whichever run completes removes
        // them (so the final count of partial files below cannot be zero merely because no kill left one).
        for (const char* name : {"out.partial-stale1.mp4", "latents.partial-stale2.safetensors",
                                 "resume.partial-stale3.safetensors"}) {
            QFile stale(QDir(dir).filePath(QLatin1String(name)));
            QVERIFY(stale.open(QIODevice::WriteOnly) && stale.write("half a file") > 0);
            QVERIFY(stale.setFileTime(QDateTime::currentDateTime().addSecs(-3600),
                                      QFileDevice::FileModificationTime));
        }
        // Up to three kills in a row (a resumed run killed again), then a run to the end.
        const int killsThisTrial = 1 + int(random.bounded(3));
        bool done = false;
        for (int attempt = 0; !done; ++attempt) {
            std::optional<Trigger> trigger;
            if (attempt < killsThisTrial && kills < points) {
                const QByteArray marker = qEnvironmentVariableIsSet("WAN_KILL_MARKER")
                                              ? qgetenv("WAN_KILL_MARKER")
                                              : markers.at(kills % int(markers.size())); // each in turn
                // Writing an MP4 of the fixture takes milliseconds: aim close behind its markers.
                const int spreadMs = marker.isEmpty()                                       ? 1500
                                     : marker.contains("writing") || marker.contains("mp4") ? 8
                                                                                            : 40;
                trigger = Trigger{marker, int(random.bounded(spreadMs))};
            }
            const auto run = runAndMaybeKill(dir, trigger);
            if (attempt > 0)
                ++restarts;
            if (run.killed) {
                ++kills;
                ++landed[run.stage];
                qInfo("kill %d (trial %d): aimed at \"%s\" + %d ms, landed in %s", kills, trials,
                      trigger->marker.isEmpty() ? "start" : trigger->marker.constData(), trigger->delayMs,
                      qPrintable(run.stage));
                // Whatever carries a final name is complete: the same bytes as the uninterrupted run's.
                for (const auto& [name, want] :
                     {std::pair{QStringLiteral("out.mp4"), refVideo},
                      std::pair{QStringLiteral("latents.safetensors"), refLatents}}) {
                    const QString path = QDir(dir).filePath(name);
                    if (QFileInfo::exists(path))
                        QVERIFY2(fileBytes(path) == want,
                                 qPrintable(QStringLiteral("%1 is incomplete after a kill in %2 (trial %3)")
                                                .arg(path, run.stage)
                                                .arg(trials)));
                }
                // Partial files this kill left (not the planted ones): the next run must remove them.
                for (const auto& name : QDir(dir).entryList({QStringLiteral("*.partial-*")}, QDir::Files))
                    partialsAfterKills += name.contains(QLatin1String("partial-stale")) ? 0 : 1;
                continue;
            }
            QVERIFY2(run.exitCode == 0,
                     qPrintable(QStringLiteral("trial %1: the run after a kill failed:\n%2")
                                    .arg(trials)
                                    .arg(QString::fromUtf8(run.log))));
            if (trigger)
                ++endedFirst; // the program finished before the kill fired
            done = true;
        }
        QVERIFY2(
            fileBytes(QDir(dir).filePath(QStringLiteral("latents.safetensors"))) == refLatents,
            qPrintable(QStringLiteral("trial %1: latents differ from the uninterrupted run").arg(trials)));
        QVERIFY2(
            fileBytes(QDir(dir).filePath(QStringLiteral("out.mp4"))) == refVideo,
            qPrintable(QStringLiteral("trial %1: the video differs from the uninterrupted run").arg(trials)));
        QVERIFY(!QFileInfo::exists(QDir(dir).filePath(QStringLiteral("resume.safetensors"))));
        // Nothing else under a final name; a kill can leave only hidden-by-name partial files.
        for (const auto& name : QDir(dir).entryList(QDir::Files)) {
            if (name == QLatin1String("out.mp4") || name == QLatin1String("latents.safetensors"))
                continue;
            QVERIFY2(name.contains(QLatin1String(".partial-")), qPrintable(name));
            ++leftoverPartials;
        }
    }
    QString summary;
    for (const auto& [stage, count] : landed)
        summary += QStringLiteral(" %1=%2").arg(stage).arg(count);
    qInfo("kill test: %d kills in %d trials (%d restarts, %d runs ended before their kill); landed:%s; "
          "%d .partial- files seen right after kills, %d planted stale ones; %d left at the end",
          kills, trials, restarts, endedFirst, qPrintable(summary), partialsAfterKills, 3 * trials,
          leftoverPartials);
    QCOMPARE(kills, points);
    // Each completing run removes what kills (and the planted files) left half-written: none is left.
    QCOMPARE(leftoverPartials, 0);
}

QTEST_GUILESS_MAIN(TestKill)
#include "test_kill.moc"
