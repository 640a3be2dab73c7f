#pragma once
// Video export with the generation settings as metadata: H.264 MP4 by default (libx264, yuv420p, BT.709,
// +faststart); H.265 MP4, VP9 WebM, lossless FFV1 Matroska (exact RGB) and GIF where this FFmpeg has them.

#include "media/MediaTypes.h"
#include "wan/CancelToken.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace wan::media {

// The codec decides the container: H264/H265 -> MP4, Vp9 -> WebM, Ffv1 -> Matroska, Gif -> GIF.
enum class VideoCodec
{
    H264,
    H265,
    Vp9,
    Ffv1, // lossless: the RGB frames come back exactly
    Gif   // 256 colours (one palette for the whole clip); no metadata; delays in 1/100 s
};

struct Mp4Options
{
    VideoCodec codec = VideoCodec::H264;
    int fps = 16; // 1..240; the time base is 1/fps and every frame lasts one tick
    // Constant rate factor (H.264/H.265 0..51, VP9 0..63); -1: the codec's visually lossless default
    // (H.264 17, H.265 20, VP9 24). Ignored by FFV1 and GIF.
    int crf = -1;
    std::string preset = "medium"; // H.264/H.265 speed/size trade-off ("ultrafast" .. "veryslow")
    // H.264 and H.265 without loss (libx264 qp 0, libx265 lossless=1; `crf` ignored): yuv444p, BT.709
    // limited range, so the YUV the encoder is given decodes back exactly (RGB only up to the colour
    // conversion's rounding) and odd sizes are kept. Files need a player with 4:4:4 support. FFV1 is always
    // lossless; VP9 and GIF refuse it (InvalidArgument).
    bool lossless = false;
    // Stored as a JSON object in the container's `comment` tag; the `prompt` tag also becomes the `title`.
    MediaMetadata metadata;
};

// What a codec is written with: FFmpeg's encoder and muxer, and the file name extension.
struct CodecFormat
{
    const char* encoder;
    const char* muxer;
    const char* extension;
};
inline constexpr CodecFormat codecFormat(VideoCodec codec)
{
    switch (codec) {
    case VideoCodec::H265:
        return {"libx265", "mp4", "mp4"};
    case VideoCodec::Vp9:
        return {"libvpx-vp9", "webm", "webm"};
    case VideoCodec::Ffv1:
        return {"ffv1", "matroska", "mkv"};
    case VideoCodec::Gif:
        return {"gif", "gif", "gif"};
    case VideoCodec::H264:
        break;
    }
    return {"libx264", "mp4", "mp4"};
}

// The FFmpeg encoder behind a codec ("libx264", "libx265", "libvpx-vp9", "ffv1", "gif").
const char* encoderName(VideoCodec codec);
// The file name extension that fits a codec's container ("mp4", "webm", "mkv", "gif").
const char* containerExtension(VideoCodec codec);
// Whether this build can write `codec` (built with FFmpeg, and its encoder is present).
bool codecSupported(VideoCodec codec);

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
