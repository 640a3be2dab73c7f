#pragma once
// The request: everything a generation needs, the stable names of its options (settings.json, CLI values,
// logs), the official defaults per task and model size, and the rules a request must follow. Torch-free and
// Qt-free: the CLI and the GUI only translate their flags and widgets into a Request.
//
// Adding an option value (a solver, a cache method, ...): add the enumerator and one row to its table in
// core/src/pipeline/RequestRules.cpp; JSON, CLI values, logs and the GUI's lists follow from the table.

#include "wan/Error.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wan {

enum class Task
{
    T2V = 1,
    I2V,
    T2I,
    FLF2V, // first-last-frame-to-video (an flf2v folder)
    VACE   // video editing from a source video, mask and reference images (a vace folder)
};
enum class Solver
{
    UniPC = 1,
    DpmPP,
    Euler
};
enum class Precision
{
    Auto = 1,
    Float32,
    BFloat16,
    Float16
};
// Where the models live on a GPU. The official generate.py flags map onto it: --t5_cpu is T5Cpu,
// --offload_model True is Offload, both together OffloadT5Cpu, --offload_model False is Full.
enum class MemoryMode
{
    Auto = 1,     // chosen from the free device memory
    Full,         // every model stays on the device
    T5Cpu,        // the T5 text encoder runs on the CPU; the rest stays on the device
    Offload,      // each model is on the device only for its stage (T5 too), then back in host memory
    OffloadT5Cpu, // Offload with T5 on the CPU: the least device memory
};
// Where the initial noise is drawn. Cpu: LibTorch's CPU generator, so a seed gives the same video on every
// machine and device. Device: the device's own generator, as the official script draws on CUDA, to reproduce
// an official GPU run (differs between CPU and GPU, and may between GPU models).
enum class NoiseSource
{
    Cpu = 1,
    Device
};
// The math of the umT5 text encoder. Auto: fp32 for fp32 jobs (parity runs); otherwise bf16 on a GPU, and on
// the CPU bf16 only where it has native bf16 products (AVX512-BF16 or AMX), since elsewhere they are emulated
// and slower than fp32. The weights keep their stored precision either way.
enum class TextPrecision
{
    Auto = 1,
    BFloat16,
    Float32
};
// The math of the video VAE (its encode and decode) on a GPU. Auto: fp32 for fp32 jobs (parity runs);
// otherwise bf16 on compute capability >= 8.0 and fp16 on older GPUs, half the memory of float32 activations.
// A reduced run whose result is not finite (fp16 can overflow) is redone in fp32. The CPU always runs the VAE
// in fp32: its bf16 and fp16 convolutions are emulated and far slower.
enum class VaePrecision
{
    Auto = 1,
    BFloat16,
    Float16,
    Float32
};
enum class VaeTiling
{
    Auto = 1,
    Off,
    On
};

// Full: the request's solver, steps, shift and guidance. Distilled: for step- and CFG-distilled weights (the
// lightx2v Wan2.1 4-step LoRAs): their published timestep list [1000, 750, 500, 250] with shift 5,
// flow-matching Euler, one DiT call per step without guidance; the negative prompt is not encoded at all.
enum class SamplerMode
{
    Full = 1,
    Distilled
};
// Step caching: reuse the transformer blocks' residual of an earlier step when the step-to-step change is
// predicted to be small (TeaCache: accumulated rescaled rel-L1 of the modulated timestep embedding; MagCache:
// accumulated error of the published residual magnitude ratios).
enum class StepCacheMode
{
    Off = 1,
    TeaCache,
    MagCache
};
enum class CachePreset
{
    Quality = 1,
    Balanced,
    Fast
};
// How LoRAs reach the DiT. Auto: merged into resident weights, applied on the fly to streamed blocks.
enum class LoraApply
{
    Auto = 1,
    Merge,
    OnTheFly
};
// The official model sizes: 1.3B (t2v, vace) and 14B.
enum class ModelSize
{
    Small = 1,
    Large
};
enum class Stage
{
    Loading = 1,
    EncodingText,
    EncodingImage,
    Denoising,
    Decoding,
    Writing
};

struct LoraSpec
{
    std::filesystem::path path; // .safetensors (diffusers/PEFT, ComfyUI, kohya/musubi layouts)
    double strength = 1.0;

    bool operator==(const LoraSpec&) const = default;
};

// Single files (or component folders) that make up a model set beside, or instead of, an official folder:
// ComfyUI single files, GGUF, diffusers component folders; their format is read from their content. An empty
// path takes that part from Request::ckptDir (see inspectModelSet in ModelFolder.h).
struct ModelFiles
{
    std::filesystem::path dit;       // DiT weights: .safetensors, .gguf; a config.json beside it is read
    std::filesystem::path t5;        // umT5-XXL encoder weights (official .pth or Hugging Face names)
    std::filesystem::path vae;       // Wan2.1 VAE (.pth or .safetensors)
    std::filesystem::path clip;      // CLIP vision encoder (i2v, flf2v)
    std::filesystem::path tokenizer; // umT5 spiece.model, or a folder holding it

    bool empty() const
    {
        return dit.empty() && t5.empty() && vae.empty() && clip.empty() && tokenizer.empty();
    }
    bool operator==(const ModelFiles&) const = default;
};

// i2v: the part of the input image the video is made from, in pixels of the image as shown (after its EXIF
// orientation). The official rule then applies to it as to a whole image: the output keeps its aspect.
struct ImageCrop
{
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;

    bool operator==(const ImageCrop&) const = default;
};

// Everything a generation needs. settings.json (toJson) stores all of it except the per-run plumbing marked
// "not stored" below.
struct Request
{
    Task task = Task::T2V;
    std::filesystem::path ckptDir; // the official folder; may be empty when `models` names every part
    ModelFiles models;             // parts that replace the folder's own files
    std::string prompt;
    std::string originalPrompt; // the user's prompt when `prompt` is its extension; empty otherwise
    std::optional<std::string> negativePrompt; // nullopt: the official default for the task
    int width = 832; // t2v/t2i: output size; i2v/flf2v: width*height is the max area; vace: see srcVideo
    int height = 480;
    int frameNum = 81;      // 4n+1; T2I makes 1 frame (81, the struct default, is read as 1 too)
    std::int64_t seed = -1; // -1: random, the seed used is reported in Result
    Solver solver = Solver::UniPC;
    int steps = 50;
    double shift = 5.0;
    double guideScale = 5.0;
    std::filesystem::path image;        // i2v conditioning image
    std::optional<ImageCrop> imageCrop; // i2v: the part of `image` used (inside it); nullopt: the whole image
    std::filesystem::path firstFrame;   // flf2v: first frame (its aspect ratio sets the video's)
    std::filesystem::path lastFrame;    // flf2v: last frame (center-cropped to the first's ratio)
    // vace: source video (a video file or a folder of PNG frames sorted by name) and mask (same kind, same
    // size and frame count; white = generate, black = keep); both empty: a blank canvas of width*height and
    // frameNum frames. With a source, width/height/frameNum 0 take its size and frame count; other values
    // resize (scale and center crop) and trim it.
    std::filesystem::path srcVideo;
    std::filesystem::path srcMask;
    std::vector<std::filesystem::path> srcRefImages; // vace: reference images, one latent frame each
    double contextScale = 1.0;                       // vace: weight of the hints (official context_scale)
    std::string device = "auto";           // "auto" (first CUDA GPU, else cpu), "cpu", "cuda", "cuda:N"
    Precision precision = Precision::Auto; // Auto: fp32 on CPU, bf16 on GPUs >= sm_80, fp16 on older ones
    NoiseSource noise = NoiseSource::Cpu;
    TextPrecision textPrecision = TextPrecision::Auto;
    VaePrecision vaePrecision = VaePrecision::Auto;
    MemoryMode memory = MemoryMode::Auto;
    std::optional<double>
        vramBudgetGiB;       // not stored; GPU memory the job may use (GiB), below the free amount
    bool batchedCfg = false; // not stored; one batch-2 DiT call per step (cond, uncond) instead of the
                             // official two calls: faster on a GPU, needs activation memory for two samples
    VaeTiling vaeTiling = VaeTiling::Auto;
    std::filesystem::path outputPath;  // .mp4 (video) or .png (T2I); empty: no media written
    std::filesystem::path latentsPath; // optional safetensors with "latents" [16,T,H/8,W/8] fp32
    std::filesystem::path framesDir;   // not stored; optional PNG sequence frame_0000.png ...
    int previewEverySteps = 1;         // not stored; 0: no previews
    int fps = 16;
    int crf = 17; // H.264 quality
    // Resumable denoising: this job's checkpoint file (.safetensors: latents, sampler state, step, seed and
    // the settings it belongs to). Empty: none. When the file exists at start, the run checks that it belongs
    // to this request (a foreign or broken one fails the job, naming the file), recomputes the conditioning
    // and continues the denoising loop from the saved step with the same result bit for bit; seed -1 takes
    // the saved seed. It is written atomically during denoising (see checkpointEverySteps), when a cancel
    // stops the loop, and always before decoding; it is kept when the job is cancelled or fails (the caller
    // deletes it on a user's Cancel) and removed once the job is done. With a step cache (TeaCache, MagCache)
    // it also holds the cache's state (the cached residual of each stream: seq_len * dim float32 each), so a
    // resumed cached job skips the same calls as an uninterrupted one.
    std::filesystem::path resumeStatePath;
    int checkpointEverySteps = 0; // not stored; > 0: save after every N steps; 0: after each step > 20 s
    std::vector<LoraSpec> loras;  // applied in order, each W += strength * alpha / rank * B A
    LoraApply loraApply = LoraApply::Auto;
    SamplerMode samplerMode = SamplerMode::Full;
    StepCacheMode stepCache = StepCacheMode::Off;
    CachePreset cachePreset = CachePreset::Balanced;
    std::optional<double> cacheThreshold; // overrides the preset's threshold; <= 0 never skips
};

// ---- Names
// -------------------------------------------------------------------------------------------------

// One row of an option's table: the stable name (settings.json, CLI values, logs; never translated) and the
// display key (English text; the GUI translates it, the CLI prints it as is).
template <typename Enum> struct EnumEntry
{
    Enum value;
    std::string_view name;
    std::string_view displayKey;
};

// The table of each option, in the order front ends list them. Specialised in RequestRules.cpp for Task,
// Solver, Precision, TextPrecision, VaePrecision, MemoryMode, NoiseSource, VaeTiling, SamplerMode,
// StepCacheMode, CachePreset, LoraApply, ModelSize and Stage.
template <typename Enum> std::span<const EnumEntry<Enum>> enumEntries();

template <typename Enum> std::string_view enumName(Enum value)
{
    for (const auto& entry : enumEntries<Enum>())
        if (entry.value == value)
            return entry.name;
    return {};
}
template <typename Enum> std::string_view enumDisplayKey(Enum value)
{
    for (const auto& entry : enumEntries<Enum>())
        if (entry.value == value)
            return entry.displayKey;
    return {};
}
template <typename Enum> std::optional<Enum> enumFromName(std::string_view name)
{
    for (const auto& entry : enumEntries<Enum>())
        if (entry.name == name)
            return entry.value;
    return std::nullopt;
}
// "unipc, dpm++ or euler": for messages that list the accepted names.
template <typename Enum> std::string enumNameList()
{
    const auto entries = enumEntries<Enum>();
    std::string list;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0)
            list += i + 1 == entries.size() ? " or " : ", ";
        list += entries[i].name;
    }
    return list;
}

// The stable names as std::string (enumName), for logs and metadata. (No such overload for enums that tests
// QCOMPARE: QTest finds toString() by argument-dependent lookup and expects a char*.)
std::string toString(Task task);
std::string toString(Solver solver);
std::string toString(SamplerMode mode);   // "full", "distill"
std::string toString(StepCacheMode mode); // "off", "teacache", "magcache"
std::string toString(CachePreset preset); // "quality", "balanced", "fast"
std::string toString(LoraApply apply);    // "auto", "merge", "on_the_fly"

// ---- Progress
// ----------------------------------------------------------------------------------------------

// How far a job is (0..1) at a stage: denoising is most of the time, loading and decoding get a small share
// either side. `step`/`totalSteps`: the denoising step or VAE chunk within the stage.
double stageProgress(Stage stage, int step, int totalSteps);
// A duration as a clock: "m:ss", or "h:mm:ss" from an hour on; rounded to whole seconds. Empty when negative
// (unknown).
std::string formatClock(double seconds);

// ---- Official defaults (generate.py and wan/configs)
// -------------------------------------------------------

inline constexpr int kOfficialFps = 16;
inline constexpr int kTextTokenLimit = 512; // umT5 context length of the official models
inline constexpr int kSizeMultiple = 16;    // VAE stride 8 x patch 2

// Official default negative prompts (i2v adds its prefix, flf2v another before that).
std::string defaultNegativePrompt(Task task);
// The example prompt generate.py uses when none is given.
std::string_view examplePrompt(Task task);
// Sizes the official models were trained at (generate.py SUPPORTED_SIZES), landscape first.
std::vector<std::pair<int, int>> trainedSizes(Task task, ModelSize size);
bool isTrainedSize(Task task, ModelSize size, int width, int height);
// steps 50 (i2v 40); shift 5 (i2v at 832*480 or 480*832: 3; flf2v and vace: 16); guidance 5.
int defaultSteps(Task task);
double defaultShift(Task task, int width, int height);
// i2v: the video size (width, height) the official rule gives an image (or crop) of imageWidth x
// imageHeight within maxArea pixels: its aspect kept, each side a multiple of 16 (the engine's own
// geometry). (0, 0) for an empty image or area.
std::pair<int, int> imageToVideoSize(int imageWidth, int imageHeight, std::int64_t maxArea);
// "X,Y,W,H" (the CLI's --image_crop) and back; nullopt for other text.
std::optional<ImageCrop> imageCropFromText(std::string_view text);
std::string toString(const ImageCrop& crop);
// Throws wan::Error(InvalidArgument, reason kImageCrop) naming `imageName`, its size and the rectangle when
// `crop` does not lie inside an image of imageWidth x imageHeight.
void checkImageCrop(const ImageCrop& crop, int imageWidth, int imageHeight, const std::string& imageName);
// The official defaults: the first trained size of the model (832*480 for 1.3B, 1280*720 for 14B), 81 frames
// (t2i: 1), the steps, shift and guidance above, UniPC, a random seed; the prompt stays empty.
Request defaultRequest(Task task, ModelSize size);
// The official --task names: "t2v-1.3B", "t2v-14B", "i2v-14B", "t2i-14B", "flf2v-14B", "vace-1.3B",
// "vace-14B"; task and size back from one (nullopt for another text).
std::string officialTaskName(Task task, ModelSize size);
std::optional<std::pair<Task, ModelSize>> officialTaskFromName(std::string_view name);
std::vector<std::string> officialTaskNames();

// ---- Rules
// -------------------------------------------------------------------------------------------------

// Throws wan::Error(InvalidArgument, message, reason) for the first broken rule. The message is neutral (no
// CLI flag or widget names); Error::reason() is one of the stable codes below, so that each front end can add
// advice in its own terms and language. Also checks that every LoRA file exists.
void validate(const Request& request);

namespace reason {
inline constexpr std::string_view kSteps = "steps";
inline constexpr std::string_view kShift = "shift";
inline constexpr std::string_view kGuideScale = "guide_scale";
inline constexpr std::string_view kSeed = "seed";
inline constexpr std::string_view kLora = "lora";
inline constexpr std::string_view kLoraMissing = "lora_missing";
inline constexpr std::string_view kCacheThreshold = "cache_threshold";
inline constexpr std::string_view kVramBudget = "vram_budget";
inline constexpr std::string_view kSize = "size";
inline constexpr std::string_view kSizeMultiple = "size_multiple";
inline constexpr std::string_view kArea = "area";
inline constexpr std::string_view kFrameCount = "frame_count";
inline constexpr std::string_view kFrameLimit = "frame_limit";
inline constexpr std::string_view kNoOutput = "no_output";
inline constexpr std::string_view kInputNotForTask = "input_not_for_task";
inline constexpr std::string_view kContextScale = "context_scale";
inline constexpr std::string_view kImageMissing = "image_missing";
inline constexpr std::string_view kImageCrop = "image_crop";
inline constexpr std::string_view kFramesMissing = "frames_missing";
inline constexpr std::string_view kPngFrames = "png_frames";
inline constexpr std::string_view kFps = "fps";
// Raised by the engine once the placement is known: LoRA mode "merge" with a DiT streamed block by block.
inline constexpr std::string_view kLoraMergeStreamed = "lora_merge_streamed";
// JSON documents (fromJson).
inline constexpr std::string_view kJsonSyntax = "json_syntax";
inline constexpr std::string_view kJsonKey = "json_key";
inline constexpr std::string_view kJsonValue = "json_value";
inline constexpr std::string_view kJsonVersion = "json_version";
} // namespace reason

// The highest frame count a job may ask for (activation memory grows with it).
inline constexpr int kMaxFrames = 1001;

// ---- settings.json
// -----------------------------------------------------------------------------------------

// Version of the JSON form; written as "version". A document without it was written before versions existed
// (the GUI's settings.json and queue up to 0.x) and is read with the retired "offload_model"/"t5_cpu" keys.
inline constexpr int kRequestJsonVersion = 1;
// Keys a front end may add to a document besides the request's (job id, the application that wrote it, the
// group of variations the job belongs to). fromJson ignores them; every other unknown key is rejected, so
// that a typo in a hand-edited file fails instead of silently running other settings, and a file of a newer
// version (a higher "version") is refused.
inline constexpr std::string_view kRequestMetadataKeys[] = {"job_id", "application", "variation"};

// One JSON object (UTF-8). Enums by their stable names, the seed as a string (a JSON double would round
// 64-bit seeds); inputs of other tasks and empty optional paths are left out.
std::string toJson(const Request& request);
// The inverse; missing keys keep the Request defaults. Throws wan::Error(InvalidArgument) naming the key and
// what it should be (reasons kJsonSyntax, kJsonKey, kJsonValue, kJsonVersion). `source` (a file name) is put
// in front of the messages when given.
Request fromJson(std::string_view json, const std::string& source = {});

// ---- Built-in demo model
// -----------------------------------------------------------------------------------------

// A model folder with the Wan2.1 T2V layout trained on rendered clips of one shape on a plain background
// (app/wan-train). Its folder holds `demo.json` beside the official files: the one size, frame count and
// sampling settings it was trained for. Front ends force them when such a folder is chosen.
inline constexpr std::string_view kDemoInfoFile = "demo.json";

struct DemoModelInfo
{
    int width = 64;
    int height = 64;
    int frameNum = 9;
    int steps = 10;
    double shift = 3.0;
    double guideScale = 5.0;
    std::vector<std::string> examplePrompts; // English and Chinese captions it knows
};

// nullopt when `folder` holds no demo.json; throws wan::Error(ModelFolder) naming the file when it is
// malformed (missing keys, sizes that are not multiples of 16, frame counts that are not 4n+1).
std::optional<DemoModelInfo> readDemoModelInfo(const std::filesystem::path& folder);
// The JSON written by the trainer (inverse of readDemoModelInfo).
std::string demoModelInfoJson(const DemoModelInfo& info);
// The installed built-in demo folder, first that holds demo.json: $WAN_DEMO_MODEL_DIR,
// <executable>/../share/wan-studio/demo-model, the source tree's resources/demo-model (build-tree runs).
// Empty when none does.
std::filesystem::path builtInDemoFolder();
// Text to video in the demo's native size, frame count, steps, shift and guidance; the rest of `request`
// (prompt, seed, output, device) is kept.
void applyDemoModel(Request& request, const DemoModelInfo& info);

} // namespace wan
