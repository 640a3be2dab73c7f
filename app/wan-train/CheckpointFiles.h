#pragma once
// Writers for the exported model folder: torch.save-compatible .pth state dicts (our own zip + pickle) and
// .safetensors files, both written to a temporary name and renamed into place.

#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace wan::demo {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// What `torch.save(model.state_dict(), file)` writes: a stored zip ("archive/data.pkl" = pickle protocol 2 of
// an OrderedDict of tensors rebuilt by torch._utils._rebuild_tensor_v2, "archive/data/<n>" = raw
// little-endian storages, 64-byte aligned), readable by io::loadPth and by Python's torch.load. float32,
// bfloat16 and float16 tensors. Throws std::runtime_error naming the file on I/O failure.
void writePth(const std::filesystem::path& file, const NamedTensors& tensors);

// A .safetensors file (F32, BF16, F16) with an optional __metadata__ string map.
void writeSafetensors(const std::filesystem::path& file, const NamedTensors& tensors,
                      const std::vector<std::pair<std::string, std::string>>& metadata = {});

// Writes `data` to `file` atomically (temporary file + rename).
void writeFileAtomically(const std::filesystem::path& file, const std::string& data);

} // namespace wan::demo
