#pragma once
// Other checkpoint layouts (Hugging Face T5/CLIP, diffusers) mapped onto the official Wan2.1 names by tables
// of name patterns. No torch here.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wan::io {

// One name in another layout and the official name it stands for. '#' stands for a decimal index (at most 9
// digits); the k-th '#' of `other` gives the k-th '#' of `official`. A pattern ending in '.' is a prefix
// (the rest of the name is kept as it is); any other pattern is a whole name.
struct NameRule
{
    std::string_view other;
    std::string_view official;
};

// The official name of `name` under the first rule that matches it; nullopt when none does.
std::optional<std::string> officialName(std::string_view name, std::span<const NameRule> rules);

// The other layout's name of the official name `official` (the table read backwards); nullopt when no rule
// gives it. Used to name missing tensors the way the user's file names them.
std::optional<std::string> otherName(std::string_view official, std::span<const NameRule> rules);

// Hugging Face (U)MT5 encoder names (transformers' UMT5EncoderModel, ComfyUI's umt5_xxl files) onto the
// official umT5 ones.
std::span<const NameRule> hfT5Names();

// llama.cpp's T5 encoder names in GGUF files (gguf-py's tensor mapping for the "t5" / "t5encoder"
// architectures: "token_embd", "enc.blk.N.attn_q", ...; city96's umT5-XXL GGUF files) onto the official umT5
// ones.
std::span<const NameRule> llamaCppT5Names();

// diffusers' AutoencoderKLWan names onto the official Wan2.1 VAE ones.
std::span<const NameRule> diffusersVaeNames();

// diffusers' WanTransformer3DModel / WanVACETransformer3DModel names (the transformer/ folder of
// Wan-AI/Wan2.1-*-Diffusers) onto the official WanModel / VaceWanModel ones. Shapes are the same in both
// layouts; only the names differ.
std::span<const NameRule> diffusersDitNames();

} // namespace wan::io
