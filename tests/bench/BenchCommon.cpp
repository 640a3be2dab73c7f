#include "BenchCommon.h"

#include <torch/cuda.h>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace wan::bench {

ArgParser::ArgParser(std::function<void()> usage) : m_usage(std::move(usage))
{
    m_onError = [this](ArgError, const std::string&) {
        m_usage();
        std::exit(2);
    };
}

void ArgParser::onError(ErrorHandler handler)
{
    m_onError = std::move(handler);
}

void ArgParser::option(const std::string& name, std::function<void(const std::string&)> apply)
{
    m_options[name] = std::move(apply);
}

void ArgParser::option(const std::string& name, std::string& target)
{
    option(name, [&target](const std::string& v) { target = v; });
}

void ArgParser::option(const std::string& name, std::int64_t& target)
{
    option(name, [&target](const std::string& v) { target = std::stoll(v); });
}

void ArgParser::option(const std::string& name, int& target)
{
    option(name, [&target](const std::string& v) { target = std::stoi(v); });
}

void ArgParser::option(const std::string& name, std::uint64_t& target)
{
    option(name, [&target](const std::string& v) { target = std::stoull(v); });
}

void ArgParser::sizeOption(const std::string& name, std::int64_t& first, std::int64_t& second,
                           const char* separators)
{
    option(name, [this, name, &first, &second, separators](const std::string& v) {
        std::string a, b;
        if (!splitSize(v, separators, a, b))
            fail(ArgError::BadValue, name);
        first = std::stoll(a);
        second = std::stoll(b);
    });
}

void ArgParser::sizeOption(const std::string& name, int& first, int& second, const char* separators)
{
    option(name, [this, name, &first, &second, separators](const std::string& v) {
        std::string a, b;
        if (!splitSize(v, separators, a, b))
            fail(ArgError::BadValue, name);
        first = std::stoi(a);
        second = std::stoi(b);
    });
}

void ArgParser::flag(const std::string& name, std::function<void()> apply)
{
    m_flags[name] = std::move(apply);
}

void ArgParser::flag(const std::string& name, bool& target, bool value)
{
    flag(name, [&target, value] { target = value; });
}

void ArgParser::parse(int argc, char** argv) const
{
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (const auto f = m_flags.find(arg); f != m_flags.end()) {
            f->second();
        } else if (const auto o = m_options.find(arg); o != m_options.end()) {
            if (i + 1 >= argc)
                fail(ArgError::MissingValue, arg);
            o->second(argv[++i]);
        } else if (arg == "--help" || arg == "-h") {
            m_usage();
            std::exit(0);
        } else {
            fail(ArgError::UnknownArgument, arg);
        }
    }
}

void ArgParser::fail(ArgError error, const std::string& arg) const
{
    m_onError(error, arg);
    std::abort(); // the handler exits or throws
}

bool splitSize(const std::string& text, const char* separators, std::string& first, std::string& second)
{
    const auto at = text.find_first_of(separators);
    if (at == std::string::npos)
        return false;
    first = text.substr(0, at);
    second = text.substr(at + 1);
    return true;
}

int threadCount(int requested)
{
    return requested > 0 ? requested : int(std::max(1u, std::thread::hardware_concurrency()));
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

double currentRssMiB()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

void synchronize(const torch::Device& device)
{
    if (device.is_cuda())
        torch::cuda::synchronize(device.index() < 0 ? 0 : device.index());
}

void randomFillDit(torch::nn::Module& model, double dim)
{
    torch::NoGradGuard noGrad;
    const double dimScale = 1.0 / std::sqrt(dim);
    for (auto& item : model.named_parameters()) {
        const auto& name = item.key();
        auto& p = item.value();
        const bool isBias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
        if (isBias)
            p.zero_();
        else if (name.find("norm") != std::string::npos || name.rfind("img_emb.proj.0.", 0) == 0 ||
                 name.rfind("img_emb.proj.4.", 0) == 0)
            p.fill_(1.0);
        else if (name.find("modulation") != std::string::npos)
            p.normal_(0.0, dimScale);
        else
            p.normal_(0.0, 0.02);
    }
}

} // namespace wan::bench
