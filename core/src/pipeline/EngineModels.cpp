// The engine's model cache and placement: the memory plan and the host memory pre-flight, loading what is not
// cached (each part from its own file or the folder), unloading on a change, moving models to the device for
// a stage and offloading them after it.
#include "pipeline/EngineImpl.h"

#include "pipeline/DeviceInfo.h"

#include <spdlog/spdlog.h>

namespace wan {

using pipeline::ModelKey;
using pipeline::throwIfCancelled;

namespace {

namespace fs = std::filesystem;

fs::path canonicalOrEmpty(const fs::path& path)
{
    return path.empty() ? path : fs::weakly_canonical(path);
}

// The VAE file of a request: its own (ModelFiles::vae) or the folder's.
fs::path vaeFileOf(const Request& r)
{
    return r.models.vae.empty() ? r.ckptDir / officialFiles::kVae : r.models.vae;
}

// Parameters of the CLIP vision tower (the checkpoint also holds a text tower the engine never loads).
std::uint64_t clipTowerParameters(const ClipDims& c)
{
    const std::uint64_t w = std::uint64_t(c.width);
    const std::uint64_t grid = c.patchSize > 0 ? std::uint64_t(c.imageSize / c.patchSize) : 0;
    return std::uint64_t(c.layers) * (4 * w * w + 2 * w * std::uint64_t(c.mlpDim)) +
           3 * std::uint64_t(c.patchSize) * std::uint64_t(c.patchSize) * w + (grid * grid + 1) * w +
           w * std::uint64_t(c.outDim);
}

} // namespace

void Engine::Impl::unloadAll()
{
    t5.reset();
    dit.reset();
    vae.reset();
    clip.reset();
    key.reset();
    textContexts.clear(); // encoded prompts live on the device too ("Pause and free GPU" frees them)
    pipeline::releaseCachedDeviceMemory();
}

void Engine::Impl::useKey(const ModelKey& wanted)
{
    if (key && *key == wanted)
        return;
    if (key)
        spdlog::info("model folder, device or precision changed: unloading the cached models");
    unloadAll();
    key = wanted;
}

pipeline::DevicePlan Engine::Impl::devicePlan(const Request& r, const ModelInfo* info) const
{
    if (!device.is_cuda()) {
        pipeline::DevicePlan cpu;
        cpu.placement.tileVae = r.vaeTiling == VaeTiling::On;
        cpu.placement.vaeTilePx = cpu.placement.tileVae ? pipeline::kDefaultVaeTilePx : 0;
        cpu.placement.description = cpu.placement.tileVae
                                        ? "cpu: all models in host memory, VAE in " +
                                              std::to_string(cpu.placement.vaeTilePx) + " px tiles"
                                        : "cpu: all models in host memory";
        return cpu;
    }
    pipeline::DeviceMemoryInput in;
    const bool fp32 = dtype == torch::kFloat32;
    in.computeBytes = fp32 ? 4 : 2;
    const bool imageTask = r.task == Task::I2V || r.task == Task::FLF2V;
    pipeline::Patch patch;
    if (info && info->dit.patchSize.size() == 3)
        patch = {info->dit.patchSize[0], info->dit.patchSize[1], info->dit.patchSize[2]};
    const auto g =
        imageTask
            ? pipeline::imageToVideoGeometry(r.width, r.height, std::int64_t(r.width) * r.height, r.frameNum,
                                             patch)
            : pipeline::textToVideoGeometry(r.width, r.height, r.task == Task::T2I ? 1 : r.frameNum, patch);
    in.seqLen = g.seqLen;
    in.width = g.width;
    in.height = g.height;
    in.frames = g.frames;
    in.batchedCfg = r.batchedCfg;
    in.encodesVideo = imageTask || r.task == Task::VACE;
    const int vaeElement = vaeDtype(r) == torch::kFloat32 ? 4 : 2;
    in.vaeBytes = vaeElement;
    if (info) {
        const auto& d = info->dit;
        // Float weights in the job's dtype; fp8 and GGUF weights stay as stored.
        std::uint64_t params = 0, bytes = 0;
        for (const auto& file : d.files) {
            params += file.parameterCount;
            const bool floating = file.dtype == "F32" || file.dtype == "BF16" || file.dtype == "F16";
            bytes += floating ? file.parameterCount * std::uint64_t(in.computeBytes) : file.sizeBytes;
        }
        // Parameters outside the blocks: patch, text, time and head layers.
        const std::uint64_t dim = std::uint64_t(d.dim);
        std::uint64_t patch = 1;
        for (const int p : d.patchSize)
            patch *= std::uint64_t(std::max(1, p));
        const std::uint64_t outside = std::uint64_t(d.inDim) * patch * dim + std::uint64_t(d.textDim) * dim +
                                      dim * dim + std::uint64_t(d.freqDim) * dim + dim * dim + 6 * dim * dim +
                                      dim * std::uint64_t(d.outDim) * patch;
        const std::uint64_t inBlocks = params > outside ? params - outside : params;
        in.ditWeights = bytes;
        in.ditLayers = d.numLayers;
        in.ditBlockWeights =
            d.numLayers > 0 && params > 0
                ? std::uint64_t(double(inBlocks) / d.numLayers * double(bytes) / double(params))
                : 0;
        in.ditDim = d.dim;
        in.ditFfnDim = d.ffnDim;
        in.textLen = d.textLen;
        in.t5Weights = info->t5.file.parameterCount * 2; // bf16 on the device (fp8 widened at load)
        in.vaeWeights = info->vae.file.parameterCount * std::uint64_t(vaeElement);
        if (info->clip && imageTask)
            in.clipWeights = clipTowerParameters(*info->clip) * std::uint64_t(fp32 ? 4 : 2);
    }
    const std::uint64_t free = pipeline::freeDeviceMemory(device);
    std::optional<std::uint64_t> budget;
    if (r.vramBudgetGiB)
        budget = std::uint64_t(*r.vramBudgetGiB * double(1ull << 30));
    return pipeline::planDevice(r, in, free > 0 ? std::optional(free) : std::nullopt, budget);
}

void Engine::Impl::plan(const Request& r, const ModelInfo* info)
{
    auto chosen = devicePlan(r, info);
    if (device.is_cuda())
        spdlog::info("device memory estimate: {}", chosen.estimate.breakdown());
    if (!chosen.refusal.empty())
        throw Error(ErrorKind::OutOfMemory, chosen.refusal);
    placement = std::move(chosen.placement);
}

MemoryPlan Engine::planMemoryDetails(const Request& request)
{
    m_impl->resolveDevice(request);
    // A plan writes nothing: a request without an output is checked as if it wrote the task's usual file.
    Request checked = request;
    if (checked.outputPath.empty() && checked.framesDir.empty() && checked.latentsPath.empty())
        checked.outputPath = checked.task == Task::T2I ? "plan.png" : "plan.mp4";
    const ModelInfo info = m_impl->checkRequest(checked);
    // VACE: the request's size and frame count stand for the source video's (not decoded for a plan).
    const Request& planned = request;
    const auto chosen = m_impl->devicePlan(planned, &info);
    MemoryPlan plan;
    plan.device = m_impl->device.str();
    plan.t5OnCpu = chosen.placement.t5OnCpu;
    plan.offloadModels = chosen.placement.offloadModels;
    plan.streamDitBlocks = chosen.placement.streamDitBlocks;
    plan.tileVae = chosen.placement.tileVae;
    plan.vaeTilePx = chosen.placement.vaeTilePx;
    plan.description = chosen.placement.description;
    plan.refusal = chosen.refusal;
    if (m_impl->device.is_cuda()) {
        plan.devicePeakBytes = chosen.estimate.peak();
        plan.deviceBudgetBytes = chosen.budget;
        plan.deviceBreakdown = chosen.estimate.breakdown();
    }
    const auto host = m_impl->hostMemoryPlan(planned, info, chosen.placement);
    plan.hostPeakBytes = host.estimate.total();
    plan.hostAvailableBytes = host.available;
    if (plan.refusal.empty())
        plan.refusal = host.refusal;
    return plan;
}

std::string Engine::planMemory(const Request& request)
{
    const MemoryPlan plan = planMemoryDetails(request);
    std::string text = plan.description;
    if (!plan.deviceBreakdown.empty())
        text += "\nestimated device memory: " + plan.deviceBreakdown;
    if (!plan.refusal.empty())
        text += "\n" + plan.refusal;
    return text;
}

Engine::Impl::HostPlan Engine::Impl::hostMemoryPlan(const Request& r, const ModelInfo& info,
                                                    const pipeline::Placement& where) const
{
    HostPlan plan;
    plan.available =
        availableHostMemoryOverride ? *availableHostMemoryOverride : pipeline::availableHostMemory();
    pipeline::HostMemoryInput in;
    for (const auto& file : info.dit.files)
        in.ditParameters += file.parameterCount;
    in.t5Parameters = info.t5.file.parameterCount;
    in.vaeParameters = info.vae.file.parameterCount;
    if (info.clip && (r.task == Task::I2V || r.task == Task::FLF2V)) {
        // The vision tower only (the checkpoint also holds a text tower the engine never loads).
        in.clipParameters = clipTowerParameters(*info.clip);
    }
    in.ditDim = info.dit.dim;
    in.ditFfnDim = info.dit.ffnDim;
    in.ditElementBytes = dtype == torch::kFloat32 ? 4 : 2;
    in.clipElementBytes = device.is_cpu() || dtype == torch::kFloat32 ? in.ditElementBytes : 2;
    in.vaeElementBytes = vaeDtype(r) == torch::kFloat32 ? 4 : 2;
    in.width = r.width;
    in.height = r.height;
    in.frames = r.task == Task::T2I ? 1 : r.frameNum;
    in.batchedCfg = r.batchedCfg;
    in.encodesVideo = r.task == Task::I2V || r.task == Task::FLF2V || r.task == Task::VACE;
    plan.estimate = pipeline::estimateHostMemory(in, where);
    if (plan.available > 0) // 0: unknown (no /proc): nothing to compare with
        plan.refusal = pipeline::hostMemoryRefusal(in, where, plan.available);
    return plan;
}

void Engine::Impl::checkHostMemory(const Request& r, const ModelInfo& info) const
{
    const HostPlan host = hostMemoryPlan(r, info, placement);
    if (host.available == 0)
        return;
    spdlog::info("host memory: needs ~{} ({}), available {}", pipeline::formatBytes(host.estimate.total()),
                 host.estimate.breakdown(), pipeline::formatBytes(host.available));
    if (!host.refusal.empty())
        throw Error(ErrorKind::OutOfMemory, host.refusal);
}

torch::Dtype Engine::Impl::vaeDtype(const Request& r) const
{
    return pipeline::vaeDtypeFor(r.vaePrecision, device, dtype, fastBf16);
}

vae::VaeRunOptions Engine::Impl::vaeRunOptions() const
{
    vae::VaeRunOptions options;
    options.cancel = callbacks->cancel;
    options.tiling.enabled = placement.tileVae;
    if (placement.tileVae && placement.vaeTilePx > 0) {
        options.tiling.tileSizePx = placement.vaeTilePx;
        options.tiling.overlapPx = pipeline::vaeTileOverlapPx(placement.vaeTilePx);
    }
    return options;
}

torch::Tensor Engine::Impl::vaeEncode(const torch::Tensor& video)
{
    const vae::WanVae::DeviceScope onDevice(*vae, device);
    return vae->encode(video.to(device), vaeRunOptions());
}

torch::Dtype Engine::Impl::textDtype(const Request& r) const
{
    const auto t5Device = placement.t5OnCpu ? torch::Device(torch::kCPU) : device;
    return pipeline::textDtypeFor(r.textPrecision, t5Device, dtype, pipeline::cpuHasNativeBf16());
}

void Engine::Impl::ensureModels(const Request& r, const ModelInfo* info)
{
    const ModelFiles& f = r.models;
    useKey(ModelKey{canonicalOrEmpty(r.ckptDir),
                    {canonicalOrEmpty(f.dit), canonicalOrEmpty(f.t5), canonicalOrEmpty(f.vae),
                     canonicalOrEmpty(f.clip), canonicalOrEmpty(f.tokenizer)},
                    device.str(),
                    dtype,
                    placement.t5OnCpu,
                    placement.streamDitBlocks});
    const auto wantedVaeDtype = vaeDtype(r);
    if (vae && vae->dtype() != wantedVaeDtype)
        vae.reset();
    if (!vae) {
        progress(Stage::Loading, 0, 0);
        // The inspected set's VAE (a diffusers folder keeps it in vae/); finishing from latents inspects
        // nothing and takes the request's or the folder's file. It rests in host memory and comes to the GPU
        // for each encode and decode (WanVae::DeviceScope).
        const fs::path vaeFile = info && !info->vae.file.path.empty() ? info->vae.file.path : vaeFileOf(r);
        const torch::Device home = torch::kCPU;
        vae = info && !info->vae.file.path.empty()
                  ? vae::WanVae::load(info->vae, wantedVaeDtype, home, callbacks->cancel)
                  : vae::WanVae::load(vaeFile, wantedVaeDtype, home, callbacks->cancel);
        spdlog::info("VAE math: {} ({})", pipeline::dtypeName(vae->dtype()), enumName(r.vaePrecision));
        // A VAE of its own latent space (the built-in demo model's) says how its latents look.
        previewProjection = vae::readLatentRgbProjection(vaeFile.parent_path());
    }
    if (!info)
        return;
    throwIfCancelled(*callbacks);
    // The math is fixed when the encoder is built (GGUF norms are widened for it), so another one rebuilds
    // it.
    if (t5 && t5->computeDtype() != textDtype(r))
        t5.reset();
    if (!t5) {
        progress(Stage::Loading, 0, 0);
        text::TextEncoder::Options options;
        options.device = placement.t5OnCpu ? torch::Device(torch::kCPU) : device;
        // Weights keep the precision they are stored in (an fp16 file is not rounded to bf16; fp8 stays
        // fp8); the math follows the request's text precision.
        options.computeDtype = textDtype(r);
        options.cancel = callbacks->cancel;
        t5 = text::TextEncoder::load(*info, options);
        spdlog::info("text encoder math: {} ({})", pipeline::dtypeName(t5->computeDtype()),
                     enumName(r.textPrecision));
    }
    if (!dit) {
        progress(Stage::Loading, 0, 0);
        // Assigned only once complete: a cancelled or failed load leaves nothing half-loaded cached.
        const auto ditDevice = placement.streamDitBlocks ? torch::Device(torch::kCPU) : device;
        // Built from the inspected dims: the folder is analysed once, in checkRequest.
        auto loaded = dit::WanModel::load(*info, dtype, ditDevice, callbacks->cancel);
        if (placement.streamDitBlocks)
            loaded->setBlockStreaming(device);
        loaded->setBlockHook(blockHook);
        dit = std::move(loaded);
    }
    if ((r.task == Task::I2V || r.task == Task::FLF2V) && !clip) {
        progress(Stage::Loading, 0, 0);
        // The official CLIP runs in fp16 on the GPU; fp32 jobs keep fp32 for parity.
        const auto clipDtype = device.is_cpu() || dtype == torch::kFloat32 ? dtype : torch::kFloat16;
        clip = info->clip ? vision::ClipVision::load(*info->clip, clipDtype, device, callbacks->cancel)
                          : vision::ClipVision::load(f.clip.empty() ? r.ckptDir : f.clip, clipDtype, device,
                                                     callbacks->cancel);
    }
}

void Engine::Impl::offload(torch::nn::Module& module) const
{
    if (placement.offloadModels && device.is_cuda()) {
        module.to(torch::kCPU);
        pipeline::releaseCachedDeviceMemory();
    }
}

void Engine::Impl::bringBack(torch::nn::Module& module) const
{
    if (device.is_cuda())
        module.to(device);
}

Engine::Impl::OnDevice::OnDevice(const Impl& impl, torch::nn::Module& module, bool enabled)
    : m_impl(impl), m_module(module), m_enabled(enabled)
{
    if (!m_enabled)
        return;
    try {
        m_impl.bringBack(m_module);
    } catch (...) {
        rest();
        throw;
    }
}

Engine::Impl::OnDevice::~OnDevice()
{
    if (m_enabled)
        rest();
}

void Engine::Impl::OnDevice::rest() noexcept
{
    try {
        m_impl.offload(m_module);
    } catch (const std::exception& e) {
        spdlog::warn("cannot move a model back to host memory: {}", e.what());
    }
}

} // namespace wan
