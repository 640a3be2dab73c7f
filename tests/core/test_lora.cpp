// LoRA loading and application on the tiny T2V fixture: every supported file layout (written here with random
// A/B and a known alpha) merges to exactly W + s * alpha / r * B A, the on-the-fly path gives the merged
// latents, strength 0 is the base model, strengths change without reloading, and a LoRA for another model is
// refused with the names of its tensors.
#include "dit/Lora.h"
#include "dit/WanModel.h"
#include "pipeline/EngineInternals.h"
#include "support/CheckpointWriter.h"
#include "support/TestSupport.h"
#include "wan/Pipeline.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>

using namespace wan;
namespace fs = std::filesystem;

namespace {

// The modules every test LoRA touches, in the engine's names.
const std::vector<std::string> kLoraModules = {
    "blocks.0.self_attn.q", "blocks.0.self_attn.o", "blocks.0.cross_attn.k",
    "blocks.0.ffn.0",       "blocks.1.self_attn.v", "blocks.1.cross_attn.o",
    "blocks.1.ffn.2",       "text_embedding.0",     "head.head",
};

// The diffusers names of kLoraModules, written out independently of the loader's tables.
const std::map<std::string, std::string> kDiffusersNames = {
    {"blocks.0.self_attn.q", "blocks.0.attn1.to_q"},
    {"blocks.0.self_attn.o", "blocks.0.attn1.to_out.0"},
    {"blocks.0.cross_attn.k", "blocks.0.attn2.to_k"},
    {"blocks.0.ffn.0", "blocks.0.ffn.net.0.proj"},
    {"blocks.1.self_attn.v", "blocks.1.attn1.to_v"},
    {"blocks.1.cross_attn.o", "blocks.1.attn2.to_out.0"},
    {"blocks.1.ffn.2", "blocks.1.ffn.net.2"},
    {"text_embedding.0", "condition_embedder.text_embedder.linear_1"},
    {"head.head", "proj_out"},
};

enum class Layout
{
    ComfyAB = 1, // diffusion_model.<m>.lora_A/B.weight + .alpha
    ComfyDownUp, // diffusion_model.<m>.lora_down/up.weight + .alpha
    Diffusers,   // transformer.<diffusers m>.lora_A/B.weight (no alpha: alpha = rank) and lora_B.bias
    Kohya,       // lora_unet_<m with _>.lora_down/up.weight + .alpha
    Diff,        // diffusion_model.<m>.diff / .diff_b, plus a norm and a modulation
};

struct WrittenLora
{
    fs::path file;
    std::map<std::string, torch::Tensor> down, up, diff, diffBias; // by engine module or parameter name
    double alphaOverRank = 1.0;
};

std::string bytesOf(const torch::Tensor& t)
{
    const auto c = t.contiguous().to(torch::kFloat32);
    return std::string(static_cast<const char*>(c.data_ptr()), size_t(c.numel()) * sizeof(float));
}

std::vector<std::int64_t> shapeOf(const torch::Tensor& t)
{
    return t.sizes().vec();
}

// Writes a LoRA for `model` in `layout` with rank 4 and alpha 2 (where the layout carries alpha).
// `diffusersBias`: the diffusers layout also carries lora_B.bias (diff_b as diffusers converts it).
WrittenLora writeLora(const QTemporaryDir& dir, const std::string& name, dit::WanModel& model, Layout layout,
                      std::uint64_t seed, bool diffusersBias = true)
{
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    std::map<std::string, torch::Tensor> params;
    for (const auto& item : model.named_parameters(true))
        params.emplace(item.key(), item.value());
    constexpr int64_t kRank = 4;
    constexpr double kAlpha = 2.0;
    WrittenLora lora;
    lora.file = fs::path(dir.path().toStdString()) / name;
    std::vector<test::SafetensorsSpec> specs;
    const auto add = [&](const std::string& key, const torch::Tensor& t) {
        specs.push_back({key, "F32", shapeOf(t), bytesOf(t)});
    };
    const auto randn = [&](std::vector<int64_t> shape) {
        return torch::randn(shape, generator, torch::kFloat32) * 0.1;
    };
    for (const auto& module : kLoraModules) {
        const auto& w = params.at(module + ".weight");
        if (layout == Layout::Diff) {
            lora.diff[module + ".weight"] = randn(shapeOf(w));
            lora.diffBias[module + ".bias"] = randn({w.size(0)});
            add("diffusion_model." + module + ".diff", lora.diff[module + ".weight"]);
            add("diffusion_model." + module + ".diff_b", lora.diffBias[module + ".bias"]);
            continue;
        }
        lora.down[module] = randn({kRank, w.size(1)});
        lora.up[module] = randn({w.size(0), kRank});
        const auto alpha = torch::full({}, kAlpha, torch::kFloat32);
        std::string base, a, b;
        bool withAlpha = true;
        switch (layout) {
        case Layout::ComfyAB:
            base = "diffusion_model." + module, a = ".lora_A.weight", b = ".lora_B.weight";
            break;
        case Layout::ComfyDownUp:
            base = "diffusion_model." + module, a = ".lora_down.weight", b = ".lora_up.weight";
            break;
        case Layout::Diffusers:
            base = "transformer." + kDiffusersNames.at(module), a = ".lora_A.weight", b = ".lora_B.weight";
            withAlpha = false;
            break;
        case Layout::Kohya: {
            auto flat = module;
            std::replace(flat.begin(), flat.end(), '.', '_');
            base = "lora_unet_" + flat, a = ".lora_down.weight", b = ".lora_up.weight";
            break;
        }
        case Layout::Diff:
            break;
        }
        add(base + a, lora.down[module]);
        add(base + b, lora.up[module]);
        if (layout == Layout::Diffusers && diffusersBias) {
            // diffusers' conversion of diff_b (PEFT lora_bias).
            lora.diffBias[module + ".bias"] = randn({w.size(0)});
            add(base + ".lora_B.bias", lora.diffBias[module + ".bias"]);
        }
        if (withAlpha)
            add(base + ".alpha", alpha);
        lora.alphaOverRank = withAlpha ? kAlpha / double(kRank) : 1.0;
    }
    if (layout == Layout::Diff) {
        // Full differences of parameters outside any Linear: a norm weight and a modulation table.
        lora.diff["blocks.1.norm3.weight"] = randn({params.at("blocks.1.norm3.weight").size(0)});
        add("diffusion_model.blocks.1.norm3.diff", lora.diff["blocks.1.norm3.weight"]);
        lora.diff["blocks.0.modulation"] = randn(shapeOf(params.at("blocks.0.modulation")));
        add("diffusion_model.blocks.0.modulation.diff", lora.diff["blocks.0.modulation"]);
    }
    test::writeFile(dir, name, test::safetensorsFile(specs));
    return lora;
}

std::map<std::string, torch::Tensor> snapshot(dit::WanModel& model)
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& item : model.named_parameters(true))
        out.emplace(item.key(), item.value().detach().clone());
    return out;
}

// The merged weights the formula gives: W + s * (alpha / r) * B A, and W + s * diff.
std::map<std::string, torch::Tensor> expectedWeights(const std::map<std::string, torch::Tensor>& base,
                                                     const WrittenLora& lora, double s)
{
    auto out = base;
    for (const auto& [module, down] : lora.down) {
        auto& w = out.at(module + ".weight");
        w = w + torch::mm(lora.up.at(module), down) * (s * lora.alphaOverRank);
    }
    for (const auto& [name, diff] : lora.diff)
        out.at(name) = out.at(name) + diff * s;
    for (const auto& [name, diff] : lora.diffBias)
        out.at(name) = out.at(name) + diff * s;
    return out;
}

Request tinyRequest(const fs::path& outDir)
{
    Request r;
    r.ckptDir = test::fixturesDir() / "wan-tiny-t2v";
    r.prompt = "Two anthropomorphic cats in comfy boxing gear fight on a spotlighted stage.";
    r.width = 48;
    r.height = 32;
    r.frameNum = 9;
    r.steps = 4;
    r.seed = 42;
    r.device = "cpu";
    r.precision = Precision::Float32;
    r.latentsPath = outDir / "latents.safetensors";
    r.previewEverySteps = 0;
    return r;
}

} // namespace

class TestLora : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<dit::WanModel> loadTiny()
    {
        return dit::WanModel::load(test::fixturesDir() / "wan-tiny-t2v", torch::kFloat32, torch::kCPU);
    }

    torch::Tensor runX0(Engine& engine, const Request& r, Result* resultOut = nullptr)
    {
        torch::Tensor x0;
        EngineInternals::setTrace(engine, [&](const std::string& name, int, const torch::Tensor& value) {
            if (name == "x0")
                x0 = value.detach().clone();
        });
        const auto result = engine.run(r);
        EngineInternals::setTrace(engine, {});
        if (resultOut)
            *resultOut = result;
        if (result.status != JobStatus::Done)
            qWarning("job failed: %s", result.error.c_str());
        return x0;
    }

private Q_SLOTS:
    void mergedWeightsExact_data()
    {
        QTest::addColumn<int>("layout");
        QTest::newRow("comfy lora_A/B + alpha") << int(Layout::ComfyAB);
        QTest::newRow("comfy lora_down/up + alpha") << int(Layout::ComfyDownUp);
        QTest::newRow("diffusers/PEFT") << int(Layout::Diffusers);
        QTest::newRow("kohya/musubi") << int(Layout::Kohya);
        QTest::newRow("diff + diff_b") << int(Layout::Diff);
    }

    // Merged weights equal the formula bit for bit; new strengths and an empty list restore exactly.
    void mergedWeightsExact()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(int, layout);
        QTemporaryDir dir;
        auto model = loadTiny();
        const auto base = snapshot(*model);
        const auto lora = writeLora(dir, "lora.safetensors", *model, Layout(layout), 7);
        dit::LoraState state;
        for (const double strength : {0.7, -1.3, 0.25}) {
            state.apply(model, {LoraSpec{lora.file, strength}}, /*onTheFly=*/false);
            const auto want = expectedWeights(base, lora, strength);
            int touched = 0;
            for (const auto& item : model->named_parameters(true)) {
                const auto& expected = want.at(item.key());
                if (!torch::equal(item.value(), expected))
                    QFAIL(qPrintable(QStringLiteral("%1 differs from W + s*alpha/r*BA (strength %2), max %3")
                                         .arg(QString::fromStdString(item.key()))
                                         .arg(strength)
                                         .arg((item.value() - expected).abs().max().item<double>())));
                touched += torch::equal(expected, base.at(item.key())) ? 0 : 1;
            }
            QVERIFY(touched >= int(kLoraModules.size()));
        }
        state.apply(model, {}, false);
        for (const auto& item : model->named_parameters(true))
            QVERIFY2(torch::equal(item.value(), base.at(item.key())), item.key().c_str());
    }

    void moduleNames()
    {
        const std::vector<std::string> names{"blocks.0.self_attn.q", "blocks.0.cross_attn.k_img",
                                             "blocks.10.ffn.2", "time_projection.1"};
        using dit::LoraLayout;
        QCOMPARE(dit::loraModuleName("blocks.3.attn2.add_k_proj", LoraLayout::Diffusers, names),
                 std::string("blocks.3.cross_attn.k_img"));
        QCOMPARE(
            dit::loraModuleName("transformer.condition_embedder.time_proj", LoraLayout::Diffusers, names),
            std::string("time_projection.1"));
        QCOMPARE(dit::loraModuleName("model.diffusion_model.blocks.2.ffn.0", LoraLayout::Comfy, names),
                 std::string("blocks.2.ffn.0"));
        QCOMPARE(dit::loraModuleName("lora_unet_blocks_0_cross_attn_k_img", LoraLayout::Kohya, names),
                 std::string("blocks.0.cross_attn.k_img"));
        QCOMPARE(dit::loraModuleName("lora_unet_blocks_10_ffn_2", LoraLayout::Kohya, names),
                 std::string("blocks.10.ffn.2"));
        QVERIFY(dit::loraModuleName("lora_unet_blocks_1_ffn_2", LoraLayout::Kohya, names).empty());
        QVERIFY(dit::loraModuleName("blocks.0.attn1.to_qq", LoraLayout::Diffusers, names).empty());
    }

    // Adapters on the forward path give the merged model's output, also with streamed blocks.
    void onTheFlyMatchesMergedForward()
    {
        WAN_REQUIRE_FIXTURES();
        c10::InferenceMode inference;
        QTemporaryDir dir;
        auto merged = loadTiny();
        auto onTheFly = loadTiny();
        const auto a = writeLora(dir, "a.safetensors", *merged, Layout::Kohya, 11);
        const auto b = writeLora(dir, "b.safetensors", *merged, Layout::Diff, 12);
        const std::vector<LoraSpec> specs{{a.file, 0.8}, {b.file, 0.5}};
        dit::LoraState mergedState, adapterState;
        mergedState.apply(merged, specs, false);
        onTheFly->setBlockStreaming(torch::Device(torch::kCPU));
        // A diff of a non-Linear parameter inside a streamed block cannot be merged: a clear refusal.
        bool refused = false;
        try {
            adapterState.apply(onTheFly, specs, true);
        } catch (const Error& e) {
            refused = QString::fromUtf8(e.what()).contains(QLatin1String("streamed block"));
        }
        QVERIFY(refused);
        adapterState.apply(onTheFly, {specs.front()}, true);
        mergedState.apply(merged, {specs.front()}, false);
        const auto ref =
            io::loadSafetensors(test::fixturesDir() / "wan-tiny-t2v" / "reference" / "dit_call1.safetensors");
        const auto call = [&](dit::WanModel& m) {
            return m
                .forward({ref.at("x.0")}, ref.at("t"), {ref.at("context.0")},
                         ref.at("seq_len").item<int64_t>())
                .at(0);
        };
        const auto base = call(*loadTiny());
        const auto want = call(*merged);
        const auto got = call(*onTheFly);
        QVERIFY((want - base).abs().max().item<double>() > 1e-3); // the LoRA changes the output
        WAN_COMPARE_TENSORS(got, want, 1e-5);
    }

    // Whole jobs: on the fly vs merged within 1e-5; strength 0 and no LoRA identical; changing strengths
    // between jobs on one Engine gives the same result as a fresh Engine.
    void engineJobs()
    {
        WAN_REQUIRE_FIXTURES();
        QTemporaryDir dir;
        auto model = loadTiny();
        const auto a = writeLora(dir, "style.safetensors", *model, Layout::ComfyAB, 21);
        // Without bias differences: on-the-fly vs merged is compared on the low-rank path here (a bias
        // difference added on the fly rounds differently from a merged one, about 1e-5 after 4 steps).
        const auto b = writeLora(dir, "motion.safetensors", *model, Layout::Diffusers, 22, false);
        model.reset();
        auto r = tinyRequest(dir.path().toStdString());
        Engine engine;
        const auto base = runX0(engine, r);
        QVERIFY(base.defined());

        r.loras = {{a.file, 0.0}};
        QVERIFY(torch::equal(runX0(engine, r), base));

        r.loras = {{a.file, 0.9}, {b.file, 0.6}};
        r.loraApply = LoraApply::Merge;
        const auto mergedX0 = runX0(engine, r);
        QVERIFY((mergedX0 - base).abs().max().item<double>() > 1e-3);
        r.loraApply = LoraApply::OnTheFly;
        WAN_COMPARE_TENSORS(runX0(engine, r), mergedX0, 1e-5);

        // New strengths on the same engine (model kept, originals restored) = a fresh engine.
        r.loraApply = LoraApply::Merge;
        r.loras = {{a.file, 0.3}};
        const auto reused = runX0(engine, r);
        Engine fresh;
        QVERIFY(torch::equal(reused, runX0(fresh, r)));
        r.loras.clear();
        QVERIFY(torch::equal(runX0(engine, r), base));
    }

    void mismatchedLoraRefused()
    {
        WAN_REQUIRE_FIXTURES();
        QTemporaryDir dir;
        auto model = loadTiny();
        // A block the 2-layer model does not have, a 14B-wide down matrix, and an unknown tensor kind.
        const auto file = test::writeFile(
            dir, "other.safetensors",
            test::safetensorsFile({
                {"diffusion_model.blocks.7.self_attn.q.lora_A.weight",
                 "F32",
                 {4, 64},
                 std::string(4 * 64 * 4, '\0')},
                {"diffusion_model.blocks.7.self_attn.q.lora_B.weight",
                 "F32",
                 {64, 4},
                 std::string(4 * 64 * 4, '\0')},
                {"diffusion_model.blocks.0.ffn.0.lora_A.weight",
                 "F32",
                 {4, 5120},
                 std::string(4 * 5120 * 4, '\0')},
                {"diffusion_model.blocks.0.ffn.0.lora_B.weight",
                 "F32",
                 {128, 4},
                 std::string(128 * 4 * 4, '\0')},
                {"diffusion_model.blocks.0.ffn.0.hada_w1_a", "F32", {2}, std::string(8, '\0')},
            }));
        QString message;
        try {
            dit::loadLora(file, *model);
        } catch (const Error& e) {
            message = QString::fromUtf8(e.what());
        }
        QVERIFY2(message.contains(QLatin1String("other.safetensors")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("blocks.7.self_attn.q.lora_A.weight")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("blocks.0.ffn.0.lora_A.weight [4, 5120]")),
                 qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("hada_w1_a")), qPrintable(message));

        // Through a job: Failed with the same names, nothing half-applied afterwards.
        auto r = tinyRequest(dir.path().toStdString());
        Engine engine;
        const auto base = runX0(engine, r);
        r.loras = {{file, 1.0}};
        Result result;
        runX0(engine, r, &result);
        QVERIFY(result.status == JobStatus::Failed);
        QVERIFY2(QString::fromStdString(result.error).contains(QLatin1String("blocks.7.self_attn.q")),
                 result.error.c_str());
        r.loras.clear();
        QVERIFY(torch::equal(runX0(engine, r), base));

        r.loras = {{fs::path(dir.path().toStdString()) / "missing.safetensors", 1.0}};
        runX0(engine, r, &result);
        QVERIFY(result.status == JobStatus::Failed);
        QVERIFY2(QString::fromStdString(result.error).contains(QLatin1String("missing.safetensors")),
                 result.error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLora)
#include "test_lora.moc"
