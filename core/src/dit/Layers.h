#pragma once
// Parameter-holding layers shared by the DiT and the CLIP vision tower.
//
// Unlike torch::nn::Linear & co., the tensors are allocated uninitialised: every one of them is overwritten
// by the checkpoint, and pages of torch::empty that are never written cost no memory, so a 14B model is never
// filled with random numbers before its weights replace them. Code that wants random weights (benchmarks)
// fills them itself. Parameter names are the torch ones (`weight`, `bias`), so checkpoint names match.
//
// Precision rule (the official autocast): matmuls and convolutions run in the weight's dtype; norms run in
// float32 and return float32.

#include "io/TensorIo.h"

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace wan::dit {

// A low-rank (or full-weight) update applied on the fly: y += scale * (x down^T) up^T; with `up` undefined
// y += scale * (x down^T + bias); with only `bias`, y += scale * bias. Not a registered parameter, so binding
// and block streaming ignore it.
struct LinearAdapter
{
    torch::Tensor down; // [rank, in] (LoRA A), or the full [out, in] difference when `up` is undefined
    torch::Tensor up;   // [out, rank] (LoRA B)
    torch::Tensor bias; // [out] or undefined (a diff_b)
    double scale = 1.0;
};

class LinearImpl : public torch::nn::Module
{
public:
    LinearImpl(int64_t inFeatures, int64_t outFeatures, bool withBias = true);
    // x: [..., in] (any float dtype) -> [..., out] in computeDtype()
    torch::Tensor forward(const torch::Tensor& x);

    // Quantised storage, dequantised at every call: `weight` keeps the file's values, either float8
    // (e4m3fn/e5m2, [out, in], real value = stored value x `scale`) or, with `ggmlType` >= 0, raw GGUF blocks
    // of that ggml type (1-D uint8). The bias stays a plain tensor. Strict binding sees weightShape().
    void setQuantized(torch::Dtype computeDtype, double scale = 1.0, int ggmlType = -1);
    bool quantized() const { return m_quantized; }
    // The dtype matmuls run in: the weight's, or the dequantisation target of a quantised weight.
    torch::Dtype computeDtype() const { return m_quantized ? m_computeDtype : weight.scalar_type(); }
    // [out, in] whatever the storage.
    std::vector<int64_t> weightShape() const { return {m_outFeatures, m_inFeatures}; }
    // The weight as a [out, in] tensor of computeDtype() on the weight's device (a new tensor when
    // quantised).
    torch::Tensor dequantizedWeight() const;

    torch::Tensor weight;
    torch::Tensor bias;                  // undefined when the layer has none
    std::vector<LinearAdapter> adapters; // on-the-fly LoRAs, in computeDtype() on the weight's device

private:
    int64_t m_inFeatures;
    int64_t m_outFeatures;
    bool m_quantized = false;
    torch::Dtype m_computeDtype = torch::kFloat32;
    double m_scale = 1.0;
    int m_ggmlType = -1;
};
TORCH_MODULE(Linear);

// LayerNorm over the last dim computed in float32; with `affine` it owns `weight` and `bias`.
class LayerNormImpl : public torch::nn::Module
{
public:
    LayerNormImpl(int64_t dim, double eps, bool affine);
    // x: [..., dim] -> [..., dim] float32
    torch::Tensor forward(const torch::Tensor& x);
    double eps() const { return m_eps; }

    torch::Tensor weight;
    torch::Tensor bias;

private:
    int64_t m_dim;
    double m_eps;
};
TORCH_MODULE(LayerNorm);

// RMS norm over the last dim: x * rsqrt(mean(x^2) + eps), computed in float32, rounded back to x's dtype,
// then scaled by `weight` (which the official code keeps in float32, so the product is float32 there).
class RmsNormImpl : public torch::nn::Module
{
public:
    RmsNormImpl(int64_t dim, double eps);
    // x: [..., dim] -> [..., dim]
    torch::Tensor forward(const torch::Tensor& x);
    double eps() const { return m_eps; }

    torch::Tensor weight;

private:
    double m_eps;
};
TORCH_MODULE(RmsNorm);

// Inference memory: with autograd off (the engine runs under NoGradGuard or InferenceMode) the helpers below
// write into their first argument instead of allocating, which callers use on temporaries nobody else reads.
// The arithmetic is the same operations in the same order as the out-of-place formula, so results keep
// their bits; with autograd on (training) they compute out of place.

// Whether `target op= other` equals `target op other` here: autograd off, the result dtype and shape are
// target's, and target may be written in this inference mode.
bool canUpdateInPlace(const torch::Tensor& target, const torch::Tensor& other);

// n * (1 + scale) + shift. n: [B, L, dim], scale/shift: [B or 1, 1, dim].
torch::Tensor modulate(torch::Tensor n, const torch::Tensor& scale, const torch::Tensor& shift);

// modulate(norm(x), scale, shift) rounded to `outDtype` (the dtype the next linear computes in, so the
// float32 result is rounded once, as that linear would). One CUDA kernel for a norm without affine on the GPU
// (dit/FusedOps.h). x: [B, L, dim] float32.
torch::Tensor normModulate(LayerNormImpl& norm, const torch::Tensor& x, const torch::Tensor& scale,
                           const torch::Tensor& shift, torch::Dtype outDtype);

// x + y * gate (gate undefined: x + y), y cast to float32 first. x: [B, L, dim] float32. y is consumed:
// when it is float32 its memory takes the product.
torch::Tensor addGated(torch::Tensor x, torch::Tensor y, const torch::Tensor& gate = {});

// The official WanRMSNorm: x * rsqrt(mean(x^2) + eps) in float32, rounded to x's dtype, times weight. One
// CUDA kernel on the GPU (dit/FusedOps.h).
torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// Patch embedding: a 2-D or 3-D convolution whose stride equals its kernel.
class PatchConvImpl : public torch::nn::Module
{
public:
    // kernel: 2 or 3 sizes; weight [out, in, kernel...]
    PatchConvImpl(int64_t inChannels, int64_t outChannels, std::vector<int64_t> kernel, bool withBias);
    // x: [B, in, (F,) H, W] -> [B, out, (F/kf,) H/kh, W/kw] in the weight's dtype
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor weight;
    torch::Tensor bias;

private:
    std::vector<int64_t> m_kernel;
};
TORCH_MODULE(PatchConv);

// Casts to float32 every reduced-precision parameter whose full name `keep` accepts. Used after binding
// bf16/fp16 weights for the small tensors that the official code keeps in float32 under autocast (norms,
// modulation). With `source` (the checkpoint tensors by parameter name), values are taken from there, so a
// float32 file keeps its exact values instead of a bf16 round trip.
void keepInFloat32(torch::nn::Module& module, const std::function<bool(const std::string& name)>& keep,
                   const io::TensorMap* source = nullptr);

} // namespace wan::dit
