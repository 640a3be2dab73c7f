// The files creators have (issue #20), end to end: the tiny t2v fixture's DiT converted to ComfyUI single
// files (fp32, fp16, bf16, fp8_e4m3fn, fp8_scaled; under `model.diffusion_model.`) and to GGUF (one file per
// type, by gguf-py: tests/scripts/gguf_fixture.py) runs the official t2v_unipc generation through the Engine.
//
// Two checks per file:
// - exact: the same job on a model folder whose float32 DiT holds the file's values (the fp16/bf16/fp8 values
//   cast back by torch, times the fp8_scaled scale in float32; for GGUF gguf-py's own dequantisation) gives
//   bit-identical latents. Loading keeps the stored precision and the per-layer dequantisation at use
//   computes the same weights as the oracle.
// - against the official fp32 reference latents, within the tolerance measured for each storage (kept just
// above
//   the measured error, so a regression shows).
#include "dit/WanModel.h"
#include "io/QuantTensors.h"
#include "pipeline/EngineInternals.h"
#include "support/CheckpointWriter.h"
#include "support/FormatConverter.h"
#include "support/GgufWriter.h"
#include "support/TestSupport.h"
#include "wan/Pipeline.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace wan;
namespace fs = std::filesystem;

namespace {

constexpr const char* kComfyPrefix = "model.diffusion_model.";

fs::path ggufDir()
{
    const char* dir = std::getenv("WAN_GGUF_FIXTURE_DIR");
    return dir ? fs::path(dir) : fs::path();
}

void writeBytes(const fs::path& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    QVERIFY2(out.good(), path.string().c_str());
}

std::string safetensorsOf(const io::TensorMap& weights)
{
    std::vector<test::SafetensorsSpec> specs;
    for (const auto& [name, t] : weights) {
        const auto c = t.to(torch::kFloat32).contiguous();
        specs.push_back({name, "F32", c.sizes().vec(),
                         std::string(static_cast<const char*>(c.data_ptr()), std::size_t(c.numel()) * 4)});
    }
    return test::safetensorsFile(specs);
}

// The float32 values a converted safetensors file stands for, under the official names: plain casts, the fp8
// values times their scale_weight in float32.
io::TensorMap valuesOf(const io::TensorMap& stored)
{
    io::TensorMap out;
    const std::string prefix = kComfyPrefix;
    const std::string scaleSuffix = ".scale_weight";
    for (const auto& [key, t] : stored) {
        std::string name = key.starts_with(prefix) ? key.substr(prefix.size()) : key;
        if (name == "scaled_fp8" || name.ends_with(scaleSuffix))
            continue;
        auto value = t.to(torch::kFloat32);
        if (name.ends_with(".weight")) {
            const auto scale = stored.find(
                prefix + name.substr(0, name.size() - std::string(".weight").size()) + scaleSuffix);
            if (scale != stored.end())
                value = value * scale->second.to(torch::kFloat32).reshape({});
        }
        out.emplace(std::move(name), value);
    }
    return out;
}

// A model folder next to the fixture's: its config, tokenizer, T5 and VAE linked, `dit` as the DiT.
fs::path folderWith(const fs::path& root, const fs::path& fixture, const std::string& name,
                    const io::TensorMap& dit)
{
    const fs::path dir = root / name;
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(fixture)) {
        const auto file = entry.path().filename();
        if (file != "diffusion_pytorch_model.safetensors" && file != "reference")
            fs::create_symlink(entry.path(), dir / file);
    }
    writeBytes(dir / "diffusion_pytorch_model.safetensors", safetensorsOf(dit));
    return dir;
}

Request t2vUnipc(const fs::path& ckptDir)
{
    // reference/e2e_t2v_unipc.json
    Request r;
    r.task = Task::T2V;
    r.ckptDir = ckptDir;
    r.prompt =
        "Two anthropomorphic cats in comfy boxing gear and bright gloves fight intensely on a spotlighted "
        "stage.";
    r.negativePrompt = "";
    r.seed = 42;
    r.frameNum = 9;
    r.steps = 4;
    r.shift = 5.0;
    r.guideScale = 5.0;
    r.solver = Solver::UniPC;
    r.width = 48;
    r.height = 32;
    r.device = "cpu";
    r.precision = Precision::Float32;
    return r;
}

} // namespace

class TestFormatsE2e : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void loadsQuantised_data();
    void loadsQuantised();
    void endToEnd_data();
    void endToEnd();
    void rejectsOtherGguf();

private:
    // Latents of one job: every step's latent, stacked.
    torch::Tensor run(const Request& request, const fs::path& ditFile);

    Engine m_engine;
    QTemporaryDir m_tmp;
};

void TestFormatsE2e::initTestCase()
{
    at::set_num_threads(2);
    QVERIFY(m_tmp.isValid());
}

torch::Tensor TestFormatsE2e::run(const Request& request, const fs::path& ditFile)
{
    std::vector<torch::Tensor> latents;
    EngineInternals::setTrace(m_engine, [&](const std::string& name, int, const torch::Tensor& value) {
        if (name == "latent")
            latents.push_back(value.detach().to(torch::kCPU).clone());
    });
    Request r = request;
    if (!ditFile.empty()) {
        // The set: this DiT file with the folder's text encoder and VAE. The tiny fixture has 16-dim heads,
        // so the file needs its config.json beside it (real models: dim / 128).
        fs::copy_file(request.ckptDir / "config.json", ditFile.parent_path() / "config.json",
                      fs::copy_options::overwrite_existing);
        r.models.dit = ditFile;
    }
    r.latentsPath = fs::path(m_tmp.path().toStdString()) / "latents.safetensors";
    const auto result = m_engine.run(r, {});
    EngineInternals::setTrace(m_engine, {});
    if (result.status != JobStatus::Done) {
        qWarning("%s", result.error.c_str());
        return {};
    }
    return latents.empty() ? torch::Tensor() : torch::stack(latents);
}

// Which storage each file's linear weights keep in memory.
void TestFormatsE2e::loadsQuantised_data()
{
    QTest::addColumn<QString>("storage");
    QTest::addColumn<int>("quantizedLinears");
    QTest::addColumn<int>("weightDtype"); // of blocks.0.ffn.0.weight
    // The fixture DiT has 2 blocks x 10 linears (self/cross attention q, k, v, o; ffn.0, ffn.2) +
    // text_embedding (2), time_embedding (2), time_projection (1), head (1) = 26 linear layers.
    QTest::newRow("fp16") << "fp16" << 0 << int(torch::kFloat32);
    QTest::newRow("fp8_e4m3fn") << "fp8_e4m3fn" << 26 << int(torch::kFloat8_e4m3fn);
    QTest::newRow("fp8_scaled") << "fp8_scaled" << 26 << int(torch::kFloat8_e4m3fn);
    QTest::newRow("gguf Q4_0") << "Q4_0" << 26 << int(torch::kUInt8);
    QTest::newRow("gguf F16") << "F16" << 0 << int(torch::kFloat32);
}

void TestFormatsE2e::loadsQuantised()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, storage);
    QFETCH(int, quantizedLinears);
    QFETCH(int, weightDtype);
    const auto fixture = test::fixturesDir() / "wan-tiny-t2v";
    fs::path file;
    if (storage.startsWith(QLatin1String("fp"))) {
        const auto weights = io::loadSafetensors(fixture / "diffusion_pytorch_model.safetensors");
        const auto kind = storage == QLatin1String("fp16")         ? test::ConvertedStorage::Fp16
                          : storage == QLatin1String("fp8_scaled") ? test::ConvertedStorage::Fp8Scaled
                                                                   : test::ConvertedStorage::Fp8E4M3;
        file = fs::path(m_tmp.path().toStdString()) / ("load_" + storage.toStdString() + ".safetensors");
        writeBytes(file, test::toSafetensors(weights, kComfyPrefix, kind));
    } else {
        QVERIFY2(!ggufDir().empty(), "WAN_GGUF_FIXTURE_DIR is not set (ctest sets it)");
        file = ggufDir() / ("dit_" + storage.toStdString() + ".gguf");
        QVERIFY2(fs::exists(file), file.string().c_str());
    }
    const auto model = dit::WanModel::load(file, torch::kFloat32, torch::kCPU);
    QCOMPARE(model->quantizedLinearCount(), quantizedLinears);
    const auto params = model->named_parameters(true);
    QCOMPARE(int(params["blocks.0.ffn.0.weight"].scalar_type()), weightDtype);
    // Non-linear tensors are dequantised once at load; norms and biases stay float32.
    QCOMPARE(params["patch_embedding.weight"].scalar_type(), torch::kFloat32);
    QCOMPARE(params["blocks.0.modulation"].scalar_type(), torch::kFloat32);
}

void TestFormatsE2e::endToEnd_data()
{
    QTest::addColumn<QString>("storage");
    QTest::addColumn<double>("referenceAtol"); // max abs error of the step latents vs the official fp32 run
    // Measured on this build (CPU, fp32 compute; max abs error over the 4 step latents, values of order 1;
    // the fixture's random tiny weights amplify weight error far more than trained weights do): fp32 4.1e-5
    // (the folder's own error), fp16 2.0e-3, bf16 1.4e-2, fp8_e4m3fn 0.24, fp8_scaled 0.33, GGUF F32 4.1e-5,
    // F16 1.6e-3, BF16 1.4e-2, Q8_0 4.3e-2, Q5_1 0.39, Q5_0 0.39, Q4_1 1.03, Q4_0 0.65. Each tolerance is the
    // measured error rounded up to the next 1-2-5 step; the exact check above is the strict one.
    QTest::newRow("comfy fp32") << "fp32" << 1e-4;
    QTest::newRow("comfy fp16") << "fp16" << 5e-3;
    QTest::newRow("comfy bf16") << "bf16" << 2e-2;
    QTest::newRow("comfy fp8_e4m3fn") << "fp8_e4m3fn" << 5e-1;
    QTest::newRow("comfy fp8_scaled") << "fp8_scaled" << 5e-1;
    QTest::newRow("gguf F32") << "F32" << 1e-4;
    QTest::newRow("gguf F16") << "F16" << 2e-3;
    QTest::newRow("gguf BF16") << "BF16" << 2e-2;
    QTest::newRow("gguf Q8_0") << "Q8_0" << 5e-2;
    QTest::newRow("gguf Q5_1") << "Q5_1" << 5e-1;
    QTest::newRow("gguf Q5_0") << "Q5_0" << 5e-1;
    QTest::newRow("gguf Q4_1") << "Q4_1" << 2.0;
    QTest::newRow("gguf Q4_0") << "Q4_0" << 1.0;
}

void TestFormatsE2e::endToEnd()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, storage);
    QFETCH(double, referenceAtol);
    const auto fixture = test::fixturesDir() / "wan-tiny-t2v";
    const fs::path tmp = m_tmp.path().toStdString();
    const std::string tag = storage.toStdString();

    fs::path file;
    io::TensorMap values;          // the float32 values the file stands for, official names
    if (storage.at(0).isLower()) { // Comfy safetensors; GGUF types are upper case
        const auto weights = io::loadSafetensors(fixture / "diffusion_pytorch_model.safetensors");
        const auto kind = storage == QLatin1String("fp32")         ? test::ConvertedStorage::Fp32
                          : storage == QLatin1String("fp16")       ? test::ConvertedStorage::Fp16
                          : storage == QLatin1String("bf16")       ? test::ConvertedStorage::Bf16
                          : storage == QLatin1String("fp8_scaled") ? test::ConvertedStorage::Fp8Scaled
                                                                   : test::ConvertedStorage::Fp8E4M3;
        file = tmp / ("wan2.1_t2v_tiny_" + tag + ".safetensors");
        writeBytes(file, test::toSafetensors(weights, kComfyPrefix, kind));
        values = valuesOf(io::loadSafetensors(file));
    } else {
        QVERIFY2(!ggufDir().empty(), "WAN_GGUF_FIXTURE_DIR is not set (ctest sets it)");
        file = ggufDir() / ("dit_" + tag + ".gguf");
        QVERIFY2(fs::exists(file),
                 (file.string() + " missing: tests/scripts/gguf_fixture.sh writes it").c_str());
        values = io::loadSafetensors(ggufDir() / ("dit_" + tag + ".dequant.safetensors"));
    }
    const auto oracleDir = folderWith(tmp, fixture, "oracle_" + tag, values);

    const auto fromFile = run(t2vUnipc(fixture), file);
    QVERIFY2(fromFile.defined(), "the job on the converted file failed");
    const auto fromOracle = run(t2vUnipc(oracleDir), {});
    QVERIFY2(fromOracle.defined(), "the job on the oracle folder failed");

    const auto exact = test::compareTensors(fromFile, fromOracle);
    QVERIFY2(exact.shapeMatches && exact.maxAbs == 0.0,
             qPrintable(QStringLiteral("%1 differs from its float32 oracle by %2 (%3)")
                            .arg(storage)
                            .arg(exact.maxAbs)
                            .arg(QString::fromStdString(exact.where))));

    const auto ref = io::loadSafetensors(fixture / "reference" / "e2e_t2v_unipc.safetensors");
    const auto diff = test::compareTensors(fromFile, ref.at("latents").slice(0, 1));
    const auto want = ref.at("latents").slice(0, 1);
    const double relRms = ((fromFile - want).pow(2).mean().sqrt() / want.pow(2).mean().sqrt()).item<double>();
    qInfo("%s: max abs error of the step latents vs the fp32 reference %.3g (tolerance %.3g), relative RMS "
          "%.3g",
          qPrintable(storage), diff.maxAbs, referenceAtol, relRms);
    QVERIFY2(diff.shapeMatches && diff.maxAbs <= referenceAtol,
             qPrintable(QStringLiteral("%1: max abs error %2 at %3")
                            .arg(storage)
                            .arg(diff.maxAbs)
                            .arg(QString::fromStdString(diff.where))));
}

void TestFormatsE2e::rejectsOtherGguf()
{
    // An LLM GGUF is named as such, not bound and reported tensor by tensor.
    test::GgufWriter w;
    w.kvString("general.architecture", "llama");
    w.tensor("token_embd.weight", 0, {2, 4}, std::string(8 * 4, '\0'));
    const fs::path file = fs::path(m_tmp.path().toStdString()) / "llama.gguf";
    writeBytes(file, w.bytes());
    try {
        dit::WanModel::load(file, torch::kFloat32, torch::kCPU);
        QFAIL("an LLM GGUF loaded as a DiT");
    } catch (const Error& e) {
        const std::string message = e.what();
        QVERIFY2(message.find("architecture 'llama'") != std::string::npos &&
                     message.find(file.string()) != std::string::npos,
                 e.what());
    }
}

QTEST_GUILESS_MAIN(TestFormatsE2e)
#include "test_formats_e2e.moc"
