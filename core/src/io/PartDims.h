#pragma once
// The one reading of a model part's dims from its tensor shapes (official names), torch-free. The model
// folder and file inspection (wan::inspectModelFolder / inspectModelSet) is built on it, and so are the
// loaders that get a file or weights in memory instead of an inspected wan::ModelInfo.

#include "wan/ModelFolder.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wan::io {

// Tensor name -> shape.
using TensorShapes = std::map<std::string, std::vector<std::int64_t>>;

// The DiT's model type and dims (ModelInfo::modelType and ::dit; no files): from `configFile` when it is the
// DiT's configuration (the official config.json with model_type and dim, or diffusers' with
// num_attention_heads), else from the shapes alone (heads of 128, text_len 512); checked against the shapes.
// `configFile` may be empty. Throws wan::Error(ModelFolder / CorruptFile) naming `weightsFile` or the config.
ModelInfo ditDimsFromShapes(const TensorShapes& shapes, const std::filesystem::path& configFile,
                            const std::filesystem::path& weightsFile);

// The umT5 encoder's dims (ModelInfo::t5 without the file facts). Throws wan::Error naming `file`.
T5Dims t5DimsFromShapes(const TensorShapes& shapes, const std::filesystem::path& file);

// The CLIP vision encoder's dims (official names; heads fixed at 16 for ViT-H/14). Throws wan::Error naming
// `file`.
ClipDims clipDimsFromShapes(const TensorShapes& shapes, const std::filesystem::path& file);

} // namespace wan::io
