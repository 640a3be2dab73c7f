// wan-generate --task flf2v-14B / vace-1.3B through QProcess, against the official runs recorded in the
// fixtures: saved latents within 1e-4, frames within +-1; inputs as PNG folders and as lossless MP4s;
// --inspect of the new folder types; bad inputs give one clear line naming the file.
#include "media/Png.h"
#include "media/VideoReader.h"
#include "pipeline/Conditioning.h"
#include "pipeline/LatentsFile.h"
#include "support/PngFrames.h"
#include "support/ProcessRun.h"
#include "support/TestSupport.h"

#include "LosslessVideo.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

namespace fs = std::filesystem;

namespace {

constexpr double kLatentAtol = 1e-4;

wan::test::ProcessRun runCli(const QStringList& args)
{
    return wan::test::runProcess(QStringLiteral(WAN_GENERATE_PATH), args, 300000);
}

QString path(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

fs::path fixture(const char* name)
{
    return wan::test::fixturesDir() / name;
}

// Copies the fixture's source and mask PNGs into dir/src and dir/mask.
void copyVaceFrames(const fs::path& dir)
{
    fs::create_directories(dir / "src");
    fs::create_directories(dir / "mask");
    for (int i = 0; i < 9; ++i) {
        char name[32];
        std::snprintf(name, sizeof(name), "vace_src_%02d.png", i);
        fs::copy_file(fixture("wan-tiny-vace") / "reference" / name, dir / "src" / name);
        std::snprintf(name, sizeof(name), "vace_mask_%02d.png", i);
        fs::copy_file(fixture("wan-tiny-vace") / "reference" / name, dir / "mask" / name);
    }
}

QStringList common(const fs::path& out)
{
    return {QStringLiteral("--device"),        QStringLiteral("cpu"),
            QStringLiteral("--precision"),     QStringLiteral("fp32"),
            QStringLiteral("--offload_model"), QStringLiteral("False"),
            QStringLiteral("--save_file"),     path(out / "out.mp4"),
            QStringLiteral("--save_latents"),  path(out / "latents.safetensors"),
            QStringLiteral("--save_frames"),   path(out / "frames")};
}

} // namespace

class TestCliFlf2vVace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstLastFrameMatchesReference();
    void vaceFromPngFolders();
    void vaceFromLosslessMp4();
    void inspectShowsTasks();
    void rejectsBadInput_data();
    void rejectsBadInput();
};

void TestCliFlf2vVace::firstLastFrameMatchesReference()
{
    WAN_REQUIRE_FIXTURES();
    const auto dir = fixture("wan-tiny-flf2v");
    const auto ref = wan::io::loadSafetensors(dir / "reference" / "e2e_flf2v_unipc.safetensors");
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    // max_area 640 = 40*16 (the area counts, as for i2v); shift 16 is the flf2v default.
    auto args = QStringList{
        QStringLiteral("--ckpt_dir"),
        path(dir),
        QStringLiteral("--task"),
        QStringLiteral("flf2v-14B"),
        QStringLiteral("--first_frame"),
        path(dir / "reference" / "flf2v_first.png"),
        QStringLiteral("--last_frame"),
        path(dir / "reference" / "flf2v_last.png"),
        QStringLiteral("--size"),
        QStringLiteral("40*16"),
        QStringLiteral("--sample_steps"),
        QStringLiteral("4"),
        QStringLiteral("--sample_guide_scale"),
        QStringLiteral("5.5"),
        QStringLiteral("--base_seed"),
        QStringLiteral("11"),
        QStringLiteral("--prompt"),
        QStringLiteral("CG animation style, a small blue bird takes off from the ground, flapping "
                       "its wings; the camera follows it upward.")};
    args << common(out);
    const auto run = runCli(args);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    WAN_COMPARE_TENSORS(wan::pipeline::readLatents(out / "latents.safetensors"), ref.at("x0"), kLatentAtol);
    const auto& want = ref.at("frames_u8");
    WAN_COMPARE_TENSORS(wan::test::readPngFrames(out / "frames", int(want.size(0))).to(torch::kInt32),
                        want.to(torch::kInt32), 1);
    auto info = wan::media::probeVideo(out / "out.mp4");
    QCOMPARE(info.frameCount, 81);
    QCOMPARE(info.width, 32);
    QCOMPARE(info.height, 16);
    QCOMPARE(QString::fromStdString(info.metadata.tags["task"]), QStringLiteral("flf2v"));
}

void TestCliFlf2vVace::vaceFromPngFolders()
{
    WAN_REQUIRE_FIXTURES();
    const auto dir = fixture("wan-tiny-vace");
    const auto ref = wan::io::loadSafetensors(dir / "reference" / "e2e_vace_ref_dpmpp.safetensors");
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    copyVaceFrames(out);
    // No --size / --frame_num: the source's 48x32 and 9 frames.
    auto args = QStringList{QStringLiteral("--ckpt_dir"),
                            path(dir),
                            QStringLiteral("--task"),
                            QStringLiteral("vace-1.3B"),
                            QStringLiteral("--src_video"),
                            path(out / "src"),
                            QStringLiteral("--src_mask"),
                            path(out / "mask"),
                            QStringLiteral("--src_ref_images"),
                            path(dir / "reference" / "vace_ref.png"),
                            QStringLiteral("--context_scale"),
                            QStringLiteral("0.75"),
                            QStringLiteral("--sample_steps"),
                            QStringLiteral("4"),
                            QStringLiteral("--sample_shift"),
                            QStringLiteral("3"),
                            QStringLiteral("--sample_solver"),
                            QStringLiteral("dpm++"),
                            QStringLiteral("--sample_guide_scale"),
                            QStringLiteral("4.5"),
                            QStringLiteral("--base_seed"),
                            QStringLiteral("22"),
                            QStringLiteral("--prompt"),
                            QStringLiteral("The cat from the reference image walks through the scene 猫.")};
    args << common(out);
    const auto run = runCli(args);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    // The saved latents leave the reference frame out, as the decoder input.
    WAN_COMPARE_TENSORS(wan::pipeline::readLatents(out / "latents.safetensors"), ref.at("decode_input"),
                        kLatentAtol);
    const auto& want = ref.at("frames_u8");
    WAN_COMPARE_TENSORS(wan::test::readPngFrames(out / "frames", int(want.size(0))).to(torch::kInt32),
                        want.to(torch::kInt32), 1);
    auto info = wan::media::probeVideo(out / "out.mp4");
    QCOMPARE(info.frameCount, 9);
    QCOMPARE(info.width, 48);
    QCOMPARE(info.height, 32);
    QCOMPARE(QString::fromStdString(info.metadata.tags["context_scale"]), QStringLiteral("0.75"));
}

void TestCliFlf2vVace::vaceFromLosslessMp4()
{
    WAN_REQUIRE_FIXTURES();
    const auto dir = fixture("wan-tiny-vace");
    const auto ref = wan::io::loadSafetensors(dir / "reference" / "e2e_vace_inpaint_unipc.safetensors");
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    wan::test::writeLosslessMp4(out / "src.mp4", ref.at("src_video_u8"));
    wan::test::writeLosslessMp4(out / "mask.mp4", ref.at("mask_u8"));
    auto args = QStringList{QStringLiteral("--ckpt_dir"),
                            path(dir),
                            QStringLiteral("--src_video"),
                            path(out / "src.mp4"),
                            QStringLiteral("--src_mask"),
                            path(out / "mask.mp4"),
                            QStringLiteral("--size"),
                            QStringLiteral("48*32"),
                            QStringLiteral("--frame_num"),
                            QStringLiteral("9"),
                            QStringLiteral("--sample_steps"),
                            QStringLiteral("4"),
                            QStringLiteral("--sample_shift"),
                            QStringLiteral("5"),
                            QStringLiteral("--base_seed"),
                            QStringLiteral("21"),
                            QStringLiteral("--prompt"),
                            QStringLiteral("A red ball rolls across a wooden table 红色的球, studio light.")};
    args << common(out);
    const auto run = runCli(args); // the task comes from the folder's model_type (vace, 1.3B-sized)
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    WAN_COMPARE_TENSORS(wan::pipeline::readLatents(out / "latents.safetensors"), ref.at("decode_input"),
                        kLatentAtol);
    const auto& want = ref.at("frames_u8");
    WAN_COMPARE_TENSORS(wan::test::readPngFrames(out / "frames", int(want.size(0))).to(torch::kInt32),
                        want.to(torch::kInt32), 1);
}

void TestCliFlf2vVace::inspectShowsTasks()
{
    WAN_REQUIRE_FIXTURES();
    auto run = runCli({QStringLiteral("--ckpt_dir"), path(fixture("wan-tiny-vace")),
                       QStringLiteral("--inspect"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const auto json = QJsonDocument::fromJson(run.out.toUtf8()).object();
    QCOMPARE(json.value(QStringLiteral("model_type")).toString(), QStringLiteral("vace"));
    QCOMPARE(json.value(QStringLiteral("tasks")).toArray().first().toString(), QStringLiteral("vace-1.3B"));
    const auto layers =
        json.value(QStringLiteral("dit")).toObject().value(QStringLiteral("vace_layers")).toArray();
    QCOMPARE(layers.size(), 2);
    QCOMPARE(layers.at(1).toInt(), 2);
    run =
        runCli({QStringLiteral("--ckpt_dir"), path(fixture("wan-tiny-flf2v")), QStringLiteral("--inspect")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("flf2v-14B")), qPrintable(run.out));
}

void TestCliFlf2vVace::rejectsBadInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const auto vace = QStringLiteral("@vace");
    QTest::newRow("mask with fewer frames")
        << QStringList{QStringLiteral("--ckpt_dir"),  vace,
                       QStringLiteral("--src_video"), QStringLiteral("@src"),
                       QStringLiteral("--src_mask"),  QStringLiteral("@shortmask")}
        << QStringLiteral("@shortmask");
    QTest::newRow("unreadable reference")
        << QStringList{QStringLiteral("--ckpt_dir"),       vace,
                       QStringLiteral("--src_video"),      QStringLiteral("@src"),
                       QStringLiteral("--src_ref_images"), QStringLiteral("@broken")}
        << QStringLiteral("@broken");
    QTest::newRow("reference image for t2v")
        << QStringList{QStringLiteral("--ckpt_dir"),       QStringLiteral("@t2v"),
                       QStringLiteral("--size"),           QStringLiteral("48*32"),
                       QStringLiteral("--src_ref_images"), QStringLiteral("@ref")}
        << QStringLiteral("--src_ref_images '@ref'");
    QTest::newRow("flf2v without last frame")
        << QStringList{QStringLiteral("--ckpt_dir"), QStringLiteral("@flf2v"),
                       QStringLiteral("--first_frame"), QStringLiteral("@ref")}
        << QStringLiteral("--last_frame");
    QTest::newRow("vace task on flf2v folder")
        << QStringList{QStringLiteral("--ckpt_dir"), QStringLiteral("@flf2v"), QStringLiteral("--task"),
                       QStringLiteral("vace-14B")}
        << QStringLiteral("does not match the model folder");
    QTest::newRow("bad context scale") << QStringList{QStringLiteral("--ckpt_dir"), vace,
                                                      QStringLiteral("--context_scale"), QStringLiteral("x")}
                                       << QStringLiteral("--context_scale");
}

void TestCliFlf2vVace::rejectsBadInput()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    copyVaceFrames(out);
    fs::create_directories(out / "shortmask");
    for (int i = 0; i < 5; ++i) {
        char name[32];
        std::snprintf(name, sizeof(name), "vace_mask_%02d.png", i);
        fs::copy_file(out / "mask" / name, out / "shortmask" / name);
    }
    const auto broken = wan::test::writeFile(tmp, "broken.png", "not a png");
    const auto substitute = [&](QString s) {
        s.replace(QStringLiteral("@vace"), path(fixture("wan-tiny-vace")));
        s.replace(QStringLiteral("@flf2v"), path(fixture("wan-tiny-flf2v")));
        s.replace(QStringLiteral("@t2v"), path(fixture("wan-tiny-t2v")));
        s.replace(QStringLiteral("@shortmask"), path(out / "shortmask"));
        s.replace(QStringLiteral("@src"), path(out / "src"));
        s.replace(QStringLiteral("@broken"), path(broken));
        s.replace(QStringLiteral("@ref"), path(fixture("wan-tiny-vace") / "reference" / "vace_ref.png"));
        return s;
    };
    QStringList real;
    for (const auto& a : args)
        real << substitute(a);
    real << QStringLiteral("--device") << QStringLiteral("cpu") << QStringLiteral("--sample_steps")
         << QStringLiteral("1") << QStringLiteral("--save_file") << path(out / "never.mp4");
    const auto run = runCli(real);
    QVERIFY2(run.exitCode > 0, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
    QVERIFY2(run.err.contains(substitute(message)), qPrintable(run.err));
    QVERIFY2(run.err.contains(QStringLiteral("wan-generate: error: ")), qPrintable(run.err));
    QVERIFY(!fs::exists(out / "never.mp4"));
}

QTEST_GUILESS_MAIN(TestCliFlf2vVace)
#include "test_cli_flf2v_vace.moc"
