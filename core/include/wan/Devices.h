#pragma once
// The compute devices this machine offers and what the build can use; torch-free, for every front end.

#include "wan/Pipeline.h"

#include <cstdint>
#include <string>
#include <vector>

namespace wan {

struct ComputeDevice
{
    std::string id;               // "cuda:0", ..., "cpu": the value of Request::device
    std::string name;             // "NVIDIA H200", or the CPU's model name
    std::uint64_t totalBytes = 0; // device memory; system RAM for the CPU
    std::uint64_t freeBytes = 0;  // free now (MemAvailable for the CPU)
    int computeMajor = 0;         // CUDA compute capability, 0.0 for the CPU
    int computeMinor = 0;
    bool isCuda() const { return id != "cpu"; }
};

struct BuildInfo
{
    std::string appVersion;
    std::string torchVersion;
    bool cudaCompiled = false; // this LibTorch carries CUDA kernels (libtorch_cuda)
    std::string cudaVersion;   // CUDA runtime it was built with, "13.2"; empty without CUDA
    bool cudnnCompiled = false;
    std::string cudnnVersion; // "9.26.0"; empty without cuDNN
    int cudaDeviceCount = 0;
    std::string cudaProblem; // why no CUDA device is usable (no driver, no GPU), empty when one is
};

BuildInfo buildInfo();

// Every usable CUDA device in index order, then the CPU (always last, always present).
std::vector<ComputeDevice> listDevices();

// "auto" (or empty): the first CUDA device when one is usable, else "cpu". "cpu", "cuda" (= "cuda:0") and
// "cuda:N" are checked against the devices present. Throws Error(InvalidArgument) with the devices found when
// the device is malformed, absent or vanished, so a job fails before any model loads.
std::string resolveDevice(const std::string& requested);

// Precision::Auto on a resolved device: bf16 on CUDA compute capability >= 8.0 (Ampere and newer), fp16 on
// older GPUs (no fast bf16 there), fp32 on the CPU. Other values are returned as given.
Precision resolvePrecision(Precision requested, const std::string& resolvedDevice);
// The rule behind Precision::Auto for one device.
Precision autoPrecisionFor(const ComputeDevice& device);

// `wan-generate --version --json`: one JSON object with the build and the devices.
std::string buildInfoToJson(const BuildInfo& build, const std::vector<ComputeDevice>& devices);
std::string buildInfoToText(const BuildInfo& build, const std::vector<ComputeDevice>& devices);

} // namespace wan
