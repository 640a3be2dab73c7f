#include "wan/Devices.h"

#include "wan/Error.h"

#include "pipeline/DeviceInfo.h"

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/cuda.h>
#include <torch/version.h>

#if WAN_WITH_CUDA
#include <cuda_runtime_api.h>
#include <dlfcn.h>
#endif

#include <nlohmann/json.hpp>

#include <charconv>
#include <fstream>
#include <sstream>

#ifndef WAN_VERSION
#define WAN_VERSION "0.0.0"
#endif

namespace wan {

namespace {

std::string cpuModelName()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                auto name = line.substr(colon + 1);
                name.erase(0, name.find_first_not_of(" \t"));
                return name;
            }
        }
    }
    return "CPU";
}

// MemTotal / MemAvailable in bytes (0 where /proc/meminfo is absent).
std::pair<std::uint64_t, std::uint64_t> hostMemory()
{
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t value = 0, total = 0, available = 0;
    std::string unit;
    while (in >> key >> value >> unit) {
        if (key == "MemTotal:")
            total = value * 1024;
        else if (key == "MemAvailable:")
            available = value * 1024;
    }
    return {total, available};
}

int cudaDeviceCount()
{
    return torch::cuda::is_available() ? int(torch::cuda::device_count()) : 0;
}

std::string gib(std::uint64_t bytes)
{
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(1);
    s << double(bytes) / double(1ull << 30) << " GiB";
    return s.str();
}

std::string devicesFoundText(const std::vector<ComputeDevice>& devices)
{
    std::string text;
    for (const auto& d : devices)
        text += (text.empty() ? "" : ", ") + d.id + (d.isCuda() ? " (" + d.name + ")" : "");
    return text;
}

} // namespace

BuildInfo buildInfo()
{
    BuildInfo info;
    info.appVersion = WAN_VERSION;
    info.torchVersion = TORCH_VERSION;
    const auto& hooks = at::detail::getCUDAHooks();
    info.cudaCompiled = hooks.isBuilt();
    if (info.cudaCompiled) {
        try {
            const long v = hooks.versionCUDART(); // 13020 -> 13.2
            info.cudaVersion = std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
        } catch (const std::exception&) {
        }
        info.cudnnCompiled = hooks.compiledWithCuDNN();
        if (info.cudnnCompiled) {
            try {
                const long v = hooks.versionCuDNN(); // 92600 -> 9.26.0
                info.cudnnVersion = std::to_string(v / 10000) + "." + std::to_string((v % 10000) / 100) +
                                    "." + std::to_string(v % 100);
            } catch (const std::exception&) {
            }
        }
    }
    info.cudaDeviceCount = cudaDeviceCount();
    if (!info.cudaCompiled) {
        info.cudaProblem = "this LibTorch build has no CUDA support";
    } else if (info.cudaDeviceCount == 0) {
#if WAN_WITH_CUDA
        int count = 0;
        const auto status = cudaGetDeviceCount(&count);
        cudaGetLastError(); // clear the error of the probe
        if (status == cudaErrorInsufficientDriver || status == cudaErrorNoDevice) {
            void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
            if (!driver)
                info.cudaProblem =
                    "no NVIDIA driver found (libcuda.so.1): install the NVIDIA driver to use a GPU";
            else if (status == cudaErrorInsufficientDriver)
                info.cudaProblem =
                    "the NVIDIA driver is older than CUDA " + info.cudaVersion + " needs: update it";
            else
                info.cudaProblem = "the NVIDIA driver sees no GPU";
            if (driver)
                dlclose(driver);
        } else {
            info.cudaProblem = status == cudaSuccess ? "no CUDA device found" : cudaGetErrorString(status);
        }
#else
        info.cudaProblem = "no CUDA device found";
#endif
    }
    return info;
}

std::vector<ComputeDevice> listDevices()
{
    std::vector<ComputeDevice> devices;
#if WAN_WITH_CUDA
    const int count = cudaDeviceCount();
    for (int i = 0; i < count; ++i) {
        ComputeDevice d;
        d.id = "cuda:" + std::to_string(i);
        cudaDeviceProp props{};
        if (cudaGetDeviceProperties(&props, i) == cudaSuccess) {
            d.name = props.name;
            d.totalBytes = props.totalGlobalMem;
            d.computeMajor = props.major;
            d.computeMinor = props.minor;
        }
        d.freeBytes = pipeline::freeDeviceMemory(torch::Device(torch::kCUDA, c10::DeviceIndex(i)));
        cudaGetLastError();
        devices.push_back(std::move(d));
    }
#endif
    ComputeDevice cpu;
    cpu.id = "cpu";
    cpu.name = cpuModelName();
    std::tie(cpu.totalBytes, cpu.freeBytes) = hostMemory();
    devices.push_back(std::move(cpu));
    return devices;
}

std::string resolveDevice(const std::string& requested)
{
    const auto bad = [](const std::string& message) { throw Error(ErrorKind::InvalidArgument, message); };
    if (requested.empty() || requested == "auto")
        return cudaDeviceCount() > 0 ? "cuda:0" : "cpu";
    if (requested == "cpu")
        return requested;
    if (requested.rfind("cuda", 0) != 0)
        bad("device '" + requested + "' is not valid: use auto, cpu, cuda or cuda:N");
    int index = 0;
    const auto rest = requested.substr(4);
    if (!rest.empty()) {
        const auto* begin = rest.data() + 1;
        const auto* end = rest.data() + rest.size();
        const auto parsed = std::from_chars(begin, end, index);
        if (rest[0] != ':' || rest.size() < 2 || parsed.ec != std::errc() || parsed.ptr != end || index < 0)
            bad("device '" + requested + "' is not valid: use auto, cpu, cuda or cuda:N");
    }
    const int count = cudaDeviceCount();
    if (index >= count) {
        const auto info = buildInfo();
        bad("device '" + requested + "' is not available (" +
            (count == 0 ? info.cudaProblem : std::to_string(count) + " CUDA device(s) present") +
            "); devices found: " + devicesFoundText(listDevices()) + ". Choose one of those, or auto");
    }
    return "cuda:" + std::to_string(index);
}

Precision autoPrecisionFor(const ComputeDevice& device)
{
    if (!device.isCuda())
        return Precision::Float32;
    // Turing/Volta/Pascal have no fast bf16 matmul or attention kernels.
    return device.computeMajor >= 8 ? Precision::BFloat16 : Precision::Float16;
}

Precision resolvePrecision(Precision requested, const std::string& resolvedDevice)
{
    if (requested != Precision::Auto)
        return requested;
    if (resolvedDevice == "cpu")
        return Precision::Float32;
    for (const auto& d : listDevices())
        if (d.id == resolvedDevice)
            return autoPrecisionFor(d);
    return Precision::BFloat16;
}

std::string buildInfoToJson(const BuildInfo& build, const std::vector<ComputeDevice>& devices)
{
    nlohmann::json j;
    j["app_version"] = build.appVersion;
    j["libtorch_version"] = build.torchVersion;
    j["cuda_compiled"] = build.cudaCompiled;
    j["cuda_version"] = build.cudaVersion;
    j["cudnn_compiled"] = build.cudnnCompiled;
    j["cudnn_version"] = build.cudnnVersion;
    j["cuda_device_count"] = build.cudaDeviceCount;
    if (!build.cudaProblem.empty())
        j["cuda_problem"] = build.cudaProblem;
    j["default_device"] = devices.front().id;
    auto list = nlohmann::json::array();
    for (const auto& d : devices) {
        nlohmann::json e;
        e["id"] = d.id;
        e["type"] = d.isCuda() ? "cuda" : "cpu";
        e["name"] = d.name;
        e["total_memory_bytes"] = d.totalBytes;
        e["free_memory_bytes"] = d.freeBytes;
        if (d.isCuda())
            e["compute_capability"] = std::to_string(d.computeMajor) + "." + std::to_string(d.computeMinor);
        list.push_back(std::move(e));
    }
    j["devices"] = std::move(list);
    return j.dump(2);
}

std::string buildInfoToText(const BuildInfo& build, const std::vector<ComputeDevice>& devices)
{
    std::ostringstream s;
    s << "wan-generate " << build.appVersion << "\n";
    s << "LibTorch " << build.torchVersion << ", CUDA "
      << (build.cudaCompiled ? build.cudaVersion + " compiled in" : "not compiled in") << ", cuDNN "
      << (build.cudnnCompiled ? build.cudnnVersion : "no") << "\n";
    if (!build.cudaProblem.empty())
        s << "CUDA: " << build.cudaProblem << "\n";
    s << "Devices:\n";
    for (const auto& d : devices) {
        s << "  " << d.id << "  " << d.name << "  " << gib(d.totalBytes) << " total, " << gib(d.freeBytes)
          << " free";
        if (d.isCuda())
            s << ", compute capability " << d.computeMajor << "." << d.computeMinor;
        s << "\n";
    }
    return s.str();
}

} // namespace wan
