#include "media/Png.h"

#include "media/Image.h"
#include "media/PartialFile.h"
#include "wan/Error.h"

#include <cstdio>
#include <system_error>

#if WAN_MEDIA_HAS_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#else
#include <zlib.h>

#include <cstring>
#endif

namespace wan::media {

namespace fs = std::filesystem;

namespace {

void writePngPixels(const fs::path& path, int width, int height, const std::uint8_t* rgb)
{
    const std::string where = "Cannot write '" + path.string() + "': ";
    if (width <= 0 || height <= 0)
        throw Error(ErrorKind::InvalidArgument,
                    where + "invalid size " + std::to_string(width) + "x" + std::to_string(height));
#if WAN_MEDIA_HAS_OPENCV
    std::vector<std::uint8_t> encoded;
    try {
        const cv::Mat source(height, width, CV_8UC3, const_cast<std::uint8_t*>(rgb));
        cv::Mat bgr;
        cv::cvtColor(source, bgr, cv::COLOR_RGB2BGR);
        if (!cv::imencode(".png", bgr, encoded, {cv::IMWRITE_PNG_COMPRESSION, 3}))
            throw Error(ErrorKind::Internal, where + "the PNG encoder failed");
    } catch (const cv::Exception& e) {
        throw Error(ErrorKind::Internal, where + "the PNG encoder failed: " + e.msg);
    }
    PartialFile file(path);
    file.write(encoded.data(), encoded.size());
    file.commit();
#else
    // Without OpenCV: filter 0 on every row, zlib level 3 (engine-only builds such as the GPU check).
    const std::size_t stride = std::size_t(width) * 3;
    std::vector<std::uint8_t> raw((stride + 1) * std::size_t(height));
    for (int y = 0; y < height; ++y) {
        raw[std::size_t(y) * (stride + 1)] = 0;
        std::memcpy(&raw[std::size_t(y) * (stride + 1) + 1], rgb + std::size_t(y) * stride, stride);
    }
    uLongf packedSize = compressBound(uLong(raw.size()));
    std::vector<std::uint8_t> packed(packedSize);
    if (compress2(packed.data(), &packedSize, raw.data(), uLong(raw.size()), 3) != Z_OK)
        throw Error(ErrorKind::Internal, where + "the PNG encoder failed");
    packed.resize(packedSize);
    std::vector<std::uint8_t> encoded = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    const auto chunk = [&encoded](const char* type, const std::vector<std::uint8_t>& data) {
        const auto put32 = [&encoded](std::uint32_t v) {
            for (int shift = 24; shift >= 0; shift -= 8)
                encoded.push_back(std::uint8_t(v >> shift));
        };
        put32(std::uint32_t(data.size()));
        const std::size_t start = encoded.size();
        encoded.insert(encoded.end(), type, type + 4);
        encoded.insert(encoded.end(), data.begin(), data.end());
        put32(std::uint32_t(crc32(0L, encoded.data() + start, uInt(encoded.size() - start))));
    };
    std::vector<std::uint8_t> header(13, 0);
    for (int i = 0; i < 4; ++i) {
        header[std::size_t(i)] = std::uint8_t(std::uint32_t(width) >> (24 - 8 * i));
        header[std::size_t(4 + i)] = std::uint8_t(std::uint32_t(height) >> (24 - 8 * i));
    }
    header[8] = 8; // bit depth
    header[9] = 2; // RGB
    chunk("IHDR", header);
    chunk("IDAT", packed);
    chunk("IEND", {});
    PartialFile file(path);
    file.write(encoded.data(), encoded.size());
    file.commit();
#endif
}

} // namespace

void writePng(const fs::path& path, const RgbImage& image)
{
    if (image.rgb.size() != std::size_t(image.width) * std::size_t(image.height) * 3 || image.rgb.empty())
        throw Error(ErrorKind::InvalidArgument, "Cannot write '" + path.string() +
                                                    "': " + std::to_string(image.rgb.size()) +
                                                    " bytes are not a " + std::to_string(image.width) + "x" +
                                                    std::to_string(image.height) + " RGB image");
    writePngPixels(path, image.width, image.height, image.rgb.data());
}

void writePng(const fs::path& path, const VideoFrames& frames, int index)
{
    if (index < 0 || index >= frames.count ||
        frames.rgb.size() < std::size_t(index + 1) * frames.frameBytes())
        throw Error(ErrorKind::InvalidArgument, "Cannot write '" + path.string() + "': there is no frame " +
                                                    std::to_string(index) + " of " +
                                                    std::to_string(frames.count));
    writePngPixels(path, frames.width, frames.height, frames.frame(index));
}

RgbImage readPng(const fs::path& path)
{
    return loadImageRgb(path, ExifOrientation::Ignore);
}

std::string sequenceFrameName(int index, int count)
{
    int digits = 4;
    for (int limit = 10000; count > limit && limit < 1000000000; limit *= 10)
        ++digits;
    char name[32];
    std::snprintf(name, sizeof(name), "frame_%0*d.png", digits, index);
    return name;
}

std::vector<fs::path> writePngSequence(const fs::path& dir, const VideoFrames& frames,
                                       const CancelToken* cancel)
{
    if (frames.count <= 0 || frames.rgb.size() != std::size_t(frames.count) * frames.frameBytes())
        throw Error(ErrorKind::InvalidArgument,
                    "Cannot write frames to '" + dir.string() + "': " + std::to_string(frames.rgb.size()) +
                        " bytes do not hold " + std::to_string(frames.count) + " frames of " +
                        std::to_string(frames.width) + "x" + std::to_string(frames.height) + " RGB");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throwIoError("create the folder", dir, ec.value());
    std::vector<fs::path> written;
    written.reserve(std::size_t(frames.count));
    for (int i = 0; i < frames.count; ++i) {
        if (cancel && cancel->isCancelled())
            throw Error(ErrorKind::Cancelled, "Writing frames to '" + dir.string() + "' was cancelled");
        written.push_back(dir / sequenceFrameName(i, frames.count));
        writePngPixels(written.back(), frames.width, frames.height, frames.frame(i));
    }
    return written;
}

} // namespace wan::media
