#include "io/TensorIo.h"
#include "support/CheckpointWriter.h"
#include "support/CorruptCheckpoints.h"
#include "support/TestSupport.h"
#include "wan/Error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>

using wan::io::TensorMap;
namespace fs = std::filesystem;

namespace {

using wan::test::writeFile;

double sum64(const torch::Tensor& t)
{
    return t.to(torch::kFloat64).sum().item<double>();
}

} // namespace

class TestIoPth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixtureT5Bf16();
    void fixtureVae();
    void fixtureClip();
    void writtenByTorch();
    void generated_data();
    void generated();
    void corrupt_data();
    void corrupt();
    void forbiddenGlobalRunsNothing();
    void notAFile();
};

void TestIoPth::fixtureT5Bf16()
{
    WAN_REQUIRE_FIXTURES();
    const fs::path file = wan::test::fixturesDir() / "wan-tiny-t2v" / "models_t5_umt5-xxl-enc-bf16.pth";
    const TensorMap w = wan::io::loadPth(file);
    QCOMPARE(w.size(), std::size_t(22));
    const auto& emb = w.at("token_embedding.weight");
    QCOMPARE(emb.scalar_type(), torch::kBFloat16);
    QCOMPARE(emb.sizes().vec(), (std::vector<int64_t>{832, 32}));
    QCOMPARE(w.at("blocks.0.pos_embedding.embedding.weight").sizes().vec(), (std::vector<int64_t>{32, 4}));
    QCOMPARE(w.at("blocks.0.ffn.fc1.weight").sizes().vec(), (std::vector<int64_t>{64, 32}));
    // Values recorded with torch.load.
    QCOMPARE(emb[3][5].item<float>(), 0.0908203125f);
    QVERIFY(std::abs(sum64(emb) - -13.367986619472504) < 1e-9);
    // Zero copy: every tensor points into the one mapping of the file.
    const auto a = reinterpret_cast<std::uintptr_t>(emb.data_ptr());
    const auto b = reinterpret_cast<std::uintptr_t>(w.at("blocks.1.ffn.fc2.weight").data_ptr());
    QVERIFY((a > b ? a - b : b - a) < fs::file_size(file));
}

void TestIoPth::fixtureVae()
{
    WAN_REQUIRE_FIXTURES();
    const TensorMap w = wan::io::loadPth(wan::test::fixturesDir() / "wan-tiny-t2v" / "Wan2.1_VAE.pth");
    QCOMPARE(w.size(), std::size_t(194));
    const auto& conv1 = w.at("encoder.conv1.weight");
    QCOMPARE(conv1.scalar_type(), torch::kFloat32);
    QCOMPARE(conv1.sizes().vec(), (std::vector<int64_t>{6, 3, 3, 3, 3}));
    QCOMPARE(conv1[2][1][0][1][2].item<float>(), -0.05942148715257645f);
    QVERIFY(std::abs(sum64(conv1) - 1.2372561413794756) < 1e-6);
    QCOMPARE(w.at("encoder.downsamples.0.residual.0.gamma").sizes().vec(),
             (std::vector<int64_t>{6, 1, 1, 1}));
    int64_t total = 0;
    for (const auto& [name, t] : w)
        total += t.numel();
    QCOMPARE(total, int64_t(529201));
}

void TestIoPth::fixtureClip()
{
    WAN_REQUIRE_FIXTURES();
    const TensorMap w = wan::io::loadPth(wan::test::fixturesDir() / "wan-tiny-i2v" /
                                         "models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth");
    QCOMPARE(w.size(), std::size_t(68));
    QCOMPARE(w.at("log_scale").dim(), int64_t(0));
    QCOMPARE(w.at("log_scale").item<float>(), 2.6592600345611572f);
    QCOMPARE(w.at("visual.patch_embedding.weight").sizes().vec(), (std::vector<int64_t>{64, 3, 14, 14}));
    QCOMPARE(w.at("visual.pos_embedding").sizes().vec(), (std::vector<int64_t>{1, 257, 64}));
    QCOMPARE(w.at("visual.transformer.2.mlp.0.weight").sizes().vec(), (std::vector<int64_t>{256, 64}));
    QVERIFY(std::abs(sum64(w.at("visual.patch_embedding.weight")) - 8.314848613768959) < 1e-6);
}

void TestIoPth::writtenByTorch()
{
    // torch.save(OrderedDict) of every common dtype, a strided view and a 0-d tensor (seed of the fuzz
    // corpus).
    const fs::path file = wan::test::sourcePath("tests/fuzz/corpus/pth/torch_ordereddict");
    WAN_REQUIRE_SOURCE_FILE(file);
    const TensorMap w = wan::io::loadPth(file);
    QCOMPARE(w.size(), std::size_t(7));
    QCOMPARE(w.at("w")[1][2].item<float>(), 5.0f);
    QCOMPARE(w.at("v").sizes().vec(), (std::vector<int64_t>{2}));
    QCOMPARE(w.at("v")[1].item<float>(), 4.0f);
    QCOMPARE(w.at("e").scalar_type(), torch::kBFloat16);
    QCOMPARE(w.at("e")[1].item<float>(), -2.0f);
    QCOMPARE(w.at("i").scalar_type(), torch::kInt64);
    QCOMPARE(w.at("i")[0].item<int64_t>(), int64_t(3));
    QCOMPARE(w.at("b").scalar_type(), torch::kBool);
    QCOMPARE(w.at("b")[0].item<bool>(), true);
    QCOMPARE(w.at("h").scalar_type(), torch::kFloat16);
    QCOMPARE(w.at("h").to(torch::kFloat32)[0].item<float>(), 0.5f);
    QCOMPARE(w.at("s").dim(), int64_t(0));
    QCOMPARE(w.at("s").item<float>(), 2.5f);
}

void TestIoPth::generated_data()
{
    QTest::addColumn<bool>("zip64");
    QTest::newRow("zip") << false;
    QTest::newRow("zip64") << true;
}

void TestIoPth::generated()
{
    QFETCH(bool, zip64);
    QTemporaryDir dir;
    const auto file = writeFile(dir, "tiny.pth", wan::test::validPth(zip64));
    const TensorMap w = wan::io::loadPth(file);
    QCOMPARE(w.size(), std::size_t(3));
    QCOMPARE(w.at("w").sizes().vec(), (std::vector<int64_t>{2, 3}));
    QCOMPARE(w.at("w")[1][2].item<float>(), 5.0f);
    QCOMPARE(w.at("e").scalar_type(), torch::kBFloat16);
    QCOMPARE(w.at("e")[1].item<float>(), -2.0f);
    // "v" is a strided view of w's storage: elements 1 and 4.
    QCOMPARE(w.at("v").strides().vec(), (std::vector<int64_t>{3}));
    QCOMPARE(w.at("v")[0].item<float>(), 1.0f);
    QCOMPARE(w.at("v")[1].item<float>(), 4.0f);
    QCOMPARE(w.at("v").storage().data(), w.at("w").storage().data());
    QCOMPARE(reinterpret_cast<std::uintptr_t>(w.at("w").data_ptr()) % 64, std::uintptr_t(0));
}

void TestIoPth::corrupt_data()
{
    wan::test::addCorruptCaseRows(wan::test::corruptPthCases());
}

void TestIoPth::corrupt()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const auto file = writeFile(dir, "bad.pth", bytes.toStdString());
    try {
        wan::io::loadPth(file);
        QFAIL("no wan::Error thrown");
    } catch (const wan::Error& e) {
        QCOMPARE(e.kind(), wan::ErrorKind::CorruptFile);
        const QString what = e.what();
        QVERIFY2(what.contains(message), qPrintable(what));
        QVERIFY2(what.contains(QString::fromStdString(file.string())), qPrintable(what));
    }
}

void TestIoPth::forbiddenGlobalRunsNothing()
{
    QTemporaryDir dir;
    const auto bad = wan::test::corruptPthCases();
    const auto it =
        std::find_if(bad.begin(), bad.end(), [](const auto& c) { return c.name == "os.system via GLOBAL"; });
    QVERIFY(it != bad.end());
    const auto file = writeFile(dir, "evil.pth", it->bytes);
    const QString previous = QDir::currentPath();
    QDir::setCurrent(dir.path());
    try {
        wan::io::loadPth(file);
    } catch (const wan::Error& e) {
        QVERIFY2(QString(e.what()).contains("refuses global 'os.system'"), e.what());
    }
    QDir::setCurrent(previous);
    QVERIFY(!QFile::exists(dir.filePath("pwned!")));
}

void TestIoPth::notAFile()
{
    QTemporaryDir dir;
    try {
        wan::io::loadPth(dir.path().toStdString());
        QFAIL("no wan::Error thrown");
    } catch (const wan::Error& e) {
        QCOMPARE(e.kind(), wan::ErrorKind::ModelFolder);
        QVERIFY2(QString(e.what()).contains("not a regular file"), e.what());
    }
}

QTEST_GUILESS_MAIN(TestIoPth)
#include "test_io_pth.moc"
