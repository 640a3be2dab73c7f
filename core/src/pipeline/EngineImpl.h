#pragma once
// Engine::Impl: what the engine keeps between jobs (the model cache) and during one, shared by its parts, one
// translation unit each:
// - Engine.cpp: the public Engine, one job from request to result (conditioning per task), EngineInternals.
// - EngineChecks.cpp: the request checks before anything is loaded, the job's device and precision.
// - EngineModels.cpp: the model cache (loading, unloading) and placement (memory plan, host memory
//   pre-flight, models moved to the device for a stage and offloaded after it).
// - EngineDenoise.cpp: the seeded noise, the denoising loop (CFG, step cache, previews), its checkpoints.
// - EngineOutput.cpp: the VAE decode and every output (video, PNG, frames, final latents, their metadata).

#include "wan/ModelFolder.h"
#include "wan/Pipeline.h"

#include "dit/Lora.h"
#include "dit/WanModel.h"
#include "pipeline/Conditioning.h"
#include "pipeline/EngineInternals.h"
#include "pipeline/Geometry.h"
#include "pipeline/LatentsFile.h"
#include "pipeline/MemoryPlanner.h"
#include "pipeline/StepCache.h"
#include "pipeline/TextContextCache.h"
#include "sampling/Scheduler.h"
#include "text/T5Encoder.h"
#include "vae/LatentPreview.h"
#include "vae/WanVae.h"
#include "vision/ClipVision.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace wan {

namespace pipeline {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

inline void throwIfCancelled(const Callbacks& callbacks)
{
    if (callbacks.cancel && callbacks.cancel->isCancelled())
        throw Error(ErrorKind::Cancelled, "cancelled");
}

// The DiT's dtype for a job (Auto: fp32 on the CPU, bf16 on CUDA). Throws wan::Error for fp16 on the CPU.
torch::Dtype ditDtype(Precision precision, const torch::Device& device);
// "fp32", "bf16", "fp16" (what checkpoints and metadata record).
std::string dtypeName(torch::Dtype dtype);

// What the cached models were loaded for: another folder, file set, device, dtype or placement unloads them.
struct ModelKey
{
    std::filesystem::path dir;
    ModelFiles files; // canonical paths
    std::string device;
    torch::Dtype dtype = torch::kFloat32;
    bool t5OnCpu = false;
    bool streamDit = false;

    bool operator==(const ModelKey& o) const = default;
};

} // namespace pipeline

struct Engine::Impl
{
    TraceFn trace;
    std::optional<std::uint64_t> availableHostMemoryOverride; // tests: the "available RAM" figure
    std::function<void(std::size_t)> blockHook;               // tests: installed on every loaded DiT

    std::optional<pipeline::ModelKey> key;
    std::unique_ptr<text::TextEncoder> t5;
    std::shared_ptr<dit::WanModel> dit;
    std::unique_ptr<vae::WanVae> vae;
    std::optional<vae::LatentRgbProjection> previewProjection; // the VAE folder's own, read with the VAE
    std::shared_ptr<vision::ClipVision> clip;
    pipeline::TextContextCache textContexts; // for the engine's lifetime, whatever models come and go
    int textEncoderCalls = 0;                // prompts encoded by the T5 (tests)
    int stepCacheDistancesReadBack = 0;      // by the last job's TeaCache during its calls (tests)

    // Per job.
    const Callbacks* callbacks = nullptr;
    torch::Device device = torch::kCPU;
    torch::Dtype dtype = torch::kFloat32;
    bool fastBf16 = false; // the device multiplies bf16 natively (pipeline::deviceHasFastBf16)
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

    // ---- Request checks (EngineChecks.cpp)
    // Resolves the job's device and precision (resolveDevice) and sets the device's global math flags.
    void setUp(const Request& r, const Callbacks& cb);
    // Only the job's device and precision: no global state (a plan asked while another job runs).
    void resolveDevice(const Request& r);
    // Validates the request and inspects its model set (every file's names, shapes, dtypes) before anything
    // is loaded; the set must hold the task's model type.
    ModelInfo checkRequest(const Request& r) const;

    // ---- Model cache and placement (EngineModels.cpp)
    void unloadAll();
    void useKey(const pipeline::ModelKey& wanted);
    // Where each model lives on the job's device and the estimate (device and dtype set by setUp).
    pipeline::DevicePlan devicePlan(const Request& r, const ModelInfo* info) const;
    void plan(const Request& r,
              const ModelInfo* info); // sets placement; throws OutOfMemory when nothing fits
    // The job's host memory at its peak with `placement`, what is available (0: unknown) and the refusal
    // when it does not fit.
    struct HostPlan
    {
        pipeline::HostMemoryEstimate estimate;
        std::uint64_t available = 0;
        std::string refusal;
    };
    HostPlan hostMemoryPlan(const Request& r, const ModelInfo& info,
                            const pipeline::Placement& placement) const;
    // Refuses a job whose host memory estimate exceeds the available RAM (the OOM killer would end the app).
    void checkHostMemory(const Request& r, const ModelInfo& info) const;
    // The umT5's math for `r` where the plan puts the encoder (pipeline::textDtypeFor).
    torch::Dtype textDtype(const Request& r) const;
    // The VAE's math for `r` on the job's device (pipeline::vaeDtypeFor).
    torch::Dtype vaeDtype(const Request& r) const;
    // Cancellation and the plan's tiling for a VAE run (progress is the caller's).
    vae::VaeRunOptions vaeRunOptions() const;
    // A VAE encode on the job's device (the VAE comes there for it and goes back to host memory after).
    torch::Tensor vaeEncode(const torch::Tensor& video);
    // Loads what is not cached yet: the VAE always, the rest when `info` (the inspected set) is given. Each
    // part comes from its own file (ModelFiles) or from the folder.
    void ensureModels(const Request& r, const ModelInfo* info);
    // The official offload moves a model back to host memory once its stage is over.
    void offload(torch::nn::Module& module) const;
    void bringBack(torch::nn::Module& module) const;

    // A model on the compute device for one stage, back at its resting place (host memory when offloading)
    // however the stage ends: a c10::Error or wan::Error inside leaves no weights behind on the device.
    class OnDevice
    {
    public:
        OnDevice(const Impl& impl, torch::nn::Module& module, bool enabled = true);
        ~OnDevice();
        OnDevice(const OnDevice&) = delete;
        OnDevice& operator=(const OnDevice&) = delete;

    private:
        void rest() noexcept;
        const Impl& m_impl;
        torch::nn::Module& m_module;
        bool m_enabled;
    };

    // ---- The job (Engine.cpp)
    std::pair<torch::Tensor, torch::Tensor> encodeText(const Request& r);
    // What the FLF2V / VACE conditioning (pipeline/Conditioning.h) uses of the loaded models.
    pipeline::ConditioningHooks conditioningHooks();
    // The loaded DiT's patch (t, h, w), from its patch embedding.
    pipeline::Patch ditPatch() const;
    void generate(const Request& r, Result& result);
    // Runs `body` with the job's set-up and turns every exception into the result's status and message.
    template <typename Body> Result guarded(const Request& r, const Callbacks& cb, Body&& body);

    // ---- Denoising (EngineDenoise.cpp)
    torch::Tensor drawNoise(const Request& r, const pipeline::Geometry& g, std::int64_t seed) const;
    // Reads and checks the request's checkpoint before anything is loaded; returns the seed to use (the
    // saved one when the request asks for a random seed).
    std::int64_t prepareResume(const Request& r, std::int64_t seed);
    // Writes the checkpoint after `stepsDone` steps. A failed save costs only the ability to resume: it is
    // logged, and the job goes on.
    void saveCheckpoint(const Request& r, int stepsDone, const torch::Tensor& latent,
                        const sampling::Scheduler& scheduler, const pipeline::StepCache* cache) const;
    torch::Tensor denoise(const Request& r, const pipeline::Geometry& g, torch::Tensor latent,
                          const torch::Tensor& context, const torch::Tensor& contextNull,
                          const std::optional<torch::Tensor>& clipFea, const std::optional<torch::Tensor>& y,
                          const std::optional<torch::Tensor>& vaceContext = std::nullopt);

    // ---- Output (EngineOutput.cpp)
    std::map<std::string, std::string> settingsTags(const Request& r, const pipeline::Geometry& g,
                                                    std::int64_t seed) const;
    // VAE decode, quantisation and every requested output. Latents must already be saved.
    void decodeAndWrite(const Request& r, const torch::Tensor& x0,
                        const std::map<std::string, std::string>& tags, Result& result);
    void saveLatents(const Request& r, const torch::Tensor& x0,
                     const std::map<std::string, std::string>& tags, Result& result) const;
    void finishFromLatents(const Request& r, const std::filesystem::path& latentsFile, Result& result);
};

} // namespace wan
