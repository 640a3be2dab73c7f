#pragma once
// Small pieces shared by the benchmark programs: command-line parsing, wall time, resident memory, thread
// count, device synchronisation and plausible random DiT weights.

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace wan::bench {

enum class ArgError
{
    MissingValue = 1, // the last option needs a value
    BadValue,         // a value the option cannot parse (e.g. a size without separator)
    UnknownArgument,
};

// Table-driven argv walker. Options are registered with the variable they write; parse() runs through argv
// once. --help / -h (unless registered) print the usage and exit 0; any error goes to the error handler,
// which by default prints the usage and exits 2.
class ArgParser
{
public:
    using ErrorHandler = std::function<void(ArgError, const std::string& arg)>;

    explicit ArgParser(std::function<void()> usage);

    // Replaces the default handler (usage, exit 2); the handler must not return (exit or throw).
    void onError(ErrorHandler handler);

    // An option with a value, handed to `apply` as text.
    void option(const std::string& name, std::function<void(const std::string&)> apply);
    void option(const std::string& name, std::string& target);
    void option(const std::string& name, std::int64_t& target);
    void option(const std::string& name, int& target);
    void option(const std::string& name, std::uint64_t& target);
    // "AxB" (any of `separators` between the numbers) into first and second.
    void sizeOption(const std::string& name, std::int64_t& first, std::int64_t& second,
                    const char* separators = "x");
    void sizeOption(const std::string& name, int& first, int& second, const char* separators = "x");
    // An option without a value.
    void flag(const std::string& name, std::function<void()> apply);
    void flag(const std::string& name, bool& target, bool value = true);

    void parse(int argc, char** argv) const;

private:
    [[noreturn]] void fail(ArgError error, const std::string& arg) const;

    std::function<void()> m_usage;
    ErrorHandler m_onError;
    std::map<std::string, std::function<void(const std::string&)>> m_options;
    std::map<std::string, std::function<void()>> m_flags;
};

// Splits "AxB" at the first of `separators`; false when there is none.
bool splitSize(const std::string& text, const char* separators, std::string& first, std::string& second);

// `requested` when positive, else the number of hardware threads (at least 1).
int threadCount(int requested);

double secondsSince(std::chrono::steady_clock::time_point start);

// Peak resident memory of this process (ru_maxrss), in MiB.
double peakRssMiB();

// Current resident memory of this process (VmRSS), in MiB.
double currentRssMiB();

// Waits for the device's queued work, so wall times include it (no-op on the CPU).
void synchronize(const torch::Device& device);

// DiT-like weights of a plausible scale from torch's global generator: biases 0, norm scales 1, modulation
// ~ N(0, 1/dim), everything else ~ N(0, 0.02).
void randomFillDit(torch::nn::Module& model, double dim);

} // namespace wan::bench
