// The export dialog over the engine's exporter (ExportAdapters): every format this build has is written to a
// temporary folder and read back (frame count, fps, codec, metadata), the original stays untouched, metadata
// can be left out, other rates are labelled as retimed, formats the build lacks are disabled with why, cancel
// leaves nothing, errors stay in the dialog; the percentage bar follows the frames written; H.264 and H.265
// write without loss; and screenshots (idle and mid-way).
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
#include "media/VideoReader.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
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
    void progressFollowsTheFrames_data();
    void progressFollowsTheFrames();
    void losslessH264AndH265_data();
    void losslessH264AndH265();
    void screenshot();
    void screenshotMidway();
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
    service.run = [](const QString&, const ExportSettings&, const wan::CancelToken*,
                     const ExportProgressCallback&) { return ExportOutcome{}; };
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
    service.run = [&started](const QString&, const ExportSettings&, const wan::CancelToken* cancel,
                             const ExportProgressCallback&) {
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

void TestExportDialog::progressFollowsTheFrames_data()
{
    QTest::addColumn<ExportFormat>("format");
    QTest::addColumn<QString>("name");
    QTest::newRow("h264") << ExportFormat::Mp4H264 << QStringLiteral("out.mp4");
    QTest::newRow("png") << ExportFormat::PngSequence << QStringLiteral("out");
}

void TestExportDialog::progressFollowsTheFrames()
{
    QFETCH(ExportFormat, format);
    QFETCH(QString, name);
    QTemporaryDir dir;
    const QString source = makeClip(dir.path());
    // The adapter: one report per frame, in order, the last (100 %) once the file is in place.
    QList<int> reports;
    ExportSettings settings;
    settings.format = format;
    settings.target = QDir(dir.path()).filePath(QStringLiteral("direct_") + name);
    bool completeAtLast = false;
    const ExportOutcome direct =
        exportVideoFile(source, settings, nullptr, [&](int framesDone, int frameCount) {
            QCOMPARE(frameCount, kFrames);
            reports.append(framesDone);
            completeAtLast = QFileInfo::exists(settings.target);
        });
    QVERIFY2(direct.ok, qPrintable(direct.error));
    QList<int> expected;
    for (int frame = 1; frame <= kFrames; ++frame)
        expected.append(frame);
    QCOMPARE(reports, expected);
    QVERIFY(completeAtLast);

    // The dialog's bar: a percentage that only grows and ends at 100 %.
    ExportDialog dialog(source, 16, {}, videoExportService());
    dialog.setFormat(format);
    dialog.setTarget(QDir(dir.path()).filePath(name));
    dialog.show();
    QList<int> values;
    connect(dialog.progressBar(), &QProgressBar::valueChanged, &dialog, [&](int value) {
        if (value >= 0)
            values.append(value);
    });
    QVERIFY(runExport(dialog));
    QVERIFY2(dialog.lastOutcome().ok, qPrintable(dialog.lastOutcome().error));
    QVERIFY(!values.isEmpty());
    QVERIFY2(std::is_sorted(values.begin(), values.end()), qPrintable(QString::number(values.size())));
    QCOMPARE(values.last(), kFrames);
    QCOMPARE(dialog.progressBar()->maximum(), kFrames);
    QVERIFY(!dialog.progressBar()->isVisible()); // gone once done
}

void TestExportDialog::losslessH264AndH265_data()
{
    QTest::addColumn<ExportFormat>("format");
    QTest::addColumn<QString>("codec");
    QTest::newRow("h264") << ExportFormat::Mp4H264 << QStringLiteral("h264");
    QTest::newRow("h265") << ExportFormat::Mp4H265 << QStringLiteral("hevc");
}

void TestExportDialog::losslessH264AndH265()
{
    // "Lossless" with H.264 or H.265 keeps the format (no switch to FFV1), disables the CRF and writes the
    // frames without loss: exact in the encoder's YUV (test_media's losslessExport checks the planes), in RGB
    // within the colour conversion's rounding (8-bit YUV has fewer colours than RGB): max 3 levels here,
    // where the same export at CRF 51 is far off.
    QFETCH(ExportFormat, format);
    QFETCH(QString, codec);
    QTemporaryDir dir;
    const QString source = makeClip(dir.path());
    const wan::media::VideoFrames decodedSource = wan::media::readVideoFrames(source.toStdString());
    const auto maxDiff = [&](const QString& path) {
        const wan::media::VideoFrames frames = wan::media::readVideoFrames(path.toStdString());
        int max = 0;
        for (std::size_t i = 0; i < frames.rgb.size() && i < decodedSource.rgb.size(); ++i)
            max = std::max(max, std::abs(int(frames.rgb[i]) - int(decodedSource.rgb[i])));
        return frames.rgb.size() == decodedSource.rgb.size() ? max : 256;
    };

    ExportDialog dialog(source, 16, {}, videoExportService());
    dialog.setFormat(format);
    dialog.crfSlider()->setValue(51);
    QVERIFY(dialog.losslessBox()->isEnabled());
    dialog.losslessBox()->setChecked(true);
    QCOMPARE(dialog.exportSettings().format, format); // stays H.264/H.265
    QVERIFY(dialog.exportSettings().lossless);
    QCOMPARE(dialog.exportSettings().crf, -1);
    QVERIFY(!dialog.crfSlider()->isEnabled());
    const QString lossless = QDir(dir.path()).filePath(QStringLiteral("lossless.mp4"));
    dialog.setTarget(lossless);
    QVERIFY(runExport(dialog));
    QVERIFY2(dialog.lastOutcome().ok, qPrintable(dialog.lastOutcome().error));
    QCOMPARE(readExportedVideo(lossless).codec, codec);
    const int losslessDiff = maxDiff(lossless);

    ExportDialog lossy(source, 16, {}, videoExportService());
    lossy.setFormat(format);
    lossy.crfSlider()->setValue(51);
    QVERIFY(!lossy.exportSettings().lossless);
    const QString worst = QDir(dir.path()).filePath(QStringLiteral("crf51.mp4"));
    lossy.setTarget(worst);
    QVERIFY(runExport(lossy));
    QVERIFY2(lossy.lastOutcome().ok, qPrintable(lossy.lastOutcome().error));
    const int lossyDiff = maxDiff(worst);
    qInfo("%s: RGB max abs diff %d lossless, %d at CRF 51", qPrintable(codec), losslessDiff, lossyDiff);
    QVERIFY2(losslessDiff <= 3, qPrintable(QString::number(losslessDiff)));
    QVERIFY(lossyDiff > losslessDiff);

    // Unticked: back to the CRF.
    dialog.losslessBox()->setChecked(false);
    QVERIFY(dialog.crfSlider()->isEnabled());
    QCOMPARE(dialog.exportSettings().crf, 51);
    // VP9 has no lossless mode here: ticking switches to FFV1, as before.
    dialog.setFormat(ExportFormat::WebmVp9);
    dialog.losslessBox()->setChecked(true);
    QCOMPARE(dialog.exportSettings().format, ExportFormat::MkvFfv1);
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

void TestExportDialog::screenshotMidway()
{
    // An export of 81 frames held after frame 33 until cancelled: the bar reads 40 %.
    std::atomic<bool> held{false};
    VideoExportService service;
    service.supported = [](ExportFormat) { return true; };
    service.run = [&held](const QString&, const ExportSettings&, const wan::CancelToken* cancel,
                          const ExportProgressCallback& onProgress) {
        for (int frame = 1; frame <= 33; ++frame)
            onProgress(frame, 81);
        held = true;
        while (!cancel->isCancelled())
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        ExportOutcome outcome;
        outcome.cancelled = true;
        return outcome;
    };
    ExportDialog dialog(QStringLiteral("/home/user/Videos/Wan Studio/20260101-120000_a_red_fox_42/video.mp4"),
                        16, {}, service);
    dialog.setTarget(QStringLiteral("/home/user/a_red_fox.mp4"));
    dialog.setFormat(ExportFormat::Mp4H264);
    dialog.losslessBox()->setChecked(true);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    QVERIFY(dialog.startExport());
    QTRY_VERIFY(held);
    QTRY_COMPARE(dialog.progressBar()->value(), 33);
    QCOMPARE(dialog.progressBar()->maximum(), 81);
    QVERIFY(dialog.progressBar()->text().startsWith(QLatin1String("40%")));
    const QString shots = QStringLiteral(WAN_UI_TEST_OUTPUT_DIR);
    QDir().mkpath(shots);
    QVERIFY(dialog.grab().save(QDir(shots).filePath(QStringLiteral("export_progress.png"))));
    dialog.cancelExport();
    QVERIFY(finished.wait(5000));
    QVERIFY(dialog.lastOutcome().cancelled);
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
