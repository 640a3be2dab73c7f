// fp8 weights (e4m3fn, e5m2, ComfyUI fp8_scaled) against LibTorch's own Float8 casts, and GGUF tensors as
// torch tensors.
#include "io/Fp8.h"
#include "io/MappedFile.h"
#include "io/QuantTensors.h"
#include "support/CheckpointWriter.h"
#include "support/GgufWriter.h"
#include "support/TestSupport.h"
#include "wan/Error.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace wan::io;

class TestFp8 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodeMatchesTorch_data();
    void decodeMatchesTorch();
    void scaledMatchesTorch();
    void scaledChecksInputs();
    void safetensorsKeepsFp8();
    void ggufToTorch();
};

void TestFp8::decodeMatchesTorch_data()
{
    QTest::addColumn<int>("dtype");
    QTest::newRow("e4m3fn") << int(DType::F8E4M3);
    QTest::newRow("e5m2") << int(DType::F8E5M2);
}

void TestFp8::decodeMatchesTorch()
{
    QFETCH(int, dtype);
    const auto d = DType(dtype);
    std::vector<std::uint8_t> codes(256);
    for (int b = 0; b < 256; ++b)
        codes[b] = std::uint8_t(b);
    const auto torchType = d == DType::F8E4M3 ? torch::kFloat8_e4m3fn : torch::kFloat8_e5m2;
    const auto want =
        torch::from_blob(codes.data(), {256}, torch::kUInt8).view(torchType).to(torch::kFloat32);
    std::vector<float> got(256);
    dequantizeFp8(d, codes.data(), 256, 1.0f, got.data());
    int nans = 0;
    for (int b = 0; b < 256; ++b) {
        const float w = want[b].item<float>();
        if (std::isnan(w)) {
            QVERIFY2(std::isnan(got[b]), qPrintable(QString::number(b)));
            ++nans;
            continue;
        }
        std::uint32_t gb, wb;
        std::memcpy(&gb, &got[b], 4);
        std::memcpy(&wb, &w, 4);
        if (gb != wb)
            QFAIL(qPrintable(
                QStringLiteral("code 0x%1: got %2, LibTorch %3").arg(b, 2, 16).arg(got[b]).arg(w)));
    }
    QCOMPARE(nans, d == DType::F8E4M3 ? 2 : 6); // e4m3fn: S.1111.111; e5m2: exponent 31 with a mantissa
}

void TestFp8::scaledMatchesTorch()
{
    torch::manual_seed(8);
    const auto w = torch::randn({64, 48}) * 3.0f;
    for (const auto torchType : {torch::kFloat8_e4m3fn, torch::kFloat8_e5m2}) {
        const auto scale = w.abs().max() / (torchType == torch::kFloat8_e4m3fn ? 448.0f : 57344.0f);
        const auto q = (w / scale).to(torchType).contiguous();
        const auto want = q.to(torch::kFloat32) * scale; // LibTorch: cast, then one float32 product
        // The torch-free decoder.
        std::vector<float> got(q.numel());
        dequantizeFp8(torchType == torch::kFloat8_e4m3fn ? DType::F8E4M3 : DType::F8E5M2,
                      static_cast<const std::uint8_t*>(q.data_ptr()), q.numel(), scale.item<float>(),
                      got.data());
        QVERIFY(torch::equal(torch::from_blob(got.data(), {64, 48}, torch::kFloat32), want));
        // The torch helper, in float32 and cast once to bf16.
        QVERIFY(torch::equal(dequantizeScaledFp8(q, scale, torch::kFloat32, "w"), want));
        QVERIFY(torch::equal(dequantizeScaledFp8(q, scale.reshape({1}), torch::kBFloat16, "w"),
                             want.to(torch::kBFloat16)));
        // Rounding to a 3-bit (e4m3fn) or 2-bit (e5m2) mantissa: |error| <= 2^-4 (2^-3) of the value.
        const double maxAbs = (want - w).abs().max().item<double>();
        const double amax = w.abs().max().item<double>();
        qInfo("%s scaled: max abs error %.4g for |w| <= %.3g",
              torchType == torch::kFloat8_e4m3fn ? "e4m3fn" : "e5m2", maxAbs, amax);
        QVERIFY(maxAbs <= amax * (torchType == torch::kFloat8_e4m3fn ? 0.0625 : 0.125));
        QVERIFY(maxAbs > 0.0);
    }
}

void TestFp8::scaledChecksInputs()
{
    const auto w = torch::ones({2, 2});
    try {
        dequantizeScaledFp8(w, torch::ones({}), torch::kFloat32, "blocks.0.ffn.0.weight");
        QFAIL("an fp32 weight was accepted");
    } catch (const wan::Error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("blocks.0.ffn.0.weight")), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(
        wan::Error, dequantizeScaledFp8(w.to(torch::kFloat8_e4m3fn), torch::ones({2}), torch::kFloat32, "w"));
}

void TestFp8::safetensorsKeepsFp8()
{
    QTemporaryDir dir;
    const auto q = (torch::randn({4, 8}) * 10).to(torch::kFloat8_e4m3fn).contiguous();
    const auto r = (torch::randn({3}) * 10).to(torch::kFloat8_e5m2).contiguous();
    const auto path = wan::test::writeFile(
        dir, "fp8.safetensors",
        wan::test::safetensorsFile(
            {{"q", "F8_E4M3", {4, 8}, std::string(static_cast<const char*>(q.data_ptr()), 32)},
             {"r", "F8_E5M2", {3}, std::string(static_cast<const char*>(r.data_ptr()), 3)}}));
    const auto loaded = loadSafetensors(path);
    QCOMPARE(loaded.at("q").scalar_type(), torch::kFloat8_e4m3fn);
    QCOMPARE(loaded.at("r").scalar_type(), torch::kFloat8_e5m2);
    QVERIFY(torch::equal(loaded.at("q").to(torch::kFloat32), q.to(torch::kFloat32)));
    QVERIFY(torch::equal(loaded.at("r").to(torch::kFloat32), r.to(torch::kFloat32)));
}

void TestFp8::ggufToTorch()
{
    QTemporaryDir dir;
    const auto path = wan::test::writeFile(dir, "valid.gguf", wan::test::validGguf());
    const auto weights = loadGgufDequantized(path, torch::kFloat32);
    QCOMPARE(weights.size(), std::size_t(3));
    QVERIFY(torch::equal(weights.at("a"), torch::arange(6, torch::kFloat32).reshape({2, 3}) - 2.5f));
    QCOMPARE(weights.at("b").sizes().vec(), (std::vector<std::int64_t>{2, 32}));
    QVERIFY(torch::equal(weights.at("c"), torch::tensor({1.0f, -2.0f, 0.5f})));
    const auto bf16 = loadGgufDequantized(path, torch::kBFloat16);
    QCOMPARE(bf16.at("b").scalar_type(), torch::kBFloat16);
    QVERIFY(torch::equal(bf16.at("b"), weights.at("b").to(torch::kBFloat16)));

    // A type it cannot dequantise: the message names the file, the tensor and the type.
    const auto iq =
        wan::test::writeFile(dir, "iq.gguf",
                             wan::test::GgufWriter()
                                 .tensor("w", std::uint32_t(GgmlType::IQ4_NL), {32}, std::string(18, '\0'))
                                 .bytes());
    try {
        loadGgufDequantized(iq, torch::kFloat32);
        QFAIL("IQ4_NL was accepted");
    } catch (const wan::Error& e) {
        const auto msg = QString::fromUtf8(e.what());
        QVERIFY2(msg.contains(QStringLiteral("iq.gguf")) && msg.contains(QStringLiteral("'w'")) &&
                     msg.contains(QStringLiteral("IQ4_NL")),
                 e.what());
    }
}

QTEST_GUILESS_MAIN(TestFp8)
#include "test_fp8.moc"
