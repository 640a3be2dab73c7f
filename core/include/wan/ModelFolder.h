#pragma once

#include "wan/Request.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace wan {

// config.json's model_type.
enum class ModelType
{
    T2V = 1,
    I2V,
    FLF2V, // first-last-frame-to-video: an i2v-like DiT whose img_emb has emb_pos for two images
    VACE   // VaceWanModel: a t2v DiT plus vace_blocks / vace_patch_embedding
};

// The file names of an official Wan2.1 folder (Wan-AI/Wan2.1-*), defined once for the engine, the CLI, the
// GUI and the demo trainer that writes such a folder.
namespace officialFiles {
inline constexpr const char* kDitConfig = "config.json";
inline constexpr const char* kDit = "diffusion_pytorch_model.safetensors";
inline constexpr const char* kDitIndex = "diffusion_pytorch_model.safetensors.index.json";
inline constexpr const char* kT5 = "models_t5_umt5-xxl-enc-bf16.pth";
inline constexpr const char* kVae = "Wan2.1_VAE.pth";
inline constexpr const char* kClip = "models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth"; // i2v, flf2v
inline constexpr const char* kTokenizer = "google/umt5-xxl/spiece.model";
} // namespace officialFiles

// Every official file absent from `dir`, as paths relative to it, all at once (inspectModelFolder stops at
// the first problem): config.json, the DiT (diffusion_pytorch_model.safetensors unless its .index.json is
// there), umT5, VAE, tokenizer, and CLIP when config.json says i2v or flf2v. Empty when all are there; does
// not check their content.
std::vector<std::string> missingOfficialFiles(const std::filesystem::path& dir);

struct FileInfo
{
    std::filesystem::path path;
    std::uint64_t sizeBytes = 0;
    std::string dtype; // dominant stored dtype: "F32", "BF16", "F16", ...
    std::uint64_t parameterCount = 0;
    std::string format; // how it was identified: "official", "ComfyUI", "GGUF", "Hugging Face T5", ...
};

struct DitDims
{
    int dim = 0, ffnDim = 0, numHeads = 0, numLayers = 0, inDim = 0, outDim = 0, textLen = 0, freqDim = 0;
    int textDim = 0; // from text_embedding.0.weight
    double eps = 1e-6;
    std::vector<int> patchSize{1, 2, 2};
    std::vector<int> vaceLayers; // vace: base blocks that receive a hint (config.json or every 2nd block)
    int vaceInDim = 0;           // vace: vace_patch_embedding input channels
    int imageDim = 0;            // i2v, flf2v: img_emb.proj.0 input width (the CLIP width)
    int imageTokens = 0;         // flf2v: CLIP tokens per image (img_emb.emb_pos holds two images' worth)
    std::vector<FileInfo> files; // one per shard
};

struct T5Dims
{
    int dim = 0, dimAttn = 0, ffnDim = 0, numHeads = 0, numLayers = 0, vocab = 0, numBuckets = 0;
    bool sharedPos = false; // one relative position embedding for all blocks (umT5 has one per block)
    FileInfo file;
};

struct VaeDims
{
    int dim = 0, zDim = 0;
    FileInfo file;
};

struct ClipDims
{
    int width = 0, layers = 0, patchSize = 0, imageSize = 0, heads = 0, mlpDim = 0, outDim = 0;
    FileInfo file;
};

// An official Wan2.1 folder, validated, with every dim inferred from config.json and tensor shapes.
struct ModelInfo
{
    std::filesystem::path dir;
    ModelType modelType = ModelType::T2V;
    DitDims dit;
    T5Dims t5;
    VaeDims vae;
    std::optional<ClipDims> clip; // i2v and flf2v only
    std::filesystem::path tokenizerModel;
    // Set when the DiT is a single file (ModelFiles::dit) rather than the folder's shards; its config.json
    // (beside the file) when there is one, else empty and the dims come from the shapes.
    std::filesystem::path ditFile;
    std::filesystem::path ditConfig;
};

// The official --task names a folder can run: t2v: t2v-1.3B (a DiT no wider than 2048) or t2v-14B, and
// t2i-14B; i2v: i2v-14B; flf2v: flf2v-14B; vace: vace-1.3B or vace-14B (by width, like t2v).
std::vector<std::string> folderTasks(const ModelInfo& info);
// "t2v", "i2v", "flf2v", "vace".
std::string modelTypeName(ModelType type);

// Throws wan::Error(ErrorKind::ModelFolder or CorruptFile) naming the missing/bad file and what it should be.
ModelInfo inspectModelFolder(const std::filesystem::path& dir);

// A model set: the official folder `dir` (may be empty) with the parts `files` names in place of the
// folder's own. Every given file is identified by its content and must hold that part (a VAE given as the
// DiT, or a Flux file, is refused naming it); the parts must fit together (widths, channels, task). A set
// without a folder needs the DiT, umT5, VAE (and CLIP for i2v/flf2v) files and the tokenizer: given, or found
// beside the text encoder. Throws wan::Error(ModelFolder or CorruptFile) naming the first problem.
ModelInfo inspectModelSet(const std::filesystem::path& dir, const ModelFiles& files);

// Every problem of the set at once, one sentence each naming the file or the missing part and where it comes
// from (for a model library listing what is missing); empty when inspectModelSet succeeds.
std::vector<std::string> modelSetProblems(const std::filesystem::path& dir, const ModelFiles& files);

// The part one file (or folder) plays in a Wan 2.1 model set.
enum class ModelFileRole
{
    Unknown = 1, // not a Wan 2.1 part (see ModelFileIdentity::reason), or unreadable
    Dit,
    T5, // the umT5-XXL text encoder
    Vae,
    Clip,      // the CLIP vision encoder of i2v / flf2v
    Tokenizer, // the umT5 SentencePiece model (spiece.model)
    Lora,
};

// What a file is, told by its content (tensor names, shapes, stored types, GGUF metadata), never by its name.
struct ModelFileIdentity
{
    std::filesystem::path path;
    ModelFileRole role = ModelFileRole::Unknown;
    // A Wan 2.1 part this engine reads in that role. False for files of another model (then `looksLike` says
    // which), for Wan files of another release (Wan 2.2), and for unreadable ones.
    bool usable = false;
    std::string container; // "safetensors", "pth", "gguf", "sentencepiece"; empty when unreadable
    // The naming: "official", "ComfyUI", "diffusers", "Hugging Face T5", "Hugging Face CLIP", "llama.cpp T5"
    // ("" when unknown).
    std::string format;
    // How the weights (tensors of 2+ dims) are stored: "fp32", "bf16", "fp16", "fp8_e4m3fn", "fp8_e5m2",
    // "fp8_scaled (e4m3fn)" or a GGUF type ("Q4_K", "Q8_0"...).
    std::string precision;
    std::string task;           // DiT: "t2v", "i2v", "flf2v" or "vace"
    std::string modelSize;      // "1.3B", "14B", "umT5-XXL", "Wan2.1 VAE", "ViT-H/14", or "custom"
    std::int64_t dim = 0;       // DiT / CLIP width, umT5 width, VAE z_dim
    std::int64_t inDim = 0;     // DiT input channels
    std::int64_t numLayers = 0; // DiT blocks, umT5 blocks, CLIP layers
    std::string looksLike;      // not a Wan 2.1 part: what it looks like ("a Flux model"...)
    std::string reason;         // one sentence naming the file: what it is, or why it is none of the parts
};

// Identifies `path`: a checkpoint file (.safetensors, torch.save .pth, .gguf), a shard index
// (`*.safetensors.index.json`, its shards read together), a diffusers component folder (transformer/,
// text_encoder/, vae/, image_encoder/, tokenizer/) or a SentencePiece model. Only headers are read. Never
// throws: a missing or broken file comes back as ModelFileRole::Unknown with the problem in `reason`.
ModelFileIdentity identifyModelFile(const std::filesystem::path& path);

// "dit", "t5", "vae", "clip", "tokenizer", "lora", "unknown".
const char* modelFileRoleName(ModelFileRole role) noexcept;

// One JSON object per identity (path, role, usable, container, format, precision, task, model_size, dim,
// in_dim, num_layers, looks_like, reason).
std::string modelFileIdentityToJson(const ModelFileIdentity& identity);

// One JSON object (model_type, dit, t5, vae, clip) as printed by `wan-generate --inspect --json`.
std::string modelInfoToJson(const ModelInfo& info);
// Human-readable multi-line summary.
std::string modelInfoToText(const ModelInfo& info);

} // namespace wan
