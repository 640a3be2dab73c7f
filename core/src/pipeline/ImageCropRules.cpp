// The i2v framing rules of wan/Request.h: the output size of an image or crop (the engine's own geometry) and
// the crop rectangle's text form and bounds. No torch: front ends use them alone.
#include "pipeline/Geometry.h"
#include "wan/Request.h"

#include <charconv>
#include <climits>

namespace wan {

std::pair<int, int> imageToVideoSize(int imageWidth, int imageHeight, std::int64_t maxArea)
{
    if (imageWidth <= 0 || imageHeight <= 0 || maxArea <= 0)
        return {0, 0};
    const auto g = pipeline::imageToVideoGeometry(imageWidth, imageHeight, maxArea, 1);
    return {g.width, g.height};
}

std::optional<ImageCrop> imageCropFromText(std::string_view text)
{
    int values[4] = {};
    const char* p = text.data();
    const char* end = text.data() + text.size();
    for (int i = 0; i < 4; ++i) {
        if (i > 0) {
            if (p == end || *p != ',')
                return std::nullopt;
            ++p;
        }
        if (p == end || *p == '+' || *p == '-')
            return std::nullopt;
        const auto [next, ec] = std::from_chars(p, end, values[i]);
        if (ec != std::errc() || next == p)
            return std::nullopt;
        p = next;
    }
    if (p != end)
        return std::nullopt;
    return ImageCrop{values[0], values[1], values[2], values[3]};
}

std::string toString(const ImageCrop& crop)
{
    return std::to_string(crop.x) + "," + std::to_string(crop.y) + "," + std::to_string(crop.width) + "," +
           std::to_string(crop.height);
}

void checkImageCrop(const ImageCrop& crop, int imageWidth, int imageHeight, const std::string& imageName)
{
    const bool inside = crop.x >= 0 && crop.y >= 0 && crop.width > 0 && crop.height > 0 &&
                        std::int64_t(crop.x) + crop.width <= imageWidth &&
                        std::int64_t(crop.y) + crop.height <= imageHeight;
    if (!inside)
        throw Error(ErrorKind::InvalidArgument,
                    "the crop rectangle " + std::to_string(crop.width) + "x" + std::to_string(crop.height) +
                        " at (" + std::to_string(crop.x) + ", " + std::to_string(crop.y) +
                        ") does not lie inside the image '" + imageName + "', which is " +
                        std::to_string(imageWidth) + "x" + std::to_string(imageHeight) +
                        " as shown (after its EXIF orientation)",
                    reason::kImageCrop);
}

} // namespace wan
