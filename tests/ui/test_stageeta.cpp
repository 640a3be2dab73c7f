// The stage-aware ETA: scripted runs in the engine's report order, remembered stage costs (also through
// QSettings), the queue's ETA.
#include "StageEta.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;

namespace {

struct Event
{
    double seconds;
    wan::Stage stage;
    int step;
    int total;
};

wan::Request request(wan::Task task, int width, int height, int frames, int steps, const char* model)
{
    wan::Request r;
    r.task = task;
    r.width = width;
    r.height = height;
    r.frameNum = frames;
    r.steps = steps;
    r.device = "cuda";
    r.ckptDir = std::string("/models/") + model;
    return r;
}

// The reports the engine sends (pipeline/Engine*.cpp), each stage taking what `costs` says.
QList<Event> scriptedRun(const JobShape& shape, const StageCosts& costs, bool loading, bool image,
                         double* endSeconds)
{
    QList<Event> events;
    double t = 0.0;
    if (loading) {
        // One report per model loaded, none in between.
        for (int i = 0; i < 3; ++i)
            events.append({t + i * costs.loadingSeconds / 3, wan::Stage::Loading, 0, 0});
        t += costs.loadingSeconds;
    }
    const double e = costs.encodingSeconds;
    if (image) { // I2V: the image stage starts, the prompt runs inside it, then the image finishes
        events.append({t, wan::Stage::EncodingImage, 0, 2});
        events.append({t + 0.1 * e, wan::Stage::EncodingText, 0, 2});
        events.append({t + 0.4 * e, wan::Stage::EncodingText, 2, 2});
        events.append({t + 0.7 * e, wan::Stage::EncodingImage, 1, 2});
        events.append({t + e, wan::Stage::EncodingImage, 2, 2});
    } else {
        events.append({t, wan::Stage::EncodingText, 0, 2});
        events.append({t + e, wan::Stage::EncodingText, 2, 2});
    }
    t += e;
    const double step = costs.stepSecondsPerLatentFrame * shape.latentFrames;
    for (int k = 0; k <= shape.steps; ++k)
        events.append({t + k * step, wan::Stage::Denoising, k, shape.steps});
    t += step * shape.steps;
    const double decoding = costs.decodingSecondsPerLatentFrame * shape.latentFrames;
    events.append({t, wan::Stage::Decoding, 0, 0});
    constexpr int kChunks = 6;
    for (int c = 1; c <= kChunks; ++c)
        events.append({t + c * decoding / kChunks, wan::Stage::Decoding, c, kChunks});
    t += decoding;
    events.append({t, wan::Stage::Writing, 0, 1});
    t += costs.writingSeconds;
    events.append({t, wan::Stage::Writing, 1, 1});
    *endSeconds = t;
    return events;
}

JobProgress progressOf(const Event& e)
{
    JobProgress p;
    p.stage = e.stage;
    p.step = e.step;
    p.totalSteps = e.total;
    return p;
}

} // namespace

class TestStageEta : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scriptedRunIsMonotoneAndNeverZero_data();
    void scriptedRunIsMonotoneAndNeverZero();
    void usesRememberedCosts();
    void rememberedCostsPersist();
    void otherResolutionIsScaled();
    void fewerStepsThanRequested();
    void overrunKeepsARemainder();
    void queueEta();
};

void TestStageEta::scriptedRunIsMonotoneAndNeverZero_data()
{
    QTest::addColumn<int>("task");
    QTest::addColumn<bool>("expectLoading");
    QTest::addColumn<bool>("loads");
    QTest::newRow("t2v, loads") << int(wan::Task::T2V) << true << true;
    QTest::newRow("t2v, models already loaded") << int(wan::Task::T2V) << false << false;
    QTest::newRow("t2v, loading expected but skipped") << int(wan::Task::T2V) << true << false;
    QTest::newRow("i2v, image and prompt interleaved") << int(wan::Task::I2V) << true << true;
    QTest::newRow("t2i") << int(wan::Task::T2I) << true << true;
}

void TestStageEta::scriptedRunIsMonotoneAndNeverZero()
{
    QFETCH(int, task);
    QFETCH(bool, expectLoading);
    QFETCH(bool, loads);
    const JobShape shape = jobShape(request(wan::Task(task), 832, 480, 81, 30, "Wan2.1-T2V-1.3B"));
    const StageCosts costs{20.0, 6.0, 0.12, 0.6, 1.5};
    StageEta eta(shape, costs, expectLoading);
    double end = 0.0;
    const QList<Event> events = scriptedRun(shape, costs, loads, wan::Task(task) == wan::Task::I2V, &end);

    const double expectedTotal = eta.expectedTotalSeconds();
    const double tolerance = 0.5 + 0.05 * expectedTotal; // the most a stage keeps when it runs to its end
    QCOMPARE(eta.remainingSeconds(0.0), expectedTotal);
    double previous = eta.remainingSeconds(0.0);
    double previousFraction = 0.0;
    int next = 0;
    int samples = 0;
    for (double t = 0.0; t < end; t += 0.05) {
        for (; next < events.size() && events[next].seconds <= t; ++next)
            eta.report(progressOf(events[next]), events[next].seconds);
        const double remaining = eta.remainingSeconds(t);
        QVERIFY2(remaining <= previous + 1e-9,
                 qPrintable(QStringLiteral("t=%1: %2 after %3").arg(t).arg(remaining).arg(previous)));
        QVERIFY2(remaining > 0.0, qPrintable(QStringLiteral("t=%1").arg(t)));
        // Honest: the truth, or a little more where a stage ends (the remainder a stage keeps).
        QVERIFY2(remaining >= end - t - 1e-6 && remaining <= end - t + tolerance,
                 qPrintable(QStringLiteral("t=%1: %2, truth %3").arg(t).arg(remaining).arg(end - t)));
        const double fraction = eta.fraction(t);
        QVERIFY(fraction >= previousFraction - 1e-9 && fraction < 1.0);
        previous = remaining;
        previousFraction = fraction;
        ++samples;
    }
    QVERIFY(samples > 100);
    while (next < events.size())
        eta.report(progressOf(events[next++]), end);
    QVERIFY(eta.remainingSeconds(end) > 0.0); // the outcome, not the last report, ends the job
    eta.finish(end);
    QCOMPARE(eta.remainingSeconds(end), 0.0);
    QCOMPARE(eta.fraction(end), 1.0);

    // What it measured is what the stages took.
    const StageCosts measured = eta.measured();
    if (loads)
        QVERIFY(qAbs(measured.loadingSeconds - costs.loadingSeconds) < 1e-6);
    else
        QVERIFY(measured.loadingSeconds < 0); // not seen: the remembered figure stays
    QVERIFY(qAbs(measured.encodingSeconds - costs.encodingSeconds) < 1e-6);
    QVERIFY(qAbs(measured.stepSecondsPerLatentFrame - costs.stepSecondsPerLatentFrame) < 1e-9);
    QVERIFY(qAbs(measured.decodingSecondsPerLatentFrame - costs.decodingSecondsPerLatentFrame) < 1e-9);
    QVERIFY(qAbs(measured.writingSeconds - costs.writingSeconds) < 1e-6);
}

void TestStageEta::usesRememberedCosts()
{
    StageCostStore store;
    const JobShape shape = jobShape(request(wan::Task::T2V, 832, 480, 81, 50, "Wan2.1-T2V-1.3B"));
    QVERIFY(!store.hasMeasured(shape));
    const StageCosts defaults = store.costsFor(shape);
    QCOMPARE(defaults.loadingSeconds, defaultStageCosts(shape).loadingSeconds);
    const double firstRun = StageEta(shape, defaults).expectedTotalSeconds();
    QVERIFY(firstRun > 0);

    // A measured job (this machine is four times slower at denoising than the guess).
    const StageCosts measured{12.0, 3.0, defaults.stepSecondsPerLatentFrame * 4, 0.5, 1.0};
    store.remember(shape, measured);
    QVERIFY(store.hasMeasured(shape));
    const StageEta second(shape, store.costsFor(shape));
    const double expected = 12.0 + 3.0 + measured.stepSecondsPerLatentFrame * 21 * 50 + 0.5 * 21 + 1.0;
    QVERIFY2(qAbs(second.expectedTotalSeconds() - expected) < 1e-6,
             qPrintable(QString::number(second.expectedTotalSeconds())));
    QVERIFY(second.remainingSeconds(0.0) > firstRun);

    // A stage the job did not measure (the models were loaded already) keeps its remembered figure.
    store.remember(shape, StageCosts{-1.0, 4.0, -1.0, -1.0, -1.0});
    QCOMPARE(store.costsFor(shape).loadingSeconds, 12.0);
    QCOMPARE(store.costsFor(shape).encodingSeconds, 4.0);
    QCOMPARE(store.costsFor(shape).stepSecondsPerLatentFrame, measured.stepSecondsPerLatentFrame);

    // Another model or device does not borrow them.
    const JobShape large = jobShape(request(wan::Task::T2V, 832, 480, 81, 50, "Wan2.1-T2V-14B"));
    QVERIFY(large.large);
    QCOMPARE(store.costsFor(large).loadingSeconds, defaultStageCosts(large).loadingSeconds);
}

void TestStageEta::rememberedCostsPersist()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("settings.ini"));
    const JobShape shape = jobShape(request(wan::Task::I2V, 1280, 720, 81, 40, "Wan2.1-I2V-14B-720P"));
    const StageCosts measured{80.0, 9.0, 2.5, 1.8, 4.0};
    {
        QSettings settings(file, QSettings::IniFormat);
        StageCostStore store(&settings);
        store.remember(shape, measured);
    }
    QSettings settings(file, QSettings::IniFormat);
    const StageCostStore store(&settings);
    QVERIFY(store.hasMeasured(shape));
    const StageCosts read = store.costsFor(shape);
    QCOMPARE(read.loadingSeconds, 80.0);
    QCOMPARE(read.encodingSeconds, 9.0);
    QCOMPARE(read.stepSecondsPerLatentFrame, 2.5);
    QCOMPARE(read.decodingSecondsPerLatentFrame, 1.8);
    QCOMPARE(read.writingSeconds, 4.0);
}

void TestStageEta::otherResolutionIsScaled()
{
    StageCostStore store;
    const JobShape p480 = jobShape(request(wan::Task::T2V, 832, 480, 81, 50, "Wan2.1-T2V-14B"));
    const JobShape p720 = jobShape(request(wan::Task::T2V, 1280, 720, 81, 50, "Wan2.1-T2V-14B"));
    store.remember(p480, StageCosts{60.0, 5.0, 1.0, 0.5, 2.0});
    const StageCosts scaled = store.costsFor(p720);
    const double ratio = (1280.0 * 720.0) / (832.0 * 480.0);
    QVERIFY(qAbs(scaled.stepSecondsPerLatentFrame - ratio) < 1e-9);
    QVERIFY(qAbs(scaled.decodingSecondsPerLatentFrame - 0.5 * ratio) < 1e-9);
    QCOMPARE(scaled.loadingSeconds, 60.0); // the same model loads as fast at any size
    QVERIFY(!store.hasMeasured(p720));
}

void TestStageEta::fewerStepsThanRequested()
{
    // A draft job: the request says 50 steps, the engine runs 8; the estimate follows the engine.
    const JobShape shape = jobShape(request(wan::Task::T2V, 832, 480, 81, 50, "Wan2.1-T2V-1.3B"));
    const StageCosts costs{0.0, 0.0, 0.1, 0.0, 0.0};
    StageEta eta(shape, costs, false);
    JobProgress p;
    p.stage = wan::Stage::Denoising;
    p.totalSteps = 8;
    eta.report(p, 0.0);
    QVERIFY2(qAbs(eta.remainingSeconds(0.0) - 0.1 * 21 * 8) < 1e-6,
             qPrintable(QString::number(eta.remainingSeconds(0.0))));
}

void TestStageEta::overrunKeepsARemainder()
{
    const JobShape shape = jobShape(request(wan::Task::T2V, 832, 480, 81, 10, "Wan2.1-T2V-1.3B"));
    StageEta eta(shape, StageCosts{10.0, 2.0, 0.1, 0.5, 1.0});
    JobProgress loading;
    eta.report(loading, 0.0);
    const double rest = eta.expectedTotalSeconds() - 10.0;
    // Loading takes three times as long as remembered: the ETA holds a little above the rest, never 0.
    QVERIFY(eta.remainingSeconds(30.0) > rest);
    QCOMPARE(eta.remainingSeconds(30.0), eta.remainingSeconds(25.0));
    QVERIFY(eta.fraction(30.0) > eta.fraction(25.0)); // the bar keeps moving
    // Slower steps than remembered: the ETA follows the measured pace.
    JobProgress step;
    step.stage = wan::Stage::Denoising;
    step.totalSteps = 10;
    eta.report(step, 31.0);
    step.step = 1;
    eta.report(step, 35.0); // 4 s a step, 2.1 s remembered
    QVERIFY(qAbs(eta.remainingSeconds(35.0) - (9 * 4.0 + 0.5 * 21 + 1.0)) < 1e-6);
}

void TestStageEta::queueEta()
{
    StageCostStore store;
    const wan::Request small = request(wan::Task::T2V, 832, 480, 81, 50, "Wan2.1-T2V-1.3B");
    const wan::Request draft = request(wan::Task::T2V, 832, 480, 33, 20, "Wan2.1-T2V-1.3B");
    const JobShape shape = jobShape(small);
    store.remember(shape, StageCosts{20.0, 4.0, 0.1, 0.5, 2.0});
    const auto job = [](const wan::Request& r, JobState state) {
        RenderJob j;
        j.id = QUuid::createUuid();
        j.request = r;
        j.state = state;
        return j;
    };
    const double smallRest = 4.0 + 0.1 * 21 * 50 + 0.5 * 21 + 2.0; // no loading
    const double draftRest = 4.0 + 0.1 * 9 * 20 + 0.5 * 9 + 2.0;
    const QList<RenderJob> jobs{job(small, JobState::Done),   job(small, JobState::Running),
                                job(small, JobState::Queued), job(draft, JobState::Paused),
                                job(draft, JobState::Queued), job(small, JobState::Failed)};
    // Running: its remaining time plus the queued jobs without loading (the models stay loaded).
    QVERIFY(qAbs(queueEtaSeconds(jobs, store, 100.0) - (100.0 + smallRest + draftRest)) < 1e-6);
    // Nothing running: the first queued job loads the models.
    QList<RenderJob> idle = jobs;
    idle[1].state = JobState::Done;
    QVERIFY(qAbs(queueEtaSeconds(idle, store, -1.0) - (20.0 + smallRest + draftRest)) < 1e-6);
    // Nothing queued.
    QCOMPARE(queueEtaSeconds({job(small, JobState::Done)}, store, -1.0), 0.0);
}

QTEST_GUILESS_MAIN(TestStageEta)
#include "test_stageeta.moc"
