// The DiT block's memory-lean functions (issue #18 item 1) against straightforward out-of-place references
// written here from the official formulas, on random inputs in float32 and bf16: RoPE (exact and lean),
// modulation, gated residual adds and RmsNorm. Exact math must keep every bit; the lean RoPE is held to
// float32 rounding (and, once rounded to bf16 as the attention takes it, to one bf16 step).

#include "dit/FusedOps.h"
#include "dit/Layers.h"
#include "dit/Rope.h"
#include "dit/WanModel.h"
#include "support/TestSupport.h"

#include <QTest>

#include <array>
#include <cmath>
#include <vector>

using wan::dit::RopeMath;

Q_DECLARE_METATYPE(torch::Dtype)

namespace {

constexpr int64_t kHeads = 3;
constexpr int64_t kHeadDim = 128;                                       // every Wan2.1 model
constexpr int64_t kTokens = 64;                                         // per sample, padding included
const std::vector<std::array<int64_t, 3>> kGrids{{3, 4, 5}, {2, 3, 4}}; // 60 and 24 real tokens

// The official rope_params for one axis of k dims: [1024, k/2] float64.
torch::Tensor referenceAxis(int64_t k)
{
    auto angles = torch::empty({wan::dit::kRopeMaxPositions, k / 2}, torch::kFloat64);
    auto a = angles.accessor<double, 2>();
    for (int64_t p = 0; p < angles.size(0); ++p) {
        for (int64_t j = 0; j < k / 2; ++j)
            a[p][j] = double(p) * (1.0 / std::pow(10000.0, double(2 * j) / double(k)));
    }
    return angles;
}

// cos/sin for every token of every sample, [B, kTokens, 1, D/2] float64, identity rotation on padding.
std::pair<torch::Tensor, torch::Tensor> referenceTables(const torch::Tensor& cosTable,
                                                        const torch::Tensor& sinTable)
{
    const int64_t c = kHeadDim / 2, axis = c / 3, frame = c - 2 * axis;
    auto cos = torch::ones({int64_t(kGrids.size()), kTokens, 1, c}, torch::kFloat64);
    auto sin = torch::zeros({int64_t(kGrids.size()), kTokens, 1, c}, torch::kFloat64);
    for (size_t b = 0; b < kGrids.size(); ++b) {
        const auto [f, h, w] = kGrids[b];
        int64_t token = 0;
        for (int64_t i = 0; i < f; ++i) {
            for (int64_t j = 0; j < h; ++j) {
                for (int64_t k = 0; k < w; ++k, ++token) {
                    for (const auto& [table, out] : {std::pair{cosTable, cos}, std::pair{sinTable, sin}}) {
                        auto row = out[int64_t(b)][token][0];
                        row.narrow(0, 0, frame).copy_(table[i].narrow(0, 0, frame));
                        row.narrow(0, frame, axis).copy_(table[j].narrow(0, frame, axis));
                        row.narrow(0, frame + axis, axis).copy_(table[k].narrow(0, frame + axis, axis));
                    }
                }
            }
        }
    }
    return {cos, sin};
}

// The official rope_apply on a padded batch: x [B, L, H, D] float32 -> float32.
torch::Tensor referenceRope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin)
{
    const auto pairs = x.to(torch::kFloat64).reshape({x.size(0), x.size(1), x.size(2), x.size(3) / 2, 2});
    const auto re = pairs.select(-1, 0);
    const auto im = pairs.select(-1, 1);
    return torch::stack({re * cos - im * sin, re * sin + im * cos}, -1)
        .reshape(x.sizes())
        .to(torch::kFloat32);
}

bool sameBits(const torch::Tensor& a, const torch::Tensor& b)
{
    return a.scalar_type() == b.scalar_type() && a.sizes() == b.sizes() && torch::equal(a, b);
}

} // namespace

class TestDitLean : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::manual_seed(18); }

    // The angle table equals the official rope_params of the (frame | row | column) split.
    void ropeAngles()
    {
        const int64_t d = kHeadDim;
        const auto expected = torch::cat(
            {referenceAxis(d - 4 * (d / 6)), referenceAxis(2 * (d / 6)), referenceAxis(2 * (d / 6))}, 1);
        WAN_COMPARE_TENSORS(wan::dit::ropeAngles(d), expected, 1e-9);
    }

    // Exact math rotates in place and keeps every bit of the official float64 formula (padding untouched);
    // the autograd path (out of place) gives the same bits.
    void ropeExact()
    {
        torch::NoGradGuard noGrad;
        const auto angles = wan::dit::ropeAngles(kHeadDim);
        const auto cosTable = angles.cos(), sinTable = angles.sin();
        const auto [cos, sin] = referenceTables(cosTable, sinTable);
        const auto x = torch::randn({2, kTokens, kHeads, kHeadDim}) * 3;
        const auto expected = referenceRope(x, cos, sin);
        const auto tables = wan::dit::ropeTables(cosTable, sinTable, kGrids, RopeMath::Exact, torch::kCPU);

        auto work = x.clone();
        const auto* data = work.data_ptr<float>();
        const auto got = wan::dit::applyRope(work, tables);
        QCOMPARE(got.data_ptr<float>(), data); // in place
        QVERIFY2(sameBits(got, expected), "exact RoPE differs from the official float64 arithmetic");
        QVERIFY(torch::equal(got[1].narrow(0, 24, kTokens - 24), x[1].narrow(0, 24, kTokens - 24)));

        torch::AutoGradMode grad(true);
        const auto copy = wan::dit::applyRope(x, tables);
        QVERIFY(copy.data_ptr<float>() != x.data_ptr<float>());
        QVERIFY2(sameBits(copy, expected), "out-of-place exact RoPE differs");
    }

    // Lean math: float32 complex multiply with float32 tables. Within float32 rounding of the exact result,
    // and after the cast to the attention's dtype within one rounding step of it.
    void ropeLean_data()
    {
        QTest::addColumn<torch::Dtype>("attentionDtype");
        QTest::addColumn<double>("maxDiffering"); // fraction of elements not equal to the exact result's
        // float32 keeps the last-bit differences of the float32 arithmetic (~16 % of the elements here).
        QTest::newRow("fp32") << torch::kFloat32 << 0.5;
        QTest::newRow("bf16") << torch::kBFloat16 << 0.001;
        QTest::newRow("fp16") << torch::kFloat16 << 0.001;
    }

    void ropeLean()
    {
        QFETCH(torch::Dtype, attentionDtype);
        QFETCH(double, maxDiffering);
        torch::NoGradGuard noGrad;
        const auto angles = wan::dit::ropeAngles(kHeadDim);
        const auto cosTable = angles.cos(), sinTable = angles.sin();
        const auto [cos, sin] = referenceTables(cosTable, sinTable);
        const auto x = torch::randn({2, kTokens, kHeads, kHeadDim}) * 3;
        const auto expected = referenceRope(x, cos, sin);
        const auto tables = wan::dit::ropeTables(cosTable, sinTable, kGrids, RopeMath::Lean, torch::kCPU);

        auto work = x.clone();
        const auto* data = work.data_ptr<float>();
        const auto got = wan::dit::applyRope(work, tables);
        QCOMPARE(got.data_ptr<float>(), data);
        // |x| < ~15 here; float32 keeps ~7 digits, two products and a sum.
        WAN_COMPARE_TENSORS(got, expected, 1e-5);
        QVERIFY(torch::equal(got[1].narrow(0, 24, kTokens - 24), x[1].narrow(0, 24, kTokens - 24)));

        // Rounded to the attention's dtype: at most one step of that dtype apart (relative 2^-8 for bf16,
        // 2^-11 for fp16), and nearly always equal.
        const auto lean = got.to(attentionDtype).to(torch::kFloat32);
        const auto exact = expected.to(attentionDtype).to(torch::kFloat32);
        const double step = attentionDtype == torch::kBFloat16  ? std::ldexp(1.0, -7)
                            : attentionDtype == torch::kFloat16 ? std::ldexp(1.0, -10)
                                                                : 1e-6;
        const auto excess = ((lean - exact).abs() - exact.abs() * step - 1e-6).max().item<double>();
        QVERIFY2(excess <= 0,
                 qPrintable(QStringLiteral("lean RoPE more than one rounding step off by %1").arg(excess)));
        const double differing = (lean != exact).to(torch::kFloat64).mean().item<double>();
        qInfo("elements differing after the cast: %.4f %%", differing * 100);
        QVERIFY(differing <= maxDiffering);

        torch::AutoGradMode grad(true);
        WAN_COMPARE_TENSORS(wan::dit::applyRope(x, tables), got, 1e-6);
    }

    void rmsNorm_data()
    {
        QTest::addColumn<torch::Dtype>("dtype");
        QTest::newRow("fp32") << torch::kFloat32;
        QTest::newRow("bf16") << torch::kBFloat16;
    }

    // The official WanRMSNorm: norm in float32, rounded to x's dtype, times the float32 weight. Same bits.
    void rmsNorm()
    {
        QFETCH(torch::Dtype, dtype);
        torch::NoGradGuard noGrad;
        const auto x = (torch::randn({2, 50, 256}) * 4 + 1).to(dtype);
        const auto weight = torch::rand({256}) + 0.5;
        const auto xf = x.to(torch::kFloat32);
        const auto expected = (xf * torch::rsqrt(xf.pow(2).mean(-1, true) + 1e-6)).to(dtype) * weight;
        const auto before = x.clone();
        const auto got = wan::dit::rmsNorm(x, weight, 1e-6);
        QCOMPARE(got.scalar_type(), torch::kFloat32);
        QVERIFY2(sameBits(got, expected), "RmsNorm differs from the official formula");
        QVERIFY(torch::equal(x, before)); // the input is left alone
        torch::AutoGradMode grad(true);
        QVERIFY(sameBits(wan::dit::rmsNorm(x, weight, 1e-6), expected));
    }

    void modulation_data()
    {
        QTest::addColumn<torch::Dtype>("dtype");
        QTest::addColumn<int64_t>("modulationBatch");
        QTest::newRow("fp32, per sample") << torch::kFloat32 << int64_t(2);
        QTest::newRow("fp32, shared") << torch::kFloat32 << int64_t(1);
        QTest::newRow("bf16 input (promotes to fp32)") << torch::kBFloat16 << int64_t(2);
    }

    // norm * (1 + scale) + shift and x + y * gate: same bits as the out-of-place formula; in place on the
    // float32 inputs with autograd off, never with autograd on.
    void modulation()
    {
        QFETCH(torch::Dtype, dtype);
        QFETCH(int64_t, modulationBatch);
        const auto n = torch::randn({2, 40, 96}).to(dtype);
        const auto scale = torch::randn({modulationBatch, 1, 96});
        const auto shift = torch::randn({modulationBatch, 1, 96});
        const auto expected = n * (1 + scale) + shift;
        const bool inPlace = dtype == torch::kFloat32;
        {
            torch::NoGradGuard noGrad;
            auto work = n.clone();
            const auto* data = work.data_ptr();
            const auto got = wan::dit::modulate(work, scale, shift);
            QCOMPARE(got.data_ptr() == data, inPlace);
            QVERIFY2(sameBits(got, expected), "modulation differs from n * (1 + scale) + shift");
        }
        {
            torch::AutoGradMode grad(true);
            auto work = n.clone();
            const auto got = wan::dit::modulate(work, scale, shift);
            QVERIFY(got.data_ptr() != work.data_ptr());
            QVERIFY(sameBits(got, expected));
            QVERIFY(torch::equal(work, n));
        }

        const auto x = torch::randn({2, 40, 96});
        const auto y = torch::randn({2, 40, 96}).to(dtype);
        const auto gate = torch::randn({modulationBatch, 1, 96});
        const auto gated = x + y.to(torch::kFloat32) * gate;
        const auto plain = x + y;
        torch::NoGradGuard noGrad;
        auto work = x.clone();
        const auto* data = work.data_ptr();
        const auto got = wan::dit::addGated(work, y.clone(), gate);
        QCOMPARE(got.data_ptr(), data); // x is float32: always in place
        QVERIFY2(sameBits(got, gated), "gated residual differs from x + y * gate");
        QVERIFY(sameBits(wan::dit::addGated(x.clone(), y.clone()), plain));
    }

    void normModulate_data()
    {
        QTest::addColumn<torch::Dtype>("outDtype");
        QTest::addColumn<int64_t>("modulationBatch");
        QTest::addColumn<bool>("affine");
        QTest::newRow("fp32 out, per sample") << torch::kFloat32 << int64_t(2) << false;
        QTest::newRow("bf16 out, shared") << torch::kBFloat16 << int64_t(1) << false;
        QTest::newRow("fp16 out, affine norm") << torch::kFloat16 << int64_t(2) << true;
    }

    // The block's norm + modulation: the LibTorch formula rounded once to the next linear's dtype, on
    // contiguous inputs and on the row chunks the chunked FFN passes (strided samples).
    void normModulate()
    {
        QFETCH(torch::Dtype, outDtype);
        QFETCH(int64_t, modulationBatch);
        QFETCH(bool, affine);
        wan::dit::LayerNorm norm(96, 1e-6, affine);
        if (affine) {
            norm->weight.normal_();
            norm->bias.normal_();
        }
        const auto x = torch::randn({2, 40, 96}) * 3 + 1;
        const auto scale =
            torch::randn({modulationBatch, 6, 96}).narrow(1, 2, 1); // a chunk of the modulation
        const auto shift = torch::randn({modulationBatch, 1, 96});
        torch::NoGradGuard noGrad;
        for (const auto& input : {x, x.narrow(1, 10, 7)}) {
            const auto expected = (norm->forward(input) * (1 + scale) + shift).to(outDtype);
            const auto got = wan::dit::normModulate(*norm, input, scale, shift, outDtype);
            QCOMPARE(got.scalar_type(), outDtype);
            QVERIFY2(sameBits(got, expected),
                     "normModulate differs from (norm(x) * (1 + scale) + shift).to(out)");
        }
    }

    // The own CUDA kernels never take CPU tensors, so the CPU keeps the LibTorch formulas (and the parity
    // tests their bits); the build has them exactly when CMake found a CUDA compiler.
    void ownKernelsOnlyOnCuda()
    {
        namespace fused = wan::dit::fused;
        QCOMPARE(fused::compiled(), bool(WAN_EXPECT_OWN_KERNELS));
        QCOMPARE(fused::architectures().empty(), !fused::compiled());
        QVERIFY(fused::enabled());
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({1, 60, kHeads * kHeadDim});
        const auto weight = torch::ones({kHeads * kHeadDim});
        QVERIFY(!fused::tryRmsNorm(x, weight, 1e-6).defined());
        QVERIFY(!fused::tryRmsNorm(x.to(torch::kBFloat16), weight, 1e-6).defined());
        const auto rope = wan::dit::ropeTables(torch::cos(wan::dit::ropeAngles(kHeadDim)),
                                               torch::sin(wan::dit::ropeAngles(kHeadDim)), {kGrids[0]},
                                               RopeMath::Lean, torch::kCPU);
        QVERIFY(!fused::tryRmsNormRope(x, weight, 1e-6, kHeads, rope, torch::kFloat32).defined());
        const auto m = torch::zeros({1, 1, kHeads * kHeadDim});
        QVERIFY(!fused::tryLayerNormModulate(x, m, m, 1e-6, torch::kFloat32).defined());
        auto tokens = x[0].view({60, kHeads, kHeadDim}).clone();
        const auto before = tokens.clone();
        QVERIFY(!fused::tryRotateInPlace(tokens, rope.rotation[0]));
        QVERIFY(torch::equal(tokens, before));
        fused::setEnabled(false);
        QVERIFY(!fused::enabled());
        fused::setEnabled(true);
    }

    void wholeModel_data()
    {
        QTest::addColumn<torch::Dtype>("dtype");
        QTest::newRow("fp32 (exact RoPE)") << torch::kFloat32;
        QTest::newRow("bf16 (lean RoPE)") << torch::kBFloat16;
    }

    // A small random WanModel: the in-place inference forward gives the same bits as the out-of-place
    // forward autograd takes (the same operations in the same order), with padded samples; FFN chunking
    // stays within float rounding of the unchunked result.
    void wholeModel()
    {
        QFETCH(torch::Dtype, dtype);
        wan::dit::WanConfig config;
        config.dim = 64;
        config.numHeads = 2;
        config.ffnDim = 160;
        config.numLayers = 2;
        config.textDim = 32;
        config.textLen = 16;
        auto model = std::make_shared<wan::dit::WanModel>(config);
        {
            torch::NoGradGuard noGrad;
            for (auto& p : model->parameters())
                p.normal_(0.0, 0.08);
        }
        model->to(dtype);
        if (dtype != torch::kFloat32)
            wan::dit::keepInFloat32(*model, &wan::dit::WanModel::keepsFloat32);
        QCOMPARE(model->ropeMath(), dtype == torch::kFloat32 ? RopeMath::Exact : RopeMath::Lean);
        const std::vector<torch::Tensor> x{torch::randn({16, 2, 6, 4}), torch::randn({16, 1, 4, 4})};
        const std::vector<torch::Tensor> context{torch::randn({9, 32}), torch::randn({16, 32})};
        const auto t = torch::tensor({999, 500}, torch::kInt64);
        const int64_t seqLen = 14; // 12 and 4 real tokens

        const auto lean = model->forward(x, t, context, seqLen);
        model->setGradEnabled(true);
        const auto reference = model->forward(x, t, context, seqLen);
        model->setGradEnabled(false);
        model->setFfnChunkTokens(5);
        const auto chunked = model->forward(x, t, context, seqLen);
        model->setFfnChunkTokens(0);
        for (size_t i = 0; i < x.size(); ++i) {
            QVERIFY2(sameBits(lean[i], reference[i]), qPrintable(QStringLiteral("sample %1 differs").arg(i)));
            WAN_COMPARE_TENSORS(chunked[i], lean[i], dtype == torch::kFloat32 ? 1e-5 : 2e-2);
        }
        // The tables are kept per geometry: a second call gives the same bits.
        const auto again = model->forward(x, t, context, seqLen);
        QVERIFY(sameBits(again[0], lean[0]) && sameBits(again[1], lean[1]));
    }

    // The inference thread's mode: tensors made under InferenceMode are updated in place there.
    void inferenceMode()
    {
        c10::InferenceMode inference;
        auto n = torch::randn({1, 8, 16});
        const auto expected = n * (1 + torch::ones({1, 1, 16})) + torch::ones({1, 1, 16});
        const auto* data = n.data_ptr();
        const auto got = wan::dit::modulate(n, torch::ones({1, 1, 16}), torch::ones({1, 1, 16}));
        QCOMPARE(got.data_ptr(), data);
        QVERIFY(sameBits(got, expected));
    }
};

QTEST_GUILESS_MAIN(TestDitLean)
#include "test_dit_lean.moc"
