#include "pipeline/MemoryPlanner.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

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
    p.t5OnCpu = request.memory == MemoryMode::T5Cpu || request.memory == MemoryMode::OffloadT5Cpu;
    p.offloadModels = request.memory == MemoryMode::Offload || request.memory == MemoryMode::OffloadT5Cpu;

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

    if (request.memory == MemoryMode::Auto) {
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

namespace {

constexpr std::uint64_t kRuntimeBytes = 768ull << 20;
// The VAE's widest full-resolution stage: 96 channels, 4 frames per causal chunk, about 3 tensors alive.
constexpr std::uint64_t kVaeBytesPerPixel = 96ull * 4 * 4 * 3;

std::uint64_t pixelsOf(const HostMemoryInput& in)
{
    return std::uint64_t(std::max(0, in.width)) * std::uint64_t(std::max(0, in.height));
}

std::string readSmallFile(const char* path)
{
    std::ifstream in(path);
    if (!in)
        return {};
    std::string text(65536, '\0');
    in.read(text.data(), std::streamsize(text.size()));
    text.resize(std::size_t(in.gcount()));
    return text;
}

bool parseUnsigned(const std::string& text, std::uint64_t& value)
{
    std::size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
        ++i;
    if (i == text.size() || !std::isdigit(static_cast<unsigned char>(text[i])))
        return false;
    value = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        const std::uint64_t digit = std::uint64_t(text[i] - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    return true;
}

bool fits(const HostMemoryInput& in, const Placement& placement, std::uint64_t available)
{
    return estimateHostMemory(in, placement).total() <= available;
}

} // namespace

std::string HostMemoryEstimate::breakdown() const
{
    std::string text;
    const auto add = [&](const char* what, std::uint64_t bytes) {
        if (bytes == 0)
            return;
        text += (text.empty() ? "" : ", ") + std::string(what) + " " + formatBytes(bytes);
    };
    add("DiT weights", ditWeights);
    add("T5 weights", t5Weights);
    add("CLIP weights", clipWeights);
    add("VAE weights", vaeWeights);
    add("DiT activations", ditActivations);
    add("VAE working set", vaeWorkingSet);
    add("frames and latents", frames);
    add("runtime", runtime);
    return text;
}

HostMemoryEstimate estimateHostMemory(const HostMemoryInput& in, const Placement& placement)
{
    HostMemoryEstimate e;
    const bool cpu = !placement.accelerator;
    if (cpu || placement.streamDitBlocks || placement.offloadModels)
        e.ditWeights = in.ditParameters * std::uint64_t(in.ditElementBytes);
    if (cpu || placement.t5OnCpu || placement.offloadModels)
        e.t5Weights = in.t5Parameters * std::uint64_t(in.t5ElementBytes);
    if (cpu || placement.offloadModels)
        e.clipWeights = in.clipParameters * std::uint64_t(in.clipElementBytes);
    if (cpu)
        e.vaeWeights = in.vaeParameters * 4; // the VAE is always fp32

    const std::uint64_t frames = std::uint64_t(std::max(1, in.frames));
    const std::uint64_t latFrames = (frames - 1) / 4 + 1;
    const std::uint64_t pixels = pixelsOf(in);
    const std::uint64_t latPixels = pixels / 64;
    const std::uint64_t tokens = latFrames * latPixels / 4;
    if (cpu) {
        // Per token: q, k, v, the attention output, the residual and norms (~10 x dim) and the FFN's hidden
        // layer (~2 x ffn_dim), for each sample of the batch. Attention is chunked on the CPU.
        const std::uint64_t batch = in.batchedCfg ? 2 : 1;
        e.ditActivations = tokens * batch *
                           (10ull * std::uint64_t(std::max(0, in.ditDim)) +
                            2ull * std::uint64_t(std::max(0, in.ditFfnDim))) *
                           std::uint64_t(in.ditElementBytes);
        e.vaeWorkingSet = pixels * kVaeBytesPerPixel;
        if (in.encodesVideo)
            e.vaeWorkingSet += 3 * frames * pixels * 4; // the video handed to the VAE encoder
    }
    // The decoded video in fp32 (always copied to the host), its 8-bit frames twice (quantised, then handed
    // to the writer), and three latent-sized tensors (noise, sample, prediction).
    e.frames = 3 * frames * pixels * 4 + 2 * frames * pixels * 3 + 3 * 16 * latFrames * latPixels * 4;
    e.runtime = kRuntimeBytes;
    return e;
}

std::string hostMemoryRefusal(const HostMemoryInput& input, const Placement& placement,
                              std::uint64_t availableBytes)
{
    const auto estimate = estimateHostMemory(input, placement);
    if (estimate.total() <= availableBytes)
        return {};
    std::string text = "not enough memory for this job: it needs about " + formatBytes(estimate.total()) +
                       " of RAM (" + estimate.breakdown() + "), but only " + formatBytes(availableBytes) +
                       " is available";

    std::vector<std::string> options;
    if (estimate.weights() + estimate.runtime < availableBytes) {
        if (input.frames > 1) {
            HostMemoryInput fewer = input;
            for (fewer.frames = input.frames - 4; fewer.frames >= 1; fewer.frames -= 4) {
                if (fits(fewer, placement, availableBytes)) {
                    options.push_back("at most " + std::to_string(fewer.frames) + " frames");
                    break;
                }
            }
        }
        HostMemoryInput smaller = input;
        const bool area = input.height < 16; // i2v/flf2v given as a maximum area
        for (double scale = 0.9; scale > 0.1; scale -= 0.05) {
            if (area) {
                smaller.width = int(std::floor(double(input.width) * scale * scale));
            } else {
                smaller.width = int(std::floor(input.width * scale / 16.0)) * 16;
                smaller.height = int(std::floor(input.height * scale / 16.0)) * 16;
                if (smaller.width < 16 || smaller.height < 16)
                    break;
            }
            if (fits(smaller, placement, availableBytes)) {
                options.push_back(area ? "a maximum area of at most " + std::to_string(smaller.width) +
                                             " pixels"
                                       : "a size of at most " + std::to_string(smaller.width) + "*" +
                                             std::to_string(smaller.height));
                break;
            }
        }
    } else {
        text += "; the model weights alone need " + formatBytes(estimate.weights()) + " in host memory, " +
                formatBytes(estimate.weights() + estimate.runtime) + " with the runtime";
    }
    if (!placement.accelerator)
        options.push_back("a CUDA GPU with the models on it");
    else if (placement.t5OnCpu || placement.offloadModels || placement.streamDitBlocks)
        options.push_back("the models kept on the GPU (memory mode full) if it has room");
    text += ". It would fit with ";
    for (std::size_t i = 0; i < options.size(); ++i)
        text += (i == 0 ? "" : (i + 1 == options.size() ? ", or " : ", ")) + options[i];
    if (options.empty())
        text += "more free memory";
    text += "; or close other programs to free memory";
    return text;
}

std::uint64_t parseMemAvailable(const std::string& meminfo)
{
    std::istringstream lines(meminfo);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("MemAvailable:", 0) != 0)
            continue;
        std::uint64_t kib = 0;
        if (!parseUnsigned(line.substr(13), kib) || kib > std::numeric_limits<std::uint64_t>::max() / 1024)
            return 0;
        return kib * 1024; // the kernel writes "kB" and means KiB
    }
    return 0;
}

std::uint64_t cgroupHeadroom(const std::string& limitText, const std::string& usageText,
                             const std::string& statText)
{
    constexpr auto none = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t limit = 0, usage = 0;
    if (!parseUnsigned(limitText, limit) || !parseUnsigned(usageText, usage))
        return none; // "max", missing files
    // cgroup v1 writes a page-rounded INT64_MAX for "no limit".
    if (limit >= (std::uint64_t(1) << 62))
        return none;
    // Inactive page cache counts as usage but is reclaimed before the OOM killer acts.
    std::istringstream lines(statText);
    std::string line;
    while (std::getline(lines, line)) {
        for (const char* key : {"inactive_file ", "total_inactive_file "}) {
            std::uint64_t bytes = 0;
            if (line.rfind(key, 0) == 0 && parseUnsigned(line.substr(std::strlen(key)), bytes))
                usage -= std::min(usage, bytes);
        }
    }
    return limit > usage ? limit - usage : 0;
}

std::uint64_t availableHostMemory()
{
    std::uint64_t available = parseMemAvailable(readSmallFile("/proc/meminfo"));
    const std::uint64_t v2 = cgroupHeadroom(readSmallFile("/sys/fs/cgroup/memory.max"),
                                            readSmallFile("/sys/fs/cgroup/memory.current"),
                                            readSmallFile("/sys/fs/cgroup/memory.stat"));
    const std::uint64_t v1 = cgroupHeadroom(readSmallFile("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
                                            readSmallFile("/sys/fs/cgroup/memory/memory.usage_in_bytes"),
                                            readSmallFile("/sys/fs/cgroup/memory/memory.stat"));
    const std::uint64_t cgroup = std::min(v1, v2);
    if (cgroup != std::numeric_limits<std::uint64_t>::max() && (available == 0 || cgroup < available))
        available = cgroup;
    return available;
}

} // namespace wan::pipeline
