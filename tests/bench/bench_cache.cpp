// Step caching, distilled sampling and LoRA costs on random weights with the real T2V-1.3B dims (dim 1536,
// ffn 8960, 12 heads; --layers of the 30): a denoising loop of DiT calls (CFG as two calls) with UniPC for
// 50 steps uncached, with each TeaCache and MagCache preset, and the 4-step distilled schedule; then LoRA
// merge time and the on-the-fly cost per DiT call for ranks 32, 64, 128 on every Linear of the blocks.
// Random weights only show call counts and costs, not picture quality.

#include "BenchCommon.h"
#include "dit/Lora.h"
#include "dit/WanModel.h"
#include "pipeline/StepCache.h"
#include "sampling/Scheduler.h"
#include "support/CheckpointWriter.h"
#include "wan/Error.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

namespace {

using wan::bench::secondsSince;
using Clock = std::chrono::steady_clock;

struct Args
{
    int layers = 4;
    int width = 64;
    int height = 64;
    int frames = 5;
    int steps = 50;
    int threads = 0;
    std::string loraDir = "/tmp";
    bool skipLora = false;
};

Args parseArgs(int argc, char** argv)
{
    Args a;
    wan::bench::ArgParser parser([] {
        std::printf("usage: bench_cache [--layers N] [--size WxH] [--frames N] [--steps N] [--threads N] "
                    "[--lora_dir DIR] [--skip_lora]\n");
    });
    parser.option("--layers", a.layers);
    parser.sizeOption("--size", a.width, a.height);
    parser.option("--frames", a.frames);
    parser.option("--steps", a.steps);
    parser.option("--threads", a.threads);
    parser.option("--lora_dir", a.loraDir);
    parser.flag("--skip_lora", a.skipLora);
    parser.parse(argc, argv);
    return a;
}

struct LoopResult
{
    int computed = 0;
    int cached = 0;
    int steps = 0;
    double seconds = 0.0;
    torch::Tensor x0;
};

struct Inputs
{
    torch::Tensor noise, context, contextNull;
    int64_t seqLen = 0;
};

LoopResult denoise(wan::dit::WanModel& model, const Inputs& in, wan::sampling::Scheduler& scheduler,
                   bool guided, std::optional<wan::pipeline::StepCache> cache)
{
    LoopResult r;
    auto latent = in.noise.clone();
    const auto start = Clock::now();
    const auto* timesteps = scheduler.timesteps().data_ptr<std::int64_t>();
    auto* hook = cache ? &*cache : nullptr;
    for (int k = 0; k < scheduler.numSteps(); ++k) {
        if (cache)
            cache->beginStep(k);
        const auto t = scheduler.modelTimestep(k);
        auto pred = model
                        .forward({latent}, t, {in.context}, in.seqLen, std::nullopt, std::nullopt,
                                 std::nullopt, 1.0, hook)
                        .at(0);
        r.computed += 1;
        if (guided) {
            const auto uncond = model
                                    .forward({latent}, t, {in.contextNull}, in.seqLen, std::nullopt,
                                             std::nullopt, std::nullopt, 1.0, hook)
                                    .at(0);
            r.computed += 1;
            pred = uncond + 5.0 * (pred - uncond);
        }
        latent = scheduler.step(pred, timesteps[k], latent);
    }
    r.seconds = secondsSince(start);
    if (cache) {
        cache->finish();
        r.cached = cache->cachedCalls();
        r.steps = cache->stepsSkipped();
        r.computed -= r.cached;
    }
    r.x0 = latent;
    return r;
}

std::string bytesOf(const torch::Tensor& t)
{
    const auto c = t.contiguous();
    return std::string(static_cast<const char*>(c.data_ptr()), size_t(c.numel()) * sizeof(float));
}

// A ComfyUI-layout LoRA of `rank` (alpha = rank) on every Linear of the blocks.
std::filesystem::path writeLora(wan::dit::WanModel& model, int rank, const std::string& dir)
{
    std::vector<wan::test::SafetensorsSpec> specs;
    for (const auto& item : model.named_modules("", false)) {
        auto* linear = dynamic_cast<wan::dit::LinearImpl*>(item.value().get());
        if (!linear || !item.key().starts_with("blocks."))
            continue;
        const auto a = torch::randn({rank, linear->weight.size(1)}) * 0.01;
        const auto b = torch::randn({linear->weight.size(0), rank}) * 0.01;
        const auto base = "diffusion_model." + item.key();
        specs.push_back({base + ".lora_A.weight", "F32", a.sizes().vec(), bytesOf(a)});
        specs.push_back({base + ".lora_B.weight", "F32", b.sizes().vec(), bytesOf(b)});
    }
    const auto path =
        std::filesystem::path(dir) / ("bench_cache_lora_r" + std::to_string(rank) + ".safetensors");
    std::ofstream(path, std::ios::binary) << wan::test::safetensorsFile(specs);
    return path;
}

} // namespace

int main(int argc, char** argv)
{
    const Args args = parseArgs(argc, argv);
    const int threads = wan::bench::threadCount(args.threads);
    at::set_num_threads(threads);
    c10::InferenceMode inference;
    try {
        wan::dit::WanConfig config;
        config.dim = 1536;
        config.ffnDim = 8960;
        config.numHeads = 12;
        config.numLayers = args.layers;
        config.textDim = 4096;
        auto model = std::make_shared<wan::dit::WanModel>(config);
        torch::manual_seed(0);
        wan::bench::randomFillDit(*model, double(config.dim));

        const int64_t latFrames = 1 + (args.frames - 1) / 4, latH = args.height / 8, latW = args.width / 8;
        Inputs in;
        in.seqLen = latFrames * (latH / 2) * (latW / 2);
        in.noise = torch::randn({16, latFrames, latH, latW});
        in.context = torch::randn({64, config.textDim});
        in.contextNull = torch::randn({64, config.textDim});
        std::printf(
            "WanModel T2V-1.3B dims, %d of 30 layers, CPU fp32, %d threads; %dx%d, %d frames (%lld tokens), "
            "CFG as two calls\n",
            args.layers, threads, args.width, args.height, args.frames, (long long)in.seqLen);

        struct Row
        {
            const char* name;
            wan::StepCacheMode mode;
            wan::CachePreset preset;
        };
        const Row rows[] = {
            {"uncached", wan::StepCacheMode::Off, wan::CachePreset::Balanced},
            {"teacache quality", wan::StepCacheMode::TeaCache, wan::CachePreset::Quality},
            {"teacache balanced", wan::StepCacheMode::TeaCache, wan::CachePreset::Balanced},
            {"teacache fast", wan::StepCacheMode::TeaCache, wan::CachePreset::Fast},
            {"magcache quality", wan::StepCacheMode::MagCache, wan::CachePreset::Quality},
            {"magcache balanced", wan::StepCacheMode::MagCache, wan::CachePreset::Balanced},
            {"magcache fast", wan::StepCacheMode::MagCache, wan::CachePreset::Fast},
        };
        std::printf("\n%-20s %6s %9s %8s %8s %9s %9s\n", "setting", "steps", "DiT calls", "cached", "skipped",
                    "wall s", "speedup");
        double uncachedSeconds = 0.0;
        for (const auto& row : rows) {
            wan::sampling::FlowUniPC scheduler(args.steps, 5.0);
            std::optional<wan::pipeline::StepCache> cache;
            if (row.mode != wan::StepCacheMode::Off) {
                wan::Request request;
                request.stepCache = row.mode;
                request.cachePreset = row.preset;
                cache.emplace(
                    wan::pipeline::stepCacheSettings(request, wan::pipeline::CacheCalibration::T2v1_3B),
                    args.steps);
            }
            const auto r = denoise(*model, in, scheduler, true, std::move(cache));
            if (row.mode == wan::StepCacheMode::Off)
                uncachedSeconds = r.seconds;
            std::printf("%-20s %6d %9d %8d %8d %9.1f %8.2fx\n", row.name, args.steps, r.computed, r.cached,
                        r.steps, r.seconds, uncachedSeconds / r.seconds);
            std::fflush(stdout);
        }
        {
            wan::sampling::FlowDistilled scheduler;
            const auto r = denoise(*model, in, scheduler, false, std::nullopt);
            std::printf("%-20s %6d %9d %8d %8d %9.1f %8.2fx\n", "distilled 4-step", scheduler.numSteps(),
                        r.computed, 0, 0, r.seconds, uncachedSeconds / r.seconds);
        }

        if (!args.skipLora) {
            std::printf("\n%-6s %8s %12s %14s %16s %14s\n", "rank", "modules", "merge s", "base call s",
                        "on-the-fly call s", "overhead");
            const auto t = torch::full({1}, 500, torch::kInt64);
            const auto call = [&] {
                const auto start = Clock::now();
                model->forward({in.noise}, t, {in.context}, in.seqLen);
                return secondsSince(start);
            };
            call(); // warm-up
            for (const int rank : {32, 64, 128}) {
                const auto file = writeLora(*model, rank, args.loraDir);
                wan::dit::LoraState state;
                const auto mergeStart = Clock::now();
                state.apply(model, {wan::LoraSpec{file, 1.0}}, false);
                const double mergeSeconds = secondsSince(mergeStart);
                state.apply(model, {}, false);
                const double base = std::min(call(), call());
                state.apply(model, {wan::LoraSpec{file, 1.0}}, true);
                const double adapted = std::min(call(), call());
                state.apply(model, {}, false);
                std::printf("%-6d %8d %12.2f %14.3f %16.3f %13.1f%%\n", rank, args.layers * 10, mergeSeconds,
                            base, adapted, 100.0 * (adapted - base) / base);
                std::filesystem::remove(file);
            }
            std::printf(
                "(merge time covers reading the file, mapping names and W += B A for %d blocks; it scales "
                "with the layer count)\n",
                args.layers);
        }
    } catch (const std::exception& e) {
        std::cerr << "bench_cache: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
