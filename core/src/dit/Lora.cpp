#include "dit/Lora.h"

#include "dit/KeyRenames.h"
#include "io/TensorIo.h"
#include "wan/Error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string_view>

namespace wan::dit {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// File prefixes before the module path, per layout (first match wins).
constexpr std::array kComfyPrefixes{
    KeyRename{"model.diffusion_model.", ""},
    KeyRename{"diffusion_model.", ""},
};
constexpr std::array kDiffusersPrefixes{
    KeyRename{"transformer.", ""},
    KeyRename{"diffusion_model.", ""},
};
constexpr std::string_view kKohyaPrefix = "lora_unet_";

// diffusers WanTransformer3DModel module names outside the blocks -> official names.
constexpr std::array kDiffusersTopLevel{
    KeyRename{"condition_embedder.time_embedder.linear_1", "time_embedding.0"},
    KeyRename{"condition_embedder.time_embedder.linear_2", "time_embedding.2"},
    KeyRename{"condition_embedder.time_proj", "time_projection.1"},
    KeyRename{"condition_embedder.text_embedder.linear_1", "text_embedding.0"},
    KeyRename{"condition_embedder.text_embedder.linear_2", "text_embedding.2"},
    KeyRename{"condition_embedder.image_embedder.norm1", "img_emb.proj.0"},
    KeyRename{"condition_embedder.image_embedder.ff.net.0.proj", "img_emb.proj.1"},
    KeyRename{"condition_embedder.image_embedder.ff.net.2", "img_emb.proj.3"},
    KeyRename{"condition_embedder.image_embedder.norm2", "img_emb.proj.4"},
    KeyRename{"proj_out", "head.head"},
    KeyRename{"patch_embedding", "patch_embedding"},
};
// ... and inside "blocks.N." (diffusers' norm2 is the affine cross-attention norm, officially norm3).
constexpr std::array kDiffusersBlock{
    KeyRename{"attn1.to_q", "self_attn.q"},
    KeyRename{"attn1.to_k", "self_attn.k"},
    KeyRename{"attn1.to_v", "self_attn.v"},
    KeyRename{"attn1.to_out.0", "self_attn.o"},
    KeyRename{"attn1.norm_q", "self_attn.norm_q"},
    KeyRename{"attn1.norm_k", "self_attn.norm_k"},
    KeyRename{"attn2.to_q", "cross_attn.q"},
    KeyRename{"attn2.to_k", "cross_attn.k"},
    KeyRename{"attn2.to_v", "cross_attn.v"},
    KeyRename{"attn2.to_out.0", "cross_attn.o"},
    KeyRename{"attn2.add_k_proj", "cross_attn.k_img"},
    KeyRename{"attn2.add_v_proj", "cross_attn.v_img"},
    KeyRename{"attn2.norm_q", "cross_attn.norm_q"},
    KeyRename{"attn2.norm_k", "cross_attn.norm_k"},
    KeyRename{"attn2.norm_added_k", "cross_attn.norm_k_img"},
    KeyRename{"ffn.net.0.proj", "ffn.0"},
    KeyRename{"ffn.net.2", "ffn.2"},
    KeyRename{"norm2", "norm3"},
    KeyRename{"scale_shift_table", "modulation"},
};

enum class Part
{
    Down = 1,
    Up,
    Alpha,
    Diff,
    DiffBias
};

// Tensor kinds by key suffix (longer first).
struct SuffixRule
{
    std::string_view suffix;
    Part part;
};
constexpr std::array kSuffixes{
    SuffixRule{".lora_A.default.weight", Part::Down},
    SuffixRule{".lora_B.default.weight", Part::Up},
    SuffixRule{".lora_A.weight", Part::Down},
    SuffixRule{".lora_B.weight", Part::Up},
    SuffixRule{".lora_down.weight", Part::Down},
    SuffixRule{".lora_up.weight", Part::Up},
    SuffixRule{".alpha", Part::Alpha},
    // diffusers keeps a bias difference as the LoRA up layer's bias (its Wan LoRA conversion turns diff_b into
    // lora_B.bias, applied with PEFT's lora_bias).
    SuffixRule{".lora_B.bias", Part::DiffBias},
    SuffixRule{".diff_b", Part::DiffBias},
    SuffixRule{".diff", Part::Diff},
};

std::string quoted(const fs::path& path)
{
    return "'" + path.string() + "'";
}

std::string exactRename(std::string_view name, std::span<const KeyRename> table)
{
    for (const auto& rule : table) {
        if (name == rule.from)
            return std::string(rule.to);
    }
    return {};
}

std::string diffusersName(const std::string& module)
{
    if (const auto block = indexAfterPrefix(module, "blocks.")) {
        const auto head = "blocks." + std::to_string(*block) + ".";
        const auto rest = exactRename(std::string_view(module).substr(head.size()), kDiffusersBlock);
        return rest.empty() ? std::string() : head + rest;
    }
    return exactRename(module, kDiffusersTopLevel);
}

std::string joinFirst(const std::vector<std::string>& items, size_t count)
{
    std::string out;
    for (size_t i = 0; i < items.size() && i < count; ++i)
        out += (i ? ", " : "") + items[i];
    if (items.size() > count)
        out += ", ... (" + std::to_string(items.size()) + " in all)";
    return out;
}

std::map<std::string, LinearImpl*> linearModules(WanModel& model)
{
    std::map<std::string, LinearImpl*> out;
    for (const auto& item : model.named_modules("", /*include_self=*/false)) {
        if (auto* linear = dynamic_cast<LinearImpl*>(item.value().get()))
            out.emplace(item.key(), linear);
    }
    return out;
}

bool inStreamedBlock(const WanModel& model, const std::string& name)
{
    return model.blockStreaming() && (name.starts_with("blocks.") || name.starts_with("vace_blocks."));
}

} // namespace

std::string loraModuleName(const std::string& module, LoraLayout layout,
                           const std::vector<std::string>& moduleNames)
{
    switch (layout) {
    case LoraLayout::Comfy:
        return renameKey(module, kComfyPrefixes);
    case LoraLayout::Diffusers:
        return diffusersName(renameKey(module, kDiffusersPrefixes));
    case LoraLayout::Kohya: {
        if (!module.starts_with(kKohyaPrefix))
            return {};
        const auto flat = module.substr(kKohyaPrefix.size());
        for (const auto& name : moduleNames) {
            auto underscored = name;
            std::replace(underscored.begin(), underscored.end(), '.', '_');
            if (underscored == flat)
                return name;
        }
        return {};
    }
    }
    return {};
}

LoraFile loadLora(const fs::path& path, WanModel& model)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error(ErrorKind::InvalidArgument,
                    "LoRA " + quoted(path) +
                        " does not exist: pass a LoRA .safetensors file (--lora FILE:STRENGTH)");
    const auto tensors = io::loadSafetensors(path);
    if (tensors.empty())
        throw Error(ErrorKind::InvalidArgument, "LoRA " + quoted(path) + " holds no tensors");

    LoraFile file;
    file.path = path;
    bool diffusers = false;
    for (const auto& item : tensors) {
        if (item.first.starts_with(kKohyaPrefix)) {
            file.layout = LoraLayout::Kohya;
            break;
        }
        const auto& k = item.first;
        diffusers = diffusers || k.find(".attn1.") != std::string::npos ||
                    k.find(".attn2.") != std::string::npos || k.find("ffn.net.") != std::string::npos ||
                    k.find("condition_embedder.") != std::string::npos || k.starts_with("transformer.");
    }
    if (file.layout != LoraLayout::Kohya && diffusers)
        file.layout = LoraLayout::Diffusers;

    std::map<std::string, torch::Tensor> parameters;
    std::vector<std::string> moduleNames;
    for (const auto& item : model.named_parameters(true))
        parameters.emplace(item.key(), item.value());
    for (const auto& item : model.named_modules("", false))
        moduleNames.push_back(item.key());
    for (const auto& item : parameters)
        moduleNames.push_back(item.first);
    const auto linears = linearModules(model);

    std::vector<std::string> unmatched, badShape;
    std::map<std::string, double> alphas;
    for (const auto& [key, tensor] : tensors) {
        const SuffixRule* rule = nullptr;
        for (const auto& candidate : kSuffixes) {
            if (key.size() > candidate.suffix.size() && key.ends_with(candidate.suffix)) {
                rule = &candidate;
                break;
            }
        }
        if (!rule) {
            unmatched.push_back(key);
            continue;
        }
        const auto module =
            loraModuleName(key.substr(0, key.size() - rule->suffix.size()), file.layout, moduleNames);
        if (module.empty()) {
            unmatched.push_back(key);
            continue;
        }
        const auto value = tensor.to(torch::kCPU, torch::kFloat32);
        auto& target = file.targets[module];
        const auto shape = io::shapeString(tensor.sizes());
        switch (rule->part) {
        case Part::Down:
        case Part::Up: {
            const auto linear = linears.find(module);
            if (linear == linears.end()) {
                unmatched.push_back(key);
                break;
            }
            const auto w = linear->second->weightShape();
            const bool down = rule->part == Part::Down;
            if (value.dim() != 2 || value.size(down ? 1 : 0) != w[down ? 1 : 0]) {
                badShape.push_back(key + " " + shape + " (weight " + io::shapeString(w) + ")");
                break;
            }
            (down ? target.down : target.up) = value;
            break;
        }
        case Part::Alpha:
            if (value.numel() != 1) {
                badShape.push_back(key + " " + shape + " (a scalar)");
                break;
            }
            alphas[module] = value.item<double>();
            break;
        case Part::Diff:
        case Part::DiffBias: {
            const bool bias = rule->part == Part::DiffBias;
            auto parameter = parameters.find(module + (bias ? ".bias" : ".weight"));
            if (!bias && parameter == parameters.end())
                parameter = parameters.find(module); // e.g. blocks.0.modulation
            if (parameter == parameters.end()) {
                unmatched.push_back(key);
                break;
            }
            if (value.sizes() != parameter->second.sizes()) {
                badShape.push_back(key + " " + shape + " (" + parameter->first + " " +
                                   io::shapeString(parameter->second.sizes()) + ")");
                break;
            }
            (bias ? target.diffBias : target.diff) = value;
            break;
        }
        }
    }
    std::vector<std::string> unpaired;
    for (auto it = file.targets.begin(); it != file.targets.end();) {
        auto& [module, target] = *it;
        const bool shapeReported =
            std::any_of(badShape.begin(), badShape.end(), [&](const std::string& item) {
                return item.find("." + module + ".") != std::string::npos || item.starts_with(module + ".");
            });
        if (target.down.defined() != target.up.defined()) {
            if (!shapeReported) // a half refused for its shape is reported there
                unpaired.push_back(module);
        } else if (target.down.defined() && target.down.size(0) != target.up.size(1)) {
            badShape.push_back(module + ": rank " + std::to_string(target.down.size(0)) + " (A) vs " +
                               std::to_string(target.up.size(1)) + " (B)");
        } else if (target.down.defined()) {
            const auto alpha = alphas.find(module);
            if (alpha != alphas.end())
                target.alphaOverRank = alpha->second / double(target.down.size(0));
        }
        if (!target.down.defined() && !target.up.defined() && !target.diff.defined() &&
            !target.diffBias.defined())
            it = file.targets.erase(it); // an .alpha alone
        else
            ++it;
    }
    if (!unmatched.empty() || !badShape.empty() || !unpaired.empty()) {
        std::string message = "LoRA " + quoted(path) + " does not fit this model";
        if (!unmatched.empty())
            message += "; tensors matching no module of the model: " + joinFirst(unmatched, 5);
        if (!badShape.empty())
            message += "; wrong shapes: " + joinFirst(badShape, 5);
        if (!unpaired.empty())
            message += "; modules with only one of lora_A/lora_B (down/up): " + joinFirst(unpaired, 5);
        message += ". Is it a LoRA for another Wan2.1 model (1.3B vs 14B, t2v vs i2v)?";
        throw Error(ErrorKind::InvalidArgument, message);
    }
    static constexpr const char* kLayoutNames[] = {"", "ComfyUI", "diffusers/PEFT", "kohya/musubi"};
    spdlog::info("LoRA {}: {} layout, {} modules", path.string(), kLayoutNames[int(file.layout)],
                 file.targets.size());
    return file;
}

torch::Tensor loraWeightDelta(const LoraTarget& target, double strength)
{
    torch::Tensor delta;
    if (target.down.defined())
        delta = torch::mm(target.up, target.down) * (strength * target.alphaOverRank);
    if (target.diff.defined())
        delta = delta.defined() ? delta + target.diff * strength : target.diff * strength;
    return delta;
}

void LoraState::mergeInto(WanModel& model, const std::string& name, const torch::Tensor& delta)
{
    if (inStreamedBlock(model, name))
        throw Error(ErrorKind::InvalidArgument,
                    "LoRA: '" + name +
                        "' lives in a streamed block and cannot be merged; apply the LoRA on the fly "
                        "(--lora_mode on_the_fly), or use a placement that keeps the DiT resident");
    torch::NoGradGuard noGrad;
    for (auto& item : model.named_parameters(true)) {
        if (item.key() != name)
            continue;
        auto& p = item.value();
        if (!m_originals.count(name)) {
            // CPU: the tensor itself (set_data below gives the parameter new storage and leaves this one
            // intact, aliasing the checkpoint mapping); other devices: a host copy.
            m_originals[name] = p.device().is_cpu() ? p.detach() : p.detach().to(torch::kCPU);
        }
        const auto merged = (p.to(torch::kFloat32) + delta.to(p.device())).to(p.scalar_type());
        p.set_data(merged);
        return;
    }
    throw Error(ErrorKind::Internal, "LoRA: the model has no parameter '" + name + "'");
}

void LoraState::clear()
{
    const auto model = m_model.lock();
    if (model) {
        torch::NoGradGuard noGrad;
        for (auto& item : model->named_parameters(true)) {
            const auto original = m_originals.find(item.key());
            if (original != m_originals.end())
                item.value().set_data(original->second.to(item.value().device()));
        }
        for (auto& linear : m_adapted)
            linear->adapters.clear();
    }
    m_originals.clear();
    m_adapted.clear();
    m_applied.clear();
    m_stamps.clear();
}

void LoraState::apply(const std::shared_ptr<WanModel>& model, const std::vector<LoraSpec>& loras,
                      bool onTheFly)
{
    if (m_model.lock() != model) {
        // A model this state has not touched holds its base weights.
        m_originals.clear();
        m_adapted.clear();
        m_applied.clear();
        m_stamps.clear();
        m_model = model;
    }
    std::vector<fs::file_time_type> stamps;
    for (const auto& spec : loras) {
        std::error_code ec;
        stamps.push_back(fs::last_write_time(spec.path, ec));
    }
    if (loras == m_applied && onTheFly == m_onTheFly && stamps == m_stamps)
        return;
    clear();
    m_model = model;
    if (loras.empty())
        return;

    const auto start = Clock::now();
    const auto linears = linearModules(*model);
    const auto device = model->computeDevice();
    try {
        for (const auto& spec : loras) {
            const auto file = loadLora(spec.path, *model);
            if (spec.strength == 0.0)
                continue;
            for (const auto& [module, target] : file.targets) {
                const auto linear = linears.find(module);
                const bool linearWeight = linear != linears.end();
                // A quantised weight cannot take a merged delta: its LoRAs always run on the fly.
                if (linearWeight && (onTheFly || linear->second->quantized())) {
                    auto& layer = *linear->second;
                    const auto dtype = layer.computeDtype();
                    LinearAdapter adapter;
                    if (target.down.defined()) {
                        adapter.down = target.down.to(device, dtype);
                        adapter.up = target.up.to(device, dtype);
                        adapter.scale = spec.strength * target.alphaOverRank;
                        layer.adapters.push_back(adapter);
                    }
                    if (target.diff.defined() || target.diffBias.defined()) {
                        LinearAdapter full;
                        if (target.diff.defined())
                            full.down = target.diff.to(device, dtype);
                        if (target.diffBias.defined())
                            full.bias = target.diffBias.to(device, dtype);
                        full.scale = spec.strength;
                        layer.adapters.push_back(full);
                    }
                    m_adapted.push_back(&layer);
                    continue;
                }
                if (const auto delta = loraWeightDelta(target, spec.strength); delta.defined()) {
                    const bool plain = !linearWeight && !target.down.defined() &&
                                       !model->named_parameters(true).contains(module + ".weight");
                    mergeInto(*model, plain ? module : module + ".weight", delta);
                }
                if (target.diffBias.defined())
                    mergeInto(*model, module + ".bias", target.diffBias * spec.strength);
            }
        }
    } catch (...) {
        clear();
        throw;
    }
    m_applied = loras;
    m_onTheFly = onTheFly;
    m_stamps = std::move(stamps);
    spdlog::info("{} LoRA(s) {} in {:.2f} s", loras.size(), onTheFly ? "applied on the fly" : "merged",
                 std::chrono::duration<double>(Clock::now() - start).count());
}

} // namespace wan::dit
