#pragma once
// What a checkpoint file is, from its content (tensor names, shapes, dtypes, GGUF metadata), never from its
// file name: its role in a Wan 2.1 set (DiT, umT5 text encoder, VAE, CLIP vision, LoRA), the naming it uses
// (official, ComfyUI prefix, diffusers, Hugging Face T5/CLIP), the model size and task from the shapes, and
// how the weights are stored (bf16, fp8_scaled, Q4_K...). A file that is not a Wan file says what it looks
// like (Flux, SDXL, a language model...). No torch: only headers are read (safetensors, GGUF, torch.save
// archives).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wan::io {

enum class FileContainer
{
    Safetensors = 1,
    Pth,
    Gguf,
};

enum class FileRole
{
    Unknown = 1, // not a Wan file, or nothing recognisable
    Dit,
    TextEncoder, // umT5-XXL encoder
    Vae,
    ClipVision,
    Lora,
};

enum class NamingSource
{
    Unknown = 1,
    Official,    // the names of the official Wan2.1 repository
    ComfyPrefix, // official names under "model.diffusion_model." / "diffusion_model."
    Diffusers,   // diffusers' WanTransformer3DModel / AutoencoderKLWan names
    HfT5,        // Hugging Face T5/UMT5 encoder names ("shared", "encoder.block.N.layer.M...")
    HfClip,      // Hugging Face CLIP vision names ("vision_model.encoder.layers.N...")
    LlamaCppT5,  // llama.cpp's T5 names in GGUF ("enc.blk.N.attn_q")
};

// One tensor as seen in a header: name, shape (torch order) and stored type ("BF16", "F8_E4M3", "Q4_K"...).
struct TensorDescription
{
    std::string name;
    std::vector<std::int64_t> shape;
    std::string type;
};

struct FileDetection
{
    std::filesystem::path path;
    FileContainer container = FileContainer::Safetensors;
    bool isWan = false;
    FileRole role = FileRole::Unknown;
    NamingSource naming = NamingSource::Unknown;
    // DiT: "t2v", "i2v", "flf2v" or "vace"; the size "1.3B" / "14B" when the shapes are those of a released
    // model, else "custom"; dims read from the shapes.
    std::string task;
    std::string modelSize;
    std::int64_t dim = 0;
    std::int64_t inDim = 0;
    std::int64_t numLayers = 0;
    // How the weights (tensors of 2+ dimensions) are stored: "bf16", "fp16", "fp32", "fp8_e4m3fn",
    // "fp8_e5m2", "fp8_scaled (e4m3fn)", or a GGUF type ("Q4_K"); `storageTypes` counts every tensor by
    // stored type.
    std::string storage;
    std::map<std::string, int> storageTypes;
    std::string ggufArchitecture;
    std::string looksLike; // when not a Wan file: what it looks like ("Flux", "SDXL", ...)
    std::string message;   // one sentence for the user, naming the file
};

// Every tensor's name, shape and stored type from the file's header (safetensors, GGUF or torch.save zip,
// told apart by their first bytes); `container` and `ggufArchitecture` (GGUF only) are set. Throws as
// detectFile.
std::vector<TensorDescription> readTensorDescriptions(const std::filesystem::path& file,
                                                      FileContainer& container,
                                                      std::string& ggufArchitecture);

// Reads the file's header (safetensors, GGUF or torch.save zip, told apart by their first bytes).
// Throws wan::Error(CorruptFile) when the header is broken, wan::Error(ModelFolder) when the file is missing.
FileDetection detectFile(const std::filesystem::path& file);

// The decision itself, on tensor descriptions and (GGUF) architecture; `path` only names the file.
FileDetection detectTensors(const std::vector<TensorDescription>& tensors, FileContainer container,
                            const std::string& ggufArchitecture, const std::filesystem::path& path);

const char* fileRoleName(FileRole role) noexcept;           // "DiT", "umT5 text encoder", ...
const char* namingSourceName(NamingSource source) noexcept; // "official", "ComfyUI", ...

} // namespace wan::io
