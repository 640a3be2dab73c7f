#include "support/TestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out, err;
};

Run runCli(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(WAN_GENERATE_PATH), args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace

class TestCliInspect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inspectJson_data();
    void inspectJson();
    void inspectText();
    void invalidFolder();
    void setGivenAsFiles();
    void setMissingParts();
    void badArguments_data();
    void badArguments();
};

void TestCliInspect::inspectJson_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("inDim");
    QTest::newRow("t2v") << "wan-tiny-t2v" << 16;
    QTest::newRow("i2v") << "wan-tiny-i2v" << 36;
}

void TestCliInspect::inspectJson()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixture);
    QFETCH(int, inDim);
    const QString dir = QString::fromStdString((wan::test::fixturesDir() / fixture.toStdString()).string());
    const Run r = runCli({"--inspect", "--json", "--ckpt_dir", dir});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QJsonParseError parseError;
    const auto doc = QJsonDocument::fromJson(r.out, &parseError);
    QVERIFY2(doc.isObject(), qPrintable(parseError.errorString()));
    const auto o = doc.object();
    const bool i2v = fixture.contains("i2v");
    QCOMPARE(o["model_type"].toString(), i2v ? QString("i2v") : QString("t2v"));
    const auto dit = o["dit"].toObject();
    QCOMPARE(dit["dim"].toInt(), 64);
    QCOMPARE(dit["ffn_dim"].toInt(), 128);
    QCOMPARE(dit["num_heads"].toInt(), 4);
    QCOMPARE(dit["num_layers"].toInt(), 2);
    QCOMPARE(dit["in_dim"].toInt(), inDim);
    QCOMPARE(dit["out_dim"].toInt(), 16);
    QCOMPARE(dit["text_len"].toInt(), 512);
    QCOMPARE(dit["freq_dim"].toInt(), 256);
    QCOMPARE(dit["text_dim"].toInt(), 32);
    const auto t5 = o["t5"].toObject();
    QCOMPARE(t5["dim"].toInt(), 32);
    QCOMPARE(t5["num_layers"].toInt(), 2);
    QCOMPARE(t5["num_heads"].toInt(), 4);
    QCOMPARE(t5["ffn_dim"].toInt(), 64);
    QCOMPARE(t5["vocab"].toInt(), 832);
    QCOMPARE(o["vae"].toObject()["z_dim"].toInt(), 16);
    QCOMPARE(o.contains("clip"), i2v);
    if (i2v) {
        const auto clip = o["clip"].toObject();
        QCOMPARE(clip["width"].toInt(), 64);
        QCOMPARE(clip["layers"].toInt(), 3);
        QCOMPARE(clip["patch_size"].toInt(), 14);
        QCOMPARE(clip["image_size"].toInt(), 224);
    }
}

void TestCliInspect::inspectText()
{
    WAN_REQUIRE_FIXTURES();
    const QString dir = QString::fromStdString((wan::test::fixturesDir() / "wan-tiny-t2v").string());
    const Run r = runCli({"--inspect", "--ckpt_dir", dir});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("DiT: dim 64"), r.out.constData());
}

void TestCliInspect::invalidFolder()
{
    QTemporaryDir tmp;
    const Run r = runCli({"--inspect", "--json", "--ckpt_dir", tmp.path()});
    QCOMPARE(r.exitCode, 3);
    QVERIFY(r.out.isEmpty());
    const QByteArray err = r.err.trimmed();
    QVERIFY2(err.startsWith("wan-generate: error: Missing "), err.constData());
    QVERIFY2(err.contains("config.json"), err.constData());
    QVERIFY2(!err.contains('\n'), err.constData());
}

// --dit/--t5/--vae/--tokenizer without --ckpt_dir: the set is inspected from its files, each named with its
// format in the JSON.
void TestCliInspect::setGivenAsFiles()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    auto arg = [](const std::filesystem::path& p) { return QString::fromStdString(p.string()); };
    const Run r =
        runCli({"--inspect", "--json", "--dit", arg(fixture / "diffusion_pytorch_model.safetensors"), "--t5",
                arg(fixture / "models_t5_umt5-xxl-enc-bf16.pth"), "--vae", arg(fixture / "Wan2.1_VAE.pth"),
                "--tokenizer", arg(fixture)});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const auto doc = QJsonDocument::fromJson(r.out);
    QVERIFY2(doc.isObject(), r.out.constData());
    const auto o = doc.object();
    QCOMPARE(o.value("model_type").toString(), QStringLiteral("t2v"));
    QCOMPARE(o.value("dit").toObject().value("dim").toInt(), 64);
    QCOMPARE(o.value("dit").toObject().value("config").toString(), arg(fixture / "config.json"));
    QCOMPARE(o.value("vae").toObject().value("file").toObject().value("format").toString(),
             QStringLiteral("official"));
    QCOMPARE(o.value("tokenizer").toString(), arg(fixture / "google" / "umt5-xxl" / "spiece.model"));
}

// A set with parts missing names the first one and exits with the model-folder code.
void TestCliInspect::setMissingParts()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    const Run r =
        runCli({"--inspect", "--dit",
                QString::fromStdString((fixture / "diffusion_pytorch_model.safetensors").string())});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("No umT5 text encoder"), r.err.constData());
    // What the given file is, identified by its content.
    QVERIFY2(r.out.contains("Wan 2.1 DiT (custom size, dim 64, t2v, official names, fp32)"),
             r.out.constData());
}

void TestCliInspect::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown flag") << QStringList{"--inspekt"} << "unknown argument '--inspekt'";
    QTest::newRow("missing value") << QStringList{"--inspect", "--ckpt_dir"} << "--ckpt_dir needs a value";
    QTest::newRow("no folder") << QStringList{"--inspect"} << "--ckpt_dir DIR is required";
    QTest::newRow("missing file value") << QStringList{"--inspect", "--dit"} << "--dit needs a value";
    QTest::newRow("json alone") << QStringList{"--json", "--ckpt_dir", "/x"}
                                << "--json only applies to --inspect";
    QTest::newRow("flag with value") << QStringList{"--inspect=yes", "--ckpt_dir", "/x"} << "takes no value";
}

void TestCliInspect::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
}

QTEST_GUILESS_MAIN(TestCliInspect)
#include "test_cli_inspect.moc"
