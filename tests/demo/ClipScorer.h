#pragma once
// Reads what a demo clip shows: the background colour (median of the border pixels), the foreground (pixels
// far from it): its colour, the direction its centroid moves and whether its area grows or shrinks. Colours
// are named by the nearest entry of the demo palette (app/wan-train/ClipRenderer.h). No torch, no Qt.

#include <cstdint>
#include <string>
#include <vector>

namespace wan::demo {

struct ClipScore
{
    int background = -1;             // palette index
    int foreground = -1;             // palette index, -1 when no foreground was found
    double foregroundFraction = 0.0; // mean share of pixels that are foreground
    double dx = 0.0, dy = 0.0;       // centroid motion first -> last frame, in pixels (y down)
    double areaRatio = 1.0;          // foreground area last / first frame
    int motion = -1;                 // motions() index: the dominant one, -1 when unclear

    std::string describe() const;
};

// rgb: frames * height * width * 3 bytes, frame-major RGB.
ClipScore scoreClip(const std::vector<std::uint8_t>& rgb, int frames, int width, int height);

} // namespace wan::demo
