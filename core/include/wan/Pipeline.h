#pragma once

#include "wan/CancelToken.h"
#include "wan/Error.h"
#include "wan/Request.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wan {

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
    std::string errorReason; // Error::reason() of the failure (wan::reason codes), for front ends' advice
    std::int64_t seed = 0;   // the seed actually used
    int width = 0, height = 0, frames = 0;
    std::filesystem::path outputPath;
    std::filesystem::path latentsPath;
    double seconds = 0.0;
    std::string placement; // what the memory planner chose, in words
    int ditCalls = 0;      // DiT forward calls that ran the transformer blocks (batched CFG: one per step)
    int cachedCalls = 0;   // DiT forward calls answered from the step cache
    int stepsSkipped = 0;  // denoising steps whose every DiT call came from the step cache
    // (The three counts cover the whole job: a resumed one's include the steps before its checkpoint.)
};

struct Callbacks
{
    std::function<void(const Progress&)> onProgress;
    std::function<void(const PreviewImage&)> onPreview;
    const CancelToken* cancel = nullptr;
};

// The engine: owns the models (loaded on first use, reused while the folder/device/precision stay the same).
// Not thread-safe: one thread (the inference thread) calls run().
// Where a job's models would live and the memory it would need, for front ends that show it in their own
// words (Engine::planMemory gives the same as English text).
struct MemoryPlan
{
    std::string device; // the job's device: "cpu", "cuda:0"
    bool t5OnCpu = false;
    bool offloadModels = false;   // models back to host memory between stages
    bool streamDitBlocks = false; // DiT blocks copied to the GPU one at a time
    bool tileVae = false;
    int vaeTilePx = 0;                              // tile edge in pixels when tileVae
    std::uint64_t devicePeakBytes = 0;              // estimated GPU memory at the peak; 0 for CPU jobs
    std::optional<std::uint64_t> deviceBudgetBytes; // what it had to fit in; empty: unknown free memory
    std::uint64_t hostPeakBytes = 0;                // estimated host memory at the peak
    std::uint64_t hostAvailableBytes = 0;           // 0: unknown
    std::string description;                        // English, for logs
    std::string deviceBreakdown;                    // English: per stage (GPU jobs)
    std::string refusal;                            // English; non-empty: the job would be refused
};

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
    // Where each model would live for `request` on its device and the estimated device memory per stage, or
    // why nothing fits (what `wan-generate --print_plan` prints). Reads only the files' headers. Throws
    // wan::Error like run() reports for a bad request or model folder.
    std::string planMemory(const Request& request);
    // The same as values. Changes no global state, so it may run on another thread while a job runs (on
    // another Engine).
    MemoryPlan planMemoryDetails(const Request& request);

private:
    friend struct EngineInternals; // test and tool hooks (core/src/pipeline/EngineInternals.h)
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace wan
