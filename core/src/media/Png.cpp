#include "media/Png.h"

#include "media/Image.h"
#include "media/PartialFile.h"
#include "wan/Error.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
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

std::uint32_t pngCrc(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0xffffffffu)
{
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    for (std::size_t i = 0; i < size; ++i)
        crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
    return crc;
}

std::uint32_t crcOf(const std::vector<std::uint8_t>& bytes, std::size_t start)
{
    return pngCrc(bytes.data() + start, bytes.size() - start) ^ 0xffffffffu;
}

// An iTXt chunk "Comment": keyword, NUL, not compressed, method 0, no language, no translated keyword, text.
std::vector<std::uint8_t> commentChunk(const MediaMetadata& metadata)
{
    const std::string json = metadataToJson(metadata);
    std::vector<std::uint8_t> data;
    const std::string keyword = "Comment";
    data.insert(data.end(), keyword.begin(), keyword.end());
    data.insert(data.end(), {0, 0, 0, 0, 0});
    data.insert(data.end(), json.begin(), json.end());
    std::vector<std::uint8_t> chunk;
    const auto put32 = [&chunk](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8)
            chunk.push_back(std::uint8_t(v >> shift));
    };
    put32(std::uint32_t(data.size()));
    const std::size_t start = chunk.size();
    const char* type = "iTXt";
    chunk.insert(chunk.end(), type, type + 4);
    chunk.insert(chunk.end(), data.begin(), data.end());
    put32(crcOf(chunk, start));
    return chunk;
}

// Puts the metadata chunk right after IHDR (signature 8 bytes + IHDR 25 bytes).
void insertMetadata(std::vector<std::uint8_t>& encoded, const MediaMetadata& metadata)
{
    if (metadata.tags.empty() || encoded.size() < 33)
        return;
    const std::vector<std::uint8_t> chunk = commentChunk(metadata);
    encoded.insert(encoded.begin() + 33, chunk.begin(), chunk.end());
}

void writePngPixels(const fs::path& path, int width, int height, const std::uint8_t* rgb,
                    const MediaMetadata& metadata)
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
    insertMetadata(encoded, metadata);
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
    insertMetadata(encoded, metadata);
    PartialFile file(path);
    file.write(encoded.data(), encoded.size());
    file.commit();
#endif
}

} // namespace

void writePng(const fs::path& path, const RgbImage& image, const MediaMetadata& metadata)
{
    if (image.rgb.size() != std::size_t(image.width) * std::size_t(image.height) * 3 || image.rgb.empty())
        throw Error(ErrorKind::InvalidArgument, "Cannot write '" + path.string() +
                                                    "': " + std::to_string(image.rgb.size()) +
                                                    " bytes are not a " + std::to_string(image.width) + "x" +
                                                    std::to_string(image.height) + " RGB image");
    writePngPixels(path, image.width, image.height, image.rgb.data(), metadata);
}

void writePng(const fs::path& path, const VideoFrames& frames, int index, const MediaMetadata& metadata)
{
    if (index < 0 || index >= frames.count ||
        frames.rgb.size() < std::size_t(index + 1) * frames.frameBytes())
        throw Error(ErrorKind::InvalidArgument, "Cannot write '" + path.string() + "': there is no frame " +
                                                    std::to_string(index) + " of " +
                                                    std::to_string(frames.count));
    writePngPixels(path, frames.width, frames.height, frames.frame(index), metadata);
}

MediaMetadata readPngMetadata(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Io, "Cannot read '" + path.string() + "': no such file or not readable");
    static const std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    std::uint8_t signature[8] = {};
    if (!in.read(reinterpret_cast<char*>(signature), 8) || std::memcmp(signature, kSignature, 8) != 0)
        throw Error(ErrorKind::Image, "Cannot read '" + path.string() + "': not a PNG file");
    MediaMetadata metadata;
    // Chunks up to the first IDAT (where writePng() puts it) or any text chunk before IEND; each chunk's
    // length is checked against the file, and text chunks are capped at 16 MiB.
    for (int chunks = 0; chunks < 10000; ++chunks) {
        std::uint8_t header[8];
        if (!in.read(reinterpret_cast<char*>(header), 8))
            break;
        const std::uint32_t length = std::uint32_t(header[0]) << 24 | std::uint32_t(header[1]) << 16 |
                                     std::uint32_t(header[2]) << 8 | header[3];
        const std::string type(reinterpret_cast<const char*>(header + 4), 4);
        if (type == "IEND")
            break;
        if ((type == "iTXt" || type == "tEXt") && length <= (16u << 20)) {
            std::string data(length, '\0');
            if (!in.read(data.data(), length))
                break;
            in.ignore(4); // CRC
            const std::size_t nul = data.find('\0');
            if (nul == std::string::npos || data.compare(0, nul, "Comment") != 0)
                continue;
            std::string text;
            if (type == "tEXt") {
                text = data.substr(nul + 1);
            } else {
                // compression flag, method, language tag NUL, translated keyword NUL, text
                if (nul + 2 >= data.size() || data[nul + 1] != 0)
                    continue; // compressed text: not what writePng() writes
                const std::size_t language = data.find('\0', nul + 3);
                const std::size_t translated =
                    language == std::string::npos ? std::string::npos : data.find('\0', language + 1);
                if (translated == std::string::npos)
                    continue;
                text = data.substr(translated + 1);
            }
            if (metadataFromJson(text, metadata))
                return metadata;
            continue;
        }
        in.seekg(std::streamoff(length) + 4, std::ios::cur);
        if (!in)
            break;
    }
    return metadata;
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
                                       const CancelToken* cancel, const MediaMetadata& metadata)
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
        writePngPixels(written.back(), frames.width, frames.height, frames.frame(i), metadata);
    }
    return written;
}

} // namespace wan::media
