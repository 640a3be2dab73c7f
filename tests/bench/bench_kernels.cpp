// The DiT's own CUDA kernels against the LibTorch formulas they replace (the fallback the CPU runs), on one
// device at the real dims: RMSNorm (bf16 and fp32 input), RMSNorm + lean RoPE + bf16 cast (self-attention's
// query/key path), LayerNorm + modulation (fp32 and bf16 out) and the lean RoPE alone. Per case: the largest
// difference, whether it is within tolerance, the median time of each and the peak device memory of each.
// Then which scaled_dot_product_attention kernel LibTorch picks for the DiT's self- and cross-attention as
// dit/Attention.cpp lays them out: bf16 must get a fused one (flash, efficient or cuDNN), never the math
// path. Exits 1 when a kernel is off tolerance or declines a case it should take, or bf16 attention falls
// back to math; 3 when the build has no kernels (the attention check still runs).
//
//   bench_kernels --device cuda:0                    # 1.3B and 14B dims, 32,760 tokens (832x480x81)
//   bench_kernels --device cuda --tokens 4096 --dims 1536x12 --repeat 5
//   bench_kernels --device cuda --rows out.jsonl     # also appends gpu_check.sh's report rows
//
// Tolerances: tests/support/KernelTolerance.h.

#include "BenchCommon.h"
#include "dit/FusedOps.h"
#include "dit/Layers.h"
#include "dit/Rope.h"
#include "pipeline/DeviceInfo.h"
#include "support/KernelTolerance.h"

#include <ATen/SDPBackend.h>
#include <ATen/ops/_fused_sdp_choice.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fused = wan::dit::fused;
using wan::bench::secondsSince;
using wan::bench::synchronize;

namespace {

struct Args
{
    std::string device = "cuda";
    int64_t tokens = 32760;
    std::string dims = "1536x12,5120x40";
    int repeat = 10;
    std::string rows;
};

void usage()
{
    std::cout
        << "usage: bench_kernels [--device cuda[:N]|cpu] [--tokens N] [--dims DIMxHEADS[,...]] [--repeat N]\n"
           "                     [--rows FILE]\n"
           "Defaults: cuda, 32760 tokens (a 21x30x52 grid: 832x480x81), dims 1536x12 (1.3B) and 5120x40 "
           "(14B), 10 timed runs.\n";
}

struct Result
{
    std::string name;
    double maxDiff = 0; // largest |own - LibTorch|
    double worst = 0;   // largest |own - LibTorch| / allowed; <= 1 passes
    double ownMs = 0;   // median
    double torchMs = 0; // median
    double ownPeakMiB = 0;
    double torchPeakMiB = 0;
    bool declined = false;
};

// Median milliseconds of `fn` over `repeat` runs after one warm-up, and the peak device memory it reserved.
std::pair<double, double> timeIt(const torch::Device& device, int repeat,
                                 const std::function<torch::Tensor()>& fn)
{
    fn();
    synchronize(device);
    wan::pipeline::resetPeakDeviceMemory(device);
    const auto before = wan::pipeline::reservedDeviceMemory(device);
    std::vector<double> ms;
    for (int i = 0; i < repeat; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const auto out = fn();
        synchronize(device);
        ms.push_back(secondsSince(start) * 1e3);
    }
    std::sort(ms.begin(), ms.end());
    const auto peak = wan::pipeline::peakReservedDeviceMemory(device);
    return {ms[ms.size() / 2], double(peak > before ? peak - before : 0) / (1 << 20)};
}

Result compare(const std::string& name, const torch::Device& device, int repeat,
               const std::function<torch::Tensor()>& own, const std::function<torch::Tensor()>& reference)
{
    Result r;
    r.name = name;
    fused::setEnabled(true);
    const auto got = own();
    if (!got.defined()) {
        r.declined = true;
        return r;
    }
    fused::setEnabled(false);
    const auto expected = reference();
    r.maxDiff = (got.to(torch::kFloat32) - expected.to(torch::kFloat32)).abs().max().item<double>();
    r.worst = wan::test::kernelOffTolerance(got, expected);
    if (got.scalar_type() != expected.scalar_type() || got.sizes() != expected.sizes())
        r.worst = 1e30;
    fused::setEnabled(true);
    std::tie(r.ownMs, r.ownPeakMiB) = timeIt(device, repeat, own);
    fused::setEnabled(false);
    std::tie(r.torchMs, r.torchPeakMiB) = timeIt(device, repeat, reference);
    fused::setEnabled(true);
    return r;
}

// A patch grid of `tokens` tokens: 21 frames when they divide, else one frame.
std::array<int64_t, 3> gridFor(int64_t tokens)
{
    if (tokens % (21 * 30) == 0)
        return {21, 30, tokens / (21 * 30)};
    return {1, 1, tokens};
}

std::vector<Result> runDims(const torch::Device& device, int64_t tokens, int64_t dim, int64_t heads,
                            int repeat)
{
    const auto opts = torch::TensorOptions().device(device);
    const int64_t headDim = dim / heads;
    const double eps = 1e-6;
    const auto grid = gridFor(tokens);
    const auto angles = wan::dit::ropeAngles(headDim);
    const auto rope = wan::dit::ropeTables(torch::cos(angles), torch::sin(angles), {grid},
                                           wan::dit::RopeMath::Lean, device);
    const auto xBf16 = (torch::randn({1, tokens, dim}, opts) * 2).to(torch::kBFloat16);
    const auto xFloat = torch::randn({1, tokens, dim}, opts) * 2 + 0.5;
    const auto weight = torch::rand({dim}, opts) + 0.5;
    const auto modulation = torch::randn({1, 6, dim}, opts) * 0.1; // the block's e chunks are views of this
    const auto scale = modulation.narrow(1, 1, 1), shift = modulation.narrow(1, 0, 1);
    wan::dit::LayerNorm norm(dim, eps, false);
    norm->to(device);

    const std::string tag = " " + std::to_string(dim) + "x" + std::to_string(heads);
    std::vector<Result> results;
    results.push_back(compare(
        "rmsNorm bf16->fp32" + tag, device, repeat, [&] { return fused::tryRmsNorm(xBf16, weight, eps); },
        [&] { return wan::dit::rmsNorm(xBf16, weight, eps); }));
    results.push_back(compare(
        "rmsNorm fp32" + tag, device, repeat, [&] { return fused::tryRmsNorm(xFloat, weight, eps); },
        [&] { return wan::dit::rmsNorm(xFloat, weight, eps); }));
    results.push_back(compare(
        "rmsNorm+rope->bf16" + tag, device, repeat,
        [&] { return fused::tryRmsNormRope(xBf16, weight, eps, heads, rope, torch::kBFloat16); },
        [&] {
            return wan::dit::applyRope(wan::dit::rmsNorm(xBf16, weight, eps).view({1, tokens, heads, -1}),
                                       rope)
                .to(torch::kBFloat16);
        }));
    for (const auto out : {torch::kFloat32, torch::kBFloat16}) {
        results.push_back(compare(
            std::string("layerNorm+modulate->") + (out == torch::kFloat32 ? "fp32" : "bf16") + tag, device,
            repeat, [&] { return fused::tryLayerNormModulate(xFloat, scale, shift, eps, out); },
            [&] { return wan::dit::normModulate(*norm, xFloat, scale, shift, out); }));
    }
    const auto pairs = xFloat[0].view({tokens, heads, headDim});
    results.push_back(compare(
        "rope fp32 in place" + tag, device, repeat,
        [&] {
            auto t = pairs.clone();
            return fused::tryRotateInPlace(t, rope.rotation[0]) ? t : torch::Tensor();
        },
        [&] { return wan::dit::applyRope(pairs.clone().unsqueeze(0), rope)[0]; }));
    return results;
}

const char* backendName(int64_t backend)
{
    switch (static_cast<at::SDPBackend>(backend)) {
    case at::SDPBackend::math:
        return "math";
    case at::SDPBackend::flash_attention:
        return "flash";
    case at::SDPBackend::efficient_attention:
        return "efficient";
    case at::SDPBackend::cudnn_attention:
        return "cudnn";
    case at::SDPBackend::overrideable:
        return "overrideable";
    default:
        return "error";
    }
}

// The SDPA kernel LibTorch picks for [1, heads, L, headDim] views of [1, L, heads, headDim] tensors (the
// transposes dit/Attention.cpp passes), self-attention (L keys) and cross-attention (512 text keys).
struct SdpaChoice
{
    std::string name;
    std::string backend;
    bool fused = false;
    bool required = false; // bf16: a fused kernel is required
};

std::vector<SdpaChoice> sdpaChoices(const torch::Device& device, int64_t tokens, int64_t dim, int64_t heads)
{
    std::vector<SdpaChoice> out;
    const int64_t headDim = dim / heads;
    for (const auto dtype : {torch::kBFloat16, torch::kFloat32}) {
        const auto opts = torch::TensorOptions().device(device).dtype(dtype);
        const auto q = torch::randn({1, tokens, heads, headDim}, opts).transpose(1, 2);
        for (const int64_t keys : {tokens, int64_t(512)}) {
            const auto k = torch::randn({1, keys, heads, headDim}, opts).transpose(1, 2);
            const auto v = torch::randn({1, keys, heads, headDim}, opts).transpose(1, 2);
            const auto backend =
                at::_fused_sdp_choice(q, k, v, {}, 0.0, false, 1.0 / std::sqrt(double(headDim)));
            SdpaChoice c;
            c.name = std::string("SDPA ") + (keys == tokens ? "self" : "cross") + " " +
                     (dtype == torch::kBFloat16 ? "bf16" : "fp32") + " " + std::to_string(dim) + "x" +
                     std::to_string(heads) + ", " + std::to_string(tokens) + " tokens";
            c.backend = backendName(backend);
            c.fused = backend > int64_t(at::SDPBackend::math);
            c.required = dtype == torch::kBFloat16;
            out.push_back(c);
        }
    }
    return out;
}

} // namespace

int run(int argc, char** argv)
{
    Args a;
    wan::bench::ArgParser parser(usage);
    parser.option("--device", a.device);
    parser.option("--tokens", a.tokens);
    parser.option("--dims", a.dims);
    parser.option("--repeat", a.repeat);
    parser.option("--rows", a.rows);
    parser.parse(argc, argv);
    const torch::Device device(a.device);
    torch::NoGradGuard noGrad;
    torch::manual_seed(18);

    std::ofstream rows;
    if (!a.rows.empty())
        rows.open(a.rows, std::ios::app);
    const auto row = [&](const std::string& name, const std::string& value, const std::string& unit,
                         const std::string& goal, const std::string& status, const std::string& note) {
        if (rows.is_open())
            rows << nlohmann::json{{"section", "kernels"}, {"name", name}, {"value", value},
                                   {"unit", unit},         {"goal", goal}, {"status", status},
                                   {"note", note}}
                        .dump()
                 << "\n";
    };

    if (device.is_cuda() && !torch::cuda::is_available()) {
        std::printf("no CUDA device is usable here (driver or GPU missing)\n");
        row("own kernels", "", "", "", "not run", "no usable CUDA device");
        return 2;
    }
    if (!device.is_cuda()) {
        std::printf(
            "the kernels take CUDA tensors only; on %s the LibTorch formulas run (nothing to compare)\n",
            a.device.c_str());
        row("own kernels", "", "", "", "not run", "device " + a.device + " is not CUDA");
        return 0;
    }
    std::vector<std::pair<int64_t, int64_t>> dimList;
    std::stringstream dims(a.dims);
    for (std::string item; std::getline(dims, item, ',');) {
        const auto x = item.find('x');
        dimList.emplace_back(std::stoll(item.substr(0, x)), std::stoll(item.substr(x + 1)));
    }

    bool failed = false;
    for (const auto& [dim, heads] : dimList) {
        for (const auto& c : sdpaChoices(device, a.tokens, dim, heads)) {
            const bool ok = c.fused || !c.required;
            failed = failed || !ok;
            std::printf("%-50s %s%s\n", c.name.c_str(), c.backend.c_str(), ok ? "" : "  (math fallback)");
            row(c.name, c.backend, "kernel", c.required ? "fused (not math)" : "",
                ok ? (c.required ? "ok" : "info") : "FAIL", "");
        }
    }

    std::printf("own CUDA kernels: %s\n",
                fused::compiled() ? ("built for " + fused::architectures()).c_str() : "not built");
    if (!fused::compiled()) {
        row("own kernels", "", "", "built", "not run", "this build has no CUDA compiler (WAN_CUDA_KERNELS)");
        return failed ? 1 : 3;
    }
    std::printf("%-34s %11s %7s %9s %9s %8s %10s %10s\n", "case", "max |diff|", "x tol", "own ms", "torch ms",
                "speed-up", "own MiB", "torch MiB");
    for (const auto& [dim, heads] : dimList) {
        for (const auto& r : runDims(device, a.tokens, dim, heads, a.repeat)) {
            if (r.declined) {
                std::printf("%-34s declined by the kernel\n", r.name.c_str());
                row(r.name, "", "", "kernel runs", "FAIL", "the kernel declined the case");
                failed = true;
                continue;
            }
            const bool ok = r.worst <= 1.0;
            failed = failed || !ok;
            std::printf("%-34s %11.3g %7.2f %9.3f %9.3f %7.2fx %10.0f %10.0f%s\n", r.name.c_str(), r.maxDiff,
                        r.worst, r.ownMs, r.torchMs, r.torchMs / r.ownMs, r.ownPeakMiB, r.torchPeakMiB,
                        ok ? "" : "  OFF TOLERANCE");
            char value[64], note[160];
            std::snprintf(value, sizeof value, "%.3f", r.ownMs);
            std::snprintf(note, sizeof note,
                          "max |diff| %.3g (%.2f x tol); LibTorch %.3f ms (%.2fx); peak %.0f vs %.0f MiB",
                          r.maxDiff, r.worst, r.torchMs, r.torchMs / r.ownMs, r.ownPeakMiB, r.torchPeakMiB);
            row(r.name + ", " + std::to_string(a.tokens) + " tokens", value, "ms", "within tol",
                ok ? "ok" : "FAIL", note);
        }
    }
    return failed ? 1 : 0;
}

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_kernels: %s\n", e.what());
        return 2;
    }
}
