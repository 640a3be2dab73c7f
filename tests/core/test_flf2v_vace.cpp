// First-last-frame-to-video and VACE against the official runs recorded in wan-tiny-flf2v / wan-tiny-vace:
// stage parity (CLIP features of the two frames, DiT calls incl. VACE hints, VAE encodes, schedules, the
// conditioning builders), the end-to-end generations through the Engine, source formats and bad inputs.
//
// Tolerances (absolute, element-wise), from the fixtures' README: DiT calls, CLIP features, VAE encodes and
// conditioning tensors 1e-4; schedules: timesteps exact, sigmas 1e-6, samples 1e-5; end-to-end noise 2e-6,
// latents (every step, x0, the decoder input, the saved file) 1e-4, decoded video 5e-4, frames +-1.
#include "dit/WanModel.h"
#include "media/Image.h"
#include "media/Png.h"
#include "pipeline/Conditioning.h"
#include "pipeline/EngineInternals.h"
#include "pipeline/LatentsFile.h"
#include "sampling/Scheduler.h"
#include "support/ReferenceRequest.h"
#include "support/TestSupport.h"
#include "text/Tokenizer.h"
#include "vae/WanVae.h"
#include "vision/ClipVision.h"
#include "wan/ModelFolder.h"
#include "wan/Pipeline.h"

#include "LosslessVideo.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <map>
#include <vector>

using namespace wan;
namespace fs = std::filesystem;

namespace {

constexpr double kStageAtol = 1e-4;
constexpr double kLatentAtol = 1e-4;
constexpr double kVideoAtol = 5e-4;

struct Trace
{
    std::map<std::string, std::vector<torch::Tensor>> tensors;

    TraceFn callback()
    {
        return [this](const std::string& name, int, const torch::Tensor& value) {
            tensors[name].push_back(value.detach().to(torch::kCPU).clone());
        };
    }
    torch::Tensor one(const std::string& name) const
    {
        const auto it = tensors.find(name);
        return it == tensors.end() || it->second.empty() ? torch::Tensor() : it->second.front();
    }
    torch::Tensor stacked(const std::string& name) const
    {
        const auto it = tensors.find(name);
        return it == tensors.end() || it->second.empty() ? torch::Tensor() : torch::stack(it->second);
    }
};

fs::path fixture(const char* name)
{
    return test::fixturesDir() / name;
}

torch::Tensor imageTensor(const media::RgbImage& image)
{
    return torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()), {image.height, image.width, 3},
                            torch::kUInt8)
        .clone();
}

QString errorOf(const std::function<void()>& f, ErrorKind* kind = nullptr)
{
    try {
        f();
    } catch (const Error& e) {
        if (kind)
            *kind = e.kind();
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestFlf2vVace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void folders();
    void badFolders_data();
    void badFolders();
    void ditParity_data();
    void ditParity();
    void ditRejectsBadVaceInput();
    void ditBlockStreaming();
    void clipFeaturesOfTwoFrames();
    void vaeEncode_data();
    void vaeEncode();
    void schedules_data();
    void schedules();
    void lastFrameFitAndMask();
    void vaceMaskPacking();
    void endToEnd_data();
    void endToEnd();
    void vaceSourceFormats();
    void vaceResizeAndTrim();
    void cancelLeavesNoVideo();
    void badInputs_data();
    void badInputs();

private:
    Engine m_engine;
};

void TestFlf2vVace::initTestCase()
{
    at::set_num_threads(2);
}

void TestFlf2vVace::folders()
{
    WAN_REQUIRE_FIXTURES();
    const auto flf2v = inspectModelFolder(fixture("wan-tiny-flf2v"));
    QCOMPARE(int(flf2v.modelType), int(ModelType::FLF2V));
    QVERIFY(flf2v.clip.has_value());
    QCOMPARE(folderTasks(flf2v), std::vector<std::string>{"flf2v-14B"});
    const auto vace = inspectModelFolder(fixture("wan-tiny-vace"));
    QCOMPARE(int(vace.modelType), int(ModelType::VACE));
    QCOMPARE(vace.dit.vaceLayers, (std::vector<int>{0, 2}));
    QCOMPARE(vace.dit.vaceInDim, 96);
    QVERIFY(!vace.clip.has_value());
    QCOMPARE(folderTasks(vace), std::vector<std::string>{"vace-1.3B"});
    QVERIFY(modelInfoToJson(vace).find("\"vace_layers\"") != std::string::npos);
    QVERIFY(modelInfoToText(flf2v).find("flf2v-14B") != std::string::npos);

    const auto model = dit::WanModel::load(fixture("wan-tiny-vace"), torch::kFloat32, torch::kCPU);
    QCOMPARE(int(model->config().modelType), int(dit::WanModelType::Vace));
    QCOMPARE(model->config().vaceLayers, (std::vector<int64_t>{0, 2}));
    QCOMPARE(model->config().vaceInDim, int64_t(96));
    QCOMPARE(int(model->vace_blocks->size()), 2);
    QVERIFY(model->named_parameters().contains("vace_blocks.0.before_proj.weight"));
    QVERIFY(!model->named_parameters().contains("vace_blocks.1.before_proj.weight"));
    const auto firstLast = dit::WanModel::load(fixture("wan-tiny-flf2v"), torch::kFloat32, torch::kCPU);
    QCOMPARE(int(firstLast->config().modelType), int(dit::WanModelType::Flf2v));
    QCOMPARE(firstLast->config().imageTokens, int64_t(257));

    // Strict loading: a VACE checkpoint missing one hint block's tensor, or with a stray one, is refused by
    // name.
    auto weights = io::loadDitWeights(fixture("wan-tiny-vace"));
    auto missing = weights;
    missing.erase("vace_blocks.1.after_proj.bias");
    const auto config = fixture("wan-tiny-vace") / "config.json";
    auto message = errorOf(
        [&] { dit::WanModel::fromWeights(missing, config, "x.safetensors", torch::kFloat32, torch::kCPU); });
    QVERIFY2(message.contains(QStringLiteral("vace_blocks.1.after_proj.bias")), qPrintable(message));
    auto extra = weights;
    extra.emplace("vace_blocks.1.before_proj.weight", torch::zeros({64, 64}));
    message = errorOf(
        [&] { dit::WanModel::fromWeights(extra, config, "x.safetensors", torch::kFloat32, torch::kCPU); });
    QVERIFY2(message.contains(QStringLiteral("vace_blocks.1.before_proj.weight")), qPrintable(message));
}

void TestFlf2vVace::badFolders_data()
{
    QTest::addColumn<QString>("fixtureName");
    QTest::addColumn<QString>("configEdit"); // "key=json value", or "-key" to remove it
    QTest::addColumn<QString>("message");
    QTest::newRow("vace_layers lists fewer blocks than the weights")
        << "wan-tiny-vace"
        << "vace_layers=[0]"
        << "has 2 vace_blocks but vace_layers lists 1";
    QTest::newRow("vace_layers without block 0") << "wan-tiny-vace"
                                                 << "vace_layers=[1, 2]"
                                                 << "including 0";
    QTest::newRow("vace_in_dim disagrees with the weights") << "wan-tiny-vace"
                                                            << "vace_in_dim=64"
                                                            << "vace_in_dim";
    QTest::newRow("vace weights under a t2v config") << "wan-tiny-vace"
                                                     << "model_type=\"t2v\""
                                                     << "VACE weights";
    QTest::newRow("flf2v weights under an i2v config") << "wan-tiny-flf2v"
                                                       << "model_type=\"i2v\""
                                                       << "emb_pos";
    QTest::newRow("i2v weights under an flf2v config") << "wan-tiny-i2v"
                                                       << "model_type=\"flf2v\""
                                                       << "emb_pos";
}

void TestFlf2vVace::badFolders()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixtureName);
    QFETCH(QString, configEdit);
    QFETCH(QString, message);
    // A copy of the folder (weights linked, not copied) with one config.json entry changed.
    QTemporaryDir tmp;
    const fs::path dir = fs::path(tmp.path().toStdString()) / "model";
    const auto source = fixture(fixtureName.toLatin1().constData());
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(source)) {
        if (entry.path().filename() != "config.json" && entry.path().filename() != "reference")
            fs::create_symlink(entry.path(), dir / entry.path().filename());
    }
    QFile in(QString::fromStdString((source / "config.json").string()));
    QVERIFY(in.open(QIODevice::ReadOnly));
    auto config = QJsonDocument::fromJson(in.readAll()).object();
    const auto eq = configEdit.indexOf(QLatin1Char('='));
    config.insert(configEdit.left(eq),
                  QJsonDocument::fromJson(("[" + configEdit.mid(eq + 1) + "]").toUtf8()).array().at(0));
    QFile out(QString::fromStdString((dir / "config.json").string()));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QJsonDocument(config).toJson());
    out.close();
    ErrorKind kind{};
    const auto error = errorOf([&] { inspectModelFolder(dir); }, &kind);
    qInfo("%s", qPrintable(error));
    QCOMPARE(int(kind), int(ErrorKind::ModelFolder));
    QVERIFY2(error.contains(message), qPrintable(error));
}

void TestFlf2vVace::ditParity_data()
{
    QTest::addColumn<QString>("fixtureName");
    QTest::addColumn<QString>("call");
    QTest::newRow("flf2v call1") << "wan-tiny-flf2v"
                                 << "dit_call1";
    QTest::newRow("flf2v call2 (2 samples, padded keys)") << "wan-tiny-flf2v"
                                                          << "dit_call2";
    QTest::newRow("vace call1 (hints, scale 1)") << "wan-tiny-vace"
                                                 << "dit_call1";
    QTest::newRow("vace call2 (2 samples, padded, scale 0.5)") << "wan-tiny-vace"
                                                               << "dit_call2";
}

void TestFlf2vVace::ditParity()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixtureName);
    QFETCH(QString, call);
    const auto dir = fixture(fixtureName.toLatin1().constData());
    auto model = dit::WanModel::load(dir, torch::kFloat32, torch::kCPU);
    const auto ref = io::loadSafetensors(dir / "reference" / (call.toStdString() + ".safetensors"));
    std::vector<torch::Tensor> x, context, y, vace;
    for (int i = 0; ref.count("x." + std::to_string(i)); ++i) {
        const auto n = std::to_string(i);
        x.push_back(ref.at("x." + n));
        context.push_back(ref.at("context." + n));
        if (ref.count("y." + n))
            y.push_back(ref.at("y." + n));
        if (ref.count("vace_context." + n))
            vace.push_back(ref.at("vace_context." + n));
    }
    std::optional<torch::Tensor> clipFea;
    std::optional<std::vector<torch::Tensor>> yArg, vaceArg;
    double scale = 1.0;
    if (ref.count("clip_fea")) {
        clipFea = ref.at("clip_fea");
        yArg = y;
    }
    if (!vace.empty()) {
        vaceArg = vace;
        scale = ref.at("vace_context_scale").item<double>();
    }
    const auto out = model->forward(x, ref.at("t"), context, ref.at("seq_len").item<int64_t>(), clipFea, yArg,
                                    vaceArg, scale);
    QCOMPARE(out.size(), x.size());
    for (size_t i = 0; i < out.size(); ++i)
        WAN_COMPARE_TENSORS(out[i], ref.at("out." + std::to_string(i)), kStageAtol);
    if (vaceArg) {
        // The hints matter: without them (scale 0) the output differs.
        const auto plain = model->forward(x, ref.at("t"), context, ref.at("seq_len").item<int64_t>(), clipFea,
                                          yArg, vaceArg, 0.0);
        QVERIFY(test::compareTensors(plain[0], ref.at("out.0")).maxAbs > 1e-3);
    }
}

void TestFlf2vVace::ditRejectsBadVaceInput()
{
    WAN_REQUIRE_FIXTURES();
    auto model = dit::WanModel::load(fixture("wan-tiny-vace"), torch::kFloat32, torch::kCPU);
    const auto ref = io::loadSafetensors(fixture("wan-tiny-vace") / "reference" / "dit_call1.safetensors");
    ErrorKind kind{};
    auto message =
        errorOf([&] { model->forward({ref.at("x.0")}, ref.at("t"), {ref.at("context.0")}, 18); }, &kind);
    QCOMPARE(kind, ErrorKind::InvalidArgument);
    QVERIFY2(message.contains(QStringLiteral("VACE")), qPrintable(message));
    const auto wrong = ref.at("vace_context.0").narrow(0, 0, 95);
    message = errorOf([&] {
        model->forward({ref.at("x.0")}, ref.at("t"), {ref.at("context.0")}, 18, std::nullopt, std::nullopt,
                       std::vector<torch::Tensor>{wrong});
    });
    QVERIFY2(message.contains(QStringLiteral("96")), qPrintable(message));
}

void TestFlf2vVace::ditBlockStreaming()
{
    WAN_REQUIRE_FIXTURES();
    // Hint blocks stream like the base blocks; the results are unchanged.
    c10::InferenceMode inference;
    auto model = dit::WanModel::load(fixture("wan-tiny-vace"), torch::kFloat32, torch::kCPU);
    model->setBlockStreaming(torch::Device(torch::kCPU));
    const auto ref = io::loadSafetensors(fixture("wan-tiny-vace") / "reference" / "dit_call2.safetensors");
    const auto out = model->forward(
        {ref.at("x.0"), ref.at("x.1")}, ref.at("t"), {ref.at("context.0"), ref.at("context.1")},
        ref.at("seq_len").item<int64_t>(), std::nullopt, std::nullopt,
        std::vector<torch::Tensor>{ref.at("vace_context.0"), ref.at("vace_context.1")},
        ref.at("vace_context_scale").item<double>());
    WAN_COMPARE_TENSORS(out[0], ref.at("out.0"), kStageAtol);
    WAN_COMPARE_TENSORS(out[1], ref.at("out.1"), kStageAtol);
}

void TestFlf2vVace::clipFeaturesOfTwoFrames()
{
    WAN_REQUIRE_FIXTURES();
    const auto ref = io::loadSafetensors(fixture("wan-tiny-flf2v") / "reference" / "clip.safetensors");
    auto clip = vision::ClipVision::load(fixture("wan-tiny-flf2v"), torch::kFloat32, torch::kCPU);
    const auto first = ref.at("first"), last = ref.at("last");
    // The images as the pipeline reads them.
    const auto firstImage = media::loadImageRgb(fixture("wan-tiny-flf2v") / "reference" / "flf2v_first.png",
                                                media::ExifOrientation::Ignore);
    QVERIFY(torch::equal(imageTensor(firstImage), ref.at("first_u8")));
    WAN_COMPARE_TENSORS(torch::cat({clip->preprocess(first), clip->preprocess(last)}), ref.at("clip_input"),
                        1e-5);
    WAN_COMPARE_TENSORS(clip->encode(std::vector<torch::Tensor>{first, last}), ref.at("features"),
                        kStageAtol);
}

void TestFlf2vVace::vaeEncode_data()
{
    QTest::addColumn<QString>("fixtureName");
    QTest::addColumn<QString>("file");
    for (const char* name : {"wan-tiny-flf2v", "wan-tiny-vace"})
        for (const char* file : {"vae_encode_a", "vae_encode_b", "vae_encode_c"})
            QTest::newRow(qPrintable(QStringLiteral("%1/%2").arg(QLatin1String(name), QLatin1String(file))))
                << QString::fromLatin1(name) << QString::fromLatin1(file);
}

void TestFlf2vVace::vaeEncode()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixtureName);
    QFETCH(QString, file);
    const auto dir = fixture(fixtureName.toLatin1().constData());
    const auto ref = io::loadSafetensors(dir / "reference" / (file.toStdString() + ".safetensors"));
    const auto vae = vae::WanVae::load(dir / "Wan2.1_VAE.pth", torch::kFloat32, torch::kCPU);
    WAN_COMPARE_TENSORS(vae->encode(ref.at("video")), ref.at("latent"), kStageAtol);
}

void TestFlf2vVace::schedules_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("solver");
    QTest::addColumn<int>("steps");
    QTest::addColumn<double>("shift");
    if (test::fixturesDir().empty())
        return;
    const QRegularExpression re(
        QStringLiteral("^scheduler_(unipc|dpmpp)_steps(\\d+)_shift(\\d+(?:\\.\\d+)?)\\.safetensors$"));
    for (const char* name : {"wan-tiny-flf2v", "wan-tiny-vace"}) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(fixture(name) / "reference"))
            files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        int rows = 0;
        for (const auto& path : files) {
            const auto m = re.match(QString::fromStdString(path.filename().string()));
            if (!m.hasMatch())
                continue;
            ++rows;
            QTest::newRow(qPrintable(QStringLiteral("%1/%2").arg(QLatin1String(name), m.captured(0))))
                << QString::fromStdString(path.string()) << m.captured(1) << m.captured(2).toInt()
                << m.captured(3).toDouble();
        }
        // Each folder holds 8 trajectories; none found is a failure, not a pass.
        if (rows == 0)
            QTest::newRow(name) << QStringLiteral("(no scheduler files)") << QStringLiteral("unipc") << 1
                                << 1.0;
    }
}

void TestFlf2vVace::schedules()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, file);
    QFETCH(QString, solver);
    QFETCH(int, steps);
    QFETCH(double, shift);
    QVERIFY2(fs::is_regular_file(file.toStdString()), qPrintable(file));
    const auto ref = io::loadSafetensors(file.toStdString());
    auto scheduler = sampling::makeScheduler(solver == QLatin1String("unipc") ? Solver::UniPC : Solver::DpmPP,
                                             steps, shift);
    QVERIFY2(torch::equal(scheduler->timesteps(), ref.at("timesteps")), "timesteps differ (exact expected)");
    WAN_COMPARE_TENSORS(scheduler->sigmas(), ref.at("sigmas"), 1e-6);
    auto sample = ref.at("samples")[0].clone();
    const auto* t = scheduler->timesteps().data_ptr<std::int64_t>();
    for (int k = 0; k < steps; ++k) {
        const auto modelOutput = 0.1 * sample + torch::full({}, double(t[k]), torch::kFloat32) / 1000.0;
        sample = scheduler->step(modelOutput, t[k], sample);
    }
    WAN_COMPARE_TENSORS(sample, ref.at("samples")[steps], 1e-5);
}

void TestFlf2vVace::lastFrameFitAndMask()
{
    WAN_REQUIRE_FIXTURES();
    for (const char* name : {"e2e_flf2v_unipc", "e2e_flf2v_dpmpp"}) {
        const auto ref = io::loadSafetensors(fixture("wan-tiny-flf2v") / "reference" /
                                             (std::string(name) + ".safetensors"));
        const auto lastU8 = ref.at("last_u8");
        const auto last = lastU8.permute({2, 0, 1}).to(torch::kFloat32).div(255).sub(0.5).div(0.5);
        // 72x56 into 80x48: cropped to width 62 and zero padded to height 80, as TF.center_crop does.
        const auto fitted =
            pipeline::fitLastFrame(last, int(ref.at("first_u8").size(1)), int(ref.at("first_u8").size(0)));
        WAN_COMPARE_TENSORS(fitted, ref.at("last"), 0.0);
        pipeline::Geometry g;
        g.frames = 81;
        g.latFrames = int(ref.at("y").size(1));
        g.latHeight = int(ref.at("y").size(2));
        g.latWidth = int(ref.at("y").size(3));
        WAN_COMPARE_TENSORS(pipeline::firstLastMask(g), ref.at("y").narrow(0, 0, 4), 0.0);
    }
    // Same sizes: untouched.
    const auto same = torch::rand({3, 8, 12});
    QVERIFY(torch::equal(pipeline::fitLastFrame(same, 12, 8), same));
}

void TestFlf2vVace::vaceMaskPacking()
{
    WAN_REQUIRE_FIXTURES();
    for (const char* name : {"e2e_vace_inpaint_unipc", "e2e_vace_ref_dpmpp"}) {
        const auto ref = io::loadSafetensors(fixture("wan-tiny-vace") / "reference" /
                                             (std::string(name) + ".safetensors"));
        const int refs = ref.count("ref_image") ? 1 : 0;
        const auto packed = pipeline::vaceMaskChannels(ref.at("src_mask"), refs);
        WAN_COMPARE_TENSORS(packed, ref.at("vace_context").narrow(0, 32, 64), 0.0);
    }
}

void TestFlf2vVace::endToEnd_data()
{
    QTest::addColumn<QString>("fixtureName");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("batchedCfg");
    const auto flf2v = QStringLiteral("wan-tiny-flf2v");
    const auto vace = QStringLiteral("wan-tiny-vace");
    QTest::newRow("flf2v_unipc") << flf2v << QStringLiteral("flf2v_unipc") << false;
    QTest::newRow("flf2v_dpmpp") << flf2v << QStringLiteral("flf2v_dpmpp") << false;
    QTest::newRow("vace_inpaint_unipc") << vace << QStringLiteral("vace_inpaint_unipc") << false;
    QTest::newRow("vace_ref_dpmpp") << vace << QStringLiteral("vace_ref_dpmpp") << false;
    QTest::newRow("flf2v_unipc batched cfg") << flf2v << QStringLiteral("flf2v_unipc") << true;
    QTest::newRow("vace_ref_dpmpp batched cfg") << vace << QStringLiteral("vace_ref_dpmpp") << true;
}

void TestFlf2vVace::endToEnd()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, fixtureName);
    QFETCH(QString, name);
    QFETCH(bool, batchedCfg);
    const auto dir = fixture(fixtureName.toLatin1().constData());
    const auto refDir = dir / "reference";
    const auto params = test::readReferenceCase(dir, name.toStdString());
    QVERIFY2(!params.isEmpty(), "reference json missing");
    const auto ref = io::loadSafetensors(refDir / ("e2e_" + name.toStdString() + ".safetensors"));

    QTemporaryDir out;
    QVERIFY(out.isValid());
    const fs::path outDir = out.path().toStdString();
    auto request = test::referenceRequest(dir, params, outDir / "inputs");
    request.batchedCfg = batchedCfg;
    request.latentsPath = outDir / "latents.safetensors";
    request.outputPath = outDir / "out.mp4";
    request.framesDir = outDir / "frames";
    request.previewEverySteps = 1;

    Trace trace;
    EngineInternals::setTrace(m_engine, trace.callback());
    int progressCalls = 0;
    std::vector<PreviewImage> previews;
    Callbacks callbacks;
    callbacks.onProgress = [&](const Progress& p) {
        if (p.stage == Stage::Denoising && p.step > 0)
            ++progressCalls;
    };
    callbacks.onPreview = [&](const PreviewImage& preview) { previews.push_back(preview); };
    const auto result = m_engine.run(request, callbacks);
    EngineInternals::setTrace(m_engine, {});
    QVERIFY2(result.status == JobStatus::Done, result.error.c_str());
    QCOMPARE(result.seed, request.seed);
    QCOMPARE(progressCalls, request.steps);
    QCOMPARE(int(previews.size()), request.steps);
    QCOMPARE(previews.back().frames, int(ref.at("noise").size(1)));

    WAN_COMPARE_TENSORS(trace.one("noise"), ref.at("noise"), 2e-6);
    WAN_COMPARE_TENSORS(trace.one("context"), ref.at("context"), kStageAtol);
    WAN_COMPARE_TENSORS(trace.one("context_null"), ref.at("context_null"), kStageAtol);
    QVERIFY2(torch::equal(trace.one("timesteps"), ref.at("timesteps")), "timesteps differ");
    QVERIFY2(torch::equal(trace.one("seq_len"), ref.at("seq_len")), "seq_len differs");
    if (request.task == Task::FLF2V) {
        WAN_COMPARE_TENSORS(trace.one("first"), ref.at("first"), 1e-6);
        WAN_COMPARE_TENSORS(trace.one("last"), ref.at("last"), 1e-6);
        WAN_COMPARE_TENSORS(trace.one("clip_fea"), ref.at("clip_fea"), kStageAtol);
        WAN_COMPARE_TENSORS(trace.one("vae_encode_input"), ref.at("vae_encode_input"), kStageAtol);
        WAN_COMPARE_TENSORS(trace.one("y"), ref.at("y"), kStageAtol);
    } else {
        WAN_COMPARE_TENSORS(trace.one("src_video"), ref.at("src_video"), 1e-6);
        WAN_COMPARE_TENSORS(trace.one("src_mask"), ref.at("src_mask"), 1e-6);
        if (ref.count("ref_image")) {
            WAN_COMPARE_TENSORS(trace.one("ref_image"), ref.at("ref_image"), 1e-6);
            WAN_COMPARE_TENSORS(trace.one("latent_ref"), ref.at("latent_ref"), kStageAtol);
        }
        WAN_COMPARE_TENSORS(trace.one("vae_encode_inactive"), ref.at("vae_encode_inactive"), 1e-6);
        WAN_COMPARE_TENSORS(trace.one("vae_encode_reactive"), ref.at("vae_encode_reactive"), 1e-6);
        WAN_COMPARE_TENSORS(trace.one("latent_inactive"), ref.at("latent_inactive"), kStageAtol);
        WAN_COMPARE_TENSORS(trace.one("latent_reactive"), ref.at("latent_reactive"), kStageAtol);
        WAN_COMPARE_TENSORS(trace.one("vace_context"), ref.at("vace_context"), kStageAtol);
        WAN_COMPARE_TENSORS(trace.one("decode_input"), ref.at("decode_input"), kLatentAtol);
    }
    WAN_COMPARE_TENSORS(trace.stacked("noise_pred_cond"), ref.at("noise_pred_cond"), kLatentAtol);
    WAN_COMPARE_TENSORS(trace.stacked("noise_pred_uncond"), ref.at("noise_pred_uncond"), kLatentAtol);
    WAN_COMPARE_TENSORS(trace.stacked("latent"), ref.at("latents").slice(0, 1), kLatentAtol);
    WAN_COMPARE_TENSORS(trace.one("x0"), ref.at("x0"), kLatentAtol);
    WAN_COMPARE_TENSORS(trace.one("video"), ref.at("video"), kVideoAtol);
    WAN_COMPARE_TENSORS(trace.one("frames_u8").to(torch::kInt32), ref.at("frames_u8").to(torch::kInt32), 1);

    // The token ids of the prompt and of the negative prompt the official script used.
    if (ref.count("ids_cond") && ref.count("ids_null")) {
        const text::Tokenizer tokenizer(text::Tokenizer::modelPathIn(dir));
        const auto negative = params.value(QStringLiteral("n_prompt_used")).toString().toStdString();
        QVERIFY2(torch::equal(tokenizer.encodeBatch({request.prompt}).ids, ref.at("ids_cond")),
                 "ids_cond differ");
        QVERIFY2(torch::equal(tokenizer.encodeBatch({negative}).ids, ref.at("ids_null")), "ids_null differ");
    }

    // The saved latents are what the decoder got (VACE: without the reference frames).
    const auto& decoded = request.task == Task::VACE ? ref.at("decode_input") : ref.at("x0");
    WAN_COMPARE_TENSORS(pipeline::readLatents(request.latentsPath), decoded, kLatentAtol);
    const auto frames = int(ref.at("frames_u8").size(0));
    QCOMPARE(result.frames, frames);
    QCOMPARE(result.height, int(ref.at("frames_u8").size(1)));
    QCOMPARE(result.width, int(ref.at("frames_u8").size(2)));
    QCOMPARE(int(QDir(QString::fromStdString(request.framesDir.string()))
                     .entryList({QStringLiteral("*.png")})
                     .size()),
             frames);
    QVERIFY(fs::exists(request.outputPath));
}

void TestFlf2vVace::vaceSourceFormats()
{
    WAN_REQUIRE_FIXTURES();
    // The same source and mask as a folder of PNG frames and as lossless MP4s give identical latents.
    const auto dir = fixture("wan-tiny-vace");
    const auto params = test::readReferenceCase(dir, "vace_ref_dpmpp");
    QTemporaryDir out;
    const fs::path outDir = out.path().toStdString();
    auto request = test::referenceRequest(dir, params, outDir / "inputs");
    request.steps = 2;
    request.latentsPath = outDir / "png.safetensors";
    const auto fromPng = m_engine.run(request);
    QVERIFY2(fromPng.status == JobStatus::Done, fromPng.error.c_str());

    const auto srcFrames = pipeline::readFrames(request.srcVideo, "--src_video");
    const auto maskFrames = pipeline::readFrames(request.srcMask, "--src_mask");
    test::writeLosslessMp4(outDir / "src.mp4", srcFrames);
    test::writeLosslessMp4(outDir / "mask.mp4", maskFrames);
    WAN_COMPARE_TENSORS(pipeline::readFrames(outDir / "src.mp4", "--src_video").to(torch::kInt32),
                        srcFrames.to(torch::kInt32), 0);
    WAN_COMPARE_TENSORS(pipeline::readFrames(outDir / "mask.mp4", "--src_mask").to(torch::kInt32),
                        maskFrames.to(torch::kInt32), 0);
    request.srcVideo = outDir / "src.mp4";
    request.srcMask = outDir / "mask.mp4";
    request.latentsPath = outDir / "mp4.safetensors";
    const auto fromMp4 = m_engine.run(request);
    QVERIFY2(fromMp4.status == JobStatus::Done, fromMp4.error.c_str());
    QVERIFY2(torch::equal(pipeline::readLatents(outDir / "png.safetensors"),
                          pipeline::readLatents(outDir / "mp4.safetensors")),
             "MP4 and PNG sources give different latents");
}

void TestFlf2vVace::vaceResizeAndTrim()
{
    WAN_REQUIRE_FIXTURES();
    const auto dir = fixture("wan-tiny-vace");
    const auto params = test::readReferenceCase(dir, "vace_inpaint_unipc");
    QTemporaryDir out;
    const fs::path outDir = out.path().toStdString();
    auto request = test::referenceRequest(dir, params, outDir / "inputs");
    // Source 48x32, 9 frames: asked for 32x32 and 5 frames (scaled by max(32/48, 32/32) = 1, center crop).
    request.width = 32;
    request.height = 32;
    request.frameNum = 5;
    const auto source = pipeline::loadVaceSource(request);
    QCOMPARE(source.video.sizes(), (c10::IntArrayRef{3, 5, 32, 32}));
    QCOMPARE(source.mask.sizes(), (c10::IntArrayRef{1, 5, 32, 32}));
    const auto ref = io::loadSafetensors(dir / "reference" / "e2e_vace_inpaint_unipc.safetensors");
    WAN_COMPARE_TENSORS(source.video, ref.at("src_video").narrow(1, 0, 5).narrow(3, 8, 32), 1e-6);
    // Scaling up: 48x32 -> 96x64 is a 2x resize, no crop.
    request.width = 96;
    request.height = 64;
    const auto bigger = pipeline::loadVaceSource(request);
    QCOMPARE(bigger.video.sizes(), (c10::IntArrayRef{3, 5, 64, 96}));
    // A blank canvas without a source.
    request.srcVideo.clear();
    request.srcMask.clear();
    request.srcRefImages.clear();
    request.width = 48;
    request.height = 32;
    request.frameNum = 9;
    const auto canvas = pipeline::loadVaceSource(request);
    QCOMPARE(canvas.video.sizes(), (c10::IntArrayRef{3, 9, 32, 48}));
    QCOMPARE(canvas.mask.min().item<float>(), 1.0f);
    QCOMPARE(canvas.video.abs().max().item<float>(), 0.0f);
    // A reference of another size is fitted into a white canvas.
    request.srcRefImages = {fixture("wan-tiny-flf2v") / "reference" / "flf2v_first.png"}; // 80x48
    const auto fitted = pipeline::loadVaceSource(request);
    QCOMPARE(fitted.refs.at(0).sizes(), (c10::IntArrayRef{3, 1, 32, 48}));
    // 80x48 * min(32/48, 48/80) = 48x28: white rows above and below.
    QCOMPARE(fitted.refs.at(0)[0][0][0][0].item<float>(), 1.0f);
    QCOMPARE(fitted.refs.at(0)[0][0][31][47].item<float>(), 1.0f);

    // The engine with a canvas and no source runs too (a tiny smoke run, 1 step).
    request.srcRefImages.clear();
    request.steps = 1;
    request.seed = 3;
    request.latentsPath = outDir / "canvas.safetensors";
    const auto result = m_engine.run(request);
    QVERIFY2(result.status == JobStatus::Done, result.error.c_str());
    QCOMPARE(pipeline::readLatents(request.latentsPath).sizes(), (c10::IntArrayRef{16, 3, 4, 6}));
}

void TestFlf2vVace::cancelLeavesNoVideo()
{
    WAN_REQUIRE_FIXTURES();
    // Cancellation as for t2v/i2v: checked at every step; nothing written.
    const auto dir = fixture("wan-tiny-vace");
    const auto params = test::readReferenceCase(dir, "vace_ref_dpmpp");
    QTemporaryDir out;
    const fs::path outDir = out.path().toStdString();
    auto request = test::referenceRequest(dir, params, outDir / "inputs");
    request.steps = 6;
    request.outputPath = outDir / "cancelled.mp4";
    request.latentsPath = outDir / "cancelled.safetensors";
    CancelToken token;
    int lastStep = 0;
    Callbacks callbacks;
    callbacks.cancel = &token;
    callbacks.onProgress = [&](const Progress& p) {
        if (p.stage == Stage::Denoising) {
            lastStep = p.step;
            if (p.step == 2)
                token.cancel();
        }
    };
    const auto result = m_engine.run(request, callbacks);
    QCOMPARE(result.status, JobStatus::Cancelled);
    QCOMPARE(lastStep, 2);
    QVERIFY(!fs::exists(request.outputPath));
    QVERIFY(!fs::exists(request.latentsPath));
}

void TestFlf2vVace::badInputs_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("names"); // what the message must contain
    QTest::newRow("mask with fewer frames") << QStringLiteral("short mask") << QStringLiteral("@mask");
    QTest::newRow("mask of another size") << QStringLiteral("small mask") << QStringLiteral("@mask");
    QTest::newRow("unreadable source frame")
        << QStringLiteral("broken frame") << QStringLiteral("vace_src_03.png");
    QTest::newRow("unreadable source video")
        << QStringLiteral("broken video") << QStringLiteral("broken.mp4");
    QTest::newRow("missing source") << QStringLiteral("missing source") << QStringLiteral("nowhere");
    QTest::newRow("unreadable reference") << QStringLiteral("broken ref") << QStringLiteral("broken.png");
    QTest::newRow("mask without source") << QStringLiteral("mask only") << QStringLiteral("@mask");
    QTest::newRow("reference image for t2v")
        << QStringLiteral("ref for t2v") << QStringLiteral("vace_ref.png");
    QTest::newRow("reference image for flf2v")
        << QStringLiteral("ref for flf2v") << QStringLiteral("vace_ref.png");
    QTest::newRow("source video for i2v") << QStringLiteral("src for i2v") << QStringLiteral("@src");
    QTest::newRow("more frames than the source")
        << QStringLiteral("too many frames") << QStringLiteral("@src");
    QTest::newRow("flf2v without last frame")
        << QStringLiteral("no last frame") << QStringLiteral("a last frame");
    QTest::newRow("vace task on t2v folder") << QStringLiteral("vace on t2v") << QStringLiteral("vace");
}

void TestFlf2vVace::badInputs()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, what);
    QFETCH(QString, names);
    const auto dir = fixture("wan-tiny-vace");
    const auto params = test::readReferenceCase(dir, "vace_ref_dpmpp");
    QTemporaryDir out;
    const fs::path outDir = out.path().toStdString();
    auto r = test::referenceRequest(dir, params, outDir / "inputs");
    r.steps = 1;
    r.outputPath = outDir / "never.mp4";
    const auto broken = test::writeFile(out, "broken.png", "not a png");
    if (what == QLatin1String("short mask")) {
        fs::remove(r.srcMask / "vace_mask_08.png");
    } else if (what == QLatin1String("small mask")) {
        const auto small = outDir / "small";
        fs::create_directories(small);
        media::RgbImage image;
        image.width = 16;
        image.height = 16;
        image.rgb.assign(16 * 16 * 3, 255);
        for (int i = 0; i < 9; ++i)
            media::writePng(small / ("m" + std::to_string(i) + ".png"), image);
        r.srcMask = small;
    } else if (what == QLatin1String("broken frame")) {
        fs::remove(r.srcVideo / "vace_src_03.png");
        fs::copy_file(broken, r.srcVideo / "vace_src_03.png");
    } else if (what == QLatin1String("broken video")) {
        r.srcVideo = test::writeFile(out, "broken.mp4", "not a video at all");
        r.srcMask.clear();
    } else if (what == QLatin1String("missing source")) {
        r.srcVideo = outDir / "nowhere";
    } else if (what == QLatin1String("broken ref")) {
        r.srcRefImages = {broken};
    } else if (what == QLatin1String("mask only")) {
        r.srcVideo.clear();
        r.width = 48;
        r.height = 32;
        r.frameNum = 9;
    } else if (what == QLatin1String("ref for t2v")) {
        r.task = Task::T2V;
        r.ckptDir = fixture("wan-tiny-t2v");
        r.srcVideo.clear();
        r.srcMask.clear();
        r.width = 48;
        r.height = 32;
        r.frameNum = 9;
    } else if (what == QLatin1String("ref for flf2v")) {
        r.task = Task::FLF2V;
        r.ckptDir = fixture("wan-tiny-flf2v");
        r.srcVideo.clear();
        r.srcMask.clear();
        r.width = 512;
        r.height = 1;
        r.frameNum = 81;
        r.firstFrame = fixture("wan-tiny-flf2v") / "reference" / "flf2v_first.png";
        r.lastFrame = fixture("wan-tiny-flf2v") / "reference" / "flf2v_last.png";
    } else if (what == QLatin1String("src for i2v")) {
        r.task = Task::I2V;
        r.ckptDir = fixture("wan-tiny-i2v");
        r.srcRefImages.clear();
        r.srcMask.clear();
        r.width = 64;
        r.height = 48;
        r.frameNum = 5;
        r.image = fixture("wan-tiny-i2v") / "reference" / "i2v_input.png";
    } else if (what == QLatin1String("too many frames")) {
        r.frameNum = 13;
    } else if (what == QLatin1String("no last frame")) {
        r.task = Task::FLF2V;
        r.ckptDir = fixture("wan-tiny-flf2v");
        r.srcVideo.clear();
        r.srcMask.clear();
        r.srcRefImages.clear();
        r.width = 512;
        r.height = 1;
        r.frameNum = 81;
        r.firstFrame = fixture("wan-tiny-flf2v") / "reference" / "flf2v_first.png";
    } else if (what == QLatin1String("vace on t2v")) {
        r.ckptDir = fixture("wan-tiny-t2v");
    }
    QString expected = names;
    expected.replace(QStringLiteral("@mask"), QString::fromStdString(r.srcMask.string()));
    expected.replace(QStringLiteral("@src"), QString::fromStdString(r.srcVideo.string()));

    const auto result = m_engine.run(r);
    QCOMPARE(result.status, JobStatus::Failed);
    QCOMPARE(int(result.errorKind), int(ErrorKind::InvalidArgument));
    const auto message = QString::fromStdString(result.error);
    qInfo("%s: %s", qPrintable(what), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY(!message.contains(QLatin1Char('\n')));
    QVERIFY(!fs::exists(r.outputPath));
}

QTEST_GUILESS_MAIN(TestFlf2vVace)
#include "test_flf2v_vace.moc"
