#include "io/FormatDetect.h"

#include "io/MappedFile.h"
#include "io/RawGguf.h"
#include "io/RawIo.h"
#include "wan/Error.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string_view>

namespace wan::io {

namespace {

// Wan 2.1 releases, from their configs: (dim, layers) of the DiT, umT5-XXL and the CLIP ViT-H/14 tower.
constexpr std::int64_t kDit13BDim = 1536, kDit13BLayers = 30;
constexpr std::int64_t kDit14BDim = 5120, kDit14BLayers = 40;
constexpr std::int64_t kUmt5Vocab = 256384, kUmt5Dim = 4096, kUmt5Layers = 24;
constexpr std::int64_t kClipHWidth = 1280, kClipHLayers = 32;

constexpr std::string_view kComfyPrefixes[] = {"model.diffusion_model.", "diffusion_model."};

// Tensor names after the ComfyUI prefix is removed, with prefix queries.
class Names
{
public:
    explicit Names(const std::vector<TensorDescription>& tensors)
    {
        std::size_t prefixed = 0;
        for (const auto& t : tensors)
            for (auto p : kComfyPrefixes)
                if (std::string_view(t.name).starts_with(p)) {
                    ++prefixed;
                    break;
                }
        // Only when every tensor is under the prefix is it a Comfy DiT file; a full Comfy checkpoint (SD,
        // with first_stage_model. beside it) keeps its names so that it is recognised as what it is.
        m_comfyPrefix = prefixed > 0 && prefixed == tensors.size();
        for (const auto& t : tensors) {
            std::string_view name = t.name;
            if (m_comfyPrefix)
                for (auto p : kComfyPrefixes)
                    if (name.starts_with(p)) {
                        name.remove_prefix(p.size());
                        break;
                    }
            m_byName.emplace(std::string(name), &t);
        }
    }

    bool comfyPrefix() const { return m_comfyPrefix; }
    bool has(std::string_view name) const { return m_byName.count(std::string(name)) > 0; }
    const TensorDescription* get(std::string_view name) const
    {
        const auto it = m_byName.find(std::string(name));
        return it == m_byName.end() ? nullptr : it->second;
    }
    bool hasPrefix(std::string_view prefix) const
    {
        const auto it = m_byName.lower_bound(std::string(prefix));
        return it != m_byName.end() && std::string_view(it->first).starts_with(prefix);
    }
    bool contains(std::string_view part) const
    {
        return std::any_of(m_byName.begin(), m_byName.end(),
                           [&](const auto& kv) { return kv.first.find(part) != std::string::npos; });
    }
    // Distinct N of "<prefix>N.<rest>".
    std::int64_t countIndexed(std::string_view prefix) const
    {
        std::set<std::int64_t> seen;
        for (auto it = m_byName.lower_bound(std::string(prefix));
             it != m_byName.end() && std::string_view(it->first).starts_with(prefix); ++it) {
            std::string_view rest = std::string_view(it->first).substr(prefix.size());
            std::int64_t n = 0;
            std::size_t digits = 0;
            while (digits < rest.size() && digits < 9 && rest[digits] >= '0' && rest[digits] <= '9')
                n = n * 10 + (rest[digits++] - '0');
            if (digits > 0 && digits < rest.size() && rest[digits] == '.')
                seen.insert(n);
        }
        return std::int64_t(seen.size());
    }
    std::vector<std::string> first(std::size_t n) const
    {
        std::vector<std::string> out;
        for (const auto& kv : m_byName) {
            if (out.size() == n)
                break;
            out.push_back(kv.first);
        }
        return out;
    }

private:
    std::map<std::string, const TensorDescription*> m_byName;
    bool m_comfyPrefix = false;
};

std::int64_t numel(const TensorDescription* t)
{
    if (!t)
        return 0;
    std::int64_t n = 1;
    for (auto d : t->shape)
        n *= d;
    return n;
}

std::int64_t dimAt(const TensorDescription* t, std::size_t i)
{
    return t && t->shape.size() > i ? t->shape[i] : 0;
}

std::string storageName(const std::string& type)
{
    if (type == "BF16")
        return "bf16";
    if (type == "F16")
        return "fp16";
    if (type == "F32")
        return "fp32";
    if (type == "F8_E4M3")
        return "fp8_e4m3fn";
    if (type == "F8_E5M2")
        return "fp8_e5m2";
    return type;
}

void describeStorage(const std::vector<TensorDescription>& tensors, FileDetection& out)
{
    std::map<std::string, std::int64_t> weightElements;
    bool scaled = false;
    for (const auto& t : tensors) {
        ++out.storageTypes[t.type];
        if (t.shape.size() >= 2)
            weightElements[t.type] += numel(&t);
        const std::string_view n = t.name;
        if (n.ends_with("scale_weight") || n == "scaled_fp8" || n.ends_with(".scaled_fp8"))
            scaled = true;
    }
    const auto best = std::max_element(weightElements.begin(), weightElements.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    if (best == weightElements.end())
        return;
    out.storage = storageName(best->first);
    if (scaled && out.storage.starts_with("fp8_"))
        out.storage = "fp8_scaled (" + out.storage.substr(4) + ")";
}

// Wan 2.1 DiT, official (optionally Comfy-prefixed) or diffusers names.
bool detectDit(const Names& n, FileDetection& out)
{
    const bool official =
        n.has("patch_embedding.weight") && n.hasPrefix("blocks.0.self_attn.") && n.has("head.head.weight");
    const bool diffusers = n.has("patch_embedding.weight") && n.hasPrefix("blocks.0.attn1.") &&
                           n.hasPrefix("condition_embedder.") && n.has("scale_shift_table");
    if (!official && !diffusers)
        return false;
    out.role = FileRole::Dit;
    out.naming = diffusers         ? NamingSource::Diffusers
                 : n.comfyPrefix() ? NamingSource::ComfyPrefix
                                   : NamingSource::Official;
    out.dim = dimAt(n.get("patch_embedding.weight"), 0);
    // in_dim from the element count: GGUF files keep at most 4 dims, so the 5-D [dim, in, 1, 2, 2] kernel may
    // be stored reshaped.
    if (out.dim > 0)
        out.inDim = numel(n.get("patch_embedding.weight")) / (out.dim * 4);
    out.numLayers = n.countIndexed("blocks.");
    const bool hasImage =
        diffusers ? n.hasPrefix("condition_embedder.image_embedder.") : n.hasPrefix("img_emb.");
    const bool hasImagePos =
        diffusers ? n.has("condition_embedder.image_embedder.pos_embed") : n.has("img_emb.emb_pos");
    if (n.hasPrefix("vace_blocks.") || n.hasPrefix("vace_patch_embedding."))
        out.task = "vace";
    else if (hasImagePos)
        out.task = "flf2v";
    else if (hasImage)
        out.task = "i2v";
    else
        out.task = "t2v";
    if (out.dim == kDit13BDim && out.numLayers == kDit13BLayers)
        out.modelSize = "1.3B";
    else if (out.dim == kDit14BDim && out.numLayers == kDit14BLayers)
        out.modelSize = "14B";
    else
        out.modelSize = "custom";
    out.isWan = true;
    // Wan 2.2 shares the names: its TI2V-5B (48 latent channels) and A14B image model (36 input channels with
    // no image embedding) are not Wan 2.1 models.
    if (out.inDim == 48 || out.inDim == 96) {
        out.isWan = false;
        out.looksLike = "a Wan 2.2 TI2V-5B DiT (48 latent channels)";
    } else if (out.inDim == 36 && !hasImage) {
        out.isWan = false;
        out.looksLike = "a Wan 2.2 image-to-video A14B DiT (36 input channels, no CLIP image embedding)";
    }
    return true;
}

bool detectT5(const Names& n, FileDetection& out)
{
    const TensorDescription* embed = nullptr;
    if (n.has("token_embedding.weight") && n.hasPrefix("blocks.0.attn.q.") &&
        n.hasPrefix("blocks.0.pos_embedding.")) {
        out.naming = NamingSource::Official;
        embed = n.get("token_embedding.weight");
        out.numLayers = n.countIndexed("blocks.");
    } else if ((n.has("shared.weight") || n.has("encoder.embed_tokens.weight")) &&
               n.hasPrefix("encoder.block.0.layer.0.SelfAttention.")) {
        out.naming = NamingSource::HfT5;
        embed = n.has("shared.weight") ? n.get("shared.weight") : n.get("encoder.embed_tokens.weight");
        out.numLayers = n.countIndexed("encoder.block.");
        // umT5 has a relative attention bias in every layer, T5 in the first only.
        if (out.numLayers > 1 &&
            !n.hasPrefix("encoder.block.1.layer.0.SelfAttention.relative_attention_bias.")) {
            out.role = FileRole::TextEncoder;
            out.looksLike = "a T5 text encoder (the T5-XXL of Flux/SD3), not the umT5-XXL encoder Wan uses";
            return true;
        }
    } else if (n.has("token_embd.weight") && n.hasPrefix("enc.blk.0.")) {
        out.naming = NamingSource::LlamaCppT5;
        embed = n.get("token_embd.weight");
        out.numLayers = n.countIndexed("enc.blk.");
    } else {
        return false;
    }
    out.role = FileRole::TextEncoder;
    out.dim = dimAt(embed, 1);
    const std::int64_t vocab = dimAt(embed, 0);
    if (vocab == 32128) {
        out.looksLike =
            "a T5 text encoder (vocabulary 32128, as Flux/SD3 use), not the umT5-XXL encoder Wan uses";
        return true;
    }
    out.isWan = true;
    out.modelSize =
        vocab == kUmt5Vocab && out.dim == kUmt5Dim && out.numLayers == kUmt5Layers ? "umT5-XXL" : "custom";
    return true;
}

bool detectVae(const Names& n, FileDetection& out)
{
    if (n.hasPrefix("encoder.downsamples.") && n.hasPrefix("decoder.upsamples.") && n.has("conv1.weight")) {
        out.naming = NamingSource::Official;
        out.dim = dimAt(n.get("conv1.weight"), 0) / 2; // z_dim: conv1 maps 2*z_dim (mean, log var) channels
    } else if (n.has("encoder.conv_in.weight") && n.has("quant_conv.weight") &&
               n.hasPrefix("decoder.up_blocks.")) {
        if (n.get("encoder.conv_in.weight")->shape.size() != 5) {
            out.role = FileRole::Vae;
            out.looksLike = "an image VAE (Stable Diffusion / Flux: 2-D convolutions), not the Wan video VAE";
            return true;
        }
        out.naming = NamingSource::Diffusers;
        out.dim = dimAt(n.get("quant_conv.weight"), 0) / 2;
    } else {
        return false;
    }
    out.role = FileRole::Vae;
    if (out.dim == 48) {
        out.looksLike = "the Wan 2.2 VAE (48 latent channels), not the Wan 2.1 VAE";
        return true;
    }
    out.isWan = true;
    out.modelSize = out.dim == 16 ? "Wan2.1 VAE" : "custom";
    return true;
}

bool detectClip(const Names& n, FileDetection& out)
{
    const TensorDescription* patch = nullptr;
    if (n.has("visual.patch_embedding.weight") && n.hasPrefix("visual.transformer.0.")) {
        out.naming = NamingSource::Official;
        patch = n.get("visual.patch_embedding.weight");
        out.numLayers = n.countIndexed("visual.transformer.");
    } else if (n.has("vision_model.embeddings.patch_embedding.weight") &&
               n.hasPrefix("vision_model.encoder.layers.0.")) {
        out.naming = NamingSource::HfClip;
        patch = n.get("vision_model.embeddings.patch_embedding.weight");
        out.numLayers = n.countIndexed("vision_model.encoder.layers.");
    } else {
        return false;
    }
    out.role = FileRole::ClipVision;
    out.dim = dimAt(patch, 0);
    out.isWan = true;
    out.modelSize = out.dim == kClipHWidth && out.numLayers == kClipHLayers && dimAt(patch, 2) == 14
                        ? "ViT-H/14"
                        : "custom";
    return true;
}

bool detectLora(const Names& n, FileDetection& out)
{
    const bool lora = n.contains("lora_A.") || n.contains("lora_B.") || n.contains("lora_down.") ||
                      n.contains("lora_up.") || n.hasPrefix("lora_unet_");
    if (!lora)
        return false;
    out.role = FileRole::Lora;
    if (n.contains("double_blocks") || n.contains("single_blocks") ||
        n.contains("single_transformer_blocks")) {
        out.looksLike = "a Flux LoRA";
    } else if (n.contains("input_blocks") || n.contains("down_blocks") || n.contains("lora_te")) {
        out.looksLike = "a Stable Diffusion LoRA";
    } else if (n.contains("self_attn") || n.contains("cross_attn") || n.contains("attn1") ||
               n.contains("attn2") || n.contains("ffn")) {
        out.isWan = true;
        out.naming = n.contains("attn1") ? NamingSource::Diffusers
                     : n.comfyPrefix()   ? NamingSource::ComfyPrefix
                                         : NamingSource::Official;
    } else {
        out.looksLike = "a LoRA for another model";
    }
    return true;
}

// What a non-Wan file looks like, from well-known names; empty when nothing matches.
std::string lookAlike(const Names& n, const std::vector<TensorDescription>& tensors)
{
    const auto rawHasPrefix = [&](std::string_view p) {
        return std::any_of(tensors.begin(), tensors.end(), [&](const TensorDescription& t) {
            return std::string_view(t.name).starts_with(p);
        });
    };
    if (n.hasPrefix("double_blocks.") && n.hasPrefix("single_blocks.")) {
        if (n.hasPrefix("txt_in.individual_token_refiner."))
            return "a HunyuanVideo model";
        return "a Flux model";
    }
    if (n.hasPrefix("transformer_blocks.") && n.hasPrefix("single_transformer_blocks."))
        return "a Flux model (diffusers names)";
    if (n.hasPrefix("joint_blocks."))
        return "a Stable Diffusion 3 model";
    if (rawHasPrefix("model.diffusion_model.input_blocks.") || n.hasPrefix("input_blocks.")) {
        if (rawHasPrefix("conditioner.embedders.") || n.hasPrefix("label_emb.") ||
            rawHasPrefix("model.diffusion_model.label_emb."))
            return "an SDXL checkpoint";
        return "a Stable Diffusion 1.x/2.x checkpoint";
    }
    if (n.hasPrefix("down_blocks.") && n.hasPrefix("up_blocks.") && n.has("conv_in.weight"))
        return n.hasPrefix("add_embedding.") ? "an SDXL UNet (diffusers names)"
                                             : "a Stable Diffusion UNet (diffusers names)";
    if (n.hasPrefix("transformer_blocks.") && n.hasPrefix("adaln_single."))
        return "an LTX-Video or PixArt transformer";
    if (n.hasPrefix("model.layers.0.") || n.hasPrefix("layers.0.attention.") || n.hasPrefix("blk.0.attn_q"))
        return "a language model (LLM)";
    if (n.hasPrefix("text_model.encoder.layers."))
        return "a CLIP text encoder";
    return {};
}

std::string lookAlikeGguf(const std::string& arch)
{
    static const std::map<std::string, std::string> kDiffusion = {{"flux", "a Flux model"},
                                                                  {"sd1", "a Stable Diffusion 1.x model"},
                                                                  {"sdxl", "an SDXL model"},
                                                                  {"sd3", "a Stable Diffusion 3 model"},
                                                                  {"aura", "an AuraFlow model"},
                                                                  {"ltxv", "an LTX-Video model"},
                                                                  {"hyvid", "a HunyuanVideo model"},
                                                                  {"cosmos", "a Cosmos model"},
                                                                  {"lumina2", "a Lumina 2 model"},
                                                                  {"hidream", "a HiDream model"},
                                                                  {"qwen_image", "a Qwen-Image model"}};
    if (arch.empty() || arch == "wan" || arch == "t5" || arch == "t5encoder")
        return {};
    const auto it = kDiffusion.find(arch);
    if (it != kDiffusion.end())
        return it->second + " (GGUF architecture '" + arch + "')";
    return "a language model GGUF (general.architecture '" + arch + "')";
}

std::string describe(const FileDetection& d)
{
    std::string s = d.path.string() + ": Wan 2.1 " + fileRoleName(d.role);
    std::vector<std::string> parts;
    if (!d.modelSize.empty())
        parts.push_back(d.modelSize == "custom" && d.dim > 0 ? "custom size, dim " + std::to_string(d.dim)
                                                             : d.modelSize);
    if (!d.task.empty())
        parts.push_back(d.task);
    if (d.naming != NamingSource::Unknown)
        parts.push_back(std::string(namingSourceName(d.naming)) + " names");
    if (!d.storage.empty())
        parts.push_back(d.storage);
    if (d.container == FileContainer::Gguf)
        parts.push_back("GGUF");
    for (std::size_t i = 0; i < parts.size(); ++i)
        s += (i == 0 ? " (" : ", ") + parts[i];
    return parts.empty() ? s : s + ")";
}

} // namespace

const char* fileRoleName(FileRole role) noexcept
{
    switch (role) {
    case FileRole::Dit:
        return "DiT";
    case FileRole::TextEncoder:
        return "umT5 text encoder";
    case FileRole::Vae:
        return "VAE";
    case FileRole::ClipVision:
        return "CLIP vision encoder";
    case FileRole::Lora:
        return "LoRA";
    case FileRole::Unknown:
        break;
    }
    return "unknown";
}

const char* namingSourceName(NamingSource source) noexcept
{
    switch (source) {
    case NamingSource::Official:
        return "official";
    case NamingSource::ComfyPrefix:
        return "ComfyUI";
    case NamingSource::Diffusers:
        return "diffusers";
    case NamingSource::HfT5:
        return "Hugging Face T5";
    case NamingSource::HfClip:
        return "Hugging Face CLIP";
    case NamingSource::LlamaCppT5:
        return "llama.cpp T5";
    case NamingSource::Unknown:
        break;
    }
    return "unknown";
}

FileDetection detectTensors(const std::vector<TensorDescription>& tensors, FileContainer container,
                            const std::string& ggufArchitecture, const std::filesystem::path& path)
{
    FileDetection out;
    out.path = path;
    out.container = container;
    out.ggufArchitecture = ggufArchitecture;
    describeStorage(tensors, out);
    const Names names(tensors);

    const std::string ggufLook = lookAlikeGguf(ggufArchitecture);
    if (ggufLook.empty())
        detectDit(names, out) || detectT5(names, out) || detectVae(names, out) || detectClip(names, out) ||
            detectLora(names, out);
    if (!out.isWan && out.looksLike.empty()) {
        out.looksLike = !ggufLook.empty() ? ggufLook : lookAlike(names, tensors);
    }
    if (out.isWan) {
        out.message = describe(out);
    } else if (!out.looksLike.empty()) {
        out.message = path.string() + " is not a Wan 2.1 file: it looks like " + out.looksLike + ".";
    } else {
        std::string first;
        for (const auto& name : names.first(3))
            first += (first.empty() ? "" : ", ") + name;
        out.message = path.string() + " is not a Wan 2.1 file: its " + std::to_string(tensors.size()) +
                      " tensor names match no known layout" +
                      (first.empty() ? "" : " (first: " + first + ")") + ".";
    }
    return out;
}

std::vector<TensorDescription> readTensorDescriptions(const std::filesystem::path& path,
                                                      FileContainer& container, std::string& ggufArchitecture)
{
    const auto file = MappedFile::open(path);
    const auto* data = file->data();
    const auto size = file->size();
    const std::string name = path.string();
    std::vector<TensorDescription> tensors;
    ggufArchitecture.clear();
    if (looksLikeGguf(data, size)) {
        const auto g = parseGguf(data, size, name);
        for (const auto& t : g.tensors)
            tensors.push_back({t.name, g.realShape(t, name), std::string(ggmlTypeInfo(t.type)->name)});
        container = FileContainer::Gguf;
        ggufArchitecture = g.architecture();
        return tensors;
    }
    if (size >= 4 && std::memcmp(data, "PK\x03\x04", 4) == 0) {
        const auto archive = parsePthArchive(data, size, name);
        for (const auto& t : archive.tensors)
            tensors.push_back({t.name, t.shape, std::string(dtypeName(t.dtype))});
        container = FileContainer::Pth;
        return tensors;
    }
    SafetensorsHeader header;
    try {
        header = parseSafetensorsHeader(data, size, name);
    } catch (const Error& e) {
        throw Error(ErrorKind::CorruptFile,
                    name +
                        " is not a model file Wan Studio can read: it is neither GGUF nor a "
                        "torch.save archive, and as safetensors: " +
                        e.what());
    }
    for (const auto& t : header.tensors)
        tensors.push_back({t.name, t.shape, std::string(dtypeName(t.dtype))});
    container = FileContainer::Safetensors;
    return tensors;
}

FileDetection detectFile(const std::filesystem::path& path)
{
    FileContainer container = FileContainer::Safetensors;
    std::string architecture;
    const auto tensors = readTensorDescriptions(path, container, architecture);
    return detectTensors(tensors, container, architecture, path);
}

} // namespace wan::io
