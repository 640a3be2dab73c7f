// The GGUF block dequantisers as LibTorch tensor operations (io::dequantizeGgufBlocksWithTorch, the path a
// GPU uses on its own blocks): bit-identical to gguf-py on the oracle file of every type
// (tests/scripts/gguf_oracle.py, as test_gguf_oracle), and to the CPU decoder on random blocks that reach
// every bit pattern of the packed fields. Runs on the CPU; where LibTorch sees a CUDA device, the same checks
// also run there.
#include "io/MappedFile.h"
#include "io/QuantTensors.h"
#include "io/RawGguf.h"
#include "wan/Error.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

#include <torch/cuda.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

using namespace wan;
using namespace wan::io;

namespace {

std::vector<torch::Device> devices()
{
    std::vector<torch::Device> out{torch::kCPU};
    if (torch::cuda::is_available())
        out.emplace_back(torch::kCUDA);
    return out;
}

// Count of values whose bits differ (NaN payloads included), and the first such index.
std::pair<int64_t, int64_t> bitDifferences(const torch::Tensor& got, const torch::Tensor& want)
{
    const auto differ =
        got.contiguous().view(torch::kInt32).ne(want.contiguous().view(torch::kInt32)).view({-1});
    const int64_t count = differ.sum().item<int64_t>();
    return {count, count ? differ.nonzero()[0][0].item<int64_t>() : -1};
}

// Byte offsets of each block type's fp16 fields (d, dmin), which random bytes must not fill with NaN/Inf.
std::vector<int> halfFields(GgmlType type)
{
    switch (type) {
    case GgmlType::Q4_0:
    case GgmlType::Q5_0:
    case GgmlType::Q8_0:
        return {0};
    case GgmlType::Q4_1:
    case GgmlType::Q5_1:
    case GgmlType::Q4_K:
    case GgmlType::Q5_K:
        return {0, 2};
    case GgmlType::Q2_K:
        return {80, 82};
    case GgmlType::Q3_K:
        return {108};
    case GgmlType::Q6_K:
        return {208};
    default:
        return {};
    }
}

} // namespace

class TestGgufDevice : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oracleBitExact();
    void randomBlocksMatchCpuDecoder_data();
    void randomBlocksMatchCpuDecoder();
    void refusesWhatItCannotDecode();
};

void TestGgufDevice::oracleBitExact()
{
    const QByteArray dirEnv = qgetenv("WAN_GGUF_ORACLE_DIR");
    if (dirEnv.isEmpty())
        QFAIL("WAN_GGUF_ORACLE_DIR is not set: run this test through ctest (its fixture gguf_oracle_files "
              "writes the oracle files)");
    const std::filesystem::path dir(dirEnv.toStdString());
    QFile manifestFile(QString::fromStdString((dir / "manifest.json").string()));
    QVERIFY2(manifestFile.open(QIODevice::ReadOnly), "manifest.json of the oracle is missing");
    const auto manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
    const auto file = MappedFile::open(dir / "oracle.gguf");
    const auto g = parseGguf(file->data(), file->size(), file->path().string());

    const QSet<QString> required{"F32",  "F16",  "BF16", "Q8_0", "Q6_K", "Q5_K", "Q5_0",
                                 "Q5_1", "Q4_K", "Q4_0", "Q4_1", "Q3_K", "Q2_K"};
    for (const auto& device : devices()) {
        QSet<QString> seen;
        for (const auto& entry : manifest.value(QStringLiteral("tensors")).toArray()) {
            const auto o = entry.toObject();
            const auto name = o.value(QStringLiteral("name")).toString().toStdString();
            const auto it = std::find_if(g.tensors.begin(), g.tensors.end(),
                                         [&](const GgufTensorInfo& t) { return t.name == name; });
            QVERIFY2(it != g.tensors.end(), name.c_str());
            const auto blocks = torch::from_blob(const_cast<std::uint8_t*>(file->data() + it->dataOffset),
                                                 {int64_t(it->dataBytes)}, torch::kUInt8)
                                    .to(device);
            const auto got = dequantizeGgufBlocksWithTorch(blocks, it->type, it->shape, torch::kFloat32);
            QVERIFY(got.device() == device);
            auto want = torch::empty(it->shape, torch::kFloat32);
            std::ifstream in(dir / (name + ".f32"), std::ios::binary);
            in.read(reinterpret_cast<char*>(want.data_ptr<float>()), std::streamsize(want.numel() * 4));
            QVERIFY2(in && in.peek() == EOF, (name + ".f32 has the wrong size").c_str());
            const auto [count, first] = bitDifferences(got.cpu(), want);
            const auto type = o.value(QStringLiteral("type")).toString();
            QVERIFY2(
                count == 0,
                qPrintable(QStringLiteral("%1 (%2) on %3: %4 of %5 values differ from gguf-py, "
                                          "first at %6")
                               .arg(QString::fromStdString(name), type, QString::fromStdString(device.str()))
                               .arg(count)
                               .arg(want.numel())
                               .arg(first)));
            seen.insert(type);
        }
        QCOMPARE(seen, required);
        qInfo("%s: every tensor of the oracle bit-identical to gguf-py (%lld types)", device.str().c_str(),
              qlonglong(seen.size()));
    }
}

void TestGgufDevice::randomBlocksMatchCpuDecoder_data()
{
    QTest::addColumn<int>("type");
    for (const auto t : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q8_0, GgmlType::Q6_K,
                         GgmlType::Q5_K, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q4_K, GgmlType::Q4_0,
                         GgmlType::Q4_1, GgmlType::Q3_K, GgmlType::Q2_K}) {
        const auto name = ggmlTypeInfo(std::uint32_t(t))->name;
        QTest::newRow(std::string(name).c_str()) << int(t);
    }
}

// Random bytes reach every bit of the packed quants, scales, high-bit masks and signs; the fp16 fields get
// random finite values, and float rows random finite floats.
void TestGgufDevice::randomBlocksMatchCpuDecoder()
{
    QFETCH(int, type);
    const auto* info = ggmlTypeInfo(std::uint32_t(type));
    QVERIFY(info);
    // 8223 blocks: more than two of the CPU decoder's parallel chunks (4096 blocks), not a multiple of them.
    const int64_t rows = 3, blocksPerRow = 2741;
    const int64_t cols = blocksPerRow * info->blockElements;
    std::mt19937 rng(1234 + std::uint32_t(type));
    std::vector<std::uint8_t> bytes;
    const auto t = GgmlType(type);
    if (t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16) {
        const auto values = torch::randn({rows, cols}, torch::kFloat64) * 100.0;
        const auto stored = values.to(t == GgmlType::F32   ? torch::kFloat32
                                      : t == GgmlType::F16 ? torch::kFloat16
                                                           : torch::kBFloat16);
        const auto raw = stored.contiguous().view(torch::kUInt8).view({-1});
        bytes.assign(raw.data_ptr<std::uint8_t>(), raw.data_ptr<std::uint8_t>() + raw.numel());
    } else {
        bytes.resize(std::size_t(rows * blocksPerRow * info->blockBytes));
        for (auto& b : bytes)
            b = std::uint8_t(rng());
        std::uniform_real_distribution<float> scale(-2.0f, 2.0f);
        for (std::size_t block = 0; block < bytes.size(); block += info->blockBytes)
            for (const int at : halfFields(t)) {
                const auto h =
                    torch::tensor({scale(rng)}).to(torch::kFloat16).view(torch::kInt16).item<int16_t>();
                std::memcpy(&bytes[block + std::size_t(at)], &h, 2);
            }
    }
    auto want = torch::empty({rows, cols}, torch::kFloat32);
    dequantizeGgml(std::uint32_t(type), bytes.data(), bytes.size(), want.data_ptr<float>(),
                   std::uint64_t(want.numel()));
    const auto blocks = torch::from_blob(bytes.data(), {int64_t(bytes.size())}, torch::kUInt8);
    for (const auto& device : devices()) {
        const auto got = dequantizeGgufBlocksWithTorch(blocks.to(device), std::uint32_t(type), {rows, cols},
                                                       torch::kFloat32);
        const auto [count, first] = bitDifferences(got.cpu(), want);
        QVERIFY2(count == 0,
                 qPrintable(QStringLiteral("%1 on %2: %3 of %4 values differ, first at %5: %6 vs %7")
                                .arg(QString::fromUtf8(info->name.data(), qsizetype(info->name.size())),
                                     QString::fromStdString(device.str()))
                                .arg(count)
                                .arg(want.numel())
                                .arg(first)
                                .arg(first >= 0 ? got.cpu().view(-1)[first].item<double>() : 0.0)
                                .arg(first >= 0 ? want.view(-1)[first].item<double>() : 0.0)));
        // The bf16 a layer computes in is the float32 value rounded once.
        const auto bf16 = dequantizeGgufBlocksWithTorch(blocks.to(device), std::uint32_t(type), {rows, cols},
                                                        torch::kBFloat16);
        QCOMPARE(bf16.scalar_type(), torch::kBFloat16);
        QVERIFY(torch::equal(bf16.cpu(), want.to(torch::kBFloat16)));
    }
    // The public entry point picks this path for blocks off the CPU and the CPU decoder on it, in parallel
    // chunks of whole blocks: same values as the one-pass decode.
    at::set_num_threads(2);
    QVERIFY(
        torch::equal(dequantizeGgufBlocks(blocks, std::uint32_t(type), {rows, cols}, torch::kFloat32), want));
    auto into = torch::full({rows, cols}, -1.0f);
    dequantizeGgufBlocksInto(blocks, std::uint32_t(type), into);
    QVERIFY(torch::equal(into, want));
}

void TestGgufDevice::refusesWhatItCannotDecode()
{
    const auto blocks = torch::zeros({34 * 4}, torch::kUInt8);
    const auto kindOf = [&](std::uint32_t type, std::vector<int64_t> shape) {
        try {
            dequantizeGgufBlocksWithTorch(blocks, type, shape, torch::kFloat32);
        } catch (const Error& e) {
            qInfo("%s", e.what());
            return int(e.kind());
        }
        return -1;
    };
    QCOMPARE(kindOf(std::uint32_t(GgmlType::Q8_0), {4, 32}), -1);
    // 4 Q8_0 blocks hold 128 values, not 160 or 96.
    QCOMPARE(kindOf(std::uint32_t(GgmlType::Q8_0), {5, 32}), int(ErrorKind::CorruptFile));
    QCOMPARE(kindOf(std::uint32_t(GgmlType::Q8_0), {3, 32}), int(ErrorKind::CorruptFile));
    // Types the engine does not decode, and numbers ggml does not define.
    QCOMPARE(kindOf(std::uint32_t(GgmlType::IQ2_XXS), {4, 32}), int(ErrorKind::ModelFolder));
    QCOMPARE(kindOf(99, {4, 32}), int(ErrorKind::ModelFolder));
}

QTEST_GUILESS_MAIN(TestGgufDevice)
#include "test_gguf_device.moc"
