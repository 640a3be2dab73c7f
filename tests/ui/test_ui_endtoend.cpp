// A whole job through the real inference thread and engine on the tiny fixture: queue -> worker -> engine ->
// MP4, then the video is read back. Also the engine adapters the app hands to the window.
#include "EngineAdapters.h"
#include "InferenceBridge.h"
#include "MaskPainter.h"
#include "PlayerWidget.h"
#include "QueueRunner.h"
#include "RenderQueueModel.h"
#include "media/VideoReader.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "support/Fixtures.h" // not TestSupport.h: this test does not compile the torch headers
#include "support/ProcessRun.h"

using namespace wan::ui;

namespace {
std::vector<float> readF32(const QString& path, const QString& key, QList<int>* shape);
} // namespace

class TestUiEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void adapters();
    void fullJobWritesVideo_data();
    void fullJobWritesVideo();
    void drawnMaskRunsLikeTheReference();

private:
    QString m_fixture;
};

void TestUiEndToEnd::initTestCase()
{
    WAN_REQUIRE_FIXTURES();
    const auto dir = wan::test::fixturesDir();
    m_fixture = QString::fromStdString((dir / "wan-tiny-t2v").string());
}

void TestUiEndToEnd::adapters()
{
    const FolderCheck good = inspectModelFolderChecked(m_fixture);
    QVERIFY2(good.ok, qPrintable(good.problem));
    QCOMPARE(int(good.modelType), int(wan::ModelType::T2V));
    QVERIFY(!good.large);
    const FolderCheck i2v =
        inspectModelFolderChecked(QFileInfo(m_fixture).dir().filePath(QStringLiteral("wan-tiny-i2v")));
    QVERIFY2(i2v.ok, qPrintable(i2v.problem));
    QCOMPARE(int(i2v.modelType), int(wan::ModelType::I2V));
    QTemporaryDir empty;
    const FolderCheck bad = inspectModelFolderChecked(empty.path());
    QVERIFY(!bad.ok);
    QVERIFY(!bad.problem.isEmpty());
    QCOMPARE(bad.missing, (QStringList{"config.json", "diffusion_pytorch_model.safetensors",
                                       "models_t5_umt5-xxl-enc-bf16.pth", "Wan2.1_VAE.pth",
                                       "google/umt5-xxl/spiece.model"}));
    QVERIFY(!officialNegativePrompt(wan::Task::T2V).isEmpty());
    QVERIFY(officialNegativePrompt(wan::Task::I2V).startsWith(QStringLiteral("镜头晃动")));
}

void TestUiEndToEnd::fullJobWritesVideo_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("task");
    QTest::addColumn<QSize>("size"); // i2v: width*height is the max area
    QTest::addColumn<QSize>("expected");
    QTest::newRow("t2v") << "wan-tiny-t2v" << int(wan::Task::T2V) << QSize(48, 32) << QSize(48, 32);
    // The 80x48 input at max area 3072 gives 64x32, as in the fixture's reference run.
    QTest::newRow("i2v") << "wan-tiny-i2v" << int(wan::Task::I2V) << QSize(64, 48) << QSize(64, 32);
}

void TestUiEndToEnd::fullJobWritesVideo()
{
    QFETCH(QString, fixture);
    QFETCH(int, task);
    QFETCH(QSize, size);
    QFETCH(QSize, expected);
    const QString fixtureDir = QFileInfo(m_fixture).dir().filePath(fixture);
    QTemporaryDir out;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(engineRunnerFactory());
    QueueRunner runner(&model, &bridge, out.path());
    QSignalSpy progress(&runner, &QueueRunner::jobProgress);
    QSignalSpy previews(&runner, &QueueRunner::jobPreview);
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);

    RenderJob job;
    job.request.task = wan::Task(task);
    job.request.ckptDir = fixtureDir.toStdString();
    job.request.prompt = "a small red boat on a calm lake";
    job.request.width = size.width();
    job.request.height = size.height();
    if (job.request.task == wan::Task::I2V)
        job.request.image =
            QDir(fixtureDir).filePath(QStringLiteral("reference/i2v_input.png")).toStdString();
    job.request.frameNum = 9;
    job.request.steps = 3;
    job.request.seed = 42;
    const QUuid id = model.addJob(job);
    QVERIFY(finished.wait(600 * 1000));
    const JobOutcome outcome = finished.at(0).at(1).value<JobOutcome>();
    QVERIFY2(outcome.status == wan::JobStatus::Done, qPrintable(outcome.error));
    QCOMPARE(model.job(id)->state, JobState::Done);
    qInfo("job took %.1f s (%s)", outcome.seconds, qPrintable(outcome.placement));

    bool sawLastStep = false;
    for (const auto& args : progress) {
        const auto p = args.at(1).value<JobProgress>();
        sawLastStep = sawLastStep || (p.stage == wan::Stage::Denoising && p.step == 3 && p.totalSteps == 3);
    }
    QVERIFY(sawLastStep);
    QVERIFY(previews.count() >= 1);

    const QString video = model.job(id)->outputPath;
    QVERIFY(QFileInfo(video).isFile());
    QVERIFY(video.startsWith(model.job(id)->folder));
    const auto info = wan::media::probeVideo(video.toStdString());
    QCOMPARE(info.frameCount, 9);
    QCOMPARE(QSize(info.width, info.height), expected);
    QVERIFY(QFileInfo(model.job(id)->latentsPath).isFile());
    const QDir folder(model.job(id)->folder);
    QVERIFY(folder.exists(QStringLiteral("settings.json")));
    QVERIFY(folder.exists(QStringLiteral("log.txt")));
    QVERIFY(folder.exists(QStringLiteral("thumbnail.png")));

    // The player opens the real file (FFmpeg backend) and sees every frame.
    PlayerWidget player;
    player.openFile(video, 16);
    QTRY_COMPARE_WITH_TIMEOUT(player.frameCount(), 9, 10000);

#ifdef WAN_GENERATE_PATH
    // The job's settings.json run through the CLI (wan-generate --settings) ends on the same latents.
    QTemporaryDir cliOut;
    const QString cliLatents = QDir(cliOut.path()).filePath(QStringLiteral("cli.safetensors"));
    const auto cli = wan::test::runProcess(
        QStringLiteral(WAN_GENERATE_PATH),
        {QStringLiteral("--settings"), folder.filePath(QStringLiteral("settings.json")),
         QStringLiteral("--save_latents"), cliLatents, QStringLiteral("--save_file"),
         QDir(cliOut.path()).filePath(QStringLiteral("cli.mp4")), QStringLiteral("--quiet")},
        600 * 1000);
    QVERIFY2(cli.exitCode == 0, qPrintable(cli.err));
    QList<int> guiShape;
    QList<int> cliShape;
    const auto guiValues = readF32(model.job(id)->latentsPath, QStringLiteral("latents"), &guiShape);
    const auto cliValues = readF32(cliLatents, QStringLiteral("latents"), &cliShape);
    QVERIFY(!guiValues.empty());
    QCOMPARE(cliShape, guiShape);
    QCOMPARE(cliValues.size(), guiValues.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < guiValues.size(); ++i)
        worst = std::max(worst, double(std::abs(cliValues[i] - guiValues[i])));
    qInfo("CLI --settings vs GUI latents: max abs diff %g over %zu values", worst, guiValues.size());
    QVERIFY2(worst <= 1e-5, qPrintable(QStringLiteral("max abs diff %1").arg(worst)));
#endif
}

namespace {
// One float32 tensor of a .safetensors file (8-byte header length, JSON header, raw little-endian data).
std::vector<float> readF32(const QString& path, const QString& key, QList<int>* shape)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    if (bytes.size() < 8)
        return {};
    quint64 headerSize = 0;
    for (int i = 7; i >= 0; --i)
        headerSize = (headerSize << 8) | quint8(bytes[i]);
    const QJsonObject header =
        QJsonDocument::fromJson(bytes.mid(8, qsizetype(headerSize))).object().value(key).toObject();
    if (header.value(QLatin1String("dtype")).toString() != QLatin1String("F32"))
        return {};
    for (const auto& v : header.value(QLatin1String("shape")).toArray())
        shape->append(v.toInt());
    const QJsonArray offsets = header.value(QLatin1String("data_offsets")).toArray();
    const qsizetype begin = 8 + qsizetype(headerSize) + offsets.at(0).toInteger();
    const qsizetype end = 8 + qsizetype(headerSize) + offsets.at(1).toInteger();
    std::vector<float> values(std::size_t(end - begin) / sizeof(float));
    std::memcpy(values.data(), bytes.constData() + begin, values.size() * sizeof(float));
    return values;
}
} // namespace

// The fixture's VACE mask is a 16×16 box moving 4 px a frame, jumping back on frame 6: a box track with keys
// on frames 0, 5, 6 and 8 draws it pixel for pixel, and a job with the drawn mask on the fixture's source
// frames, run through the queue and the real engine, ends on the official run's latents.
void TestUiEndToEnd::drawnMaskRunsLikeTheReference()
{
    const QDir fixture(QFileInfo(m_fixture).dir().filePath(QStringLiteral("wan-tiny-vace")));
    const QDir reference(fixture.filePath(QStringLiteral("reference")));
    QFile paramsFile(reference.filePath(QStringLiteral("e2e_vace_inpaint_unipc.json")));
    QVERIFY(paramsFile.open(QIODevice::ReadOnly));
    const QJsonObject params = QJsonDocument::fromJson(paramsFile.readAll()).object();
    const QJsonArray srcFrames = params.value(QLatin1String("src_frames")).toArray();
    const QJsonArray maskFrames = params.value(QLatin1String("mask_frames")).toArray();
    QCOMPARE(srcFrames.size(), 9);
    QTemporaryDir out;
    const QDir work(out.path());
    QVERIFY(work.mkpath(QStringLiteral("src")));
    for (const auto& name : srcFrames)
        QVERIFY(QFile::copy(reference.filePath(name.toString()),
                            work.filePath(QStringLiteral("src/") + name.toString())));

    const QImage first(reference.filePath(srcFrames.at(0).toString()));
    MaskPainter painter;
    painter.setSource(first, int(srcFrames.size()));
    painter.setExtension(MaskExtension::BoxTrack);
    painter.setTool(MaskTool::Box);
    const std::pair<int, QRect> keys[] = {{0, QRect(8, 8, 16, 16)},
                                          {5, QRect(28, 8, 16, 16)},
                                          {6, QRect(0, 8, 16, 16)},
                                          {8, QRect(8, 8, 16, 16)}};
    for (const auto& [frame, box] : keys) {
        painter.setCurrentFrame(frame);
        painter.applyBox(box);
    }
    const QString maskDir = work.filePath(QStringLiteral("mask"));
    const QString error = writeMaskFrames(maskDir, painter.frameCount(),
                                          [&](int frame) { return painter.maskForFrame(frame); });
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QStringList drawn = QDir(maskDir).entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name);
    QCOMPARE(drawn.size(), maskFrames.size());
    for (int i = 0; i < drawn.size(); ++i) {
        const QImage mine(QDir(maskDir).filePath(drawn[i]));
        const QImage theirs(reference.filePath(maskFrames.at(i).toString()));
        QCOMPARE(mine.size(), theirs.size());
        for (int y = 0; y < mine.height(); ++y)
            for (int x = 0; x < mine.width(); ++x)
                QVERIFY2(qRed(mine.pixel(x, y)) == qRed(theirs.pixel(x, y)),
                         qPrintable(QStringLiteral("mask frame %1 (%2,%3)").arg(i).arg(x).arg(y)));
    }

    RenderQueueModel model(nullptr);
    InferenceBridge bridge(engineRunnerFactory());
    QueueRunner runner(&model, &bridge, work.filePath(QStringLiteral("jobs")));
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    RenderJob job;
    wan::Request& r = job.request;
    r.task = wan::Task::VACE;
    r.ckptDir = fixture.absolutePath().toStdString();
    r.prompt = params.value(QLatin1String("prompt")).toString().toStdString();
    r.negativePrompt = params.value(QLatin1String("n_prompt_argument")).toString().toStdString();
    r.seed = params.value(QLatin1String("seed")).toInteger();
    r.steps = params.value(QLatin1String("sampling_steps")).toInt();
    r.shift = params.value(QLatin1String("shift")).toDouble();
    r.guideScale = params.value(QLatin1String("guide_scale")).toDouble();
    r.contextScale = params.value(QLatin1String("context_scale")).toDouble();
    QCOMPARE(params.value(QLatin1String("sample_solver")).toString(), QStringLiteral("unipc"));
    r.solver = wan::Solver::UniPC;
    r.width = 0; // the source's size and length, as the form sends with "keep the source's size"
    r.height = 0;
    r.frameNum = 0;
    r.srcVideo = work.filePath(QStringLiteral("src")).toStdString();
    r.srcMask = maskDir.toStdString();
    r.device = "cpu";
    r.precision = wan::Precision::Float32;
    const QUuid id = model.addJob(job);
    QVERIFY(finished.wait(600 * 1000));
    const JobOutcome outcome = finished.at(0).at(1).value<JobOutcome>();
    QVERIFY2(outcome.status == wan::JobStatus::Done, qPrintable(outcome.error));

    QList<int> shape;
    QList<int> refShape;
    const std::vector<float> latents = readF32(model.job(id)->latentsPath, QStringLiteral("latents"), &shape);
    const std::vector<float> expected =
        readF32(reference.filePath(QStringLiteral("e2e_vace_inpaint_unipc.safetensors")),
                QStringLiteral("decode_input"), &refShape);
    QCOMPARE(shape, refShape);
    QVERIFY(!latents.empty());
    QCOMPARE(latents.size(), expected.size());
    double worst = 0.0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < latents.size(); ++i)
        if (const double d = std::abs(double(latents[i]) - double(expected[i])); d > worst) {
            worst = d;
            at = i;
        }
    qInfo("drawn mask: final latents max abs error %.3g at %zu (tolerance 1e-4)", worst, at);
    QVERIFY2(worst <= 1e-4, qPrintable(QStringLiteral("max abs error %1 at %2").arg(worst).arg(at)));
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    TestUiEndToEnd test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_ui_endtoend.moc"
