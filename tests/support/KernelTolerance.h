#pragma once
// The agreement asked of the DiT's own CUDA kernels against the LibTorch formulas they replace
// (test_dit_kernels on the CPU, bench_kernels on a GPU): float32 results within 2e-5 x (1 + |reference|)
// (the reductions sum in another order), bf16/fp16 results within one step of their format plus 1e-5.

#include <torch/torch.h>

namespace wan::test {

// Largest |got - want| as a multiple of what got's dtype allows; <= 1 passes.
inline double kernelOffTolerance(const torch::Tensor& got, const torch::Tensor& want)
{
    const double relative = got.scalar_type() == torch::kBFloat16  ? 1.0 / 128
                            : got.scalar_type() == torch::kFloat16 ? 1.0 / 1024
                                                                   : 2e-5;
    const double absolute = got.scalar_type() == torch::kFloat32 ? 2e-5 : 1e-5;
    const auto g = got.to(torch::kFloat32), w = want.to(torch::kFloat32);
    return ((g - w).abs() / (w.abs() * relative + absolute)).max().item<double>();
}

} // namespace wan::test
