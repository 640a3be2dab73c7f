// End-to-end parity of the Engine with the official generate() runs recorded in the fixtures
// (e2e_*.safetensors), plus cancellation, finishing from saved latents and job errors.
#include "media/Png.h"
#include "pipeline/EngineInternals.h"
#include "pipeline/Geometry.h"
#include "pipeline/LatentsFile.h"
#include "pipeline/MemoryPlanner.h"
#include "support/ReferenceRequest.h"
#include "support/TestSupport.h"
#include "text/Tokenizer.h"
#include "wan/Pipeline.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <map>
#include <vector>

using namespace wan;
namespace fs = std::filesystem;

namespace {

struct Trace
{
    std::map<std::string, std::vector<torch::Tensor>> tensors;

    TraceFn callback()
    {
        return [this](const std::string& name, int, const torch::Tensor& value) {
            tensors[name].push_back(value.detach().to(torch::kCPU).clone());
        };
    }
    torch::Tensor one(const std::string& name) const
    {
        const auto it = tensors.find(name);
        if (it == tensors.end() || it->second.empty())
            return {};
        return it->second.front();
    }
    torch::Tensor stacked(const std::string& name) const
    {
        const auto it = tensors.find(name);
        if (it == tensors.end() || it->second.empty())
            return {};
        return torch::stack(it->second);
    }
};

} // namespace

class TestPipeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void endToEnd_data();
    void endToEnd();
    void cancelLeavesNoVideo();
    void decodeFromSavedLatents();
    void failedWriteKeepsExistingFiles();
    void jobErrors_data();
    void jobErrors();
    void geometry();
    void planner();
    void planDetails();

private:
    Engine m_engine; // shared by the rows: models stay cached while folder/device/precision stay the same
};

void TestPipeline::initTestCase()
{
    at::set_num_threads(2);
}

void TestPipeline::endToEnd_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("batchedCfg");
    const auto t2v = QStringLiteral("wan-tiny-t2v");
    const auto i2v = QStringLiteral("wan-tiny-i2v");
    QTest::newRow("t2v_unipc") << t2v << QStringLiteral("t2v_unipc") << false;
    QTest::newRow("t2v_dpmpp") << t2v << QStringLiteral("t2v_dpmpp") << false;
    QTest::newRow("t2i_unipc") << t2v << QStringLiteral("t2i_unipc") << false;
    QTest::newRow("i2v_unipc") << i2v << QStringLiteral("i2v_unipc") << false;
    QTest::newRow("i2v_dpmpp") << i2v << QStringLiteral("i2v_dpmpp") << false;
    // The optional batch-2 CFG call must give the same results as the official two calls.
    QTest::newRow("t2v_unipc batched cfg") << t2v << QStringLiteral("t2v_unipc") << true;
    QTest::newRow("i2v_unipc batched cfg") << i2v << QStringLiteral("i2v_unipc") << true;
}

void TestPipeline::endToEnd()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixture);
    QFETCH(QString, name);
    QFETCH(bool, batchedCfg);
    const auto dir = test::fixturesDir() / fixture.toStdString();
    const auto refDir = dir / "reference";
    const auto params = test::readReferenceCase(dir, name.toStdString());
    QVERIFY2(!params.isEmpty(), "reference json missing");
    const auto ref = io::loadSafetensors(refDir / ("e2e_" + name.toStdString() + ".safetensors"));

    QTemporaryDir out;
    QVERIFY(out.isValid());
    auto request = test::referenceRequest(dir, params);
    request.batchedCfg = batchedCfg;
    const fs::path outDir = out.path().toStdString();
    request.latentsPath = outDir / "latents.safetensors";
    request.outputPath = outDir / (request.task == Task::T2I ? "out.png" : "out.mp4");
    request.framesDir = outDir / "frames";

    Trace trace;
    EngineInternals::setTrace(m_engine, trace.callback());
    int progressCalls = 0;
    std::vector<PreviewImage> previews;
    request.previewEverySteps = 2;
    Callbacks callbacks;
    callbacks.onProgress = [&](const Progress& p) {
        if (p.stage == Stage::Denoising && p.step > 0) {
            ++progressCalls;
            QVERIFY(p.totalSteps == request.steps && p.secondsPerStep > 0.0 && p.etaSeconds >= 0.0);
        }
    };
    callbacks.onPreview = [&](const PreviewImage& preview) { previews.push_back(preview); };
    const auto result = m_engine.run(request, callbacks);
    EngineInternals::setTrace(m_engine, {});
    QVERIFY2(result.status == JobStatus::Done, result.error.c_str());
    QCOMPARE(result.seed, request.seed);
    QCOMPARE(progressCalls, request.steps);
    // Every 2nd step and the last one, at latent resolution, one picture per latent frame.
    QCOMPARE(int(previews.size()), (request.steps + 1) / 2);
    const auto& noiseRef = ref.at("noise");
    QCOMPARE(previews.back().step, request.steps);
    QCOMPARE(previews.back().frames, int(noiseRef.size(1)));
    QCOMPARE(previews.back().height, int(noiseRef.size(2)));
    QCOMPARE(previews.back().width, int(noiseRef.size(3)));
    QCOMPARE(previews.back().rgb.size(),
             std::size_t(noiseRef.size(1) * noiseRef.size(2) * noiseRef.size(3) * 3));

    WAN_COMPARE_TENSORS(trace.one("noise"), ref.at("noise"), 2e-6);
    WAN_COMPARE_TENSORS(trace.one("context"), ref.at("context"), 1e-4);
    WAN_COMPARE_TENSORS(trace.one("context_null"), ref.at("context_null"), 1e-4);
    QVERIFY2(torch::equal(trace.one("timesteps"), ref.at("timesteps")), "timesteps differ");
    QVERIFY2(torch::equal(trace.one("seq_len"), ref.at("seq_len")), "seq_len differs");
    if (request.task == Task::I2V) {
        WAN_COMPARE_TENSORS(trace.one("img"), ref.at("img"), 1e-6);
        WAN_COMPARE_TENSORS(trace.one("clip_fea"), ref.at("clip_fea"), 1e-4);
        WAN_COMPARE_TENSORS(trace.one("vae_encode_input"), ref.at("vae_encode_input"), 1e-4);
        WAN_COMPARE_TENSORS(trace.one("y"), ref.at("y"), 1e-4);
    }
    // The reference README allows 5e-4 on latents; these rows reach 1.8e-5 (i2v) to 4.2e-5 (t2v) on x0, so
    // 1e-4 keeps a margin of about two and still catches a real drift.
    constexpr double kLatentAtol = 1e-4;
    WAN_COMPARE_TENSORS(trace.stacked("noise_pred_cond"), ref.at("noise_pred_cond"), kLatentAtol);
    WAN_COMPARE_TENSORS(trace.stacked("noise_pred_uncond"), ref.at("noise_pred_uncond"), kLatentAtol);
    WAN_COMPARE_TENSORS(trace.stacked("latent"), ref.at("latents").slice(0, 1), kLatentAtol);
    WAN_COMPARE_TENSORS(trace.one("x0"), ref.at("x0"), kLatentAtol);
    WAN_COMPARE_TENSORS(trace.one("video"), ref.at("video"), kLatentAtol);
    WAN_COMPARE_TENSORS(trace.one("frames_u8").to(torch::kInt32), ref.at("frames_u8").to(torch::kInt32), 1);

    // The token ids of the prompt and of the negative prompt the official script used.
    if (ref.count("ids_cond") && ref.count("ids_null")) {
        const text::Tokenizer tokenizer(text::Tokenizer::modelPathIn(dir));
        const auto negative = params.value(QStringLiteral("n_prompt_used")).toString().toStdString();
        QVERIFY2(torch::equal(tokenizer.encodeBatch({request.prompt}).ids, ref.at("ids_cond")),
                 "ids_cond differ");
        QVERIFY2(torch::equal(tokenizer.encodeBatch({negative}).ids, ref.at("ids_null")), "ids_null differ");
    }

    // The saved latents are the x0 handed to the decoder.
    QCOMPARE(result.latentsPath, request.latentsPath);
    WAN_COMPARE_TENSORS(pipeline::readLatents(request.latentsPath), ref.at("x0"), kLatentAtol);
    QVERIFY(fs::exists(request.outputPath));
    const auto frames = ref.at("frames_u8").size(0);
    QCOMPARE(int(QDir(QString::fromStdString(request.framesDir.string()))
                     .entryList({QStringLiteral("*.png")})
                     .size()),
             int(frames));
    // What was written, read back: the T2I picture and every PNG frame, within a quantisation level.
    const auto refFrames = ref.at("frames_u8").to(torch::kInt32);
    auto compareWritten = [&](const fs::path& png, std::int64_t index) {
        const media::RgbImage image = media::readPng(png);
        const auto got = torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()),
                                          {image.height, image.width, 3}, torch::kUInt8)
                             .to(torch::kInt32);
        const auto diff = test::compareTensors(got, refFrames[index]);
        return diff.shapeMatches && diff.maxAbs <= 1.0 ? QString()
                                                       : QStringLiteral("%1: max abs error %2 at %3")
                                                             .arg(QString::fromStdString(png.string()))
                                                             .arg(diff.maxAbs)
                                                             .arg(QString::fromStdString(diff.where));
    };
    // Each PNG carries the job's settings, like the MP4's comment tag.
    const auto carriesSettings = [&](const fs::path& png) {
        const auto tags = media::readPngMetadata(png).tags;
        const auto at = [&](const char* key) {
            return tags.count(key) ? tags.at(key) : std::string("<none>");
        };
        return at(media::tag::kPrompt) == request.prompt &&
               at(media::tag::kSeed) == std::to_string(request.seed) &&
               at(media::tag::kSteps) == std::to_string(request.steps) &&
               at("task") == toString(request.task);
    };
    if (request.task == Task::T2I) {
        const QString problem = compareWritten(request.outputPath, 0);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(carriesSettings(request.outputPath), request.outputPath.c_str());
    }
    for (std::int64_t i = 0; i < frames; ++i) {
        const auto png = request.framesDir / media::sequenceFrameName(int(i), int(frames));
        const QString problem = compareWritten(png, i);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(carriesSettings(png), png.c_str());
    }
    QCOMPARE(result.frames, int(frames));
    QCOMPARE(result.height, int(ref.at("frames_u8").size(1)));
    QCOMPARE(result.width, int(ref.at("frames_u8").size(2)));
    QVERIFY(!result.placement.empty());
}

void TestPipeline::cancelLeavesNoVideo()
{
    WAN_REQUIRE_FIXTURES();
    const auto dir = test::fixturesDir() / "wan-tiny-t2v";
    QTemporaryDir out;
    Request request;
    request.ckptDir = dir;
    request.prompt = "a cat";
    request.width = 48;
    request.height = 32;
    request.frameNum = 9;
    request.steps = 6;
    request.seed = 1;
    request.outputPath = fs::path(out.path().toStdString()) / "cancelled.mp4";
    request.latentsPath = fs::path(out.path().toStdString()) / "cancelled.safetensors";
    CancelToken token;
    int lastStep = 0;
    Callbacks callbacks;
    callbacks.cancel = &token;
    callbacks.onProgress = [&](const Progress& p) {
        if (p.stage == Stage::Denoising) {
            lastStep = p.step;
            if (p.step == 2)
                token.cancel();
        }
    };
    const auto result = m_engine.run(request, callbacks);
    QCOMPARE(result.status, JobStatus::Cancelled);
    QCOMPARE(result.errorKind, ErrorKind::Cancelled);
    QCOMPARE(lastStep, 2);
    QVERIFY(result.outputPath.empty());
    // Nothing at all was written: no video, no latents, no partial files.
    QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::NoDotAndDotDot).size(), 0);

    // Cancelled during decode: the latents are complete and stay, the video does not appear.
    CancelToken decodeToken;
    callbacks.cancel = &decodeToken;
    callbacks.onProgress = [&](const Progress& p) {
        if (p.stage == Stage::Decoding)
            decodeToken.cancel();
    };
    request.seed = -1; // random: the seed drawn is reported even when the job does not finish
    const auto late = m_engine.run(request, callbacks);
    QCOMPARE(late.status, JobStatus::Cancelled);
    QVERIFY(late.seed >= 0);
    QVERIFY(!fs::exists(request.outputPath));
    QVERIFY(fs::exists(request.latentsPath));
    QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::NoDotAndDotDot).size(), 1);
}

void TestPipeline::decodeFromSavedLatents()
{
    WAN_REQUIRE_FIXTURES();
    const auto dir = test::fixturesDir() / "wan-tiny-t2v";
    const auto ref = io::loadSafetensors(dir / "reference" / "e2e_t2v_unipc.safetensors");
    QTemporaryDir out;
    const fs::path outDir = out.path().toStdString();
    const auto latentsFile = outDir / "saved.safetensors";
    pipeline::writeLatents(latentsFile, ref.at("x0"), {{"title", "test"}});
    WAN_COMPARE_TENSORS(pipeline::readLatents(latentsFile), ref.at("x0"), 0.0);

    Request request;
    request.ckptDir = dir;
    request.outputPath = outDir / "finished.mp4";
    request.framesDir = outDir / "frames";
    Trace trace;
    EngineInternals::setTrace(m_engine, trace.callback());
    const auto result = m_engine.decodeLatents(request, latentsFile);
    EngineInternals::setTrace(m_engine, {});
    QVERIFY2(result.status == JobStatus::Done, result.error.c_str());
    QVERIFY(fs::exists(request.outputPath));
    QCOMPARE(result.frames, 9);
    WAN_COMPARE_TENSORS(trace.one("video"), ref.at("video"), 5e-4);
    WAN_COMPARE_TENSORS(trace.one("frames_u8").to(torch::kInt32), ref.at("frames_u8").to(torch::kInt32), 1);

    const auto missing = m_engine.decodeLatents(request, outDir / "nope.safetensors");
    QCOMPARE(missing.status, JobStatus::Failed);
    QCOMPARE(missing.errorKind, ErrorKind::Io);
}

// A job whose video cannot be written removes the frames it created, never files that were there before.
void TestPipeline::failedWriteKeepsExistingFiles()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir out;
    const fs::path outDir = out.path().toStdString();
    Request request;
    request.ckptDir = test::fixturesDir() / "wan-tiny-t2v";
    request.prompt = "a cat";
    request.width = 48;
    request.height = 32;
    request.frameNum = 5;
    request.steps = 2;
    request.seed = 3;
    request.device = "cpu";
    request.framesDir = outDir / "frames";
    request.outputPath = outDir / "no-such-folder" / "out.mp4"; // fails after the frames are written
    const int frames = 5;
    fs::create_directories(request.framesDir);
    const fs::path existing = request.framesDir / media::sequenceFrameName(0, frames);
    QFile old(QString::fromStdString(existing.string()));
    QVERIFY(old.open(QIODevice::WriteOnly) && old.write("an earlier render") > 0);
    old.close();

    const auto result = m_engine.run(request, {});
    QCOMPARE(result.status, JobStatus::Failed);
    QCOMPARE(result.errorKind, ErrorKind::Io);
    // The video is written after the frames: its error means all frames were written first.
    QVERIFY2(QString::fromStdString(result.error).contains(QLatin1String("no-such-folder")),
             result.error.c_str());
    QVERIFY2(fs::exists(existing), "a file that existed before the job was deleted");
    const QStringList left = QDir(QString::fromStdString(request.framesDir.string()))
                                 .entryList(QDir::Files | QDir::NoDotAndDotDot);
    QCOMPARE(left, QStringList{QString::fromStdString(existing.filename().string())});
}

void TestPipeline::jobErrors_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<int>("kind");
    QTest::newRow("missing folder") << QStringLiteral("missing folder") << int(ErrorKind::ModelFolder);
    QTest::newRow("i2v task on t2v folder")
        << QStringLiteral("i2v on t2v") << int(ErrorKind::InvalidArgument);
    QTest::newRow("t2v task on i2v folder")
        << QStringLiteral("t2v on i2v") << int(ErrorKind::InvalidArgument);
    QTest::newRow("unreadable image") << QStringLiteral("bad image") << int(ErrorKind::Image);
    QTest::newRow("size not multiple of 16") << QStringLiteral("bad size") << int(ErrorKind::InvalidArgument);
    QTest::newRow("frames not 4n+1") << QStringLiteral("bad frames") << int(ErrorKind::InvalidArgument);
    QTest::newRow("fp16 on cpu") << QStringLiteral("fp16 cpu") << int(ErrorKind::InvalidArgument);
    QTest::newRow("unknown device") << QStringLiteral("bad device") << int(ErrorKind::InvalidArgument);
}

void TestPipeline::jobErrors()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, what);
    QFETCH(int, kind);
    QTemporaryDir out;
    const fs::path outDir = out.path().toStdString();
    Request r;
    r.ckptDir = test::fixturesDir() / "wan-tiny-t2v";
    r.prompt = "x";
    r.width = 48;
    r.height = 32;
    r.frameNum = 5;
    r.steps = 2;
    r.seed = 0;
    r.outputPath = outDir / "never.mp4";
    if (what == QLatin1String("missing folder")) {
        r.ckptDir = outDir / "no-such-folder";
    } else if (what == QLatin1String("i2v on t2v")) {
        r.task = Task::I2V;
        r.image = test::fixturesDir() / "wan-tiny-i2v" / "reference" / "i2v_input.png";
    } else if (what == QLatin1String("t2v on i2v")) {
        r.ckptDir = test::fixturesDir() / "wan-tiny-i2v";
    } else if (what == QLatin1String("bad image")) {
        r.ckptDir = test::fixturesDir() / "wan-tiny-i2v";
        r.task = Task::I2V;
        r.width = 3072;
        r.height = 1;
        r.image = outDir / "not-an-image.png";
        QFile file(QString::fromStdString(r.image.string()));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is not a PNG");
    } else if (what == QLatin1String("bad size")) {
        r.width = 40;
    } else if (what == QLatin1String("bad frames")) {
        r.frameNum = 8;
    } else if (what == QLatin1String("fp16 cpu")) {
        r.precision = Precision::Float16;
    } else if (what == QLatin1String("bad device")) {
        r.device = "tpu";
    }
    const auto result = m_engine.run(r);
    QCOMPARE(result.status, JobStatus::Failed);
    QCOMPARE(int(result.errorKind), kind);
    QVERIFY(!result.error.empty());
    qInfo("%s: %s", qPrintable(what), result.error.c_str());
    QVERIFY(!fs::exists(r.outputPath));
}

void TestPipeline::geometry()
{
    // numpy float64 floor division semantics.
    QCOMPARE(pipeline::floorDivide(7.5, 2), 3.0);
    QCOMPARE(pipeline::floorDivide(-7.5, 2), -4.0);
    QCOMPARE(pipeline::floorDivide(42.93, 8), 5.0);
    const auto t2v = pipeline::textToVideoGeometry(832, 480, 81);
    QCOMPARE(t2v.latFrames, 21);
    QCOMPARE(t2v.latHeight, 60);
    QCOMPARE(t2v.latWidth, 104);
    QCOMPARE(t2v.seqLen, std::int64_t(32760));
    const auto i2v = pipeline::imageToVideoGeometry(80, 48, 3072, 9);
    QCOMPARE(i2v.height, 32);
    QCOMPARE(i2v.width, 64);
    QCOMPARE(i2v.seqLen, std::int64_t(24));
    // A 1280x720 image into the 832*480 area of the official 480p example.
    const auto wide = pipeline::imageToVideoGeometry(1280, 720, 832 * 480, 81);
    QCOMPARE(wide.latHeight, 58);
    QCOMPARE(wide.latWidth, 104);
    // A DiT with patch (1, 1, 1) (the built-in demo model): a token per latent cell, and the official I2V
    // rounding to the patch instead of to 2.
    const pipeline::Patch one{1, 1, 1};
    QCOMPARE(pipeline::textToVideoGeometry(64, 64, 9).seqLen, std::int64_t(48));
    QCOMPARE(pipeline::textToVideoGeometry(64, 64, 9, one).seqLen, std::int64_t(192));
    QCOMPARE(pipeline::textToVideoGeometry(832, 480, 81, one).seqLen, std::int64_t(21 * 60 * 104));
    const auto wideOne = pipeline::imageToVideoGeometry(1280, 720, 832 * 480, 81, one);
    QCOMPARE(wideOne.latHeight, 59);
    QCOMPARE(wideOne.latWidth, 105);
    QCOMPARE(wideOne.seqLen, std::int64_t(21 * 59 * 105));
    QCOMPARE(pipeline::sequenceLength(3, 5, 7, {1, 2, 2}), std::int64_t(27)); // ceil(35 / 4 * 3)
}

void TestPipeline::planner()
{
    // The device planner over the official 1.3B at 832x480x81 in bf16 (its own table is in
    // test_memoryplanner).
    Request r;
    r.width = 832;
    r.height = 480;
    pipeline::DeviceMemoryInput in;
    in.t5Weights = 11ull << 30;
    in.ditWeights = 3ull << 30;
    in.ditLayers = 30;
    in.ditBlockWeights = in.ditWeights / 31;
    in.ditDim = 1536;
    in.ditFfnDim = 8960;
    in.vaeWeights = 250ull << 20;
    in.vaeBytes = 2;
    in.seqLen = 32760;
    in.width = 832;
    in.height = 480;
    in.frames = 81;
    const auto plan = [&](std::uint64_t free) { return pipeline::planDevice(r, in, free).placement; };
    const auto big = plan(80ull << 30);
    QVERIFY(big.accelerator && !big.offloadModels && !big.t5OnCpu && !big.streamDitBlocks);
    const auto mid = plan(14ull << 30);
    QVERIFY(mid.offloadModels && !mid.streamDitBlocks);
    const auto lean = plan(5ull << 30); // the T5 on the CPU, the whole DiT on the GPU
    QVERIFY(lean.t5OnCpu && !lean.streamDitBlocks);
    const auto small = plan(3ull << 30);
    QVERIFY(small.t5OnCpu && small.streamDitBlocks);
    r.memory = wan::MemoryMode::T5Cpu;
    const auto forced = plan(80ull << 30);
    QVERIFY(forced.t5OnCpu && !forced.offloadModels);
    QVERIFY(!forced.description.empty());
    // The official --offload_model True alone keeps T5 on the device between offloads; with --t5_cpu not.
    r.memory = wan::MemoryMode::Offload;
    const auto offload = plan(80ull << 30);
    QVERIFY(offload.offloadModels && !offload.t5OnCpu);
    r.memory = wan::MemoryMode::OffloadT5Cpu;
    const auto least = plan(80ull << 30);
    QVERIFY(least.offloadModels && least.t5OnCpu);
}

void TestPipeline::planDetails()
{
    // The plan as values (what the app shows before Generate) on the t2v fixture, on the CPU: nothing on a
    // GPU, a host estimate that grows with the frame count, the same words as planMemory(), and the host
    // refusal when the available memory is too small.
    WAN_REQUIRE_FIXTURES();
    Request r;
    r.task = Task::T2V;
    r.ckptDir = test::fixturesDir() / "wan-tiny-t2v";
    r.device = "cpu";
    r.width = 64;
    r.height = 64;
    r.frameNum = 9;
    r.prompt = "plan";
    Engine engine;
    const MemoryPlan plan = engine.planMemoryDetails(r);
    QCOMPARE(QString::fromStdString(plan.device), QStringLiteral("cpu"));
    QCOMPARE(plan.devicePeakBytes, std::uint64_t(0));
    QVERIFY(!plan.deviceBudgetBytes);
    QVERIFY(plan.hostPeakBytes > 0);
    QVERIFY(plan.hostAvailableBytes > 0); // /proc/meminfo here
    QVERIFY(plan.refusal.empty());
    QVERIFY(!plan.streamDitBlocks && !plan.offloadModels);
    QCOMPARE(QString::fromStdString(engine.planMemory(r)), QString::fromStdString(plan.description));
    r.frameNum = 81;
    const MemoryPlan longer = engine.planMemoryDetails(r);
    QVERIFY2(longer.hostPeakBytes > plan.hostPeakBytes,
             qPrintable(QStringLiteral("%1 vs %2").arg(longer.hostPeakBytes).arg(plan.hostPeakBytes)));

    EngineInternals::setAvailableHostMemory(engine, std::uint64_t(1) << 20);
    const MemoryPlan refused = engine.planMemoryDetails(r);
    QCOMPARE(refused.hostAvailableBytes, std::uint64_t(1) << 20);
    QVERIFY(!refused.refusal.empty());
    QVERIFY2(QString::fromStdString(engine.planMemory(r)).contains(QString::fromStdString(refused.refusal)),
             refused.refusal.c_str());

    r.ckptDir = test::fixturesDir() / "wan-tiny-i2v"; // the wrong model type: the request's error
    bool threw = false;
    try {
        engine.planMemoryDetails(r);
    } catch (const Error&) {
        threw = true;
    }
    QVERIFY(threw);
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "test_pipeline.moc"
