#pragma once
// Where each model lives during a job, chosen from free memory before the job starts (pure logic, no torch).

#include "wan/Pipeline.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace wan::pipeline {

struct Placement
{
    bool accelerator = false;   // false: everything on the CPU
    bool t5OnCpu = false;       // the official --t5_cpu
    bool offloadModels = false; // the official --offload_model: models go back to host memory between stages
    bool streamDitBlocks = false; // DiT blocks copied to the device one at a time
    bool tileVae = false;
    int vaeTilePx = 0;               // tile edge in pixels when tileVae (vae::TilingOptions::tileSizePx)
    std::int64_t ffnChunkTokens = 0; // > 0: the DiT's feed-forward runs over this many tokens at a time
    std::string description;         // for Result::placement and the log
};

// The VAE tile edges the planner tries, largest (fewest tiles, fastest) first; the default when tiling is
// forced without a memory figure to choose by.
inline constexpr int kVaeTileSizesPx[] = {512, 384, 256, 192, 128};
inline constexpr int kDefaultVaeTilePx = 256;
// The tokens per feed-forward pass when the planner chunks it (the GEMMs stay large enough to run at speed).
inline constexpr std::int64_t kFfnChunkTokens = 8192;
// The blend band between neighbouring tiles: a quarter of the edge, a multiple of 8 (64 for 256).
constexpr int vaeTileOverlapPx(int tilePx)
{
    return std::max(8, tilePx / 4 / 8 * 8);
}

std::string formatBytes(std::uint64_t bytes);

// ---- Device (GPU) memory
// Per-stage estimates of what a CUDA job keeps on the device. Weights come from the files' parameter counts
// and the dtypes the engine keeps them in; activations from the DiT's dims and the job's geometry. The DiT's
// terms follow its block per token: the float32 residual stream, updated in place, plus the largest branch:
// self-attention (the modulated norm, q, k, v and the attention output in the compute dtype; an fp32 model,
// the parity mode, also applies RoPE in float64 with about five temporaries of q's size), cross-attention
// (norm3's and RMSNorm's float32 outputs, q and the attention output) or the feed-forward (the hidden layer,
// GELU in place, beside its input or its output; over ffnChunkTokens at a time when chunked). The VAE's
// terms are the decoder's causal caches (two frames per convolution at every resolution: about 9.3 KB per
// output pixel in float32) plus one chunk's working set. They are estimates, not measurements. The VAE's
// weights are on the device only while it encodes or decodes (the engine parks it in host memory otherwise).
struct DeviceMemoryInput
{
    std::uint64_t ditWeights = 0;      // as kept on the device
    std::uint64_t ditBlockWeights = 0; // one transformer block (streaming keeps two on the device)
    std::uint64_t t5Weights = 0;
    std::uint64_t vaeWeights = 0;
    std::uint64_t clipWeights = 0; // 0 for tasks without CLIP
    int ditLayers = 0;
    int ditDim = 0;
    int ditFfnDim = 0;
    int computeBytes = 2;    // element size of the DiT's activations: 2 (bf16/fp16) or 4 (fp32)
    int vaeBytes = 4;        // element size of the VAE's activations
    std::int64_t seqLen = 0; // DiT tokens per sample
    int textLen = 512;       // text tokens of the cross-attention context
    bool batchedCfg = false; // cond and uncond in one DiT call
    int width = 0;           // decoded video pixels
    int height = 0;
    int frames = 1;
    bool encodesVideo = false; // i2v/flf2v/vace: a VAE encode before denoising
    std::uint64_t runtime = kCudaRuntimeBytes;

    static constexpr std::uint64_t kCudaRuntimeBytes = 600ull << 20; // CUDA context, cuBLAS/cuDNN workspaces
};

struct DeviceMemoryEstimate
{
    std::uint64_t runtime = 0;
    std::uint64_t textStage = 0;      // text (and image) encoding
    std::uint64_t denoiseStage = 0;   // one DiT call with what stays resident meanwhile
    std::uint64_t decodeStage = 0;    // VAE decode (and encode) with what stays resident meanwhile
    std::uint64_t ditActivations = 0; // part of denoiseStage
    std::uint64_t vaeWorkingSet = 0;  // part of decodeStage

    std::uint64_t peak() const { return runtime + std::max({textStage, denoiseStage, decodeStage}); }
    // "text encoding 11.2 GiB, denoising 6.1 GiB (activations 2.7 GiB), decoding 1.4 GiB, runtime 600 MiB"
    std::string breakdown() const;
};

DeviceMemoryEstimate estimateDeviceMemory(const DeviceMemoryInput& input, const Placement& placement);

struct DevicePlan
{
    Placement placement;
    DeviceMemoryEstimate estimate;
    std::optional<std::uint64_t> budget; // what the plan had to fit in; empty when the free memory is unknown
    std::string refusal;                 // non-empty: nothing fits (says what would)
};

// Chooses where each model lives on a CUDA job. The budget is 90 % of `freeBytes` (the rest for the
// allocator's fragmentation), lowered to `budgetBytes` when the user set one. Request::memory other than Auto
// is kept (DiT blocks are streamed when that mode does not fit, except for Full); Auto takes the fastest
// placement that fits: everything resident, models offloaded between stages, T5 on the CPU, DiT blocks
// streamed; each placement is tried with the whole feed-forward first, then chunked (kFfnChunkTokens);
// request.vaeTiling Auto tiles the VAE when its untiled decode does not fit, with the largest tile
// of kVaeTileSizesPx that fits (VaeTiling On: tiles always, kDefaultVaeTilePx without a budget). Unknown free
// memory without a budget is not taken as 0: the request's mode is kept as it is (Auto: resident) and the
// description says so. When not even the leanest placement fits, `refusal` names the estimate, the budget
// and what would fit (a smaller size, fewer frames, quantised weights, a larger budget).
DevicePlan planDevice(const Request& request, const DeviceMemoryInput& input,
                      std::optional<std::uint64_t> freeBytes,
                      std::optional<std::uint64_t> budgetBytes = std::nullopt);

// Host (CPU) memory pre-flight: what a job needs in RAM at its peak, before anything is loaded. The sizes
// come from the model folder's parameter counts and the job's geometry; the placement says which weights live
// in host memory (all of them on a CPU job; T5 on CPU, offloaded or streamed models on a GPU job).
struct HostMemoryInput
{
    std::uint64_t ditParameters = 0;
    std::uint64_t t5Parameters = 0;
    std::uint64_t vaeParameters = 0;
    std::uint64_t clipParameters = 0; // the vision tower only; 0 for tasks without CLIP
    int ditDim = 0;
    int ditFfnDim = 0;
    int ditElementBytes = 4;  // 4 for fp32, 2 for bf16/fp16
    int clipElementBytes = 4; // CLIP on the CPU keeps the job's dtype
    int t5ElementBytes = 2;   // the T5 weights are kept in bf16
    int vaeElementBytes = 4;  // fp32, or 2 for a bf16/fp16 VAE on a GPU job (parked in host memory)
    int width = 0;            // video pixels (i2v/flf2v: the maximum area as width*height)
    int height = 0;
    int frames = 1;
    bool batchedCfg = false;   // cond and uncond in one DiT call: twice the activations
    bool encodesVideo = false; // i2v/flf2v/vace: a VAE encode of a full-length video first
};

struct HostMemoryEstimate
{
    std::uint64_t ditWeights = 0;
    std::uint64_t t5Weights = 0;
    std::uint64_t vaeWeights = 0;
    std::uint64_t clipWeights = 0;
    std::uint64_t ditActivations = 0; // one DiT call on the CPU (0 on a GPU job)
    std::uint64_t vaeWorkingSet = 0;  // VAE encode/decode of one causal chunk on the CPU (0 on a GPU job)
    std::uint64_t frames = 0;         // the decoded video in fp32 plus its 8-bit copies, latents
    std::uint64_t runtime = 0;        // LibTorch, the allocator's slack, the app itself

    std::uint64_t weights() const { return ditWeights + t5Weights + vaeWeights + clipWeights; }
    // Weights stay; the denoising and the decoding peaks do not overlap.
    std::uint64_t total() const
    {
        return weights() + runtime + std::max(ditActivations, vaeWorkingSet + frames);
    }
    // "DiT weights 5.3 GiB, T5 10.6 GiB, ..." for messages and the log.
    std::string breakdown() const;
};

HostMemoryEstimate estimateHostMemory(const HostMemoryInput& input, const Placement& placement);

// Refusal text when `estimate` does not fit in `availableBytes`, saying what is needed, what is free and what
// would fit (fewer frames, a smaller size, moving models off the host); empty when it fits.
std::string hostMemoryRefusal(const HostMemoryInput& input, const Placement& placement,
                              std::uint64_t availableBytes);

// MemAvailable of a /proc/meminfo text, in bytes; 0 when absent.
std::uint64_t parseMemAvailable(const std::string& meminfo);
// Room left under a cgroup limit: v2 memory.max ("max" = none), memory.current and memory.stat, or v1
// limit_in_bytes, usage_in_bytes and memory.stat; inactive page cache counts as free. UINT64_MAX when there
// is no limit or the texts are not numbers.
std::uint64_t cgroupHeadroom(const std::string& limitText, const std::string& usageText,
                             const std::string& statText = {});
// The host memory a new job may use: MemAvailable, or the cgroup's headroom when lower. 0 when unknown.
std::uint64_t availableHostMemory();

// Video frame counts above this are refused by request validation whatever the memory.
using wan::kMaxFrames;

} // namespace wan::pipeline
