// The engine's failure paths on the tiny t2v fixture: the host memory pre-flight refuses before anything is
// loaded, loading stops between tensors when cancelled and caches nothing half-loaded, an exception inside
// the DiT blocks (streamed or not) leaves the engine usable, and requests that cannot make sense are refused.
// After each failure the same Engine runs the official job again and must reproduce its latents.
#include "dit/WanModel.h"
#include "io/TensorIo.h"
#include "pipeline/EngineInternals.h"
#include "pipeline/LatentsFile.h"
#include "support/ReferenceRequest.h"
#include "support/TestSupport.h"
#include "wan/Pipeline.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <filesystem>

using namespace wan;
namespace fs = std::filesystem;

namespace {

constexpr double kLatentAtol = 1e-4; // what the e2e parity tests assert

fs::path t2vFixture()
{
    return test::fixturesDir() / "wan-tiny-t2v";
}

// The official run of reference/e2e_t2v_unipc.json, writing only its latents into `outDir`.
Request officialRequest(const fs::path& outDir)
{
    Request r = test::referenceRequest(t2vFixture(), test::readReferenceCase(t2vFixture(), "t2v_unipc"));
    r.latentsPath = outDir / "latents.safetensors";
    return r;
}

int fileCount(const QTemporaryDir& dir)
{
    return int(QDir(dir.path()).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot).size());
}

} // namespace

class TestEngineRobustness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void memoryRefusalLoadsNothing();
    void cancelDuringLoad();
    void bindStopsBetweenTensors();
    void exceptionInBlocksLeavesEngineUsable_data();
    void exceptionInBlocksLeavesEngineUsable();
    void streamedBlocksReleasedOnThrow();
    void refusedRequests();

private:
    // Runs the official job on `engine` and checks its latents against the reference.
    void expectOfficialRun(Engine& engine);
};

void TestEngineRobustness::initTestCase()
{
    at::set_num_threads(2);
}

void TestEngineRobustness::expectOfficialRun(Engine& engine)
{
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const auto request = officialRequest(out.path().toStdString());
    const auto result = engine.run(request);
    QVERIFY2(result.status == JobStatus::Done, result.error.c_str());
    const auto ref = io::loadSafetensors(t2vFixture() / "reference" / "e2e_t2v_unipc.safetensors");
    WAN_COMPARE_TENSORS(pipeline::readLatents(request.latentsPath), ref.at("x0"), kLatentAtol);
}

void TestEngineRobustness::memoryRefusalLoadsNothing()
{
    WAN_REQUIRE_FIXTURES();
    Engine engine;
    EngineInternals::setAvailableHostMemory(engine, std::uint64_t(16) << 20);
    QTemporaryDir out;
    auto request = officialRequest(out.path().toStdString());
    request.outputPath = fs::path(out.path().toStdString()) / "never.mp4";
    int loadingEvents = 0;
    Callbacks callbacks;
    callbacks.onProgress = [&](const Progress& p) { loadingEvents += p.stage == Stage::Loading ? 1 : 0; };
    const auto result = engine.run(request, callbacks);
    QCOMPARE(result.status, JobStatus::Failed);
    QCOMPARE(result.errorKind, ErrorKind::OutOfMemory);
    const QString message = QString::fromStdString(result.error);
    qInfo("refusal: %s", qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("not enough memory")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("only 16 MiB is available")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("DiT weights")), qPrintable(message));
    QCOMPARE(loadingEvents, 0);
    QVERIFY(EngineInternals::cachedModels(engine).empty());
    QCOMPARE(fileCount(out), 0);

    // The real figure again: the same engine runs the job.
    EngineInternals::setAvailableHostMemory(engine, std::nullopt);
    expectOfficialRun(engine);
}

void TestEngineRobustness::cancelDuringLoad()
{
    WAN_REQUIRE_FIXTURES();
    Engine engine;
    QTemporaryDir out;
    const auto request = officialRequest(out.path().toStdString());
    CancelToken token;
    QElapsedTimer sinceCancel;
    int loadingEvents = 0;
    Callbacks callbacks;
    callbacks.cancel = &token;
    callbacks.onProgress = [&](const Progress& p) {
        if (p.stage == Stage::Loading && ++loadingEvents == 1) {
            token.cancel(); // the first model is about to load
            sinceCancel.start();
        }
    };
    const auto result = engine.run(request, callbacks);
    const qint64 ms = sinceCancel.elapsed();
    QCOMPARE(result.status, JobStatus::Cancelled);
    QCOMPARE(result.errorKind, ErrorKind::Cancelled);
    QCOMPARE(loadingEvents, 1); // no other model started loading
    qInfo("cancelled during load after %lld ms", static_cast<long long>(ms));
    QVERIFY2(ms < 1000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
    QVERIFY2(EngineInternals::cachedModels(engine).empty(), "a half-loaded model stayed cached");
    QVERIFY(!fs::exists(request.latentsPath));

    expectOfficialRun(engine);                                              // loads normally
    QCOMPARE(EngineInternals::cachedModels(engine).size(), std::size_t(3)); // t5, dit, vae
}

void TestEngineRobustness::bindStopsBetweenTensors()
{
    torch::nn::Linear linear(4, 3);
    io::TensorMap weights;
    weights["weight"] = torch::ones({3, 4});
    weights["bias"] = torch::ones({3});
    const auto before = linear->weight.clone();
    CancelToken token;
    io::BindOptions options;
    options.cancel = &token;
    io::bindStateDict(*linear, weights, "weights.safetensors", options); // not cancelled: binds
    QVERIFY(torch::equal(linear->weight, torch::ones({3, 4})));

    torch::nn::Linear other(4, 3);
    const auto untouched = other->weight.clone();
    token.cancel();
    try {
        io::bindStateDict(*other, weights, "weights.safetensors", options);
        QFAIL("a cancelled bind returned");
    } catch (const Error& e) {
        QCOMPARE(e.kind(), ErrorKind::Cancelled);
        QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("weights.safetensors")));
    }
    QVERIFY(torch::equal(other->weight, untouched)); // stopped before the first tensor
    Q_UNUSED(before);
}

void TestEngineRobustness::exceptionInBlocksLeavesEngineUsable_data()
{
    QTest::addColumn<bool>("torchError");
    QTest::newRow("c10::Error") << true;
    QTest::newRow("wan::Error") << false;
}

void TestEngineRobustness::exceptionInBlocksLeavesEngineUsable()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(bool, torchError);
    Engine engine;
    int calls = 0;
    EngineInternals::setBlockHook(engine, [&](std::size_t block) {
        // Mid-way through the second DiT call, in its second block.
        if (++calls == 4 && block == 1) {
            if (torchError)
                TORCH_CHECK(false, "injected kernel failure");
            throw Error(ErrorKind::Io, "injected read failure");
        }
    });
    QTemporaryDir out;
    const auto request = officialRequest(out.path().toStdString());
    const auto failed = engine.run(request);
    QCOMPARE(failed.status, JobStatus::Failed);
    QVERIFY2(QString::fromStdString(failed.error).contains(QStringLiteral("injected")), failed.error.c_str());
    QCOMPARE(failed.errorKind, torchError ? ErrorKind::Internal : ErrorKind::Io);
    QVERIFY(calls >= 4);

    EngineInternals::setBlockHook(engine, {});
    expectOfficialRun(engine); // the cached models are intact
}

void TestEngineRobustness::streamedBlocksReleasedOnThrow()
{
    WAN_REQUIRE_FIXTURES();
    torch::NoGradGuard noGrad;
    auto model = dit::WanModel::load(t2vFixture(), torch::kFloat32, torch::kCPU);
    model->setBlockStreaming(torch::Device(torch::kCPU)); // streams on the CPU: the same code path as CUDA
    const auto& c = model->config();
    torch::manual_seed(3);
    const auto x = torch::randn({c.inDim, 3, 4, 6});
    const auto t = torch::full({1}, 500, torch::kInt64);
    const auto context = torch::randn({7, c.textDim});
    const std::int64_t seqLen = 18;
    const auto reference = model->forward({x}, t, {context}, seqLen).at(0);
    QCOMPARE(model->fetchedBlockCount(), 0);

    model->setBlockHook([](std::size_t block) {
        if (block == 1)
            TORCH_CHECK(false, "injected failure in a streamed block");
    });
    bool threw = false;
    try {
        model->forward({x}, t, {context}, seqLen);
    } catch (const c10::Error&) {
        threw = true;
    }
    QVERIFY(threw);
    QCOMPARE(model->fetchedBlockCount(), 0); // every fetched block went back to host memory

    model->setBlockHook({});
    const auto again = model->forward({x}, t, {context}, seqLen).at(0);
    QVERIFY(torch::equal(again, reference));
}

void TestEngineRobustness::refusedRequests()
{
    WAN_REQUIRE_FIXTURES();
    Engine engine;
    QTemporaryDir out;
    const fs::path outDir = out.path().toStdString();

    auto tooLong = officialRequest(outDir);
    tooLong.frameNum = 1005;
    const auto longResult = engine.run(tooLong);
    QCOMPARE(longResult.status, JobStatus::Failed);
    QCOMPARE(longResult.errorKind, ErrorKind::InvalidArgument);
    QVERIFY2(QString::fromStdString(longResult.error).contains(QStringLiteral("maximum of 1001")),
             longResult.error.c_str());

    auto nothing = officialRequest(outDir);
    nothing.latentsPath.clear();
    const auto nothingResult = engine.run(nothing);
    QCOMPARE(nothingResult.status, JobStatus::Failed);
    QCOMPARE(nothingResult.errorKind, ErrorKind::InvalidArgument);
    QVERIFY2(QString::fromStdString(nothingResult.error).contains(QStringLiteral("writes nothing")),
             nothingResult.error.c_str());

    // Finishing a job from saved latents with nowhere to write it (what a crash-recovered job kept).
    const auto latents = outDir / "saved.safetensors";
    pipeline::writeLatents(latents, torch::zeros({16, 3, 4, 6}), {});
    const auto decodeResult = engine.decodeLatents(nothing, latents);
    QCOMPARE(decodeResult.status, JobStatus::Failed);
    QCOMPARE(decodeResult.errorKind, ErrorKind::InvalidArgument);
    QVERIFY2(QString::fromStdString(decodeResult.error).contains(QStringLiteral("writes nothing")),
             decodeResult.error.c_str());
    QVERIFY(EngineInternals::cachedModels(engine).empty()); // refused before loading
}

QTEST_GUILESS_MAIN(TestEngineRobustness)
#include "test_engine_robustness.moc"
