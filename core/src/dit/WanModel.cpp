#include "dit/WanModel.h"

#include "dit/Attention.h"
#include "dit/FusedOps.h"
#include "dit/KeyRenames.h"
#include "io/NameTables.h"
#include "io/PartDims.h"
#include "io/QuantTensors.h"
#include "io/RawGguf.h"
#include "wan/Error.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

namespace wan::dit {

namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& path)
{
    return "'" + path.string() + "'";
}

[[noreturn]] void invalidInput(const std::string& what)
{
    throw Error(ErrorKind::InvalidArgument, "WanModel: " + what);
}

io::TensorMap renameWeights(io::TensorMap weights, const fs::path& file)
{
    const auto table = ditKeyRenames();
    bool renamed = false;
    for (const auto& item : weights)
        renamed = renamed || renameKey(item.first, table) != item.first;
    if (!renamed)
        return weights;
    io::TensorMap out;
    for (auto& [key, tensor] : weights) {
        auto name = renameKey(key, table);
        if (out.count(name))
            throw Error(ErrorKind::ModelFolder,
                        quoted(file) + " holds tensor '" + name +
                            "' twice (under two layouts): use one DiT file per model");
        out.emplace(std::move(name), std::move(tensor));
    }
    spdlog::info("{}: DiT tensor names mapped from a single-file layout onto the official ones",
                 file.string());
    return out;
}

// diffusers' WanTransformer3DModel names, told by their own top-level modules.
bool hasDiffusersNames(const io::TensorMap& weights)
{
    return std::any_of(weights.begin(), weights.end(), [](const auto& item) {
        return item.first.starts_with("condition_embedder.") || item.first.starts_with("blocks.0.attn1.");
    });
}

// A folder holding a DiT: the official or a diffusers transformer/ folder (config.json beside
// diffusion_pytorch_model*.safetensors), or a diffusers pipeline folder (model_index.json), whose DiT is in
// transformer/. Empty when `dir` is neither.
fs::path ditFolderOf(const fs::path& dir)
{
    std::error_code ec;
    if (fs::is_regular_file(dir / officialFiles::kDitConfig, ec))
        return dir;
    if (fs::is_regular_file(dir / "model_index.json", ec) && fs::is_directory(dir / "transformer", ec))
        return dir / "transformer";
    return {};
}

bool isGgufFile(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::uint8_t magic[4] = {};
    in.read(reinterpret_cast<char*>(magic), sizeof magic);
    return in.gcount() == sizeof magic && io::looksLikeGguf(magic, sizeof magic);
}

// Throws wan::Error(ModelFolder) naming `where` (or `weightsFile`) when the dims cannot make a model; clears
// vaceLayers of a model that is not VACE.
void checkConsistent(WanConfig& c, const fs::path& where, const fs::path& weightsFile);

// The DiT weights of a folder (official or diffusers transformer/), with the names of its config.json and
// of the weights for messages.
struct FolderWeights
{
    io::TensorMap weights;
    fs::path configFile;
    fs::path weightsFile;
};

FolderWeights readDitFolder(const fs::path& folder, const fs::path& configFile)
{
    FolderWeights out;
    out.configFile = configFile.empty() ? folder / officialFiles::kDitConfig : configFile;
    std::error_code ec;
    out.weightsFile = folder / officialFiles::kDit;
    if (!fs::exists(out.weightsFile, ec))
        out.weightsFile = folder / officialFiles::kDitIndex;
    out.weights = io::loadDitWeights(folder);
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------

WanConfig WanConfig::fromCheckpoint(const fs::path& configFile, const io::TensorMap& weights,
                                    const fs::path& weightsFile)
{
    // One reading of the dims for every caller: the model set inspection's (io/PartDims.h).
    io::TensorShapes shapes;
    for (const auto& [name, tensor] : weights)
        shapes.emplace(name, tensor.sizes().vec());
    const ModelInfo info = io::ditDimsFromShapes(shapes, configFile, weightsFile);
    return fromDims(info.modelType, info.dit, info.ditConfig.empty() ? weightsFile : info.ditConfig);
}

WanConfig WanConfig::fromDims(ModelType type, const DitDims& d, const fs::path& where)
{
    WanConfig c;
    switch (type) {
    case ModelType::T2V:
        c.modelType = WanModelType::T2v;
        break;
    case ModelType::I2V:
        c.modelType = WanModelType::I2v;
        break;
    case ModelType::FLF2V:
        c.modelType = WanModelType::Flf2v;
        break;
    case ModelType::VACE:
        c.modelType = WanModelType::Vace;
        break;
    }
    if (d.patchSize.size() != 3)
        throw Error(ErrorKind::ModelFolder, quoted(where) + ": the patch size needs 3 values");
    c.patchSize = {d.patchSize[0], d.patchSize[1], d.patchSize[2]};
    c.textLen = d.textLen;
    c.inDim = d.inDim;
    c.dim = d.dim;
    c.ffnDim = d.ffnDim;
    c.freqDim = d.freqDim;
    c.textDim = d.textDim;
    c.outDim = d.outDim;
    c.numHeads = d.numHeads;
    c.numLayers = d.numLayers;
    c.eps = d.eps;
    if (d.imageDim > 0)
        c.clipDim = d.imageDim;
    if (d.imageTokens > 0)
        c.imageTokens = d.imageTokens;
    c.vaceLayers.assign(d.vaceLayers.begin(), d.vaceLayers.end());
    c.vaceInDim = d.vaceInDim;
    checkConsistent(c, where, where);
    return c;
}

namespace {

void checkConsistent(WanConfig& c, const fs::path& where, const fs::path& weightsFile)
{
    if (c.numLayers < 1 || c.dim < 1 || c.numHeads < 1 || c.dim % c.numHeads != 0 ||
        (c.dim / c.numHeads) % 2 != 0 || c.freqDim % 2 != 0 || c.textLen < 1)
        throw Error(ErrorKind::ModelFolder,
                    quoted(where) + ": inconsistent dimensions (dim " + std::to_string(c.dim) + ", heads " +
                        std::to_string(c.numHeads) + ", layers " + std::to_string(c.numLayers) + ")");
    if (c.hasImageInput() && c.textLen != kT5ContextTokens)
        throw Error(ErrorKind::ModelFolder, quoted(where) + ": image-conditioned models need text_len " +
                                                std::to_string(kT5ContextTokens));
    if (c.modelType == WanModelType::Flf2v && c.imageTokens < 1)
        throw Error(ErrorKind::ModelFolder, quoted(weightsFile) + ": img_emb.emb_pos holds no image tokens");
    if (c.modelType == WanModelType::Vace) {
        // The official VaceWanModel asserts 0 in vace_layers; each base block takes at most one hint.
        std::set<int64_t> seen;
        bool valid = !c.vaceLayers.empty() && c.vaceInDim > 0;
        for (const auto layer : c.vaceLayers)
            valid = valid && layer >= 0 && layer < c.numLayers && seen.insert(layer).second;
        if (!valid || !seen.count(0)) {
            std::string layers;
            for (const auto layer : c.vaceLayers)
                layers += (layers.empty() ? "" : ", ") + std::to_string(layer);
            throw Error(ErrorKind::ModelFolder,
                        quoted(where) + ": vace_layers [" + layers +
                            "] must be distinct blocks below num_layers " + std::to_string(c.numLayers) +
                            " including 0, and vace_in_dim (" + std::to_string(c.vaceInDim) + ") positive");
        }
    } else if (!c.vaceLayers.empty()) {
        c.vaceLayers.clear();
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------

WanSelfAttentionImpl::WanSelfAttentionImpl(int64_t dim, int64_t numHeads, double eps) : m_numHeads(numHeads)
{
    q = register_module("q", Linear(dim, dim));
    k = register_module("k", Linear(dim, dim));
    v = register_module("v", Linear(dim, dim));
    o = register_module("o", Linear(dim, dim));
    norm_q = register_module("norm_q", RmsNorm(dim, eps));
    norm_k = register_module("norm_k", RmsNorm(dim, eps));
}

torch::Tensor WanSelfAttentionImpl::forward(torch::Tensor x, const std::vector<int64_t>& seqLens,
                                            const RopeTables& rope)
{
    // x: [B, L, dim] -> [B, L, dim]
    const int64_t b = x.size(0), s = x.size(1);
    const auto heads = [&](const torch::Tensor& t) { return t.view({b, s, m_numHeads, -1}); };
    const auto dtype = v->computeDtype();
    // One cast for q, k and v; the float32 input dies here when the weights are reduced precision.
    auto input = x.to(q->computeDtype());
    x = torch::Tensor();
    // The float32 RmsNorm output is rotated in place, then rounded to the weights' dtype (the official
    // flash_attention's cast); one kernel for the three on the GPU with lean RoPE.
    const auto normedRotated = [&](RmsNormImpl& norm, const torch::Tensor& y) {
        if (auto fused = fused::tryRmsNormRope(y, norm.weight, norm.eps(), m_numHeads, rope, dtype);
            fused.defined())
            return fused;
        return applyRope(heads(norm.forward(y)), rope).to(dtype);
    };
    auto query = normedRotated(*norm_q, q(input));
    auto key = normedRotated(*norm_k, k(input));
    auto value = heads(v(input));
    input = torch::Tensor();
    auto out = attention(query, key, value, seqLens);
    query = key = value = torch::Tensor();
    return o(out.flatten(2));
}

WanCrossAttentionImpl::WanCrossAttentionImpl(int64_t dim, int64_t numHeads, double eps, bool imageContext)
    : m_numHeads(numHeads)
{
    q = register_module("q", Linear(dim, dim));
    k = register_module("k", Linear(dim, dim));
    v = register_module("v", Linear(dim, dim));
    o = register_module("o", Linear(dim, dim));
    norm_q = register_module("norm_q", RmsNorm(dim, eps));
    norm_k = register_module("norm_k", RmsNorm(dim, eps));
    if (imageContext) {
        k_img = register_module("k_img", Linear(dim, dim));
        v_img = register_module("v_img", Linear(dim, dim));
        norm_k_img = register_module("norm_k_img", RmsNorm(dim, eps));
    }
}

torch::Tensor WanCrossAttentionImpl::forward(torch::Tensor x, const torch::Tensor& context)
{
    // x: [B, L, dim], context: [B, Lc, dim] -> [B, L, dim]
    const int64_t b = x.size(0);
    const auto heads = [&](const torch::Tensor& t) { return t.view({b, t.size(1), m_numHeads, -1}); };
    const auto dtypeOf = [](const Linear& l) { return l->computeDtype(); };
    const auto query = heads(norm_q(q(x))).to(dtypeOf(v));
    x = torch::Tensor();
    if (!k_img) {
        const auto value = heads(v(context));
        return o(attention(query, heads(norm_k(k(context))).to(value.scalar_type()), value).flatten(2));
    }
    // Image tokens first, then exactly kT5ContextTokens text tokens. No key mask: padded text rows take part.
    const int64_t imageTokens = context.size(1) - kT5ContextTokens;
    const auto image = context.narrow(1, 0, imageTokens);
    const auto text = context.narrow(1, imageTokens, kT5ContextTokens);
    const auto textValue = heads(v(text));
    const auto imageValue = heads(v_img(image));
    const auto textOut = attention(query, heads(norm_k(k(text))).to(textValue.scalar_type()), textValue);
    const auto imageOut =
        attention(query, heads(norm_k_img(k_img(image))).to(imageValue.scalar_type()), imageValue);
    return o(textOut.flatten(2) + imageOut.flatten(2));
}

WanAttentionBlockImpl::WanAttentionBlockImpl(const WanConfig& c)
{
    modulation = register_parameter("modulation", torch::empty({1, 6, c.dim}), false);
    norm1 = register_module("norm1", LayerNorm(c.dim, c.eps, /*affine=*/false));
    self_attn = register_module("self_attn", WanSelfAttention(c.dim, c.numHeads, c.eps));
    norm3 = register_module("norm3", LayerNorm(c.dim, c.eps, /*affine=*/true));
    cross_attn =
        register_module("cross_attn", WanCrossAttention(c.dim, c.numHeads, c.eps, c.hasImageInput()));
    norm2 = register_module("norm2", LayerNorm(c.dim, c.eps, /*affine=*/false));
    ffn = register_module("ffn",
                          torch::nn::Sequential(Linear(c.dim, c.ffnDim),
                                                torch::nn::GELU(torch::nn::GELUOptions().approximate("tanh")),
                                                Linear(c.ffnDim, c.dim)));
}

torch::Tensor WanAttentionBlockImpl::forward(torch::Tensor x, const torch::Tensor& e0,
                                             const std::vector<int64_t>& seqLens, const RopeTables& rope,
                                             const torch::Tensor& context)
{
    // x: [B, L, dim] float32 -> [B, L, dim] float32
    const auto e = (modulation.to(torch::kFloat32) + e0).chunk(6, 1); // each [B, 1, dim]
    // Each branch is one statement, so its temporaries die before the next branch starts.
    auto y = self_attn(normModulate(*norm1, x, e[1], e[0], self_attn->q->computeDtype()), seqLens, rope);
    x = addGated(std::move(x), std::move(y), e[2]);
    y = cross_attn(norm3(x), context);
    x = addGated(std::move(x), std::move(y));
    const int64_t length = x.size(1);
    if (m_ffnChunkTokens <= 0 || m_ffnChunkTokens >= length || at::GradMode::is_enabled())
        return feedForward(std::move(x), e);
    // Rows are independent in the FFN branch: each chunk is updated inside x.
    for (int64_t start = 0; start < length; start += m_ffnChunkTokens) {
        auto rows = x.narrow(1, start, std::min(m_ffnChunkTokens, length - start));
        const auto updated = feedForward(rows, e);
        if (!updated.is_same(rows))
            rows.copy_(updated);
    }
    return x;
}

torch::Tensor WanAttentionBlockImpl::feedForward(torch::Tensor x, const std::vector<torch::Tensor>& e)
{
    // x: [B, n, dim] float32 -> x + ffn(norm2(x) * (1 + e[4]) + e[3]) * e[5]
    auto& fc1 = *ffn[0]->as<LinearImpl>();
    auto& fc2 = *ffn[2]->as<LinearImpl>();
    auto hidden = fc1.forward(normModulate(*norm2, x, e[4], e[3], fc1.computeDtype()));
    if (at::GradMode::is_enabled())
        hidden = ffn[1]->as<torch::nn::GELUImpl>()->forward(hidden);
    else
        at::gelu_(hidden, "tanh"); // the module's function (ffn.1), in place
    auto y = fc2.forward(hidden);
    hidden = torch::Tensor();
    return addGated(std::move(x), std::move(y), e[5]);
}

HeadImpl::HeadImpl(int64_t dim, int64_t outFeatures, double eps)
{
    norm = register_module("norm", LayerNorm(dim, eps, /*affine=*/false));
    head = register_module("head", Linear(dim, outFeatures));
    modulation = register_parameter("modulation", torch::empty({1, 2, dim}), false);
}

torch::Tensor HeadImpl::forward(const torch::Tensor& x, const torch::Tensor& e)
{
    // x: [B, L, dim], e: [B, dim] -> [B, L, outFeatures] float32
    const auto m = (modulation.to(torch::kFloat32) + e.unsqueeze(1)).chunk(2, 1);
    return head(normModulate(*norm, x, m[1], m[0], head->computeDtype())).to(torch::kFloat32);
}

MlpProjImpl::MlpProjImpl(int64_t inDim, int64_t outDim, int64_t imageTokens)
{
    // LayerNorm eps is torch's default 1e-5 here, unlike the blocks' 1e-6; the GELU is the exact erf one.
    proj = register_module("proj", torch::nn::Sequential(LayerNorm(inDim, 1e-5, true), Linear(inDim, inDim),
                                                         torch::nn::GELU(), Linear(inDim, outDim),
                                                         LayerNorm(outDim, 1e-5, true)));
    if (imageTokens > 0)
        emb_pos = register_parameter("emb_pos", torch::empty({1, 2 * imageTokens, inDim}), false);
}

torch::Tensor MlpProjImpl::forward(const torch::Tensor& x)
{
    // x: [B, n, inDim] -> [B, n, outDim]
    if (!emb_pos.defined())
        return proj->forward(x);
    const auto pairs = x.view({-1, 2 * x.size(1), x.size(2)});
    return proj->forward(pairs.to(torch::kFloat32) + emb_pos.to(torch::kFloat32));
}

// ---------------------------------------------------------------------------------------------------------------

WanModel::WanModel(const WanConfig& config) : m_config(config)
{
    const auto& c = m_config;
    patch_embedding = register_module(
        "patch_embedding",
        PatchConv(c.inDim, c.dim, std::vector<int64_t>(c.patchSize.begin(), c.patchSize.end()), true));
    text_embedding = register_module(
        "text_embedding", torch::nn::Sequential(Linear(c.textDim, c.dim),
                                                torch::nn::GELU(torch::nn::GELUOptions().approximate("tanh")),
                                                Linear(c.dim, c.dim)));
    time_embedding =
        register_module("time_embedding", torch::nn::Sequential(Linear(c.freqDim, c.dim), torch::nn::SiLU(),
                                                                Linear(c.dim, c.dim)));
    time_projection = register_module("time_projection",
                                      torch::nn::Sequential(torch::nn::SiLU(), Linear(c.dim, 6 * c.dim)));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.numLayers; ++i) {
        m_blocks.emplace_back(c);
        blocks->push_back(m_blocks.back());
    }
    const int64_t patchVolume = c.patchSize[0] * c.patchSize[1] * c.patchSize[2];
    head = register_module("head", Head(c.dim, c.outDim * patchVolume, c.eps));
    if (c.hasImageInput())
        img_emb = register_module(
            "img_emb", MlpProj(c.clipDim, c.dim, c.modelType == WanModelType::Flf2v ? c.imageTokens : 0));
    m_hintOfBlock.assign(size_t(c.numLayers), -1);
    if (c.modelType == WanModelType::Vace) {
        vace_blocks = register_module("vace_blocks", torch::nn::ModuleList());
        for (size_t j = 0; j < c.vaceLayers.size(); ++j) {
            m_vaceBlocks.emplace_back(c, j == 0);
            vace_blocks->push_back(m_vaceBlocks.back());
            m_hintOfBlock[size_t(c.vaceLayers[j])] = int64_t(j);
        }
        vace_patch_embedding =
            register_module("vace_patch_embedding",
                            PatchConv(c.vaceInDim, c.dim,
                                      std::vector<int64_t>(c.patchSize.begin(), c.patchSize.end()), true));
    }

    // Not registered: these tables are derived, never in a checkpoint, and stay float64 whatever the weights.
    const auto angles = ropeAngles(c.dim / c.numHeads);
    m_ropeCos = angles.cos();
    m_ropeSin = angles.sin();
}

std::shared_ptr<WanModel> WanModel::load(const fs::path& checkpoint, torch::Dtype dtype, torch::Device device,
                                         const CancelToken* cancel)
{
    fs::path configFile;
    fs::path weightsFile;
    io::TensorMap weights;
    std::error_code ec;
    if (fs::is_directory(checkpoint, ec)) {
        const fs::path folder = ditFolderOf(checkpoint);
        configFile = (folder.empty() ? checkpoint : folder) / officialFiles::kDitConfig;
        if (folder.empty())
            throw Error(ErrorKind::ModelFolder,
                        quoted(configFile) +
                            " is missing: a Wan2.1 model folder has config.json next to "
                            "diffusion_pytorch_model*.safetensors (a diffusers folder has them in "
                            "transformer/); download the complete folder");
        auto read = readDitFolder(folder, configFile);
        weights = std::move(read.weights);
        weightsFile = std::move(read.weightsFile);
    } else if (fs::is_regular_file(checkpoint, ec)) {
        return loadFile(checkpoint, {}, dtype, device, cancel);
    } else {
        throw Error(ErrorKind::ModelFolder, quoted(checkpoint) +
                                                " does not exist: pass a Wan2.1 model folder or "
                                                "a single-file DiT .safetensors");
    }
    return fromStoredWeights(std::move(weights), {}, configFile, weightsFile, dtype, device, cancel);
}

namespace {

// The stored DiT weights of a single file, shard index or DiT folder (loadFile()'s input).
struct StoredDit
{
    io::TensorMap weights;
    std::map<std::string, io::GgufBlocks> blocks;
    fs::path configFile;
    fs::path weightsFile;
};

StoredDit readDitCheckpoint(const fs::path& checkpoint, const fs::path& configFile)
{
    StoredDit out;
    out.configFile = configFile;
    out.weightsFile = checkpoint;
    std::error_code ec;
    if (fs::is_directory(checkpoint, ec)) {
        // A DiT folder (official or diffusers transformer/): its own config.json unless one is given.
        const auto folder = ditFolderOf(checkpoint);
        if (folder.empty())
            throw Error(ErrorKind::ModelFolder,
                        quoted(checkpoint) + " is a folder without a DiT: expected config.json with "
                                             "diffusion_pytorch_model*.safetensors, or a diffusers folder "
                                             "(model_index.json) with transformer/");
        auto read = readDitFolder(folder, configFile);
        out.weights = std::move(read.weights);
        out.configFile = std::move(read.configFile);
        out.weightsFile = std::move(read.weightsFile);
    } else if (checkpoint.filename().string().ends_with(".safetensors.index.json")) {
        out.weights = io::loadSafetensorsShards(checkpoint);
    } else if (isGgufFile(checkpoint)) {
        auto gguf = io::loadGgufWeights(checkpoint);
        if (gguf.architecture != "wan")
            throw Error(ErrorKind::ModelFolder,
                        quoted(checkpoint) + " is a GGUF file of architecture '" + gguf.architecture +
                            "', not a Wan2.1 DiT (general.architecture 'wan'); pick a Wan GGUF such as "
                            "city96's Wan2.1 quantisations");
        out.weights = std::move(gguf.tensors);
        out.blocks = std::move(gguf.blocks);
    } else {
        out.weights = io::loadSafetensors(checkpoint);
    }
    return out;
}

} // namespace

std::shared_ptr<WanModel> WanModel::loadFile(const fs::path& checkpoint, const fs::path& configFile,
                                             torch::Dtype dtype, torch::Device device,
                                             const CancelToken* cancel)
{
    auto stored = readDitCheckpoint(checkpoint, configFile);
    return fromStoredWeights(std::move(stored.weights), std::move(stored.blocks), stored.configFile,
                             stored.weightsFile, dtype, device, cancel);
}

std::shared_ptr<WanModel> WanModel::load(const ModelInfo& info, torch::Dtype dtype, torch::Device device,
                                         const CancelToken* cancel)
{
    StoredDit stored;
    if (info.ditFile.empty()) {
        auto read = readDitFolder(info.dir, {});
        stored.weights = std::move(read.weights);
        stored.configFile = std::move(read.configFile);
        stored.weightsFile = std::move(read.weightsFile);
    } else {
        stored = readDitCheckpoint(info.ditFile, info.ditConfig);
    }
    const fs::path& where = stored.configFile.empty() ? stored.weightsFile : stored.configFile;
    return build(std::move(stored.weights), std::move(stored.blocks),
                 WanConfig::fromDims(info.modelType, info.dit, where), stored.configFile, stored.weightsFile,
                 dtype, device, cancel);
}

std::shared_ptr<WanModel> WanModel::fromWeights(io::TensorMap weights, const fs::path& configFile,
                                                const fs::path& weightsFile, torch::Dtype dtype,
                                                torch::Device device, const CancelToken* cancel)
{
    return fromStoredWeights(std::move(weights), {}, configFile, weightsFile, dtype, device, cancel);
}

std::shared_ptr<WanModel> WanModel::fromStoredWeights(io::TensorMap weights,
                                                      std::map<std::string, io::GgufBlocks> blocks,
                                                      const fs::path& configFile, const fs::path& weightsFile,
                                                      torch::Dtype dtype, torch::Device device,
                                                      const CancelToken* cancel)
{
    return build(std::move(weights), std::move(blocks), std::nullopt, configFile, weightsFile, dtype, device,
                 cancel);
}

std::shared_ptr<WanModel> WanModel::build(io::TensorMap weights, std::map<std::string, io::GgufBlocks> blocks,
                                          const std::optional<WanConfig>& given, const fs::path& configFile,
                                          const fs::path& weightsFile, torch::Dtype dtype,
                                          torch::Device device, const CancelToken* cancel)
{
    if (dtype == torch::kFloat16 && device.is_cpu())
        throw Error(ErrorKind::InvalidArgument,
                    "WanModel: float16 is not supported on the CPU; use float32 or bfloat16 there");
    weights = renameWeights(std::move(weights), weightsFile);
    io::BindOptions options;
    if (hasDiffusersNames(weights)) {
        auto renamed = io::renameWeights(std::move(weights), io::diffusersDitNames(), weightsFile);
        options.nameInFile = io::namesInFile(renamed, io::diffusersDitNames());
        weights = std::move(renamed.weights);
        spdlog::info("{}: DiT tensor names mapped from the diffusers layout onto the official ones",
                     weightsFile.string());
    }
    if (!blocks.empty()) {
        std::map<std::string, io::GgufBlocks> renamed;
        for (auto& [name, b] : blocks) {
            auto official = renameKey(name, ditKeyRenames());
            if (options.nameInFile)
                official = io::officialName(official, io::diffusersDitNames()).value_or(official);
            renamed.emplace(std::move(official), std::move(b));
        }
        blocks = std::move(renamed);
    }
    const auto scales = io::takeScaledFp8Scales(weights, weightsFile);

    WanConfig config;
    if (given) {
        config = *given;
    } else {
        // The config reads shapes only: GGUF blocks stand in as shape-only tensors of their real shape.
        io::TensorMap shapes = weights;
        for (const auto& [name, b] : blocks)
            shapes[name] = torch::empty(b.shape, torch::TensorOptions(torch::kFloat32).device(torch::kMeta));
        config = WanConfig::fromCheckpoint(configFile, shapes, weightsFile);
    }

    auto model = std::make_shared<WanModel>(config);
    std::map<std::string, LinearImpl*> linears;
    for (const auto& item : model->named_modules("", /*include_self=*/false)) {
        if (auto* linear = item.value()->as<LinearImpl>())
            linears.emplace(item.key() + ".weight", linear);
    }
    struct Quantized
    {
        LinearImpl* layer;
        double scale;
        int ggmlType;
    };
    std::map<std::string, Quantized> quantized;
    for (auto& [name, tensor] : weights) {
        const auto block = blocks.find(name);
        const bool fp8 =
            tensor.scalar_type() == torch::kFloat8_e4m3fn || tensor.scalar_type() == torch::kFloat8_e5m2;
        if (block == blocks.end() && !fp8)
            continue;
        const auto scale = scales.find(name);
        const double s = scale == scales.end() ? 1.0 : scale->second;
        const auto linear = linears.find(name);
        if (linear != linears.end()) {
            const auto& stored = block != blocks.end() ? block->second.shape : tensor.sizes().vec();
            options.quantized.emplace(name, stored);
            quantized.emplace(
                name, Quantized{linear->second, s, block != blocks.end() ? int(block->second.type) : -1});
        } else if (block != blocks.end()) {
            tensor =
                io::dequantizeGgufBlocks(tensor, block->second.type, block->second.shape, torch::kFloat32);
        } else {
            tensor = (tensor.to(torch::kFloat32) * static_cast<float>(s));
        }
    }
    options.dtype = dtype;
    options.device = device;
    options.cancel = cancel;
    io::bindStateDict(*model, weights, weightsFile, options);
    for (const auto& [name, q] : quantized)
        q.layer->setQuantized(keepsFloat32(name) ? torch::kFloat32 : dtype, q.scale, q.ggmlType);
    if (dtype != torch::kFloat32)
        keepInFloat32(*model, &WanModel::keepsFloat32, &weights);
    weights.clear();
    if (!quantized.empty())
        spdlog::info("{}: {} linear weights stay quantised ({}), dequantised per layer at use",
                     weightsFile.string(), quantized.size(), blocks.empty() ? "fp8" : "GGUF");
    static constexpr const char* kTypeNames[] = {"", "t2v", "i2v", "flf2v", "vace"};
    spdlog::info("WanModel {}: dim {}, {} layers, {} heads, ffn {}, text_dim {}, in {} out {} ({})",
                 kTypeNames[int(config.modelType)], config.dim, config.numLayers, config.numHeads,
                 config.ffnDim, config.textDim, config.inDim, config.outDim, weightsFile.string());
    return model;
}

int WanModel::quantizedLinearCount() const
{
    int count = 0;
    for (const auto& item : named_modules("", false)) {
        if (const auto* linear = item.value()->as<LinearImpl>())
            count += linear->quantized() ? 1 : 0;
    }
    return count;
}

bool WanModel::keepsFloat32(const std::string& name)
{
    const auto startsWith = [&](const char* prefix) { return name.rfind(prefix, 0) == 0; };
    return name.find("norm") != std::string::npos || name.find("modulation") != std::string::npos ||
           startsWith("time_embedding.") || startsWith("time_projection.") || startsWith("head.") ||
           startsWith("img_emb.proj.0.") || startsWith("img_emb.proj.4.") || startsWith("img_emb.emb_pos");
}

torch::Device WanModel::computeDevice() const
{
    return m_streamDevice.value_or(patch_embedding->weight.device());
}

void WanModel::to(torch::Device device, torch::Dtype dtype, bool nonBlocking)
{
    if (m_streamDevice)
        throw Error(ErrorKind::Internal, "WanModel: set the dtype before enabling block streaming");
    torch::nn::Module::to(device, dtype, nonBlocking);
}

void WanModel::to(torch::Dtype dtype, bool nonBlocking)
{
    if (m_streamDevice)
        throw Error(ErrorKind::Internal, "WanModel: set the dtype before enabling block streaming");
    torch::nn::Module::to(dtype, nonBlocking);
}

void WanModel::to(torch::Device device, bool nonBlocking)
{
    if (!m_streamDevice) {
        torch::nn::Module::to(device, nonBlocking);
        return;
    }
    m_streamDevice = device;
    if (m_streamer && m_streamer->device() != device)
        m_streamer->setBackend(makeStreamBackend(device));
    for (auto* module :
         std::initializer_list<torch::nn::Module*>{patch_embedding.get(), text_embedding.get(),
                                                   time_embedding.get(), time_projection.get(), head.get()})
        module->to(device, nonBlocking);
    if (img_emb)
        img_emb->to(device, nonBlocking);
    if (vace_patch_embedding)
        vace_patch_embedding->to(device, nonBlocking);
}

std::vector<torch::nn::Module*> WanModel::streamedBlocks()
{
    std::vector<torch::nn::Module*> modules;
    for (auto& block : m_blocks)
        modules.push_back(block.get());
    for (auto& block : m_vaceBlocks)
        modules.push_back(block.get());
    return modules;
}

void WanModel::fetchBlock(size_t index)
{
    if (m_streamer)
        m_streamer->acquire(index);
}

void WanModel::releaseBlock(size_t index)
{
    if (m_streamer)
        m_streamer->release(index);
}

WanModel::StreamPass::StreamPass(WanModel& model) : m_streamer(model.m_streamer.get())
{
    if (!m_streamer)
        return;
    // The order forward() runs them in: the VACE hint blocks first, then the base blocks.
    std::vector<size_t> order;
    for (size_t j = 0; j < model.m_vaceBlocks.size(); ++j)
        order.push_back(model.m_blocks.size() + j);
    for (size_t i = 0; i < model.m_blocks.size(); ++i)
        order.push_back(i);
    m_streamer->beginPass(std::move(order));
}

WanModel::StreamPass::~StreamPass()
{
    if (m_streamer)
        m_streamer->endPass();
}

WanModel::FetchedBlock::FetchedBlock(WanModel& model, size_t index) : m_model(model), m_index(index)
{
    try {
        m_model.fetchBlock(m_index);
        if (m_model.m_blockHook)
            m_model.m_blockHook(m_index);
    } catch (...) {
        m_model.releaseBlock(m_index);
        throw;
    }
}

WanModel::FetchedBlock::~FetchedBlock()
{
    // Pointing parameters back at host tensors allocates nothing; a failure here would leave one block's
    // weights on the device, which the next fetch of that block replaces anyway.
    try {
        m_model.releaseBlock(m_index);
    } catch (const std::exception& e) {
        spdlog::warn("DiT block {}: cannot release its streamed weights: {}", m_index, e.what());
    }
}

void WanModel::setBlockStreaming(std::optional<torch::Device> compute, HostPinning pinning)
{
    if (!compute) {
        if (!m_streamDevice)
            return;
        const auto device = *m_streamDevice;
        m_streamDevice.reset();
        m_streamer.reset(); // the parameters point at their host weights
        blocks->to(device);
        if (vace_blocks)
            vace_blocks->to(device);
        return;
    }
    m_streamer.reset();
    std::vector<std::vector<torch::Tensor>> params;
    for (auto* block : streamedBlocks())
        params.push_back(block->parameters());
    m_streamer = std::make_unique<BlockStreamer>(std::move(params), makeStreamBackend(*compute), pinning);
    m_streamDevice = *compute;
    to(*compute);
}

void WanModel::setFfnChunkTokens(int64_t tokens)
{
    m_ffnChunkTokens = std::max<int64_t>(0, tokens);
    for (auto& block : m_blocks)
        block->setFfnChunkTokens(m_ffnChunkTokens);
    for (auto& block : m_vaceBlocks)
        block->setFfnChunkTokens(m_ffnChunkTokens);
}

namespace {

std::vector<double> timeKey(const torch::Tensor& t)
{
    const auto values = t.to(torch::kCPU, torch::kFloat64).contiguous();
    return {values.data_ptr<double>(), values.data_ptr<double>() + values.numel()};
}

bool hasAdapters(torch::nn::Module& module)
{
    for (const auto& item : module.named_modules("", true))
        if (const auto* linear = item.value()->as<LinearImpl>(); linear && !linear->adapters.empty())
            return true;
    return false;
}

} // namespace

std::pair<torch::Tensor, torch::Tensor> WanModel::timeEmbedding(const torch::Tensor& t, torch::Device device)
{
    // t: [B] -> {e [B, dim], e0 [B, 6, dim]} float32 on `device`
    if (!m_timeTable.empty() && !m_gradEnabled) // table entries carry no autograd history
        if (const auto found = m_timeTable.find(timeKey(t)); found != m_timeTable.end())
            return found->second;
    // The sinusoid in float64, the MLPs in float32 (official autocast(float32) region), where the MLP
    // weights are (the compute device unless precomputeTimeEmbeddings() moved them).
    const auto mlpDevice = time_projection->parameters().front().device();
    const int64_t half = m_config.freqDim / 2;
    const auto position = t.to(mlpDevice, torch::kFloat64);
    const auto frequencies = torch::pow(10000.0, -torch::arange(half, position.options()).div(double(half)));
    const auto sinusoid = torch::outer(position, frequencies);
    const auto timeInput = torch::cat({torch::cos(sinusoid), torch::sin(sinusoid)}, 1).to(torch::kFloat32);
    const auto e = time_embedding->forward(timeInput).to(torch::kFloat32);
    const auto e0 = time_projection->forward(e).to(torch::kFloat32).view({-1, 6, m_config.dim});
    return {e.to(device), e0.to(device)};
}

void WanModel::precomputeTimeEmbeddings(const std::vector<torch::Tensor>& timesteps)
{
    std::optional<torch::NoGradGuard> noGrad;
    if (!m_gradEnabled)
        noGrad.emplace();
    const auto device = computeDevice();
    m_timeTable.clear();
    time_embedding->to(device);
    time_projection->to(device);
    std::map<std::vector<double>, std::pair<torch::Tensor, torch::Tensor>> table;
    for (const auto& t : timesteps) {
        auto key = timeKey(t);
        if (!table.count(key))
            table.emplace(std::move(key), timeEmbedding(t, device));
    }
    m_timeTable = std::move(table);
    // The time MLPs are large next to one block (dim x 6 dim in float32); on-the-fly LoRA adapters stay
    // with their weights, so a model with adapters there keeps them on the device.
    if (device.is_cuda() && !hasAdapters(*time_embedding) && !hasAdapters(*time_projection)) {
        time_embedding->to(torch::kCPU);
        time_projection->to(torch::kCPU);
    }
}

torch::Tensor WanModel::precomputedTimeProjection(const torch::Tensor& t) const
{
    const auto found = m_timeTable.find(timeKey(t));
    return found == m_timeTable.end() ? torch::Tensor() : found->second.second;
}

void WanModel::clearTimeEmbeddings()
{
    m_timeTable.clear();
    const auto device = computeDevice();
    time_embedding->to(device);
    time_projection->to(device);
}

RopeMath WanModel::ropeMath() const
{
    const bool exact = m_blocks.empty() || m_blocks.front()->self_attn->q->computeDtype() == torch::kFloat32;
    return exact ? RopeMath::Exact : RopeMath::Lean;
}

const RopeTables& WanModel::ropeTablesFor(const std::vector<std::array<int64_t, 3>>& grids,
                                          torch::Device device)
{
    // Tables made in inference mode cannot take part in autograd, so the mode is part of the key.
    const auto math = ropeMath();
    std::string key = device.str();
    key += math == RopeMath::Exact ? " exact" : " lean";
    key += c10::InferenceMode::is_enabled() ? " inference" : "";
    for (const auto& grid : grids) {
        for (const auto size : grid) {
            key += ' ';
            key += std::to_string(size);
        }
        key += ';';
    }
    if (key != m_ropeKey) {
        m_rope = ropeTables(m_ropeCos, m_ropeSin, grids, math, device);
        m_ropeKey = std::move(key);
    }
    return m_rope;
}

std::vector<torch::Tensor> WanModel::forward(std::vector<torch::Tensor> x, torch::Tensor t,
                                             std::vector<torch::Tensor> context, int64_t seqLen,
                                             std::optional<torch::Tensor> clipFea,
                                             std::optional<std::vector<torch::Tensor>> y,
                                             std::optional<std::vector<torch::Tensor>> vaceContext,
                                             double vaceContextScale, BlockCache* cache)
{
    // x: B x [C_in, F, H, W] -> B x [outDim, F, H, W] float32
    std::optional<torch::NoGradGuard> noGrad;
    if (!m_gradEnabled)
        noGrad.emplace();
    const auto& c = m_config;
    const auto device = computeDevice();
    const int64_t batch = int64_t(x.size());

    if (batch == 0)
        invalidInput("no input latents");
    if (int64_t(context.size()) != batch)
        invalidInput("got " + std::to_string(batch) + " latents but " + std::to_string(context.size()) +
                     " text contexts");
    if (!t.defined() || t.dim() != 1 || (t.size(0) != batch && t.size(0) != 1))
        invalidInput("timesteps must be a tensor [" + std::to_string(batch) + "] (or [1])");
    if (c.hasImageInput()) {
        if (!clipFea || !y)
            invalidInput("an image-to-video model needs CLIP features and the conditioning latent y");
        if (int64_t(y->size()) != batch)
            invalidInput("got " + std::to_string(batch) + " latents but " + std::to_string(y->size()) + " y");
        const int64_t clipBatch = c.modelType == WanModelType::Flf2v ? 2 * batch : batch;
        if (clipFea->dim() != 3 || clipFea->size(0) != clipBatch || clipFea->size(2) != c.clipDim)
            invalidInput("CLIP features must be [" + std::to_string(clipBatch) + ", tokens, " +
                         std::to_string(c.clipDim) + "], got " + io::shapeString(clipFea->sizes()));
        if (c.modelType == WanModelType::Flf2v && clipFea->size(1) != c.imageTokens)
            invalidInput("CLIP features must have " + std::to_string(c.imageTokens) +
                         " tokens per image (img_emb.emb_pos), got " + io::shapeString(clipFea->sizes()));
    } else if (clipFea || y) {
        invalidInput("this text-to-video model takes no CLIP features or conditioning latent");
    }
    if (c.modelType == WanModelType::Vace) {
        if (!vaceContext || int64_t(vaceContext->size()) != batch)
            invalidInput("a VACE model needs one VACE context per latent (" + std::to_string(batch) + ")");
        for (int64_t i = 0; i < batch; ++i) {
            const auto& u = (*vaceContext)[size_t(i)];
            const auto& v = x[size_t(i)];
            if (u.dim() != 4 || v.dim() != 4 || u.size(0) != c.vaceInDim ||
                u.sizes().slice(1) != v.sizes().slice(1))
                invalidInput("VACE context " + std::to_string(i) + " " + io::shapeString(u.sizes()) +
                             " must be [" + std::to_string(c.vaceInDim) +
                             ", F, H, W] with the latent's F, H, W " + io::shapeString(v.sizes()));
        }
    } else if (vaceContext) {
        invalidInput("only a VACE model takes a VACE context");
    }

    // Patchify: tokens in (f, h, w) row-major order, zero-padded to seqLen.
    const int64_t pt = c.patchSize[0], ph = c.patchSize[1], pw = c.patchSize[2];
    std::vector<std::array<int64_t, 3>> grids;
    std::vector<int64_t> lengths;
    auto tokens =
        torch::zeros({batch, seqLen, c.dim}, torch::TensorOptions().dtype(torch::kFloat32).device(device));
    for (int64_t i = 0; i < batch; ++i) {
        auto u = x[size_t(i)].to(device, torch::kFloat32);
        if (y)
            u = torch::cat({u, (*y)[size_t(i)].to(device, torch::kFloat32)}, 0);
        if (u.dim() != 4 || u.size(0) != c.inDim || u.size(1) % pt || u.size(2) % ph || u.size(3) % pw ||
            u.size(1) == 0 || u.size(2) == 0 || u.size(3) == 0)
            invalidInput("sample " + std::to_string(i) + ": input " + io::shapeString(u.sizes()) +
                         " must be [" + std::to_string(c.inDim) +
                         ", F, H, W] with F, H, W multiples of the patch size");
        const std::array<int64_t, 3> grid{u.size(1) / pt, u.size(2) / ph, u.size(3) / pw};
        if (grid[0] > kRopeMaxPositions || grid[1] > kRopeMaxPositions || grid[2] > kRopeMaxPositions)
            invalidInput("sample " + std::to_string(i) + " is too large for the position tables");
        const int64_t length = grid[0] * grid[1] * grid[2];
        if (length > seqLen)
            invalidInput("sample " + std::to_string(i) + " has " + std::to_string(length) +
                         " tokens, more than seq_len " + std::to_string(seqLen));
        const auto patches = patch_embedding(u.unsqueeze(0)).flatten(2).transpose(1, 2)[0];
        tokens[i].narrow(0, 0, length).copy_(patches);
        grids.push_back(grid);
        lengths.push_back(length);
    }

    const auto [e, e0] = timeEmbedding(t, device); // [B, dim], [B, 6, dim]

    // Text context zero-padded to textLen before the embedding, so the padding rows become text_embedding(0).
    std::vector<torch::Tensor> padded;
    for (int64_t i = 0; i < batch; ++i) {
        const auto& u = context[size_t(i)];
        if (u.dim() != 2 || u.size(1) != c.textDim || u.size(0) > c.textLen)
            invalidInput("text context " + std::to_string(i) + " " + io::shapeString(u.sizes()) +
                         " must be [L <= " + std::to_string(c.textLen) + ", " + std::to_string(c.textDim) +
                         "]");
        const auto rows = u.to(device, torch::kFloat32);
        padded.push_back(torch::cat({rows, rows.new_zeros({c.textLen - rows.size(0), c.textDim})}));
    }
    auto ctx = text_embedding->forward(torch::stack(padded));
    padded.clear();
    if (clipFea) {
        const auto image = img_emb(clipFea->to(device));
        ctx = torch::cat({image.to(ctx.scalar_type()), ctx}, 1);
    }

    const auto residual = cache ? cache->cachedResidual(e, e0) : torch::Tensor();
    torch::Tensor hidden;
    if (residual.defined()) {
        hidden = tokens + residual;
    } else {
        const auto& rope = ropeTablesFor(grids, device);
        const StreamPass pass(*this);
        std::vector<torch::Tensor> hints;
        if (vaceContext)
            hints = vaceHints(*vaceContext, tokens, e0, lengths, rope, ctx, seqLen);
        // The blocks update hidden in place (autograd off), so it is a copy when tokens are read again.
        hidden = cache ? tokens.clone() : std::move(tokens);
        for (size_t i = 0; i < m_blocks.size(); ++i) {
            {
                const FetchedBlock fetched(*this, i);
                hidden = m_blocks[i]->forward(std::move(hidden), e0, lengths, rope, ctx);
            }
            if (const auto hint = m_hintOfBlock[i]; hint >= 0) {
                hidden = addGated(std::move(hidden), hints[size_t(hint)] * vaceContextScale);
                hints[size_t(hint)] = torch::Tensor();
            }
        }
        if (cache)
            cache->store(hidden - tokens);
    }
    const auto out = head(hidden, e); // [B, seqLen, pt*ph*pw*outDim]
    hidden = torch::Tensor();

    // Unpatchify: a head row is (pt, ph, pw, C) with the channel fastest.
    std::vector<torch::Tensor> result;
    for (int64_t i = 0; i < batch; ++i) {
        const int64_t f = grids[size_t(i)][0], h = grids[size_t(i)][1], w = grids[size_t(i)][2];
        result.push_back(out[i]
                             .narrow(0, 0, lengths[size_t(i)])
                             .view({f, h, w, pt, ph, pw, c.outDim})
                             .permute({6, 0, 3, 1, 4, 2, 5})
                             .reshape({c.outDim, f * pt, h * ph, w * pw}));
    }
    return result;
}

} // namespace wan::dit
