// A whole T2V generation on random weights with the real T2V-1.3B dims: the DiT (dim 1536, ffn 8960, 12
// heads, 30 layers) run as the pipeline does (two batch-1 calls per step for CFG, UniPC), then the VAE decode
// (random Wan2.1 VAE). Reports s/step and peak GPU memory, with or without the official offload. The umT5
// encoder is left out (random contexts of the right width): it runs once per job and its 11 GB never meet the
// DiT when offloading.
//
//   bench_generate --random-weights --device cuda --size 832*480 --frame_num 81 --sample_steps 50
//   bench_generate --random-weights --device cuda --offload_model True
//   bench_generate --random-weights --device cpu --size 256*256 --frame_num 5 --sample_steps 2 --layers 2
//   bench_generate --random-weights --device cuda --layers 2 --no-decode --preview_every 1 --count_syncs

#include "BenchCommon.h"
#include "dit/WanModel.h"
#include "pipeline/DeviceInfo.h"
#include "pipeline/Geometry.h"
#include "pipeline/MemoryPlanner.h"
#include "pipeline/PreviewReadback.h"
#include "sampling/Scheduler.h"
#include "vae/LatentPreview.h"
#include "vae/WanVae.h"
#include "wan/Error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using wan::bench::secondsSince;

namespace {

struct Args
{
    bool randomWeights = false;
    std::string device = "cuda";
    std::string precision = "bf16";
    int width = 832;
    int height = 480;
    int frames = 81;
    int steps = 50;
    double shift = 5.0;
    double guide = 5.0;
    int layers = 30;
    bool offload = false;
    bool stream = false;
    bool decode = true;
    bool tileVae = false;
    bool batchedCfg = false;
    int previewEvery = 0; // the engine's latent preview every N steps (read back as the engine does)
    bool countSyncs = false;
    std::uint64_t seed = 42;
    std::string model = "1.3B"; // DiT dims: 1.3B or 14B
    std::string json;           // also write the figures to this file
};

[[noreturn]] void usage(int code)
{
    std::cout
        << "usage: bench_generate --random-weights [--device cpu|cuda[:N]] [--precision fp32|bf16|fp16]\n"
           "                      [--size W*H] [--frame_num N] [--sample_steps N] [--layers N]\n"
           "                      [--offload_model True|False] [--stream] [--tile_vae] [--no-decode]\n"
           "                      [--batched_cfg] [--model 1.3B|14B] [--json FILE]\n"
           "                      [--preview_every N] [--count_syncs]\n"
           "Defaults: T2V-1.3B dims, cuda, bf16, 832*480, 81 frames, 50 steps, no offload.\n"
           "--layers N runs N of the model's blocks (14B: 40); --json writes the figures as one object.\n"
           "--preview_every N reads a latent preview back every N steps as the engine does; --count_syncs\n"
           "counts the host synchronisations of each step's DiT calls, sampler and preview (CUDA).\n";
    std::exit(code);
}

Args parseArgs(int argc, char** argv)
{
    Args a;
    wan::bench::ArgParser parser([] { usage(0); });
    parser.onError([](wan::bench::ArgError error, const std::string& arg) {
        if (error == wan::bench::ArgError::UnknownArgument)
            std::cerr << "bench_generate: unknown argument " << arg << "\n";
        usage(2);
    });
    parser.flag("--random-weights", a.randomWeights);
    parser.option("--device", a.device);
    parser.option("--precision", a.precision);
    parser.sizeOption("--size", a.width, a.height, "*x");
    parser.option("--frame_num", a.frames);
    parser.option("--sample_steps", a.steps);
    parser.option("--layers", a.layers);
    parser.option("--offload_model",
                  [&a](const std::string& v) { a.offload = v == "True" || v == "true" || v == "1"; });
    parser.flag("--stream", a.stream);
    parser.flag("--tile_vae", a.tileVae);
    parser.flag("--batched_cfg", a.batchedCfg);
    parser.flag("--no-decode", a.decode, false);
    parser.option("--model", a.model);
    parser.option("--json", a.json);
    parser.option("--preview_every", a.previewEvery);
    parser.flag("--count_syncs", a.countSyncs);
    const bool layersGiven = [&] {
        for (int i = 1; i < argc; ++i)
            if (std::string(argv[i]) == "--layers")
                return true;
        return false;
    }();
    parser.parse(argc, argv);
    if (a.model != "1.3B" && a.model != "14B") {
        std::cerr << "bench_generate: --model must be 1.3B or 14B\n";
        usage(2);
    }
    if (a.model == "14B" && !layersGiven)
        a.layers = 40;
    if (!a.randomWeights) {
        std::cerr << "bench_generate: only --random-weights is supported (real folders: use wan-generate)\n";
        usage(2);
    }
    return a;
}

std::string gib(std::uint64_t bytes)
{
    return wan::pipeline::formatBytes(bytes);
}

} // namespace

int main(int argc, char** argv)
{
    const Args args = parseArgs(argc, argv);
    at::set_num_threads(wan::bench::threadCount(0));
    bool failed = false;
    try {
        c10::InferenceMode inference;
        const auto device = wan::pipeline::parseDevice(args.device);
        // The CUDA context and the allocator's first block, before any model: what the driver charges the
        // process beyond LibTorch's own reservations.
        std::uint64_t contextBytes = 0;
        if (device.is_cuda()) {
            const auto touch = torch::zeros({1}, torch::TensorOptions().device(device));
            wan::pipeline::synchronize(device);
            const auto used = wan::pipeline::usedDeviceMemory(device);
            const auto reserved = wan::pipeline::reservedDeviceMemory(device);
            contextBytes = used > reserved ? used - reserved : 0;
        }
        const auto dtype = args.precision == "fp32"
                               ? torch::kFloat32
                               : (args.precision == "fp16" ? torch::kFloat16 : torch::kBFloat16);
        const auto g = wan::pipeline::textToVideoGeometry(args.width, args.height, args.frames);

        wan::dit::WanConfig config;
        const bool large = args.model == "14B";
        config.dim = large ? 5120 : 1536;
        config.ffnDim = large ? 13824 : 8960;
        config.numHeads = large ? 40 : 12;
        config.numLayers = args.layers;
        config.textDim = 4096;

        auto initStart = std::chrono::steady_clock::now();
        auto model = std::make_shared<wan::dit::WanModel>(config);
        torch::manual_seed(args.seed);
        wan::bench::randomFillDit(*model, double(config.dim));
        if (args.stream) {
            model->to(dtype);
            model->setBlockStreaming(device);
        } else {
            model->to(device, dtype);
        }
        if (dtype != torch::kFloat32)
            wan::dit::keepInFloat32(*model, &wan::dit::WanModel::keepsFloat32);
        // The VAE in the engine's math (VaePrecision::Auto) and, as the engine keeps it, in host memory until
        // it decodes.
        const auto vaeDtype = wan::pipeline::vaeDtypeFor(wan::VaePrecision::Auto, device, dtype,
                                                         wan::pipeline::deviceHasFastBf16(device));
        auto vae = wan::vae::WanVae::randomInit(wan::vae::VaeArch{}, vaeDtype, torch::kCPU, args.seed + 1);
        wan::pipeline::synchronize(device);
        std::int64_t parameters = 0;
        for (const auto& p : model->parameters())
            parameters += p.numel();
        const double initSeconds = secondsSince(initStart);
        std::printf("random T2V-%s dims: %d layers, %.2f B DiT parameters, %s %s%s%s; init %.1f s\n",
                    args.model.c_str(), args.layers, double(parameters) / 1e9, device.str().c_str(),
                    args.precision.c_str(), args.offload ? ", offload_model" : "",
                    args.stream ? ", DiT blocks streamed" : "", initSeconds);
        std::printf(
            "video %dx%d, %d frames -> latent 16x%dx%dx%d, seq_len %lld, %d steps (unipc), CFG as %s\n",
            g.width, g.height, g.frames, g.latFrames, g.latHeight, g.latWidth, (long long)g.seqLen,
            args.steps, args.batchedCfg ? "one batch-2 call per step" : "two batch-1 calls per step");

        auto generator = at::make_generator<at::CPUGeneratorImpl>(args.seed);
        auto latent = torch::randn({16, g.latFrames, g.latHeight, g.latWidth}, generator).to(device);
        const auto context = torch::randn({100, 4096}, generator).to(device);
        const auto contextNull = torch::randn({117, 4096}, generator).to(device);
        auto scheduler = wan::sampling::makeScheduler(wan::Solver::UniPC, args.steps, args.shift);
        const auto* timesteps = scheduler->timesteps().data_ptr<std::int64_t>();
        // As the engine: the timesteps stay on the host and the DiT looks their time embeddings, computed up
        // front, up by value.
        std::vector<torch::Tensor> stepTimes;
        for (int k = 0; k < scheduler->numSteps(); ++k) {
            const auto t = scheduler->modelTimestep(k);
            stepTimes.push_back(args.batchedCfg ? t.repeat({2}) : t);
        }
        model->precomputeTimeEmbeddings(stepTimes);

        wan::pipeline::synchronize(device);
        wan::pipeline::resetPeakDeviceMemory(device);
        const auto start = std::chrono::steady_clock::now();
        double firstStep = 0.0;
        std::optional<wan::pipeline::PreviewReadback> readback;
        if (args.previewEvery > 0)
            readback.emplace(device);
        // Each preview read back is shown as the engine does; the last one is compared with its source.
        int previews = 0;
        std::pair<int, torch::Tensor> started{0, {}};
        wan::pipeline::PreviewReadback::Landed lastLanded;
        const auto takePreview = [&](wan::pipeline::PreviewReadback::Landed& landed) {
            wan::vae::latentToRgb(landed.latent);
            ++previews;
            lastLanded = std::move(landed);
        };
        const bool countSyncs =
            args.countSyncs && device.is_cuda() && wan::pipeline::HostSyncCounter::supported();
        int maxSyncs = 0;
        for (int k = 0; k < scheduler->numSteps(); ++k) {
            const auto stepStart = std::chrono::steady_clock::now();
            std::optional<wan::pipeline::HostSyncCounter> syncs;
            if (countSyncs)
                syncs.emplace();
            const auto& t = stepTimes[size_t(k)];
            torch::Tensor cond, uncond;
            if (args.batchedCfg) {
                const auto out = model->forward({latent, latent}, t, {context, contextNull}, g.seqLen);
                cond = out.at(0);
                uncond = out.at(1);
            } else {
                cond = model->forward({latent}, t, {context}, g.seqLen).at(0);
                uncond = model->forward({latent}, t, {contextNull}, g.seqLen).at(0);
            }
            const auto noisePred = uncond + args.guide * (cond - uncond);
            const auto previous = latent;
            latent = scheduler->step(noisePred, timesteps[k], latent);
            if (readback && (k + 1) % args.previewEvery == 0) {
                auto x0 = previous - scheduler->sigmas()[k].item<double>() * noisePred;
                if (readback->start(k + 1, x0))
                    started = {k + 1, x0};
            }
            if (readback)
                if (auto landed = readback->poll())
                    takePreview(*landed);
            if (syncs) {
                maxSyncs = std::max(maxSyncs, syncs->count());
                syncs.reset();
            }
            wan::pipeline::synchronize(device);
            const double s = secondsSince(stepStart);
            if (k == 0)
                firstStep = s;
            std::fprintf(stderr, "\rstep %d/%d  %.2f s", k + 1, scheduler->numSteps(), s);
        }
        if (readback)
            if (auto landed = readback->finish())
                takePreview(*landed);
        const double denoise = secondsSince(start);
        model->clearTimeEmbeddings();
        // The read-back's copy is the tensor it was given (side stream ordered after the compute stream).
        const bool previewExact = previews == 0 || (lastLanded.step == started.first &&
                                                    torch::equal(lastLanded.latent, started.second.cpu()));
        failed = failed || !previewExact;
        if (readback)
            std::printf("previews: %d read back, the last one %s its source\n", previews,
                        previewExact ? "equal to" : "DIFFERENT FROM");
        if (countSyncs)
            std::printf("host synchronisations per step: at most %d\n", maxSyncs);
        const double steady =
            scheduler->numSteps() > 1 ? (denoise - firstStep) / (scheduler->numSteps() - 1) : denoise;
        std::fprintf(stderr, "\n");
        const auto peakAllocated = wan::pipeline::peakDeviceMemory(device);
        const auto peakReserved = wan::pipeline::peakReservedDeviceMemory(device);
        const bool finite = torch::isfinite(latent).all().item<bool>();
        std::printf(
            "denoise: %.1f s total, %.3f s/step (first step %.3f s, later steps %.3f s/step), peak GPU "
            "memory %s allocated, %s reserved, %s with the CUDA context; latent finite %s\n",
            denoise, denoise / scheduler->numSteps(), firstStep, steady, gib(peakAllocated).c_str(),
            gib(peakReserved).c_str(), gib(peakReserved + contextBytes).c_str(), finite ? "yes" : "NO");
        nlohmann::json report = {{"model", args.model},
                                 {"layers", args.layers},
                                 {"device", device.str()},
                                 {"precision", args.precision},
                                 {"width", g.width},
                                 {"height", g.height},
                                 {"frames", g.frames},
                                 {"steps", scheduler->numSteps()},
                                 {"offload", args.offload},
                                 {"stream", args.stream},
                                 {"batched_cfg", args.batchedCfg},
                                 {"init_s", initSeconds},
                                 {"denoise_s", denoise},
                                 {"first_step_s", firstStep},
                                 {"s_per_step", steady},
                                 {"peak_allocated_bytes", peakAllocated},
                                 {"peak_reserved_bytes", peakReserved},
                                 {"context_bytes", contextBytes},
                                 {"peak_total_bytes", peakReserved + contextBytes},
                                 {"latent_finite", finite},
                                 {"previews", previews},
                                 {"preview_exact", previewExact}};
        if (countSyncs)
            report["max_syncs_per_step"] = maxSyncs;

        if (args.offload && device.is_cuda() && !args.stream) {
            const auto moveStart = std::chrono::steady_clock::now();
            model->to(torch::kCPU);
            wan::pipeline::releaseCachedDeviceMemory();
            std::printf("offload: DiT moved to host memory in %.1f s\n", secondsSince(moveStart));
        }
        if (args.decode) {
            wan::pipeline::resetPeakDeviceMemory(device);
            const auto decodeStart = std::chrono::steady_clock::now();
            wan::vae::VaeRunOptions options;
            options.tiling.enabled = args.tileVae;
            const wan::vae::WanVae::DeviceScope onDevice(*vae, device);
            const auto video = vae->decode(latent.to(torch::kFloat32), options);
            wan::pipeline::synchronize(device);
            const double decodeSeconds = secondsSince(decodeStart);
            std::printf(
                "vae decode (%s): %.1f s, video [%lld, %lld, %lld, %lld], peak GPU memory %s reserved\n",
                c10::toString(vaeDtype), decodeSeconds, (long long)video.size(0), (long long)video.size(1),
                (long long)video.size(2), (long long)video.size(3),
                gib(wan::pipeline::peakReservedDeviceMemory(device)).c_str());
            report["vae_decode_s"] = decodeSeconds;
            report["vae_peak_reserved_bytes"] = wan::pipeline::peakReservedDeviceMemory(device);
        }
        if (!args.json.empty()) {
            std::ofstream out(args.json);
            out << report.dump(2) << "\n";
            if (!out)
                throw wan::Error(wan::ErrorKind::Io, "cannot write " + args.json);
        }
    } catch (const std::exception& e) {
        std::cerr << "bench_generate: " << e.what() << "\n";
        return 1;
    }
    return failed ? 1 : 0;
}
