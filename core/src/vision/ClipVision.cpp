#include "vision/ClipVision.h"

#include "dit/Attention.h"
#include "dit/KeyRenames.h"
#include "io/PartDims.h"
#include "io/TensorIo.h"
#include "wan/Error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <string>

namespace wan::vision {

namespace fs = std::filesystem;

namespace {

// Hugging Face CLIPVisionModel(WithProjection) names (ComfyUI's clip_vision_h.safetensors, a diffusers
// image_encoder/) onto the official open-clip `visual.*` ones. q_proj/k_proj/v_proj become the parts of the
// official fused to_qkv (q, k, v in that order along the output dim) and are fused after renaming; the class
// and position embeddings gain the official leading dims.
constexpr std::array kHfClipNames{
    io::NameRule{"vision_model.embeddings.patch_embedding.weight", "visual.patch_embedding.weight"},
    io::NameRule{"vision_model.embeddings.class_embedding", "visual.cls_embedding"},
    io::NameRule{"vision_model.embeddings.position_embedding.weight", "visual.pos_embedding"},
    io::NameRule{"vision_model.pre_layrnorm.", "visual.pre_norm."},
    io::NameRule{"vision_model.post_layernorm.", "visual.post_norm."},
    io::NameRule{"visual_projection.weight", "visual.head"},
    io::NameRule{"vision_model.encoder.layers.#.layer_norm1.", "visual.transformer.#.norm1."},
    io::NameRule{"vision_model.encoder.layers.#.layer_norm2.", "visual.transformer.#.norm2."},
    io::NameRule{"vision_model.encoder.layers.#.self_attn.q_proj.", "visual.transformer.#.attn.to_qkv.q."},
    io::NameRule{"vision_model.encoder.layers.#.self_attn.k_proj.", "visual.transformer.#.attn.to_qkv.k."},
    io::NameRule{"vision_model.encoder.layers.#.self_attn.v_proj.", "visual.transformer.#.attn.to_qkv.v."},
    io::NameRule{"vision_model.encoder.layers.#.self_attn.out_proj.", "visual.transformer.#.attn.proj."},
    io::NameRule{"vision_model.encoder.layers.#.mlp.fc1.", "visual.transformer.#.mlp.0."},
    io::NameRule{"vision_model.encoder.layers.#.mlp.fc2.", "visual.transformer.#.mlp.2."},
    // Read backwards only (no file name has braces): how a missing fused tensor is named to the user.
    io::NameRule{"vision_model.encoder.layers.#.self_attn.{q,k,v}_proj.",
                 "visual.transformer.#.attn.to_qkv."},
};

// Hugging Face tensors the features never use: the text tower of a whole CLIP file, the logit scale, the
// position id buffer older transformers versions saved.
constexpr std::array<const char*, 4> kHfClipUnused{"text_model.", "text_projection.", "logit_scale",
                                                   "vision_model.embeddings.position_ids"};

bool isZipFile(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    char magic[4] = {};
    in.read(magic, sizeof magic);
    return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

// Hugging Face CLIP vision weights in the official layout: renamed, q/k/v fused, embeddings reshaped. Parts
// that do not fit together are left as they are, so the strict binding names them.
io::RenamedWeights fromHfClip(io::TensorMap weights, const fs::path& file)
{
    for (auto it = weights.begin(); it != weights.end();) {
        const bool unused = std::any_of(kHfClipUnused.begin(), kHfClipUnused.end(),
                                        [&](const char* p) { return it->first.starts_with(p); });
        it = unused ? weights.erase(it) : std::next(it);
    }
    auto renamed = io::renameWeights(std::move(weights), kHfClipNames, file);
    auto& w = renamed.weights;
    std::vector<std::string> fusedNames;
    for (const auto& item : w) {
        static constexpr std::string_view kQ = ".attn.to_qkv.q.";
        const auto at = item.first.find(kQ);
        if (at != std::string::npos)
            fusedNames.push_back(item.first.substr(0, at) + ".attn.to_qkv." +
                                 item.first.substr(at + kQ.size()));
    }
    for (const auto& fused : fusedNames) {
        const auto base = fused.substr(0, fused.rfind(".to_qkv.") + 8); // "...attn.to_qkv."
        const auto leaf = fused.substr(base.size());                    // "weight" / "bias"
        const auto q = w.find(base + "q." + leaf), k = w.find(base + "k." + leaf),
                   v = w.find(base + "v." + leaf);
        if (k == w.end() || v == w.end() || w.count(fused))
            continue;
        const auto& qt = q->second;
        const bool fits = qt.dim() >= 1 && k->second.sizes() == qt.sizes() &&
                          v->second.sizes() == qt.sizes() && k->second.scalar_type() == qt.scalar_type() &&
                          v->second.scalar_type() == qt.scalar_type();
        if (!fits)
            continue;
        w[fused] = torch::cat({qt, k->second, v->second}, 0);
        const std::string layer = renamed.fileNames.at(q->first);
        renamed.fileNames[fused] = layer.substr(0, layer.rfind("q_proj.")) + "{q,k,v}_proj." + leaf;
        for (const auto* part : {"q.", "k.", "v."}) {
            renamed.fileNames.erase(base + part + leaf);
            w.erase(base + part + leaf);
        }
    }
    if (auto cls = w.find("visual.cls_embedding"); cls != w.end() && cls->second.dim() == 1)
        cls->second = cls->second.view({1, 1, -1});
    if (auto pos = w.find("visual.pos_embedding"); pos != w.end() && pos->second.dim() == 2)
        pos->second = pos->second.unsqueeze(0);
    spdlog::info("{}: CLIP vision tensor names mapped from the Hugging Face layout onto the official ones",
                 file.string());
    return renamed;
}

std::string quoted(const fs::path& path)
{
    return "'" + path.string() + "'";
}

ClipVisionConfig configOf(const ClipDims& dims)
{
    ClipVisionConfig config;
    config.width = dims.width;
    config.layers = dims.layers;
    config.patchSize = dims.patchSize;
    config.imageSize = dims.imageSize;
    config.mlpDim = dims.mlpDim;
    config.heads = dims.heads;
    return config;
}

ClipVisionConfig configFromWeights(const io::TensorMap& weights, const fs::path& file)
{
    // One reading of the dims for every caller: the model set inspection's (io/PartDims.h).
    io::TensorShapes shapes;
    for (const auto& [name, tensor] : weights)
        shapes.emplace(name, tensor.sizes().vec());
    const ClipVisionConfig config = configOf(io::clipDimsFromShapes(shapes, file));
    if (config.layers < 2)
        throw Error(ErrorKind::ModelFolder,
                    quoted(file) +
                        ": the vision tower needs at least 2 blocks (the features are taken before "
                        "the last one)");
    return config;
}

} // namespace

ClipAttentionImpl::ClipAttentionImpl(int64_t width, int64_t heads) : m_heads(heads)
{
    to_qkv = register_module("to_qkv", dit::Linear(width, 3 * width));
    proj = register_module("proj", dit::Linear(width, width));
}

torch::Tensor ClipAttentionImpl::forward(const torch::Tensor& x)
{
    // x: [B, L, width] -> [B, L, width]; q, k, v are consecutive width-sized blocks of to_qkv's output
    const int64_t b = x.size(0), s = x.size(1);
    const auto qkv = to_qkv(x).view({b, s, 3, m_heads, -1}).unbind(2);
    return proj(dit::attention(qkv[0], qkv[1], qkv[2]).reshape({b, s, -1}));
}

ClipBlockImpl::ClipBlockImpl(int64_t width, int64_t mlpDim, int64_t heads)
{
    norm1 = register_module("norm1", dit::LayerNorm(width, kClipNormEps, true));
    attn = register_module("attn", ClipAttention(width, heads));
    norm2 = register_module("norm2", dit::LayerNorm(width, kClipNormEps, true));
    mlp = register_module("mlp", torch::nn::Sequential(dit::Linear(width, mlpDim), torch::nn::GELU(),
                                                       dit::Linear(mlpDim, width)));
}

torch::Tensor ClipBlockImpl::forward(const torch::Tensor& x)
{
    // x: [B, L, width] float32 -> [B, L, width] float32
    const auto h = x + attn(norm1(x)).to(torch::kFloat32);
    return h + mlp->forward(norm2(h)).to(torch::kFloat32);
}

VisionTransformerImpl::VisionTransformerImpl(const ClipVisionConfig& c)
{
    const int64_t grid = c.imageSize / c.patchSize;
    patch_embedding = register_module(
        "patch_embedding",
        dit::PatchConv(3, c.width, std::vector<int64_t>{c.patchSize, c.patchSize}, /*withBias=*/false));
    cls_embedding = register_parameter("cls_embedding", torch::empty({1, 1, c.width}), false);
    pos_embedding = register_parameter("pos_embedding", torch::empty({1, 1 + grid * grid, c.width}), false);
    pre_norm = register_module("pre_norm", dit::LayerNorm(c.width, kClipNormEps, true));
    transformer = register_module("transformer", torch::nn::ModuleList());
    for (int64_t i = 0; i + 1 < c.layers; ++i) {
        m_blocks.emplace_back(c.width, c.mlpDim, c.heads);
        transformer->push_back(m_blocks.back());
    }
}

torch::Tensor VisionTransformerImpl::forward(const torch::Tensor& pixels)
{
    // pixels: [B, 3, S, S] -> [B, 1 + (S/patch)^2, width] float32
    const int64_t b = pixels.size(0);
    auto x = patch_embedding(pixels).flatten(2).transpose(1, 2).to(torch::kFloat32);
    x = torch::cat({cls_embedding.to(torch::kFloat32).expand({b, -1, -1}), x}, 1);
    x = pre_norm(x + pos_embedding.to(torch::kFloat32));
    for (auto& block : m_blocks)
        x = block(x);
    return x;
}

ClipVision::ClipVision(const ClipVisionConfig& config) : m_config(config)
{
    visual = register_module("visual", VisionTransformer(config));
}

std::shared_ptr<ClipVision> ClipVision::load(const ClipDims& dims, torch::Dtype dtype, torch::Device device,
                                             const CancelToken* cancel)
{
    return loadWith(dims.file.path, configOf(dims), dtype, device, cancel);
}

std::shared_ptr<ClipVision> ClipVision::load(const fs::path& checkpoint, torch::Dtype dtype,
                                             torch::Device device, const CancelToken* cancel)
{
    return loadWith(checkpoint, std::nullopt, dtype, device, cancel);
}

std::shared_ptr<ClipVision> ClipVision::loadWith(const fs::path& checkpoint,
                                                 const std::optional<ClipVisionConfig>& given,
                                                 torch::Dtype dtype, torch::Device device,
                                                 const CancelToken* cancel)
{
    if (dtype == torch::kFloat16 && device.is_cpu())
        throw Error(ErrorKind::InvalidArgument,
                    "ClipVision: float16 is not supported on the CPU; use float32 or bfloat16 there");
    std::error_code ec;
    fs::path file = fs::is_directory(checkpoint, ec) ? checkpoint / kClipCheckpointName : checkpoint;
    if (fs::is_directory(checkpoint, ec) && !fs::exists(file, ec) &&
        fs::is_regular_file(checkpoint / "model.safetensors", ec))
        file = checkpoint / "model.safetensors"; // a diffusers image_encoder folder
    if (fs::is_directory(checkpoint, ec) && !fs::exists(file, ec) &&
        fs::is_regular_file(checkpoint / "model_index.json", ec) &&
        fs::is_regular_file(checkpoint / "image_encoder" / "model.safetensors", ec))
        file = checkpoint / "image_encoder" / "model.safetensors"; // a whole diffusers folder
    if (!fs::is_regular_file(file, ec))
        throw Error(ErrorKind::ModelFolder, quoted(file) +
                                                " is missing: image-to-video needs the CLIP checkpoint " +
                                                kClipCheckpointName + " in the model folder");
    // torch.save archives are zip files; anything else is read as safetensors (which checks its header).
    auto stored = isZipFile(file) ? io::loadPth(file) : io::loadSafetensors(file);
    const bool hf = stored.count("vision_model.embeddings.patch_embedding.weight") > 0;
    io::RenamedWeights renamed =
        hf ? fromHfClip(std::move(stored), file) : io::RenamedWeights{std::move(stored), {}};
    const auto& weights = renamed.weights;
    const auto config = given ? *given : configFromWeights(weights, file);

    auto model = std::make_shared<ClipVision>(config);
    io::BindOptions options;
    options.dtype = dtype;
    options.device = device;
    options.cancel = cancel;
    // Skipped on purpose: the text tower and contrastive scale (I2V uses image features only), and what comes
    // after the feature layer (the last block, post_norm, head).
    options.ignoredPrefixes = {"textual.", "log_scale", "visual.post_norm.", "visual.head",
                               "visual.transformer." + std::to_string(config.layers - 1) + "."};
    if (hf)
        options.nameInFile = io::namesInFile(renamed, kHfClipNames);
    io::bindStateDict(*model, weights, file, options);
    if (dtype != torch::kFloat32) {
        // The official LayerNorm computes in float32; the embeddings are added in float32 too.
        dit::keepInFloat32(
            *model,
            [](const std::string& name) {
                return name.find("norm") != std::string::npos || name.find("_embedding") != std::string::npos;
            },
            &weights);
    }
    spdlog::info("CLIP vision: width {}, {} blocks used of {}, patch {}, image {} ({})", config.width,
                 config.layers - 1, config.layers, config.patchSize, config.imageSize, file.string());
    return model;
}

torch::Tensor ClipVision::preprocess(const torch::Tensor& image) const
{
    // image: [3, H, W] in [-1, 1] -> [1, 3, S, S]
    if (image.dim() != 3 || image.size(0) != 3 || image.size(1) < 1 || image.size(2) < 1)
        throw Error(ErrorKind::InvalidArgument, "ClipVision: the image must be a [3, H, W] tensor");
    namespace F = torch::nn::functional;
    const int64_t s = m_config.imageSize;
    auto x = F::interpolate(image.to(torch::kFloat32).unsqueeze(0), F::InterpolateFuncOptions()
                                                                        .size(std::vector<int64_t>{s, s})
                                                                        .mode(torch::kBicubic)
                                                                        .align_corners(false));
    x = x.mul(0.5).add(0.5);
    const auto options = x.options();
    const auto mean = torch::tensor({float(kClipMean[0]), float(kClipMean[1]), float(kClipMean[2])}, options);
    const auto stdev = torch::tensor({float(kClipStd[0]), float(kClipStd[1]), float(kClipStd[2])}, options);
    return x.sub(mean.view({1, 3, 1, 1})).div(stdev.view({1, 3, 1, 1}));
}

torch::Tensor ClipVision::encode(const torch::Tensor& image)
{
    // image: [3, H, W] -> [1, 1 + (S/patch)^2, width] float32
    torch::NoGradGuard noGrad;
    const auto device = visual->pos_embedding.device();
    return visual(preprocess(image.to(device)));
}

torch::Tensor ClipVision::encode(const std::vector<torch::Tensor>& images)
{
    // images: N x [3, H_i, W_i] -> [N, 1 + (S/patch)^2, width] float32
    torch::NoGradGuard noGrad;
    const auto device = visual->pos_embedding.device();
    std::vector<torch::Tensor> batch;
    for (const auto& image : images)
        batch.push_back(preprocess(image.to(device)));
    return visual(torch::cat(batch));
}

} // namespace wan::vision
