#pragma once
// The i2v input picture as the engine uses it: upright (EXIF orientation applied, as the GUI shows it) and
// cut to the request's crop rectangle before anything else, so that the output size follows the crop's
// aspect by the official rule as it follows a whole image's. No torch.

#include "media/MediaTypes.h"
#include "wan/Request.h"

namespace wan::pipeline {

// Throws wan::Error(Image) when the file cannot be read, wan::Error(InvalidArgument, reason kImageCrop)
// naming the image, its size and the rectangle when the crop does not lie inside it.
media::RgbImage loadImageToVideoInput(const Request& request);

// The rectangle `crop` of `image` (checked by wan::checkImageCrop; `imageName` names it in the error).
media::RgbImage cropImage(const media::RgbImage& image, const ImageCrop& crop, const std::string& imageName);

} // namespace wan::pipeline
