#include "media/Image.h"

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
    // convert('RGB').
    int flags = cv::IMREAD_COLOR;
    if (orientation == ExifOrientation::Ignore)
        flags |= cv::IMREAD_IGNORE_ORIENTATION;
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

RgbImage decodeImageRgb(std::span<const std::uint8_t>, ExifOrientation, const std::string& source)
{
    throw Error(ErrorKind::Image, source + " cannot be read: this build has no image support (built without "
                                           "WAN_WITH_OPENCV)");
}

std::vector<std::uint8_t> encodeImageForPrompt(const RgbImage& image, int)
{
    checkEncodable(image);
    throw Error(ErrorKind::Image, "Cannot encode the input image for prompt extension: this build has no "
                                  "image support (built without WAN_WITH_OPENCV)");
}

#endif

} // namespace wan::media
