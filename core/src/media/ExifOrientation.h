#pragma once
// The EXIF orientation tag of JPEG (APP1 "Exif") and PNG (eXIf chunk) files, read from untrusted bytes with
// every offset bounds-checked, and the transform that shows such a picture upright (as Qt's QImageReader
// with autoTransform and PIL's ImageOps.exif_transpose do). No OpenCV, no torch: the fuzzers build it alone.

#include "media/MediaTypes.h"

#include <cstdint>
#include <span>

namespace wan::media {

// 1..8 as stored (1 = upright, 6 = rotate 90° clockwise to display, ...); 1 when the bytes are no JPEG or
// PNG, carry no orientation, or carry a damaged or out-of-range one.
int readExifOrientation(std::span<const std::uint8_t> bytes);

// The picture as it is meant to be seen: mirrored and/or rotated for orientation 2..8 (5..8 swap width and
// height); 1 and out-of-range values leave it as it is.
RgbImage applyExifOrientation(const RgbImage& image, int orientation);

} // namespace wan::media
