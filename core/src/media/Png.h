#pragma once
// Lossless 8-bit RGB PNG output (T2I results, frame sequences), written atomically.

#include "media/MediaTypes.h"
#include "wan/CancelToken.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace wan::media {

// Writes `image` as a PNG via a partial file renamed on success. Non-empty `metadata` goes into an iTXt
// chunk "Comment" (UTF-8, the same JSON as a video's comment tag). Throws wan::Error (Io: folder missing,
// not writable, disk full; InvalidArgument: bad buffer size).
void writePng(const std::filesystem::path& path, const RgbImage& image, const MediaMetadata& metadata = {});
// Writes frame `index` of `frames` as a PNG, like writePng().
void writePng(const std::filesystem::path& path, const VideoFrames& frames, int index,
              const MediaMetadata& metadata = {});

// The settings stored by writePng() (an iTXt or tEXt chunk "Comment" holding that JSON); empty tags when the
// PNG has none. Throws wan::Error(Io) when the file cannot be read, wan::Error(Image) when it is not a PNG.
MediaMetadata readPngMetadata(const std::filesystem::path& path);

// Reads a PNG back exactly as written (EXIF orientation ignored). Throws wan::Error(Image).
RgbImage readPng(const std::filesystem::path& path);

// "frame_0000.png" ... : four digits, more when `count` needs them, so names sort in frame order.
std::string sequenceFrameName(int index, int count);
// Writes every frame as `dir`/sequenceFrameName(i, count) (the folder is created when missing); returns the
// paths. `cancel` is checked before each frame (wan::Error(Cancelled); frames already written stay).
std::vector<std::filesystem::path> writePngSequence(const std::filesystem::path& dir,
                                                    const VideoFrames& frames,
                                                    const CancelToken* cancel = nullptr,
                                                    const MediaMetadata& metadata = {});

} // namespace wan::media
