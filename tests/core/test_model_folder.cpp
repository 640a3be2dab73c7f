#include "io/TensorIo.h"
#include "support/CheckpointWriter.h"
#include "support/TestSupport.h"
#include "wan/Error.h"
#include "wan/ModelFolder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

namespace fs = std::filesystem;

namespace {

// A folder of symlinks to the fixture's files (and real copies of small text files), so single files can be
// removed or replaced.
fs::path linkFolder(const QTemporaryDir& tmp, const std::string& fixture)
{
    const fs::path src = wan::test::fixturesDir() / fixture;
    const fs::path dst = fs::path(tmp.path().toStdString()) / fixture;
    fs::create_directories(dst / "google" / "umt5-xxl");
    for (const auto& name :
         {"config.json", "diffusion_pytorch_model.safetensors", "models_t5_umt5-xxl-enc-bf16.pth",
          "Wan2.1_VAE.pth", "models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth",
          "google/umt5-xxl/spiece.model"}) {
        if (fs::exists(src / name))
            fs::create_symlink(src / name, dst / name);
    }
    return dst;
}

void writeText(const fs::path& file, const std::string& text)
{
    fs::remove(file);
    std::ofstream out(file, std::ios::binary);
    out << text;
}

std::string readText(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string replaced(std::string s, const std::string& from, const std::string& to)
{
    const auto at = s.find(from);
    if (at != std::string::npos)
        s.replace(at, from.size(), to);
    return s;
}

std::string tensorBytes(const torch::Tensor& t)
{
    const auto c = t.contiguous();
    return std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size());
}

// Splits the fixture DiT into two shards plus an index, the layout of the 14B folders.
void shardDit(const fs::path& dir)
{
    const fs::path single = dir / "diffusion_pytorch_model.safetensors";
    const auto weights = wan::io::loadSafetensors(single);
    std::vector<wan::test::SafetensorsSpec> parts[2];
    std::string weightMap;
    int i = 0;
    for (const auto& [name, t] : weights) {
        const int shard = (i++ % 2);
        std::vector<std::int64_t> shape(t.sizes().begin(), t.sizes().end());
        parts[shard].push_back({name, "F32", shape, tensorBytes(t)});
        weightMap += std::string(weightMap.empty() ? "" : ",") + "\"" + name +
                     "\":\"diffusion_pytorch_model-0000" + std::to_string(shard + 1) +
                     "-of-00002.safetensors\"";
    }
    for (int s = 0; s < 2; ++s)
        writeText(dir / ("diffusion_pytorch_model-0000" + std::to_string(s + 1) + "-of-00002.safetensors"),
                  wan::test::safetensorsFile(parts[s]));
    writeText(dir / "diffusion_pytorch_model.safetensors.index.json",
              "{\"metadata\":{\"total_size\":0},\"weight_map\":{" + weightMap + "}}");
    fs::remove(single);
}

} // namespace

class TestModelFolder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inspect_data();
    void inspect();
    void json();
    void broken_data();
    void broken();
    void sharded();
    void missingOfficialFiles();
    void shardedBroken();
};

void TestModelFolder::inspect_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("inDim");
    QTest::addColumn<int>("vaeDim");
    QTest::newRow("t2v") << "wan-tiny-t2v" << 16 << 6;
    QTest::newRow("i2v") << "wan-tiny-i2v" << 36 << 4;
}

void TestModelFolder::inspect()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixture);
    QFETCH(int, inDim);
    QFETCH(int, vaeDim);
    const fs::path dir = wan::test::fixturesDir() / fixture.toStdString();
    const wan::ModelInfo info = wan::inspectModelFolder(dir);
    const bool i2v = fixture.contains("i2v");
    QCOMPARE(info.modelType, i2v ? wan::ModelType::I2V : wan::ModelType::T2V);
    // Dims stated in the fixture READMEs.
    QCOMPARE(info.dit.dim, 64);
    QCOMPARE(info.dit.ffnDim, 128);
    QCOMPARE(info.dit.numHeads, 4);
    QCOMPARE(info.dit.numLayers, 2);
    QCOMPARE(info.dit.inDim, inDim);
    QCOMPARE(info.dit.outDim, 16);
    QCOMPARE(info.dit.textLen, 512);
    QCOMPARE(info.dit.freqDim, 256);
    QCOMPARE(info.dit.textDim, 32);
    QCOMPARE(info.dit.eps, 1e-6);
    QCOMPARE(info.dit.patchSize, (std::vector<int>{1, 2, 2}));
    QCOMPARE(info.dit.files.size(), std::size_t(1));
    QCOMPARE(info.dit.files[0].dtype, std::string("F32"));
    QCOMPARE(info.dit.files[0].sizeBytes,
             std::uint64_t(fs::file_size(dir / "diffusion_pytorch_model.safetensors")));
    QCOMPARE(info.t5.vocab, 832);
    QCOMPARE(info.t5.dim, 32);
    QCOMPARE(info.t5.dimAttn, 32);
    QCOMPARE(info.t5.ffnDim, 64);
    QCOMPARE(info.t5.numHeads, 4);
    QCOMPARE(info.t5.numLayers, 2);
    QCOMPARE(info.t5.numBuckets, 32);
    QCOMPARE(info.t5.file.dtype, std::string("BF16"));
    QCOMPARE(info.t5.file.parameterCount, std::uint64_t(47520)); // counted with torch.load
    QCOMPARE(info.vae.dim, vaeDim);
    QCOMPARE(info.vae.zDim, 16);
    QCOMPARE(info.vae.file.dtype, std::string("F32"));
    QCOMPARE(info.tokenizerModel, dir / "google/umt5-xxl/spiece.model");
    QCOMPARE(info.clip.has_value(), i2v);
    if (i2v) {
        QCOMPARE(info.clip->width, 64);
        QCOMPARE(info.clip->layers, 3);
        QCOMPARE(info.clip->patchSize, 14);
        QCOMPARE(info.clip->imageSize, 224);
        QCOMPARE(info.clip->heads, 16);
        QCOMPARE(info.clip->mlpDim, 256);
        QCOMPARE(info.clip->outDim, 32);
        QCOMPARE(info.clip->file.parameterCount, std::uint64_t(225409));
    }
    const std::string text = wan::modelInfoToText(info);
    QVERIFY(text.find("dim 64") != std::string::npos);
    QVERIFY(text.find(i2v ? "CLIP: width 64" : "VAE: dim 6") != std::string::npos);
}

void TestModelFolder::json()
{
    WAN_REQUIRE_FIXTURES();
    const auto info = wan::inspectModelFolder(wan::test::fixturesDir() / "wan-tiny-i2v");
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(wan::modelInfoToJson(info)));
    QVERIFY(doc.isObject());
    const auto o = doc.object();
    QCOMPARE(o["model_type"].toString(), QString("i2v"));
    QCOMPARE(o["dit"].toObject()["text_dim"].toInt(), 32);
    QCOMPARE(o["dit"].toObject()["in_dim"].toInt(), 36);
    QCOMPARE(o["dit"].toObject()["files"].toArray().size(), qsizetype(1));
    QCOMPARE(o["t5"].toObject()["vocab"].toInt(), 832);
    QCOMPARE(o["t5"].toObject()["file"].toObject()["dtype"].toString(), QString("BF16"));
    QCOMPARE(o["vae"].toObject()["z_dim"].toInt(), 16);
    QCOMPARE(o["clip"].toObject()["image_size"].toInt(), 224);
    QCOMPARE(o["clip"].toObject()["patch_size"].toInt(), 14);
}

void TestModelFolder::broken_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("remove"); // file to delete
    QTest::addColumn<QString>("from");   // config.json edit
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("message"); // expected in the error
    const QString t2v = "wan-tiny-t2v", i2v = "wan-tiny-i2v";
    QTest::newRow("no config") << t2v << "config.json"
                               << ""
                               << ""
                               << "config.json";
    QTest::newRow("no dit") << t2v << "diffusion_pytorch_model.safetensors"
                            << ""
                            << ""
                            << "diffusion_pytorch_model.safetensors";
    QTest::newRow("no t5") << t2v << "models_t5_umt5-xxl-enc-bf16.pth"
                           << ""
                           << ""
                           << "models_t5_umt5-xxl-enc-bf16.pth (the umT5-XXL text encoder)";
    QTest::newRow("no vae") << t2v << "Wan2.1_VAE.pth"
                            << ""
                            << ""
                            << "Wan2.1_VAE.pth (the Wan2.1 VAE)";
    QTest::newRow("no tokenizer") << t2v << "google/umt5-xxl/spiece.model"
                                  << ""
                                  << ""
                                  << "spiece.model";
    QTest::newRow("i2v without clip") << i2v << "models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth"
                                      << ""
                                      << ""
                                      << "models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth";
    QTest::newRow("unknown model_type") << t2v << ""
                                        << "\"t2v\""
                                        << "\"x2v\""
                                        << "\"model_type\" is 'x2v'";
    QTest::newRow("t2v weights, i2v config") << t2v << ""
                                             << "\"t2v\""
                                             << "\"i2v\""
                                             << "no image embedding";
    QTest::newRow("wrong num_layers") << t2v << ""
                                      << "\"num_layers\": 2"
                                      << "\"num_layers\": 3"
                                      << "num_layers 3";
    QTest::newRow("wrong dim") << t2v << ""
                               << "\"dim\": 64"
                               << "\"dim\": 48"
                               << "patch_embedding.weight";
    QTest::newRow("wrong ffn_dim") << t2v << ""
                                   << "\"ffn_dim\": 128"
                                   << "\"ffn_dim\": 256"
                                   << "ffn_dim";
    QTest::newRow("negative dim") << t2v << ""
                                  << "\"dim\": 64"
                                  << "\"dim\": -64"
                                  << "positive integer";
    QTest::newRow("config not json") << t2v << ""
                                     << "{"
                                     << "["
                                     << "config.json";
    QTest::newRow("Hugging Face hint") << t2v << "Wan2.1_VAE.pth"
                                       << ""
                                       << ""
                                       << "Wan-AI/Wan2.1-T2V-1.3B";
}

void TestModelFolder::broken()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixture);
    QFETCH(QString, remove);
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    const fs::path dir = linkFolder(tmp, fixture.toStdString());
    wan::inspectModelFolder(dir); // the intact copy is valid
    if (!remove.isEmpty())
        fs::remove(dir / remove.toStdString());
    if (!from.isEmpty()) {
        const auto config = readText(dir / "config.json");
        writeText(dir / "config.json", replaced(config, from.toStdString(), to.toStdString()));
    }
    try {
        wan::inspectModelFolder(dir);
        QFAIL("no wan::Error thrown");
    } catch (const wan::Error& e) {
        QCOMPARE(e.kind(), wan::ErrorKind::ModelFolder);
        QVERIFY2(QString(e.what()).contains(message), e.what());
    }
}

void TestModelFolder::sharded()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir tmp;
    const fs::path dir = linkFolder(tmp, "wan-tiny-t2v");
    const auto reference = wan::io::loadDitWeights(dir);
    const auto single = wan::inspectModelFolder(dir);
    shardDit(dir);
    const auto info = wan::inspectModelFolder(dir);
    QCOMPARE(info.dit.files.size(), std::size_t(2));
    QCOMPARE(info.dit.files[0].parameterCount + info.dit.files[1].parameterCount,
             single.dit.files[0].parameterCount);
    QCOMPARE(info.dit.dim, single.dit.dim);
    QCOMPARE(info.dit.textDim, single.dit.textDim);
    const auto weights = wan::io::loadDitWeights(dir);
    QCOMPARE(weights.size(), reference.size());
    for (const auto& [name, t] : reference) {
        QVERIFY2(weights.count(name), name.c_str());
        QVERIFY2(torch::equal(weights.at(name), t), name.c_str());
    }
}

void TestModelFolder::missingOfficialFiles()
{
    WAN_REQUIRE_FIXTURES();
    using Names = std::vector<std::string>;
    QTemporaryDir tmp;
    const fs::path dir = linkFolder(tmp, "wan-tiny-i2v");
    QCOMPARE(wan::missingOfficialFiles(dir), Names{});
    // Every absent file is listed at once, in the official order; an i2v config.json needs CLIP.
    fs::remove(dir / wan::officialFiles::kVae);
    fs::remove(dir / wan::officialFiles::kT5);
    fs::remove(dir / wan::officialFiles::kTokenizer);
    fs::remove(dir / wan::officialFiles::kClip);
    QCOMPARE(wan::missingOfficialFiles(dir),
             (Names{"models_t5_umt5-xxl-enc-bf16.pth", "Wan2.1_VAE.pth", "google/umt5-xxl/spiece.model",
                    "models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth"}));
    // Shards with their index stand in for the single DiT file; without config.json nothing says CLIP.
    shardDit(dir);
    QVERIFY(!fs::exists(dir / wan::officialFiles::kDit));
    fs::remove(dir / wan::officialFiles::kDitConfig);
    QCOMPARE(wan::missingOfficialFiles(dir), (Names{"config.json", "models_t5_umt5-xxl-enc-bf16.pth",
                                                    "Wan2.1_VAE.pth", "google/umt5-xxl/spiece.model"}));
    fs::remove(dir / wan::officialFiles::kDitIndex);
    QCOMPARE(wan::missingOfficialFiles(dir).at(1), std::string("diffusion_pytorch_model.safetensors"));
    // A t2v folder needs no CLIP.
    const fs::path t2v = linkFolder(tmp, "wan-tiny-t2v");
    fs::remove(t2v / wan::officialFiles::kVae);
    QCOMPARE(wan::missingOfficialFiles(t2v), Names{"Wan2.1_VAE.pth"});
    QCOMPARE(wan::missingOfficialFiles(fs::path(tmp.path().toStdString()) / "absent").size(), std::size_t(5));
}

void TestModelFolder::shardedBroken()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir tmp;
    const fs::path dir = linkFolder(tmp, "wan-tiny-t2v");
    shardDit(dir);
    const fs::path index = dir / "diffusion_pytorch_model.safetensors.index.json";
    const std::string good = readText(index);

    // A name mapped to the wrong shard.
    writeText(index, replaced(good, "\"head.head.weight\":\"diffusion_pytorch_model-00001",
                              "\"head.head.weight\":\"diffusion_pytorch_model-00002"));
    if (readText(index) == good)
        writeText(index, replaced(good, "\"head.head.weight\":\"diffusion_pytorch_model-00002",
                                  "\"head.head.weight\":\"diffusion_pytorch_model-00001"));
    QVERIFY(readText(index) != good);
    for (int pass = 0; pass < 2; ++pass) {
        try {
            if (pass == 0)
                wan::io::loadDitWeights(dir);
            else
                wan::inspectModelFolder(dir);
            QFAIL("no wan::Error thrown");
        } catch (const wan::Error& e) {
            QVERIFY2(QString(e.what()).contains("maps 'head.head.weight'"), e.what());
        }
    }
    // A missing shard.
    writeText(index, good);
    fs::remove(dir / "diffusion_pytorch_model-00002-of-00002.safetensors");
    try {
        wan::io::loadDitWeights(dir);
        QFAIL("no wan::Error thrown");
    } catch (const wan::Error& e) {
        QCOMPARE(e.kind(), wan::ErrorKind::ModelFolder);
        QVERIFY2(QString(e.what()).contains("diffusion_pytorch_model-00002-of-00002.safetensors"), e.what());
    }
    // A shard path escaping the folder.
    writeText(index, "{\"weight_map\":{\"a\":\"../x.safetensors\"}}");
    try {
        wan::inspectModelFolder(dir);
        QFAIL("no wan::Error thrown");
    } catch (const wan::Error& e) {
        QVERIFY2(QString(e.what()).contains("not a file name in the model folder"), e.what());
    }
}

QTEST_GUILESS_MAIN(TestModelFolder)
#include "test_model_folder.moc"
