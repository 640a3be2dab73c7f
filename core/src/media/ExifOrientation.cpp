#include "media/ExifOrientation.h"

#include <cstring>
#include <string_view>

namespace wan::media {

namespace {

constexpr std::uint16_t kOrientationTag = 0x0112;
constexpr std::uint16_t kTypeShort = 3;
// A file with more segments or chunks than this before its orientation is not a photo worth searching.
constexpr int kMaxBlocks = 4096;

std::uint16_t be16(const std::uint8_t* p)
{
    return std::uint16_t(p[0] << 8 | p[1]);
}

std::uint32_t be32(const std::uint8_t* p)
{
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

// The orientation entry of IFD0 of a TIFF structure (the EXIF payload), 1 when absent or unusable.
int tiffOrientation(std::span<const std::uint8_t> tiff)
{
    if (tiff.size() < 8)
        return 1;
    const bool little = tiff[0] == 'I' && tiff[1] == 'I';
    if (!little && !(tiff[0] == 'M' && tiff[1] == 'M'))
        return 1;
    const auto u16 = [&](std::size_t at) {
        return little ? std::uint16_t(tiff[at] | tiff[at + 1] << 8) : be16(&tiff[at]);
    };
    const auto u32 = [&](std::size_t at) {
        return little ? std::uint32_t(tiff[at]) | std::uint32_t(tiff[at + 1]) << 8 |
                            std::uint32_t(tiff[at + 2]) << 16 | std::uint32_t(tiff[at + 3]) << 24
                      : be32(&tiff[at]);
    };
    if (u16(2) != 42)
        return 1;
    const std::uint64_t ifd = u32(4);
    if (ifd < 8 || ifd > tiff.size() - 2)
        return 1;
    const std::uint64_t entries = u16(std::size_t(ifd));
    for (std::uint64_t i = 0; i < entries; ++i) {
        const std::uint64_t entry = ifd + 2 + 12 * i;
        if (entry + 12 > tiff.size())
            return 1;
        if (u16(std::size_t(entry)) != kOrientationTag)
            continue;
        if (u16(std::size_t(entry) + 2) != kTypeShort || u32(std::size_t(entry) + 4) != 1)
            return 1;
        const int value = u16(std::size_t(entry) + 8); // a single SHORT sits left-aligned in the value field
        return value >= 1 && value <= 8 ? value : 1;
    }
    return 1;
}

int jpegOrientation(std::span<const std::uint8_t> bytes)
{
    std::size_t pos = 2; // after SOI
    for (int block = 0; block < kMaxBlocks; ++block) {
        // Markers may be preceded by fill bytes 0xFF.
        while (pos < bytes.size() && bytes[pos] == 0xFF && pos + 1 < bytes.size() && bytes[pos + 1] == 0xFF)
            ++pos;
        if (bytes.size() - pos < 4 || bytes[pos] != 0xFF)
            return 1;
        const std::uint8_t marker = bytes[pos + 1];
        if (marker == 0xD9 || marker == 0xDA) // end of image, start of scan: no metadata after this
            return 1;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // no length
            pos += 2;
            continue;
        }
        const std::size_t length = be16(&bytes[pos + 2]);
        if (length < 2 || length > bytes.size() - pos - 2)
            return 1;
        const auto data = bytes.subspan(pos + 4, length - 2);
        static constexpr std::string_view kExif("Exif\0\0", 6);
        if (marker == 0xE1 && data.size() >= kExif.size() &&
            std::memcmp(data.data(), kExif.data(), kExif.size()) == 0)
            return tiffOrientation(data.subspan(kExif.size()));
        pos += 2 + length;
    }
    return 1;
}

int pngOrientation(std::span<const std::uint8_t> bytes)
{
    std::size_t pos = 8; // after the signature
    for (int block = 0; block < kMaxBlocks; ++block) {
        if (bytes.size() - pos < 12)
            return 1;
        const std::uint32_t length = be32(&bytes[pos]);
        if (length > bytes.size() - pos - 12)
            return 1;
        const std::string_view type(reinterpret_cast<const char*>(&bytes[pos + 4]), 4);
        if (type == "eXIf")
            return tiffOrientation(bytes.subspan(pos + 8, length));
        if (type == "IEND")
            return 1;
        pos += 12 + std::size_t(length);
    }
    return 1;
}

} // namespace

int readExifOrientation(std::span<const std::uint8_t> bytes)
{
    static constexpr std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (bytes.size() >= 4 && bytes[0] == 0xFF && bytes[1] == 0xD8)
        return jpegOrientation(bytes);
    if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0)
        return pngOrientation(bytes);
    return 1;
}

RgbImage applyExifOrientation(const RgbImage& image, int orientation)
{
    if (orientation < 2 || orientation > 8 || image.width <= 0 || image.height <= 0 ||
        image.rgb.size() != std::size_t(image.width) * std::size_t(image.height) * 3)
        return image;
    const int w = image.width, h = image.height;
    const bool swap = orientation >= 5;
    RgbImage out;
    out.width = swap ? h : w;
    out.height = swap ? w : h;
    out.rgb.resize(image.rgb.size());
    for (int y = 0; y < out.height; ++y) {
        for (int x = 0; x < out.width; ++x) {
            // The stored pixel shown at (x, y).
            int sx = x, sy = y;
            switch (orientation) {
            case 2: // mirrored left-right
                sx = w - 1 - x;
                break;
            case 3: // upside down
                sx = w - 1 - x;
                sy = h - 1 - y;
                break;
            case 4: // mirrored top-bottom
                sy = h - 1 - y;
                break;
            case 5: // transposed
                sx = y;
                sy = x;
                break;
            case 6: // rotate 90° clockwise to display
                sx = y;
                sy = h - 1 - x;
                break;
            case 7: // transversed
                sx = w - 1 - y;
                sy = h - 1 - x;
                break;
            case 8: // rotate 90° counter-clockwise to display
                sx = w - 1 - y;
                sy = x;
                break;
            default:
                break;
            }
            std::memcpy(&out.rgb[(std::size_t(y) * out.width + x) * 3],
                        &image.rgb[(std::size_t(sy) * w + sx) * 3], 3);
        }
    }
    return out;
}

} // namespace wan::media
