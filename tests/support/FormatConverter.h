#pragma once
// Converts checkpoints (the tiny fixtures) into the layouts creators have, for the format tests: ComfyUI
// single files (names under a prefix, fp32/fp16/bf16/fp8_e4m3fn/fp8_scaled weights) and GGUF (Q8_0 weights,
// F32 rest).

#include "io/TensorIo.h"

#include <filesystem>
#include <string>

namespace wan::test {

enum class ConvertedStorage
{
    Fp32 = 1,
    Fp16,
    Bf16,
    Fp8E4M3,   // weights of 2+ dims cast to float8_e4m3fn; the rest fp32
    Fp8Scaled, // ComfyUI fp8_scaled: weight / scale in e4m3fn, `<module>.scale_weight` (fp32 scalar) and a
               // `scaled_fp8` marker
};

// A safetensors file of `weights` with every name under `prefix` (e.g. "model.diffusion_model.").
std::string toSafetensors(const io::TensorMap& weights, const std::string& prefix, ConvertedStorage storage);

// A GGUF file (general.architecture `arch`): tensors of 2+ dims whose rows are a multiple of 32 as Q8_0 (the
// simple round-to-nearest quantiser of GgufWriter), the rest F32. 5-D tensors are stored with their size-1
// dimensions dropped (GGUF holds at most 4) and their real shape in "comfy.gguf.orig_shape.<name>", as
// city96's converter does.
std::string toGguf(const io::TensorMap& weights, const std::string& arch);

// The official umT5 encoder state dict under Hugging Face UMT5EncoderModel names ("shared.weight",
// "encoder.block.N.layer.M..."), spelled out here name by name (not through the engine's table, so a wrong
// table fails the tests). `withTiedCopy` adds "encoder.embed_tokens.weight", the tied copy of "shared.weight"
// that a state dict (not save_pretrained) holds.
io::TensorMap toHfT5Names(const io::TensorMap& official, bool withTiedCopy = false);

// The official Wan2.1 VAE state dict (WanVAE_) under diffusers' AutoencoderKLWan names, following the steps
// of diffusers' scripts/convert_wan_to_diffusers.py (convert_vae), written out here independently of the
// engine's table.
io::TensorMap toDiffusersVaeNames(const io::TensorMap& official);

// The visual tower of the official open-clip checkpoint (`visual.*`) under Hugging Face
// CLIPVisionModelWithProjection names (ComfyUI clip_vision_h.safetensors): to_qkv split into
// q_proj/k_proj/v_proj, class/position embeddings without their leading dims, the head as visual_projection.
// The text tower and log_scale are left out.
io::TensorMap toHfClipVisionNames(const io::TensorMap& official);

// The official WanModel state dict under diffusers' WanTransformer3DModel names, by the ordered substring
// replacements of diffusers' scripts/convert_wan_to_diffusers.py (TRANSFORMER_KEYS_RENAME_DICT), written out
// here independently of the engine's table. Shapes are unchanged.
io::TensorMap toDiffusersDitNames(const io::TensorMap& official);

// A diffusers pipeline folder (as Wan-AI/Wan2.1-*-Diffusers) made of the official-layout folder `fixture`:
// model_index.json, transformer/ (diffusers names, config.json; `ditShards` > 1: sharded with its index),
// text_encoder/ (Hugging Face UMT5 names), tokenizer/spiece.model, vae/ (AutoencoderKLWan names) and, for
// image models, image_encoder/ (Hugging Face CLIP vision names). Float32 except the text encoder, kept bf16
// as the fixture stores it. Returns `dir`.
std::filesystem::path writeDiffusersFolder(const std::filesystem::path& dir,
                                           const std::filesystem::path& fixture, int ditShards = 1);

// `weights` as a Hugging Face sharded checkpoint in `dir`: `shards` files "<stem>-0000i-of-0000n.safetensors"
// and "<stem>.safetensors.index.json" (returned).
std::filesystem::path writeShardedSafetensors(const std::filesystem::path& dir, const std::string& stem,
                                              const io::TensorMap& weights, ConvertedStorage storage,
                                              int shards);

} // namespace wan::test
