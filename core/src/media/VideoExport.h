#pragma once
// "Export as…": a finished video re-encoded into another format, the original left untouched.

#include "media/MediaTypes.h"
#include "media/Mp4Writer.h"
#include "wan/CancelToken.h"

#include <filesystem>
#include <functional>
#include <string>

namespace wan::media {

enum class ExportFormat
{
    Mp4H264,    // H.264 MP4 at the chosen CRF
    Mp4H265,    // H.265 MP4 (hvc1)
    WebmVp9,    // VP9 WebM
    MkvFfv1,    // lossless FFV1 in Matroska: the decoded frames exactly
    Gif,        // 256 colours, loops
    PngSequence // a folder of frame_0000.png ..., each carrying the settings
};

// After each frame is written: `framesDone` of `frameCount` (1..frameCount, one call per frame, in order; the
// last call comes once the target is complete). Called on the exporting thread.
using ExportProgress = std::function<void(int framesDone, int frameCount)>;

// Changes the frame rate by making new frames (a seam for frame interpolation). Given the source frames and
// both rates, returns the frames to write at `toFps`.
using FrameInterpolator = std::function<VideoFrames(const VideoFrames& frames, int fromFps, int toFps)>;

struct ExportOptions
{
    ExportFormat format = ExportFormat::Mp4H264;
    int fps = 0;  // 0: the source's rate; another rate without an interpolator retimes (same frames)
    int crf = -1; // -1: the codec's default (see Mp4Options)
    // H.264 and H.265 without loss (Mp4Options::lossless: yuv444p); FFV1 and PNG always are. Other formats
    // refuse it (InvalidArgument).
    bool lossless = false;
    std::string preset = "medium";
    FrameInterpolator interpolate; // unset: no new frames are made
    // Merged over the source's own settings (the source's keys kept unless given here).
    MediaMetadata metadata;
    bool keepSourceMetadata = true; // false: only `metadata` is written (empty: none at all)
    ExportProgress onProgress;      // unset: no reports
};

// Whether this build can export `format` (its encoder is present; PNG sequences always).
bool exportSupported(ExportFormat format);
// "mp4", "webm", "mkv", "gif"; "" for a PNG sequence (a folder).
std::string exportExtension(ExportFormat format);

// Decodes `source` and writes it to `target` (a file, or a folder for PNG sequences) in `format`. The target
// appears only when complete (a partial file renamed; for PNG sequences a temporary folder renamed); an
// existing target is replaced only then. `source` is only read. Throws wan::Error: InvalidArgument when
// target and source are the same file, or the format is not in this build; Io/CorruptFile from reading or
// writing; Cancelled when `cancel` is set (checked before every frame; nothing left behind).
void exportVideo(const std::filesystem::path& source, const std::filesystem::path& target,
                 const ExportOptions& options, const CancelToken* cancel = nullptr);

} // namespace wan::media
