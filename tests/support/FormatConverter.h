#pragma once
// Converts checkpoints (the tiny fixtures) into the layouts creators have, for the format tests: ComfyUI
// single files (names under a prefix, fp32/fp16/bf16/fp8_e4m3fn/fp8_scaled weights) and GGUF (Q8_0 weights,
// F32 rest).

#include "io/TensorIo.h"

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
// dimensions dropped (GGUF holds at most 4).
std::string toGguf(const io::TensorMap& weights, const std::string& arch);

} // namespace wan::test
