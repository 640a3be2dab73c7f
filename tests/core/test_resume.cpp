// Resumable denoising on the fixtures: a job stopped after any step and run again with the same request ends
// with the same latents, bit for bit, as an uninterrupted run (with a step cache too: same skips, same
// counts); checkpoints of other jobs and broken files are refused with the file named.
#include "pipeline/EngineInternals.h"
#include "pipeline/LatentsFile.h"
#include "pipeline/StepCache.h"
#include "support/ReferenceRequest.h"
#include "support/TestSupport.h"
#include "wan/Pipeline.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

using namespace wan;
namespace fs = std::filesystem;

namespace {

// The request of reference/e2e_<name>.json (the official run's settings), writing only latents.
Request fixtureRequest(const QString& fixture, const QString& name)
{
    const auto dir = test::fixturesDir() / fixture.toStdString();
    const auto params = test::readReferenceCase(dir, name.toStdString());
    if (params.isEmpty())
        return {};
    Request r = test::referenceRequest(dir, params);
    r.previewEverySteps = 0;
    return r;
}

struct Run
{
    Result result;
    int stepsRun = 0; // denoising steps this run computed
};

// Runs `r`, cancelling through the token once `cancelAfterStep` steps are done (0: never).
Run runJob(Engine& engine, const Request& r, int cancelAfterStep = 0)
{
    CancelToken token;
    Run run;
    Callbacks callbacks;
    callbacks.cancel = &token;
    int lastStep = -1;
    callbacks.onProgress = [&](const Progress& p) {
        if (p.stage != Stage::Denoising)
            return;
        if (lastStep >= 0 && p.step > lastStep)
            ++run.stepsRun;
        lastStep = p.step;
        if (cancelAfterStep > 0 && p.step == cancelAfterStep)
            token.cancel();
    };
    run.result = engine.run(r, callbacks);
    return run;
}

} // namespace

class TestResume : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void resumeIsBitIdentical_data();
    void resumeIsBitIdentical();
    void randomSeedResumesWithSavedSeed();
    void fingerprintHasTheVaeMathOfEncodingTasks();
    void refusesForeignCheckpoint_data();
    void refusesForeignCheckpoint();
    void refusesBrokenCheckpoint_data();
    void refusesBrokenCheckpoint();
    void checkpointFileRoundTrip();
    void checkpointPolicy_data();
    void checkpointPolicy();
    void slowStepIsCheckpointed();
    void stepCacheResumeIsBitIdentical_data();
    void stepCacheResumeIsBitIdentical();
    void refusesOtherStepCache_data();
    void refusesOtherStepCache();
    void stepCacheStateIsStrict();
    void stepCacheStateFileRoundTrip();
    void readsFormat1Checkpoints();

private:
    // An uninterrupted cached job: its latents, counts and, per step, whether all its DiT calls were cached.
    struct CachedRun
    {
        torch::Tensor latents;
        Result result;
        std::vector<bool> stepSkipped;
    };

    Engine m_engine;
    QTemporaryDir m_dir;
    std::map<QString, torch::Tensor> m_uninterrupted; // by fixture/name
    std::map<QString, CachedRun> m_cachedRuns;        // by cache settings
};

void TestResume::initTestCase()
{
    at::set_num_threads(2);
    QVERIFY(m_dir.isValid());
}

void TestResume::resumeIsBitIdentical_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("cancelAfter");
    QTest::addColumn<bool>("distilled");
    // The fixtures run 4 steps: stop after the first, in the middle, before the last and after the last
    // (the checkpoint before decoding).
    for (const auto& [fixture, name] :
         {std::pair{"wan-tiny-t2v", "t2v_unipc"}, std::pair{"wan-tiny-t2v", "t2v_dpmpp"},
          std::pair{"wan-tiny-i2v", "i2v_unipc"}, std::pair{"wan-tiny-i2v", "i2v_dpmpp"}})
        for (int k : {1, 2, 3, 4})
            QTest::newRow(qPrintable(QStringLiteral("%1 after step %2").arg(QLatin1String(name)).arg(k)))
                << QString::fromLatin1(fixture) << QString::fromLatin1(name) << k << false;
    // A draft (distilled sampling: its own 4 timesteps, no CFG) resumes as exactly.
    for (int k : {1, 2, 3, 4})
        QTest::newRow(qPrintable(QStringLiteral("t2v distilled after step %1").arg(k)))
            << QStringLiteral("wan-tiny-t2v") << QStringLiteral("t2v_unipc") << k << true;
}

void TestResume::resumeIsBitIdentical()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixture);
    QFETCH(QString, name);
    QFETCH(int, cancelAfter);
    QFETCH(bool, distilled);
    auto request = fixtureRequest(fixture, name);
    QVERIFY2(!request.prompt.empty(), "reference json missing");
    QCOMPARE(request.steps, 4);
    if (distilled)
        request.samplerMode = SamplerMode::Distilled;
    const fs::path dir = m_dir.path().toStdString() + "/" + name.toStdString() + (distilled ? "d" : "") +
                         std::to_string(cancelAfter);
    fs::create_directories(dir);

    auto& want = m_uninterrupted[fixture + name + (distilled ? QStringLiteral("-distilled") : QString())];
    if (!want.defined()) {
        auto plain = request;
        plain.latentsPath = dir / "uninterrupted.safetensors";
        const auto run = runJob(m_engine, plain);
        QVERIFY2(run.result.status == JobStatus::Done, run.result.error.c_str());
        want = pipeline::readLatents(plain.latentsPath);
    }

    request.latentsPath = dir / "latents.safetensors";
    request.resumeStatePath = dir / "resume.safetensors";
    const auto stopped = runJob(m_engine, request, cancelAfter);
    QCOMPARE(stopped.result.status, JobStatus::Cancelled);
    QCOMPARE(stopped.stepsRun, cancelAfter);
    QVERIFY2(fs::exists(request.resumeStatePath), "a cancelled job keeps its checkpoint");
    QCOMPARE(pipeline::readDenoiseCheckpoint(request.resumeStatePath).stepsDone, cancelAfter);

    const auto resumed = runJob(m_engine, request);
    QVERIFY2(resumed.result.status == JobStatus::Done, resumed.result.error.c_str());
    // Only the remaining steps ran: the result comes from the checkpoint, not from a fresh start.
    QCOMPARE(resumed.stepsRun, request.steps - cancelAfter);
    QCOMPARE(resumed.result.seed, request.seed);
    const auto got = pipeline::readLatents(request.latentsPath);
    QVERIFY2(
        torch::equal(got, want),
        qPrintable(QStringLiteral("max abs difference %1").arg((got - want).abs().max().item<double>())));
    QVERIFY2(!fs::exists(request.resumeStatePath), "a finished job removes its checkpoint");
}

void TestResume::randomSeedResumesWithSavedSeed()
{
    WAN_REQUIRE_FIXTURES();
    auto request = fixtureRequest(QStringLiteral("wan-tiny-t2v"), QStringLiteral("t2v_unipc"));
    const fs::path dir = m_dir.path().toStdString() + "/random";
    fs::create_directories(dir);
    request.seed = -1;
    request.latentsPath = dir / "latents.safetensors";
    request.resumeStatePath = dir / "resume.safetensors";
    const auto stopped = runJob(m_engine, request, 2);
    QCOMPARE(stopped.result.status, JobStatus::Cancelled);
    const auto resumed = runJob(m_engine, request);
    QVERIFY2(resumed.result.status == JobStatus::Done, resumed.result.error.c_str());
    QCOMPARE(resumed.stepsRun, 2);
    QCOMPARE(resumed.result.seed, stopped.result.seed);

    // The same seed from the start gives the same latents.
    auto fixed = request;
    fixed.seed = stopped.result.seed;
    fixed.resumeStatePath.clear();
    fixed.latentsPath = dir / "fixed.safetensors";
    const auto plain = runJob(m_engine, fixed);
    QVERIFY2(plain.result.status == JobStatus::Done, plain.result.error.c_str());
    QVERIFY(
        torch::equal(pipeline::readLatents(fixed.latentsPath), pipeline::readLatents(request.latentsPath)));
}

// The VAE's math changes the conditioning of tasks that encode (i2v, flf2v, vace), so their checkpoints name
// it where it differs from the job's precision; t2v and t2i never encode, and earlier checkpoints keep their
// fingerprint when it does not differ.
void TestResume::fingerprintHasTheVaeMathOfEncodingTasks()
{
    Request request;
    for (const Task task : {Task::T2V, Task::T2I, Task::I2V, Task::FLF2V, Task::VACE}) {
        request.task = task;
        const bool encodes = task == Task::I2V || task == Task::FLF2V || task == Task::VACE;
        const auto same = pipeline::denoiseFingerprint(request, "bf16", "bf16", "bf16", "cuda");
        QVERIFY(!same.count("vae_precision"));
        const auto other = pipeline::denoiseFingerprint(request, "bf16", "bf16", "fp32", "cuda");
        QCOMPARE(other.count("vae_precision"), std::size_t(encodes ? 1 : 0));
        if (encodes)
            QCOMPARE(other.at("vae_precision"), std::string("fp32"));
    }
}

void TestResume::refusesForeignCheckpoint_data()
{
    QTest::addColumn<QString>("field");
    QTest::newRow("steps") << QStringLiteral("steps");
    QTest::newRow("prompt") << QStringLiteral("prompt");
    QTest::newRow("seed") << QStringLiteral("seed");
    QTest::newRow("solver") << QStringLiteral("solver");
    QTest::newRow("guide_scale") << QStringLiteral("guide_scale");
    QTest::newRow("size") << QStringLiteral("size");
    QTest::newRow("t5_precision") << QStringLiteral("t5_precision"); // bf16 text math on an fp32 job
}

void TestResume::refusesForeignCheckpoint()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, field);
    auto request = fixtureRequest(QStringLiteral("wan-tiny-t2v"), QStringLiteral("t2v_unipc"));
    const fs::path dir = m_dir.path().toStdString() + "/foreign-" + field.toStdString();
    fs::create_directories(dir);
    request.latentsPath = dir / "latents.safetensors";
    request.resumeStatePath = dir / "resume.safetensors";
    QCOMPARE(runJob(m_engine, request, 1).result.status, JobStatus::Cancelled);
    const auto before = fs::file_size(request.resumeStatePath);

    auto other = request;
    if (field == QLatin1String("steps"))
        other.steps = 5;
    else if (field == QLatin1String("prompt"))
        other.prompt += " at night";
    else if (field == QLatin1String("seed"))
        other.seed = request.seed + 1;
    else if (field == QLatin1String("solver"))
        other.solver = Solver::DpmPP;
    else if (field == QLatin1String("guide_scale"))
        other.guideScale = 4.0;
    else if (field == QLatin1String("t5_precision"))
        other.textPrecision = TextPrecision::BFloat16;
    else
        other.width = 64;
    const auto run = runJob(m_engine, other);
    QCOMPARE(run.result.status, JobStatus::Failed);
    QCOMPARE(run.stepsRun, 0);
    const auto error = QString::fromStdString(run.result.error);
    QVERIFY2(error.contains(QString::fromStdString(request.resumeStatePath.string())), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("another job")) && error.contains(field), qPrintable(error));
    // Refused, not overwritten: the right request can still resume.
    QCOMPARE(fs::file_size(request.resumeStatePath), before);
    QCOMPARE(runJob(m_engine, request).result.status, JobStatus::Done);
}

void TestResume::refusesBrokenCheckpoint_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("garbage") << QStringLiteral("garbage");
    QTest::newRow("truncated") << QStringLiteral("truncated");
    QTest::newRow("latents file") << QStringLiteral("latents");
    QTest::newRow("empty") << QStringLiteral("empty");
}

void TestResume::refusesBrokenCheckpoint()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, kind);
    auto request = fixtureRequest(QStringLiteral("wan-tiny-t2v"), QStringLiteral("t2v_dpmpp"));
    const fs::path dir = m_dir.path().toStdString() + "/broken-" + kind.toStdString();
    fs::create_directories(dir);
    request.latentsPath = dir / "latents.safetensors";
    request.resumeStatePath = dir / "resume.safetensors";
    if (kind == QLatin1String("garbage")) {
        std::ofstream(request.resumeStatePath) << "not a checkpoint at all, just some text";
    } else if (kind == QLatin1String("empty")) {
        std::ofstream{request.resumeStatePath};
    } else if (kind == QLatin1String("latents")) {
        pipeline::writeLatents(request.resumeStatePath, torch::zeros({16, 3, 4, 6}));
    } else {
        QCOMPARE(runJob(m_engine, request, 2).result.status, JobStatus::Cancelled);
        fs::resize_file(request.resumeStatePath, fs::file_size(request.resumeStatePath) - 100);
    }
    const auto run = runJob(m_engine, request);
    QCOMPARE(run.result.status, JobStatus::Failed);
    QCOMPARE(run.result.errorKind, ErrorKind::CorruptFile);
    const auto error = QString::fromStdString(run.result.error);
    QVERIFY2(error.contains(QString::fromStdString(request.resumeStatePath.string())) &&
                 error.contains(QLatin1String("delete it")),
             qPrintable(error));
}

void TestResume::checkpointFileRoundTrip()
{
    torch::manual_seed(1);
    pipeline::DenoiseCheckpoint c;
    c.stepsDone = 3;
    c.seed = 1234567890123;
    c.latents = torch::randn({16, 2, 3, 4});
    c.sampler.tensors["last_output"] = torch::randn({16, 2, 3, 4});
    c.sampler.integers["step_index"] = 3;
    c.sampler.integers["this_order"] = 2;
    c.fingerprint["prompt"] = "a cat, \"quoted\" 中文";
    const fs::path path = m_dir.path().toStdString() + "/roundtrip.safetensors";
    pipeline::writeDenoiseCheckpoint(path, c);
    const auto back = pipeline::readDenoiseCheckpoint(path);
    QCOMPARE(back.stepsDone, 3);
    QCOMPARE(back.seed, c.seed);
    QVERIFY(torch::equal(back.latents, c.latents));
    QVERIFY(torch::equal(back.sampler.tensors.at("last_output"), c.sampler.tensors.at("last_output")));
    QCOMPARE(back.sampler.integers, c.sampler.integers);
    QCOMPARE(back.fingerprint, c.fingerprint);
    // No partial file is left next to it.
    int files = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(path.parent_path()))
        files += entry.path().filename().string().find(".partial-") != std::string::npos ? 1 : 0;
    QCOMPARE(files, 0);
}

void TestResume::checkpointPolicy_data()
{
    QTest::addColumn<int>("every");
    // 0: only slow steps (> 20 s; the fixture's take milliseconds) and the one before decoding.
    for (int every : {0, 1, 2, 3})
        QTest::newRow(qPrintable(QStringLiteral("every %1").arg(every))) << every;
}

// What is on disk after each step: the last multiple of `every`, and the final state before decoding.
void TestResume::checkpointPolicy()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(int, every);
    auto request = fixtureRequest(QStringLiteral("wan-tiny-t2v"), QStringLiteral("t2v_unipc"));
    const fs::path dir = m_dir.path().toStdString() + "/policy" + std::to_string(every);
    fs::create_directories(dir);
    request.latentsPath = dir / "latents.safetensors";
    request.resumeStatePath = dir / "resume.safetensors";
    request.checkpointEverySteps = every;
    std::vector<int> onDisk; // per progress report of denoising step k (1-based), -1: no file
    int beforeDecode = -2;
    Callbacks callbacks;
    callbacks.onProgress = [&](const Progress& p) {
        const auto saved = [&] {
            return fs::exists(request.resumeStatePath)
                       ? pipeline::readDenoiseCheckpoint(request.resumeStatePath).stepsDone
                       : -1;
        };
        if (p.stage == Stage::Denoising && p.step > 0)
            onDisk.push_back(saved());
        if (p.stage == Stage::Decoding && beforeDecode == -2)
            beforeDecode = saved();
    };
    const auto result = m_engine.run(request, callbacks);
    QVERIFY2(result.status == JobStatus::Done, result.error.c_str());
    QCOMPARE(int(onDisk.size()), request.steps);
    for (int k = 1; k <= request.steps; ++k) {
        int want = k == request.steps ? k : -1;
        if (every > 0 && k >= every)
            want = k == request.steps ? k : k - k % every;
        QCOMPARE(onDisk[std::size_t(k - 1)], want);
    }
    QCOMPARE(beforeDecode, request.steps);
    QVERIFY(!fs::exists(request.resumeStatePath));
}

// The default policy (checkpointEverySteps 0) saves after a step that took more than 20 s: the first of three
// steps is made that slow (a DiT block waits 20.5 s), the second is fast and not saved, the last is saved
// before decoding.
void TestResume::slowStepIsCheckpointed()
{
    WAN_REQUIRE_FIXTURES();
    auto request = fixtureRequest(QStringLiteral("wan-tiny-t2v"), QStringLiteral("t2v_unipc"));
    const fs::path dir = m_dir.path().toStdString() + "/slow";
    fs::create_directories(dir);
    request.steps = 3;
    request.latentsPath = dir / "latents.safetensors";
    request.resumeStatePath = dir / "resume.safetensors";
    request.checkpointEverySteps = 0;
    bool slowed = false;
    EngineInternals::setBlockHook(m_engine, [&](std::size_t) {
        if (!slowed) {
            slowed = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20500));
        }
    });
    std::vector<int> onDisk; // after each denoising step: the checkpoint's step, -1: none
    Callbacks callbacks;
    callbacks.onProgress = [&](const Progress& p) {
        if (p.stage == Stage::Denoising && p.step > 0)
            onDisk.push_back(fs::exists(request.resumeStatePath)
                                 ? pipeline::readDenoiseCheckpoint(request.resumeStatePath).stepsDone
                                 : -1);
    };
    const auto result = m_engine.run(request, callbacks);
    EngineInternals::setBlockHook(m_engine, {});
    QVERIFY2(result.status == JobStatus::Done, result.error.c_str());
    QVERIFY(slowed);
    QCOMPARE(onDisk, (std::vector<int>{1, 1, 3}));
    QVERIFY(!fs::exists(request.resumeStatePath));
}

namespace {

constexpr int kCachedSteps = 12; // TeaCache computes the first 5 steps: enough left to skip some

// The t2v fixture with a step cache, run longer than the official 4 steps.
Request cachedRequest(StepCacheMode mode, bool batched, double threshold)
{
    auto r = fixtureRequest(QStringLiteral("wan-tiny-t2v"), QStringLiteral("t2v_unipc"));
    r.steps = kCachedSteps;
    r.stepCache = mode;
    r.cacheThreshold = threshold;
    r.batchedCfg = batched;
    return r;
}

} // namespace

void TestResume::stepCacheResumeIsBitIdentical_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("batched");
    QTest::addColumn<double>("threshold");
    QTest::addColumn<int>("cancelAfter"); // -1: after the first step whose last DiT call came from the cache
    const std::pair<StepCacheMode, double> caches[] = {{StepCacheMode::TeaCache, 0.5},
                                                       {StepCacheMode::MagCache, 0.3}};
    for (const auto& [mode, threshold] : caches)
        for (const bool batched : {false, true})
            for (const int k : {2, 6, 9, 11, -1})
                QTest::newRow(
                    qPrintable(QStringLiteral("%1 %2, %3")
                                   .arg(QString::fromStdString(toString(mode)),
                                        batched ? QStringLiteral("batched") : QStringLiteral("two calls"),
                                        k > 0 ? QStringLiteral("after step %1").arg(k)
                                              : QStringLiteral("after a cached call"))))
                    << int(mode) << batched << threshold << k;
}

// A cached job stopped after step k and resumed decides every later call as the uninterrupted job: the same
// latents bit for bit, and the same computed, cached and skipped counts.
void TestResume::stepCacheResumeIsBitIdentical()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(int, mode);
    QFETCH(bool, batched);
    QFETCH(double, threshold);
    QFETCH(int, cancelAfter);
    auto request = cachedRequest(StepCacheMode(mode), batched, threshold);
    QVERIFY2(!request.prompt.empty(), "reference json missing");
    const int callsPerStep = batched ? 1 : 2;
    const QString key = QStringLiteral("%1-%2-%3").arg(mode).arg(batched).arg(threshold);
    const fs::path dir = m_dir.path().toStdString() + "/cached-" + std::to_string(mode) +
                         (batched ? "b" : "t") + std::to_string(cancelAfter);
    fs::create_directories(dir);

    auto& want = m_cachedRuns[key];
    if (!want.latents.defined()) {
        // Which steps' last call ran the blocks: the block hook sees block 0 once per computed call.
        std::vector<int> computedPerStep;
        int stepIndex = 0;
        EngineInternals::setBlockHook(m_engine, [&](std::size_t block) {
            if (block == 0)
                computedPerStep[std::size_t(stepIndex)] += 1;
        });
        computedPerStep.assign(std::size_t(request.steps), 0);
        auto plain = request;
        plain.latentsPath = dir / "uninterrupted.safetensors";
        Callbacks callbacks;
        callbacks.onProgress = [&](const Progress& p) {
            if (p.stage == Stage::Denoising)
                stepIndex = std::min(p.step, request.steps - 1);
        };
        want.result = m_engine.run(plain, callbacks);
        EngineInternals::setBlockHook(m_engine, {});
        QVERIFY2(want.result.status == JobStatus::Done, want.result.error.c_str());
        want.latents = pipeline::readLatents(plain.latentsPath);
        qInfo("%s, threshold %.2f: %d DiT calls computed, %d cached, %d of %d steps skipped",
              toString(request.stepCache).c_str(), threshold, want.result.ditCalls, want.result.cachedCalls,
              want.result.stepsSkipped, request.steps);
        int computedTotal = 0, skipped = 0;
        for (int k = 0; k < request.steps; ++k) {
            const int computed = computedPerStep[std::size_t(k)];
            computedTotal += computed;
            skipped += computed == 0 ? 1 : 0;
            want.stepSkipped.push_back(computed == 0);
        }
        QCOMPARE(computedTotal, want.result.ditCalls);
        QCOMPARE(skipped, want.result.stepsSkipped);
    }
    // The threshold really skips some calls, and not all of them.
    QVERIFY2(want.result.cachedCalls > 0 && want.result.ditCalls > 0, "the threshold skips nothing or all");
    QCOMPARE(want.result.ditCalls + want.result.cachedCalls, callsPerStep * request.steps);
    if (cancelAfter < 0) {
        // A skipped step: all its calls, the last one too, came from the cache.
        const auto it = std::find(want.stepSkipped.begin(), want.stepSkipped.end(), true);
        QVERIFY2(it != want.stepSkipped.end(), "no step was skipped");
        cancelAfter = int(it - want.stepSkipped.begin()) + 1;
        QVERIFY(cancelAfter < request.steps);
        qInfo("stopping after step %d, whose last DiT call came from the cache", cancelAfter);
    }

    request.latentsPath = dir / "latents.safetensors";
    request.resumeStatePath = dir / "resume.safetensors";
    const auto stopped = runJob(m_engine, request, cancelAfter);
    QCOMPARE(stopped.result.status, JobStatus::Cancelled);
    QCOMPARE(stopped.stepsRun, cancelAfter);
    const auto checkpoint = pipeline::readDenoiseCheckpoint(request.resumeStatePath);
    QCOMPARE(checkpoint.stepsDone, cancelAfter);
    QVERIFY2(checkpoint.stepCache.has_value(), "a cached job's checkpoint holds the cache's state");
    // The extra size: one residual [1, seq_len, dim] per stream that ran, TeaCache also e0 [1, 6, dim].
    std::int64_t extra = 0;
    for (const auto& [name, tensor] : checkpoint.stepCache->tensors) {
        extra += tensor.numel() * std::int64_t(sizeof(float));
        if (name.find("residual") != std::string::npos)
            QCOMPARE(tensor.sizes().vec(), (std::vector<std::int64_t>{1, 18, 64}));
    }
    QVERIFY(checkpoint.stepCache->tensors.count("stream0.residual") == 1);
    QVERIFY(checkpoint.stepCache->tensors.count("stream1.residual") == 1);
    qInfo("step cache state: %lld bytes of tensors in a %lld byte checkpoint", static_cast<long long>(extra),
          static_cast<long long>(fs::file_size(request.resumeStatePath)));

    const auto resumed = runJob(m_engine, request);
    QVERIFY2(resumed.result.status == JobStatus::Done, resumed.result.error.c_str());
    QCOMPARE(resumed.stepsRun, request.steps - cancelAfter);
    const auto got = pipeline::readLatents(request.latentsPath);
    QVERIFY2(
        torch::equal(got, want.latents),
        qPrintable(
            QStringLiteral("max abs difference %1").arg((got - want.latents).abs().max().item<double>())));
    QCOMPARE(resumed.result.ditCalls, want.result.ditCalls);
    QCOMPARE(resumed.result.cachedCalls, want.result.cachedCalls);
    QCOMPARE(resumed.result.stepsSkipped, want.result.stepsSkipped);
    QVERIFY2(!fs::exists(request.resumeStatePath), "a finished job removes its checkpoint");
}

void TestResume::refusesOtherStepCache_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("field"); // the fingerprint field the message names
    QTest::newRow("threshold") << QStringLiteral("threshold") << QStringLiteral("cache_threshold");
    QTest::newRow("preset") << QStringLiteral("preset") << QStringLiteral("cache_preset");
    QTest::newRow("other method") << QStringLiteral("mode") << QStringLiteral("step_cache");
    QTest::newRow("no cache") << QStringLiteral("off") << QStringLiteral("step_cache");
    QTest::newRow("cache on an uncached job's checkpoint")
        << QStringLiteral("on") << QStringLiteral("step_cache");
}

void TestResume::refusesOtherStepCache()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, change);
    QFETCH(QString, field);
    auto request = cachedRequest(StepCacheMode::TeaCache, false, 0.5);
    if (change == QLatin1String("on"))
        request.stepCache = StepCacheMode::Off;
    const fs::path dir = m_dir.path().toStdString() + "/othercache-" + change.toStdString();
    fs::create_directories(dir);
    request.latentsPath = dir / "latents.safetensors";
    request.resumeStatePath = dir / "resume.safetensors";
    QCOMPARE(runJob(m_engine, request, 7).result.status, JobStatus::Cancelled);
    const auto before = fs::file_size(request.resumeStatePath);

    auto other = request;
    if (change == QLatin1String("threshold"))
        other.cacheThreshold = 0.4;
    else if (change == QLatin1String("preset"))
        other.cachePreset = CachePreset::Fast;
    else if (change == QLatin1String("mode"))
        other.stepCache = StepCacheMode::MagCache;
    else if (change == QLatin1String("off"))
        other.stepCache = StepCacheMode::Off;
    else
        other.stepCache = StepCacheMode::TeaCache;
    const auto run = runJob(m_engine, other);
    QCOMPARE(run.result.status, JobStatus::Failed);
    QCOMPARE(run.stepsRun, 0);
    const auto error = QString::fromStdString(run.result.error);
    QVERIFY2(error.contains(QString::fromStdString(request.resumeStatePath.string())), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("another job")) && error.contains(field), qPrintable(error));
    QCOMPARE(fs::file_size(request.resumeStatePath), before);
    QCOMPARE(runJob(m_engine, request).result.status, JobStatus::Done);
}

namespace {

// The made-up e0 [1, 6, 8] of step k: a slow drift (rel-L1 about 0.05 a step), so TeaCache skips a few
// calls in a row, then computes.
torch::Tensor driftingE0(int k)
{
    return torch::linspace(0.5, 1.5, 48).view({1, 6, 8}) * (1.0 + 0.05 * k);
}

// A cache of `steps` steps driven through `stepsRun` steps of two made-up DiT calls (residuals [1, 5, 8] from
// the seeded generator), computing or reusing as its rule says.
pipeline::StepCache drivenCache(const pipeline::StepCacheSettings& settings, int steps, int stepsRun)
{
    pipeline::StepCache cache(settings, steps);
    torch::manual_seed(3);
    for (int k = 0; k < stepsRun; ++k) {
        cache.beginStep(k);
        for (int c = 0; c < 2; ++c)
            if (!cache.cachedResidual(torch::zeros({1, 8}), driftingE0(k)).defined())
                cache.store(torch::randn({1, 5, 8}));
    }
    return cache;
}

pipeline::StepCacheSettings teaSettings(double threshold)
{
    pipeline::StepCacheSettings s;
    s.mode = StepCacheMode::TeaCache;
    s.threshold = threshold;
    return s;
}

} // namespace

// importState() takes only a state of the same settings, step and shapes; a refused one leaves the cache as
// it was. A taken one continues exactly: the two caches decide the same from there on.
void TestResume::stepCacheStateIsStrict()
{
    const std::vector<std::int64_t> shape{1, 5, 8};
    const auto source = drivenCache(teaSettings(0.5), 10, 7);
    const auto state = source.exportState();
    QCOMPARE(int(state.values.at("steps_done")), 7);
    QVERIFY(state.tensors.count("stream0.residual") && state.tensors.count("stream1.previous_e0"));

    const auto refused = [&](pipeline::StepCache& cache, const pipeline::StepCacheState& s, int stepsDone,
                             const std::vector<std::int64_t>& residualShape, const char* words) {
        try {
            cache.importState(s, stepsDone, residualShape, torch::kCPU);
        } catch (const Error& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(e.kind() == ErrorKind::InvalidArgument && message.contains(QLatin1String(words)),
                     qPrintable(message));
            return;
        }
        QFAIL(qPrintable(
            QStringLiteral("accepted, expected a refusal naming \"%1\"").arg(QLatin1String(words))));
    };
    {
        pipeline::StepCache other(teaSettings(0.4), 10);
        refused(other, state, 7, shape, "threshold 0.5 there, 0.4 here");
        QCOMPARE(other.computedCalls(), 0);
    }
    {
        auto mag = teaSettings(0.5);
        mag.mode = StepCacheMode::MagCache;
        pipeline::StepCache other(mag, 10);
        refused(other, state, 7, shape, "mode teacache there, magcache here");
    }
    {
        auto calibration = teaSettings(0.5);
        calibration.calibration = pipeline::CacheCalibration::T2v14B;
        pipeline::StepCache other(calibration, 10);
        refused(other, state, 7, shape, "calibration");
    }
    pipeline::StepCache same(teaSettings(0.5), 10);
    refused(same, state, 6, shape, "is of step 7");
    pipeline::StepCache longer(teaSettings(0.5), 12);
    refused(longer, state, 7, shape, "steps 10 there, 12 here");
    refused(same, state, 7, {1, 6, 8}, "stream0.residual");
    auto extra = state;
    extra.values["stream2.tea_accumulated"] = 0.0;
    refused(same, extra, 7, shape, "unknown value");
    auto missing = state;
    missing.values.erase("cached_calls");
    refused(same, missing, 7, shape, "cached_calls");
    auto badTensor = state;
    badTensor.tensors["stream0.something"] = torch::zeros({1});
    refused(same, badTensor, 7, shape, "unknown tensor");
    QCOMPARE(same.computedCalls() + same.cachedCalls(), 0);

    // Accepted: it counts on from the saved counts and decides the remaining steps as the source does.
    same.importState(state, 7, shape, torch::kCPU);
    QCOMPARE(same.computedCalls(), source.computedCalls());
    QCOMPARE(same.cachedCalls(), source.cachedCalls());
    auto replay = drivenCache(teaSettings(0.5), 10, 7); // the uninterrupted cache, on from step 7
    int replayComputed = 0, replayCached = 0;
    for (int k = 7; k < 10; ++k) {
        same.beginStep(k);
        replay.beginStep(k);
        for (int c = 0; c < 2; ++c) {
            const auto a = same.cachedResidual(torch::zeros({1, 8}), driftingE0(k));
            const auto b = replay.cachedResidual(torch::zeros({1, 8}), driftingE0(k));
            (b.defined() ? replayCached : replayComputed) += 1;
            QCOMPARE(a.defined(), b.defined());
            if (a.defined()) {
                QVERIFY(torch::equal(a, b));
            } else {
                const auto residual = torch::randn({1, 5, 8});
                same.store(residual);
                replay.store(residual);
            }
        }
    }
    same.finish();
    replay.finish();
    QCOMPARE(same.computedCalls(), replay.computedCalls());
    QCOMPARE(same.cachedCalls(), replay.cachedCalls());
    QCOMPARE(same.stepsSkipped(), replay.stepsSkipped());
    // The steps after the import both skip and compute, so the restored accumulators decided something.
    QVERIFY2(replayCached > 0 && replayComputed > 0,
             qPrintable(QStringLiteral("%1 cached, %2 computed").arg(replayCached).arg(replayComputed)));
    // With the accumulators forgotten (what a resume did before they were saved) step 9 would be cached.
    auto forgetful = state;
    forgetful.values["stream0.tea_accumulated"] = 0.0;
    forgetful.values["stream1.tea_accumulated"] = 0.0;
    pipeline::StepCache reset(teaSettings(0.5), 10);
    reset.importState(forgetful, 7, shape, torch::kCPU);
    for (int k = 7; k < 10; ++k) {
        reset.beginStep(k);
        for (int c = 0; c < 2; ++c)
            if (!reset.cachedResidual(torch::zeros({1, 8}), driftingE0(k)).defined())
                reset.store(torch::randn({1, 5, 8}));
    }
    reset.finish();
    QVERIFY2(reset.computedCalls() != replay.computedCalls(),
             qPrintable(QStringLiteral("%1 computed both ways").arg(reset.computedCalls())));
}

// The cache's state in the checkpoint file: tensors and values (doubles exact) back as they went in.
void TestResume::stepCacheStateFileRoundTrip()
{
    auto settings = teaSettings(0.5);
    settings.mode = StepCacheMode::MagCache;
    const auto cache = drivenCache(settings, 10, 6);
    pipeline::DenoiseCheckpoint c;
    c.stepsDone = 6;
    c.seed = 7;
    c.latents = torch::randn({16, 2, 3, 4});
    c.sampler.integers["step_index"] = 6;
    c.fingerprint["step_cache"] = "magcache";
    c.stepCache = cache.exportState();
    c.stepCache->values["tea_like"] = 0.1 + 0.2; // not a short decimal
    const fs::path path = m_dir.path().toStdString() + "/cache-roundtrip.safetensors";
    pipeline::writeDenoiseCheckpoint(path, c);
    const auto back = pipeline::readDenoiseCheckpoint(path);
    QVERIFY(back.stepCache.has_value());
    QCOMPARE(back.stepCache->values, c.stepCache->values);
    QCOMPARE(back.stepCache->tensors.size(), c.stepCache->tensors.size());
    for (const auto& [name, tensor] : c.stepCache->tensors)
        QVERIFY2(torch::equal(back.stepCache->tensors.at(name), tensor), name.c_str());

    // A cached job's checkpoint without the state, and an uncached one with it, are not usable.
    const auto refusedWith = [&](const pipeline::DenoiseCheckpoint& checkpoint, const char* words) {
        pipeline::writeDenoiseCheckpoint(path, checkpoint);
        try {
            pipeline::readDenoiseCheckpoint(path);
        } catch (const Error& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(e.kind() == ErrorKind::CorruptFile && message.contains(QLatin1String(words)) &&
                         message.contains(QString::fromStdString(path.string())),
                     qPrintable(message));
            return;
        }
        QFAIL("accepted");
    };
    auto noState = c;
    noState.stepCache.reset();
    refusedWith(noState, "state is missing");
    auto uncached = c;
    uncached.fingerprint["step_cache"] = "off";
    refusedWith(uncached, "has no step cache");
}

// Checkpoints of format 1 (before the step cache's state was saved) still load; a cached job's is refused,
// naming the reason.
void TestResume::readsFormat1Checkpoints()
{
    const fs::path path = m_dir.path().toStdString() + "/format1.safetensors";
    const auto latents = torch::randn({16, 2, 3, 4});
    std::map<std::string, std::string> meta{{"format", "wan-studio denoise checkpoint 1"},
                                            {"steps_done", "2"},
                                            {"seed", "42"},
                                            {"sampler.step_index", "2"},
                                            {"job.step_cache", "off"}};
    pipeline::writeTensors(path, {{"latents", latents}}, meta);
    const auto back = pipeline::readDenoiseCheckpoint(path);
    QCOMPARE(back.stepsDone, 2);
    QVERIFY(torch::equal(back.latents, latents));
    QVERIFY(!back.stepCache);

    meta["job.step_cache"] = "teacache";
    pipeline::writeTensors(path, {{"latents", latents}}, meta);
    try {
        pipeline::readDenoiseCheckpoint(path);
        QFAIL("a format 1 checkpoint of a cached job was accepted");
    } catch (const Error& e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(e.kind() == ErrorKind::CorruptFile && message.contains(QLatin1String("older version")) &&
                     message.contains(QLatin1String("delete it")),
                 qPrintable(message));
    }
}

QTEST_GUILESS_MAIN(TestResume)
#include "test_resume.moc"
