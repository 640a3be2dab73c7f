#pragma once
// H.264 MP4 export (libx264, yuv420p, BT.709, +faststart) with the generation settings as metadata.

#include "media/MediaTypes.h"
#include "wan/CancelToken.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace wan::media {

struct Mp4Options
{
    int fps = 16; // 1..240; the time base is 1/fps and every frame lasts one tick
    int crf = 17; // libx264 constant rate factor, 0 (lossless) .. 51; 17 is visually lossless
    std::string preset = "medium"; // libx264 speed/size trade-off ("ultrafast" .. "veryslow")
    // Stored as a JSON object in the MP4 `comment` tag; the `prompt` tag also becomes the `title`.
    MediaMetadata metadata;
};

// Streams frames into an MP4. The file appears under its final name only when finish() succeeds: frames go to
// `<stem>.partial-XXXXXX.mp4` in the same folder, which is removed on any error, on discard() and when the
// writer is destroyed unfinished. Odd sizes are padded to even (last row/column repeated). Not thread-safe.
class Mp4Writer
{
public:
    // Opens the partial file and the encoder. Throws wan::Error (Io: folder missing/not writable,
    // InvalidArgument: bad size or options, or a build without FFmpeg).
    Mp4Writer(const std::filesystem::path& path, int width, int height, const Mp4Options& options = {});
    ~Mp4Writer();
    Mp4Writer(const Mp4Writer&) = delete;
    Mp4Writer& operator=(const Mp4Writer&) = delete;

    // Encodes one RGB888 frame of width*height*3 bytes. Throws wan::Error(Io) on write errors (disk full).
    void writeFrame(const std::uint8_t* rgb);
    // Flushes the encoder, writes the index and renames the partial file to `path`. Throws wan::Error(Io).
    void finish();
    // Abandons the file: the partial file is removed, an existing file at `path` is left untouched.
    void discard() noexcept;

    int framesWritten() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Whether this build writes MP4 (built with FFmpeg).
bool mp4Supported();

// Writes all `frames` to `path` atomically. `cancel` is checked before each frame: when set, nothing is left
// on disk and wan::Error(Cancelled) is thrown.
void writeMp4(const std::filesystem::path& path, const VideoFrames& frames, const Mp4Options& options = {},
              const CancelToken* cancel = nullptr);

} // namespace wan::media
