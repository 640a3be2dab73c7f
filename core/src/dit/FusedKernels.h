#pragma once
// The DiT's own CUDA kernels, for the three steps LibTorch has no fused op for: RMSNorm (optionally with the
// RoPE rotation and the cast that follow it in self-attention), LayerNorm followed by the block's modulation,
// and the RoPE rotation alone. Torch-free: raw device pointers and a cudaStream_t passed as void*, so the .cu
// file builds with nvcc alone. Built only when a CUDA compiler is found (dit/FusedOps.h dispatches to them
// and keeps the LibTorch formulas as the fallback).
//
// Every function launches on `stream` and returns the launch's cudaError_t (0 on success); nothing waits.
// Layouts: a "row" is `dim` contiguous elements; rows are `rowStride` elements apart in the input and packed
// in the output.

#include <cstdint>

namespace wan::dit::kernels {

enum class DType : int
{
    Float32 = 0,
    BFloat16,
    Float16,
};

// Per row: n = round_to_xType(x * rsqrt(mean(x^2) + eps)); y = n * weight, in float32, stored as outType.
// weightType is Float32 or xType; outType is Float32 or xType. With `rotation` (float2 (cos, sin) per
// [row < rotatedRows][halfHeadDim]), adjacent pairs of each head (headDim = 2 * halfHeadDim, dim a multiple
// of headDim) of y are rotated before the store; rows from rotatedRows on are stored unrotated.
int rmsNorm(const void* x, DType xType, int64_t rowStride, const void* weight, DType weightType, void* out,
            DType outType, int64_t rows, int64_t dim, float eps, const void* rotation, int64_t rotatedRows,
            int64_t halfHeadDim, void* stream);

// Per row of float32 x: n = (x - mean) * rsqrt(var + eps) (biased variance, no affine); y = n * (1 + scale)
// + shift with float32 scale/shift of `dim` elements shared by all rows; stored as outType.
int layerNormModulate(const float* x, int64_t rowStride, const float* scale, const float* shift, void* out,
                      DType outType, int64_t rows, int64_t dim, float eps, void* stream);

// In place on float32 tokens [tokens, heads, halfHeadDim, 2] (contiguous, 8-byte aligned): each pair (a, b)
// becomes (a c - b s, a s + b c) with (c, s) = rotation[token][pair], rotation [tokens, halfHeadDim] float2.
int rotatePairs(float* tokens, const void* rotation, int64_t tokenCount, int64_t heads, int64_t halfHeadDim,
                void* stream);

// The architectures the kernels were compiled for, e.g. "75;80;86;89;90;120" (CMake's list).
const char* architectures();

} // namespace wan::dit::kernels
