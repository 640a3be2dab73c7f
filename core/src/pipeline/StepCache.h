#pragma once
// Step caching for the denoising loop: TeaCache and MagCache on the DiT's block residual.
//
// Both reuse the residual (block output - block input) of the last computed call of the same stream (cond
// or uncond) when the change since then is predicted small:
// - TeaCache (ali-vilab/TeaCache, TeaCache4Wan2.1, use_ret_steps): the rel-L1 distance of the modulated
//   timestep embedding e0 to the previous call's, rescaled by the published per-model polynomial, is
//   accumulated; below the threshold the call is skipped, otherwise computed and the sum reset. The first
//   kTeaCacheWarmupSteps steps are always computed.
// - MagCache (Zehong-Ma/MagCache, MagCache4Wan2.1): the published per-model residual magnitude ratios of
//   consecutive steps are multiplied up; the error |1 - product| is accumulated; the call is skipped while
//   the error stays below the threshold and at most K calls in a row were skipped. The first retention ratio
//   of the calls is always computed.

#include "dit/WanModel.h"
#include "wan/Pipeline.h"

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wan::pipeline {

// The published calibrations.
enum class CacheCalibration
{
    T2v1_3B = 1,
    T2v14B,
    I2v480P,
    I2v720P
};

inline constexpr int kTeaCacheWarmupSteps = 5; // TeaCache4Wan2.1 ret_steps (5 steps of cond + uncond)

struct StepCacheSettings
{
    StepCacheMode mode = StepCacheMode::Off;
    CacheCalibration calibration = CacheCalibration::T2v1_3B;
    double threshold = 0.0;      // <= 0: never skip
    int maxSkips = 2;            // MagCache K
    double retentionRatio = 0.2; // MagCache: leading share of the calls always computed
};

// T2V by dim (< 3072: 1.3B, else 14B); image-conditioned models: 720P when the request's area is at least
// 1280*720*0.9 or the folder name says 720P, else 480P.
CacheCalibration cacheCalibrationFor(const dit::WanConfig& config, const Request& request);
std::string toString(CacheCalibration calibration);

// The request's mode, preset (or raw threshold) and K / retention for `calibration`.
StepCacheSettings stepCacheSettings(const Request& request, CacheCalibration calibration);

// TeaCache's rescale polynomial (highest power first) for a calibration.
const std::array<double, 5>& teaCacheCoefficients(CacheCalibration calibration);
double teaCacheRescale(const std::array<double, 5>& coefficients, double relL1);

// The per-stream magnitude ratios for `steps` steps: the published curve (two leading 1.0, then cond/uncond
// interleaved) resampled to `steps` by nearest neighbour as MagCache's nearest_interp, [stream][step].
std::array<std::vector<double>, 2> magCacheRatios(CacheCalibration calibration, int steps);

// TeaCache's skip rule for one stream.
class TeaCacheRule
{
public:
    TeaCacheRule(std::array<double, 5> coefficients, double threshold)
        : m_coefficients(coefficients), m_threshold(threshold)
    {
    }
    // relL1: mean|e0 - e0_prev| / mean|e0_prev| (ignored during warm-up). True: run the blocks.
    bool shouldCompute(int step, double relL1);
    void reset() { m_accumulated = 0.0; }
    double accumulated() const { return m_accumulated; }
    void restore(double accumulated) { m_accumulated = accumulated; }

private:
    std::array<double, 5> m_coefficients;
    double m_threshold;
    double m_accumulated = 0.0;
};

// MagCache's skip rule for one stream.
class MagCacheRule
{
public:
    MagCacheRule(std::vector<double> ratios, double threshold, int maxSkips, int retainedCalls)
        : m_ratios(std::move(ratios)), m_threshold(threshold), m_maxSkips(maxSkips),
          m_retainedCalls(retainedCalls)
    {
    }
    // callIndex: 2 * step + stream, as MagCache counts calls. True: run the blocks.
    bool shouldCompute(int step, int callIndex);
    void reset();
    double accumulatedError() const { return m_error; }
    double accumulatedRatio() const { return m_ratio; }
    int skippedInRow() const { return m_skipped; }
    void restore(double ratio, double error, int skipped);

private:
    std::vector<double> m_ratios;
    double m_threshold;
    int m_maxSkips;
    int m_retainedCalls;
    double m_ratio = 1.0;
    double m_error = 0.0;
    int m_skipped = 0;
};

// A StepCache between two denoising steps, for resumable denoising (DenoiseCheckpoint): per stream the
// previous call's e0 ("stream<i>.previous_e0", [1, 6, dim], TeaCache) and the last computed residual
// ("stream<i>.residual", [1, seqLen, dim]), both float32; `values` holds the settings it was made with, the
// steps done, the call counters and the rules' accumulators (integers are exact in a double).
struct StepCacheState
{
    std::map<std::string, torch::Tensor> tensors;
    std::map<std::string, double> values;
};

// The BlockCache the engine hands to WanModel::forward. Streams: with guidance, stream 0 is the cond and
// stream 1 the uncond prediction (a batch of 2 holds both, otherwise the calls of a step come in that
// order); without guidance there is one stream.
class StepCache final : public dit::BlockCache
{
public:
    StepCache(const StepCacheSettings& settings, int steps);

    // Call before the DiT calls of denoising step `step`.
    void beginStep(int step);
    // Call once after the last step (counts its skip).
    void finish();

    // TeaCache without reading a value back per call: its distance between two calls depends only on their
    // time embeddings, which the DiT computes up front. `e0PerStep[j]`: the e0 ([B, 6, dim], B = 1 or 2 as
    // the calls get it) that the calls of step `firstStep + j` will be given; each stream's distances are
    // computed now and read back at once. A call uses its precomputed distance only when it gets that very
    // tensor after the previous step's (same storage); any other call computes its own. No-op unless
    // TeaCache.
    void precomputeDistances(int firstStep, const std::vector<torch::Tensor>& e0PerStep);
    // Distances computed and read back during calls (not precomputed).
    int distancesReadBack() const { return m_distancesReadBack; }

    torch::Tensor cachedResidual(const torch::Tensor& e, const torch::Tensor& e0) override;
    void store(const torch::Tensor& residual) override;

    // The state after the last step begun (the skip of that step counted). Call between steps.
    StepCacheState exportState() const;
    // Continues from `state`, which must come from a cache with these settings and steps, exported after
    // `stepsDone` steps, with residuals of `residualShape` ([1, seqLen, dim]); its tensors move to `device`.
    // Throws wan::Error(InvalidArgument) naming the first mismatch, and then leaves this cache as it was.
    void importState(const StepCacheState& state, int stepsDone,
                     const std::vector<std::int64_t>& residualShape, const torch::Device& device);

    int computedCalls() const { return m_computed; }
    int cachedCalls() const { return m_cached; }
    int stepsSkipped() const { return m_stepsSkipped; }
    const StepCacheSettings& settings() const { return m_settings; }

private:
    struct Stream
    {
        torch::Tensor previousE0;
        const void* previousE0Source = nullptr; // the e0 that previousE0 copies (precomputed distances' key)
        torch::Tensor residual;                 // [1, seqLen, dim]
        std::optional<TeaCacheRule> tea;
        std::optional<MagCacheRule> mag;
    };
    bool decide(Stream& stream, int index, const torch::Tensor& e0);

    struct PrecomputedDistance
    {
        const void* previous = nullptr; // the e0 rows it is between
        const void* current = nullptr;
        double distance = 0.0;
    };

    StepCacheSettings m_settings;
    int m_steps = 0;
    std::array<Stream, 2> m_streams;
    int m_step = -1;
    int m_callInStep = 0;
    std::vector<int> m_pendingStreams; // streams of the call whose blocks run now
    bool m_stepAllCached = true;
    bool m_stepHadCalls = false;
    int m_computed = 0;
    int m_cached = 0;
    int m_stepsSkipped = 0;
    int m_distancesReadBack = 0;
    std::array<std::map<int, PrecomputedDistance>, 2> m_distances; // per stream, by step
    std::vector<torch::Tensor> m_distanceE0;                       // keeps the keys' storage alive
};

} // namespace wan::pipeline
