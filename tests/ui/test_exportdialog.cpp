// The export dialog over the engine's exporter (ExportAdapters): every format this build has is written to a
// temporary folder and read back (frame count, fps, codec, metadata), the original stays untouched, metadata
// can be left out, other rates are labelled as retimed, formats the build lacks are disabled with why, cancel
// leaves nothing, errors stay in the dialog; and a screenshot.
#include "ExportAdapters.h"
#include "ExportDialog.h"
#include "FakeJobRunner.h"
#include "GalleryDock.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueDock.h"
#include "RenderQueueModel.h"
#include "media/Mp4Writer.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace wan::ui;

Q_DECLARE_METATYPE(wan::ui::ExportFormat)

namespace {

constexpr int kFrames = 9;
constexpr int kSize = 64;

// A small moving gradient (every frame different, so no encoder merges frames), with settings tags.
QString makeClip(const QString& dir)
{
    wan::media::VideoFrames video;
    video.width = kSize;
    video.height = kSize;
    video.count = kFrames;
    video.rgb.resize(video.frameBytes() * kFrames);
    for (int f = 0; f < kFrames; ++f) {
        std::uint8_t* frame = video.frame(f);
        for (int y = 0; y < kSize; ++y) {
            for (int x = 0; x < kSize; ++x) {
                std::uint8_t* p = frame + (y * kSize + x) * 3;
                p[0] = std::uint8_t((x * 4 + f * 24) & 0xff);
                p[1] = std::uint8_t(y * 4);
                p[2] = std::uint8_t(255 - f * 20);
            }
        }
    }
    wan::media::Mp4Options options;
    options.fps = 16;
    options.metadata.tags = {{"prompt", "a red fox in snow"}, {"seed", "42"}};
    const QString path = QDir(dir).filePath(QStringLiteral("source.mp4"));
    wan::media::writeMp4(path.toStdString(), video, options);
    return path;
}

QByteArray digest(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

QJsonObject jobSettings()
{
    return QJsonObject{{QStringLiteral("prompt"), QStringLiteral("a red fox in snow")},
                       {QStringLiteral("seed"), 42},
                       {QStringLiteral("steps"), 30}};
}

// Runs the dialog's export and waits for its one terminal signal.
bool runExport(ExportDialog& dialog)
{
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    if (!dialog.startExport())
        return false;
    return finished.count() == 1 || finished.wait(30000);
}

} // namespace

class TestExportDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesEachFormat_data();
    void writesEachFormat();
    void metadataCanBeLeftOut();
    void otherRatesAreRetimed();
    void formatsNotInThisBuildAreDisabled();
    void cancelLeavesNothing();
    void cancelFromTheDialog();
    void errorsStayInTheDialog();
    void targetFollowsTheFormat_data();
    void targetFollowsTheFormat();
    void windowOpensTheDialog();
    void screenshot();
};

void TestExportDialog::writesEachFormat_data()
{
    QTest::addColumn<ExportFormat>("format");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("codec");
    QTest::newRow("h264") << ExportFormat::Mp4H264 << QStringLiteral("out.mp4") << QStringLiteral("h264");
    QTest::newRow("h265") << ExportFormat::Mp4H265 << QStringLiteral("out.mp4") << QStringLiteral("hevc");
    QTest::newRow("vp9") << ExportFormat::WebmVp9 << QStringLiteral("out.webm") << QStringLiteral("vp9");
    QTest::newRow("ffv1") << ExportFormat::MkvFfv1 << QStringLiteral("out.mkv") << QStringLiteral("ffv1");
    QTest::newRow("gif") << ExportFormat::Gif << QStringLiteral("out.gif") << QStringLiteral("gif");
    QTest::newRow("png") << ExportFormat::PngSequence << QStringLiteral("out") << QStringLiteral("png");
}

void TestExportDialog::writesEachFormat()
{
    QFETCH(ExportFormat, format);
    QFETCH(QString, name);
    QFETCH(QString, codec);
    if (!exportFormatSupported(format))
        QSKIP("this build has no encoder for the format");
    QTemporaryDir dir;
    const QString source = makeClip(dir.path());
    const QByteArray before = digest(source);

    ExportDialog dialog(source, 16, jobSettings(), videoExportService());
    dialog.setFormat(format);
    const QString target = QDir(dir.path()).filePath(name);
    dialog.setTarget(target);
    QVERIFY(dialog.exportSettings().format == format);
    QVERIFY(runExport(dialog));
    QVERIFY2(dialog.lastOutcome().ok, qPrintable(dialog.lastOutcome().error));
    QVERIFY(!dialog.isRunning());

    const ExportedVideoInfo info = readExportedVideo(target);
    QVERIFY2(info.error.isEmpty(), qPrintable(info.error));
    QCOMPARE(info.codec, codec);
    QCOMPARE(info.frameCount, kFrames);
    QCOMPARE(info.width, kSize);
    QCOMPARE(info.height, kSize);
    if (format != ExportFormat::PngSequence)
        QCOMPARE(qRound(info.fps), 16);
    if (exportFormatInfo(format).holdsMetadata) {
        QCOMPARE(info.tags.value(QStringLiteral("prompt")).toString(), QStringLiteral("a red fox in snow"));
        QCOMPARE(info.tags.value(QStringLiteral("seed")).toString(), QStringLiteral("42"));
        const QJsonObject settings =
            QJsonDocument::fromJson(info.tags.value(QStringLiteral("settings")).toString().toUtf8()).object();
        QCOMPARE(settings, jobSettings());
    }
    // The original is only read; nothing but the source and the export is left in the folder.
    QCOMPARE(digest(source), before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).size(), 2);
}

void TestExportDialog::metadataCanBeLeftOut()
{
    QTemporaryDir dir;
    const QString source = makeClip(dir.path());
    ExportDialog dialog(source, 16, jobSettings(), videoExportService());
    dialog.setFormat(ExportFormat::Mp4H264);
    dialog.metadataBox()->setChecked(false);
    const QString target = QDir(dir.path()).filePath(QStringLiteral("plain.mp4"));
    dialog.setTarget(target);
    QVERIFY(runExport(dialog));
    QVERIFY2(dialog.lastOutcome().ok, qPrintable(dialog.lastOutcome().error));
    const ExportedVideoInfo info = readExportedVideo(target);
    QVERIFY2(info.error.isEmpty(), qPrintable(info.error));
    QVERIFY2(info.tags.isEmpty(), QJsonDocument(info.tags).toJson().constData());
    QCOMPARE(info.frameCount, kFrames);
}

void TestExportDialog::otherRatesAreRetimed()
{
    QTemporaryDir dir;
    const QString source = makeClip(dir.path());
    ExportDialog dialog(source, 16, {}, videoExportService());
    QCOMPARE(dialog.fpsBox()->count(), 3);
    QCOMPARE(dialog.fpsBox()->itemData(0).toInt(), 0);
    for (int i = 1; i < dialog.fpsBox()->count(); ++i)
        QVERIFY2(dialog.fpsBox()->itemText(i).contains(QLatin1String("no new frames")),
                 qPrintable(dialog.fpsBox()->itemText(i)));
    dialog.fpsBox()->setCurrentIndex(dialog.fpsBox()->findData(24));
    dialog.setFormat(ExportFormat::Mp4H264);
    const QString target = QDir(dir.path()).filePath(QStringLiteral("fast.mp4"));
    dialog.setTarget(target);
    QVERIFY(runExport(dialog));
    QVERIFY2(dialog.lastOutcome().ok, qPrintable(dialog.lastOutcome().error));
    const ExportedVideoInfo info = readExportedVideo(target);
    QCOMPARE(qRound(info.fps), 24);
    QCOMPARE(info.frameCount, kFrames); // the same frames, played faster
}

void TestExportDialog::formatsNotInThisBuildAreDisabled()
{
    VideoExportService service;
    service.supported = [](ExportFormat format) {
        return format == ExportFormat::WebmVp9 || format == ExportFormat::PngSequence;
    };
    service.run = [](const QString&, const ExportSettings&, const wan::CancelToken*) {
        return ExportOutcome{};
    };
    ExportDialog dialog(QStringLiteral("/nowhere/clip.mp4"), 16, {}, service);
    auto* model = qobject_cast<QStandardItemModel*>(dialog.formatBox()->model());
    QVERIFY(model);
    for (int i = 0; i < dialog.formatBox()->count(); ++i) {
        const auto format = ExportFormat(dialog.formatBox()->itemData(i).toInt());
        const bool supported = service.supported(format);
        QCOMPARE(model->item(i)->isEnabled(), supported);
        QCOMPARE(dialog.formatBox()->itemData(i, Qt::ToolTipRole).toString().isEmpty(), supported);
    }
    // The first format the build has is chosen, with its extension; no FFV1: no "Lossless" choice.
    QCOMPARE(dialog.exportSettings().format, ExportFormat::WebmVp9);
    QVERIFY(dialog.targetEdit()->text().endsWith(QLatin1String("clip.webm")));
    QVERIFY(!dialog.losslessBox()->isEnabled());
    QVERIFY(dialog.crfSlider()->isEnabled());
    QCOMPARE(dialog.crfSlider()->maximum(), 63);
}

void TestExportDialog::cancelLeavesNothing()
{
    QTemporaryDir dir;
    const QString source = makeClip(dir.path());
    wan::CancelToken cancel;
    cancel.cancel();
    for (ExportFormat format : allExportFormats()) {
        if (!exportFormatSupported(format))
            continue;
        ExportSettings settings;
        settings.format = format;
        settings.target = exportTargetFor(QDir(dir.path()).filePath(QStringLiteral("gone.mp4")), format);
        const ExportOutcome outcome = exportVideoFile(source, settings, &cancel);
        QVERIFY(!outcome.ok);
        QVERIFY(outcome.cancelled);
        QVERIFY(outcome.error.isEmpty());
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{QStringLiteral("source.mp4")});
    }
}

void TestExportDialog::cancelFromTheDialog()
{
    // An export that runs until cancelled: the dialog stays responsive, Close reads Cancel, cancelling ends
    // it as cancelled and closes the dialog.
    std::atomic<bool> started{false};
    VideoExportService service;
    service.supported = [](ExportFormat) { return true; };
    service.run = [&started](const QString&, const ExportSettings&, const wan::CancelToken* cancel) {
        started = true;
        while (!cancel->isCancelled())
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        ExportOutcome outcome;
        outcome.cancelled = true;
        return outcome;
    };
    ExportDialog dialog(QStringLiteral("/nowhere/clip.mp4"), 16, {}, service);
    dialog.show();
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    QSignalSpy rejected(&dialog, &QDialog::rejected);
    QVERIFY(dialog.startExport());
    QVERIFY(dialog.isRunning());
    QVERIFY(!dialog.exportButton()->isEnabled());
    QVERIFY(!dialog.startExport()); // one at a time
    QTRY_VERIFY(started);
    QTest::qWait(20); // the GUI thread keeps turning while it runs
    QVERIFY(dialog.isRunning());
    dialog.reject(); // Escape or Cancel
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY(dialog.lastOutcome().cancelled);
    QCOMPARE(rejected.count(), 1);
    QVERIFY(!dialog.isVisible());
}

void TestExportDialog::errorsStayInTheDialog()
{
    QTemporaryDir dir;
    const QString source = makeClip(dir.path());
    ExportDialog dialog(source, 16, {}, videoExportService());
    dialog.show();
    dialog.setFormat(ExportFormat::Mp4H264);
    dialog.setTarget(QDir(dir.path()).filePath(QStringLiteral("no/such/folder/out.mp4")));
    QVERIFY(runExport(dialog));
    QVERIFY(!dialog.lastOutcome().ok);
    QVERIFY(!dialog.lastOutcome().cancelled);
    QVERIFY(!dialog.lastOutcome().error.isEmpty());
    QCOMPARE(dialog.statusLabel()->text(), dialog.lastOutcome().error);
    QVERIFY(dialog.isVisible());
    QVERIFY(dialog.exportButton()->isEnabled());
    // Exporting onto the source itself is refused.
    dialog.setTarget(source);
    const QByteArray before = digest(source);
    QVERIFY(runExport(dialog));
    QVERIFY(!dialog.lastOutcome().ok);
    QCOMPARE(digest(source), before);
}

void TestExportDialog::targetFollowsTheFormat_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<ExportFormat>("format");
    QTest::addColumn<QString>("expected");
    QTest::newRow("mp4 to webm") << "/a/b/clip.mp4" << ExportFormat::WebmVp9 << "/a/b/clip.webm";
    QTest::newRow("to folder") << "/a/b/clip.gif" << ExportFormat::PngSequence << "/a/b/clip";
    QTest::newRow("folder to mkv") << "/a/b/clip" << ExportFormat::MkvFfv1 << "/a/b/clip.mkv";
    QTest::newRow("dots kept") << "/a/b/v1.2_final.mp4" << ExportFormat::Gif << "/a/b/v1.2_final.gif";
    QTest::newRow("empty") << "" << ExportFormat::Gif << "";
}

void TestExportDialog::targetFollowsTheFormat()
{
    QFETCH(QString, target);
    QFETCH(ExportFormat, format);
    QFETCH(QString, expected);
    QCOMPARE(exportTargetFor(target, format), expected);
}

void TestExportDialog::windowOpensTheDialog()
{
    // File → Export as… (and the queue's, gallery's and player's right click) on a finished job opens the
    // dialog for its video, with the job's settings.
    QTemporaryDir dir;
    const QString source = makeClip(dir.path());
    wan::ui::test::FakeRunnerLog log;
    QSettings settings(QDir(dir.path()).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    QueueStore store(QDir(dir.path()).filePath(QStringLiteral("queue.json")));
    RenderQueueModel queue(&store);
    InferenceBridge bridge(wan::ui::test::fakeRunnerFactory(&log));
    QueueRunner runner(&queue, &bridge, QDir(dir.path()).filePath(QStringLiteral("out")));
    runner.setQueuePaused(true);
    RenderJob job;
    job.id = QUuid::createUuid();
    job.state = JobState::Done;
    job.folder = dir.path();
    job.outputPath = source;
    job.request.prompt = "a red fox in snow";
    job.request.fps = 16;
    queue.setJobs({job});
    StudioServices services;
    services.settings = &settings;
    services.queue = &queue;
    services.runner = &runner;
    services.bridge = &bridge;
    services.inspectFolder = [](const QString&) { return FolderCheck{}; };
    services.exportVideo = videoExportService();
    MainWindow window(std::move(services));
    auto* queueDock = window.findChild<RenderQueueDock*>();
    QVERIFY(queueDock);
    queueDock->view()->selectRow(0);
    QAction* exportAction = window.findChild<QAction*>(QStringLiteral("shortcut.window.exportAs"));
    QVERIFY(exportAction);
    QVERIFY(queueDock->view()->actions().contains(exportAction));
    QVERIFY(window.findChild<GalleryDock*>()->view()->actions().contains(exportAction));
    exportAction->trigger();
    auto* dialog = window.findChild<ExportDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->exportSettings().settings.value(QStringLiteral("prompt")).toString(),
             QStringLiteral("a red fox in snow"));
    const QString target = QDir(dir.path()).filePath(QStringLiteral("from_window.webm"));
    dialog->setFormat(ExportFormat::WebmVp9);
    dialog->setTarget(target);
    QSignalSpy finished(dialog, &ExportDialog::exportFinished);
    QVERIFY(dialog->startExport());
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).toBool(), true); // the dialog then closes (and deletes itself)
    QCOMPARE(readExportedVideo(target).codec, QStringLiteral("vp9"));
}

void TestExportDialog::screenshot()
{
    ExportDialog dialog(QStringLiteral("/home/user/Videos/Wan Studio/20260101-120000_a_red_fox_42/video.mp4"),
                        16, {}, videoExportService());
    dialog.setTarget(QStringLiteral("/home/user/a_red_fox.mp4"));
    dialog.setFormat(ExportFormat::Mp4H264);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const QString shots = QStringLiteral(WAN_UI_TEST_OUTPUT_DIR);
    QDir().mkpath(shots);
    QVERIFY(dialog.grab().save(QDir(shots).filePath(QStringLiteral("export_dialog.png"))));
}

int main(int argc, char** argv)
{
    // As the app does: Qt 6.4 defaults to GStreamer, which crashes without its plugin packages.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("wan-studio-test"));
    TestExportDialog test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_exportdialog.moc"
