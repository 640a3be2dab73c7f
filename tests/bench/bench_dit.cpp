// WanModel benchmark on random weights with the real T2V-1.3B dims (dim 1536, ffn 8960, 12 heads, 30 layers):
// one forward with a CFG batch of 2 and report wall time and peak RSS.
//
// Examples:
// clang-format off
//   bench_dit                                   416x240, 9 frames: latent 16x3x30x52, 1170 tokens, fp32 CPU
//   bench_dit --device cuda --dtype bf16 --size 832x480 --frames 81
//   bench_dit --layers 2 --runs 3               a quick look with fewer blocks
// clang-format on

#include "BenchCommon.h"
#include "dit/WanModel.h"
#include "wan/Error.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

using wan::bench::currentRssMiB;
using wan::bench::peakRssMiB;
using wan::bench::secondsSince;
using wan::bench::synchronize;

namespace {

struct Args
{
    std::string device = "cpu";
    std::string dtype = "f32";
    int64_t width = 416;
    int64_t height = 240;
    int64_t frames = 9;
    int64_t batch = 2;
    int64_t layers = 30;
    int64_t textTokens = 120;
    int runs = 1;
    int threads = 0;
    int64_t ffnChunk = 0; // tokens per FFN pass, 0 = all
    std::string stream;   // compute device for block streaming, empty = off
    uint64_t seed = 42;
};

void usage()
{
    std::cout
        << "usage: bench_dit [--size WxH] [--frames N] [--batch N] [--layers N] [--text-tokens N]\n"
           "                 [--device cpu|cuda[:N]] [--dtype f32|bf16] [--stream cuda[:N]] [--runs N]\n"
           "                 [--threads N] [--seed N] [--ffn-chunk TOKENS]\n"
           "Defaults: T2V-1.3B dims, 416x240, 9 frames (latent 16x3x30x52, 1170 tokens), batch 2 (CFG), "
           "f32.\n"
           "--stream keeps the blocks in host memory and streams them to that device one at a time.\n"
           "--ffn-chunk runs the blocks' FFN on that many tokens at a time (default 0: all at once).\n";
}

Args parseArgs(int argc, char** argv)
{
    Args a;
    wan::bench::ArgParser parser(usage);
    parser.option("--device", a.device);
    parser.option("--dtype", a.dtype);
    parser.sizeOption("--size", a.width, a.height);
    parser.option("--frames", a.frames);
    parser.option("--batch", a.batch);
    parser.option("--layers", a.layers);
    parser.option("--text-tokens", a.textTokens);
    parser.option("--runs", a.runs);
    parser.option("--threads", a.threads);
    parser.option("--stream", a.stream);
    parser.option("--ffn-chunk", a.ffnChunk);
    parser.option("--seed", a.seed);
    parser.parse(argc, argv);
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
        const torch::Dtype dtype = args.dtype == "bf16" ? torch::kBFloat16 : torch::kFloat32;
        if (args.dtype != "bf16" && args.dtype != "f32")
            throw wan::Error(wan::ErrorKind::InvalidArgument, "--dtype must be f32 or bf16");

        wan::dit::WanConfig config;
        config.modelType = wan::dit::WanModelType::T2v;
        config.dim = 1536;
        config.ffnDim = 8960;
        config.numHeads = 12;
        config.numLayers = args.layers;
        config.freqDim = 256;
        config.textDim = 4096;
        config.inDim = 16;
        config.outDim = 16;
        config.textLen = 512;

        const auto initStart = std::chrono::steady_clock::now();
        auto model = std::make_shared<wan::dit::WanModel>(config);
        torch::manual_seed(args.seed);
        wan::bench::randomFillDit(*model, double(config.dim));
        if (args.stream.empty()) {
            model->to(device, dtype);
        } else {
            model->to(dtype); // blocks stay in host memory
            model->setBlockStreaming(torch::Device(args.stream));
        }
        if (dtype != torch::kFloat32)
            wan::dit::keepInFloat32(*model, &wan::dit::WanModel::keepsFloat32);
        model->setFfnChunkTokens(args.ffnChunk);
        synchronize(device);
        int64_t parameters = 0;
        for (const auto& p : model->parameters())
            parameters += p.numel();
        const double initSeconds = secondsSince(initStart);

        const int64_t latentFrames = 1 + (args.frames - 1) / 4;
        const int64_t latentH = args.height / 8, latentW = args.width / 8;
        const int64_t seqLen = latentFrames * (latentH / 2) * (latentW / 2);
        auto generator = at::make_generator<at::CPUGeneratorImpl>(args.seed + 1);
        std::vector<torch::Tensor> x, context;
        for (int64_t b = 0; b < args.batch; ++b) {
            x.push_back(torch::randn({16, latentFrames, latentH, latentW}, generator));
            context.push_back(torch::randn({args.textTokens, config.textDim}, generator));
        }
        const auto t = torch::full({args.batch}, 999, torch::kInt64);

        std::printf("WanModel T2V-1.3B dims, %lld layers, %.2f B parameters; %s %s%s, %d threads\n",
                    (long long)config.numLayers, double(parameters) / 1e9, args.device.c_str(),
                    args.dtype.c_str(),
                    args.stream.empty() ? "" : (", blocks streamed to " + args.stream).c_str(), threads);
        std::printf("video %lldx%lld, %lld frames -> latent 16x%lldx%lldx%lld, %lld tokens, batch %lld\n",
                    (long long)args.width, (long long)args.height, (long long)args.frames,
                    (long long)latentFrames, (long long)latentH, (long long)latentW, (long long)seqLen,
                    (long long)args.batch);
        std::printf("init %.1f s, RSS after init %.0f MiB\n", initSeconds, currentRssMiB());
        std::printf("RoPE %s; FFN on %s\n",
                    model->ropeMath() == wan::dit::RopeMath::Exact ? "exact (float64)"
                                                                   : "lean (float32, in place)",
                    args.ffnChunk > 0 ? (std::to_string(args.ffnChunk) + " tokens at a time").c_str()
                                      : "all tokens at once");

        for (int run = 0; run < args.runs; ++run) {
            synchronize(device);
            const auto start = std::chrono::steady_clock::now();
            const auto out = model->forward(x, t, context, seqLen);
            synchronize(device);
            const double seconds = secondsSince(start);
            const double absMean = out[0].abs().mean().item<double>();
            std::printf("forward %d: %.2f s  (output mean |x| %.4g, finite %s)  peak RSS so far %.0f MiB\n",
                        run + 1, seconds, absMean, std::isfinite(absMean) ? "yes" : "NO", peakRssMiB());
        }
        if (device.is_cuda()) {
            std::printf("note: CUDA memory is not in RSS; use nvidia-smi or the caching allocator stats\n");
        }
        std::printf("peak RSS: %.0f MiB\n", peakRssMiB());
    } catch (const std::exception& e) {
        std::cerr << "bench_dit: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
