#pragma once
// Dispatch to the DiT's own CUDA kernels (dit/FusedKernels.h). Each try* function runs its kernel and returns
// the result when the kernel applies: a build with the kernels, kernels switched on, autograd off, CUDA
// tensors of a supported dtype and layout. Otherwise it returns an undefined tensor (or false) and the caller
// runs the LibTorch formula, which is what the CPU always runs. The kernels compute the same float32
// arithmetic in the same order, but their reductions sum in another order than LibTorch's, so results agree
// to rounding, not to the bit (tests/bench/bench_kernels compares them on a GPU).

#include "dit/Rope.h"

#include <torch/torch.h>

#include <string>

namespace wan::dit::fused {

// Whether this build has the kernels (a CUDA compiler was found at configure time).
bool compiled();
// The CUDA architectures they were compiled for ("" without them).
std::string architectures();

// Process-wide switch, on by default; the environment variable WAN_OWN_KERNELS=0 starts the process with it
// off. Used to compare the kernels with the LibTorch formulas (bench_kernels, gpu_check.sh).
bool enabled();
void setEnabled(bool on);

// rmsNorm(x, weight, eps) of dit/Layers.h: x [..., dim] contiguous, float32/bf16/fp16; weight [dim] float32
// or x's dtype. Result dtype as LibTorch's promotion (float32 with a float32 weight).
torch::Tensor tryRmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// The self-attention's query/key path in one pass: applyRope(rmsNorm(x).view(B, L, heads, -1)).to(outDtype).
// x [B, L, dim] contiguous; `rope` must be RopeMath::Lean (the exact float64 rotation stays in LibTorch).
// Returns [B, L, heads, dim / heads] in outDtype (float32 or x's dtype).
torch::Tensor tryRmsNormRope(const torch::Tensor& x, const torch::Tensor& weight, double eps, int64_t heads,
                             const RopeTables& rope, torch::Dtype outDtype);

// layer_norm(x) (no affine) * (1 + scale) + shift, rounded to outDtype. x [B, L, dim] float32 with
// contiguous rows; scale/shift [B or 1, 1, dim] float32 with contiguous last dim.
torch::Tensor tryLayerNormModulate(const torch::Tensor& x, const torch::Tensor& scale,
                                   const torch::Tensor& shift, double eps, torch::Dtype outDtype);

// The lean RoPE rotation in place: tokens [n, heads, headDim] float32 contiguous, rotation [n, 1, headDim/2]
// complex64 on the same device.
bool tryRotateInPlace(const torch::Tensor& tokens, const torch::Tensor& rotation);

} // namespace wan::dit::fused
