#include "pipeline/MemoryPlanner.h"

#include <cstdio>

namespace wan::pipeline {

std::string formatBytes(std::uint64_t bytes)
{
    char text[32];
    const double gib = double(bytes) / double(1ull << 30);
    if (gib >= 1.0)
        std::snprintf(text, sizeof(text), "%.1f GiB", gib);
    else
        std::snprintf(text, sizeof(text), "%.0f MiB", double(bytes) / double(1ull << 20));
    return text;
}

Placement planPlacement(const Request& request, bool cudaDevice, std::uint64_t freeDeviceBytes,
                        const MemoryNeeds& needs)
{
    Placement p;
    p.tileVae = request.vaeTiling == VaeTiling::On;
    if (!cudaDevice) {
        p.description = "cpu: all models in host memory";
        if (p.tileVae)
            p.description += ", tiled VAE decode";
        return p;
    }
    p.accelerator = true;
    p.t5OnCpu = request.t5Cpu || request.memory == MemoryMode::T5Cpu;
    p.offloadModels = request.offloadModel || request.memory == MemoryMode::Offload;

    // Keep a margin for the allocator's fragmentation and the CUDA context of other libraries.
    const std::uint64_t budget = freeDeviceBytes - freeDeviceBytes / 10;
    const std::uint64_t clip = needs.clipBytes;
    const auto peak = [&](bool t5Resident, bool ditWhole) {
        std::uint64_t total = needs.vaeBytes + needs.activationBytes + clip;
        total += ditWhole ? needs.ditBytes : 2 * needs.ditBlockBytes + (needs.ditBytes / 50);
        if (t5Resident)
            total += needs.t5Bytes;
        return total;
    };

    if (request.memory == MemoryMode::Auto && !request.offloadModel && !request.t5Cpu) {
        if (peak(true, true) <= budget) {
            // everything stays resident
        } else if (peak(false, true) <= budget && needs.t5Bytes + needs.activationBytes / 4 <= budget) {
            p.offloadModels = true; // T5 runs on the device first, then leaves before the DiT needs the room
        } else if (peak(false, true) <= budget) {
            p.offloadModels = true;
            p.t5OnCpu = true;
        } else {
            p.offloadModels = true;
            p.t5OnCpu = true;
            p.streamDitBlocks = true;
        }
    } else if (request.memory != MemoryMode::Full) {
        const bool t5Resident = !p.t5OnCpu && !p.offloadModels;
        if (peak(t5Resident, true) > budget)
            p.streamDitBlocks = true;
    }
    if (request.vaeTiling == VaeTiling::Auto)
        p.tileVae = needs.activationBytes > budget / 2 || p.streamDitBlocks;

    p.description = "cuda: ";
    p.description += p.t5OnCpu ? "T5 on CPU" : (p.offloadModels ? "T5 on GPU then offloaded" : "T5 on GPU");
    p.description += p.streamDitBlocks ? ", DiT streamed block by block"
                                       : (p.offloadModels ? ", DiT on GPU then offloaded" : ", DiT on GPU");
    p.description += p.tileVae ? ", tiled VAE" : ", VAE on GPU";
    p.description += " (free " + formatBytes(freeDeviceBytes) + ", needs ~" +
                     formatBytes(peak(!p.t5OnCpu, true)) + " all resident)";
    return p;
}

} // namespace wan::pipeline
