// The DiT's own CUDA kernels (core/src/dit/FusedKernels.cu), their source run on the CPU through
// tests/support/CudaEmulation.h (thread blocks as CPU threads, the same block reductions and warp shuffles),
// against the LibTorch formulas they replace: RMSNorm for every input/weight/output dtype pair, RMSNorm +
// lean RoPE with padding rows, LayerNorm + modulation, the RoPE rotation alone, and the arguments the
// launchers refuse. This checks the kernels' indexing and arithmetic without a GPU; tests/bench/bench_kernels
// checks them on one. Tolerances: support/KernelTolerance.h.

#include "dit/Layers.h"
#include "dit/Rope.h"
#include "support/KernelTolerance.h"

#include <QTest>

#include <torch/torch.h>

// Last, so that the emulation's macros (threadIdx, __device__, ...) touch nothing else.
#define WAN_CUDA_EMULATION 1
#define WAN_CUDA_ARCHITECTURES "emulated"
#include "support/CudaEmulation.h"
// Its own namespace, apart from the real kernels the engine library may hold.
#define kernels kernels_emulated
#include "dit/FusedKernels.cu"
#undef kernels

Q_DECLARE_METATYPE(torch::Dtype)

namespace {

namespace k = wan::dit::kernels_emulated;

k::DType kernelType(torch::Dtype type)
{
    return type == torch::kFloat32    ? k::DType::Float32
           : type == torch::kBFloat16 ? k::DType::BFloat16
                                      : k::DType::Float16;
}

#define WAN_VERIFY_CLOSE(got, want)                                                                          \
    do {                                                                                                     \
        QCOMPARE((got).scalar_type(), (want).scalar_type());                                                 \
        QCOMPARE((got).sizes(), (want).sizes());                                                             \
        const double off_ = wan::test::kernelOffTolerance((got), (want));                                    \
        QVERIFY2(off_ <= 1.0, qPrintable(QStringLiteral("%1 x the tolerance").arg(off_)));                   \
    } while (0)

wan::dit::RopeTables leanTables(int64_t headDim, const std::array<int64_t, 3>& grid)
{
    const auto angles = wan::dit::ropeAngles(headDim);
    return wan::dit::ropeTables(torch::cos(angles), torch::sin(angles), {grid}, wan::dit::RopeMath::Lean,
                                torch::kCPU);
}

} // namespace

class TestDitKernels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::manual_seed(7); }

    void rmsNorm_data()
    {
        QTest::addColumn<torch::Dtype>("xType");
        QTest::addColumn<torch::Dtype>("weightType");
        QTest::addColumn<int64_t>("dim");
        QTest::newRow("fp32, fp32 weight, 256") << torch::kFloat32 << torch::kFloat32 << int64_t(256);
        QTest::newRow("bf16, fp32 weight, 512") << torch::kBFloat16 << torch::kFloat32 << int64_t(512);
        QTest::newRow("bf16, bf16 weight, 96") << torch::kBFloat16 << torch::kBFloat16 << int64_t(96);
        QTest::newRow("fp16, fp32 weight, 2048") << torch::kFloat16 << torch::kFloat32 << int64_t(2048);
        QTest::newRow("fp16, fp16 weight, 40") << torch::kFloat16 << torch::kFloat16 << int64_t(40);
    }

    // rmsNorm(x, weight) of dit/Layers.h, rows read `rowStride` apart (a slice of a wider tensor).
    void rmsNorm()
    {
        QFETCH(torch::Dtype, xType);
        QFETCH(torch::Dtype, weightType);
        QFETCH(int64_t, dim);
        const int64_t rows = 3, stride = dim + 24;
        const auto wide = (torch::randn({rows, stride}) * 3).to(xType);
        const auto x = wide.narrow(1, 0, dim);
        const auto weight = (torch::rand({dim}) + 0.5).to(weightType);
        const auto expected = wan::dit::rmsNorm(x.contiguous(), weight, 1e-6);
        auto got = torch::empty({rows, dim}, expected.scalar_type());
        QCOMPARE(k::rmsNorm(x.data_ptr(), kernelType(xType), stride, weight.data_ptr(),
                            kernelType(weightType), got.data_ptr(), kernelType(got.scalar_type()), rows, dim,
                            1e-6f, nullptr, 0, 0, nullptr),
                 0);
        WAN_VERIFY_CLOSE(got, expected);
    }

    void rmsNormRope_data()
    {
        QTest::addColumn<torch::Dtype>("xType");
        QTest::addColumn<torch::Dtype>("outType");
        QTest::newRow("bf16 -> bf16 (the bf16 model's queries)") << torch::kBFloat16 << torch::kBFloat16;
        QTest::newRow("fp16 -> fp32") << torch::kFloat16 << torch::kFloat32;
    }

    // applyRope(rmsNorm(x).view(L, heads, -1)).to(out) with lean tables for 9 of 12 rows: the 3 padding rows
    // are normalised but not rotated.
    void rmsNormRope()
    {
        QFETCH(torch::Dtype, xType);
        QFETCH(torch::Dtype, outType);
        const int64_t heads = 2, headDim = 128, dim = heads * headDim, rows = 12;
        const auto rope = leanTables(headDim, {1, 3, 3});
        const auto x = (torch::randn({1, rows, dim}) * 2).to(xType);
        const auto weight = torch::rand({dim}) + 0.5;
        const auto expected =
            wan::dit::applyRope(wan::dit::rmsNorm(x, weight, 1e-6).view({1, rows, heads, -1}), rope)
                .to(outType);
        auto got = torch::empty({1, rows, heads, headDim}, outType);
        const auto& table = rope.rotation[0];
        QCOMPARE(table.size(0), int64_t(9));
        QCOMPARE(k::rmsNorm(x.data_ptr(), kernelType(xType), dim, weight.data_ptr(), k::DType::Float32,
                            got.data_ptr(), kernelType(outType), rows, dim, 1e-6f, table.data_ptr(),
                            table.size(0), headDim / 2, nullptr),
                 0);
        WAN_VERIFY_CLOSE(got, expected);
    }

    void layerNormModulate_data()
    {
        QTest::addColumn<torch::Dtype>("outType");
        QTest::addColumn<int64_t>("dim");
        QTest::newRow("fp32 out, 384") << torch::kFloat32 << int64_t(384);
        QTest::newRow("bf16 out, 1536") << torch::kBFloat16 << int64_t(1536);
        QTest::newRow("fp16 out, 64") << torch::kFloat16 << int64_t(64);
    }

    // normModulate of dit/Layers.h (no-affine LayerNorm, then * (1 + scale) + shift), rows `rowStride` apart.
    void layerNormModulate()
    {
        QFETCH(torch::Dtype, outType);
        QFETCH(int64_t, dim);
        const int64_t rows = 4, stride = dim + 8;
        const auto x = (torch::randn({1, rows, stride}) * 2 + 0.7).narrow(2, 0, dim);
        const auto modulation = torch::randn({1, 6, dim}) * 0.3;
        const auto scale = modulation.narrow(1, 1, 1), shift = modulation.narrow(1, 0, 1);
        wan::dit::LayerNorm norm(dim, 1e-6, false);
        const auto expected = wan::dit::normModulate(*norm, x, scale, shift, outType);
        auto got = torch::empty({1, rows, dim}, outType);
        QCOMPARE(k::layerNormModulate(x.data_ptr<float>(), stride, scale.data_ptr<float>(),
                                      shift.data_ptr<float>(), got.data_ptr(), kernelType(outType), rows, dim,
                                      1e-6f, nullptr),
                 0);
        WAN_VERIFY_CLOSE(got, expected);
    }

    // The lean rotation in place, over more pairs than one block of threads holds.
    void rotatePairs()
    {
        const int64_t heads = 3, headDim = 64, tokens = 7;
        const auto rope = leanTables(headDim, {1, 1, tokens});
        const auto x = torch::randn({1, tokens, heads, headDim});
        const auto expected = wan::dit::applyRope(x.clone(), rope)[0];
        auto got = x[0].clone();
        QVERIFY(tokens * heads * headDim / 2 > 256);
        QCOMPARE(k::rotatePairs(got.data_ptr<float>(), rope.rotation[0].data_ptr(), tokens, heads,
                                headDim / 2, nullptr),
                 0);
        WAN_VERIFY_CLOSE(got, expected);
    }

    // What the launchers refuse instead of launching: mixed dtypes the kernels do not instantiate, a head
    // size that does not divide the row, empty or oversized shapes.
    void refusedArguments()
    {
        float x[64] = {}, w[64] = {}, out[64] = {};
        const float rotation[64] = {};
        const int invalid = int(cudaErrorInvalidValue);
        QCOMPARE(k::rmsNorm(x, k::DType::BFloat16, 64, w, k::DType::Float16, out, k::DType::Float32, 1, 64,
                            1e-6f, nullptr, 0, 0, nullptr),
                 invalid);
        QCOMPARE(k::rmsNorm(x, k::DType::BFloat16, 64, w, k::DType::Float32, out, k::DType::Float16, 1, 64,
                            1e-6f, nullptr, 0, 0, nullptr),
                 invalid);
        QCOMPARE(k::rmsNorm(x, k::DType::Float32, 60, w, k::DType::Float32, out, k::DType::Float32, 1, 60,
                            1e-6f, rotation, 1, 16, nullptr),
                 invalid); // 60 is not a multiple of 2 x 16
        QCOMPARE(k::rmsNorm(x, k::DType::Float32, 64, w, k::DType::Float32, out, k::DType::Float32, 0, 64,
                            1e-6f, nullptr, 0, 0, nullptr),
                 invalid);
        QCOMPARE(
            k::layerNormModulate(x, 64, w, w, out, k::DType::Float32, int64_t(1) << 32, 64, 1e-6f, nullptr),
            invalid);
        QCOMPARE(k::rotatePairs(x, rotation, 1, 0, 16, nullptr), invalid);
        QCOMPARE(k::rotatePairs(x, rotation, 0, 2, 16, nullptr), 0); // nothing to rotate
        QCOMPARE(QString::fromLatin1(k::architectures()), QStringLiteral("emulated"));
    }
};

QTEST_GUILESS_MAIN(TestDitKernels)
#include "test_dit_kernels.moc"
