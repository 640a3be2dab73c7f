#pragma once
// Where each model lives during a job, chosen from free memory before the job starts (pure logic, no torch).

#include "wan/Pipeline.h"

#include <cstdint>
#include <string>

namespace wan::pipeline {

struct MemoryNeeds
{
    std::uint64_t t5Bytes = 0; // weights as kept on the device
    std::uint64_t ditBytes = 0;
    std::uint64_t ditBlockBytes = 0; // one transformer block (streaming keeps ~2 resident)
    std::uint64_t vaeBytes = 0;
    std::uint64_t clipBytes = 0;
    std::uint64_t activationBytes = 0; // peak working set of one DiT call and of the VAE decode
};

struct Placement
{
    bool accelerator = false;   // false: everything on the CPU
    bool t5OnCpu = false;       // the official --t5_cpu
    bool offloadModels = false; // the official --offload_model: models go back to host memory between stages
    bool streamDitBlocks = false; // DiT blocks copied to the device one at a time
    bool tileVae = false;
    std::string description; // for Result::placement and the log
};

// `freeDeviceBytes` is ignored for a CPU job. Explicit user choices (Request::memory, offloadModel, t5Cpu,
// vaeTiling) are kept; only what they leave open is picked, the cheapest placement that fits first.
Placement planPlacement(const Request& request, bool cudaDevice, std::uint64_t freeDeviceBytes,
                        const MemoryNeeds& needs);

std::string formatBytes(std::uint64_t bytes);

} // namespace wan::pipeline
