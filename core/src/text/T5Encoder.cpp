#include "text/T5Encoder.h"

#include "io/NameTables.h"
#include "io/PartDims.h"
#include "io/QuantTensors.h"
#include "wan/Error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <span>

namespace wan::text {

namespace {

namespace fs = std::filesystem;

bool isFp8(const torch::Tensor& t)
{
    return t.scalar_type() == torch::kFloat8_e4m3fn || t.scalar_type() == torch::kFloat8_e5m2;
}

torch::Tensor castTo(const torch::Tensor& t, torch::Dtype dtype)
{
    return t.scalar_type() == dtype ? t : t.to(dtype);
}

// The official GELU module spelled out (tanh approximation), op for op, so float32 rounding matches it.
torch::Tensor geluTanh(torch::Tensor x)
{
    return 0.5 * x * (1.0 + torch::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * torch::pow(x, 3.0))));
}

// fp16 overflows in the residual stream of T5; the official model clamps, bf16/fp32 never need it.
torch::Tensor fp16Clamp(torch::Tensor x)
{
    if (x.scalar_type() == torch::kHalf && torch::isinf(x).any().item<bool>()) {
        const double limit = 65504.0 - 1000.0;
        x = torch::clamp(x, -limit, limit);
    }
    return x;
}

double lowestOf(torch::Dtype dtype)
{
    switch (dtype) {
    case torch::kFloat64:
        return std::numeric_limits<double>::lowest();
    case torch::kHalf:
        return -65504.0;
    case torch::kBFloat16:
        return double(std::numeric_limits<c10::BFloat16>::lowest());
    default:
        return double(std::numeric_limits<float>::lowest());
    }
}

torch::Tensor uninitialised(torch::IntArrayRef shape, torch::Dtype dtype)
{
    return torch::empty(shape, torch::TensorOptions().dtype(dtype));
}

} // namespace

// ---- T5Config ---------------------------------------------------------------------------------------------

T5Config T5Config::fromWeights(const io::TensorMap& weights, const std::filesystem::path& file)
{
    // One reading of the dims for every caller: the model set inspection's (io/PartDims.h).
    io::TensorShapes shapes;
    for (const auto& [name, tensor] : weights)
        shapes.emplace(name, tensor.sizes().vec());
    return fromDims(io::t5DimsFromShapes(shapes, file));
}

T5Config T5Config::fromDims(const T5Dims& d)
{
    T5Config c;
    c.vocab = d.vocab;
    c.dim = d.dim;
    c.dimAttn = d.dimAttn;
    c.dimFfn = d.ffnDim;
    c.numHeads = d.numHeads;
    c.numLayers = d.numLayers;
    c.numBuckets = d.numBuckets;
    c.sharedPos = d.sharedPos;
    return c;
}

T5Config T5Config::umt5Xxl()
{
    T5Config c;
    c.vocab = 256384;
    c.dim = 4096;
    c.dimAttn = 4096;
    c.dimFfn = 10240;
    c.numHeads = 64;
    c.numLayers = 24;
    c.numBuckets = 32;
    return c;
}

std::int64_t T5Config::parameterCount() const
{
    const std::int64_t perBlock =
        2 * dim + 4 * dim * dimAttn + 3 * dim * dimFfn + (sharedPos ? 0 : numBuckets * numHeads);
    return vocab * dim + numLayers * perBlock + dim + (sharedPos ? numBuckets * numHeads : 0);
}

// ---- modules ----------------------------------------------------------------------------------------------

T5LinearImpl::T5LinearImpl(std::int64_t inFeatures, std::int64_t outFeatures, torch::Dtype storage)
    : m_inFeatures(inFeatures), m_outFeatures(outFeatures)
{
    weight = register_parameter("weight", uninitialised({outFeatures, inFeatures}, storage), false);
}

torch::Tensor WeightScratch::widen(const torch::Tensor& weight, torch::Dtype dtype)
{
    return take(weight.sizes(), dtype, weight.device()).copy_(weight);
}

torch::Tensor WeightScratch::take(torch::IntArrayRef shape, torch::Dtype dtype, torch::Device device)
{
    const auto n = c10::multiply_integers(shape);
    // An inference tensor cannot be written outside inference mode (and the other way round): reallocate
    // then.
    if (!m_buffer.defined() || m_buffer.numel() < n || m_buffer.scalar_type() != dtype ||
        m_buffer.device() != device || m_buffer.is_inference() != c10::InferenceMode::is_enabled())
        m_buffer = torch::empty({n}, torch::TensorOptions().dtype(dtype).device(device));
    return m_buffer.narrow(0, 0, n).view(shape);
}

namespace {

// Up to this many rows a float32 product on the CPU takes the w x^T form.
constexpr std::int64_t kWeightFirstRows = 512;

} // namespace

torch::Tensor productWithWeight(const torch::Tensor& x, const torch::Tensor& w)
{
    const auto rows = x.size(-1) == 0 ? 0 : x.numel() / x.size(-1);
    if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat32 || rows > kWeightFirstRows || rows == 0)
        return torch::linear(x, w);
    // [out, in] x [in, rows] -> [rows, out]
    auto shape = x.sizes().vec();
    shape.back() = w.size(0);
    return torch::mm(w, x.reshape({rows, x.size(-1)}).t()).t().contiguous().view(shape);
}

torch::Tensor T5LinearImpl::forward(const torch::Tensor& x)
{
    if (ggmlType >= 0) {
        if (scratch && weight.device().is_cpu()) {
            // Decoded into the shared buffer: a fresh matrix per call would page-fault (and zero) it anew.
            auto w = scratch->take({m_outFeatures, m_inFeatures}, torch::kFloat32, weight.device());
            io::dequantizeGgufBlocksInto(weight, std::uint32_t(ggmlType), w);
            return productWithWeight(x, castTo(w, x.scalar_type()));
        }
        return productWithWeight(x, io::dequantizeGgufBlocks(weight, std::uint32_t(ggmlType),
                                                             {m_outFeatures, m_inFeatures}, x.scalar_type()));
    }
    // A weight aliasing a file mapping may sit at any 8-byte offset; the CPU BLAS picks another kernel (and
    // rounding) for unaligned single-row products, so such a weight goes through the aligned buffer: the
    // same file values then give the same bits as a weight widened from bf16.
    const bool aligned = reinterpret_cast<std::uintptr_t>(weight.data_ptr()) % 64 == 0;
    if (weight.scalar_type() == x.scalar_type() && (aligned || !scratch))
        return productWithWeight(x, weight);
    auto w = scratch ? scratch->widen(weight, x.scalar_type()) : weight.to(x.scalar_type());
    if (scale.defined())
        w.mul_(scale);
    return productWithWeight(x, w);
}

T5EmbeddingImpl::T5EmbeddingImpl(std::int64_t count, std::int64_t dim, torch::Dtype storage)
    : m_count(count), m_dim(dim)
{
    weight = register_parameter("weight", uninitialised({count, dim}, storage), false);
}

torch::Tensor T5EmbeddingImpl::forward(const torch::Tensor& ids)
{
    if (ggmlType >= 0) {
        // A GGUF row is a whole number of blocks (the format's rule), so the rows' bytes are gathered and
        // only they are dequantised.
        if (weight.numel() % m_count != 0)
            throw Error(ErrorKind::CorruptFile,
                        "a GGUF token embedding of " + std::to_string(weight.numel()) +
                            " bytes does not split into " + std::to_string(m_count) + " rows");
        const auto flat = ids.reshape({-1});
        const auto rows = weight.view({m_count, -1}).index_select(0, flat).reshape({-1});
        auto sizes = ids.sizes().vec();
        sizes.push_back(m_dim);
        return io::dequantizeGgufBlocks(rows, std::uint32_t(ggmlType), {flat.numel(), m_dim}, torch::kFloat32)
            .view(sizes);
    }
    if (!isFp8(weight))
        return torch::embedding(weight, ids);
    // Only the looked-up rows are widened: gathered as bytes (float8 indexing is not everywhere).
    auto sizes = ids.sizes().vec();
    sizes.push_back(weight.size(1));
    auto rows = weight.view(torch::kUInt8)
                    .index_select(0, ids.reshape({-1}))
                    .view(weight.scalar_type())
                    .to(torch::kFloat32);
    if (scale.defined())
        rows.mul_(scale);
    return rows.view(sizes);
}

T5LayerNormImpl::T5LayerNormImpl(std::int64_t dim, double eps, torch::Dtype storage) : m_eps(eps)
{
    weight = register_parameter("weight", uninitialised({dim}, storage), false);
}

torch::Tensor T5LayerNormImpl::forward(const torch::Tensor& x)
{
    const auto dtype = x.scalar_type();
    const auto xf = castTo(x, torch::kFloat32);
    const auto y = castTo(xf * torch::rsqrt(xf.pow(2).mean(-1, true) + m_eps), dtype);
    return castTo(weight, dtype) * y;
}

T5RelativeEmbeddingImpl::T5RelativeEmbeddingImpl(std::int64_t numBuckets, std::int64_t numHeads,
                                                 torch::Dtype storage)
{
    embedding = register_module("embedding", T5Embedding(numBuckets, numHeads, storage));
}

torch::Tensor T5RelativeEmbeddingImpl::buckets(std::int64_t lq, std::int64_t lk, std::int64_t numBuckets,
                                               std::int64_t maxDist, torch::Device device)
{
    const auto longs = torch::TensorOptions().dtype(torch::kInt64).device(device);
    auto rel = torch::arange(lk, longs).unsqueeze(0) - torch::arange(lq, longs).unsqueeze(1); // key - query
    const std::int64_t half = numBuckets / 2;
    auto result = (rel > 0).to(torch::kInt64) * half;
    rel = torch::abs(rel);
    const std::int64_t maxExact = half / 2;
    // float32 log and truncation toward zero, as the reference; log(0) = -inf only reaches masked-out slots.
    auto large = maxExact + (torch::log(rel.to(torch::kFloat32) / maxExact) /
                             std::log(double(maxDist) / double(maxExact)) * (half - maxExact))
                                .to(torch::kInt64);
    large = torch::min(large, torch::full_like(large, half - 1));
    return result + torch::where(rel < maxExact, rel, large);
}

torch::Tensor T5RelativeEmbeddingImpl::forward(const torch::Tensor& buckets, torch::Dtype dtype)
{
    // buckets: [lq, lk] -> [1, heads, lq, lk]
    return castTo(embedding(buckets), dtype).permute({2, 0, 1}).unsqueeze(0).contiguous();
}

T5AttentionImpl::T5AttentionImpl(const T5Config& config, torch::Dtype storage) : m_numHeads(config.numHeads)
{
    q = register_module("q", T5Linear(config.dim, config.dimAttn, storage));
    k = register_module("k", T5Linear(config.dim, config.dimAttn, storage));
    v = register_module("v", T5Linear(config.dim, config.dimAttn, storage));
    o = register_module("o", T5Linear(config.dimAttn, config.dim, storage));
}

torch::Tensor T5AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& bias)
{
    // x: [B, L, dim], bias: [1 or B, heads, L, L] -> [B, L, dim]
    const auto b = x.size(0);
    const auto n = m_numHeads;
    const auto qh = q(x).view({b, -1, n, q->outFeatures() / n}).transpose(1, 2); // [B, heads, L, head_dim]
    const auto kh = k(x).view({b, -1, n, k->outFeatures() / n}).transpose(1, 2);
    const auto vh = v(x).view({b, -1, n, v->outFeatures() / n}).transpose(1, 2);
    // T5 has no 1/sqrt(head_dim) scaling.
    const auto scores = torch::matmul(qh, kh.transpose(-2, -1)) + bias;
    const auto attn = torch::softmax(castTo(scores, torch::kFloat32), -1).to(scores.scalar_type());
    const auto out = torch::matmul(attn, vh).transpose(1, 2).reshape({b, -1, o->inFeatures()});
    return o(out);
}

T5FeedForwardImpl::T5FeedForwardImpl(const T5Config& config, torch::Dtype storage)
{
    gate = register_module("gate", torch::nn::Sequential(T5Linear(config.dim, config.dimFfn, storage),
                                                         torch::nn::Functional(geluTanh)));
    fc1 = register_module("fc1", T5Linear(config.dim, config.dimFfn, storage));
    fc2 = register_module("fc2", T5Linear(config.dimFfn, config.dim, storage));
}

torch::Tensor T5FeedForwardImpl::forward(const torch::Tensor& x)
{
    // x: [B, L, dim] -> [B, L, dim]
    return fc2(fc1(x) * gate->forward(x));
}

T5BlockImpl::T5BlockImpl(const T5Config& config, torch::Dtype storage)
{
    norm1 = register_module("norm1", T5LayerNorm(config.dim, config.eps, storage));
    attn = register_module("attn", T5Attention(config, storage));
    norm2 = register_module("norm2", T5LayerNorm(config.dim, config.eps, storage));
    ffn = register_module("ffn", T5FeedForward(config, storage));
    if (!config.sharedPos)
        pos_embedding = register_module("pos_embedding",
                                        T5RelativeEmbedding(config.numBuckets, config.numHeads, storage));
}

torch::Tensor T5BlockImpl::forward(const torch::Tensor& x, const torch::Tensor& bias)
{
    // x: [B, L, dim] -> [B, L, dim]
    auto y = fp16Clamp(x + attn(norm1(x), bias));
    return fp16Clamp(y + ffn(norm2(y)));
}

T5EncoderImpl::T5EncoderImpl(const T5Config& config, torch::Dtype storage) : m_config(config)
{
    token_embedding = register_module("token_embedding", T5Embedding(config.vocab, config.dim, storage));
    if (config.sharedPos)
        pos_embedding = register_module("pos_embedding",
                                        T5RelativeEmbedding(config.numBuckets, config.numHeads, storage));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < config.numLayers; ++i)
        blocks->push_back(T5Block(config, storage));
    norm = register_module("norm", T5LayerNorm(config.dim, config.eps, storage));
    for (const auto& module : modules(false))
        if (auto* linear = module->as<T5LinearImpl>())
            linear->scratch = m_scratch;
}

torch::Tensor T5EncoderImpl::forward(const torch::Tensor& ids, const torch::Tensor& mask,
                                     torch::Dtype computeDtype, const CancelToken* cancel)
{
    // ids: [B, L] -> [B, L, dim]
    const auto b = ids.size(0);
    const auto l = ids.size(1);
    auto x = castTo(token_embedding(ids), computeDtype);
    const auto buckets =
        T5RelativeEmbeddingImpl::buckets(l, l, m_config.numBuckets, m_config.maxDist, ids.device());
    torch::Tensor paddingKeys;
    if (mask.defined())
        paddingKeys = (mask.view({b, 1, 1, l}) == 0).to(ids.device());
    const torch::Tensor shared = m_config.sharedPos ? pos_embedding(buckets, computeDtype) : torch::Tensor();

    for (const auto& module : *blocks) {
        if (cancel && cancel->isCancelled())
            throw Error(ErrorKind::Cancelled, "text encoding cancelled");
        auto block = module->as<T5BlockImpl>();
        auto bias = block->pos_embedding ? block->pos_embedding(buckets, computeDtype) : shared;
        // Padding keys get the lowest finite value (not -inf), replacing the position bias, as the reference.
        if (paddingKeys.defined())
            bias = bias.expand({b, m_config.numHeads, l, l}).masked_fill(paddingKeys, lowestOf(computeDtype));
        x = block->forward(x, bias);
    }
    return norm(x);
}

// ---- TextEncoder ------------------------------------------------------------------------------------------

std::unique_ptr<TextEncoder> TextEncoder::load(const std::filesystem::path& ckptDir, torch::Device device,
                                               torch::Dtype weightDtype)
{
    Options options;
    options.device = device;
    options.weightDtype = weightDtype;
    return load(ckptDir, options);
}

std::unique_ptr<TextEncoder> TextEncoder::load(const std::filesystem::path& ckptDir, const Options& options)
{
    // A diffusers folder (model_index.json) keeps the encoder in text_encoder/ and spiece.model in
    // tokenizer/.
    std::error_code ec;
    if (!fs::exists(ckptDir / kWeightsFileName, ec) &&
        fs::is_regular_file(ckptDir / "model_index.json", ec) &&
        fs::is_directory(ckptDir / "text_encoder", ec))
        return loadFiles(ckptDir / "text_encoder", ckptDir / "tokenizer" / "spiece.model", options);
    return loadFiles(ckptDir / kWeightsFileName, Tokenizer::modelPathIn(ckptDir), options);
}

namespace {

bool isGgufFile(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::uint8_t magic[4] = {};
    in.read(reinterpret_cast<char*>(magic), sizeof magic);
    return in.gcount() == sizeof magic && io::looksLikeGguf(magic, sizeof magic);
}

// A llama.cpp T5 encoder GGUF: plain tensors as stored, quantised ones as raw blocks (see io::GgufWeights).
io::GgufWeights readTextEncoderGguf(const fs::path& file)
{
    auto gguf = io::loadGgufWeights(file);
    if (gguf.architecture != "t5encoder" && gguf.architecture != "t5")
        throw Error(ErrorKind::ModelFolder,
                    file.string() + " is a GGUF file of architecture '" + gguf.architecture +
                        "', not a umT5 text encoder (general.architecture 't5encoder'); pick a umT5-XXL "
                        "encoder GGUF such as city96's umt5-xxl-encoder quantisations");
    return gguf;
}

// The tensors of `weightsFile` (see TextEncoder::loadFiles for what it may be), names as stored; a GGUF's
// quantised tensors as raw blocks, described in `blocks`.
io::TensorMap readTextEncoderFile(const fs::path& weightsFile, std::map<std::string, io::GgufBlocks>& blocks)
{
    std::error_code ec;
    fs::path file = weightsFile;
    if (fs::is_directory(weightsFile, ec)) {
        const fs::path single = weightsFile / "model.safetensors";
        const fs::path index = weightsFile / "model.safetensors.index.json";
        const fs::path official = weightsFile / TextEncoder::kWeightsFileName;
        file = fs::is_regular_file(single, ec)     ? single
               : fs::is_regular_file(index, ec)    ? index
               : fs::is_regular_file(official, ec) ? official
                                                   : fs::path();
        if (file.empty())
            throw Error(ErrorKind::ModelFolder,
                        "no umT5 text encoder weights in the folder " + weightsFile.string() +
                            ": expected model.safetensors or model.safetensors.index.json with its shards (a "
                            "diffusers text_encoder folder) or " +
                            TextEncoder::kWeightsFileName);
    }
    const std::string name = file.filename().string();
    if (name.ends_with(".index.json"))
        return io::loadSafetensorsShards(file);
    if (file.extension() == ".safetensors")
        return io::loadSafetensors(file);
    if (isGgufFile(file)) {
        auto gguf = readTextEncoderGguf(file);
        blocks = std::move(gguf.blocks);
        return std::move(gguf.tensors);
    }
    return io::loadPth(file);
}

// Hugging Face names (any tensor under "shared." or "encoder.") and llama.cpp's GGUF names ("token_embd.",
// "enc.blk.") are mapped onto the official ones (`table` is set to the rules used); the tied copy of the
// token embedding is dropped. Throws wan::Error(ModelFolder) for a plain T5 encoder.
io::RenamedWeights toOfficialNames(io::TensorMap weights, const fs::path& file,
                                   std::span<const io::NameRule>& table)
{
    table = io::hfT5Names();
    const bool llamaCpp = std::any_of(weights.begin(), weights.end(), [](const auto& item) {
        return item.first.starts_with("token_embd.") || item.first.starts_with("enc.blk.");
    });
    if (llamaCpp) {
        table = io::llamaCppT5Names();
        if (weights.count("enc.blk.1.attn_norm.weight") && weights.count("enc.blk.0.attn_rel_b.weight") &&
            !weights.count("enc.blk.1.attn_rel_b.weight"))
            throw Error(ErrorKind::ModelFolder,
                        file.string() +
                            " is a T5 text encoder GGUF (relative attention bias in the first layer only, as "
                            "the T5-XXL of Flux and SD3), not the umT5-XXL encoder Wan uses");
        auto renamed = io::renameWeights(std::move(weights), table, file);
        spdlog::info("{}: umT5 tensor names mapped from llama.cpp's GGUF layout onto the official ones",
                     file.string());
        return renamed;
    }
    const bool hf = std::any_of(weights.begin(), weights.end(), [](const auto& item) {
        return item.first.starts_with("shared.") || item.first.starts_with("encoder.");
    });
    if (!hf)
        return io::RenamedWeights{std::move(weights), {}};
    const auto shared = weights.find("shared.weight");
    const auto tied = weights.find("encoder.embed_tokens.weight");
    if (shared != weights.end() && tied != weights.end()) {
        if (!shared->second.is_same(tied->second) &&
            (shared->second.sizes() != tied->second.sizes() ||
             shared->second.scalar_type() != tied->second.scalar_type() ||
             !torch::equal(shared->second, tied->second)))
            throw Error(ErrorKind::ModelFolder,
                        file.string() +
                            ": 'shared.weight' and 'encoder.embed_tokens.weight' differ, but a T5 encoder "
                            "ties them (one token embedding); the file is damaged or not a T5 encoder");
        weights.erase(tied);
    }
    // umT5 has a relative attention bias in every layer; T5 (Flux/SD3's T5-XXL) in the first only.
    if (weights.count("encoder.block.1.layer.0.layer_norm.weight") &&
        weights.count("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight") &&
        !weights.count("encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight"))
        throw Error(
            ErrorKind::ModelFolder,
            file.string() +
                " is a T5 text encoder (relative attention bias in the first layer only, as the T5-XXL "
                "of Flux and SD3), not the umT5-XXL encoder Wan uses: use umt5_xxl_fp16.safetensors, "
                "umt5_xxl_fp8_e4m3fn_scaled.safetensors or the official " +
                TextEncoder::kWeightsFileName);
    auto renamed = io::renameWeights(std::move(weights), io::hfT5Names(), file);
    spdlog::info("{}: umT5 tensor names mapped from the Hugging Face T5 layout onto the official ones",
                 file.string());
    return renamed;
}

// The floating dtype holding most elements (the file's precision); fp8 counts as bf16, the dtype its math
// runs in on a GPU, and GGUF blocks (`blocks`) as `blockDtype`.
torch::Dtype storedDtype(const io::TensorMap& weights, const std::map<std::string, io::GgufBlocks>& blocks,
                         torch::Dtype blockDtype)
{
    std::map<torch::Dtype, std::int64_t> elements;
    for (const auto& [name, t] : weights)
        if (t.is_floating_point())
            elements[isFp8(t) ? torch::kBFloat16 : t.scalar_type()] += t.numel();
    for (const auto& [name, b] : blocks)
        elements[blockDtype] += c10::multiply_integers(b.shape);
    const auto best = std::max_element(elements.begin(), elements.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    return best == elements.end() ? torch::kBFloat16 : best->first;
}

} // namespace

std::unique_ptr<TextEncoder> TextEncoder::loadFiles(const std::filesystem::path& weightsFile,
                                                    const std::filesystem::path& spieceModel,
                                                    const Options& options)
{
    return loadWith(weightsFile, spieceModel, options, std::nullopt);
}

std::unique_ptr<TextEncoder> TextEncoder::load(const ModelInfo& info, const Options& options)
{
    return loadWith(info.t5.file.path, info.tokenizerModel, options, T5Config::fromDims(info.t5));
}

std::unique_ptr<TextEncoder> TextEncoder::loadWith(const std::filesystem::path& weightsFile,
                                                   const std::filesystem::path& spieceModel,
                                                   const Options& options,
                                                   const std::optional<T5Config>& given)
{
    std::error_code ec;
    if (!fs::is_regular_file(weightsFile, ec) && !fs::is_directory(weightsFile, ec))
        throw Error(ErrorKind::ModelFolder, "umT5 text encoder weights not found: " + weightsFile.string() +
                                                " (the model folder needs " + kWeightsFileName +
                                                " from the official Wan2.1 release)");
    std::unique_ptr<Tokenizer> tokenizer;
    if (!spieceModel.empty())
        tokenizer = std::make_unique<Tokenizer>(spieceModel, options.textLen);

    io::RenamedWeights renamed;
    std::map<std::string, double> scales;
    std::map<std::string, io::GgufBlocks> blocks;
    std::span<const io::NameRule> table = io::hfT5Names();
    // GGUF blocks outside linear layers and the embedding are dequantised once at load: into float32 for
    // float32 math (parity runs, the CPU default), else into bf16, the dtype the official encoder runs in on
    // a GPU.
    const auto compute =
        options.computeDtype.value_or(options.device.is_cpu() ? torch::kFloat32 : torch::kBFloat16);
    const auto ggufBlockDtype =
        options.weightDtype.value_or(compute == torch::kFloat32 ? torch::kFloat32 : torch::kBFloat16);
    try {
        auto stored = readTextEncoderFile(weightsFile, blocks);
        scales = io::takeScaledFp8Scales(stored, weightsFile);
        renamed = toOfficialNames(std::move(stored), weightsFile, table);
    } catch (const Error& e) {
        throw Error(e.kind(), std::string("cannot load the umT5 text encoder: ") + e.what());
    }
    io::TensorMap& weights = renamed.weights;
    if (!renamed.fileNames.empty()) {
        std::map<std::string, double> officialScales;
        for (const auto& [name, scale] : scales)
            officialScales[io::officialName(name, table).value_or(name)] = scale;
        scales = std::move(officialScales);
        std::map<std::string, io::GgufBlocks> officialBlocks;
        for (auto& [name, b] : blocks)
            officialBlocks[io::officialName(name, table).value_or(name)] = std::move(b);
        blocks = std::move(officialBlocks);
    }
    T5Config config;
    if (given) {
        config = *given;
    } else {
        // The dims from the real shapes (GGUF blocks are 1-D bytes).
        io::TensorShapes shapes;
        for (const auto& [name, tensor] : weights) {
            const auto b = blocks.find(name);
            shapes.emplace(name, b != blocks.end() ? b->second.shape : tensor.sizes().vec());
        }
        config = T5Config::fromDims(io::t5DimsFromShapes(shapes, weightsFile));
    }
    if (tokenizer && tokenizer->vocabSize() > config.vocab)
        throw Error(ErrorKind::ModelFolder,
                    "tokenizer " + spieceModel.string() + " has " + std::to_string(tokenizer->vocabSize()) +
                        " pieces but " + weightsFile.string() + " embeds only " +
                        std::to_string(config.vocab) + " tokens: the two files do not belong together");
    const torch::Dtype weightDtype =
        options.weightDtype.value_or(storedDtype(weights, blocks, ggufBlockDtype));

    T5Encoder model(nullptr);
    try {
        model = T5Encoder(config, weightDtype);
        io::BindOptions bind;
        bind.dtype = weightDtype;
        bind.keepStoredDtype = !options.weightDtype.has_value();
        bind.device = options.device;
        bind.cancel = options.cancel;
        if (!renamed.fileNames.empty())
            bind.nameInFile = io::namesInFile(renamed, table);
        // fp8 weights and GGUF blocks of linear layers and embeddings stay as stored (widened per use);
        // other fp8 tensors are widened now, with their scale, other blocks dequantised now.
        std::map<std::string, torch::Tensor*> scaled;
        std::map<std::string, int*> ggmlTypes;
        for (const auto& item : model->named_modules("", false)) {
            if (auto* linear = item.value()->as<T5LinearImpl>()) {
                scaled.emplace(item.key() + ".weight", &linear->scale);
                ggmlTypes.emplace(item.key() + ".weight", &linear->ggmlType);
            } else if (auto* embedding = item.value()->as<T5EmbeddingImpl>()) {
                scaled.emplace(item.key() + ".weight", &embedding->scale);
                ggmlTypes.emplace(item.key() + ".weight", &embedding->ggmlType);
            }
        }
        for (const auto& [name, b] : blocks) {
            auto& tensor = weights.at(name);
            if (ggmlTypes.count(name))
                bind.quantized.emplace(name, b.shape);
            else
                tensor = io::dequantizeGgufBlocks(tensor, b.type, b.shape, ggufBlockDtype);
        }
        for (auto& [name, tensor] : weights) {
            if (!isFp8(tensor))
                continue;
            const auto scale = scales.find(name);
            if (scaled.count(name)) {
                bind.quantized.emplace(name, tensor.sizes().vec());
                continue;
            }
            const auto dtype = options.weightDtype.value_or(torch::kFloat32);
            tensor = scale == scales.end()
                         ? tensor.to(dtype)
                         : io::dequantizeScaledFp8(tensor, torch::tensor(scale->second), dtype, name);
        }
        io::bindStateDict(*model, weights, weightsFile, bind);
        for (const auto& [name, b] : blocks) {
            const auto target = ggmlTypes.find(name);
            if (target != ggmlTypes.end())
                *target->second = int(b.type);
        }
        for (const auto& [name, scale] : scales) {
            const auto target = scaled.find(name);
            if (target != scaled.end())
                *target->second = torch::tensor(float(scale), torch::kFloat32);
        }
    } catch (const c10::OutOfMemoryError&) {
        throw Error(ErrorKind::OutOfMemory,
                    "not enough " + options.device.str() +
                        " memory for the umT5 text encoder; run it on the CPU (--t5_cpu)");
    } catch (const std::bad_alloc&) {
        const double gb = double(config.parameterCount()) * double(c10::elementSize(weightDtype)) / 1e9;
        throw Error(ErrorKind::OutOfMemory, "not enough memory to load the umT5 text encoder (" +
                                                std::to_string(int(gb + 0.5)) + " GB of weights) on " +
                                                options.device.str() + "; free memory or run it on the CPU");
    } catch (const c10::Error& e) {
        throw Error(ErrorKind::Internal, std::string("cannot place the umT5 text encoder on ") +
                                             options.device.str() + ": " + e.what_without_backtrace());
    }
    model->eval();
    spdlog::info("umT5 encoder {}: {} layers, dim {}, ffn {}, {} heads, vocab {}, weights {}{} on {}",
                 weightsFile.filename().string(), config.numLayers, config.dim, config.dimFfn,
                 config.numHeads, config.vocab, std::string(c10::toString(weightDtype)),
                 !blocks.empty()  ? " (GGUF blocks dequantised per layer at use)"
                 : scales.empty() ? ""
                                  : " (fp8_scaled linear weights)",
                 options.device.str());
    Options resolved = options;
    resolved.weightDtype = weightDtype;
    return std::make_unique<TextEncoder>(model, std::move(tokenizer), resolved);
}

TextEncoder::TextEncoder(T5Encoder model, std::unique_ptr<Tokenizer> tokenizer, const Options& options)
    : m_model(std::move(model)), m_tokenizer(std::move(tokenizer)), m_device(options.device),
      m_computeDtype(options.computeDtype.value_or(
          options.device.is_cpu() ? torch::kFloat32 : options.weightDtype.value_or(torch::kBFloat16)))
{
}

const Tokenizer& TextEncoder::tokenizer() const
{
    if (!m_tokenizer)
        throw Error(ErrorKind::Internal, "this text encoder was built without a tokenizer");
    return *m_tokenizer;
}

torch::Tensor TextEncoder::encodeIds(const std::vector<std::int64_t>& ids, torch::Device outDevice,
                                     const CancelToken* cancel)
{
    if (ids.empty())
        throw Error(ErrorKind::InvalidArgument, "text encoder: empty token id list");
    c10::InferenceMode guard;
    // The model may have been moved (offloading) since it was loaded: follow its weights.
    const auto input =
        torch::tensor(ids, torch::kInt64).view({1, -1}).to(m_model->token_embedding->weight.device());
    if (input.max().item<std::int64_t>() >= config().vocab || input.min().item<std::int64_t>() < 0)
        throw Error(ErrorKind::InvalidArgument, "text encoder: token id outside the vocabulary");
    const auto out = m_model->forward(input, torch::Tensor(), m_computeDtype, cancel);
    return out[0].to(outDevice, torch::kFloat32);
}

std::vector<torch::Tensor> TextEncoder::encode(const std::vector<std::string>& prompts,
                                               torch::Device outDevice,
                                               std::vector<std::vector<std::int64_t>>* idsOut,
                                               const CancelToken* cancel)
{
    std::vector<torch::Tensor> contexts;
    contexts.reserve(prompts.size());
    if (idsOut)
        idsOut->clear();
    for (const auto& prompt : prompts) {
        auto ids = tokenizer().encode(prompt);
        contexts.push_back(encodeIds(ids, outDevice, cancel));
        if (idsOut)
            idsOut->push_back(std::move(ids));
    }
    return contexts;
}

} // namespace wan::text
