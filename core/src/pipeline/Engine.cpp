#include "wan/Pipeline.h"

#include "wan/Devices.h"
#include "wan/ModelFolder.h"

#include "dit/Lora.h"
#include "dit/WanModel.h"
#include "io/TensorIo.h"
#include "media/Image.h"
#include "media/Mp4Writer.h"
#include "media/Png.h"
#include "pipeline/Conditioning.h"
#include "pipeline/DeviceInfo.h"
#include "pipeline/EngineInternals.h"
#include "pipeline/Geometry.h"
#include "pipeline/LatentsFile.h"
#include "pipeline/MemoryPlanner.h"
#include "pipeline/StepCache.h"
#include "sampling/Scheduler.h"
#include "text/T5Encoder.h"
#include "vae/LatentPreview.h"
#include "vae/WanVae.h"
#include "vision/ClipVision.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>

#ifndef WAN_VERSION
#define WAN_VERSION "0.0.0"
#endif

namespace wan {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kVaeFileName = "Wan2.1_VAE.pth";

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void throwIfCancelled(const Callbacks& callbacks)
{
    if (callbacks.cancel && callbacks.cancel->isCancelled())
        throw Error(ErrorKind::Cancelled, "cancelled");
}

std::string withArticle(const std::string& type)
{
    return (type.front() == 'i' || type.front() == 'f' ? "an " : "a ") + type;
}

std::string taskFolderType(Task task)
{
    switch (task) {
    case Task::I2V:
        return "i2v";
    case Task::FLF2V:
        return "flf2v";
    case Task::VACE:
        return "vace";
    case Task::T2V:
    case Task::T2I:
        break;
    }
    return "t2v";
}

torch::Dtype ditDtype(Precision precision, const torch::Device& device)
{
    switch (precision) {
    case Precision::Float32:
        return torch::kFloat32;
    case Precision::BFloat16:
        return torch::kBFloat16;
    case Precision::Float16:
        if (device.is_cpu())
            throw Error(
                ErrorKind::InvalidArgument,
                "fp16 needs a CUDA device (LibTorch has no fp16 CPU kernels): use fp32 or bf16 on the CPU");
        return torch::kFloat16;
    case Precision::Auto:
        break;
    }
    return device.is_cpu() ? torch::kFloat32 : torch::kBFloat16;
}

std::string dtypeName(torch::Dtype dtype)
{
    switch (dtype) {
    case torch::kFloat32:
        return "fp32";
    case torch::kBFloat16:
        return "bf16";
    case torch::kFloat16:
        return "fp16";
    default:
        return "other";
    }
}

// cache_video's make_grid(normalize, value_range=(-1, 1)) then (x * 255).type(uint8): [3, F, H, W] -> [F, H,
// W, 3].
torch::Tensor quantiseFrames(const torch::Tensor& video)
{
    const auto v = video.detach().to(torch::kCPU, torch::kFloat32).clamp(-1.0, 1.0);
    const auto unit = (v - (-1.0)) / 2;
    return (unit * 255).to(torch::kUInt8).permute({1, 2, 3, 0}).contiguous();
}

// torchvision save_image (the official T2I PNG): round half up instead of truncating.
media::RgbImage quantiseStill(const torch::Tensor& video)
{
    const auto v = video.detach().to(torch::kCPU, torch::kFloat32).clamp(-1.0, 1.0);
    const auto unit = (v - (-1.0)) / 2;
    const auto u8 =
        (unit * 255).add(0.5).clamp(0, 255).to(torch::kUInt8).select(1, 0).permute({1, 2, 0}).contiguous();
    media::RgbImage image;
    image.height = int(u8.size(0));
    image.width = int(u8.size(1));
    image.rgb.assign(u8.data_ptr<std::uint8_t>(), u8.data_ptr<std::uint8_t>() + u8.numel());
    return image;
}

media::VideoFrames toVideoFrames(const torch::Tensor& framesU8)
{
    media::VideoFrames frames;
    frames.count = int(framesU8.size(0));
    frames.height = int(framesU8.size(1));
    frames.width = int(framesU8.size(2));
    frames.rgb.assign(framesU8.data_ptr<std::uint8_t>(),
                      framesU8.data_ptr<std::uint8_t>() + framesU8.numel());
    return frames;
}

struct ModelKey
{
    fs::path dir;
    ModelFiles files; // canonical paths
    std::string device;
    torch::Dtype dtype = torch::kFloat32;
    bool t5OnCpu = false;
    bool streamDit = false;

    bool operator==(const ModelKey& o) const = default;
};

fs::path canonicalOrEmpty(const fs::path& path)
{
    return path.empty() ? path : fs::weakly_canonical(path);
}

// The VAE file of a request: its own (ModelFiles::vae) or the folder's.
fs::path vaeFileOf(const Request& r)
{
    return r.models.vae.empty() ? r.ckptDir / kVaeFileName : r.models.vae;
}

// What a request's model is called in logs, metadata and messages: the folder, else the DiT file.
fs::path modelNameOf(const Request& r)
{
    return r.ckptDir.empty() ? r.models.dit.stem() : fs::weakly_canonical(r.ckptDir).filename();
}

// Cleans up the files a job created when it does not finish. Files that existed before the job are never
// removed (a failed write leaves them as they were; PartialFile replaces a file only once complete).
class OutputGuard
{
public:
    // Call before writing `path`.
    void addIfNew(fs::path path)
    {
        std::error_code ec;
        if (!fs::exists(fs::symlink_status(path, ec)))
            m_paths.push_back(std::move(path));
    }
    void commit() { m_paths.clear(); }
    ~OutputGuard()
    {
        for (const auto& p : m_paths) {
            std::error_code ec;
            fs::remove(p, ec);
        }
    }

private:
    std::vector<fs::path> m_paths;
};

} // namespace

struct Engine::Impl
{
    TraceFn trace;
    std::optional<std::uint64_t> availableHostMemoryOverride; // tests: the "available RAM" figure
    std::function<void(std::size_t)> blockHook;               // tests: installed on every loaded DiT

    std::optional<ModelKey> key;
    std::unique_ptr<text::TextEncoder> t5;
    std::shared_ptr<dit::WanModel> dit;
    std::unique_ptr<vae::WanVae> vae;
    std::shared_ptr<vision::ClipVision> clip;

    // Per job.
    const Request* request = nullptr;
    const Callbacks* callbacks = nullptr;
    torch::Device device = torch::kCPU;
    torch::Dtype dtype = torch::kFloat32;
    pipeline::Placement placement;
    dit::LoraState loras;                                  // LoRAs applied to `dit`
    int ditCalls = 0, cachedCalls = 0, stepsSkipped = 0;   // of the last denoise()
    std::optional<pipeline::DenoiseCheckpoint> resumeFrom; // the checkpoint the next denoise() continues
    std::int64_t jobSeed = 0;                              // the seed generate() uses

    void emit(const char* name, int step, const torch::Tensor& value) const
    {
        if (trace)
            trace(name, step, value);
    }

    void progress(Stage stage, int step, int total, double secondsPerStep = 0.0, double eta = 0.0) const
    {
        if (callbacks->onProgress)
            callbacks->onProgress(Progress{stage, step, total, secondsPerStep, eta});
    }

    void unloadAll()
    {
        t5.reset();
        dit.reset();
        vae.reset();
        clip.reset();
        key.reset();
        pipeline::releaseCachedDeviceMemory();
    }

    void useKey(const ModelKey& wanted)
    {
        if (key && *key == wanted)
            return;
        if (key)
            spdlog::info("model folder, device or precision changed: unloading the cached models");
        unloadAll();
        key = wanted;
    }

    void plan(const Request& r, std::uint64_t ditParams)
    {
        pipeline::MemoryNeeds needs;
        const bool cuda = device.is_cuda();
        if (cuda) {
            // Sizes of the official checkpoints scaled by the DiT (a tiny test folder plans as tiny).
            const std::uint64_t elem = dtype == torch::kFloat32 ? 4 : 2;
            needs.ditBytes = ditParams * elem;
            needs.ditBlockBytes = needs.ditBytes / 40;
            needs.t5Bytes = 11'400'000'000ull; // umT5-XXL encoder in bf16
            needs.vaeBytes =
                pipeline::vaeDtypeFor(device, dtype) == torch::kBFloat16 ? 255'000'000ull : 510'000'000ull;
            const bool imageTask = r.task == Task::I2V || r.task == Task::FLF2V;
            needs.clipBytes = imageTask ? 1'300'000'000ull : 0;
            const auto g =
                imageTask
                    ? pipeline::imageToVideoGeometry(r.width, r.height, std::int64_t(r.width) * r.height,
                                                     r.frameNum)
                    : pipeline::textToVideoGeometry(r.width, r.height, r.task == Task::T2I ? 1 : r.frameNum);
            // One DiT call keeps a few [seq, dim]/[seq, ffn] activations; the VAE decode of one latent frame
            // at full resolution dominates the rest.
            const std::uint64_t dim = ditParams > 5'000'000'000ull ? 5120 : 1536;
            const std::uint64_t ditAct = std::uint64_t(g.seqLen) * dim * 4 * 12;
            const std::uint64_t vaeAct = std::uint64_t(g.height) * g.width * 4 * 96 * 6;
            needs.activationBytes = std::max(ditAct, vaeAct);
        }
        placement = pipeline::planPlacement(r, cuda, pipeline::freeDeviceMemory(device), needs);
    }

    // Refuses a job whose host memory estimate exceeds the available RAM (the OOM killer would end the app).
    void checkHostMemory(const Request& r, const ModelInfo& info, std::uint64_t ditParameters) const
    {
        const std::uint64_t available =
            availableHostMemoryOverride ? *availableHostMemoryOverride : pipeline::availableHostMemory();
        if (available == 0)
            return; // unknown (no /proc): nothing to compare with
        pipeline::HostMemoryInput in;
        in.ditParameters = ditParameters;
        in.t5Parameters = info.t5.file.parameterCount;
        in.vaeParameters = info.vae.file.parameterCount;
        if (info.clip && (r.task == Task::I2V || r.task == Task::FLF2V)) {
            // The vision tower only (the checkpoint also holds a text tower the engine never loads).
            const auto& c = *info.clip;
            const std::uint64_t w = std::uint64_t(c.width);
            const std::uint64_t grid = c.patchSize > 0 ? std::uint64_t(c.imageSize / c.patchSize) : 0;
            in.clipParameters = std::uint64_t(c.layers) * (4 * w * w + 2 * w * std::uint64_t(c.mlpDim)) +
                                3 * std::uint64_t(c.patchSize) * std::uint64_t(c.patchSize) * w +
                                (grid * grid + 1) * w + w * std::uint64_t(c.outDim);
        }
        in.ditDim = info.dit.dim;
        in.ditFfnDim = info.dit.ffnDim;
        in.ditElementBytes = dtype == torch::kFloat32 ? 4 : 2;
        in.clipElementBytes = device.is_cpu() || dtype == torch::kFloat32 ? in.ditElementBytes : 2;
        in.width = r.width;
        in.height = r.height;
        in.frames = r.task == Task::T2I ? 1 : r.frameNum;
        in.batchedCfg = r.batchedCfg;
        in.encodesVideo = r.task == Task::I2V || r.task == Task::FLF2V || r.task == Task::VACE;
        const auto estimate = pipeline::estimateHostMemory(in, placement);
        spdlog::info("host memory: needs ~{} ({}), available {}", pipeline::formatBytes(estimate.total()),
                     estimate.breakdown(), pipeline::formatBytes(available));
        const auto refusal = pipeline::hostMemoryRefusal(in, placement, available);
        if (!refusal.empty())
            throw Error(ErrorKind::OutOfMemory, refusal);
    }

    // Loads what is not cached yet: the VAE always, the rest when `info` (the inspected set) is given. Each
    // part comes from its own file (ModelFiles) or from the folder.
    void ensureModels(const Request& r, const ModelInfo* info)
    {
        const ModelFiles& f = r.models;
        useKey(ModelKey{canonicalOrEmpty(r.ckptDir),
                        {canonicalOrEmpty(f.dit), canonicalOrEmpty(f.t5), canonicalOrEmpty(f.vae),
                         canonicalOrEmpty(f.clip), canonicalOrEmpty(f.tokenizer)},
                        device.str(),
                        dtype,
                        placement.t5OnCpu,
                        placement.streamDitBlocks});
        if (!vae) {
            progress(Stage::Loading, 0, 0);
            vae = vae::WanVae::load(vaeFileOf(r), pipeline::vaeDtypeFor(device, dtype), device,
                                    callbacks->cancel);
        }
        if (!info)
            return;
        throwIfCancelled(*callbacks);
        if (!t5) {
            progress(Stage::Loading, 0, 0);
            text::TextEncoder::Options options;
            options.device = placement.t5OnCpu ? torch::Device(torch::kCPU) : device;
            // Weights keep the precision they are stored in (an fp16 file is not rounded to bf16; fp8 stays
            // fp8). The math: fp32 jobs are parity runs everywhere; otherwise the CPU computes in the job's
            // dtype and CUDA in bf16, as the official T5 on the GPU (fp16 overflows in T5's feed-forward).
            options.computeDtype = dtype == torch::kFloat32 || device.is_cpu() ? dtype : torch::kBFloat16;
            options.cancel = callbacks->cancel;
            t5 = f.t5.empty() && f.tokenizer.empty()
                     ? text::TextEncoder::load(r.ckptDir, options)
                     : text::TextEncoder::loadFiles(info->t5.file.path, info->tokenizerModel, options);
        }
        if (!dit) {
            progress(Stage::Loading, 0, 0);
            // Assigned only once complete: a cancelled or failed load leaves nothing half-loaded cached.
            const auto ditDevice = placement.streamDitBlocks ? torch::Device(torch::kCPU) : device;
            auto loaded = info->ditFile.empty()
                              ? dit::WanModel::load(r.ckptDir, dtype, ditDevice, callbacks->cancel)
                              : dit::WanModel::loadFile(info->ditFile, info->ditConfig, dtype, ditDevice,
                                                        callbacks->cancel);
            if (placement.streamDitBlocks)
                loaded->setBlockStreaming(device);
            loaded->setBlockHook(blockHook);
            dit = std::move(loaded);
        }
        if ((r.task == Task::I2V || r.task == Task::FLF2V) && !clip) {
            progress(Stage::Loading, 0, 0);
            // The official CLIP runs in fp16 on the GPU; fp32 jobs keep fp32 for parity.
            const auto clipDtype = device.is_cpu() || dtype == torch::kFloat32 ? dtype : torch::kFloat16;
            clip = vision::ClipVision::load(f.clip.empty() ? r.ckptDir : f.clip, clipDtype, device,
                                            callbacks->cancel);
        }
    }

    // The official offload moves a model back to host memory once its stage is over.
    void offload(torch::nn::Module& module) const
    {
        if (placement.offloadModels && device.is_cuda()) {
            module.to(torch::kCPU);
            pipeline::releaseCachedDeviceMemory();
        }
    }
    void bringBack(torch::nn::Module& module) const
    {
        if (device.is_cuda())
            module.to(device);
    }

    // A model on the compute device for one stage, back at its resting place (host memory when offloading)
    // however the stage ends: a c10::Error or wan::Error inside leaves no weights behind on the device.
    class OnDevice
    {
    public:
        OnDevice(const Impl& impl, torch::nn::Module& module, bool enabled = true)
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
        ~OnDevice()
        {
            if (m_enabled)
                rest();
        }
        OnDevice(const OnDevice&) = delete;
        OnDevice& operator=(const OnDevice&) = delete;

    private:
        void rest() noexcept
        {
            try {
                m_impl.offload(m_module);
            } catch (const std::exception& e) {
                spdlog::warn("cannot move a model back to host memory: {}", e.what());
            }
        }
        const Impl& m_impl;
        torch::nn::Module& m_module;
        bool m_enabled;
    };

    std::pair<torch::Tensor, torch::Tensor> encodeText(const Request& r)
    {
        progress(Stage::EncodingText, 0, 2);
        const auto negative = r.negativePrompt.value_or("");
        // As the official script: an empty negative prompt means the task's default.
        const auto n = negative.empty() ? defaultNegativePrompt(r.task) : negative;
        // Distilled sampling makes no unconditional call: the negative prompt is not encoded.
        const bool guided = r.samplerMode != SamplerMode::Distilled;
        torch::Tensor context, contextNull;
        {
            const OnDevice resident(*this, *t5->model(), !placement.t5OnCpu);
            context = t5->encode({r.prompt}, device, nullptr, callbacks->cancel).at(0);
            throwIfCancelled(*callbacks);
            if (guided)
                contextNull = t5->encode({n}, device, nullptr, callbacks->cancel).at(0);
        }
        emit("context", -1, context);
        if (guided)
            emit("context_null", -1, contextNull);
        progress(Stage::EncodingText, 2, 2);
        return {context, contextNull};
    }

    torch::Tensor drawNoise(const pipeline::Geometry& g, std::int64_t seed) const
    {
        const std::vector<std::int64_t> shape{pipeline::kLatentChannels, g.latFrames, g.latHeight,
                                              g.latWidth};
        torch::Tensor noise;
        if (request->noise == NoiseSource::Device && device.is_cuda()) {
            // The official script: torch.Generator(device).manual_seed(seed), randn on that device in fp32.
            auto generator = at::detail::getCUDAHooks().getNewGenerator(device.index());
            generator.set_current_seed(std::uint64_t(seed));
            noise =
                torch::randn(shape, generator, torch::TensorOptions().dtype(torch::kFloat32).device(device));
        } else {
            auto generator = at::make_generator<at::CPUGeneratorImpl>(std::uint64_t(seed));
            noise = torch::randn(shape, generator, torch::TensorOptions().dtype(torch::kFloat32));
        }
        emit("noise", -1, noise);
        return noise.to(device);
    }

    // Reads and checks the request's checkpoint before anything is loaded; returns the seed to use (the
    // saved one when the request asks for a random seed).
    std::int64_t prepareResume(const Request& r, std::int64_t seed)
    {
        resumeFrom.reset();
        jobSeed = seed;
        std::error_code ec;
        if (r.resumeStatePath.empty() || !fs::exists(r.resumeStatePath, ec))
            return seed;
        auto checkpoint = pipeline::readDenoiseCheckpoint(r.resumeStatePath);
        pipeline::checkDenoiseCheckpoint(
            r.resumeStatePath, checkpoint,
            pipeline::denoiseFingerprint(r, dtypeName(dtype), device.type() == torch::kCPU ? "cpu" : "cuda"),
            r.seed);
        spdlog::info("resuming from '{}': {} of {} steps done", r.resumeStatePath.string(),
                     checkpoint.stepsDone, r.steps);
        jobSeed = checkpoint.seed;
        resumeFrom = std::move(checkpoint);
        return jobSeed;
    }

    // Writes the checkpoint after `stepsDone` steps. A failed save costs only the ability to resume: it is
    // logged, and the job goes on.
    void saveCheckpoint(const Request& r, int stepsDone, const torch::Tensor& latent,
                        const sampling::Scheduler& scheduler) const
    {
        if (r.resumeStatePath.empty())
            return;
        const auto start = Clock::now();
        pipeline::DenoiseCheckpoint checkpoint;
        checkpoint.stepsDone = stepsDone;
        checkpoint.seed = jobSeed;
        checkpoint.latents = latent;
        checkpoint.sampler = scheduler.exportState();
        checkpoint.fingerprint =
            pipeline::denoiseFingerprint(r, dtypeName(dtype), device.type() == torch::kCPU ? "cpu" : "cuda");
        try {
            pipeline::writeDenoiseCheckpoint(r.resumeStatePath, checkpoint);
            spdlog::debug("checkpoint after step {} saved in {:.2f} s", stepsDone, secondsSince(start));
        } catch (const Error& e) {
            spdlog::warn("could not save the denoising checkpoint: {}", e.what());
        }
    }

    torch::Tensor denoise(const Request& r, const pipeline::Geometry& g, torch::Tensor latent,
                          const torch::Tensor& context, const torch::Tensor& contextNull,
                          const std::optional<torch::Tensor>& clipFea, const std::optional<torch::Tensor>& y,
                          const std::optional<torch::Tensor>& vaceContext = std::nullopt)
    {
        const bool distilled = r.samplerMode == SamplerMode::Distilled;
        auto scheduler = distilled ? std::make_unique<sampling::FlowDistilled>()
                                   : sampling::makeScheduler(r.solver, r.steps, r.shift);
        emit("timesteps", -1, scheduler->timesteps());
        emit("seq_len", -1, torch::full({1}, g.seqLen, torch::kInt64));
        // A streamed DiT stays streamed (its blocks live in host memory); a whole one follows the offload
        // rule.
        if (!placement.streamDitBlocks)
            bringBack(*dit);

        const int total = scheduler->numSteps();
        const auto* timesteps = scheduler->timesteps().data_ptr<std::int64_t>();
        std::optional<std::vector<torch::Tensor>> ys;
        if (y)
            ys = std::vector<torch::Tensor>{*y};
        // Batched CFG runs cond and uncond as one batch of 2: the image inputs are the same for both.
        std::optional<torch::Tensor> clipPair;
        std::optional<std::vector<torch::Tensor>> yPair;
        if (r.batchedCfg && clipFea)
            clipPair = torch::cat({*clipFea, *clipFea}, 0);
        if (r.batchedCfg && y)
            yPair = std::vector<torch::Tensor>{*y, *y};
        // VACE: the same source context (and scale) for the cond and the uncond call.
        std::optional<std::vector<torch::Tensor>> vace, vacePair;
        if (vaceContext) {
            vace = std::vector<torch::Tensor>{*vaceContext};
            vacePair = std::vector<torch::Tensor>{*vaceContext, *vaceContext};
        }
        std::optional<pipeline::StepCache> cache;
        if (r.stepCache != StepCacheMode::Off) {
            const auto calibration = pipeline::cacheCalibrationFor(dit->config(), r);
            cache.emplace(pipeline::stepCacheSettings(r, calibration), total);
            spdlog::info("step cache {}: {} calibration, threshold {}", toString(r.stepCache),
                         pipeline::toString(calibration), cache->settings().threshold);
        }
        ditCalls = 0;
        int first = 0; // resumed: the steps the checkpoint already holds
        if (resumeFrom) {
            if (resumeFrom->latents.sizes() != latent.sizes())
                throw Error(ErrorKind::InvalidArgument,
                            "'" + r.resumeStatePath.string() + "' holds latents of another size (" +
                                io::shapeString(resumeFrom->latents.sizes()) + ", this job needs " +
                                io::shapeString(latent.sizes()) + "): delete it to start over");
            try {
                scheduler->importState(resumeFrom->sampler, device);
            } catch (const Error& e) {
                throw Error(e.kind(), "'" + r.resumeStatePath.string() + "': " + e.what() +
                                          ": delete it to start the job from the beginning");
            }
            latent = resumeFrom->latents.to(device);
            first = resumeFrom->stepsDone;
            resumeFrom.reset();
        }
        int saved = first;
        const auto start = Clock::now();
        progress(Stage::Denoising, first, total);
        for (int k = first; k < total; ++k) {
            if (callbacks->cancel && callbacks->cancel->isCancelled() && k > saved)
                saveCheckpoint(r, k, latent, *scheduler); // a Pause resumes from here
            throwIfCancelled(*callbacks);
            const auto stepStart = Clock::now();
            const auto t = scheduler->modelTimestep(k).to(device);
            if (cache)
                cache->beginStep(k);
            auto* hook = cache ? &*cache : nullptr;
            torch::Tensor cond, uncond, noisePred;
            ditCalls += distilled || r.batchedCfg ? 1 : 2;
            if (distilled) {
                cond = dit->forward({latent}, t, {context}, g.seqLen, clipFea, ys, vace, r.contextScale, hook)
                           .at(0);
            } else if (r.batchedCfg) {
                const auto out = dit->forward({latent, latent}, t.repeat({2}), {context, contextNull},
                                              g.seqLen, clipPair, yPair, vacePair, r.contextScale, hook);
                cond = out.at(0);
                uncond = out.at(1);
            } else {
                cond = dit->forward({latent}, t, {context}, g.seqLen, clipFea, ys, vace, r.contextScale, hook)
                           .at(0);
                uncond = dit->forward({latent}, t, {contextNull}, g.seqLen, clipFea, ys, vace, r.contextScale,
                                      hook)
                             .at(0);
            }
            noisePred = distilled ? cond : uncond + r.guideScale * (cond - uncond);
            emit("noise_pred_cond", k, cond);
            if (!distilled)
                emit("noise_pred_uncond", k, uncond);
            emit("noise_pred", k, noisePred);
            const auto previous = latent;
            latent = scheduler->step(noisePred, timesteps[k], latent);
            emit("latent", k, latent);

            pipeline::synchronize(device);
            // The policy: every N steps when asked, else each slow step (losing it would hurt), and always
            // after the last one, before decoding.
            constexpr double kSlowStepSeconds = 20.0;
            const bool due = r.checkpointEverySteps > 0 ? (k + 1) % r.checkpointEverySteps == 0
                                                        : secondsSince(stepStart) > kSlowStepSeconds;
            if (due || k + 1 == total) {
                saveCheckpoint(r, k + 1, latent, *scheduler);
                saved = k + 1;
            }
            const double perStep = secondsSince(start) / double(k + 1 - first);
            progress(Stage::Denoising, k + 1, total, perStep, perStep * double(total - k - 1));
            const int every = r.previewEverySteps;
            if (callbacks->onPreview && every > 0 && ((k + 1) % every == 0 || k + 1 == total)) {
                // The model's current estimate of the clean latent says more than the noisy sample.
                const auto x0 = previous - scheduler->sigmas()[k].to(device) * noisePred;
                const auto rgb = vae::latentToRgb(x0.to(torch::kCPU)).contiguous();
                PreviewImage preview;
                preview.step = k + 1;
                preview.frames = int(rgb.size(0));
                preview.height = int(rgb.size(1));
                preview.width = int(rgb.size(2));
                preview.rgb.assign(rgb.data_ptr<std::uint8_t>(), rgb.data_ptr<std::uint8_t>() + rgb.numel());
                callbacks->onPreview(preview);
            }
        }
        cachedCalls = cache ? (cache->finish(), cache->cachedCalls()) : 0;
        stepsSkipped = cache ? cache->stepsSkipped() : 0;
        ditCalls -= cachedCalls;
        spdlog::info("denoising: {} DiT calls, {} answered by the step cache, {} of {} steps skipped",
                     ditCalls, cachedCalls, stepsSkipped, total);
        if (!placement.streamDitBlocks)
            offload(*dit);
        emit("x0", -1, latent);
        return latent;
    }

    std::map<std::string, std::string> settingsTags(const Request& r, const pipeline::Geometry& g,
                                                    std::int64_t seed) const
    {
        std::map<std::string, std::string> tags;
        tags[media::tag::kPrompt] = r.prompt;
        if (!r.originalPrompt.empty())
            tags["original_prompt"] = r.originalPrompt;
        tags[media::tag::kNegativePrompt] = r.negativePrompt.value_or("");
        tags[media::tag::kSeed] = std::to_string(seed);
        tags[media::tag::kSteps] = std::to_string(r.steps);
        tags[media::tag::kSolver] = toString(r.solver);
        char number[64];
        std::snprintf(number, sizeof(number), "%g", r.shift);
        tags[media::tag::kShift] = number;
        std::snprintf(number, sizeof(number), "%g", r.guideScale);
        tags[media::tag::kGuidance] = number;
        tags[media::tag::kModel] = modelNameOf(r).string();
        tags[media::tag::kSize] = std::to_string(g.width) + "*" + std::to_string(g.height);
        tags[media::tag::kFrames] = std::to_string(g.frames);
        tags[media::tag::kAppVersion] = WAN_VERSION;
        tags["task"] = toString(r.task);
        if (r.samplerMode != SamplerMode::Full)
            tags["sampler_mode"] = toString(r.samplerMode);
        std::string loraList;
        for (const auto& lora : r.loras) {
            std::snprintf(number, sizeof(number), "%g", lora.strength);
            loraList += (loraList.empty() ? "" : ",") + lora.path.filename().string() + ":" + number;
        }
        if (!loraList.empty())
            tags["loras"] = loraList;
        if (r.stepCache != StepCacheMode::Off) {
            tags["cache"] = toString(r.stepCache);
            tags["cache_preset"] = toString(r.cachePreset);
            if (r.cacheThreshold) {
                std::snprintf(number, sizeof(number), "%g", *r.cacheThreshold);
                tags["cache_threshold"] = number;
            }
        }
        tags["precision"] = dtypeName(dtype);
        tags["device"] = device.str();
        tags["noise"] = r.noise == NoiseSource::Device && device.is_cuda() ? "device" : "cpu";
        if (r.task == Task::I2V) {
            tags["image"] = r.image.filename().string();
            tags["max_area"] = std::to_string(std::int64_t(r.width) * r.height);
        } else if (r.task == Task::FLF2V) {
            tags["first_frame"] = r.firstFrame.filename().string();
            tags["last_frame"] = r.lastFrame.filename().string();
            tags["max_area"] = std::to_string(std::int64_t(r.width) * r.height);
        } else if (r.task == Task::VACE) {
            if (!r.srcVideo.empty())
                tags["src_video"] = r.srcVideo.filename().string();
            if (!r.srcMask.empty())
                tags["src_mask"] = r.srcMask.filename().string();
            std::string refs;
            for (const auto& file : r.srcRefImages)
                refs += (refs.empty() ? "" : ",") + file.filename().string();
            if (!refs.empty())
                tags["src_ref_images"] = refs;
            std::snprintf(number, sizeof(number), "%g", r.contextScale);
            tags["context_scale"] = number;
        }
        return tags;
    }

    // VAE decode, quantisation and every requested output. Latents must already be saved.
    void decodeAndWrite(const Request& r, const torch::Tensor& x0,
                        const std::map<std::string, std::string>& tags, Result& result)
    {
        throwIfCancelled(*callbacks);
        vae::VaeRunOptions options;
        options.cancel = callbacks->cancel;
        options.tiling.enabled = placement.tileVae;
        options.progress = [this](int done, int total) { progress(Stage::Decoding, done, total); };
        progress(Stage::Decoding, 0, 0);
        const auto video = vae->decode(x0.to(vae->device()), options);
        emit("video", -1, video);
        const auto framesU8 = quantiseFrames(video);
        emit("frames_u8", -1, framesU8);
        result.frames = int(framesU8.size(0));
        result.height = int(framesU8.size(1));
        result.width = int(framesU8.size(2));
        throwIfCancelled(*callbacks);

        progress(Stage::Writing, 0, 1);
        OutputGuard guard;
        const auto frames = toVideoFrames(framesU8);
        if (!r.framesDir.empty()) {
            std::error_code ec;
            fs::create_directories(r.framesDir, ec);
            for (int i = 0; i < frames.count; ++i) {
                throwIfCancelled(*callbacks);
                const auto path = r.framesDir / media::sequenceFrameName(i, frames.count);
                guard.addIfNew(path);
                media::writePng(path, frames, i);
            }
        }
        if (!r.outputPath.empty()) {
            throwIfCancelled(*callbacks);
            guard.addIfNew(r.outputPath);
            auto ext = r.outputPath.extension().string();
            for (auto& c : ext)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            if (ext == ".png" || (r.task == Task::T2I && ext != ".mp4")) {
                if (frames.count != 1)
                    throw Error(ErrorKind::InvalidArgument,
                                "'" + r.outputPath.string() +
                                    "': a PNG holds one frame; use .mp4 for videos");
                media::writePng(r.outputPath, quantiseStill(video));
            } else {
                media::Mp4Options mp4;
                mp4.fps = r.fps;
                mp4.crf = r.crf;
                mp4.metadata.tags = tags;
                media::writeMp4(r.outputPath, frames, mp4, callbacks->cancel);
            }
            result.outputPath = r.outputPath;
        }
        // The output is the final commit: once it replaced the old file, nothing may remove it or the frames.
        guard.commit();
        progress(Stage::Writing, 1, 1);
    }

    void saveLatents(const Request& r, const torch::Tensor& x0,
                     const std::map<std::string, std::string>& tags, Result& result) const
    {
        if (r.latentsPath.empty())
            return;
        auto meta = tags;
        meta["title"] = "final latents";
        pipeline::writeLatents(r.latentsPath, x0, meta);
        result.latentsPath = r.latentsPath;
    }

    void setUp(const Request& r, const Callbacks& cb)
    {
        request = &r;
        callbacks = &cb;
        device = pipeline::parseDevice(r.device); // "auto" resolved, absent devices refused
        dtype = ditDtype(resolvePrecision(r.precision, device.str()), device);
        if (device.is_cuda()) {
            // fp32 jobs are the parity runs: no TF32 anywhere. Otherwise LibTorch's defaults, as the official
            // script (TF32 convolutions, full-precision matmuls).
            at::globalContext().setAllowTF32CuDNN(dtype != torch::kFloat32);
            at::globalContext().setAllowTF32CuBLAS(false);
        }
    }

    // What the FLF2V / VACE conditioning (pipeline/Conditioning.h) uses of the loaded models.
    pipeline::ConditioningHooks conditioningHooks()
    {
        pipeline::ConditioningHooks hooks;
        hooks.emit = [this](const char* name, const torch::Tensor& value) { emit(name, -1, value); };
        hooks.vaeEncode = [this](const torch::Tensor& video) {
            throwIfCancelled(*callbacks);
            vae::VaeRunOptions options;
            options.cancel = callbacks->cancel;
            options.tiling.enabled = placement.tileVae;
            return vae->encode(video.to(vae->device()), options);
        };
        hooks.clipEncode = [this](const std::vector<torch::Tensor>& images) {
            std::vector<torch::Tensor> onDevice;
            for (const auto& image : images)
                onDevice.push_back(image.to(device));
            return clip->encode(onDevice);
        };
        return hooks;
    }

    void generate(const Request& r, Result& result)
    {
        validate(r);
        if (r.ckptDir.empty() && r.models.empty())
            throw Error(ErrorKind::InvalidArgument, "no model folder given", "ckpt_dir");
        // Validates every file of the set (names, shapes, dtypes) before anything is loaded.
        const ModelInfo info = inspectModelSet(r.ckptDir, r.models);
        const std::string folderType = modelTypeName(info.modelType);
        const std::string setName = r.models.dit.empty() ? "the model folder '" + r.ckptDir.string() + "'"
                                                         : "the DiT '" + r.models.dit.string() + "'";
        if (folderType != taskFolderType(r.task))
            throw Error(ErrorKind::InvalidArgument, setName + " holds " + withArticle(folderType) +
                                                        " model, but task " + toString(r.task) + " needs " +
                                                        withArticle(taskFolderType(r.task)) +
                                                        " model folder");
        std::int64_t seed = r.seed;
        if (seed < 0) {
            std::random_device rd;
            seed = std::int64_t((std::uint64_t(rd()) << 32 | rd()) & std::uint64_t(INT64_MAX));
        }
        seed = prepareResume(r, seed); // a foreign or broken checkpoint fails here, before any loading
        result.seed = seed;

        // VACE: the source decides the geometry, so it is read (and checked) before anything is loaded.
        std::optional<pipeline::VaceSource> vaceSource;
        Request planned = r;
        if (r.task == Task::VACE) {
            vaceSource = pipeline::loadVaceSource(r);
            planned.width = vaceSource->width;
            planned.height = vaceSource->height;
            planned.frameNum = vaceSource->frames + pipeline::kVaeStrideT * int(vaceSource->refs.size());
        }

        std::uint64_t ditParameters = 0;
        for (const auto& file : info.dit.files)
            ditParameters += file.parameterCount;
        plan(planned, ditParameters);
        result.placement = placement.description;
        spdlog::info("placement: {}", placement.description);
        checkHostMemory(planned, info, ditParameters); // before anything is loaded

        ensureModels(r, &info);
        // Merged into resident weights; on the fly into streamed blocks (or when asked).
        if (r.loraApply == LoraApply::Merge && dit->blockStreaming() && !r.loras.empty())
            throw Error(ErrorKind::InvalidArgument,
                        "LoRAs cannot be merged into a DiT streamed block by block: "
                        "apply them on the fly (LoRA mode on_the_fly or auto)",
                        reason::kLoraMergeStreamed);
        loras.apply(dit, r.loras,
                    r.loraApply == LoraApply::OnTheFly ||
                        (r.loraApply == LoraApply::Auto && dit->blockStreaming()));
        throwIfCancelled(*callbacks);

        pipeline::Geometry g;
        torch::Tensor noise, context, contextNull;
        std::optional<torch::Tensor> clipFea, y, vaceContext;
        int refFrames = 0; // VACE: leading latent frames that are reference images
        if (r.task == Task::I2V) {
            progress(Stage::EncodingImage, 0, 2);
            // Upright, as the GUI shows it.
            const auto image = media::loadImageRgb(r.image, media::ExifOrientation::Apply);
            auto img = torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()),
                                        {image.height, image.width, 3}, torch::kUInt8)
                           .permute({2, 0, 1})
                           .to(torch::kFloat32)
                           .div(255)
                           .sub(0.5)
                           .div(0.5);
            emit("img", -1, img);
            g = pipeline::imageToVideoGeometry(image.width, image.height, std::int64_t(r.width) * r.height,
                                               r.frameNum);
            if (g.latHeight < 2 || g.latWidth < 2)
                throw Error(ErrorKind::InvalidArgument,
                            "the maximum area is too small for this image's aspect ratio");
            noise = drawNoise(g, seed); // first draw of the seeded generator, as the official order

            auto mask = torch::zeros({4, g.latFrames, g.latHeight, g.latWidth}, torch::kFloat32);
            mask.select(1, 0).fill_(1.0);

            std::tie(context, contextNull) = encodeText(r);
            throwIfCancelled(*callbacks);

            {
                const OnDevice resident(*this, *clip);
                clipFea = clip->encode(img.to(device));
            }
            emit("clip_fea", -1, *clipFea);
            progress(Stage::EncodingImage, 1, 2);

            namespace F = torch::nn::functional;
            const auto resized =
                F::interpolate(img.unsqueeze(0), F::InterpolateFuncOptions()
                                                     .size(std::vector<int64_t>{g.height, g.width})
                                                     .mode(torch::kBicubic)
                                                     .align_corners(false))
                    .transpose(0, 1);
            const auto vaeInput =
                torch::cat({resized, torch::zeros({3, g.frames - 1, g.height, g.width}, torch::kFloat32)}, 1);
            emit("vae_encode_input", -1, vaeInput);
            vae::VaeRunOptions encodeOptions;
            encodeOptions.cancel = callbacks->cancel;
            encodeOptions.tiling.enabled = placement.tileVae;
            const auto latent = vae->encode(vaeInput.to(vae->device()), encodeOptions);
            y = torch::cat({mask.to(latent.device()), latent}, 0).to(device);
            emit("y", -1, *y);
            progress(Stage::EncodingImage, 2, 2);
        } else if (r.task == Task::FLF2V) {
            std::tie(context, contextNull) = encodeText(r);
            throwIfCancelled(*callbacks);
            progress(Stage::EncodingImage, 0, 1);
            const auto conditioning = [&] {
                const OnDevice resident(*this, *clip);
                return pipeline::firstLastConditioning(r, conditioningHooks());
            }();
            progress(Stage::EncodingImage, 1, 1);
            g = conditioning.geometry;
            clipFea = conditioning.clipFea.to(device);
            y = conditioning.y.to(device);
            noise = drawNoise(g, seed);
        } else if (r.task == Task::VACE) {
            std::tie(context, contextNull) = encodeText(r);
            throwIfCancelled(*callbacks);
            progress(Stage::EncodingImage, 0, 1);
            emit("src_video", -1, vaceSource->video);
            emit("src_mask", -1, vaceSource->mask);
            if (!vaceSource->refs.empty())
                emit("ref_image", -1, vaceSource->refs.front());
            auto conditioning = pipeline::vaceConditioning(*vaceSource, conditioningHooks());
            vaceSource.reset();
            progress(Stage::EncodingImage, 1, 1);
            g = conditioning.geometry;
            refFrames = conditioning.refFrames;
            vaceContext = conditioning.context.to(device);
            noise = drawNoise(g, seed);
        } else {
            const int frames = r.task == Task::T2I ? 1 : r.frameNum;
            g = pipeline::textToVideoGeometry(r.width, r.height, frames);
            std::tie(context, contextNull) = encodeText(r);
            noise = drawNoise(g, seed);
        }
        throwIfCancelled(*callbacks);

        // denoise() brings the DiT to the device and offloads it after; the guard does the latter also when a
        // step throws. A streamed DiT stays streamed (WanModel releases its blocks itself).
        auto x0 = [&] {
            const OnDevice resident(*this, *dit, !placement.streamDitBlocks);
            return denoise(r, g, noise, context, contextNull, clipFea, y, vaceContext);
        }();
        result.ditCalls = ditCalls;
        result.cachedCalls = cachedCalls;
        result.stepsSkipped = stepsSkipped;
        if (r.task == Task::VACE) {
            // The reference frames only steer the generation: the saved latents and the video leave them out.
            x0 = x0.narrow(1, refFrames, x0.size(1) - refFrames).contiguous();
            emit("decode_input", -1, x0);
        }
        const auto tags = settingsTags(r, g, seed);
        saveLatents(r, x0, tags, result);
        decodeAndWrite(r, x0, tags, result);
        if (!r.resumeStatePath.empty()) {
            std::error_code ec;
            fs::remove(r.resumeStatePath, ec); // done: nothing left to resume
        }
    }

    void finishFromLatents(const Request& r, const fs::path& latentsFile, Result& result)
    {
        if (r.outputPath.empty() && r.framesDir.empty())
            throw Error(ErrorKind::InvalidArgument,
                        "finishing from '" + latentsFile.string() +
                            "' writes nothing: give an output file or a frames folder",
                        reason::kNoOutput);
        const auto latents = pipeline::readLatents(latentsFile);
        plan(r, 0);
        result.placement = placement.description;
        ensureModels(r, nullptr);
        pipeline::Geometry g;
        g.latFrames = int(latents.size(1));
        g.latHeight = int(latents.size(2));
        g.latWidth = int(latents.size(3));
        g.frames = 1 + pipeline::kVaeStrideT * (g.latFrames - 1);
        g.height = g.latHeight * pipeline::kVaeStrideHW;
        g.width = g.latWidth * pipeline::kVaeStrideHW;
        result.seed = r.seed;
        result.latentsPath = latentsFile;
        decodeAndWrite(r, latents.to(device), settingsTags(r, g, r.seed), result);
    }

    template <typename Body> Result guarded(const Request& r, const Callbacks& cb, Body&& body)
    {
        c10::InferenceMode inference;
        const auto start = Clock::now();
        Result result;
        try {
            setUp(r, cb);
            body(result);
            result.status = JobStatus::Done;
        } catch (const Error& e) {
            result.status = e.kind() == ErrorKind::Cancelled ? JobStatus::Cancelled : JobStatus::Failed;
            result.errorKind = e.kind();
            result.errorReason = e.reason();
            result.error = e.kind() == ErrorKind::Cancelled ? "cancelled" : e.what();
        } catch (const c10::Error& e) {
            const std::string message = e.what_without_backtrace();
            result.status = JobStatus::Failed;
            if (message.find("out of memory") != std::string::npos ||
                message.find("DefaultCPUAllocator: can't allocate") != std::string::npos) {
                result.errorKind = ErrorKind::OutOfMemory;
                result.error = "out of memory: " + message.substr(0, message.find('\n')) +
                               " (try offloading the models, the text encoder on the CPU, a smaller size or "
                               "fewer frames)";
            } else {
                result.errorKind = ErrorKind::Internal;
                result.error = "internal error: " + message;
            }
        } catch (const std::bad_alloc&) {
            result.status = JobStatus::Failed;
            result.errorKind = ErrorKind::OutOfMemory;
            result.error = "out of memory (try a smaller size, fewer frames or offloading the models)";
        } catch (const std::exception& e) {
            result.status = JobStatus::Failed;
            result.errorKind = ErrorKind::Internal;
            result.error = std::string("internal error: ") + e.what();
        }
        if (result.status != JobStatus::Done) {
            result.outputPath.clear();
            pipeline::releaseCachedDeviceMemory();
        }
        result.seconds = secondsSince(start);
        request = nullptr;
        callbacks = nullptr;
        return result;
    }
};

Engine::Engine() : m_impl(std::make_unique<Impl>()) {}
Engine::~Engine() = default;

Result Engine::run(const Request& request, const Callbacks& callbacks)
{
    return m_impl->guarded(request, callbacks, [&](Result& result) { m_impl->generate(request, result); });
}

Result Engine::decodeLatents(const Request& request, const std::filesystem::path& latents,
                             const Callbacks& callbacks)
{
    return m_impl->guarded(request, callbacks,
                           [&](Result& result) { m_impl->finishFromLatents(request, latents, result); });
}

void Engine::unload()
{
    m_impl->unloadAll();
}

void EngineInternals::setTrace(Engine& engine, TraceFn trace)
{
    engine.m_impl->trace = std::move(trace);
}

void EngineInternals::setBlockHook(Engine& engine, std::function<void(std::size_t)> hook)
{
    engine.m_impl->blockHook = std::move(hook);
    if (engine.m_impl->dit)
        engine.m_impl->dit->setBlockHook(engine.m_impl->blockHook);
}

std::vector<std::string> EngineInternals::cachedModels(const Engine& engine)
{
    std::vector<std::string> names;
    const auto& impl = *engine.m_impl;
    if (impl.t5)
        names.emplace_back("t5");
    if (impl.dit)
        names.emplace_back("dit");
    if (impl.vae)
        names.emplace_back("vae");
    if (impl.clip)
        names.emplace_back("clip");
    return names;
}

void EngineInternals::setAvailableHostMemory(Engine& engine, std::optional<std::uint64_t> bytes)
{
    engine.m_impl->availableHostMemoryOverride = bytes;
}

} // namespace wan
