// wan::identifyModelFile: what one file (or component folder) is, from its content only. Every fixture file,
// the fixtures converted to the layouts creators have (diffusers folders and shards, Hugging Face T5/CLIP,
// ComfyUI fp8_scaled, GGUF), and files that are no Wan part at all.
#include "support/CheckpointWriter.h"
#include "support/FormatConverter.h"
#include "support/GgufWriter.h"
#include "support/TestSupport.h"
#include "wan/ModelFolder.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using namespace wan;
namespace fs = std::filesystem;

namespace {

void writeBytes(const fs::path& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

} // namespace

class TestModelIdentify : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void identifies_data();
    void identifies();
    void jsonFields();

private:
    fs::path m_root; // converted files
    QTemporaryDir m_tmp;
};

void TestModelIdentify::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_root = m_tmp.path().toStdString();
    if (!fs::exists(test::fixturesDir()))
        return; // the rows that need fixtures skip themselves
    const auto t2v = test::fixturesDir() / "wan-tiny-t2v";
    test::writeDiffusersFolder(m_root / "t2v-diffusers", t2v, 1);
    test::writeDiffusersFolder(m_root / "i2v-diffusers", test::fixturesDir() / "wan-tiny-i2v", 2);
    const auto dit = io::loadSafetensors(t2v / "diffusion_pytorch_model.safetensors");
    writeBytes(m_root / "comfy_fp8_scaled.safetensors",
               test::toSafetensors(dit, "model.diffusion_model.", test::ConvertedStorage::Fp8Scaled));
    writeBytes(m_root / "comfy_bf16.safetensors",
               test::toSafetensors(dit, "model.diffusion_model.", test::ConvertedStorage::Bf16));
    writeBytes(m_root / "dit_q8.gguf", test::toGguf(dit, "wan"));
    writeBytes(m_root / "diffusers_dit_fp16.safetensors",
               test::toSafetensors(test::toDiffusersDitNames(dit), "", test::ConvertedStorage::Fp16));
}

void TestModelIdentify::identifies_data()
{
    QTest::addColumn<QString>("path"); // "fixture:<folder>/<file>" or a path under the converted root
    QTest::addColumn<QString>("role");
    QTest::addColumn<bool>("usable");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("precision"); // empty: not checked
    QTest::addColumn<QString>("task");
    QTest::addColumn<int>("dim");
    QTest::addColumn<QString>("reasonPart");

    // The fixtures in the official layout.
    QTest::newRow("official DiT") << "fixture:wan-tiny-t2v/diffusion_pytorch_model.safetensors"
                                  << "dit" << true << "official"
                                  << "fp32"
                                  << "t2v" << 64 << "Wan 2.1 DiT";
    QTest::newRow("official i2v DiT") << "fixture:wan-tiny-i2v/diffusion_pytorch_model.safetensors"
                                      << "dit" << true << "official"
                                      << "fp32"
                                      << "i2v" << 64 << "i2v";
    QTest::newRow("official flf2v DiT") << "fixture:wan-tiny-flf2v/diffusion_pytorch_model.safetensors"
                                        << "dit" << true << "official"
                                        << ""
                                        << "flf2v" << 64 << "flf2v";
    QTest::newRow("official vace DiT") << "fixture:wan-tiny-vace/diffusion_pytorch_model.safetensors"
                                       << "dit" << true << "official"
                                       << ""
                                       << "vace" << 64 << "vace";
    QTest::newRow("official umT5") << "fixture:wan-tiny-t2v/models_t5_umt5-xxl-enc-bf16.pth"
                                   << "t5" << true << "official"
                                   << "bf16"
                                   << "" << 0 << "umT5 text encoder";
    QTest::newRow("official VAE") << "fixture:wan-tiny-t2v/Wan2.1_VAE.pth"
                                  << "vae" << true << "official"
                                  << ""
                                  << "" << 16 << "VAE";
    QTest::newRow("official CLIP")
        << "fixture:wan-tiny-i2v/models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth"
        << "clip" << true << "official"
        << ""
        << "" << 0 << "CLIP vision encoder";
    QTest::newRow("tokenizer") << "fixture:wan-tiny-t2v/google/umt5-xxl/spiece.model"
                               << "tokenizer" << true << "SentencePiece"
                               << ""
                               << "" << 0 << "SentencePiece";

    // Converted.
    QTest::newRow("diffusers transformer folder") << "t2v-diffusers/transformer"
                                                  << "dit" << true << "diffusers"
                                                  << "fp32"
                                                  << "t2v" << 64 << "diffusers names";
    QTest::newRow("diffusers shard index")
        << "i2v-diffusers/transformer/diffusion_pytorch_model.safetensors.index.json"
        << "dit" << true << "diffusers"
        << "fp32"
        << "i2v" << 64 << "i2v";
    QTest::newRow("diffusers DiT file, fp16") << "diffusers_dit_fp16.safetensors"
                                              << "dit" << true << "diffusers"
                                              << "fp16"
                                              << "t2v" << 64 << "fp16";
    QTest::newRow("diffusers text_encoder") << "t2v-diffusers/text_encoder"
                                            << "t5" << true << "Hugging Face T5"
                                            << "bf16"
                                            << "" << 0 << "Hugging Face T5 names";
    QTest::newRow("diffusers VAE") << "t2v-diffusers/vae/diffusion_pytorch_model.safetensors"
                                   << "vae" << true << "diffusers"
                                   << "fp32"
                                   << "" << 16 << "VAE";
    QTest::newRow("diffusers image_encoder") << "i2v-diffusers/image_encoder"
                                             << "clip" << true << "Hugging Face CLIP"
                                             << ""
                                             << "" << 0 << "CLIP vision encoder";
    QTest::newRow("diffusers tokenizer folder") << "t2v-diffusers/tokenizer"
                                                << "tokenizer" << true << "SentencePiece"
                                                << ""
                                                << "" << 0 << "spiece.model";
    QTest::newRow("ComfyUI fp8_scaled") << "comfy_fp8_scaled.safetensors"
                                        << "dit" << true << "ComfyUI"
                                        << "fp8_scaled (e4m3fn)"
                                        << "t2v" << 64 << "ComfyUI names";
    QTest::newRow("ComfyUI bf16") << "comfy_bf16.safetensors"
                                  << "dit" << true << "ComfyUI"
                                  << "bf16"
                                  << "t2v" << 64 << "bf16";
    QTest::newRow("GGUF Q8_0") << "dit_q8.gguf"
                               << "dit" << true << "official"
                               << "Q8_0"
                               << "t2v" << 64 << "GGUF";

    // Not Wan parts (written in identifies()).
    QTest::newRow("Flux") << "other:flux.safetensors"
                          << "unknown" << false << ""
                          << ""
                          << "" << 0 << "looks like a Flux model";
    QTest::newRow("LLM GGUF") << "other:llama.gguf"
                              << "unknown" << false << ""
                              << ""
                              << "" << 0 << "language model GGUF";
    QTest::newRow("text file") << "other:notes.txt"
                               << "unknown" << false << ""
                               << ""
                               << "" << 0 << "notes.txt";
    QTest::newRow("missing") << "other:missing.safetensors"
                             << "unknown" << false << ""
                             << ""
                             << "" << 0 << "does not exist";
    QTest::newRow("empty folder") << "other:empty"
                                  << "unknown" << false << ""
                                  << ""
                                  << "" << 0 << "without weights";
}

void TestModelIdentify::identifies()
{
    QFETCH(QString, path);
    QFETCH(QString, role);
    QFETCH(bool, usable);
    QFETCH(QString, format);
    QFETCH(QString, precision);
    QFETCH(QString, task);
    QFETCH(int, dim);
    QFETCH(QString, reasonPart);
    fs::path file;
    const std::string p = path.toStdString();
    if (p.starts_with("fixture:")) {
        WAN_REQUIRE_FIXTURES();
        file = test::fixturesDir() / p.substr(8);
    } else if (p.starts_with("other:")) {
        file = m_root / p.substr(6);
        if (p == "other:flux.safetensors") {
            std::vector<test::SafetensorsSpec> specs{
                {"double_blocks.0.img_attn.qkv.weight", "F32", {4, 2}, std::string(32, '\0')},
                {"single_blocks.0.linear1.weight", "F32", {4, 2}, std::string(32, '\0')}};
            writeBytes(file, test::safetensorsFile(specs));
        } else if (p == "other:llama.gguf") {
            test::GgufWriter w;
            w.kvString("general.architecture", "llama");
            w.tensor("token_embd.weight", 0, {2, 4}, std::string(8 * 4, '\0'));
            writeBytes(file, w.bytes());
        } else if (p == "other:notes.txt") {
            writeBytes(file, "not a model\n");
        } else if (p == "other:empty") {
            fs::create_directories(file);
        }
    } else {
        WAN_REQUIRE_FIXTURES();
        file = m_root / p;
    }
    const auto id = identifyModelFile(file);
    const std::string context = id.reason;
    QCOMPARE(QString::fromLatin1(modelFileRoleName(id.role)), role);
    QVERIFY2(id.usable == usable, context.c_str());
    QCOMPARE(QString::fromStdString(id.format), format);
    if (!precision.isEmpty())
        QCOMPARE(QString::fromStdString(id.precision), precision);
    QCOMPARE(QString::fromStdString(id.task), task);
    if (dim > 0)
        QCOMPARE(int(id.dim), dim);
    QVERIFY2(id.reason.find(reasonPart.toStdString()) != std::string::npos, context.c_str());
    if (id.role == ModelFileRole::Unknown && p != "other:missing.safetensors" && p != "other:empty") {
        // The reason names the file.
        QVERIFY2(id.reason.find(file.string()) != std::string::npos, context.c_str());
    }
}

void TestModelIdentify::jsonFields()
{
    WAN_REQUIRE_FIXTURES();
    const auto id =
        identifyModelFile(test::fixturesDir() / "wan-tiny-i2v" / "diffusion_pytorch_model.safetensors");
    const std::string json = modelFileIdentityToJson(id);
    for (const char* part :
         {"\"role\": \"dit\"", "\"usable\": true", "\"task\": \"i2v\"", "\"in_dim\": 36", "\"num_layers\": 2",
          "\"container\": \"safetensors\"", "\"format\": \"official\""})
        QVERIFY2(json.find(part) != std::string::npos, json.c_str());
}

QTEST_GUILESS_MAIN(TestModelIdentify)
#include "test_model_identify.moc"
