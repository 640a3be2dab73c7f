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

#include <algorithm>
#include <cstdio>
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

int runInspect(const wan::cli::CliOptions& options)
{
    const wan::ModelInfo info = wan::inspectModelSet(options.ckptDir, options.models);
    std::cout << (options.json ? wan::modelInfoToJson(info) + "\n" : wan::modelInfoToText(info));
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
