#pragma once
// The umT5 encoder of Wan2.1 (models_t5_umt5-xxl-enc-bf16.pth) and the text encoder the pipeline uses.
// Module and member names are the checkpoint's state-dict names.

#include "io/TensorIo.h"
#include "text/Tokenizer.h"
#include "wan/CancelToken.h"
#include "wan/ModelFolder.h"

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wan::text {

// Every dimension comes from tensor shapes, so the official XXL folder and the tiny test folders load through
// the same code.
struct T5Config
{
    std::int64_t vocab = 0;
    std::int64_t dim = 0;
    std::int64_t dimAttn = 0;
    std::int64_t dimFfn = 0;
    std::int64_t numHeads = 0;
    std::int64_t numLayers = 0;
    std::int64_t numBuckets = 0;
    std::int64_t maxDist = 128;
    double eps = 1e-6;
    bool sharedPos = false; // umT5: false, every block has its own relative position embedding

    // Throws wan::Error(ModelFolder) naming `file` when a tensor the shapes come from is missing or
    // inconsistent.
    static T5Config fromWeights(const io::TensorMap& weights, const std::filesystem::path& file);
    // The dims wan::inspectModelFolder / inspectModelSet read.
    static T5Config fromDims(const T5Dims& dims);
    // The dims of the official umT5-XXL encoder.
    static T5Config umt5Xxl();
    std::int64_t parameterCount() const;
};

// One reusable buffer for widened weights. Widening into fresh memory on every call would page-fault (and
// zero) hundreds of MB per layer, since allocations that large bypass the heap.
class WeightScratch
{
public:
    // `weight` converted to `dtype`, in the buffer; valid until the next call.
    torch::Tensor widen(const torch::Tensor& weight, torch::Dtype dtype);
    // The buffer as an uninitialised tensor of `shape`, `dtype` and `device`; valid until the next call.
    torch::Tensor take(torch::IntArrayRef shape, torch::Dtype dtype, torch::Device device);

private:
    torch::Tensor m_buffer;
};

// x: [..., in] times w: [out, in] transposed -> [..., out], as torch::linear without bias. On the CPU a
// float32 product of up to 512 rows is computed as w x^T, which LibTorch's CPU BLAS ran up to 2.8 times
// faster than x w^T at the umT5-XXL shapes (1.05 times at 512 rows; `bench_t5 --products`, 2 AVX2 cores); at
// 1024 rows it was not faster. The same sum in another order.
torch::Tensor productWithWeight(const torch::Tensor& x, const torch::Tensor& w);

// Bias-free linear layer whose weight may be stored narrower (bf16, fp16, fp8, GGUF blocks) than the math:
// the weight is widened to the input's dtype per call (and multiplied by its fp8 scale), so memory holds the
// stored size and only one weight is ever widened at a time.
class T5LinearImpl : public torch::nn::Module
{
public:
    T5LinearImpl(std::int64_t inFeatures, std::int64_t outFeatures, torch::Dtype storage);
    // x: [..., in] -> [..., out], in x's dtype
    torch::Tensor forward(const torch::Tensor& x);
    // The [out, in] matrix's dims whatever the storage.
    std::int64_t inFeatures() const { return m_inFeatures; }
    std::int64_t outFeatures() const { return m_outFeatures; }
    torch::Tensor weight;
    torch::Tensor scale; // ComfyUI fp8_scaled: float32 scalar, weight = stored value x scale; undefined: none
    // >= 0: `weight` holds raw GGUF blocks of this ggml type (1-D uint8) for the [out, in] matrix,
    // dequantised into x's dtype at every call.
    int ggmlType = -1;
    std::shared_ptr<WeightScratch>
        scratch; // shared by all layers of one encoder; null: widen into new memory

private:
    std::int64_t m_inFeatures;
    std::int64_t m_outFeatures;
};
TORCH_MODULE(T5Linear);

class T5EmbeddingImpl : public torch::nn::Module
{
public:
    T5EmbeddingImpl(std::int64_t count, std::int64_t dim, torch::Dtype storage);
    // ids: [...] int64 -> [..., dim] in the stored dtype (fp8 and GGUF blocks: float32 rows, fp8 multiplied
    // by `scale`)
    torch::Tensor forward(const torch::Tensor& ids);
    torch::Tensor weight;
    torch::Tensor scale; // as T5Linear::scale
    // >= 0: `weight` holds raw GGUF blocks of this ggml type (1-D uint8, each row whole blocks); only the
    // looked-up rows are dequantised.
    int ggmlType = -1;

private:
    std::int64_t m_count;
    std::int64_t m_dim;
};
TORCH_MODULE(T5Embedding);

// RMS norm without mean subtraction or bias.
class T5LayerNormImpl : public torch::nn::Module
{
public:
    T5LayerNormImpl(std::int64_t dim, double eps, torch::Dtype storage);
    // x: [..., dim] -> [..., dim], in x's dtype
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight;

private:
    double m_eps;
};
TORCH_MODULE(T5LayerNorm);

class T5RelativeEmbeddingImpl : public torch::nn::Module
{
public:
    T5RelativeEmbeddingImpl(std::int64_t numBuckets, std::int64_t numHeads, torch::Dtype storage);
    // Bidirectional bucket of each (query, key) pair: [lq, lk] int64.
    static torch::Tensor buckets(std::int64_t lq, std::int64_t lk, std::int64_t numBuckets,
                                 std::int64_t maxDist, torch::Device device);
    // buckets: [lq, lk] -> [1, heads, lq, lk] in `dtype`
    torch::Tensor forward(const torch::Tensor& buckets, torch::Dtype dtype);
    T5Embedding embedding{nullptr};
};
TORCH_MODULE(T5RelativeEmbedding);

class T5AttentionImpl : public torch::nn::Module
{
public:
    T5AttentionImpl(const T5Config& config, torch::Dtype storage);
    // x: [B, L, dim], bias: [1 or B, heads, L, L] -> [B, L, dim]
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& bias);
    T5Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};

private:
    std::int64_t m_numHeads;
};
TORCH_MODULE(T5Attention);

class T5FeedForwardImpl : public torch::nn::Module
{
public:
    T5FeedForwardImpl(const T5Config& config, torch::Dtype storage);
    // x: [B, L, dim] -> [B, L, dim]
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::Sequential gate{nullptr}; // gate.0 Linear, gate.1 GELU (tanh approximation)
    T5Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(T5FeedForward);

class T5BlockImpl : public torch::nn::Module
{
public:
    T5BlockImpl(const T5Config& config, torch::Dtype storage);
    // x: [B, L, dim], bias: [1 or B, heads, L, L] (position bias and key mask) -> [B, L, dim]
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& bias);
    T5LayerNorm norm1{nullptr};
    T5Attention attn{nullptr};
    T5LayerNorm norm2{nullptr};
    T5FeedForward ffn{nullptr};
    T5RelativeEmbedding pos_embedding{nullptr}; // null when the config shares one position embedding
};
TORCH_MODULE(T5Block);

class T5EncoderImpl : public torch::nn::Module
{
public:
    // Parameters are allocated uninitialised (untouched pages cost no memory) and meant to be bound to
    // checkpoint tensors with io::bindStateDict.
    T5EncoderImpl(const T5Config& config, torch::Dtype storage);
    // ids: [B, L] int64, mask: [B, L] (0 = padding key) or undefined -> [B, L, dim] in `computeDtype`.
    // Padding keys get the dtype's lowest value as attention bias, so a padded batch gives the same rows as
    // running each prompt alone. `cancel` is checked between blocks (throws wan::Error(Cancelled)).
    torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask, torch::Dtype computeDtype,
                          const CancelToken* cancel = nullptr);
    const T5Config& config() const { return m_config; }

    T5Embedding token_embedding{nullptr};
    T5RelativeEmbedding pos_embedding{nullptr}; // only with sharedPos
    torch::nn::ModuleList blocks{nullptr};
    T5LayerNorm norm{nullptr};

private:
    T5Config m_config;
    std::shared_ptr<WeightScratch> m_scratch = std::make_shared<WeightScratch>();
};
TORCH_MODULE(T5Encoder);

// Tokenizer + umT5 encoder, as the official T5EncoderModel: prompts in, one [L_i, dim] context per prompt
// out.
class TextEncoder
{
public:
    static constexpr const char* kWeightsFileName = officialFiles::kT5;

    struct Options
    {
        torch::Device device = torch::kCPU;
        // Dtype the weights are kept in; unset: the dtype each is stored in (bf16 or fp16 file: no copy, an
        // fp32 file stays exact). fp8 weights and GGUF blocks of linear layers and embeddings stay as stored
        // whatever this says (widened per layer at use, fp8 with its fp8_scaled scale); other fp8 tensors are
        // widened at load.
        std::optional<torch::Dtype> weightDtype;
        // Dtype of the math; unset: float32 on CPU (matches the reference), the weight dtype on CUDA.
        std::optional<torch::Dtype> computeDtype;
        int textLen = Tokenizer::kDefaultTextLen;
        const CancelToken* cancel = nullptr; // loading: checked between tensors (throws Error(Cancelled))
    };

    // <ckptDir>/models_t5_umt5-xxl-enc-bf16.pth and <ckptDir>/google/umt5-xxl/spiece.model.
    static std::unique_ptr<TextEncoder> load(const std::filesystem::path& ckptDir,
                                             torch::Device device = torch::kCPU,
                                             torch::Dtype weightDtype = torch::kBFloat16);
    static std::unique_ptr<TextEncoder> load(const std::filesystem::path& ckptDir, const Options& options);
    // Explicit files. `weightsFile` may be a torch.save .pth or a .safetensors with the official names, a
    // Hugging Face (U)MT5 encoder .safetensors (ComfyUI umt5_xxl_fp16 / fp8_e4m3fn_scaled), a
    // `*.safetensors.index.json` shard index, a diffusers `text_encoder/` folder (model.safetensors or
    // model.safetensors.index.json), or a llama.cpp T5 encoder GGUF (city96's umT5-XXL quantisations: the
    // quantised blocks of linear layers and the token embedding stay quantised in memory and are dequantised
    // per layer at use, the embedding only for the looked-up rows; any other quantised tensor is dequantised
    // once at load, into float32 for float32 math, else bf16); the naming is told from the tensor names. An
    // empty `spieceModel` gives an encoder without tokenizer (encodeIds only).
    static std::unique_ptr<TextEncoder> loadFiles(const std::filesystem::path& weightsFile,
                                                  const std::filesystem::path& spieceModel,
                                                  const Options& options);
    // The text encoder and tokenizer of an inspected model set, built from the inspected dims instead of
    // reading them again; the weights still bind strictly.
    static std::unique_ptr<TextEncoder> load(const ModelInfo& info, const Options& options);
    // An already built encoder (benchmarks, tests); `tokenizer` may be null for encodeIds-only use. An unset
    // weightDtype counts as bf16 for the default compute dtype.
    TextEncoder(T5Encoder model, std::unique_ptr<Tokenizer> tokenizer, const Options& options);

    // One [L_i, dim] float32 tensor per prompt on `outDevice`, L_i = the prompt's token count incl. EOS.
    // Only the real tokens are run (no padding to text_len; the result is the same). `idsOut`, when given,
    // receives the token ids of each prompt.
    std::vector<torch::Tensor> encode(const std::vector<std::string>& prompts,
                                      torch::Device outDevice = torch::kCPU,
                                      std::vector<std::vector<std::int64_t>>* idsOut = nullptr,
                                      const CancelToken* cancel = nullptr);
    // The same from token ids (each non-empty).
    torch::Tensor encodeIds(const std::vector<std::int64_t>& ids, torch::Device outDevice = torch::kCPU,
                            const CancelToken* cancel = nullptr);

    const Tokenizer& tokenizer() const;
    const T5Config& config() const { return m_model->config(); }
    T5Encoder& model() { return m_model; }
    // Device the weights were loaded to (the model may be moved with model()->to(); encoding follows it).
    torch::Device device() const { return m_device; }
    torch::Dtype computeDtype() const { return m_computeDtype; }

private:
    // loadFiles() with the dims given (`config`) or read from the weights (nullopt).
    static std::unique_ptr<TextEncoder> loadWith(const std::filesystem::path& weightsFile,
                                                 const std::filesystem::path& spieceModel,
                                                 const Options& options,
                                                 const std::optional<T5Config>& config);

    T5Encoder m_model;
    std::unique_ptr<Tokenizer> m_tokenizer;
    torch::Device m_device;
    torch::Dtype m_computeDtype;
};

} // namespace wan::text
