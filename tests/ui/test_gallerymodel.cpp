// The gallery's model (services only): finished jobs appear newest first, the prompt search, recall of a
// job's settings (everything / prompt only / all but seed) against the request JSON, reading settings back
// from a settings.json, a PNG and an MP4 made by the app, clear errors for foreign files, and the trash
// guard.
#include "GalleryModel.h"
#include "RenderQueueModel.h"

#if WAN_TEST_HAS_MEDIA
#include "MediaAdapters.h"
#include "media/Mp4Writer.h"
#include "media/Png.h"
#endif

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

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

// A request with every recallable setting away from the defaults.
wan::Request sampleRequest(const QString& prompt, qint64 seed)
{
    wan::Request r;
    r.task = wan::Task::T2V;
    r.ckptDir = "/models/Wan2.1-T2V-1.3B";
    r.prompt = prompt.toStdString();
    r.negativePrompt = std::string("blurry, static");
    r.width = 480;
    r.height = 832;
    r.frameNum = 33;
    r.seed = seed;
    r.solver = wan::Solver::Euler;
    r.steps = 12;
    r.shift = 3.25;
    r.guideScale = 6.5;
    r.fps = 16;
    return r;
}

// A finished job as the queue runner leaves it: its folder holds the result and the settings.json the runner
// wrote (the request plus job id and application).
RenderJob finishedJob(const QString& root, const QString& name, const wan::Request& request, int minutesAgo,
                      const QString& suffix = QStringLiteral("mp4"))
{
    RenderJob job;
    job.id = QUuid::createUuid();
    job.state = JobState::Done;
    job.progress = 1.0;
    job.folder = QDir(root).filePath(name);
    job.request = request;
    job.outputPath = QDir(job.folder).filePath(QStringLiteral("result.") + suffix);
    job.request.outputPath = job.outputPath.toStdString();
    job.createdAt = QDateTime::currentDateTime().addSecs(-60 * minutesAgo - 60);
    job.finishedAt = QDateTime::currentDateTime().addSecs(-60 * minutesAgo);
    QDir().mkpath(job.folder);
    if (suffix == QLatin1String("png")) {
        QImage picture(64, 40, QImage::Format_RGB32);
        picture.fill(Qt::darkCyan);
        picture.save(job.outputPath);
    } else {
        writeFile(job.outputPath, "not decoded in this test");
    }
    QJsonObject settings = requestToJson(job.request);
    settings[QStringLiteral("job_id")] = job.id.toString(QUuid::WithoutBraces);
    settings[QStringLiteral("application")] = QStringLiteral("Wan Studio test");
    writeFile(QDir(job.folder).filePath(QStringLiteral("settings.json")), QJsonDocument(settings).toJson());
    return job;
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

QStringList galleryPrompts(const GalleryModel& gallery)
{
    QStringList prompts;
    for (int row = 0; row < gallery.rowCount(); ++row)
        prompts.append(gallery.data(gallery.index(row), GalleryModel::PromptRole).toString());
    return prompts;
}
} // namespace

class TestGalleryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void finishedJobsAppearNewestFirst();
    void searchFilter_data();
    void searchFilter();
    void recallEverythingIsExact();
    void recallPromptOnlyAndAllButSeed();
    void readsSettingsJson();
    void readsPngMetadata();
    void readsMp4Metadata();
    void foreignFilesGiveErrors_data();
    void foreignFilesGiveErrors();
    void dragOutCarriesFileUrl();
    void videoThumbnailIsDecoded();
    void trashOnlyTakesAppResults();

private:
    QTemporaryDir m_trashHome;
};

void TestGalleryModel::initTestCase()
{
    // QFile::moveToTrash follows the XDG trash: keep the test's deletions out of the user's own trash.
    QVERIFY(m_trashHome.isValid());
    qputenv("XDG_DATA_HOME", m_trashHome.path().toUtf8());
}

void TestGalleryModel::finishedJobsAppearNewestFirst()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    const RenderJob older =
        finishedJob(dir.path(), QStringLiteral("a"), sampleRequest(QStringLiteral("older"), 1), 30);
    const RenderJob newer =
        finishedJob(dir.path(), QStringLiteral("b"), sampleRequest(QStringLiteral("newer"), 2), 5);
    RenderJob gone =
        finishedJob(dir.path(), QStringLiteral("c"), sampleRequest(QStringLiteral("gone"), 3), 1);
    QVERIFY(QFile::remove(gone.outputPath)); // a result deleted outside the app is not shown
    RenderJob failed =
        finishedJob(dir.path(), QStringLiteral("d"), sampleRequest(QStringLiteral("failed"), 4), 1);
    failed.state = JobState::Failed;
    RenderJob queued;
    queued.id = QUuid::createUuid();
    queued.request = sampleRequest(QStringLiteral("queued"), 5);
    queue.setJobs({older, queued, gone, failed, newer});
    GalleryModel gallery(&queue);
    QCOMPARE(galleryPrompts(gallery), QStringList({QStringLiteral("newer"), QStringLiteral("older")}));
    QCOMPARE(gallery.idAt(0), newer.id);

    // The queued job runs and finishes: it joins the gallery at the top.
    const QString folder = QDir(dir.path()).filePath(QStringLiteral("e"));
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(queue.markRunning(queued.id, queued.request, folder));
    QCOMPARE(gallery.rowCount(), 2);
    JobOutcome outcome;
    outcome.status = wan::JobStatus::Done;
    outcome.seed = 5;
    outcome.outputPath = writeFile(QDir(folder).filePath(QStringLiteral("result.mp4")), "video");
    QVERIFY(queue.finishJob(queued.id, outcome));
    QCOMPARE(galleryPrompts(gallery),
             QStringList({QStringLiteral("queued"), QStringLiteral("newer"), QStringLiteral("older")}));
    // Removed from the queue: gone from the gallery.
    QVERIFY(queue.removeJob(older.id));
    QCOMPARE(galleryPrompts(gallery), QStringList({QStringLiteral("queued"), QStringLiteral("newer")}));
    // The details name the settings.
    const QString details = gallery.data(gallery.index(1), GalleryModel::SettingsRole).toString();
    QVERIFY2(details.contains(QLatin1String("Seed 2")) && details.contains(QLatin1String("12 steps")),
             qPrintable(details));
}

void TestGalleryModel::searchFilter_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("none") << QString()
                          << QStringList({QStringLiteral("一只猫在屋顶上晒太阳"),
                                          QStringLiteral("A Boat at sea"),
                                          QStringLiteral("extended city lights")});
    QTest::newRow("ignores case") << QStringLiteral("bOAT") << QStringList({QStringLiteral("A Boat at sea")});
    QTest::newRow("chinese") << QStringLiteral("屋顶")
                             << QStringList({QStringLiteral("一只猫在屋顶上晒太阳")});
    QTest::newRow("user's prompt before extension")
        << QStringLiteral("NEON") << QStringList({QStringLiteral("extended city lights")});
    QTest::newRow("spaces trimmed") << QStringLiteral("  sea ")
                                    << QStringList({QStringLiteral("A Boat at sea")});
    QTest::newRow("nothing") << QStringLiteral("dragon") << QStringList();
}

void TestGalleryModel::searchFilter()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, expected);
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    RenderJob extended = finishedJob(dir.path(), QStringLiteral("c"),
                                     sampleRequest(QStringLiteral("extended city lights"), 3), 20);
    extended.request.originalPrompt = "neon city";
    queue.setJobs(
        {extended,
         finishedJob(dir.path(), QStringLiteral("a"), sampleRequest(QStringLiteral("A Boat at sea"), 1), 10),
         finishedJob(dir.path(), QStringLiteral("b"),
                     sampleRequest(QStringLiteral("一只猫在屋顶上晒太阳"), 2), 1)});
    GalleryModel gallery(&queue);
    gallery.setFilter(filter);
    QCOMPARE(galleryPrompts(gallery), expected);
    gallery.setFilter(QString());
    QCOMPARE(gallery.rowCount(), 3);
}

// "Everything" gives back the job's request itself: its JSON equals the job's, key for key.
void TestGalleryModel::recallEverythingIsExact()
{
    const wan::Request source = sampleRequest(QStringLiteral("a lighthouse in a storm"), 424242424242);
    wan::Request current;
    current.prompt = "something else";
    current.seed = 7;
    const wan::Request recalled = recalledRequest(source, current, RecallScope::Everything);
    QCOMPARE(QString::fromStdString(wan::toJson(recalled)), QString::fromStdString(wan::toJson(source)));
}

// "Prompt only" changes the prompt and nothing else; "all but seed" changes everything but the seed.
void TestGalleryModel::recallPromptOnlyAndAllButSeed()
{
    wan::Request source = sampleRequest(QStringLiteral("a lighthouse in a storm"), 1234);
    source.originalPrompt = "lighthouse";
    wan::Request current;
    current.task = wan::Task::T2I;
    current.prompt = "a red fox";
    current.seed = 99;
    current.steps = 30;
    const QJsonObject currentJson = requestToJson(current);
    const QJsonObject sourceJson = requestToJson(source);

    const wan::Request promptOnly = recalledRequest(source, current, RecallScope::PromptOnly);
    QCOMPARE(differingKeys(requestToJson(promptOnly), currentJson),
             QStringList({QStringLiteral("original_prompt"), QStringLiteral("prompt")}));
    QCOMPARE(promptOnly.prompt, source.prompt);

    const wan::Request allButSeed = recalledRequest(source, current, RecallScope::AllButSeed);
    QCOMPARE(differingKeys(requestToJson(allButSeed), sourceJson), QStringList({QStringLiteral("seed")}));
    QCOMPARE(allButSeed.seed, qint64(99));
    // A form on "random" keeps it random.
    current.seed = -1;
    QCOMPARE(recalledRequest(source, current, RecallScope::AllButSeed).seed, qint64(-1));
}

void TestGalleryModel::readsSettingsJson()
{
    QTemporaryDir dir;
    const RenderJob job = finishedJob(dir.path(), QStringLiteral("job"),
                                      sampleRequest(QStringLiteral("雪山上的日出"), 8675309), 1);
    const QString expected = QString::fromStdString(wan::toJson(job.request));
    // The settings.json itself.
    ResultSettings settings =
        readResultSettings(QDir(job.folder).filePath(QStringLiteral("settings.json")), {});
    QVERIFY2(settings.isValid(), qPrintable(settings.error));
    QVERIFY(settings.exact);
    QCOMPARE(QString::fromStdString(wan::toJson(settings.request)), expected);
    // The result beside it: the same, read from the settings.json that names it.
    settings = readResultSettings(job.outputPath, {});
    QVERIFY2(settings.isValid(), qPrintable(settings.error));
    QCOMPARE(QString::fromStdString(wan::toJson(settings.request)), expected);
    QCOMPARE(QFileInfo(settings.source).fileName(), QStringLiteral("settings.json"));
    // A copy of the video elsewhere in the folder with another name is not that settings.json's output.
    const QString other = writeFile(QDir(job.folder).filePath(QStringLiteral("other.mp4")), "x");
    settings = readResultSettings(other, {});
    QVERIFY(!settings.isValid());
    QVERIFY2(settings.error.contains(QLatin1String("other.mp4")), qPrintable(settings.error));
}

// A PNG's "Comment" text chunk with the engine's settings tags (as Engine writes them for T2I results).
void TestGalleryModel::readsPngMetadata()
{
    QTemporaryDir dir;
    QJsonObject tags{{QStringLiteral("prompt"), QStringLiteral("a paper crane, 纸鹤")},
                     {QStringLiteral("negative_prompt"), QStringLiteral("blurry")},
                     {QStringLiteral("seed"), QStringLiteral("9007199254740991")},
                     {QStringLiteral("steps"), QStringLiteral("25")},
                     {QStringLiteral("solver"), QStringLiteral("dpm++")},
                     {QStringLiteral("shift"), QStringLiteral("3")},
                     {QStringLiteral("guidance"), QStringLiteral("4.5")},
                     {QStringLiteral("size"), QStringLiteral("1280*720")},
                     {QStringLiteral("frames"), QStringLiteral("1")},
                     {QStringLiteral("task"), QStringLiteral("t2i")},
                     {QStringLiteral("app_version"), QStringLiteral("0.9")}};
    const auto check = [&](const QString& path) {
        const ResultSettings settings = readResultSettings(path, {});
        QVERIFY2(settings.isValid(), qPrintable(settings.error));
        QVERIFY(!settings.exact);
        const wan::Request& r = settings.request;
        QCOMPARE(QString::fromStdString(r.prompt), QStringLiteral("a paper crane, 纸鹤"));
        QCOMPARE(QString::fromStdString(r.negativePrompt.value_or("")), QStringLiteral("blurry"));
        QCOMPARE(r.seed, qint64(9007199254740991));
        QCOMPARE(r.steps, 25);
        QCOMPARE(int(r.solver), int(wan::Solver::DpmPP));
        QCOMPARE(r.shift, 3.0);
        QCOMPARE(r.guideScale, 4.5);
        QCOMPARE(r.width, 1280);
        QCOMPARE(r.height, 720);
        QCOMPARE(int(r.task), int(wan::Task::T2I));
    };
    // Through Qt (a tEXt chunk).
    QImage picture(32, 32, QImage::Format_RGB32);
    picture.fill(Qt::yellow);
    picture.setText(QStringLiteral("Comment"),
                    QString::fromUtf8(QJsonDocument(tags).toJson(QJsonDocument::Compact)));
    const QString qtPng = QDir(dir.path()).filePath(QStringLiteral("qt.png"));
    QVERIFY(picture.save(qtPng));
    check(qtPng);
#if WAN_TEST_HAS_MEDIA
    // Through the engine's own writer (an iTXt chunk, UTF-8).
    wan::media::MediaMetadata metadata;
    for (auto it = tags.begin(); it != tags.end(); ++it)
        metadata.tags[it.key().toStdString()] = it.value().toString().toStdString();
    wan::media::RgbImage rgb;
    rgb.width = 8;
    rgb.height = 8;
    rgb.rgb.assign(8 * 8 * 3, 128);
    const QString enginePng = QDir(dir.path()).filePath(QStringLiteral("engine.png"));
    wan::media::writePng(enginePng.toStdString(), rgb, metadata);
    check(enginePng);
#endif
}

void TestGalleryModel::readsMp4Metadata()
{
#if !WAN_TEST_HAS_MEDIA
    QSKIP("built without the engine's media library: no MP4 to write");
#else
    if (!wan::media::mp4Supported())
        QSKIP("built without FFmpeg");
    QTemporaryDir dir;
    wan::media::VideoFrames video;
    video.width = 32;
    video.height = 32;
    video.count = 3;
    video.rgb.assign(std::size_t(video.count) * video.frameBytes(), 90);
    wan::media::Mp4Options options;
    options.metadata.tags = {{"prompt", "a koi pond at dawn, 锦鲤"},
                             {"seed", "31337"},
                             {"steps", "40"},
                             {"solver", "unipc"},
                             {"shift", "8"},
                             {"guidance", "6"},
                             {"size", "832*480"},
                             {"frames", "81"},
                             {"task", "t2v"}};
    const QString path = QDir(dir.path()).filePath(QStringLiteral("clip.mp4"));
    wan::media::writeMp4(path.toStdString(), video, options);
    const ResultSettings settings = readResultSettings(path, &readVideoTags);
    QVERIFY2(settings.isValid(), qPrintable(settings.error));
    QCOMPARE(QString::fromStdString(settings.request.prompt), QStringLiteral("a koi pond at dawn, 锦鲤"));
    QCOMPARE(settings.request.seed, qint64(31337));
    QCOMPARE(settings.request.steps, 40);
    QCOMPARE(settings.request.shift, 8.0);
    QCOMPARE(settings.request.frameNum, 81);
    // An MP4 without the app's tags is foreign.
    const QString plain = QDir(dir.path()).filePath(QStringLiteral("plain.mp4"));
    wan::media::writeMp4(plain.toStdString(), video, {});
    const ResultSettings foreign = readResultSettings(plain, &readVideoTags);
    QVERIFY(!foreign.isValid());
    QVERIFY2(foreign.error.contains(QLatin1String("plain.mp4")) &&
                 foreign.error.contains(QLatin1String("not made by Wan Studio")),
             qPrintable(foreign.error));
#endif
}

void TestGalleryModel::foreignFilesGiveErrors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    QImage plain(16, 16, QImage::Format_RGB32);
    plain.fill(Qt::blue);
    QByteArray png;
    {
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        plain.save(&buffer, "PNG");
    }
    QByteArray gimp;
    {
        plain.setText(QStringLiteral("Comment"), QStringLiteral("Created with GIMP"));
        QBuffer buffer(&gimp);
        buffer.open(QIODevice::WriteOnly);
        plain.save(&buffer, "PNG");
    }
    QTest::newRow("png without settings") << "photo.png" << png << "not made by Wan Studio";
    QTest::newRow("png with another comment") << "gimp.png" << gimp << "not made by Wan Studio";
    QTest::newRow("not a png") << "fake.png" << QByteArray("hello") << "Cannot read the picture";
    QTest::newRow("broken settings.json") << "settings.json" << QByteArray("{ nope") << "not a settings file";
    QTest::newRow("unknown key") << "settings.json" << QByteArray(R"({"prompt":"x","promt":"typo"})")
                                 << "cannot read";
    QTest::newRow("video without a reader") << "clip.mp4" << QByteArray("data") << "settings.json";
    QTest::newRow("other file") << "notes.txt" << QByteArray("text") << "not a result";
}

void TestGalleryModel::foreignFilesGiveErrors()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = writeFile(QDir(dir.path()).filePath(name), bytes);
    const ResultSettings settings = readResultSettings(path, {});
    QVERIFY(!settings.isValid());
    QVERIFY2(settings.error.contains(name), qPrintable(settings.error));
    QVERIFY2(settings.error.contains(expected, Qt::CaseInsensitive), qPrintable(settings.error));
    // A file that does not exist.
    QVERIFY(!readResultSettings(QDir(dir.path()).filePath(QStringLiteral("missing.mp4")), {}).isValid());
}

void TestGalleryModel::dragOutCarriesFileUrl()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    const RenderJob job =
        finishedJob(dir.path(), QStringLiteral("a"), sampleRequest(QStringLiteral("drag me"), 1), 1);
    queue.setJobs({job});
    GalleryModel gallery(&queue);
    QVERIFY(gallery.flags(gallery.index(0)).testFlag(Qt::ItemIsDragEnabled));
    std::unique_ptr<QMimeData> mime(gallery.mimeData({gallery.index(0)}));
    QVERIFY(mime);
    QCOMPARE(mime->urls(), QList<QUrl>({QUrl::fromLocalFile(job.outputPath)}));
}

// A video's thumbnail is its first frame, decoded off the GUI thread; a PNG's is the picture.
void TestGalleryModel::videoThumbnailIsDecoded()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    const RenderJob video =
        finishedJob(dir.path(), QStringLiteral("v"), sampleRequest(QStringLiteral("video"), 1), 2);
    const RenderJob still = finishedJob(dir.path(), QStringLiteral("p"),
                                        sampleRequest(QStringLiteral("still"), 2), 1, QStringLiteral("png"));
    queue.setJobs({video, still});
    std::atomic<int> decoded{0};
    GalleryModel gallery(&queue, [&decoded](const QString& path) {
        ++decoded;
        SourceFrames frames;
        frames.first = QImage(320, 160, QImage::Format_RGB32);
        frames.first.fill(path.endsWith(QLatin1String(".mp4")) ? Qt::red : Qt::black);
        frames.last = frames.first;
        frames.frameCount = 1;
        return frames;
    });
    QSignalSpy ready(&gallery, &GalleryModel::thumbnailReady);
    const QModelIndex videoIndex = gallery.index(gallery.rowOf(video.id));
    const QModelIndex stillIndex = gallery.index(gallery.rowOf(still.id));
    (void)gallery.data(videoIndex, Qt::DecorationRole); // starts decoding
    QVERIFY(ready.wait(5000));
    const QImage thumb = gallery.data(videoIndex, Qt::DecorationRole).value<QImage>();
    QCOMPARE(thumb.size(), GalleryModel::kThumbnailSize);
    QCOMPARE(QColor(thumb.pixel(thumb.width() / 2, thumb.height() / 2)), QColor(Qt::red));
    const QImage picture = gallery.data(stillIndex, Qt::DecorationRole).value<QImage>();
    QCOMPARE(picture.size(), GalleryModel::kThumbnailSize);
    QCOMPARE(QColor(picture.pixel(picture.width() / 2, picture.height() / 2)), QColor(Qt::darkCyan));
    QCOMPARE(decoded.load(), 1); // the PNG is not decoded as a video; the video once
}

void TestGalleryModel::trashOnlyTakesAppResults()
{
    QTemporaryDir dir;
    RenderQueueModel queue(nullptr);
    const RenderJob own =
        finishedJob(dir.path(), QStringLiteral("own"), sampleRequest(QStringLiteral("own"), 1), 2);
    // A job whose result sits in a folder without the app's settings.json (e.g. a user's folder).
    RenderJob foreign =
        finishedJob(dir.path(), QStringLiteral("user"), sampleRequest(QStringLiteral("user"), 2), 1);
    QVERIFY(QFile::remove(QDir(foreign.folder).filePath(QStringLiteral("settings.json"))));
    queue.setJobs({own, foreign});
    GalleryModel gallery(&queue);
    QString error;
    QVERIFY(!gallery.moveToTrash(foreign.id, &error));
    QVERIFY2(error.contains(QLatin1String("left alone")), qPrintable(error));
    QVERIFY(QFileInfo::exists(foreign.outputPath));
    QCOMPARE(gallery.rowCount(), 2);

    QVERIFY2(gallery.moveToTrash(own.id, &error), qPrintable(error));
    QVERIFY(!QFileInfo::exists(own.folder));
    QVERIFY(!queue.job(own.id));
    QCOMPARE(gallery.rowCount(), 1);
    // It is in the (test's) trash, not gone.
    const QDir trash(QDir(m_trashHome.path()).filePath(QStringLiteral("Trash/files")));
    QVERIFY2(trash.entryList(QDir::Dirs | QDir::NoDotAndDotDot).contains(QStringLiteral("own")),
             qPrintable(trash.entryList().join(QLatin1Char(','))));
}

QTEST_MAIN(TestGalleryModel)
#include "test_gallerymodel.moc"
