#include "pipeline/DeviceInfo.h"

#include "wan/Devices.h"
#include "wan/Error.h"

#if WAN_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/util/Exception.h>
#include <cuda_runtime_api.h>
#endif

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace wan::pipeline {

#if WAN_WITH_CUDA
namespace {
// StatType::AGGREGATE, the first entry of every stat array (the enum moved between LibTorch versions).
constexpr std::size_t kAggregate = 0;
} // namespace
#endif

torch::Device parseDevice(const std::string& text)
{
    const std::string id = resolveDevice(text); // validated: "cpu" or "cuda:N" of a device present
    if (id == "cpu")
        return torch::kCPU;
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(std::stoi(id.substr(5))));
}

#if WAN_WITH_CUDA
namespace {

// "cuda" without an index: the current device, as LibTorch reads it.
int indexOf(const torch::Device& device)
{
    return device.index() < 0 ? c10::cuda::current_device() : device.index();
}

// cudaMemGetInfo on `device`: {free, total}, {0, 0} when the driver does not answer. The guard switches
// devices only when they differ and restores the previous one without creating a context on it.
std::pair<std::uint64_t, std::uint64_t> driverMemory(const torch::Device& device)
{
    const c10::cuda::CUDAGuard guard(c10::DeviceIndex(indexOf(device)));
    size_t freeBytes = 0, totalBytes = 0;
    const auto status = cudaMemGetInfo(&freeBytes, &totalBytes);
    if (status != cudaSuccess) {
        (void)cudaGetLastError();
        return {0, 0};
    }
    return {freeBytes, totalBytes};
}

enum class Stat
{
    AllocatedPeak = 1,
    ReservedPeak,
    ReservedNow,
    CachedUnused
};

std::uint64_t allocatorStat(const torch::Device& device, Stat stat)
{
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(indexOf(device));
    const auto& allocated = stats.allocated_bytes[kAggregate];
    const auto& reserved = stats.reserved_bytes[kAggregate];
    std::int64_t value = 0;
    switch (stat) {
    case Stat::AllocatedPeak:
        value = allocated.peak;
        break;
    case Stat::ReservedPeak:
        value = reserved.peak;
        break;
    case Stat::ReservedNow:
        value = reserved.current;
        break;
    case Stat::CachedUnused:
        value = reserved.current - allocated.current;
        break;
    }
    return std::uint64_t(std::max<std::int64_t>(value, 0));
}

} // namespace
#endif

std::uint64_t freeDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda()) {
        const auto [freeBytes, totalBytes] = driverMemory(device);
        if (totalBytes == 0)
            return 0;
        // Blocks LibTorch caches but does not use count as free for our purposes.
        return freeBytes + allocatorStat(device, Stat::CachedUnused);
    }
#endif
    (void)device;
    return 0;
}

std::uint64_t peakDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda())
        return allocatorStat(device, Stat::AllocatedPeak);
#endif
    (void)device;
    return 0;
}

std::uint64_t peakReservedDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda())
        return allocatorStat(device, Stat::ReservedPeak);
#endif
    (void)device;
    return 0;
}

std::uint64_t reservedDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda())
        return allocatorStat(device, Stat::ReservedNow);
#endif
    (void)device;
    return 0;
}

std::uint64_t usedDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda()) {
        const auto [freeBytes, totalBytes] = driverMemory(device);
        return totalBytes - freeBytes;
    }
#endif
    (void)device;
    return 0;
}

void resetPeakDeviceMemory(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda())
        c10::cuda::CUDACachingAllocator::resetPeakStats(indexOf(device));
#endif
    (void)device;
}

#if WAN_WITH_CUDA
struct HostSyncCounter::State : c10::WarningHandler
{
    c10::WarningHandler* previous = c10::WarningUtils::get_warning_handler();
    c10::cuda::SyncDebugMode previousMode = c10::cuda::warning_state().get_sync_debug_mode();
    int count = 0;

    void process(const c10::Warning& warning) override
    {
        if (warning.msg().find("synchronizing CUDA operation") != std::string::npos)
            ++count;
        else if (previous)
            previous->process(warning);
    }
};

HostSyncCounter::HostSyncCounter() : m_state(std::make_unique<State>())
{
    c10::WarningUtils::set_warning_handler(m_state.get());
    c10::cuda::warning_state().set_sync_debug_mode(c10::cuda::SyncDebugMode::L_WARN);
}

HostSyncCounter::~HostSyncCounter()
{
    c10::cuda::warning_state().set_sync_debug_mode(m_state->previousMode);
    c10::WarningUtils::set_warning_handler(m_state->previous);
}

int HostSyncCounter::count() const
{
    return m_state->count;
}

bool HostSyncCounter::supported()
{
    return true;
}
#else
struct HostSyncCounter::State
{
};

HostSyncCounter::HostSyncCounter() = default;
HostSyncCounter::~HostSyncCounter() = default;

int HostSyncCounter::count() const
{
    return 0;
}

bool HostSyncCounter::supported()
{
    return false;
}
#endif

bool deviceHasFastBf16(const torch::Device& device)
{
    return device.is_cuda() && resolvePrecision(Precision::Auto, device.str()) == Precision::BFloat16;
}

torch::Dtype vaeDtypeFor(VaePrecision precision, const torch::Device& device, torch::Dtype jobDtype,
                         bool fastBf16)
{
    if (!device.is_cuda())
        return torch::kFloat32;
    switch (precision) {
    case VaePrecision::Float32:
        return torch::kFloat32;
    case VaePrecision::BFloat16:
        return torch::kBFloat16;
    case VaePrecision::Float16:
        return torch::kFloat16;
    case VaePrecision::Auto:
        break;
    }
    if (jobDtype == torch::kFloat32)
        return torch::kFloat32;
    return fastBf16 ? torch::kBFloat16 : torch::kFloat16;
}

bool cpuinfoHasNativeBf16(std::string_view cpuinfo)
{
    std::istringstream lines{std::string(cpuinfo)};
    std::string line;
    while (std::getline(lines, line)) {
        const auto colon = line.find(':');
        if (!line.starts_with("flags") || colon == std::string::npos)
            continue;
        std::istringstream words(line.substr(colon + 1));
        std::string flag; // whole words only
        while (words >> flag)
            if (flag == "avx512_bf16" || flag == "amx_bf16")
                return true;
    }
    return false;
}

bool cpuHasNativeBf16()
{
    static const bool native = [] {
        std::ifstream in("/proc/cpuinfo");
        std::stringstream text;
        text << in.rdbuf();
        return cpuinfoHasNativeBf16(text.str());
    }();
    return native;
}

torch::Dtype textDtypeFor(TextPrecision precision, const torch::Device& t5Device, torch::Dtype jobDtype,
                          bool cpuNativeBf16)
{
    switch (precision) {
    case TextPrecision::Float32:
        return torch::kFloat32;
    case TextPrecision::BFloat16:
        return torch::kBFloat16;
    case TextPrecision::Auto:
        break;
    }
    if (jobDtype == torch::kFloat32)
        return torch::kFloat32;
    if (t5Device.is_cpu() && !cpuNativeBf16)
        return torch::kFloat32;
    return torch::kBFloat16;
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
