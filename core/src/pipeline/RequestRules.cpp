// The request's tables, official defaults, rules and JSON form (wan/Request.h). Torch-free.
#include "wan/Request.h"
#include "wan/RequestAdvice.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdio>
#include <system_error>

namespace wan {

namespace {

constexpr EnumEntry<Task> kTasks[] = {
    {Task::T2V, "t2v", "Text to video"},          {Task::I2V, "i2v", "Image to video"},
    {Task::T2I, "t2i", "Text to image"},          {Task::FLF2V, "flf2v", "First & last frame to video"},
    {Task::VACE, "vace", "Video editing (VACE)"},
};
constexpr EnumEntry<Solver> kSolvers[] = {
    {Solver::UniPC, "unipc", "UniPC"},
    {Solver::DpmPP, "dpm++", "DPM++ 2M"},
    {Solver::Euler, "euler", "Euler"},
};
constexpr EnumEntry<Precision> kPrecisions[] = {
    {Precision::Auto, "auto", "Automatic"},
    {Precision::Float32, "fp32", "fp32"},
    {Precision::BFloat16, "bf16", "bf16"},
    {Precision::Float16, "fp16", "fp16"},
};
constexpr EnumEntry<TextPrecision> kTextPrecisions[] = {
    {TextPrecision::Auto, "auto", "Automatic"},
    {TextPrecision::BFloat16, "bf16", "bf16"},
    {TextPrecision::Float32, "fp32", "fp32 (reference)"},
};
constexpr EnumEntry<VaePrecision> kVaePrecisions[] = {
    {VaePrecision::Auto, "auto", "Automatic"},
    {VaePrecision::BFloat16, "bf16", "bf16"},
    {VaePrecision::Float16, "fp16", "fp16"},
    {VaePrecision::Float32, "fp32", "fp32 (reference)"},
};
constexpr EnumEntry<MemoryMode> kMemoryModes[] = {
    {MemoryMode::Auto, "auto", "Automatic"},
    {MemoryMode::Full, "full", "Everything on the device (fastest)"},
    {MemoryMode::T5Cpu, "t5-cpu", "Text encoder on CPU"},
    {MemoryMode::Offload, "offload", "Offload each model after its stage"},
    {MemoryMode::OffloadT5Cpu, "offload-t5-cpu", "Offload (least memory, slower)"},
};
constexpr EnumEntry<NoiseSource> kNoiseSources[] = {
    {NoiseSource::Cpu, "cpu", "CPU"},
    {NoiseSource::Device, "device", "Device"},
};
constexpr EnumEntry<VaeTiling> kVaeTilings[] = {
    {VaeTiling::Auto, "auto", "Automatic"},
    {VaeTiling::Off, "off", "Off"},
    {VaeTiling::On, "on", "On"},
};
constexpr EnumEntry<SamplerMode> kSamplerModes[] = {
    {SamplerMode::Full, "full", "Final"},
    {SamplerMode::Distilled, "distill", "Draft"},
};
constexpr EnumEntry<StepCacheMode> kStepCaches[] = {
    {StepCacheMode::Off, "off", "Off"},
    {StepCacheMode::TeaCache, "teacache", "TeaCache"},
    {StepCacheMode::MagCache, "magcache", "MagCache"},
};
constexpr EnumEntry<CachePreset> kCachePresets[] = {
    {CachePreset::Quality, "quality", "Quality"},
    {CachePreset::Balanced, "balanced", "Balanced"},
    {CachePreset::Fast, "fast", "Fast"},
};
constexpr EnumEntry<LoraApply> kLoraApplies[] = {
    {LoraApply::Auto, "auto", "Automatic"},
    {LoraApply::Merge, "merge", "Merge"},
    {LoraApply::OnTheFly, "on_the_fly", "On the fly"},
};
constexpr EnumEntry<ModelSize> kModelSizes[] = {
    {ModelSize::Small, "1.3B", "1.3B"},
    {ModelSize::Large, "14B", "14B"},
};
constexpr EnumEntry<Stage> kStages[] = {
    {Stage::Loading, "loading", "Loading the model"},     {Stage::EncodingText, "text", "Reading the prompt"},
    {Stage::EncodingImage, "image", "Reading the image"}, {Stage::Denoising, "denoising", "Generating"},
    {Stage::Decoding, "decoding", "Decoding frames"},     {Stage::Writing, "writing", "Writing the video"},
};

constexpr const char* kSharedNegativePrompt =
    "色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量，低质量，JPEG"
    "压缩残留，"
    "丑陋的，残缺的，多余的手指，画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，"
    "静止不动的画面，杂乱的背景，三条腿，背景人很多，倒着走";
constexpr const char* kI2vNegativePrefix = "镜头晃动，";
constexpr const char* kFlf2vNegativePrefix = "镜头切换，";

constexpr std::string_view kExamplePromptT2v =
    "Two anthropomorphic cats in comfy boxing gear and bright gloves fight intensely on a spotlighted stage.";
constexpr std::string_view kExamplePromptT2i = "一个朴素端庄的美人";
constexpr std::string_view kExamplePromptI2v =
    "Summer beach vacation style, a white cat wearing sunglasses sits on a surfboard. The fluffy-furred "
    "feline "
    "gazes directly at the camera with a relaxed expression. Blurred beach scenery forms the background "
    "featuring "
    "crystal-clear waters, distant green hills, and a blue sky dotted with white clouds. The cat assumes a "
    "naturally relaxed posture, as if savoring the sea breeze and warm sunlight. A close-up shot highlights "
    "the "
    "feline's intricate details and the refreshing atmosphere of the seaside.";
constexpr std::string_view kExamplePromptFlf2v =
    "CG动画风格，一只蓝色的小鸟从地面起飞，煽动翅膀。小鸟羽毛细腻，胸前有独特的花纹，背景是蓝天白云，阳光明媚"
    "。"
    "镜跟随小鸟向上移动，展现出小鸟飞翔的姿态和天空的广阔。近景，仰视视角。";
constexpr std::string_view kExamplePromptVace =
    "在一个欢乐而充满节日气氛的场景中，穿着鲜艳红色春服的小女孩正与她"
    "的可爱卡通蛇嬉戏。她的春服上绣着金色吉祥图"
    "案，散发着喜庆的气息，脸上洋溢着灿烂的笑容。蛇身呈现出亮眼的绿色"
    "，形状圆润，宽大的眼睛让它显得既友善又幽默"
    "。小女孩欢快地用手轻轻抚摸着蛇的头部，共同享受着这温馨的时刻。周"
    "围五彩斑斓的灯笼和彩带装饰着环境，阳光透过"
    "洒在她们身上，营造出一个充满友爱与幸福的新年氛围。";

} // namespace

template <> std::span<const EnumEntry<Task>> enumEntries<Task>()
{
    return kTasks;
}
template <> std::span<const EnumEntry<Solver>> enumEntries<Solver>()
{
    return kSolvers;
}
template <> std::span<const EnumEntry<Precision>> enumEntries<Precision>()
{
    return kPrecisions;
}
template <> std::span<const EnumEntry<TextPrecision>> enumEntries<TextPrecision>()
{
    return kTextPrecisions;
}
template <> std::span<const EnumEntry<VaePrecision>> enumEntries<VaePrecision>()
{
    return kVaePrecisions;
}
template <> std::span<const EnumEntry<MemoryMode>> enumEntries<MemoryMode>()
{
    return kMemoryModes;
}
template <> std::span<const EnumEntry<NoiseSource>> enumEntries<NoiseSource>()
{
    return kNoiseSources;
}
template <> std::span<const EnumEntry<VaeTiling>> enumEntries<VaeTiling>()
{
    return kVaeTilings;
}
template <> std::span<const EnumEntry<SamplerMode>> enumEntries<SamplerMode>()
{
    return kSamplerModes;
}
template <> std::span<const EnumEntry<StepCacheMode>> enumEntries<StepCacheMode>()
{
    return kStepCaches;
}
template <> std::span<const EnumEntry<CachePreset>> enumEntries<CachePreset>()
{
    return kCachePresets;
}
template <> std::span<const EnumEntry<LoraApply>> enumEntries<LoraApply>()
{
    return kLoraApplies;
}
template <> std::span<const EnumEntry<ModelSize>> enumEntries<ModelSize>()
{
    return kModelSizes;
}
template <> std::span<const EnumEntry<Stage>> enumEntries<Stage>()
{
    return kStages;
}

std::string toString(Task task)
{
    return std::string(enumName(task));
}
std::string toString(Solver solver)
{
    return std::string(enumName(solver));
}
std::string toString(SamplerMode mode)
{
    return std::string(enumName(mode));
}
std::string toString(StepCacheMode mode)
{
    return std::string(enumName(mode));
}
std::string toString(CachePreset preset)
{
    return std::string(enumName(preset));
}
std::string toString(LoraApply apply)
{
    return std::string(enumName(apply));
}

double stageProgress(Stage stage, int step, int totalSteps)
{
    const double within = totalSteps > 0 ? std::clamp(double(step) / totalSteps, 0.0, 1.0) : 0.0;
    switch (stage) {
    case Stage::Loading:
        return 0.0;
    case Stage::EncodingText:
    case Stage::EncodingImage:
        return 0.03;
    case Stage::Denoising:
        return 0.05 + 0.85 * within;
    case Stage::Decoding:
        return 0.9 + 0.08 * within;
    case Stage::Writing:
        return 0.98;
    }
    return 0.0;
}

std::string formatClock(double seconds)
{
    if (!(seconds >= 0.0))
        return {};
    const long total = long(seconds + 0.5);
    char text[32];
    if (total >= 3600)
        std::snprintf(text, sizeof(text), "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
    else
        std::snprintf(text, sizeof(text), "%ld:%02ld", total / 60, total % 60);
    return text;
}

std::string defaultNegativePrompt(Task task)
{
    if (task == Task::FLF2V)
        return std::string(kFlf2vNegativePrefix) + kI2vNegativePrefix + kSharedNegativePrompt;
    return task == Task::I2V ? std::string(kI2vNegativePrefix) + kSharedNegativePrompt
                             : kSharedNegativePrompt;
}

std::string_view examplePrompt(Task task)
{
    switch (task) {
    case Task::I2V:
        return kExamplePromptI2v;
    case Task::FLF2V:
        return kExamplePromptFlf2v;
    case Task::VACE:
        return kExamplePromptVace;
    case Task::T2I:
        return kExamplePromptT2i;
    case Task::T2V:
        break;
    }
    return kExamplePromptT2v;
}

std::vector<std::pair<int, int>> trainedSizes(Task task, ModelSize size)
{
    if (size == ModelSize::Small)
        return {{832, 480}, {480, 832}};
    std::vector<std::pair<int, int>> sizes{{1280, 720}, {720, 1280}, {832, 480}, {480, 832}};
    if (task == Task::T2I)
        sizes.emplace_back(1024, 1024);
    return sizes;
}

bool isTrainedSize(Task task, ModelSize size, int width, int height)
{
    const auto sizes = trainedSizes(task, size);
    return std::find(sizes.begin(), sizes.end(), std::pair(width, height)) != sizes.end();
}

int trainedFrameLimit(Task task, ModelSize /*size*/)
{
    return task == Task::T2I ? 1 : kTrainedFrameLimit;
}

bool isTrainedFrameCount(Task task, ModelSize size, int frames)
{
    return frames <= trainedFrameLimit(task, size);
}

int defaultSteps(Task task)
{
    return task == Task::I2V ? 40 : 50;
}

double defaultShift(Task task, int width, int height)
{
    if (task == Task::FLF2V || task == Task::VACE)
        return 16.0;
    const bool is480 = (width == 832 && height == 480) || (width == 480 && height == 832);
    return task == Task::I2V && is480 ? 3.0 : 5.0;
}

Request defaultRequest(Task task, ModelSize size)
{
    Request r;
    r.task = task;
    const auto first = trainedSizes(task, size).front();
    r.width = first.first;
    r.height = first.second;
    r.frameNum = task == Task::T2I ? 1 : 81;
    r.steps = defaultSteps(task);
    r.shift = defaultShift(task, r.width, r.height);
    r.guideScale = 5.0;
    r.solver = Solver::UniPC;
    r.seed = -1;
    r.fps = kOfficialFps;
    return r;
}

namespace {
// Tasks with a 1.3B model; the others exist as 14B only.
bool hasSmallModel(Task task)
{
    return task == Task::T2V || task == Task::VACE;
}
} // namespace

std::string officialTaskName(Task task, ModelSize size)
{
    const ModelSize s = hasSmallModel(task) ? size : ModelSize::Large;
    return toString(task) + "-" + std::string(enumName(s));
}

std::optional<std::pair<Task, ModelSize>> officialTaskFromName(std::string_view name)
{
    for (const auto& task : kTasks)
        for (const auto& size : kModelSizes)
            if ((hasSmallModel(task.value) || size.value == ModelSize::Large) &&
                officialTaskName(task.value, size.value) == name)
                return std::pair(task.value, size.value);
    return std::nullopt;
}

std::vector<std::string> officialTaskNames()
{
    std::vector<std::string> names;
    for (const auto& task : kTasks)
        for (const auto& size : kModelSizes)
            if (hasSmallModel(task.value) || size.value == ModelSize::Large)
                names.push_back(officialTaskName(task.value, size.value));
    return names;
}

void validate(const Request& r)
{
    const auto bad = [](std::string_view why, const std::string& message) {
        throw Error(ErrorKind::InvalidArgument, message, why);
    };
    const std::string size = std::to_string(r.width) + "*" + std::to_string(r.height);
    if (r.steps < 1 || r.steps > 1000)
        bad(reason::kSteps, "sample steps must be between 1 and 1000 (got " + std::to_string(r.steps) + ")");
    if (!(r.shift > 0.0) || !std::isfinite(r.shift))
        bad(reason::kShift, "sample shift must be a positive number");
    if (!std::isfinite(r.guideScale))
        bad(reason::kGuideScale, "guide scale must be a finite number");
    if (r.seed < -1)
        bad(reason::kSeed, "seed must be >= 0, or -1 for a random seed");
    for (const auto& lora : r.loras) {
        if (lora.path.empty() || !std::isfinite(lora.strength))
            bad(reason::kLora, "a LoRA needs a file and a finite strength");
        std::error_code ec;
        if (!std::filesystem::is_regular_file(lora.path, ec))
            bad(reason::kLoraMissing,
                "LoRA '" + lora.path.string() + "' does not exist: pass a LoRA .safetensors file");
    }
    if (r.cacheThreshold && !std::isfinite(*r.cacheThreshold))
        bad(reason::kCacheThreshold, "the step cache threshold must be a finite number");
    if (r.vramBudgetGiB && !(*r.vramBudgetGiB >= 0.5 && *r.vramBudgetGiB <= 4096.0))
        bad(reason::kVramBudget, "the GPU memory budget must be between 0.5 and 4096 GiB");
    // vace with a source video: 0 takes the source's size or frame count.
    const bool vaceSource = r.task == Task::VACE && !r.srcVideo.empty();
    const bool sizeFromSource = vaceSource && r.width == 0 && r.height == 0;
    const bool framesFromSource = vaceSource && r.frameNum == 0;
    if (!sizeFromSource && (r.width <= 0 || r.height <= 0 || r.width > 8192 || r.height > 8192))
        bad(reason::kSize, "size " + size + " is out of range");
    const int frames = r.task == Task::T2I ? 1 : r.frameNum;
    if (!framesFromSource && (frames < 1 || (frames - 1) % 4 != 0))
        bad(reason::kFrameCount,
            "frame count must be 4n+1 (1, 5, 9, ..., 81), got " + std::to_string(frames));
    if (frames > kMaxFrames)
        bad(reason::kFrameLimit, "frame count " + std::to_string(frames) + " is above the maximum of " +
                                     std::to_string(kMaxFrames) + ": make longer videos in parts");
    if (r.outputPath.empty() && r.framesDir.empty() && r.latentsPath.empty())
        bad(reason::kNoOutput,
            "the request writes nothing: give an output file, a frames folder or a latents file");
    const auto onlyFor = [&](const std::filesystem::path& file, const char* what) {
        if (!file.empty())
            bad(reason::kInputNotForTask,
                "'" + file.string() + "': " + what + " (task " + toString(r.task) + " takes none)");
    };
    if (r.task != Task::VACE) {
        onlyFor(r.srcVideo, "only VACE takes a source video");
        onlyFor(r.srcMask, "only VACE takes a source mask");
        for (const auto& file : r.srcRefImages)
            onlyFor(file, "only VACE takes reference images");
    } else if (!std::isfinite(r.contextScale)) {
        bad(reason::kContextScale, "context scale must be a finite number");
    }
    if (r.task != Task::FLF2V) {
        onlyFor(r.firstFrame, "only first-last-frame-to-video takes a first frame");
        onlyFor(r.lastFrame, "only first-last-frame-to-video takes a last frame");
    }
    if (r.task != Task::I2V)
        onlyFor(r.image, "only image-to-video takes an input image");
    // A crop rectangle only for image-to-video: a first-last-frame video takes its aspect from the whole
    // first frame and fits the last frame to it, which one rectangle cannot describe.
    if (r.imageCrop && r.task != Task::I2V)
        bad(reason::kInputNotForTask,
            "only image-to-video takes a crop rectangle (task " + toString(r.task) + " takes none)");
    if (r.imageCrop &&
        (r.imageCrop->width <= 0 || r.imageCrop->height <= 0 || r.imageCrop->x < 0 || r.imageCrop->y < 0))
        bad(reason::kImageCrop, "the crop rectangle " + toString(*r.imageCrop) +
                                    " needs a positive width and height and a non-negative origin");
    if (r.task == Task::T2I && r.frameNum != 1 && r.frameNum != 81)
        bad(reason::kFrameCount,
            "text-to-image makes exactly one frame (frame_num 1), got " + std::to_string(r.frameNum));
    if (r.task == Task::I2V) {
        if (r.image.empty())
            bad(reason::kImageMissing, "image-to-video needs an input image");
        if (std::int64_t(r.width) * r.height < 256)
            bad(reason::kArea, "the maximum area for image-to-video is too small");
    } else if (r.task == Task::FLF2V) {
        if (r.firstFrame.empty() || r.lastFrame.empty())
            bad(reason::kImageMissing, "first-last-frame-to-video needs a first and a last frame");
        if (std::int64_t(r.width) * r.height < 256)
            bad(reason::kArea, "the maximum area for first-last-frame-to-video is too small");
        if (frames < 5)
            bad(reason::kFramesMissing,
                "first-last-frame-to-video needs at least 5 frames, got " + std::to_string(frames));
    } else if (!sizeFromSource && (r.width % kSizeMultiple != 0 || r.height % kSizeMultiple != 0)) {
        bad(reason::kSizeMultiple,
            "size " + size + " is not valid: width and height must be multiples of 16");
    }
    auto ext = r.outputPath.extension().string();
    for (auto& c : ext)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".png" && frames != 1)
        bad(reason::kPngFrames,
            "'" + r.outputPath.string() + "': a PNG holds one frame; use .mp4 for videos");
    if (r.fps < 1 || r.fps > 240)
        bad(reason::kFps, "fps must be between 1 and 240");
}

// ---- JSON
// --------------------------------------------------------------------------------------------------

namespace {

using nlohmann::json;

// Every key of the request's JSON form (version 1); fromJson rejects others.
constexpr std::string_view kRequestKeys[] = {
    "version",
    "task",
    "ckpt_dir",
    "dit_file",
    "t5_file",
    "vae_file",
    "clip_file",
    "tokenizer_file",
    "prompt",
    "original_prompt",
    "negative_prompt",
    "width",
    "height",
    "frame_num",
    "seed",
    "solver",
    "steps",
    "shift",
    "guide_scale",
    "image",
    "image_crop",
    "first_frame",
    "last_frame",
    "src_video",
    "src_mask",
    "src_ref_images",
    "context_scale",
    "device",
    "precision",
    "t5_precision",
    "vae_precision",
    "noise",
    "memory",
    "vae_tiling",
    "output",
    "latents",
    "resume_state",
    "fps",
    "crf",
    "loras",
    "lora_mode",
    "sampler_mode",
    "cache",
    "cache_preset",
    "cache_threshold",
};
// Retired keys a document without "version" may hold.
constexpr std::string_view kLegacyKeys[] = {"offload_model", "t5_cpu"};

template <std::size_t N> bool listed(const std::string_view (&keys)[N], const std::string& key)
{
    return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

class Reader
{
public:
    Reader(const json& object, std::string prefix) : m_o(object), m_prefix(std::move(prefix)) {}

    [[noreturn]] void fail(std::string_view why, const std::string& message) const
    {
        throw Error(ErrorKind::InvalidArgument, m_prefix + message, why);
    }
    [[noreturn]] void badValue(const std::string& key, const std::string& expected) const
    {
        fail(reason::kJsonValue, "\"" + key + "\" must be " + expected);
    }
    bool has(const std::string& key) const { return m_o.contains(key); }
    const json& at(const std::string& key) const { return m_o.at(key); }

    void text(const std::string& key, std::string& field) const
    {
        if (!has(key))
            return;
        if (!at(key).is_string())
            badValue(key, "a string");
        field = at(key).get<std::string>();
    }
    void path(const std::string& key, std::filesystem::path& field) const
    {
        std::string value;
        text(key, value);
        if (has(key))
            field = std::filesystem::path(value);
    }
    void integer(const std::string& key, int& field) const
    {
        if (!has(key))
            return;
        const auto& v = at(key);
        if (!v.is_number_integer() || v.get<std::int64_t>() < -(1LL << 30) ||
            v.get<std::int64_t>() > (1LL << 30))
            badValue(key, "an integer");
        field = v.get<int>();
    }
    void number(const std::string& key, double& field) const
    {
        if (!has(key))
            return;
        if (!at(key).is_number())
            badValue(key, "a number");
        field = at(key).get<double>();
    }
    void boolean(const std::string& key, bool& field) const
    {
        if (!has(key))
            return;
        if (!at(key).is_boolean())
            badValue(key, "true or false");
        field = at(key).get<bool>();
    }
    template <typename Enum> void choice(const std::string& key, Enum& field) const
    {
        if (!has(key))
            return;
        const auto value =
            at(key).is_string() ? enumFromName<Enum>(at(key).get<std::string>()) : std::nullopt;
        if (!value)
            badValue(key, "one of " + enumNameList<Enum>() + " (got " + at(key).dump() + ")");
        field = *value;
    }

private:
    const json& m_o;
    std::string m_prefix;
};

} // namespace

std::string toJson(const Request& r)
{
    json o = json::object();
    o["version"] = kRequestJsonVersion;
    o["task"] = enumName(r.task);
    o["ckpt_dir"] = r.ckptDir.string();
    for (const auto& [key, path] :
         {std::pair{"dit_file", &r.models.dit}, std::pair{"t5_file", &r.models.t5},
          std::pair{"vae_file", &r.models.vae}, std::pair{"clip_file", &r.models.clip},
          std::pair{"tokenizer_file", &r.models.tokenizer}})
        if (!path->empty())
            o[key] = path->string();
    o["prompt"] = r.prompt;
    if (!r.originalPrompt.empty())
        o["original_prompt"] = r.originalPrompt;
    if (r.negativePrompt)
        o["negative_prompt"] = *r.negativePrompt;
    o["width"] = r.width;
    o["height"] = r.height;
    o["frame_num"] = r.frameNum;
    o["seed"] = std::to_string(r.seed);
    o["solver"] = enumName(r.solver);
    o["steps"] = r.steps;
    o["shift"] = r.shift;
    o["guide_scale"] = r.guideScale;
    const auto optionalPath = [&](const char* key, const std::filesystem::path& path) {
        if (!path.empty())
            o[key] = path.string();
    };
    optionalPath("image", r.image);
    if (r.imageCrop)
        o["image_crop"] = {r.imageCrop->x, r.imageCrop->y, r.imageCrop->width, r.imageCrop->height};
    optionalPath("first_frame", r.firstFrame);
    optionalPath("last_frame", r.lastFrame);
    optionalPath("src_video", r.srcVideo);
    optionalPath("src_mask", r.srcMask);
    if (!r.srcRefImages.empty()) {
        json refs = json::array();
        for (const auto& ref : r.srcRefImages)
            refs.push_back(ref.string());
        o["src_ref_images"] = refs;
    }
    if (r.task == Task::VACE)
        o["context_scale"] = r.contextScale;
    o["device"] = r.device;
    o["precision"] = enumName(r.precision);
    o["t5_precision"] = enumName(r.textPrecision);
    o["vae_precision"] = enumName(r.vaePrecision);
    o["noise"] = enumName(r.noise);
    o["memory"] = enumName(r.memory);
    o["vae_tiling"] = enumName(r.vaeTiling);
    o["output"] = r.outputPath.string();
    o["latents"] = r.latentsPath.string();
    optionalPath("resume_state", r.resumeStatePath);
    o["fps"] = r.fps;
    o["crf"] = r.crf;
    if (!r.loras.empty()) {
        json loras = json::array();
        for (const auto& lora : r.loras)
            loras.push_back({{"path", lora.path.string()}, {"strength", lora.strength}});
        o["loras"] = loras;
        o["lora_mode"] = enumName(r.loraApply);
    }
    o["sampler_mode"] = enumName(r.samplerMode);
    o["cache"] = enumName(r.stepCache);
    o["cache_preset"] = enumName(r.cachePreset);
    if (r.cacheThreshold)
        o["cache_threshold"] = *r.cacheThreshold;
    return o.dump(4);
}

Request fromJson(std::string_view text, const std::string& source)
{
    const std::string prefix = source.empty() ? std::string() : "'" + source + "': ";
    json o;
    try {
        o = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        throw Error(ErrorKind::InvalidArgument,
                    prefix + "not valid JSON (" + e.what() + "): write one settings object",
                    reason::kJsonSyntax);
    }
    if (!o.is_object())
        throw Error(ErrorKind::InvalidArgument, prefix + "expected one JSON object of settings",
                    reason::kJsonSyntax);
    const Reader in(o, prefix);

    int version = 0;
    in.integer("version", version);
    if (in.has("version") && version < 1)
        in.badValue("version", "a positive integer");
    if (version > kRequestJsonVersion)
        in.fail(reason::kJsonVersion, "written by a newer version (settings version " +
                                          std::to_string(version) + ", this build reads up to " +
                                          std::to_string(kRequestJsonVersion) + "): update the program");
    for (const auto& item : o.items()) {
        const std::string& key = item.key();
        if (!listed(kRequestKeys, key) && !listed(kRequestMetadataKeys, key) &&
            !(version == 0 && listed(kLegacyKeys, key)))
            in.fail(reason::kJsonKey, "unknown setting \"" + key + "\": remove it or check its spelling");
    }

    Request r;
    if (!in.has("task"))
        in.fail(reason::kJsonKey, "\"task\" is missing (one of " + enumNameList<Task>() + ")");
    in.choice("task", r.task);
    in.path("ckpt_dir", r.ckptDir);
    in.path("dit_file", r.models.dit);
    in.path("t5_file", r.models.t5);
    in.path("vae_file", r.models.vae);
    in.path("clip_file", r.models.clip);
    in.path("tokenizer_file", r.models.tokenizer);
    in.text("prompt", r.prompt);
    in.text("original_prompt", r.originalPrompt);
    if (in.has("negative_prompt")) {
        std::string negative;
        in.text("negative_prompt", negative);
        r.negativePrompt = negative;
    }
    in.integer("width", r.width);
    in.integer("height", r.height);
    in.integer("frame_num", r.frameNum);
    if (in.has("seed")) {
        const auto& seed = in.at("seed");
        if (seed.is_number_integer()) {
            r.seed = seed.get<std::int64_t>();
        } else {
            const std::string s = seed.is_string() ? seed.get<std::string>() : std::string();
            std::size_t used = 0;
            try {
                r.seed = std::stoll(s, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (s.empty() || used != s.size())
                in.badValue("seed", "an integer (as a number or a string), -1 for a random seed");
        }
    }
    in.choice("solver", r.solver);
    in.integer("steps", r.steps);
    in.number("shift", r.shift);
    in.number("guide_scale", r.guideScale);
    in.path("image", r.image);
    if (in.has("image_crop")) {
        // [x, y, width, height] in pixels of the image as shown
        const auto& crop = in.at("image_crop");
        const auto pixels = [](const json& v, std::int64_t least) {
            return v.is_number_integer() && v.get<std::int64_t>() >= least &&
                   v.get<std::int64_t>() <= INT_MAX;
        };
        if (!crop.is_array() || crop.size() != 4 || !pixels(crop[0], 0) || !pixels(crop[1], 0) ||
            !pixels(crop[2], 1) || !pixels(crop[3], 1))
            in.badValue("image_crop", "[x, y, width, height]: four whole numbers of pixels, the origin 0 or "
                                      "more, the width and height 1 or more (got " +
                                          crop.dump() + ")");
        r.imageCrop =
            ImageCrop{crop[0].get<int>(), crop[1].get<int>(), crop[2].get<int>(), crop[3].get<int>()};
    }
    in.path("first_frame", r.firstFrame);
    in.path("last_frame", r.lastFrame);
    in.path("src_video", r.srcVideo);
    in.path("src_mask", r.srcMask);
    if (in.has("src_ref_images")) {
        if (!in.at("src_ref_images").is_array())
            in.badValue("src_ref_images", "a list of image files");
        for (const auto& ref : in.at("src_ref_images")) {
            if (!ref.is_string() || ref.get<std::string>().empty())
                in.badValue("src_ref_images", "a list of image files");
            r.srcRefImages.emplace_back(ref.get<std::string>());
        }
    }
    in.number("context_scale", r.contextScale);
    in.text("device", r.device);
    in.choice("precision", r.precision);
    in.choice("t5_precision", r.textPrecision);
    in.choice("vae_precision", r.vaePrecision);
    in.choice("noise", r.noise);
    in.choice("memory", r.memory);
    if (version == 0) {
        // Before version 1 the GUI wrote both flags beside "memory"; the CLI never wrote a file.
        bool offload = false, t5Cpu = false;
        in.boolean("offload_model", offload);
        in.boolean("t5_cpu", t5Cpu);
        if (r.memory == MemoryMode::Offload && t5Cpu)
            r.memory = MemoryMode::OffloadT5Cpu;
        else if (r.memory == MemoryMode::Auto && offload)
            r.memory = t5Cpu ? MemoryMode::OffloadT5Cpu : MemoryMode::Offload;
        else if (r.memory == MemoryMode::Auto && t5Cpu)
            r.memory = MemoryMode::T5Cpu;
    }
    in.choice("vae_tiling", r.vaeTiling);
    in.path("output", r.outputPath);
    in.path("latents", r.latentsPath);
    in.path("resume_state", r.resumeStatePath);
    in.integer("fps", r.fps);
    in.integer("crf", r.crf);
    if (in.has("loras")) {
        if (!in.at("loras").is_array())
            in.badValue("loras", "a list of {\"path\": FILE, \"strength\": S}");
        for (const auto& lora : in.at("loras")) {
            if (!lora.is_object() || !lora.contains("path") || !lora["path"].is_string() ||
                lora["path"].get<std::string>().empty() ||
                (lora.contains("strength") && !lora["strength"].is_number()))
                in.badValue("loras", "a list of {\"path\": FILE, \"strength\": S}");
            r.loras.push_back(LoraSpec{lora["path"].get<std::string>(), lora.value("strength", 1.0)});
        }
    }
    in.choice("lora_mode", r.loraApply);
    in.choice("sampler_mode", r.samplerMode);
    in.choice("cache", r.stepCache);
    in.choice("cache_preset", r.cachePreset);
    if (in.has("cache_threshold")) {
        double threshold = 0.0;
        in.number("cache_threshold", threshold);
        r.cacheThreshold = threshold;
    }
    return r;
}

} // namespace wan
