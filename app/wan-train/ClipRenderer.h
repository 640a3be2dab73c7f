#pragma once
// Procedural training clips for the built-in demo model: one shape of one colour moving (or growing,
// shrinking) on a plain background, with an English and a Chinese caption. Deterministic by seed; a fixed
// list of held-out combinations is never rendered for training. No torch, no Qt.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace wan::demo {

inline constexpr int kClipWidth = 64;
inline constexpr int kClipHeight = 64;
inline constexpr int kClipFrames = 9;

struct PaletteColour
{
    const char* english;
    const char* chinese;
    std::array<std::uint8_t, 3> rgb;
};

struct ShapeName
{
    const char* english;
    const char* chinese;
};

struct MotionName
{
    const char* english; // verb phrase after the subject
    const char* chinese;
    int dx;     // direction of the centroid: -1, 0, 1 (image x grows to the right)
    int dy;     // image y grows downwards
    int growth; // -1 shrinks, 0 keeps its size, 1 grows
};

const std::vector<PaletteColour>& palette();
const std::vector<ShapeName>& shapes();
const std::vector<MotionName>& motions();

enum class Language
{
    English = 1,
    Chinese
};

// One caption combination: indices into palette(), shapes() and motions().
struct ClipSpec
{
    int shape = 0;
    int foreground = 0;
    int background = 1;
    int motion = 0;

    bool operator==(const ClipSpec&) const = default;
};

// Every valid combination (foreground != background), in a fixed order.
const std::vector<ClipSpec>& allSpecs();
// The held-out combinations: never rendered for training, used to test generalisation.
const std::vector<ClipSpec>& heldOutSpecs();
bool isHeldOut(const ClipSpec& spec);
// allSpecs() without heldOutSpecs().
const std::vector<ClipSpec>& trainingSpecs();

std::string caption(const ClipSpec& spec, Language language);
// Every word of every caption in both languages: the tokenizer's user-defined pieces.
std::vector<std::string> captionWords();

struct Clip
{
    ClipSpec spec;
    // kClipFrames * kClipHeight * kClipWidth * 3 bytes, RGB, frame-major.
    std::vector<std::uint8_t> rgb;
    // kClipFrames * kClipHeight * kClipWidth bytes: 1 where the shape covers the pixel.
    std::vector<std::uint8_t> foregroundMask;
};

// Renders `spec` with position, size and colour jitter drawn from `seed` (same seed, same clip).
Clip renderClip(const ClipSpec& spec, std::uint64_t seed);

// A small deterministic 64-bit mixer (splitmix64) for deriving per-step, per-sample seeds.
std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b);

} // namespace wan::demo
