// WanModel benchmark on random weights with the real T2V-1.3B dims (dim 1536, ffn 8960, 12 heads, 30 layers):
// one forward with a CFG batch of 2 and report wall time and peak RSS.
//
//   bench_dit                                           # 416x240, 9 frames: latent 16x3x30x52, 1170 tokens,
//   fp32 CPU bench_dit --device cuda --dtype bf16 --size 832x480 --frames 81 bench_dit --layers 2 --runs 3 #
//   a quick look with fewer blocks

#include "dit/WanModel.h"
#include "wan/Error.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

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
    std::string stream; // compute device for block streaming, empty = off
    uint64_t seed = 42;
};

void usage()
{
    std::cout
        << "usage: bench_dit [--size WxH] [--frames N] [--batch N] [--layers N] [--text-tokens N]\n"
           "                 [--device cpu|cuda[:N]] [--dtype f32|bf16] [--stream cuda[:N]] [--runs N]\n"
           "                 [--threads N] [--seed N]\n"
           "Defaults: T2V-1.3B dims, 416x240, 9 frames (latent 16x3x30x52, 1170 tokens), batch 2 (CFG), "
           "f32.\n"
           "--stream keeps the blocks in host memory and streams them to that device one at a time.\n";
}

Args parseArgs(int argc, char** argv)
{
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--device")
            a.device = value();
        else if (arg == "--dtype")
            a.dtype = value();
        else if (arg == "--size") {
            const std::string v = value();
            const auto x = v.find('x');
            if (x == std::string::npos) {
                usage();
                std::exit(2);
            }
            a.width = std::stoll(v.substr(0, x));
            a.height = std::stoll(v.substr(x + 1));
        } else if (arg == "--frames")
            a.frames = std::stoll(value());
        else if (arg == "--batch")
            a.batch = std::stoll(value());
        else if (arg == "--layers")
            a.layers = std::stoll(value());
        else if (arg == "--text-tokens")
            a.textTokens = std::stoll(value());
        else if (arg == "--runs")
            a.runs = std::stoi(value());
        else if (arg == "--threads")
            a.threads = std::stoi(value());
        else if (arg == "--stream")
            a.stream = value();
        else if (arg == "--seed")
            a.seed = std::stoull(value());
        else {
            usage();
            std::exit(arg == "--help" || arg == "-h" ? 0 : 2);
        }
    }
    return a;
}

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // KiB on Linux
}

double currentRssMiB()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

void synchronize(const torch::Device& device)
{
    if (device.is_cuda())
        torch::cuda::synchronize(device.index() < 0 ? 0 : device.index());
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Weights of a plausible scale: small random matrices, unit norm scales, modulation ~ N(0, 1/dim).
void randomFill(wan::dit::WanModel& model, uint64_t seed)
{
    torch::NoGradGuard noGrad;
    torch::manual_seed(seed);
    const double dimScale = 1.0 / std::sqrt(double(model.config().dim));
    for (auto& item : model.named_parameters()) {
        const auto& name = item.key();
        auto& p = item.value();
        const bool isBias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
        if (isBias)
            p.zero_();
        else if (name.find("norm") != std::string::npos || name.rfind("img_emb.proj.0.", 0) == 0 ||
                 name.rfind("img_emb.proj.4.", 0) == 0)
            p.fill_(1.0);
        else if (name.find("modulation") != std::string::npos)
            p.normal_(0.0, dimScale);
        else
            p.normal_(0.0, 0.02);
    }
}

} // namespace

int main(int argc, char** argv)
{
    const Args args = parseArgs(argc, argv);
    const int threads =
        args.threads > 0 ? args.threads : int(std::max(1u, std::thread::hardware_concurrency()));
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
        randomFill(*model, args.seed);
        if (args.stream.empty()) {
            model->to(device, dtype);
        } else {
            model->to(dtype); // blocks stay in host memory
            model->setBlockStreaming(torch::Device(args.stream));
        }
        if (dtype != torch::kFloat32)
            wan::dit::keepInFloat32(*model, &wan::dit::WanModel::keepsFloat32);
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
