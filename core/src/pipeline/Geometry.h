#pragma once
// Latent and token geometry of a job, with the official rounding (no torch).

#include <cstdint>

namespace wan::pipeline {

inline constexpr int kVaeStrideT = 4;
inline constexpr int kVaeStrideHW = 8;
inline constexpr int kPatchHW = 2;
inline constexpr int kLatentChannels = 16;

// The DiT's patch (t, h, w) in latent cells, read from its patch embedding; the official models' is (1, 2,
// 2).
struct Patch
{
    int t = 1;
    int h = kPatchHW;
    int w = kPatchHW;
};

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

// t2v/t2i: the noise is (16, (F-1)/4+1, height/8, width/8) and seq_len = ceil(h*w/(ph*pw) * T), as the
// official `math.ceil(lat_h * lat_w / (patch[1] * patch[2]) * lat_f)`.
Geometry textToVideoGeometry(int width, int height, int frames, Patch patch = {});

// i2v: the output keeps the image's aspect ratio within `maxArea` pixels, with the official
// lat = round(sqrt(maxArea * ratio) // 8 // ph * ph) and seq_len = T * latH * latW // (ph * pw).
Geometry imageToVideoGeometry(int imageWidth, int imageHeight, std::int64_t maxArea, int frames,
                              Patch patch = {});

// The official token count of a latent grid: ceil(latH * latW / (ph * pw) * latFrames).
std::int64_t sequenceLength(int latFrames, int latHeight, int latWidth, Patch patch = {});

} // namespace wan::pipeline
