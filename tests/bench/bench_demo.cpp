// The built-in demo model end to end through the engine: the first clip (models loaded) and the mean of
// the next ones (models kept), at the demo's own settings (demo.json: 64*64, 9 frames, 10 steps, CFG).
//
//   bench_demo [--clips 10] [--threads 2] [--ckpt_dir DIR]

#include "BenchCommon.h"
#include "wan/Pipeline.h"
#include "wan/Request.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    int clips = 10;
    int threads = 2;
    std::filesystem::path folder;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--clips" && i + 1 < argc)
            clips = std::max(2, std::stoi(argv[++i]));
        else if (arg == "--threads" && i + 1 < argc)
            threads = std::stoi(argv[++i]);
        else if (arg == "--ckpt_dir" && i + 1 < argc)
            folder = argv[++i];
        else {
            std::cout << "usage: bench_demo [--clips N] [--threads N] [--ckpt_dir DIR]\n";
            return arg == "--help" ? 0 : 2;
        }
    }
    if (folder.empty())
        folder = wan::builtInDemoFolder();
    const auto info = folder.empty() ? std::nullopt : wan::readDemoModelInfo(folder);
    if (!info) {
        std::cerr << "bench_demo: no demo model (a folder with demo.json); pass --ckpt_dir\n";
        return 1;
    }
    if (threads > 0)
        torch::set_num_threads(threads);
    wan::Engine engine;
    std::vector<double> warm;
    double cold = 0.0;
    for (int i = 0; i < clips; ++i) {
        wan::Request request;
        request.ckptDir = folder;
        wan::applyDemoModel(request, *info);
        request.prompt = info->examplePrompts.empty()
                             ? "a red circle moves to the right on a blue background"
                             : info->examplePrompts[std::size_t(i) % info->examplePrompts.size()];
        request.seed = i + 1;
        request.device = "cpu";
        request.outputPath.clear();
        request.latentsPath = std::filesystem::temp_directory_path() / "bench_demo_latents.safetensors";
        request.previewEverySteps = 0;
        const auto start = std::chrono::steady_clock::now();
        const auto result = engine.run(request);
        const double seconds = wan::bench::secondsSince(start);
        if (result.status != wan::JobStatus::Done) {
            std::cerr << "bench_demo: " << result.error << '\n';
            return 1;
        }
        (i == 0 ? cold : warm.emplace_back(seconds)) = seconds;
    }
    std::filesystem::remove(std::filesystem::temp_directory_path() / "bench_demo_latents.safetensors");
    double sum = 0.0;
    for (double s : warm)
        sum += s;
    std::printf("demo model %s: %d*%d, %d frames, %d steps, %d threads\n", folder.c_str(), info->width,
                info->height, info->frameNum, info->steps, torch::get_num_threads());
    std::printf("first clip (loads the models): %.2f s\n", cold);
    std::printf("next %zu clips: mean %.2f s, max %.2f s per clip\n", warm.size(), sum / double(warm.size()),
                *std::max_element(warm.begin(), warm.end()));
    return 0;
}
