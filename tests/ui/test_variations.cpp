// Variations: a group's requests (N seeds, a grid over guidance, shift and steps), the core's rules per cell,
// the group tag through the queue file and settings.json, Keep and Discard the others, the sheet's grid and
// the shared playback clock.
#include "FakeJobRunner.h"
#include "GalleryModel.h"
#include "InferenceBridge.h"
#include "PlaybackClock.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueModel.h"
#include "Variations.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;

Q_DECLARE_METATYPE(QList<double>)
Q_DECLARE_METATYPE(QList<int>)
Q_DECLARE_METATYPE(wan::ui::VariationSpec)

namespace {
wan::Request baseRequest(qint64 seed = 42)
{
    wan::Request r = wan::defaultRequest(wan::Task::T2V, wan::ModelSize::Small);
    r.prompt = "a red ball rolling";
    r.width = 64;
    r.height = 64;
    r.frameNum = 9;
    r.steps = 10;
    r.shift = 3.0;
    r.guideScale = 5.0;
    r.seed = seed;
    return r;
}

VariationSpec seeds(int count)
{
    VariationSpec spec;
    spec.kind = VariationSpec::Kind::Seeds;
    spec.seedCount = count;
    return spec;
}

VariationSpec grid(QList<double> guides, QList<double> shifts, QList<int> steps)
{
    VariationSpec spec;
    spec.kind = VariationSpec::Kind::Grid;
    spec.guideScales = std::move(guides);
    spec.shifts = std::move(shifts);
    spec.steps = std::move(steps);
    return spec;
}

// A queue holding the plan's jobs with the given states (Done jobs get a folder with settings.json and a
// result file under `root`).
QList<RenderJob> groupJobs(const VariationPlan& plan, const QList<JobState>& states, const QString& root)
{
    RenderJob base;
    base.request = baseRequest();
    QList<RenderJob> jobs = variationJobs(base, plan);
    for (int i = 0; i < jobs.size(); ++i) {
        jobs[i].id = QUuid::createUuid();
        jobs[i].state = states.value(i, JobState::Queued);
        if (jobs[i].state == JobState::Done || jobs[i].state == JobState::Failed) {
            jobs[i].folder = QDir(root).filePath(QStringLiteral("job%1").arg(i));
            QDir().mkpath(jobs[i].folder);
            QFile settings(QDir(jobs[i].folder).filePath(QStringLiteral("settings.json")));
            settings.open(QIODevice::WriteOnly);
            settings.write("{}");
            if (jobs[i].state == JobState::Done) {
                jobs[i].outputPath = QDir(jobs[i].folder).filePath(QStringLiteral("video.mp4"));
                QFile video(jobs[i].outputPath);
                video.open(QIODevice::WriteOnly);
                video.write("mp4");
            }
        }
    }
    return jobs;
}

int keptCount(const RenderQueueModel& queue)
{
    int kept = 0;
    for (const RenderJob& job : queue.jobs())
        kept += job.variation.kept ? 1 : 0;
    return kept;
}
} // namespace

class TestVariations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seedsCountUpFromAFixedSeed();
    void randomBaseGetsDistinctDrawnSeeds();
    void seedCountOutOfRangeIsRefused();
    void gridValuesAndOrder_data();
    void gridValuesAndOrder();
    void invalidGridRefusedWithCoreReason_data();
    void invalidGridRefusedWithCoreReason();
    void gridLimitsAndRepeats();
    void parseValues();
    void jobsAreFreshCopiesOfTheBase();
    void groupPersistsThroughQueueStore();
    void oldQueueFileWithoutGroupLoads();
    void settingsJsonWithVariationIsReadable();
    void keepMarksExactlyOne();
    void discardOthersLeavesTheKeptOne();
    void sheetGrid_data();
    void sheetGrid();
    void clockDrivesEveryClip();
    void groupToCompare();
    void galleryShowsTheGroup();
    void runnerWritesTheGroupIntoSettings();
};

void TestVariations::seedsCountUpFromAFixedSeed()
{
    const VariationPlan plan = planVariations(baseRequest(100), seeds(5));
    QVERIFY2(plan.isValid(), qPrintable(plan.error));
    QCOMPARE(plan.requests.size(), 5);
    QList<qint64> got;
    for (const wan::Request& r : plan.requests)
        got.append(r.seed);
    QCOMPARE(got, (QList<qint64>{100, 101, 102, 103, 104}));
    const QUuid group = plan.tags.first().group;
    QVERIFY(!group.isNull());
    for (int i = 0; i < plan.tags.size(); ++i) {
        QCOMPARE(plan.tags[i].group, group);
        QCOMPARE(plan.tags[i].index, i);
        QCOMPARE(plan.tags[i].count, 5);
        QCOMPARE(plan.tags[i].axes, QStringList{QStringLiteral("seed")});
        // Only the seed varies.
        QCOMPARE(plan.requests[i].guideScale, 5.0);
        QCOMPARE(plan.requests[i].steps, 10);
    }
    QCOMPARE(variationLabel(plan.requests[2], plan.tags[2]), QStringLiteral("Seed 102"));
    // Past the largest seed the count wraps to 0.
    const VariationPlan top = planVariations(baseRequest(std::numeric_limits<qint64>::max()), seeds(3));
    QVERIFY2(top.isValid(), qPrintable(top.error));
    QCOMPARE(top.requests[0].seed, std::numeric_limits<qint64>::max());
    QCOMPARE(top.requests[1].seed, qint64(0));
    QCOMPARE(top.requests[2].seed, qint64(1));
}

void TestVariations::randomBaseGetsDistinctDrawnSeeds()
{
    QRandomGenerator random(7);
    const VariationPlan plan = planVariations(baseRequest(-1), seeds(16), &random);
    QVERIFY2(plan.isValid(), qPrintable(plan.error));
    QSet<qint64> distinct;
    for (const wan::Request& r : plan.requests) {
        QVERIFY(r.seed >= 0);
        QVERIFY(r.seed < (qint64(1) << 53));
        distinct.insert(r.seed);
    }
    QCOMPARE(distinct.size(), 16);
    // Drawn from the generator given: the same generator state gives the same seeds.
    QRandomGenerator again(7);
    const VariationPlan replay = planVariations(baseRequest(-1), seeds(16), &again);
    for (int i = 0; i < 16; ++i)
        QCOMPARE(replay.requests[i].seed, plan.requests[i].seed);
}

void TestVariations::seedCountOutOfRangeIsRefused()
{
    for (int count : {0, 1, kMaxVariations + 1}) {
        const VariationPlan plan = planVariations(baseRequest(), seeds(count));
        QVERIFY2(!plan.isValid(), qPrintable(QString::number(count)));
        QVERIFY(!plan.error.isEmpty());
        QVERIFY(plan.requests.isEmpty());
    }
}

void TestVariations::gridValuesAndOrder_data()
{
    QTest::addColumn<VariationSpec>("spec");
    QTest::addColumn<QStringList>("axes");
    QTest::addColumn<QList<double>>("guides");
    QTest::addColumn<QList<double>>("shifts");
    QTest::addColumn<QList<int>>("steps");
    QTest::addColumn<int>("columns");
    QTest::addColumn<QString>("lastLabel");
    // Guidance outermost, steps innermost; an axis with one value (or none) is not varied.
    QTest::newRow("guidance x shift")
        << grid({4, 6}, {3, 5, 8}, {}) << QStringList{"guide_scale", "shift"}
        << QList<double>{4, 4, 4, 6, 6, 6} << QList<double>{3, 5, 8, 3, 5, 8}
        << QList<int>{10, 10, 10, 10, 10, 10} << 3 << QStringLiteral("Guidance 6 · Shift 8");
    QTest::newRow("shift x steps") << grid({}, {2, 7}, {20, 30}) << QStringList{"shift", "steps"}
                                   << QList<double>{5, 5, 5, 5} << QList<double>{2, 2, 7, 7}
                                   << QList<int>{20, 30, 20, 30} << 2 << QStringLiteral("Shift 7 · Steps 30");
    QTest::newRow("steps only") << grid({5}, {}, {10, 20, 40}) << QStringList{"steps"}
                                << QList<double>{5, 5, 5} << QList<double>{3, 3, 3} << QList<int>{10, 20, 40}
                                << 0 << QStringLiteral("Steps 40");
    QTest::newRow("three axes") << grid({3, 5}, {2, 4}, {8, 12})
                                << QStringList{"guide_scale", "shift", "steps"}
                                << QList<double>{3, 3, 3, 3, 5, 5, 5, 5}
                                << QList<double>{2, 2, 4, 4, 2, 2, 4, 4}
                                << QList<int>{8, 12, 8, 12, 8, 12, 8, 12} << 2
                                << QStringLiteral("Guidance 5 · Shift 4 · Steps 12");
}

void TestVariations::gridValuesAndOrder()
{
    QFETCH(VariationSpec, spec);
    QFETCH(QStringList, axes);
    QFETCH(QList<double>, guides);
    QFETCH(QList<double>, shifts);
    QFETCH(QList<int>, steps);
    QFETCH(int, columns);
    QFETCH(QString, lastLabel);
    const VariationPlan plan = planVariations(baseRequest(), spec);
    QVERIFY2(plan.isValid(), qPrintable(plan.error));
    QCOMPARE(plan.requests.size(), guides.size());
    QList<double> gotGuides, gotShifts;
    QList<int> gotSteps;
    for (const wan::Request& r : plan.requests) {
        gotGuides.append(r.guideScale);
        gotShifts.append(r.shift);
        gotSteps.append(r.steps);
        QCOMPARE(r.seed, qint64(42)); // a grid keeps the seed: only the listed values change
    }
    QCOMPARE(gotGuides, guides);
    QCOMPARE(gotShifts, shifts);
    QCOMPARE(gotSteps, steps);
    QCOMPARE(plan.tags.first().axes, axes);
    QCOMPARE(plan.tags.first().columns, columns);
    QCOMPARE(plan.tags.last().count, int(guides.size()));
    QCOMPARE(variationLabel(plan.requests.last(), plan.tags.last()), lastLabel);
}

void TestVariations::invalidGridRefusedWithCoreReason_data()
{
    QTest::addColumn<VariationSpec>("spec");
    QTest::addColumn<QString>("reason");
    QTest::newRow("shift 0") << grid({}, {3, 0}, {}) << QStringLiteral("shift");
    QTest::newRow("negative shift") << grid({4, 5}, {-1}, {}) << QStringLiteral("shift");
    QTest::newRow("steps 0") << grid({}, {}, {0, 10}) << QStringLiteral("steps");
    QTest::newRow("steps 1001") << grid({}, {}, {50, 1001}) << QStringLiteral("steps");
    QTest::newRow("guidance inf") << grid({4, std::numeric_limits<double>::infinity()}, {}, {})
                                  << QStringLiteral("guide_scale");
}

void TestVariations::invalidGridRefusedWithCoreReason()
{
    QFETCH(VariationSpec, spec);
    QFETCH(QString, reason);
    const VariationPlan plan = planVariations(baseRequest(), spec);
    QVERIFY(!plan.isValid());
    QVERIFY(plan.requests.isEmpty());
    QCOMPARE(plan.reason, reason);
    // The message names the cell that breaks the rule.
    QVERIFY2(plan.error.contains(QLatin1String(":")), qPrintable(plan.error));
    // The same cell checked by the core directly gives the same reason.
    wan::Request bad = baseRequest();
    bad.outputPath = "x.mp4";
    bad.shift = spec.shifts.isEmpty() ? bad.shift : *std::min_element(spec.shifts.begin(), spec.shifts.end());
    bad.steps = spec.steps.isEmpty()     ? bad.steps
                : spec.steps.contains(0) ? 0
                                         : *std::max_element(spec.steps.begin(), spec.steps.end());
    if (!spec.guideScales.isEmpty())
        bad.guideScale = spec.guideScales.last();
    try {
        wan::validate(bad);
        QFAIL("the core accepted the cell");
    } catch (const wan::Error& e) {
        QCOMPARE(QString::fromStdString(e.reason()), reason);
    }
}

void TestVariations::gridLimitsAndRepeats()
{
    // 17 cells: over the limit.
    const VariationPlan big = planVariations(
        baseRequest(), grid({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}, {}, {}));
    QVERIFY(!big.isValid());
    QVERIFY2(big.error.contains(QLatin1String("17")), qPrintable(big.error));
    // 4 x 4 = 16: just fits.
    QVERIFY(planVariations(baseRequest(), grid({1, 2, 3, 4}, {1, 2, 3, 4}, {})).isValid());
    // Nothing varies.
    QVERIFY(!planVariations(baseRequest(), grid({5}, {3}, {10})).isValid());
    QVERIFY(!planVariations(baseRequest(), grid({}, {}, {})).isValid());
    // A repeated value.
    QVERIFY(!planVariations(baseRequest(), grid({4, 4}, {}, {})).isValid());
}

void TestVariations::parseValues()
{
    QList<double> values;
    QString error;
    QVERIFY(parseVariationValues(QStringLiteral(" 4, 5.5;6  7 "), &values, &error));
    QCOMPARE(values, (QList<double>{4, 5.5, 6, 7}));
    QVERIFY(parseVariationValues(QString(), &values, &error));
    QVERIFY(values.isEmpty());
    QVERIFY(!parseVariationValues(QStringLiteral("4, five"), &values, &error));
    QVERIFY2(error.contains(QLatin1String("five")), qPrintable(error));
    QVERIFY(!parseVariationValues(QStringLiteral("nan"), &values, &error));
}

void TestVariations::jobsAreFreshCopiesOfTheBase()
{
    RenderJob base;
    base.request = baseRequest();
    base.request.task = wan::Task::I2V;
    base.request.outputPath = "/old/out.mp4";
    base.request.latentsPath = "/old/latents.safetensors";
    base.request.resumeStatePath = "/old/resume.safetensors";
    base.thumbnailPath = QStringLiteral("/inputs/photo.png");
    VariationPlan plan = planVariations(baseRequest(7), seeds(3));
    plan = withBaseInputs(plan, base.request);
    const QList<RenderJob> jobs = variationJobs(base, plan);
    QCOMPARE(jobs.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(jobs[i].request.seed, qint64(7 + i));
        QVERIFY(jobs[i].request.task == wan::Task::I2V); // the base's request, the cell's values
        QVERIFY(jobs[i].request.outputPath.empty());
        QVERIFY(jobs[i].request.latentsPath.empty());
        QVERIFY(jobs[i].request.resumeStatePath.empty());
        QCOMPARE(jobs[i].thumbnailPath, base.thumbnailPath);
        QCOMPARE(jobs[i].variation, plan.tags[i]);
    }
}

void TestVariations::groupPersistsThroughQueueStore()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("queue.json"));
    const VariationPlan plan = planVariations(baseRequest(), grid({4, 6}, {3, 5}, {}));
    QVERIFY(plan.isValid());
    RenderJob base;
    base.request = baseRequest();
    {
        QueueStore store(file);
        RenderQueueModel model(&store);
        model.addJob(base); // no group
        for (const RenderJob& job : variationJobs(base, plan))
            model.addJob(job);
        model.flush();
    }
    QueueStore store(file);
    const QueueLoadReport report = store.load();
    QVERIFY2(report.problem.isEmpty(), qPrintable(report.problem));
    QCOMPARE(report.jobs.size(), 5);
    QVERIFY(!report.jobs[0].variation.isValid());
    for (int i = 0; i < 4; ++i) {
        const VariationTag& tag = report.jobs[i + 1].variation;
        QCOMPARE(tag, plan.tags[i]);
        QCOMPARE(tag.group, plan.tags.first().group);
        QCOMPARE(tag.columns, 2);
    }
}

void TestVariations::oldQueueFileWithoutGroupLoads()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("queue.json"));
    RenderJob job;
    job.id = QUuid::createUuid();
    job.request = baseRequest();
    QJsonObject written = jobToJson(job);
    QVERIFY(!written.contains(QLatin1String("variation"))); // a job of no group writes none
    QJsonObject damaged = written;
    damaged[QStringLiteral("id")] = QUuid::createUuid().toString(QUuid::WithoutBraces);
    damaged[QStringLiteral("variation")] = QStringLiteral("not an object"); // read as no group
    QJsonObject root;
    root[QStringLiteral("format")] = QStringLiteral("wan-studio-queue");
    root[QStringLiteral("version")] = 1;
    root[QStringLiteral("jobs")] = QJsonArray{written, damaged};
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QJsonDocument(root).toJson());
    out.close();
    const QueueLoadReport report = QueueStore(file).load();
    QVERIFY2(report.problem.isEmpty(), qPrintable(report.problem));
    QCOMPARE(report.jobs.size(), 2);
    QCOMPARE(report.jobs[0].id, job.id);
    QVERIFY(!report.jobs[0].variation.isValid());
    QVERIFY(!report.jobs[1].variation.isValid());
}

void TestVariations::settingsJsonWithVariationIsReadable()
{
    // The queue runner writes the tag into settings.json under "variation": the core's reader takes it as
    // metadata, so the file still loads (CLI --settings, gallery recall).
    const VariationPlan plan = planVariations(baseRequest(), seeds(2));
    QJsonObject settings = requestToJson(plan.requests[1]);
    settings[QStringLiteral("job_id")] = QUuid::createUuid().toString(QUuid::WithoutBraces);
    settings[QStringLiteral("variation")] = variationTagToJson(plan.tags[1]);
    wan::Request read;
    QString error;
    QVERIFY2(requestFromJson(settings, &read, &error), qPrintable(error));
    QCOMPARE(read.seed, qint64(43));
    QCOMPARE(variationTagFromJson(settings.value(QLatin1String("variation"))).value(), plan.tags[1]);
    // Another unknown key is still refused.
    settings[QStringLiteral("variations")] = 1;
    QVERIFY(!requestFromJson(settings, &read, &error));
}

void TestVariations::keepMarksExactlyOne()
{
    QTemporaryDir dir;
    const VariationPlan plan = planVariations(baseRequest(), seeds(4));
    RenderQueueModel queue(nullptr);
    queue.setJobs(
        groupJobs(plan, {JobState::Done, JobState::Done, JobState::Failed, JobState::Queued}, dir.path()));
    RenderJob other;
    other.id = QUuid::createUuid();
    other.state = JobState::Done;
    queue.setJobs(queue.jobs() + QList<RenderJob>{other});
    const QUuid first = queue.idAt(0), second = queue.idAt(1);
    QSignalSpy changed(&queue, &QAbstractItemModel::dataChanged);
    QVERIFY(queue.keepVariation(first));
    QCOMPARE(keptCount(queue), 1);
    QVERIFY(queue.job(first)->variation.kept);
    QVERIFY(queue.keepVariation(second));
    QCOMPARE(keptCount(queue), 1);
    QVERIFY(queue.job(second)->variation.kept);
    QVERIFY(!queue.job(first)->variation.kept);
    QVERIFY(changed.count() >= 3);
    // Only a finished variation can be kept.
    QVERIFY(!queue.keepVariation(queue.idAt(2))); // failed
    QVERIFY(!queue.keepVariation(queue.idAt(3))); // queued
    QVERIFY(!queue.keepVariation(other.id));      // no group
    QCOMPARE(keptCount(queue), 1);
}

void TestVariations::discardOthersLeavesTheKeptOne()
{
    QTemporaryDir dir;
    const VariationPlan plan = planVariations(baseRequest(), seeds(5));
    RenderQueueModel queue(nullptr);
    QList<RenderJob> jobs = groupJobs(
        plan, {JobState::Done, JobState::Done, JobState::Failed, JobState::Queued, JobState::Running},
        dir.path());
    RenderJob stranger;
    stranger.id = QUuid::createUuid();
    stranger.state = JobState::Queued;
    jobs.append(stranger);
    queue.setJobs(jobs);
    const QUuid keep = jobs[1].id;
    // Nothing kept yet: nothing to discard.
    QVERIFY(queue.keepVariation(keep));
    QStringList trashed;
    QStringList problems;
    const int removed = discardOtherVariations(
        &queue, keep,
        [&trashed](const QString& path) {
            trashed.append(path);
            return QDir(path).removeRecursively();
        },
        &problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    QCOMPARE(removed, 3); // the other Done, the Failed and the Queued one; the running job stays
    QCOMPARE(trashed, (QStringList{jobs[0].folder, jobs[2].folder}));
    QVERIFY(QFileInfo(jobs[1].outputPath).isFile());
    QVERIFY(queue.job(keep));
    QVERIFY(queue.job(jobs[4].id)); // running
    QVERIFY(queue.job(stranger.id));
    QCOMPARE(queue.rowCount(), 3);
    // A folder the trash refuses keeps its job.
    QVERIFY(queue.keepVariation(keep));
    const QList<RenderJob> more =
        groupJobs(planVariations(baseRequest(), seeds(2)), {JobState::Done, JobState::Done},
                  dir.filePath(QStringLiteral("second")));
    queue.setJobs(more);
    QVERIFY(queue.keepVariation(more[0].id));
    problems.clear();
    QCOMPARE(discardOtherVariations(
                 &queue, more[0].id, [](const QString&) { return false; }, &problems),
             0);
    QCOMPARE(problems.size(), 1);
    QCOMPARE(queue.rowCount(), 2);
}

void TestVariations::sheetGrid_data()
{
    QTest::addColumn<int>("cells");
    QTest::addColumn<int>("columns");
    QTest::addColumn<QSize>("grid");
    QTest::newRow("1") << 1 << 0 << QSize(1, 1);
    QTest::newRow("2") << 2 << 0 << QSize(2, 1);
    QTest::newRow("3") << 3 << 0 << QSize(2, 2);
    QTest::newRow("4") << 4 << 0 << QSize(2, 2);
    QTest::newRow("5") << 5 << 0 << QSize(3, 2);
    QTest::newRow("6") << 6 << 0 << QSize(3, 2);
    QTest::newRow("7") << 7 << 0 << QSize(3, 3);
    QTest::newRow("8") << 8 << 0 << QSize(3, 3);
    QTest::newRow("9") << 9 << 0 << QSize(3, 3);
    QTest::newRow("16") << 16 << 0 << QSize(4, 4);
    QTest::newRow("2x3 grid") << 6 << 3 << QSize(3, 2);
    QTest::newRow("3x2 grid") << 6 << 2 << QSize(2, 3);
    QTest::newRow("none") << 0 << 0 << QSize(0, 0);
}

void TestVariations::sheetGrid()
{
    QFETCH(int, cells);
    QFETCH(int, columns);
    QFETCH(QSize, grid);
    QCOMPARE(variationSheetGrid(cells, columns), grid);
}

void TestVariations::clockDrivesEveryClip()
{
    PlaybackClock clock;
    QSignalSpy frames(&clock, &PlaybackClock::frameChanged);
    clock.advance(5);
    QCOMPARE(clock.frame(), qint64(5));
    QCOMPARE(PlaybackClock::clipFrame(clock.frame(), 9), 5);
    clock.advance(7);
    QCOMPARE(PlaybackClock::clipFrame(clock.frame(), 9), 3);
    QCOMPARE(PlaybackClock::clipFrame(clock.frame(), 1), 0);
    QCOMPARE(PlaybackClock::clipFrame(clock.frame(), 0), -1);
    clock.advance(-100);
    QCOMPARE(clock.frame(), qint64(0));
    QCOMPARE(frames.count(), 3);
    // Playing advances it by its own timer.
    clock.setFps(100);
    clock.setPlaying(true);
    QTRY_VERIFY(clock.frame() >= 3);
    clock.setPlaying(false);
    QVERIFY(!clock.isPlaying());
}

void TestVariations::groupToCompare()
{
    const VariationPlan older = planVariations(baseRequest(), seeds(2));
    const VariationPlan newer = planVariations(baseRequest(), seeds(2));
    RenderJob base;
    QList<RenderJob> jobs = variationJobs(base, older) + variationJobs(base, newer);
    for (int i = 0; i < jobs.size(); ++i) {
        jobs[i].id = QUuid::createUuid();
        jobs[i].createdAt = QDateTime::currentDateTime().addSecs(i);
    }
    RenderJob plain;
    plain.id = QUuid::createUuid();
    jobs.append(plain);
    QCOMPARE(variationGroupToCompare(jobs, {}, {}), newer.tags.first().group);
    QCOMPARE(variationGroupToCompare(jobs, jobs[0].id, jobs[3].id), older.tags.first().group);
    QCOMPARE(variationGroupToCompare(jobs, plain.id, jobs[1].id), older.tags.first().group);
    QCOMPARE(variationGroupToCompare({plain}, {}, {}), QUuid());
}

void TestVariations::galleryShowsTheGroup()
{
    QTemporaryDir dir;
    const VariationPlan plan = planVariations(baseRequest(), seeds(3));
    RenderQueueModel queue(nullptr);
    queue.setJobs(groupJobs(plan, {JobState::Done, JobState::Done, JobState::Queued}, dir.path()));
    queue.keepVariation(queue.idAt(1));
    GalleryModel gallery(&queue);
    QCOMPARE(gallery.rowCount(), 2);
    const QString first =
        gallery.data(gallery.index(gallery.rowOf(queue.idAt(0))), GalleryModel::SettingsRole).toString();
    const QString kept =
        gallery.data(gallery.index(gallery.rowOf(queue.idAt(1))), GalleryModel::SettingsRole).toString();
    QVERIFY2(first.contains(QLatin1String("Variation 1 of 3 (Seed 42)")), qPrintable(first));
    QVERIFY2(!first.contains(QLatin1String("kept")), qPrintable(first));
    QVERIFY2(kept.contains(QLatin1String("Variation 2 of 3 (Seed 43), kept")), qPrintable(kept));
}

void TestVariations::runnerWritesTheGroupIntoSettings()
{
    QTemporaryDir dir;
    test::FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(test::fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    wan::Request base = baseRequest(-1);
    base.steps = 2;
    RenderJob baseJob;
    baseJob.request = base;
    const VariationPlan plan = planVariations(base, seeds(2));
    QVERIFY(plan.isValid());
    QList<QUuid> ids;
    for (const RenderJob& job : variationJobs(baseJob, plan))
        ids.append(model.addJob(job));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
    for (int i = 0; i < 2; ++i) {
        const RenderJob* job = model.job(ids[i]);
        QCOMPARE(job->state, JobState::Done);
        QCOMPARE(job->request.seed, plan.requests[i].seed); // the drawn seed, not a new draw at the start
        QCOMPARE(job->variation, plan.tags[i]);
        const QString settingsPath = QDir(job->folder).filePath(QStringLiteral("settings.json"));
        QFile file(settingsPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject settings = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(variationTagFromJson(settings.value(QLatin1String("variation"))).value(), plan.tags[i]);
        // The gallery's settings recall still reads the file.
        const ResultSettings recalled = readResultSettings(settingsPath, {});
        QVERIFY2(recalled.isValid(), qPrintable(recalled.error));
        QCOMPARE(recalled.request.seed, plan.requests[i].seed);
    }
}

QTEST_GUILESS_MAIN(TestVariations)
#include "test_variations.moc"
