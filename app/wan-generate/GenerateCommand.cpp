#include "GenerateCommand.h"

#include "media/Image.h"
#include "media/Mp4Writer.h"
#include "media/PartialFile.h"
#include "wan/Devices.h"
#include "wan/Error.h"
#include "wan/ModelFolder.h"
#include "wan/PromptExtend.h"
#include "wan/RequestAdvice.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unistd.h>

namespace wan::cli {

namespace {

// Vision models for prompt extension get the input image at about 512x512 pixels.
constexpr int kPromptImagePixels = 512 * 512;

// The official default file name: {task}_{size}_1_1_{prompt}_{time}.{mp4|png}.
std::string defaultFileName(const std::string& task, const std::string& size, const std::string& prompt,
                            bool image)
{
    std::string p = prompt;
    for (auto& c : p)
        if (c == ' ' || c == '/')
            c = '_';
    // Cut at 50 bytes without splitting a UTF-8 sequence.
    if (p.size() > 50) {
        std::size_t cut = 50;
        while (cut > 0 && (static_cast<unsigned char>(p[cut]) & 0xC0) == 0x80)
            --cut;
        p.resize(cut);
    }
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    std::strftime(stamp, sizeof(stamp), "%Y%m%d_%H%M%S", &local);
    return task + "_" + size + "_1_1_" + p + "_" + stamp + (image ? ".png" : ".mp4");
}

std::atomic<wan::CancelToken*> g_cancel{nullptr};
// When this process started: partial files older than this are not being written by it.
const std::filesystem::file_time_type g_startedAt = std::filesystem::file_time_type::clock::now();

// The first Ctrl+C (or SIGTERM) stops cleanly after the current step; the default action is back from then
// on, so a second one quits at once. Only async-signal-safe calls here.
extern "C" void onGenerateInterrupt(int)
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (auto* token = g_cancel.load())
        token->cancel();
    static constexpr char kMessage[] =
        "\nwan-generate: stopping after this step (press Ctrl+C again to quit at once)\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
}

// The engine's messages are neutral; the advice in flag terms is added here.
std::string cliAdvice(const Result& result, const Request& request)
{
    const std::string& why = result.errorReason;
    if (result.errorKind == ErrorKind::OutOfMemory)
        return " (try --offload_model True, --t5_cpu, a smaller --size or fewer --frame_num)";
    if (why == reason::kNoOutput)
        return " (give --save_file FILE, --save_frames DIR or --save_latents FILE)";
    if (why == reason::kLoraMergeStreamed)
        return " (use --lora_mode on_the_fly or auto)";
    if (why == reason::kLora || why == reason::kLoraMissing)
        return " (--lora FILE[:STRENGTH])";
    if (why == reason::kImageMissing)
        return request.task == Task::FLF2V ? " (--first_frame FILE --last_frame FILE)" : " (--image FILE)";
    return {};
}

// Writes `request` (with the seed the run used) as settings.json next to the run's output.
std::filesystem::path saveSettings(Request request, const Result& result)
{
    request.seed = result.seed;
    const std::filesystem::path anchor = !result.outputPath.empty()    ? result.outputPath
                                         : !result.latentsPath.empty() ? result.latentsPath
                                                                       : request.framesDir / "frames";
    const auto file = anchor.parent_path() / "settings.json";
    const auto temporary = std::filesystem::path(file.string() + ".tmp");
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << toJson(request) << "\n";
        if (!out.flush())
            throw Error(ErrorKind::Io,
                        "cannot write '" + temporary.string() + "': check the folder and free space");
    }
    std::error_code ec;
    std::filesystem::rename(temporary, file, ec);
    if (ec)
        throw Error(ErrorKind::Io, "cannot write '" + file.string() + "': " + ec.message());
    return file;
}

// Replaces the request's prompt by its extension (the original is kept for the metadata). A failed
// extension only warns and keeps the original prompt; false only when interrupted.
bool extendRequestPrompt(const CliOptions& options, Request& request, CancelToken& cancel)
{
    PromptExtendFlags flags = options.promptExtend;
    flags.task = options.task.value_or(toString(request.task));
    if (request.task == Task::I2V || request.task == Task::FLF2V) {
        // flf2v: the vision model sees the first frame.
        const auto& image = request.task == Task::I2V ? request.image : request.firstFrame;
        flags.imagePath = image.string();
        try {
            // Upright (EXIF orientation applied), as the engine reads it; scaled down: vision models need no
            // more.
            flags.imageBytes = media::encodeImageForPrompt(
                media::loadImageRgb(image, media::ExifOrientation::Apply), kPromptImagePixels);
        } catch (const Error& e) {
            // The extender then sends the file as is; generation reports an unreadable image itself.
            spdlog::warn("prompt extension: cannot scale the input image down ({}); sending the file as is",
                         e.what());
        }
    }
    flags.seed = options.baseSeed;
    PromptExtension extension;
    try {
        extension = extendPromptFromFlags(flags, request.prompt, &cancel);
    } catch (const Error& error) {
        if (error.kind() == ErrorKind::Cancelled && cancel.isCancelled())
            return false;
        spdlog::warn("{}; continuing with the original prompt", error.what());
        return true;
    }
    if (extension.prompt.empty() || extension.prompt == request.prompt)
        return true;
    request.originalPrompt = request.prompt;
    request.prompt = extension.prompt;
    std::printf("Extended prompt: %s\n", request.prompt.c_str());
    std::fflush(stdout);
    return true;
}

} // namespace

int exitCodeFor(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::InvalidArgument:
        return 2;
    case ErrorKind::ModelFolder:
    case ErrorKind::CorruptFile:
        return 3;
    case ErrorKind::Image:
        return 4;
    case ErrorKind::OutOfMemory:
        return 5;
    case ErrorKind::Cancelled:
        return 130;
    default:
        return 1;
    }
}

Request buildRequest(const CliOptions& o, ModelType folderType, bool smallModel)
{
    const auto bad = [](const std::string& m) { throw Error(ErrorKind::InvalidArgument, m); };
    const Task folderKind = folderType == ModelType::I2V     ? Task::I2V
                            : folderType == ModelType::FLF2V ? Task::FLF2V
                            : folderType == ModelType::VACE  ? Task::VACE
                                                             : Task::T2V;
    const std::string folderTask =
        officialTaskName(folderKind, smallModel ? ModelSize::Small : ModelSize::Large);
    const std::string task = o.task.value_or(folderTask);
    const auto official = officialTaskFromName(task);
    if (!official)
        bad("--task " + task + " is not one of the official tasks");
    const auto [kind, modelSize] = *official;
    // The built-in demo model (a folder with demo.json) makes one size and frame count only.
    const std::optional<DemoModelInfo> demo = o.ckptDir.empty() ? std::nullopt : readDemoModelInfo(o.ckptDir);
    // Messages name the folder, or the DiT file of a set given as files.
    const std::string modelName = o.models.dit.empty() ? "the model folder '" + o.ckptDir.string() + "'"
                                                       : "the DiT '" + o.models.dit.string() + "'";
    if (demo && kind != Task::T2V)
        bad("--task " + task + ": the demo model '" + o.ckptDir.string() + "' only makes videos (t2v-1.3B)");

    const bool i2v = kind == Task::I2V;
    const bool flf2v = kind == Task::FLF2V;
    const bool vace = kind == Task::VACE;
    const ModelType taskType =
        i2v ? ModelType::I2V : (flf2v ? ModelType::FLF2V : (vace ? ModelType::VACE : ModelType::T2V));
    if (taskType != folderType) {
        const auto type = modelTypeName(folderType);
        bad("--task " + task + " does not match " + modelName + ", which holds a" +
            (type.front() == 'i' || type.front() == 'f' ? "n " : " ") + type + " model (use --task " +
            folderTask + ")");
    }

    if (o.settings && !o.taskFlag && o.settings->task != kind)
        bad("--settings '" + o.settingsFile.string() + "' is for task " + toString(o.settings->task) +
            " but " + modelName + " runs " + task + " (pass --ckpt_dir with a matching folder, or --task)");

    Request r = defaultRequest(kind, modelSize);
    r.ckptDir = o.ckptDir;
    r.models = o.models;
    // VACE with a source video: its own size and frame count unless asked otherwise.
    const bool fromSource = vace && !o.srcVideo.empty();
    std::string size = o.size.value_or(std::to_string(r.width) + "*" + std::to_string(r.height));
    if (o.size) {
        r.width = o.width;
        r.height = o.height;
    }
    if (fromSource && !o.size) {
        size = "src";
        r.width = 0;
        r.height = 0;
    }
    if (!i2v && !flf2v && (r.width % 16 != 0 || r.height % 16 != 0))
        bad("--size " + size + ": width and height must be multiples of 16");
    if (demo) {
        const std::string native = std::to_string(demo->width) + "*" + std::to_string(demo->height);
        if (o.size && (r.width != demo->width || r.height != demo->height))
            spdlog::warn("--size {}: the demo model makes {} only; using that", size, native);
        if (o.frameNum && *o.frameNum != demo->frameNum)
            spdlog::warn("--frame_num {}: the demo model makes {} frames only; using that", *o.frameNum,
                         demo->frameNum);
        size = native;
        r.width = demo->width;
        r.height = demo->height;
    } else if (r.width > 0 && !isTrainedSize(kind, modelSize, r.width, r.height)) {
        spdlog::warn("size {} is not one {} was trained at; results may be poor", size, task);
    }

    r.frameNum = o.frameNum.value_or(r.task == Task::T2I ? 1 : (fromSource ? 0 : 81));
    if (r.task == Task::T2I && r.frameNum != 1)
        bad("--frame_num must be 1 for t2i-14B");
    if (!demo && !isTrainedFrameCount(kind, modelSize, r.frameNum))
        spdlog::warn("--frame_num {}: {} was trained on clips of up to {} frames; longer ones may loop or "
                     "lose coherence",
                     r.frameNum, task, trainedFrameLimit(kind, modelSize));
    r.steps = o.sampleSteps.value_or(r.steps);
    r.shift = o.sampleShift.value_or(defaultShift(kind, r.width, r.height));
    r.guideScale = o.sampleGuideScale;
    // The option values were checked against the core's tables by the parser.
    r.solver = enumFromName<Solver>(o.sampleSolver).value_or(Solver::UniPC);
    r.seed = o.baseSeed;
    if (demo) {
        r.frameNum = demo->frameNum;
        r.steps = o.sampleSteps.value_or(demo->steps);
        r.shift = o.sampleShift.value_or(demo->shift);
        r.guideScale = o.guideScaleSet ? o.sampleGuideScale : demo->guideScale;
        spdlog::info(
            "built-in demo model: {}*{}, {} frames; it knows only simple shapes, colours and motions",
            demo->width, demo->height, demo->frameNum);
    }
    r.prompt = o.prompt.value_or(demo && !demo->examplePrompts.empty() ? demo->examplePrompts.front()
                                                                       : std::string(examplePrompt(kind)));
    if (o.negativePrompt)
        r.negativePrompt = *o.negativePrompt;
    if (i2v) {
        if (o.image.empty())
            bad("i2v needs --image FILE");
        r.image = o.image;
        r.imageCrop = o.imageCrop;
    } else if (!o.image.empty()) {
        bad("--image only applies to i2v-14B");
    } else if (o.imageCrop) {
        bad("--image_crop only applies to i2v-14B");
    }
    if (flf2v) {
        if (o.firstFrame.empty() || o.lastFrame.empty())
            bad("flf2v-14B needs --first_frame FILE and --last_frame FILE");
        r.firstFrame = o.firstFrame;
        r.lastFrame = o.lastFrame;
    } else if (!o.firstFrame.empty() || !o.lastFrame.empty()) {
        bad("--first_frame '" + (o.firstFrame.empty() ? o.lastFrame : o.firstFrame).string() +
            "': --first_frame and --last_frame only apply to flf2v-14B");
    }
    if (vace) {
        r.srcVideo = o.srcVideo;
        r.srcMask = o.srcMask;
        r.srcRefImages = o.srcRefImages;
        r.contextScale = o.contextScale.value_or(1.0);
    } else {
        const auto vaceOnly = [&](const char* flag, const std::filesystem::path& file) {
            bad(std::string(flag) + " '" + file.string() + "': only vace-1.3B and vace-14B take it, not " +
                task);
        };
        if (!o.srcVideo.empty())
            vaceOnly("--src_video", o.srcVideo);
        if (!o.srcMask.empty())
            vaceOnly("--src_mask", o.srcMask);
        if (!o.srcRefImages.empty())
            vaceOnly("--src_ref_images", o.srcRefImages.front());
        if (o.contextScale)
            bad("--context_scale only applies to vace-1.3B and vace-14B");
    }

    r.device = o.device;
    r.noise = enumFromName<NoiseSource>(o.noise).value_or(NoiseSource::Cpu);
    r.precision = enumFromName<Precision>(o.precision).value_or(Precision::Auto);
    r.textPrecision = enumFromName<TextPrecision>(o.textPrecision).value_or(TextPrecision::Auto);
    r.vaePrecision = enumFromName<VaePrecision>(o.vaePrecision).value_or(VaePrecision::Auto);
    // The official --offload_model / --t5_cpu onto the one memory mode.
    if (o.offloadModel && *o.offloadModel)
        r.memory = o.t5Cpu ? MemoryMode::OffloadT5Cpu : MemoryMode::Offload;
    else if (o.t5Cpu)
        r.memory = MemoryMode::T5Cpu;
    else if (o.offloadModel)
        r.memory = MemoryMode::Full;

    r.outputPath = o.saveFile.empty()
                       ? std::filesystem::path(defaultFileName(task, size, r.prompt, r.task == Task::T2I))
                       : o.saveFile;
    // Engine-only builds (no FFmpeg) write no video unless asked to; the latents or frames are the output.
    if (o.saveFile.empty() && r.task != Task::T2I && !media::mp4Supported() &&
        (!o.saveLatents.empty() || !o.saveFrames.empty())) {
        spdlog::warn("this build writes no MP4 (built without FFmpeg): only the latents/frames are saved");
        r.outputPath.clear();
    }
    r.latentsPath = o.saveLatents;
    r.framesDir = o.saveFrames;
    r.resumeStatePath = o.resumeState;
    r.checkpointEverySteps = o.checkpointEvery;
    if (o.checkpointEvery > 0 && o.resumeState.empty())
        bad("--checkpoint_every needs --resume_state FILE (where the checkpoints go)");
    r.previewEverySteps = 0;
    for (const auto& [file, strength] : o.loras)
        r.loras.push_back(LoraSpec{file, strength});
    r.loraApply = enumFromName<LoraApply>(o.loraMode).value_or(LoraApply::Auto);
    r.samplerMode = o.distill ? SamplerMode::Distilled : SamplerMode::Full;
    if (o.distill && o.sampleSteps)
        bad("--distill uses the published 4-step schedule: leave out --sample_steps");
    if (o.distill)
        r.steps = 4; // the distilled timestep list (sampling/Scheduler.h kDistilledStepList)
    r.stepCache = enumFromName<StepCacheMode>(o.cache).value_or(StepCacheMode::Off);
    r.cachePreset = enumFromName<CachePreset>(o.cachePreset).value_or(CachePreset::Balanced);
    r.cacheThreshold = o.cacheThreshold;
    r.vramBudgetGiB = o.vramBudget;
    if (o.settings) {
        // What a saved request holds beyond the official flags.
        r.fps = o.settings->fps;
        r.crf = o.settings->crf;
        r.vaeTiling = o.settings->vaeTiling;
        if (r.prompt == o.settings->prompt)
            r.originalPrompt = o.settings->originalPrompt;
    }
    return r;
}

int runGenerate(const CliOptions& options)
{
    const ModelInfo info = inspectModelSet(options.ckptDir, options.models);
    // The official 1.3B DiT is 1536 wide, the 14B ones 5120.
    const bool small = info.dit.dim > 0 && info.dit.dim <= 2048;
    if (options.task && small != (*options.task == "t2v-1.3B") && info.modelType == ModelType::T2V &&
        (info.dit.dim == 1536 || info.dit.dim == 5120))
        spdlog::warn("--task {} but the folder holds a DiT of width {} ({})", *options.task, info.dit.dim,
                     small ? "t2v-1.3B" : "a 14B model");
    auto request = buildRequest(options, info.modelType, small);
    // A wrong or vanished device fails here, before prompt extension or any model load.
    const std::string device = resolveDevice(request.device);
    spdlog::info("device {} ({}), noise drawn on {}", device, request.device == "auto" ? "auto" : "as asked",
                 request.noise == NoiseSource::Device && device != "cpu" ? "the device" : "the CPU");
    if (options.printPlan) {
        Engine engine;
        std::printf("%s\n", engine.planMemory(request).c_str());
        return 0;
    }

    CancelToken cancel;
    g_cancel.store(&cancel);
    std::signal(SIGINT, onGenerateInterrupt);
    std::signal(SIGTERM, onGenerateInterrupt);

    if (options.promptExtend.enabled && !extendRequestPrompt(options, request, cancel)) {
        g_cancel.store(nullptr);
        std::fprintf(stderr, "wan-generate: interrupted, nothing written\n");
        return exitCodeFor(ErrorKind::Cancelled);
    }

    const bool bar = !options.quiet && isatty(STDERR_FILENO);
    bool barOpen = false;
    Callbacks callbacks;
    callbacks.cancel = &cancel;
    std::optional<Stage> lastStage;
    callbacks.onProgress = [&](const Progress& p) {
        if (p.stage != lastStage) { // stage boundaries in the debug log (the kill test reads them)
            lastStage = p.stage;
            spdlog::debug("stage {}", enumName(p.stage));
        }
        if (options.quiet)
            return;
        if (p.stage != Stage::Denoising) {
            if (barOpen) {
                std::fputc('\n', stderr);
                barOpen = false;
            }
            return;
        }
        if (p.step == 0 || p.totalSteps == 0)
            return;
        if (bar) {
            constexpr int kWidth = 30;
            const int filled = p.step * kWidth / p.totalSteps;
            std::fprintf(stderr, "\r%s [%.*s%*s] %d/%d  %.2f s/step  ETA %s ", enumName(p.stage).data(),
                         filled, "##############################", kWidth - filled, "", p.step, p.totalSteps,
                         p.secondsPerStep, formatClock(std::max(0.0, p.etaSeconds)).c_str());
            std::fflush(stderr);
            barOpen = true;
        } else {
            spdlog::info("step {}/{}: {:.2f} s/step, ETA {}", p.step, p.totalSteps, p.secondsPerStep,
                         formatClock(std::max(0.0, p.etaSeconds)));
        }
    };

    spdlog::info("{} {}x{}, {} frames, {} steps ({}), shift {}, guide {}, seed {}, device {}",
                 toString(request.task), request.width, request.height, request.frameNum, request.steps,
                 toString(request.solver), request.shift, request.guideScale, request.seed, request.device);
    // Partial files of these very outputs that a killed earlier run left behind.
    for (const auto& target : {request.outputPath, request.latentsPath, request.resumeStatePath})
        media::removeStalePartials(target, g_startedAt);
    Engine engine;
    const auto result = engine.run(request, callbacks);
    g_cancel.store(nullptr);
    if (barOpen)
        std::fputc('\n', stderr);

    switch (result.status) {
    case JobStatus::Done:
        spdlog::info("done in {:.1f} s (seed {}); {} DiT calls, {} from the step cache, {} steps skipped",
                     result.seconds, result.seed, result.ditCalls, result.cachedCalls, result.stepsSkipped);
        if (!result.latentsPath.empty())
            std::printf("latents: %s\n", result.latentsPath.string().c_str());
        if (options.saveSettings)
            std::printf("settings: %s\n", saveSettings(request, result).string().c_str());
        if (!result.outputPath.empty())
            std::printf("saved %s (%dx%d, %d frame%s, seed %lld)\n", result.outputPath.string().c_str(),
                        result.width, result.height, result.frames, result.frames == 1 ? "" : "s",
                        static_cast<long long>(result.seed));
        return 0;
    case JobStatus::Cancelled:
        if (!request.resumeStatePath.empty() && std::filesystem::exists(request.resumeStatePath))
            std::fprintf(stderr,
                         "wan-generate: interrupted; progress kept in %s: run the same command again to "
                         "continue\n",
                         request.resumeStatePath.string().c_str());
        else
            std::fprintf(stderr, "wan-generate: interrupted, nothing written\n");
        return exitCodeFor(ErrorKind::Cancelled);
    case JobStatus::Failed:
        break;
    }
    std::string message = result.error + cliAdvice(result, request);
    for (auto& c : message)
        if (c == '\n')
            c = ' ';
    std::fprintf(stderr, "wan-generate: error: %s\n", message.c_str());
    return exitCodeFor(result.errorKind);
}

} // namespace wan::cli
