#pragma once
// The Wan2.1 diffusion transformer (WanModel), with the official parameter names so checkpoints bind
// directly.

#include "dit/BlockStreamer.h"
#include "dit/Layers.h"
#include "dit/Rope.h"
#include "io/QuantTensors.h"
#include "io/TensorIo.h"
#include "wan/CancelToken.h"
#include "wan/ModelFolder.h"

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wan::dit {

enum class WanModelType
{
    T2v = 1, // text-to-video (also text-to-image)
    I2v,     // image-to-video: CLIP features + conditioning latent
    Flf2v,   // first-last-frame-to-video: like I2v with two images and a learned position embedding
    Vace,    // VaceWanModel: t2v blocks plus hint blocks fed by a source video / mask / reference context
};

// Every Wan2.1 release uses 128-dim attention heads; single-file checkpoints carry no config.json, so their
// head count is dim / kWanHeadDim.
inline constexpr int64_t kWanHeadDim = 128;
// The cross-attention takes the last 512 context tokens as text and the rest as image tokens (official
// constant).
inline constexpr int64_t kT5ContextTokens = 512;

struct WanConfig
{
    WanModelType modelType = WanModelType::T2v;
    std::array<int64_t, 3> patchSize{1, 2, 2};
    int64_t textLen = 512;
    int64_t inDim = 16;
    int64_t dim = 2048;
    int64_t ffnDim = 8192;
    int64_t freqDim = 256;
    int64_t textDim = 4096;
    int64_t outDim = 16;
    int64_t numHeads = 16;
    int64_t numLayers = 32;
    double eps = 1e-6;
    int64_t clipDim = 1280;    // img_emb input features (I2v, Flf2v)
    int64_t imageTokens = 257; // CLIP tokens per image; Flf2v's emb_pos is [1, 2 * imageTokens, clipDim]
    // Vace: vaceLayers[j] is the base block that receives hint j (vace_blocks.j); vace_patch_embedding
    // takes vaceInDim channels (2 * z_dim latent + 64 mask channels in the official models).
    std::vector<int64_t> vaceLayers;
    int64_t vaceInDim = 0;

    bool hasImageInput() const { return modelType == WanModelType::I2v || modelType == WanModelType::Flf2v; }

    // The dims of weights in memory and their config.json (`configFile` may be empty: the shapes alone), read
    // by the model set inspection's code (io::ditDimsFromShapes). Throws wan::Error(ModelFolder/CorruptFile)
    // naming the file and the tensor.
    static WanConfig fromCheckpoint(const std::filesystem::path& configFile, const io::TensorMap& weights,
                                    const std::filesystem::path& weightsFile);
    // The dims wan::inspectModelFolder / inspectModelSet read (config.json checked against the shapes), with
    // the same consistency checks; `where` names the folder or file in errors.
    static WanConfig fromDims(ModelType type, const DitDims& dims, const std::filesystem::path& where);
};

class WanSelfAttentionImpl : public torch::nn::Module
{
public:
    WanSelfAttentionImpl(int64_t dim, int64_t numHeads, double eps);
    // x: [B, L, dim] -> [B, L, dim]; keys at or beyond seqLens[b] are padding. x is consumed (its memory is
    // released as soon as q, k and v are computed; pass a temporary).
    torch::Tensor forward(torch::Tensor x, const std::vector<int64_t>& seqLens, const RopeTables& rope);

    Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};
    RmsNorm norm_q{nullptr}, norm_k{nullptr};

private:
    int64_t m_numHeads;
};
TORCH_MODULE(WanSelfAttention);

class WanCrossAttentionImpl : public torch::nn::Module
{
public:
    WanCrossAttentionImpl(int64_t dim, int64_t numHeads, double eps, bool imageContext);
    // x: [B, L, dim], context: [B, Lc, dim] (image tokens first when imageContext) -> [B, L, dim]. x is
    // consumed like in WanSelfAttention.
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& context);

    Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};
    RmsNorm norm_q{nullptr}, norm_k{nullptr};
    Linear k_img{nullptr}, v_img{nullptr};
    RmsNorm norm_k_img{nullptr};

private:
    int64_t m_numHeads;
};
TORCH_MODULE(WanCrossAttention);

class WanAttentionBlockImpl : public torch::nn::Module
{
public:
    explicit WanAttentionBlockImpl(const WanConfig& config);
    // x: [B, L, dim] float32, e0: [B or 1, 6, dim] float32, context: [B, Lc, dim] -> [B, L, dim] float32.
    // With autograd off the result is written into x's memory: pass a tensor nobody else reads.
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& e0, const std::vector<int64_t>& seqLens,
                          const RopeTables& rope, const torch::Tensor& context);
    // Tokens per FFN pass (0: all at once); see WanModel::setFfnChunkTokens.
    void setFfnChunkTokens(int64_t tokens) { m_ffnChunkTokens = tokens; }

    torch::Tensor modulation; // [1, 6, dim]
    LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
    WanSelfAttention self_attn{nullptr};
    WanCrossAttention cross_attn{nullptr};
    torch::nn::Sequential ffn{nullptr}; // ffn.0 Linear, ffn.1 GELU(tanh), ffn.2 Linear

private:
    // x: [B, n, dim] float32 rows; the FFN branch added to them with the gate e[5] (in place when allowed).
    torch::Tensor feedForward(torch::Tensor x, const std::vector<torch::Tensor>& e);

    int64_t m_ffnChunkTokens = 0;
};
TORCH_MODULE(WanAttentionBlock);

// A VACE hint block (vace_blocks.N): a full t2v block on the context tokens, plus before_proj (block 0 only,
// which mixes in the video tokens) and after_proj (the hint it hands to a base block).
class VaceWanAttentionBlockImpl : public WanAttentionBlockImpl
{
public:
    VaceWanAttentionBlockImpl(const WanConfig& config, bool first);
    // c: [B, L, dim] context tokens (block 0: patch-embedded), x: [B, L, dim] patch-embedded video tokens
    // (used by block 0 only) -> {c after the block [B, L, dim] float32, hint [B, L, dim]}. c is consumed
    // (the result may reuse its memory).
    std::pair<torch::Tensor, torch::Tensor> forward(torch::Tensor c, const torch::Tensor& x,
                                                    const torch::Tensor& e0,
                                                    const std::vector<int64_t>& seqLens,
                                                    const RopeTables& rope, const torch::Tensor& context);

    Linear before_proj{nullptr}; // block 0 only
    Linear after_proj{nullptr};
};
TORCH_MODULE(VaceWanAttentionBlock);

class HeadImpl : public torch::nn::Module
{
public:
    HeadImpl(int64_t dim, int64_t outFeatures, double eps);
    // x: [B, L, dim], e: [B or 1, dim] float32 -> [B, L, outFeatures] float32
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& e);

    LayerNorm norm{nullptr};
    Linear head{nullptr};
    torch::Tensor modulation; // [1, 2, dim]
};
TORCH_MODULE(Head);

// img_emb: CLIP features -> context tokens.
class MlpProjImpl : public torch::nn::Module
{
public:
    // imageTokens > 0: first-last-frame projection with emb_pos [1, 2 * imageTokens, inDim]
    MlpProjImpl(int64_t inDim, int64_t outDim, int64_t imageTokens);
    // x: [B, n, inDim] -> [B, n, outDim] (Flf2v: [2B, n, inDim] -> [B, 2n, outDim])
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::Sequential proj{nullptr}; // LayerNorm, Linear, GELU(erf), Linear, LayerNorm
    torch::Tensor emb_pos;               // Flf2v only: [1, 2 * imageTokens, inDim]
};
TORCH_MODULE(MlpProj);

// Step caching for one forward call (pipeline/StepCache.h): the blocks' residual of an earlier call stands in
// for running them.
class BlockCache
{
public:
    virtual ~BlockCache() = default;
    // Before the blocks, with the time embeddings e [B, dim] and e0 [B, 6, dim] (float32): the residual
    // [B, seqLen, dim] to add to the block input instead of running the blocks, or an undefined tensor.
    virtual torch::Tensor cachedResidual(const torch::Tensor& e, const torch::Tensor& e0) = 0;
    // After the blocks ran: their residual (output - input), [B, seqLen, dim] float32.
    virtual void store(const torch::Tensor& residual) = 0;
};

class WanModel : public torch::nn::Module
{
public:
    // Uninitialised weights (see Layers.h): bind a checkpoint or fill them before use.
    explicit WanModel(const WanConfig& config);

    // A model folder (config.json + diffusion_pytorch_model*.safetensors) or a single .safetensors or GGUF
    // file (recognised by content) in another layout (renamed by ditKeyRenames(); fp8 and GGUF weights stay
    // quantised, see fromStoredWeights()). Strict: a missing, unknown or wrong-shape tensor throws
    // wan::Error naming it and the file. Weights are cast to `dtype` except the small tensors kept in float32
    // like the official autocast does (norms, modulation, time embedding, head). To stream blocks to a GPU
    // (setBlockStreaming), load on the CPU first so the whole model never has to fit on the device.
    // `cancel` is checked between tensors (throws wan::Error(Cancelled); nothing is returned).
    static std::shared_ptr<WanModel> load(const std::filesystem::path& checkpoint, torch::Dtype dtype,
                                          torch::Device device, const CancelToken* cancel = nullptr);

    // load() of the DiT of an inspected model set (its folder's shards or ModelInfo::ditFile), built from
    // the inspected dims instead of reading them again; the weights still bind strictly (a tensor of another
    // shape throws naming it and the file).
    static std::shared_ptr<WanModel> load(const ModelInfo& info, torch::Dtype dtype, torch::Device device,
                                          const CancelToken* cancel = nullptr);

    // load() of a single .safetensors or GGUF file with a config.json (empty: none; the head count is then
    // dim / kWanHeadDim, as in every Wan2.1 release).
    static std::shared_ptr<WanModel> loadFile(const std::filesystem::path& file,
                                              const std::filesystem::path& configFile, torch::Dtype dtype,
                                              torch::Device device, const CancelToken* cancel = nullptr);

    // load() for tensors already in memory: `weights` in the official or a renamed layout, `configFile` empty
    // for shapes only, `source` names the weights in error messages.
    static std::shared_ptr<WanModel> fromWeights(io::TensorMap weights,
                                                 const std::filesystem::path& configFile,
                                                 const std::filesystem::path& source, torch::Dtype dtype,
                                                 torch::Device device, const CancelToken* cancel = nullptr);

    // fromWeights() that also takes quantised storage: float8 weights (ComfyUI fp8_e4m3fn / e5m2, and
    // fp8_scaled with its `<module>.scale_weight` tensors and `scaled_fp8` marker) and GGUF blocks (`blocks`:
    // the entries of `weights` holding raw blocks, see io::loadGgufWeights). The weights of Linear layers
    // stay quantised and are dequantised into the compute dtype at every call; every other quantised tensor
    // is dequantised once here. Plain tensors keep the precision they are stored in until the usual cast.
    static std::shared_ptr<WanModel>
    fromStoredWeights(io::TensorMap weights, std::map<std::string, io::GgufBlocks> blocks,
                      const std::filesystem::path& configFile, const std::filesystem::path& source,
                      torch::Dtype dtype, torch::Device device, const CancelToken* cancel = nullptr);

    // Linear layers whose weights stay quantised (fp8 or GGUF blocks).
    int quantizedLinearCount() const;

    // The official WanModel.__call__: x [C_in - C_y, F, H, W] per sample, t [B] (or [1]) timesteps (int64 as
    // the official solvers give them, or floating point as step-distilled schedules do),
    // context [L_i <= textLen, textDim] per sample, seqLen >= every sample's F*H*W/4 token count; I2v also
    // clipFea [B, 257, clipDim] and y [C_y, F, H, W] per sample. Returns [outDim, F, H, W] float32 per
    // sample, on the compute device. Flf2v takes clipFea [2B, tokens, clipDim] (first, last frame of each
    // sample). Vace takes vaceContext [vaceInDim, F, H, W] per sample (F, H, W as x) and the hint scale.
    // With `cache`, the blocks may be skipped for a cached residual (see BlockCache). Throws
    // wan::Error(InvalidArgument) on inconsistent inputs.
    std::vector<torch::Tensor> forward(std::vector<torch::Tensor> x, torch::Tensor t,
                                       std::vector<torch::Tensor> context, int64_t seqLen,
                                       std::optional<torch::Tensor> clipFea = std::nullopt,
                                       std::optional<std::vector<torch::Tensor>> y = std::nullopt,
                                       std::optional<std::vector<torch::Tensor>> vaceContext = std::nullopt,
                                       double vaceContextScale = 1.0, BlockCache* cache = nullptr);

    // Parameters kept in float32 whatever the load dtype (norms, modulation, time embedding, head, img_emb
    // norms), as the official autocast computes them in float32.
    static bool keepsFloat32(const std::string& parameterName);

    const WanConfig& config() const { return m_config; }

    // Block streaming: with a compute device, every weight outside `blocks` moves there, block weights move
    // to host memory (pinned per `pinning`, see BlockStreamer.h), and the blocks run from a ring of two
    // device buffers: the next block is copied in while the current one computes, so the device holds two
    // blocks at a time. Results are bit-identical to resident blocks. std::nullopt stops streaming and
    // brings the blocks to the compute device.
    void setBlockStreaming(std::optional<torch::Device> compute, HostPinning pinning = HostPinning::Auto);
    bool blockStreaming() const { return m_streamDevice.has_value(); }
    // Streamed blocks whose parameters point at the device ring now: 0 between calls, also after a call
    // that threw (each fetched block is released by a scope guard).
    int fetchedBlockCount() const { return m_streamer ? m_streamer->boundBlocks() : 0; }
    // The ring while streaming (tests, diagnostics), else nullptr.
    const BlockStreamer* blockStreamer() const { return m_streamer.get(); }
    // Test hook: called with the streamedBlocks() index of every block about to run (after its weights were
    // fetched). May throw, as a failing kernel would.
    void setBlockHook(std::function<void(size_t block)> hook) { m_blockHook = std::move(hook); }

    // Where forward() computes.
    torch::Device computeDevice() const;

    // The time embeddings of a job's calls, computed up front: for each tensor of `timesteps` (the `t` a
    // later forward() gets, on any device) the time MLPs run now on the compute device exactly as forward()
    // would run them, and forward() looks the results up by t's values. On CUDA the time MLP weights then
    // move to host memory until clearTimeEmbeddings(); a t not in the table is computed where the weights
    // are. Replaces an earlier table.
    void precomputeTimeEmbeddings(const std::vector<torch::Tensor>& timesteps);
    // Drops the table and brings the time MLP weights back to the compute device.
    void clearTimeEmbeddings();
    std::size_t precomputedTimeEmbeddings() const { return m_timeTable.size(); }
    // The table's e0 ([B, 6, dim] on the compute device) for `t`: the very tensor forward() hands its
    // BlockCache; undefined when t is not in the table.
    torch::Tensor precomputedTimeProjection(const torch::Tensor& t) const;

    // Lower peak memory for long sequences: the blocks' FFN runs on this many tokens at a time (0, the
    // default: all at once). Results stay within float rounding of the unchunked ones, not bit-identical
    // (matrix products of other shapes may sum in another order).
    void setFfnChunkTokens(int64_t tokens);
    int64_t ffnChunkTokens() const { return m_ffnChunkTokens; }
    // How forward() applies RoPE: RopeMath::Exact (the official float64 arithmetic) when the blocks compute
    // in float32, the parity mode; RopeMath::Lean otherwise.
    RopeMath ropeMath() const;

    // Training (app/wan-train): forward() records autograd history. Off by default, so inference never keeps
    // activations; the outputs are the same either way.
    void setGradEnabled(bool enabled) { m_gradEnabled = enabled; }

    // While streaming, moving the model to a device makes that the compute device (the weights outside
    // `blocks` go there, the blocks stay in host memory), so offloading and bringing back a streamed model
    // never puts all blocks on the device. Changing the dtype while streaming throws.
    using torch::nn::Module::to;
    void to(torch::Device device, torch::Dtype dtype, bool nonBlocking = false) override;
    void to(torch::Dtype dtype, bool nonBlocking = false) override;
    void to(torch::Device device, bool nonBlocking = false) override;

    PatchConv patch_embedding{nullptr};
    torch::nn::Sequential text_embedding{nullptr};  // Linear, GELU(tanh), Linear
    torch::nn::Sequential time_embedding{nullptr};  // Linear, SiLU, Linear
    torch::nn::Sequential time_projection{nullptr}; // SiLU, Linear
    torch::nn::ModuleList blocks{nullptr};
    Head head{nullptr};
    MlpProj img_emb{nullptr};                   // I2v and Flf2v only
    torch::nn::ModuleList vace_blocks{nullptr}; // Vace only: one per config().vaceLayers entry
    PatchConv vace_patch_embedding{nullptr};    // Vace only: vaceInDim -> dim, kernel = stride = patch

private:
    // fromStoredWeights() with the dims given (`config`) or read from the weights and `configFile` (nullopt).
    static std::shared_ptr<WanModel> build(io::TensorMap weights,
                                           std::map<std::string, io::GgufBlocks> blocks,
                                           const std::optional<WanConfig>& config,
                                           const std::filesystem::path& configFile,
                                           const std::filesystem::path& source, torch::Dtype dtype,
                                           torch::Device device, const CancelToken* cancel);

    // The RoPE tables of these patch grids, computed once per geometry (the last one is kept).
    const RopeTables& ropeTablesFor(const std::vector<std::array<int64_t, 3>>& grids, torch::Device device);
    // The official forward_vace: one hint [B, seqLen, dim] per vace block, all computed before the base
    // blocks run. x: the patch-embedded, zero-padded video tokens.
    std::vector<torch::Tensor> vaceHints(const std::vector<torch::Tensor>& vaceContext,
                                         const torch::Tensor& x, const torch::Tensor& e0,
                                         const std::vector<int64_t>& seqLens, const RopeTables& rope,
                                         const torch::Tensor& context, int64_t seqLen);
    // Base blocks first, then vace blocks: the modules whose weights are streamed one at a time.
    std::vector<torch::nn::Module*> streamedBlocks();
    // While streaming: point streamed block `index` (streamedBlocks() order) at its copy in the device ring
    // before it runs, and back at its host weights after. No-ops otherwise.
    void fetchBlock(size_t index);
    void releaseBlock(size_t index);
    // {e [B, dim], e0 [B, 6, dim]} float32 on `device` for timesteps t [B]: from the precomputed table, else
    // the time MLPs where their weights are.
    std::pair<torch::Tensor, torch::Tensor> timeEmbedding(const torch::Tensor& t, torch::Device device);
    // One streaming pass over the blocks a forward() call runs (VACE blocks first), ended however the
    // scope ends. Does nothing when not streaming.
    class StreamPass
    {
    public:
        explicit StreamPass(WanModel& model);
        ~StreamPass();
        StreamPass(const StreamPass&) = delete;
        StreamPass& operator=(const StreamPass&) = delete;

    private:
        BlockStreamer* m_streamer;
    };
    // Fetches a block for the scope of one block call and releases it however the scope ends.
    class FetchedBlock
    {
    public:
        FetchedBlock(WanModel& model, size_t index);
        ~FetchedBlock();
        FetchedBlock(const FetchedBlock&) = delete;
        FetchedBlock& operator=(const FetchedBlock&) = delete;

    private:
        WanModel& m_model;
        size_t m_index;
    };

    WanConfig m_config;
    std::vector<WanAttentionBlock> m_blocks;         // the modules of `blocks`, typed
    std::vector<VaceWanAttentionBlock> m_vaceBlocks; // the modules of `vace_blocks`, typed
    std::vector<int64_t> m_hintOfBlock;              // per base block: the hint it adds, -1 for none
    // [kRopeMaxPositions, headDim/2] float64 cos/sin of the (frame | row | column) angle tables side by side.
    torch::Tensor m_ropeCos;
    torch::Tensor m_ropeSin;
    // ropeTablesFor()'s last tables and what they were made for.
    RopeTables m_rope;
    std::string m_ropeKey;
    int64_t m_ffnChunkTokens = 0;
    std::optional<torch::Device> m_streamDevice;
    std::unique_ptr<BlockStreamer> m_streamer; // while streaming
    // precomputeTimeEmbeddings(): t's values (float64) and row count -> {e, e0} on the compute device.
    std::map<std::vector<double>, std::pair<torch::Tensor, torch::Tensor>> m_timeTable;
    std::function<void(size_t)> m_blockHook;
    bool m_gradEnabled = false;
};

} // namespace wan::dit
