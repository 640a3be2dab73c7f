#pragma once
// The final latents of a job, saved before decoding so an interrupted decode can be finished later.

#include <torch/torch.h>

#include <filesystem>
#include <map>
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

} // namespace wan::pipeline
