// The shipped built-in demo model (resources/demo-model) makes what its prompt says: on captions of held-out
// combinations (never rendered for training), alternately English and Chinese, two seeds each, the clip
// scorer finds the background colour, the foreground colour and the motion direction often enough. Writes a
// contact sheet (one row per clip, its 9 frames side by side) and the scores beside it for people to look at.

#include "DemoTrainer.h"
#include "demo/ClipScorer.h"
#include "media/Png.h"
#include "support/PngFrames.h"
#include "vae/WanVae.h"
#include "wan/Pipeline.h"
#include "wan/Request.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <optional>

using namespace wan::demo;
namespace fs = std::filesystem;

namespace {

// Per cent of clips right that the shipped model must keep (see heldOutPromptsScore).
constexpr int kBackgroundFloor = 95;
constexpr int kForegroundFloor = 90;
constexpr int kMotionFloor = 85;
// The goal, asserted as well: background >= 95 %, shape colour >= 70 %, motion direction >= 60 %.
constexpr int kBackgroundGoal = 95;
constexpr int kForegroundGoal = 70;
constexpr int kMotionGoal = 60;

struct Case
{
    ClipSpec spec;
    Language language;
    std::int64_t seed;
};

// Up to 20 held-out combinations spread over the whole list (alternately English and Chinese), each with
// seeds 1 and 2.
std::vector<Case> heldOutCases()
{
    const auto& held = heldOutSpecs();
    std::vector<Case> cases;
    const std::size_t count = std::min<std::size_t>(20, held.size());
    for (std::size_t i = 0; i < count; ++i) {
        const ClipSpec& spec = held[i * held.size() / count];
        const Language language = i % 2 == 0 ? Language::English : Language::Chinese;
        for (const std::int64_t seed : {1, 2})
            cases.push_back({spec, language, seed});
    }
    return cases;
}

// The shipped model's request for one case (its native settings), the frames written to `framesDir`.
wan::Request demoRequest(const fs::path& folder, const wan::DemoModelInfo& info, const Case& c,
                         const fs::path& framesDir)
{
    wan::Request request;
    request.ckptDir = folder;
    wan::applyDemoModel(request, info);
    request.prompt = caption(c.spec, c.language);
    request.seed = c.seed;
    request.device = "cpu";
    request.framesDir = framesDir;
    return request;
}

} // namespace

class TestDemoModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shippedFolderDescribesItself();
    void heldOutPromptsScore();
    void vaeKeepsHeldOutClips();
    void livePreviewShowsTheClip();
};

void TestDemoModel::shippedFolderDescribesItself()
{
    const fs::path folder = wan::builtInDemoFolder();
    QVERIFY2(!folder.empty(), "no built-in demo model found (resources/demo-model/demo.json)");
    const auto info = wan::readDemoModelInfo(folder);
    QVERIFY(info.has_value());
    QCOMPARE(info->width, kClipWidth);
    QCOMPARE(info->height, kClipHeight);
    QCOMPARE(info->frameNum, kClipFrames);
    QVERIFY(!info->examplePrompts.empty());
    // The shipped folder stays small: the budget is 16 MB.
    std::uintmax_t bytes = 0;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.is_regular_file())
            bytes += entry.file_size();
    qInfo("built-in demo model: %s, %.2f MB", folder.c_str(), double(bytes) / 1e6);
    QVERIFY(bytes <= 16u * 1000u * 1000u);
    QVERIFY(heldOutCases().size() >= 30);
}

// The live preview of the demo model (its VAE's own latent-to-RGB map, latent_preview.json) shows the colours
// of the clip that comes out: the last step's preview against the decoded frames on the latent grid (frame 0,
// then the mean of each group of 4 frames; the mean of each 8x8 block).
void TestDemoModel::livePreviewShowsTheClip()
{
    const fs::path folder = wan::builtInDemoFolder();
    QVERIFY(!folder.empty());
    QVERIFY2(fs::exists(folder / "latent_preview.json"), "the demo model ships no latent_preview.json");
    const auto info = wan::readDemoModelInfo(folder);
    QVERIFY(info.has_value());
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    wan::Engine engine;
    double errorSum = 0.0;
    const auto cases = heldOutCases();
    const int runs = 6;
    for (int i = 0; i < runs; ++i) {
        const Case& c = cases[std::size_t(i) * cases.size() / runs];
        wan::Request request = demoRequest(
            folder, *info, c, fs::path(tmp.path().toStdString()) / ("preview" + std::to_string(i)));
        request.previewEverySteps = request.steps;
        std::optional<wan::PreviewImage> last;
        wan::Callbacks callbacks;
        callbacks.onPreview = [&last](const wan::PreviewImage& p) { last = p; };
        const auto result = engine.run(request, callbacks);
        QVERIFY2(result.status == wan::JobStatus::Done, result.error.c_str());
        QVERIFY(last.has_value());
        QCOMPARE(last->step, request.steps);
        const int latentFrames = (kClipFrames - 1) / 4 + 1;
        QCOMPARE(last->frames, latentFrames);
        QCOMPARE(last->height, kClipHeight / 8);
        QCOMPARE(last->width, kClipWidth / 8);
        const auto frames = wan::test::readPngFrames(request.framesDir, kClipFrames).to(torch::kFloat32);
        const auto rest =
            frames.narrow(0, 1, kClipFrames - 1).reshape({latentFrames - 1, 4, kClipHeight, kClipWidth, 3});
        const auto grouped = torch::cat({frames.narrow(0, 0, 1), rest.mean(1)}); // [F, H, W, 3]
        const auto expected =
            grouped.reshape({latentFrames, kClipHeight / 8, 8, kClipWidth / 8, 8, 3}).mean({2, 4});
        const auto shown =
            torch::from_blob(last->rgb.data(), {last->frames, last->height, last->width, 3}, torch::kUInt8)
                .to(torch::kFloat32);
        const double error = (shown - expected).abs().mean().item<double>();
        qInfo("%s: mean preview error %.1f of 255", request.prompt.c_str(), error);
        errorSum += error;
    }
    const double mean = errorSum / runs;
    qInfo("mean preview error over %d clips: %.1f of 255 levels", runs, mean);
    QVERIFY2(mean < 40.0, "the live preview does not show the clip's colours");
}

void TestDemoModel::heldOutPromptsScore()
{
    const fs::path folder = wan::builtInDemoFolder();
    QVERIFY(!folder.empty());
    const auto info = wan::readDemoModelInfo(folder);
    QVERIFY(info.has_value());
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());

    const auto cases = heldOutCases();
    wan::Engine engine;
    int background = 0, foreground = 0, motion = 0;
    QElapsedTimer timer;
    timer.start();
    const int frameBytes = kClipWidth * kClipHeight * 3;
    wan::media::RgbImage sheet;
    sheet.width = kClipWidth * kClipFrames;
    sheet.height = kClipHeight * int(cases.size());
    sheet.rgb.assign(std::size_t(sheet.width) * std::size_t(sheet.height) * 3, 0);
    std::ostringstream report;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        wan::Request request =
            demoRequest(folder, *info, c, fs::path(tmp.path().toStdString()) / ("clip" + std::to_string(i)));
        request.previewEverySteps = 0;
        const auto result = engine.run(request);
        QVERIFY2(result.status == wan::JobStatus::Done, result.error.c_str());
        const auto frames = wan::test::readPngFrames(request.framesDir, kClipFrames);
        const std::vector<std::uint8_t> rgb(frames.data_ptr<std::uint8_t>(),
                                            frames.data_ptr<std::uint8_t>() + frames.numel());
        const ClipScore score = scoreClip(rgb, kClipFrames, kClipWidth, kClipHeight);
        const bool bgOk = score.background == c.spec.background;
        const bool fgOk = score.foreground == c.spec.foreground;
        const bool motionOk = score.motion == c.spec.motion;
        background += bgOk;
        foreground += fgOk;
        motion += motionOk;
        report << i << "\tseed " << c.seed << "\t" << request.prompt << "\t-> " << score.describe() << "\t"
               << (bgOk ? "bg ok" : "bg WRONG") << ", " << (fgOk ? "fg ok" : "fg WRONG") << ", "
               << (motionOk ? "motion ok" : "motion WRONG") << "\n";
        for (int t = 0; t < kClipFrames; ++t)
            for (int y = 0; y < kClipHeight; ++y) {
                const std::uint8_t* src =
                    rgb.data() + std::size_t(t) * frameBytes + std::size_t(y) * kClipWidth * 3;
                std::uint8_t* dst =
                    sheet.rgb.data() +
                    ((std::size_t(i) * kClipHeight + y) * sheet.width + std::size_t(t) * kClipWidth) * 3;
                std::copy(src, src + kClipWidth * 3, dst);
            }
    }
    const double seconds = timer.elapsed() / 1000.0;
    const int n = int(cases.size());
    report << "background " << background << "/" << n << ", foreground " << foreground << "/" << n
           << ", motion " << motion << "/" << n << ", " << seconds / n << " s per clip\n";
    const fs::path out = fs::path(QDir::currentPath().toStdString()) / "demo-model";
    fs::create_directories(out);
    wan::media::writePng(out / "contact-sheet.png", sheet);
    std::ofstream(out / "scores.txt") << report.str();
    qInfo("%s", report.str().c_str());
    qInfo("contact sheet: %s", (out / "contact-sheet.png").c_str());

    // The shipped model gets the background and the shape's colour right in 38 of 38 clips and the motion in
    // 38 too (chance is about 1 in 7); the floors guard it against regressions with a few clips of margin;
    // raise them with each better model.
    const bool goal = background * 100 >= kBackgroundGoal * n && foreground * 100 >= kForegroundGoal * n &&
                      motion * 100 >= kMotionGoal * n;
    qInfo("goal (%d %% / %d %% / %d %%) %s", kBackgroundGoal, kForegroundGoal, kMotionGoal,
          goal ? "reached" : "not reached");
    QVERIFY2(background * 100 >= kBackgroundFloor * n, "background colour below the shipped model's floor");
    QVERIFY2(foreground * 100 >= kForegroundFloor * n, "foreground colour below the shipped model's floor");
    QVERIFY2(motion * 100 >= kMotionFloor * n, "motion direction below the shipped model's floor");
    QVERIFY2(goal, "the shipped model misses the goal");
}

// The ceiling of the whole model: the shipped VAE's own round trip of rendered held-out clips must keep what
// the scorer reads, or no DiT could get it right.
void TestDemoModel::vaeKeepsHeldOutClips()
{
    const fs::path folder = wan::builtInDemoFolder();
    QVERIFY(!folder.empty());
    const auto vae = wan::vae::WanVae::load(folder / "Wan2.1_VAE.pth", torch::kFloat32, torch::kCPU);
    const auto& held = heldOutSpecs();
    int background = 0, foreground = 0, motion = 0, n = 0;
    std::ostringstream report;
    for (std::size_t i = 0; i < held.size(); ++i) {
        const Clip clip = renderClip(held[i], 1000 + i);
        const auto video = vae->decode(vae->encode(DemoTrainer::clipTensor(clip)));
        // [3, T, H, W] in [-1, 1] -> frame-major RGB bytes
        const auto bytes =
            ((video.clamp(-1, 1) + 1) * 127.5).round().to(torch::kUInt8).permute({1, 2, 3, 0}).contiguous();
        const std::vector<std::uint8_t> rgb(bytes.data_ptr<std::uint8_t>(),
                                            bytes.data_ptr<std::uint8_t>() + bytes.numel());
        const ClipScore truth = scoreClip(clip.rgb, kClipFrames, kClipWidth, kClipHeight);
        const ClipScore score = scoreClip(rgb, kClipFrames, kClipWidth, kClipHeight);
        background += score.background == held[i].background;
        foreground += score.foreground == held[i].foreground;
        motion += score.motion == held[i].motion;
        ++n;
        report << caption(held[i], Language::English) << "\t-> " << score.describe()
               << "\t(rendered: " << truth.describe() << ")\n";
    }
    report << "VAE round trip: background " << background << "/" << n << ", foreground " << foreground << "/"
           << n << ", motion " << motion << "/" << n << "\n";
    qInfo("%s", report.str().c_str());
    QVERIFY2(background * 100 >= 95 * n, "the VAE loses the background colour");
    QVERIFY2(foreground * 100 >= 90 * n, "the VAE loses the shape's colour");
    QVERIFY2(motion * 100 >= 90 * n, "the VAE loses the motion");
}

QTEST_GUILESS_MAIN(TestDemoModel)
#include "test_demo_model.moc"
