#pragma once
// Plain pixel buffers and metadata shared by the MP4, PNG and image code (no torch, no FFmpeg, no OpenCV).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wan::media {

// `count` frames of `height` rows of `width` RGB888 pixels, frame after frame, no row padding.
struct VideoFrames
{
    int width = 0;
    int height = 0;
    int count = 0;
    std::vector<std::uint8_t> rgb; // count * height * width * 3

    std::size_t frameBytes() const { return std::size_t(width) * std::size_t(height) * 3; }
    const std::uint8_t* frame(int index) const { return rgb.data() + std::size_t(index) * frameBytes(); }
    std::uint8_t* frame(int index) { return rgb.data() + std::size_t(index) * frameBytes(); }
};

// One RGB888 picture, rows top to bottom, no row padding.
struct RgbImage
{
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb; // height * width * 3
};

// Generation settings stored with a video (key -> text). Suggested keys below; any key is kept.
struct MediaMetadata
{
    std::map<std::string, std::string> tags;
};

namespace tag {
inline constexpr const char* kPrompt = "prompt";
inline constexpr const char* kNegativePrompt = "negative_prompt";
inline constexpr const char* kSeed = "seed";
inline constexpr const char* kSteps = "steps";
inline constexpr const char* kSolver = "solver";
inline constexpr const char* kShift = "shift";
inline constexpr const char* kGuidance = "guidance";
inline constexpr const char* kModel = "model";
inline constexpr const char* kSize = "size";
inline constexpr const char* kFrames = "frames";
inline constexpr const char* kAppVersion = "app_version";
} // namespace tag

// The JSON object (string values) stored in an MP4's `comment` tag; invalid UTF-8 is replaced, never thrown.
std::string metadataToJson(const MediaMetadata& metadata);
// Parses metadataToJson() output; false when `json` is not such an object (e.g. a comment from elsewhere).
bool metadataFromJson(const std::string& json, MediaMetadata& metadata);

} // namespace wan::media
