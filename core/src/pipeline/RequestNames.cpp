// Names of the speed and LoRA options of a Request, as the CLI flags and settings.json spell them.
#include "wan/Pipeline.h"

namespace wan {

std::string toString(SamplerMode mode)
{
    return mode == SamplerMode::Distilled ? "distill" : "full";
}

std::string toString(StepCacheMode mode)
{
    switch (mode) {
    case StepCacheMode::TeaCache:
        return "teacache";
    case StepCacheMode::MagCache:
        return "magcache";
    case StepCacheMode::Off:
        break;
    }
    return "off";
}

std::string toString(CachePreset preset)
{
    switch (preset) {
    case CachePreset::Quality:
        return "quality";
    case CachePreset::Fast:
        return "fast";
    case CachePreset::Balanced:
        break;
    }
    return "balanced";
}

std::string toString(LoraApply apply)
{
    switch (apply) {
    case LoraApply::Merge:
        return "merge";
    case LoraApply::OnTheFly:
        return "on_the_fly";
    case LoraApply::Auto:
        break;
    }
    return "auto";
}

} // namespace wan
