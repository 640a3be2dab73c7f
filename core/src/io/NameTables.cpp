#include "io/NameTables.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace wan::io {

namespace {

constexpr std::size_t kMaxIndexDigits = 9;

// `name` against `pattern`: the index strings the '#'s stand for, or nullopt. A prefix pattern (ending in
// '.') leaves the rest of the name in `rest`.
std::optional<std::vector<std::string_view>> match(std::string_view name, std::string_view pattern,
                                                   std::string_view& rest)
{
    std::vector<std::string_view> indices;
    std::size_t n = 0;
    for (std::size_t p = 0; p < pattern.size(); ++p) {
        if (pattern[p] == '#') {
            std::size_t digits = 0;
            while (n + digits < name.size() && digits <= kMaxIndexDigits && name[n + digits] >= '0' &&
                   name[n + digits] <= '9')
                ++digits;
            if (digits == 0 || digits > kMaxIndexDigits)
                return std::nullopt;
            indices.push_back(name.substr(n, digits));
            n += digits;
        } else {
            if (n >= name.size() || name[n] != pattern[p])
                return std::nullopt;
            ++n;
        }
    }
    const bool prefix = !pattern.empty() && pattern.back() == '.';
    if (!prefix && n != name.size())
        return std::nullopt;
    rest = name.substr(n);
    return indices;
}

std::optional<std::string> substitute(const std::vector<std::string_view>& indices, std::string_view pattern,
                                      std::string_view rest)
{
    std::string out;
    std::size_t next = 0;
    for (const char c : pattern) {
        if (c != '#') {
            out.push_back(c);
            continue;
        }
        if (next >= indices.size())
            return std::nullopt; // a table error: more '#' on this side than on the other
        out.append(indices[next++]);
    }
    out.append(rest);
    return out;
}

std::optional<std::string> translate(std::string_view name, std::span<const NameRule> rules, bool forward)
{
    for (const auto& rule : rules) {
        const auto from = forward ? rule.other : rule.official;
        const auto to = forward ? rule.official : rule.other;
        std::string_view rest;
        if (const auto indices = match(name, from, rest))
            return substitute(*indices, to, rest);
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> officialName(std::string_view name, std::span<const NameRule> rules)
{
    return translate(name, rules, true);
}

std::optional<std::string> otherName(std::string_view official, std::span<const NameRule> rules)
{
    return translate(official, rules, false);
}

namespace {

// Hugging Face (U)MT5 encoder names (transformers UMT5EncoderModel; ComfyUI's umt5_xxl files) onto the
// official ones. The gated feed-forward is act(wi_0(x)) * wi_1(x), the official fc1(x) * gate(x): wi_0 is the
// gate, wi_1 is fc1.
constexpr std::array kHfT5Names{
    NameRule{"shared.weight", "token_embedding.weight"},
    NameRule{"encoder.block.#.layer.0.SelfAttention.q.weight", "blocks.#.attn.q.weight"},
    NameRule{"encoder.block.#.layer.0.SelfAttention.k.weight", "blocks.#.attn.k.weight"},
    NameRule{"encoder.block.#.layer.0.SelfAttention.v.weight", "blocks.#.attn.v.weight"},
    NameRule{"encoder.block.#.layer.0.SelfAttention.o.weight", "blocks.#.attn.o.weight"},
    NameRule{"encoder.block.#.layer.0.SelfAttention.relative_attention_bias.weight",
             "blocks.#.pos_embedding.embedding.weight"},
    NameRule{"encoder.block.#.layer.0.layer_norm.weight", "blocks.#.norm1.weight"},
    NameRule{"encoder.block.#.layer.1.DenseReluDense.wi_0.weight", "blocks.#.ffn.gate.0.weight"},
    NameRule{"encoder.block.#.layer.1.DenseReluDense.wi_1.weight", "blocks.#.ffn.fc1.weight"},
    NameRule{"encoder.block.#.layer.1.DenseReluDense.wo.weight", "blocks.#.ffn.fc2.weight"},
    NameRule{"encoder.block.#.layer.1.layer_norm.weight", "blocks.#.norm2.weight"},
    NameRule{"encoder.final_layer_norm.weight", "norm.weight"},
    NameRule{"encoder.embed_tokens.weight", "token_embedding.weight"},
};

// llama.cpp's names (gguf-py: ENC_ATTN_Q "enc.blk.{bid}.attn_q" for encoder.block.N.layer.0.SelfAttention.q
// and so on). ffn_gate is wi_0 (the gate), ffn_up is wi_1 (fc1), ffn_down is wo.
constexpr std::array kLlamaCppT5Names{
    NameRule{"token_embd.weight", "token_embedding.weight"},
    NameRule{"enc.blk.#.attn_q.weight", "blocks.#.attn.q.weight"},
    NameRule{"enc.blk.#.attn_k.weight", "blocks.#.attn.k.weight"},
    NameRule{"enc.blk.#.attn_v.weight", "blocks.#.attn.v.weight"},
    NameRule{"enc.blk.#.attn_o.weight", "blocks.#.attn.o.weight"},
    NameRule{"enc.blk.#.attn_rel_b.weight", "blocks.#.pos_embedding.embedding.weight"},
    NameRule{"enc.blk.#.attn_norm.weight", "blocks.#.norm1.weight"},
    NameRule{"enc.blk.#.ffn_gate.weight", "blocks.#.ffn.gate.0.weight"},
    NameRule{"enc.blk.#.ffn_up.weight", "blocks.#.ffn.fc1.weight"},
    NameRule{"enc.blk.#.ffn_down.weight", "blocks.#.ffn.fc2.weight"},
    NameRule{"enc.blk.#.ffn_norm.weight", "blocks.#.norm2.weight"},
    NameRule{"enc.output_norm.weight", "norm.weight"},
};

} // namespace

std::span<const NameRule> hfT5Names()
{
    return kHfT5Names;
}

std::span<const NameRule> llamaCppT5Names()
{
    return kLlamaCppT5Names;
}

// diffusers' AutoencoderKLWan names onto the official WanVAE_ ones, for the Wan2.1 VAE's structure (4 levels,
// 2 residual blocks each: the decoder's up_blocks.K.resnets.J is upsamples.4K+J, up_blocks.K.upsamplers.0 is
// upsamples.4K+3), as diffusers' scripts/convert_wan_to_diffusers.py (convert_vae) lays them out.
std::span<const NameRule> diffusersVaeNames()
{
    struct Table
    {
        std::vector<std::pair<std::string, std::string>> names;
        std::vector<NameRule> rules;
    };
    static const Table table = [] {
        Table t;
        // Inside a residual block: norm1, SiLU, conv1, norm2, SiLU, dropout, conv2 of residual.N; shortcut.
        const std::pair<const char*, const char*> residual[] = {
            {"norm1.gamma", "residual.0.gamma"}, {"conv1.", "residual.2."},
            {"norm2.gamma", "residual.3.gamma"}, {"conv2.", "residual.6."},
            {"conv_shortcut.", "shortcut."},
        };
        const auto block = [&](const std::string& other, const std::string& official) {
            for (const auto& [o, w] : residual)
                t.names.emplace_back(other + o, official + w);
        };
        block("encoder.down_blocks.#.", "encoder.downsamples.#.");
        t.names.emplace_back("encoder.down_blocks.#.", "encoder.downsamples.#."); // resample, time_conv
        for (const std::string side : {"encoder", "decoder"}) {
            block(side + ".mid_block.resnets.0.", side + ".middle.0.");
            block(side + ".mid_block.resnets.1.", side + ".middle.2.");
            t.names.emplace_back(side + ".mid_block.attentions.0.", side + ".middle.1.");
            t.names.emplace_back(side + ".conv_in.", side + ".conv1.");
            t.names.emplace_back(side + ".norm_out.gamma", side + ".head.0.gamma");
            t.names.emplace_back(side + ".conv_out.", side + ".head.2.");
        }
        for (int k = 0; k < 4; ++k) {
            for (int j = 0; j < 3; ++j)
                block("decoder.up_blocks." + std::to_string(k) + ".resnets." + std::to_string(j) + ".",
                      "decoder.upsamples." + std::to_string(4 * k + j) + ".");
            if (k < 3)
                t.names.emplace_back("decoder.up_blocks." + std::to_string(k) + ".upsamplers.0.",
                                     "decoder.upsamples." + std::to_string(4 * k + 3) + ".");
        }
        t.names.emplace_back("quant_conv.", "conv1.");
        t.names.emplace_back("post_quant_conv.", "conv2.");
        for (const auto& [other, official] : t.names)
            t.rules.push_back({other, official});
        return t;
    }();
    return table.rules;
}

// diffusers' Wan transformer names onto the official ones, as diffusers' scripts/convert_wan_to_diffusers.py
// and models/transformers/transformer_wan.py lay them out. Two pitfalls: diffusers numbers a block's norms in
// call order, so its norm2 (the affine LayerNorm before cross-attention) is the official norm3 (the official
// norm1/norm2 carry no weights); and "scale_shift_table" is both the model's head modulation [1, 2, dim] and,
// inside a block, the block modulation [1, 6, dim].
std::span<const NameRule> diffusersDitNames()
{
    struct Table
    {
        std::vector<std::pair<std::string, std::string>> names;
        std::vector<NameRule> rules;
    };
    static const Table table = [] {
        Table t;
        const std::pair<const char*, const char*> inBlock[] = {
            {"attn1.to_q.", "self_attn.q."},
            {"attn1.to_k.", "self_attn.k."},
            {"attn1.to_v.", "self_attn.v."},
            {"attn1.to_out.0.", "self_attn.o."},
            {"attn1.norm_q.", "self_attn.norm_q."},
            {"attn1.norm_k.", "self_attn.norm_k."},
            {"attn2.to_q.", "cross_attn.q."},
            {"attn2.to_k.", "cross_attn.k."},
            {"attn2.to_v.", "cross_attn.v."},
            {"attn2.to_out.0.", "cross_attn.o."},
            {"attn2.norm_q.", "cross_attn.norm_q."},
            {"attn2.norm_k.", "cross_attn.norm_k."},
            {"attn2.add_k_proj.", "cross_attn.k_img."}, // i2v / flf2v image context
            {"attn2.add_v_proj.", "cross_attn.v_img."},
            {"attn2.norm_added_k.", "cross_attn.norm_k_img."},
            {"norm2.", "norm3."},
            {"ffn.net.0.proj.", "ffn.0."},
            {"ffn.net.2.", "ffn.2."},
            {"scale_shift_table", "modulation"},
            {"proj_in.", "before_proj."}, // vace blocks only
            {"proj_out.", "after_proj."},
        };
        for (const std::string blocks : {"blocks.#.", "vace_blocks.#."})
            for (const auto& [other, official] : inBlock)
                t.names.emplace_back(blocks + other, blocks + official);
        const std::pair<const char*, const char*> top[] = {
            {"patch_embedding.", "patch_embedding."},
            {"vace_patch_embedding.", "vace_patch_embedding."},
            {"condition_embedder.time_embedder.linear_1.", "time_embedding.0."},
            {"condition_embedder.time_embedder.linear_2.", "time_embedding.2."},
            {"condition_embedder.time_proj.", "time_projection.1."},
            {"condition_embedder.text_embedder.linear_1.", "text_embedding.0."},
            {"condition_embedder.text_embedder.linear_2.", "text_embedding.2."},
            {"condition_embedder.image_embedder.norm1.", "img_emb.proj.0."},
            {"condition_embedder.image_embedder.ff.net.0.proj.", "img_emb.proj.1."},
            {"condition_embedder.image_embedder.ff.net.2.", "img_emb.proj.3."},
            {"condition_embedder.image_embedder.norm2.", "img_emb.proj.4."},
            {"condition_embedder.image_embedder.pos_embed", "img_emb.emb_pos"}, // flf2v
            {"proj_out.", "head.head."},
            {"scale_shift_table", "head.modulation"},
        };
        for (const auto& [other, official] : top)
            t.names.emplace_back(other, official);
        for (const auto& [other, official] : t.names)
            t.rules.push_back({other, official});
        return t;
    }();
    return table.rules;
}

} // namespace wan::io
