#pragma once
// Device selection and CUDA memory queries; everything CUDA-specific compiles only in a CUDA build of
// LibTorch.

#include "wan/Request.h"

#include <torch/torch.h>

#include <cstdint>
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

// The VAE's dtype for a job computing in `jobDtype` on `device`: bf16 jobs on CUDA run it in bf16 (half the
// memory of its activations, which peak while decoding; what small GPUs need); every other job in float32 as
// the official pipeline does (fp32 jobs are parity runs, fp16 overflows in the VAE's large activations, and
// the CPU gains nothing).
torch::Dtype vaeDtypeFor(const torch::Device& device, torch::Dtype jobDtype);

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
