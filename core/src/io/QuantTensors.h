#pragma once
// Internal (torch) side of the quantised formats: GGUF tensors and ComfyUI fp8_scaled weights as torch
// tensors. Public headers never include this.

#include "io/MappedFile.h"
#include "io/RawGguf.h"
#include "io/TensorIo.h"

#include <torch/torch.h>

#include <filesystem>

namespace wan::io {

// One tensor of a parsed GGUF file (`file` the mapping it was parsed from) as a new CPU tensor of `dtype`,
// shaped in torch order: dequantised to float32 (dequantizeGgml, bit-identical to gguf-py), then cast.
// Throws wan::Error(ModelFolder) naming the file for a type it cannot dequantise.
torch::Tensor ggufTensorToTorch(const MappedFile& file, const GgufTensorInfo& tensor, torch::Dtype dtype);

// Every tensor of a GGUF file, dequantised as above. Throws wan::Error(CorruptFile) naming the file.
TensorMap loadGgufDequantized(const std::filesystem::path& file, torch::Dtype dtype);

// A ComfyUI "fp8_scaled" weight: fp8 value x per-tensor scale, computed in float32 and cast to `dtype` once.
// `weight` must be float8_e4m3fn or float8_e5m2 and `scale` hold one element; throws wan::Error(ModelFolder)
// otherwise, naming `name`.
torch::Tensor dequantizeScaledFp8(const torch::Tensor& weight, const torch::Tensor& scale, torch::Dtype dtype,
                                  const std::string& name);

} // namespace wan::io
