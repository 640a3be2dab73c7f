// The demo model's trainer (app/wan-train) at CI size: the renderer and the scorer agree, a few steps lower
// the losses, a run split by a resume is bit-identical to an uninterrupted one, and the exported folder
// generates through the normal engine.

#include "DemoTrainer.h"
#include "demo/ClipScorer.h"
#include "io/TensorIo.h"
#include "support/PngFrames.h"
#include "text/Tokenizer.h"
#include "vae/LatentPreview.h"
#include "wan/Pipeline.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <iterator>

using namespace wan::demo;
namespace fs = std::filesystem;

namespace {

TrainOptions tinyOptions(const fs::path& work)
{
    TrainOptions o;
    o.workDir = work;
    o.threads = 1; // ctest runs two tests at once on two cores: no oversubscription
    o.vaeSteps = 2;
    o.vaeBatch = 1;
    o.vaeWarmup = 1;
    o.vaeEvalClips = 1;
    o.foldClips = 2;
    o.latentClips = 4;
    o.ditSteps = 16;
    o.ditBatch = 4;
    o.ditWarmup = 2;
    o.ditLr = 2e-3;
    o.logEverySteps = 8;
    return o;
}

std::string fileBytes(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every tensor of both checkpoints equal bit for bit; names the first difference.
void compareCheckpoints(const fs::path& a, const fs::path& b)
{
    const auto x = DemoTrainer::readCheckpoint(a);
    const auto y = DemoTrainer::readCheckpoint(b);
    QCOMPARE(x.size(), y.size());
    QVERIFY(!x.empty());
    for (const auto& [name, t] : x) {
        const auto it = y.find(name);
        QVERIFY2(it != y.end(), name.c_str());
        QVERIFY2(torch::equal(t, it->second), (name + ": max abs difference " +
                                               std::to_string((t - it->second).abs().max().item<double>()))
                                                  .c_str());
    }
}

} // namespace

class TestDemoTrain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rendererIsDeterministicWithHeldOutCombinations();
    void scorerRecoversRenderedClips();
    void scorerFindsNoForegroundOnPlainClip();
    void trainResumeExportGenerate();
    void ditOnlyRunTakesTextAndVae();
};

void TestDemoTrain::rendererIsDeterministicWithHeldOutCombinations()
{
    const auto& held = heldOutSpecs();
    QVERIFY(held.size() >= 10);
    QCOMPARE(trainingSpecs().size() + held.size(), allSpecs().size());
    for (const auto& spec : trainingSpecs())
        QVERIFY(!isHeldOut(spec));
    const ClipSpec spec = trainingSpecs().at(7);
    QVERIFY(renderClip(spec, 42).rgb == renderClip(spec, 42).rgb);
    QVERIFY(renderClip(spec, 42).rgb != renderClip(spec, 43).rgb);
    QCOMPARE(QString::fromStdString(caption({0, 0, 2, 0}, Language::English)),
             QStringLiteral("a red circle moves to the right on a blue background"));
    QCOMPARE(QString::fromStdString(caption({0, 0, 2, 0}, Language::Chinese)),
             QStringLiteral("蓝色背景上一个红色的圆形向右移动"));
}

void TestDemoTrain::scorerRecoversRenderedClips()
{
    // Every held-out combination and every 5th training one, each with its own jitter seed.
    std::vector<ClipSpec> specs = heldOutSpecs();
    for (size_t i = 0; i < trainingSpecs().size(); i += 5)
        specs.push_back(trainingSpecs()[i]);
    int checked = 0;
    for (size_t i = 0; i < specs.size(); ++i) {
        const auto& spec = specs[i];
        const Clip clip = renderClip(spec, 1000 + i);
        const ClipScore score = scoreClip(clip.rgb, kClipFrames, kClipWidth, kClipHeight);
        const std::string what = caption(spec, Language::English) + " -> " + score.describe();
        QVERIFY2(score.background == spec.background, what.c_str());
        QVERIFY2(score.foreground == spec.foreground, what.c_str());
        QVERIFY2(score.motion == spec.motion, what.c_str());
        ++checked;
    }
    QVERIFY(checked > 100);
}

void TestDemoTrain::scorerFindsNoForegroundOnPlainClip()
{
    std::vector<std::uint8_t> plain(size_t(kClipFrames) * kClipWidth * kClipHeight * 3);
    for (size_t i = 0; i < plain.size(); i += 3) {
        plain[i] = 40;
        plain[i + 1] = 170;
        plain[i + 2] = 60;
    }
    const ClipScore score = scoreClip(plain, kClipFrames, kClipWidth, kClipHeight);
    QCOMPARE(score.background, 1); // green
    QCOMPARE(score.foreground, -1);
    QCOMPARE(score.motion, -1);
}

void TestDemoTrain::trainResumeExportGenerate()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path root = tmp.path().toStdString();
    QElapsedTimer timer;
    timer.start();

    // A: one uninterrupted run of every phase.
    const TrainOptions a = tinyOptions(root / "a");
    PhaseResult vaeA, ditA;
    {
        DemoTrainer trainer(a);
        trainer.prepareText();
        vaeA = trainer.trainVae();
        trainer.encodeLatents();
        ditA = trainer.trainDit();
    }
    QVERIFY(vaeA.complete);
    QVERIFY(ditA.complete);
    qInfo("VAE eval PSNR %.2f -> %.2f dB in %d steps; DiT eval loss %.4f -> %.4f (EMA) in %d steps, %.3f "
          "s/step",
          vaeA.evalBefore, vaeA.evalAfter, vaeA.endStep, ditA.evalBefore, ditA.evalAfter, ditA.endStep,
          ditA.secondsPerStep);
    QVERIFY2(vaeA.evalAfter > vaeA.evalBefore, "VAE PSNR did not improve");
    QVERIFY2(ditA.evalAfter < 0.95 * ditA.evalBefore, "DiT loss did not decrease by 5 %");

    // B: the same run split in two sittings of each training phase, each resumed by a new trainer.
    TrainOptions b = tinyOptions(root / "b");
    {
        b.vaeStopStep = 1;
        DemoTrainer first(b);
        first.prepareText();
        QVERIFY(!first.trainVae().complete);
    }
    {
        b.vaeStopStep = -1;
        b.ditStopStep = b.ditSteps / 2;
        DemoTrainer second(b);
        QVERIFY(second.trainVae().complete);
        second.encodeLatents();
        const auto half = second.trainDit();
        QVERIFY(!half.complete);
        QCOMPARE(half.endStep, b.ditSteps / 2);
    }
    {
        b.ditStopStep = -1;
        DemoTrainer third(b);
        const auto rest = third.trainDit();
        QVERIFY(rest.complete);
        QCOMPARE(rest.startStep, b.ditSteps / 2);
    }
    compareCheckpoints(root / "a" / "vae.ckpt", root / "b" / "vae.ckpt");
    compareCheckpoints(root / "a" / "dit.ckpt", root / "b" / "dit.ckpt");
    for (const char* file : {"Wan2.1_VAE.pth", "models_t5_umt5-xxl-enc-bf16.pth",
                             "diffusion_pytorch_model.safetensors", "config.json"})
        QVERIFY2(fileBytes(root / "a" / "model" / file) == fileBytes(root / "b" / "model" / file), file);
    // spiece.model records its training paths, so the tokenizers are compared by what they do.
    const wan::text::Tokenizer tokA(wan::text::Tokenizer::modelPathIn(root / "a" / "model"));
    const wan::text::Tokenizer tokB(wan::text::Tokenizer::modelPathIn(root / "b" / "model"));
    for (const auto& spec : heldOutSpecs())
        for (const auto language : {Language::English, Language::Chinese}) {
            const auto ids = tokA.encode(caption(spec, language));
            QVERIFY(ids == tokB.encode(caption(spec, language)));
            // Caption words are single pieces: a caption is a handful of tokens, never spelled out.
            QVERIFY2(ids.size() <= 16, caption(spec, language).c_str());
        }
    QVERIFY(fileBytes(root / "a" / "latents.safetensors") == fileBytes(root / "b" / "latents.safetensors"));

    // The exported folder through the engine's strict .pth reader and the whole T2V pipeline.
    const auto vaeWeights = wan::io::loadPth(root / "a" / "model" / "Wan2.1_VAE.pth");
    QVERIFY(vaeWeights.count("encoder.conv1.weight") == 1);
    wan::Request request;
    request.task = wan::Task::T2V;
    request.ckptDir = root / "a" / "model";
    request.prompt = "a red circle moves to the right on a blue background";
    request.width = kClipWidth;
    request.height = kClipHeight;
    request.frameNum = kClipFrames;
    request.steps = 10;
    request.shift = 3.0;
    request.seed = 7;
    request.device = "cpu";
    request.framesDir = root / "frames";
    request.previewEverySteps = 0;
    wan::Engine engine;
    const auto result = engine.run(request);
    QVERIFY2(result.status == wan::JobStatus::Done, result.error.c_str());
    QCOMPARE(result.frames, kClipFrames);
    QCOMPARE(result.ditCalls, 20);
    const auto frames = wan::test::readPngFrames(request.framesDir, kClipFrames);
    QCOMPARE(frames.size(1), int64_t(kClipHeight));
    const std::vector<std::uint8_t> rgb(frames.data_ptr<std::uint8_t>(),
                                        frames.data_ptr<std::uint8_t>() + frames.numel());
    const ClipScore score = scoreClip(rgb, kClipFrames, kClipWidth, kClipHeight);
    QVERIFY(score.background >= 0);
    qInfo("untrained clip: %s; whole test %.1f s", score.describe().c_str(), timer.elapsed() / 1000.0);
}

// --text-and-vae-from: a second DiT (here with patch 1: a token per latent cell) for a finished model's text
// encoder and VAE, which are copied unchanged; the text and VAE phases do not run.
void TestDemoTrain::ditOnlyRunTakesTextAndVae()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path root = tmp.path().toStdString();
    {
        TrainOptions a = tinyOptions(root / "a");
        a.ditSteps = 2;
        DemoTrainer(a).run();
    }
    TrainOptions c = tinyOptions(root / "c");
    c.textAndVaeFrom = root / "a" / "model";
    c.ditPatch = 1;
    c.ditForegroundWeight = 4.0; // the shape's latent cells weighted in the DiT loss
    DemoTrainer(c).run();
    QVERIFY(!fs::exists(root / "c" / "vae.ckpt"));
    QVERIFY(!fs::exists(root / "c" / "tokenizer"));
    for (const char* file :
         {"Wan2.1_VAE.pth", "models_t5_umt5-xxl-enc-bf16.pth", "google/umt5-xxl/spiece.model",
          "google/umt5-xxl/tokenizer_config.json", "latent_preview.json"})
        QVERIFY2(fileBytes(root / "a" / "model" / file) == fileBytes(root / "c" / "model" / file), file);
    // The full run fitted its VAE's preview map, and the engine reads it.
    QVERIFY(wan::vae::readLatentRgbProjection(root / "a" / "model").has_value());
    QVERIFY(fileBytes(root / "c" / "model" / "config.json").find("\"patch_size\": [1, 1, 1]") !=
            std::string::npos);

    wan::Request request;
    request.ckptDir = root / "c" / "model";
    request.prompt = "a red circle moves to the right on a blue background";
    request.width = kClipWidth;
    request.height = kClipHeight;
    request.frameNum = kClipFrames;
    request.steps = 2;
    request.seed = 3;
    request.device = "cpu";
    request.framesDir = root / "frames";
    request.previewEverySteps = 0;
    const auto result = wan::Engine().run(request);
    QVERIFY2(result.status == wan::JobStatus::Done, result.error.c_str());
    QCOMPARE(result.frames, kClipFrames);

    // A folder without a VAE is refused by name before anything is trained.
    fs::remove(root / "a" / "model" / "Wan2.1_VAE.pth");
    TrainOptions d = tinyOptions(root / "d");
    d.textAndVaeFrom = root / "a" / "model";
    try {
        DemoTrainer(d).run();
        QFAIL("a folder without Wan2.1_VAE.pth was taken");
    } catch (const std::exception& e) {
        QVERIFY2(std::string(e.what()).find("Wan2.1_VAE.pth does not exist") != std::string::npos, e.what());
    }
    QVERIFY(!fs::exists(root / "d" / "dit.ckpt"));
}

QTEST_GUILESS_MAIN(TestDemoTrain)
#include "test_demo_train.moc"
