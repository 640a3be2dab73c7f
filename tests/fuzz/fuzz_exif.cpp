// libFuzzer harness: the EXIF orientation reader (JPEG APP1, PNG eXIf) and the transform it selects.
#include "media/ExifOrientation.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const int orientation = wan::media::readExifOrientation({data, size});
    if (orientation < 1 || orientation > 8)
        __builtin_trap();
    wan::media::RgbImage image;
    image.width = 3;
    image.height = 2;
    image.rgb.assign(18, 7);
    const auto shown = wan::media::applyExifOrientation(image, orientation);
    if (shown.rgb.size() != image.rgb.size() || shown.width * shown.height != 6)
        __builtin_trap();
    return 0;
}
