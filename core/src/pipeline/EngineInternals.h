#pragma once
// Internal access to an Engine for parity tests and tools: every intermediate tensor of a job, by name, as
// the official pipeline produces it ("noise", "context", "context_null", "timesteps", "seq_len", "latent"
// (after each step), "noise_pred_cond", "noise_pred_uncond", "noise_pred", "x0", "video", "frames_u8"; i2v
// also "img", "clip_fea", "vae_encode_input", "y").

#include "wan/Pipeline.h"

#include <torch/torch.h>

#include <functional>
#include <string>

namespace wan {

// step: the denoising step (0-based) for per-step tensors, -1 otherwise.
using TraceFn = std::function<void(const std::string& name, int step, const torch::Tensor& value)>;

struct EngineInternals
{
    // Installs (or clears, with an empty function) the trace callback for the following jobs.
    static void setTrace(Engine& engine, TraceFn trace);
};

} // namespace wan
