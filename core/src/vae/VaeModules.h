#pragma once
// Building blocks of the Wan2.1 3D causal VAE. Member names follow the checkpoint (Wan2.1_VAE.pth), with the
// official nn.Sequential indices kept through ModuleLists (parameterless slots hold SiLU/Dropout/padding).

#include <torch/torch.h>

#include <cstdint>
#include <deque>
#include <vector>

namespace wan::vae {

// Frames each causal 3x3x3 conv carries over from one chunk to the next.
inline constexpr int64_t kCacheFrames = 2;

// Per-run causal state: one slot per cached conv, visited in the same order in every chunk. Owned by one
// encode/decode call (or one tile of it), never by the weights, so a model can serve calls one after another
// without leftovers.
class FeatureCache
{
public:
    enum class SlotState
    {
        Empty = 1, // first chunk not seen yet: missing past frames are zeros
        Repeat,    // upsample3d after the first chunk, which skipped its time conv
        Frames,    // `frames` holds the last input frames of the previous chunk
    };
    struct Slot
    {
        SlotState state = SlotState::Empty;
        torch::Tensor frames;
    };

    void beginChunk() { m_next = 0; }
    Slot& next();

private:
    std::deque<Slot> m_slots; // deque: references stay valid while it grows during the first chunk
    size_t m_next = 0;
};

// nn.Conv3d that pads time on the front only (2 * padding frames), so frame t never sees frame t+1.
class CausalConv3dImpl : public torch::nn::Module
{
public:
    CausalConv3dImpl(int64_t inDim, int64_t outDim, std::array<int64_t, 3> kernel,
                     std::array<int64_t, 3> stride, std::array<int64_t, 3> padding);

    // x: [B, Cin, T, H, W] -> [B, Cout, T', H', W']; `past` (may be undefined) replaces that many zero
    // frames.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& past = {});

    torch::Tensor weight;
    torch::Tensor bias;

private:
    std::array<int64_t, 3> m_stride;
    std::array<int64_t, 3> m_padding;
};
TORCH_MODULE(CausalConv3d);

// F.normalize over channels * sqrt(C) * gamma (+ bias where the checkpoint has one).
class RmsNormImpl : public torch::nn::Module
{
public:
    // spatialDims: 3 for [B, C, T, H, W] inputs, 2 for [N, C, H, W].
    RmsNormImpl(int64_t dim, int spatialDims, bool withBias = false);

    // x: [B, C, ...] -> same
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor gamma;
    torch::Tensor bias;

private:
    double m_scale;
};
TORCH_MODULE(RmsNorm);

class ResidualBlockImpl : public torch::nn::Module
{
public:
    ResidualBlockImpl(int64_t inDim, int64_t outDim);

    // x: [B, Cin, T, H, W] -> [B, Cout, T, H, W]
    torch::Tensor forward(torch::Tensor x, FeatureCache& cache);

private:
    // residual.0 RMS_norm, .1 SiLU, .2 conv, .3 RMS_norm, .4 SiLU, .5 Dropout, .6 conv
    torch::nn::ModuleList residual;
    RmsNorm m_norm1{nullptr}, m_norm2{nullptr};
    CausalConv3d m_conv1{nullptr}, m_conv2{nullptr};
    CausalConv3d m_shortcut{nullptr}; // null when in == out (nn.Identity in the checkpoint layout)
};
TORCH_MODULE(ResidualBlock);

// Single-head self-attention over the H*W positions of each frame separately.
class AttentionBlockImpl : public torch::nn::Module
{
public:
    explicit AttentionBlockImpl(int64_t dim);

    // x: [B, C, T, H, W] -> [B, C, T, H, W]
    torch::Tensor forward(const torch::Tensor& x);

    RmsNorm norm{nullptr};
    torch::nn::Conv2d to_qkv{nullptr};
    torch::nn::Conv2d proj{nullptr};
};
TORCH_MODULE(AttentionBlock);

enum class ResampleMode
{
    Upsample2d = 1,
    Upsample3d,
    Downsample2d,
    Downsample3d
};

class ResampleImpl : public torch::nn::Module
{
public:
    ResampleImpl(int64_t dim, ResampleMode mode);

    // x: [B, C, T, H, W] -> up: [B, C/2, T or 2T, 2H, 2W]; down: [B, C, T or ~T/2, ceil(H/2), ceil(W/2)]
    torch::Tensor forward(torch::Tensor x, FeatureCache& cache);

private:
    torch::Tensor upsampleTime(torch::Tensor x, FeatureCache& cache);
    torch::Tensor downsampleTime(torch::Tensor x, FeatureCache& cache);

    ResampleMode m_mode;
    // resample.0: nearest-exact upsampling or ZeroPad2d((0, 1, 0, 1)); resample.1: the 3x3 conv
    torch::nn::ModuleList resample;
    torch::nn::Conv2d m_conv{nullptr};
    CausalConv3d time_conv{nullptr};
};
TORCH_MODULE(Resample);

struct VaeArch
{
    int64_t dim = 96;  // base channels
    int64_t zDim = 16; // latent channels
    std::vector<int64_t> dimMult{1, 2, 4, 4};
    int numResBlocks = 2;
    std::vector<bool> temporalDownsample{false, true, true};
};

class Encoder3dImpl : public torch::nn::Module
{
public:
    explicit Encoder3dImpl(const VaeArch& arch);

    // x: [B, 3, T, H, W] (one chunk: 1 or 4 frames) -> [B, 2*zDim, T', H/8, W/8]
    torch::Tensor forward(torch::Tensor x, FeatureCache& cache);

private:
    CausalConv3d conv1{nullptr};
    torch::nn::ModuleList downsamples;
    torch::nn::ModuleList middle;
    torch::nn::ModuleList head; // head.0 RMS_norm, head.1 SiLU, head.2 conv
    RmsNorm m_headNorm{nullptr};
    CausalConv3d m_headConv{nullptr};
};
TORCH_MODULE(Encoder3d);

class Decoder3dImpl : public torch::nn::Module
{
public:
    explicit Decoder3dImpl(const VaeArch& arch);

    // x: [B, zDim, 1, h, w] (one latent frame) -> [B, 3, 1 (first chunk) or 4, 8h, 8w]
    torch::Tensor forward(torch::Tensor x, FeatureCache& cache);

private:
    CausalConv3d conv1{nullptr};
    torch::nn::ModuleList middle;
    torch::nn::ModuleList upsamples;
    torch::nn::ModuleList head;
    RmsNorm m_headNorm{nullptr};
    CausalConv3d m_headConv{nullptr};
};
TORCH_MODULE(Decoder3d);

// WanVAE_ of the official code: the module tree whose state dict is Wan2.1_VAE.pth.
class VaeModelImpl : public torch::nn::Module
{
public:
    explicit VaeModelImpl(const VaeArch& arch);

    Encoder3d encoder{nullptr};
    CausalConv3d conv1{nullptr}; // 2*zDim -> 2*zDim, 1x1x1: posterior (mu, log_var)
    CausalConv3d conv2{nullptr}; // zDim -> zDim, 1x1x1, before the decoder
    Decoder3d decoder{nullptr};
    VaeArch arch;
};
TORCH_MODULE(VaeModel);

} // namespace wan::vae
