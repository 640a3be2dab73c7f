// Editing workflows of the main window with a scripted engine: the VACE mask drawn in the app and used by
// the request, the player's "Continue from last frame" and "Bridge two clips", the form's problem line going
// away when the inputs change, and the size fields following "keep the source's size". Saves screenshots of
// the mask painter, the VACE panel with reference images and the queue with an FLF2V job.
#include "ClipPickerDialog.h"
#include "FakeJobRunner.h"
#include "GenerationForm.h"
#include "GenerationSettingsPanel.h"
#include "ImageDropZone.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "MaskPainter.h"
#include "MaskPainterDialog.h"
#include "ModelFolderPicker.h"
#include "PlayerWidget.h"
#include "PromptEditor.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueDock.h"
#include "RenderQueueModel.h"
#include "SourceFrames.h"
#include "VaceInputPanel.h"

#if WAN_TEST_HAS_MEDIA
#include "MediaAdapters.h"
#include "media/Mp4Writer.h"
#endif

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QLinearGradient>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace wan::ui;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

namespace {
FolderCheck fakeInspect(const QString& dir)
{
    FolderCheck check;
    check.ok = true;
    check.modelType = dir.contains(QLatin1String("flf2v"))  ? wan::ModelType::FLF2V
                      : dir.contains(QLatin1String("vace")) ? wan::ModelType::VACE
                      : dir.contains(QLatin1String("i2v"))  ? wan::ModelType::I2V
                                                            : wan::ModelType::T2V;
    check.large = dir.contains(QLatin1String("14B"));
    check.summary = QStringLiteral("model_type %1").arg(dir);
    return check;
}

struct Studio
{
    explicit Studio(const QString& root)
        : settings(QDir(root).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat),
          store(QDir(root).filePath(QStringLiteral("queue.json"))), queue(&store),
          bridge(fakeRunnerFactory(&log)), runner(&queue, &bridge, QDir(root).filePath(QStringLiteral("out")))
    {
        runner.setQueuePaused(true);
    }

    StudioServices services()
    {
        StudioServices s;
        s.settings = &settings;
        s.queue = &queue;
        s.runner = &runner;
        s.bridge = &bridge;
        s.inspectFolder = &fakeInspect;
#if WAN_TEST_HAS_MEDIA
        s.readVideoFrames = &readVideoEnds;
#endif
        return s;
    }

    FakeRunnerLog log;
    QSettings settings;
    QueueStore store;
    RenderQueueModel queue;
    InferenceBridge bridge;
    QueueRunner runner;
};

void saveScreenshot(QWidget* widget, const QString& name)
{
    QDir().mkpath(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR));
    const QString path = QDir(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR)).filePath(name);
    const QPixmap pixmap = widget->grab();
    QVERIFY(!pixmap.isNull());
    QVERIFY(pixmap.save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

QImage gradient(QSize size, QColor from, QColor to)
{
    QImage image(size, QImage::Format_RGB32);
    QPainter painter(&image);
    QLinearGradient g(0, 0, size.width(), size.height());
    g.setColorAt(0, from);
    g.setColorAt(1, to);
    painter.fillRect(image.rect(), g);
    return image;
}

QString writeImage(const QString& dir, const QString& name, const QImage& image)
{
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(name);
    return image.save(path) ? path : QString();
}

void scrollIntoView(QWidget* widget, int below)
{
    QWidget* parent = widget->parentWidget();
    while (parent && !qobject_cast<QScrollArea*>(parent))
        parent = parent->parentWidget();
    if (auto* area = qobject_cast<QScrollArea*>(parent)) {
        const QPoint bottom = widget->mapTo(area->widget(), QPoint(0, widget->height() + below));
        area->ensureVisible(bottom.x(), bottom.y(), 0, 0);
        QCoreApplication::processEvents();
    }
}

QPushButton* stopEditingButton(const MainWindow& window)
{
    for (QPushButton* button : window.findChildren<QPushButton*>())
        if (button->text() == QLatin1String("Stop editing"))
            return button;
    return nullptr;
}

bool chooseFolder(MainWindow& window, const QString& folder)
{
    window.modelPicker()->setFolder(folder);
    return QTest::qWaitFor([&] { return !window.modelPicker()->isChecking(); }, 5000);
}

// A finished job, as the queue holds it after a run.
RenderJob finishedJob(const QString& folder, const QString& output, const QString& prompt)
{
    RenderJob job;
    job.id = QUuid::createUuid();
    job.state = JobState::Done;
    job.progress = 1.0;
    job.folder = folder;
    job.outputPath = output;
    job.request.task = wan::Task::T2V;
    job.request.prompt = prompt.toStdString();
    job.request.outputPath = output.toStdString();
    job.createdAt = QDateTime::currentDateTime();
    return job;
}

bool samePixels(const QImage& a, const QImage& b, int tolerance, QString* where)
{
    if (a.size() != b.size()) {
        *where = QStringLiteral("size %1×%2 vs %3×%4")
                     .arg(a.width())
                     .arg(a.height())
                     .arg(b.width())
                     .arg(b.height());
        return false;
    }
    int worst = 0;
    QPoint at;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const QRgb p = a.pixel(x, y), q = b.pixel(x, y);
            const int d = std::max({std::abs(qRed(p) - qRed(q)), std::abs(qGreen(p) - qGreen(q)),
                                    std::abs(qBlue(p) - qBlue(q))});
            if (d > worst) {
                worst = d;
                at = QPoint(x, y);
            }
        }
    *where = QStringLiteral("max abs error %1 at (%2,%3)").arg(worst).arg(at.x()).arg(at.y());
    return worst <= tolerance;
}
} // namespace

class TestEditWorkflow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void formProblemGoesAwayWhenInputsChange();
    void sizeFieldsFollowKeepSourceSize();
    void vaceRequestUsesDrawnMaskWithScreenshots();
    void queueShowsFlf2vFramesWithScreenshot();
    void continueFromLastFrameOfAPicture();
    void continueFromLastFrameOfAVideo();
    void continueIntoFlf2vOnAnFlf2vFolder();
    void bridgeTwoClips();
    void editingKeepsTheDraft_data();
    void editingKeepsTheDraft();
    void editedJobDoesNotStartWithScreenshot();
    void editingAJobOfAnotherModelFolder();
    void queueingChecksSeedAndOutputFolder();
};

void TestEditWorkflow::formProblemGoesAwayWhenInputsChange()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    QVERIFY(chooseFolder(window, QStringLiteral("/models/flf2v-14B")));
    QCOMPARE(int(window.task()), int(wan::Task::FLF2V));
    window.promptEditor()->setText(QStringLiteral("a bridge at dusk"));
    const QString first =
        writeImage(dir.path(), QStringLiteral("first.png"), gradient({64, 48}, Qt::red, Qt::black));
    const QString last =
        writeImage(dir.path(), QStringLiteral("last.png"), gradient({64, 48}, Qt::blue, Qt::white));
    QVERIFY(window.firstFrameDropZone()->setImageFile(first));
    QString error = window.submit();
    QVERIFY2(error.contains(QStringLiteral("last frame is missing")), qPrintable(error));
    QCOMPARE(window.formMessage(), error);
    // Dropping the missing frame: the message is about inputs that are gone.
    QVERIFY(window.lastFrameDropZone()->setImageFile(last));
    QVERIFY2(window.formMessage().isEmpty(), qPrintable(window.formMessage()));
    // The same for a cleared frame, a prompt edit and a task switch.
    window.firstFrameDropZone()->clear();
    QVERIFY(!window.submit().isEmpty());
    QVERIFY(!window.formMessage().isEmpty());
    QVERIFY(window.firstFrameDropZone()->setImageFile(first));
    QVERIFY(window.formMessage().isEmpty());
    window.promptEditor()->setText(QString());
    QVERIFY(!window.submit().isEmpty());
    window.promptEditor()->setText(QStringLiteral("a bridge at dawn"));
    QVERIFY(window.formMessage().isEmpty());
    QVERIFY(window.submit().isEmpty());
    QCOMPARE(studio.queue.rowCount(), 1);
}

void TestEditWorkflow::sizeFieldsFollowKeepSourceSize()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    QVERIFY(chooseFolder(window, QStringLiteral("/models/vace-1.3B")));
    QCOMPARE(int(window.task()), int(wan::Task::VACE));
    GenerationSettingsPanel* settings = window.settingsPanel();
    const QList<QSpinBox*> spins = settings->findChildren<QSpinBox*>();
    QVERIFY(spins.size() >= 3); // width, height, frames (and steps)
    VaceInputPanel* vace = window.vacePanel();
    QVERIFY(vace->useSourceSize());
    // No source: the chosen size and length make the canvas, so they stay editable.
    QVERIFY(!settings->sizeFromSource());
    const QString source = QDir(dir.path()).filePath(QStringLiteral("frames"));
    QVERIFY(!writeImage(source, QStringLiteral("0.png"), gradient({64, 48}, Qt::gray, Qt::white)).isEmpty());
    vace->setSourceVideo(source);
    QVERIFY(settings->sizeFromSource());
    for (QSpinBox* box : spins)
        if (box->suffix() == QLatin1String(" px") || box->singleStep() == 4) // size and frame count
            QVERIFY2(!box->isEnabledTo(settings), qPrintable(box->objectName()));
    vace->setUseSourceSize(false);
    QVERIFY(!settings->sizeFromSource());
    for (QSpinBox* box : spins)
        if (box->suffix() == QLatin1String(" px"))
            QVERIFY(
                box->parentWidget()->isEnabledTo(settings)); // the size row (the preset decides the boxes)
    vace->setUseSourceSize(true);
    QVERIFY(settings->sizeFromSource());
    for (QSpinBox* box : spins)
        if (box->suffix() == QLatin1String(" px"))
            QVERIFY(!box->parentWidget()->isEnabledTo(settings));
    // Other tasks never lock them.
    window.setTask(wan::Task::T2V);
    QVERIFY(!settings->sizeFromSource());
    window.setTask(wan::Task::VACE);
    QVERIFY(settings->sizeFromSource());
    vace->setSourceVideo(QString());
    QVERIFY(!settings->sizeFromSource());
}

void TestEditWorkflow::vaceRequestUsesDrawnMaskWithScreenshots()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.resize(1280, 980);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(chooseFolder(window, QStringLiteral("/models/Wan2.1-vace-1.3B")));
    window.promptEditor()->setText(QStringLiteral("A red kite over the dunes"));
    const QSize size(320, 192);
    const int frames = 9;
    const QString source = QDir(dir.path()).filePath(QStringLiteral("dunes"));
    for (int i = 0; i < frames; ++i)
        QVERIFY(!writeImage(
                     source, QStringLiteral("frame_%1.png").arg(i, 4, 10, QLatin1Char('0')),
                     gradient(size, QColor(0xe9, 0xc4, 0x6a).darker(100 + 5 * i), QColor(0x26, 0x46, 0x53)))
                     .isEmpty());
    const QString ref1 =
        writeImage(dir.path(), QStringLiteral("kite.png"), gradient({128, 128}, Qt::red, Qt::darkRed));
    const QString ref2 =
        writeImage(dir.path(), QStringLiteral("sky.png"), gradient({160, 90}, Qt::cyan, Qt::blue));
    VaceInputPanel* vace = window.vacePanel();
    vace->setDraftDir(QDir(dir.path()).filePath(QStringLiteral("drafts")));
    vace->setSourceVideo(source);
    vace->addReferenceImages({ref1, ref2});

    MaskPainterDialog* dialog = vace->drawMask();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    MaskPainter* painter = dialog->painter();
    QCOMPARE(painter->frameCount(), frames);
    QCOMPARE(painter->frameSize(), size);
    auto* radius = dialog->findChild<QSpinBox*>(QStringLiteral("maskRadius"));
    QVERIFY(radius);
    radius->setValue(14);
    QCOMPARE(painter->brushRadius(), 14);
    painter->paintStroke(QPointF(40, 150), QPointF(120, 120));
    auto* boxTool = dialog->findChild<QToolButton*>(QStringLiteral("maskBox"));
    QVERIFY(boxTool);
    boxTool->click();
    QCOMPARE(int(painter->tool()), int(MaskTool::Box));
    painter->applyBox(QRect(200, 30, 80, 60));
    QCoreApplication::processEvents();
    saveScreenshot(dialog, QStringLiteral("maskpainter.png"));
    dialog->accept();
    const QString maskFolder = QDir::fromNativeSeparators(vace->sourceMask());
    QVERIFY(maskFolder.startsWith(QDir(dir.path()).filePath(QStringLiteral("drafts"))));

    QCoreApplication::processEvents();
    scrollIntoView(vace, 40);
    saveScreenshot(&window, QStringLiteral("mainwindow-vace-references.png"));

    QString error = window.submit();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const wan::Request& request = studio.queue.job(studio.queue.idAt(0))->request;
    QCOMPARE(int(request.task), int(wan::Task::VACE));
    QCOMPARE(QString::fromStdString(request.srcMask.string()), maskFolder);
    QCOMPARE(QString::fromStdString(request.srcVideo.string()), source);
    QCOMPARE(request.srcRefImages.size(), std::size_t(2));
    // The mask matches the source frame for frame: what the engine checks before it runs.
    const QStringList maskFiles = pngFramesIn(maskFolder);
    QCOMPARE(maskFiles.size(), pngFramesIn(source).size());
    for (const QString& file : maskFiles) {
        const QImage mask(file);
        QCOMPARE(mask.size(), size);
        QCOMPARE(qGray(mask.pixel(240, 60)), 255); // inside the box
        QCOMPARE(qGray(mask.pixel(80, 135)), 255); // on the stroke
        QCOMPARE(qGray(mask.pixel(300, 180)), 0);  // kept
    }
    window.close();
}

void TestEditWorkflow::queueShowsFlf2vFramesWithScreenshot()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.resize(1280, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(chooseFolder(window, QStringLiteral("/models/Wan2.1-flf2v-14B-720P")));
    window.promptEditor()->setText(QStringLiteral("Day turns to night over the harbour"));
    const QString first = writeImage(dir.path(), QStringLiteral("day.png"),
                                     gradient({320, 180}, QColor(255, 200, 0), QColor(255, 160, 0)));
    const QString last = writeImage(dir.path(), QStringLiteral("night.png"),
                                    gradient({320, 180}, QColor(0, 30, 120), QColor(0, 0, 60)));
    QVERIFY(window.firstFrameDropZone()->setImageFile(first));
    QVERIFY(window.lastFrameDropZone()->setImageFile(last));
    const QString stash = QDir(dir.path()).filePath(QStringLiteral("job-inputs"));
    studio.queue.setInputStash(stash);
    QVERIFY(window.submit().isEmpty());
    // The job has its own copies: the user moving the originals away changes nothing.
    const wan::Request& queued = studio.queue.jobs().first().request;
    for (const auto& path : {queued.firstFrame, queued.lastFrame})
        QVERIFY2(QString::fromStdString(path.string()).startsWith(stash), path.string().c_str());
    QVERIFY(QFile::remove(first) && QFile::remove(last));
    const QModelIndex cell = studio.queue.index(0, RenderQueueModel::ThumbnailColumn);
    const QImage thumb = studio.queue.data(cell, Qt::DecorationRole).value<QImage>();
    QVERIFY(!thumb.isNull());
    QVERIFY(thumb.width() > 2 * thumb.height());                             // two 16:9 pictures side by side
    QVERIFY(qRed(thumb.pixel(thumb.width() / 4, thumb.height() / 2)) > 200); // the day on the left
    QVERIFY(qBlue(thumb.pixel(3 * thumb.width() / 4, thumb.height() / 2)) > 40); // the night on the right
    QVERIFY(qRed(thumb.pixel(3 * thumb.width() / 4, thumb.height() / 2)) < 40);
    QCoreApplication::processEvents();
    saveScreenshot(window.queueDock(), QStringLiteral("queue-flf2v.png"));
    window.close();
}

void TestEditWorkflow::continueFromLastFrameOfAPicture()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    const QString folder = QDir(dir.path()).filePath(QStringLiteral("out/job-a"));
    const QImage picture = gradient({96, 64}, Qt::magenta, Qt::darkGreen);
    const QString output = writeImage(folder, QStringLiteral("job-a.png"), picture);
    RenderJob job = finishedJob(folder, output, QStringLiteral("a lighthouse in a storm"));
    job.request.task = wan::Task::T2I;
    job.request.originalPrompt = "lighthouse";
    studio.queue.setJobs({job});
    window.showJobResult(job.id);
    QCOMPARE(window.shownJob(), job.id);
    QVERIFY(window.player()->continueButton()->isEnabled());
    window.promptEditor()->setText(QStringLiteral("something else"));
    window.player()->continueButton()->click(); // through the player's signal
    QCOMPARE(int(window.task()), int(wan::Task::I2V));
    const QString frame = window.imageDropZone()->imagePath();
    QCOMPARE(frame, QDir(folder).filePath(QStringLiteral("last-frame.png")));
    QString where;
    QVERIFY2(samePixels(QImage(frame), picture, 0, &where), qPrintable(where));
    QCOMPARE(window.promptEditor()->text(),
             QStringLiteral("lighthouse")); // the user's prompt, not its extension
    QVERIFY(window.lastFrameDropZone()->imagePath().isEmpty());
    QCOMPARE(window.firstFrameDropZone()->imagePath(), frame);
    // The user reviews, then queues: an I2V job on the extracted frame.
    QVERIFY(chooseFolder(window, QStringLiteral("/models/i2v-14B")));
    QVERIFY(window.submit().isEmpty());
    const wan::Request& request = studio.queue.job(studio.queue.idAt(1))->request;
    QCOMPARE(int(request.task), int(wan::Task::I2V));
    QCOMPARE(QString::fromStdString(request.image.string()), frame);
    QCOMPARE(QString::fromStdString(request.prompt), QStringLiteral("lighthouse"));
    // A job whose result is gone: a message, the form untouched.
    QVERIFY(QFile::remove(output));
    QVERIFY(window.continueFromLastFrame(job.id).contains(QStringLiteral("still exists")));
    QVERIFY(window.continueFromLastFrame(QUuid::createUuid()).contains(QStringLiteral("finished job")));
}

void TestEditWorkflow::continueFromLastFrameOfAVideo()
{
#if !WAN_TEST_HAS_MEDIA
    QSKIP("built without the engine's media library: no MP4 to decode");
#else
    if (!wan::media::mp4Supported())
        QSKIP("built without FFmpeg");
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    const QString folder = QDir(dir.path()).filePath(QStringLiteral("out/clip"));
    QVERIFY(QDir().mkpath(folder));
    // Five frames, each one flat colour; the last is the one to continue from.
    wan::media::VideoFrames video;
    video.width = 64;
    video.height = 48;
    video.count = 5;
    video.rgb.resize(std::size_t(video.count) * video.frameBytes());
    const QColor colours[] = {Qt::red, Qt::green, Qt::yellow, Qt::white, QColor(20, 60, 220)};
    for (int f = 0; f < video.count; ++f)
        for (std::size_t i = 0; i < video.frameBytes(); i += 3) {
            video.frame(f)[i] = std::uint8_t(colours[f].red());
            video.frame(f)[i + 1] = std::uint8_t(colours[f].green());
            video.frame(f)[i + 2] = std::uint8_t(colours[f].blue());
        }
    const QString output = QDir(folder).filePath(QStringLiteral("clip.mp4"));
    wan::media::Mp4Options options;
    options.crf = 0;
    wan::media::writeMp4(output.toStdString(), video, options);
    const RenderJob job = finishedJob(folder, output, QStringLiteral("a boat at sea"));
    studio.queue.setJobs({job});
    QVERIFY(chooseFolder(window, QStringLiteral("/models/i2v-14B")));
    const QString error = window.continueFromLastFrame(job.id);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(int(window.task()), int(wan::Task::I2V));
    const QImage frame(window.imageDropZone()->imagePath());
    QCOMPARE(frame.size(), QSize(64, 48));
    QImage expected(64, 48, QImage::Format_RGB32);
    expected.fill(colours[4]);
    QString where;
    // H.264 in yuv420p, even at crf 0, moves flat colours by a few levels.
    QVERIFY2(samePixels(frame, expected, 6, &where), qPrintable(where));
    qInfo("last frame of the MP4: %s", qPrintable(where));
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("a boat at sea"));
#endif
}

void TestEditWorkflow::continueIntoFlf2vOnAnFlf2vFolder()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    QVERIFY(chooseFolder(window, QStringLiteral("/models/flf2v-14B")));
    const QString folder = QDir(dir.path()).filePath(QStringLiteral("out/a"));
    const QImage picture = gradient({80, 48}, Qt::yellow, Qt::darkBlue);
    const RenderJob job =
        finishedJob(folder, writeImage(folder, QStringLiteral("a.png"), picture), QStringLiteral("sunrise"));
    studio.queue.setJobs({job});
    QVERIFY(window.continueFromLastFrame(job.id).isEmpty());
    QCOMPARE(int(window.task()), int(wan::Task::FLF2V));
    QCOMPARE(window.firstFrameDropZone()->imagePath(),
             QDir(folder).filePath(QStringLiteral("last-frame.png")));
    QVERIFY(window.lastFrameDropZone()->imagePath().isEmpty());
    // Not queued yet: the last frame is the user's to give.
    QVERIFY(window.submit().contains(QStringLiteral("last frame is missing")));
    const QString last =
        writeImage(dir.path(), QStringLiteral("noon.png"), gradient({80, 48}, Qt::white, Qt::cyan));
    QVERIFY(window.lastFrameDropZone()->setImageFile(last));
    QVERIFY(window.submit().isEmpty());
    const wan::Request& request = studio.queue.job(studio.queue.idAt(1))->request;
    QCOMPARE(int(request.task), int(wan::Task::FLF2V));
    QCOMPARE(QString::fromStdString(request.firstFrame.string()), window.firstFrameDropZone()->imagePath());
    QCOMPARE(QString::fromStdString(request.lastFrame.string()), last);
}

void TestEditWorkflow::bridgeTwoClips()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    const QString folderA = QDir(dir.path()).filePath(QStringLiteral("out/a"));
    const QString folderB = QDir(dir.path()).filePath(QStringLiteral("out/b"));
    const QImage pictureA = gradient({96, 64}, Qt::red, Qt::yellow);
    const QImage pictureB = gradient({64, 96}, Qt::blue, Qt::green);
    const RenderJob a = finishedJob(folderA, writeImage(folderA, QStringLiteral("a.png"), pictureA),
                                    QStringLiteral("clip A"));
    RenderJob failed = finishedJob(folderB, QString(), QStringLiteral("failed"));
    failed.state = JobState::Failed;
    studio.queue.setJobs({a, failed});
    window.showJobResult(a.id);
    // No second finished clip yet: nothing to pick from, and the user is told.
    QVERIFY(!window.pickClipToBridge());

    const RenderJob b = finishedJob(folderB, writeImage(folderB, QStringLiteral("b.png"), pictureB),
                                    QStringLiteral("clip B"));
    studio.queue.setJobs({a, failed, b});
    window.showJobResult(a.id);
    window.player()->bridgeButton()->click();
    auto* picker = window.findChild<ClipPickerDialog*>();
    QVERIFY(picker);
    QCOMPARE(picker->clipCount(), 1); // B only: not A itself, not the failed job
    QVERIFY(picker->selectJob(b.id));
    QCOMPARE(picker->selectedJob(), b.id);
    picker->accept();
    QCOMPARE(int(window.task()), int(wan::Task::FLF2V));
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("clip A"));
    QString where;
    QCOMPARE(window.firstFrameDropZone()->imagePath(),
             QDir(folderA).filePath(QStringLiteral("last-frame.png")));
    QCOMPARE(window.lastFrameDropZone()->imagePath(),
             QDir(folderB).filePath(QStringLiteral("first-frame.png")));
    QVERIFY2(samePixels(QImage(window.firstFrameDropZone()->imagePath()), pictureA, 0, &where),
             qPrintable(where));
    QVERIFY2(samePixels(QImage(window.lastFrameDropZone()->imagePath()), pictureB, 0, &where),
             qPrintable(where));
    // On an FLF2V folder it queues as it is.
    QVERIFY(chooseFolder(window, QStringLiteral("/models/flf2v-14B")));
    QCOMPARE(int(window.task()), int(wan::Task::FLF2V));
    QVERIFY(window.submit().isEmpty());
    const wan::Request& request = studio.queue.job(studio.queue.idAt(3))->request;
    QCOMPARE(int(request.task), int(wan::Task::FLF2V));
    QCOMPARE(QString::fromStdString(request.firstFrame.string()), window.firstFrameDropZone()->imagePath());
    QCOMPARE(QString::fromStdString(request.lastFrame.string()), window.lastFrameDropZone()->imagePath());
    QCOMPARE(QString::fromStdString(request.prompt), QStringLiteral("clip A"));
    // Bridging a clip to itself or to a missing job is refused.
    QVERIFY(!window.bridgeClips(a.id, a.id).isEmpty());
    QVERIFY(!window.bridgeClips(a.id, QUuid::createUuid()).isEmpty());
}

// Editing a queued job borrows the form: saving or leaving the edit puts back what the user had there (the
// prompt as typed, the negative prompt, the settings), and the task's remembered settings stay the user's.
void TestEditWorkflow::editingKeepsTheDraft_data()
{
    QTest::addColumn<bool>("save");
    QTest::newRow("saved") << true;
    QTest::newRow("left") << false;
}

void TestEditWorkflow::editingKeepsTheDraft()
{
    QFETCH(bool, save);
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    QVERIFY(chooseFolder(window, QStringLiteral("/models/t2v-1.3B")));
    GenerationForm* form = window.generationForm();
    window.setTask(wan::Task::T2I);
    wan::Request queued = form->request();
    queued.prompt = "a lighthouse in a storm";
    queued.steps = 33;
    queued.seed = 7;
    form->setRequest(queued);
    QVERIFY(window.submit().isEmpty());
    QCOMPARE(studio.queue.rowCount(), 1);
    const QUuid id = studio.queue.idAt(0);
    // The user's own picture settings from then on, remembered when the task changes.
    wan::Request pictures = form->request();
    pictures.steps = 20;
    form->settingsPanel()->applyRequest(pictures);
    window.setTask(wan::Task::T2V);

    // The user's next idea, half written, for another task.
    form->promptEditor()->setText(QStringLiteral("a fox in the snow, "));
    form->negativeEditor()->setText(QStringLiteral("text, watermark"));
    wan::Request draft = form->request();
    draft.steps = 12;
    draft.seed = -1;
    draft.width = 480;
    draft.height = 832;
    form->settingsPanel()->applyRequest(draft);

    window.editJob(id);
    QVERIFY(studio.queue.isHeld(id));
    QCOMPARE(int(window.task()), int(wan::Task::T2I));
    QCOMPARE(form->promptEditor()->text(), QStringLiteral("a lighthouse in a storm"));
    QCOMPARE(form->request().steps, 33);
    QCOMPARE(form->request().seed, std::int64_t(7));
    form->promptEditor()->setText(QStringLiteral("a lighthouse in a calm sea"));
    if (save) {
        QVERIFY(window.submit().isEmpty());
    } else {
        QPushButton* stop = stopEditingButton(window);
        QVERIFY(stop);
        stop->click();
    }
    QVERIFY(!studio.queue.isHeld(id));
    QCOMPARE(studio.queue.rowCount(), 1);
    QCOMPARE(QString::fromStdString(studio.queue.job(id)->request.prompt),
             save ? QStringLiteral("a lighthouse in a calm sea") : QStringLiteral("a lighthouse in a storm"));

    QCOMPARE(int(window.task()), int(wan::Task::T2V));
    QCOMPARE(form->promptEditor()->text(), QStringLiteral("a fox in the snow, "));
    QCOMPARE(form->negativeEditor()->text(), QStringLiteral("text, watermark"));
    const wan::Request shown = form->request();
    QCOMPARE(shown.steps, 12);
    QCOMPARE(shown.seed, std::int64_t(-1));
    QCOMPARE(QSize(shown.width, shown.height), QSize(480, 832));
    // What the job's task remembers is still the user's, not the edited job's.
    window.setTask(wan::Task::T2I);
    QCOMPARE(form->request().steps, 20);
}

// A job open in the form does not start, whatever else the queue runs; it runs once the editing ends.
void TestEditWorkflow::editedJobDoesNotStartWithScreenshot()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.resize(1280, 820);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(chooseFolder(window, QStringLiteral("/models/t2v-1.3B")));
    GenerationForm* form = window.generationForm();
    wan::Request request = form->request();
    request.prompt = "a kite over the dunes";
    request.steps = 2;
    form->setRequest(request);
    QVERIFY(window.submit().isEmpty());
    const QUuid edited = studio.queue.idAt(0);

    window.editJob(edited);
    QSignalSpy started(&studio.runner, &QueueRunner::jobStarted);
    studio.runner.setQueuePaused(false);
    QVERIFY(!started.wait(300));
    QCOMPARE(studio.log.runs.load(), 0);
    QCOMPARE(studio.queue.job(edited)->state, JobState::Queued);

    // Another job goes past it.
    RenderJob other;
    other.request = request;
    other.request.prompt = "a boat at night";
    const QUuid second = studio.queue.addJob(other);
    QTRY_COMPARE_WITH_TIMEOUT(studio.queue.job(second)->state, JobState::Done, 10000);
    QCOMPARE(studio.queue.job(edited)->state, JobState::Queued);
    QCOMPARE(studio.log.runs.load(), 1);
    saveScreenshot(window.queueDock(), QStringLiteral("queue-job-being-edited.png"));

    QPushButton* stop = stopEditingButton(window);
    QVERIFY(stop);
    stop->click();
    QTRY_COMPARE_WITH_TIMEOUT(studio.queue.job(edited)->state, JobState::Done, 10000);
    QCOMPARE(studio.log.runs.load(), 2);
}

// The edited job's model folder shows while it is edited; the user's comes back after, with its size (a 14B
// size on the 14B folder), and a plain switch from 14B to 1.3B moves the size to one the 1.3B model knows.
void TestEditWorkflow::editingAJobOfAnotherModelFolder()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    QVERIFY(chooseFolder(window, QStringLiteral("/models/t2v-14B")));
    GenerationSettingsPanel* settings = window.settingsPanel();
    QCOMPARE(int(settings->modelSize()), int(wan::ModelSize::Large));
    wan::Request draft = window.generationForm()->request();
    draft.width = 1280;
    draft.height = 720;
    settings->applyRequest(draft);
    window.promptEditor()->setText(QStringLiteral("draft for the 14B model"));

    RenderJob queued;
    queued.request = wan::defaultRequest(wan::Task::T2V, wan::ModelSize::Small);
    queued.request.prompt = "a job for the 1.3B model";
    queued.request.ckptDir = "/models/t2v-1.3B";
    const QUuid id = studio.queue.addJob(queued);

    window.editJob(id);
    QTRY_VERIFY(!window.modelPicker()->isChecking());
    QCOMPARE(window.modelPicker()->folder(), QStringLiteral("/models/t2v-1.3B"));
    QCOMPARE(int(settings->modelSize()), int(wan::ModelSize::Small));
    QCOMPARE(settings->chosenSize(), QSize(832, 480));

    QPushButton* stop = stopEditingButton(window);
    QVERIFY(stop);
    stop->click();
    QTRY_VERIFY(!window.modelPicker()->isChecking());
    QCOMPARE(window.modelPicker()->folder(), QStringLiteral("/models/t2v-14B"));
    QCOMPARE(int(settings->modelSize()), int(wan::ModelSize::Large));
    QCOMPARE(settings->chosenSize(), QSize(1280, 720));
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("draft for the 14B model"));
    QVERIFY(settings->sizeWarning().isEmpty());

    // 14B → 1.3B by hand: 1280×720 becomes 832×480, with nothing to warn about.
    QVERIFY(chooseFolder(window, QStringLiteral("/models/t2v-1.3B")));
    QCOMPARE(settings->chosenSize(), QSize(832, 480));
    QVERIFY(settings->sizeWarning().isEmpty());
}

// Queueing refuses an empty fixed seed (it would run a random one) and an output folder that cannot be
// written, naming it; an output folder that does not exist yet is fine.
void TestEditWorkflow::queueingChecksSeedAndOutputFolder()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    QVERIFY(chooseFolder(window, QStringLiteral("/models/t2v-1.3B")));
    GenerationForm* form = window.generationForm();
    wan::Request request = form->request();
    request.prompt = "a red kite";
    request.seed = 5;
    form->setRequest(request);
    QLineEdit* seed = nullptr;
    for (QLineEdit* edit : window.settingsPanel()->findChildren<QLineEdit*>())
        if (edit->text() == QLatin1String("5"))
            seed = edit;
    QVERIFY(seed);
    seed->clear();
    QString error = window.submit();
    QVERIFY2(error.contains(QStringLiteral("seed")), qPrintable(error));
    QCOMPARE(window.formMessage(), error);
    QCOMPARE(studio.queue.rowCount(), 0);
    seed->setText(QStringLiteral("5"));

    QFile blocker(QDir(dir.path()).filePath(QStringLiteral("blocker")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const QString unwritable = QDir(dir.path()).filePath(QStringLiteral("blocker/videos"));
    studio.runner.setOutputDir(unwritable);
    error = window.submit();
    QVERIFY2(error.contains(QStringLiteral("output folder")) &&
                 error.contains(QDir::toNativeSeparators(unwritable)),
             qPrintable(error));
    QCOMPARE(studio.queue.rowCount(), 0);

    studio.runner.setOutputDir(QDir(dir.path()).filePath(QStringLiteral("videos/new")));
    error = window.submit();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(studio.queue.rowCount(), 1);
    QCOMPARE(studio.queue.jobs().first().request.seed, std::int64_t(5));
}

int main(int argc, char** argv)
{
    // As the app does: Qt 6.4 defaults to GStreamer, which crashes without its plugin packages.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("wan-studio-test"));
    TestEditWorkflow test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_editworkflow.moc"
