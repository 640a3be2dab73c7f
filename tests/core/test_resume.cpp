// Resumable denoising on the fixtures: a job stopped after any step and run again with the same request ends
// with the same latents, bit for bit, as an uninterrupted run; checkpoints of other jobs and broken files are
// refused with the file named.
#include "pipeline/EngineInternals.h"
#include "pipeline/LatentsFile.h"
#include "support/TestSupport.h"
#include "wan/Pipeline.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

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
    QFile file(
        QString::fromStdString((dir / "reference" / ("e2e_" + name.toStdString() + ".json")).string()));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const auto p = QJsonDocument::fromJson(file.readAll()).object();
    Request r;
    r.ckptDir = dir;
    r.prompt = p.value(QStringLiteral("prompt")).toString().toStdString();
    r.negativePrompt = p.value(QStringLiteral("n_prompt_argument")).toString().toStdString();
    r.seed = p.value(QStringLiteral("seed")).toInteger();
    r.frameNum = p.value(QStringLiteral("frame_num")).toInt();
    r.steps = p.value(QStringLiteral("sampling_steps")).toInt();
    r.shift = p.value(QStringLiteral("shift")).toDouble();
    r.guideScale = p.value(QStringLiteral("guide_scale")).toDouble();
    r.solver = p.value(QStringLiteral("sample_solver")).toString() == QLatin1String("dpm++") ? Solver::DpmPP
                                                                                             : Solver::UniPC;
    r.device = "cpu";
    r.precision = Precision::Float32;
    r.previewEverySteps = 0;
    if (p.value(QStringLiteral("task")).toString() == QLatin1String("i2v")) {
        r.task = Task::I2V;
        r.width = int(p.value(QStringLiteral("max_area")).toInteger());
        r.height = 1;
        r.image = dir / "reference" / p.value(QStringLiteral("image")).toString().toStdString();
    } else {
        const auto size = p.value(QStringLiteral("size")).toArray();
        r.width = size.at(0).toInt();
        r.height = size.at(1).toInt();
    }
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
    void refusesForeignCheckpoint_data();
    void refusesForeignCheckpoint();
    void refusesBrokenCheckpoint_data();
    void refusesBrokenCheckpoint();
    void checkpointFileRoundTrip();
    void checkpointPolicy_data();
    void checkpointPolicy();
    void slowStepIsCheckpointed();

private:
    Engine m_engine;
    QTemporaryDir m_dir;
    std::map<QString, torch::Tensor> m_uninterrupted; // by fixture/name
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

void TestResume::refusesForeignCheckpoint_data()
{
    QTest::addColumn<QString>("field");
    QTest::newRow("steps") << QStringLiteral("steps");
    QTest::newRow("prompt") << QStringLiteral("prompt");
    QTest::newRow("seed") << QStringLiteral("seed");
    QTest::newRow("solver") << QStringLiteral("solver");
    QTest::newRow("guide_scale") << QStringLiteral("guide_scale");
    QTest::newRow("size") << QStringLiteral("size");
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

QTEST_GUILESS_MAIN(TestResume)
#include "test_resume.moc"
