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

QTEST_GUILESS_MAIN(TestSchedulers)
#include "test_schedulers.moc"
