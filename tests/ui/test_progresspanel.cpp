// The progress panel: the preview as one large frame (with a screenshot), an ETA over all stages that
// counts down between reports and is never 0 while the job runs, measured stage costs remembered on Done.
#include "PreviewPictures.h"
#include "PreviewView.h"
#include "ProgressPanel.h"

#include <QDir>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;

namespace {

wan::Request request()
{
    wan::Request r;
    r.task = wan::Task::T2V;
    r.width = 832;
    r.height = 480;
    r.frameNum = 81;
    r.steps = 30;
    r.device = "cuda";
    r.ckptDir = "/models/Wan2.1-T2V-1.3B";
    r.prompt = "A red sun sets over a calm sea";
    return r;
}

JobProgress progress(wan::Stage stage, int step, int total, double secondsPerStep = 0.0)
{
    JobProgress p;
    p.stage = stage;
    p.step = step;
    p.totalSteps = total;
    p.secondsPerStep = secondsPerStep;
    p.etaSeconds = 0.0; // what the engine says outside denoising: the panel must not show it
    return p;
}

double etaSecondsOf(const QString& text)
{
    // "ETA 1 min 5 s", "ETA 12 s", "ETA 1 h 2 min"
    const QStringList parts = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    double seconds = 0.0;
    for (int i = 1; i + 1 < parts.size(); i += 2) {
        const double value = parts[i].toDouble();
        seconds += parts[i + 1] == QLatin1String("h")     ? value * 3600
                   : parts[i + 1] == QLatin1String("min") ? value * 60
                                                          : value;
    }
    return seconds;
}

} // namespace

class TestProgressPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void previewPanelScreenshot();
    void etaCountsDownAcrossStages();
    void remembersStageCostsOnDone();
};

void TestProgressPanel::previewPanelScreenshot()
{
    ProgressPanel panel;
    panel.resize(900, 640);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const wan::Request r = request();
    double now = 100.0;
    panel.setClock([&now] { return now; });
    panel.startJob(QUuid::createUuid(),
                   QStringLiteral("Text to video · 832×480 · A red sun sets over a calm sea"), &r);
    panel.setProgress(progress(wan::Stage::Loading, 0, 0));
    now += 25.0;
    panel.setProgress(progress(wan::Stage::EncodingText, 2, 2));
    now += 4.0;
    panel.setProgress(progress(wan::Stage::Denoising, 0, 30));
    now += 12 * 3.0;
    panel.setProgress(progress(wan::Stage::Denoising, 12, 30, 3.0));
    // 18 steps at the measured 3 s, then decoding and writing as first guessed (14.7 s and 2 s).
    QVERIFY2(qAbs(panel.remainingSeconds() - (18 * 3.0 + 0.7 * 21 + 2.0)) < 1e-6,
             qPrintable(QString::number(panel.remainingSeconds())));
    QCOMPARE(panel.etaText(), QStringLiteral("ETA 1 min 11 s"));
    panel.setPreview(sunsetPreview(104, 60, 21));
    QCOMPARE(panel.stepText(), QStringLiteral("Step 12/30"));
    QVERIFY2(etaSecondsOf(panel.etaText()) > 0, qPrintable(panel.etaText()));
    // Elapsed over elapsed and remaining: 65 s of 135.7 s.
    QVERIFY2(panel.barPermille() >= 478 && panel.barPermille() <= 480,
             qPrintable(QString::number(panel.barPermille())));
    PreviewView* preview = panel.preview();
    QCOMPARE(preview->frameCount(), 21);
    QCOMPARE(preview->currentFrame(), 10);
    // One frame, large (the whole strip used to be 878×24 here), aspect kept.
    const QRect shown = preview->shownFrameRect();
    QVERIFY2(shown.width() > 700 && shown.height() > 400,
             qPrintable(QStringLiteral("%1×%2").arg(shown.width()).arg(shown.height())));
    QVERIFY(qAbs(shown.width() - shown.height() * 104.0 / 60.0) <= 2.0);
    QTest::qWait(50);
    const QString shots = QStringLiteral(WAN_UI_TEST_OUTPUT_DIR);
    QDir().mkpath(shots);
    QVERIFY(panel.grab().save(QDir(shots).filePath(QStringLiteral("preview_panel.png"))));
}

void TestProgressPanel::etaCountsDownAcrossStages()
{
    ProgressPanel panel;
    const wan::Request r = request();
    QSignalSpy eta(&panel, &ProgressPanel::etaChanged);
    panel.startJob(QUuid::createUuid(), QStringLiteral("job"), &r);
    // Loading says nothing for a long time: the ETA and the bar still move, once a second.
    panel.setProgress(progress(wan::Stage::Loading, 0, 0));
    const double atLoading = panel.remainingSeconds();
    QVERIFY(atLoading > 0);
    QVERIFY(etaSecondsOf(panel.etaText()) > 0);
    const int bar = panel.barPermille();
    const int reports = eta.count();
    QTRY_VERIFY_WITH_TIMEOUT(eta.count() >= reports + 1, 2500);
    QVERIFY(panel.remainingSeconds() < atLoading);
    QTRY_VERIFY_WITH_TIMEOUT(panel.barPermille() > bar, 2500);
    // Every stage shows an ETA that is not 0 until the outcome.
    for (const JobProgress& p :
         {progress(wan::Stage::EncodingText, 0, 2), progress(wan::Stage::Denoising, 0, 30),
          progress(wan::Stage::Denoising, 30, 30, 2.0), progress(wan::Stage::Decoding, 0, 0),
          progress(wan::Stage::Decoding, 3, 3), progress(wan::Stage::Writing, 0, 1),
          progress(wan::Stage::Writing, 1, 1)}) {
        panel.setProgress(p);
        QVERIFY2(panel.remainingSeconds() > 0, qPrintable(panel.etaText()));
        QVERIFY2(panel.etaText() != QStringLiteral("ETA 0 s"), qPrintable(panel.etaText()));
    }
    JobOutcome done;
    done.status = wan::JobStatus::Done;
    done.seconds = 3;
    panel.showOutcome(done, QStringLiteral("Saved"));
    QCOMPARE(panel.barPermille(), 1000);
    QVERIFY(panel.remainingSeconds() < 0);
    QVERIFY(panel.etaText().isEmpty());
}

void TestProgressPanel::remembersStageCostsOnDone()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    const wan::Request r = request();
    const JobShape shape = jobShape(r);
    {
        ProgressPanel panel;
        panel.setSettings(&settings);
        double now = 0.0;
        panel.setClock([&now] { return now; });
        // A failed job measures nothing.
        panel.startJob(QUuid::createUuid(), QStringLiteral("job"), &r);
        panel.setProgress(progress(wan::Stage::Loading, 0, 0));
        panel.setProgress(progress(wan::Stage::Denoising, 0, 30));
        JobOutcome failed;
        failed.status = wan::JobStatus::Failed;
        panel.showOutcome(failed, QStringLiteral("no"));
        QVERIFY(!panel.stageCosts().hasMeasured(shape));
        panel.startJob(QUuid::createUuid(), QStringLiteral("job"), &r);
        const std::pair<double, JobProgress> script[] = {
            {0.0, progress(wan::Stage::Loading, 0, 0)},     {10.0, progress(wan::Stage::EncodingText, 2, 2)},
            {12.0, progress(wan::Stage::Denoising, 0, 30)}, {72.0, progress(wan::Stage::Denoising, 30, 30)},
            {72.0, progress(wan::Stage::Decoding, 0, 0)},   {86.0, progress(wan::Stage::Writing, 0, 1)},
            {89.0, progress(wan::Stage::Writing, 1, 1)}};
        const double start = now;
        for (const auto& [at, p] : script) {
            now = start + at;
            panel.setProgress(p);
        }
        JobOutcome done;
        done.status = wan::JobStatus::Done;
        panel.showOutcome(done, QStringLiteral("Saved"));
        QVERIFY(panel.stageCosts().hasMeasured(shape));
        const StageCosts costs = panel.stageCosts().costsFor(shape);
        QCOMPARE(costs.loadingSeconds, 10.0);
        QCOMPARE(costs.encodingSeconds, 2.0);
        QVERIFY(qAbs(costs.stepSecondsPerLatentFrame - 60.0 / 30 / 21) < 1e-9);
        QVERIFY(qAbs(costs.decodingSecondsPerLatentFrame - 14.0 / 21) < 1e-9);
        QCOMPARE(costs.writingSeconds, 3.0);
        // The next job of the same model and size expects what this one took (models now loaded).
        panel.startJob(QUuid::createUuid(), QStringLiteral("again"), &r);
        QVERIFY2(qAbs(panel.remainingSeconds() - 79.0) < 1e-6,
                 qPrintable(QString::number(panel.remainingSeconds())));
    }
    // Remembered across runs of the app.
    ProgressPanel panel;
    panel.setSettings(&settings);
    QVERIFY(panel.stageCosts().hasMeasured(shape));
    QCOMPARE(panel.stageCosts().costsFor(shape).writingSeconds, 3.0);
}

QTEST_MAIN(TestProgressPanel)
#include "test_progresspanel.moc"
