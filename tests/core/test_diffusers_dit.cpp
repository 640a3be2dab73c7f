// The DiT in diffusers' names (issue #20): Wan-AI/Wan2.1-*-Diffusers folders, their transformer/ folder and
// single files. The tiny fixtures are converted by the test helper (tests/support/FormatConverter: diffusers'
// own rename steps, written independently of the engine's table) and must give the official reference
// latents; a converted DiT with a missing, extra or wrong-shape tensor is refused naming it and the file.
#include "dit/WanModel.h"
#include "io/NameTables.h"
#include "pipeline/LatentsFile.h"
#include "support/FormatConverter.h"
#include "support/ProcessRun.h"
#include "support/ReferenceRequest.h"
#include "support/TestSupport.h"
#include "wan/ModelFolder.h"
#include "wan/Pipeline.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using namespace wan;
namespace fs = std::filesystem;

namespace {

// The engine's tolerance for the fp32 CPU path against the official fp32 CPU run (test_cli, test_pipeline).
constexpr double kLatentAtol = 1e-4;

fs::path fixture(const std::string& name)
{
    return test::fixturesDir() / name;
}

void writeBytes(const fs::path& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    QVERIFY2(out.good(), path.string().c_str());
}

template <typename F> std::string errorOf(F&& fn)
{
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestDiffusersDit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tableInvertsConversion_data();
    void tableInvertsConversion();
    void loadsSameWeights_data();
    void loadsSameWeights();
    void inspectsFolder_data();
    void inspectsFolder();
    void endToEnd_data();
    void endToEnd();
    void refusesBadTensors_data();
    void refusesBadTensors();
    void cliInspect();

private:
    fs::path diffusersFolder(const std::string& fixtureName, int shards);

    QTemporaryDir m_tmp;
    Engine m_engine;
};

void TestDiffusersDit::initTestCase()
{
    at::set_num_threads(2);
    QVERIFY(m_tmp.isValid());
}

fs::path TestDiffusersDit::diffusersFolder(const std::string& fixtureName, int shards)
{
    const fs::path dir =
        fs::path(m_tmp.path().toStdString()) / (fixtureName + "-diffusers-" + std::to_string(shards));
    if (!fs::exists(dir / "model_index.json"))
        test::writeDiffusersFolder(dir, fixture(fixtureName), shards);
    return dir;
}

// Every name the converter gives maps back to the official one through the engine's table, and back again.
void TestDiffusersDit::tableInvertsConversion_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::newRow("t2v") << "wan-tiny-t2v";
    QTest::newRow("i2v") << "wan-tiny-i2v";
    QTest::newRow("flf2v") << "wan-tiny-flf2v";
    QTest::newRow("vace") << "wan-tiny-vace";
}

void TestDiffusersDit::tableInvertsConversion()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixture);
    const auto official =
        io::loadSafetensors(::fixture(fixture.toStdString()) / "diffusion_pytorch_model.safetensors");
    const auto converted = test::toDiffusersDitNames(official);
    QCOMPARE(converted.size(), official.size());
    int renamed = 0;
    for (const auto& [name, tensor] : converted) {
        const auto back = io::officialName(name, io::diffusersDitNames());
        QVERIFY2(back.has_value(), ("no rule for '" + name + "'").c_str());
        QVERIFY2(official.count(*back),
                 ("'" + name + "' maps to '" + *back + "', not in the fixture").c_str());
        QVERIFY(official.at(*back).equal(tensor));
        QCOMPARE(io::otherName(*back, io::diffusersDitNames()).value_or(""), name);
        renamed += name != *back;
    }
    // Only patch_embedding (and vace_patch_embedding) keep their names.
    const int kept = fixture.contains("vace") ? 4 : 2;
    QCOMPARE(renamed, int(official.size()) - kept);
}

// The diffusers transformer folder loads to exactly the parameters of the official DiT.
void TestDiffusersDit::loadsSameWeights_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("shards");
    QTest::newRow("t2v") << "wan-tiny-t2v" << 1;
    QTest::newRow("i2v sharded") << "wan-tiny-i2v" << 2;
    QTest::newRow("flf2v") << "wan-tiny-flf2v" << 1;
    QTest::newRow("vace sharded") << "wan-tiny-vace" << 3;
}

void TestDiffusersDit::loadsSameWeights()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixture);
    QFETCH(int, shards);
    const auto dir = diffusersFolder(fixture.toStdString(), shards);
    const auto official = dit::WanModel::load(::fixture(fixture.toStdString()), torch::kFloat32, torch::kCPU);
    // As the transformer/ folder, and as the whole pipeline folder.
    for (const auto& path : {dir / "transformer", dir}) {
        const auto model = dit::WanModel::load(path, torch::kFloat32, torch::kCPU);
        QCOMPARE(model->config().numHeads, official->config().numHeads);
        QCOMPARE(int(model->config().modelType), int(official->config().modelType));
        QCOMPARE(model->config().vaceLayers, official->config().vaceLayers);
        const auto want = official->named_parameters(true);
        const auto got = model->named_parameters(true);
        QCOMPARE(got.size(), want.size());
        for (const auto& item : want) {
            QVERIFY2(got.contains(item.key()), item.key().c_str());
            QVERIFY2(got[item.key()].equal(item.value()), item.key().c_str());
        }
    }
}

// inspectModelFolder reads a diffusers folder: dims from the tensors, the head count from its config.json.
void TestDiffusersDit::inspectsFolder_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("shards");
    QTest::newRow("t2v") << "wan-tiny-t2v" << 1;
    QTest::newRow("i2v sharded") << "wan-tiny-i2v" << 2;
}

void TestDiffusersDit::inspectsFolder()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixture);
    QFETCH(int, shards);
    const auto dir = diffusersFolder(fixture.toStdString(), shards);
    const auto want = inspectModelFolder(::fixture(fixture.toStdString()));
    const auto got = inspectModelFolder(dir);
    QCOMPARE(got.dir, dir);
    QCOMPARE(int(got.modelType), int(want.modelType));
    QCOMPARE(got.dit.dim, want.dit.dim);
    QCOMPARE(got.dit.ffnDim, want.dit.ffnDim);
    QCOMPARE(got.dit.numHeads, want.dit.numHeads);
    QCOMPARE(got.dit.numLayers, want.dit.numLayers);
    QCOMPARE(got.dit.inDim, want.dit.inDim);
    QCOMPARE(got.dit.outDim, want.dit.outDim);
    QCOMPARE(got.dit.textDim, want.dit.textDim);
    QCOMPARE(got.dit.freqDim, want.dit.freqDim);
    QCOMPARE(got.t5.dim, want.t5.dim);
    QCOMPARE(got.t5.numLayers, want.t5.numLayers);
    QCOMPARE(got.vae.zDim, want.vae.zDim);
    QCOMPARE(got.clip.has_value(), want.clip.has_value());
    if (want.clip)
        QCOMPARE(got.clip->width, want.clip->width);
    QCOMPARE(got.ditFile, dir / "transformer");
    QCOMPARE(got.ditConfig, dir / "transformer" / "config.json");
    QCOMPARE(got.tokenizerModel, dir / "tokenizer" / "spiece.model");
    QCOMPARE(got.dit.files.size(), std::size_t(1));
    QCOMPARE(got.dit.files[0].format, std::string("diffusers"));
    QVERIFY(modelSetProblems(dir, {}).empty());
}

// The official reference latents from the converted files, for every task: the whole diffusers folder, and
// the diffusers DiT (a file, or a shard index) given beside the official folder.
void TestDiffusersDit::endToEnd_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("name"); // reference/e2e_<name>.json
    QTest::addColumn<int>("shards");
    QTest::addColumn<bool>("ditFileOnly");
    QTest::newRow("t2v diffusers folder") << "wan-tiny-t2v"
                                          << "t2v_unipc" << 1 << false;
    QTest::newRow("t2v diffusers DiT file") << "wan-tiny-t2v"
                                            << "t2v_unipc" << 1 << true;
    QTest::newRow("i2v diffusers folder, sharded DiT") << "wan-tiny-i2v"
                                                       << "i2v_dpmpp" << 2 << false;
    QTest::newRow("i2v diffusers DiT index") << "wan-tiny-i2v"
                                             << "i2v_dpmpp" << 2 << true;
    QTest::newRow("flf2v diffusers folder") << "wan-tiny-flf2v"
                                            << "flf2v_dpmpp" << 1 << false;
    QTest::newRow("flf2v diffusers DiT index") << "wan-tiny-flf2v"
                                               << "flf2v_unipc" << 2 << true;
    QTest::newRow("vace diffusers folder, sharded DiT") << "wan-tiny-vace"
                                                        << "vace_inpaint_unipc" << 3 << false;
    QTest::newRow("vace diffusers DiT file, reference image") << "wan-tiny-vace"
                                                              << "vace_ref_dpmpp" << 1 << true;
}

void TestDiffusersDit::endToEnd()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixture);
    QFETCH(QString, name);
    QFETCH(int, shards);
    QFETCH(bool, ditFileOnly);
    const auto official = ::fixture(fixture.toStdString());
    const auto dir = diffusersFolder(fixture.toStdString(), shards);
    const auto params = test::readReferenceCase(official, name.toStdString());
    QVERIFY2(!params.isEmpty(), "reference json missing");
    static int row = 0;
    const fs::path work = fs::path(m_tmp.path().toStdString()) / ("e2e-" + std::to_string(++row));
    fs::create_directories(work);
    Request r = test::referenceRequest(official, params, work / "inputs");
    if (ditFileOnly)
        r.models.dit = shards > 1 ? dir / "transformer" / "diffusion_pytorch_model.safetensors.index.json"
                                  : dir / "transformer" / "diffusion_pytorch_model.safetensors";
    else
        r.ckptDir = dir;
    r.latentsPath = work / "latents.safetensors";
    const auto result = m_engine.run(r, {});
    QVERIFY2(result.status == JobStatus::Done, result.error.c_str());
    const auto ref =
        io::loadSafetensors(official / "reference" / ("e2e_" + name.toStdString() + ".safetensors"));
    // The saved latents are the decoder's input: x0, without VACE's reference frames.
    const auto& want = r.task == Task::VACE ? ref.at("decode_input") : ref.at("x0");
    const auto diff = test::compareTensors(pipeline::readLatents(r.latentsPath), want);
    qInfo("%s: max abs error of the latents vs the official fp32 reference %.3g (tolerance %.3g)",
          QTest::currentDataTag(), diff.maxAbs, kLatentAtol);
    QVERIFY2(diff.shapeMatches && diff.maxAbs <= kLatentAtol,
             qPrintable(QStringLiteral("max abs error %1 at %2")
                            .arg(diff.maxAbs)
                            .arg(QString::fromStdString(diff.where))));
}

// Strict like the official layout: the loader names the tensor as the file names it, and the file.
void TestDiffusersDit::refusesBadTensors_data()
{
    QTest::addColumn<QString>("defect");
    QTest::addColumn<QString>("tensor");
    QTest::newRow("missing") << "missing"
                             << "blocks.1.attn2.to_k.weight";
    QTest::newRow("extra") << "extra"
                           << "blocks.0.attn1.to_qkv.weight";
    QTest::newRow("wrong shape") << "shape"
                                 << "blocks.0.ffn.net.0.proj.weight";
    QTest::newRow("wrong shape, renamed norm") << "shape"
                                               << "blocks.1.norm2.weight";
}

void TestDiffusersDit::refusesBadTensors()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, defect);
    QFETCH(QString, tensor);
    const std::string name = tensor.toStdString();
    auto weights = test::toDiffusersDitNames(
        io::loadSafetensors(fixture("wan-tiny-t2v") / "diffusion_pytorch_model.safetensors"));
    QVERIFY(defect == QLatin1String("extra") || weights.count(name));
    if (defect == QLatin1String("missing"))
        weights.erase(name);
    else if (defect == QLatin1String("extra"))
        weights.emplace(name, torch::zeros({192, 64}));
    else
        weights[name] = weights.at(name).dim() == 2 ? weights.at(name).t().contiguous() : torch::zeros({3});
    static int row = 0;
    const fs::path dir = fs::path(m_tmp.path().toStdString()) / ("bad-" + std::to_string(++row));
    fs::create_directories(dir);
    const fs::path file = dir / "diffusion_pytorch_model.safetensors";
    writeBytes(file, test::toSafetensors(weights, "", test::ConvertedStorage::Fp32));
    fs::copy_file(diffusersFolder("wan-tiny-t2v", 1) / "transformer" / "config.json", dir / "config.json",
                  fs::copy_options::overwrite_existing);
    for (const auto& path : {dir, file}) {
        const auto message = errorOf(
            [&] { dit::WanModel::loadFile(path, dir / "config.json", torch::kFloat32, torch::kCPU); });
        QVERIFY2(!message.empty(), "the defective DiT loaded");
        QVERIFY2(message.find(name) != std::string::npos, message.c_str());
        QVERIFY2(message.find(file.string()) != std::string::npos, message.c_str());
    }
}

// wan-generate --inspect --json on a diffusers folder: the set, and what each of its files is.
void TestDiffusersDit::cliInspect()
{
    WAN_REQUIRE_FIXTURES();
    const auto dir = diffusersFolder("wan-tiny-i2v", 2);
    const auto run = test::runProcess(QStringLiteral(WAN_GENERATE_PATH),
                                      {QStringLiteral("--inspect"), QStringLiteral("--json"),
                                       QStringLiteral("--ckpt_dir"), QString::fromStdString(dir.string())},
                                      120000);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const auto o = QJsonDocument::fromJson(run.out.toUtf8()).object();
    QCOMPARE(o[QStringLiteral("model_type")].toString(), QStringLiteral("i2v"));
    QCOMPARE(o[QStringLiteral("dit")].toObject()[QStringLiteral("num_heads")].toInt(), 4);
    const auto files = o[QStringLiteral("identified")].toArray();
    QStringList roles;
    for (const auto& f : files) {
        const auto id = f.toObject();
        QVERIFY2(id[QStringLiteral("usable")].toBool(), qPrintable(id[QStringLiteral("reason")].toString()));
        roles << id[QStringLiteral("role")].toString();
        if (id[QStringLiteral("role")].toString() == QLatin1String("dit"))
            QCOMPARE(id[QStringLiteral("format")].toString(), QStringLiteral("diffusers"));
    }
    roles.sort();
    QCOMPARE(roles, (QStringList{QStringLiteral("clip"), QStringLiteral("dit"), QStringLiteral("t5"),
                                 QStringLiteral("tokenizer"), QStringLiteral("vae")}));
}

QTEST_GUILESS_MAIN(TestDiffusersDit)
#include "test_diffusers_dit.moc"
