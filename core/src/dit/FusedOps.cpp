#include "dit/FusedOps.h"

#include "wan/Error.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>

#if WAN_WITH_CUDA_KERNELS
#include "dit/FusedKernels.h"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#include <spdlog/spdlog.h>
#endif

namespace wan::dit::fused {

namespace {

std::atomic<bool>& switchedOn()
{
    static std::atomic<bool> on{[] {
        const char* env = std::getenv("WAN_OWN_KERNELS");
        return !(env && std::strcmp(env, "0") == 0);
    }()};
    return on;
}

#if WAN_WITH_CUDA_KERNELS

// The kernels' name for a dtype; false for one they do not take.
bool kernelType(torch::Dtype type, kernels::DType& out)
{
    switch (type) {
    case torch::kFloat32:
        out = kernels::DType::Float32;
        return true;
    case torch::kBFloat16:
        out = kernels::DType::BFloat16;
        return true;
    case torch::kFloat16:
        out = kernels::DType::Float16;
        return true;
    default:
        return false;
    }
}

// Whether `t` is for the kernels at all: switched on, inference, on a CUDA device.
bool usable(const torch::Tensor& t)
{
    return switchedOn().load() && !at::GradMode::is_enabled() && t.defined() && t.is_cuda();
}

bool sameDevice(const torch::Tensor& a, const torch::Tensor& b)
{
    return b.defined() && b.device() == a.device();
}

// True when the launch succeeded. A GPU the kernels were not compiled for (no matching binary or PTX) turns
// them off for the rest of the process, and the caller falls back to LibTorch; any other error throws.
bool launched(int status, const char* what)
{
    const auto error = static_cast<cudaError_t>(status);
    if (error == cudaSuccess) {
        static std::once_flag logged;
        std::call_once(logged, [] {
            spdlog::info("DiT norms and RoPE run as own CUDA kernels (built for {}; WAN_OWN_KERNELS=0 turns "
                         "them off)",
                         kernels::architectures());
        });
        return true;
    }
    if (error == cudaErrorNoKernelImageForDevice || error == cudaErrorInvalidDeviceFunction ||
        error == cudaErrorUnsupportedPtxVersion) {
        spdlog::warn("The own CUDA kernels (built for {}) do not run on this GPU ({}); using LibTorch's "
                     "operations instead",
                     kernels::architectures(), cudaGetErrorString(error));
        switchedOn().store(false);
        return false;
    }
    throw Error(ErrorKind::Internal,
                std::string("CUDA kernel ") + what + " failed: " + cudaGetErrorString(error));
}

void* currentStream(const torch::Tensor& t)
{
    return c10::cuda::getCurrentCUDAStream(t.device().index()).stream();
}

// The float32 RmsNorm weight or x's dtype, [dim] contiguous.
bool weightFits(const torch::Tensor& x, const torch::Tensor& weight, int64_t dim)
{
    return sameDevice(x, weight) && weight.dim() == 1 && weight.size(0) == dim && weight.is_contiguous() &&
           (weight.scalar_type() == torch::kFloat32 || weight.scalar_type() == x.scalar_type());
}

#endif

} // namespace

bool compiled()
{
    return WAN_WITH_CUDA_KERNELS != 0;
}

std::string architectures()
{
#if WAN_WITH_CUDA_KERNELS
    return kernels::architectures();
#else
    return {};
#endif
}

bool enabled()
{
    return switchedOn().load();
}

void setEnabled(bool on)
{
    switchedOn().store(on);
}

torch::Tensor tryRmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps)
{
#if WAN_WITH_CUDA_KERNELS
    kernels::DType xType{}, wType{}, outType{};
    if (!usable(x) || x.dim() < 1 || !x.is_contiguous() || x.numel() == 0 ||
        !kernelType(x.scalar_type(), xType))
        return {};
    const int64_t dim = x.size(-1);
    if (!weightFits(x, weight, dim) || !kernelType(weight.scalar_type(), wType))
        return {};
    const auto resultType = torch::promote_types(x.scalar_type(), weight.scalar_type());
    kernelType(resultType, outType);
    const c10::cuda::CUDAGuard guard(x.device());
    auto out = torch::empty(x.sizes(), x.options().dtype(resultType));
    if (!launched(kernels::rmsNorm(x.data_ptr(), xType, dim, weight.data_ptr(), wType, out.data_ptr(),
                                   outType, x.numel() / dim, dim, float(eps), nullptr, 0, 0,
                                   currentStream(x)),
                  "rmsNorm"))
        return {};
    return out;
#else
    (void)x, (void)weight, (void)eps;
    return {};
#endif
}

torch::Tensor tryRmsNormRope(const torch::Tensor& x, const torch::Tensor& weight, double eps, int64_t heads,
                             const RopeTables& rope, torch::Dtype outDtype)
{
#if WAN_WITH_CUDA_KERNELS
    kernels::DType xType{}, wType{}, outType{};
    if (!usable(x) || x.dim() != 3 || !x.is_contiguous() || x.numel() == 0 || rope.math != RopeMath::Lean ||
        !kernelType(x.scalar_type(), xType) || !kernelType(outDtype, outType) ||
        (outDtype != torch::kFloat32 && outDtype != x.scalar_type()))
        return {};
    const int64_t batch = x.size(0), length = x.size(1), dim = x.size(2);
    if (heads <= 0 || dim % (2 * heads) != 0 || size_t(batch) != rope.rotation.size() ||
        !weightFits(x, weight, dim) || !kernelType(weight.scalar_type(), wType))
        return {};
    const int64_t half = dim / heads / 2;
    for (const auto& table : rope.rotation)
        if (!sameDevice(x, table) || table.scalar_type() != torch::kComplexFloat || !table.is_contiguous() ||
            table.dim() != 3 || table.size(0) > length || table.size(1) != 1 || table.size(2) != half)
            return {};
    const c10::cuda::CUDAGuard guard(x.device());
    auto out = torch::empty({batch, length, heads, dim / heads}, x.options().dtype(outDtype));
    const auto elementBytes = int64_t(x.element_size()), outBytes = int64_t(out.element_size());
    for (int64_t b = 0; b < batch; ++b) {
        const auto& table = rope.rotation[size_t(b)];
        if (!launched(kernels::rmsNorm(
                          static_cast<const char*>(x.data_ptr()) + b * length * dim * elementBytes, xType,
                          dim, weight.data_ptr(), wType,
                          static_cast<char*>(out.data_ptr()) + b * length * dim * outBytes, outType, length,
                          dim, float(eps), table.data_ptr(), table.size(0), half, currentStream(x)),
                      "rmsNorm+rope"))
            return {};
    }
    return out;
#else
    (void)x, (void)weight, (void)eps, (void)heads, (void)rope, (void)outDtype;
    return {};
#endif
}

torch::Tensor tryLayerNormModulate(const torch::Tensor& x, const torch::Tensor& scale,
                                   const torch::Tensor& shift, double eps, torch::Dtype outDtype)
{
#if WAN_WITH_CUDA_KERNELS
    kernels::DType outType{};
    if (!usable(x) || x.dim() != 3 || x.numel() == 0 || x.scalar_type() != torch::kFloat32 ||
        x.stride(2) != 1 || !kernelType(outDtype, outType))
        return {};
    const int64_t batch = x.size(0), length = x.size(1), dim = x.size(2);
    for (const auto* m : {&scale, &shift})
        if (!sameDevice(x, *m) || m->scalar_type() != torch::kFloat32 || m->dim() != 3 ||
            (m->size(0) != 1 && m->size(0) != batch) || m->size(1) != 1 || m->size(2) != dim ||
            m->stride(2) != 1)
            return {};
    const c10::cuda::CUDAGuard guard(x.device());
    auto out = torch::empty({batch, length, dim}, x.options().dtype(outDtype));
    const auto outBytes = int64_t(out.element_size());
    const auto sample = [](const torch::Tensor& t, int64_t b) {
        return t.data_ptr<float>() + (t.size(0) == 1 ? 0 : b * t.stride(0));
    };
    for (int64_t b = 0; b < batch; ++b)
        if (!launched(
                kernels::layerNormModulate(sample(x, b), x.stride(1), sample(scale, b), sample(shift, b),
                                           static_cast<char*>(out.data_ptr()) + b * length * dim * outBytes,
                                           outType, length, dim, float(eps), currentStream(x)),
                "layerNorm+modulate"))
            return {};
    return out;
#else
    (void)x, (void)scale, (void)shift, (void)eps, (void)outDtype;
    return {};
#endif
}

bool tryRotateInPlace(const torch::Tensor& tokens, const torch::Tensor& rotation)
{
#if WAN_WITH_CUDA_KERNELS
    if (!usable(tokens) || tokens.dim() != 3 || !tokens.is_contiguous() ||
        tokens.scalar_type() != torch::kFloat32 || tokens.size(2) % 2 != 0 ||
        reinterpret_cast<std::uintptr_t>(tokens.data_ptr()) % 8 != 0 || !sameDevice(tokens, rotation) ||
        rotation.scalar_type() != torch::kComplexFloat || !rotation.is_contiguous() || rotation.dim() != 3 ||
        rotation.size(0) != tokens.size(0) || rotation.size(1) != 1 || rotation.size(2) != tokens.size(2) / 2)
        return false;
    const c10::cuda::CUDAGuard guard(tokens.device());
    return launched(kernels::rotatePairs(tokens.data_ptr<float>(), rotation.data_ptr(), tokens.size(0),
                                         tokens.size(1), tokens.size(2) / 2, currentStream(tokens)),
                    "rope");
#else
    (void)tokens, (void)rotation;
    return false;
#endif
}

} // namespace wan::dit::fused
