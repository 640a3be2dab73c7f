#include "DownloadCommand.h"

#include "wan/Download.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <unistd.h>

namespace wan::cli {

namespace fs = std::filesystem;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;

struct DownloadFlags
{
    bool help = false;
    bool list = false;
    bool json = false;
    bool quiet = false;
    std::string name;
    fs::path to;
    std::string endpoint;
    std::optional<std::string> token;
    std::uint64_t maxRate = 0;
    int parallel = 4;
};

std::string usage(const std::string& program)
{
    return "Usage:\n"
           "  " +
           program +
           " --list-models [--to DIR] [--json]\n"
           "  " +
           program +
           " --download NAME [--to DIR] [--endpoint URL] [--token TOKEN] [--max_rate BYTES]\n"
           "        [--parallel N] [--quiet]\n\n"
           "Downloads a known Wan2.1 model set into DIR/NAME (default DIR: $WAN_MODELS_DIR, else\n"
           "$XDG_DATA_HOME/wan-studio/models). Files are verified against the hub's SHA-256; an interrupted\n"
           "download resumes when the same command runs again.\n"
           "  --endpoint   huggingface (default), hf-mirror, modelscope, the URL of a Hugging Face mirror, "
           "or\n"
           "               modelscope:URL\n"
           "  --token      access token for gated or private repositories (default: $HF_TOKEN on Hugging "
           "Face)\n"
           "  --max_rate   bandwidth limit in bytes per second for all files together (suffixes k, M, G)\n"
           "  --parallel   files downloaded at the same time (1-16, default 4)\n"
           "Proxies are taken from https_proxy / http_proxy / no_proxy.\n";
}

std::uint64_t parseRate(const std::string& text)
{
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    std::string suffix = text.substr(used);
    double scale = 1;
    if (suffix == "k" || suffix == "K")
        scale = 1e3;
    else if (suffix == "M" || suffix == "m")
        scale = 1e6;
    else if (suffix == "G" || suffix == "g")
        scale = 1e9;
    else if (!suffix.empty())
        used = 0;
    if (used == 0 || value < 0)
        throw Error(ErrorKind::InvalidArgument,
                    "--max_rate '" + text + "' is not a rate: give bytes per second, e.g. 5000000 or 5M.");
    return static_cast<std::uint64_t>(value * scale);
}

DownloadFlags parseFlags(int argc, const char* const* argv)
{
    DownloadFlags flags;
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h")
            flags.help = true;
    if (flags.help)
        return flags;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        bool inlineValue = false;
        if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            inlineValue = true;
        }
        auto next = [&]() -> std::string {
            if (inlineValue)
                return value;
            if (i + 1 >= argc)
                throw Error(ErrorKind::InvalidArgument, arg + " needs a value (see --download --help).");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h")
            flags.help = true;
        else if (arg == "--list-models")
            flags.list = true;
        else if (arg == "--json")
            flags.json = true;
        else if (arg == "--quiet")
            flags.quiet = true;
        else if (arg == "--download")
            flags.name = next();
        else if (arg == "--to")
            flags.to = next();
        else if (arg == "--endpoint")
            flags.endpoint = next();
        else if (arg == "--token")
            flags.token = next();
        else if (arg == "--max_rate")
            flags.maxRate = parseRate(next());
        else if (arg == "--parallel") {
            const std::string text = next();
            char* end = nullptr;
            const long parallel = std::strtol(text.c_str(), &end, 10);
            if (!end || *end || parallel < 1 || parallel > 16)
                throw Error(ErrorKind::InvalidArgument,
                            "--parallel '" + text + "' must be a number from 1 to 16.");
            flags.parallel = int(parallel);
        } else
            throw Error(ErrorKind::InvalidArgument,
                        "'" + std::string(argv[i]) +
                            "' is not a flag of --download / --list-models (see --download --help).");
    }
    if (!flags.help && !flags.list && flags.name.empty())
        throw Error(ErrorKind::InvalidArgument,
                    "--download needs the name of a model set (see --list-models).");
    return flags;
}

fs::path defaultModelsDir()
{
    if (const char* dir = std::getenv("WAN_MODELS_DIR"); dir && *dir)
        return dir;
    if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data)
        return fs::path(data) / "wan-studio" / "models";
    if (const char* home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".local" / "share" / "wan-studio" / "models";
    return fs::current_path() / "models";
}

int listModels(const DownloadFlags& flags)
{
    const fs::path root = flags.to.empty() ? defaultModelsDir() : flags.to;
    const auto& catalogue = builtInModelCatalogue();
    if (flags.json) {
        nlohmann::json sets = nlohmann::json::array();
        for (const auto& set : catalogue) {
            nlohmann::json parts = nlohmann::json::array();
            for (const auto& part : set.parts)
                parts.push_back({{"role", part.role},
                                 {"repo", part.repo},
                                 {"include", part.include},
                                 {"modelscopeRepo", part.modelscopeRepo}});
            sets.push_back({{"name", set.name},
                            {"title", set.title},
                            {"task", set.task},
                            {"layout", set.layout == ModelLayout::Official ? "official" : "single-files"},
                            {"installed", modelSetComplete(root / set.name)},
                            {"folder", (root / set.name).string()},
                            {"parts", parts}});
        }
        std::cout << nlohmann::json{{"models", sets}}.dump(1) << "\n";
        return 0;
    }
    std::cout << "Known model sets (sizes come from the hub when downloading; installed sets under "
              << root.string() << "):\n";
    for (const auto& set : catalogue) {
        std::string repos;
        for (const auto& part : set.parts)
            if (repos.find(part.repo) == std::string::npos)
                repos += (repos.empty() ? "" : ", ") + part.repo;
        char line[256];
        std::snprintf(line, sizeof line, "  %-26s %-10s %s%s\n", set.name.c_str(), set.task.c_str(),
                      set.title.c_str(), modelSetComplete(root / set.name) ? "  [installed]" : "");
        std::cout << line << "      from " << repos << "\n";
    }
    std::cout.flush();
    return 0;
}

CancelToken g_cancel;

extern "C" void onInterrupt(int signal)
{
    g_cancel.cancel();
    std::signal(signal, SIG_DFL); // a second Ctrl-C ends the process at once
}

std::string formatDuration(double seconds)
{
    const long s = long(seconds + 0.5);
    char buffer[32];
    if (s >= 3600)
        std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s / 60) % 60);
    else if (s >= 60)
        std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
    else
        std::snprintf(buffer, sizeof buffer, "%lds", s);
    return buffer;
}

int download(const DownloadFlags& flags)
{
    const ModelSet& set = findModelSet(builtInModelCatalogue(), flags.name);
    DownloadOptions options;
    options.endpoint = parseHubEndpoint(flags.endpoint);
    if (flags.token)
        options.token = *flags.token;
    else if (const char* token = std::getenv("HF_TOKEN");
             token && *token && options.endpoint.kind == HubKind::HuggingFace)
        options.token = token;
    options.maxBytesPerSecond = flags.maxRate;
    options.parallelFiles = flags.parallel;
    const fs::path folder = (flags.to.empty() ? defaultModelsDir() : flags.to) / set.name;

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    std::signal(SIGXFSZ, SIG_IGN); // a file size limit then fails the write with a message, not a core dump

    const bool tty = ::isatty(STDERR_FILENO) != 0;
    auto lastLine = std::chrono::steady_clock::now() - std::chrono::hours(1);
    int lastFilesDone = -1;
    const auto progress = [&](const DownloadProgress& p) {
        if (flags.quiet)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (p.filesDone == lastFilesDone && now - lastLine < std::chrono::seconds(tty ? 1 : 5))
            return;
        lastLine = now;
        lastFilesDone = p.filesDone;
        const double percent = p.totalBytes ? 100.0 * double(p.doneBytes) / double(p.totalBytes) : 100.0;
        std::string eta = "-";
        if (p.bytesPerSecond > 1 && p.totalBytes > p.doneBytes)
            eta = formatDuration(double(p.totalBytes - p.doneBytes) / p.bytesPerSecond);
        std::fprintf(stderr, "%s[%d/%d files] %s / %s (%.0f%%), %s/s, ETA %s  %s%s", tty ? "\r\033[K" : "",
                     p.filesDone, p.filesTotal, formatByteSize(p.doneBytes).c_str(),
                     formatByteSize(p.totalBytes).c_str(), percent,
                     formatByteSize(std::uint64_t(p.bytesPerSecond)).c_str(), eta.c_str(), p.file.c_str(),
                     tty ? "" : "\n");
        std::fflush(stderr);
    };

    const auto started = std::chrono::steady_clock::now();
    try {
        const DownloadResult result = downloadModelSet(set, folder, options, progress, &g_cancel);
        if (tty && !flags.quiet)
            std::fprintf(stderr, "\n");
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::cout << "Model set '" << set.name << "' is complete and verified in " << folder.string() << " ("
                  << (result.filesFetched + result.filesReused) << " files, "
                  << formatByteSize(result.totalBytes) << "; fetched " << formatByteSize(result.fetchedBytes)
                  << " in " << formatDuration(seconds) << ").\n";
        if (set.layout == ModelLayout::Official)
            std::cout << "Use it with: wan-generate --task " << set.task << " --ckpt_dir " << folder.string()
                      << "\n";
        return 0;
    } catch (const Error& e) {
        if (tty && !flags.quiet)
            std::fprintf(stderr, "\n");
        throw;
    }
}

} // namespace

bool isDownloadCommand(int argc, const char* const* argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--download" || arg == "--list-models" || arg.rfind("--download=", 0) == 0)
            return true;
    }
    return false;
}

int runDownloadCommand(int argc, const char* const* argv)
{
    try {
        const DownloadFlags flags = parseFlags(argc, argv);
        if (flags.help) {
            std::cout << usage(argc > 0 ? argv[0] : "wan-generate");
            return 0;
        }
        if (flags.quiet)
            spdlog::set_level(spdlog::level::warn);
        return flags.list ? listModels(flags) : download(flags);
    } catch (const Error& e) {
        std::string message = e.what();
        std::replace(message.begin(), message.end(), '\n', ' ');
        std::fprintf(stderr, "wan-generate: error: %s\n", message.c_str());
        switch (e.kind()) {
        case ErrorKind::InvalidArgument:
            return kExitUsage;
        case ErrorKind::Cancelled:
            return kExitInterrupted;
        default:
            return kExitFailure;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "wan-generate: unexpected error: %s\n", e.what());
        return kExitFailure;
    }
}

} // namespace wan::cli
