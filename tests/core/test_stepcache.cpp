// Few-step distilled sampling and step caching (TeaCache / MagCache): the published schedule and call counts,
// the skip rules against their published formulas, and whole jobs on the tiny T2V fixture (threshold 0 is the
// uncached job bit for bit, calls drop as the threshold rises, batched CFG, block streaming and LoRAs).
#include "dit/WanModel.h"
#include "pipeline/EngineInternals.h"
#include "pipeline/StepCache.h"
#include "sampling/Scheduler.h"
#include "support/TestSupport.h"
#include "wan/Pipeline.h"

#include <QTemporaryDir>
#include <QTest>

#include <array>
#include <cmath>
#include <filesystem>
#include <map>

using namespace wan;
namespace fs = std::filesystem;

namespace {

struct Trace
{
    std::map<std::string, std::vector<torch::Tensor>> tensors;
    TraceFn callback()
    {
        return [this](const std::string& name, int, const torch::Tensor& value) {
            tensors[name].push_back(value.detach().to(torch::kCPU).clone());
        };
    }
    int count(const std::string& name) const
    {
        const auto it = tensors.find(name);
        return it == tensors.end() ? 0 : int(it->second.size());
    }
};

Request tinyRequest(const fs::path& outDir, int steps)
{
    Request r;
    r.ckptDir = test::fixturesDir() / "wan-tiny-t2v";
    r.prompt = "Two anthropomorphic cats in comfy boxing gear fight on a spotlighted stage.";
    r.width = 48;
    r.height = 32;
    r.frameNum = 9;
    r.steps = steps;
    r.seed = 42;
    r.device = "cpu";
    r.precision = Precision::Float32;
    r.latentsPath = outDir / "latents.safetensors";
    r.previewEverySteps = 0;
    return r;
}

// numpy.poly1d written out term by term (the rule under test uses Horner).
double polyTerms(const std::array<double, 5>& c, double x)
{
    return c[0] * std::pow(x, 4) + c[1] * std::pow(x, 3) + c[2] * x * x + c[3] * x + c[4];
}

} // namespace

class TestStepCache : public QObject
{
    Q_OBJECT

private:
    Result run(Engine& engine, const Request& r, Trace* trace = nullptr)
    {
        if (trace)
            EngineInternals::setTrace(engine, trace->callback());
        const auto result = engine.run(r);
        EngineInternals::setTrace(engine, {});
        if (result.status != JobStatus::Done)
            qWarning("job failed: %s", result.error.c_str());
        return result;
    }

    torch::Tensor x0Of(Engine& engine, const Request& r, Result* out = nullptr)
    {
        Trace trace;
        const auto result = run(engine, r, &trace);
        if (out)
            *out = result;
        return trace.count("x0") ? trace.tensors.at("x0").front() : torch::Tensor();
    }

private Q_SLOTS:
    // lightx2v's 4-step list with shift 5: sigma = 5s / (1 + 4s) at s = step / 1000.
    void distilledSchedule()
    {
        sampling::FlowDistilled scheduler;
        QCOMPARE(scheduler.numSteps(), 4);
        const std::vector<int> list{1000, 750, 500, 250};
        for (int i = 0; i < 4; ++i) {
            const float s = float(list[size_t(i)]) / 1000.0f;
            const float sigma = 5.0f * s / (1.0f + 4.0f * s);
            QCOMPARE(scheduler.sigmas()[i].item<float>(), sigma);
            QCOMPARE(scheduler.modelTimestep(i).item<float>(), sigma * 1000.0f);
            QVERIFY(scheduler.modelTimestep(i).is_floating_point());
        }
        QCOMPARE(scheduler.modelTimestep(1).item<float>(), 937.5f);
        QCOMPARE(scheduler.modelTimestep(3).item<float>(), 625.0f);
        QCOMPARE(scheduler.sigmas()[4].item<float>(), 0.0f);
        // x0 = x - sigma v, then + sigma_next v; the last step lands on x0.
        const auto x = torch::randn({2, 3});
        const auto v = torch::randn({2, 3});
        const auto next = scheduler.step(v, 1000, x);
        QVERIFY(torch::equal(next, (x - v * 1.0f) + v * 0.9375f));
        auto y = next;
        for (int i = 1; i < 4; ++i)
            y = scheduler.step(v, 0, y);
        QVERIFY(torch::allclose(y, x - v, 1e-6, 1e-6));
    }

    // One DiT call per step at the published timesteps; the negative prompt is never encoded and no
    // unconditional prediction is made.
    void distilledJob()
    {
        WAN_REQUIRE_FIXTURES();
        QTemporaryDir dir;
        auto r = tinyRequest(dir.path().toStdString(), 4);
        r.samplerMode = SamplerMode::Distilled;
        r.guideScale = 5.0; // ignored
        Engine engine;
        Trace trace;
        const auto result = run(engine, r, &trace);
        QVERIFY(result.status == JobStatus::Done);
        QCOMPARE(result.ditCalls, 4);
        QCOMPARE(trace.count("noise_pred_cond"), 4);
        QCOMPARE(trace.count("noise_pred_uncond"), 0);
        QCOMPARE(trace.count("context_null"), 0);
        QCOMPARE(trace.count("context"), 1);
        const auto timesteps = trace.tensors.at("timesteps").front();
        QCOMPARE(timesteps.sizes().vec(), std::vector<int64_t>{4});
        QCOMPARE(timesteps[0].item<int64_t>(), int64_t(1000));
        QCOMPARE(timesteps[1].item<int64_t>(), int64_t(937));
        QCOMPARE(timesteps[2].item<int64_t>(), int64_t(833));
        QCOMPARE(timesteps[3].item<int64_t>(), int64_t(625));
        // Guidance off: the prediction is the conditional one.
        for (int k = 0; k < 4; ++k)
            QVERIFY(torch::equal(trace.tensors.at("noise_pred")[size_t(k)],
                                 trace.tensors.at("noise_pred_cond")[size_t(k)]));

        // The full sampler on the same engine: two calls per step.
        r.samplerMode = SamplerMode::Full;
        Trace full;
        QCOMPARE(run(engine, r, &full).ditCalls, 8);
        QCOMPARE(full.count("noise_pred_uncond"), 4);
    }

    // TeaCache on distances recorded from the fixture's modulated timestep embedding (e0) along a 50-step
    // UniPC schedule, against the published rule written out here.
    void teaCacheRule()
    {
        WAN_REQUIRE_FIXTURES();
        c10::InferenceMode inference;
        auto model = dit::WanModel::load(test::fixturesDir() / "wan-tiny-t2v", torch::kFloat32, torch::kCPU);
        // Record e0 by running the model with a cache that only looks.
        struct Recorder final : dit::BlockCache
        {
            std::vector<torch::Tensor> e0s;
            torch::Tensor cachedResidual(const torch::Tensor&, const torch::Tensor& e0) override
            {
                e0s.push_back(e0.clone());
                return {};
            }
            void store(const torch::Tensor&) override {}
        } recorder;
        const auto ref =
            io::loadSafetensors(test::fixturesDir() / "wan-tiny-t2v" / "reference" / "dit_call1.safetensors");
        sampling::FlowUniPC unipc(50, 5.0);
        for (int k = 0; k < 50; ++k)
            model->forward({ref.at("x.0")}, unipc.modelTimestep(k), {ref.at("context.0")},
                           ref.at("seq_len").item<int64_t>(), std::nullopt, std::nullopt, std::nullopt, 1.0,
                           &recorder);
        std::vector<double> distances{0.0};
        for (int k = 1; k < 50; ++k)
            distances.push_back(((recorder.e0s[size_t(k)] - recorder.e0s[size_t(k - 1)]).abs().mean() /
                                 recorder.e0s[size_t(k - 1)].abs().mean())
                                    .item<double>());

        qInfo("recorded rel-L1 distances: step 1 %.4g, 10 %.4g, 25 %.4g, 49 %.4g", distances[1],
              distances[10], distances[25], distances[49]);
        // The random tiny model moves e0 far more per step (rel-L1 ~0.5-1) than the calibrated models (a few
        // hundredths), so the rule also runs on the same curve scaled into that range.
        for (const double scale : {1.0, 0.03}) {
            for (const auto calibration :
                 {pipeline::CacheCalibration::T2v1_3B, pipeline::CacheCalibration::T2v14B,
                  pipeline::CacheCalibration::I2v480P, pipeline::CacheCalibration::I2v720P}) {
                const auto& c = pipeline::teaCacheCoefficients(calibration);
                for (const double threshold : {0.0, 0.05, 0.2, 0.6}) {
                    pipeline::TeaCacheRule rule(c, threshold);
                    double accumulated = 0.0;
                    int skips = 0;
                    for (int k = 0; k < 50; ++k) {
                        const double d = distances[size_t(k)] * scale;
                        bool compute = true;
                        if (k >= pipeline::kTeaCacheWarmupSteps) {
                            accumulated += polyTerms(c, d);
                            compute = !(threshold > 0.0 && accumulated < threshold);
                        }
                        if (compute)
                            accumulated = 0.0;
                        QCOMPARE(rule.shouldCompute(k, d), compute);
                        QVERIFY(std::abs(rule.accumulated() - accumulated) <=
                                1e-9 * (1.0 + std::abs(accumulated)));
                        skips += compute ? 0 : 1;
                    }
                    qInfo("TeaCache %s, distances x%.2f, threshold %.2f: %d of 50 steps skipped",
                          pipeline::toString(calibration).c_str(), scale, threshold, skips);
                    if (threshold == 0.0)
                        QCOMPARE(skips, 0);
                }
            }
        }
        // A hand-checked case: identity polynomial, threshold 0.25, distance 0.1 after the warm-up:
        // 0.1 skip, 0.2 skip, 0.3 compute (reset), 0.1 skip.
        pipeline::TeaCacheRule identity({0, 0, 0, 1, 0}, 0.25);
        for (int k = 0; k < pipeline::kTeaCacheWarmupSteps; ++k)
            QVERIFY(identity.shouldCompute(k, 0.1));
        QVERIFY(!identity.shouldCompute(5, 0.1));
        QVERIFY(!identity.shouldCompute(6, 0.1));
        QVERIFY(identity.shouldCompute(7, 0.1));
        QVERIFY(!identity.shouldCompute(8, 0.1));
    }

    // MagCache with the published T2V 1.3B ratios (50 steps), the rule written out here.
    void magCacheRule()
    {
        const auto ratios = pipeline::magCacheRatios(pipeline::CacheCalibration::T2v1_3B, 50);
        QCOMPARE(int(ratios[0].size()), 50);
        QCOMPARE(ratios[0][0], 1.0);
        QCOMPARE(ratios[0][1], 1.0124);
        QCOMPARE(ratios[1][1], 1.02213);
        QCOMPARE(ratios[1][49], 0.81939);
        // nearest_interp to 4 steps: indices round(i * 49 / 3) = 0, 16, 33, 49.
        const auto four = pipeline::magCacheRatios(pipeline::CacheCalibration::T2v1_3B, 4);
        QCOMPARE(four[0][1], ratios[0][16]);
        QCOMPARE(four[0][2], ratios[0][33]);
        QCOMPARE(four[1][3], ratios[1][49]);

        for (const auto& [threshold, k] :
             std::vector<std::pair<double, int>>{{0.0, 2}, {0.12, 2}, {0.12, 4}, {0.24, 6}}) {
            const int retained = int(100 * 0.2);
            for (int stream = 0; stream < 2; ++stream) {
                pipeline::MagCacheRule rule(ratios[size_t(stream)], threshold, k, retained);
                double ratio = 1.0, error = 0.0;
                int skipped = 0, skips = 0;
                for (int step = 0; step < 50; ++step) {
                    const int call = 2 * step + stream;
                    bool compute = true;
                    if (call >= retained) {
                        ratio *= ratios[size_t(stream)][size_t(step)];
                        skipped += 1;
                        error += std::abs(1.0 - ratio);
                        compute = !(threshold > 0.0 && error < threshold && skipped <= k);
                        if (compute)
                            ratio = 1.0, error = 0.0, skipped = 0;
                    }
                    QCOMPARE(rule.shouldCompute(step, call), compute);
                    skips += compute ? 0 : 1;
                }
                if (stream == 0)
                    qInfo("MagCache E%.2f K%d: %d of 50 cond calls skipped", threshold, k, skips);
                if (threshold == 0.0)
                    QCOMPARE(skips, 0);
                else
                    QVERIFY(skips > 0);
            }
        }
    }

    void presets()
    {
        Request r;
        r.stepCache = StepCacheMode::MagCache;
        r.cachePreset = CachePreset::Fast;
        auto s = pipeline::stepCacheSettings(r, pipeline::CacheCalibration::T2v14B);
        QCOMPARE(s.threshold, 0.24);
        QCOMPARE(s.maxSkips, 6);
        r.cacheThreshold = 0.05;
        QCOMPARE(pipeline::stepCacheSettings(r, pipeline::CacheCalibration::T2v14B).threshold, 0.05);
        r = Request{};
        r.stepCache = StepCacheMode::TeaCache;
        r.cachePreset = CachePreset::Fast;
        QCOMPARE(pipeline::stepCacheSettings(r, pipeline::CacheCalibration::T2v1_3B).threshold, 0.08);
        // TeaCache4Wan2.1's README table, slowest to fastest, per model.
        const std::pair<pipeline::CacheCalibration, std::array<double, 3>> published[] = {
            {pipeline::CacheCalibration::T2v1_3B, {0.05, 0.07, 0.08}},
            {pipeline::CacheCalibration::T2v14B, {0.14, 0.15, 0.2}},
            {pipeline::CacheCalibration::I2v480P, {0.13, 0.19, 0.26}},
            {pipeline::CacheCalibration::I2v720P, {0.18, 0.2, 0.3}}};
        for (const auto& [calibration, thresholds] : published) {
            int k = 0;
            for (const auto preset : {CachePreset::Quality, CachePreset::Balanced, CachePreset::Fast}) {
                r.cachePreset = preset;
                QCOMPARE(pipeline::stepCacheSettings(r, calibration).threshold, thresholds[size_t(k++)]);
            }
        }
        r.cachePreset = CachePreset::Fast;
        dit::WanConfig config;
        config.dim = 1536;
        QVERIFY(pipeline::cacheCalibrationFor(config, r) == pipeline::CacheCalibration::T2v1_3B);
        config.dim = 5120;
        QVERIFY(pipeline::cacheCalibrationFor(config, r) == pipeline::CacheCalibration::T2v14B);
        config.modelType = dit::WanModelType::I2v;
        r.width = 832, r.height = 480;
        QVERIFY(pipeline::cacheCalibrationFor(config, r) == pipeline::CacheCalibration::I2v480P);
        r.width = 1280, r.height = 720;
        QVERIFY(pipeline::cacheCalibrationFor(config, r) == pipeline::CacheCalibration::I2v720P);
    }

    void thresholdZeroIsUncached_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<bool>("batched");
        QTest::newRow("teacache, two calls") << int(StepCacheMode::TeaCache) << false;
        QTest::newRow("teacache, batched") << int(StepCacheMode::TeaCache) << true;
        QTest::newRow("magcache, two calls") << int(StepCacheMode::MagCache) << false;
        QTest::newRow("magcache, batched") << int(StepCacheMode::MagCache) << true;
    }

    void thresholdZeroIsUncached()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(int, mode);
        QFETCH(bool, batched);
        QTemporaryDir dir;
        auto r = tinyRequest(dir.path().toStdString(), 12);
        r.batchedCfg = batched;
        Engine engine;
        Result plain, cached;
        const auto base = x0Of(engine, r, &plain);
        r.stepCache = StepCacheMode(mode);
        r.cacheThreshold = 0.0;
        const auto got = x0Of(engine, r, &cached);
        QVERIFY(torch::equal(got, base));
        QCOMPARE(cached.ditCalls, plain.ditCalls);
        QCOMPARE(cached.cachedCalls, 0);
        QCOMPARE(cached.stepsSkipped, 0);
    }

    // MagCache (the ratios do not depend on the model): fewer DiT calls as the threshold rises, with CFG as
    // two calls and batched.
    void callsDropAsThresholdRises()
    {
        WAN_REQUIRE_FIXTURES();
        QTemporaryDir dir;
        auto r = tinyRequest(dir.path().toStdString(), 20);
        Engine engine;
        Result plain;
        x0Of(engine, r, &plain);
        QCOMPARE(plain.ditCalls, 40);
        r.stepCache = StepCacheMode::MagCache;
        r.cachePreset = CachePreset::Fast; // K 6
        int previous = plain.ditCalls;
        int dropped = 0;
        for (const double threshold : {0.02, 0.12, 0.3, 1.0}) {
            r.cacheThreshold = threshold;
            r.batchedCfg = false;
            Result two, batch;
            const auto x2 = x0Of(engine, r, &two);
            r.batchedCfg = true;
            const auto xb = x0Of(engine, r, &batch);
            qInfo(
                "MagCache threshold %.2f: %d DiT calls (%d cached, %d of 20 steps skipped); batched %d calls",
                threshold, two.ditCalls, two.cachedCalls, two.stepsSkipped, batch.ditCalls);
            QVERIFY(two.ditCalls <= previous);
            QCOMPARE(two.ditCalls + two.cachedCalls, 40);
            QCOMPARE(batch.ditCalls + batch.cachedCalls, 20);
            QCOMPARE(batch.stepsSkipped, batch.cachedCalls);
            dropped += two.ditCalls < previous ? 1 : 0;
            previous = two.ditCalls;
            // Batched, a step is skipped only when both streams agree, so the two runs may differ.
            QVERIFY(torch::isfinite(x2).all().item<bool>() && torch::isfinite(xb).all().item<bool>());
        }
        QVERIFY(previous < plain.ditCalls);
        QVERIFY(dropped >= 2);

        // TeaCache too: a large threshold skips.
        r.stepCache = StepCacheMode::TeaCache;
        r.cacheThreshold = 5.0;
        r.batchedCfg = false;
        Result tea;
        x0Of(engine, r, &tea);
        QVERIFY(tea.stepsSkipped > 0);
        QCOMPARE(tea.ditCalls + tea.cachedCalls, 40);
        // Its distances came from the time embeddings computed up front, none read back during the calls.
        QCOMPARE(EngineInternals::stepCacheDistancesReadBack(engine), 0);
        r.batchedCfg = true;
        x0Of(engine, r, &tea);
        QVERIFY(tea.stepsSkipped > 0);
        QCOMPARE(EngineInternals::stepCacheDistancesReadBack(engine), 0);
    }

    // TeaCache's distances precomputed from the DiT's time-embedding table give the decisions and outputs of
    // distances read back per call, with none read back during the calls; CFG as two calls and batched.
    void teaCacheDistancesPrecomputed_data()
    {
        QTest::addColumn<bool>("batched");
        QTest::newRow("two calls") << false;
        QTest::newRow("batched") << true;
    }

    void teaCacheDistancesPrecomputed()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(bool, batched);
        c10::InferenceMode inference;
        const auto dir = test::fixturesDir() / "wan-tiny-t2v";
        auto model = dit::WanModel::load(dir, torch::kFloat32, torch::kCPU);
        const auto ref = io::loadSafetensors(dir / "reference" / "dit_call1.safetensors");
        const auto seqLen = ref.at("seq_len").item<int64_t>();
        const auto context = ref.at("context.0");
        const auto contextNull = context * 0.5;
        constexpr int kSteps = 16;
        Request r;
        r.stepCache = StepCacheMode::TeaCache;
        r.cacheThreshold = 2.0;
        const auto settings = pipeline::stepCacheSettings(r, pipeline::CacheCalibration::T2v1_3B);
        sampling::FlowEuler euler(kSteps, 5.0);
        std::vector<torch::Tensor> stepTimes;
        for (int k = 0; k < kSteps; ++k)
            stepTimes.push_back(batched ? euler.modelTimestep(k).repeat({2}) : euler.modelTimestep(k));
        model->precomputeTimeEmbeddings(stepTimes);
        std::vector<torch::Tensor> e0PerStep;
        for (const auto& t : stepTimes) {
            e0PerStep.push_back(model->precomputedTimeProjection(t));
            QVERIFY(e0PerStep.back().defined());
            QCOMPARE(e0PerStep.back().size(0), batched ? 2 : 1);
        }
        QVERIFY(!model->precomputedTimeProjection(torch::full({1}, 0.5)).defined());
        pipeline::StepCache live(settings, kSteps), precomputed(settings, kSteps);
        precomputed.precomputeDistances(0, e0PerStep);
        for (int k = 0; k < kSteps; ++k) {
            const auto x = ref.at("x.0") * (1.0 - 0.03 * k);
            for (auto* cache : {&live, &precomputed})
                cache->beginStep(k);
            std::vector<torch::Tensor> outs[2];
            int i = 0;
            for (auto* cache : {&live, &precomputed}) {
                if (batched) {
                    outs[i] = model->forward({x, x}, stepTimes[size_t(k)], {context, contextNull}, seqLen,
                                             std::nullopt, std::nullopt, std::nullopt, 1.0, cache);
                } else {
                    for (const auto& c : {context, contextNull})
                        outs[i].push_back(model
                                              ->forward({x}, stepTimes[size_t(k)], {c}, seqLen, std::nullopt,
                                                        std::nullopt, std::nullopt, 1.0, cache)
                                              .at(0));
                }
                ++i;
            }
            for (std::size_t j = 0; j < outs[0].size(); ++j)
                QVERIFY(torch::equal(outs[1][j], outs[0][j]));
            // The rule's accumulated distances too, bit for bit.
            const auto values = live.exportState().values;
            QCOMPARE(precomputed.exportState().values, values);
            QVERIFY(values.count("stream0.tea_accumulated") == 1);
        }
        live.finish();
        precomputed.finish();
        qInfo("TeaCache, %s: %d calls computed, %d cached; distances read back %d (live), %d (precomputed)",
              batched ? "batched" : "two calls", live.computedCalls(), live.cachedCalls(),
              live.distancesReadBack(), precomputed.distancesReadBack());
        QVERIFY(live.cachedCalls() > 0);
        QVERIFY(live.computedCalls() > 0);
        QCOMPARE(precomputed.cachedCalls(), live.cachedCalls());
        QCOMPARE(precomputed.computedCalls(), live.computedCalls());
        QCOMPARE(precomputed.stepsSkipped(), live.stepsSkipped());
        QCOMPARE(live.distancesReadBack(), (kSteps - 1) * 2);
        QCOMPARE(precomputed.distancesReadBack(), 0);
        model->clearTimeEmbeddings();
    }

    // The cache at the model level on a block-streamed DiT gives what it gives on a resident one.
    void streamedBlocks()
    {
        WAN_REQUIRE_FIXTURES();
        c10::InferenceMode inference;
        const auto dir = test::fixturesDir() / "wan-tiny-t2v";
        auto resident = dit::WanModel::load(dir, torch::kFloat32, torch::kCPU);
        auto streamed = dit::WanModel::load(dir, torch::kFloat32, torch::kCPU);
        streamed->setBlockStreaming(torch::Device(torch::kCPU));
        const auto ref = io::loadSafetensors(dir / "reference" / "dit_call1.safetensors");
        Request r;
        r.stepCache = StepCacheMode::MagCache;
        r.cacheThreshold = 0.5;
        const auto settings = pipeline::stepCacheSettings(r, pipeline::CacheCalibration::T2v1_3B);
        pipeline::StepCache a(settings, 10), b(settings, 10);
        sampling::FlowEuler euler(10, 5.0);
        for (int k = 0; k < 10; ++k) {
            a.beginStep(k);
            b.beginStep(k);
            const auto t = euler.modelTimestep(k);
            const auto seqLen = ref.at("seq_len").item<int64_t>();
            const auto x = ref.at("x.0") * (1.0 - 0.05 * k);
            const auto outA = resident->forward({x}, t, {ref.at("context.0")}, seqLen, std::nullopt,
                                                std::nullopt, std::nullopt, 1.0, &a);
            const auto outB = streamed->forward({x}, t, {ref.at("context.0")}, seqLen, std::nullopt,
                                                std::nullopt, std::nullopt, 1.0, &b);
            WAN_COMPARE_TENSORS(outB.at(0), outA.at(0), 1e-5);
        }
        a.finish();
        b.finish();
        QVERIFY(a.cachedCalls() > 0);
        QCOMPARE(b.cachedCalls(), a.cachedCalls());
    }
};

QTEST_GUILESS_MAIN(TestStepCache)
#include "test_stepcache.moc"
