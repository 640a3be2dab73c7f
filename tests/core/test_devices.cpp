// Device listing, device/precision resolution and `wan-generate --version --json`, on whatever machine runs
// the suite: the expectations follow what LibTorch itself reports (no GPU on CI: zero CUDA devices, the CPU
// listed).
#include "pipeline/DeviceInfo.h"
#include "pipeline/PreviewReadback.h"
#include "support/ProcessRun.h"
#include "support/TestSupport.h"

#include "wan/Devices.h"
#include "wan/Error.h"

#include <c10/util/Exception.h>
#include <torch/cuda.h>
#include <torch/version.h>
#if WAN_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#endif

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

using Run = wan::test::ProcessRun;

// Runs wan-generate with no LD_LIBRARY_PATH: LibTorch and the CUDA libraries must be found by RPATH.
Run runCli(const QStringList& args)
{
    auto env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("LD_LIBRARY_PATH"));
    return wan::test::runProcess(QStringLiteral(WAN_GENERATE_PATH), args, 60000, env);
}

int cudaCount()
{
    return torch::cuda::is_available() ? int(torch::cuda::device_count()) : 0;
}

} // namespace

class TestDevices : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hostSyncCounterCountsSyncWarnings();
    void listEndsWithTheCpu();
    void versionJson();
    void versionText();
    void resolveAuto();
    void resolveRejects_data();
    void resolveRejects();
    void autoPrecision_data();
    void autoPrecision();
    void explicitPrecisionKept();
    void vaeDtype_data();
    void vaeDtype();
    void textDtype_data();
    void textDtype();
    void nativeBf16Flags_data();
    void nativeBf16Flags();
    void cliRefusesAbsentDeviceBeforeLoading();
    void cliRejectsBadDeviceFlags_data();
    void cliRejectsBadDeviceFlags();
    void previewReadbackOnTheCpuLandsAtOnce();
    void previewReadbackKeepsOneInFlight();
};

void TestDevices::listEndsWithTheCpu()
{
    const auto devices = wan::listDevices();
    QCOMPARE(int(devices.size()), cudaCount() + 1);
    const auto& cpu = devices.back();
    QCOMPARE(QString::fromStdString(cpu.id), QStringLiteral("cpu"));
    QVERIFY(!cpu.name.empty());
    QVERIFY(cpu.totalBytes > (std::uint64_t(256) << 20));
    QVERIFY(cpu.freeBytes > 0 && cpu.freeBytes <= cpu.totalBytes);
    for (int i = 0; i + 1 < int(devices.size()); ++i) {
        QCOMPARE(QString::fromStdString(devices[size_t(i)].id), QStringLiteral("cuda:%1").arg(i));
        QVERIFY(devices[size_t(i)].computeMajor >= 3);
        QVERIFY(devices[size_t(i)].totalBytes > 0);
    }
}

void TestDevices::versionJson()
{
    const Run r = runCli({"--version", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    QVERIFY2(doc.isObject(), qPrintable(error.errorString() + ": " + r.out));
    const auto o = doc.object();
    QCOMPARE(o["app_version"].toString(), QStringLiteral(WAN_PROJECT_VERSION));
    QCOMPARE(o["libtorch_version"].toString(), QStringLiteral(TORCH_VERSION));
#if WAN_WITH_CUDA
    // The pinned wheel is a CUDA build: CUDA (and cuDNN) are compiled in even where no GPU exists.
    QVERIFY(o["cuda_compiled"].toBool());
    QVERIFY2(o["cuda_version"].toString().contains(QLatin1Char('.')),
             qPrintable(o["cuda_version"].toString()));
    QVERIFY(o["cudnn_compiled"].toBool());
#else
    QVERIFY(!o["cuda_compiled"].toBool());
#endif
    QCOMPARE(o["cuda_device_count"].toInt(), cudaCount());
    if (cudaCount() == 0)
        QVERIFY2(!o["cuda_problem"].toString().isEmpty(), "no GPU: the reason is reported");
    const auto devices = o["devices"].toArray();
    QCOMPARE(devices.size(), cudaCount() + 1);
    const auto cpu = devices.last().toObject();
    QCOMPARE(cpu["id"].toString(), QStringLiteral("cpu"));
    QCOMPARE(cpu["type"].toString(), QStringLiteral("cpu"));
    QVERIFY(cpu["total_memory_bytes"].toDouble() > 0);
    QVERIFY(!cpu.contains("compute_capability"));
    for (int i = 0; i < cudaCount(); ++i) {
        const auto gpu = devices[i].toObject();
        QCOMPARE(gpu["type"].toString(), QStringLiteral("cuda"));
        QVERIFY(gpu["compute_capability"].toString().contains(QLatin1Char('.')));
    }
    QCOMPARE(o["default_device"].toString(),
             cudaCount() > 0 ? QStringLiteral("cuda:0") : QStringLiteral("cpu"));
}

void TestDevices::versionText()
{
    const Run r = runCli({"--version"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString out = r.out;
    QVERIFY2(out.contains(QStringLiteral("LibTorch " TORCH_VERSION)), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("  cpu  ")), qPrintable(out));
}

void TestDevices::resolveAuto()
{
    const QString expected = cudaCount() > 0 ? QStringLiteral("cuda:0") : QStringLiteral("cpu");
    QCOMPARE(QString::fromStdString(wan::resolveDevice("auto")), expected);
    QCOMPARE(QString::fromStdString(wan::resolveDevice("")), expected);
    QCOMPARE(QString::fromStdString(wan::resolveDevice("cpu")), QStringLiteral("cpu"));
}

void TestDevices::resolveRejects_data()
{
    QTest::addColumn<QString>("device");
    QTest::addColumn<QString>("expected");
    QTest::newRow("absent index") << QStringLiteral("cuda:%1").arg(cudaCount() + 3) << "devices found: ";
    QTest::newRow("negative") << "cuda:-1"
                              << "not valid";
    QTest::newRow("no index") << "cuda:"
                              << "not valid";
    QTest::newRow("junk after") << "cuda:0x"
                                << "not valid";
    QTest::newRow("other backend") << "mps"
                                   << "not valid";
    QTest::newRow("gpu") << "gpu"
                         << "not valid";
    if (cudaCount() == 0)
        QTest::newRow("cuda without a GPU") << "cuda"
                                            << "devices found: cpu";
}

void TestDevices::resolveRejects()
{
    QFETCH(QString, device);
    QFETCH(QString, expected);
    try {
        wan::resolveDevice(device.toStdString());
        QFAIL("accepted");
    } catch (const wan::Error& e) {
        QCOMPARE(e.kind(), wan::ErrorKind::InvalidArgument);
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(message.contains(device), qPrintable(message));
    }
}

void TestDevices::autoPrecision_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("major");
    QTest::addColumn<int>("expected");
    QTest::newRow("cpu") << "cpu" << 0 << int(wan::Precision::Float32);
    QTest::newRow("pascal 6.1") << "cuda:0" << 6 << int(wan::Precision::Float16);
    QTest::newRow("turing 7.5") << "cuda:0" << 7 << int(wan::Precision::Float16);
    QTest::newRow("ampere 8.6") << "cuda:1" << 8 << int(wan::Precision::BFloat16);
    QTest::newRow("hopper 9.0") << "cuda:0" << 9 << int(wan::Precision::BFloat16);
}

void TestDevices::autoPrecision()
{
    QFETCH(QString, id);
    QFETCH(int, major);
    QFETCH(int, expected);
    wan::ComputeDevice d;
    d.id = id.toStdString();
    d.computeMajor = major;
    QCOMPARE(int(wan::autoPrecisionFor(d)), expected);
}

void TestDevices::explicitPrecisionKept()
{
    QCOMPARE(wan::resolvePrecision(wan::Precision::Auto, "cpu"), wan::Precision::Float32);
    QCOMPARE(wan::resolvePrecision(wan::Precision::BFloat16, "cpu"), wan::Precision::BFloat16);
    QCOMPARE(wan::resolvePrecision(wan::Precision::Float16, "cuda:0"), wan::Precision::Float16);
}

void TestDevices::cliRefusesAbsentDeviceBeforeLoading()
{
    WAN_REQUIRE_FIXTURES();
    const QString dir = QString::fromStdString((wan::test::fixturesDir() / "wan-tiny-t2v").string());
    const QString device = QStringLiteral("cuda:%1").arg(cudaCount() + 1);
    const Run r = runCli({"--ckpt_dir", dir, "--device", device, "--frame_num", "1", "--size", "64*64",
                          "--sample_steps", "1", "--save_file", "/nonexistent-dir/never.mp4"});
    QCOMPARE(r.exitCode, 2);
    const QString err = r.err;
    QVERIFY2(err.contains(device) && err.contains(QStringLiteral("devices found")), qPrintable(err));
    QVERIFY2(!err.contains(QStringLiteral("loading")) && !err.contains(QStringLiteral("Loading")),
             qPrintable(err));
}

void TestDevices::cliRejectsBadDeviceFlags_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("device") << QStringList{"--device", "gpu0"} << "--device";
    QTest::newRow("precision") << QStringList{"--precision", "fp8"} << "--precision";
    QTest::newRow("noise") << QStringList{"--noise", "gpu"} << "--noise";
    QTest::newRow("t5 precision") << QStringList{"--t5_precision", "fp16"} << "--t5_precision";
    QTest::newRow("vae precision") << QStringList{"--vae_precision", "fp8"} << "--vae_precision";
}

void TestDevices::cliRejectsBadDeviceFlags()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const Run r = runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(expected), qPrintable(r.err));
}

// The VAE's math: the CPU always float32; on CUDA an explicit choice is kept, and Auto is fp32 for fp32 jobs,
// else bf16 where the GPU multiplies it natively and fp16 before compute capability 8.0.
void TestDevices::vaeDtype_data()
{
    QTest::addColumn<int>("precision");
    QTest::addColumn<bool>("onCuda");
    QTest::addColumn<int>("jobDtype");
    QTest::addColumn<bool>("fastBf16");
    QTest::addColumn<int>("expected");
    using P = wan::VaePrecision;
    const int f32 = int(torch::kFloat32), b16 = int(torch::kBFloat16), f16 = int(torch::kFloat16);
    QTest::newRow("auto, bf16 job on an sm_80+ gpu") << int(P::Auto) << true << b16 << true << b16;
    QTest::newRow("auto, fp16 job on an sm_75 gpu") << int(P::Auto) << true << f16 << false << f16;
    QTest::newRow("auto, bf16 job forced on an sm_75 gpu") << int(P::Auto) << true << b16 << false << f16;
    QTest::newRow("auto, fp16 job forced on an sm_80+ gpu") << int(P::Auto) << true << f16 << true << b16;
    QTest::newRow("auto, fp32 job on cuda") << int(P::Auto) << true << f32 << true << f32;
    QTest::newRow("fp32 asked, bf16 job on cuda") << int(P::Float32) << true << b16 << true << f32;
    QTest::newRow("fp16 asked on an sm_80+ gpu") << int(P::Float16) << true << b16 << true << f16;
    QTest::newRow("bf16 asked, fp32 job on cuda") << int(P::BFloat16) << true << f32 << false << b16;
    QTest::newRow("auto on the cpu") << int(P::Auto) << false << f32 << false << f32;
    QTest::newRow("bf16 asked on the cpu") << int(P::BFloat16) << false << b16 << true << f32;
    QTest::newRow("fp16 asked on the cpu") << int(P::Float16) << false << f32 << false << f32;
}

void TestDevices::vaeDtype()
{
    QFETCH(int, precision);
    QFETCH(bool, onCuda);
    QFETCH(int, jobDtype);
    QFETCH(bool, fastBf16);
    QFETCH(int, expected);
    const torch::Device device = onCuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    const auto got =
        wan::pipeline::vaeDtypeFor(wan::VaePrecision(precision), device, torch::Dtype(jobDtype), fastBf16);
    QCOMPARE(int(got), expected);
}

// The text encoder's math: fp32 jobs stay fp32 under Auto; otherwise bf16 on CUDA, and on the CPU only with
// native bf16 products; an explicit choice always wins; never fp16.
void TestDevices::textDtype_data()
{
    QTest::addColumn<int>("precision");
    QTest::addColumn<bool>("onCuda");
    QTest::addColumn<int>("jobDtype");
    QTest::addColumn<bool>("nativeBf16");
    QTest::addColumn<int>("expected");
    using P = wan::TextPrecision;
    const int f32 = int(torch::kFloat32), b16 = int(torch::kBFloat16), f16 = int(torch::kFloat16);
    QTest::newRow("auto, fp32 job on cuda") << int(P::Auto) << true << f32 << true << f32;
    QTest::newRow("auto, bf16 job on cuda") << int(P::Auto) << true << b16 << false << b16;
    QTest::newRow("auto, fp16 job on cuda") << int(P::Auto) << true << f16 << false << b16;
    QTest::newRow("auto, fp32 job on a bf16 cpu") << int(P::Auto) << false << f32 << true << f32;
    QTest::newRow("auto, bf16 job, t5 on a plain cpu") << int(P::Auto) << false << b16 << false << f32;
    QTest::newRow("auto, bf16 job, t5 on a bf16 cpu") << int(P::Auto) << false << b16 << true << b16;
    QTest::newRow("auto, fp16 job, t5 on a plain cpu") << int(P::Auto) << false << f16 << false << f32;
    QTest::newRow("bf16 asked, fp32 job on a plain cpu") << int(P::BFloat16) << false << f32 << false << b16;
    QTest::newRow("fp32 asked, bf16 job on cuda") << int(P::Float32) << true << b16 << true << f32;
}

void TestDevices::textDtype()
{
    QFETCH(int, precision);
    QFETCH(bool, onCuda);
    QFETCH(int, jobDtype);
    QFETCH(bool, nativeBf16);
    QFETCH(int, expected);
    const torch::Device device = onCuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    const auto got = wan::pipeline::textDtypeFor(wan::TextPrecision(precision), device,
                                                 torch::Dtype(jobDtype), nativeBf16);
    QCOMPARE(int(got), expected);
}

void TestDevices::nativeBf16Flags_data()
{
    QTest::addColumn<QString>("cpuinfo");
    QTest::addColumn<bool>("native");
    QTest::newRow("avx2 only") << QStringLiteral("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n") << false;
    QTest::newRow("avx512_bf16") << QStringLiteral(
                                        "model name\t: X\nflags\t\t: avx2 avx512f avx512_bf16 vaes\n")
                                 << true;
    QTest::newRow("amx_bf16 last") << QStringLiteral("flags\t\t: avx2 amx_tile amx_bf16") << true;
    QTest::newRow("a longer word") << QStringLiteral("flags\t\t: avx512_bf16x amx_bf16_fake\n") << false;
    QTest::newRow("not on a flags line") << QStringLiteral("bugs\t\t: avx512_bf16\n") << false;
    QTest::newRow("empty") << QString() << false;
}

void TestDevices::nativeBf16Flags()
{
    QFETCH(QString, cpuinfo);
    QFETCH(bool, native);
    QCOMPARE(wan::pipeline::cpuinfoHasNativeBf16(cpuinfo.toStdString()), native);
}

// The engine's per-step count of host synchronisations (WAN_COUNT_SYNCS=1, read by the device check):
// LibTorch reports each synchronising CUDA call as a warning in its sync debug mode, which the counter turns
// on for its life and catches; other warnings go on to the handler before it. (No GPU here: the warnings are
// raised by hand, as LibTorch's CUDA copies and reads raise them.)
void TestDevices::hostSyncCounterCountsSyncWarnings()
{
    QCOMPARE(wan::pipeline::HostSyncCounter::supported(), bool(WAN_WITH_CUDA));
#if WAN_WITH_CUDA
    struct Collect : c10::WarningHandler
    {
        QStringList messages;
        void process(const c10::Warning& warning) override
        {
            messages << QString::fromStdString(warning.msg());
        }
    } collect;
    const c10::WarningUtils::WarningHandlerGuard outer(&collect);
    QVERIFY(c10::cuda::warning_state().get_sync_debug_mode() == c10::cuda::SyncDebugMode::L_DISABLED);
    {
        const wan::pipeline::HostSyncCounter counter;
        QVERIFY(c10::cuda::warning_state().get_sync_debug_mode() == c10::cuda::SyncDebugMode::L_WARN);
        TORCH_WARN("called a synchronizing CUDA operation");
        TORCH_WARN("something else");
        TORCH_WARN("called a synchronizing CUDA operation");
        QCOMPARE(counter.count(), 2);
    }
    QVERIFY(c10::cuda::warning_state().get_sync_debug_mode() == c10::cuda::SyncDebugMode::L_DISABLED);
    TORCH_WARN("called a synchronizing CUDA operation"); // not counted any more: back to the handler before
    QCOMPARE(collect.messages.size(), 2);
    QVERIFY(collect.messages.at(0).contains(QStringLiteral("something else")));
    QVERIFY(collect.messages.at(1).contains(QStringLiteral("synchronizing")));
#endif
}

namespace {

// A copy that lands when the test says so (a GPU's side stream, played by hand).
struct ManualPreviewBackend final : wan::pipeline::PreviewReadback::Backend
{
    struct State
    {
        int starts = 0;
        int waits = 0;
        bool landed = false;
        torch::Tensor copy;
    };
    explicit ManualPreviewBackend(std::shared_ptr<State> s) : state(std::move(s)) {}
    void start(const torch::Tensor& tensor) override
    {
        ++state->starts;
        state->landed = false;
        state->copy = tensor.clone();
    }
    bool ready() override { return state->landed; }
    void wait() override
    {
        ++state->waits;
        state->landed = true;
    }
    torch::Tensor take() override { return std::exchange(state->copy, torch::Tensor()); }
    std::shared_ptr<State> state;
};

} // namespace

void TestDevices::previewReadbackOnTheCpuLandsAtOnce()
{
    wan::pipeline::PreviewReadback readback(torch::Device(torch::kCPU));
    QVERIFY(!readback.poll());
    QVERIFY(!readback.finish());
    const auto latent = torch::randn({16, 2, 3, 4});
    QVERIFY(readback.start(3, latent));
    QVERIFY(readback.inFlight());
    const auto landed = readback.poll();
    QVERIFY(landed);
    QCOMPARE(landed->step, 3);
    QVERIFY(landed->latent.device().is_cpu());
    QVERIFY(torch::equal(landed->latent, latent));
    QVERIFY(!readback.inFlight());
    QVERIFY(!readback.poll());
    QCOMPARE(readback.skipped(), 0);
}

void TestDevices::previewReadbackKeepsOneInFlight()
{
    auto state = std::make_shared<ManualPreviewBackend::State>();
    wan::pipeline::PreviewReadback readback(std::make_unique<ManualPreviewBackend>(state));
    const auto first = torch::full({16, 1, 2, 2}, 1.0);
    const auto second = torch::full({16, 1, 2, 2}, 2.0);
    QVERIFY(readback.start(1, first));
    QVERIFY(!readback.poll()); // still copying: poll never waits
    QVERIFY(!readback.start(2, second));
    QCOMPARE(readback.skipped(), 1);
    QCOMPARE(state->starts, 1);
    QCOMPARE(state->waits, 0);
    state->landed = true;
    auto landed = readback.poll();
    QVERIFY(landed);
    QCOMPARE(landed->step, 1);
    QCOMPARE(landed->latent[0][0][0][0].item<float>(), 1.0f);
    QVERIFY(readback.start(2, second));
    landed = readback.finish(); // waits
    QCOMPARE(state->waits, 1);
    QVERIFY(landed);
    QCOMPARE(landed->step, 2);
    QCOMPARE(landed->latent[0][0][0][0].item<float>(), 2.0f);
    QVERIFY(!readback.finish());
    QCOMPARE(state->waits, 1); // nothing in flight: no wait
}

QTEST_GUILESS_MAIN(TestDevices)
#include "test_devices.moc"
