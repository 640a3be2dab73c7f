// wan-generate: the command-line front end of the engine.
#include "CliOptions.h"
#include "DownloadCommand.h"
#include "GenerateCommand.h"

#include "wan/Devices.h"
#include "wan/Error.h"
#include "wan/ModelFolder.h"

#include <ATen/Parallel.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

namespace {

// Exit codes: wan::cli::exitCodeFor (GenerateCommand.h); 1 for an unexpected failure.
constexpr int kExitFailure = 1;

// Errors are printed on one line so scripts can show them as they are.
std::string oneLine(std::string message)
{
    std::replace(message.begin(), message.end(), '\n', ' ');
    return message;
}

// The files of an inspected set, each once: the DiT (its file, folder or shards), umT5, VAE, CLIP, tokenizer.
std::vector<std::filesystem::path> setFiles(const wan::ModelInfo& info)
{
    std::vector<std::filesystem::path> files;
    if (!info.ditFile.empty())
        files.push_back(info.ditFile);
    else
        for (const auto& f : info.dit.files)
            files.push_back(f.path);
    for (const auto& path : {info.t5.file.path, info.vae.file.path,
                             info.clip ? info.clip->file.path : std::filesystem::path(), info.tokenizerModel})
        if (!path.empty())
            files.push_back(path);
    return files;
}

int runInspect(const wan::cli::CliOptions& options)
{
    wan::ModelInfo info;
    try {
        info = wan::inspectModelSet(options.ckptDir, options.models);
    } catch (const wan::Error&) {
        // What each given file is, by its content, before the reason the set does not run (stderr).
        const auto& m = options.models;
        if (!options.json)
            for (const auto& path : {m.dit, m.t5, m.vae, m.clip, m.tokenizer})
                if (!path.empty())
                    std::cout << wan::identifyModelFile(path).reason << "\n";
        std::cout.flush();
        throw;
    }
    std::vector<wan::ModelFileIdentity> identities;
    for (const auto& path : setFiles(info))
        identities.push_back(wan::identifyModelFile(path));
    if (options.json) {
        auto j = nlohmann::json::parse(wan::modelInfoToJson(info));
        j["identified"] = nlohmann::json::array();
        for (const auto& id : identities)
            j["identified"].push_back(nlohmann::json::parse(wan::modelFileIdentityToJson(id)));
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << wan::modelInfoToText(info) << "Files:\n";
        for (const auto& id : identities)
            std::cout << "  " << wan::modelFileRoleName(id.role) << ": " << id.reason << "\n";
    }
    std::cout.flush();
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    auto logger = spdlog::stderr_color_mt("wan");
    spdlog::set_default_logger(logger);
    at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));

    if (wan::cli::isDownloadCommand(argc, argv)) // --download / --list-models have their own flags
        return wan::cli::runDownloadCommand(argc, argv);
    try {
        const auto options = wan::cli::parseCliOptions(argc, argv);
        if (options.help) {
            std::cout << wan::cli::cliUsage(argv[0]);
            return 0;
        }
        spdlog::set_level(options.quiet ? spdlog::level::warn : spdlog::level::from_str(options.logLevel));
        if (options.version) {
            const auto build = wan::buildInfo();
            const auto devices = wan::listDevices();
            std::cout << (options.json ? wan::buildInfoToJson(build, devices) + "\n"
                                       : wan::buildInfoToText(build, devices));
            return 0;
        }
        if (options.inspect)
            return runInspect(options);
        return wan::cli::runGenerate(options);
    } catch (const wan::Error& e) {
        std::fprintf(stderr, "wan-generate: error: %s\n", oneLine(e.what()).c_str());
        return wan::cli::exitCodeFor(e.kind());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "wan-generate: unexpected error: %s\n", oneLine(e.what()).c_str());
        return kExitFailure;
    }
}
