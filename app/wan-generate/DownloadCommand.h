#pragma once
// `wan-generate --download NAME [--to DIR] [--endpoint URL] [--token T] [--max_rate BYTES] [--parallel N]`
// and `wan-generate --list-models [--to DIR] [--json]`: the model downloader on the command line. These flags
// are parsed here, apart from the generation options.

namespace wan::cli {

// True when argv asks for --download or --list-models.
bool isDownloadCommand(int argc, const char* const* argv);

// Runs it; returns the exit code (0 done, 1 failed, 2 bad arguments, 130 interrupted). Never throws.
int runDownloadCommand(int argc, const char* const* argv);

} // namespace wan::cli
