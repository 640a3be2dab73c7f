// Scheduler parity with the official FlowUniPC / FlowDPMSolver trajectories (model_output = 0.1 * x + t /
// 1000), and Euler sanity checks.
#include "sampling/Scheduler.h"
#include "support/TestSupport.h"

#include <QRegularExpression>
#include <QTest>

#include <filesystem>

using namespace wan;

namespace {
constexpr int kSchedulerFixtureFiles = 16; // 8 per folder: {unipc, dpmpp} x 2 step counts x 2 shifts
}

class TestSchedulers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixtureTrajectory_data();
    void fixtureTrajectory();
    void eulerSchedule();
    void eulerRecoversX0();
    void samplingSigmasMatchOfficialFormula();
    void rejectsBadArguments();
    void resumeFromExportedState_data();
    void resumeFromExportedState();
    void importRejectsForeignState();
};

void TestSchedulers::fixtureTrajectory_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("solver");
    QTest::addColumn<int>("steps");
    QTest::addColumn<double>("shift");
    const auto root = test::fixturesDir();
    if (root.empty()) { // one row, so that the test runs and WAN_REQUIRE_FIXTURES skips or fails it
        QTest::newRow("fixtures") << QString() << QString() << 0 << 0.0;
        return;
    }
    const QRegularExpression re(
        QStringLiteral("^scheduler_(unipc|dpmpp)_steps(\\d+)_shift(\\d+(?:\\.\\d+)?)\\.safetensors$"));
    int count = 0;
    for (const char* fixture : {"wan-tiny-t2v", "wan-tiny-i2v"}) {
        const auto dir = root / fixture / "reference";
        if (!std::filesystem::is_directory(dir))
            continue;
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(dir))
            files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const auto& path : files) {
            const auto m = re.match(QString::fromStdString(path.filename().string()));
            if (!m.hasMatch())
                continue;
            const auto tag = QStringLiteral("%1/%2").arg(QString::fromLatin1(fixture), m.captured(0));
            QTest::newRow(qPrintable(tag)) << QString::fromStdString(path.string()) << m.captured(1)
                                           << m.captured(2).toInt() << m.captured(3).toDouble();
            ++count;
        }
    }
    // Each fixture folder holds 8 trajectories; fewer means a renamed or missing file, not a pass.
    if (count != kSchedulerFixtureFiles)
        QTest::newRow("scheduler fixture count") << QStringLiteral("count:%1").arg(count) << QString() << 0 << 0.0;
}

void TestSchedulers::fixtureTrajectory()
{
    WAN_REQUIRE_FIXTURES();
    QFETCH(QString, file);
    QFETCH(QString, solver);
    QFETCH(int, steps);
    QFETCH(double, shift);
    if (file.startsWith(QLatin1String("count:")))
        QFAIL(qPrintable(QStringLiteral("expected %1 scheduler fixture files (scheduler_*_steps*_shift*.safetensors "
                                        "in wan-tiny-t2v/reference and wan-tiny-i2v/reference), found %2")
                             .arg(kSchedulerFixtureFiles)
                             .arg(file.mid(6))));

    const auto ref = io::loadSafetensors(file.toStdString());
    auto scheduler = sampling::makeScheduler(solver == QLatin1String("unipc") ? Solver::UniPC : Solver::DpmPP,
                                             steps, shift);

    const auto& wantTimesteps = ref.at("timesteps");
    QCOMPARE(scheduler->timesteps().sizes(), wantTimesteps.sizes());
    QVERIFY2(torch::equal(scheduler->timesteps(), wantTimesteps),
             "timesteps differ from the official schedule (exact int64 expected)");
    WAN_COMPARE_TENSORS(scheduler->sigmas(), ref.at("sigmas"), 1e-6);

    const auto& samples = ref.at("samples");
    const auto& modelOutputs = ref.at("model_outputs");
    QCOMPARE(samples.size(0), steps + 1);
    auto sample = samples[0].clone();
    const auto* t = scheduler->timesteps().data_ptr<std::int64_t>();
    double worst = 0.0;
    for (int k = 0; k < steps; ++k) {
        const auto tf = torch::full({}, double(t[k]), torch::kFloat32) / 1000.0;
        const auto modelOutput = 0.1 * sample + tf;
        sample = scheduler->step(modelOutput, t[k], sample);
        const auto diff = test::compareTensors(sample, samples[k + 1]);
        QVERIFY2(diff.shapeMatches, diff.where.c_str());
        if (!(diff.maxAbs <= 1e-5))
            QFAIL(qPrintable(QStringLiteral("step %1: max abs error %2 > 1e-5 at %3 (model output error %4)")
                                 .arg(k)
                                 .arg(diff.maxAbs)
                                 .arg(QString::fromStdString(diff.where))
                                 .arg(test::compareTensors(modelOutput, modelOutputs[k]).maxAbs)));
        worst = std::max(worst, diff.maxAbs);
    }
    qInfo("samples: max abs error %.3g over %d steps (atol 1e-5)", worst, steps);
}

void TestSchedulers::eulerSchedule()
{
    sampling::FlowEuler euler(10, 5.0);
    const auto sigmas = euler.sigmas();
    QCOMPARE(sigmas.size(0), 11);
    QCOMPARE(sigmas[0].item<float>(), 1.0f);
    QCOMPARE(sigmas[10].item<float>(), 0.0f);
    QVERIFY(torch::all(sigmas.slice(0, 1) < sigmas.slice(0, 0, -1)).item<bool>());
    QCOMPARE(euler.timesteps()[0].item<std::int64_t>(), std::int64_t(1000));
    // Same sigmas as the DPM++ schedule (get_sampling_sigmas).
    sampling::FlowDpmSolver dpm(10, 5.0);
    QVERIFY(torch::equal(euler.sigmas(), dpm.sigmas()));
    QVERIFY(torch::equal(euler.timesteps(), dpm.timesteps()));
}

void TestSchedulers::eulerRecoversX0()
{
    // On the straight path x(s) = (1 - s) x0 + s n the velocity n - x0 is constant, so Euler is exact.
    torch::manual_seed(3);
    const auto x0 = torch::randn({16, 2, 3, 4});
    const auto noise = torch::randn({16, 2, 3, 4});
    for (int steps : {1, 7, 50}) {
        sampling::FlowEuler euler(steps, 3.0);
        auto x = noise.clone();
        const auto* t = euler.timesteps().data_ptr<std::int64_t>();
        for (int k = 0; k < steps; ++k) {
            // A velocity computed from the state (linear in x): v = (x - x0) / sigma.
            const auto sigma = euler.sigmas()[k];
            x = euler.step((x - x0) / sigma, t[k], x);
        }
        WAN_COMPARE_TENSORS(x, x0, 1e-5);
    }
}

void TestSchedulers::samplingSigmasMatchOfficialFormula()
{
    const auto sigmas = sampling::samplingSigmas(4, 5.0);
    QCOMPARE(int(sigmas.size()), 4);
    // linspace(1, 0, 5)[:4] = 1, .75, .5, .25 shifted by 5 s / (1 + 4 s).
    const double want[] = {1.0, 3.75 / 4.0, 2.5 / 3.0, 1.25 / 2.0};
    for (int i = 0; i < 4; ++i)
        QCOMPARE(sigmas[std::size_t(i)], want[i]);
    const auto lin = sampling::linspace(0.999, 0.0, 4);
    QCOMPARE(lin.back(), 0.0);
    QCOMPARE(lin.front(), 0.999);
}

void TestSchedulers::rejectsBadArguments()
{
    QVERIFY_THROWS_EXCEPTION(Error, sampling::makeScheduler(Solver::UniPC, 0, 5.0));
    QVERIFY_THROWS_EXCEPTION(Error, sampling::makeScheduler(Solver::Euler, 10, 0.0));
    sampling::FlowUniPC unipc(5, 5.0);
    QVERIFY_THROWS_EXCEPTION(Error, unipc.step(torch::zeros({2}), 12345, torch::zeros({2})));
}

namespace {

// A model output that depends on the sample non-linearly, so a lost or stale history changes the result.
torch::Tensor fakeModel(const torch::Tensor& x, std::int64_t timestep)
{
    return 0.5 * torch::sin(3.0 * x) - 0.2 * x + double(timestep) / 1000.0;
}

torch::Tensor runSteps(sampling::Scheduler& scheduler, torch::Tensor x, int from, int to)
{
    const auto* t = scheduler.timesteps().data_ptr<std::int64_t>();
    for (int k = from; k < to; ++k)
        x = scheduler.step(fakeModel(x, t[k]), t[k], x);
    return x;
}

} // namespace

void TestSchedulers::resumeFromExportedState_data()
{
    QTest::addColumn<int>("solver");
    QTest::addColumn<int>("steps");
    for (const auto& [name, solver] : {std::pair{"unipc", Solver::UniPC}, std::pair{"dpm++", Solver::DpmPP},
                                       std::pair{"euler", Solver::Euler}})
        for (int steps : {1, 2, 9}) // 1 and 2: the lower-order first/final step paths
            QTest::newRow(qPrintable(QStringLiteral("%1 %2 steps").arg(QLatin1String(name)).arg(steps)))
                << int(solver) << steps;
}

void TestSchedulers::resumeFromExportedState()
{
    QFETCH(int, solver);
    QFETCH(int, steps);
    torch::manual_seed(11);
    const auto start = torch::randn({16, 2, 3, 4});
    auto reference = sampling::makeScheduler(Solver(solver), steps, 5.0);
    const auto want = runSteps(*reference, start, 0, steps);
    QCOMPARE(reference->stepsDone(), steps);

    int historyDifferences = 0;
    for (int k = 0; k <= steps; ++k) {
        auto first = sampling::makeScheduler(Solver(solver), steps, 5.0);
        const auto middle = runSteps(*first, start, 0, k);
        const auto state = first->exportState();
        QCOMPARE(state.integers.at("step_index"), std::int64_t(k));
        QCOMPARE(first->stepsDone(), k);

        auto second = sampling::makeScheduler(Solver(solver), steps, 5.0);
        second->importState(state, torch::kCPU);
        QCOMPARE(second->stepsDone(), k);
        const auto got = runSteps(*second, middle, k, steps);
        QVERIFY2(torch::equal(got, want),
                 qPrintable(QStringLiteral("resumed after step %1 of %2: max abs difference %3")
                                .arg(k)
                                .arg(steps)
                                .arg((got - want).abs().max().item<double>())));

        // The exported history matters: continuing in a scheduler that only knows the step index goes
        // elsewhere for the multistep solvers (so the equality above cannot hold by accident).
        if (k >= 1 && k + 1 < steps && Solver(solver) != Solver::Euler) {
            auto blind = sampling::makeScheduler(Solver(solver), steps, 5.0);
            auto stripped = state;
            for (auto& [name, tensor] : stripped.tensors)
                tensor = torch::zeros_like(tensor);
            blind->importState(stripped, torch::kCPU);
            if (!torch::equal(runSteps(*blind, middle, k, steps), want))
                ++historyDifferences;
        }
    }
    if (steps >= 3 && Solver(solver) != Solver::Euler)
        QVERIFY(historyDifferences > 0);
}

void TestSchedulers::importRejectsForeignState()
{
    sampling::FlowUniPC unipc(8, 5.0);
    torch::manual_seed(5);
    runSteps(unipc, torch::randn({4, 1, 2, 2}), 0, 3);
    const auto state = unipc.exportState();
    QCOMPARE(state.tensors.count("last_sample"), std::size_t(1));

    sampling::FlowDpmSolver dpm(8, 5.0);
    QVERIFY_THROWS_EXCEPTION(Error, dpm.importState(state, torch::kCPU)); // another solver
    sampling::FlowUniPC otherSteps(9, 5.0);
    QVERIFY_THROWS_EXCEPTION(Error, otherSteps.importState(state, torch::kCPU)); // another step count
    auto missing = state;
    missing.tensors.erase("last_output");
    sampling::FlowUniPC fresh(8, 5.0);
    try {
        fresh.importState(missing, torch::kCPU);
        QFAIL("a state without its history was accepted");
    } catch (const Error& e) {
        QCOMPARE(e.kind(), ErrorKind::CorruptFile);
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("last_output")), e.what());
    }
    auto outOfRange = state;
    outOfRange.integers["step_index"] = 9;
    QVERIFY_THROWS_EXCEPTION(Error, fresh.importState(outOfRange, torch::kCPU));
}

QTEST_GUILESS_MAIN(TestSchedulers)
#include "test_schedulers.moc"
