// The GGUF reader and the torch-free dequantisers (also built with AddressSanitizer/UBSan by
// tests/scripts/run_sanitizers.sh).
#include "io/Fp8.h"
#include "io/RawGguf.h"
#include "support/GgufWriter.h"
#include "wan/Error.h"

#include <QTest>

#include <cmath>
#include <cstring>

using namespace wan::io;

namespace {

const std::uint8_t* bytesOf(const std::string& s)
{
    return reinterpret_cast<const std::uint8_t*>(s.data());
}

template <typename F> QString corruptMessage(F&& f)
{
    try {
        f();
    } catch (const wan::Error& e) {
        if (e.kind() != wan::ErrorKind::CorruptFile)
            return QStringLiteral("wrong error kind: ") + e.what();
        return QString::fromStdString(e.what());
    }
    return QStringLiteral("<no error>");
}

std::uint32_t bitsOf(float f)
{
    std::uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
}

} // namespace

class TestGguf : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valid();
    void corrupt_data();
    void corrupt();
    void truncatedEverywhere();
    void typeTable();
    void halfExhaustive();
    void fp8Exhaustive();
    void dequantizeChecksSizes();
};

void TestGguf::valid()
{
    const std::string file = wan::test::validGguf();
    const auto g = parseGguf(bytesOf(file), file.size(), "valid.gguf");
    QCOMPARE(g.version, 3u);
    QCOMPARE(g.alignment, 64u);
    QCOMPARE(g.dataStart % 64, std::uint64_t(0));
    QCOMPARE(g.architecture(), std::string("wan"));
    QCOMPARE(g.find("t.u8")->u, std::uint64_t(7));
    QCOMPARE(g.find("t.i8")->i, std::int64_t(-7));
    QCOMPARE(g.find("t.u16")->u, std::uint64_t(700));
    QCOMPARE(g.find("t.i16")->i, std::int64_t(-700));
    QCOMPARE(g.find("t.u32")->asUnsigned().value(), std::uint64_t(70000));
    QCOMPARE(g.find("t.i32")->i, std::int64_t(-70000));
    QVERIFY(!g.find("t.i32")->asUnsigned());
    QCOMPARE(g.find("t.f32")->f, 0.5);
    QCOMPARE(g.find("t.bool")->b, true);
    QCOMPARE(g.find("t.u64")->u, std::uint64_t(1) << 40);
    QCOMPARE(g.find("t.i64")->i, std::int64_t(-1) << 40);
    QCOMPARE(g.find("t.f64")->f, 2.25);
    const auto* ints = g.find("t.ints");
    QCOMPARE(ints->type, GgufValueType::Array);
    QCOMPARE(ints->elementType, GgufValueType::Int32);
    QCOMPARE(ints->numbers, (std::vector<double>{1, -2, 3}));
    QCOMPARE(g.find("t.strings")->strings, (std::vector<std::string>{"x", ""}));
    const auto* nested = g.find("t.nested");
    QCOMPARE(nested->arrays.size(), std::size_t(2));
    QCOMPARE(nested->arrays[0].numbers, (std::vector<double>{9}));
    QCOMPARE(nested->arrays[1].strings, (std::vector<std::string>{"deep"}));
    QVERIFY(g.find("missing") == nullptr);

    QCOMPARE(g.tensors.size(), std::size_t(3));
    const auto& a = g.tensors[0];
    QCOMPARE(a.name, std::string("a"));
    QCOMPARE(a.shape, (std::vector<std::int64_t>{2, 3}));
    QCOMPARE(a.dataOffset, g.dataStart);
    QCOMPARE(a.dataBytes, std::uint64_t(24));
    const auto& b = g.tensors[1];
    QCOMPARE(b.type, std::uint32_t(GgmlType::Q8_0));
    QCOMPARE(b.shape, (std::vector<std::int64_t>{2, 32}));
    QCOMPARE(b.dataBytes, std::uint64_t(68));
    QCOMPARE(b.dataOffset % 64, std::uint64_t(0));
    const auto& c = g.tensors[2];
    QVERIFY(c.dataOffset + c.dataBytes <= file.size());

    std::vector<float> out(6);
    dequantizeGgml(a.type, bytesOf(file) + a.dataOffset, a.dataBytes, out.data(), a.numel);
    QCOMPARE(out, (std::vector<float>{-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f}));
    out.resize(64);
    dequantizeGgml(b.type, bytesOf(file) + b.dataOffset, b.dataBytes, out.data(), b.numel);
    for (int k = 0; k < 64; ++k) // small integers with amax 3 survive Q8_0 within a scale step
        QVERIFY2(std::fabs(out[k] - (float(k % 7) - 3.0f)) < 3.0f / 127.0f, qPrintable(QString::number(k)));
    out.resize(3);
    dequantizeGgml(c.type, bytesOf(file) + c.dataOffset, c.dataBytes, out.data(), c.numel);
    QCOMPARE(out, (std::vector<float>{1.0f, -2.0f, 0.5f}));
}

void TestGguf::corrupt_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    for (const auto& c : wan::test::corruptGgufCases())
        QTest::newRow(c.name.c_str()) << QByteArray(c.bytes.data(), qsizetype(c.bytes.size()))
                                      << QString::fromStdString(c.expectedMessage);
}

void TestGguf::corrupt()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const auto got = corruptMessage([&] {
        parseGguf(reinterpret_cast<const std::uint8_t*>(bytes.constData()), std::size_t(bytes.size()),
                  "bad.gguf");
    });
    QVERIFY2(got.contains(message), qPrintable(got));
    QVERIFY2(got.contains(QStringLiteral("bad.gguf")), qPrintable(got));
}

void TestGguf::truncatedEverywhere()
{
    // Every strict prefix of a valid file is refused with CorruptFile (never a crash or an accepted file).
    const std::string file = wan::test::validGguf();
    const auto g = parseGguf(bytesOf(file), file.size(), "valid.gguf");
    const auto& last = g.tensors.back();
    const std::size_t needed = last.dataOffset + last.dataBytes;
    for (std::size_t n = 0; n < needed; ++n) {
        const std::string prefix = file.substr(0, n);
        const auto got = corruptMessage([&] { parseGguf(bytesOf(prefix), prefix.size(), "cut.gguf"); });
        QVERIFY2(got.startsWith(QStringLiteral("corrupt GGUF file cut.gguf")),
                 qPrintable(QString::number(n) + ": " + got));
    }
}

void TestGguf::typeTable()
{
    // The block geometry of the types Wan quantisations use (gguf-py constants.GGML_QUANT_SIZES).
    struct Row
    {
        GgmlType type;
        std::uint32_t elements, bytes;
    };
    const Row rows[] = {{GgmlType::F32, 1, 4},    {GgmlType::F16, 1, 2},      {GgmlType::BF16, 1, 2},
                        {GgmlType::Q8_0, 32, 34}, {GgmlType::Q6_K, 256, 210}, {GgmlType::Q5_K, 256, 176},
                        {GgmlType::Q5_0, 32, 22}, {GgmlType::Q5_1, 32, 24},   {GgmlType::Q4_K, 256, 144},
                        {GgmlType::Q4_0, 32, 18}, {GgmlType::Q4_1, 32, 20},   {GgmlType::Q3_K, 256, 110},
                        {GgmlType::Q2_K, 256, 84}};
    for (const auto& r : rows) {
        const auto* info = ggmlTypeInfo(std::uint32_t(r.type));
        QVERIFY(info);
        QCOMPARE(info->blockElements, r.elements);
        QCOMPARE(info->blockBytes, r.bytes);
        QVERIFY(info->dequantizable);
    }
    QVERIFY(ggmlTypeInfo(4) == nullptr);
    QVERIFY(!ggmlTypeInfo(std::uint32_t(GgmlType::IQ2_XXS))->dequantizable);
}

void TestGguf::halfExhaustive()
{
    // Every half against its value computed from the definition.
    for (std::uint32_t h = 0; h < 65536; ++h) {
        const int sign = (h >> 15) ? -1 : 1;
        const int exp = (h >> 10) & 0x1F;
        const int man = h & 0x3FF;
        const float got = halfToFloat(std::uint16_t(h));
        if (exp == 31) {
            QVERIFY(man ? std::isnan(got) : std::isinf(got) && (got < 0) == (sign < 0));
            continue;
        }
        const double want =
            exp == 0 ? sign * std::ldexp(double(man), -24) : sign * std::ldexp(1.0 + man / 1024.0, exp - 15);
        if (bitsOf(got) != bitsOf(float(want)))
            QFAIL(qPrintable(QStringLiteral("half 0x%1: got %2 want %3").arg(h, 4, 16).arg(got).arg(want)));
        QCOMPARE(wan::test::floatToHalf(got), std::uint16_t(h)); // and the test writer's inverse
    }
    QCOMPARE(bfloat16ToFloat(0x3F80), 1.0f);
    QCOMPARE(bfloat16ToFloat(0xC0A0), -5.0f);
}

void TestGguf::fp8Exhaustive()
{
    // Against the definitions (tests/core/test_fp8.cpp checks the same against LibTorch's casts).
    for (int b = 0; b < 256; ++b) {
        const int sign = (b >> 7) ? -1 : 1;
        {
            const int exp = (b >> 3) & 0xF, man = b & 7;
            const float got = fp8E4M3FnToFloat(std::uint8_t(b));
            if (exp == 15 && man == 7) {
                QVERIFY(std::isnan(got));
            } else {
                const double want = exp == 0 ? sign * std::ldexp(double(man), -9)
                                             : sign * std::ldexp(1.0 + man / 8.0, exp - 7);
                QCOMPARE(bitsOf(got), bitsOf(float(want)));
            }
        }
        {
            const int exp = (b >> 2) & 0x1F, man = b & 3;
            const float got = fp8E5M2ToFloat(std::uint8_t(b));
            if (exp == 31) {
                QVERIFY(man ? std::isnan(got) : std::isinf(got));
            } else {
                const double want = exp == 0 ? sign * std::ldexp(double(man), -16)
                                             : sign * std::ldexp(1.0 + man / 4.0, exp - 15);
                QCOMPARE(bitsOf(got), bitsOf(float(want)));
            }
        }
    }
    QCOMPARE(fp8E4M3FnToFloat(0x7E), 448.0f);        // the largest e4m3fn value
    const std::uint8_t codes[] = {0x38, 0xB8, 0x7E}; // 1, -1, 448
    float out[3];
    dequantizeFp8(DType::F8E4M3, codes, 3, 0.5f, out);
    QCOMPARE(out[0], 0.5f);
    QCOMPARE(out[1], -0.5f);
    QCOMPARE(out[2], 224.0f);
    QVERIFY_THROWS_EXCEPTION(wan::Error, dequantizeFp8(DType::F16, codes, 3, 1.0f, out));
}

void TestGguf::dequantizeChecksSizes()
{
    std::vector<std::uint8_t> src(34);
    std::vector<float> dst(64);
    QVERIFY_THROWS_EXCEPTION(wan::Error,
                             dequantizeGgml(std::uint32_t(GgmlType::Q8_0), src.data(), 34, dst.data(), 64));
    QVERIFY_THROWS_EXCEPTION(wan::Error,
                             dequantizeGgml(std::uint32_t(GgmlType::Q8_0), src.data(), 34, dst.data(), 31));
    try {
        dequantizeGgml(std::uint32_t(GgmlType::IQ2_XXS), src.data(), 0, dst.data(), 0);
        QFAIL("IQ2_XXS was accepted");
    } catch (const wan::Error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("IQ2_XXS is not supported")), e.what());
    }
}

QTEST_GUILESS_MAIN(TestGguf)
#include "test_gguf.moc"
