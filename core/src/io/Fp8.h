#pragma once
// 8-bit float weights without torch: decoding of float8_e4m3fn / float8_e5m2 (safetensors F8_E4M3 / F8_E5M2)
// and ComfyUI's "fp8_scaled" files, whose weights carry a per-tensor `<module>.scale_weight` (and a
// `scaled_fp8` marker tensor): the real weight is the fp8 value times the scale.

#include "io/RawIo.h"

#include <cstdint>

namespace wan::io {

// e4m3fn: bias 7, no infinities, S.1111.111 is NaN. Exact in float.
float fp8E4M3FnToFloat(std::uint8_t bits) noexcept;
// e5m2: the upper byte of an IEEE half (bias 15, with infinities and NaNs). Exact in float.
float fp8E5M2ToFloat(std::uint8_t bits) noexcept;

// dst[k] = decode(src[k]) * scale in float32 (one rounding: the product), for `dtype` F8E4M3 or F8E5M2.
// A scale of 1 gives the plain decoded values. Throws wan::Error(InvalidArgument) for another dtype.
void dequantizeFp8(DType dtype, const std::uint8_t* src, std::uint64_t count, float scale, float* dst);

} // namespace wan::io
