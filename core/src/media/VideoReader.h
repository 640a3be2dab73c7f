#pragma once
// Reading videos back (tests, UI thumbnails): size, fps, exact frame count, metadata and RGB frames.

#include "media/MediaTypes.h"

#include <filesystem>
#include <map>
#include <string>

namespace wan::media {

struct VideoInfo
{
    int width = 0;
    int height = 0;
    int frameCount = 0; // frames actually decoded (the container's count can be an estimate)
    double fps = 0.0;
    std::string codec;      // FFmpeg's codec name: "h264", "hevc", "vp9", "ffv1", "gif", ...
    MediaMetadata metadata; // the generation settings from the `comment` JSON; empty for other videos
    std::map<std::string, std::string> containerTags; // every container tag as FFmpeg reports it
};

// Opens `path` with libavformat and decodes the whole first video stream to count its frames.
// Throws wan::Error (Io: missing/unreadable, CorruptFile: not a video or undecodable; or a build without
// FFmpeg).
VideoInfo probeVideo(const std::filesystem::path& path);

// Decodes up to `maxFrames` frames (-1: all) to RGB888. `info`, when given, receives what probeVideo()
// reports (the whole stream is then decoded to count the frames). Throws like probeVideo().
VideoFrames readVideoFrames(const std::filesystem::path& path, int maxFrames = -1, VideoInfo* info = nullptr);

} // namespace wan::media
