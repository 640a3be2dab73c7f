#pragma once
// Input images (I2V conditioning, drag and drop, clipboard) decoded to RGB888 through OpenCV.

#include "media/MediaTypes.h"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace wan::media {

// Whether the EXIF orientation of a JPEG (APP1) or PNG (eXIf) turns the picture upright, as the GUI shows it
// (media/ExifOrientation.h). The engine applies it to every input image; the official script (PIL
// Image.open) ignores it, which only matters for photos that carry one.
enum class ExifOrientation
{
    Apply = 1,
    Ignore
};

// Loads a PNG, JPEG, WebP or BMP file as RGB888: grey is expanded, alpha is dropped without blending (as
// PIL's convert('RGB')), 16-bit is reduced to 8-bit. Throws wan::Error(Image) naming the file when it is
// missing or cannot be decoded (or in a build without OpenCV).
RgbImage loadImageRgb(const std::filesystem::path& path,
                      ExifOrientation orientation = ExifOrientation::Apply);

// Same as loadImageRgb() from encoded bytes in memory; `source` names them in error messages.
RgbImage decodeImageRgb(std::span<const std::uint8_t> bytes,
                        ExifOrientation orientation = ExifOrientation::Apply,
                        const std::string& source = "the image data");

// The input image as sent to a vision model for prompt extension: scaled down with area averaging so that
// width * height <= maxPixels (aspect ratio kept to within a pixel, except for strips a pixel thin), then
// encoded as PNG. Images already small enough, and maxPixels <= 0, keep their size. Vision models need no
// more than about 512x512 pixels, and Dashscope limits inline images to a few MB. Throws wan::Error(Image)
// for an empty or inconsistent image (or in a build without OpenCV).
std::vector<std::uint8_t> encodeImageForPrompt(const RgbImage& image, int maxPixels = 512 * 512);

} // namespace wan::media
