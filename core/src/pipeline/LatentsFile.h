#pragma once
// The final latents of a job, saved before decoding so an interrupted decode can be finished later.

#include "pipeline/StepCache.h"
#include "sampling/Scheduler.h"
#include "wan/Pipeline.h"

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace wan::pipeline {

inline constexpr const char* kLatentsKey = "latents";

// Writes one float32 tensor `latents` (C-order, little-endian) as a standard .safetensors file with
// `metadata` as its __metadata__, atomically (partial file renamed on success). Throws wan::Error(Io).
void writeLatents(const std::filesystem::path& path, const torch::Tensor& latents,
                  const std::map<std::string, std::string>& metadata = {});

// Reads `latents` [16, T, h, w] float32 back. Throws wan::Error(CorruptFile/Io/InvalidArgument) naming the
// file.
torch::Tensor readLatents(const std::filesystem::path& path);

// Float32 tensors (any names) and string metadata as one .safetensors file, written atomically (partial file,
// fsync, rename). Throws wan::Error(Io).
void writeTensors(const std::filesystem::path& path, const std::map<std::string, torch::Tensor>& tensors,
                  const std::map<std::string, std::string>& metadata = {});

// Resumable denoising (Request::resumeStatePath): the latents after `stepsDone` steps, the sampler's state
// and the seed the run used. The noise generator is not part of it: the engine draws all noise before the
// first step, from the seed, and never again.
struct DenoiseCheckpoint
{
    int stepsDone = 0;
    std::int64_t seed = 0;
    torch::Tensor latents; // float32 [16, T, h, w]
    sampling::SchedulerState sampler;
    // A cached job's step cache (TeaCache, MagCache) after `stepsDone` steps; none without a step cache.
    std::optional<StepCacheState> stepCache;
    // The request fields that decide the latents, as text (see denoiseFingerprint()).
    std::map<std::string, std::string> fingerprint;
};

// The fields of `request` that change the denoised latents (seed apart), with the resolved precision, the
// text encoder's and the VAE's resolved math and the device type ("cpu", "cuda"): a checkpoint is only
// continued by the same job.
std::map<std::string, std::string> denoiseFingerprint(const Request& request, const std::string& precision,
                                                      const std::string& textPrecision,
                                                      const std::string& vaePrecision,
                                                      const std::string& deviceType);

void writeDenoiseCheckpoint(const std::filesystem::path& path, const DenoiseCheckpoint& checkpoint);
// Throws wan::Error(CorruptFile) naming the file and the fix (delete it) when it is not a complete
// checkpoint of this program. Reads format 2 and format 1 (no step cache state; one of a job with a step
// cache is refused).
DenoiseCheckpoint readDenoiseCheckpoint(const std::filesystem::path& path);
// Throws wan::Error(InvalidArgument) naming the file and the first field that differs when `checkpoint` was
// written by another request (`seed` -1: any seed; the checkpoint's is used).
void checkDenoiseCheckpoint(const std::filesystem::path& path, const DenoiseCheckpoint& checkpoint,
                            const std::map<std::string, std::string>& fingerprint, std::int64_t seed);

} // namespace wan::pipeline
