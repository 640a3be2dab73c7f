#include "pipeline/InputImage.h"

#include "media/Image.h"

#include <algorithm>

namespace wan::pipeline {

media::RgbImage cropImage(const media::RgbImage& image, const ImageCrop& crop, const std::string& imageName)
{
    checkImageCrop(crop, image.width, image.height, imageName);
    media::RgbImage out;
    out.width = crop.width;
    out.height = crop.height;
    out.rgb.resize(std::size_t(crop.width) * crop.height * 3);
    const std::size_t rowBytes = std::size_t(crop.width) * 3;
    for (int row = 0; row < crop.height; ++row) {
        const auto* from = image.rgb.data() + (std::size_t(crop.y + row) * image.width + crop.x) * 3;
        std::copy_n(from, rowBytes, out.rgb.data() + std::size_t(row) * rowBytes);
    }
    return out;
}

media::RgbImage loadImageToVideoInput(const Request& request)
{
    auto image = media::loadImageRgb(request.image, media::ExifOrientation::Apply);
    if (!request.imageCrop)
        return image;
    return cropImage(image, *request.imageCrop, request.image.string());
}

} // namespace wan::pipeline
