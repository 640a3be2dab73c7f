#include "media/Image.h"

#include "media/ExifOrientation.h"

#include "wan/Error.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <system_error>

#if WAN_MEDIA_HAS_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#else
#include <zlib.h>
#endif

namespace wan::media {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSupported = " cannot be read as an image (supported: PNG, JPEG, WebP, BMP)";
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t(1) << 30;

[[noreturn]] void fail(const std::string& source, const std::string& detail = {})
{
    throw Error(ErrorKind::Image, source + kSupported + (detail.empty() ? "" : ": " + detail));
}

void checkEncodable(const RgbImage& image)
{
    if (image.width <= 0 || image.height <= 0 ||
        image.rgb.size() != std::size_t(image.width) * std::size_t(image.height) * 3)
        throw Error(ErrorKind::Image,
                    "Cannot encode the input image for prompt extension: it is empty or its "
                    "pixel data does not match " +
                        std::to_string(image.width) + "x" + std::to_string(image.height) + " RGB");
}

} // namespace

RgbImage loadImageRgb(const fs::path& path, ExifOrientation orientation)
{
    const std::string source = "Image '" + path.string() + "'";
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (!fs::exists(status))
        throw Error(ErrorKind::Image, source + " does not exist");
    if (!fs::is_regular_file(status))
        fail(source, "not a file");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec)
        fail(source, ec.message());
    if (size > kMaxFileBytes)
        fail(source, "the file is larger than 1 GiB");

    std::vector<std::uint8_t> bytes(size);
    std::ifstream in(path, std::ios::binary);
    if (!in || !in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(size)))
        fail(source, std::strerror(errno));
    return decodeImageRgb(bytes, orientation, source);
}

#if WAN_MEDIA_HAS_OPENCV

RgbImage decodeImageRgb(std::span<const std::uint8_t> bytes, ExifOrientation orientation,
                        const std::string& source)
{
    if (bytes.empty())
        fail(source, "no data");
    if (bytes.size() > kMaxFileBytes)
        fail(source, "larger than 1 GiB");
    // IMREAD_COLOR: always 8-bit BGR, grey expanded and alpha stripped (no blending), like PIL
    // convert('RGB'). The orientation is our own parser's (JPEG and PNG eXIf alike, whatever OpenCV's
    // version reads), the same one the GUI's drop zone shows through Qt.
    const int flags = cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION;
    cv::Mat bgr;
    try {
        const cv::Mat encoded(1, int(bytes.size()), CV_8U, const_cast<std::uint8_t*>(bytes.data()));
        bgr = cv::imdecode(encoded, flags);
    } catch (const cv::Exception& e) {
        fail(source, e.msg);
    }
    if (bgr.empty() || bgr.type() != CV_8UC3)
        fail(source);

    RgbImage image;
    image.width = bgr.cols;
    image.height = bgr.rows;
    image.rgb.resize(std::size_t(image.width) * std::size_t(image.height) * 3);
    cv::Mat rgb(image.height, image.width, CV_8UC3, image.rgb.data());
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    if (orientation == ExifOrientation::Apply)
        return applyExifOrientation(image, readExifOrientation(bytes));
    return image;
}

std::vector<std::uint8_t> encodeImageForPrompt(const RgbImage& image, int maxPixels)
{
    checkEncodable(image);
    const cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.rgb.data()));
    cv::Mat bgr;
    const double pixels = double(image.width) * double(image.height);
    if (maxPixels > 0 && pixels > maxPixels) {
        // Rounding both sides down keeps the product within the limit.
        const double factor = std::sqrt(double(maxPixels) / pixels);
        int width = std::max(1, int(std::floor(image.width * factor)));
        int height = std::max(1, int(std::floor(image.height * factor)));
        // A strip thinner than the factor keeps one row (or column): shorten the other side instead.
        width = std::max(1, std::min(width, maxPixels / height));
        height = std::max(1, std::min(height, maxPixels / width));
        cv::Mat scaled;
        // INTER_AREA averages the covered source pixels: no aliasing when shrinking.
        cv::resize(rgb, scaled, cv::Size(width, height), 0.0, 0.0, cv::INTER_AREA);
        cv::cvtColor(scaled, bgr, cv::COLOR_RGB2BGR);
    } else {
        cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    }
    std::vector<std::uint8_t> png;
    try {
        if (!cv::imencode(".png", bgr, png) || png.empty())
            throw Error(ErrorKind::Image, "Cannot encode the input image as PNG for prompt extension");
    } catch (const cv::Exception& e) {
        throw Error(ErrorKind::Image, "Cannot encode the input image as PNG for prompt extension: " + e.msg);
    }
    return png;
}

#else

// Without OpenCV (engine-only builds such as the GPU check): 8-bit non-interlaced PNG through zlib, which is
// what the reference fixtures and the engine's own PNG frames use. Everything else says which build reads it.
namespace {

std::uint32_t be32(const std::uint8_t* p)
{
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

int paeth(int a, int b, int c)
{
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
}

} // namespace

RgbImage decodeImageRgb(std::span<const std::uint8_t> bytes, ExifOrientation orientation,
                        const std::string& source)
{
    static constexpr std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (bytes.size() < 8 || std::memcmp(bytes.data(), kSignature, 8) != 0)
        throw Error(ErrorKind::Image, source +
                                          " cannot be read: this build reads PNG files only (it was built "
                                          "without WAN_WITH_OPENCV)");
    std::uint32_t width = 0, height = 0;
    int colorType = -1, channels = 0;
    std::vector<std::uint8_t> idat, palette;
    std::size_t pos = 8;
    bool ended = false;
    while (!ended) {
        if (bytes.size() - pos < 12)
            fail(source, "truncated PNG");
        const std::uint32_t length = be32(&bytes[pos]);
        const std::string type(reinterpret_cast<const char*>(&bytes[pos + 4]), 4);
        if (length > bytes.size() - pos - 12)
            fail(source, "truncated PNG chunk " + type);
        const std::uint8_t* data = &bytes[pos + 8];
        if (type == "IHDR") {
            if (length != 13)
                fail(source, "bad IHDR");
            width = be32(data);
            height = be32(data + 4);
            colorType = data[9];
            const int depth = data[8], interlace = data[12];
            channels = colorType == 0 ? 1 : colorType == 2 ? 3 : colorType == 3 ? 1 : colorType == 4 ? 2 : 4;
            if (depth != 8 || interlace != 0 || colorType == 1 || colorType == 5 || colorType > 6)
                fail(source, "only 8-bit non-interlaced PNG without OpenCV");
            if (width == 0 || height == 0 || width > 16384 || height > 16384)
                fail(source, "bad PNG size");
        } else if (type == "PLTE") {
            palette.assign(data, data + length);
        } else if (type == "IDAT") {
            idat.insert(idat.end(), data, data + length);
        } else if (type == "IEND") {
            ended = true;
        }
        pos += 12 + length;
    }
    if (channels == 0 || idat.empty())
        fail(source, "no image data");
    const std::size_t stride = std::size_t(width) * std::size_t(channels);
    std::vector<std::uint8_t> raw((stride + 1) * height);
    uLongf rawSize = uLongf(raw.size());
    if (uncompress(raw.data(), &rawSize, idat.data(), uLong(idat.size())) != Z_OK || rawSize != raw.size())
        fail(source, "corrupt PNG data");
    RgbImage image;
    image.width = int(width);
    image.height = int(height);
    image.rgb.resize(std::size_t(width) * height * 3);
    std::vector<std::uint8_t> previous(stride, 0), row(stride);
    for (std::uint32_t y = 0; y < height; ++y) {
        const std::uint8_t filter = raw[y * (stride + 1)];
        const std::uint8_t* in = &raw[y * (stride + 1) + 1];
        for (std::size_t i = 0; i < stride; ++i) {
            const int a = i >= std::size_t(channels) ? row[i - channels] : 0;
            const int b = previous[i];
            const int c = i >= std::size_t(channels) ? previous[i - channels] : 0;
            int predicted = 0;
            switch (filter) {
            case 0:
                predicted = 0;
                break;
            case 1:
                predicted = a;
                break;
            case 2:
                predicted = b;
                break;
            case 3:
                predicted = (a + b) / 2;
                break;
            case 4:
                predicted = paeth(a, b, c);
                break;
            default:
                fail(source, "bad PNG filter");
            }
            row[i] = std::uint8_t(in[i] + predicted);
        }
        for (std::uint32_t x = 0; x < width; ++x) {
            std::uint8_t* out = &image.rgb[(std::size_t(y) * width + x) * 3];
            const std::uint8_t* px = &row[std::size_t(x) * channels];
            if (colorType == 3) {
                if (std::size_t(px[0]) * 3 + 2 >= palette.size())
                    fail(source, "palette index out of range");
                std::memcpy(out, &palette[std::size_t(px[0]) * 3], 3);
            } else if (channels <= 2) { // grey (+ alpha, dropped as OpenCV's IMREAD_COLOR does)
                out[0] = out[1] = out[2] = px[0];
            } else {
                std::memcpy(out, px, 3);
            }
        }
        std::swap(previous, row);
    }
    if (orientation == ExifOrientation::Apply)
        return applyExifOrientation(image, readExifOrientation(bytes));
    return image;
}

std::vector<std::uint8_t> encodeImageForPrompt(const RgbImage& image, int)
{
    checkEncodable(image);
    throw Error(ErrorKind::Image, "Cannot encode the input image for prompt extension: this build has no "
                                  "image support (built without WAN_WITH_OPENCV)");
}

#endif

} // namespace wan::media
