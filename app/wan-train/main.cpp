// wan-train: trains the built-in demo model from procedurally rendered clips and writes an official-layout
// Wan2.1 T2V model folder. Every phase checkpoints into the work folder; --resume continues a run.

#include "DemoTrainer.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

void usage()
{
    std::cout
        << "usage: wan-train [--work DIR] [--export DIR] [--resume] [--seed N] [--threads N]\n"
           "                 [--vae-steps N] [--vae-batch N] [--latent-clips N] [--dit-steps N]\n"
           "                 [--dit-batch N] [--checkpoint-minutes M] [--sample-steps N]\n"
           "                 [--guide-scale G] [--dit-patch P] [--dit-foreground-weight W]\n"
           "                 [--text-and-vae-from DIR]\n"
           "                 [--write-demo-info]\n"
           "  --work DIR   checkpoints, latents, curves.tsv (default ~/.cache/wan-studio/demo-train)\n"
           "  --export DIR the model folder (default <work>/model)\n"
           "  --resume     continue from the checkpoints in the work folder\n"
           "  --dit-patch P  the DiT's spatial patch in latent cells (default 2, as the official models)\n"
           "  --dit-foreground-weight W  loss weight of the shape's latent cells (default 1: plain mean)\n"
           "  --text-and-vae-from DIR  take the tokenizer, text encoder and VAE of a finished demo model\n"
           "               folder and train only the DiT\n"
           "  --write-demo-info  only (re)write demo.json into the model folder (and fit "
           "latent_preview.json\n"
           "               from the work folder's latents when the model folder has none)\n";
}

} // namespace

int main(int argc, char** argv)
{
    wan::demo::TrainOptions options;
    const char* home = std::getenv("HOME");
    options.workDir = std::filesystem::path(home ? home : ".") / ".cache" / "wan-studio" / "demo-train";
    bool resume = false;
    bool demoInfoOnly = false;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            auto value = [&]() -> std::string {
                if (i + 1 >= argc)
                    throw std::invalid_argument(arg + " needs a value");
                return argv[++i];
            };
            auto number = [&]() { return std::stoi(value()); };
            if (arg == "--work")
                options.workDir = value();
            else if (arg == "--export")
                options.exportDir = value();
            else if (arg == "--resume")
                resume = true;
            else if (arg == "--seed")
                options.seed = std::stoull(value());
            else if (arg == "--threads")
                options.threads = number();
            else if (arg == "--vae-steps")
                options.vaeSteps = number();
            else if (arg == "--vae-batch")
                options.vaeBatch = number();
            else if (arg == "--latent-clips")
                options.latentClips = number();
            else if (arg == "--dit-steps")
                options.ditSteps = number();
            else if (arg == "--dit-batch")
                options.ditBatch = number();
            else if (arg == "--dit-patch")
                options.ditPatch = number();
            else if (arg == "--dit-foreground-weight")
                options.ditForegroundWeight = std::stod(value());
            else if (arg == "--text-and-vae-from")
                options.textAndVaeFrom = value();
            else if (arg == "--sample-steps")
                options.sampleSteps = number();
            else if (arg == "--guide-scale")
                options.guideScale = std::stod(value());
            else if (arg == "--write-demo-info")
                demoInfoOnly = true;
            else if (arg == "--checkpoint-minutes")
                options.checkpointSeconds = int(std::stod(value()) * 60.0);
            else if (arg == "--help" || arg == "-h") {
                usage();
                return 0;
            } else {
                throw std::invalid_argument("unknown option " + arg + " (see --help)");
            }
        }
        if (demoInfoOnly) {
            wan::demo::DemoTrainer trainer(options);
            trainer.writeDemoInfo();
            trainer.fitLatentPreview(); // with the work folder's latents, when it has none yet
            return 0;
        }
        if (!resume && std::filesystem::exists(options.workDir / "curves.tsv")) {
            std::cerr
                << "wan-train: " << options.workDir.string()
                << " already holds a training run; pass --resume to continue it, or --work with an empty "
                   "folder to start over\n";
            return 2;
        }
        wan::demo::DemoTrainer trainer(options);
        trainer.run();
        spdlog::info("model folder: {}", trainer.modelDir().string());
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "wan-train: " << e.what() << '\n';
        return 1;
    }
}
