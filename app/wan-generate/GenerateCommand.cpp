#include "GenerateCommand.h"

#include "media/Image.h"
#include "media/Mp4Writer.h"
#include "wan/Devices.h"
#include "wan/Error.h"
#include "wan/ModelFolder.h"
#include "wan/PromptExtend.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <optional>
#include <unistd.h>

namespace wan::cli {

namespace {

constexpr const char* kExamplePromptT2v =
    "Two anthropomorphic cats in comfy boxing gear and bright gloves fight intensely on a spotlighted stage.";
constexpr const char* kExamplePromptT2i = "一个朴素端庄的美人";
constexpr const char* kExamplePromptI2v =
    "Summer beach vacation style, a white cat wearing sunglasses sits on a surfboard. The fluffy-furred "
    "feline "
    "gazes directly at the camera with a relaxed expression. Blurred beach scenery forms the background "
    "featuring "
    "crystal-clear waters, distant green hills, and a blue sky dotted with white clouds. The cat assumes a "
    "naturally relaxed posture, as if savoring the sea breeze and warm sunlight. A close-up shot highlights "
    "the "
    "feline's intricate details and the refreshing atmosphere of the seaside.";
constexpr const char* kExamplePromptFlf2v =
    "CG动画风格，一只蓝色的小鸟从地面起飞，煽动翅膀。小鸟羽毛细腻，胸前有独特的花纹，背景是蓝天白云，阳光明媚"
    "。"
    "镜跟随小鸟向上移动，展现出小鸟飞翔的姿态和天空的广阔。近景，仰视视角。";
constexpr const char* kExamplePromptVace = "在一个欢乐而充满节日气氛的场景中，穿着鲜艳红色春服的小女孩正与她"
                                           "的可爱卡通蛇嬉戏。她的春服上绣着金色吉祥图"
                                           "案，散发着喜庆的气息，脸上洋溢着灿烂的笑容。蛇身呈现出亮眼的绿色"
                                           "，形状圆润，宽大的眼睛让它显得既友善又幽默"
                                           "。小女孩欢快地用手轻轻抚摸着蛇的头部，共同享受着这温馨的时刻。周"
                                           "围五彩斑斓的灯笼和彩带装饰着环境，阳光透过"
                                           "洒在她们身上，营造出一个充满友爱与幸福的新年氛围。";

// Vision models for prompt extension get the input image at about 512x512 pixels.
constexpr int kPromptImagePixels = 512 * 512;

// Sizes the official models were trained at (generate.py SUPPORTED_SIZES).
bool trainedSize(const std::string& task, int w, int h)
{
    const bool p480 = (w == 832 && h == 480) || (w == 480 && h == 832);
    const bool p720 = (w == 1280 && h == 720) || (w == 720 && h == 1280);
    if (task == "t2v-1.3B" || task == "vace-1.3B")
        return p480;
    if (task == "t2i-14B")
        return p480 || p720 || (w == 1024 && h == 1024);
    return p480 || p720;
}

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

// The first Ctrl+C (or SIGTERM) stops cleanly after the current step; the default action is back from then on,
// so a second one quits at once. Only async-signal-safe calls here.
extern "C" void onInterrupt(int)
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (auto* token = g_cancel.load())
        token->cancel();
    static constexpr char kMessage[] =
        "\nwan-generate: stopping after this step (press Ctrl+C again to quit at once)\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
}

std::string formatDuration(double seconds)
{
    const long s = long(std::lround(std::max(0.0, seconds)));
    char text[32];
    if (s >= 3600)
        std::snprintf(text, sizeof(text), "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(text, sizeof(text), "%ld:%02ld", s / 60, s % 60);
    return text;
}

const char* stageName(Stage stage)
{
    switch (stage) {
    case Stage::Loading:
        return "loading";
    case Stage::EncodingText:
        return "text";
    case Stage::EncodingImage:
        return "image";
    case Stage::Denoising:
        return "denoising";
    case Stage::Decoding:
        return "decoding";
    case Stage::Writing:
        return "writing";
    }
    return "";
}

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

// Replaces the request's prompt by its extension (the original is kept for the metadata). A failed
// extension only warns (the library logs why) and keeps the original prompt; false only when interrupted.
bool extendRequestPrompt(const CliOptions& options, Request& request, CancelToken& cancel)
{
    PromptExtendFlags flags = options.promptExtend;
    flags.task = options.task.value_or(toString(request.task));
    if (request.task == Task::I2V || request.task == Task::FLF2V) {
        // flf2v: the vision model sees the first frame.
        const auto& image = request.task == Task::I2V ? request.image : request.firstFrame;
        flags.imagePath = image.string();
        try {
            // The orientation the generator uses (EXIF ignored), scaled down: vision models need no more.
            flags.imageBytes = media::encodeImageForPrompt(
                media::loadImageRgb(image, media::ExifOrientation::Ignore), kPromptImagePixels);
        } catch (const Error& e) {
            // The extender then sends the file as is; generation reports an unreadable image itself.
            spdlog::warn("prompt extension: cannot scale the input image down ({}); sending the file as is",
                         e.what());
        }
    }
    flags.seed = options.baseSeed;
    const auto result = extendPromptFromFlags(flags, request.prompt, &cancel);
    if (result.cancelled && cancel.isCancelled())
        return false;
    if (!result.ok || result.prompt.empty() || result.prompt == request.prompt)
        return true;
    request.originalPrompt = request.prompt;
    request.prompt = result.prompt;
    std::printf("Extended prompt: %s\n", request.prompt.c_str());
    std::fflush(stdout);
    return true;
}

} // namespace

Request buildRequest(const CliOptions& o, ModelType folderType, bool smallModel)
{
    const auto bad = [](const std::string& m) { throw Error(ErrorKind::InvalidArgument, m); };
    std::string folderTask = smallModel ? "t2v-1.3B" : "t2v-14B";
    if (folderType == ModelType::I2V)
        folderTask = "i2v-14B";
    else if (folderType == ModelType::FLF2V)
        folderTask = "flf2v-14B";
    else if (folderType == ModelType::VACE)
        folderTask = smallModel ? "vace-1.3B" : "vace-14B";
    const std::string task = o.task.value_or(folderTask);
    const bool i2v = task == "i2v-14B";
    const bool flf2v = task == "flf2v-14B";
    const bool vace = task.rfind("vace-", 0) == 0;
    const ModelType taskType =
        i2v ? ModelType::I2V : (flf2v ? ModelType::FLF2V : (vace ? ModelType::VACE : ModelType::T2V));
    if (taskType != folderType) {
        const auto type = modelTypeName(folderType);
        bad("--task " + task + " does not match the model folder '" + o.ckptDir.string() +
            "', which holds a" + (type.front() == 'i' || type.front() == 'f' ? "n " : " ") + type +
            " model (use --task " + folderTask + ")");
    }

    Request r;
    r.task = i2v ? Task::I2V
                 : (flf2v ? Task::FLF2V : (vace ? Task::VACE : (task == "t2i-14B" ? Task::T2I : Task::T2V)));
    r.ckptDir = o.ckptDir;
    const bool small = task == "t2v-1.3B" || task == "vace-1.3B";
    // VACE with a source video: its own size and frame count unless asked otherwise.
    const bool fromSource = vace && !o.srcVideo.empty();
    std::string size = o.size.value_or(small ? "832*480" : "1280*720");
    r.width = o.size ? o.width : (small ? 832 : 1280);
    r.height = o.size ? o.height : (small ? 480 : 720);
    if (fromSource && !o.size) {
        size = "src";
        r.width = 0;
        r.height = 0;
    }
    if (!i2v && !flf2v && (r.width % 16 != 0 || r.height % 16 != 0))
        bad("--size " + size + ": width and height must be multiples of 16");
    if (r.width > 0 && !trainedSize(task, r.width, r.height))
        spdlog::warn("size {} is not one {} was trained at; results may be poor", size, task);

    r.frameNum = o.frameNum.value_or(r.task == Task::T2I ? 1 : (fromSource ? 0 : 81));
    if (r.task == Task::T2I && r.frameNum != 1)
        bad("--frame_num must be 1 for t2i-14B");
    r.steps = o.sampleSteps.value_or(i2v ? 40 : 50);
    const bool size480 = (r.width == 832 && r.height == 480) || (r.width == 480 && r.height == 832);
    r.shift = o.sampleShift.value_or(i2v && size480 ? 3.0 : (flf2v || vace ? 16.0 : 5.0));
    r.guideScale = o.sampleGuideScale;
    r.solver = o.sampleSolver == "dpm++" ? Solver::DpmPP
                                         : (o.sampleSolver == "euler" ? Solver::Euler : Solver::UniPC);
    r.seed = o.baseSeed;
    r.prompt = o.prompt.value_or(
        i2v ? kExamplePromptI2v
            : (flf2v ? kExamplePromptFlf2v
                     : (vace ? kExamplePromptVace
                             : (r.task == Task::T2I ? kExamplePromptT2i : kExamplePromptT2v))));
    if (o.negativePrompt)
        r.negativePrompt = *o.negativePrompt;
    if (i2v) {
        if (o.image.empty())
            bad("i2v needs --image FILE");
        r.image = o.image;
    } else if (!o.image.empty()) {
        bad("--image only applies to i2v-14B");
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
    r.noise = o.noise == "device" ? NoiseSource::Device : NoiseSource::Cpu;
    if (o.precision == "fp32")
        r.precision = Precision::Float32;
    else if (o.precision == "bf16")
        r.precision = Precision::BFloat16;
    else if (o.precision == "fp16")
        r.precision = Precision::Float16;
    r.t5Cpu = o.t5Cpu;
    if (o.offloadModel) {
        r.offloadModel = *o.offloadModel;
        r.memory = *o.offloadModel ? MemoryMode::Offload : (o.t5Cpu ? MemoryMode::T5Cpu : MemoryMode::Full);
    } else if (o.t5Cpu) {
        r.memory = MemoryMode::T5Cpu;
    }

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
    r.loraApply = o.loraMode == "merge"        ? LoraApply::Merge
                  : o.loraMode == "on_the_fly" ? LoraApply::OnTheFly
                                               : LoraApply::Auto;
    r.samplerMode = o.distill ? SamplerMode::Distilled : SamplerMode::Full;
    if (o.distill && o.sampleSteps)
        bad("--distill uses the published 4-step schedule: leave out --sample_steps");
    if (o.distill)
        r.steps = 4; // the distilled timestep list (sampling/Scheduler.h kDistilledStepList)
    r.stepCache = o.cache == "teacache"   ? StepCacheMode::TeaCache
                  : o.cache == "magcache" ? StepCacheMode::MagCache
                                          : StepCacheMode::Off;
    r.cachePreset = o.cachePreset == "quality" ? CachePreset::Quality
                    : o.cachePreset == "fast"  ? CachePreset::Fast
                                               : CachePreset::Balanced;
    r.cacheThreshold = o.cacheThreshold;
    return r;
}

int runGenerate(const CliOptions& options)
{
    const ModelInfo info = inspectModelFolder(options.ckptDir);
    // The official 1.3B DiT is 1536 wide, the 14B ones 5120.
    const bool small = info.dit.dim > 0 && info.dit.dim <= 2048;
    if (options.task && small != (*options.task == "t2v-1.3B") && info.modelType == ModelType::T2V &&
        (info.dit.dim == 1536 || info.dit.dim == 5120))
        spdlog::warn("--task {} but the folder holds a DiT of width {} ({})", *options.task, info.dit.dim,
                     small ? "t2v-1.3B" : "a 14B model");
    auto request = buildRequest(options, info.modelType, small);
    // A wrong or vanished device fails here, before prompt extension or any model load.
    const std::string device = resolveDevice(request.device);
    spdlog::info("device {} ({}), noise drawn on {}", device,
                 request.device == "auto" ? "auto" : "as asked",
                 request.noise == NoiseSource::Device && device != "cpu" ? "the device" : "the CPU");

    CancelToken cancel;
    g_cancel.store(&cancel);
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);

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
            spdlog::debug("stage {}", stageName(p.stage));
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
            std::fprintf(stderr, "\r%s [%.*s%*s] %d/%d  %.2f s/step  ETA %s ", stageName(p.stage), filled,
                         "##############################", kWidth - filled, "", p.step, p.totalSteps,
                         p.secondsPerStep, formatDuration(p.etaSeconds).c_str());
            std::fflush(stderr);
            barOpen = true;
        } else {
            spdlog::info("step {}/{}: {:.2f} s/step, ETA {}", p.step, p.totalSteps, p.secondsPerStep,
                         formatDuration(p.etaSeconds));
        }
    };

    spdlog::info("{} {}x{}, {} frames, {} steps ({}), shift {}, guide {}, seed {}, device {}",
                 toString(request.task), request.width, request.height, request.frameNum, request.steps,
                 toString(request.solver), request.shift, request.guideScale, request.seed, request.device);
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
    std::string message = result.error;
    for (auto& c : message)
        if (c == '\n')
            c = ' ';
    std::fprintf(stderr, "wan-generate: error: %s\n", message.c_str());
    return exitCodeFor(result.errorKind);
}

} // namespace wan::cli
