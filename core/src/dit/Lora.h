#pragma once
// LoRA files for the Wan2.1 DiT: the layouts in circulation renamed onto the engine's module names, checked
// against a model, and applied either merged into the weights or on the fly.
//
// Layouts (one rename table each, see Lora.cpp):
// - ComfyUI / official names: "diffusion_model.blocks.0.self_attn.q.lora_A.weight" (also lora_down/lora_up,
//   ".alpha", no prefix, "model.diffusion_model.")
// - diffusers / PEFT: "transformer.blocks.0.attn1.to_q.lora_A.weight"
// - kohya / musubi-tuner: "lora_unet_blocks_0_self_attn_q.lora_down.weight" + ".alpha"
// - full differences in any of them: "<module>.diff" (weight) and "<module>.diff_b" (bias)

#include "dit/WanModel.h"
#include "wan/Pipeline.h"

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wan::dit {

enum class LoraLayout
{
    Comfy = 1,
    Diffusers,
    Kohya
};

// The update for one module of the model (engine name, e.g. "blocks.3.ffn.0").
struct LoraTarget
{
    torch::Tensor down;         // A [rank, in] (float32, CPU)
    torch::Tensor up;           // B [out, rank]
    double alphaOverRank = 1.0; // alpha / rank; 1 without an .alpha tensor
    torch::Tensor diff;         // full weight difference, shape of `<module>.weight`
    torch::Tensor diffBias;     // full bias difference, shape of `<module>.bias`
};

struct LoraFile
{
    std::filesystem::path path;
    LoraLayout layout = LoraLayout::Comfy;
    std::map<std::string, LoraTarget> targets; // by engine module name
};

// Reads a LoRA .safetensors and maps every tensor onto `model`. Strict: a key of an unknown layout or
// kind, a module the model does not have, a shape that does not fit, or a down without its up throws
// wan::Error(InvalidArgument) naming the file and the first offending keys (a LoRA for another model is
// refused, not silently ignored).
LoraFile loadLora(const std::filesystem::path& path, WanModel& model);

// The engine's module name for a LoRA key's module part in `layout` (e.g. "blocks.0.attn1.to_q" in
// Diffusers -> "blocks.0.self_attn.q"); empty when the layout has no such name. `moduleNames` are the model's
// module names (for the kohya layout, whose names lost their dots).
std::string loraModuleName(const std::string& module, LoraLayout layout,
                           const std::vector<std::string>& moduleNames);

// The LoRAs applied to one loaded model. Merging keeps the original tensor of every touched parameter (the
// CPU fp32 originals alias the checkpoint's mapping, so that costs nothing there; GPU originals are kept in
// host memory), so a new list of LoRAs or strengths restores them exactly instead of reloading the model.
class LoraState
{
public:
    // Brings `model` to exactly the base weights plus `loras` (merged, or as LinearAdapters with
    // `onTheFly`). A no-op when the same list (same files, unchanged on disk) was applied the same way to the
    // same model last time; a model this state has not seen is taken to hold its base weights.
    void apply(const std::shared_ptr<WanModel>& model, const std::vector<LoraSpec>& loras, bool onTheFly);
    // Base weights back, adapters removed.
    void clear();
    bool empty() const { return m_applied.empty(); }

private:
    void mergeInto(WanModel& model, const std::string& parameter, const torch::Tensor& delta);

    std::weak_ptr<WanModel> m_model;
    std::vector<LoraSpec> m_applied;
    bool m_onTheFly = false;
    std::vector<std::filesystem::file_time_type> m_stamps;
    std::map<std::string, torch::Tensor> m_originals; // parameter name -> base tensor
    std::vector<LinearImpl*> m_adapted;               // layers holding adapters (of m_model)
};

// The merged update of `target` for a weight: strength * alpha / rank * (B A) (+ strength * diff), float32.
torch::Tensor loraWeightDelta(const LoraTarget& target, double strength);

} // namespace wan::dit
