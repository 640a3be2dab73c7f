#include "media/Image.h"

#include "wan/Error.h"

#include <cerrno>
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

#else

RgbImage decodeImageRgb(std::span<const std::uint8_t>, ExifOrientation, const std::string& source)
{
    throw Error(ErrorKind::Image, source + " cannot be read: this build has no image support (built without "
                                           "WAN_WITH_OPENCV)");
}

#endif

} // namespace wan::media
