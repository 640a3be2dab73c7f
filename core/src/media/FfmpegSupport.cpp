#include "media/FfmpegSupport.h"

#include "media/PartialFile.h"
#include "wan/Error.h"

#include <spdlog/spdlog.h>

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include <cstdarg>
#include <mutex>

namespace wan::media::ffmpeg {

namespace {

void logToSpdlog(void* avcl, int level, const char* format, va_list args)
{
    if (level > AV_LOG_INFO)
        return;
    char line[1024];
    int printPrefix = 1;
    va_list copy;
    va_copy(copy, args);
    av_log_format_line2(avcl, level, format, copy, line, sizeof(line), &printPrefix);
    va_end(copy);
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    if (text.empty())
        return;
    if (level <= AV_LOG_ERROR)
        spdlog::error("ffmpeg: {}", text);
    else if (level <= AV_LOG_WARNING)
        spdlog::warn("ffmpeg: {}", text);
    else
        spdlog::debug("ffmpeg: {}", text);
}

} // namespace

void installLogHandler()
{
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_callback(logToSpdlog); });
}

std::string errorText(int averror)
{
    if (averror < 0 && averror > -4096) // AVERROR(errno): keep our wording and hints
        return describeErrno(-averror);
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(averror, buffer, sizeof(buffer));
    return buffer;
}

std::string fileUrl(const std::filesystem::path& path)
{
    return "file:" + path.string();
}

void throwError(const std::string& action, const std::filesystem::path& path, int averror)
{
    throw Error(ErrorKind::Io, "Cannot " + action + " '" + path.string() + "': " + errorText(averror));
}

} // namespace wan::media::ffmpeg
