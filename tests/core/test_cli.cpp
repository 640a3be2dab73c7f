// wan-generate end to end through QProcess: fixture parity of the files it writes, exit codes and messages.
#include "media/Png.h"
#include "media/VideoReader.h"
#include "pipeline/LatentsFile.h"
#include "support/PngFrames.h"
#include "support/ProcessRun.h"
#include "support/TestSupport.h"
#include "wan/Request.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

namespace fs = std::filesystem;

namespace {

// The fixtures' README allows 5e-4 on latents; these runs reach 2.5e-5 (i2v) to 4.2e-5 (t2v), so 1e-4 keeps
// a margin of about two and still catches a real drift.
constexpr double kLatentAtol = 1e-4;

wan::test::ProcessRun runCli(const QStringList& args)
{
    return wan::test::runProcess(QStringLiteral(WAN_GENERATE_PATH), args, 300000);
}

QString path(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

// The sampling flags of the t2v fixture's official run (reference/e2e_t2v_unipc).
QStringList t2vReferenceFlags()
{
    return {QStringLiteral("--task"),
            QStringLiteral("t2v-1.3B"),
            QStringLiteral("--size"),
            QStringLiteral("48*32"),
            QStringLiteral("--frame_num"),
            QStringLiteral("9"),
            QStringLiteral("--sample_steps"),
            QStringLiteral("4"),
            QStringLiteral("--sample_shift"),
            QStringLiteral("5.0"),
            QStringLiteral("--sample_guide_scale"),
            QStringLiteral("5.0"),
            QStringLiteral("--sample_solver"),
            QStringLiteral("unipc"),
            QStringLiteral("--base_seed"),
            QStringLiteral("42"),
            QStringLiteral("--device"),
            QStringLiteral("cpu"),
            QStringLiteral("--precision"),
            QStringLiteral("fp32"),
            QStringLiteral("--prompt"),
            QStringLiteral("Two anthropomorphic cats in comfy boxing gear and bright gloves fight "
                           "intensely on a spotlighted stage.")};
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textToVideoMatchesReference();
    void settingsFileRoundTrip();
    void setGivenAsFilesMatchesReference();
    void imageToVideoMatchesReference();
    void inspectStillWorks();
    void printPlanWritesNothing();
    void interruptLeavesNoFiles();
    void secondInterruptQuitsAtOnce();
    void rejectsBadInput_data();
    void rejectsBadInput();
    void distilledWithStepCache();
    void builtInDemoModel();
};

void TestCli::textToVideoMatchesReference()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    const auto ref = wan::io::loadSafetensors(fixture / "reference" / "e2e_t2v_unipc.safetensors");
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    const auto run = runCli(QStringList{QStringLiteral("--ckpt_dir"), path(fixture),
                                        QStringLiteral("--offload_model"), QStringLiteral("False")} +
                            t2vReferenceFlags() +
                            QStringList{QStringLiteral("--save_file"), path(out / "t2v.mp4"),
                                        QStringLiteral("--save_latents"), path(out / "t2v.safetensors"),
                                        QStringLiteral("--save_frames"), path(out / "frames"),
                                        QStringLiteral("--save_settings")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("seed 42")), qPrintable(run.out));

    WAN_COMPARE_TENSORS(wan::pipeline::readLatents(out / "t2v.safetensors"), ref.at("x0"), kLatentAtol);
    const auto& wantFrames = ref.at("frames_u8");
    WAN_COMPARE_TENSORS(wan::test::readPngFrames(out / "frames", int(wantFrames.size(0))).to(torch::kInt32),
                        wantFrames.to(torch::kInt32), 1);

    wan::media::VideoInfo info = wan::media::probeVideo(out / "t2v.mp4");
    QCOMPARE(info.frameCount, 9);
    QCOMPARE(info.width, 48);
    QCOMPARE(info.height, 32);
    QCOMPARE(info.fps, 16.0);
    QCOMPARE(QString::fromStdString(info.metadata.tags["seed"]), QStringLiteral("42"));
    QCOMPARE(QString::fromStdString(info.metadata.tags["solver"]), QStringLiteral("unipc"));
    // No partial files are left next to the outputs.
    QCOMPARE(QDir(tmp.path()).entryList({QStringLiteral("*partial*")}, QDir::Files).size(), 0);
}

// --save_settings writes settings.json next to the output; --settings runs it again (same latents), and the
// flags given with it override it.
void TestCli::settingsFileRoundTrip()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    const auto ref = wan::io::loadSafetensors(fixture / "reference" / "e2e_t2v_unipc.safetensors");
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    const QStringList first{
        QStringLiteral("--ckpt_dir"),
        path(fixture),
        QStringLiteral("--size"),
        QStringLiteral("48*32"),
        QStringLiteral("--frame_num"),
        QStringLiteral("9"),
        QStringLiteral("--sample_steps"),
        QStringLiteral("4"),
        QStringLiteral("--base_seed"),
        QStringLiteral("42"),
        QStringLiteral("--device"),
        QStringLiteral("cpu"),
        QStringLiteral("--t5_cpu"),
        QStringLiteral("--t5_precision"),
        QStringLiteral("fp32"),
        QStringLiteral("--vae_precision"),
        QStringLiteral("fp16"),
        QStringLiteral("--prompt"),
        QStringLiteral("Two anthropomorphic cats in comfy boxing gear and bright gloves fight "
                       "intensely on a spotlighted stage."),
        QStringLiteral("--save_latents"),
        path(out / "first.safetensors"),
        QStringLiteral("--save_file"),
        path(out / "first.mp4"),
        QStringLiteral("--quiet"),
        QStringLiteral("--save_settings")};
    const auto run = runCli(first);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QFile file(path(out / "settings.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const wan::Request saved = wan::fromJson(file.readAll().toStdString());
    QCOMPARE(saved.seed, std::int64_t(42));
    QCOMPARE(saved.steps, 4);
    QVERIFY(saved.memory == wan::MemoryMode::T5Cpu);
    QVERIFY(saved.textPrecision == wan::TextPrecision::Float32);
    QVERIFY(saved.vaePrecision == wan::VaePrecision::Float16); // stored; the CPU still decodes in fp32
    QCOMPARE(saved.width, 48);

    const auto again =
        runCli({QStringLiteral("--settings"), path(out / "settings.json"), QStringLiteral("--save_latents"),
                path(out / "again.safetensors"), QStringLiteral("--save_file"), path(out / "again.mp4"),
                QStringLiteral("--quiet")});
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    WAN_COMPARE_TENSORS(wan::pipeline::readLatents(out / "again.safetensors"), ref.at("x0"), kLatentAtol);
    WAN_COMPARE_TENSORS(wan::pipeline::readLatents(out / "again.safetensors"),
                        wan::pipeline::readLatents(out / "first.safetensors"), 0.0);

    // A flag after (or before) --settings wins: another seed, other latents.
    const auto other = runCli(
        {QStringLiteral("--base_seed"), QStringLiteral("43"), QStringLiteral("--settings"),
         path(out / "settings.json"), QStringLiteral("--save_latents"), path(out / "other.safetensors"),
         QStringLiteral("--save_file"), path(out / "other.mp4"), QStringLiteral("--quiet")});
    QVERIFY2(other.exitCode == 0, qPrintable(other.err));
    const auto diff = (wan::pipeline::readLatents(out / "other.safetensors") - ref.at("x0")).abs().max();
    QVERIFY(diff.item<double>() > 1e-3);
    // The text encoder's math too: bf16 contexts, other (close) latents.
    const auto bf16 =
        runCli({QStringLiteral("--settings"), path(out / "settings.json"), QStringLiteral("--t5_precision"),
                QStringLiteral("bf16"), QStringLiteral("--save_latents"), path(out / "bf16.safetensors"),
                QStringLiteral("--save_file"), path(out / "bf16.mp4"), QStringLiteral("--quiet")});
    QVERIFY2(bf16.exitCode == 0, qPrintable(bf16.err));
    const auto bf16Diff =
        (wan::pipeline::readLatents(out / "bf16.safetensors") - ref.at("x0")).abs().max().item<double>();
    qInfo("--t5_precision bf16: max latent difference to the fp32 reference %.3g", bf16Diff);
    QVERIFY(bf16Diff > 0.0 && bf16Diff < 1.0);

    // A broken file: exit 2, the file and the key named.
    QFile broken(path(out / "broken.json"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write(R"({"version": 1, "task": "t2v", "stpes": 4})");
    broken.close();
    const auto bad = runCli({QStringLiteral("--settings"), path(out / "broken.json"),
                             QStringLiteral("--ckpt_dir"), path(fixture)});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(QStringLiteral("broken.json")) && bad.err.contains(QStringLiteral("stpes")),
             qPrintable(bad.err));
    const auto missing = runCli({QStringLiteral("--settings"), path(out / "nowhere.json")});
    QVERIFY2(missing.exitCode != 0 && missing.err.contains(QStringLiteral("nowhere.json")),
             qPrintable(missing.err));
}

// The same job with the parts given as loose files in folders of their own (no --ckpt_dir; the DiT with its
// config.json, the tokenizer beside the text encoder): the same latents as the official implementation.
void TestCli::setGivenAsFilesMatchesReference()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    const auto ref = wan::io::loadSafetensors(fixture / "reference" / "e2e_t2v_unipc.safetensors");
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    for (const auto* folder : {"diffusion_models", "text_encoders", "vae"})
        fs::create_directories(root / folder);
    fs::create_symlink(fixture / "diffusion_pytorch_model.safetensors",
                       root / "diffusion_models" / "tiny.safetensors");
    fs::create_symlink(fixture / "config.json", root / "diffusion_models" / "config.json");
    fs::create_symlink(fixture / "models_t5_umt5-xxl-enc-bf16.pth", root / "text_encoders" / "umt5.pth");
    fs::create_symlink(fixture / "google" / "umt5-xxl" / "spiece.model",
                       root / "text_encoders" / "spiece.model");
    fs::create_symlink(fixture / "Wan2.1_VAE.pth", root / "vae" / "wan_2.1_vae.pth");
    const auto run = runCli(
        QStringList{QStringLiteral("--dit"), path(root / "diffusion_models" / "tiny.safetensors"),
                    QStringLiteral("--t5"), path(root / "text_encoders" / "umt5.pth"),
                    QStringLiteral("--vae"), path(root / "vae" / "wan_2.1_vae.pth")} +
        t2vReferenceFlags() +
        QStringList{QStringLiteral("--save_file"), path(root / "set.mp4"), QStringLiteral("--save_latents"),
                    path(root / "set.safetensors"), QStringLiteral("--save_settings")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    WAN_COMPARE_TENSORS(wan::pipeline::readLatents(root / "set.safetensors"), ref.at("x0"), kLatentAtol);
    // settings.json records the files, so --settings reruns the same set.
    QFile saved(path(root / "settings.json"));
    QVERIFY2(saved.open(QIODevice::ReadOnly), "no settings.json written");
    const QByteArray text = saved.readAll();
    QVERIFY2(text.contains("\"dit_file\"") && text.contains("tiny.safetensors"), text.constData());
    QVERIFY2(text.contains("\"t5_file\"") && text.contains("\"vae_file\""), text.constData());
}

void TestCli::imageToVideoMatchesReference()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-i2v";
    const auto ref = wan::io::loadSafetensors(fixture / "reference" / "e2e_i2v_dpmpp.safetensors");
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    // max_area 3072 = 64*48; the task comes from the folder's model_type.
    const auto run = runCli({QStringLiteral("--ckpt_dir"),
                             path(fixture),
                             QStringLiteral("--image"),
                             path(fixture / "reference" / "i2v_input.png"),
                             QStringLiteral("--size"),
                             QStringLiteral("64*48"),
                             QStringLiteral("--frame_num"),
                             QStringLiteral("9"),
                             QStringLiteral("--sample_steps"),
                             QStringLiteral("4"),
                             QStringLiteral("--sample_shift"),
                             QStringLiteral("3"),
                             QStringLiteral("--sample_solver"),
                             QStringLiteral("dpm++"),
                             QStringLiteral("--base_seed"),
                             QStringLiteral("7"),
                             QStringLiteral("--device"),
                             QStringLiteral("cpu"),
                             QStringLiteral("--quiet"),
                             QStringLiteral("--save_file"),
                             path(out / "i2v.mp4"),
                             QStringLiteral("--save_latents"),
                             path(out / "i2v.safetensors")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    // --quiet: no progress and no info lines (the off-trained-size warning stays).
    QVERIFY2(!run.err.contains(QStringLiteral("[info]")) && !run.err.contains(QStringLiteral("step")),
             qPrintable(run.err));
    WAN_COMPARE_TENSORS(wan::pipeline::readLatents(out / "i2v.safetensors"), ref.at("x0"), kLatentAtol);
    const auto info = wan::media::probeVideo(out / "i2v.mp4");
    QCOMPARE(info.frameCount, 9);
    QCOMPARE(info.width, 64);
    QCOMPARE(info.height, 32);
}

void TestCli::inspectStillWorks()
{
    WAN_REQUIRE_FIXTURES();
    const auto run = runCli({QStringLiteral("--ckpt_dir"), path(wan::test::fixturesDir() / "wan-tiny-t2v"),
                             QStringLiteral("--inspect"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(run.out.contains(QStringLiteral("t2v")));
}

void TestCli::printPlanWritesNothing()
{
    // --print_plan reads the set's headers, prints the placement and exits; no model is loaded, nothing
    // written. (The CUDA plans with their estimates are tabled in test_memoryplanner.)
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    const auto run = runCli({QStringLiteral("--ckpt_dir"), path(wan::test::fixturesDir() / "wan-tiny-t2v"),
                             QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--prompt"),
                             QStringLiteral("x"), QStringLiteral("--print_plan"),
                             QStringLiteral("--save_file"), path(out / "never.mp4")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("cpu: all models in host memory")), qPrintable(run.out));
    QVERIFY(!run.err.contains(QStringLiteral("stage loading")));
    QVERIFY(!fs::exists(out / "never.mp4"));
    // A broken folder fails as a run would.
    const auto broken = runCli({QStringLiteral("--ckpt_dir"), path(out), QStringLiteral("--print_plan")});
    QVERIFY(broken.exitCode > 0);
}

void TestCli::interruptLeavesNoFiles()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    QProcess process;
    process.setProgram(QStringLiteral(WAN_GENERATE_PATH));
    process.setArguments({QStringLiteral("--ckpt_dir"), path(wan::test::fixturesDir() / "wan-tiny-t2v"),
                          QStringLiteral("--size"), QStringLiteral("48*32"), QStringLiteral("--frame_num"),
                          QStringLiteral("9"), QStringLiteral("--sample_steps"), QStringLiteral("1000"),
                          QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--save_file"),
                          path(out / "interrupted.mp4"), QStringLiteral("--save_latents"),
                          path(out / "interrupted.safetensors")});
    process.start();
    QVERIFY(process.waitForStarted());
    QByteArray err;
    // Interrupt once denoising is under way (progress lines go to stderr when it is not a terminal).
    QTRY_VERIFY_WITH_TIMEOUT((err += process.readAllStandardError(), err.contains("step 1/1000")), 120000);
    process.terminate(); // SIGTERM, handled like Ctrl+C
    QVERIFY(process.waitForFinished(60000));
    err += process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 130);
    QVERIFY2(err.contains("interrupted"), err.constData());
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::NoDotAndDotDot).size(), 0);
}

void TestCli::secondInterruptQuitsAtOnce()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    // 832*480 with 41 frames makes each step of the tiny model take seconds, so the second Ctrl+C, sent as
    // soon as the first one's message shows, normally lands while the step still runs. On a loaded machine
    // this process may be scheduled too late and the clean stop wins the race: that ending is tried again
    // (a second Ctrl+C that is ignored ends that way every time, and fails).
    constexpr int kAttempts = 3;
    wan::test::ProcessRun run;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
        run = wan::test::runProcessInterrupted(
            QStringLiteral(WAN_GENERATE_PATH),
            {QStringLiteral("--ckpt_dir"), path(wan::test::fixturesDir() / "wan-tiny-t2v"),
             QStringLiteral("--size"), QStringLiteral("832*480"), QStringLiteral("--frame_num"),
             QStringLiteral("41"), QStringLiteral("--sample_steps"), QStringLiteral("1000"),
             QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--save_file"),
             path(out / "interrupted.mp4")},
            "step 1/1000", "press Ctrl+C again", 180000);
        if (!run.err.contains(QLatin1String("interrupted, nothing written")))
            break;
        qWarning("attempt %d: the run stopped cleanly before the second Ctrl+C arrived", attempt);
    }
    QVERIFY2(run.err.contains(QLatin1String("press Ctrl+C again to quit at once")), qPrintable(run.err));
    // Ended by the second SIGINT itself (default action), not by the clean stop after the step.
    QVERIFY2(run.exitCode == -1,
             qPrintable(QStringLiteral("exit code %1: %2").arg(run.exitCode).arg(run.err)));
    QVERIFY2(!run.err.contains(QLatin1String("interrupted, nothing written")), qPrintable(run.err));
    QVERIFY(!fs::exists(out / "interrupted.mp4"));
}

void TestCli::rejectsBadInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const auto t2v = QStringLiteral("@t2v");
    const auto i2v = QStringLiteral("@i2v");
    QTest::newRow("unknown flag") << QStringList{QStringLiteral("--ckpt_dir"), t2v, QStringLiteral("--bogus")}
                                  << QStringLiteral("unknown argument");
    QTest::newRow("missing ckpt_dir")
        << QStringList{QStringLiteral("--prompt"), QStringLiteral("x")} << QStringLiteral("--ckpt_dir");
    QTest::newRow("bad solver") << QStringList{QStringLiteral("--ckpt_dir"), t2v,
                                               QStringLiteral("--sample_solver"), QStringLiteral("ddim")}
                                << QStringLiteral("--sample_solver");
    QTest::newRow("bad size") << QStringList{QStringLiteral("--ckpt_dir"), t2v, QStringLiteral("--size"),
                                             QStringLiteral("huge")}
                              << QStringLiteral("--size");
    QTest::newRow("vram budget too small")
        << QStringList{QStringLiteral("--ckpt_dir"), t2v, QStringLiteral("--vram_budget"),
                       QStringLiteral("0.1")}
        << QStringLiteral("--vram_budget");
    QTest::newRow("size not multiple of 16")
        << QStringList{QStringLiteral("--ckpt_dir"), t2v, QStringLiteral("--size"), QStringLiteral("40*32")}
        << QStringLiteral("multiples of 16");
    QTest::newRow("bad frame_num") << QStringList{QStringLiteral("--ckpt_dir"), t2v,
                                                  QStringLiteral("--frame_num"), QStringLiteral("10")}
                                   << QStringLiteral("4n+1");
    QTest::newRow("bad offload value")
        << QStringList{QStringLiteral("--ckpt_dir"), t2v, QStringLiteral("--offload_model=maybe")}
        << QStringLiteral("True or False");
    QTest::newRow("wrong task for folder")
        << QStringList{QStringLiteral("--ckpt_dir"), t2v,
                       QStringLiteral("--task"),     QStringLiteral("i2v-14B"),
                       QStringLiteral("--image"),    QStringLiteral("@png")}
        << QStringLiteral("does not match the model folder");
    QTest::newRow("t2v task on i2v folder")
        << QStringList{QStringLiteral("--ckpt_dir"), i2v, QStringLiteral("--task"), QStringLiteral("t2v-14B")}
        << QStringLiteral("does not match the model folder");
    QTest::newRow("bad image") << QStringList{QStringLiteral("--ckpt_dir"),     i2v,
                                              QStringLiteral("--image"),        QStringLiteral("@notimage"),
                                              QStringLiteral("--size"),         QStringLiteral("64*48"),
                                              QStringLiteral("--frame_num"),    QStringLiteral("5"),
                                              QStringLiteral("--sample_steps"), QStringLiteral("1"),
                                              QStringLiteral("--device"),       QStringLiteral("cpu")}
                               << QStringLiteral("cannot be read as an image");
    QTest::newRow("missing folder") << QStringList{QStringLiteral("--ckpt_dir"), QStringLiteral("@missing")}
                                    << QStringLiteral("@missing");
    QTest::newRow("bad cache") << QStringList{QStringLiteral("--ckpt_dir"), t2v, QStringLiteral("--cache"),
                                              QStringLiteral("deepcache")}
                               << QStringLiteral("--cache");
    QTest::newRow("bad cache threshold")
        << QStringList{QStringLiteral("--ckpt_dir"), t2v, QStringLiteral("--cache_threshold"),
                       QStringLiteral("-1")}
        << QStringLiteral("--cache_threshold");
    QTest::newRow("missing lora") << QStringList{QStringLiteral("--ckpt_dir"), t2v, QStringLiteral("--lora"),
                                                 QStringLiteral("@missing.safetensors:0.5")}
                                  << QStringLiteral("@missing.safetensors");
    QTest::newRow("distill with steps")
        << QStringList{QStringLiteral("--ckpt_dir"), t2v, QStringLiteral("--distill"),
                       QStringLiteral("--sample_steps"), QStringLiteral("8")}
        << QStringLiteral("--distill");
}

// --distill makes 4 DiT calls; --cache with threshold 0 skips none; the MP4 metadata records the settings.
void TestCli::distilledWithStepCache()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    const auto run =
        runCli({QStringLiteral("--ckpt_dir"), path(wan::test::fixturesDir() / "wan-tiny-t2v"),
                QStringLiteral("--size"), QStringLiteral("48*32"), QStringLiteral("--frame_num"),
                QStringLiteral("9"), QStringLiteral("--device"), QStringLiteral("cpu"),
                QStringLiteral("--distill"), QStringLiteral("--cache"), QStringLiteral("magcache"),
                QStringLiteral("--cache_threshold"), QStringLiteral("0"), QStringLiteral("--save_latents"),
                path(out / "latents.safetensors"), QStringLiteral("--save_file"), path(out / "out.mp4")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const auto log = run.err + run.out;
    QVERIFY2(log.contains(QStringLiteral("4 DiT calls, 0 from the step cache, 0 steps skipped")),
             qPrintable(log));
    QVERIFY(fs::exists(out / "latents.safetensors"));
}

void TestCli::rejectsBadInput()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    const QString notImage = path(out / "broken.png");
    {
        QFile file(notImage);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a png at all");
    }
    const QString missing = path(out / "no-such-model");
    const auto substitute = [&](QString s) {
        s.replace(QStringLiteral("@t2v"), path(wan::test::fixturesDir() / "wan-tiny-t2v"));
        s.replace(QStringLiteral("@i2v"), path(wan::test::fixturesDir() / "wan-tiny-i2v"));
        s.replace(QStringLiteral("@png"),
                  path(wan::test::fixturesDir() / "wan-tiny-i2v" / "reference" / "i2v_input.png"));
        s.replace(QStringLiteral("@notimage"), notImage);
        s.replace(QStringLiteral("@missing"), missing);
        return s;
    };
    QStringList real;
    for (const auto& a : args)
        real << substitute(a);
    real << QStringLiteral("--save_file") << path(out / "never.mp4");
    const auto run = runCli(real);
    QVERIFY2(run.exitCode > 0, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
    QVERIFY2(run.err.contains(substitute(message)), qPrintable(run.err));
    // One clear line, prefixed with the program name.
    QVERIFY2(run.err.contains(QStringLiteral("wan-generate: error: ")), qPrintable(run.err));
    QVERIFY(!fs::exists(out / "never.mp4"));
}

void TestCli::builtInDemoModel()
{
    // The shipped demo folder (resources/demo-model in the build tree): its one size and frame count are
    // forced, with a warning for other values, and its sampling settings are the defaults.
    const fs::path demo = wan::builtInDemoFolder();
    QVERIFY2(!demo.empty(), "the built-in demo model is missing (resources/demo-model/demo.json)");
    const auto native = wan::readDemoModelInfo(demo);
    QVERIFY(native.has_value());
    QTemporaryDir tmp;
    const fs::path out = tmp.path().toStdString();
    const auto run =
        runCli({QStringLiteral("--demo"), QStringLiteral("--prompt"),
                QStringLiteral("a red circle moves to the right on a blue background"),
                QStringLiteral("--size"), QStringLiteral("832*480"), QStringLiteral("--frame_num"),
                QStringLiteral("81"), QStringLiteral("--base_seed"), QStringLiteral("3"),
                QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--save_file"),
                path(out / "demo.mp4"), QStringLiteral("--save_settings")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.err.contains(
                 QStringLiteral("the demo model makes %1*%2 only").arg(native->width).arg(native->height)),
             qPrintable(run.err));
    const auto info = wan::media::probeVideo(out / "demo.mp4");
    QCOMPARE(info.width, native->width);
    QCOMPARE(info.height, native->height);
    QCOMPARE(info.frameCount, native->frameNum);
    QFile settings(QString::fromStdString((out / "settings.json").string()));
    QVERIFY(settings.open(QIODevice::ReadOnly));
    const wan::Request saved = wan::fromJson(settings.readAll().toStdString());
    QCOMPARE(saved.steps, native->steps);
    QCOMPARE(saved.shift, native->shift);
    QCOMPARE(saved.guideScale, native->guideScale);
    QCOMPARE(saved.ckptDir, demo);

    // The demo makes videos only; without it installed, --demo says where it should be.
    const auto i2v = runCli({QStringLiteral("--demo"), QStringLiteral("--task"), QStringLiteral("i2v-14B"),
                             QStringLiteral("--image"), path(out / "none.png")});
    QCOMPARE(i2v.exitCode, 2);
    QVERIFY2(i2v.err.contains(QStringLiteral("only makes videos")), qPrintable(i2v.err));
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("WAN_DEMO_MODEL_DIR"), path(out / "nowhere"));
    const auto missing =
        wan::test::runProcess(QStringLiteral(WAN_GENERATE_PATH), {QStringLiteral("--demo")}, 60000, env);
    QVERIFY(missing.exitCode != 0);
    QVERIFY2(missing.err.contains(QStringLiteral("built-in demo model is not installed")) &&
                 missing.err.contains(QStringLiteral("WAN_DEMO_MODEL_DIR")),
             qPrintable(missing.err));
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
