// Model sets made of single files (ComfyUI, loose official files) beside or instead of an official folder:
// what inspectModelSet reads from each file, where it finds the tokenizer, and what it refuses, naming the
// file.
#include "io/TensorIo.h"
#include "support/CheckpointWriter.h"
#include "support/FormatConverter.h"
#include "support/TestSupport.h"
#include "wan/Error.h"
#include "wan/ModelFolder.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

namespace fs = std::filesystem;
using wan::ModelFiles;
using wan::ModelInfo;

namespace {

void writeBytes(const fs::path& file, const std::string& bytes)
{
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << bytes;
}

// The fixture's DiT as a ComfyUI fp16 single file in `dir`, optionally with the fixture's config.json beside.
fs::path comfyDit(const fs::path& fixture, const fs::path& dir, bool withConfig)
{
    const auto weights = wan::io::loadSafetensors(fixture / "diffusion_pytorch_model.safetensors");
    const fs::path file = dir / "wan_tiny_fp16.safetensors";
    writeBytes(
        file, wan::test::toSafetensors(weights, "model.diffusion_model.", wan::test::ConvertedStorage::Fp16));
    if (withConfig)
        fs::copy_file(fixture / "config.json", dir / "config.json", fs::copy_options::overwrite_existing);
    return file;
}

// The message of the error inspectModelSet throws; empty when it succeeds.
QString setError(const fs::path& dir, const ModelFiles& files)
{
    try {
        wan::inspectModelSet(dir, files);
    } catch (const wan::Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestModelSet : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void filesOnlySetReadsLikeTheFolder();
    void dimsFromShapesWithoutConfig();
    void fileReplacesTheFolderPart();
    void tokenizerBesideTheTextEncoder();
    void wrongFilesAreRefusedByName_data();
    void wrongFilesAreRefusedByName();
    void everyProblemListedAtOnce();
    void imageModelNeedsClip();
};

void TestModelSet::filesOnlySetReadsLikeTheFolder()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    ModelFiles files;
    files.dit = comfyDit(fixture, root / "diffusion_models", true);
    files.t5 = fixture / "models_t5_umt5-xxl-enc-bf16.pth";
    files.vae = fixture / "Wan2.1_VAE.pth";
    files.tokenizer = fixture / "google" / "umt5-xxl" / "spiece.model";
    const ModelInfo set = wan::inspectModelSet({}, files);
    const ModelInfo folder = wan::inspectModelFolder(fixture);

    QCOMPARE(set.modelType, folder.modelType);
    QCOMPARE(set.dit.dim, folder.dit.dim);
    QCOMPARE(set.dit.ffnDim, folder.dit.ffnDim);
    QCOMPARE(set.dit.numHeads, folder.dit.numHeads);
    QCOMPARE(set.dit.numLayers, folder.dit.numLayers);
    QCOMPARE(set.dit.inDim, folder.dit.inDim);
    QCOMPARE(set.dit.outDim, folder.dit.outDim);
    QCOMPARE(set.dit.textDim, folder.dit.textDim);
    QCOMPARE(set.dit.freqDim, folder.dit.freqDim);
    QCOMPARE(set.dit.textLen, folder.dit.textLen);
    QCOMPARE(set.t5.dim, folder.t5.dim);
    QCOMPARE(set.t5.numLayers, folder.t5.numLayers);
    QCOMPARE(set.t5.vocab, folder.t5.vocab);
    QCOMPARE(set.vae.zDim, folder.vae.zDim);
    QCOMPARE(set.vae.dim, folder.vae.dim);
    QCOMPARE(set.dit.files.size(), std::size_t(1));
    QCOMPARE(set.dit.files[0].parameterCount, folder.dit.files[0].parameterCount);
    QCOMPARE(QString::fromStdString(set.dit.files[0].format), QStringLiteral("ComfyUI"));
    QCOMPARE(QString::fromStdString(set.dit.files[0].dtype), QStringLiteral("fp16"));
    QCOMPARE(set.ditFile, files.dit);
    QCOMPARE(set.ditConfig, root / "diffusion_models" / "config.json");
    QCOMPARE(set.tokenizerModel, files.tokenizer);
    QVERIFY(wan::modelSetProblems({}, files).empty());
    // The JSON of --inspect names the single file and its format.
    const QString json = QString::fromStdString(wan::modelInfoToJson(set));
    QVERIFY2(json.contains(QStringLiteral("wan_tiny_fp16.safetensors")), qPrintable(json));
    QVERIFY2(json.contains(QStringLiteral("\"format\": \"ComfyUI\"")), qPrintable(json));
}

void TestModelSet::dimsFromShapesWithoutConfig()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    QTemporaryDir tmp;
    ModelFiles files;
    files.dit = comfyDit(fixture, fs::path(tmp.path().toStdString()), false);
    const ModelInfo set = wan::inspectModelSet(fixture, files);
    const ModelInfo folder = wan::inspectModelFolder(fixture);
    QVERIFY(set.ditConfig.empty());
    QCOMPARE(set.modelType, wan::ModelType::T2V);
    QCOMPARE(set.dit.dim, folder.dit.dim);
    QCOMPARE(set.dit.ffnDim, folder.dit.ffnDim);
    QCOMPARE(set.dit.numLayers, folder.dit.numLayers);
    QCOMPARE(set.dit.freqDim, folder.dit.freqDim);
    QCOMPARE(set.dit.outDim, folder.dit.outDim);
    // Without config.json the head size is the releases' 128 (the fixture's own heads are narrower).
    QCOMPARE(set.dit.numHeads, std::max(1, folder.dit.dim / 128));
    QCOMPARE(set.dit.textLen, 512);
}

void TestModelSet::fileReplacesTheFolderPart()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    QTemporaryDir tmp;
    const fs::path vae = fs::path(tmp.path().toStdString()) / "vae" / "wan_2.1_vae.pth";
    fs::create_directories(vae.parent_path());
    fs::copy_file(fixture / "Wan2.1_VAE.pth", vae);
    ModelFiles files;
    files.vae = vae;
    const ModelInfo set = wan::inspectModelSet(fixture, files);
    QCOMPARE(set.vae.file.path, vae);
    QCOMPARE(set.t5.file.path, fixture / "models_t5_umt5-xxl-enc-bf16.pth");
    QCOMPARE(set.dit.files.at(0).path, fixture / "diffusion_pytorch_model.safetensors");
    QVERIFY(set.ditFile.empty());
    QCOMPARE(set.tokenizerModel, fixture / "google" / "umt5-xxl" / "spiece.model");
}

void TestModelSet::tokenizerBesideTheTextEncoder()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    ModelFiles files;
    files.dit = comfyDit(fixture, root / "diffusion_models", true);
    files.vae = fixture / "Wan2.1_VAE.pth";
    files.t5 = root / "text_encoders" / "umt5.pth";
    fs::create_directories(files.t5.parent_path());
    fs::copy_file(fixture / "models_t5_umt5-xxl-enc-bf16.pth", files.t5);

    // None anywhere: the message names the file and where it comes from.
    const QString missing = setError({}, files);
    QVERIFY2(missing.contains(QStringLiteral("spiece.model")) && missing.contains(QStringLiteral("umt5.pth")),
             qPrintable(missing));
    QVERIFY2(missing.contains(QStringLiteral("google/umt5-xxl")), qPrintable(missing));

    // A loose spiece.model beside the text encoder is found.
    fs::copy_file(fixture / "google" / "umt5-xxl" / "spiece.model", files.t5.parent_path() / "spiece.model");
    QCOMPARE(wan::inspectModelSet({}, files).tokenizerModel, files.t5.parent_path() / "spiece.model");

    // A folder given as the tokenizer is searched like an official folder.
    files.tokenizer = fixture;
    QCOMPARE(wan::inspectModelSet({}, files).tokenizerModel,
             fixture / "google" / "umt5-xxl" / "spiece.model");

    // A given tokenizer that is not there is refused by name, not replaced by the one found beside.
    files.tokenizer = root / "nowhere" / "spiece.model";
    const QString wrong = setError({}, files);
    QVERIFY2(wrong.contains(QString::fromStdString(files.tokenizer.string())), qPrintable(wrong));
}

void TestModelSet::wrongFilesAreRefusedByName_data()
{
    QTest::addColumn<QString>("part");   // which ModelFiles field gets the wrong file
    QTest::addColumn<QString>("source"); // what is given there
    QTest::addColumn<QString>("expect"); // in the message, besides the file's name
    QTest::newRow("VAE as DiT") << "dit"
                                << "vae"
                                << "not the DiT";
    QTest::newRow("DiT as text encoder") << "t5"
                                         << "dit"
                                         << "not the umT5 text encoder";
    QTest::newRow("text encoder as VAE") << "vae"
                                         << "t5"
                                         << "not the VAE";
    QTest::newRow("Flux file as DiT") << "dit"
                                      << "flux"
                                      << "not a Wan 2.1 file";
    QTest::newRow("missing DiT file") << "dit"
                                      << "missing"
                                      << "does not exist";
    QTest::newRow("folder as VAE") << "vae"
                                   << "folder"
                                   << "is a folder";
    QTest::newRow("garbage as VAE") << "vae"
                                    << "garbage"
                                    << "";
}

void TestModelSet::wrongFilesAreRefusedByName()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, part);
    QFETCH(QString, source);
    QFETCH(QString, expect);
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    fs::path file;
    if (source == QLatin1String("vae"))
        file = fixture / "Wan2.1_VAE.pth";
    else if (source == QLatin1String("dit"))
        file = fixture / "diffusion_pytorch_model.safetensors";
    else if (source == QLatin1String("t5"))
        file = fixture / "models_t5_umt5-xxl-enc-bf16.pth";
    else if (source == QLatin1String("missing"))
        file = root / "no_such_file.safetensors";
    else if (source == QLatin1String("folder"))
        file = root;
    else if (source == QLatin1String("garbage")) {
        file = root / "vae.safetensors";
        writeBytes(file, std::string(4096, 'x'));
    } else {
        // Names of a Flux DiT.
        file = root / "flux1-dev.safetensors";
        writeBytes(file, wan::test::safetensorsFile(
                             {{"double_blocks.0.img_attn.qkv.weight", "F32", {6, 2}, std::string(48, '\0')},
                              {"single_blocks.0.linear1.weight", "F32", {2, 2}, std::string(16, '\0')},
                              {"img_in.weight", "F32", {2, 2}, std::string(16, '\0')}}));
    }
    ModelFiles files;
    (part == QLatin1String("dit") ? files.dit : part == QLatin1String("t5") ? files.t5 : files.vae) = file;
    const QString message = setError(fixture, files);
    QVERIFY2(!message.isEmpty(), "the wrong file was accepted");
    QVERIFY2(message.contains(QString::fromStdString(file.string())), qPrintable(message));
    QVERIFY2(message.contains(expect), qPrintable(message));
}

void TestModelSet::everyProblemListedAtOnce()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    ModelFiles files;
    files.dit = fixture / "diffusion_pytorch_model.safetensors";
    files.vae = fixture / "models_t5_umt5-xxl-enc-bf16.pth"; // wrong part
    const auto problems = wan::modelSetProblems({}, files);
    QCOMPARE(problems.size(), std::size_t(2));
    QVERIFY2(QString::fromStdString(problems[0]).contains(QStringLiteral("No umT5 text encoder")),
             problems[0].c_str());
    QVERIFY2(QString::fromStdString(problems[1]).contains(QStringLiteral("not the VAE")),
             problems[1].c_str());
    // inspectModelSet throws the first of them.
    QCOMPARE(setError({}, files), QString::fromStdString(problems[0]));
    QCOMPARE(wan::modelSetProblems({}, {}).size(), std::size_t(1));
}

void TestModelSet::imageModelNeedsClip()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-i2v";
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    ModelFiles files;
    files.dit = comfyDit(fixture, root / "dit", true);
    files.t5 = fixture / "models_t5_umt5-xxl-enc-bf16.pth";
    files.vae = fixture / "Wan2.1_VAE.pth";
    files.tokenizer = fixture;
    const auto problems = wan::modelSetProblems({}, files);
    QCOMPARE(problems.size(), std::size_t(1));
    QVERIFY2(QString::fromStdString(problems[0]).contains(QStringLiteral("No CLIP image encoder")),
             problems[0].c_str());
    files.clip = fixture / "models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth";
    const ModelInfo set = wan::inspectModelSet({}, files);
    QCOMPARE(set.modelType, wan::ModelType::I2V);
    QVERIFY(set.clip.has_value());
    QCOMPARE(set.clip->file.path, files.clip);
    QCOMPARE(set.clip->width, wan::inspectModelFolder(fixture).clip->width);
}

QTEST_GUILESS_MAIN(TestModelSet)
#include "test_model_set.moc"
