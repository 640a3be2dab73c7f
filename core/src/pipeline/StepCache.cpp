#include "pipeline/StepCache.h"

#include "io/TensorIo.h"
#include "wan/Error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace wan::pipeline {

namespace {

// TeaCache4Wan2.1 (use_ret_steps) rescale coefficients, highest power first.
constexpr std::array<double, 5> kTeaT2v1_3B{-5.21862437e+04, 9.23041404e+03, -5.28275948e+02, 1.36987616e+01,
                                            -4.99875664e-02};
constexpr std::array<double, 5> kTeaT2v14B{-3.03318725e+05, 4.90537029e+04, -2.65530556e+03, 5.87365115e+01,
                                           -3.15583525e-01};
constexpr std::array<double, 5> kTeaI2v480P{2.57151496e+05, -3.54229917e+04, 1.40286849e+03, -1.35890334e+01,
                                            1.32517977e-01};
constexpr std::array<double, 5> kTeaI2v720P{8.10705460e+03, 2.13393892e+03, -3.72934672e+02, 1.66203073e+01,
                                            -4.17769401e-02};

// MagCache4Wan2.1 magnitude ratios (cond, uncond interleaved, after the two leading 1.0): 50 steps for T2V,
// 40 for I2V.
constexpr std::array<double, 98> kMagT2v14B{
    1.02504, 1.03017, 1.00025, 1.00251, 0.9985,  0.99962, 0.99779, 0.99771, 0.9966,  0.99658, 0.99482,
    0.99476, 0.99467, 0.99451, 0.99664, 0.99656, 0.99434, 0.99431, 0.99533, 0.99545, 0.99468, 0.99465,
    0.99438, 0.99434, 0.99516, 0.99517, 0.99384, 0.9938,  0.99404, 0.99401, 0.99517, 0.99516, 0.99409,
    0.99408, 0.99428, 0.99426, 0.99347, 0.99343, 0.99418, 0.99416, 0.99271, 0.99269, 0.99313, 0.99311,
    0.99215, 0.99215, 0.99218, 0.99215, 0.99216, 0.99217, 0.99163, 0.99161, 0.99138, 0.99135, 0.98982,
    0.9898,  0.98996, 0.98995, 0.9887,  0.98866, 0.98772, 0.9877,  0.98767, 0.98765, 0.98573, 0.9857,
    0.98501, 0.98498, 0.9838,  0.98376, 0.98177, 0.98173, 0.98037, 0.98035, 0.97678, 0.97677, 0.97546,
    0.97543, 0.97184, 0.97183, 0.96711, 0.96708, 0.96349, 0.96345, 0.95629, 0.95625, 0.94926, 0.94929,
    0.93964, 0.93961, 0.92511, 0.92504, 0.90693, 0.90678, 0.8796,  0.87945, 0.86111, 0.86189,
};
constexpr std::array<double, 98> kMagT2v1_3B{
    1.0124,  1.02213, 1.00166, 1.0041,  0.99791, 1.00061, 0.99682, 0.99762, 0.99634, 0.99685, 0.99567,
    0.99586, 0.99416, 0.99422, 0.99578, 0.99575, 0.9957,  0.99563, 0.99511, 0.99506, 0.99535, 0.99531,
    0.99552, 0.99549, 0.99541, 0.99539, 0.9954,  0.99536, 0.99489, 0.99485, 0.99518, 0.99514, 0.99484,
    0.99478, 0.99481, 0.99479, 0.99415, 0.99413, 0.99419, 0.99416, 0.99396, 0.99393, 0.99388, 0.99386,
    0.99349, 0.99349, 0.99309, 0.99304, 0.9927,  0.9927,  0.99228, 0.99226, 0.99171, 0.9917,  0.99137,
    0.99135, 0.99068, 0.99063, 0.99005, 0.99003, 0.98944, 0.98942, 0.98849, 0.98849, 0.98758, 0.98757,
    0.98644, 0.98643, 0.98504, 0.98503, 0.9836,  0.98359, 0.98202, 0.98201, 0.97977, 0.97978, 0.97717,
    0.97718, 0.9741,  0.97411, 0.97003, 0.97002, 0.96538, 0.96541, 0.9593,  0.95933, 0.95086, 0.95089,
    0.94013, 0.94019, 0.92402, 0.92414, 0.90241, 0.9026,  0.86821, 0.86868, 0.81838, 0.81939,
};
constexpr std::array<double, 78> kMagI2v480P{
    0.98783, 0.98993, 0.97559, 0.97593, 0.98311, 0.98319, 0.98202, 0.98225, 0.9888,  0.98878,
    0.98762, 0.98759, 0.98957, 0.98971, 0.99052, 0.99043, 0.99383, 0.99384, 0.98857, 0.9886,
    0.99065, 0.99068, 0.98845, 0.98847, 0.99057, 0.99057, 0.98957, 0.98961, 0.98601, 0.9861,
    0.98823, 0.98823, 0.98756, 0.98759, 0.98808, 0.98814, 0.98721, 0.98724, 0.98571, 0.98572,
    0.98543, 0.98544, 0.98157, 0.98165, 0.98411, 0.98413, 0.97952, 0.97953, 0.98149, 0.9815,
    0.9774,  0.97742, 0.97825, 0.97826, 0.97355, 0.97361, 0.97085, 0.97087, 0.97056, 0.97055,
    0.96588, 0.96587, 0.96113, 0.96124, 0.9567,  0.95681, 0.94961, 0.94969, 0.93973, 0.93988,
    0.93217, 0.93224, 0.91878, 0.91896, 0.90955, 0.90954, 0.92617, 0.92616,
};
constexpr std::array<double, 78> kMagI2v720P{
    0.99428, 0.99498, 0.98588, 0.98621, 0.98273, 0.98281, 0.99018, 0.99023, 0.98911, 0.98917,
    0.98646, 0.98652, 0.99454, 0.99456, 0.9891,  0.98909, 0.99124, 0.99127, 0.99102, 0.99103,
    0.99215, 0.99212, 0.99515, 0.99515, 0.99576, 0.99572, 0.99068, 0.99072, 0.99097, 0.99097,
    0.99166, 0.99169, 0.99041, 0.99042, 0.99201, 0.99198, 0.99101, 0.99101, 0.98599, 0.98603,
    0.98845, 0.98844, 0.98848, 0.98851, 0.98862, 0.98857, 0.98718, 0.98719, 0.98497, 0.98497,
    0.98264, 0.98263, 0.98389, 0.98393, 0.97938, 0.9794,  0.97535, 0.97536, 0.97498, 0.97499,
    0.973,   0.97301, 0.96827, 0.96828, 0.96261, 0.96263, 0.95335, 0.9534,  0.94649, 0.94655,
    0.93397, 0.93414, 0.91636, 0.9165,  0.89088, 0.89109, 0.8679,  0.86768,
};

template <size_t N> std::vector<double> withLeadingOnes(const std::array<double, N>& curve)
{
    std::vector<double> out{1.0, 1.0};
    out.insert(out.end(), curve.begin(), curve.end());
    return out;
}

// MagCache's nearest_interp: indices round(i * (n - 1) / (target - 1)), numpy rounding (half to even).
std::vector<double> nearestInterp(const std::vector<double>& source, int target)
{
    if (target == 1)
        return {source.back()};
    std::vector<double> out;
    const double scale = double(source.size() - 1) / double(target - 1);
    for (int i = 0; i < target; ++i)
        out.push_back(source[size_t(std::nearbyint(double(i) * scale))]);
    return out;
}

// TeaCache4Wan2.1's published thresholds per model (its README's table: the three values it shows for each
// model, from the slowest to the fastest), as Quality, Balanced and Fast.
double teaThreshold(CacheCalibration calibration, CachePreset preset)
{
    static constexpr double kT2v13B[] = {0.05, 0.07, 0.08};
    static constexpr double kT2v14B[] = {0.14, 0.15, 0.2};
    static constexpr double kI2v480P[] = {0.13, 0.19, 0.26};
    static constexpr double kI2v720P[] = {0.18, 0.2, 0.3};
    const int i = std::clamp(int(preset) - 1, 0, 2);
    switch (calibration) {
    case CacheCalibration::T2v1_3B:
        return kT2v13B[i];
    case CacheCalibration::T2v14B:
        return kT2v14B[i];
    case CacheCalibration::I2v480P:
        return kI2v480P[i];
    case CacheCalibration::I2v720P:
        return kI2v720P[i];
    }
    return kT2v13B[i];
}

// TeaCache's distance between two calls' e0, on their device.
torch::Tensor relativeL1(const torch::Tensor& current, const torch::Tensor& previous)
{
    return (current - previous).abs().mean() / previous.abs().mean();
}

// StepCacheState's names.
constexpr const char* kResidual = "residual";
constexpr const char* kPreviousE0 = "previous_e0";
constexpr const char* kTeaAccumulated = "tea_accumulated";
constexpr const char* kMagRatio = "mag_ratio";
constexpr const char* kMagError = "mag_error";
constexpr const char* kMagSkipped = "mag_skipped";

std::string streamKey(int stream, const char* name)
{
    return "stream" + std::to_string(stream) + "." + name;
}

std::string shortNumber(double value)
{
    char text[64];
    std::snprintf(text, sizeof(text), "%.6g", value);
    return text;
}

} // namespace

CacheCalibration cacheCalibrationFor(const dit::WanConfig& config, const Request& request)
{
    if (config.hasImageInput()) {
        const auto folder = request.ckptDir.filename().string() +
                            request.ckptDir.parent_path().filename().string() +
                            request.models.dit.filename().string();
        const bool large = double(request.width) * double(request.height) >= 1280.0 * 720.0 * 0.9 ||
                           folder.find("720") != std::string::npos;
        return large ? CacheCalibration::I2v720P : CacheCalibration::I2v480P;
    }
    return config.dim >= 3072 ? CacheCalibration::T2v14B : CacheCalibration::T2v1_3B;
}

std::string toString(CacheCalibration calibration)
{
    switch (calibration) {
    case CacheCalibration::T2v1_3B:
        return "Wan2.1 T2V 1.3B";
    case CacheCalibration::T2v14B:
        return "Wan2.1 T2V 14B";
    case CacheCalibration::I2v480P:
        return "Wan2.1 I2V 14B 480P";
    case CacheCalibration::I2v720P:
        return "Wan2.1 I2V 14B 720P";
    }
    return "unknown";
}

StepCacheSettings stepCacheSettings(const Request& request, CacheCalibration calibration)
{
    StepCacheSettings s;
    s.mode = request.stepCache;
    s.calibration = calibration;
    const int preset = int(request.cachePreset) - 1; // Quality, Balanced, Fast
    if (s.mode == StepCacheMode::TeaCache) {
        s.threshold = teaThreshold(calibration, request.cachePreset);
    } else if (s.mode == StepCacheMode::MagCache) {
        // MagCache4Wan2.1's published settings E012K2R02, E012K4R02, E024K6R02.
        static constexpr double kThreshold[] = {0.12, 0.12, 0.24};
        static constexpr int kMaxSkips[] = {2, 4, 6};
        s.threshold = kThreshold[preset];
        s.maxSkips = kMaxSkips[preset];
        s.retentionRatio = 0.2;
    }
    if (request.cacheThreshold)
        s.threshold = *request.cacheThreshold;
    return s;
}

const std::array<double, 5>& teaCacheCoefficients(CacheCalibration calibration)
{
    switch (calibration) {
    case CacheCalibration::T2v1_3B:
        return kTeaT2v1_3B;
    case CacheCalibration::T2v14B:
        return kTeaT2v14B;
    case CacheCalibration::I2v480P:
        return kTeaI2v480P;
    case CacheCalibration::I2v720P:
        return kTeaI2v720P;
    }
    return kTeaT2v1_3B;
}

double teaCacheRescale(const std::array<double, 5>& c, double x)
{
    // numpy.poly1d: Horner from the highest power.
    double y = 0.0;
    for (const double coefficient : c)
        y = y * x + coefficient;
    return y;
}

std::array<std::vector<double>, 2> magCacheRatios(CacheCalibration calibration, int steps)
{
    std::vector<double> curve;
    switch (calibration) {
    case CacheCalibration::T2v1_3B:
        curve = withLeadingOnes(kMagT2v1_3B);
        break;
    case CacheCalibration::T2v14B:
        curve = withLeadingOnes(kMagT2v14B);
        break;
    case CacheCalibration::I2v480P:
        curve = withLeadingOnes(kMagI2v480P);
        break;
    case CacheCalibration::I2v720P:
        curve = withLeadingOnes(kMagI2v720P);
        break;
    }
    std::array<std::vector<double>, 2> streams;
    for (size_t i = 0; i < curve.size(); ++i)
        streams[i % 2].push_back(curve[i]);
    if (int(streams[0].size()) != steps) {
        streams[0] = nearestInterp(streams[0], steps);
        streams[1] = nearestInterp(streams[1], steps);
    }
    return streams;
}

bool TeaCacheRule::shouldCompute(int step, double relL1)
{
    if (step < kTeaCacheWarmupSteps) {
        m_accumulated = 0.0;
        return true;
    }
    m_accumulated += teaCacheRescale(m_coefficients, relL1);
    if (m_threshold > 0.0 && m_accumulated < m_threshold)
        return false;
    m_accumulated = 0.0;
    return true;
}

bool MagCacheRule::shouldCompute(int step, int callIndex)
{
    if (callIndex < m_retainedCalls)
        return true;
    m_ratio *= m_ratios.at(size_t(step));
    m_skipped += 1;
    m_error += std::abs(1.0 - m_ratio);
    if (m_threshold > 0.0 && m_error < m_threshold && m_skipped <= m_maxSkips)
        return false;
    reset();
    return true;
}

void MagCacheRule::restore(double ratio, double error, int skipped)
{
    m_ratio = ratio;
    m_error = error;
    m_skipped = skipped;
}

void MagCacheRule::reset()
{
    m_ratio = 1.0;
    m_error = 0.0;
    m_skipped = 0;
}

StepCache::StepCache(const StepCacheSettings& settings, int steps) : m_settings(settings), m_steps(steps)
{
    const auto ratios = magCacheRatios(settings.calibration, steps);
    const int retained = int(double(2 * steps) * settings.retentionRatio);
    for (int s = 0; s < 2; ++s) {
        if (settings.mode == StepCacheMode::TeaCache)
            m_streams[size_t(s)].tea.emplace(teaCacheCoefficients(settings.calibration), settings.threshold);
        else if (settings.mode == StepCacheMode::MagCache)
            m_streams[size_t(s)].mag.emplace(ratios[size_t(s)], settings.threshold, settings.maxSkips,
                                             retained);
    }
}

void StepCache::beginStep(int step)
{
    finish();
    m_step = step;
    m_callInStep = 0;
    m_stepAllCached = true;
    m_stepHadCalls = false;
}

void StepCache::finish()
{
    if (m_step >= 0 && m_stepHadCalls && m_stepAllCached)
        ++m_stepsSkipped;
    m_stepHadCalls = false;
}

void StepCache::precomputeDistances(int firstStep, const std::vector<torch::Tensor>& e0PerStep)
{
    if (m_settings.mode != StepCacheMode::TeaCache)
        return;
    for (auto& table : m_distances)
        table.clear();
    m_distanceE0 = e0PerStep;
    struct Pending
    {
        int stream;
        int step;
        PrecomputedDistance entry;
    };
    std::vector<Pending> pending;
    std::vector<torch::Tensor> distances;
    for (std::size_t j = 1; j < e0PerStep.size(); ++j) {
        const auto& previous = e0PerStep[j - 1];
        const auto& current = e0PerStep[j];
        if (previous.size(0) != current.size(0))
            continue;
        // Batch 1: each stream's calls get the same e0; batch 2: stream s gets row s.
        for (int s = 0; s < 2; ++s) {
            const int64_t row = current.size(0) == 1 ? 0 : s;
            // The rows as decide() compares them (the current one narrowed, the previous one a copy), so
            // the distance is the one it would compute.
            const auto a = previous.narrow(0, row, 1);
            const auto b = current.narrow(0, row, 1);
            pending.push_back({s, firstStep + int(j), {a.data_ptr(), b.data_ptr(), 0.0}});
            distances.push_back(relativeL1(b, a.clone()).reshape({1}));
        }
    }
    if (distances.empty())
        return;
    const auto values = torch::cat(distances).to(torch::kCPU, torch::kFloat64).contiguous(); // one read-back
    const auto* value = values.data_ptr<double>();
    for (std::size_t i = 0; i < pending.size(); ++i) {
        pending[i].entry.distance = value[i];
        m_distances[size_t(pending[i].stream)][pending[i].step] = pending[i].entry;
    }
}

bool StepCache::decide(Stream& stream, int index, const torch::Tensor& e0)
{
    bool compute = !stream.residual.defined();
    if (stream.tea) {
        double distance = 0.0;
        if (stream.previousE0.defined()) {
            const auto& table = m_distances[size_t(index)];
            const auto found = table.find(m_step);
            if (found != table.end() && found->second.current == e0.data_ptr() &&
                found->second.previous == stream.previousE0Source) {
                distance = found->second.distance;
            } else {
                distance = relativeL1(e0, stream.previousE0).item<double>();
                ++m_distancesReadBack;
            }
        }
        compute = stream.tea->shouldCompute(m_step, distance) || compute;
        stream.previousE0 = e0.clone();
        stream.previousE0Source = e0.data_ptr();
    } else if (stream.mag) {
        compute = stream.mag->shouldCompute(m_step, 2 * m_step + index) || compute;
    } else {
        compute = true;
    }
    return compute;
}

torch::Tensor StepCache::cachedResidual(const torch::Tensor& /*e*/, const torch::Tensor& e0)
{
    const int batch = int(e0.size(0));
    m_pendingStreams.clear();
    for (int i = 0; i < batch; ++i)
        m_pendingStreams.push_back(batch == 1 ? m_callInStep : i);
    ++m_callInStep;
    m_stepHadCalls = true;

    bool compute = false;
    for (size_t i = 0; i < m_pendingStreams.size(); ++i) {
        const int index = m_pendingStreams[i];
        if (index > 1) {
            compute = true; // more calls than streams: nothing to track
            continue;
        }
        compute = decide(m_streams[size_t(index)], index, e0.narrow(0, int64_t(i), 1)) || compute;
    }
    if (!compute) {
        ++m_cached;
        std::vector<torch::Tensor> parts;
        for (const int index : m_pendingStreams)
            parts.push_back(m_streams[size_t(index)].residual);
        m_pendingStreams.clear();
        return batch == 1 ? parts.front() : torch::cat(parts, 0);
    }
    // A batch whose streams disagree is computed for all: the skipping ones start over from the new residual.
    for (const int index : m_pendingStreams) {
        if (index > 1)
            continue;
        auto& stream = m_streams[size_t(index)];
        if (stream.tea)
            stream.tea->reset();
        if (stream.mag)
            stream.mag->reset();
    }
    m_stepAllCached = false;
    ++m_computed;
    return {};
}

void StepCache::store(const torch::Tensor& residual)
{
    for (size_t i = 0; i < m_pendingStreams.size(); ++i) {
        const int index = m_pendingStreams[i];
        if (index <= 1)
            m_streams[size_t(index)].residual = residual.narrow(0, int64_t(i), 1);
    }
    m_pendingStreams.clear();
}

StepCacheState StepCache::exportState() const
{
    if (!m_pendingStreams.empty())
        throw Error(ErrorKind::Internal, "the step cache's state was asked for in the middle of a DiT call");
    StepCacheState state;
    auto& v = state.values;
    v["mode"] = double(int(m_settings.mode));
    v["calibration"] = double(int(m_settings.calibration));
    v["threshold"] = m_settings.threshold;
    v["max_skips"] = double(m_settings.maxSkips);
    v["retention_ratio"] = m_settings.retentionRatio;
    v["steps"] = double(m_steps);
    v["steps_done"] = double(m_step + 1);
    v["computed_calls"] = double(m_computed);
    v["cached_calls"] = double(m_cached);
    // The last step's skip is counted by the next beginStep(), which a resumed cache never sees.
    v["steps_skipped"] = double(m_stepsSkipped + (m_step >= 0 && m_stepHadCalls && m_stepAllCached ? 1 : 0));
    for (int i = 0; i < 2; ++i) {
        const auto& stream = m_streams[size_t(i)];
        if (stream.tea)
            v[streamKey(i, kTeaAccumulated)] = stream.tea->accumulated();
        if (stream.mag) {
            v[streamKey(i, kMagRatio)] = stream.mag->accumulatedRatio();
            v[streamKey(i, kMagError)] = stream.mag->accumulatedError();
            v[streamKey(i, kMagSkipped)] = double(stream.mag->skippedInRow());
        }
        if (stream.previousE0.defined())
            state.tensors[streamKey(i, kPreviousE0)] = stream.previousE0;
        if (stream.residual.defined())
            state.tensors[streamKey(i, kResidual)] = stream.residual;
    }
    return state;
}

void StepCache::importState(const StepCacheState& state, int stepsDone,
                            const std::vector<std::int64_t>& residualShape, const torch::Device& device)
{
    const auto refuse = [](const std::string& why) {
        throw Error(ErrorKind::InvalidArgument, "the step cache's saved state " + why);
    };
    std::set<std::string> known;
    const auto value = [&](const std::string& key) {
        known.insert(key);
        const auto it = state.values.find(key);
        if (it == state.values.end())
            refuse("has no \"" + key + "\"");
        return it->second;
    };
    const auto count = [&](const std::string& key) {
        const double v = value(key);
        if (!(v >= 0.0 && v <= 1e9 && v == std::floor(v)))
            refuse("has an invalid \"" + key + "\" (" + shortNumber(v) + ")");
        return int(v);
    };
    const auto sameSetting = [&](const std::string& key, double mine, const std::string& savedText,
                                 const std::string& mineText) {
        if (value(key) != mine)
            refuse("was made with another step cache (" + key + " " + savedText + " there, " + mineText +
                   " here)");
    };

    const double savedMode = value("mode");
    const bool modeKnown = savedMode == double(int(StepCacheMode::TeaCache)) ||
                           savedMode == double(int(StepCacheMode::MagCache));
    sameSetting("mode", double(int(m_settings.mode)),
                modeKnown ? toString(StepCacheMode(int(savedMode))) : shortNumber(savedMode),
                toString(m_settings.mode));
    const double savedCalibration = value("calibration");
    const bool calibrationKnown = savedCalibration >= double(int(CacheCalibration::T2v1_3B)) &&
                                  savedCalibration <= double(int(CacheCalibration::I2v720P)) &&
                                  savedCalibration == std::floor(savedCalibration);
    sameSetting("calibration", double(int(m_settings.calibration)),
                calibrationKnown ? toString(CacheCalibration(int(savedCalibration)))
                                 : shortNumber(savedCalibration),
                toString(m_settings.calibration));
    sameSetting("threshold", m_settings.threshold, shortNumber(value("threshold")),
                shortNumber(m_settings.threshold));
    sameSetting("max_skips", double(m_settings.maxSkips), shortNumber(value("max_skips")),
                std::to_string(m_settings.maxSkips));
    sameSetting("retention_ratio", m_settings.retentionRatio, shortNumber(value("retention_ratio")),
                shortNumber(m_settings.retentionRatio));
    sameSetting("steps", double(m_steps), shortNumber(value("steps")), std::to_string(m_steps));
    const int savedStepsDone = count("steps_done");
    if (savedStepsDone != stepsDone)
        refuse("is of step " + std::to_string(savedStepsDone) + ", the checkpoint of step " +
               std::to_string(stepsDone));
    const int computed = count("computed_calls");
    const int cached = count("cached_calls");
    const int stepsSkipped = count("steps_skipped");

    auto streams = m_streams;
    for (int i = 0; i < 2; ++i) {
        auto& stream = streams[size_t(i)];
        if (stream.tea)
            stream.tea->restore(value(streamKey(i, kTeaAccumulated)));
        if (stream.mag)
            stream.mag->restore(value(streamKey(i, kMagRatio)), value(streamKey(i, kMagError)),
                                count(streamKey(i, kMagSkipped)));
        const auto tensor = [&](const char* name, const std::vector<std::int64_t>& shape) {
            const auto key = streamKey(i, name);
            known.insert(key);
            const auto it = state.tensors.find(key);
            if (it == state.tensors.end())
                return torch::Tensor();
            const auto& t = it->second;
            if (t.scalar_type() != torch::kFloat32 || t.sizes() != torch::IntArrayRef(shape))
                refuse("has \"" + key + "\" " + io::shapeString(t.sizes()) + ", this job needs float32 " +
                       io::shapeString(shape));
            return t.to(device, torch::kFloat32, /*non_blocking=*/false, /*copy=*/true);
        };
        stream.residual = tensor(kResidual, residualShape);
        if (stream.tea) {
            const std::vector<std::int64_t> e0Shape{1, 6, residualShape.empty() ? 0 : residualShape.back()};
            stream.previousE0 = tensor(kPreviousE0, e0Shape);
        } else {
            stream.previousE0 = torch::Tensor();
        }
        stream.previousE0Source = nullptr; // a saved copy: its first distance is computed
    }
    for (const auto& [key, unused] : state.values)
        if (known.count(key) == 0)
            refuse("holds an unknown value \"" + key + "\"");
    for (const auto& [key, unused] : state.tensors)
        if (known.count(key) == 0)
            refuse("holds an unknown tensor \"" + key + "\"");

    m_streams = std::move(streams);
    m_step = stepsDone - 1;
    m_callInStep = 0;
    m_pendingStreams.clear();
    m_stepAllCached = true;
    m_stepHadCalls = false; // the skip of step stepsDone - 1 is in stepsSkipped already
    m_computed = computed;
    m_cached = cached;
    m_stepsSkipped = stepsSkipped;
}

} // namespace wan::pipeline
