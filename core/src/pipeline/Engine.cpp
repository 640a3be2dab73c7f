// The engine's public face and one job from request to result: checks, placement and loading, the
// conditioning of each task (text; image for i2v; first and last frame for flf2v; source video, mask and
// references for vace), denoising, the final latents and the outputs. The steps live in EngineChecks.cpp,
// EngineModels.cpp, EngineDenoise.cpp and EngineOutput.cpp (see EngineImpl.h).
#include "pipeline/EngineImpl.h"

#include "media/Image.h"
#include "pipeline/DeviceInfo.h"
#include "pipeline/InputImage.h"

#include <spdlog/spdlog.h>

#include <random>

namespace wan {

namespace fs = std::filesystem;

using pipeline::Clock;
using pipeline::secondsSince;
using pipeline::throwIfCancelled;

std::pair<torch::Tensor, torch::Tensor> Engine::Impl::encodeText(const Request& r)
{
    progress(Stage::EncodingText, 0, 2);
    const auto negative = r.negativePrompt.value_or("");
    // As the official script: an empty negative prompt means the task's default.
    const auto n = negative.empty() ? defaultNegativePrompt(r.task) : negative;
    // Distilled sampling makes no unconditional call: the negative prompt is not encoded.
    const bool guided = r.samplerMode != SamplerMode::Distilled;
    // Encoded prompts are reused across jobs (the default negative prompt above all): the key names the
    // encoder's files, where it runs, the job's precision and the context's device.
    // The encoder file's size and modification time stand for its content: a file replaced under the same
    // name while the app runs is not taken for the old one.
    const auto stamp = [](const std::filesystem::path& file) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(file, ec);
        const auto time = std::filesystem::last_write_time(file, ec);
        return ec ? std::string("?")
                  : std::to_string(size) + "@" + std::to_string(time.time_since_epoch().count());
    };
    const std::string t5Stamp = stamp(key->files.t5.empty() ? key->dir / officialFiles::kT5 : key->files.t5);
    const auto keyOf = [&](const std::string& prompt) {
        auto model = key->dir.string() + "|" + key->files.t5.string() + "|" + key->files.tokenizer.string() +
                     "|" + t5Stamp;
        if (placement.t5OnCpu)
            model += "|t5 on cpu";
        model += "|t5 math " + pipeline::dtypeName(textDtype(r));
        return pipeline::TextContextCache::Key{prompt, std::move(model), pipeline::dtypeName(dtype),
                                               device.str()};
    };
    torch::Tensor context = textContexts.find(keyOf(r.prompt)).value_or(torch::Tensor());
    torch::Tensor contextNull;
    if (guided)
        contextNull = textContexts.find(keyOf(n)).value_or(torch::Tensor());
    if (!context.defined() || (guided && !contextNull.defined())) {
        const OnDevice resident(*this, *t5->model(), !placement.t5OnCpu);
        const auto encode = [&](const std::string& prompt) {
            throwIfCancelled(*callbacks);
            auto out = t5->encode({prompt}, device, nullptr, callbacks->cancel).at(0);
            ++textEncoderCalls;
            textContexts.insert(keyOf(prompt), out);
            return out;
        };
        if (!context.defined())
            context = encode(r.prompt);
        if (guided && !contextNull.defined())
            contextNull = encode(n);
    }
    emit("context", -1, context);
    if (guided)
        emit("context_null", -1, contextNull);
    progress(Stage::EncodingText, 2, 2);
    return {context, contextNull};
}

pipeline::Patch Engine::Impl::ditPatch() const
{
    const auto& p = dit->config().patchSize;
    return {int(p[0]), int(p[1]), int(p[2])};
}

pipeline::ConditioningHooks Engine::Impl::conditioningHooks()
{
    pipeline::ConditioningHooks hooks;
    hooks.emit = [this](const char* name, const torch::Tensor& value) { emit(name, -1, value); };
    hooks.vaeEncode = [this](const torch::Tensor& video) {
        throwIfCancelled(*callbacks);
        return vaeEncode(video);
    };
    hooks.clipEncode = [this](const std::vector<torch::Tensor>& images) {
        std::vector<torch::Tensor> onDevice;
        for (const auto& image : images)
            onDevice.push_back(image.to(device));
        return clip->encode(onDevice);
    };
    hooks.patch = ditPatch();
    return hooks;
}

void Engine::Impl::generate(const Request& r, Result& result)
{
    const ModelInfo info = checkRequest(r);
    std::int64_t seed = r.seed;
    if (seed < 0) {
        std::random_device rd;
        seed = std::int64_t((std::uint64_t(rd()) << 32 | rd()) & std::uint64_t(INT64_MAX));
    }
    // VACE: the source decides the geometry, so it is read (and checked) before anything is loaded.
    std::optional<pipeline::VaceSource> vaceSource;
    Request planned = r;
    if (r.task == Task::VACE) {
        vaceSource = pipeline::loadVaceSource(r);
        planned.width = vaceSource->width;
        planned.height = vaceSource->height;
        planned.frameNum = vaceSource->frames + pipeline::kVaeStrideT * int(vaceSource->refs.size());
    }
    // I2V: the image, upright and cut to the crop rectangle, is read and checked before anything is loaded,
    // so an unreadable image or a crop outside it fails at once instead of after the models load.
    std::optional<media::RgbImage> i2vImage;
    if (r.task == Task::I2V)
        i2vImage = pipeline::loadImageToVideoInput(r);

    plan(planned, &info);
    result.placement = placement.description;
    spdlog::info("placement: {}", placement.description);
    checkHostMemory(planned, info); // before anything is loaded
    // A foreign or broken checkpoint fails here, before any loading; after the plan, which decides where the
    // text encoder runs (its math is part of the checkpoint's fingerprint).
    seed = prepareResume(r, seed);
    result.seed = seed;

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
        const media::RgbImage& image = *i2vImage; // upright, as the GUI shows it, and cropped
        auto img = torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()),
                                    {image.height, image.width, 3}, torch::kUInt8)
                       .permute({2, 0, 1})
                       .to(torch::kFloat32)
                       .div(255)
                       .sub(0.5)
                       .div(0.5);
        emit("img", -1, img);
        g = pipeline::imageToVideoGeometry(image.width, image.height, std::int64_t(r.width) * r.height,
                                           r.frameNum, ditPatch());
        if (g.latHeight < 2 || g.latWidth < 2)
            throw Error(ErrorKind::InvalidArgument,
                        "the maximum area is too small for this image's aspect ratio");
        noise = drawNoise(r, g, seed); // first draw of the seeded generator, as the official order

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
        const auto latent = vaeEncode(vaeInput);
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
        noise = drawNoise(r, g, seed);
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
        noise = drawNoise(r, g, seed);
    } else {
        const int frames = r.task == Task::T2I ? 1 : r.frameNum;
        g = pipeline::textToVideoGeometry(r.width, r.height, frames, ditPatch());
        std::tie(context, contextNull) = encodeText(r);
        noise = drawNoise(r, g, seed);
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

template <typename Body> Result Engine::Impl::guarded(const Request& r, const Callbacks& cb, Body&& body)
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
    callbacks = nullptr;
    return result;
}

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

int EngineInternals::textEncoderCalls(const Engine& engine)
{
    return engine.m_impl->textEncoderCalls;
}

int EngineInternals::stepCacheDistancesReadBack(const Engine& engine)
{
    return engine.m_impl->stepCacheDistancesReadBack;
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
