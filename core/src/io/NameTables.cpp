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

} // namespace

std::span<const NameRule> hfT5Names()
{
    return kHfT5Names;
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

} // namespace wan::io
