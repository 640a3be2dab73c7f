// Content detection: the tiny fixtures as they are and converted into the layouts creators have (ComfyUI
// prefixes, fp16/bf16/fp8/fp8_scaled, GGUF), realistic synthetic headers of every Wan role and size, and
// files that are not Wan files (Flux, SDXL, an LLM...). Also measures what fp8_scaled and Q8_0 cost on the
// fixture weights.
#include "dit/WanModel.h"
#include "io/FormatDetect.h"
#include "io/QuantTensors.h"
#include "support/CheckpointWriter.h"
#include "support/FormatConverter.h"
#include "support/GgufWriter.h"
#include "support/TestSupport.h"
#include "wan/Error.h"

#include <QTemporaryDir>
#include <QTest>

using namespace wan::io;
using wan::test::ConvertedStorage;

namespace {

using Tensors = std::vector<TensorDescription>;

void addBlocks(Tensors& t, const std::string& prefix, int count, const std::vector<std::string>& suffixes,
               std::int64_t dim, const std::string& type = "BF16")
{
    for (int i = 0; i < count; ++i)
        for (const auto& s : suffixes)
            t.push_back({prefix + std::to_string(i) + "." + s, {dim, dim}, type});
}

Tensors wanDit(std::int64_t dim, std::int64_t inDim, int layers, const std::string& prefix = "",
               const std::string& type = "BF16")
{
    Tensors t{{prefix + "patch_embedding.weight", {dim, inDim, 1, 2, 2}, type},
              {prefix + "patch_embedding.bias", {dim}, "F32"},
              {prefix + "head.head.weight", {64, dim}, type},
              {prefix + "text_embedding.0.weight", {dim, 4096}, type}};
    Tensors blocks;
    addBlocks(blocks, "blocks.", layers, {"self_attn.q.weight", "cross_attn.k.weight", "ffn.0.weight"}, dim,
              type);
    for (auto& b : blocks)
        t.push_back({prefix + b.name, b.shape, b.type});
    return t;
}

Tensors with(Tensors t, const Tensors& more)
{
    t.insert(t.end(), more.begin(), more.end());
    return t;
}

} // namespace

Q_DECLARE_METATYPE(Tensors)

class TestFormatDetect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void synthetic_data();
    void synthetic();
    void fixturesAsShipped();
    void convertedDit_data();
    void convertedDit();
    void fp8ScaledAndGgufValues();
    void notWanFiles();
    void unreadableFile();
};

void TestFormatDetect::synthetic_data()
{
    QTest::addColumn<Tensors>("tensors");
    QTest::addColumn<QString>("arch");
    QTest::addColumn<bool>("isWan");
    QTest::addColumn<int>("role");
    QTest::addColumn<int>("naming");
    QTest::addColumn<QString>("size");
    QTest::addColumn<QString>("task");
    QTest::addColumn<QString>("expect"); // substring of the message

    const auto dit = int(FileRole::Dit);
    QTest::newRow("14B i2v official")
        << with(wanDit(5120, 36, 40), {{"img_emb.proj.0.weight", {1280}, "F32"}}) << "" << true << dit
        << int(NamingSource::Official) << "14B"
        << "i2v"
        << "Wan 2.1 DiT (14B, i2v, official names, bf16)";
    QTest::newRow("1.3B t2v comfy fp16") << wanDit(1536, 16, 30, "model.diffusion_model.", "F16") << ""
                                         << true << dit << int(NamingSource::ComfyPrefix) << "1.3B"
                                         << "t2v"
                                         << "ComfyUI names, fp16";
    QTest::newRow("14B flf2v") << with(wanDit(5120, 36, 40), {{"img_emb.proj.0.weight", {1280}, "F32"},
                                                              {"img_emb.emb_pos", {1, 514, 1280}, "F32"}})
                               << "" << true << dit << int(NamingSource::Official) << "14B"
                               << "flf2v"
                               << "flf2v";
    QTest::newRow("1.3B vace") << with(wanDit(1536, 16, 30),
                                       {{"vace_blocks.0.before_proj.weight", {1536, 1536}, "BF16"},
                                        {"vace_patch_embedding.weight", {1536, 96, 1, 2, 2}, "BF16"}})
                               << "" << true << dit << int(NamingSource::Official) << "1.3B"
                               << "vace"
                               << "vace";
    {
        Tensors t{{"patch_embedding.weight", {5120, 16, 1, 2, 2}, "BF16"},
                  {"condition_embedder.time_embedder.linear_1.weight", {5120, 256}, "BF16"},
                  {"scale_shift_table", {1, 2, 5120}, "F32"},
                  {"proj_out.weight", {64, 5120}, "BF16"}};
        addBlocks(t, "blocks.", 40, {"attn1.to_q.weight", "attn2.to_k.weight", "ffn.net.0.proj.weight"},
                  5120);
        QTest::newRow("14B t2v diffusers") << t << "" << true << dit << int(NamingSource::Diffusers) << "14B"
                                           << "t2v"
                                           << "diffusers names";
    }
    QTest::newRow("14B Q4_K GGUF") << wanDit(5120, 16, 40, "", "Q4_K") << "wan" << true << dit
                                   << int(NamingSource::Official) << "14B"
                                   << "t2v"
                                   << "Q4_K, GGUF";
    {
        auto t = wanDit(5120, 16, 40, "", "F8_E4M3");
        t.push_back({"blocks.0.self_attn.q.scale_weight", {}, "F32"});
        t.push_back({"scaled_fp8", {0}, "F8_E4M3"});
        QTest::newRow("14B fp8_scaled") << t << "" << true << dit << int(NamingSource::Official) << "14B"
                                        << "t2v"
                                        << "fp8_scaled (e4m3fn)";
    }
    QTest::newRow("Wan 2.2 TI2V-5B") << wanDit(3072, 48, 30) << "" << false << dit
                                     << int(NamingSource::Official) << ""
                                     << "t2v"
                                     << "Wan 2.2 TI2V-5B";
    QTest::newRow("Wan 2.2 I2V-A14B")
        << wanDit(5120, 36, 40) << "" << false << dit << int(NamingSource::Official) << ""
        << "t2v"
        << "Wan 2.2 image-to-video";

    const auto t5 = int(FileRole::TextEncoder);
    {
        Tensors t{{"shared.weight", {256384, 4096}, "F16"},
                  {"encoder.final_layer_norm.weight", {4096}, "F16"}};
        addBlocks(t, "encoder.block.", 24,
                  {"layer.0.SelfAttention.q.weight", "layer.0.SelfAttention.relative_attention_bias.weight"},
                  4096, "F16");
        QTest::newRow("umT5-XXL HF names") << t << "" << true << t5 << int(NamingSource::HfT5) << "umT5-XXL"
                                           << ""
                                           << "umT5 text encoder (umT5-XXL, Hugging Face T5 names, fp16)";
        Tensors flux{
            {"shared.weight", {32128, 4096}, "F16"},
            {"encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", {32, 64}, "F16"}};
        addBlocks(flux, "encoder.block.", 24, {"layer.0.SelfAttention.q.weight"}, 4096, "F16");
        QTest::newRow("T5-XXL of Flux") << flux << "" << false << t5 << int(NamingSource::HfT5) << ""
                                        << ""
                                        << "not the umT5-XXL";
    }
    {
        Tensors t{{"token_embd.weight", {256384, 4096}, "Q8_0"}};
        addBlocks(t, "enc.blk.", 24, {"attn_q.weight"}, 4096, "Q8_0");
        QTest::newRow("umT5 llama.cpp GGUF")
            << t << "t5encoder" << true << t5 << int(NamingSource::LlamaCppT5) << "umT5-XXL"
            << ""
            << "llama.cpp T5 names, Q8_0, GGUF";
    }
    {
        Tensors t{{"vision_model.embeddings.patch_embedding.weight", {1280, 3, 14, 14}, "F16"},
                  {"visual_projection.weight", {1024, 1280}, "F16"}};
        addBlocks(t, "vision_model.encoder.layers.", 32, {"self_attn.q_proj.weight"}, 1280, "F16");
        QTest::newRow("clip_vision_h")
            << t << "" << true << int(FileRole::ClipVision) << int(NamingSource::HfClip) << "ViT-H/14"
            << ""
            << "CLIP vision encoder (ViT-H/14, Hugging Face CLIP";
    }
    QTest::newRow("VAE diffusers")
        << Tensors{{"encoder.conv_in.weight", {96, 3, 3, 3, 3}, "F32"},
                   {"quant_conv.weight", {32, 32, 1, 1, 1}, "F32"},
                   {"decoder.up_blocks.0.resnets.0.conv1.weight", {384, 384, 3, 3, 3}, "F32"}}
        << "" << true << int(FileRole::Vae) << int(NamingSource::Diffusers) << "Wan2.1 VAE"
        << ""
        << "VAE (Wan2.1 VAE, diffusers names, fp32)";
    QTest::newRow("SD VAE diffusers")
        << Tensors{{"encoder.conv_in.weight", {128, 3, 3, 3}, "F32"},
                   {"quant_conv.weight", {8, 8, 1, 1}, "F32"},
                   {"decoder.up_blocks.0.resnets.0.conv1.weight", {512, 512, 3, 3}, "F32"}}
        << "" << false << int(FileRole::Vae) << int(NamingSource::Unknown) << ""
        << ""
        << "an image VAE";
    QTest::newRow("Wan LoRA")
        << Tensors{{"diffusion_model.blocks.0.self_attn.q.lora_A.weight", {16, 5120}, "BF16"},
                   {"diffusion_model.blocks.0.self_attn.q.lora_B.weight", {5120, 16}, "BF16"}}
        << "" << true << int(FileRole::Lora) << int(NamingSource::ComfyPrefix) << ""
        << ""
        << "Wan 2.1 LoRA";
    QTest::newRow("Flux LoRA") << Tensors{{"lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight",
                                           {16, 3072},
                                           "BF16"}}
                               << "" << false << int(FileRole::Lora) << int(NamingSource::Unknown) << ""
                               << ""
                               << "a Flux LoRA";
    QTest::newRow("Flux") << Tensors{{"double_blocks.0.img_attn.qkv.weight", {9216, 3072}, "BF16"},
                                     {"single_blocks.0.linear1.weight", {21504, 3072}, "BF16"},
                                     {"img_in.weight", {3072, 64}, "BF16"}}
                          << "" << false << int(FileRole::Unknown) << int(NamingSource::Unknown) << ""
                          << ""
                          << "it looks like a Flux model.";
    QTest::newRow("Flux comfy")
        << Tensors{{"model.diffusion_model.double_blocks.0.img_attn.qkv.weight", {9216, 3072}, "F8_E4M3"},
                   {"model.diffusion_model.single_blocks.0.linear1.weight", {21504, 3072}, "F8_E4M3"}}
        << "" << false << int(FileRole::Unknown) << int(NamingSource::Unknown) << ""
        << ""
        << "a Flux model";
    QTest::newRow("HunyuanVideo") << Tensors{{"double_blocks.0.img_attn_qkv.weight", {9216, 3072}, "BF16"},
                                             {"single_blocks.0.linear1.weight", {21504, 3072}, "BF16"},
                                             {"txt_in.individual_token_refiner.blocks.0.mlp.fc1.weight",
                                              {12288, 3072},
                                              "BF16"}}
                                  << "" << false << int(FileRole::Unknown) << int(NamingSource::Unknown) << ""
                                  << ""
                                  << "HunyuanVideo";
    QTest::newRow("SDXL") << Tensors{{"model.diffusion_model.input_blocks.0.0.weight", {320, 4, 3, 3}, "F16"},
                                     {"model.diffusion_model.label_emb.0.0.weight", {1280, 2816}, "F16"},
                                     {"conditioner.embedders.1.model.ln_final.weight", {1280}, "F16"},
                                     {"first_stage_model.encoder.conv_in.weight", {128, 3, 3, 3}, "F16"}}
                          << "" << false << int(FileRole::Unknown) << int(NamingSource::Unknown) << ""
                          << ""
                          << "an SDXL checkpoint";
    QTest::newRow("SD 1.5")
        << Tensors{{"model.diffusion_model.input_blocks.0.0.weight", {320, 4, 3, 3}, "F16"},
                   {"cond_stage_model.transformer.text_model.final_layer_norm.weight", {768}, "F16"}}
        << "" << false << int(FileRole::Unknown) << int(NamingSource::Unknown) << ""
        << ""
        << "Stable Diffusion 1.x/2.x";
    QTest::newRow("SDXL UNet diffusers")
        << Tensors{{"conv_in.weight", {320, 4, 3, 3}, "F16"},
                   {"down_blocks.0.resnets.0.conv1.weight", {320, 320, 3, 3}, "F16"},
                   {"up_blocks.0.resnets.0.conv1.weight", {1280, 2560, 3, 3}, "F16"},
                   {"add_embedding.linear_1.weight", {1280, 2816}, "F16"}}
        << "" << false << int(FileRole::Unknown) << int(NamingSource::Unknown) << ""
        << ""
        << "SDXL UNet";
    QTest::newRow("LLM safetensors")
        << Tensors{{"model.embed_tokens.weight", {151936, 896}, "BF16"},
                   {"model.layers.0.self_attn.q_proj.weight", {896, 896}, "BF16"}}
        << "" << false << int(FileRole::Unknown) << int(NamingSource::Unknown) << ""
        << ""
        << "a language model (LLM)";
    QTest::newRow("LLM GGUF") << Tensors{{"token_embd.weight", {32000, 4096}, "Q4_K"},
                                         {"blk.0.attn_q.weight", {4096, 4096}, "Q4_K"}}
                              << "llama" << false << int(FileRole::Unknown) << int(NamingSource::Unknown)
                              << ""
                              << ""
                              << "a language model GGUF (general.architecture 'llama')";
    QTest::newRow("Flux GGUF") << Tensors{{"double_blocks.0.img_attn.qkv.weight", {9216, 3072}, "Q8_0"}}
                               << "flux" << false << int(FileRole::Unknown) << int(NamingSource::Unknown)
                               << ""
                               << ""
                               << "a Flux model (GGUF architecture 'flux')";
    QTest::newRow("unknown") << Tensors{{"foo.weight", {3, 3}, "F32"}, {"bar", {3}, "F32"}} << "" << false
                             << int(FileRole::Unknown) << int(NamingSource::Unknown) << ""
                             << ""
                             << "match no known layout (first: bar, foo.weight)";
}

void TestFormatDetect::synthetic()
{
    QFETCH(Tensors, tensors);
    QFETCH(QString, arch);
    QFETCH(bool, isWan);
    QFETCH(int, role);
    QFETCH(int, naming);
    QFETCH(QString, size);
    QFETCH(QString, task);
    QFETCH(QString, expect);
    const auto d = detectTensors(tensors, arch.isEmpty() ? FileContainer::Safetensors : FileContainer::Gguf,
                                 arch.toStdString(), "model.file");
    const auto message = QString::fromStdString(d.message);
    qInfo("%s", qPrintable(message));
    QVERIFY2(message.contains(expect), qPrintable(message));
    QVERIFY2(message.startsWith(QStringLiteral("model.file")), qPrintable(message));
    QCOMPARE(d.isWan, isWan);
    QCOMPARE(int(d.role), role);
    QCOMPARE(int(d.naming), naming);
    if (isWan)
        QCOMPARE(QString::fromStdString(d.modelSize), size);
    QCOMPARE(QString::fromStdString(d.task), task);
}

void TestFormatDetect::fixturesAsShipped()
{
    WAN_REQUIRE_FIXTURES();
    const auto dir = wan::test::fixturesDir();
    struct Row
    {
        std::string file;
        FileRole role;
        std::string size, task;
        std::int64_t dim, inDim, layers;
    };
    const Row rows[] = {
        {"wan-tiny-t2v/diffusion_pytorch_model.safetensors", FileRole::Dit, "custom", "t2v", 64, 16, 2},
        {"wan-tiny-i2v/diffusion_pytorch_model.safetensors", FileRole::Dit, "custom", "i2v", 64, 36, 2},
        {"wan-tiny-flf2v/diffusion_pytorch_model.safetensors", FileRole::Dit, "custom", "flf2v", 64, 36, 2},
        {"wan-tiny-t2v/models_t5_umt5-xxl-enc-bf16.pth", FileRole::TextEncoder, "custom", "", 32, 0, 0},
        {"wan-tiny-t2v/Wan2.1_VAE.pth", FileRole::Vae, "Wan2.1 VAE", "", 16, 0, 0},
        {"wan-tiny-i2v/models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth", FileRole::ClipVision,
         "custom", "", 64, 0, 0},
    };
    for (const auto& r : rows) {
        const auto d = detectFile(dir / r.file);
        qInfo("%s", d.message.c_str());
        QVERIFY2(d.isWan, d.message.c_str());
        QCOMPARE(d.role, r.role);
        QCOMPARE(d.naming, NamingSource::Official);
        QCOMPARE(d.modelSize, r.size);
        QCOMPARE(d.task, r.task);
        QCOMPARE(d.dim, r.dim);
        if (r.role == FileRole::Dit) {
            QCOMPARE(d.inDim, r.inDim);
            QCOMPARE(d.numLayers, r.layers);
        }
    }
    // The vace fixture, whatever its folder layout, is a vace DiT.
    const auto vace = dir / "wan-tiny-vace/diffusion_pytorch_model.safetensors";
    if (std::filesystem::exists(vace))
        QCOMPARE(detectFile(vace).task, std::string("vace"));
}

void TestFormatDetect::convertedDit_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("storage"); // 0: GGUF
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QString>("expectStorage");
    for (const char* fixture : {"wan-tiny-t2v", "wan-tiny-i2v"}) {
        const auto row = [&](const char* name) -> QTestData& {
            return QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(fixture, name)));
        };
        row("comfy fp32") << fixture << int(ConvertedStorage::Fp32) << "model.diffusion_model."
                          << "fp32";
        row("comfy fp16") << fixture << int(ConvertedStorage::Fp16) << "model.diffusion_model."
                          << "fp16";
        row("comfy bf16") << fixture << int(ConvertedStorage::Bf16) << "diffusion_model."
                          << "bf16";
        row("comfy fp8_e4m3fn") << fixture << int(ConvertedStorage::Fp8E4M3) << "model.diffusion_model."
                                << "fp8_e4m3fn";
        row("comfy fp8_scaled") << fixture << int(ConvertedStorage::Fp8Scaled) << "model.diffusion_model."
                                << "fp8_scaled (e4m3fn)";
        row("official fp8_scaled") << fixture << int(ConvertedStorage::Fp8Scaled) << ""
                                   << "fp8_scaled (e4m3fn)";
        row("gguf Q8_0") << fixture << 0 << ""
                         << "Q8_0";
    }
}

void TestFormatDetect::convertedDit()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixture);
    QFETCH(int, storage);
    QFETCH(QString, prefix);
    QFETCH(QString, expectStorage);
    const auto source =
        wan::test::fixturesDir() / fixture.toStdString() / "diffusion_pytorch_model.safetensors";
    const auto original = loadSafetensors(source);
    QTemporaryDir dir;
    const auto path = storage == 0
                          ? wan::test::writeFile(dir, "converted.gguf", wan::test::toGguf(original, "wan"))
                          : wan::test::writeFile(dir, "converted.safetensors",
                                                 wan::test::toSafetensors(original, prefix.toStdString(),
                                                                          ConvertedStorage(storage)));
    const auto d = detectFile(path);
    qInfo("%s", d.message.c_str());
    QVERIFY2(d.isWan, d.message.c_str());
    QCOMPARE(d.role, FileRole::Dit);
    QCOMPARE(d.container, storage == 0 ? FileContainer::Gguf : FileContainer::Safetensors);
    QCOMPARE(d.naming, prefix.isEmpty() ? NamingSource::Official : NamingSource::ComfyPrefix);
    QCOMPARE(d.task, fixture.endsWith(QStringLiteral("i2v")) ? std::string("i2v") : std::string("t2v"));
    QCOMPARE(d.dim, std::int64_t(64));
    QCOMPARE(d.inDim, fixture.endsWith(QStringLiteral("i2v")) ? std::int64_t(36) : std::int64_t(16));
    QCOMPARE(d.numLayers, std::int64_t(2));
    QCOMPARE(QString::fromStdString(d.storage), expectStorage);
    QCOMPARE(d.modelSize, std::string("custom"));
    // What detection accepts, the DiT loader builds (quantised weights stay quantised).
    const auto model = wan::dit::WanModel::loadFile(
        path, wan::test::fixturesDir() / fixture.toStdString() / "config.json", torch::kFloat32, torch::kCPU);
    QCOMPARE(model->config().numLayers, 2);
    QVERIFY(storage == int(ConvertedStorage::Fp32) || storage == int(ConvertedStorage::Bf16) ||
            storage == int(ConvertedStorage::Fp16) || model->quantizedLinearCount() > 0);
}

void TestFormatDetect::fp8ScaledAndGgufValues()
{
    // What the converted files hold, read back through the engine's readers and dequantisers.
    WAN_REQUIRE_FIXTURES();
    const auto original =
        loadSafetensors(wan::test::fixturesDir() / "wan-tiny-i2v/diffusion_pytorch_model.safetensors");
    QTemporaryDir dir;
    const auto scaledPath = wan::test::writeFile(
        dir, "scaled.safetensors",
        wan::test::toSafetensors(original, "model.diffusion_model.", ConvertedStorage::Fp8Scaled));
    const auto scaled = loadSafetensors(scaledPath);
    const auto ggufPath = wan::test::writeFile(dir, "q8.gguf", wan::test::toGguf(original, "wan"));
    const auto gguf = loadGgufDequantized(ggufPath, torch::kFloat32);
    QCOMPARE(gguf.size(), original.size());
    double worstFp8 = 0.0, worstQ8 = 0.0;
    int fp8Weights = 0, q8Weights = 0;
    for (const auto& [name, w] : original) {
        const auto& s = scaled.at("model.diffusion_model." + name);
        const auto& g = gguf.at(name);
        QCOMPARE(g.numel(), w.numel());
        const double amax = w.abs().max().item<double>();
        if (w.dim() >= 2 && name.ends_with(".weight")) {
            const auto module = name.substr(0, name.size() - 7);
            const auto deq = dequantizeScaledFp8(
                s, scaled.at("model.diffusion_model." + module + ".scale_weight"), torch::kFloat32, name);
            const double err = (deq - w).abs().max().item<double>() / amax;
            QVERIFY2(
                err <= 0.0625,
                qPrintable(QStringLiteral("%1: fp8_scaled error %2 of amax").arg(name.c_str()).arg(err)));
            worstFp8 = std::max(worstFp8, err);
            ++fp8Weights;
        } else {
            QVERIFY(torch::equal(s, w)); // kept fp32
        }
        const double errQ = (g.reshape(w.sizes()) - w).abs().max().item<double>() / std::max(amax, 1e-30);
        if (g.numel() >= 32 && w.size(-1) % 32 == 0 && w.dim() >= 2) {
            // Q8_0: half a step of the block's scale amax/127, plus up to 127 steps times the scale's fp16
            // rounding (relative 2^-11).
            constexpr double kBound = (0.5 + 127.0 / 2048.0) / 127.0;
            QVERIFY2(errQ <= kBound,
                     qPrintable(QStringLiteral("%1: Q8_0 error %2 of amax").arg(name.c_str()).arg(errQ)));
            worstQ8 = std::max(worstQ8, errQ);
            ++q8Weights;
        } else {
            QVERIFY(torch::equal(g.reshape(w.sizes()), w.to(torch::kFloat32)));
        }
    }
    QVERIFY(fp8Weights > 10);
    QVERIFY(q8Weights > 10);
    qInfo("fp8_scaled: %d weights, worst max|error| / max|w| = %.4f; Q8_0: %d weights, worst %.5f",
          fp8Weights, worstFp8, q8Weights, worstQ8);
}

void TestFormatDetect::notWanFiles()
{
    QTemporaryDir dir;
    const std::string f32x4(16, '\0');
    const auto llm = wan::test::writeFile(dir, "llama.gguf",
                                          wan::test::GgufWriter()
                                              .kvString("general.architecture", "llama")
                                              .tensor("blk.0.attn_q.weight", 0, {2, 2}, f32x4)
                                              .bytes());
    auto d = detectFile(llm);
    QVERIFY(!d.isWan);
    QVERIFY2(d.message.find("llama.gguf is not a Wan 2.1 file: it looks like a language model GGUF "
                            "(general.architecture 'llama')") != std::string::npos,
             d.message.c_str());
    const auto flux = wan::test::writeFile(
        dir, "flux1-dev.safetensors",
        wan::test::safetensorsFile({{"double_blocks.0.img_attn.qkv.weight", "F32", {2, 2}, f32x4},
                                    {"single_blocks.0.linear1.weight", "F32", {2, 2}, f32x4}}));
    d = detectFile(flux);
    QVERIFY(!d.isWan);
    QVERIFY2(d.message.find("flux1-dev.safetensors is not a Wan 2.1 file: it looks like a Flux model") !=
                 std::string::npos,
             d.message.c_str());
    // A Wan-looking name does not matter: content decides.
    const auto named = wan::test::writeFile(
        dir, "wan2.1_t2v_14B_fp8_scaled.safetensors",
        wan::test::safetensorsFile({{"model.diffusion_model.input_blocks.0.0.weight", "F32", {2, 2}, f32x4},
                                    {"conditioner.embedders.1.model.ln_final.weight", "F32", {4}, f32x4}}));
    d = detectFile(named);
    QVERIFY(!d.isWan);
    QVERIFY2(d.message.find("an SDXL checkpoint") != std::string::npos, d.message.c_str());
}

void TestFormatDetect::unreadableFile()
{
    QTemporaryDir dir;
    const auto junk =
        wan::test::writeFile(dir, "junk.bin", std::string("\x10\x00\x00\x00\x00\x00\x00\x00{not json", 17));
    try {
        detectFile(junk);
        QFAIL("junk was accepted");
    } catch (const wan::Error& e) {
        QCOMPARE(e.kind(), wan::ErrorKind::CorruptFile);
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("junk.bin is not a model file")),
                 e.what());
    }
    QVERIFY_THROWS_EXCEPTION(wan::Error,
                             detectFile(dir.filePath(QStringLiteral("missing.gguf")).toStdString()));
}

QTEST_GUILESS_MAIN(TestFormatDetect)
#include "test_format_detect.moc"
