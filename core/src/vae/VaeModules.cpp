#include "vae/VaeModules.h"

#include <torch/version.h>

#include <algorithm>
#include <cmath>

namespace wan::vae {

namespace F = torch::nn::functional;

FeatureCache::Slot& FeatureCache::next()
{
    if (m_next == m_slots.size())
        m_slots.emplace_back();
    return m_slots[m_next++];
}

namespace {

torch::Tensor lastFrames(const torch::Tensor& x, int64_t count)
{
    const int64_t t = x.size(2);
    const int64_t n = std::min(t, count);
    return x.narrow(2, t - n, n);
}

// The official per-conv cache rule: remember the last two input frames of this chunk (with a one-frame chunk,
// the previous chunk's last frame and this one) and feed the previous ones in front of this chunk.
torch::Tensor cachedConv(CausalConv3dImpl& conv, const torch::Tensor& x, FeatureCache& cache)
{
    FeatureCache::Slot& slot = cache.next();
    const bool hasPast = slot.state == FeatureCache::SlotState::Frames;
    torch::Tensor keep = lastFrames(x, kCacheFrames).clone();
    if (keep.size(2) < kCacheFrames && hasPast)
        keep = torch::cat({lastFrames(slot.frames, 1), keep}, 2);
    torch::Tensor y = conv.forward(x, hasPast ? slot.frames : torch::Tensor());
    slot.frames = std::move(keep);
    slot.state = FeatureCache::SlotState::Frames;
    return y;
}

// [B, C, T, H, W] <-> [B*T, C, H, W] for the per-frame 2D layers.
torch::Tensor framesToImages(const torch::Tensor& x)
{
    return x.permute({0, 2, 1, 3, 4}).reshape({x.size(0) * x.size(2), x.size(1), x.size(3), x.size(4)});
}

torch::Tensor imagesToFrames(const torch::Tensor& x, int64_t batch)
{
    const int64_t t = x.size(0) / batch;
    return x.reshape({batch, t, x.size(1), x.size(2), x.size(3)}).permute({0, 2, 1, 3, 4}).contiguous();
}

// q, k, v: [N, L, C] -> [N, L, C], softmax(q k^T / sqrt(C)) v.
torch::Tensor singleHeadAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v)
{
    return at::scaled_dot_product_attention(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1)).squeeze(1);
}

torch::Tensor normThenSilu(RmsNormImpl& norm, const torch::Tensor& x)
{
    torch::Tensor y = norm.forward(x);
    torch::silu_(y);
    return y;
}

torch::Tensor runLayers(torch::nn::ModuleList& layers, torch::Tensor x, FeatureCache& cache)
{
    for (const auto& layer : *layers) {
        if (auto* block = layer->as<ResidualBlockImpl>())
            x = block->forward(std::move(x), cache);
        else if (auto* resample = layer->as<ResampleImpl>())
            x = resample->forward(std::move(x), cache);
        else if (auto* attention = layer->as<AttentionBlockImpl>())
            x = attention->forward(x);
        else
            TORCH_CHECK(false, "unexpected VAE layer ", layer->name());
    }
    return x;
}

} // namespace

CausalConv3dImpl::CausalConv3dImpl(int64_t inDim, int64_t outDim, std::array<int64_t, 3> kernel,
                                   std::array<int64_t, 3> stride, std::array<int64_t, 3> padding)
    : m_stride(stride), m_padding(padding)
{
    weight = register_parameter("weight", torch::empty({outDim, inDim, kernel[0], kernel[1], kernel[2]}));
    bias = register_parameter("bias", torch::empty({outDim}));
}

torch::Tensor CausalConv3dImpl::forward(const torch::Tensor& x, const torch::Tensor& past)
{
    // x: [B, Cin, T, H, W] -> [B, Cout, T', H', W']
    int64_t frontPad = 2 * m_padding[0];
    torch::Tensor input = x;
    if (past.defined() && frontPad > 0) {
        input = torch::cat({past.to(x.device(), x.scalar_type()), input}, 2);
        frontPad -= past.size(2);
    }
    if (frontPad > 0) {
        auto zerosShape = input.sizes().vec();
        zerosShape[2] = frontPad;
        input = torch::cat({torch::zeros(zerosShape, input.options()), input}, 2);
    }
    // Spatial zero padding is symmetric, so the convolution's own padding is the same as the official F.pad.
    return torch::conv3d(input, weight, bias, {m_stride[0], m_stride[1], m_stride[2]},
                         {0, m_padding[1], m_padding[2]});
}

RmsNormImpl::RmsNormImpl(int64_t dim, int spatialDims, bool withBias) : m_scale(std::sqrt(double(dim)))
{
    std::vector<int64_t> shape{dim};
    shape.insert(shape.end(), spatialDims, 1);
    gamma = register_parameter("gamma", torch::ones(shape));
    if (withBias)
        bias = register_parameter("bias", torch::zeros(shape));
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x)
{
    // x: [B, C, ...] -> same
    // F.normalize: x / max(||x||_2 over channels, 1e-12)
    torch::Tensor y = x / x.norm(2, {1}, /*keepdim=*/true).clamp_min(1e-12);
    y.mul_(m_scale).mul_(gamma);
    if (bias.defined())
        y.add_(bias);
    return y;
}

ResidualBlockImpl::ResidualBlockImpl(int64_t inDim, int64_t outDim)
{
    m_norm1 = RmsNorm(inDim, 3);
    m_conv1 = CausalConv3d(inDim, outDim, std::array<int64_t, 3>{3, 3, 3}, std::array<int64_t, 3>{1, 1, 1},
                           std::array<int64_t, 3>{1, 1, 1});
    m_norm2 = RmsNorm(outDim, 3);
    m_conv2 = CausalConv3d(outDim, outDim, std::array<int64_t, 3>{3, 3, 3}, std::array<int64_t, 3>{1, 1, 1},
                           std::array<int64_t, 3>{1, 1, 1});
    residual = register_module("residual",
                               torch::nn::ModuleList(m_norm1, torch::nn::SiLU(), m_conv1, m_norm2,
                                                     torch::nn::SiLU(), torch::nn::Dropout(0.0), m_conv2));
    if (inDim != outDim)
        m_shortcut = register_module("shortcut", CausalConv3d(inDim, outDim, std::array<int64_t, 3>{1, 1, 1},
                                                              std::array<int64_t, 3>{1, 1, 1},
                                                              std::array<int64_t, 3>{0, 0, 0}));
}

torch::Tensor ResidualBlockImpl::forward(torch::Tensor x, FeatureCache& cache)
{
    // x: [B, Cin, T, H, W] -> [B, Cout, T, H, W]
    const torch::Tensor shortcut = m_shortcut ? m_shortcut->forward(x) : x;
    x = normThenSilu(*m_norm1, x);
    x = cachedConv(*m_conv1, x, cache);
    x = normThenSilu(*m_norm2, x);
    x = cachedConv(*m_conv2, x, cache);
    return x.add_(shortcut);
}

AttentionBlockImpl::AttentionBlockImpl(int64_t dim)
{
    norm = register_module("norm", RmsNorm(dim, 2));
    to_qkv = register_module("to_qkv", torch::nn::Conv2d(torch::nn::Conv2dOptions(dim, dim * 3, 1)));
    proj = register_module("proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(dim, dim, 1)));
}

torch::Tensor AttentionBlockImpl::forward(const torch::Tensor& x)
{
    // x: [B, C, T, H, W] -> [B, C, T, H, W]
    const int64_t b = x.size(0), c = x.size(1), h = x.size(3), w = x.size(4);
    torch::Tensor y = norm->forward(framesToImages(x));
    // to_qkv channels are q, k, v in consecutive thirds.
    const torch::Tensor qkv = to_qkv->forward(y).reshape({y.size(0), 3 * c, h * w}).permute({0, 2, 1});
    y = singleHeadAttention(qkv.narrow(2, 0, c).contiguous(), qkv.narrow(2, c, c).contiguous(),
                            qkv.narrow(2, 2 * c, c).contiguous());
    y = proj->forward(y.permute({0, 2, 1}).reshape({y.size(0), c, h, w}));
    return imagesToFrames(y, b).add_(x);
}

ResampleImpl::ResampleImpl(int64_t dim, ResampleMode mode) : m_mode(mode)
{
    resample = register_module("resample", torch::nn::ModuleList());
    const bool up = mode == ResampleMode::Upsample2d || mode == ResampleMode::Upsample3d;
    if (up) {
        // resample.0 is nn.Upsample(nearest-exact, x2): no parameters, applied in forward().
        resample->push_back(torch::nn::Identity());
        m_conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(dim, dim / 2, 3).padding(1));
    } else {
        resample->push_back(torch::nn::ZeroPad2d(torch::nn::ZeroPad2dOptions({0, 1, 0, 1})));
        m_conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(dim, dim, 3).stride(2));
    }
    resample->push_back(m_conv);
    if (mode == ResampleMode::Upsample3d)
        time_conv = register_module("time_conv", CausalConv3d(dim, dim * 2, std::array<int64_t, 3>{3, 1, 1},
                                                              std::array<int64_t, 3>{1, 1, 1},
                                                              std::array<int64_t, 3>{1, 0, 0}));
    else if (mode == ResampleMode::Downsample3d)
        time_conv = register_module("time_conv", CausalConv3d(dim, dim, std::array<int64_t, 3>{3, 1, 1},
                                                              std::array<int64_t, 3>{2, 1, 1},
                                                              std::array<int64_t, 3>{0, 0, 0}));
}

torch::Tensor ResampleImpl::upsampleTime(torch::Tensor x, FeatureCache& cache)
{
    // x: [B, C, T, H, W] -> [B, C, T, H, W] on the first chunk, else [B, C, 2T, H, W]
    FeatureCache::Slot& slot = cache.next();
    if (slot.state == FeatureCache::SlotState::Empty) {
        // The first chunk holds the single first frame: it is not doubled.
        slot.state = FeatureCache::SlotState::Repeat;
        return x;
    }
    const bool afterFirst = slot.state == FeatureCache::SlotState::Repeat;
    torch::Tensor keep = lastFrames(x, kCacheFrames).clone();
    if (keep.size(2) < kCacheFrames)
        keep = torch::cat({afterFirst ? torch::zeros_like(keep) : lastFrames(slot.frames, 1), keep}, 2);
    // The second chunk runs without the first chunk's frames (zero padding), as the official code does.
    torch::Tensor y = time_conv->forward(x, afterFirst ? torch::Tensor() : slot.frames);
    slot.frames = std::move(keep);
    slot.state = FeatureCache::SlotState::Frames;
    const int64_t b = x.size(0), c = x.size(1), t = x.size(2), h = x.size(3), w = x.size(4);
    // The two channel halves are the even and odd output frames.
    return y.view({b, 2, c, t, h, w}).permute({0, 2, 3, 1, 4, 5}).reshape({b, c, 2 * t, h, w});
}

torch::Tensor ResampleImpl::downsampleTime(torch::Tensor x, FeatureCache& cache)
{
    // x: [B, C, T, H, W] -> [B, C, T, H, W] on the first chunk, else [B, C, T/2, H, W]
    FeatureCache::Slot& slot = cache.next();
    torch::Tensor keep = lastFrames(x, 1).clone();
    if (slot.state == FeatureCache::SlotState::Empty) {
        slot.frames = std::move(keep);
        slot.state = FeatureCache::SlotState::Frames;
        return x;
    }
    x = time_conv->forward(torch::cat({lastFrames(slot.frames, 1), x}, 2));
    slot.frames = std::move(keep);
    return x;
}

torch::Tensor ResampleImpl::forward(torch::Tensor x, FeatureCache& cache)
{
    // x: [B, C, T, H, W] -> up: [B, C/2, T or 2T, 2H, 2W]; down: [B, C, T or ~T/2, ceil(H/2), ceil(W/2)]
    if (m_mode == ResampleMode::Upsample3d)
        x = upsampleTime(std::move(x), cache);
    const int64_t b = x.size(0);
    torch::Tensor y = framesToImages(x);
    x = torch::Tensor();
    if (m_mode == ResampleMode::Upsample2d || m_mode == ResampleMode::Upsample3d) {
        // nearest-exact with an exact factor 2 copies each pixel into a 2x2 block (index = out // 2).
        const int64_t n = y.size(0), c = y.size(1), h = y.size(2), w = y.size(3);
        y = y.view({n, c, h, 1, w, 1}).expand({n, c, h, 2, w, 2}).reshape({n, c, 2 * h, 2 * w});
    } else {
        y = F::pad(y, F::PadFuncOptions({0, 1, 0, 1}));
    }
    y = imagesToFrames(m_conv->forward(y), b);
    if (m_mode == ResampleMode::Downsample3d)
        y = downsampleTime(std::move(y), cache);
    return y;
}

namespace {

CausalConv3d conv3x3x3(int64_t inDim, int64_t outDim)
{
    return CausalConv3d(inDim, outDim, std::array<int64_t, 3>{3, 3, 3}, std::array<int64_t, 3>{1, 1, 1},
                        std::array<int64_t, 3>{1, 1, 1});
}

CausalConv3d conv1x1x1(int64_t inDim, int64_t outDim)
{
    return CausalConv3d(inDim, outDim, std::array<int64_t, 3>{1, 1, 1}, std::array<int64_t, 3>{1, 1, 1},
                        std::array<int64_t, 3>{0, 0, 0});
}

} // namespace

Encoder3dImpl::Encoder3dImpl(const VaeArch& arch)
{
    std::vector<int64_t> dims{arch.dim};
    for (const int64_t mult : arch.dimMult)
        dims.push_back(arch.dim * mult);

    conv1 = register_module("conv1", conv3x3x3(3, dims[0]));
    downsamples = register_module("downsamples", torch::nn::ModuleList());
    const size_t stages = arch.dimMult.size();
    int64_t outDim = dims[0];
    for (size_t i = 0; i < stages; ++i) {
        int64_t inDim = dims[i];
        outDim = dims[i + 1];
        for (int j = 0; j < arch.numResBlocks; ++j) {
            downsamples->push_back(ResidualBlock(inDim, outDim));
            inDim = outDim;
        }
        if (i + 1 != stages)
            downsamples->push_back(Resample(outDim, arch.temporalDownsample.at(i)
                                                        ? ResampleMode::Downsample3d
                                                        : ResampleMode::Downsample2d));
    }
    middle =
        register_module("middle", torch::nn::ModuleList(ResidualBlock(outDim, outDim), AttentionBlock(outDim),
                                                        ResidualBlock(outDim, outDim)));
    m_headNorm = RmsNorm(outDim, 3);
    m_headConv = conv3x3x3(outDim, arch.zDim * 2);
    head = register_module("head", torch::nn::ModuleList(m_headNorm, torch::nn::SiLU(), m_headConv));
}

torch::Tensor Encoder3dImpl::forward(torch::Tensor x, FeatureCache& cache)
{
    // x: [B, 3, T, H, W] (one chunk: 1 or 4 frames) -> [B, 2*zDim, T', H/8, W/8]
    x = cachedConv(*conv1, x, cache);
    x = runLayers(downsamples, std::move(x), cache);
    x = runLayers(middle, std::move(x), cache);
    x = normThenSilu(*m_headNorm, x);
    return cachedConv(*m_headConv, x, cache);
}

Decoder3dImpl::Decoder3dImpl(const VaeArch& arch)
{
    std::vector<int64_t> dims{arch.dim * arch.dimMult.back()};
    for (auto it = arch.dimMult.rbegin(); it != arch.dimMult.rend(); ++it)
        dims.push_back(arch.dim * *it);
    const std::vector<bool> temporalUpsample(arch.temporalDownsample.rbegin(),
                                             arch.temporalDownsample.rend());

    conv1 = register_module("conv1", conv3x3x3(arch.zDim, dims[0]));
    middle = register_module("middle",
                             torch::nn::ModuleList(ResidualBlock(dims[0], dims[0]), AttentionBlock(dims[0]),
                                                   ResidualBlock(dims[0], dims[0])));
    upsamples = register_module("upsamples", torch::nn::ModuleList());
    const size_t stages = arch.dimMult.size();
    int64_t outDim = dims[0];
    for (size_t i = 0; i < stages; ++i) {
        // Every stage after the first starts from the halved channels of the previous upsampling conv.
        int64_t inDim = i == 0 ? dims[i] : dims[i] / 2;
        outDim = dims[i + 1];
        for (int j = 0; j < arch.numResBlocks + 1; ++j) {
            upsamples->push_back(ResidualBlock(inDim, outDim));
            inDim = outDim;
        }
        if (i + 1 != stages)
            upsamples->push_back(Resample(outDim, temporalUpsample.at(i) ? ResampleMode::Upsample3d
                                                                         : ResampleMode::Upsample2d));
    }
    m_headNorm = RmsNorm(outDim, 3);
    m_headConv = conv3x3x3(outDim, 3);
    head = register_module("head", torch::nn::ModuleList(m_headNorm, torch::nn::SiLU(), m_headConv));
}

torch::Tensor Decoder3dImpl::forward(torch::Tensor x, FeatureCache& cache)
{
    // x: [B, zDim, 1, h, w] (one latent frame) -> [B, 3, 1 (first chunk) or 4, 8h, 8w]
    x = cachedConv(*conv1, x, cache);
    x = runLayers(middle, std::move(x), cache);
    x = runLayers(upsamples, std::move(x), cache);
    x = normThenSilu(*m_headNorm, x);
    return cachedConv(*m_headConv, x, cache);
}

VaeModelImpl::VaeModelImpl(const VaeArch& vaeArch) : arch(vaeArch)
{
    encoder = register_module("encoder", Encoder3d(arch));
    conv1 = register_module("conv1", conv1x1x1(arch.zDim * 2, arch.zDim * 2));
    conv2 = register_module("conv2", conv1x1x1(arch.zDim, arch.zDim));
    decoder = register_module("decoder", Decoder3d(arch));
}

} // namespace wan::vae
