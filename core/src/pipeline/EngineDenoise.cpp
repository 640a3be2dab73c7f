// The engine's denoising: the seeded noise, the scheduler loop (DiT calls with CFG as two calls or one batch,
// the step cache, previews, cancellation) and its resumable checkpoints.
#include "pipeline/EngineImpl.h"

#include "io/TensorIo.h"
#include "pipeline/DeviceInfo.h"
#include "pipeline/PreviewReadback.h"
#include "vae/LatentPreview.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace wan {

using pipeline::Clock;
using pipeline::dtypeName;
using pipeline::secondsSince;
using pipeline::throwIfCancelled;

namespace fs = std::filesystem;

torch::Tensor Engine::Impl::drawNoise(const Request& r, const pipeline::Geometry& g, std::int64_t seed) const
{
    const std::vector<std::int64_t> shape{pipeline::kLatentChannels, g.latFrames, g.latHeight, g.latWidth};
    torch::Tensor noise;
    if (r.noise == NoiseSource::Device && device.is_cuda()) {
        // The official script: torch.Generator(device).manual_seed(seed), randn on that device in fp32.
        auto generator = at::detail::getCUDAHooks().getNewGenerator(device.index());
        generator.set_current_seed(std::uint64_t(seed));
        noise = torch::randn(shape, generator, torch::TensorOptions().dtype(torch::kFloat32).device(device));
    } else {
        auto generator = at::make_generator<at::CPUGeneratorImpl>(std::uint64_t(seed));
        noise = torch::randn(shape, generator, torch::TensorOptions().dtype(torch::kFloat32));
    }
    emit("noise", -1, noise);
    return noise.to(device);
}

std::int64_t Engine::Impl::prepareResume(const Request& r, std::int64_t seed)
{
    resumeFrom.reset();
    jobSeed = seed;
    std::error_code ec;
    if (r.resumeStatePath.empty() || !fs::exists(r.resumeStatePath, ec))
        return seed;
    auto checkpoint = pipeline::readDenoiseCheckpoint(r.resumeStatePath);
    pipeline::checkDenoiseCheckpoint(
        r.resumeStatePath, checkpoint,
        pipeline::denoiseFingerprint(r, dtypeName(dtype), dtypeName(textDtype(r)), dtypeName(vaeDtype(r)),
                                     device.type() == torch::kCPU ? "cpu" : "cuda"),
        r.seed);
    spdlog::info("resuming from '{}': {} of {} steps done", r.resumeStatePath.string(), checkpoint.stepsDone,
                 r.steps);
    jobSeed = checkpoint.seed;
    resumeFrom = std::move(checkpoint);
    return jobSeed;
}

void Engine::Impl::saveCheckpoint(const Request& r, int stepsDone, const torch::Tensor& latent,
                                  const sampling::Scheduler& scheduler,
                                  const pipeline::StepCache* cache) const
{
    if (r.resumeStatePath.empty())
        return;
    const auto start = Clock::now();
    pipeline::DenoiseCheckpoint checkpoint;
    checkpoint.stepsDone = stepsDone;
    checkpoint.seed = jobSeed;
    checkpoint.latents = latent;
    checkpoint.sampler = scheduler.exportState();
    if (cache)
        checkpoint.stepCache = cache->exportState();
    checkpoint.fingerprint =
        pipeline::denoiseFingerprint(r, dtypeName(dtype), dtypeName(textDtype(r)), dtypeName(vaeDtype(r)),
                                     device.type() == torch::kCPU ? "cpu" : "cuda");
    try {
        pipeline::writeDenoiseCheckpoint(r.resumeStatePath, checkpoint);
        std::uint64_t cacheBytes = 0; // residuals: seqLen * dim floats per stream
        if (checkpoint.stepCache)
            for (const auto& [name, tensor] : checkpoint.stepCache->tensors)
                cacheBytes += std::uint64_t(tensor.numel()) * sizeof(float);
        spdlog::debug("checkpoint after step {} saved in {:.2f} s (step cache state: {})", stepsDone,
                      secondsSince(start), pipeline::formatBytes(cacheBytes));
    } catch (const Error& e) {
        spdlog::warn("could not save the denoising checkpoint: {}", e.what());
    }
}

torch::Tensor Engine::Impl::denoise(const Request& r, const pipeline::Geometry& g, torch::Tensor latent,
                                    const torch::Tensor& context, const torch::Tensor& contextNull,
                                    const std::optional<torch::Tensor>& clipFea,
                                    const std::optional<torch::Tensor>& y,
                                    const std::optional<torch::Tensor>& vaceContext)
{
    const bool distilled = r.samplerMode == SamplerMode::Distilled;
    auto scheduler = distilled ? std::make_unique<sampling::FlowDistilled>()
                               : sampling::makeScheduler(r.solver, r.steps, r.shift);
    emit("timesteps", -1, scheduler->timesteps());
    emit("seq_len", -1, torch::full({1}, g.seqLen, torch::kInt64));
    dit->setFfnChunkTokens(placement.ffnChunkTokens); // the plan's, 0 (whole) unless memory is short
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
        // The step cache goes on with its saved residuals, accumulators and counters, so it decides as
        // the uninterrupted job would have. (readDenoiseCheckpoint and the fingerprint already tie the state
        // to the job's cache settings; importState checks it against this cache and its shapes.)
        if (cache) {
            const auto& path = r.resumeStatePath.string();
            try {
                if (!resumeFrom->stepCache)
                    throw Error(ErrorKind::InvalidArgument, "the step cache's saved state is missing");
                cache->importState(*resumeFrom->stepCache, resumeFrom->stepsDone,
                                   {1, g.seqLen, dit->config().dim}, device);
            } catch (const Error& e) {
                throw Error(e.kind(), "'" + path + "': " + e.what() +
                                          ": delete it to start over, or resume with the settings it was "
                                          "made with");
            }
        }
        latent = resumeFrom->latents.to(device);
        first = resumeFrom->stepsDone;
        resumeFrom.reset();
    }
    // Every step's time embedding up front, as the loop's calls will ask for them (one row, or the two of
    // batched CFG); on a GPU the time MLP weights then leave it until the loop ends.
    std::vector<torch::Tensor> stepTimes;
    for (int k = first; k < total; ++k) {
        const auto t = scheduler->modelTimestep(k);
        stepTimes.push_back(!distilled && r.batchedCfg ? t.repeat({2}) : t);
    }
    dit->precomputeTimeEmbeddings(stepTimes);
    if (cache) {
        // TeaCache's distances between the steps' time embeddings, read back once here instead of per call.
        std::vector<torch::Tensor> e0PerStep;
        for (const auto& t : stepTimes)
            e0PerStep.push_back(dit->precomputedTimeProjection(t));
        if (std::all_of(e0PerStep.begin(), e0PerStep.end(), [](const auto& e0) { return e0.defined(); }))
            cache->precomputeDistances(first, e0PerStep);
    }
    struct TimeTable
    {
        explicit TimeTable(dit::WanModel& m) : model(m) {}
        TimeTable(const TimeTable&) = delete;
        TimeTable& operator=(const TimeTable&) = delete;
        dit::WanModel& model;
        ~TimeTable()
        {
            try {
                model.clearTimeEmbeddings();
            } catch (const std::exception& e) {
                spdlog::warn("cannot bring the DiT's time embedding back: {}", e.what());
            }
        }
    };
    std::optional<TimeTable> timeTable;
    timeTable.emplace(*dit);
    int saved = first;
    std::optional<pipeline::PreviewReadback> readback;
    if (callbacks->onPreview && r.previewEverySteps > 0)
        readback.emplace(device);
    torch::Tensor lastX0;
    const auto showPreview = [&](const pipeline::PreviewReadback::Landed& landed) {
        const auto rgb = vae::latentToRgb(landed.latent, vae::LatentSpace::Normalised,
                                          previewProjection ? &*previewProjection : nullptr)
                             .contiguous();
        PreviewImage preview;
        preview.step = landed.step;
        preview.frames = int(rgb.size(0));
        preview.height = int(rgb.size(1));
        preview.width = int(rgb.size(2));
        preview.rgb.assign(rgb.data_ptr<std::uint8_t>(), rgb.data_ptr<std::uint8_t>() + rgb.numel());
        callbacks->onPreview(preview);
    };
    const char* countSyncsEnv = std::getenv("WAN_COUNT_SYNCS");
    const bool countSyncs = countSyncsEnv && std::string_view(countSyncsEnv) == "1" && device.is_cuda() &&
                            pipeline::HostSyncCounter::supported();
    int maxSyncs = 0;
    const auto start = Clock::now();
    progress(Stage::Denoising, first, total);
    for (int k = first; k < total; ++k) {
        if (callbacks->cancel && callbacks->cancel->isCancelled() && k > saved)
            saveCheckpoint(r, k, latent, *scheduler, cache ? &*cache : nullptr); // a Pause resumes here
        throwIfCancelled(*callbacks);
        const auto stepStart = Clock::now();
        // WAN_COUNT_SYNCS=1: how often the step's DiT calls and sampler make the host wait (the device
        // check asserts none without a step cache, whose decision reads a value back).
        std::optional<pipeline::HostSyncCounter> syncs;
        if (countSyncs)
            syncs.emplace();
        // On the host: the DiT looks its time embedding up by value there, so no copy to the device and back.
        const auto t = scheduler->modelTimestep(k);
        if (cache)
            cache->beginStep(k);
        auto* hook = cache ? &*cache : nullptr;
        torch::Tensor cond, uncond, noisePred;
        if (distilled) {
            cond =
                dit->forward({latent}, t, {context}, g.seqLen, clipFea, ys, vace, r.contextScale, hook).at(0);
        } else if (r.batchedCfg) {
            const auto out = dit->forward({latent, latent}, t.repeat({2}), {context, contextNull}, g.seqLen,
                                          clipPair, yPair, vacePair, r.contextScale, hook);
            cond = out.at(0);
            uncond = out.at(1);
        } else {
            cond =
                dit->forward({latent}, t, {context}, g.seqLen, clipFea, ys, vace, r.contextScale, hook).at(0);
            uncond =
                dit->forward({latent}, t, {contextNull}, g.seqLen, clipFea, ys, vace, r.contextScale, hook)
                    .at(0);
        }
        noisePred = distilled ? cond : uncond + r.guideScale * (cond - uncond);
        emit("noise_pred_cond", k, cond);
        if (!distilled)
            emit("noise_pred_uncond", k, uncond);
        emit("noise_pred", k, noisePred);
        const auto previous = latent;
        latent = scheduler->step(noisePred, timesteps[k], latent);
        // The preview: x0 on the device, read back on a side stream; a read-back that has landed is shown
        // at once (on the CPU: this step's), one still copying at a later step or after the loop.
        if (readback && ((k + 1) % r.previewEverySteps == 0 || k + 1 == total)) {
            // The model's current estimate of the clean latent says more than the noisy sample.
            auto x0 = previous - scheduler->sigmas()[k].item<double>() * noisePred;
            if (k + 1 == total)
                lastX0 = std::move(x0); // after the loop, so that no read-back in flight delays it
            else
                readback->start(k + 1, x0);
        }
        if (readback)
            if (auto landed = readback->poll())
                showPreview(*landed);
        if (syncs) {
            maxSyncs = std::max(maxSyncs, syncs->count());
            spdlog::info("step {}: {} host synchronisations", k + 1, syncs->count());
            syncs.reset();
        }
        emit("latent", k, latent);

        // No wait for the device here: the host queues the next step while this one computes (the queue is
        // bounded, so step times still follow the device's). TeaCache's distances were read back before the
        // loop; saving a checkpoint copies the latents.
        // The policy: every N steps when asked, else each slow step (losing it would hurt), and always
        // after the last one, before decoding.
        constexpr double kSlowStepSeconds = 20.0;
        const bool due = r.checkpointEverySteps > 0 ? (k + 1) % r.checkpointEverySteps == 0
                                                    : secondsSince(stepStart) > kSlowStepSeconds;
        if (due || k + 1 == total) {
            saveCheckpoint(r, k + 1, latent, *scheduler, hook);
            saved = k + 1;
        }
        const double perStep = secondsSince(start) / double(k + 1 - first);
        progress(Stage::Denoising, k + 1, total, perStep, perStep * double(total - k - 1));
    }
    if (readback) {
        if (auto landed = readback->finish())
            showPreview(*landed);
        if (lastX0.defined() && readback->start(total, lastX0))
            if (auto landed = readback->finish())
                showPreview(*landed);
        if (readback->skipped() > 0)
            spdlog::debug("previews skipped while one was copying: {}", readback->skipped());
    }
    // The whole job's calls (a resumed one: with those before its checkpoint, which the cache's state
    // counts).
    cachedCalls = cache ? (cache->finish(), cache->cachedCalls()) : 0;
    stepCacheDistancesReadBack = cache ? cache->distancesReadBack() : 0;
    stepsSkipped = cache ? cache->stepsSkipped() : 0;
    ditCalls = cache ? cache->computedCalls() : total * (distilled || r.batchedCfg ? 1 : 2);
    if (countSyncs)
        spdlog::info("host synchronisations per step: at most {}", maxSyncs);
    spdlog::info("denoising: {} DiT calls, {} answered by the step cache, {} of {} steps skipped", ditCalls,
                 cachedCalls, stepsSkipped, total);
    timeTable.reset(); // before the offload: the time MLPs go with the rest
    if (!placement.streamDitBlocks)
        offload(*dit);
    emit("x0", -1, latent);
    return latent;
}

} // namespace wan
