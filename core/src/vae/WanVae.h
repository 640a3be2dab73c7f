#pragma once
// The Wan2.1 video VAE: chunked causal encode/decode with optional spatial tiling.

#include "vae/VaeModules.h"
#include "wan/CancelToken.h"
#include "wan/ModelFolder.h"

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace wan::vae {

// Spatial tiling: each tile runs the whole causal chunk loop with its own cache, and tiles are blended
// linearly over their overlap. Sizes are in output pixels for decode and input pixels for encode (both map to
// latent cells at 8 pixels each), so one setting means the same area either way; multiples of 8.
struct TilingOptions
{
    bool enabled = false;
    int tileSizePx = 256; // tile edge; a side shorter than this is not split
    int overlapPx = 64;   // shared band between neighbouring tiles, < tileSizePx
};

struct VaeRunOptions
{
    const wan::CancelToken* cancel = nullptr; // checked before every chunk; throws wan::Error(Cancelled)
    std::function<void(int done, int total)> progress; // after every chunk (of every tile)
    TilingOptions tiling;
};

// One axis of a tiling plan: [begin, end) in latent cells.
struct TileSpan
{
    int64_t begin = 0;
    int64_t end = 0;
};

// Full-size tiles of `tile` cells covering [0, length), spread evenly with overlaps of at least `overlap`
// (one span when length <= tile).
std::vector<TileSpan> planTiles(int64_t length, int64_t tile, int64_t overlap);

// Blend weights along one axis for spans[index] in output units (`scale` output cells per latent cell):
// linear ramps across the band shared with each neighbour, 1 elsewhere; neighbouring ramps sum to 1 (callers
// still divide by the weight sum, which also covers spans that overlap beyond their neighbours).
torch::Tensor tileRamp(const std::vector<TileSpan>& spans, size_t index, int64_t scale);

// The wrapper's per-channel latent statistics (WanVAE.mean / WanVAE.std of the official code).
const std::array<float, 16>& latentMean();
const std::array<float, 16>& latentStd();

class WanVae
{
public:
    // Reads Wan2.1_VAE.pth, a .safetensors with the official names (ComfyUI's wan_2.1_vae.safetensors) or
    // with diffusers' AutoencoderKLWan names, or a diffusers vae/ folder (the container is told by its first
    // bytes, the naming by the tensor names); base dim and z_dim come from the tensor shapes. Throws
    // wan::Error(ModelFolder or CorruptFile) naming the file.
    // `cancel` is checked between tensors (throws wan::Error(Cancelled)).
    static std::unique_ptr<WanVae> load(const std::filesystem::path& vaePth, torch::Dtype dtype,
                                        torch::Device device, const CancelToken* cancel = nullptr);
    // The VAE of an inspected model set (dims.file), built from the inspected dims; binds strictly.
    static std::unique_ptr<WanVae> load(const VaeDims& dims, torch::Dtype dtype, torch::Device device,
                                        const CancelToken* cancel = nullptr);
    // Random weights with the given architecture (benchmarks, tests).
    static std::unique_ptr<WanVae> randomInit(const VaeArch& arch, torch::Dtype dtype, torch::Device device,
                                              uint64_t seed);

    // video: [3, T, H, W] in [-1, 1], T = 4n+1, H and W multiples of 8 -> float32 normalised latent
    // [zDim, 1 + (T-1)/4, H/8, W/8] (posterior mean), on the model's device.
    // A bf16 or fp16 run whose result is not finite (fp16 overflows in large activations) is logged and run
    // again in float32; the weights return to their dtype after. On CUDA, cuDNN's benchmark mode is on for
    // the run (CudnnBenchmarkScope).
    torch::Tensor encode(const torch::Tensor& video, const VaeRunOptions& options = {});

    // latent: [zDim, T, h, w] normalised -> float32 video [3, 1 + 4(T-1), 8h, 8w] clamped to [-1, 1]. The
    // same float32 fallback and cuDNN mode as encode.
    torch::Tensor decode(const torch::Tensor& latent, const VaeRunOptions& options = {});

    // Moves the weights and statistics to `device` (a GPU job parks the VAE in host memory between its
    // encodes and decodes; see DeviceScope). All or nothing: a move that fails part way (out of memory)
    // brings everything back before it throws.
    void moveTo(torch::Device device);
    // How many runs were redone in float32 (encode and decode) since the load.
    int float32Reruns() const { return m_float32Reruns; }

    const VaeArch& arch() const { return m_model->arch; }
    torch::Dtype dtype() const { return m_dtype; }
    torch::Device device() const { return m_device; }
    // For tests: the weights (to provoke an fp16 overflow).
    VaeModel& model() { return m_model; }

    // The VAE on `device` for the scope's life, then back where it was, however the scope ends.
    class DeviceScope
    {
    public:
        DeviceScope(WanVae& vae, torch::Device device);
        ~DeviceScope();
        DeviceScope(const DeviceScope&) = delete;
        DeviceScope& operator=(const DeviceScope&) = delete;

    private:
        WanVae& m_vae;
        torch::Device m_home;
    };

private:
    WanVae(VaeModel model, torch::Dtype dtype, torch::Device device);
    // load() with the architecture given, or read from the shapes (nullopt).
    static std::unique_ptr<WanVae> loadWith(const std::filesystem::path& vaePth,
                                            const std::optional<VaeArch>& arch, torch::Dtype dtype,
                                            torch::Device device, const CancelToken* cancel);

    class ChunkCounter;
    // Untiled runs on [1, ...] tensors in the model dtype; outputs stay unclamped / unnormalised.
    torch::Tensor encodeWhole(const torch::Tensor& video, ChunkCounter& counter) const;
    torch::Tensor decodeWhole(const torch::Tensor& z, ChunkCounter& counter) const;
    // One encode / decode with the weights in `dtype`; results float32, not yet normalised / clamped.
    torch::Tensor encodeIn(const torch::Tensor& video, const VaeRunOptions& options,
                           torch::Dtype dtype) const;
    torch::Tensor decodeIn(const torch::Tensor& latent, const VaeRunOptions& options,
                           torch::Dtype dtype) const;
    // `run` in the VAE's dtype, again in float32 when a reduced dtype gives a non-finite result.
    template <typename Run> torch::Tensor withFloat32Fallback(const char* what, Run&& run);

    VaeModel m_model;
    torch::Dtype m_dtype;
    torch::Device m_device;
    torch::Tensor m_mean;   // [zDim] float32
    torch::Tensor m_invStd; // [zDim] float32, 1 / std as the official scale[1]
    int m_float32Reruns = 0;
};

// cuDNN's benchmark mode for a scope: the fastest algorithm of each convolution shape is searched once and
// kept, which pays off in the VAE's chunk loop of repeated shapes. The previous setting comes back when the
// scope ends. `enable` false (CPU runs, or WAN_CUDNN_BENCHMARK=0 in the environment) changes nothing.
class CudnnBenchmarkScope
{
public:
    explicit CudnnBenchmarkScope(bool enable);
    ~CudnnBenchmarkScope();
    CudnnBenchmarkScope(const CudnnBenchmarkScope&) = delete;
    CudnnBenchmarkScope& operator=(const CudnnBenchmarkScope&) = delete;
    // Whether a CUDA VAE run turns it on: yes unless WAN_CUDNN_BENCHMARK is "0".
    static bool wanted();

private:
    bool m_previous = false;
    bool m_changed = false;
};

} // namespace wan::vae
