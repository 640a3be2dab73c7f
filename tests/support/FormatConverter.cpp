#include "support/FormatConverter.h"

#include "io/RawGguf.h"
#include "support/CheckpointWriter.h"
#include "support/GgufWriter.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace wan::test {

namespace {

std::string bytesOf(const torch::Tensor& t)
{
    const auto c = t.contiguous().cpu();
    return std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size());
}

std::string safetensorsDtype(torch::ScalarType t)
{
    switch (t) {
    case torch::kFloat32:
        return "F32";
    case torch::kFloat16:
        return "F16";
    case torch::kBFloat16:
        return "BF16";
    case torch::kFloat8_e4m3fn:
        return "F8_E4M3";
    case torch::kFloat8_e5m2:
        return "F8_E5M2";
    case torch::kInt64:
        return "I64";
    default:
        throw std::runtime_error("FormatConverter: unsupported dtype");
    }
}

SafetensorsSpec spec(const std::string& name, const torch::Tensor& t)
{
    return {name, safetensorsDtype(t.scalar_type()), t.sizes().vec(), bytesOf(t)};
}

} // namespace

std::string toSafetensors(const io::TensorMap& weights, const std::string& prefix, ConvertedStorage storage)
{
    std::vector<SafetensorsSpec> specs;
    for (const auto& [name, tensor] : weights) {
        const bool weight = tensor.is_floating_point() && tensor.dim() >= 2;
        switch (storage) {
        case ConvertedStorage::Fp32:
            specs.push_back(spec(prefix + name, tensor.to(torch::kFloat32)));
            break;
        case ConvertedStorage::Fp16:
            specs.push_back(spec(prefix + name, tensor.to(torch::kFloat16)));
            break;
        case ConvertedStorage::Bf16:
            specs.push_back(spec(prefix + name, tensor.to(torch::kBFloat16)));
            break;
        case ConvertedStorage::Fp8E4M3:
            specs.push_back(
                spec(prefix + name, weight ? tensor.to(torch::kFloat8_e4m3fn) : tensor.to(torch::kFloat32)));
            break;
        case ConvertedStorage::Fp8Scaled:
            if (weight && name.ends_with(".weight")) {
                const auto w = tensor.to(torch::kFloat32);
                const auto scale = (w.abs().max() / 448.0f).clamp_min(1e-12f);
                specs.push_back(spec(prefix + name, (w / scale).to(torch::kFloat8_e4m3fn)));
                const auto module = name.substr(0, name.size() - std::string(".weight").size());
                specs.push_back(spec(prefix + module + ".scale_weight", scale.reshape({})));
            } else {
                specs.push_back(spec(prefix + name, tensor.to(torch::kFloat32)));
            }
            break;
        }
    }
    if (storage == ConvertedStorage::Fp8Scaled)
        specs.push_back(spec(prefix + "scaled_fp8", torch::empty({0}, torch::kFloat8_e4m3fn)));
    return safetensorsFile(specs);
}

std::string toGguf(const io::TensorMap& weights, const std::string& arch)
{
    GgufWriter w;
    w.kvString("general.architecture", arch);
    for (const auto& [name, tensor] : weights) {
        auto t = tensor.to(torch::kFloat32).contiguous();
        if (t.dim() > 4) {
            // The real shape in ComfyUI-GGUF's metadata key, as city96's converter writes it.
            std::string dims;
            for (auto d : t.sizes())
                dims += GgufWriter::pod(std::int32_t(d));
            w.kv("comfy.gguf.orig_shape." + name, 9, GgufWriter::array(5, std::uint64_t(t.dim()), dims));
            std::vector<std::int64_t> kept;
            for (auto d : t.sizes())
                if (d != 1)
                    kept.push_back(d);
            t = t.reshape(kept);
        }
        const auto shape = t.sizes().vec();
        if (t.dim() >= 2 && shape.back() % 32 == 0)
            w.tensor(name, std::uint32_t(io::GgmlType::Q8_0), shape,
                     quantizeQ8_0(t.data_ptr<float>(), std::size_t(t.numel())));
        else
            w.tensor(name, std::uint32_t(io::GgmlType::F32), shape, bytesOf(t));
    }
    return w.bytes();
}

io::TensorMap toHfT5Names(const io::TensorMap& official, bool withTiedCopy)
{
    io::TensorMap out;
    const auto put = [&](const std::string& hf, const std::string& name) {
        const auto it = official.find(name);
        if (it == official.end())
            throw std::runtime_error("toHfT5Names: no '" + name + "'");
        out.emplace(hf, it->second);
    };
    put("shared.weight", "token_embedding.weight");
    if (withTiedCopy)
        put("encoder.embed_tokens.weight", "token_embedding.weight");
    put("encoder.final_layer_norm.weight", "norm.weight");
    for (int i = 0; official.count("blocks." + std::to_string(i) + ".norm1.weight"); ++i) {
        const std::string b = "blocks." + std::to_string(i) + ".";
        const std::string e = "encoder.block." + std::to_string(i) + ".layer.";
        put(e + "0.layer_norm.weight", b + "norm1.weight");
        for (const char* m : {"q", "k", "v", "o"})
            put(e + "0.SelfAttention." + m + ".weight", b + "attn." + m + ".weight");
        put(e + "0.SelfAttention.relative_attention_bias.weight", b + "pos_embedding.embedding.weight");
        put(e + "1.layer_norm.weight", b + "norm2.weight");
        put(e + "1.DenseReluDense.wi_0.weight", b + "ffn.gate.0.weight"); // act(wi_0(x)) * wi_1(x)
        put(e + "1.DenseReluDense.wi_1.weight", b + "ffn.fc1.weight");
        put(e + "1.DenseReluDense.wo.weight", b + "ffn.fc2.weight");
    }
    if (out.size() != official.size() + (withTiedCopy ? 1 : 0))
        throw std::runtime_error("toHfT5Names: tensors left over");
    return out;
}

namespace {

// "residual.2.weight" -> "conv1.weight" etc. (inside one residual block); other names unchanged.
std::string diffusersResidual(const std::string& rest)
{
    static const std::pair<std::string, std::string> renames[] = {
        {"residual.0.gamma", "norm1.gamma"}, {"residual.2.", "conv1."},
        {"residual.3.gamma", "norm2.gamma"}, {"residual.6.", "conv2."},
        {"shortcut.", "conv_shortcut."},
    };
    for (const auto& [from, to] : renames)
        if (rest.rfind(from, 0) == 0)
            return to + rest.substr(from.size());
    return rest;
}

} // namespace

io::TensorMap toDiffusersVaeNames(const io::TensorMap& official)
{
    io::TensorMap out;
    for (const auto& [key, value] : official) {
        std::string name;
        const auto dot = [&](std::size_t from) { return key.find('.', from); };
        if (key.rfind("conv1.", 0) == 0) {
            name = "quant_conv." + key.substr(6);
        } else if (key.rfind("conv2.", 0) == 0) {
            name = "post_quant_conv." + key.substr(6);
        } else {
            const std::string side = key.substr(0, dot(0)); // encoder / decoder
            const std::string rest = key.substr(side.size() + 1);
            if (rest.rfind("conv1.", 0) == 0) {
                name = side + ".conv_in." + rest.substr(6);
            } else if (rest == "head.0.gamma") {
                name = side + ".norm_out.gamma";
            } else if (rest.rfind("head.2.", 0) == 0) {
                name = side + ".conv_out." + rest.substr(7);
            } else if (rest.rfind("middle.", 0) == 0) {
                const int index = std::stoi(rest.substr(7));
                const std::string inner = rest.substr(rest.find('.', 7) + 1);
                name = index == 1 ? side + ".mid_block.attentions.0." + inner
                                  : side + ".mid_block.resnets." + std::to_string(index / 2) + "." +
                                        diffusersResidual(inner);
            } else if (rest.rfind("downsamples.", 0) == 0) {
                const std::string numbered = rest.substr(12);
                const std::string index = numbered.substr(0, numbered.find('.'));
                name = side + ".down_blocks." + index + "." +
                       diffusersResidual(numbered.substr(index.size() + 1));
            } else if (rest.rfind("upsamples.", 0) == 0) {
                const std::string numbered = rest.substr(10);
                const int index = std::stoi(numbered);
                const std::string inner = numbered.substr(numbered.find('.') + 1);
                const std::string level = std::to_string(index / 4);
                name = index % 4 == 3 ? side + ".up_blocks." + level + ".upsamplers.0." + inner
                                      : side + ".up_blocks." + level + ".resnets." +
                                            std::to_string(index % 4) + "." + diffusersResidual(inner);
            } else {
                throw std::runtime_error("toDiffusersVaeNames: unexpected '" + key + "'");
            }
        }
        if (!out.emplace(name, value).second)
            throw std::runtime_error("toDiffusersVaeNames: '" + name + "' twice");
    }
    return out;
}

io::TensorMap toHfClipVisionNames(const io::TensorMap& official)
{
    io::TensorMap out;
    const std::string v = "vision_model.";
    for (const auto& [key, value] : official) {
        if (key.rfind("visual.", 0) != 0)
            continue; // textual.*, log_scale
        const std::string rest = key.substr(7);
        if (rest == "cls_embedding") {
            out.emplace(v + "embeddings.class_embedding", value.reshape({-1}));
        } else if (rest == "pos_embedding") {
            out.emplace(v + "embeddings.position_embedding.weight", value.squeeze(0));
        } else if (rest == "head") {
            out.emplace("visual_projection.weight", value.t().contiguous());
        } else if (rest.rfind("patch_embedding.", 0) == 0) {
            out.emplace(v + "embeddings." + rest, value);
        } else if (rest.rfind("pre_norm.", 0) == 0) {
            out.emplace(v + "pre_layrnorm." + rest.substr(9), value);
        } else if (rest.rfind("post_norm.", 0) == 0) {
            out.emplace(v + "post_layernorm." + rest.substr(10), value);
        } else if (rest.rfind("transformer.", 0) == 0) {
            const std::string numbered = rest.substr(12);
            const std::string index = numbered.substr(0, numbered.find('.'));
            const std::string inner = numbered.substr(index.size() + 1);
            const std::string layer = v + "encoder.layers." + index + ".";
            const auto leaf = inner.substr(inner.rfind('.') + 1); // weight / bias
            if (inner.rfind("attn.to_qkv.", 0) == 0) {
                const auto parts = value.chunk(3, 0);
                out.emplace(layer + "self_attn.q_proj." + leaf, parts[0].contiguous());
                out.emplace(layer + "self_attn.k_proj." + leaf, parts[1].contiguous());
                out.emplace(layer + "self_attn.v_proj." + leaf, parts[2].contiguous());
            } else if (inner.rfind("attn.proj.", 0) == 0) {
                out.emplace(layer + "self_attn.out_proj." + leaf, value);
            } else if (inner.rfind("norm1.", 0) == 0) {
                out.emplace(layer + "layer_norm1." + leaf, value);
            } else if (inner.rfind("norm2.", 0) == 0) {
                out.emplace(layer + "layer_norm2." + leaf, value);
            } else if (inner.rfind("mlp.0.", 0) == 0) {
                out.emplace(layer + "mlp.fc1." + leaf, value);
            } else if (inner.rfind("mlp.2.", 0) == 0) {
                out.emplace(layer + "mlp.fc2." + leaf, value);
            } else {
                throw std::runtime_error("toHfClipVisionNames: unexpected '" + key + "'");
            }
        } else {
            throw std::runtime_error("toHfClipVisionNames: unexpected '" + key + "'");
        }
    }
    return out;
}

io::TensorMap toDiffusersDitNames(const io::TensorMap& official)
{
    // Applied in this order to every name, each replacing all occurrences (diffusers' conversion does the
    // same). The three norm steps swap norm2 and norm3: diffusers numbers the norms in call order.
    static const std::pair<std::string, std::string> kSteps[] = {
        {"time_embedding.0", "condition_embedder.time_embedder.linear_1"},
        {"time_embedding.2", "condition_embedder.time_embedder.linear_2"},
        {"text_embedding.0", "condition_embedder.text_embedder.linear_1"},
        {"text_embedding.2", "condition_embedder.text_embedder.linear_2"},
        {"time_projection.1", "condition_embedder.time_proj"},
        {"head.modulation", "scale_shift_table"},
        {"head.head", "proj_out"},
        {"modulation", "scale_shift_table"},
        {"ffn.0", "ffn.net.0.proj"},
        {"ffn.2", "ffn.net.2"},
        {"norm2", "norm__placeholder"},
        {"norm3", "norm2"},
        {"norm__placeholder", "norm3"},
        {"img_emb.proj.0", "condition_embedder.image_embedder.norm1"},
        {"img_emb.proj.1", "condition_embedder.image_embedder.ff.net.0.proj"},
        {"img_emb.proj.3", "condition_embedder.image_embedder.ff.net.2"},
        {"img_emb.proj.4", "condition_embedder.image_embedder.norm2"},
        {"img_emb.emb_pos", "condition_embedder.image_embedder.pos_embed"},
        {"self_attn.q", "attn1.to_q"},
        {"self_attn.k", "attn1.to_k"},
        {"self_attn.v", "attn1.to_v"},
        {"self_attn.o", "attn1.to_out.0"},
        {"self_attn.norm_q", "attn1.norm_q"},
        {"self_attn.norm_k", "attn1.norm_k"},
        {"cross_attn.q", "attn2.to_q"},
        {"cross_attn.k", "attn2.to_k"},
        {"cross_attn.v", "attn2.to_v"},
        {"cross_attn.o", "attn2.to_out.0"},
        {"cross_attn.norm_q", "attn2.norm_q"},
        {"cross_attn.norm_k", "attn2.norm_k"},
        {"attn2.to_k_img", "attn2.add_k_proj"},
        {"attn2.to_v_img", "attn2.add_v_proj"},
        {"attn2.norm_k_img", "attn2.norm_added_k"},
        {"before_proj", "proj_in"}, // VACE blocks (WanVACETransformer3DModel)
        {"after_proj", "proj_out"},
    };
    io::TensorMap out;
    for (const auto& [key, value] : official) {
        std::string name = key;
        for (const auto& [from, to] : kSteps)
            for (auto at = name.find(from); at != std::string::npos; at = name.find(from, at + to.size()))
                name.replace(at, from.size(), to);
        if (!out.emplace(name, value).second)
            throw std::runtime_error("toDiffusersDitNames: '" + name + "' twice");
    }
    return out;
}

std::filesystem::path writeDiffusersFolder(const std::filesystem::path& dir,
                                           const std::filesystem::path& fixture, int ditShards)
{
    namespace fs = std::filesystem;
    for (const char* sub : {"transformer", "text_encoder", "tokenizer", "vae", "scheduler"})
        fs::create_directories(dir / sub);
    const auto write = [](const fs::path& file, const std::string& bytes) {
        std::ofstream out(file, std::ios::binary);
        out << bytes;
        if (!out.good())
            throw std::runtime_error("writeDiffusersFolder: cannot write " + file.string());
    };
    const auto readText = [](const fs::path& file) {
        std::ifstream in(file, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };

    // The official config's values under diffusers' keys (read with a tiny scan: the fixture's config.json
    // is flat).
    const std::string config = readText(fixture / "config.json");
    const auto number = [&](const std::string& key) {
        const auto at = config.find("\"" + key + "\"");
        if (at == std::string::npos)
            throw std::runtime_error("writeDiffusersFolder: no " + key + " in " + fixture.string());
        return std::stoll(config.substr(config.find(':', at) + 1));
    };
    const bool image =
        config.find("\"i2v\"") != std::string::npos || config.find("\"flf2v\"") != std::string::npos;
    const auto dit = io::loadSafetensors(fixture / "diffusion_pytorch_model.safetensors");
    const long long dim = number("dim"), heads = number("num_heads");
    std::string ditConfig =
        "{\n  \"_class_name\": \"WanTransformer3DModel\",\n  \"_diffusers_version\": \"0.33.0\",\n";
    ditConfig += "  \"added_kv_proj_dim\": " + (image ? std::to_string(dim) : std::string("null")) + ",\n";
    ditConfig += "  \"attention_head_dim\": " + std::to_string(dim / heads) + ",\n";
    ditConfig += "  \"cross_attn_norm\": true,\n  \"eps\": 1e-06,\n";
    ditConfig += "  \"ffn_dim\": " + std::to_string(number("ffn_dim")) + ",\n";
    ditConfig += "  \"freq_dim\": " + std::to_string(number("freq_dim")) + ",\n";
    ditConfig += "  \"image_dim\": " +
                 (image ? std::to_string(dit.at("img_emb.proj.0.weight").size(0)) : std::string("null")) +
                 ",\n";
    ditConfig += "  \"in_channels\": " + std::to_string(number("in_dim")) + ",\n";
    ditConfig += "  \"num_attention_heads\": " + std::to_string(heads) + ",\n";
    ditConfig += "  \"num_layers\": " + std::to_string(number("num_layers")) + ",\n";
    ditConfig += "  \"out_channels\": " + std::to_string(number("out_dim")) + ",\n";
    ditConfig += "  \"patch_size\": [1, 2, 2],\n  \"pos_embed_seq_len\": null,\n";
    ditConfig += "  \"qk_norm\": \"rms_norm_across_heads\",\n  \"rope_max_seq_len\": 1024,\n";
    ditConfig += "  \"text_dim\": " + std::to_string(dit.at("text_embedding.0.weight").size(1));
    if (const auto vace = config.find("\"vace_layers\""); vace != std::string::npos) {
        const auto open = config.find('[', vace);
        ditConfig += ",\n  \"vace_in_channels\": " + std::to_string(number("vace_in_dim"));
        ditConfig += ",\n  \"vace_layers\": " + config.substr(open, config.find(']', open) - open + 1);
    }
    ditConfig += "\n}\n";
    write(dir / "transformer" / "config.json", ditConfig);
    const auto ditWeights = toDiffusersDitNames(dit);
    if (ditShards > 1)
        writeShardedSafetensors(dir / "transformer", "diffusion_pytorch_model", ditWeights,
                                ConvertedStorage::Fp32, ditShards);
    else
        write(dir / "transformer" / "diffusion_pytorch_model.safetensors",
              toSafetensors(ditWeights, "", ConvertedStorage::Fp32));

    write(dir / "text_encoder" / "model.safetensors",
          toSafetensors(toHfT5Names(io::loadPth(fixture / "models_t5_umt5-xxl-enc-bf16.pth")), "",
                        ConvertedStorage::Bf16));
    write(dir / "text_encoder" / "config.json", "{\"architectures\": [\"UMT5EncoderModel\"]}\n");
    fs::copy_file(fixture / "google" / "umt5-xxl" / "spiece.model", dir / "tokenizer" / "spiece.model");
    write(dir / "vae" / "diffusion_pytorch_model.safetensors",
          toSafetensors(toDiffusersVaeNames(io::loadPth(fixture / "Wan2.1_VAE.pth")), "",
                        ConvertedStorage::Fp32));
    write(dir / "vae" / "config.json", "{\"_class_name\": \"AutoencoderKLWan\"}\n");
    write(dir / "scheduler" / "scheduler_config.json", "{\"_class_name\": \"UniPCMultistepScheduler\"}\n");
    std::string index = std::string("{\n  \"_class_name\": \"") +
                        (image ? "WanImageToVideoPipeline" : "WanPipeline") +
                        "\",\n  \"_diffusers_version\": \"0.33.0\",\n";
    if (image) {
        fs::create_directories(dir / "image_encoder");
        fs::create_directories(dir / "image_processor");
        write(dir / "image_encoder" / "model.safetensors",
              toSafetensors(toHfClipVisionNames(io::loadPth(
                                fixture / "models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth")),
                            "", ConvertedStorage::Fp32));
        write(dir / "image_processor" / "preprocessor_config.json",
              "{\"image_processor_type\": \"CLIPImageProcessor\"}\n");
        index += "  \"image_encoder\": [\"transformers\", \"CLIPVisionModelWithProjection\"],\n";
        index += "  \"image_processor\": [\"transformers\", \"CLIPImageProcessor\"],\n";
    }
    index += "  \"scheduler\": [\"diffusers\", \"UniPCMultistepScheduler\"],\n";
    index += "  \"text_encoder\": [\"transformers\", \"UMT5EncoderModel\"],\n";
    index += "  \"tokenizer\": [\"transformers\", \"T5TokenizerFast\"],\n";
    index += "  \"transformer\": [\"diffusers\", \"WanTransformer3DModel\"],\n";
    index += "  \"vae\": [\"diffusers\", \"AutoencoderKLWan\"]\n}\n";
    write(dir / "model_index.json", index);
    return dir;
}

std::filesystem::path writeShardedSafetensors(const std::filesystem::path& dir, const std::string& stem,
                                              const io::TensorMap& weights, ConvertedStorage storage,
                                              int shards)
{
    std::vector<io::TensorMap> parts(static_cast<std::size_t>(shards));
    std::size_t i = 0;
    for (const auto& item : weights)
        parts[i++ % parts.size()].insert(item);
    std::string map; // names and shard names need no JSON escaping
    const auto add = [&](const std::string& name, const std::string& file) {
        map += std::string(map.empty() ? "" : ",\n") + "  \"" + name + "\": \"" + file + "\"";
    };
    for (std::size_t s = 0; s < parts.size(); ++s) {
        char name[64];
        std::snprintf(name, sizeof name, "-%05zu-of-%05zu.safetensors", s + 1, parts.size());
        const std::string file = stem + name;
        std::ofstream(dir / file, std::ios::binary) << toSafetensors(parts[s], "", storage);
        for (const auto& item : parts[s]) {
            add(item.first, file);
            if (storage == ConvertedStorage::Fp8Scaled && item.second.dim() >= 2 &&
                item.first.ends_with(".weight"))
                add(item.first.substr(0, item.first.size() - 7) + ".scale_weight", file);
        }
    }
    const auto index = dir / (stem + ".safetensors.index.json");
    std::ofstream(index) << "{\"metadata\": {}, \"weight_map\": {\n" << map << "\n}}\n";
    return index;
}

} // namespace wan::test
