// The gallery's results from the output folder: which job folders count (the engine's and the runner's
// settings.json naming the result beside it; not a missing output, a damaged settings.json or someone else's
// folder), merged with the queue's results one entry per file, deleted files leaving, the trash guard, 2,000
// job folders read off the GUI thread (timed), the window's actions on archived results, and a screenshot.
#include "FakeJobRunner.h"
#include "GalleryArchive.h"
#include "GalleryDock.h"
#include "GalleryModel.h"
#include "GenerationForm.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "ModelFolderPicker.h"
#include "PromptEditor.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueModel.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QLinearGradient>
#include <QListView>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <memory>

using namespace wan::ui;

namespace {
QString writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return {};
    return path;
}

wan::Request sampleRequest(const QString& prompt, qint64 seed, wan::Task task = wan::Task::T2V)
{
    wan::Request r = wan::defaultRequest(task, wan::ModelSize::Small);
    r.ckptDir = "/models/t2v-1.3B";
    r.prompt = prompt.toStdString();
    r.width = 832;
    r.height = 480;
    r.frameNum = task == wan::Task::T2I ? 1 : 17;
    r.seed = seed;
    r.steps = 12;
    r.shift = 3.5;
    r.guideScale = 4.5;
    return r;
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

// A job folder as the queue runner leaves it: `<name>/<name>.mp4` (or .png) and the settings.json it writes
// (the request with its output, plus the job id and application), optionally the first preview.
QString jobFolder(const QString& root, const QString& name, const wan::Request& request,
                  const QImage& picture = {}, bool png = false)
{
    const QString folder = QDir(root).filePath(name);
    QDir().mkpath(folder);
    wan::Request r = request;
    const QString output =
        QDir(folder).filePath(name + (png ? QStringLiteral(".png") : QStringLiteral(".mp4")));
    r.outputPath = output.toStdString();
    r.latentsPath = QDir(folder).filePath(QStringLiteral("latents.safetensors")).toStdString();
    if (png)
        (picture.isNull() ? gradient({64, 40}, Qt::darkCyan, Qt::white) : picture).save(output);
    else
        writeFile(output, "a video");
    if (!png && !picture.isNull())
        picture.save(QDir(folder).filePath(QStringLiteral("thumbnail.png")));
    QJsonObject settings = requestToJson(r);
    settings[QStringLiteral("job_id")] = QUuid::createUuid().toString(QUuid::WithoutBraces);
    settings[QStringLiteral("application")] = QStringLiteral("Wan Studio test");
    writeFile(QDir(folder).filePath(QStringLiteral("settings.json")), QJsonDocument(settings).toJson());
    return output;
}

// A finished queue job whose folder is made like the runner's.
RenderJob queueJob(const QString& root, const QString& name, const QString& prompt, int minutesAgo)
{
    RenderJob job;
    job.id = QUuid::createUuid();
    job.state = JobState::Done;
    job.progress = 1.0;
    job.request = sampleRequest(prompt, 7);
    job.outputPath = jobFolder(root, name, job.request);
    job.folder = QFileInfo(job.outputPath).absolutePath();
    job.request.outputPath = job.outputPath.toStdString();
    job.finishedAt = QDateTime::currentDateTime().addSecs(-60 * minutesAgo);
    job.seconds = 30;
    return job;
}

QStringList galleryPaths(const GalleryModel& gallery)
{
    QStringList paths;
    for (int row = 0; row < gallery.rowCount(); ++row)
        paths.append(QFileInfo(gallery.data(gallery.index(row), GalleryModel::PathRole).toString())
                         .canonicalFilePath());
    paths.sort();
    return paths;
}

QString canonical(const QString& path)
{
    return QFileInfo(path).canonicalFilePath();
}

bool scanned(GalleryModel& gallery, int timeoutMs = 10000)
{
    return QTest::qWaitFor([&] { return !gallery.isArchiveScanning(); }, timeoutMs);
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

FolderCheck fakeInspect(const QString& dir)
{
    FolderCheck check;
    check.ok = true;
    check.modelType = wan::ModelType::T2V;
    check.summary = dir;
    return check;
}
} // namespace

class TestGalleryArchive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void jobFolderKinds_data();
    void jobFolderKinds();
    void scanListsExactlyTheValidOnes();
    void queueAndArchiveMergeWithoutDuplicates();
    void deletedFileLeavesTheGallery();
    void trashOnlyOwnJobFolders();
    void twoThousandFoldersOffTheGuiThread();
    void scanIsCapped();
    void dockShowsArchiveWithScreenshot();
    void windowActionsOnArchivedResults();

private:
    QTemporaryDir m_trashHome;
};

void TestGalleryArchive::initTestCase()
{
    QVERIFY(m_trashHome.isValid());
    qputenv("XDG_DATA_HOME", m_trashHome.path().toUtf8()); // QFile::moveToTrash: not the user's trash
}

void TestGalleryArchive::jobFolderKinds_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("listed");
    QTest::newRow("video") << "video" << true;
    QTest::newRow("picture") << "picture" << true;
    QTest::newRow("written by wan-generate") << "cli" << true;
    QTest::newRow("moved since (old absolute output path)") << "moved" << true;
    QTest::newRow("output missing") << "missing" << false;
    QTest::newRow("corrupt settings.json") << "corrupt" << false;
    QTest::newRow("settings.json not an object") << "array" << false;
    QTest::newRow("settings Wan Studio cannot read") << "unreadable" << false;
    QTest::newRow("output names the settings file") << "self" << false;
    QTest::newRow("output not a result file") << "textfile" << false;
    QTest::newRow("unrelated folder") << "unrelated" << false;
    QTest::newRow("empty folder") << "empty" << false;
}

void TestGalleryArchive::jobFolderKinds()
{
    QFETCH(QString, kind);
    QFETCH(bool, listed);
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("20250101-120000_job_1"));
    const wan::Request request = sampleRequest(QStringLiteral("a fox in the snow"), 5);
    const auto settingsWith = [&](const QString& output) {
        wan::Request r = request;
        r.outputPath = output.toStdString();
        return requestToJson(r);
    };
    const QString settingsPath = QDir(folder).filePath(QStringLiteral("settings.json"));
    if (kind == QLatin1String("video")) {
        jobFolder(dir.path(), QFileInfo(folder).fileName(), request);
    } else if (kind == QLatin1String("picture")) {
        jobFolder(dir.path(), QFileInfo(folder).fileName(),
                  sampleRequest(QStringLiteral("a fox"), 5, wan::Task::T2I), {}, true);
    } else if (kind == QLatin1String("cli")) {
        // `wan-generate --save_settings`: wan::toJson alone, no job id or application.
        writeFile(QDir(folder).filePath(QStringLiteral("fox.mp4")), "a video");
        wan::Request r = request;
        r.outputPath = QDir(folder).filePath(QStringLiteral("fox.mp4")).toStdString();
        writeFile(settingsPath, QByteArray::fromStdString(wan::toJson(r)));
    } else if (kind == QLatin1String("moved")) {
        writeFile(QDir(folder).filePath(QStringLiteral("fox.mp4")), "a video");
        writeFile(
            settingsPath,
            QJsonDocument(settingsWith(QStringLiteral("/home/someone/else/20250101-120000_job_1/fox.mp4")))
                .toJson());
    } else if (kind == QLatin1String("missing")) {
        writeFile(settingsPath,
                  QJsonDocument(settingsWith(QDir(folder).filePath(QStringLiteral("gone.mp4")))).toJson());
    } else if (kind == QLatin1String("corrupt")) {
        writeFile(QDir(folder).filePath(QStringLiteral("fox.mp4")), "a video");
        writeFile(settingsPath, "{ \"prompt\": \"a fox\", \"output\": \"fox.mp4\"");
    } else if (kind == QLatin1String("array")) {
        writeFile(QDir(folder).filePath(QStringLiteral("fox.mp4")), "a video");
        writeFile(settingsPath, "[\"fox.mp4\"]");
    } else if (kind == QLatin1String("unreadable")) {
        writeFile(QDir(folder).filePath(QStringLiteral("fox.mp4")), "a video");
        QJsonObject settings = settingsWith(QDir(folder).filePath(QStringLiteral("fox.mp4")));
        settings[QStringLiteral("steps")] = QStringLiteral("many");
        writeFile(settingsPath, QJsonDocument(settings).toJson());
    } else if (kind == QLatin1String("self")) {
        writeFile(settingsPath, QJsonDocument(settingsWith(settingsPath)).toJson());
    } else if (kind == QLatin1String("textfile")) {
        writeFile(QDir(folder).filePath(QStringLiteral("notes.txt")), "notes");
        writeFile(settingsPath,
                  QJsonDocument(settingsWith(QDir(folder).filePath(QStringLiteral("notes.txt")))).toJson());
    } else if (kind == QLatin1String("unrelated")) {
        gradient({32, 32}, Qt::red, Qt::blue).save(QDir(folder).filePath(QStringLiteral("holiday.png")));
        writeFile(QDir(folder).filePath(QStringLiteral("clip.mp4")), "someone's video");
    } else {
        QDir().mkpath(folder);
    }
    const QList<RenderJob> results = scanResultFolder(dir.path());
    QCOMPARE(results.size(), listed ? 1 : 0);
    QCOMPARE(readArchivedResult(folder).has_value(), listed);
    if (listed) {
        const RenderJob& job = results.first();
        QCOMPARE(job.state, JobState::Done);
        QCOMPARE(canonical(job.folder), canonical(folder));
        QCOMPARE(QFileInfo(job.outputPath).absolutePath(), canonical(folder));
        QCOMPARE(job.request.outputPath.string(), job.outputPath.toStdString());
        QCOMPARE(job.id, archivedResultId(job.outputPath));
        QCOMPARE(job.request.seed, qint64(5));
        QVERIFY(isInOwnJobFolder(job.outputPath));
    }
}

void TestGalleryArchive::scanListsExactlyTheValidOnes()
{
    QTemporaryDir dir;
    const QString valid = jobFolder(dir.path(), QStringLiteral("20250102-090000_valid_1"),
                                    sampleRequest(QStringLiteral("valid"), 1));
    const QString missing = jobFolder(dir.path(), QStringLiteral("20250102-090100_missing_2"),
                                      sampleRequest(QStringLiteral("missing"), 2));
    QVERIFY(QFile::remove(missing));
    jobFolder(dir.path(), QStringLiteral("20250102-090200_corrupt_3"),
              sampleRequest(QStringLiteral("corrupt"), 3));
    writeFile(dir.filePath(QStringLiteral("20250102-090200_corrupt_3/settings.json")), "{\"prompt\": ");
    writeFile(dir.filePath(QStringLiteral("photos/beach.mp4")), "not ours");
    writeFile(dir.filePath(QStringLiteral("loose.mp4")), "not in a job folder");

    RenderQueueModel queue(nullptr);
    GalleryModel gallery(&queue);
    QSignalSpy finished(&gallery, &GalleryModel::archiveScanFinished);
    gallery.setArchiveFolders({dir.path()});
    QVERIFY(finished.wait(5000));
    QCOMPARE(galleryPaths(gallery), QStringList{canonical(valid)});
    const QUuid id = gallery.idAt(0);
    QVERIFY(gallery.isArchived(id));
    QVERIFY(gallery.job(id));
    QCOMPARE(gallery.job(id)->request.prompt, std::string("valid"));
    QVERIFY2(gallery.data(gallery.index(0), GalleryModel::SettingsRole)
                 .toString()
                 .contains(QLatin1String("From the output folder")),
             qPrintable(gallery.data(gallery.index(0), GalleryModel::SettingsRole).toString()));
    // Dragged out as the file's URL, like the queue's results.
    std::unique_ptr<QMimeData> mime(gallery.mimeData({gallery.index(0)}));
    QVERIFY(mime);
    QCOMPARE(canonical(mime->urls().value(0).toLocalFile()), canonical(valid));
    // The search covers archived results too.
    gallery.setFilter(QStringLiteral("zebra"));
    QCOMPARE(gallery.rowCount(), 0);
    gallery.setFilter(QStringLiteral("VALID"));
    QCOMPARE(gallery.rowCount(), 1);
}

void TestGalleryArchive::queueAndArchiveMergeWithoutDuplicates()
{
    QTemporaryDir dir;
    const RenderJob first =
        queueJob(dir.path(), QStringLiteral("20250103-100000_first_7"), QStringLiteral("first"), 30);
    const RenderJob second =
        queueJob(dir.path(), QStringLiteral("20250103-110000_second_7"), QStringLiteral("second"), 20);
    const QString onlyHere = jobFolder(dir.path(), QStringLiteral("20250103-120000_elsewhere_9"),
                                       sampleRequest(QStringLiteral("made on another machine"), 9));
    RenderQueueModel queue(nullptr);
    queue.setJobs({first, second});
    GalleryModel gallery(&queue);
    QCOMPARE(gallery.rowCount(), 2);
    QSignalSpy finished(&gallery, &GalleryModel::archiveScanFinished);
    gallery.setArchiveFolders({dir.path(), dir.path() + QStringLiteral("/")}); // the same folder twice
    QVERIFY(finished.wait(5000));
    QCOMPARE(gallery.rowCount(), 3);
    QCOMPARE(galleryPaths(gallery),
             (QStringList{canonical(first.outputPath), canonical(second.outputPath), canonical(onlyHere)}));
    // The queue's entries keep their job ids (and everything the queue knows); the other one is archived.
    QVERIFY(gallery.rowOf(first.id) >= 0);
    QVERIFY(gallery.rowOf(second.id) >= 0);
    QVERIFY(!gallery.isArchived(first.id));
    const QUuid archived = archivedResultId(onlyHere);
    QVERIFY(gallery.isArchived(archived));
    // Scanning again changes nothing.
    gallery.refreshArchive();
    QVERIFY(finished.wait(5000));
    QCOMPARE(gallery.rowCount(), 3);
    // Cleared from the queue, a result stays in the gallery, now from the output folder.
    QVERIFY(queue.removeJob(first.id));
    QCOMPARE(gallery.rowCount(), 3);
    QVERIFY(gallery.rowOf(first.id) < 0);
    QVERIFY(gallery.isArchived(archivedResultId(first.outputPath)));
}

void TestGalleryArchive::deletedFileLeavesTheGallery()
{
    QTemporaryDir dir;
    const QString kept = jobFolder(dir.path(), QStringLiteral("20250104-080000_kept_1"),
                                   sampleRequest(QStringLiteral("kept"), 1));
    const QString deleted = jobFolder(dir.path(), QStringLiteral("20250104-090000_deleted_2"),
                                      sampleRequest(QStringLiteral("deleted"), 2));
    RenderQueueModel queue(nullptr);
    GalleryModel gallery(&queue);
    QSignalSpy finished(&gallery, &GalleryModel::archiveScanFinished);
    gallery.setArchiveFolders({dir.path()});
    QVERIFY(finished.wait(5000));
    QCOMPARE(gallery.rowCount(), 2);
    QVERIFY(QFile::remove(deleted));
    gallery.refreshArchive();
    QVERIFY(finished.wait(5000));
    QCOMPARE(galleryPaths(gallery), QStringList{canonical(kept)});
    // Through the gallery's delete: the job folder goes to the trash and the entry with it.
    QString error;
    QVERIFY2(gallery.moveToTrash(archivedResultId(kept), &error), qPrintable(error));
    QCOMPARE(gallery.rowCount(), 0);
    QVERIFY(!QFileInfo::exists(QFileInfo(kept).absolutePath()));
    QVERIFY(
        QFileInfo::exists(QDir(m_trashHome.path())
                              .filePath(QStringLiteral("Trash/files/20250104-080000_kept_1/settings.json"))));
    // Another output folder: the old one's results go.
    jobFolder(dir.path(), QStringLiteral("20250104-100000_other_3"),
              sampleRequest(QStringLiteral("other"), 3));
    gallery.refreshArchive();
    QVERIFY(finished.wait(5000));
    QCOMPARE(gallery.rowCount(), 1);
    QTemporaryDir empty;
    gallery.setArchiveFolders({empty.path()});
    QVERIFY(finished.wait(5000));
    QCOMPARE(gallery.rowCount(), 0);
}

void TestGalleryArchive::trashOnlyOwnJobFolders()
{
    QTemporaryDir dir;
    const QString output = jobFolder(dir.path(), QStringLiteral("20250105-080000_guarded_1"),
                                     sampleRequest(QStringLiteral("guarded"), 1));
    RenderQueueModel queue(nullptr);
    GalleryModel gallery(&queue);
    QSignalSpy finished(&gallery, &GalleryModel::archiveScanFinished);
    gallery.setArchiveFolders({dir.path()});
    QVERIFY(finished.wait(5000));
    QCOMPARE(gallery.rowCount(), 1);
    // The folder changed since the scan: its settings.json no longer names the file.
    const QString settings = QDir(QFileInfo(output).absolutePath()).filePath(QStringLiteral("settings.json"));
    writeFile(settings, "{ \"not\": \"ours any more\" }");
    QVERIFY(!isInOwnJobFolder(output));
    QString error;
    QVERIFY(!gallery.moveToTrash(archivedResultId(output), &error));
    QVERIFY2(error.contains(QLatin1String("left alone")), qPrintable(error));
    QVERIFY(QFileInfo::exists(output));
    QVERIFY(QFileInfo::exists(settings));
    // Not even a result whose settings.json lies in the output folder itself (never a job folder of ours).
    const QString loose = dir.filePath(QStringLiteral("loose.mp4"));
    writeFile(loose, "a video");
    wan::Request r = sampleRequest(QStringLiteral("loose"), 2);
    r.outputPath = loose.toStdString();
    writeFile(dir.filePath(QStringLiteral("settings.json")), QJsonDocument(requestToJson(r)).toJson());
    gallery.refreshArchive();
    QVERIFY(finished.wait(5000));
    QCOMPARE(gallery.rowCount(), 0); // the output folder itself is not scanned as a job folder
}

void TestGalleryArchive::twoThousandFoldersOffTheGuiThread()
{
    constexpr int kFolders = 2000;
    QTemporaryDir dir;
    QElapsedTimer making;
    making.start();
    wan::Request request = sampleRequest(QStringLiteral("one of many"), 0);
    for (int i = 0; i < kFolders; ++i) {
        const QString name = QStringLiteral("20250106-%1_many_%2").arg(i, 6, 10, QLatin1Char('0')).arg(i);
        const QString folder = dir.filePath(name);
        QDir().mkpath(folder);
        const QString output = QDir(folder).filePath(name + QStringLiteral(".mp4"));
        writeFile(output, "v");
        request.seed = i;
        request.outputPath = output.toStdString();
        writeFile(QDir(folder).filePath(QStringLiteral("settings.json")),
                  QJsonDocument(requestToJson(request)).toJson());
    }
    const qint64 madeMs = making.elapsed();

    RenderQueueModel queue(nullptr);
    GalleryModel gallery(&queue);
    GalleryDock dock(&gallery); // the grid takes every batch, as in the app
    dock.resize(900, 400);
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    // The GUI thread's longest stall while the folders are read: a 5 ms timer's largest gap.
    qint64 longestGap = 0;
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] { longestGap = qMax(longestGap, sinceTick.restart()); });
    QSignalSpy finished(&gallery, &GalleryModel::archiveScanFinished);
    QElapsedTimer scan;
    scan.start();
    gallery.setArchiveFolders({dir.path()});
    const qint64 startMs = scan.elapsed();
    sinceTick.start();
    ticker.start();
    QVERIFY(finished.wait(30000));
    const qint64 scanMs = scan.elapsed();
    QTest::qWait(300); // the grid lays the last batch out after it came: counted too
    ticker.stop();
    QElapsedTimer teardown;
    teardown.start();
    QCOMPARE(gallery.rowCount(), kFolders);
    QVERIFY(!gallery.isArchiveCapped());
    // Newest first: the folder names count up.
    QCOMPARE(gallery.job(gallery.idAt(0))->request.seed, qint64(kFolders - 1));
    qInfo("2000 job folders: made in %lld ms; scan started in %lld ms, all shown after %lld ms, longest GUI "
          "stall %lld ms",
          madeMs, startMs, scanMs, longestGap);
    QVERIFY2(startMs < 50, "starting a scan must not read the folders on the GUI thread");
    QVERIFY2(scanMs < 10000, qPrintable(QStringLiteral("scan took %1 ms").arg(scanMs)));
    QVERIFY2(longestGap < 250, qPrintable(QStringLiteral("GUI stalled %1 ms").arg(longestGap)));
    qInfo("checks after the scan: %lld ms", teardown.elapsed());
    teardown.restart();
    QVERIFY(dir.remove());
    qInfo("folders removed in %lld ms", teardown.elapsed());
}

void TestGalleryArchive::scanIsCapped()
{
    QTemporaryDir dir;
    for (int i = 0; i < 12; ++i)
        jobFolder(dir.path(), QStringLiteral("20250107-%1_capped").arg(i, 6, 10, QLatin1Char('0')),
                  sampleRequest(QStringLiteral("capped"), i));
    RenderQueueModel queue(nullptr);
    GalleryModel gallery(&queue);
    gallery.archiveScanner()->setLimit(5);
    gallery.archiveScanner()->setBatchSize(2);
    QSignalSpy batches(gallery.archiveScanner(), &GalleryArchiveScanner::resultsFound);
    QSignalSpy finished(&gallery, &GalleryModel::archiveScanFinished);
    gallery.setArchiveFolders({dir.path()});
    QVERIFY(finished.wait(5000));
    QCOMPARE(gallery.rowCount(), 5);
    QVERIFY(gallery.isArchiveCapped());
    QVERIFY2(batches.count() >= 3, qPrintable(QString::number(batches.count()))); // handed over as it went
    QCOMPARE(gallery.job(gallery.idAt(4))->request.seed, qint64(7));              // the newest five: 11 … 7
}

void TestGalleryArchive::dockShowsArchiveWithScreenshot()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    RenderJob inQueue = queueJob(dir.path(), QStringLiteral("20250108-120000_queued_1"),
                                 QStringLiteral("A paper boat on a rainy street (in the queue)"), 5);
    gradient({832, 480}, QColor(40, 60, 120), QColor(220, 200, 160))
        .save(QDir(inQueue.folder).filePath(QStringLiteral("thumbnail.png")));
    inQueue.thumbnailPath = QDir(inQueue.folder).filePath(QStringLiteral("thumbnail.png"));
    queue.setJobs({inQueue});
    const QString video =
        jobFolder(dir.path(), QStringLiteral("20250108-110000_lighthouse_2"),
                  sampleRequest(QStringLiteral("A lighthouse in a storm, from an earlier session"), 2),
                  gradient({832, 480}, QColor(20, 30, 40), QColor(200, 220, 240)));
    jobFolder(dir.path(), QStringLiteral("20250108-100000_forest_3"),
              sampleRequest(QStringLiteral("Sunlight through a misty forest"), 3, wan::Task::T2I),
              gradient({832, 480}, QColor(20, 90, 40), QColor(230, 240, 160)), true);
    jobFolder(dir.path(), QStringLiteral("20250108-090000_cat_4"),
              sampleRequest(QStringLiteral("一只猫在屋顶上晒太阳"), 4, wan::Task::T2I),
              gradient({832, 480}, QColor(200, 90, 40), QColor(60, 40, 30)), true);
    {
        QFile file(video);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(
            file.setFileTime(QDateTime::currentDateTime().addSecs(-3600), QFileDevice::FileModificationTime));
    }
    GalleryModel gallery(&queue);
    GalleryDock dock(&gallery);
    dock.resize(1200, 420);
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    QCOMPARE(gallery.rowCount(), 1);
    QSignalSpy finished(&gallery, &GalleryModel::archiveScanFinished);
    dock.selectJob(inQueue.id);
    gallery.setArchiveFolders({dir.path()});
    QVERIFY(finished.wait(5000));
    QCOMPARE(gallery.rowCount(), 4);
    QCOMPARE(dock.selectedJob(), inQueue.id); // the batches did not lose the selection
    const QUuid archived = archivedResultId(video);
    dock.selectJob(archived);
    for (QAction* a :
         {dock.loadEverythingAction(), dock.loadPromptAction(), dock.loadAllButSeedAction(),
          dock.lastFrameAction(), dock.openFolderAction(), dock.deleteAction(), dock.variationsAction()})
        QVERIFY2(a->isEnabled(), qPrintable(a->text()));
    QVERIFY2(dock.detailsText().contains(QLatin1String("From the output folder")),
             qPrintable(dock.detailsText()));
    QSignalSpy variations(&dock, &GalleryDock::variationsRequested);
    dock.variationsAction()->trigger();
    QCOMPARE(variations.count(), 1);
    QCOMPARE(variations.at(0).at(0).toUuid(), archived);
    // "Refresh" reads the folder again: a result made meanwhile shows.
    jobFolder(dir.path(), QStringLiteral("20250108-130000_new_5"),
              sampleRequest(QStringLiteral("Made just now"), 5),
              gradient({832, 480}, QColor(120, 40, 120), QColor(250, 220, 120)), true);
    dock.refreshAction()->trigger();
    QVERIFY(finished.wait(5000));
    QCOMPARE(gallery.rowCount(), 5);
    QCOMPARE(dock.selectedJob(), archived);
    gallery.waitForThumbnails();
    dock.view()->scrollTo(gallery.index(gallery.rowOf(archived)));
    QTest::qWait(50);
    const QString shots = QStringLiteral(WAN_UI_TEST_OUTPUT_DIR);
    QDir().mkpath(shots);
    const QImage shot = dock.grab().toImage();
    QVERIFY(shot.save(QDir(shots).filePath(QStringLiteral("gallery_archive.png"))));
    QVERIFY(shot.save(QDir(shots).filePath(QStringLiteral("archive.png"))));
    // Deleting an archived result asks, without speaking of the queue, then trashes its folder.
    auto seen = std::make_shared<QString>();
    clickInNextBox(QStringLiteral("Yes"), seen);
    QVERIFY(dock.deleteSelected());
    QVERIFY2(!seen->contains(QLatin1String("queue")), qPrintable(*seen));
    QVERIFY(!QFileInfo::exists(video));
    QCOMPARE(gallery.rowCount(), 4);
}

void TestGalleryArchive::windowActionsOnArchivedResults()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    QueueStore store(dir.filePath(QStringLiteral("queue.json")));
    RenderQueueModel queue(&store);
    test::FakeRunnerLog log;
    InferenceBridge bridge(test::fakeRunnerFactory(&log));
    const QString out = dir.filePath(QStringLiteral("out"));
    const QString video = jobFolder(out, QStringLiteral("20250109-100000_earlier_31"),
                                    sampleRequest(QStringLiteral("a heron taking off from a pond"), 31));
    QueueRunner runner(&queue, &bridge, out);
    runner.setQueuePaused(true);
    StudioServices services;
    services.settings = &settings;
    services.queue = &queue;
    services.runner = &runner;
    services.bridge = &bridge;
    services.inspectFolder = &fakeInspect;
    MainWindow window(services);
    GalleryModel* gallery = window.galleryModel();
    QVERIFY(scanned(*gallery));
    QCOMPARE(gallery->rowCount(), 1);
    const QUuid id = archivedResultId(video);
    window.promptEditor()->setText(QStringLiteral("the user's own prompt"));
    QCOMPARE(window.loadSettings(id, RecallScope::AllButSeed), QString());
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("a heron taking off from a pond"));
    QCOMPARE(window.generationForm()->request().steps, 12);
    window.showJobResult(id);
    QCOMPARE(window.shownJob(), id);
}

int main(int argc, char** argv)
{
    // As the app does: Qt 6.4 defaults to GStreamer, which crashes without its plugin packages.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("wan-studio-test"));
    TestGalleryArchive test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_galleryarchive.moc"
