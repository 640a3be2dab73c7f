#pragma once
// Command-line options of wan-generate. Each option is one row of a table (CliOptions.cpp): adding a flag means
// adding a field here and a row there.

#include <filesystem>
#include <string>

namespace wan::cli {

struct CliOptions
{
    bool help = false;
    bool inspect = false; // print the model folder's dims and files, then exit
    bool json = false;    // --inspect output as one JSON object
    std::filesystem::path ckptDir;
    std::string logLevel = "info";
};

// Throws wan::Error(InvalidArgument) with a one-line reason on an unknown flag, a missing value or an
// inconsistent combination.
CliOptions parseCliOptions(int argc, const char* const* argv);

// The --help text.
std::string cliUsage(const std::string& program);

} // namespace wan::cli
