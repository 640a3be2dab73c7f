#include "ClipRenderer.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace wan::demo {

namespace {

constexpr double kRadius = 11.0; // half size of a still shape in pixels (the study: >= 8 px survives the VAE)
constexpr double kTravel = 22.0; // centroid travel over the clip for the moving motions
constexpr double kGrowthRange = 6.0; // radius change for grows / shrinks

// Uniform in [0, 1) from a 64-bit state.
double uniform(std::uint64_t& state)
{
    state = mixSeed(state, 0x9E3779B97F4A7C15ull);
    return double(state >> 11) * (1.0 / 9007199254740992.0);
}

bool inside(int shape, double px, double py, double cx, double cy, double r)
{
    const double dx = px - cx, dy = py - cy;
    switch (shape) {
    case 0: // circle
        return dx * dx + dy * dy <= r * r;
    case 1: // square
        return std::abs(dx) <= r * 0.9 && std::abs(dy) <= r * 0.9;
    default: { // triangle pointing up
        const double top = cy - r, bottom = cy + r * 0.8;
        if (py < top || py > bottom)
            return false;
        const double halfWidth = (py - top) / (bottom - top) * r * 1.05;
        return std::abs(dx) <= halfWidth;
    }
    }
}

} // namespace

std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t z = a + 0x9E3779B97F4A7C15ull * (b + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

const std::vector<PaletteColour>& palette()
{
    static const std::vector<PaletteColour> kPalette{
        {"red", "红色", {220, 40, 40}},     {"green", "绿色", {40, 170, 60}},
        {"blue", "蓝色", {40, 80, 220}},    {"yellow", "黄色", {240, 210, 40}},
        {"white", "白色", {240, 240, 240}}, {"black", "黑色", {20, 20, 20}},
    };
    return kPalette;
}

const std::vector<ShapeName>& shapes()
{
    static const std::vector<ShapeName> kShapes{
        {"circle", "圆形"}, {"square", "正方形"}, {"triangle", "三角形"}};
    return kShapes;
}

const std::vector<MotionName>& motions()
{
    static const std::vector<MotionName> kMotions{
        {"moves to the right", "向右移动", 1, 0, 0},
        {"moves to the left", "向左移动", -1, 0, 0},
        {"moves up", "向上移动", 0, -1, 0},
        {"moves down", "向下移动", 0, 1, 0},
        {"grows", "变大", 0, 0, 1},
        {"shrinks", "变小", 0, 0, -1},
    };
    return kMotions;
}

const std::vector<ClipSpec>& allSpecs()
{
    static const std::vector<ClipSpec> kAll = [] {
        std::vector<ClipSpec> out;
        for (int s = 0; s < int(shapes().size()); ++s)
            for (int f = 0; f < int(palette().size()); ++f)
                for (int b = 0; b < int(palette().size()); ++b)
                    for (int m = 0; m < int(motions().size()); ++m)
                        if (f != b)
                            out.push_back({s, f, b, m});
        return out;
    }();
    return kAll;
}

const std::vector<ClipSpec>& heldOutSpecs()
{
    // A fixed rule rather than a random draw: every colour, shape and motion appears in training and among
    // the held-out combinations, only these exact combinations are never seen.
    static const std::vector<ClipSpec> kHeldOut = [] {
        std::vector<ClipSpec> out;
        for (const auto& spec : allSpecs())
            if ((spec.shape * 7 + spec.foreground * 5 + spec.background * 3 + spec.motion * 11) % 27 == 4)
                out.push_back(spec);
        return out;
    }();
    return kHeldOut;
}

bool isHeldOut(const ClipSpec& spec)
{
    const auto& held = heldOutSpecs();
    return std::find(held.begin(), held.end(), spec) != held.end();
}

const std::vector<ClipSpec>& trainingSpecs()
{
    static const std::vector<ClipSpec> kTraining = [] {
        std::vector<ClipSpec> out;
        for (const auto& spec : allSpecs())
            if (!isHeldOut(spec))
                out.push_back(spec);
        return out;
    }();
    return kTraining;
}

std::string caption(const ClipSpec& spec, Language language)
{
    const auto& fg = palette().at(size_t(spec.foreground));
    const auto& bg = palette().at(size_t(spec.background));
    const auto& shape = shapes().at(size_t(spec.shape));
    const auto& motion = motions().at(size_t(spec.motion));
    if (language == Language::Chinese)
        return std::string(bg.chinese) + "背景上一个" + fg.chinese + "的" + shape.chinese + motion.chinese;
    return std::string("a ") + fg.english + " " + shape.english + " " + motion.english + " on a " +
           bg.english + " background";
}

std::vector<std::string> captionWords()
{
    std::set<std::string> words{"a", "on", "background", "to", "the", "背景上一个", "的"};
    for (const auto& c : palette()) {
        words.insert(c.english);
        words.insert(c.chinese);
    }
    for (const auto& s : shapes()) {
        words.insert(s.english);
        words.insert(s.chinese);
    }
    for (const auto& m : motions()) {
        words.insert(m.chinese);
        std::string phrase = m.english;
        size_t start = 0;
        while (start < phrase.size()) {
            const size_t end = std::min(phrase.find(' ', start), phrase.size());
            words.insert(phrase.substr(start, end - start));
            start = end + 1;
        }
    }
    return {words.begin(), words.end()};
}

Clip renderClip(const ClipSpec& spec, std::uint64_t seed)
{
    std::uint64_t state = mixSeed(seed, 0x5EEDull);
    const auto& motion = motions().at(size_t(spec.motion));
    auto jitter = [&](double range) { return (uniform(state) * 2.0 - 1.0) * range; };
    auto colour = [&](const std::array<std::uint8_t, 3>& rgb) {
        std::array<double, 3> out{};
        for (int c = 0; c < 3; ++c)
            out[size_t(c)] = std::clamp(double(rgb[size_t(c)]) + jitter(12.0), 0.0, 255.0);
        return out;
    };
    const auto fg = colour(palette().at(size_t(spec.foreground)).rgb);
    const auto bg = colour(palette().at(size_t(spec.background)).rgb);

    const double cx = kClipWidth / 2.0, cy = kClipHeight / 2.0;
    const double travel = kTravel + jitter(3.0);
    // Start and end centres: the motion's travel centred on the frame, plus a shared offset.
    const double ox = jitter(4.0), oy = jitter(4.0);
    const double x0 = cx + ox - motion.dx * travel / 2.0, x1 = cx + ox + motion.dx * travel / 2.0;
    const double y0 = cy + oy - motion.dy * travel / 2.0, y1 = cy + oy + motion.dy * travel / 2.0;
    const double r = kRadius + jitter(1.5);
    const double r0 = r - motion.growth * kGrowthRange / 2.0 * 1.2;
    const double r1 = r + motion.growth * kGrowthRange / 2.0 * 1.2 + motion.growth * 2.0;

    Clip clip;
    clip.spec = spec;
    clip.rgb.resize(size_t(kClipFrames) * kClipHeight * kClipWidth * 3);
    clip.foregroundMask.resize(size_t(kClipFrames) * kClipHeight * kClipWidth);
    for (int f = 0; f < kClipFrames; ++f) {
        const double t = double(f) / double(kClipFrames - 1);
        const double fx = x0 + (x1 - x0) * t, fy = y0 + (y1 - y0) * t, fr = r0 + (r1 - r0) * t;
        for (int y = 0; y < kClipHeight; ++y) {
            for (int x = 0; x < kClipWidth; ++x) {
                // 2x2 supersampling for soft edges.
                int hits = 0;
                for (int s = 0; s < 4; ++s)
                    hits +=
                        inside(spec.shape, x + 0.25 + 0.5 * (s & 1), y + 0.25 + 0.5 * (s >> 1), fx, fy, fr);
                const double a = hits / 4.0;
                const size_t pixel = (size_t(f) * kClipHeight + size_t(y)) * kClipWidth + size_t(x);
                for (int c = 0; c < 3; ++c)
                    clip.rgb[pixel * 3 + size_t(c)] =
                        std::uint8_t(std::lround(bg[size_t(c)] * (1.0 - a) + fg[size_t(c)] * a));
                clip.foregroundMask[pixel] = hits >= 2 ? 1 : 0;
            }
        }
    }
    return clip;
}

} // namespace wan::demo
