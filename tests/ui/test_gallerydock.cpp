// The gallery dock and its window: actions enabled by the selection, delete asks and moves the job folder to
// the trash, "Load settings" (everything / prompt only / all but seed) fills the form, a settings.json or a
// foreign file dropped on the window, the queue's Duplicate asking same or new seed, and a screenshot.
#include "FakeJobRunner.h"
#if WAN_TEST_HAS_MEDIA
#include "ImageDropZone.h"
#include "MediaAdapters.h"
#include "media/Mp4Writer.h"
#endif
#include "GalleryDock.h"
#include "GenerationForm.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "ModelFolderPicker.h"
#include "PromptEditor.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueDock.h"
#include "RenderQueueModel.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QJsonDocument>
#include <QLineEdit>
#include <QLinearGradient>
#include <QListView>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace wan::ui;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

namespace {
FolderCheck fakeInspect(const QString& dir)
{
    FolderCheck check;
    check.ok = dir.contains(QLatin1String("t2v")) || dir.contains(QLatin1String("i2v"));
    check.modelType = dir.contains(QLatin1String("i2v")) ? wan::ModelType::I2V : wan::ModelType::T2V;
    check.summary = dir;
    if (!check.ok)
        check.problem = QStringLiteral("not a model folder");
    return check;
}

struct Studio
{
    explicit Studio(const QString& root)
        : settings(QDir(root).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat),
          store(QDir(root).filePath(QStringLiteral("queue.json"))), queue(&store),
          bridge(fakeRunnerFactory(&log)), runner(&queue, &bridge, QDir(root).filePath(QStringLiteral("out")))
    {
        runner.setQueuePaused(true); // finished jobs are set by the tests; nothing runs
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

// A finished job as the runner leaves it: the result and settings.json in its own folder.
RenderJob finishedJob(const QString& root, const QString& name, const QString& prompt, qint64 seed,
                      const QString& suffix, const QImage& picture, int minutesAgo)
{
    RenderJob job;
    job.id = QUuid::createUuid();
    job.state = JobState::Done;
    job.progress = 1.0;
    job.folder = QDir(root).filePath(name);
    QDir().mkpath(job.folder);
    job.request.task = suffix == QLatin1String("png") ? wan::Task::T2I : wan::Task::T2V;
    job.request.ckptDir = "/models/t2v-1.3B";
    job.request.prompt = prompt.toStdString();
    job.request.seed = seed;
    job.request.steps = 12;
    job.request.shift = 3.5;
    job.request.guideScale = 4.5;
    job.request.width = 832;
    job.request.height = 480;
    job.request.frameNum = job.request.task == wan::Task::T2I ? 1 : 17;
    job.outputPath = QDir(job.folder).filePath(QStringLiteral("result.") + suffix);
    job.request.outputPath = job.outputPath.toStdString();
    job.thumbnailPath = QDir(job.folder).filePath(QStringLiteral("thumbnail.png"));
    picture.save(suffix == QLatin1String("png") ? job.outputPath : job.thumbnailPath);
    if (suffix != QLatin1String("png")) {
        QFile video(job.outputPath);
        video.open(QIODevice::WriteOnly);
        video.write("a video");
    }
    job.createdAt = QDateTime::currentDateTime().addSecs(-60 * minutesAgo - 90);
    job.finishedAt = QDateTime::currentDateTime().addSecs(-60 * minutesAgo);
    job.seconds = 42;
    QJsonObject settings = requestToJson(job.request);
    settings[QStringLiteral("job_id")] = job.id.toString(QUuid::WithoutBraces);
    QFile file(QDir(job.folder).filePath(QStringLiteral("settings.json")));
    file.open(QIODevice::WriteOnly);
    file.write(QJsonDocument(settings).toJson());
    return job;
}

// Clicks the button `text` of the next modal message box once it shows; `seen` gets its text.
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

void dropOn(QWidget* target, const QString& file)
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(file)});
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QVERIFY2(enter.isAccepted(), "the window does not take the file");
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
}

QStringList differingKeys(const QJsonObject& a, const QJsonObject& b)
{
    QStringList keys;
    QStringList all = a.keys() + b.keys();
    all.removeDuplicates();
    for (const QString& key : all)
        if (a.value(key) != b.value(key))
            keys.append(key);
    keys.sort();
    return keys;
}

// The form's request as the window queues it (the window adds the model set, device and noise).
QJsonObject formJson(MainWindow& window)
{
    wan::Request request = window.generationForm()->request();
    request.ckptDir = window.modelPicker()->folder().toStdString();
    return requestToJson(request);
}

// What the form never holds: the window's run plumbing (device, noise), the job's own files, and the
// precision (the app has no control for it: its jobs always run "auto"; a CLI job's bf16/fp16 is not
// recalled into the form).
const QStringList kNotInForm = {QStringLiteral("device"), QStringLiteral("latents"), QStringLiteral("noise"),
                                QStringLiteral("output"), QStringLiteral("precision")};
} // namespace

class TestGalleryDock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void actionsFollowSelectionWithScreenshot();
    void deleteAsksThenTrashes();
    void loadSettingsFillsTheForm();
    void dropRestoresSettings();
    void duplicateAsksSameOrNewSeed();
    void lastFrameOnlyWhereTheFolderRunsI2v();

private:
    QTemporaryDir m_trashHome;
};

void TestGalleryDock::initTestCase()
{
    QVERIFY(m_trashHome.isValid());
    qputenv("XDG_DATA_HOME", m_trashHome.path().toUtf8()); // QFile::moveToTrash: not the user's trash
}

void TestGalleryDock::actionsFollowSelectionWithScreenshot()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    const RenderJob video = finishedJob(
        dir.path(), QStringLiteral("a"), QStringLiteral("A boat at sea at dawn, gentle waves"), 11,
        QStringLiteral("mp4"), gradient({832, 480}, QColor(30, 80, 160), QColor(250, 200, 120)), 40);
    const RenderJob still =
        finishedJob(dir.path(), QStringLiteral("b"), QStringLiteral("一只猫在屋顶上晒太阳"), 22,
                    QStringLiteral("png"), gradient({832, 480}, QColor(200, 90, 40), QColor(60, 40, 30)), 30);
    const RenderJob tall = finishedJob(
        dir.path(), QStringLiteral("c"), QStringLiteral("A lighthouse in a storm, cinematic lighting"), 33,
        QStringLiteral("mp4"), gradient({480, 832}, QColor(20, 30, 40), QColor(200, 220, 240)), 20);
    const RenderJob forest = finishedJob(
        dir.path(), QStringLiteral("d"), QStringLiteral("Sunlight through a misty forest"), 44,
        QStringLiteral("mp4"), gradient({832, 480}, QColor(20, 90, 40), QColor(230, 240, 160)), 10);
    queue.setJobs({video, still, tall, forest});
    GalleryModel gallery(&queue);
    GalleryDock dock(&gallery);
    dock.resize(960, 340);
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    QCOMPARE(gallery.rowCount(), 4);
    for (QAction* a : {dock.loadEverythingAction(), dock.loadPromptAction(), dock.loadAllButSeedAction(),
                       dock.lastFrameAction(), dock.openFolderAction(), dock.deleteAction()})
        QVERIFY2(!a->isEnabled(), qPrintable(a->text()));
    dock.selectJob(video.id);
    for (QAction* a : {dock.loadEverythingAction(), dock.loadPromptAction(), dock.loadAllButSeedAction(),
                       dock.lastFrameAction(), dock.openFolderAction(), dock.deleteAction()})
        QVERIFY2(a->isEnabled(), qPrintable(a->text()));
    QVERIFY2(dock.detailsText().contains(QLatin1String("Seed 11")), qPrintable(dock.detailsText()));
    // A picture has no last frame.
    dock.selectJob(still.id);
    QVERIFY(!dock.lastFrameAction()->isEnabled());
    QVERIFY(dock.loadEverythingAction()->isEnabled());
    // The load actions say which result and scope.
    QSignalSpy load(&dock, &GalleryDock::loadSettingsRequested);
    dock.loadAllButSeedAction()->trigger();
    QCOMPARE(load.count(), 1);
    QCOMPARE(load.at(0).at(0).toUuid(), still.id);
    QCOMPARE(load.at(0).at(1).value<RecallScope>(), RecallScope::AllButSeed);

    dock.selectJob(forest.id);
    QTest::qWait(50);
    const QString shots = QStringLiteral(WAN_UI_TEST_OUTPUT_DIR);
    QDir().mkpath(shots);
    QVERIFY(dock.grab().save(QDir(shots).filePath(QStringLiteral("gallery.png"))));

    // Searching narrows the grid; the selection goes with a filtered-out item.
    dock.searchField()->setText(QStringLiteral("猫"));
    QCOMPARE(gallery.rowCount(), 1);
    QVERIFY(!dock.deleteAction()->isEnabled());
    dock.searchField()->setText(QStringLiteral("zebra"));
    QCOMPARE(gallery.rowCount(), 0);
    QVERIFY2(dock.detailsText().contains(QLatin1String("zebra")), qPrintable(dock.detailsText()));
    QTest::qWait(30);
    QVERIFY(dock.grab().save(QDir(shots).filePath(QStringLiteral("gallery_no_match.png"))));
}

void TestGalleryDock::deleteAsksThenTrashes()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    const RenderJob job = finishedJob(dir.path(), QStringLiteral("keep-or-not"), QStringLiteral("to delete"),
                                      5, QStringLiteral("mp4"), gradient({64, 40}, Qt::red, Qt::blue), 1);
    queue.setJobs({job});
    GalleryModel gallery(&queue);
    GalleryDock dock(&gallery);
    dock.show();
    dock.selectJob(job.id);
    // Declined: nothing happens.
    auto seen = std::make_shared<QString>();
    clickInNextBox(QStringLiteral("Cancel"), seen);
    QVERIFY(!dock.deleteSelected());
    QVERIFY2(seen->contains(QLatin1String("trash")), qPrintable(*seen));
    QVERIFY(QFileInfo::exists(job.outputPath));
    QCOMPARE(gallery.rowCount(), 1);
    // Confirmed: the job folder goes to the trash and the job leaves the queue.
    clickInNextBox(QStringLiteral("Yes"), seen);
    dock.deleteAction()->trigger();
    QVERIFY(!QFileInfo::exists(job.folder));
    QVERIFY(!queue.job(job.id));
    QCOMPARE(gallery.rowCount(), 0);
    QVERIFY(QFileInfo::exists(
        QDir(m_trashHome.path()).filePath(QStringLiteral("Trash/files/keep-or-not/result.mp4"))));
}

void TestGalleryDock::loadSettingsFillsTheForm()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.show();
    window.modelPicker()->setFolder(QStringLiteral("/models/t2v-other"));
    QVERIFY(QTest::qWaitFor([&] { return !window.modelPicker()->isChecking(); }, 5000));
    RenderJob job = finishedJob(dir.path(), QStringLiteral("a"), QStringLiteral("a koi pond at dawn"),
                                987654321, QStringLiteral("mp4"), gradient({64, 40}, Qt::red, Qt::blue), 1);
    job.request.negativePrompt = std::string("blurry, dull");
    job.request.solver = wan::Solver::Euler;
    job.request.precision = wan::Precision::BFloat16;
    studio.queue.setJobs({job});
    QCOMPARE(window.galleryModel()->rowCount(), 1);

    // The form holds something else, with a fixed seed of its own.
    wan::Request draft;
    draft.prompt = "a red fox in snow";
    draft.seed = 99;
    draft.steps = 30;
    window.generationForm()->setRequest(draft);
    const QJsonObject before = formJson(window);
    QCOMPARE(before.value(QStringLiteral("seed")).toString(), QStringLiteral("99"));

    // Prompt only: the prompt changes, nothing else.
    QVERIFY(window.loadSettings(job.id, RecallScope::PromptOnly).isEmpty());
    QCOMPARE(differingKeys(formJson(window), before), QStringList({QStringLiteral("prompt")}));
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("a koi pond at dawn"));

    // All but seed: the job's settings with the form's seed.
    QVERIFY(window.loadSettings(job.id, RecallScope::AllButSeed).isEmpty());
    QVERIFY(QTest::qWaitFor([&] { return !window.modelPicker()->isChecking(); }, 5000));
    QStringList diff = differingKeys(formJson(window), requestToJson(job.request));
    for (const QString& key : kNotInForm)
        diff.removeAll(key);
    QVERIFY2(diff == QStringList({QStringLiteral("seed")}), qPrintable(diff.join(QLatin1Char(','))));
    QCOMPARE(formJson(window).value(QStringLiteral("seed")).toString(), QStringLiteral("99"));

    // Everything: the job's request, seed included, and its model folder.
    QVERIFY(window.loadSettings(job.id, RecallScope::Everything).isEmpty());
    diff = differingKeys(formJson(window), requestToJson(job.request));
    for (const QString& key : kNotInForm)
        diff.removeAll(key);
    QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char(','))));
    QCOMPARE(window.modelPicker()->folder(), QStringLiteral("/models/t2v-1.3B"));
}

void TestGalleryDock::dropRestoresSettings()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.show();
    const RenderJob job =
        finishedJob(dir.path(), QStringLiteral("a"), QStringLiteral("雪山上的日出，金色的光"), 2024,
                    QStringLiteral("mp4"), gradient({64, 40}, Qt::red, Qt::blue), 1);
    window.promptEditor()->setText(QStringLiteral("something else"));
    dropOn(&window, QDir(job.folder).filePath(QStringLiteral("settings.json")));
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("雪山上的日出，金色的光"));
    QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("settings.json")),
             qPrintable(window.statusBar()->currentMessage()));

    // The video itself: read through the settings.json that names it.
    window.promptEditor()->setText(QStringLiteral("something else"));
    dropOn(&window, job.outputPath);
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("雪山上的日出，金色的光"));

    // A picture the app did not make: a clear message, the form untouched.
    window.promptEditor()->setText(QStringLiteral("mine"));
    const QString photo = QDir(dir.path()).filePath(QStringLiteral("holiday.png"));
    QVERIFY(gradient({40, 30}, Qt::green, Qt::white).save(photo));
    dropOn(&window, photo);
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("mine"));
    const QString message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains(QLatin1String("holiday.png")) &&
                 message.contains(QLatin1String("not made by Wan Studio")),
             qPrintable(message));
    auto* box = window.findChild<QMessageBox*>();
    QVERIFY(box);
    QCOMPARE(box->text(), message);
    box->close();
}

void TestGalleryDock::duplicateAsksSameOrNewSeed()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    const RenderJob job = finishedJob(dir.path(), QStringLiteral("a"), QStringLiteral("again"), 777,
                                      QStringLiteral("mp4"), gradient({64, 40}, Qt::red, Qt::blue), 1);
    studio.queue.setJobs({job});
    RenderQueueDock dock(&studio.queue, &studio.runner);
    dock.show();
    dock.view()->selectRow(0);
    auto seen = std::make_shared<QString>();

    clickInNextBox(QStringLiteral("Cancel"), seen);
    QVERIFY(dock.duplicateSelected().isNull());
    QVERIFY2(seen->contains(QLatin1String("seed")), qPrintable(*seen));
    QCOMPARE(studio.queue.jobs().size(), 1);

    clickInNextBox(QStringLiteral("Same seed"), seen);
    const QUuid same = dock.duplicateSelected();
    QVERIFY(!same.isNull());
    QCOMPARE(studio.queue.job(same)->request.seed, qint64(777));
    QCOMPARE(studio.queue.job(same)->state, JobState::Queued);

    dock.view()->selectRow(studio.queue.rowOf(job.id));
    clickInNextBox(QStringLiteral("New seed"), seen);
    const QUuid fresh = dock.duplicateSelected();
    QVERIFY(!fresh.isNull());
    QCOMPARE(studio.queue.job(fresh)->request.seed, qint64(-1)); // drawn when it starts
    QCOMPARE(studio.queue.job(fresh)->request.prompt, std::string("again"));
    QCOMPARE(studio.queue.jobs().size(), 3);
}

// "Last frame as I2V image": on a text-to-video folder it explains what is needed (the frame is saved); on an
// image-to-video folder the form becomes I2V with the frame.
void TestGalleryDock::lastFrameOnlyWhereTheFolderRunsI2v()
{
#if !WAN_TEST_HAS_MEDIA
    QSKIP("built without the engine's media library: no MP4 to decode");
#else
    if (!wan::media::mp4Supported())
        QSKIP("built without FFmpeg");
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    RenderJob job = finishedJob(dir.path(), QStringLiteral("clip"), QStringLiteral("a paper boat"), 5,
                                QStringLiteral("mp4"), gradient({64, 48}, Qt::red, Qt::blue), 1);
    wan::media::VideoFrames video;
    video.width = 64;
    video.height = 48;
    video.count = 3;
    video.rgb.assign(std::size_t(video.count) * video.frameBytes(), 40);
    std::fill(video.frame(2), video.frame(2) + video.frameBytes(),
              std::uint8_t(220)); // the last frame: light
    QVERIFY(QFile::remove(job.outputPath));
    wan::media::writeMp4(job.outputPath.toStdString(), video, {});
    studio.queue.setJobs({job});

    window.modelPicker()->setFolder(QStringLiteral("/models/t2v-1.3B"));
    QVERIFY(QTest::qWaitFor([&] { return !window.modelPicker()->isChecking(); }, 5000));
    QString message = window.useLastFrameAsImage(job.id);
    QVERIFY2(message.contains(QLatin1String("image-to-video model folder")), qPrintable(message));
    QCOMPARE(int(window.task()), int(wan::Task::T2V));
    const QString frame = QDir(job.folder).filePath(QStringLiteral("last-frame.png"));
    QVERIFY2(message.contains(QDir::toNativeSeparators(frame)), qPrintable(message));
    QCOMPARE(QColor(QImage(frame).pixel(32, 24)).lightness() > 180, true);

    window.modelPicker()->setFolder(QStringLiteral("/models/i2v-14B"));
    QVERIFY(QTest::qWaitFor([&] { return !window.modelPicker()->isChecking(); }, 5000));
    message = window.useLastFrameAsImage(job.id);
    QVERIFY2(message.isEmpty(), qPrintable(message));
    QCOMPARE(int(window.task()), int(wan::Task::I2V));
    QCOMPARE(QImage(window.imageDropZone()->imagePath()).size(), QSize(64, 48));
#endif
}

int main(int argc, char** argv)
{
    // As the app does: Qt 6.4 defaults to GStreamer, which crashes without its plugin packages.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("wan-studio-test"));
    TestGalleryDock test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_gallerydock.moc"
