// The torch-free parse layer on its own: built with AddressSanitizer/UBSan by tests/scripts/run_sanitizers.sh.
#include "io/MappedFile.h"
#include "io/RawIo.h"
#include "support/CheckpointWriter.h"
#include "support/CorruptCheckpoints.h"
#include "wan/Error.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

using namespace wan::io;

namespace {

const std::uint8_t* bytesOf(const std::string& s)
{
    return reinterpret_cast<const std::uint8_t*>(s.data());
}

void addCases(const std::vector<wan::test::CorruptCase>& cases)
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    for (const auto& c : cases)
        QTest::newRow(c.name.c_str()) << QByteArray(c.bytes.data(), qsizetype(c.bytes.size()))
                                      << QString::fromStdString(c.expectedMessage);
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

} // namespace

class TestIoRaw : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void safetensorsValid();
    void safetensorsCorrupt_data();
    void safetensorsCorrupt();
    void safetensorsTruncatedEverywhere();
    void pthValid_data();
    void pthValid();
    void pthCorrupt_data();
    void pthCorrupt();
    void pthTruncatedEverywhere();
    void zipDirectory();
    void mappedFile();
};

void TestIoRaw::safetensorsValid()
{
    const std::string file = wan::test::validSafetensors();
    const auto h = parseSafetensorsHeader(bytesOf(file), file.size(), "valid");
    QCOMPARE(h.tensors.size(), std::size_t(3));
    QCOMPARE(h.metadata.at("title"), std::string("tiny"));
    QCOMPARE(h.tensors[0].name, std::string("a"));
    QCOMPARE(h.tensors[0].shape, (std::vector<std::int64_t>{2, 3}));
    QCOMPARE(h.tensors[0].strides, (std::vector<std::int64_t>{3, 1}));
    QCOMPARE(h.tensors[0].dataOffset, h.dataStart);
    QCOMPARE(h.tensors[1].dtype, DType::I64);
    QCOMPARE(h.tensors[2].dtype, DType::BF16);
    QCOMPARE(h.tensors[2].dataOffset + h.tensors[2].dataBytes, std::uint64_t(file.size()));

    // An empty tensor with huge other dimensions: valid, and its strides must not overflow (UBSan checks).
    const std::string empty = wan::test::safetensorsFromHeader(
        R"({"e":{"dtype":"F32","shape":[0,4611686018427387904,4611686018427387904],"data_offsets":[0,0]}})", "");
    const auto he = parseSafetensorsHeader(bytesOf(empty), empty.size(), "empty");
    QCOMPARE(he.tensors.size(), std::size_t(1));
    QCOMPARE(he.tensors[0].numel(), std::uint64_t(0));
    QCOMPARE(he.tensors[0].strides[2], std::int64_t(1));
    QCOMPARE(he.tensors[0].strides[1], std::int64_t(4611686018427387904));
    QCOMPARE(he.tensors[0].strides[0], std::numeric_limits<std::int64_t>::max());
}

void TestIoRaw::safetensorsCorrupt_data()
{
    addCases(wan::test::corruptSafetensorsCases());
}

void TestIoRaw::safetensorsCorrupt()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const std::string s = bytes.toStdString();
    const QString what =
        corruptMessage([&] { parseSafetensorsHeader(bytesOf(s), s.size(), "bad.safetensors"); });
    QVERIFY2(what.contains(message) && what.contains("bad.safetensors"), qPrintable(what));
}

void TestIoRaw::safetensorsTruncatedEverywhere()
{
    // Every prefix of a valid file fails cleanly: the last tensor always ends at the end of the file.
    const std::string file = wan::test::validSafetensors();
    for (std::size_t n = 0; n < file.size(); ++n) {
        const std::string cut = file.substr(0, n);
        const QString what = corruptMessage([&] { parseSafetensorsHeader(bytesOf(cut), cut.size(), "cut"); });
        QVERIFY2(!what.startsWith("<no error>") && !what.startsWith("wrong"), qPrintable(QString::number(n)));
    }
}

void TestIoRaw::pthValid_data()
{
    QTest::addColumn<bool>("zip64");
    QTest::newRow("zip") << false;
    QTest::newRow("zip64") << true;
}

void TestIoRaw::pthValid()
{
    QFETCH(bool, zip64);
    const std::string file = wan::test::validPth(zip64);
    const auto archive = parsePthArchive(bytesOf(file), file.size(), "valid.pth");
    QCOMPARE(archive.prefix, std::string("archive"));
    QCOMPARE(archive.tensors.size(), std::size_t(3));
    const auto& w = archive.tensors[0];
    QCOMPARE(w.name, std::string("w"));
    QCOMPARE(w.dtype, DType::F32);
    QCOMPARE(w.shape, (std::vector<std::int64_t>{2, 3}));
    QCOMPARE(w.dataBytes, std::uint64_t(24));
    QCOMPARE(w.dataOffset % 64, std::uint64_t(0));
    float first = -1;
    std::memcpy(&first, file.data() + w.dataOffset + 4, 4);
    QCOMPARE(first, 1.0f);
    QCOMPARE(archive.tensors[1].dtype, DType::BF16);
    const auto& v = archive.tensors[2];
    QCOMPARE(v.storageKey, w.storageKey);
    QCOMPARE(v.dataOffset, w.dataOffset);
    QCOMPARE(v.storageOffset, std::int64_t(1));
    QCOMPARE(v.strides, (std::vector<std::int64_t>{3}));
}

void TestIoRaw::pthCorrupt_data()
{
    addCases(wan::test::corruptPthCases());
}

void TestIoRaw::pthCorrupt()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const std::string s = bytes.toStdString();
    const QString what = corruptMessage([&] { parsePthArchive(bytesOf(s), s.size(), "bad.pth"); });
    QVERIFY2(what.contains(message) && what.contains("bad.pth"), qPrintable(what));
}

void TestIoRaw::pthTruncatedEverywhere()
{
    const std::string file = wan::test::validPth();
    for (std::size_t n = 0; n < file.size(); ++n) {
        const std::string cut = file.substr(0, n);
        const QString what = corruptMessage([&] { parsePthArchive(bytesOf(cut), cut.size(), "cut"); });
        QVERIFY2(!what.startsWith("<no error>") && !what.startsWith("wrong"), qPrintable(QString::number(n)));
    }
    // Single flipped bytes anywhere: parse or fail cleanly, never crash (sanitizers watch this).
    for (std::size_t i = 0; i < file.size(); ++i) {
        std::string flipped = file;
        flipped[i] = static_cast<char>(flipped[i] ^ 0xA5);
        try {
            parsePthArchive(bytesOf(flipped), flipped.size(), "flipped");
        } catch (const wan::Error&) {
        }
    }
}

void TestIoRaw::zipDirectory()
{
    std::ostringstream out;
    wan::test::ZipWriter zip(out);
    zip.addRecord("a/b.txt", "hello");
    zip.addRecord("a/empty", "");
    zip.finish();
    const std::string s = out.str();
    const auto entries = readZipDirectory(bytesOf(s), s.size(), "z.zip");
    QCOMPARE(entries.size(), std::size_t(2));
    QCOMPARE(entries[0].name, std::string("a/b.txt"));
    QCOMPARE(s.substr(entries[0].dataOffset, entries[0].size), std::string("hello"));
    QCOMPARE(entries[1].size, std::uint64_t(0));
    // A comment after the end record still finds it.
    std::string commented = s;
    commented[commented.size() - 2] = 3;
    commented += "abc";
    QCOMPARE(readZipDirectory(bytesOf(commented), commented.size(), "c.zip").size(), std::size_t(2));
}

void TestIoRaw::mappedFile()
{
    QTemporaryDir dir;
    const std::filesystem::path empty = dir.filePath("empty").toStdString();
    std::ofstream(empty).close();
    const auto m = MappedFile::open(empty);
    QCOMPARE(m->size(), std::size_t(0));
    try {
        MappedFile::open(dir.path().toStdString());
        QFAIL("a directory was mapped");
    } catch (const wan::Error& e) {
        QCOMPARE(e.kind(), wan::ErrorKind::ModelFolder);
    }
    try {
        MappedFile::open(dir.filePath("missing").toStdString());
        QFAIL("a missing file was mapped");
    } catch (const wan::Error& e) {
        QVERIFY(QString(e.what()).contains("missing"));
    }
    const std::string text = "0123456789";
    const std::filesystem::path file = dir.filePath("ten").toStdString();
    std::ofstream(file, std::ios::binary) << text;
    const auto ten = MappedFile::open(file);
    QCOMPARE(std::string(reinterpret_cast<const char*>(ten->data()), ten->size()), text);
}

QTEST_GUILESS_MAIN(TestIoRaw)
#include "test_io_raw.moc"
