#include "demo/ClipScorer.h"

#include "ClipRenderer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace wan::demo {

namespace {

constexpr int kForegroundDistance = 90; // L1 distance (0..765) from the background that counts as foreground
constexpr double kMinMovePx = 4.0;
constexpr double kGrowthRatio = 1.35;

int nearestColour(const std::array<double, 3>& rgb)
{
    int best = -1;
    double bestDistance = 1e30;
    for (size_t i = 0; i < palette().size(); ++i) {
        double d = 0.0;
        for (int c = 0; c < 3; ++c)
            d += std::pow(rgb[size_t(c)] - palette()[i].rgb[size_t(c)], 2);
        if (d < bestDistance) {
            bestDistance = d;
            best = int(i);
        }
    }
    return best;
}

double median(std::vector<double>& values)
{
    if (values.empty())
        return 0.0;
    const auto mid = values.begin() + std::ptrdiff_t(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

} // namespace

std::string ClipScore::describe() const
{
    std::ostringstream s;
    s << "background " << (background >= 0 ? palette()[size_t(background)].english : "?") << ", foreground "
      << (foreground >= 0 ? palette()[size_t(foreground)].english : "none") << " ("
      << int(foregroundFraction * 1000) / 10.0 << " %), motion "
      << (motion >= 0 ? motions()[size_t(motion)].english : "unclear") << " (dx " << dx << ", dy " << dy
      << ", area x" << areaRatio << ")";
    return s.str();
}

ClipScore scoreClip(const std::vector<std::uint8_t>& rgb, int frames, int width, int height)
{
    ClipScore score;
    if (frames < 1 || width < 3 || height < 3 || rgb.size() != size_t(frames) * width * height * 3)
        return score;
    auto at = [&](int f, int y, int x, int c) {
        return double(rgb[((size_t(f) * height + size_t(y)) * width + size_t(x)) * 3 + size_t(c)]);
    };

    // Background: per-channel median of the one-pixel border of every frame.
    std::array<double, 3> bg{};
    for (int c = 0; c < 3; ++c) {
        std::vector<double> values;
        for (int f = 0; f < frames; ++f) {
            for (int x = 0; x < width; ++x) {
                values.push_back(at(f, 0, x, c));
                values.push_back(at(f, height - 1, x, c));
            }
            for (int y = 1; y < height - 1; ++y) {
                values.push_back(at(f, y, 0, c));
                values.push_back(at(f, y, width - 1, c));
            }
        }
        bg[size_t(c)] = median(values);
    }
    score.background = nearestColour(bg);

    std::array<std::vector<double>, 3> fgValues;
    std::vector<double> area(size_t(frames), 0.0), cx(size_t(frames), 0.0), cy(size_t(frames), 0.0);
    for (int f = 0; f < frames; ++f) {
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width; ++x) {
                double d = 0.0;
                for (int c = 0; c < 3; ++c)
                    d += std::abs(at(f, y, x, c) - bg[size_t(c)]);
                if (d < kForegroundDistance)
                    continue;
                area[size_t(f)] += 1.0;
                cx[size_t(f)] += x;
                cy[size_t(f)] += y;
                for (int c = 0; c < 3; ++c)
                    fgValues[size_t(c)].push_back(at(f, y, x, c));
            }
        }
    }
    double total = 0.0;
    for (const double a : area)
        total += a;
    score.foregroundFraction = total / (double(frames) * width * height);
    // A few stray pixels are not a shape.
    if (total < 0.004 * double(frames) * width * height)
        return score;
    std::array<double, 3> fg{};
    for (int c = 0; c < 3; ++c)
        fg[size_t(c)] = median(fgValues[size_t(c)]);
    score.foreground = nearestColour(fg);

    // Motion from the first and last frames that show the shape.
    int first = -1, last = -1;
    for (int f = 0; f < frames; ++f)
        if (area[size_t(f)] >= 4.0) {
            if (first < 0)
                first = f;
            last = f;
        }
    if (first < 0 || last == first)
        return score;
    score.dx = cx[size_t(last)] / area[size_t(last)] - cx[size_t(first)] / area[size_t(first)];
    score.dy = cy[size_t(last)] / area[size_t(last)] - cy[size_t(first)] / area[size_t(first)];
    score.areaRatio = area[size_t(last)] / area[size_t(first)];
    const double move = std::max(std::abs(score.dx), std::abs(score.dy));
    const double growth = std::max(score.areaRatio, 1.0 / score.areaRatio);
    const auto& names = motions();
    auto find = [&](int dx, int dy, int g) {
        for (size_t i = 0; i < names.size(); ++i)
            if (names[i].dx == dx && names[i].dy == dy && names[i].growth == g)
                return int(i);
        return -1;
    };
    if (move >= kMinMovePx && (growth < kGrowthRatio || move >= 8.0)) {
        if (std::abs(score.dx) >= std::abs(score.dy))
            score.motion = find(score.dx > 0 ? 1 : -1, 0, 0);
        else
            score.motion = find(0, score.dy > 0 ? 1 : -1, 0);
    } else if (growth >= kGrowthRatio) {
        score.motion = find(0, 0, score.areaRatio > 1.0 ? 1 : -1);
    }
    return score;
}

} // namespace wan::demo
