// Wan2.1 VAE benchmark on random weights with the real dims (base dim 96, z_dim 16): decode (or encode) one
// video untiled or tiled and report wall time, peak RSS and, on a GPU, peak reserved device memory. Run each
// mode in its own process so the peaks are separate; --mode compare runs both in one process and prints how
// far tiled is from untiled.
//
//   bench_vae --mode untiled                  # decode a 240x416, 17-frame video's latent (16x5x30x52)
//   bench_vae --mode tiled --tile 128 --overlap 32
//   bench_vae --mode compare --size 480x832 --frames 5
//   bench_vae --device cuda --dtype bf16      # or fp16; WAN_CUDNN_BENCHMARK=0 keeps cuDNN's search off

#include "BenchCommon.h"
#include "pipeline/DeviceInfo.h"
#include "vae/WanVae.h"
#include "wan/Error.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

using wan::bench::currentRssMiB;
using wan::bench::peakRssMiB;
using wan::bench::secondsSince;
using wan::bench::synchronize;

namespace {

struct Args
{
    std::string mode = "untiled"; // untiled | tiled | compare
    std::string op = "decode";    // decode | encode
    std::string device = "cpu";
    std::string dtype = "f32";
    int64_t height = 240;
    int64_t width = 416;
    int64_t frames = 17;
    int tile = 256;
    int overlap = 64;
    int64_t dim = 96;
    int threads = 0;
    uint64_t seed = 42;
};

void usage()
{
    std::cout
        << "usage: bench_vae [--mode untiled|tiled|compare] [--op decode|encode] [--size HxW] [--frames N]\n"
           "                 [--tile PX] [--overlap PX] [--dim N] [--device cpu|cuda[:N]] [--dtype "
           "f32|bf16|fp16]\n"
           "                 [--threads N] [--seed N]\n"
           "Defaults: decode of a 240x416, 17-frame video (latent 16x5x30x52), base dim 96, tile 256/64 "
           "px.\n";
}

Args parseArgs(int argc, char** argv)
{
    Args a;
    wan::bench::ArgParser parser(usage);
    parser.option("--mode", a.mode);
    parser.option("--op", a.op);
    parser.option("--device", a.device);
    parser.option("--dtype", a.dtype);
    parser.sizeOption("--size", a.height, a.width);
    parser.option("--frames", a.frames);
    parser.option("--tile", a.tile);
    parser.option("--overlap", a.overlap);
    parser.option("--dim", a.dim);
    parser.option("--threads", a.threads);
    parser.option("--seed", a.seed);
    parser.parse(argc, argv);
    if (a.dtype != "f32" && a.dtype != "fp32" && a.dtype != "bf16" && a.dtype != "fp16") {
        std::cerr << "bench_vae: --dtype must be f32, bf16 or fp16, not '" << a.dtype << "'\n";
        std::exit(2);
    }
    return a;
}

} // namespace

int main(int argc, char** argv)
{
    const Args args = parseArgs(argc, argv);
    const int threads = wan::bench::threadCount(args.threads);
    at::set_num_threads(threads);
    try {
        const torch::Device device(args.device);
        const torch::Dtype dtype = args.dtype == "bf16"   ? torch::kBFloat16
                                   : args.dtype == "fp16" ? torch::kFloat16
                                                          : torch::kFloat32;
        wan::vae::VaeArch arch;
        arch.dim = args.dim;
        auto vae = wan::vae::WanVae::randomInit(arch, dtype, device, args.seed);
        const double rssModel = currentRssMiB();

        const int64_t latentFrames = 1 + (args.frames - 1) / 4;
        auto generator = at::make_generator<at::CPUGeneratorImpl>(args.seed + 1);
        const torch::Tensor input =
            args.op == "encode"
                ? torch::rand({3, args.frames, args.height, args.width}, generator).mul_(2.0).sub_(1.0)
                : torch::randn({16, latentFrames, args.height / 8, args.width / 8}, generator);
        std::printf(
            "%s %s: video %lldx%lld, %lld frames, latent 16x%lldx%lldx%lld, dim %lld, %s %s, %d threads, "
            "tile %d px overlap %d px\n",
            args.op.c_str(), args.mode.c_str(), (long long)args.height, (long long)args.width,
            (long long)args.frames, (long long)latentFrames, (long long)args.height / 8,
            (long long)args.width / 8, (long long)args.dim, args.device.c_str(), args.dtype.c_str(), threads,
            args.tile, args.overlap);
        std::printf("RSS after model init: %.0f MiB\n", rssModel);

        auto run = [&](bool tiled) {
            wan::vae::VaeRunOptions options;
            options.tiling = {tiled, args.tile, args.overlap};
            int chunks = 0;
            options.progress = [&](int done, int total) {
                chunks = total;
                std::fprintf(stderr, "\r  chunk %d/%d", done, total);
            };
            synchronize(device);
            wan::pipeline::releaseCachedDeviceMemory();
            wan::pipeline::resetPeakDeviceMemory(device);
            const auto start = std::chrono::steady_clock::now();
            torch::Tensor out =
                args.op == "encode" ? vae->encode(input, options) : vae->decode(input, options);
            synchronize(device);
            const double seconds = secondsSince(start);
            std::fprintf(stderr, "\n");
            std::printf("%-8s %8.2f s  (%d chunks)  peak RSS so far %.0f MiB  output %s\n",
                        tiled ? "tiled" : "untiled", seconds, chunks, peakRssMiB(),
                        c10::str(out.sizes()).c_str());
            if (device.is_cuda())
                std::printf("peak reserved device memory: %.0f MiB (fp32 reruns: %d)\n",
                            double(wan::pipeline::peakReservedDeviceMemory(device)) / double(1 << 20),
                            vae->float32Reruns());
            return out.to(torch::kCPU);
        };

        if (args.mode == "compare") {
            const torch::Tensor whole = run(false);
            const torch::Tensor tiled = run(true);
            const torch::Tensor diff = (tiled - whole).abs();
            std::printf("tiled vs untiled: max abs %.4g, mean abs %.4g, rms %.4g (untiled mean abs %.4g)\n",
                        diff.max().item<double>(), diff.mean().item<double>(),
                        diff.pow(2).mean().sqrt().item<double>(), whole.abs().mean().item<double>());
        } else if (args.mode == "untiled" || args.mode == "tiled") {
            run(args.mode == "tiled");
        } else {
            usage();
            return 2;
        }
        std::printf("peak RSS: %.0f MiB\n", peakRssMiB());
    } catch (const std::exception& e) {
        std::cerr << "bench_vae: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
