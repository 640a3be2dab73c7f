#pragma once
// Internal (torch) side of checkpoint reading. Public headers never include this.

#include "io/NameTables.h"
#include "wan/CancelToken.h"

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace wan::io {

// Name -> tensor, ordered by name. Tensors read from files alias a read-only memory mapping (kept alive by
// the tensors themselves) whenever no conversion is needed; never write into them.
using TensorMap = std::map<std::string, torch::Tensor>;

// Every tensor of one .safetensors file. F8_E4M3/F8_E5M2 tensors keep their native float8 dtype (callers cast
// on use); tensors whose data offset is not aligned for their dtype are copied. Throws
// wan::Error(CorruptFile) naming the file on any header problem.
TensorMap loadSafetensors(const std::filesystem::path& file);

// The `__metadata__` string map of a .safetensors file (empty when absent).
std::map<std::string, std::string> readSafetensorsMetadata(const std::filesystem::path& file);

// The state dict stored by torch.save (zip + restricted unpickler). Throws wan::Error(CorruptFile).
TensorMap loadPth(const std::filesystem::path& file);

// The DiT weights of a model folder: diffusion_pytorch_model.safetensors or the shards listed in
// diffusion_pytorch_model.safetensors.index.json.
TensorMap loadDitWeights(const std::filesystem::path& ckptDir);

// Every tensor listed in a Hugging Face shard index (`*.safetensors.index.json`: "weight_map" name -> shard
// file beside it). Throws wan::Error(ModelFolder) for a missing shard, Error(CorruptFile) for a bad index or
// a tensor its shard does not hold.
TensorMap loadSafetensorsShards(const std::filesystem::path& indexFile);

// A checkpoint whose names were mapped onto the official ones by a NameRule table.
struct RenamedWeights
{
    TensorMap weights; // official names; names no rule matched are kept as they are
    std::map<std::string, std::string> fileNames; // official name -> the name in the file (renamed ones only)
};

// `weights` renamed by `rules`. Throws wan::Error(ModelFolder) naming `file` when two tensors get one name.
RenamedWeights renameWeights(TensorMap weights, std::span<const NameRule> rules,
                             const std::filesystem::path& file);

struct BindOptions
{
    torch::Dtype dtype = torch::kFloat32; // floating tensors are cast to this; integer tensors keep theirs
    torch::Device device = torch::kCPU;
    std::vector<std::string> ignoredPrefixes; // file tensors under these prefixes are skipped on purpose
    // Checked before every tensor is converted: a cancelled bind throws wan::Error(Cancelled) and leaves the
    // module to be thrown away (some tensors bound, some not).
    const CancelToken* cancel = nullptr;
    // Quantised weights (fp8, GGUF blocks) dequantised at use: bound as stored (only moved to `device`),
    // their shape checked as the real shape given here instead of the stored tensor's.
    std::map<std::string, std::vector<std::int64_t>> quantized;
    // Floating tensors keep the dtype they are stored in (`dtype` is then unused).
    bool keepStoredDtype = false;
    // For messages: the name a tensor has in the user's file (another layout); unset: the name itself.
    std::function<std::string(const std::string&)> nameInFile;
};

// BindOptions::nameInFile for weights renamed by `rules`: renamed tensors by their file name, missing ones by
// the table read backwards.
std::function<std::string(const std::string&)> namesInFile(const RenamedWeights& renamed,
                                                           std::span<const NameRule> rules);

// Strict binding by name: every parameter and buffer of `module` must be in `weights` with the same shape,
// and every tensor of `weights` (outside ignoredPrefixes) must be used. The module's tensors are replaced
// (set_data), so a tensor already of the right dtype/device is used without a copy. On mismatch throws
// wan::Error(ModelFolder) naming `file` and listing unknown, missing and wrong-shape tensors (first few of
// each, with counts).
void bindStateDict(torch::nn::Module& module, const TensorMap& weights, const std::filesystem::path& file,
                   const BindOptions& options = {});

// "[2, 3, 4]", for messages.
std::string shapeString(c10::IntArrayRef sizes);

// The tensor `name` of `weights` with `dims` dimensions, used to read model dims from a checkpoint. Throws
// wan::Error(ModelFolder) naming `file` when it is missing ("not <expectedKind>, or an incomplete one") or
// has another rank.
const torch::Tensor& requireTensor(const TensorMap& weights, const std::string& name, std::int64_t dims,
                                   const std::filesystem::path& file, const std::string& expectedKind);

} // namespace wan::io
