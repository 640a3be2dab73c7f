#pragma once
// Internal (torch) side of the quantised formats: GGUF tensors and ComfyUI fp8_scaled weights as torch
// tensors. Public headers never include this.

#include "io/MappedFile.h"
#include "io/RawGguf.h"
#include "io/TensorIo.h"

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

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

// ComfyUI "fp8_scaled": removes the `scaled_fp8` marker, every `<module>.scale_input` (activation scales that
// only fp8 matrix products use) and every `<module>.scale_weight` from `weights`, and returns the weight
// scales by weight name ("<module>.weight"). Throws wan::Error(ModelFolder) naming `file` for a scale without
// an fp8 weight or with more than one element.
std::map<std::string, double> takeScaledFp8Scales(TensorMap& weights, const std::filesystem::path& file);

// A GGUF file with its quantised tensors left quantised: `tensors` holds F32/F16/BF16 tensors in their stored
// dtype (exact) and, for every block type, the raw blocks as a 1-D uint8 tensor aliasing the mapping, whose
// ggml type and real shape (torch order, after any `comfy.gguf.orig_shape.<name>` reshape) are in `blocks`.
struct GgufBlocks
{
    std::uint32_t type = 0;
    std::vector<std::int64_t> shape;
};
struct GgufWeights
{
    TensorMap tensors;
    std::map<std::string, GgufBlocks> blocks;
    std::string architecture; // general.architecture
};

// Throws wan::Error(CorruptFile) naming the file for a malformed file, Error(ModelFolder) for a tensor type
// it cannot dequantise or an orig_shape that does not fit the tensor.
GgufWeights loadGgufWeights(const std::filesystem::path& file);

// The float values of raw GGUF blocks (`blocks`: contiguous uint8 on any device) as a tensor of `shape` and
// `dtype` on the blocks' device, bit-identical to gguf-py before the cast. Blocks on the CPU are decoded by
// dequantizeGgml; blocks on another device (CUDA) by dequantizeGgufBlocksWithTorch on that device, so a
// GPU's quantised weights never travel to the host.
torch::Tensor dequantizeGgufBlocks(const torch::Tensor& blocks, std::uint32_t type, c10::IntArrayRef shape,
                                   torch::Dtype dtype);

// dequantizeGgufBlocks() for CPU blocks into `out` (a contiguous float32 CPU tensor of the values' count),
// so a caller can reuse one buffer. Throws as dequantizeGgml.
void dequantizeGgufBlocksInto(const torch::Tensor& blocks, std::uint32_t type, torch::Tensor& out);

// The same values computed with LibTorch tensor operations on the blocks' device (any device). Throws
// wan::Error(ModelFolder) for a type it cannot dequantise, Error(CorruptFile) when the byte count does not
// hold `shape`.
torch::Tensor dequantizeGgufBlocksWithTorch(const torch::Tensor& blocks, std::uint32_t type,
                                            c10::IntArrayRef shape, torch::Dtype dtype);

} // namespace wan::io
