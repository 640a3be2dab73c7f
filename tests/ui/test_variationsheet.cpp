// The variations dialog and the contact sheet: the dialog's plan and its refusals, the sheet's grid for 1..9
// cells, one clock for every clip, missing and failed cells, Keep and "Discard the others", a screenshot.
#if WAN_TEST_HAS_MEDIA
#include "MediaAdapters.h"
#include "media/Mp4Writer.h"
#endif
#include "FakeJobRunner.h"
#include "GenerationForm.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "ModelFolderPicker.h"
#include "PromptEditor.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueModel.h"
#include "VariationSheetDialog.h"
#include "VariationsDialog.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace wan::ui;

namespace {
constexpr int kClipFrames = 9;

wan::Request baseRequest()
{
    wan::Request r = wan::defaultRequest(wan::Task::T2V, wan::ModelSize::Small);
    r.prompt = "A paper boat drifting down a rainy street";
    r.width = 64;
    r.height = 64;
    r.frameNum = kClipFrames;
    r.steps = 10;
    r.shift = 3.0;
    r.seed = 42;
    return r;
}

// A small generated clip per file: the hue comes from the file name's cell number, a disc crosses the frame.
ClipFrames fakeClip(const QString& path, QSize maxSize)
{
    const int cell = QFileInfo(path).completeBaseName().section(QLatin1Char('_'), -1).toInt();
    ClipFrames clip;
    const QSize size = QSize(256, 144).scaled(maxSize, Qt::KeepAspectRatio);
    for (int f = 0; f < kClipFrames; ++f) {
        QImage image(size, QImage::Format_RGB32);
        QLinearGradient sky(0, 0, 0, size.height());
        sky.setColorAt(0, QColor::fromHsv((cell * 37) % 360, 120, 230));
        sky.setColorAt(1, QColor::fromHsv((cell * 37 + 40) % 360, 200, 90));
        QPainter painter(&image);
        painter.fillRect(image.rect(), sky);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setBrush(QColor(250, 240, 220));
        painter.setPen(Qt::NoPen);
        const int x = 20 + (size.width() - 40) * f / (kClipFrames - 1);
        painter.drawEllipse(QPoint(x, size.height() * 2 / 3 - (cell % 3) * 12), 14, 9);
        clip.frames.append(image);
    }
    return clip;
}

// The group's jobs in `queue`, each in the state given (default Done, with a result file).
QUuid addGroup(RenderQueueModel* queue, const VariationSpec& spec, const QList<JobState>& states,
               const QString& root)
{
    const VariationPlan plan = planVariations(baseRequest(), spec);
    if (!plan.isValid())
        qFatal("plan: %s", qPrintable(plan.error));
    RenderJob base;
    base.request = baseRequest();
    QList<RenderJob> jobs = queue->jobs();
    const QList<RenderJob> cells = variationJobs(base, plan);
    for (int i = 0; i < cells.size(); ++i) {
        RenderJob job = cells[i];
        job.id = QUuid::createUuid();
        job.state = states.value(i, JobState::Done);
        job.folder = QDir(root).filePath(QStringLiteral("job_%1_%2").arg(jobs.size()).arg(i));
        QDir().mkpath(job.folder);
        QFile settings(QDir(job.folder).filePath(QStringLiteral("settings.json")));
        settings.open(QIODevice::WriteOnly);
        settings.write("{}");
        if (job.state == JobState::Done) {
            job.outputPath = QDir(job.folder).filePath(QStringLiteral("clip_%1.mp4").arg(i));
            QFile video(job.outputPath);
            video.open(QIODevice::WriteOnly);
            video.write("mp4");
        }
        if (job.state == JobState::Failed)
            job.error = QStringLiteral("out of memory");
        if (job.state == JobState::Running)
            job.progress = 0.4;
        jobs.append(job);
    }
    queue->setJobs(jobs);
    return plan.tags.first().group;
}

VariationSpec seeds(int count)
{
    VariationSpec spec;
    spec.seedCount = count;
    return spec;
}

void clickInNextBox(const QString& text, std::shared_ptr<QString> seen, int attempts = 200)
{
    QTimer::singleShot(30, [text, seen, attempts] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            for (QAbstractButton* button : box->buttons())
                if (button->text().remove(QLatin1Char('&')) == text) {
                    *seen = box->text();
                    button->click();
                    return;
                }
        }
        if (attempts > 0)
            clickInNextBox(text, seen, attempts - 1);
    });
}
} // namespace

class TestVariationSheet : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dialogPlansAndRefuses();
    void layoutForOneToNineCells_data();
    void layoutForOneToNineCells();
    void clockKeepsEveryPlayerInStep();
    void missingAndFailedCellsSaySo();
    void keepThenDiscardTheOthers();
    void screenshot();
    void playsRealVideos();
    void windowQueuesAGroupAndOpensItsSheet();
};

void TestVariationSheet::dialogPlansAndRefuses()
{
    VariationsDialog dialog(baseRequest());
    QPushButton* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    // Seeds by default: 4 counted up from the form's seed.
    QVERIFY(dialog.seedsButton()->isChecked());
    QVERIFY(dialog.isAcceptable());
    QVERIFY(ok->isEnabled());
    QCOMPARE(dialog.plan().requests.size(), 4);
    QCOMPARE(dialog.plan().requests.last().seed, qint64(45));
    dialog.seedCountBox()->setValue(6);
    QCOMPARE(dialog.plan().requests.size(), 6);
    // A grid of the form's single values varies nothing.
    dialog.gridButton()->setChecked(true);
    QVERIFY(!dialog.isAcceptable());
    QVERIFY(!ok->isEnabled());
    QVERIFY(!dialog.problem().isEmpty());
    // A shift the core refuses: named with its reason.
    dialog.shiftEdit()->setText(QStringLiteral("3; 0"));
    QVERIFY(!ok->isEnabled());
    QCOMPARE(dialog.plan().reason, QStringLiteral("shift"));
    QVERIFY2(dialog.problem().contains(QLatin1String("Shift 0")), qPrintable(dialog.problem()));
    // Not a number, and steps that are not whole.
    dialog.shiftEdit()->setText(QStringLiteral("3; x"));
    QVERIFY2(dialog.problem().contains(QLatin1String("\"x\"")), qPrintable(dialog.problem()));
    dialog.shiftEdit()->setText(QStringLiteral("3; 5"));
    dialog.stepsEdit()->setText(QStringLiteral("10; 12.5"));
    QVERIFY(!ok->isEnabled());
    dialog.stepsEdit()->setText(QStringLiteral("10; 20"));
    dialog.guidanceEdit()->setText(QStringLiteral("4; 6"));
    QVERIFY2(ok->isEnabled(), qPrintable(dialog.problem()));
    QCOMPARE(dialog.plan().requests.size(), 8);
    const VariationSpec spec = dialog.spec();
    QVERIFY(spec.kind == VariationSpec::Kind::Grid);
    QCOMPARE(spec.steps, (QList<int>{10, 20}));
    // setSpec shows a spec back.
    VariationsDialog again(baseRequest());
    again.setSpec(spec);
    QCOMPARE(again.plan().requests.size(), 8);
    QCOMPARE(again.spec().shifts, (QList<double>{3, 5}));
}

void TestVariationSheet::layoutForOneToNineCells_data()
{
    QTest::addColumn<int>("cells");
    for (int n = 1; n <= 9; ++n)
        QTest::addRow("%d", n) << n;
}

void TestVariationSheet::layoutForOneToNineCells()
{
    QFETCH(int, cells);
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    // One cell is a group of 2 with one left (the other was removed from the queue).
    const QUuid group = addGroup(&queue, seeds(std::max(2, cells)), {}, dir.path());
    if (cells == 1)
        queue.removeJob(queue.idAt(1));
    VariationSheetDialog sheet(&queue, group, &fakeClip);
    sheet.show();
    QVERIFY(QTest::qWaitForWindowExposed(&sheet));
    const int shown = std::max(2, cells);
    QCOMPARE(sheet.cellCount(), shown);
    const QSize grid = variationSheetGrid(shown, 0);
    QCOMPARE(sheet.gridSize(), grid);
    for (int i = 0; i < shown; ++i) {
        const QRect rect = sheet.cellGeometry(i);
        QCOMPARE(rect.size(), VariationSheetDialog::kCellSize);
        QVERIFY(sheet.rect().contains(rect));
        if (i == 0)
            continue;
        const QRect before = sheet.cellGeometry(i - 1);
        if (i % grid.width() == 0) { // a new row starts at the left, lower down
            QCOMPARE(rect.left(), sheet.cellGeometry(0).left());
            QVERIFY(rect.top() > before.bottom());
        } else {
            QCOMPARE(rect.top(), before.top());
            QVERIFY(rect.left() > before.right());
        }
    }
}

void TestVariationSheet::clockKeepsEveryPlayerInStep()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    const QUuid group = addGroup(&queue, seeds(4), {}, dir.path());
    VariationSheetDialog sheet(&queue, group, &fakeClip);
    sheet.show();
    sheet.waitForClips();
    for (int i = 0; i < 4; ++i)
        QCOMPARE(sheet.cellFrame(i), 0);
    sheet.clock()->advance(3);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(sheet.cellFrame(i), 3);
    sheet.clock()->advance(kClipFrames); // a full loop later: the same frame
    for (int i = 0; i < 4; ++i)
        QCOMPARE(sheet.cellFrame(i), 3);
    // Playing: still in step wherever the timer stops.
    sheet.playButton()->click();
    QVERIFY(sheet.clock()->isPlaying());
    QTRY_VERIFY(sheet.clock()->frame() >= kClipFrames + 6);
    sheet.playButton()->click();
    QVERIFY(!sheet.clock()->isPlaying());
    const int frame = sheet.cellFrame(0);
    QCOMPARE(frame, int(sheet.clock()->frame() % kClipFrames));
    for (int i = 1; i < 4; ++i)
        QCOMPARE(sheet.cellFrame(i), frame);
}

void TestVariationSheet::missingAndFailedCellsSaySo()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    const QUuid group = addGroup(
        &queue, seeds(5),
        {JobState::Done, JobState::Failed, JobState::Queued, JobState::Done, JobState::Running}, dir.path());
    queue.removeJob(queue.idAt(3)); // gone from the queue
    VariationSheetDialog sheet(&queue, group, &fakeClip);
    sheet.waitForClips();
    QCOMPARE(sheet.cellCount(), 5);
    QVERIFY2(sheet.cellText(0).startsWith(QStringLiteral("1 · Seed 42")), qPrintable(sheet.cellText(0)));
    QCOMPARE(sheet.cellFrame(0), 0);
    QVERIFY2(sheet.cellText(1).contains(QLatin1String("Failed")), qPrintable(sheet.cellText(1)));
    QCOMPARE(sheet.cellFrame(1), -1);
    QVERIFY2(sheet.cellText(2).contains(QLatin1String("Queued")), qPrintable(sheet.cellText(2)));
    QVERIFY2(sheet.cellText(3).contains(QLatin1String("Missing")), qPrintable(sheet.cellText(3)));
    QVERIFY2(sheet.cellText(4).contains(QLatin1String("Running 40%")), qPrintable(sheet.cellText(4)));
    QVERIFY(sheet.keepButton(0)->isEnabled());
    for (int i = 1; i < 5; ++i)
        QVERIFY(!sheet.keepButton(i)->isEnabled());
    // The running cell finishes: the sheet follows the queue and plays it in step with the others.
    const QUuid running = queue.idAt(3);
    QCOMPARE(queue.job(running)->variation.index, 4);
    JobOutcome outcome;
    outcome.status = wan::JobStatus::Done;
    outcome.outputPath = QDir(dir.path()).filePath(QStringLiteral("late_4.mp4"));
    QFile late(outcome.outputPath);
    QVERIFY(late.open(QIODevice::WriteOnly));
    late.close();
    QVERIFY(queue.finishJob(running, outcome));
    sheet.waitForClips();
    QCOMPARE(sheet.cellFrame(4), 0);
    QVERIFY(sheet.keepButton(4)->isEnabled());
    sheet.clock()->advance(2);
    QCOMPARE(sheet.cellFrame(4), 2);
    QCOMPARE(sheet.cellFrame(0), 2);
}

void TestVariationSheet::keepThenDiscardTheOthers()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    const QUuid group = addGroup(&queue, seeds(3), {}, dir.path());
    VariationSheetDialog sheet(&queue, group, &fakeClip);
    QStringList trashed;
    sheet.setTrashFunction([&trashed](const QString& path) {
        trashed.append(path);
        return QDir(path).removeRecursively();
    });
    sheet.waitForClips();
    QVERIFY(!sheet.discardButton()->isEnabled()); // nothing kept yet
    QVERIFY(!sheet.discardOthers());
    sheet.keepButton(1)->click();
    QVERIFY(queue.job(queue.idAt(1))->variation.kept);
    QCOMPARE(sheet.keepButton(1)->text(), QStringLiteral("Kept"));
    QVERIFY(!sheet.keepButton(1)->isEnabled());
    QVERIFY(sheet.discardButton()->isEnabled());
    sheet.keepButton(2)->click(); // changing one's mind: still exactly one
    QVERIFY(!queue.job(queue.idAt(1))->variation.kept);
    QVERIFY(queue.job(queue.idAt(2))->variation.kept);
    const QUuid kept = queue.idAt(2);

    // Cancelled at the question: nothing happens.
    auto seen = std::make_shared<QString>();
    clickInNextBox(QStringLiteral("Cancel"), seen);
    QVERIFY(!sheet.discardOthers());
    QVERIFY2(seen->contains(QLatin1String("Seed 44")), qPrintable(*seen));
    QCOMPARE(queue.rowCount(), 3);
    QVERIFY(trashed.isEmpty());

    clickInNextBox(QStringLiteral("Discard"), seen);
    QVERIFY(sheet.discardOthers());
    QCOMPARE(queue.rowCount(), 1);
    QCOMPARE(queue.idAt(0), kept);
    QCOMPARE(trashed.size(), 2);
    QVERIFY(sheet.cellText(0).contains(QLatin1String("Missing")));
    QVERIFY(sheet.cellText(1).contains(QLatin1String("Missing")));
    QCOMPARE(sheet.cellFrame(2), 0);
    QVERIFY(!sheet.discardButton()->isEnabled());
}

void TestVariationSheet::screenshot()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    VariationSpec spec;
    spec.kind = VariationSpec::Kind::Grid;
    spec.guideScales = {4, 5, 6};
    spec.shifts = {3, 5, 8};
    const QUuid group =
        addGroup(&queue, spec,
                 {JobState::Done, JobState::Done, JobState::Done, JobState::Done, JobState::Done,
                  JobState::Failed, JobState::Done, JobState::Running, JobState::Queued},
                 dir.path());
    VariationSheetDialog sheet(&queue, group, &fakeClip);
    sheet.show();
    QVERIFY(QTest::qWaitForWindowExposed(&sheet));
    sheet.waitForClips();
    QCOMPARE(sheet.gridSize(), QSize(3, 3));
    queue.keepVariation(queue.idAt(4));
    sheet.clock()->advance(4);
    QVERIFY2(sheet.cellText(4).contains(QStringLiteral("Guidance 5 · Shift 5")),
             qPrintable(sheet.cellText(4)));
    const QString shots = QStringLiteral(WAN_UI_TEST_OUTPUT_DIR);
    QDir().mkpath(shots);
    QVERIFY(sheet.grab().save(QDir(shots).filePath(QStringLiteral("variations_sheet.png"))));
}

// The app's decoder: every frame of an MP4, scaled into the cell; a file that is no video names itself.
void TestVariationSheet::playsRealVideos()
{
#if !WAN_TEST_HAS_MEDIA
    QSKIP("built without the engine's media library: no MP4 to decode");
#else
    if (!wan::media::mp4Supported())
        QSKIP("built without FFmpeg");
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    const QUuid group = addGroup(&queue, seeds(2), {}, dir.path());
    wan::media::VideoFrames video;
    video.width = 64;
    video.height = 48;
    video.count = 5;
    video.rgb.resize(std::size_t(video.count) * video.frameBytes());
    for (int f = 0; f < video.count; ++f)
        std::fill(video.frame(f), video.frame(f) + video.frameBytes(), std::uint8_t(40 + 40 * f));
    wan::media::writeMp4(queue.jobs()[0].outputPath.toStdString(), video, {}); // the other stays no video
    VariationSheetDialog sheet(&queue, group, &readVideoClip);
    sheet.waitForClips();
    QCOMPARE(sheet.cellFrame(0), 0);
    sheet.clock()->advance(3);
    QCOMPARE(sheet.cellFrame(0), 3);
    QCOMPARE(sheet.cellFrame(1), -1);
    QVERIFY2(sheet.cellText(1).contains(QLatin1String("clip_1.mp4")), qPrintable(sheet.cellText(1)));
    const ClipFrames clip = readVideoClip(queue.jobs()[0].outputPath, VariationSheetDialog::kCellSize);
    QCOMPARE(clip.frames.size(), 5);
    QCOMPARE(clip.frames[0].size(), QSize(213, 160)); // 64x48 scaled into 256x160
    QVERIFY(qGray(clip.frames[4].pixel(100, 80)) > qGray(clip.frames[0].pixel(100, 80)) + 80);
#endif
}

void TestVariationSheet::windowQueuesAGroupAndOpensItsSheet()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    RenderQueueModel queue(&store);
    test::FakeRunnerLog log;
    InferenceBridge bridge(test::fakeRunnerFactory(&log));
    QueueRunner runner(&queue, &bridge, dir.filePath(QStringLiteral("out")));
    runner.setQueuePaused(true); // nothing runs: the test looks at what was queued
    StudioServices services;
    services.settings = &settings;
    services.queue = &queue;
    services.runner = &runner;
    services.bridge = &bridge;
    services.inspectFolder = [](const QString& folder) {
        FolderCheck check;
        check.ok = true;
        check.modelType = wan::ModelType::T2V;
        check.summary = folder;
        return check;
    };
    MainWindow window(services);
    window.modelPicker()->setFolder(QStringLiteral("/models/t2v-1.3B"));
    QVERIFY(QTest::qWaitFor([&] { return !window.modelPicker()->isChecking(); }, 5000));
    window.promptEditor()->setText(QStringLiteral("a lantern floating on a lake"));
    bool hasButton = false;
    for (QPushButton* button : window.findChildren<QPushButton*>())
        hasButton = hasButton || button->text() == QStringLiteral("Variations…");
    QVERIFY(hasButton);

    const VariationPlan plan = planVariations(window.generationForm()->request(), seeds(3));
    QVERIFY2(plan.isValid(), qPrintable(plan.error));
    const QString error = window.submit(&plan);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(queue.rowCount(), 3);
    for (int i = 0; i < 3; ++i) {
        const RenderJob& job = queue.jobs()[i];
        QCOMPARE(job.variation, plan.tags[i]);
        QCOMPARE(job.request.seed, plan.requests[i].seed);
        QCOMPARE(job.request.prompt, std::string("a lantern floating on a lake"));
        QCOMPARE(job.request.ckptDir.string(), std::string("/models/t2v-1.3B"));
    }
    auto* sheet = window.findChild<VariationSheetDialog*>();
    QVERIFY(sheet);
    QCOMPARE(sheet->group(), plan.tags.first().group);
    QCOMPARE(sheet->cellCount(), 3);
    QVERIFY2(sheet->cellText(0).contains(QLatin1String("Queued")), qPrintable(sheet->cellText(0)));
    QCOMPARE(window.showVariationSheet(plan.tags.first().group), sheet); // one sheet per group
}

int main(int argc, char** argv)
{
    // As the app does: Qt 6.4 defaults to GStreamer, which crashes without its plugin packages.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("wan-studio-test"));
    TestVariationSheet test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_variationsheet.moc"
