#include "media/VideoExport.h"

#include "media/Png.h"
#include "media/VideoReader.h"
#include "wan/Error.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <random>
#include <system_error>

namespace wan::media {

namespace fs = std::filesystem;

namespace {

VideoCodec codecOf(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Mp4H265:
        return VideoCodec::H265;
    case ExportFormat::WebmVp9:
        return VideoCodec::Vp9;
    case ExportFormat::MkvFfv1:
        return VideoCodec::Ffv1;
    case ExportFormat::Gif:
        return VideoCodec::Gif;
    default:
        return VideoCodec::H264;
    }
}

void throwIfCancelled(const CancelToken* cancel, const fs::path& target)
{
    if (cancel && cancel->isCancelled())
        throw Error(ErrorKind::Cancelled, "Exporting to '" + target.string() + "' was cancelled");
}

// PNG frames go into a hidden sibling folder first, renamed over the target once every frame is written.
void writeSequence(const fs::path& target, const VideoFrames& frames, const MediaMetadata& metadata,
                   const CancelToken* cancel, const ExportProgress& onProgress)
{
    const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec))
        throw Error(ErrorKind::Io, "Cannot export to '" + target.string() + "': the folder '" +
                                       parent.string() + "' does not exist");
    if (fs::exists(target, ec) && !fs::is_directory(target, ec))
        throw Error(ErrorKind::InvalidArgument,
                    "Cannot export a PNG sequence to '" + target.string() + "': a file of that name exists");
    std::mt19937 random{std::random_device{}()};
    fs::path temporary;
    for (int attempt = 0; attempt < 100 && temporary.empty(); ++attempt) {
        const fs::path candidate =
            parent / ("." + target.filename().string() + ".partial-" + std::to_string(random() % 1000000));
        if (fs::create_directory(candidate, ec))
            temporary = candidate;
    }
    if (temporary.empty())
        throw Error(ErrorKind::Io, "Cannot export to '" + target.string() + "': cannot create a folder in '" +
                                       parent.string() + "'" + (ec ? ": " + ec.message() : std::string()));
    try {
        for (int i = 0; i < frames.count; ++i) {
            throwIfCancelled(cancel, target);
            writePng(temporary / sequenceFrameName(i, frames.count), frames, i, metadata);
            if (onProgress && i + 1 < frames.count)
                onProgress(i + 1, frames.count);
        }
        // An existing sequence is replaced as a whole: the old folder goes only once the new one is complete.
        if (fs::exists(target, ec)) {
            const fs::path old = temporary.string() + ".old";
            fs::rename(target, old);
            fs::rename(temporary, target);
            fs::remove_all(old, ec);
        } else {
            fs::rename(temporary, target);
        }
        if (onProgress)
            onProgress(frames.count, frames.count);
    } catch (const fs::filesystem_error& e) {
        fs::remove_all(temporary, ec);
        throw Error(ErrorKind::Io, "Cannot export to '" + target.string() + "': " + e.code().message());
    } catch (...) {
        fs::remove_all(temporary, ec);
        throw;
    }
}

} // namespace

bool exportSupported(ExportFormat format)
{
    return format == ExportFormat::PngSequence || codecSupported(codecOf(format));
}

std::string exportExtension(ExportFormat format)
{
    return format == ExportFormat::PngSequence ? std::string()
                                               : std::string(containerExtension(codecOf(format)));
}

void exportVideo(const fs::path& source, const fs::path& target, const ExportOptions& options,
                 const CancelToken* cancel)
{
    std::error_code ec;
    if (target.empty())
        throw Error(ErrorKind::InvalidArgument, "Cannot export '" + source.string() + "': no target given");
    if (fs::equivalent(source, target, ec))
        throw Error(ErrorKind::InvalidArgument,
                    "Cannot export '" + source.string() + "' onto itself: choose another file name");
    if (!exportSupported(options.format))
        throw Error(ErrorKind::InvalidArgument,
                    "Cannot export to '" + target.string() + "': this build has no " +
                        encoderName(codecOf(options.format)) + " encoder; choose another format");
    if (options.lossless && options.format != ExportFormat::Mp4H264 &&
        options.format != ExportFormat::Mp4H265 && options.format != ExportFormat::MkvFfv1 &&
        options.format != ExportFormat::PngSequence)
        throw Error(ErrorKind::InvalidArgument, "Cannot export to '" + target.string() +
                                                    "': " + encoderName(codecOf(options.format)) +
                                                    " has no lossless mode here; choose FFV1 or PNG");
    if (options.fps < 0 || options.fps > 240)
        throw Error(ErrorKind::InvalidArgument, "Cannot export to '" + target.string() +
                                                    "': fps must be 1..240, not " +
                                                    std::to_string(options.fps));

    VideoInfo info;
    VideoFrames frames = readVideoFrames(source, -1, &info);
    throwIfCancelled(cancel, target);
    const int sourceFps = std::max(1, int(std::lround(info.fps)));
    const int fps = options.fps > 0 ? options.fps : sourceFps;
    if (fps != sourceFps) {
        if (options.interpolate) {
            frames = options.interpolate(frames, sourceFps, fps);
        } else {
            spdlog::info("{}: {} fps written at {} fps without new frames (plays {:.2f}x as fast)",
                         target.string(), sourceFps, fps, double(fps) / sourceFps);
        }
    }
    MediaMetadata metadata = options.keepSourceMetadata ? info.metadata : MediaMetadata{};
    for (const auto& [key, value] : options.metadata.tags)
        metadata.tags[key] = value;

    if (frames.count <= 0)
        throw Error(ErrorKind::CorruptFile, "Cannot export '" + source.string() + "': it holds no frames");
    if (options.format == ExportFormat::PngSequence) {
        writeSequence(target, frames, metadata, cancel, options.onProgress);
        return;
    }
    Mp4Options encoding;
    encoding.codec = codecOf(options.format);
    encoding.fps = fps;
    encoding.crf = options.crf;
    encoding.preset = options.preset;
    encoding.lossless = options.lossless && encoding.codec != VideoCodec::Ffv1;
    encoding.metadata = metadata;
    // Frame by frame (not writeMp4) to report each one; the writer removes its partial file on any error
    // and when destroyed unfinished.
    Mp4Writer writer(target, frames.width, frames.height, encoding);
    for (int i = 0; i < frames.count; ++i) {
        if (cancel && cancel->isCancelled()) {
            writer.discard();
            throwIfCancelled(cancel, target);
        }
        writer.writeFrame(frames.frame(i));
        if (options.onProgress && i + 1 < frames.count)
            options.onProgress(i + 1, frames.count);
    }
    if (cancel && cancel->isCancelled()) {
        writer.discard();
        throwIfCancelled(cancel, target);
    }
    writer.finish();
    if (options.onProgress)
        options.onProgress(frames.count, frames.count);
}

} // namespace wan::media
