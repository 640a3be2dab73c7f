#pragma once
// The visual tower of the XLM-RoBERTa CLIP ViT-H/14 (open-clip) that image-to-video conditions on.

#include "dit/Layers.h"
#include "wan/CancelToken.h"
#include "wan/ModelFolder.h"

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace wan::vision {

// Attention heads of the ViT-H/14 tower. Shapes cannot tell it (width 1280 splits many ways), so it is fixed.
inline constexpr int64_t kClipHeads = 16;
inline constexpr double kClipNormEps = 1e-5;
// OpenAI CLIP normalisation.
inline constexpr std::array<double, 3> kClipMean{0.48145466, 0.4578275, 0.40821073};
inline constexpr std::array<double, 3> kClipStd{0.26862954, 0.26130258, 0.27577711};
inline constexpr const char* kClipCheckpointName = officialFiles::kClip;

struct ClipVisionConfig
{
    int64_t width = 1280;
    int64_t layers = 32; // blocks in the checkpoint; the features use all but the last
    int64_t patchSize = 14;
    int64_t imageSize = 224;
    int64_t mlpDim = 5120;
    int64_t heads = kClipHeads;
};

class ClipAttentionImpl : public torch::nn::Module
{
public:
    ClipAttentionImpl(int64_t width, int64_t heads);
    // x: [B, L, width] -> [B, L, width]
    torch::Tensor forward(const torch::Tensor& x);

    dit::Linear to_qkv{nullptr}, proj{nullptr};

private:
    int64_t m_heads;
};
TORCH_MODULE(ClipAttention);

class ClipBlockImpl : public torch::nn::Module
{
public:
    ClipBlockImpl(int64_t width, int64_t mlpDim, int64_t heads);
    // x: [B, L, width] -> [B, L, width] (pre-norm residual block)
    torch::Tensor forward(const torch::Tensor& x);

    dit::LayerNorm norm1{nullptr}, norm2{nullptr};
    ClipAttention attn{nullptr};
    torch::nn::Sequential mlp{nullptr}; // mlp.0 Linear, mlp.1 GELU(erf), mlp.2 Linear
};
TORCH_MODULE(ClipBlock);

// Named like the checkpoint's `visual.*` tensors. Holds only what the features need: the last block,
// post_norm and head exist in the file but are not loaded.
class VisionTransformerImpl : public torch::nn::Module
{
public:
    explicit VisionTransformerImpl(const ClipVisionConfig& config);
    // pixels: [B, 3, S, S] normalised -> [B, 1 + (S/patch)^2, width] float32
    torch::Tensor forward(const torch::Tensor& pixels);

    dit::PatchConv patch_embedding{nullptr};
    torch::Tensor cls_embedding; // [1, 1, width]
    torch::Tensor pos_embedding; // [1, 1 + patches, width]
    dit::LayerNorm pre_norm{nullptr};
    torch::nn::ModuleList transformer{nullptr};

private:
    std::vector<ClipBlock> m_blocks;
};
TORCH_MODULE(VisionTransformer);

class ClipVision : public torch::nn::Module
{
public:
    explicit ClipVision(const ClipVisionConfig& config);

    // `checkpoint`: a model folder holding kClipCheckpointName, the .pth file itself, or a .safetensors with
    // Hugging Face CLIP vision names (ComfyUI's clip_vision_h.safetensors, a diffusers image_encoder's
    // model.safetensors; told by the tensor names, the container by its first bytes). Dims come from the
    // shapes (heads = kClipHeads). The text tower, log_scale, the last visual block, post_norm and head are
    // skipped on purpose; anything else missing, unknown or mis-shaped throws wan::Error naming it.
    // `cancel` is checked between tensors (throws wan::Error(Cancelled)).
    static std::shared_ptr<ClipVision> load(const std::filesystem::path& checkpoint, torch::Dtype dtype,
                                            torch::Device device, const CancelToken* cancel = nullptr);
    // The CLIP vision tower of an inspected model set (dims.file), built from the inspected dims; binds
    // strictly.
    static std::shared_ptr<ClipVision> load(const ClipDims& dims, torch::Dtype dtype, torch::Device device,
                                            const CancelToken* cancel = nullptr);

    // image: [3, H, W] in [-1, 1] (the original image) -> [1, 3, S, S]: bicubic resize to S x S (a = -0.75,
    // align_corners false, no antialias), back to [0, 1], OpenAI CLIP mean/std. float32, on image's device.
    torch::Tensor preprocess(const torch::Tensor& image) const;

    // image: [3, H, W] in [-1, 1] -> [1, 1 + (S/patch)^2, width] float32 features after all but the last
    // block.
    torch::Tensor encode(const torch::Tensor& image);
    // Several images of any sizes, each preprocessed on its own, as one batch (the official clip.visual of a
    // list): N x [3, H_i, W_i] -> [N, 1 + (S/patch)^2, width] float32.
    torch::Tensor encode(const std::vector<torch::Tensor>& images);

    const ClipVisionConfig& config() const { return m_config; }

    VisionTransformer visual{nullptr};

private:
    // load() with the dims given, or read from the shapes (nullopt).
    static std::shared_ptr<ClipVision> loadWith(const std::filesystem::path& checkpoint,
                                                const std::optional<ClipVisionConfig>& config,
                                                torch::Dtype dtype, torch::Device device,
                                                const CancelToken* cancel);
    ClipVisionConfig m_config;
};

} // namespace wan::vision
