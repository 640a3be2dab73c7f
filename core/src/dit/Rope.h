#pragma once
// Rotary position embedding of the DiT's self-attention (the official rope_params / rope_apply): adjacent
// pairs of every head dimension are rotated by angles of the token's (frame, row, column) position.

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <vector>

namespace wan::dit {

// Positions covered by the RoPE tables, per axis (frames, rows, columns of the patch grid).
inline constexpr int64_t kRopeMaxPositions = 1024;

// How the rotation is computed.
enum class RopeMath
{
    // The official arithmetic: in float64, rounded to float32 once. The parity mode (float32 weights).
    Exact = 1,
    // In float32 with float64-computed tables, one in-place complex multiply: for reduced-precision
    // weights, where q and k are rounded to bf16/fp16 right after anyway.
    Lean,
};

// The rotations of one forward call, per sample for its real tokens only; padding tokens stay unrotated.
struct RopeTables
{
    RopeMath math = RopeMath::Exact;
    std::vector<torch::Tensor> cos;      // Exact: per sample [tokens, 1, headDim/2] float64
    std::vector<torch::Tensor> sin;      // Exact: per sample [tokens, 1, headDim/2] float64
    std::vector<torch::Tensor> rotation; // Lean: per sample [tokens, 1, headDim/2] complex64, cos + i sin
};

// [kRopeMaxPositions, headDim/2] float64 angles, the (frame | row | column) tables side by side.
torch::Tensor ropeAngles(int64_t headDim);

// The tables for samples of patch grids `grids` (frames, rows, columns) on `device`, from cos and sin of
// ropeAngles() (taken once for all positions, so every geometry sees the same bits).
RopeTables ropeTables(const torch::Tensor& cos, const torch::Tensor& sin,
                      const std::vector<std::array<int64_t, 3>>& grids, RopeMath math, torch::Device device);

// x: [B, L, heads, headDim] float32 -> [B, L, heads, headDim] float32 with the first tokens of sample b
// (as many as its table has) rotated. With autograd off x is rotated in place and returned; with autograd on
// a new tensor is returned (the official out-of-place formula).
torch::Tensor applyRope(torch::Tensor x, const RopeTables& rope);

} // namespace wan::dit
