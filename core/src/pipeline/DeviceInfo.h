#pragma once
// Device selection and CUDA memory queries; everything CUDA-specific compiles only in a CUDA build of
// LibTorch.

#include "wan/Request.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace wan::pipeline {

// "auto", "cpu", "cuda", "cuda:N" (wan::resolveDevice). Throws wan::Error(InvalidArgument) for anything else
// or a CUDA device that is absent.
torch::Device parseDevice(const std::string& text);

// Free bytes on a CUDA device (cudaMemGetInfo), 0 for the CPU or a build without CUDA.
std::uint64_t freeDeviceMemory(const torch::Device& device);
// Peak bytes held by LibTorch's CUDA allocator since the last reset; 0 without CUDA.
std::uint64_t peakDeviceMemory(const torch::Device& device);
// Peak bytes the allocator held from the driver (allocated + cached) since the last reset; 0 without CUDA.
std::uint64_t peakReservedDeviceMemory(const torch::Device& device);
// Bytes in use on the device as the driver counts them (total - free): the CUDA context, every allocator, and
// other processes; 0 for the CPU.
std::uint64_t usedDeviceMemory(const torch::Device& device);
// Bytes the allocator holds from the driver now.
std::uint64_t reservedDeviceMemory(const torch::Device& device);
void resetPeakDeviceMemory(const torch::Device& device);
// Returns cached blocks to the driver (the official torch.cuda.empty_cache()).
void releaseCachedDeviceMemory();
// Waits for queued kernels so timings are real.
void synchronize(const torch::Device& device);

// Counts the CUDA operations that make the host wait for the device (a value read back, a blocking copy, a
// stream synchronisation) on this thread while it lives, through LibTorch's sync debug mode reporting each as
// a warning to a handler of its own (other warnings pass on). Nothing is counted on a build without CUDA
// (supported() false). For diagnostics: the mode is process-wide. It sees only what LibTorch reports: not a
// CUDA runtime call made directly (an event waited for), nor the host time a copy from pageable memory takes.
class HostSyncCounter
{
public:
    HostSyncCounter();
    ~HostSyncCounter();
    HostSyncCounter(const HostSyncCounter&) = delete;
    HostSyncCounter& operator=(const HostSyncCounter&) = delete;
    int count() const;
    static bool supported();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// Whether `device` multiplies bf16 natively: a CUDA GPU of compute capability 8.0 or newer (the rule of
// Precision::Auto).
bool deviceHasFastBf16(const torch::Device& device);

// The VAE's dtype (VaePrecision's rule) for a job computing in `jobDtype` on `device`; `fastBf16`: the GPU
// multiplies bf16 natively (compute capability >= 8.0). The CPU always gets float32 (its reduced-precision
// convolutions are emulated, hundreds of times slower). On CUDA an explicit choice is kept; Auto is float32
// for fp32 jobs (parity runs), else bf16 where fast and fp16 on older GPUs: half the memory of the float32
// activations that peak while decoding.
torch::Dtype vaeDtypeFor(VaePrecision precision, const torch::Device& device, torch::Dtype jobDtype,
                         bool fastBf16);

// Whether this CPU multiplies bf16 natively: the avx512_bf16 or amx_bf16 flag in /proc/cpuinfo (read once).
bool cpuHasNativeBf16();
// The same from the text of a /proc/cpuinfo.
bool cpuinfoHasNativeBf16(std::string_view cpuinfo);
// The umT5's math for a job computing in `jobDtype`, with the encoder on `t5Device` (TextPrecision's rule:
// Auto is fp32 for fp32 jobs; else bf16 on CUDA, and on the CPU bf16 only with native bf16 products, else
// fp32). Never fp16: T5's feed-forward overflows it.
torch::Dtype textDtypeFor(TextPrecision precision, const torch::Device& t5Device, torch::Dtype jobDtype,
                          bool cpuNativeBf16);

} // namespace wan::pipeline
