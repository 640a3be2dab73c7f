#pragma once
// Internal access to an Engine for parity tests and tools: every intermediate tensor of a job, by name, as
// the official pipeline produces it ("noise", "context", "context_null", "timesteps", "seq_len", "latent"
// (after each step), "noise_pred_cond", "noise_pred_uncond", "noise_pred", "x0", "video", "frames_u8"; i2v
// also "img", "clip_fea", "vae_encode_input", "y").

#include "wan/Pipeline.h"

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace wan {

// step: the denoising step (0-based) for per-step tensors, -1 otherwise.
using TraceFn = std::function<void(const std::string& name, int step, const torch::Tensor& value)>;

struct EngineInternals
{
    // Installs (or clears, with an empty function) the trace callback for the following jobs.
    static void setTrace(Engine& engine, TraceFn trace);
    // Replaces the host memory pre-flight's "available RAM" (MemAvailable or the cgroup limit) for the
    // following jobs; std::nullopt reads the system again.
    static void setAvailableHostMemory(Engine& engine, std::optional<std::uint64_t> bytes);
    // Called with the index of every DiT block about to run (dit::WanModel::setBlockHook), for the cached
    // model and the ones loaded later; may throw. An empty function removes it.
    static void setBlockHook(Engine& engine, std::function<void(std::size_t block)> hook);
    // The models the engine keeps between jobs ("t5", "dit", "vae", "clip").
    static std::vector<std::string> cachedModels(const Engine& engine);
    // Prompts the engine has run through its text encoder (the others came from its context cache).
    static int textEncoderCalls(const Engine& engine);
    // TeaCache distances the last job read back during its DiT calls (the others were precomputed).
    static int stepCacheDistancesReadBack(const Engine& engine);
};

} // namespace wan
