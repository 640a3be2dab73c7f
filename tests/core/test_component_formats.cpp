// The component loaders on the namings creators have (issue #20): the fixture's umT5 converted to Hugging
// Face T5 names (fp32, bf16, fp16, fp8_e4m3fn, fp8_scaled; single file and a sharded diffusers text_encoder
// folder) gives the official load's contexts (bit-identical for the exact conversions, measured for fp8), and
// a wrong file is refused naming its tensors the way the file names them. The fixture's VAE as a safetensors
// file with the official names (ComfyUI wan_2.1_vae.safetensors) and with diffusers' AutoencoderKLWan names
// (file and vae/ folder) decodes the reference latents bit-identically to the .pth. The i2v fixture's CLIP
// vision tower under Hugging Face CLIP names (ComfyUI clip_vision_h.safetensors, diffusers image_encoder/)
// gives the official load's features bit-identically. The umT5 as a llama.cpp T5 encoder GGUF (F32, F16,
// Q8_0) gives the contexts of the same values.

#include "io/QuantTensors.h"
#include "support/FixturePrompts.h"
#include "support/FormatConverter.h"
#include "support/GgufWriter.h"
#include "support/TestSupport.h"
#include "text/T5Encoder.h"
#include "vae/WanVae.h"
#include "vision/ClipVision.h"
#include "wan/Error.h"
#include "wan/ModelFolder.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using wan::test::ConvertedStorage;
using wan::text::TextEncoder;

Q_DECLARE_METATYPE(ConvertedStorage)

namespace {

constexpr const char* kFixture = "wan-tiny-t2v";

fs::path fixture()
{
    return wan::test::fixturesDir() / kFixture;
}

fs::path spiece()
{
    return fixture() / "google" / "umt5-xxl" / "spiece.model";
}

double maxAbs(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

// The message of the wan::Error `load` throws; empty when it throws none.
template <typename F> std::string errorOf(F&& load)
{
    try {
        load();
    } catch (const wan::Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestComponentFormats : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::vector<std::string> m_prompts;
    std::vector<torch::Tensor> m_official; // contexts of the official .pth load
    wan::io::TensorMap m_hfT5;             // the fixture's umT5 under Hugging Face names

    fs::path writeT5(const std::string& name, const wan::io::TensorMap& weights, ConvertedStorage storage)
    {
        const fs::path file = fs::path(m_dir.path().toStdString()) / name;
        std::ofstream(file, std::ios::binary) << wan::test::toSafetensors(weights, "", storage);
        return file;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        if (!fs::is_directory(fixture()))
            return;
        for (const auto& p :
             wan::test::readFixturePrompts(fixture() / "reference" / "tokenizer_prompts.json"))
            m_prompts.push_back(p.prompt);
        QVERIFY(!m_prompts.empty());
        auto official = TextEncoder::loadFiles(fixture() / TextEncoder::kWeightsFileName, spiece(), {});
        m_official = official->encode(m_prompts);
        m_hfT5 = wan::test::toHfT5Names(wan::io::loadPth(fixture() / TextEncoder::kWeightsFileName));
    }

    void t5HfNames_data()
    {
        QTest::addColumn<ConvertedStorage>("storage");
        QTest::addColumn<int>("linearDtype");  // blocks.0.ffn.fc1.weight as kept in memory
        QTest::addColumn<double>("tolerance"); // max abs difference to the official load's contexts
        QTest::newRow("fp32") << ConvertedStorage::Fp32 << int(torch::kFloat32) << 0.0;
        QTest::newRow("bf16") << ConvertedStorage::Bf16 << int(torch::kBFloat16) << 0.0;
        QTest::newRow("fp16") << ConvertedStorage::Fp16 << int(torch::kFloat16) << 0.0;
        // fp8 rounds every weight (embeddings included) to 3 mantissa bits: measured on this fixture 1.65
        // (e4m3fn) and 1.58 (scaled) at most, on contexts of up to 3.98 in magnitude; the exact check is
        // against the fp32 file of the same values.
        QTest::newRow("fp8_e4m3fn") << ConvertedStorage::Fp8E4M3 << int(torch::kFloat8_e4m3fn) << 2.5;
        QTest::newRow("fp8_scaled") << ConvertedStorage::Fp8Scaled << int(torch::kFloat8_e4m3fn) << 2.5;
    }

    // ComfyUI umt5_xxl_{fp16,fp8_e4m3fn_scaled} style files: contexts of every reference prompt.
    void t5HfNames()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(ConvertedStorage, storage);
        QFETCH(int, linearDtype);
        QFETCH(double, tolerance);
        if (storage == ConvertedStorage::Fp16) {
            // The fixture's bf16 values survive fp16, so this conversion is exact too (checked, not assumed).
            for (const auto& [name, t] : m_hfT5)
                QVERIFY2(torch::equal(t.to(torch::kFloat16).to(t.scalar_type()), t), name.c_str());
        }
        const auto file = writeT5(std::string(QTest::currentDataTag()) + ".safetensors", m_hfT5, storage);
        auto encoder = TextEncoder::loadFiles(file, spiece(), {});
        // The values an fp8 file stands for (value x scale_weight, from the file itself), as an fp32 file:
        // the fp8 load must give exactly its contexts (dequantisation per layer at use is exact in float32).
        std::vector<torch::Tensor> exact = m_official;
        if (tolerance > 0.0) {
            wan::io::TensorMap values;
            auto stored = wan::io::loadSafetensors(file);
            for (const auto& [name, t] : stored) {
                if (name == "scaled_fp8" || name.ends_with(".scale_weight"))
                    continue;
                auto v = t.to(torch::kFloat32);
                const auto scale = stored.find(name.substr(0, name.size() - 7) + ".scale_weight");
                if (name.ends_with(".weight") && scale != stored.end())
                    v = v * scale->second.to(torch::kFloat32);
                values.emplace(name, v);
            }
            const auto valuesFile = writeT5(std::string(QTest::currentDataTag()) + "_values.safetensors",
                                            values, ConvertedStorage::Fp32);
            exact = TextEncoder::loadFiles(valuesFile, spiece(), {})->encode(m_prompts);
        }
        const auto& block = *encoder->model()->blocks->ptr<wan::text::T5BlockImpl>(0);
        QCOMPARE(int(block.ffn->fc1->weight.scalar_type()), linearDtype);
        QCOMPARE(block.ffn->fc1->scale.defined(), storage == ConvertedStorage::Fp8Scaled);
        QCOMPARE(encoder->computeDtype(), torch::kFloat32);
        const auto got = encoder->encode(m_prompts);
        QCOMPARE(got.size(), m_official.size());
        double worst = 0.0, largest = 0.0;
        for (std::size_t i = 0; i < got.size(); ++i) {
            QVERIFY(got[i].sizes() == m_official[i].sizes());
            QVERIFY2(torch::equal(got[i], exact[i]), ("prompt " + std::to_string(i)).c_str());
            worst = std::max(worst, maxAbs(got[i], m_official[i]));
            largest = std::max(largest, m_official[i].abs().max().item<double>());
        }
        qInfo("umT5 %s (HF names): max abs difference to the official load %.3g over %zu prompts (largest "
              "official value %.3g)",
              QTest::currentDataTag(), worst, got.size(), largest);
        QVERIFY(worst <= tolerance);
    }

    // The diffusers text_encoder folder: HF names in shards listed by model.safetensors.index.json, with the
    // tied embedding copy.
    void t5DiffusersFolder()
    {
        WAN_REQUIRE_FIXTURES();
        const fs::path folder = fs::path(m_dir.path().toStdString()) / "text_encoder";
        fs::create_directories(folder);
        const auto hf =
            wan::test::toHfT5Names(wan::io::loadPth(fixture() / TextEncoder::kWeightsFileName), true);
        wan::test::writeShardedSafetensors(folder, "model", hf, ConvertedStorage::Bf16, 3);
        auto encoder = TextEncoder::loadFiles(folder, spiece(), {});
        const auto got = encoder->encode(m_prompts);
        for (std::size_t i = 0; i < got.size(); ++i)
            QVERIFY2(torch::equal(got[i], m_official[i]), ("prompt " + std::to_string(i)).c_str());
        // The reference contexts themselves, at their documented tolerance.
        const auto want = wan::io::loadSafetensors(fixture() / "reference" / "t5.safetensors");
        for (std::size_t i = 0; i < got.size(); ++i)
            WAN_COMPARE_TENSORS(got[i], want.at("context." + std::to_string(i)), 1e-4);
    }

    // The umT5 as a llama.cpp T5 encoder GGUF (general.architecture "t5encoder", city96's umt5-xxl-encoder
    // files): names from gguf-py's T5 mapping, spelled out here from the Hugging Face ones. F16 holds the
    // fixture's bf16 values exactly; Q8_0 (the test writer's round-to-nearest) is exact against the float32
    // load of its own dequantised values and measured against the official load.
    void t5Gguf_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<double>("tolerance"); // max abs difference to the official load's contexts
        QTest::newRow("F32") << "F32" << 0.0;
        QTest::newRow("F16") << "F16" << 0.0;
        // Measured on this fixture: 0.308 (contexts of up to 3.98 in magnitude), rounded up to the next 1-2-5
        // step; the exact check is the strict one.
        QTest::newRow("Q8_0") << "Q8_0" << 0.5;
    }

    void t5Gguf()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(QString, type);
        QFETCH(double, tolerance);
        wan::io::TensorMap llama;
        for (const auto& [hf, t] : m_hfT5) {
            static const std::pair<std::string, std::string> kParts[] = {
                {"layer.0.SelfAttention.q.", "attn_q."},
                {"layer.0.SelfAttention.k.", "attn_k."},
                {"layer.0.SelfAttention.v.", "attn_v."},
                {"layer.0.SelfAttention.o.", "attn_o."},
                {"layer.0.SelfAttention.relative_attention_bias.", "attn_rel_b."},
                {"layer.0.layer_norm.", "attn_norm."},
                {"layer.1.DenseReluDense.wi_0.", "ffn_gate."},
                {"layer.1.DenseReluDense.wi_1.", "ffn_up."},
                {"layer.1.DenseReluDense.wo.", "ffn_down."},
                {"layer.1.layer_norm.", "ffn_norm."},
            };
            std::string name = hf == "shared.weight"                     ? "token_embd.weight"
                               : hf == "encoder.final_layer_norm.weight" ? "enc.output_norm.weight"
                                                                         : "";
            if (name.empty() && hf.starts_with("encoder.block.")) {
                const auto dot = hf.find('.', 14);
                const std::string rest = hf.substr(dot + 1);
                for (const auto& [from, to] : kParts)
                    if (rest.starts_with(from))
                        name = "enc.blk." + hf.substr(14, dot - 14) + "." + to + rest.substr(from.size());
            }
            QVERIFY2(!name.empty(), hf.c_str());
            llama.emplace(name, t);
        }
        const fs::path file = fs::path(m_dir.path().toStdString()) / ("umt5_" + type.toStdString() + ".gguf");
        std::string bytes;
        if (type == QLatin1String("Q8_0")) {
            bytes = wan::test::toGguf(llama, "t5encoder");
        } else {
            wan::test::GgufWriter w;
            w.kvString("general.architecture", "t5encoder");
            const bool f16 = type == QLatin1String("F16");
            for (const auto& [name, t] : llama) {
                const auto c = t.to(f16 ? torch::kFloat16 : torch::kFloat32).contiguous();
                w.tensor(name, f16 ? 1 : 0, c.sizes().vec(),
                         std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size()));
            }
            bytes = w.bytes();
        }
        std::ofstream(file, std::ios::binary) << bytes;

        auto encoder = TextEncoder::loadFiles(file, spiece(), {});
        // Quantised blocks stay quantised in memory (dequantised per layer at use): every linear layer and
        // the token embedding hold the file's raw blocks.
        int quantizedLayers = 0, layers = 0;
        for (const auto& item : encoder->model()->named_modules("", false)) {
            const auto* linear = item.value()->as<wan::text::T5LinearImpl>();
            const auto* embedding = item.value()->as<wan::text::T5EmbeddingImpl>();
            if (!linear && !embedding)
                continue;
            const int ggml = linear ? linear->ggmlType : embedding->ggmlType;
            const auto& weight = linear ? linear->weight : embedding->weight;
            if (item.key().find("pos_embedding") == std::string::npos)
                ++layers;
            if (ggml >= 0) {
                ++quantizedLayers;
                QCOMPARE(weight.scalar_type(), torch::kUInt8);
                QCOMPARE(weight.dim(), 1);
            }
        }
        QCOMPARE(quantizedLayers, type == QLatin1String("Q8_0") ? layers : 0);
        const auto got = encoder->encode(m_prompts);
        std::vector<torch::Tensor> exact = m_official;
        if (tolerance > 0.0) {
            // The same values as plain float32 tensors.
            wan::test::GgufWriter w;
            w.kvString("general.architecture", "t5encoder");
            for (const auto& [name, t] : wan::io::loadGgufDequantized(file, torch::kFloat32)) {
                const auto c = t.contiguous();
                w.tensor(name, 0, c.sizes().vec(),
                         std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size()));
            }
            const fs::path values = fs::path(m_dir.path().toStdString()) / "umt5_values.gguf";
            std::ofstream(values, std::ios::binary) << w.bytes();
            exact = TextEncoder::loadFiles(values, spiece(), {})->encode(m_prompts);
        }
        double worst = 0.0;
        for (std::size_t i = 0; i < got.size(); ++i) {
            QVERIFY2(torch::equal(got[i], exact[i]), ("prompt " + std::to_string(i)).c_str());
            worst = std::max(worst, maxAbs(got[i], m_official[i]));
        }
        qInfo("umT5 GGUF %s: max abs difference to the official load %.3g over %zu prompts", qPrintable(type),
              worst, got.size());
        QVERIFY(worst <= tolerance);

        // The model set reads it too (dims from the GGUF header), with the tokenizer beside it.
        wan::ModelFiles files;
        files.dit = fixture() / "diffusion_pytorch_model.safetensors";
        files.t5 = file;
        files.vae = fixture() / "Wan2.1_VAE.pth";
        files.tokenizer = spiece();
        const auto info = wan::inspectModelSet({}, files);
        QCOMPARE(info.t5.numLayers, int(encoder->model()->blocks->size()));
        QCOMPARE(QString::fromStdString(info.t5.file.format), QStringLiteral("llama.cpp T5 GGUF"));
    }

    // A GGUF of another architecture is refused as such.
    void t5GgufRefusal()
    {
        wan::test::GgufWriter w;
        w.kvString("general.architecture", "llama");
        w.tensor("token_embd.weight", 0, {2, 4}, std::string(8 * 4, '\0'));
        const fs::path file = fs::path(m_dir.path().toStdString()) / "llama.gguf";
        std::ofstream(file, std::ios::binary) << w.bytes();
        const auto message = errorOf([&] { TextEncoder::loadFiles(file, {}, {}); });
        QVERIFY2(message.find("architecture 'llama'") != std::string::npos, message.c_str());
        QVERIFY2(message.find(file.string()) != std::string::npos, message.c_str());
    }

    void vaeFormats_data()
    {
        QTest::addColumn<QString>("layout");
        QTest::newRow("official names (ComfyUI)") << "official";
        QTest::newRow("diffusers names") << "diffusers";
        QTest::newRow("diffusers vae folder") << "folder";
    }

    void vaeFormats()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(QString, layout);
        const auto pth = fixture() / "Wan2.1_VAE.pth";
        const auto official = wan::io::loadPth(pth);
        const fs::path dir = fs::path(m_dir.path().toStdString());
        fs::path file = dir / ("vae_" + layout.toStdString() + ".safetensors");
        const auto weights = layout == "official" ? official : wan::test::toDiffusersVaeNames(official);
        if (layout == "folder") {
            fs::create_directories(dir / "vae");
            file = dir / "vae";
        }
        std::ofstream(layout == "folder" ? file / "diffusion_pytorch_model.safetensors" : file,
                      std::ios::binary)
            << wan::test::toSafetensors(weights, "", ConvertedStorage::Fp32);
        const auto reference = wan::vae::WanVae::load(pth, torch::kFloat32, torch::kCPU);
        const auto converted = wan::vae::WanVae::load(file, torch::kFloat32, torch::kCPU);
        for (const char* name : {"vae_decode_b", "vae_decode_c"}) {
            const auto data =
                wan::io::loadSafetensors(fixture() / "reference" / (std::string(name) + ".safetensors"));
            const auto want = reference->decode(data.at("latent"));
            const auto got = converted->decode(data.at("latent"));
            QVERIFY2(torch::equal(got, want), name);
            qInfo("VAE %s %s: bit-identical to the .pth load (max abs %.3g to the reference video)",
                  qPrintable(layout), name, maxAbs(got, data.at("video")));
        }
    }

    // A diffusers VAE file with a tensor missing is refused naming it as diffusers does.
    void vaeRefusal()
    {
        WAN_REQUIRE_FIXTURES();
        auto weights = wan::test::toDiffusersVaeNames(wan::io::loadPth(fixture() / "Wan2.1_VAE.pth"));
        QVERIFY(weights.erase("decoder.up_blocks.1.resnets.0.conv_shortcut.weight") == 1);
        weights["decoder.up_blocks.0.upsamplers.0.extra.weight"] = torch::ones({2, 2});
        const fs::path file = fs::path(m_dir.path().toStdString()) / "vae_refused.safetensors";
        std::ofstream(file, std::ios::binary)
            << wan::test::toSafetensors(weights, "", ConvertedStorage::Fp32);
        const auto error = errorOf([&] { wan::vae::WanVae::load(file, torch::kFloat32, torch::kCPU); });
        QVERIFY2(error.find("1 missing: decoder.up_blocks.1.resnets.0.conv_shortcut.weight") !=
                     std::string::npos,
                 error.c_str());
        QVERIFY2(error.find("1 unknown: decoder.up_blocks.0.upsamplers.0.extra.weight") != std::string::npos,
                 error.c_str());
    }

    void clipHfNames_data()
    {
        QTest::addColumn<bool>("folder");
        QTest::newRow("clip_vision_h.safetensors") << false;
        QTest::newRow("diffusers image_encoder folder") << true;
    }

    void clipHfNames()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(bool, folder);
        const fs::path i2v = wan::test::fixturesDir() / "wan-tiny-i2v";
        const auto official = wan::vision::ClipVision::load(i2v, torch::kFloat32, torch::kCPU);
        const fs::path dir = fs::path(m_dir.path().toStdString());
        const fs::path target = folder ? dir / "image_encoder" : dir / "clip_vision_h.safetensors";
        if (folder)
            fs::create_directories(target);
        const auto hf =
            wan::test::toHfClipVisionNames(wan::io::loadPth(i2v / wan::vision::kClipCheckpointName));
        std::ofstream(folder ? target / "model.safetensors" : target, std::ios::binary)
            << wan::test::toSafetensors(hf, "", ConvertedStorage::Fp32);
        const auto converted = wan::vision::ClipVision::load(target, torch::kFloat32, torch::kCPU);
        QCOMPARE(converted->config().layers, official->config().layers);
        const auto ref = wan::io::loadSafetensors(i2v / "reference" / "clip.safetensors");
        torch::NoGradGuard noGrad;
        const auto want = official->visual(ref.at("clip_input"));
        const auto got = converted->visual(ref.at("clip_input"));
        QVERIFY(torch::equal(got, want));
        WAN_COMPARE_TENSORS(got, ref.at("features"), 1e-4);
    }

    // A q projection missing: the fused tensor is named by its Hugging Face parts, the stray ones as stored.
    void clipRefusal()
    {
        WAN_REQUIRE_FIXTURES();
        const fs::path i2v = wan::test::fixturesDir() / "wan-tiny-i2v";
        auto hf = wan::test::toHfClipVisionNames(wan::io::loadPth(i2v / wan::vision::kClipCheckpointName));
        QVERIFY(hf.erase("vision_model.encoder.layers.1.self_attn.q_proj.weight") == 1);
        const fs::path file = fs::path(m_dir.path().toStdString()) / "clip_refused.safetensors";
        std::ofstream(file, std::ios::binary) << wan::test::toSafetensors(hf, "", ConvertedStorage::Fp32);
        const auto error =
            errorOf([&] { wan::vision::ClipVision::load(file, torch::kFloat32, torch::kCPU); });
        QVERIFY2(error.find("1 missing: vision_model.encoder.layers.1.self_attn.{q,k,v}_proj.weight") !=
                     std::string::npos,
                 error.c_str());
        QVERIFY2(error.find("vision_model.encoder.layers.1.self_attn.k_proj.weight") != std::string::npos,
                 error.c_str());
    }

    void t5Refusals_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "drop encoder.block.1.layer.1.DenseReluDense.wo.weight"
                                 << "1 missing: encoder.block.1.layer.1.DenseReluDense.wo.weight";
        QTest::newRow("unknown") << "add encoder.block.0.layer.2.adapter.weight"
                                 << "1 unknown: encoder.block.0.layer.2.adapter.weight";
        QTest::newRow("wrong shape") << "transpose encoder.block.0.layer.1.DenseReluDense.wi_1.weight"
                                     << "encoder.block.0.layer.1.DenseReluDense.wi_1.weight [32, 64]";
        QTest::newRow("plain T5")
            << "drop encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight"
            << "not the umT5-XXL encoder Wan uses";
        QTest::newRow("untied copy") << "add encoder.embed_tokens.weight"
                                     << "'shared.weight' and 'encoder.embed_tokens.weight' differ";
    }

    // Strict as the official layout: every problem named the way the file names it.
    void t5Refusals()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(QString, change);
        QFETCH(QString, message);
        auto weights = m_hfT5;
        const auto verb = change.section(' ', 0, 0);
        const auto name = change.section(' ', 1).toStdString();
        if (verb == "drop") {
            QVERIFY(weights.erase(name) == 1);
        } else if (verb == "transpose") {
            weights[name] = weights.at(name).t().contiguous();
        } else {
            weights[name] = torch::ones({32, 32});
            if (name == "encoder.embed_tokens.weight")
                weights[name] = weights.at("shared.weight").to(torch::kFloat32) + 1.0f;
        }
        const auto file = writeT5("refused.safetensors", weights, ConvertedStorage::Fp32);
        const auto error = errorOf([&] { TextEncoder::loadFiles(file, spiece(), {}); });
        QVERIFY2(error.find(message.toStdString()) != std::string::npos, error.c_str());
        QVERIFY2(error.find(file.string()) != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestComponentFormats)
#include "test_component_formats.moc"
