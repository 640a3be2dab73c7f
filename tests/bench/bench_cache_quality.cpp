// What step caching costs in picture quality, on a model that makes real pictures: the built-in demo model
// (or any T2V folder) runs each prompt and seed uncached, then with TeaCache and MagCache at each preset; the
// decoded frames of every cached run are compared with the uncached run's (PSNR over all frames, mean SSIM of
// 7x7 windows on the luma), beside the DiT calls and the wall time. The demo model's DiT is too small for a
// calibration of its own: both caches use the Wan2.1 1.3B coefficients, as they would on any custom T2V
// model.
//
//   bench_cache_quality [--ckpt_dir DIR] [--steps 50] [--prompts 4] [--seeds 2] [--threads 2]

#include "BenchCommon.h"
#include "media/Png.h"
#include "wan/Pipeline.h"
#include "wan/Request.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// The frames of a PNG sequence as [T, H, W, 3] float in [0, 255].
torch::Tensor readFrames(const fs::path& dir)
{
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".png")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<torch::Tensor> frames;
    for (const auto& file : files) {
        auto image = wan::media::readPng(file);
        frames.push_back(torch::from_blob(image.rgb.data(), {image.height, image.width, 3}, torch::kUInt8)
                             .to(torch::kFloat64)
                             .clone());
    }
    return torch::stack(frames);
}

double psnr(const torch::Tensor& a, const torch::Tensor& b)
{
    const double mse = (a - b).pow(2).mean().item<double>();
    return mse <= 0.0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

// Mean SSIM (Wang et al. 2004 constants) over 7x7 windows of the luma, averaged over frames.
double ssim(const torch::Tensor& a, const torch::Tensor& b)
{
    auto luma = [](const torch::Tensor& rgb) {
        const auto c = rgb.unbind(-1);
        return (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]).unsqueeze(1); // [T, 1, H, W]
    };
    const auto x = luma(a), y = luma(b);
    auto mean = [](const torch::Tensor& t) { return torch::avg_pool2d(t, 7, 1); };
    const auto mx = mean(x), my = mean(y);
    const auto vx = mean(x * x) - mx * mx, vy = mean(y * y) - my * my, cxy = mean(x * y) - mx * my;
    const double c1 = std::pow(0.01 * 255.0, 2), c2 = std::pow(0.03 * 255.0, 2);
    const auto map = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    return map.mean().item<double>();
}

struct Setting
{
    const char* name;
    wan::StepCacheMode mode;
    wan::CachePreset preset;
};

constexpr Setting kSettings[] = {
    {"uncached", wan::StepCacheMode::Off, wan::CachePreset::Balanced},
    {"TeaCache quality", wan::StepCacheMode::TeaCache, wan::CachePreset::Quality},
    {"TeaCache balanced", wan::StepCacheMode::TeaCache, wan::CachePreset::Balanced},
    {"TeaCache fast", wan::StepCacheMode::TeaCache, wan::CachePreset::Fast},
    {"MagCache quality", wan::StepCacheMode::MagCache, wan::CachePreset::Quality},
    {"MagCache balanced", wan::StepCacheMode::MagCache, wan::CachePreset::Balanced},
    {"MagCache fast", wan::StepCacheMode::MagCache, wan::CachePreset::Fast},
};

struct Totals
{
    double calls = 0, seconds = 0, psnr = 0, ssim = 0, minPsnr = 1e9;
    int runs = 0;
};

} // namespace

int main(int argc, char** argv)
{
    fs::path folder;
    int steps = 50, prompts = 4, seeds = 2, threads = 2;
    auto usage = [] {
        std::puts("usage: bench_cache_quality [--ckpt_dir DIR] [--steps 50] [--prompts 4] [--seeds 2] "
                  "[--threads 2]");
    };
    wan::bench::ArgParser args(usage);
    std::string folderText;
    args.option("--ckpt_dir", folderText);
    args.option("--steps", steps);
    args.option("--prompts", prompts);
    args.option("--seeds", seeds);
    args.option("--threads", threads);
    args.parse(argc, argv);
    folder = folderText.empty() ? wan::builtInDemoFolder() : fs::path(folderText);
    const auto info = folder.empty() ? std::nullopt : wan::readDemoModelInfo(folder);
    torch::set_num_threads(wan::bench::threadCount(threads));
    std::vector<std::string> texts = info ? info->examplePrompts : std::vector<std::string>{};
    if (texts.empty())
        texts.push_back("a red circle moves to the right on a blue background");

    const fs::path work = fs::temp_directory_path() / "bench_cache_quality";
    fs::remove_all(work);
    wan::Engine engine;
    std::vector<Totals> totals(std::size(kSettings));
    for (int p = 0; p < prompts; ++p) {
        for (int s = 0; s < seeds; ++s) {
            torch::Tensor reference;
            for (std::size_t k = 0; k < std::size(kSettings); ++k) {
                wan::Request request;
                request.ckptDir = folder;
                if (info)
                    wan::applyDemoModel(request, *info);
                request.steps = steps;
                request.prompt = texts[std::size_t(p) % texts.size()];
                request.seed = 1 + s;
                request.device = "cpu";
                request.outputPath.clear();
                request.previewEverySteps = 0;
                request.stepCache = kSettings[k].mode;
                request.cachePreset = kSettings[k].preset;
                request.framesDir =
                    work / (std::to_string(p) + "-" + std::to_string(s) + "-" + std::to_string(k));
                const auto start = std::chrono::steady_clock::now();
                const auto result = engine.run(request);
                const double seconds = wan::bench::secondsSince(start);
                if (result.status != wan::JobStatus::Done) {
                    std::cerr << "bench_cache_quality: " << result.error << '\n';
                    return 1;
                }
                const auto frames = readFrames(request.framesDir);
                if (k == 0)
                    reference = frames;
                auto& t = totals[k];
                t.calls += result.ditCalls;
                t.seconds += seconds;
                const double q = k == 0 ? 99.0 : psnr(frames, reference);
                t.psnr += q;
                t.minPsnr = std::min(t.minPsnr, q);
                t.ssim += k == 0 ? 1.0 : ssim(frames, reference);
                ++t.runs;
            }
        }
    }
    fs::remove_all(work);
    std::printf("model %s, %d steps, CFG %.1f, %d prompts x %d seeds, %d threads\n", folder.c_str(), steps,
                info ? info->guideScale : 5.0, prompts, seeds, torch::get_num_threads());
    std::printf("\n| setting | DiT calls per clip | s per clip | PSNR dB (mean / min) | SSIM "
                "|\n|---|---|---|---|---|\n");
    for (std::size_t k = 0; k < std::size(kSettings); ++k) {
        const auto& t = totals[k];
        const double n = std::max(1, t.runs);
        if (k == 0)
            std::printf("| %s | %.1f | %.2f | reference | reference |\n", kSettings[k].name, t.calls / n,
                        t.seconds / n);
        else
            std::printf("| %s | %.1f | %.2f | %.2f / %.2f | %.4f |\n", kSettings[k].name, t.calls / n,
                        t.seconds / n, t.psnr / n, t.minPsnr, t.ssim / n);
    }
    return 0;
}
