// Our GGUF reader and dequantisers against llama.cpp's reference Python package (gguf-py, pinned in
// installer/test-requirements.txt): tests/scripts/gguf_oracle.py writes a GGUF with tensors of every
// supported type (quantised by gguf-py where it can, random valid blocks otherwise) and gguf-py's dequantised
// values; this test requires bit-identical floats for every tensor. The ctest fixture gguf_oracle_files
// writes the files and passes their folder in WAN_GGUF_ORACLE_DIR.
#include "io/MappedFile.h"
#include "io/RawGguf.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

#include <cstring>
#include <filesystem>
#include <fstream>

using namespace wan::io;

class TestGgufOracle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyTypeBitExact();
};

void TestGgufOracle::everyTypeBitExact()
{
    const QByteArray dirEnv = qgetenv("WAN_GGUF_ORACLE_DIR");
    if (dirEnv.isEmpty())
        QFAIL("WAN_GGUF_ORACLE_DIR is not set: run this test through ctest (its fixture gguf_oracle_files "
              "writes "
              "the oracle files with tests/scripts/gguf_oracle.sh)");
    const std::filesystem::path dir(dirEnv.toStdString());
    QFile manifestFile(QString::fromStdString((dir / "manifest.json").string()));
    QVERIFY2(manifestFile.open(QIODevice::ReadOnly), "manifest.json of the oracle is missing");
    const auto manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
    qInfo("oracle written by gguf-py %s",
          qPrintable(manifest.value(QStringLiteral("gguf_version")).toString()));

    const auto file = MappedFile::open(dir / "oracle.gguf");
    const auto g = parseGguf(file->data(), file->size(), file->path().string());
    QCOMPARE(g.architecture(), std::string("wan"));
    QCOMPARE(g.alignment, 64u);
    // The metadata gguf-py wrote, of every value type.
    QCOMPARE(g.find("test.u8")->u, std::uint64_t(200));
    QCOMPARE(g.find("test.i8")->i, std::int64_t(-5));
    QCOMPARE(g.find("test.u16")->u, std::uint64_t(60000));
    QCOMPARE(g.find("test.i16")->i, std::int64_t(-30000));
    QCOMPARE(g.find("test.u32")->u, std::uint64_t(4000000000u));
    QCOMPARE(g.find("test.i32")->i, std::int64_t(-2000000000));
    QCOMPARE(g.find("test.u64")->u, (std::uint64_t(1) << 63) + 5);
    QCOMPARE(g.find("test.i64")->i, -(std::int64_t(1) << 62));
    QCOMPARE(g.find("test.f32")->f, 0.25);
    QCOMPARE(g.find("test.f64")->f, -1.5e300);
    QCOMPARE(g.find("test.bool")->b, true);
    QCOMPARE(g.find("test.string")->s, std::string("Wan \xe4\xb8\x87"));
    QCOMPARE(g.find("test.strings")->strings, (std::vector<std::string>{"a", "", "blocks.0"}));
    QCOMPARE(g.find("test.ints")->numbers, (std::vector<double>{1, -2, 3}));
    QCOMPARE(g.find("test.nested")->arrays.size(), std::size_t(2));
    QCOMPARE(g.find("test.nested")->arrays[1].numbers, (std::vector<double>{3, 4, 5}));

    const QSet<QString> required{"F32",  "F16",  "BF16", "Q8_0", "Q6_K", "Q5_K", "Q5_0",
                                 "Q5_1", "Q4_K", "Q4_0", "Q4_1", "Q3_K", "Q2_K"};
    QSet<QString> seen, seenQuantised;
    const auto tensors = manifest.value(QStringLiteral("tensors")).toArray();
    QCOMPARE(std::size_t(tensors.size()), g.tensors.size());
    for (const auto& entry : tensors) {
        const auto o = entry.toObject();
        const auto name = o.value(QStringLiteral("name")).toString().toStdString();
        const auto typeName = o.value(QStringLiteral("type")).toString();
        const auto it = std::find_if(g.tensors.begin(), g.tensors.end(),
                                     [&](const GgufTensorInfo& t) { return t.name == name; });
        QVERIFY2(it != g.tensors.end(), name.c_str());
        QCOMPARE(it->type, std::uint32_t(o.value(QStringLiteral("type_id")).toInt()));
        QCOMPARE(QString::fromUtf8(ggmlTypeInfo(it->type)->name.data(),
                                   qsizetype(ggmlTypeInfo(it->type)->name.size())),
                 typeName);
        std::vector<std::int64_t> shape;
        for (const auto& d : o.value(QStringLiteral("shape")).toArray())
            shape.push_back(d.toInteger());
        QCOMPARE(it->shape, shape);

        std::vector<float> got(it->numel);
        dequantizeGgml(it->type, file->data() + it->dataOffset, it->dataBytes, got.data(), it->numel);
        std::vector<float> want(it->numel);
        std::ifstream in(dir / (name + ".f32"), std::ios::binary);
        in.read(reinterpret_cast<char*>(want.data()), std::streamsize(want.size() * 4));
        QVERIFY2(in && in.peek() == EOF, (name + ".f32 has the wrong size").c_str());
        std::size_t mismatches = 0, first = 0;
        for (std::size_t k = 0; k < got.size(); ++k) {
            if (std::memcmp(&got[k], &want[k], 4) != 0 && mismatches++ == 0)
                first = k;
        }
        if (mismatches)
            QFAIL(qPrintable(
                QStringLiteral("%1 (%2): %3 of %4 values differ from gguf-py; first at %5: got %6 want %7")
                    .arg(QString::fromStdString(name), typeName)
                    .arg(mismatches)
                    .arg(got.size())
                    .arg(first)
                    .arg(double(got[first]), 0, 'g', 9)
                    .arg(double(want[first]), 0, 'g', 9)));
        qInfo("%-16s %-5s %zu values bit-identical to gguf-py", name.c_str(), qPrintable(typeName),
              got.size());
        seen.insert(typeName);
        if (o.value(QStringLiteral("quantised_by_gguf_py")).toBool())
            seenQuantised.insert(typeName);
    }
    QCOMPARE(seen, required);
    qInfo("types quantised by gguf-py itself: %lld; the others are random valid blocks",
          qlonglong(seenQuantised.size()));
}

QTEST_GUILESS_MAIN(TestGgufOracle)
#include "test_gguf_oracle.moc"
