#include "pipeline/MemoryPlanner.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
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

namespace {

// The VAE decoder's causal caches (two frames per convolution at every resolution) and one chunk's
// activations, per output pixel in float32; a tile is vaeTilePx square plus the blend band.
constexpr std::uint64_t kVaeCacheBytesPerPixel = 9265;
constexpr std::uint64_t kVaeChunkBytesPerPixel = 96ull * 4 * 4 * 3;
constexpr std::uint64_t kT5ActivationBytes = 256ull << 20;

std::uint64_t sat(std::uint64_t a, std::uint64_t b)
{
    return a > b ? a - b : 0;
}

std::string placementText(const Placement& p)
{
    std::string text = "cuda: ";
    text += p.t5OnCpu ? "T5 on CPU" : (p.offloadModels ? "T5 on GPU then offloaded" : "T5 on GPU");
    text += p.streamDitBlocks ? ", DiT streamed block by block"
                              : (p.offloadModels ? ", DiT on GPU then offloaded" : ", DiT on GPU");
    if (p.ffnChunkTokens > 0)
        text += ", feed-forward in chunks of " + std::to_string(p.ffnChunkTokens) + " tokens";
    text += p.tileVae ? ", VAE in " + std::to_string(p.vaeTilePx) + " px tiles" : ", VAE untiled";
    return text;
}

bool fitsDevice(const DeviceMemoryInput& in, const Placement& p, std::uint64_t budget)
{
    return estimateDeviceMemory(in, p).peak() <= budget;
}

// The job at another size: tokens scale with the latent area and the latent frames.
DeviceMemoryInput resized(const DeviceMemoryInput& in, int width, int height, int frames)
{
    DeviceMemoryInput out = in;
    const auto latFrames = [](int f) { return std::int64_t((std::max(1, f) - 1) / 4 + 1); };
    const double area = double(std::max(1, width)) * std::max(1, height) /
                        (double(std::max(1, in.width)) * std::max(1, in.height));
    out.seqLen = std::int64_t(
        std::ceil(double(in.seqLen) * area * double(latFrames(frames)) / double(latFrames(in.frames))));
    out.width = width;
    out.height = height;
    out.frames = frames;
    return out;
}

} // namespace

std::string DeviceMemoryEstimate::breakdown() const
{
    std::string text = "text encoding " + formatBytes(textStage) + ", denoising " +
                       formatBytes(denoiseStage) + " (activations " + formatBytes(ditActivations) +
                       "), decoding " + formatBytes(decodeStage) + " (VAE working set " +
                       formatBytes(vaeWorkingSet) + ")";
    if (runtime > 0)
        text += ", CUDA runtime " + formatBytes(runtime);
    return text;
}

DeviceMemoryEstimate estimateDeviceMemory(const DeviceMemoryInput& in, const Placement& p)
{
    DeviceMemoryEstimate e;
    e.runtime = in.runtime;

    // One DiT call (see the header): the residual stream plus the largest branch, per sample token; the
    // cross-attention's keys and values of the text context besides.
    const std::uint64_t batch = in.batchedCfg ? 2 : 1;
    const std::uint64_t tokens = batch * std::uint64_t(std::max<std::int64_t>(0, in.seqLen));
    const std::uint64_t dim = std::uint64_t(std::max(0, in.ditDim));
    const std::uint64_t ffn = std::uint64_t(std::max(0, in.ditFfnDim));
    const std::uint64_t c = std::uint64_t(std::max(1, in.computeBytes));
    const bool exactRope = c >= 4;
    const std::uint64_t stream = tokens * dim * 4;
    const std::uint64_t selfAttention = tokens * dim * (exactRope ? 5 * c + 5 * 8 : 5 * c);
    const std::uint64_t crossAttention = tokens * dim * (8 + 2 * c);
    const std::uint64_t ffnTokens =
        p.ffnChunkTokens > 0 ? std::min(tokens, std::uint64_t(p.ffnChunkTokens)) : tokens;
    const std::uint64_t feedForward =
        ffnTokens * (dim + ffn) * c; // the input or the output, and the hidden layer
    const std::uint64_t context = batch * std::uint64_t(std::max(0, in.textLen)) * dim * (4 + 2 * c);
    e.ditActivations = stream + std::max({selfAttention, crossAttention, feedForward}) + context;

    // VAE decode (and encode): caches and one chunk per pixel of the whole frame or of one tile, plus the
    // decoded video in float32 (and the input video of an encode).
    const std::uint64_t pixels = std::uint64_t(std::max(0, in.width)) * std::uint64_t(std::max(0, in.height));
    const int tilePx = p.vaeTilePx > 0 ? p.vaeTilePx : kDefaultVaeTilePx;
    const std::uint64_t tileEdge = std::uint64_t(tilePx + vaeTileOverlapPx(tilePx));
    const std::uint64_t tilePixels =
        p.tileVae ? std::min<std::uint64_t>(std::uint64_t(std::max(0, in.width)), tileEdge) *
                        std::min<std::uint64_t>(std::uint64_t(std::max(0, in.height)), tileEdge)
                  : pixels;
    const std::uint64_t frames = std::uint64_t(std::max(1, in.frames));
    e.vaeWorkingSet = tilePixels * (kVaeCacheBytesPerPixel + kVaeChunkBytesPerPixel) *
                          std::uint64_t(std::max(1, in.vaeBytes)) / 4 +
                      3 * frames * pixels * 4 * (in.encodesVideo ? 2 : 1);

    const std::uint64_t t5 = p.t5OnCpu ? 0 : in.t5Weights;
    std::uint64_t dit = in.ditWeights;
    if (p.streamDitBlocks) {
        const std::uint64_t blocks = std::uint64_t(std::max(0, in.ditLayers)) * in.ditBlockWeights;
        dit = sat(in.ditWeights, blocks) + 2 * in.ditBlockWeights; // the rest stays, two blocks in flight
    }
    const std::uint64_t textWork = (t5 > 0 ? kT5ActivationBytes : 0) + in.clipWeights / 10;
    // The VAE comes to the device for its encodes and decodes only.
    if (!p.offloadModels) {
        // Everything else loaded stays on the device for the whole job.
        const std::uint64_t resident = t5 + dit + in.clipWeights;
        e.textStage = resident + textWork;
        e.denoiseStage = resident + e.ditActivations;
        e.decodeStage = resident + in.vaeWeights + e.vaeWorkingSet;
    } else {
        // Each model is on the device for its own stage.
        e.textStage = t5 + in.clipWeights + textWork;
        e.denoiseStage = dit + e.ditActivations;
        e.decodeStage = in.vaeWeights + e.vaeWorkingSet;
    }
    return e;
}

DevicePlan planDevice(const Request& request, const DeviceMemoryInput& in,
                      std::optional<std::uint64_t> freeBytes, std::optional<std::uint64_t> budgetBytes)
{
    DevicePlan plan;
    if (freeBytes)
        plan.budget = *freeBytes - *freeBytes / 10;
    if (budgetBytes)
        plan.budget = plan.budget ? std::min(*plan.budget, *budgetBytes) : *budgetBytes;

    // The placements to try, fastest first.
    std::vector<Placement> candidates;
    const auto placement = [](bool t5OnCpu, bool offload, bool stream) {
        Placement p;
        p.accelerator = true;
        p.t5OnCpu = t5OnCpu;
        p.offloadModels = offload;
        p.streamDitBlocks = stream;
        return p;
    };
    if (request.memory == MemoryMode::Auto) {
        candidates = {placement(false, false, false), placement(false, true, false),
                      placement(true, true, false), placement(true, true, true)};
    } else {
        const bool t5OnCpu =
            request.memory == MemoryMode::T5Cpu || request.memory == MemoryMode::OffloadT5Cpu;
        const bool offload =
            request.memory == MemoryMode::Offload || request.memory == MemoryMode::OffloadT5Cpu;
        candidates = {placement(t5OnCpu, offload, false)};
        if (request.memory != MemoryMode::Full)
            candidates.push_back(placement(t5OnCpu, offload, true));
    }
    // VAE tile edges to try, 0 for untiled, largest first.
    std::vector<int> tilings;
    if (request.vaeTiling != VaeTiling::On)
        tilings.push_back(0);
    if (request.vaeTiling != VaeTiling::Off)
        tilings.insert(tilings.end(), std::begin(kVaeTileSizesPx), std::end(kVaeTileSizesPx));
    const auto withTiles = [](Placement p, int tilePx) {
        p.tileVae = tilePx > 0;
        p.vaeTilePx = tilePx;
        return p;
    };
    // The feed-forward whole, then chunked (only where the sequence is longer than a chunk).
    std::vector<std::int64_t> ffnChunks{0};
    if (in.seqLen * (in.batchedCfg ? 2 : 1) > kFfnChunkTokens)
        ffnChunks.push_back(kFfnChunkTokens);

    // The first variant that fits, in the order above.
    const auto firstFit = [&](std::uint64_t budget) -> std::optional<Placement> {
        for (const auto& candidate : candidates)
            for (const auto chunk : ffnChunks)
                for (const int tile : tilings) {
                    Placement p = withTiles(candidate, tile);
                    p.ffnChunkTokens = chunk;
                    if (fitsDevice(in, p, budget))
                        return p;
                }
        return std::nullopt;
    };
    const auto fit = plan.budget ? firstFit(*plan.budget) : std::nullopt;
    const bool found = fit.has_value();
    if (found) {
        plan.placement = *fit;
    } else if (plan.budget) {
        // Nothing fits: the leanest placement.
        plan.placement = withTiles(candidates.back(), tilings.back());
        plan.placement.ffnChunkTokens = ffnChunks.back();
    } else {
        // Unknown memory: the request's own choice (Auto: resident; VaeTiling On: the default tile).
        plan.placement =
            withTiles(candidates.front(), request.vaeTiling == VaeTiling::On ? kDefaultVaeTilePx : 0);
    }
    plan.estimate = estimateDeviceMemory(in, plan.placement);
    const Placement& chosen = plan.placement;

    std::string text = placementText(chosen) + " (estimated peak " + formatBytes(plan.estimate.peak());
    if (!freeBytes && !budgetBytes)
        text += ", free device memory unknown: set a VRAM budget to plan for it";
    else if (plan.budget)
        text += " of a budget of " + formatBytes(*plan.budget);
    text += ")";
    plan.placement.description = text;
    if (found || !plan.budget)
        return plan;

    // Nothing fits. The leanest placement possible decides what to propose.
    Placement leanest = withTiles(placement(true, true, true), tilings.back());
    leanest.ffnChunkTokens = ffnChunks.back();
    const std::uint64_t budget = *plan.budget;
    if (request.memory != MemoryMode::Auto && fitsDevice(in, leanest, budget)) {
        // The user's forced mode does not fit but another would: run it as asked, with the advice.
        plan.placement.description += "; the estimate exceeds the budget, memory mode auto would fit";
        return plan;
    }
    const auto lean = estimateDeviceMemory(in, leanest);
    std::vector<std::string> options;
    for (int frames = in.frames - 4; frames >= 1; frames -= 4)
        if (fitsDevice(resized(in, in.width, in.height, frames), leanest, budget)) {
            options.push_back("at most " + std::to_string(frames) + " frames");
            break;
        }
    for (double scale = 0.9; scale > 0.1; scale -= 0.05) {
        const int width = int(std::floor(in.width * scale / 16.0)) * 16;
        const int height = int(std::floor(in.height * scale / 16.0)) * 16;
        if (width < 16 || height < 16)
            break;
        if (fitsDevice(resized(in, width, height, in.frames), leanest, budget)) {
            options.push_back("a size of at most " + std::to_string(width) + "*" + std::to_string(height));
            break;
        }
    }
    if (in.computeBytes >= 2) {
        DeviceMemoryInput quantised = in; // 8-bit weights (fp8, GGUF Q8_0) halve the bf16 bytes
        quantised.ditWeights /= 2;
        quantised.ditBlockWeights /= 2;
        if (fitsDevice(quantised, leanest, budget))
            options.push_back("8-bit DiT weights (an fp8 or GGUF Q8_0 file)");
    }
    if (budgetBytes && freeBytes && *budgetBytes < *freeBytes - *freeBytes / 10)
        options.push_back("a larger VRAM budget");
    plan.refusal =
        "not enough GPU memory for this job: even with the T5 on the CPU, the DiT streamed block by "
        "block and a tiled VAE it needs about " +
        formatBytes(lean.peak()) + " (" + lean.breakdown() + "), but the budget is " + formatBytes(budget);
    text = ". It would fit with ";
    for (std::size_t i = 0; i < options.size(); ++i)
        text += (i == 0 ? "" : (i + 1 == options.size() ? ", or " : ", ")) + options[i];
    if (options.empty())
        text += "a GPU with more memory";
    plan.refusal += text;
    return plan;
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
    // A GPU job keeps its VAE in host memory between encodes and decodes.
    e.vaeWeights = in.vaeParameters * std::uint64_t(in.vaeElementBytes);

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
