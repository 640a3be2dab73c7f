#pragma once

#include "wan/CancelToken.h"
#include "wan/Error.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wan {

enum class Task
{
    T2V = 1,
    I2V,
    T2I,
    FLF2V, // first-last-frame-to-video (an flf2v folder)
    VACE   // video editing from a source video, mask and reference images (a vace folder)
};
enum class Solver
{
    UniPC = 1,
    DpmPP,
    Euler
};
enum class Precision
{
    Auto = 1,
    Float32,
    BFloat16,
    Float16
};
enum class MemoryMode
{
    Auto = 1,
    Full,
    T5Cpu,
    Offload
};
// Where the initial noise is drawn. Cpu: LibTorch's CPU generator, so a seed gives the same video on every
// machine and device. Device: the device's own generator, as the official script draws on CUDA, to reproduce
// an official GPU run (differs between CPU and GPU, and may between GPU models).
enum class NoiseSource
{
    Cpu = 1,
    Device
};
enum class VaeTiling
{
    Auto = 1,
    Off,
    On
};

// Full: the request's solver, steps, shift and guidance. Distilled: for step- and CFG-distilled weights (the
// lightx2v Wan2.1 4-step LoRAs): their published timestep list [1000, 750, 500, 250] with shift 5,
// flow-matching Euler, one DiT call per step without guidance; the negative prompt is not encoded at all.
enum class SamplerMode
{
    Full = 1,
    Distilled
};
// Step caching: reuse the transformer blocks' residual of an earlier step when the step-to-step change is
// predicted to be small (TeaCache: accumulated rescaled rel-L1 of the modulated timestep embedding; MagCache:
// accumulated error of the published residual magnitude ratios).
enum class StepCacheMode
{
    Off = 1,
    TeaCache,
    MagCache
};
enum class CachePreset
{
    Quality = 1,
    Balanced,
    Fast
};
// How LoRAs reach the DiT. Auto: merged into resident weights, applied on the fly to streamed blocks.
enum class LoraApply
{
    Auto = 1,
    Merge,
    OnTheFly
};
struct LoraSpec
{
    std::filesystem::path path; // .safetensors (diffusers/PEFT, ComfyUI, kohya/musubi layouts)
    double strength = 1.0;

    bool operator==(const LoraSpec&) const = default;
};

// Everything a generation needs; also what settings.json stores to reproduce a job.
struct Request
{
    Task task = Task::T2V;
    std::filesystem::path ckptDir;
    std::string prompt;
    std::string originalPrompt; // the user's prompt when `prompt` is its extension; empty otherwise
    std::optional<std::string> negativePrompt; // nullopt: the official default for the task
    int width = 832; // t2v/t2i: output size; i2v/flf2v: width*height is the max area; vace: see srcVideo
    int height = 480;
    int frameNum = 81;      // 4n+1; T2I forces 1
    std::int64_t seed = -1; // -1: random, the seed used is reported in Result
    Solver solver = Solver::UniPC;
    int steps = 50;
    double shift = 5.0;
    double guideScale = 5.0;
    std::filesystem::path image;      // i2v conditioning image
    std::filesystem::path firstFrame; // flf2v: first frame (its aspect ratio sets the video's)
    std::filesystem::path lastFrame;  // flf2v: last frame (center-cropped to the first's ratio)
    // vace: source video (a video file or a folder of PNG frames sorted by name) and mask (same kind, same
    // size and frame count; white = generate, black = keep); both empty: a blank canvas of width*height and
    // frameNum frames. With a source, width/height/frameNum 0 take its size and frame count; other values
    // resize (scale and center crop) and trim it.
    std::filesystem::path srcVideo;
    std::filesystem::path srcMask;
    std::vector<std::filesystem::path> srcRefImages; // vace: reference images, one latent frame each
    double contextScale = 1.0;                       // vace: weight of the hints (official context_scale)
    std::string device = "auto";           // "auto" (first CUDA GPU, else cpu), "cpu", "cuda", "cuda:N"
    Precision precision = Precision::Auto; // Auto: fp32 on CPU, bf16 on GPUs >= sm_80, fp16 on older ones
    NoiseSource noise = NoiseSource::Cpu;
    MemoryMode memory = MemoryMode::Auto;
    bool offloadModel = false; // official --offload_model
    bool t5Cpu = false;        // official --t5_cpu
    bool batchedCfg = false;   // one batch-2 DiT call per step (cond, uncond) instead of the official two
                               // calls: faster on a GPU, needs activation memory for two samples
    VaeTiling vaeTiling = VaeTiling::Auto;
    std::filesystem::path outputPath;  // .mp4 (video) or .png (T2I); empty: no media written
    std::filesystem::path latentsPath; // optional safetensors with "latents" [16,T,H/8,W/8] fp32
    std::filesystem::path framesDir;   // optional PNG sequence frame_0000.png ...
    int previewEverySteps = 1;         // 0: no previews
    int fps = 16;
    int crf = 17; // H.264 quality
    // Resumable denoising: this job's checkpoint file (.safetensors: latents, sampler state, step, seed and
    // the settings it belongs to). Empty: none. When the file exists at start, the run checks that it belongs
    // to this request (a foreign or broken one fails the job, naming the file), recomputes the conditioning
    // and continues the denoising loop from the saved step with the same result bit for bit; seed -1 takes
    // the saved seed. It is written atomically during denoising (see checkpointEverySteps), when a cancel
    // stops the loop, and always before decoding; it is kept when the job is cancelled or fails (the caller
    // deletes it on a user's Cancel) and removed once the job is done. The step cache's own state (TeaCache,
    // MagCache) is not saved: with a step cache on, a resumed run may differ a little from an uninterrupted
    // one.
    std::filesystem::path resumeStatePath;
    int checkpointEverySteps = 0; // > 0: save after every N steps; 0: after each step that took > 20 s
    std::vector<LoraSpec> loras;  // applied in order, each W += strength * alpha / rank * B A
    LoraApply loraApply = LoraApply::Auto;
    SamplerMode samplerMode = SamplerMode::Full;
    StepCacheMode stepCache = StepCacheMode::Off;
    CachePreset cachePreset = CachePreset::Balanced;
    std::optional<double> cacheThreshold; // overrides the preset's threshold; <= 0 never skips
};

enum class Stage
{
    Loading = 1,
    EncodingText,
    EncodingImage,
    Denoising,
    Decoding,
    Writing
};

struct Progress
{
    Stage stage = Stage::Loading;
    int step = 0; // denoising step done (1..total) or VAE chunk
    int totalSteps = 0;
    double secondsPerStep = 0.0;
    double etaSeconds = 0.0;
};

// A cheap latent-to-RGB picture (one frame per latent frame, side by side is up to the UI).
struct PreviewImage
{
    int step = 0;
    int width = 0;                 // latent width
    int height = 0;                // latent height
    int frames = 0;                // latent frames
    std::vector<std::uint8_t> rgb; // frames * height * width * 3, RGB888
};

enum class JobStatus
{
    Done = 1,
    Failed,
    Cancelled
};

struct Result
{
    JobStatus status = JobStatus::Failed;
    std::string error; // user-facing message when Failed
    ErrorKind errorKind = ErrorKind::Internal;
    std::int64_t seed = 0; // the seed actually used
    int width = 0, height = 0, frames = 0;
    std::filesystem::path outputPath;
    std::filesystem::path latentsPath;
    double seconds = 0.0;
    std::string placement; // what the memory planner chose, in words
    int ditCalls = 0;      // DiT forward calls that ran the transformer blocks (batched CFG: one per step)
    int cachedCalls = 0;   // DiT forward calls answered from the step cache
    int stepsSkipped = 0;  // denoising steps whose every DiT call came from the step cache
};

struct Callbacks
{
    std::function<void(const Progress&)> onProgress;
    std::function<void(const PreviewImage&)> onPreview;
    const CancelToken* cancel = nullptr;
};

// The engine: owns the models (loaded on first use, reused while the folder/device/precision stay the same).
// Not thread-safe: one thread (the inference thread) calls run().
class Engine
{
public:
    Engine();
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Never throws for job errors: they come back as Result{Failed} or Result{Cancelled}.
    Result run(const Request& request, const Callbacks& callbacks = {});
    // Finish a job from saved final latents (decode + write only).
    Result decodeLatents(const Request& request, const std::filesystem::path& latents,
                         const Callbacks& callbacks = {});
    void unload();

private:
    friend struct EngineInternals; // test and tool hooks (core/src/pipeline/EngineInternals.h)
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Official default negative prompts (i2v adds its prefix, flf2v another before that).
std::string defaultNegativePrompt(Task task);
std::string toString(Task task);
std::string toString(Solver solver);
std::string toString(SamplerMode mode);   // "full", "distill"
std::string toString(StepCacheMode mode); // "off", "teacache", "magcache"
std::string toString(CachePreset preset); // "quality", "balanced", "fast"
std::string toString(LoraApply apply);    // "auto", "merge", "on_the_fly"

} // namespace wan
