#include "pipeline/Geometry.h"

#include <cmath>

namespace wan::pipeline {

double floorDivide(double a, double b)
{
    // CPython/numpy divmod: (a - fmod(a, b)) / b, corrected toward floor, then snapped to the nearest
    // integer.
    double mod = std::fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0.0) {
        if ((b < 0) != (mod < 0)) {
            mod += b;
            div -= 1.0;
        }
    }
    if (div != 0.0) {
        double floorDiv = std::floor(div);
        if (div - floorDiv > 0.5)
            floorDiv += 1.0;
        return floorDiv;
    }
    return std::copysign(0.0, a / b);
}

std::int64_t sequenceLength(int latFrames, int latHeight, int latWidth, Patch patch)
{
    const double tokens =
        double(std::int64_t(latHeight) * latWidth) / double(patch.h * patch.w) * double(latFrames);
    return std::int64_t(std::ceil(tokens));
}

Geometry textToVideoGeometry(int width, int height, int frames, Patch patch)
{
    Geometry g;
    g.frames = frames;
    g.latFrames = (frames - 1) / kVaeStrideT + 1;
    g.latHeight = height / kVaeStrideHW;
    g.latWidth = width / kVaeStrideHW;
    g.height = g.latHeight * kVaeStrideHW;
    g.width = g.latWidth * kVaeStrideHW;
    g.seqLen = sequenceLength(g.latFrames, g.latHeight, g.latWidth, patch);
    return g;
}

Geometry imageToVideoGeometry(int imageWidth, int imageHeight, std::int64_t maxArea, int frames, Patch patch)
{
    Geometry g;
    g.frames = frames;
    const double ratio = double(imageHeight) / double(imageWidth);
    const auto side = [](double v, int p) {
        return int(std::nearbyint(floorDivide(floorDivide(v, kVaeStrideHW), p) * p));
    };
    g.latHeight = side(std::sqrt(double(maxArea) * ratio), patch.h);
    g.latWidth = side(std::sqrt(double(maxArea) / ratio), patch.w);
    g.height = g.latHeight * kVaeStrideHW;
    g.width = g.latWidth * kVaeStrideHW;
    g.latFrames = (frames - 1) / kVaeStrideT + 1;
    g.seqLen = std::int64_t(g.latFrames) * g.latHeight * g.latWidth / (patch.h * patch.w);
    return g;
}

} // namespace wan::pipeline
