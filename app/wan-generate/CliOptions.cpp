#include "CliOptions.h"

#include "wan/Error.h"

#include <functional>
#include <sstream>
#include <vector>

namespace wan::cli {

namespace {

struct OptionSpec
{
    const char* name;    // "--ckpt_dir"
    const char* metavar; // nullptr for a flag without value
    const char* help;
    std::function<void(CliOptions&, const std::string&)> apply;
};

const std::vector<OptionSpec>& optionTable()
{
    static const std::vector<OptionSpec> table = {
        {"--help", nullptr, "show this help and exit", [](CliOptions& o, const std::string&) { o.help = true; }},
        {"--ckpt_dir", "DIR", "Wan2.1 model folder (as downloaded from Hugging Face / ModelScope)",
         [](CliOptions& o, const std::string& v) { o.ckptDir = v; }},
        {"--inspect", nullptr, "validate the model folder and print its dims and files",
         [](CliOptions& o, const std::string&) { o.inspect = true; }},
        {"--json", nullptr, "with --inspect: print one JSON object",
         [](CliOptions& o, const std::string&) { o.json = true; }},
        {"--log_level", "LEVEL", "trace, debug, info, warn, error or off (default info)",
         [](CliOptions& o, const std::string& v) {
             static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
             for (const char* level : kLevels)
                 if (v == level) {
                     o.logLevel = v;
                     return;
                 }
             throw Error(ErrorKind::InvalidArgument, "--log_level must be one of trace, debug, info, warn, error, off");
         }},
    };
    return table;
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
        if (spec->metavar) {
            if (!inlineValue) {
                if (i + 1 >= argc)
                    throw Error(ErrorKind::InvalidArgument, arg + " needs a value " + spec->metavar);
                value = argv[++i];
            }
        } else if (inlineValue) {
            throw Error(ErrorKind::InvalidArgument, arg + " takes no value");
        }
        spec->apply(options, value);
    }
    if (options.help)
        return options;
    if (options.json && !options.inspect)
        throw Error(ErrorKind::InvalidArgument, "--json only applies to --inspect");
    if (options.ckptDir.empty())
        throw Error(ErrorKind::InvalidArgument, "--ckpt_dir DIR is required (a Wan2.1 model folder)");
    return options;
}

std::string cliUsage(const std::string& program)
{
    std::ostringstream os;
    os << "Usage: " << program << " --ckpt_dir DIR --inspect [--json]\n\nOptions:\n";
    for (const auto& spec : optionTable()) {
        std::string left = std::string("  ") + spec.name + (spec.metavar ? std::string(" ") + spec.metavar : "");
        if (left.size() < 24)
            left.resize(24, ' ');
        else
            left += "  ";
        os << left << spec.help << "\n";
    }
    return os.str();
}

} // namespace wan::cli
