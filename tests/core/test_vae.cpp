// Wan2.1 VAE: parity with the official encode/decode on the fixture checkpoints, input checks, cancellation,
// progress, tiling and the latent preview.

#include "support/TestSupport.h"
#include "vae/LatentPreview.h"
#include "vae/WanVae.h"
#include "wan/Error.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

#include <map>
#include <memory>

using wan::vae::TilingOptions;
using wan::vae::VaeRunOptions;
using wan::vae::WanVae;

namespace {

// Parity tolerance of the fixture READMEs for vae_encode_* / vae_decode_*.
constexpr double kParityAtol = 1e-4;

std::filesystem::path fixture(const QString& name)
{
    return wan::test::fixturesDir() / name.toStdString();
}

WanVae& vaeOf(const QString& fixtureName)
{
    static std::map<QString, std::unique_ptr<WanVae>> cache;
    auto& slot = cache[fixtureName];
    if (!slot)
        slot = WanVae::load(fixture(fixtureName) / "Wan2.1_VAE.pth", torch::kFloat32, torch::kCPU);
    return *slot;
}

wan::io::TensorMap reference(const QString& fixtureName, const QString& file)
{
    return wan::io::loadSafetensors(fixture(fixtureName) / "reference" / file.toStdString());
}

template <typename Fn> wan::ErrorKind errorKindOf(Fn&& fn)
{
    try {
        fn();
    } catch (const wan::Error& e) {
        qInfo("error: %s", e.what());
        return e.kind();
    }
    return wan::ErrorKind::Internal;
}

} // namespace

class TestVae : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encodeMatchesReference_data();
    void encodeMatchesReference();
    void decodeMatchesReference_data();
    void decodeMatchesReference();
    void loadsArchitectureFromShapes();
    void runsInBfloat16();
    void runsInFloat16();
    void float16OverflowIsRedoneInFloat32();
    void cudnnBenchmarkOnlyForTheScope();
    void rejectsBadInput_data();
    void rejectsBadInput();
    void reportsProgressPerChunk_data();
    void reportsProgressPerChunk();
    void cancelsBetweenChunks_data();
    void cancelsBetweenChunks();
    void tilePlanCoversAndBlends_data();
    void tilePlanCoversAndBlends();
    void tiledStaysCloseToUntiled_data();
    void tiledStaysCloseToUntiled();
    void tileLargerThanInputIsExact();
    void latentPreviewShapeAndRange();
    void latentPreviewFileOfTheVae();
};

static void addFixtureRows()
{
    QTest::addColumn<QString>("fixtureName");
    QTest::addColumn<QString>("file");
    for (const char* fx : {"wan-tiny-t2v", "wan-tiny-i2v"})
        for (const char* c : {"a", "b", "c"})
            QTest::addRow("%s/%s", fx, c) << QString(fx) << QString(c);
}

void TestVae::encodeMatchesReference_data()
{
    addFixtureRows();
}

void TestVae::encodeMatchesReference()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixtureName);
    QFETCH(QString, file);
    const auto ref = reference(fixtureName, "vae_encode_" + file + ".safetensors");
    const torch::Tensor latent = vaeOf(fixtureName).encode(ref.at("video"));
    QCOMPARE(latent.scalar_type(), torch::kFloat32);
    WAN_COMPARE_TENSORS(latent, ref.at("latent"), kParityAtol);
}

void TestVae::decodeMatchesReference_data()
{
    addFixtureRows();
}

void TestVae::decodeMatchesReference()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixtureName);
    QFETCH(QString, file);
    const auto ref = reference(fixtureName, "vae_decode_" + file + ".safetensors");
    const torch::Tensor video = vaeOf(fixtureName).decode(ref.at("latent"));
    QCOMPARE(video.scalar_type(), torch::kFloat32);
    QVERIFY(video.max().item<float>() <= 1.0f && video.min().item<float>() >= -1.0f);
    WAN_COMPARE_TENSORS(video, ref.at("video"), kParityAtol);
}

void TestVae::loadsArchitectureFromShapes()
{
    WAN_REQUIRE_FIXTURES();
    // Fixture READMEs: t2v dim 6, i2v dim 4, both z_dim 16.
    QCOMPARE(vaeOf("wan-tiny-t2v").arch().dim, int64_t(6));
    QCOMPARE(vaeOf("wan-tiny-i2v").arch().dim, int64_t(4));
    QCOMPARE(vaeOf("wan-tiny-t2v").arch().zDim, int64_t(16));
    // A checkpoint of another kind is refused at load time with the file named.
    const auto kind = errorKindOf([] {
        WanVae::load(fixture("wan-tiny-t2v") / "models_t5_umt5-xxl-enc-bf16.pth", torch::kFloat32,
                     torch::kCPU);
    });
    QCOMPARE(kind, wan::ErrorKind::ModelFolder);
}

void TestVae::runsInBfloat16()
{
    WAN_REQUIRE_FIXTURES();
    // bf16 jobs on CUDA run the VAE in bf16 (pipeline::vaeDtypeFor, test_devices::vaeDtype) through this
    // same WanVae path; on the CPU this checks that every op takes bf16 and that the result
    // is the float32 one up to bf16 rounding (8 bits of mantissa over ~40 layers; measured mean abs 0.0049 on
    // decode and 0.0024 on encode).
    const auto vae = WanVae::load(fixture("wan-tiny-t2v") / "Wan2.1_VAE.pth", torch::kBFloat16, torch::kCPU);
    const auto ref = reference("wan-tiny-t2v", "vae_decode_b.safetensors");
    const torch::Tensor video = vae->decode(ref.at("latent"));
    QCOMPARE(video.scalar_type(), torch::kFloat32);
    const double meanAbs = (video - ref.at("video")).abs().mean().item<double>();
    qInfo("bf16 decode vs float32 reference: mean abs %.3g", meanAbs);
    QVERIFY(meanAbs < 0.02);
    const auto encodeRef = reference("wan-tiny-t2v", "vae_encode_b.safetensors");
    const torch::Tensor latent = vae->encode(encodeRef.at("video"));
    QCOMPARE(latent.scalar_type(), torch::kFloat32);
    const double latentMeanAbs = (latent - encodeRef.at("latent")).abs().mean().item<double>();
    qInfo("bf16 encode vs float32 reference: mean abs %.3g", latentMeanAbs);
    QVERIFY(latentMeanAbs < 0.02);
}

// fp16 (the VAE's math on GPUs before compute capability 8.0) through the same path: every op takes it, and
// the result is the float32 one up to fp16 rounding (10 bits of mantissa: closer than bf16's 8).
void TestVae::runsInFloat16()
{
    WAN_REQUIRE_FIXTURES();
    const auto vae = WanVae::load(fixture("wan-tiny-t2v") / "Wan2.1_VAE.pth", torch::kFloat16, torch::kCPU);
    const auto ref = reference("wan-tiny-t2v", "vae_decode_b.safetensors");
    const torch::Tensor video = vae->decode(ref.at("latent"));
    QCOMPARE(video.scalar_type(), torch::kFloat32);
    const double meanAbs = (video - ref.at("video")).abs().mean().item<double>();
    qInfo("fp16 decode vs float32 reference: mean abs %.3g", meanAbs);
    QVERIFY(meanAbs < 0.005);
    const auto encodeRef = reference("wan-tiny-t2v", "vae_encode_b.safetensors");
    const torch::Tensor latent = vae->encode(encodeRef.at("video"));
    const double latentMeanAbs = (latent - encodeRef.at("latent")).abs().mean().item<double>();
    qInfo("fp16 encode vs float32 reference: mean abs %.3g", latentMeanAbs);
    QVERIFY(latentMeanAbs < 0.005);
    QCOMPARE(vae->float32Reruns(), 0); // in range: nothing redone
}

// An fp16 run that overflows is redone in float32 and gives what a float32 VAE with the same weights gives;
// the weights go back to fp16 after. Inputs of 1e5 pass fp16's largest value (65504) at once.
void TestVae::float16OverflowIsRedoneInFloat32()
{
    WAN_REQUIRE_FIXTURES();
    const auto file = fixture("wan-tiny-t2v") / "Wan2.1_VAE.pth";
    const auto half = WanVae::load(file, torch::kFloat16, torch::kCPU);
    const auto full = WanVae::load(file, torch::kFloat32, torch::kCPU);
    {
        // The float32 twin holds the fp16 values, which widen exactly (new storage: the loaded weights may
        // be the file's read-only mapping).
        torch::NoGradGuard noGrad;
        for (auto& p : full->model()->parameters())
            p.set_data(p.to(torch::kFloat16).to(torch::kFloat32));
    }
    const torch::Tensor latent = reference("wan-tiny-t2v", "vae_decode_b.safetensors").at("latent") * 1e5;
    const torch::Tensor expected = full->decode(latent);
    QVERIFY(torch::isfinite(expected).all().item<bool>());
    int chunks = 0;
    VaeRunOptions options;
    options.progress = [&](int, int) { ++chunks; };
    const torch::Tensor video = half->decode(latent, options);
    QCOMPARE(half->float32Reruns(), 1);
    QCOMPARE(chunks, 2 * int(latent.size(1))); // every chunk twice: fp16, then float32
    QVERIFY(torch::equal(video, expected));
    for (const auto& p : half->model()->parameters())
        QCOMPARE(p.scalar_type(), torch::kFloat16);
    QCOMPARE(half->dtype(), torch::kFloat16);

    const torch::Tensor input = reference("wan-tiny-t2v", "vae_encode_b.safetensors").at("video") * 1e5;
    const torch::Tensor encoded = half->encode(input);
    QCOMPARE(half->float32Reruns(), 2);
    QVERIFY(torch::isfinite(encoded).all().item<bool>());
    QVERIFY(torch::equal(encoded, full->encode(input)));
    // In range, nothing is redone.
    half->decode(reference("wan-tiny-t2v", "vae_decode_b.safetensors").at("latent"));
    QCOMPARE(half->float32Reruns(), 2);
}

// cuDNN's benchmark mode is on for a CUDA VAE run's scope and back to the caller's setting after; a scope
// that is not enabled (CPU runs, WAN_CUDNN_BENCHMARK=0) touches nothing.
void TestVae::cudnnBenchmarkOnlyForTheScope()
{
    auto& context = at::globalContext();
    const bool original = context.benchmarkCuDNN();
    context.setBenchmarkCuDNN(false);
    {
        const wan::vae::CudnnBenchmarkScope scope(true);
        QVERIFY(context.benchmarkCuDNN());
        {
            const wan::vae::CudnnBenchmarkScope inner(true);
            QVERIFY(context.benchmarkCuDNN());
        }
        QVERIFY(context.benchmarkCuDNN()); // the inner scope restores the outer one's setting
    }
    QVERIFY(!context.benchmarkCuDNN());
    {
        const wan::vae::CudnnBenchmarkScope scope(false);
        QVERIFY(!context.benchmarkCuDNN());
    }
    context.setBenchmarkCuDNN(true);
    {
        const wan::vae::CudnnBenchmarkScope scope(false);
        QVERIFY(context.benchmarkCuDNN());
    }
    context.setBenchmarkCuDNN(original);

    qputenv("WAN_CUDNN_BENCHMARK", "0");
    QVERIFY(!wan::vae::CudnnBenchmarkScope::wanted());
    qputenv("WAN_CUDNN_BENCHMARK", "1");
    QVERIFY(wan::vae::CudnnBenchmarkScope::wanted());
    qunsetenv("WAN_CUDNN_BENCHMARK");
    QVERIFY(wan::vae::CudnnBenchmarkScope::wanted());
}

void TestVae::rejectsBadInput_data()
{
    QTest::addColumn<bool>("encode");
    QTest::addColumn<QList<int>>("shape");
    QTest::addColumn<int>("tileSizePx");
    QTest::addColumn<int>("overlapPx");
    const QList<int> goodVideo{3, 5, 16, 16};
    QTest::newRow("encode 4 frames") << true << QList<int>{3, 4, 16, 16} << 0 << 0;
    QTest::newRow("encode 6 frames") << true << QList<int>{3, 6, 16, 16} << 0 << 0;
    QTest::newRow("encode 0 frames") << true << QList<int>{3, 0, 16, 16} << 0 << 0;
    QTest::newRow("encode height 20") << true << QList<int>{3, 5, 20, 16} << 0 << 0;
    QTest::newRow("encode width 12") << true << QList<int>{3, 1, 16, 12} << 0 << 0;
    QTest::newRow("encode 4 channels") << true << QList<int>{4, 1, 16, 16} << 0 << 0;
    QTest::newRow("encode no time axis") << true << QList<int>{3, 16, 16} << 0 << 0;
    QTest::newRow("encode tile 12") << true << goodVideo << 12 << 0;
    QTest::newRow("encode overlap = tile") << true << goodVideo << 32 << 32;
    QTest::newRow("encode overlap 4") << true << goodVideo << 32 << 4;
    QTest::newRow("decode 8 channels") << false << QList<int>{8, 2, 2, 2} << 0 << 0;
    QTest::newRow("decode 0 frames") << false << QList<int>{16, 0, 2, 2} << 0 << 0;
    QTest::newRow("decode 3-D") << false << QList<int>{16, 2, 2} << 0 << 0;
    QTest::newRow("decode tile -8") << false << QList<int>{16, 1, 2, 2} << -8 << 0;
}

void TestVae::rejectsBadInput()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(bool, encode);
    QFETCH(QList<int>, shape);
    QFETCH(int, tileSizePx);
    QFETCH(int, overlapPx);
    VaeRunOptions options;
    if (tileSizePx != 0 || overlapPx != 0)
        options.tiling = TilingOptions{true, tileSizePx, overlapPx};
    WanVae& vae = vaeOf("wan-tiny-t2v");
    const torch::Tensor input = torch::zeros(std::vector<int64_t>(shape.begin(), shape.end()));
    const auto kind = errorKindOf([&] {
        if (encode)
            vae.encode(input, options);
        else
            vae.decode(input, options);
    });
    QCOMPARE(kind, wan::ErrorKind::InvalidArgument);
}

void TestVae::reportsProgressPerChunk_data()
{
    QTest::addColumn<bool>("encode");
    QTest::addColumn<bool>("tiled");
    QTest::addColumn<int>("expectedTotal");
    // decode a: 3 latent frames on 4x6 cells; 16 px tiles with 8 px overlap -> 3 x 5 tiles.
    QTest::newRow("decode") << false << false << 3;
    QTest::newRow("decode tiled") << false << true << 3 * 15;
    // encode a: 9 frames -> chunks 1, 4, 4 on 4x4 cells -> 3 x 3 tiles.
    QTest::newRow("encode") << true << false << 3;
    QTest::newRow("encode tiled") << true << true << 3 * 9;
}

void TestVae::reportsProgressPerChunk()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(bool, encode);
    QFETCH(bool, tiled);
    QFETCH(int, expectedTotal);
    std::vector<std::pair<int, int>> calls;
    VaeRunOptions options;
    options.progress = [&](int done, int total) { calls.emplace_back(done, total); };
    options.tiling = TilingOptions{tiled, 16, 8};
    WanVae& vae = vaeOf("wan-tiny-t2v");
    if (encode)
        vae.encode(reference("wan-tiny-t2v", "vae_encode_a.safetensors").at("video"), options);
    else
        vae.decode(reference("wan-tiny-t2v", "vae_decode_a.safetensors").at("latent"), options);
    QCOMPARE(int(calls.size()), expectedTotal);
    for (int i = 0; i < expectedTotal; ++i) {
        QCOMPARE(calls[size_t(i)].first, i + 1);
        QCOMPARE(calls[size_t(i)].second, expectedTotal);
    }
}

void TestVae::cancelsBetweenChunks_data()
{
    QTest::addColumn<bool>("encode");
    QTest::addColumn<bool>("tiled");
    QTest::addColumn<int>("cancelAfter");
    QTest::newRow("decode after chunk 1") << false << false << 1;
    QTest::newRow("decode after chunk 2") << false << false << 2;
    QTest::newRow("decode tiled after chunk 4") << false << true << 4;
    QTest::newRow("encode after chunk 1") << true << false << 1;
    QTest::newRow("encode tiled after chunk 5") << true << true << 5;
}

void TestVae::cancelsBetweenChunks()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(bool, encode);
    QFETCH(bool, tiled);
    QFETCH(int, cancelAfter);
    wan::CancelToken token;
    int lastDone = 0;
    VaeRunOptions options;
    options.cancel = &token;
    options.tiling = TilingOptions{tiled, 16, 8};
    options.progress = [&](int done, int) {
        lastDone = done;
        if (done == cancelAfter)
            token.cancel();
    };
    WanVae& vae = vaeOf("wan-tiny-t2v");
    torch::Tensor result;
    const auto kind = errorKindOf([&] {
        if (encode)
            result = vae.encode(reference("wan-tiny-t2v", "vae_encode_a.safetensors").at("video"), options);
        else
            result = vae.decode(reference("wan-tiny-t2v", "vae_decode_a.safetensors").at("latent"), options);
    });
    QCOMPARE(kind, wan::ErrorKind::Cancelled);
    QVERIFY(!result.defined());      // no partial result
    QCOMPARE(lastDone, cancelAfter); // no chunk ran after the token was set

    // The same model runs a full call right after a cancelled one: no state is left behind.
    token.reset();
    options.progress = nullptr;
    options.tiling.enabled = false;
    if (!encode) {
        const auto ref = reference("wan-tiny-t2v", "vae_decode_a.safetensors");
        WAN_COMPARE_TENSORS(vae.decode(ref.at("latent"), options), ref.at("video"), kParityAtol);
    }
}

void TestVae::tilePlanCoversAndBlends_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<int>("tile");
    QTest::addColumn<int>("overlap");
    QTest::addColumn<int>("expectedTiles");
    QTest::newRow("shorter than tile") << 20 << 32 << 8 << 1;
    QTest::newRow("equal to tile") << 32 << 32 << 8 << 1;
    QTest::newRow("exact fit") << 56 << 32 << 8 << 2;
    QTest::newRow("uneven fit") << 60 << 32 << 8 << 3;
    QTest::newRow("uneven fit, neighbours only") << 100 << 32 << 8 << 4;
    QTest::newRow("720p width") << 160 << 32 << 8 << 7;
    QTest::newRow("no overlap") << 64 << 16 << 0 << 4;
    QTest::newRow("tiny tiles") << 6 << 2 << 1 << 5;
}

void TestVae::tilePlanCoversAndBlends()
{
    QFETCH(int, length);
    QFETCH(int, tile);
    QFETCH(int, overlap);
    QFETCH(int, expectedTiles);
    const auto spans = wan::vae::planTiles(length, tile, overlap);
    QCOMPARE(int(spans.size()), expectedTiles);
    const int64_t scale = 8;
    torch::Tensor coverage = torch::zeros({length * scale}, torch::kFloat64);
    for (size_t i = 0; i < spans.size(); ++i) {
        QCOMPARE(spans[i].end - spans[i].begin, int64_t(std::min(length, tile)));
        QVERIFY(spans[i].begin >= 0 && spans[i].end <= length);
        if (i > 0)
            QVERIFY(spans[i].begin > spans[i - 1].begin && spans[i].begin <= spans[i - 1].end);
        const torch::Tensor ramp = wan::vae::tileRamp(spans, i, scale);
        QCOMPARE(ramp.size(0), (spans[i].end - spans[i].begin) * scale);
        QVERIFY(ramp.min().item<float>() > 0.0f && ramp.max().item<float>() <= 1.0f);
        coverage.narrow(0, spans[i].begin * scale, ramp.size(0)).add_(ramp.to(torch::kFloat64));
    }
    QCOMPARE(spans.front().begin, int64_t(0));
    QCOMPARE(spans.back().end, int64_t(length));
    QVERIFY(coverage.min().item<double>() > 0.0);
    // Where only neighbouring tiles overlap, the ramps are a partition of unity.
    bool neighboursOnly = true;
    for (size_t i = 0; i + 2 < spans.size(); ++i)
        neighboursOnly = neighboursOnly && spans[i + 2].begin >= spans[i].end;
    if (neighboursOnly)
        QVERIFY((coverage - 1.0).abs().max().item<double>() < 1e-6);
    // Overlaps are at least the requested band.
    for (size_t i = 0; i + 1 < spans.size(); ++i)
        QVERIFY(spans[i].end - spans[i + 1].begin >= overlap);
}

void TestVae::tiledStaysCloseToUntiled_data()
{
    QTest::addColumn<QString>("fixtureName");
    QTest::addColumn<bool>("encode");
    QTest::addColumn<int>("tileSizePx");
    QTest::addColumn<int>("overlapPx");
    QTest::addColumn<double>("maxAbsBound");
    QTest::addColumn<double>("meanAbsBound");
    // Tiling changes the result on purpose: zero padding at tile borders and attention per tile, and the tiny
    // random checkpoints have no smooth, local response. Bounds are about 1.4x the values measured on each
    // row (decode: 4x6-cell latent in 1x2 tiles; encode: 32x32 video in 2x2 tiles). They still catch a broken
    // blend or a misplaced tile: an all-zero output is off by 0.25-0.32 on average, a one-cell shift by 0.29.
    QTest::newRow("decode t2v 32/16") << "wan-tiny-t2v" << false << 32 << 16 << 1.0 << 0.10; // 0.688, 0.0697
    QTest::newRow("decode i2v 32/16") << "wan-tiny-i2v" << false << 32 << 16 << 1.4 << 0.16; // 1.08, 0.114
    QTest::newRow("encode t2v 24/16") << "wan-tiny-t2v" << true << 24 << 16 << 0.9 << 0.11;  // 0.604, 0.0743
    QTest::newRow("encode i2v 24/16") << "wan-tiny-i2v" << true << 24 << 16 << 0.85 << 0.12; // 0.564, 0.0825
}

void TestVae::tiledStaysCloseToUntiled()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixtureName);
    QFETCH(bool, encode);
    QFETCH(int, tileSizePx);
    QFETCH(int, overlapPx);
    QFETCH(double, maxAbsBound);
    QFETCH(double, meanAbsBound);
    const auto ref = reference(fixtureName, encode ? "vae_encode_a.safetensors" : "vae_decode_a.safetensors");
    const torch::Tensor want = ref.at(encode ? "latent" : "video");
    VaeRunOptions options;
    options.tiling = TilingOptions{true, tileSizePx, overlapPx};
    // The tile must be smaller than the input for this to test anything.
    const int64_t inputWidthPx = encode ? ref.at("video").size(3) : 8 * ref.at("latent").size(3);
    QVERIFY(tileSizePx < inputWidthPx);
    WanVae& vae = vaeOf(fixtureName);
    const torch::Tensor got =
        encode ? vae.encode(ref.at("video"), options) : vae.decode(ref.at("latent"), options);
    const auto diff = wan::test::compareTensors(got, want);
    QVERIFY2(diff.shapeMatches, diff.where.c_str());
    const double meanAbs = (got - want).abs().mean().item<double>();
    qInfo("tiled vs official untiled: max abs %.3g, mean abs %.3g (reference mean abs %.3g)", diff.maxAbs,
          meanAbs, want.abs().mean().item<double>());
    QVERIFY2(diff.maxAbs <= maxAbsBound, diff.where.c_str());
    QVERIFY(meanAbs <= meanAbsBound);
}

void TestVae::tileLargerThanInputIsExact()
{
    WAN_REQUIRE_FIXTURES();
    const auto ref = reference("wan-tiny-t2v", "vae_decode_b.safetensors");
    VaeRunOptions options;
    options.tiling = TilingOptions{true, 256, 64};
    WAN_COMPARE_TENSORS(vaeOf("wan-tiny-t2v").decode(ref.at("latent"), options), ref.at("video"),
                        kParityAtol);
}

void TestVae::latentPreviewShapeAndRange()
{
    const torch::Tensor latent = torch::randn({16, 3, 5, 7}, at::make_generator<at::CPUGeneratorImpl>(7));
    for (const auto space : {wan::vae::LatentSpace::Normalised, wan::vae::LatentSpace::Raw}) {
        const torch::Tensor rgb = wan::vae::latentToRgb(latent, space);
        QCOMPARE(rgb.scalar_type(), torch::kUInt8);
        QCOMPARE(rgb.sizes().vec(), (std::vector<int64_t>{3, 5, 7, 3}));
        QVERIFY(rgb.is_contiguous());
        // Standard normal latents give a spread of values, not a flat or saturated picture.
        const torch::Tensor values = rgb.to(torch::kFloat32);
        QVERIFY(values.std().item<float>() > 5.0f);
        QVERIFY(values.mean().item<float>() > 20.0f && values.mean().item<float>() < 235.0f);
    }
    // A zero latent shows the bias: (bias + 1) * 127.5.
    const torch::Tensor flat = wan::vae::latentToRgb(torch::zeros({16, 1, 1, 1}));
    QCOMPARE(int(flat[0][0][0][0].item<uint8_t>()), 104); // (-0.1835 + 1) * 127.5 = 104.1
    QCOMPARE(int(flat[0][0][0][2].item<uint8_t>()), 85);  // (-0.3360 + 1) * 127.5 = 84.7
    // Huge values saturate instead of wrapping around.
    const torch::Tensor big = wan::vae::latentToRgb(torch::full({16, 1, 2, 2}, 1e4));
    QVERIFY(big.max().item<uint8_t>() == 255 || big.min().item<uint8_t>() == 0);
    QCOMPARE(errorKindOf([] {
                 wan::vae::latentToRgb(torch::zeros({4, 1, 2, 2}));
             }),
             wan::ErrorKind::InvalidArgument);
}

void TestVae::latentPreviewFileOfTheVae()
{
    namespace fs = std::filesystem;
    using wan::vae::LatentRgbProjection;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path folder = dir.path().toStdString();
    QVERIFY(!wan::vae::readLatentRgbProjection(folder).has_value()); // none: the standard map

    // A map of the folder's own: written, read back, and used instead of the standard one.
    LatentRgbProjection own;
    own.factors[0] = {0.5f, 0.0f, 0.0f};
    own.factors[3] = {0.0f, 0.0f, -0.25f};
    own.bias = {0.1f, -0.2f, 0.0f};
    const fs::path file = folder / wan::vae::kLatentPreviewFile;
    std::ofstream(file) << wan::vae::latentRgbProjectionJson(own);
    const auto read = wan::vae::readLatentRgbProjection(folder);
    QVERIFY(read.has_value());
    QVERIFY(read->factors == own.factors && read->bias == own.bias);
    auto latent = torch::zeros({16, 1, 1, 1});
    latent[0] = 1.0;
    latent[3] = 2.0;
    const torch::Tensor rgb = wan::vae::latentToRgb(latent, wan::vae::LatentSpace::Normalised, &*read);
    QCOMPARE(int(rgb[0][0][0][0].item<uint8_t>()), 204); // (0.5 + 0.1 + 1) * 127.5 = 204
    QCOMPARE(int(rgb[0][0][0][1].item<uint8_t>()), 102); // (-0.2 + 1) * 127.5 = 102
    QCOMPARE(int(rgb[0][0][0][2].item<uint8_t>()), 64);  // (-0.5 + 1) * 127.5 = 63.75
    QVERIFY(!torch::equal(rgb, wan::vae::latentToRgb(latent)));

    // Broken files are refused naming the file, not half read.
    const char* broken[] = {
        "not json",
        R"({"rgb_factors": [[1, 2, 3]], "rgb_bias": [0, 0, 0]})",
        R"({"rgb_bias": [0, 0, 0]})",
        R"({"rgb_factors": [[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2]], "rgb_bias": [0, 0, 0]})",
        R"({"rgb_factors": [[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3]], "rgb_bias": [0, 1e30, 0]})",
        R"({"rgb_factors": [[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,"x",3]], "rgb_bias": [0, 0, 0]})",
    };
    for (const char* text : broken) {
        std::ofstream(file, std::ios::trunc) << text;
        try {
            wan::vae::readLatentRgbProjection(folder);
            QFAIL(qPrintable(QStringLiteral("accepted: %1").arg(QLatin1String(text))));
        } catch (const wan::Error& e) {
            QCOMPARE(e.kind(), wan::ErrorKind::ModelFolder);
            QVERIFY2(QString::fromStdString(e.what()).contains(QString::fromStdString(file.string())),
                     e.what());
        }
    }
}

QTEST_GUILESS_MAIN(TestVae)
#include "test_vae.moc"
