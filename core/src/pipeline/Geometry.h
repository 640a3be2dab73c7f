#pragma once
// Latent and token geometry of a job, with the official rounding (no torch).

#include <cstdint>

namespace wan::pipeline {

inline constexpr int kVaeStrideT = 4;
inline constexpr int kVaeStrideHW = 8;
inline constexpr int kPatchHW = 2;
inline constexpr int kLatentChannels = 16;

struct Geometry
{
    int width = 0; // video pixels
    int height = 0;
    int frames = 0; // video frames, 4n+1
    int latFrames = 0;
    int latHeight = 0;
    int latWidth = 0;
    std::int64_t seqLen = 0; // DiT tokens per sample
};

// numpy float64 floor division (`a // b`), including its rounding of a / b near integers.
double floorDivide(double a, double b);

// t2v/t2i: the noise is (16, (F-1)/4+1, height/8, width/8) and seq_len = ceil(h*w/4 * T).
Geometry textToVideoGeometry(int width, int height, int frames);

// i2v: the output keeps the image's aspect ratio within `maxArea` pixels, with the official
// lat = round(sqrt(maxArea * ratio) // 8 // 2 * 2) and seq_len = T * latH * latW // 4.
Geometry imageToVideoGeometry(int imageWidth, int imageHeight, std::int64_t maxArea, int frames);

} // namespace wan::pipeline
