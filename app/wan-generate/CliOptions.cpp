#include "CliOptions.h"

#include "wan/Error.h"
#include "wan/Request.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <vector>

namespace wan::cli {

namespace {

struct OptionSpec
{
    const char* name;    // "--ckpt_dir"
    const char* metavar; // nullptr for a flag without value
    std::string help;
    std::function<void(CliOptions&, const std::string&)> apply;
    bool valueOptional =
        false; // a bare flag means "true" (the value is taken only when it is a boolean word)
};

[[noreturn]] void badValue(const char* flag, const std::string& value, const std::string& expected)
{
    throw Error(ErrorKind::InvalidArgument,
                std::string(flag) + ": '" + value + "' is not valid (expected " + expected + ")");
}

std::optional<bool> boolWord(std::string v)
{
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (v == "true" || v == "1" || v == "yes" || v == "y" || v == "t")
        return true;
    if (v == "false" || v == "0" || v == "no" || v == "n" || v == "f")
        return false;
    return std::nullopt;
}

template <typename T> T parseNumber(const char* flag, const std::string& value, const std::string& expected)
{
    T result{};
    const auto* end = value.data() + value.size();
    const auto parsed = std::from_chars(value.data(), end, result);
    if (value.empty() || parsed.ec != std::errc() || parsed.ptr != end)
        badValue(flag, value, expected);
    return result;
}

int parseCount(const char* flag, const std::string& value)
{
    const int v = parseNumber<int>(flag, value, "a positive integer");
    if (v < 1)
        badValue(flag, value, "a positive integer");
    return v;
}

double parseReal(const char* flag, const std::string& value)
{
    return parseNumber<double>(flag, value, "a number");
}

// A value of an option with a table in wan/Request.h.
template <typename Enum> void checkName(const char* flag, const std::string& value)
{
    if (!enumFromName<Enum>(value))
        badValue(flag, value, enumNameList<Enum>());
}

std::string listOf(const std::vector<std::string>& names)
{
    std::string list;
    for (std::size_t i = 0; i < names.size(); ++i)
        list += (i == 0 ? "" : (i + 1 == names.size() ? " or " : ", ")) + names[i];
    return list;
}

const std::vector<OptionSpec>& optionTable()
{
    static const std::vector<OptionSpec> table = {
        {"--help", nullptr, "show this help and exit",
         [](CliOptions& o, const std::string&) { o.help = true; }},
        {"--ckpt_dir", "DIR", "Wan2.1 model folder (as downloaded from Hugging Face / ModelScope)",
         [](CliOptions& o, const std::string& v) { o.ckptDir = v; }},
        {"--dit", "FILE",
         "the DiT as one file instead of the folder's: ComfyUI .safetensors (fp16, bf16, fp8, fp8_scaled) or "
         "GGUF; a config.json beside it is read, else the dims come from the shapes",
         [](CliOptions& o, const std::string& v) { o.models.dit = v; }},
        {"--t5", "FILE", "the umT5-XXL text encoder file (official .pth, or Hugging Face / ComfyUI names)",
         [](CliOptions& o, const std::string& v) { o.models.t5 = v; }},
        {"--vae", "FILE", "the Wan2.1 VAE file (Wan2.1_VAE.pth, or ComfyUI's wan_2.1_vae.safetensors)",
         [](CliOptions& o, const std::string& v) { o.models.vae = v; }},
        {"--clip", "FILE", "the CLIP image encoder file for i2v and flf2v",
         [](CliOptions& o, const std::string& v) { o.models.clip = v; }},
        {"--tokenizer", "FILE",
         "the umT5 tokenizer (spiece.model, or a folder holding it) for a text encoder given with --t5",
         [](CliOptions& o, const std::string& v) { o.models.tokenizer = v; }},
        {"--demo", nullptr,
         "use the built-in demo model: 64*64, 9 frames, in seconds on any CPU; it knows only simple shapes, "
         "colours and motions (\"a red circle moves to the right on a blue background\")",
         [](CliOptions& o, const std::string&) { o.demo = true; }},
        {"--inspect", nullptr,
         "validate the model folder (and --dit/--t5/--vae/--clip files) and print dims and files",
         [](CliOptions& o, const std::string&) { o.inspect = true; }},
        {"--version", nullptr,
         "print the version, the LibTorch build (CUDA, cuDNN) and the devices seen, then exit",
         [](CliOptions& o, const std::string&) { o.version = true; }},
        {"--print_plan", nullptr,
         "print where each model would live on the device and the estimated memory per stage, then exit",
         [](CliOptions& o, const std::string&) { o.printPlan = true; }},
        {"--json", nullptr, "with --inspect or --version: print one JSON object",
         [](CliOptions& o, const std::string&) { o.json = true; }},
        {"--log_level", "LEVEL", "trace, debug, info, warn, error or off (default info)",
         [](CliOptions& o, const std::string& v) {
             static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
             for (const char* level : kLevels)
                 if (v == level) {
                     o.logLevel = v;
                     return;
                 }
             throw Error(ErrorKind::InvalidArgument,
                         "--log_level must be one of trace, debug, info, warn, error, off");
         }},
        {"--task", "TASK", listOf(officialTaskNames()) + " (default: from the folder's model_type)",
         [](CliOptions& o, const std::string& v) {
             if (!officialTaskFromName(v))
                 badValue("--task", v, listOf(officialTaskNames()));
             o.task = v;
         }},
        {"--size", "W*H",
         "output size, width*height (i2v: the maximum area; the image's aspect ratio is kept)",
         [](CliOptions& o, const std::string& v) {
             const auto star = v.find_first_of("*x");
             if (star == std::string::npos)
                 badValue("--size", v, "WIDTH*HEIGHT, e.g. 832*480");
             o.width = parseNumber<int>("--size", v.substr(0, star), "WIDTH*HEIGHT, e.g. 832*480");
             o.height = parseNumber<int>("--size", v.substr(star + 1), "WIDTH*HEIGHT, e.g. 832*480");
             if (o.width < 16 || o.height < 16 || o.width > 8192 || o.height > 8192)
                 badValue("--size", v, "sides between 16 and 8192");
             o.size = v;
         }},
        {"--frame_num", "N", "frames to generate, 4n+1 (default 81; t2i: 1)",
         [](CliOptions& o, const std::string& v) {
             const int n = parseCount("--frame_num", v);
             if ((n - 1) % 4 != 0)
                 badValue("--frame_num", v, "4n+1: 1, 5, 9, ..., 81");
             o.frameNum = n;
         }},
        {"--offload_model", "BOOL",
         "True/False: move models to host memory between stages (default: chosen from free GPU memory)",
         [](CliOptions& o, const std::string& v) {
             const auto b = v.empty() ? std::optional<bool>(true) : boolWord(v);
             if (!b)
                 badValue("--offload_model", v, "True or False");
             o.offloadModel = b;
         },
         true},
        {"--t5_cpu", nullptr, "keep the T5 text encoder on the CPU",
         [](CliOptions& o, const std::string&) { o.t5Cpu = true; }},
        {"--save_file", "FILE", "output .mp4 (t2i: .png); default: a name from task, size, prompt and time",
         [](CliOptions& o, const std::string& v) { o.saveFile = v; }},
        {"--prompt", "TEXT", "the prompt (default: the official example prompt of the task)",
         [](CliOptions& o, const std::string& v) { o.prompt = v; }},
        {"--negative_prompt", "TEXT", "negative prompt (default: the official one of the task)",
         [](CliOptions& o, const std::string& v) { o.negativePrompt = v; }},
        {"--base_seed", "SEED", "noise seed, -1 for a random one (default -1)",
         [](CliOptions& o, const std::string& v) {
             o.baseSeed = parseNumber<std::int64_t>("--base_seed", v, "an integer >= -1");
             if (o.baseSeed < -1)
                 badValue("--base_seed", v, "an integer >= -1");
         }},
        {"--image", "FILE", "i2v: the input image (PNG, JPEG, WebP, BMP)",
         [](CliOptions& o, const std::string& v) { o.image = v; }},
        {"--image_crop", "X,Y,W,H",
         "i2v: use only this rectangle of the image (pixels of the image as shown, after its EXIF "
         "orientation); the video keeps the rectangle's aspect ratio (default: the whole image)",
         [](CliOptions& o, const std::string& v) {
             o.imageCrop = imageCropFromText(v);
             if (!o.imageCrop || o.imageCrop->width <= 0 || o.imageCrop->height <= 0)
                 badValue("--image_crop", v, "X,Y,W,H: the origin and size in pixels, W and H positive");
         }},
        {"--first_frame", "FILE", "flf2v: the first frame (its aspect ratio sets the video's)",
         [](CliOptions& o, const std::string& v) { o.firstFrame = v; }},
        {"--last_frame", "FILE", "flf2v: the last frame",
         [](CliOptions& o, const std::string& v) { o.lastFrame = v; }},
        {"--src_video", "V",
         "vace: the source video, a video file or a folder of PNG frames (sorted by name); its size and "
         "frame "
         "count are used unless --size/--frame_num ask for others",
         [](CliOptions& o, const std::string& v) { o.srcVideo = v; }},
        {"--src_mask", "M",
         "vace: the mask (white = generate, black = keep), same kind, size and length as V",
         [](CliOptions& o, const std::string& v) { o.srcMask = v; }},
        {"--src_ref_images", "A[,B...]", "vace: reference images, comma-separated",
         [](CliOptions& o, const std::string& v) {
             o.srcRefImages.clear();
             std::size_t begin = 0;
             while (begin <= v.size()) {
                 const auto comma = std::min(v.find(',', begin), v.size());
                 if (comma == begin)
                     badValue("--src_ref_images", v, "image files separated by commas");
                 o.srcRefImages.emplace_back(v.substr(begin, comma - begin));
                 begin = comma + 1;
             }
         }},
        {"--context_scale", "S", "vace: weight of the source context (default 1.0)",
         [](CliOptions& o, const std::string& v) {
             const double x = parseReal("--context_scale", v);
             if (!(x >= -100.0 && x <= 100.0))
                 badValue("--context_scale", v, "a number between -100 and 100");
             o.contextScale = x;
         }},
        {"--sample_solver", "NAME", enumNameList<Solver>() + " (default unipc)",
         [](CliOptions& o, const std::string& v) {
             checkName<Solver>("--sample_solver", v);
             o.sampleSolver = v;
         }},
        {"--sample_steps", "N", "sampling steps (default 50; i2v: 40)",
         [](CliOptions& o, const std::string& v) {
             o.sampleSteps = parseCount("--sample_steps", v);
             if (*o.sampleSteps > 1000)
                 badValue("--sample_steps", v, "at most 1000");
         }},
        {"--sample_shift", "X", "flow shift (default 5.0; i2v at 832*480 or 480*832: 3.0)",
         [](CliOptions& o, const std::string& v) {
             const double x = parseReal("--sample_shift", v);
             if (!(x > 0.0) || x > 1000.0)
                 badValue("--sample_shift", v, "a positive number");
             o.sampleShift = x;
         }},
        {"--sample_guide_scale", "X", "classifier-free guidance scale (default 5.0)",
         [](CliOptions& o, const std::string& v) {
             o.sampleGuideScale = parseReal("--sample_guide_scale", v);
             o.guideScaleSet = true;
             if (!(o.sampleGuideScale >= -100.0 && o.sampleGuideScale <= 100.0))
                 badValue("--sample_guide_scale", v, "a number between -100 and 100");
         }},
        {"--device", "DEV", "auto, cpu, cuda or cuda:N (default auto: the first CUDA GPU, else the CPU)",
         [](CliOptions& o, const std::string& v) {
             const bool cuda =
                 v == "cuda" ||
                 (v.rfind("cuda:", 0) == 0 && v.size() > 5 &&
                  std::all_of(v.begin() + 5, v.end(), [](unsigned char c) { return std::isdigit(c) != 0; }));
             if (v != "auto" && v != "cpu" && !cuda)
                 badValue("--device", v, "auto, cpu, cuda or cuda:N");
             o.device = v;
         }},
        {"--precision", "P",
         enumNameList<Precision>() +
             " (default auto: fp32 on the CPU, bf16 on GPUs of compute capability 8.0 and newer, fp16 on "
             "older GPUs)",
         [](CliOptions& o, const std::string& v) {
             checkName<Precision>("--precision", v);
             o.precision = v;
         }},
        {"--t5_precision", "P",
         enumNameList<TextPrecision>() +
             " (math of the text encoder; default auto: fp32 for fp32 jobs, else bf16 on a GPU and on CPUs "
             "with native bf16 (AVX512-BF16, AMX), fp32 on other CPUs, where it is faster)",
         [](CliOptions& o, const std::string& v) {
             checkName<TextPrecision>("--t5_precision", v);
             o.textPrecision = v;
         }},
        {"--vae_precision", "P",
         enumNameList<VaePrecision>() + " (math of the VAE on a GPU; default auto: fp32 for fp32 jobs, else "
                                        "bf16, or fp16 on GPUs before "
                                        "compute capability 8.0; a reduced run that overflows is redone in "
                                        "fp32; the CPU always uses fp32)",
         [](CliOptions& o, const std::string& v) {
             checkName<VaePrecision>("--vae_precision", v);
             o.vaePrecision = v;
         }},
        {"--noise", "SOURCE",
         "cpu (default: a seed gives the same video on every device) or device (the device's own generator, "
         "as the official script draws on CUDA)",
         [](CliOptions& o, const std::string& v) {
             checkName<NoiseSource>("--noise", v);
             o.noise = v;
         }},
        {"--lora", "FILE[:S]",
         "apply a LoRA (.safetensors: diffusers/PEFT, ComfyUI or kohya/musubi names) with strength S "
         "(default 1.0); repeat for several",
         [](CliOptions& o, const std::string& v) {
             std::filesystem::path file = v;
             double strength = 1.0;
             // FILE:STRENGTH when the part after the last ':' is a number (a path may hold ':' itself).
             if (const auto colon = v.rfind(':'); colon != std::string::npos && colon + 1 < v.size()) {
                 double parsed = 0.0;
                 const auto* first = v.data() + colon + 1;
                 const auto* last = v.data() + v.size();
                 const auto r = std::from_chars(first, last, parsed);
                 if (r.ec == std::errc() && r.ptr == last) {
                     file = v.substr(0, colon);
                     strength = parsed;
                 }
             }
             if (file.empty() || !(strength >= -100.0 && strength <= 100.0))
                 badValue("--lora", v, "FILE or FILE:STRENGTH with a strength between -100 and 100");
             o.loras.emplace_back(file, strength);
         }},
        {"--lora_mode", "MODE",
         "auto (default: merged into resident weights, on the fly for streamed blocks), merge or on_the_fly",
         [](CliOptions& o, const std::string& v) {
             checkName<LoraApply>("--lora_mode", v);
             o.loraMode = v;
         }},
        {"--distill", nullptr,
         "few-step distilled sampling for step/CFG-distilled LoRAs (lightx2v): timesteps 1000, 750, 500, 250 "
         "with shift 5, no guidance, no negative prompt",
         [](CliOptions& o, const std::string&) { o.distill = true; }},
        {"--cache", "METHOD", "step caching: " + enumNameList<StepCacheMode>() + " (default off)",
         [](CliOptions& o, const std::string& v) {
             checkName<StepCacheMode>("--cache", v);
             o.cache = v;
         }},
        {"--cache_preset", "P", enumNameList<CachePreset>() + " (default balanced)",
         [](CliOptions& o, const std::string& v) {
             checkName<CachePreset>("--cache_preset", v);
             o.cachePreset = v;
         }},
        {"--cache_threshold", "X", "step cache threshold instead of the preset's (0: never skip)",
         [](CliOptions& o, const std::string& v) {
             const double x = parseReal("--cache_threshold", v);
             if (!(x >= 0.0 && x <= 10.0))
                 badValue("--cache_threshold", v, "a number between 0 and 10");
             o.cacheThreshold = x;
         }},
        {"--vram_budget", "GIB",
         "GPU memory this job may use, in GiB (default: the free memory); the memory plan fits it",
         [](CliOptions& o, const std::string& v) {
             const double x = parseReal("--vram_budget", v);
             if (!(x >= 0.5 && x <= 4096.0))
                 badValue("--vram_budget", v, "a number of GiB between 0.5 and 4096");
             o.vramBudget = x;
         }},
        {"--save_latents", "FILE", "also save the final latents (.safetensors, tensor \"latents\")",
         [](CliOptions& o, const std::string& v) { o.saveLatents = v; }},
        {"--save_frames", "DIR", "also save every frame as DIR/frame_0000.png ...",
         [](CliOptions& o, const std::string& v) { o.saveFrames = v; }},
        {"--resume_state", "FILE",
         "denoising checkpoint (.safetensors): saved while sampling and before decoding, kept when the "
         "run is interrupted; run the same command again to continue from it (removed once done)",
         [](CliOptions& o, const std::string& v) { o.resumeState = v; }},
        {"--checkpoint_every", "N",
         "with --resume_state: save every N steps (default 0: after each step slower than 20 s, and before "
         "decoding)",
         [](CliOptions& o, const std::string& v) {
             o.checkpointEvery = int(parseNumber<std::int64_t>("--checkpoint_every", v, "an integer >= 0"));
             if (o.checkpointEvery < 0 || o.checkpointEvery > 1000)
                 badValue("--checkpoint_every", v, "an integer between 0 and 1000");
         }},
        {"--settings", "FILE",
         "run the settings of a saved settings.json (written by the app for each job, or by "
         "--save_settings); other flags override them; its output paths are not used",
         [](CliOptions& o, const std::string& v) { o.settingsFile = v; }},
        {"--save_settings", nullptr, "also write the settings as settings.json next to the output",
         [](CliOptions& o, const std::string&) { o.saveSettings = true; }},
        {"--quiet", nullptr, "no progress bar and only warnings and errors in the log",
         [](CliOptions& o, const std::string&) { o.quiet = true; }},
        {"--use_prompt_extend", nullptr,
         "rewrite the prompt with a language model first (on failure the original prompt is used)",
         [](CliOptions& o, const std::string&) { o.promptExtend.enabled = true; }},
        {"--prompt_extend_method", "METHOD",
         "dashscope or local_qwen (any OpenAI-compatible server at --prompt_extend_url; default)",
         [](CliOptions& o, const std::string& v) {
             if (v != "dashscope" && v != "local_qwen")
                 badValue("--prompt_extend_method", v, "dashscope or local_qwen");
             o.promptExtend.method = v;
         }},
        {"--prompt_extend_model", "NAME", "the model to ask (default: the method's default for the task)",
         [](CliOptions& o, const std::string& v) { o.promptExtend.model = v; }},
        {"--prompt_extend_target_lang", "LANG", "language of the extended prompt: zh (default) or en",
         [](CliOptions& o, const std::string& v) {
             if (v != "zh" && v != "en")
                 badValue("--prompt_extend_target_lang", v, "zh or en");
             o.promptExtend.targetLang = v;
         }},
        {"--prompt_extend_url", "URL",
         "server base URL (dashscope: $DASH_API_URL or the international endpoint; local_qwen: "
         "http://127.0.0.1:8000)",
         [](CliOptions& o, const std::string& v) { o.promptExtend.url = v; }},
        {"--prompt_extend_key", "KEY", "API key (default: $DASH_API_KEY; prefer the variable)",
         [](CliOptions& o, const std::string& v) { o.promptExtend.apiKey = v; }},
        {"--prompt_extend_timeout", "SECONDS",
         "time limit for the whole extension, retries included (default 90)",
         [](CliOptions& o, const std::string& v) {
             o.promptExtend.timeoutSeconds = parseCount("--prompt_extend_timeout", v);
             if (o.promptExtend.timeoutSeconds > 3600)
                 badValue("--prompt_extend_timeout", v, "at most 3600");
         }},
        {"--prompt_extend_retries", "N", "attempts at most (default 4)",
         [](CliOptions& o, const std::string& v) {
             o.promptExtend.maxAttempts = parseCount("--prompt_extend_retries", v);
             if (o.promptExtend.maxAttempts > 20)
                 badValue("--prompt_extend_retries", v, "at most 20");
         }},
    };
    return table;
}

std::string readTextFile(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Io, "--settings: cannot read '" + file.string() + "': check the path");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string sizeText(int width, int height)
{
    return std::to_string(width) + "*" + std::to_string(height);
}

// The flags a saved request stands for; the command line's own flags are applied after these.
void applySettings(CliOptions& o, const Request& r)
{
    if (!r.ckptDir.empty())
        o.ckptDir = r.ckptDir;
    for (const auto& [from, to] :
         {std::pair{&r.models.dit, &o.models.dit}, std::pair{&r.models.t5, &o.models.t5},
          std::pair{&r.models.vae, &o.models.vae}, std::pair{&r.models.clip, &o.models.clip},
          std::pair{&r.models.tokenizer, &o.models.tokenizer}})
        if (!from->empty())
            *to = *from;
    // 1.3B exists for t2v and vace only: the folder decides between them, the 14B-only tasks are named.
    if (r.task == Task::I2V || r.task == Task::T2I || r.task == Task::FLF2V)
        o.task = officialTaskName(r.task, ModelSize::Large);
    if (r.width > 0 && r.height > 0) {
        o.size = sizeText(r.width, r.height);
        o.width = r.width;
        o.height = r.height;
    }
    o.frameNum = r.frameNum;
    o.prompt = r.prompt;
    o.negativePrompt = r.negativePrompt;
    o.baseSeed = r.seed;
    o.image = r.image;
    o.imageCrop = r.imageCrop;
    o.firstFrame = r.firstFrame;
    o.lastFrame = r.lastFrame;
    o.srcVideo = r.srcVideo;
    o.srcMask = r.srcMask;
    o.srcRefImages = r.srcRefImages;
    if (r.task == Task::VACE)
        o.contextScale = r.contextScale;
    o.sampleSolver = std::string(enumName(r.solver));
    if (r.samplerMode != SamplerMode::Distilled)
        o.sampleSteps = r.steps; // distilled sampling has its own step list
    o.sampleShift = r.shift;
    o.sampleGuideScale = r.guideScale;
    o.guideScaleSet = true;
    o.device = r.device;
    o.precision = std::string(enumName(r.precision));
    o.textPrecision = std::string(enumName(r.textPrecision));
    o.vaePrecision = std::string(enumName(r.vaePrecision));
    o.noise = std::string(enumName(r.noise));
    // MemoryMode onto the official flags (GenerateCommand maps them back).
    o.offloadModel.reset();
    o.t5Cpu = r.memory == MemoryMode::T5Cpu || r.memory == MemoryMode::OffloadT5Cpu;
    if (r.memory == MemoryMode::Full)
        o.offloadModel = false;
    else if (r.memory == MemoryMode::Offload || r.memory == MemoryMode::OffloadT5Cpu)
        o.offloadModel = true;
    o.loras.clear();
    for (const auto& lora : r.loras)
        o.loras.emplace_back(lora.path, lora.strength);
    o.loraMode = std::string(enumName(r.loraApply));
    o.distill = r.samplerMode == SamplerMode::Distilled;
    o.cache = std::string(enumName(r.stepCache));
    o.cachePreset = std::string(enumName(r.cachePreset));
    o.cacheThreshold = r.cacheThreshold;
    o.settings = r;
}

const OptionSpec* findOption(const std::string& name)
{
    for (const auto& spec : optionTable())
        if (name == spec.name)
            return &spec;
    return nullptr;
}

} // namespace

CliOptions parseCliOptions(int argc, const char* const* argv)
{
    CliOptions options;
    // --settings first, so that every other flag overrides what it holds.
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        std::filesystem::path file;
        if (arg.rfind("--settings=", 0) == 0)
            file = arg.substr(11);
        else if (arg == "--settings" && i + 1 < argc)
            file = argv[i + 1];
        else
            continue;
        if (options.settings)
            throw Error(ErrorKind::InvalidArgument, "--settings may be given once");
        applySettings(options, fromJson(readTextFile(file), file.string()));
    }
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h")
            arg = "--help";
        std::string value;
        bool inlineValue = false;
        if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            inlineValue = true;
        }
        const OptionSpec* spec = findOption(arg);
        if (!spec)
            throw Error(ErrorKind::InvalidArgument, "unknown argument '" + arg + "' (see --help)");
        if (spec->valueOptional) {
            if (!inlineValue && i + 1 < argc && boolWord(argv[i + 1]))
                value = argv[++i];
        } else if (spec->metavar) {
            if (!inlineValue) {
                if (i + 1 >= argc)
                    throw Error(ErrorKind::InvalidArgument, arg + " needs a value " + spec->metavar);
                value = argv[++i];
            }
        } else if (inlineValue) {
            throw Error(ErrorKind::InvalidArgument, arg + " takes no value");
        }
        spec->apply(options, value);
        options.taskFlag = options.taskFlag || arg == "--task";
    }
    if (options.help || options.version)
        return options;
    if (options.json && !options.inspect)
        throw Error(ErrorKind::InvalidArgument, "--json only applies to --inspect and --version");
    if (options.demo && options.ckptDir.empty()) {
        options.ckptDir = builtInDemoFolder();
        if (options.ckptDir.empty())
            throw Error(ErrorKind::ModelFolder,
                        "--demo: the built-in demo model is not installed (no share/wan-studio/demo-model/" +
                            std::string(kDemoInfoFile) +
                            " next to this program). Reinstall Wan Studio, or set WAN_DEMO_MODEL_DIR to the "
                            "folder that holds it.");
    }
    if (options.ckptDir.empty() && options.models.empty())
        throw Error(ErrorKind::InvalidArgument,
                    "--ckpt_dir DIR is required (a Wan2.1 model folder), or the model's files (--dit, --t5, "
                    "--vae and for i2v/flf2v --clip), or --demo for the built-in demo model");
    if (options.task && *options.task == "t2i-14B" && options.frameNum && *options.frameNum != 1)
        throw Error(ErrorKind::InvalidArgument, "--frame_num must be 1 for t2i-14B");
    if (options.task && *options.task != "i2v-14B" && !options.image.empty())
        throw Error(ErrorKind::InvalidArgument, "--image only applies to i2v-14B");
    if (options.task && *options.task == "i2v-14B" && options.image.empty() && !options.inspect)
        throw Error(ErrorKind::InvalidArgument, "i2v-14B needs --image FILE");
    return options;
}

std::string cliUsage(const std::string& program)
{
    std::ostringstream os;
    os << "Usage: " << program
       << " --ckpt_dir DIR [--task TASK] [--size W*H] [--prompt TEXT] [--image FILE] ...\n"
       << "       " << program << " --demo [--prompt TEXT] [--base_seed N]\n"
       << "       " << program << " --dit FILE --t5 FILE --vae FILE [--clip FILE] [--tokenizer FILE] ...\n"
       << "       " << program << " --ckpt_dir DIR --inspect [--json]\n\nOptions:\n";
    for (const auto& spec : optionTable()) {
        std::string left =
            std::string("  ") + spec.name + (spec.metavar ? std::string(" ") + spec.metavar : "");
        if (left.size() < 24)
            left.resize(24, ' ');
        else
            left += "  ";
        os << left << spec.help << "\n";
    }
    return os.str();
}

} // namespace wan::cli
