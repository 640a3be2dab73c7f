#pragma once
// Shared by the FFmpeg-based writer and reader (only built with WAN_WITH_FFMPEG).

#include <filesystem>
#include <string>

namespace wan::media::ffmpeg {

// Routes FFmpeg's log output to spdlog (errors and warnings; encoder statistics at debug level). Idempotent.
void installLogHandler();
// av_strerror text plus the disk-full hint for AVERROR(ENOSPC).
std::string errorText(int averror);
// "file:<path>": FFmpeg reads a path's "name:" prefix as a protocol ("pipe:1.mp4" would write to stdout,
// "concat:a|b" would read other files); every open of a user's path goes through this.
std::string fileUrl(const std::filesystem::path& path);
// Throws wan::Error(Io): "Cannot <action> '<path>': <FFmpeg error text>".
[[noreturn]] void throwError(const std::string& action, const std::filesystem::path& path, int averror);

} // namespace wan::media::ffmpeg
