#include "pipeline/DeviceInfo.h"

#include "wan/Error.h"

#if WAN_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>
#endif

#include <algorithm>
#include <charconv>

namespace wan::pipeline {

#if WAN_WITH_CUDA
namespace {
// StatType::AGGREGATE, the first entry of every stat array (the enum moved between LibTorch versions).
constexpr std::size_t kAggregate = 0;
} // namespace
#endif

torch::Device parseDevice(const std::string& text)
{
    if (text.empty() || text == "cpu")
        return torch::kCPU;
    int index = 0;
    if (text.rfind("cuda", 0) == 0) {
        const auto rest = text.substr(4);
        if (!rest.empty()) {
            const auto* begin = rest.data() + 1;
            const auto* end = rest.data() + rest.size();
            const auto parsed = std::from_chars(begin, end, index);
            if (rest[0] != ':' || parsed.ec != std::errc() || parsed.ptr != end || index < 0)
                throw Error(ErrorKind::InvalidArgument,
                            "device '" + text + "' is not valid: use cpu, cuda or cuda:N");
        }
        if (!torch::cuda::is_available())
            throw Error(ErrorKind::InvalidArgument,
                        "device '" + text +
                            "' requested, but no CUDA device is usable (this LibTorch build or "
                            "machine has none): use --device cpu");
        const auto count = int(torch::cuda::device_count());
        if (index >= count)
            throw Error(ErrorKind::InvalidArgument, "device '" + text + "' does not exist: " +
                                                        std::to_string(count) + " CUDA device(s) found");
        return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    throw Error(ErrorKind::InvalidArgument, "device '" + text + "' is not valid: use cpu, cuda or cuda:N");
}

std::uint64_t freeDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda()) {
        const auto previous = c10::cuda::current_device();
        c10::cuda::set_device(device.index() < 0 ? 0 : device.index());
        size_t freeBytes = 0, totalBytes = 0;
        const auto status = cudaMemGetInfo(&freeBytes, &totalBytes);
        c10::cuda::set_device(previous);
        if (status != cudaSuccess)
            return 0;
        // Blocks LibTorch caches but does not use count as free for our purposes.
        const auto stats =
            c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
        const auto cachedUnused =
            stats.reserved_bytes[kAggregate].current - stats.allocated_bytes[kAggregate].current;
        return std::uint64_t(freeBytes) + std::uint64_t(std::max<std::int64_t>(cachedUnused, 0));
    }
#endif
    (void)device;
    return 0;
}

std::uint64_t peakDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda()) {
        const auto stats =
            c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
        return std::uint64_t(std::max<std::int64_t>(stats.allocated_bytes[kAggregate].peak, 0));
    }
#endif
    (void)device;
    return 0;
}

std::uint64_t peakReservedDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda()) {
        const auto stats =
            c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
        return std::uint64_t(std::max<std::int64_t>(stats.reserved_bytes[kAggregate].peak, 0));
    }
#endif
    (void)device;
    return 0;
}

std::uint64_t reservedDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda()) {
        const auto stats =
            c10::cuda::CUDACachingAllocator::getDeviceStats(device.index() < 0 ? 0 : device.index());
        return std::uint64_t(std::max<std::int64_t>(stats.reserved_bytes[kAggregate].current, 0));
    }
#endif
    (void)device;
    return 0;
}

std::uint64_t usedDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda()) {
        const auto previous = c10::cuda::current_device();
        c10::cuda::set_device(device.index() < 0 ? 0 : device.index());
        size_t freeBytes = 0, totalBytes = 0;
        const auto status = cudaMemGetInfo(&freeBytes, &totalBytes);
        c10::cuda::set_device(previous);
        return status == cudaSuccess ? std::uint64_t(totalBytes - freeBytes) : 0;
    }
#endif
    (void)device;
    return 0;
}

void resetPeakDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda())
        c10::cuda::CUDACachingAllocator::resetPeakStats(device.index() < 0 ? 0 : device.index());
#endif
    (void)device;
}

void releaseCachedDeviceMemory()
{
#if WAN_WITH_CUDA
    if (torch::cuda::is_available())
        c10::cuda::CUDACachingAllocator::emptyCache();
#endif
}

void synchronize(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda())
        torch::cuda::synchronize(device.index() < 0 ? 0 : device.index());
#endif
    (void)device;
}

} // namespace wan::pipeline
