// Host memory pre-flight of pipeline/MemoryPlanner.h: estimates for the official model sizes, the refusal
// text and what it proposes, and the /proc/meminfo and cgroup parsing. Pure functions, no model files.
#include "pipeline/MemoryPlanner.h"

#include <QRegularExpression>
#include <QTest>

#include <cstdint>
#include <limits>

using namespace wan;
using namespace wan::pipeline;

namespace {

constexpr double kGiB = double(1ull << 30);

// Parameter counts and widths of the official checkpoints (Wan2.1 1.3B / 14B DiT, umT5-XXL encoder, Wan VAE,
// the ViT-H/14 vision tower of the open-clip checkpoint).
constexpr std::uint64_t kDit13B = 1'418'996'800ull;
constexpr std::uint64_t kDit14B = 14'288'491'584ull;
constexpr std::uint64_t kT5 = 5'680'910'336ull;
constexpr std::uint64_t kVae = 126'892'531ull;
constexpr std::uint64_t kClip = 632'076'800ull;

HostMemoryInput official(bool big, int width, int height, int frames)
{
    HostMemoryInput in;
    in.ditParameters = big ? kDit14B : kDit13B;
    in.t5Parameters = kT5;
    in.vaeParameters = kVae;
    in.ditDim = big ? 5120 : 1536;
    in.ditFfnDim = big ? 13824 : 8960;
    in.width = width;
    in.height = height;
    in.frames = frames;
    return in;
}

Placement cpuPlacement()
{
    return {};
}

Placement gpuPlacement(bool t5OnCpu, bool offload, bool stream)
{
    Placement p;
    p.accelerator = true;
    p.t5OnCpu = t5OnCpu;
    p.offloadModels = offload;
    p.streamDitBlocks = stream;
    return p;
}

// Parameters of one transformer block of the official DiT: self- and cross-attention (q, k, v, o with biases,
// q/k RMS norms), the cross-attention norm, the FFN, the modulation.
std::uint64_t blockParameters(std::uint64_t dim, std::uint64_t ffn)
{
    return 2 * (4 * (dim * dim + dim) + 2 * dim) + 2 * dim + (dim * ffn + ffn) + (ffn * dim + dim) + 6 * dim;
}

// A bf16 CUDA job of the official T2V models at width*height*frames (VAE in bf16, as the engine plans it).
DeviceMemoryInput deviceJob(bool big, int width, int height, int frames)
{
    DeviceMemoryInput in;
    const std::uint64_t dim = big ? 5120 : 1536, ffn = big ? 13824 : 8960;
    in.ditLayers = big ? 40 : 30;
    in.ditDim = int(dim);
    in.ditFfnDim = int(ffn);
    in.ditWeights = (big ? kDit14B : kDit13B) * 2;
    in.ditBlockWeights = blockParameters(dim, ffn) * 2;
    in.t5Weights = kT5 * 2;
    in.vaeWeights = kVae * 2;
    in.vaeBytes = 2;
    in.computeBytes = 2;
    in.width = width;
    in.height = height;
    in.frames = frames;
    in.seqLen = std::int64_t((frames - 1) / 4 + 1) * (height / 16) * (width / 16);
    return in;
}

// "resident", "offload", "t5cpu" (offloaded, T5 on the CPU), "stream" or "refused", with "+tiles".
QString planName(const DevicePlan& plan)
{
    if (!plan.refusal.empty())
        return QStringLiteral("refused");
    const auto& p = plan.placement;
    QString name = p.streamDitBlocks ? QStringLiteral("stream")
                   : p.t5OnCpu       ? QStringLiteral("t5cpu")
                   : p.offloadModels ? QStringLiteral("offload")
                                     : QStringLiteral("resident");
    return p.tileVae ? name + QStringLiteral("+tiles") : name;
}

} // namespace

class TestMemoryPlanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void estimates_data();
    void estimates();
    void growsWithFramesAndSize();
    void refusal();
    void refusalWhenWeightsAloneDoNotFit();
    void gpuRefusalProposesKeepingModelsOnTheGpu();
    void meminfo();
    void cgroup();
    void systemFigure();
    void devicePlans_data();
    void devicePlans();
    void deviceEstimateFollowsTheLeanBlock();
    void streamedDitHoldsTwoBlocks();
    void unknownFreeMemoryIsNotZero();
    void deviceRefusalSaysWhatWouldFit();
    void forcedModeIsKept();
    void vaeWeightsOnlyWhileDecoding();
    void vaeTileIsTheLargestThatFits();
    void vaeTileWithoutBudget();
};

void TestMemoryPlanner::estimates_data()
{
    QTest::addColumn<bool>("big");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("frames");
    QTest::addColumn<int>("placement"); // 0 cpu fp32, 1 gpu resident, 2 gpu T5 on cpu, 3 gpu offload+stream
    QTest::addColumn<bool>("clip");
    QTest::addColumn<double>("minGiB");
    QTest::addColumn<double>("maxGiB");

    // CPU fp32: DiT 5.3 GiB + T5 10.6 GiB (bf16) + VAE 0.5 GiB + 32760 tokens of activations (~4 GiB).
    QTest::newRow("1.3B t2v 832*480 81f cpu") << false << 832 << 480 << 81 << 0 << false << 18.0 << 28.0;
    QTest::newRow("1.3B t2v 832*480 1f cpu") << false << 832 << 480 << 1 << 0 << false << 16.0 << 20.0;
    // 14B: 53 GiB of fp32 weights and 75600 tokens of 5120-wide activations.
    QTest::newRow("14B t2v 1280*720 81f cpu") << true << 1280 << 720 << 81 << 0 << false << 75.0 << 110.0;
    QTest::newRow("14B i2v 832*480 81f cpu") << true << 832 << 480 << 81 << 0 << true << 68.0 << 90.0;
    // GPU, everything resident: only the decoded video and the runtime stay in RAM.
    QTest::newRow("14B t2v 1280*720 81f gpu") << true << 1280 << 720 << 81 << 1 << false << 1.0 << 4.0;
    QTest::newRow("14B t2v 1280*720 81f gpu t5 cpu")
        << true << 1280 << 720 << 81 << 2 << false << 11.5 << 16.0;
    // Offloaded and streamed: the bf16 DiT (26.6 GiB) and T5 live in RAM.
    QTest::newRow("14B t2v 1280*720 81f gpu offload")
        << true << 1280 << 720 << 81 << 3 << false << 38.0 << 48.0;
}

void TestMemoryPlanner::estimates()
{
    QFETCH(bool, big);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, frames);
    QFETCH(int, placement);
    QFETCH(bool, clip);
    QFETCH(double, minGiB);
    QFETCH(double, maxGiB);

    auto in = official(big, width, height, frames);
    in.clipParameters = clip ? kClip : 0;
    in.encodesVideo = clip;
    Placement p = cpuPlacement();
    if (placement > 0) {
        in.ditElementBytes = 2;
        in.clipElementBytes = 2;
        in.vaeElementBytes = 2; // bf16, parked in host memory between its runs
        p = gpuPlacement(placement >= 2, placement == 3, placement == 3);
    }
    const auto e = estimateHostMemory(in, p);
    const double gib = double(e.total()) / kGiB;
    QVERIFY2(gib >= minGiB && gib <= maxGiB, qPrintable(QStringLiteral("%1 GiB outside [%2, %3]: %4")
                                                            .arg(gib)
                                                            .arg(minGiB)
                                                            .arg(maxGiB)
                                                            .arg(QString::fromStdString(e.breakdown()))));
    // Weights as stored on the host, exactly.
    if (placement == 0) {
        QCOMPARE(e.ditWeights, in.ditParameters * 4);
        QCOMPARE(e.t5Weights, kT5 * 2);
        QCOMPARE(e.vaeWeights, kVae * 4);
        QCOMPARE(e.clipWeights, clip ? kClip * 4 : 0);
        QVERIFY(e.ditActivations > 0 && e.vaeWorkingSet > 0);
    } else {
        QCOMPARE(e.vaeWeights, kVae * 2);
        QCOMPARE(e.ditActivations, std::uint64_t(0));
        QCOMPARE(e.t5Weights, placement >= 2 ? kT5 * 2 : 0);
        QCOMPARE(e.ditWeights, placement == 3 ? in.ditParameters * 2 : 0);
    }
    QVERIFY(e.frames >
            std::uint64_t(3) * std::uint64_t(frames) * std::uint64_t(width) * std::uint64_t(height) * 4 - 1);
    QVERIFY(!e.breakdown().empty());
}

void TestMemoryPlanner::growsWithFramesAndSize()
{
    std::uint64_t previous = 0;
    for (int frames = 1; frames <= 161; frames += 16) {
        const auto total = estimateHostMemory(official(false, 832, 480, frames), cpuPlacement()).total();
        QVERIFY2(total > previous, qPrintable(QStringLiteral("frames %1").arg(frames)));
        previous = total;
    }
    QVERIFY(estimateHostMemory(official(false, 1280, 720, 81), cpuPlacement()).total() >
            estimateHostMemory(official(false, 832, 480, 81), cpuPlacement()).total());
    // Batched CFG doubles the DiT activations.
    auto batched = official(false, 832, 480, 81);
    batched.batchedCfg = true;
    QCOMPARE(estimateHostMemory(batched, cpuPlacement()).ditActivations,
             2 * estimateHostMemory(official(false, 832, 480, 81), cpuPlacement()).ditActivations);
}

void TestMemoryPlanner::refusal()
{
    const auto in = official(false, 832, 480, 81);
    const auto needed = estimateHostMemory(in, cpuPlacement()).total();
    QVERIFY(hostMemoryRefusal(in, cpuPlacement(), needed).empty());
    QVERIFY(hostMemoryRefusal(in, cpuPlacement(), needed + 1).empty());

    const std::uint64_t available = 20ull << 30; // below the ~22 GiB of this job, above its weights
    QVERIFY(available < needed);
    const auto text = hostMemoryRefusal(in, cpuPlacement(), available);
    QVERIFY(!text.empty());
    const QString message = QString::fromStdString(text);
    QVERIFY2(message.contains(QString::fromStdString(formatBytes(needed))), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("only 20.0 GiB is available")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("DiT weights")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("a CUDA GPU")), qPrintable(message));

    // The frame count it proposes fits, and 4 more frames would not.
    const QRegularExpression framesPattern(QStringLiteral("at most (\\d+) frames"));
    const auto framesMatch = framesPattern.match(message);
    QVERIFY2(framesMatch.hasMatch(), qPrintable(message));
    const int frames = framesMatch.captured(1).toInt();
    QVERIFY(frames >= 1 && frames < 81 && (frames - 1) % 4 == 0);
    QVERIFY(estimateHostMemory(official(false, 832, 480, frames), cpuPlacement()).total() <= available);
    QVERIFY(estimateHostMemory(official(false, 832, 480, frames + 4), cpuPlacement()).total() > available);

    // So does the size (multiples of 16, aspect kept within rounding).
    const QRegularExpression sizePattern(QStringLiteral("a size of at most (\\d+)\\*(\\d+)"));
    const auto sizeMatch = sizePattern.match(message);
    QVERIFY2(sizeMatch.hasMatch(), qPrintable(message));
    const int width = sizeMatch.captured(1).toInt(), height = sizeMatch.captured(2).toInt();
    QVERIFY(width % 16 == 0 && height % 16 == 0 && width < 832 && height < 480);
    QVERIFY(estimateHostMemory(official(false, width, height, 81), cpuPlacement()).total() <= available);
}

void TestMemoryPlanner::refusalWhenWeightsAloneDoNotFit()
{
    const auto in = official(true, 1280, 720, 81);
    const QString message = QString::fromStdString(hostMemoryRefusal(in, cpuPlacement(), 8ull << 30));
    QVERIFY2(message.contains(QStringLiteral("the model weights alone need")), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("at most")), qPrintable(message)); // no frame count would do
    QVERIFY2(message.contains(QStringLiteral("only 8.0 GiB is available")), qPrintable(message));
}

void TestMemoryPlanner::gpuRefusalProposesKeepingModelsOnTheGpu()
{
    auto in = official(true, 1280, 720, 81);
    in.ditElementBytes = 2;
    const QString message =
        QString::fromStdString(hostMemoryRefusal(in, gpuPlacement(true, true, true), 16ull << 30));
    QVERIFY2(message.contains(QStringLiteral("kept on the GPU")), qPrintable(message));
    QVERIFY(hostMemoryRefusal(in, gpuPlacement(false, false, false), 16ull << 30).empty());
}

void TestMemoryPlanner::meminfo()
{
    const std::string text = "MemTotal:       32791904 kB\nMemFree:         1022340 kB\n"
                             "MemAvailable:   23379336 kB\nBuffers:          411532 kB\n";
    QCOMPARE(parseMemAvailable(text), std::uint64_t(23379336) * 1024);
    QCOMPARE(parseMemAvailable("MemTotal: 100 kB\n"), std::uint64_t(0));
    QCOMPARE(parseMemAvailable("MemAvailable: lots\n"), std::uint64_t(0));
    QCOMPARE(parseMemAvailable("MemAvailable: 99999999999999999999999 kB\n"), std::uint64_t(0));
    QCOMPARE(parseMemAvailable(""), std::uint64_t(0));
}

void TestMemoryPlanner::cgroup()
{
    constexpr auto none = std::numeric_limits<std::uint64_t>::max();
    QCOMPARE(cgroupHeadroom("max\n", "1000\n"), none);
    QCOMPARE(cgroupHeadroom("", ""), none);
    QCOMPARE(cgroupHeadroom("9223372036854771712\n", "1000\n"), none); // cgroup v1 "unlimited"
    QCOMPARE(cgroupHeadroom("8589934592\n", "2147483648\n"), std::uint64_t(6) << 30);
    QCOMPARE(cgroupHeadroom("1000\n", "2000\n"), std::uint64_t(0));
    // Inactive page cache is reclaimable.
    QCOMPARE(
        cgroupHeadroom("8589934592\n", "4294967296\n", "anon 100\ninactive_file 1073741824\nactive_file 5\n"),
        std::uint64_t(5) << 30);
    QCOMPARE(cgroupHeadroom("8589934592\n", "4294967296\n", "total_inactive_file 1073741824\n"),
             std::uint64_t(5) << 30);
}

void TestMemoryPlanner::systemFigure()
{
    // This test machine has /proc/meminfo: some memory is available, and not more than physically exists.
    const auto available = availableHostMemory();
    QVERIFY(available > 0);
    QVERIFY(available < (std::uint64_t(1) << 50));
}

void TestMemoryPlanner::devicePlans_data()
{
    QTest::addColumn<bool>("big");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("budgetGiB");
    QTest::addColumn<QString>("expected");
    // The fastest placement whose estimated peak fits the budget (set by the user; free memory 100 GiB), for
    // the official T2V models, 81 frames, CFG as two calls.
    const struct
    {
        bool big;
        int width, height, budget;
        const char* expected;
    } rows[] = {
        // 1.3B at 480P: with the T5 on the CPU the DiT stays on the GPU down to 4 GiB (its feed-forward
        // chunked there).
        {false, 832, 480, 80, "resident"},
        {false, 832, 480, 24, "resident"},
        {false, 832, 480, 12, "offload"},
        {false, 832, 480, 8, "t5cpu"},
        {false, 832, 480, 6, "t5cpu"},
        {false, 832, 480, 4, "t5cpu"},
        {false, 1280, 720, 80, "resident"},
        {false, 1280, 720, 24, "resident"},
        {false, 1280, 720, 12, "offload"},
        {false, 1280, 720, 8, "t5cpu"},
        {false, 1280, 720, 6, "t5cpu+tiles"},
        {false, 1280, 720, 4, "stream+tiles"},
        // 14B at 480P streams from 24 GiB down to 6 GiB.
        {true, 832, 480, 80, "resident"},
        {true, 832, 480, 24, "stream"},
        {true, 832, 480, 12, "stream"},
        {true, 832, 480, 8, "stream"},
        {true, 832, 480, 6, "stream"},
        {true, 832, 480, 4, "refused"},
        {true, 1280, 720, 80, "resident"},
        {true, 1280, 720, 24, "stream"},
        {true, 1280, 720, 12, "stream"},
        {true, 1280, 720, 8, "refused"},
        {true, 1280, 720, 6, "refused"},
        {true, 1280, 720, 4, "refused"},
    };
    for (const auto& r : rows)
        QTest::addRow("%s %dx%d %d GiB", r.big ? "14B" : "1.3B", r.width, r.height, r.budget)
            << r.big << r.width << r.height << r.budget << QString::fromLatin1(r.expected);
}

void TestMemoryPlanner::devicePlans()
{
    QFETCH(bool, big);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, budgetGiB);
    QFETCH(QString, expected);
    const auto in = deviceJob(big, width, height, 81);
    const std::uint64_t budget = std::uint64_t(budgetGiB) << 30;
    Request request; // memory Auto, VAE tiling Auto
    const auto plan = planDevice(request, in, std::uint64_t(100) << 30, budget);
    qInfo("%s: %s%s", QTest::currentDataTag(), plan.placement.description.c_str(), plan.refusal.c_str());
    QCOMPARE(planName(plan), expected);
    QVERIFY(plan.budget && *plan.budget == budget);
    if (plan.refusal.empty()) {
        QVERIFY2(plan.estimate.peak() <= budget, plan.placement.description.c_str());
        QVERIFY2(
            QString::fromStdString(plan.placement.description).contains(QStringLiteral("estimated peak")),
            plan.placement.description.c_str());
        // Nothing faster fits: the resident plan does not (unless it was chosen).
        if (expected != QStringLiteral("resident")) {
            Placement resident;
            resident.accelerator = true;
            QVERIFY(estimateDeviceMemory(in, resident).peak() > budget);
        }
    }
    // A larger budget never needs a slower placement: the estimates do not grow along the list (the DiT's
    // placements meet at the VAE's decode where it is the peak).
    Placement p;
    p.accelerator = true;
    const auto residentPeak = estimateDeviceMemory(in, p).peak();
    p.offloadModels = true;
    p.t5OnCpu = true;
    const auto t5CpuPeak = estimateDeviceMemory(in, p).peak();
    p.streamDitBlocks = true;
    const auto streamPeak = estimateDeviceMemory(in, p).peak();
    p.tileVae = true;
    QVERIFY(residentPeak > t5CpuPeak && t5CpuPeak >= streamPeak &&
            streamPeak >= estimateDeviceMemory(in, p).peak());
}

// Block streaming's ring keeps two blocks on the device (one computing, the next being copied in).
void TestMemoryPlanner::streamedDitHoldsTwoBlocks()
{
    for (const bool big : {false, true}) {
        const auto in = deviceJob(big, 832, 480, 81);
        const auto whole = estimateDeviceMemory(in, gpuPlacement(true, true, false));
        const auto streamed = estimateDeviceMemory(in, gpuPlacement(true, true, true));
        QCOMPARE(whole.denoiseStage - streamed.denoiseStage,
                 std::uint64_t(in.ditLayers - 2) * in.ditBlockWeights);
    }
}

void TestMemoryPlanner::deviceEstimateFollowsTheLeanBlock()
{
    // 1.3B in bf16 at 832x480x81 (32,760 tokens, dim 1536, ffn 8960), per token: the float32 residual stream
    // 4 x 1536 = 6,144 bytes, plus the largest branch: self-attention 5 x 2 x 1536 = 15,360, cross-attention
    // (8 + 2 x 2) x 1536 = 18,432, the feed-forward (1536 + 8960) x 2 = 20,992; the text context 512 x 1536 x
    // (4 + 4) besides.
    const auto small = deviceJob(false, 832, 480, 81);
    QCOMPARE(small.seqLen, std::int64_t(32760));
    Placement t5Cpu;
    t5Cpu.accelerator = true;
    t5Cpu.t5OnCpu = true;
    QCOMPARE(estimateDeviceMemory(small, t5Cpu).ditActivations,
             std::uint64_t(32760) * (6144 + 20992) + 512 * 1536 * 8);
    // Chunked, the feed-forward holds 8,192 tokens at a time and cross-attention becomes the largest branch.
    Placement chunked = t5Cpu;
    chunked.ffnChunkTokens = kFfnChunkTokens;
    QCOMPARE(estimateDeviceMemory(small, chunked).ditActivations,
             std::uint64_t(32760) * (6144 + 18432) + 512 * 1536 * 8);
    // An fp32 model (the parity mode) rotates in float64: five temporaries of q's size besides.
    auto fp32 = small;
    fp32.computeBytes = 4;
    QCOMPARE(estimateDeviceMemory(fp32, t5Cpu).ditActivations,
             std::uint64_t(32760) * 1536 * (4 + 5 * 4 + 5 * 8) + 512 * 1536 * 12);

    // The goals at 480P, as estimated: 1.3B streamed in 2.5 GB, 14B streamed in 8 GB (the VAE
    // tiled: untiled, its decode is the peak of a streamed 1.3B job).
    Placement streamed = t5Cpu;
    streamed.offloadModels = true;
    streamed.streamDitBlocks = true;
    streamed.tileVae = true;
    streamed.vaeTilePx = kDefaultVaeTilePx;
    const double smallGb = double(estimateDeviceMemory(small, streamed).peak()) / 1e9;
    QVERIFY2(smallGb < 2.5, qPrintable(QString::number(smallGb)));
    const double bigGb = double(estimateDeviceMemory(deviceJob(true, 832, 480, 81), streamed).peak()) / 1e9;
    QVERIFY2(bigGb < 8.0, qPrintable(QString::number(bigGb)));
    qInfo(
        "estimated peaks at 832x480x81: 1.3B streamed %.2f GB, 14B streamed %.2f GB, 1.3B with the T5 on the "
        "CPU %.2f GB",
        smallGb, bigGb, double(estimateDeviceMemory(small, t5Cpu).peak()) / 1e9);

    // An untiled 480P decode in float32 about 6 GB (its causal caches), tiled under 2 GB.
    auto fp32Vae = small;
    fp32Vae.vaeBytes = 4;
    QVERIFY(estimateDeviceMemory(fp32Vae, streamed).vaeWorkingSet < std::uint64_t(2'000'000'000));
    streamed.tileVae = false;
    const double vaeGb = double(estimateDeviceMemory(fp32Vae, streamed).vaeWorkingSet) / 1e9;
    QVERIFY2(vaeGb > 5.0 && vaeGb < 7.0, qPrintable(QString::number(vaeGb)));

    // Batched CFG doubles the DiT's activations.
    auto batched = small;
    batched.batchedCfg = true;
    QCOMPARE(estimateDeviceMemory(batched, t5Cpu).ditActivations,
             2 * estimateDeviceMemory(small, t5Cpu).ditActivations);
}

void TestMemoryPlanner::unknownFreeMemoryIsNotZero()
{
    // A build that cannot ask the driver: the request's mode is kept (Auto: everything resident), never the
    // slowest plan as if 0 bytes were free.
    Request request;
    const auto plan = planDevice(request, deviceJob(false, 832, 480, 81), std::nullopt);
    QVERIFY(plan.refusal.empty());
    QVERIFY(!plan.budget);
    QCOMPARE(planName(plan), QStringLiteral("resident"));
    QVERIFY2(QString::fromStdString(plan.placement.description).contains(QStringLiteral("unknown")),
             plan.placement.description.c_str());
    // With a budget the plan follows it even without the free figure.
    const auto budgeted = planDevice(request, deviceJob(false, 832, 480, 81), std::nullopt, 3ull << 30);
    QCOMPARE(planName(budgeted), QStringLiteral("stream+tiles"));
    // The free figure keeps a tenth for fragmentation.
    const auto fromFree = planDevice(request, deviceJob(false, 832, 480, 81), 10ull << 30);
    QCOMPARE(*fromFree.budget, (10ull << 30) - (1ull << 30));
}

void TestMemoryPlanner::deviceRefusalSaysWhatWouldFit()
{
    Request request;
    // 14B at 720P in a 6 GiB budget.
    const auto in = deviceJob(true, 1280, 720, 81);
    const auto plan = planDevice(request, in, 80ull << 30, 6ull << 30);
    const auto text = QString::fromStdString(plan.refusal);
    QVERIFY2(text.contains(QStringLiteral("not enough GPU memory")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("6.0 GiB")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("a larger VRAM budget")), qPrintable(text));
    // The proposed frame count and size really fit, and the next larger ones do not, with the leanest
    // placement: the T5 on the CPU, blocks streamed, the smallest VAE tile, the feed-forward chunked.
    Placement leanest;
    leanest.accelerator = leanest.t5OnCpu = leanest.offloadModels = leanest.streamDitBlocks =
        leanest.tileVae = true;
    leanest.vaeTilePx = std::end(kVaeTileSizesPx)[-1];
    leanest.ffnChunkTokens = kFfnChunkTokens;
    const QRegularExpression framesRe(QStringLiteral("at most (\\d+) frames"));
    const auto framesMatch = framesRe.match(text);
    QVERIFY2(framesMatch.hasMatch(), qPrintable(text));
    const int frames = framesMatch.captured(1).toInt();
    QVERIFY(frames >= 1 && frames < 81 && (frames - 1) % 4 == 0);
    QVERIFY(estimateDeviceMemory(deviceJob(true, 1280, 720, frames), leanest).peak() <= 6ull << 30);
    QVERIFY(estimateDeviceMemory(deviceJob(true, 1280, 720, frames + 4), leanest).peak() > 6ull << 30);
    const QRegularExpression sizeRe(QStringLiteral("a size of at most (\\d+)\\*(\\d+)"));
    QVERIFY2(sizeRe.match(text).hasMatch(), qPrintable(text));
    // Without a user budget below the free memory, no "larger budget" advice.
    const auto tight = planDevice(request, in, 6ull << 30);
    QVERIFY(!tight.refusal.empty());
    QVERIFY(!QString::fromStdString(tight.refusal).contains(QStringLiteral("a larger VRAM budget")));
}

void TestMemoryPlanner::forcedModeIsKept()
{
    // Memory mode Full that does not fit is run as asked, with the advice; T5-on-CPU that does not fit
    // streams its DiT blocks.
    const auto in = deviceJob(false, 832, 480, 81);
    Request full;
    full.memory = MemoryMode::Full;
    const auto plan = planDevice(full, in, 80ull << 30, 8ull << 30);
    QVERIFY(plan.refusal.empty());
    QCOMPARE(planName(plan), QStringLiteral("resident+tiles"));
    QVERIFY2(QString::fromStdString(plan.placement.description).contains(QStringLiteral("memory mode auto")),
             plan.placement.description.c_str());
    Request t5Cpu;
    t5Cpu.memory = MemoryMode::T5Cpu;
    const auto streamed = planDevice(t5Cpu, in, 80ull << 30, 3ull << 30);
    QVERIFY(streamed.placement.t5OnCpu && streamed.placement.streamDitBlocks &&
            !streamed.placement.offloadModels);
    QVERIFY(streamed.refusal.empty());
}

// The engine parks the VAE in host memory between encodes and decodes: its weights count in the decoding
// stage only, and in host memory on GPU jobs too (in the VAE's dtype).
void TestMemoryPlanner::vaeWeightsOnlyWhileDecoding()
{
    for (const auto& placement : {gpuPlacement(false, false, false), gpuPlacement(true, false, false),
                                  gpuPlacement(true, true, true)}) {
        auto in = deviceJob(false, 832, 480, 81);
        const auto light = estimateDeviceMemory(in, placement);
        in.vaeWeights += 1ull << 30;
        const auto heavy = estimateDeviceMemory(in, placement);
        QCOMPARE(heavy.textStage, light.textStage);
        QCOMPARE(heavy.denoiseStage, light.denoiseStage);
        QCOMPARE(heavy.decodeStage, light.decodeStage + (1ull << 30));
    }
    HostMemoryInput host;
    host.vaeParameters = 127'000'000;
    host.vaeElementBytes = 2;
    host.width = 832;
    host.height = 480;
    host.frames = 81;
    QCOMPARE(estimateHostMemory(host, gpuPlacement(false, false, false)).vaeWeights,
             std::uint64_t(254'000'000));
    host.vaeElementBytes = 4;
    QCOMPARE(estimateHostMemory(host, Placement{}).vaeWeights, std::uint64_t(508'000'000));
}

// With a budget the untiled decode does not fit, the planner takes the largest tile that does: fewer tiles,
// fewer seams, less time.
void TestMemoryPlanner::vaeTileIsTheLargestThatFits()
{
    // A job whose VAE decides: no DiT or T5 weights, no tokens, a float32 VAE at 720P.
    auto in = deviceJob(false, 1280, 720, 81);
    in.vaeBytes = 4;
    in.ditWeights = in.ditBlockWeights = in.t5Weights = 0;
    in.seqLen = 0;
    const auto withTile = [](Placement p, int tilePx) {
        p.tileVae = tilePx > 0;
        p.vaeTilePx = tilePx;
        return p;
    };
    const Placement lean = gpuPlacement(true, true, true);
    const auto decodePeak = [&](int tilePx) {
        return estimateDeviceMemory(in, withTile(lean, tilePx)).peak();
    };
    // Each smaller tile needs less; the budgets between them pick each tile in turn.
    std::vector<int> tiles(std::begin(kVaeTileSizesPx), std::end(kVaeTileSizesPx));
    for (std::size_t i = 0; i + 1 < tiles.size(); ++i)
        QVERIFY2(decodePeak(tiles[i]) > decodePeak(tiles[i + 1]), qPrintable(QString::number(tiles[i])));
    QVERIFY(decodePeak(0) > decodePeak(tiles.front()));
    Request request;
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        const std::uint64_t budget = decodePeak(tiles[i]) + (1ull << 20);
        const auto plan = planDevice(request, in, std::uint64_t(100) << 30, budget);
        qInfo("budget %s: %s", formatBytes(budget).c_str(), plan.placement.description.c_str());
        QVERIFY(plan.refusal.empty());
        QVERIFY(plan.placement.tileVae);
        QCOMPARE(plan.placement.vaeTilePx, tiles[i]);
        QVERIFY2(QString::fromStdString(plan.placement.description)
                     .contains(QStringLiteral("VAE in %1 px tiles").arg(tiles[i])),
                 plan.placement.description.c_str());
    }
    // Tiling off: never tiles, even when only tiles would fit (then nothing fits).
    Request off;
    off.vaeTiling = VaeTiling::Off;
    const auto refused =
        planDevice(off, in, std::uint64_t(100) << 30, decodePeak(tiles.back()) + (1ull << 20));
    QVERIFY(!refused.refusal.empty());
    QVERIFY(!refused.placement.tileVae);
    QCOMPARE(refused.placement.vaeTilePx, 0);
    // The overlap is a quarter of the edge, in whole 8-pixel cells.
    QCOMPARE(vaeTileOverlapPx(256), 64);
    QCOMPARE(vaeTileOverlapPx(384), 96);
    QCOMPARE(vaeTileOverlapPx(192), 48);
    QCOMPARE(vaeTileOverlapPx(40), 8);
}

// Without a free-memory figure or a budget: Auto keeps the untiled decode, On takes the default tile.
void TestMemoryPlanner::vaeTileWithoutBudget()
{
    const auto in = deviceJob(false, 832, 480, 81);
    Request automatic;
    const auto plan = planDevice(automatic, in, std::nullopt);
    QVERIFY(!plan.placement.tileVae);
    QCOMPARE(plan.placement.vaeTilePx, 0);
    Request on;
    on.vaeTiling = VaeTiling::On;
    const auto tiled = planDevice(on, in, std::nullopt);
    QVERIFY(tiled.placement.tileVae);
    QCOMPARE(tiled.placement.vaeTilePx, kDefaultVaeTilePx);
    // With room to spare, On takes the largest tile.
    const auto roomy = planDevice(on, in, std::uint64_t(100) << 30);
    QCOMPARE(roomy.placement.vaeTilePx, kVaeTileSizesPx[0]);
}

QTEST_GUILESS_MAIN(TestMemoryPlanner)
#include "test_memoryplanner.moc"
