#pragma once
// Command-line options of wan-generate. Each option is one row of a table (CliOptions.cpp): adding a flag
// means adding a field here and a row there. Generation flags keep the names of the official generate.py.

#include "wan/PromptExtend.h"
#include "wan/Request.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace wan::cli {

struct CliOptions
{
    bool help = false;
    bool inspect = false; // print the model folder's dims and files, then exit
    bool version = false; // print the build and the devices, then exit
    bool json = false;    // --inspect / --version output as one JSON object
    std::filesystem::path ckptDir;
    ModelFiles models; // --dit, --t5, --vae, --clip, --tokenizer: parts given as their own files
    bool demo = false; // --demo: the built-in demo model (wan::builtInDemoFolder) unless --ckpt_dir names one
    std::string logLevel = "info";

    // Generation (official generate.py names). Unset optionals take the task's official default.
    // t2v-1.3B, t2v-14B, i2v-14B, t2i-14B, flf2v-14B, vace-1.3B, vace-14B; unset: from the folder's
    // model_type
    std::optional<std::string> task;
    bool taskFlag = false;           // --task was on the command line (not only in --settings)
    std::optional<std::string> size; // "W*H" as given
    int width = 0;                   // parsed from size
    int height = 0;
    std::optional<int> frameNum;
    std::optional<bool> offloadModel;
    bool t5Cpu = false;
    std::filesystem::path saveFile;
    std::optional<std::string> prompt;
    std::optional<std::string> negativePrompt;
    std::int64_t baseSeed = -1;
    std::filesystem::path image;
    std::optional<ImageCrop> imageCrop;              // i2v: --image_crop X,Y,W,H
    std::filesystem::path firstFrame;                // flf2v
    std::filesystem::path lastFrame;                 // flf2v
    std::filesystem::path srcVideo;                  // vace: a video file or a folder of PNG frames
    std::filesystem::path srcMask;                   // vace: the same kind as srcVideo
    std::vector<std::filesystem::path> srcRefImages; // vace: from the comma-separated list
    std::optional<double> contextScale;              // vace
    std::string sampleSolver = "unipc";              // unipc, dpm++, euler
    std::optional<int> sampleSteps;
    std::optional<double> sampleShift;
    double sampleGuideScale = 5.0;
    bool guideScaleSet = false;         // --sample_guide_scale given (or read from --settings)
    std::string device = "auto";        // auto, cpu, cuda, cuda:N
    std::string precision = "auto";     // auto, fp32, bf16, fp16
    std::string textPrecision = "auto"; // --t5_precision: auto, bf16, fp32
    std::string vaePrecision = "auto";  // --vae_precision: auto, bf16, fp16, fp32
    std::string noise = "cpu";          // cpu, device
    // LoRAs, distilled sampling, step caching.
    std::vector<std::pair<std::filesystem::path, double>> loras; // --lora FILE[:STRENGTH], repeatable
    std::string loraMode = "auto";                               // auto, merge, on_the_fly
    bool distill = false;
    std::string cache = "off";            // off, teacache, magcache
    std::string cachePreset = "balanced"; // quality, balanced, fast
    std::optional<double> cacheThreshold;
    std::optional<double> vramBudget; // --vram_budget GiB
    bool printPlan = false;           // --print_plan: print where each model would live, then exit
    std::filesystem::path saveLatents;
    std::filesystem::path saveFrames;
    std::filesystem::path resumeState; // denoising checkpoint: continued from when it exists
    int checkpointEvery = 0;           // steps between checkpoints; 0: each step slower than 20 s
    bool quiet = false;
    // --settings FILE: a saved settings.json (wan::toJson; the GUI writes one per job) read before the other
    // flags, which override it. Its output paths are not taken: the run names its own output.
    std::filesystem::path settingsFile;
    std::optional<Request> settings; // as read from settingsFile
    bool saveSettings = false;       // --save_settings: write settings.json next to the output

    // --use_prompt_extend and the --prompt_extend_* flags; task, image and seed are filled in at run time.
    wan::PromptExtendFlags promptExtend;
};

// Throws wan::Error(InvalidArgument) with a one-line reason on an unknown flag, a missing or malformed value
// or an inconsistent combination.
CliOptions parseCliOptions(int argc, const char* const* argv);

// The --help text.
std::string cliUsage(const std::string& program);

} // namespace wan::cli
