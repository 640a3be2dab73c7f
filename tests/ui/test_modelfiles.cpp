// Single model files in place of a model folder's own: the model files dialog over the tiny fixtures (the
// engine's real header checks, no torch), dropped files placed by their content, and the main window carrying
// the set into the queued request, its settings and the built-in demo button. Saves screenshots of the dialog
// (ready, with problems) into the build folder.
#include "FakeJobRunner.h"
#include "ImageDropZone.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "ModelFilesDialog.h"
#include "ModelFolderPicker.h"
#include "ModelSetAdapters.h"
#include "PromptEditor.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueModel.h"
#include "SettingsDialog.h"
#include "support/Fixtures.h" // not TestSupport.h: no torch headers here

#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QImage>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace wan::ui;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

namespace {

QString fixture(const char* model, const char* file = nullptr)
{
    const QString dir = QString::fromStdString((wan::test::fixturesDir() / model).string());
    return file ? QDir(dir).filePath(QLatin1String(file)) : dir;
}

bool waitForDialog(const ModelFilesDialog& dialog)
{
    // The first answer may come before the debounce of a later edit: wait until nothing is pending.
    return QTest::qWaitFor([&] { return !dialog.isChecking(); }, 10000);
}

void saveScreenshot(QWidget* widget, const QString& name)
{
    QDir().mkpath(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR));
    const QString path = QDir(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR)).filePath(name);
    const QPixmap pixmap = widget->grab();
    QVERIFY(!pixmap.isNull());
    QVERIFY(pixmap.save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

// A drag from a file manager, through the widget's own handlers; returns whether the drop was taken.
bool dropFiles(QWidget* widget, const QStringList& paths)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& path : paths)
        urls.append(QUrl::fromLocalFile(path));
    mime.setUrls(urls);
    const QPointF pos(widget->width() / 2.0, widget->height() / 2.0);
    QDragEnterEvent enter(pos.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(widget, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(widget, &drop);
    return drop.isAccepted();
}

FolderCheck fakeInspect(const QString& dir)
{
    FolderCheck check;
    check.ok = dir.contains(QLatin1String("t2v"));
    check.summary = QStringLiteral("model_type t2v, dim 1536, 30 layers, bf16");
    if (!check.ok)
        check.problem = QStringLiteral("%1 is no model folder").arg(dir);
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
        s.inspectModelSet = &inspectModelSetChecked;
        s.identifyModelFile = &identifyModelFileChecked;
        return s;
    }

    FakeRunnerLog log;
    QSettings settings;
    QueueStore store;
    RenderQueueModel queue;
    InferenceBridge bridge;
    QueueRunner runner;
};

bool waitForPicker(MainWindow& window)
{
    return QTest::qWaitFor([&] { return !window.modelPicker()->isChecking(); }, 10000);
}

} // namespace

class TestModelFiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wrongFileIsNamed();
    void ownFilesAreReady();
    void clearTakesTheFolderPartAgain();
    void droppedFilesFindTheirRows();
    void imageSetFilesFindTheirRows();
    void mainWindowCarriesTheSet();
    void imageSetDecidesTheTask();
};

// The fixture's VAE given as the DiT: the problem names the file, under its row and in the list; no OK.
void TestModelFiles::wrongFileIsNamed()
{
    WAN_REQUIRE_FIXTURES();
    const QString folder = fixture("wan-tiny-t2v");
    ModelFilesDialog dialog(&inspectModelSetChecked, &identifyModelFileChecked, folder, {});
    dialog.resize(900, 560);
    dialog.show();
    QVERIFY(waitForDialog(dialog));
    QVERIFY2(dialog.check().ok, qPrintable(dialog.statusText())); // the folder alone runs
    QVERIFY(dialog.okButton()->isEnabled());

    const QString vae = fixture("wan-tiny-t2v", "Wan2.1_VAE.pth");
    dialog.setFile(ModelPart::Dit, vae);
    QVERIFY(!dialog.okButton()->isEnabled()); // not before the check answers
    QVERIFY(waitForDialog(dialog));
    QVERIFY(!dialog.check().ok);
    QVERIFY2(dialog.statusText().contains(vae), qPrintable(dialog.statusText()));
    QVERIFY2(dialog.statusText().contains(QStringLiteral("VAE")), qPrintable(dialog.statusText()));
    QVERIFY2(dialog.partText(ModelPart::Dit).contains(vae), qPrintable(dialog.partText(ModelPart::Dit)));
    QVERIFY(!dialog.okButton()->isEnabled());
    QCOMPARE(QString::fromStdString(dialog.files().dit.string()), vae);
    saveScreenshot(&dialog, QStringLiteral("modelfiles-problems.png"));
}

// The t2v fixture's own files, no folder: ready, with what each file is, and OK enabled.
void TestModelFiles::ownFilesAreReady()
{
    WAN_REQUIRE_FIXTURES();
    wan::ModelFiles files;
    files.dit = fixture("wan-tiny-t2v", "diffusion_pytorch_model.safetensors").toStdString();
    files.t5 = fixture("wan-tiny-t2v", "models_t5_umt5-xxl-enc-bf16.pth").toStdString();
    files.vae = fixture("wan-tiny-t2v", "Wan2.1_VAE.pth").toStdString();
    ModelFilesDialog dialog(&inspectModelSetChecked, &identifyModelFileChecked, QString(), files);
    dialog.resize(900, 560);
    dialog.show();
    QVERIFY(waitForDialog(dialog));
    QVERIFY2(dialog.check().ok, qPrintable(dialog.statusText()));
    QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Ready: text to video")),
             qPrintable(dialog.statusText()));
    QVERIFY(dialog.statusText().contains(QStringLiteral("t2v-1.3B")));
    QVERIFY(dialog.okButton()->isEnabled());
    QVERIFY(dialog.check().modelType == wan::ModelType::T2V);
    // Each row says what its file holds: format · storage · size.
    const QString dit = dialog.partText(ModelPart::Dit);
    QVERIFY2(dit.contains(dialog.check().dit.format) && !dialog.check().dit.format.isEmpty(),
             qPrintable(dit));
    QVERIFY2(dit.contains(QStringLiteral("kB")), qPrintable(dit)); // 652 kB
    QVERIFY2(!dialog.partText(ModelPart::Vae).isEmpty(), "the VAE row says nothing");
    QVERIFY2(dialog.partText(ModelPart::Tokenizer).contains(QStringLiteral("spiece.model")),
             qPrintable(dialog.partText(ModelPart::Tokenizer))); // found beside the text encoder
    QVERIFY2(dialog.partText(ModelPart::Clip).startsWith(QStringLiteral("Not needed")),
             qPrintable(dialog.partText(ModelPart::Clip)));
    QVERIFY(dialog.files() == files);
    saveScreenshot(&dialog, QStringLiteral("modelfiles-ready.png"));
}

// A wrong VAE over a good folder, then Clear: the folder's own VAE again, named under the row.
void TestModelFiles::clearTakesTheFolderPartAgain()
{
    WAN_REQUIRE_FIXTURES();
    const QString folder = fixture("wan-tiny-t2v");
    wan::ModelFiles files;
    files.vae = fixture("wan-tiny-t2v", "diffusion_pytorch_model.safetensors").toStdString();
    ModelFilesDialog dialog(&inspectModelSetChecked, &identifyModelFileChecked, folder, files);
    dialog.show();
    QVERIFY(waitForDialog(dialog));
    QVERIFY(!dialog.check().ok);
    QVERIFY2(dialog.partText(ModelPart::Vae).contains(QStringLiteral("diffusion_pytorch_model.safetensors")),
             qPrintable(dialog.partText(ModelPart::Vae)));
    QVERIFY(!dialog.okButton()->isEnabled());

    QTest::mouseClick(dialog.clearButton(ModelPart::Vae), Qt::LeftButton);
    QVERIFY(waitForDialog(dialog));
    QVERIFY(dialog.file(ModelPart::Vae).isEmpty());
    QVERIFY2(dialog.check().ok, qPrintable(dialog.statusText()));
    QVERIFY2(
        dialog.partText(ModelPart::Vae).startsWith(QStringLiteral("From the model folder: Wan2.1_VAE.pth")),
        qPrintable(dialog.partText(ModelPart::Vae)));
    QVERIFY(dialog.okButton()->isEnabled());
    QVERIFY(dialog.files().empty());
}

// Files with names that say nothing, dropped together: each lands in its row by content, and the set runs.
// A picture dropped on the dialog is not taken.
void TestModelFiles::droppedFilesFindTheirRows()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir dir;
    const auto copy = [&](const char* from, const QString& to) {
        const QString target = dir.filePath(to);
        return QFile::copy(fixture("wan-tiny-t2v", from), target) ? target : QString();
    };
    const QString dit = copy("diffusion_pytorch_model.safetensors", QStringLiteral("a.safetensors"));
    const QString vae = copy("Wan2.1_VAE.pth", QStringLiteral("b.pth"));
    const QString t5 = copy("models_t5_umt5-xxl-enc-bf16.pth", QStringLiteral("c.pth"));
    const QString tokenizer = copy("google/umt5-xxl/spiece.model", QStringLiteral("d.model"));
    QVERIFY(!dit.isEmpty() && !vae.isEmpty() && !t5.isEmpty() && !tokenizer.isEmpty());
    QVERIFY(copy("config.json", QStringLiteral("config.json")).size() > 0); // the DiT's, beside it

    ModelFilesDialog dialog(&inspectModelSetChecked, &identifyModelFileChecked, QString(), {});
    dialog.resize(900, 560);
    dialog.show();
    QVERIFY(waitForDialog(dialog));
    QVERIFY(!dialog.check().ok); // nothing chosen and no folder: "No model chosen"
    QVERIFY2(dialog.statusText().contains(QStringLiteral("No model chosen")),
             qPrintable(dialog.statusText()));

    QVERIFY(!dropFiles(&dialog, {dir.filePath(QStringLiteral("picture.png"))}));
    QVERIFY(dropFiles(&dialog, {t5, tokenizer, vae, dit}));
    QVERIFY(waitForDialog(dialog));
    QCOMPARE(dialog.file(ModelPart::Dit), dit);
    QCOMPARE(dialog.file(ModelPart::TextEncoder), t5);
    QCOMPARE(dialog.file(ModelPart::Vae), vae);
    QCOMPARE(dialog.file(ModelPart::Tokenizer), tokenizer);
    QVERIFY(dialog.file(ModelPart::Clip).isEmpty());
    QVERIFY2(dialog.check().ok, qPrintable(dialog.statusText()));
    QVERIFY(dialog.okButton()->isEnabled());
}

// The image-to-video fixture's five parts under names that say nothing, dropped in a shuffled order: the
// CLIP vision encoder and the tokenizer find their rows by content too. A file of no part (the t2v fixture's
// config.json renamed as weights) lands in the DiT row, where the check names it.
void TestModelFiles::imageSetFilesFindTheirRows()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir dir;
    const auto copy = [&](const char* from, const QString& to) {
        const QString target = dir.filePath(to);
        return QFile::copy(fixture("wan-tiny-i2v", from), target) ? target : QString();
    };
    const QString dit = copy("diffusion_pytorch_model.safetensors", QStringLiteral("p.safetensors"));
    const QString clip =
        copy("models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth", QStringLiteral("q.pth"));
    const QString vae = copy("Wan2.1_VAE.pth", QStringLiteral("r.pth"));
    const QString t5 = copy("models_t5_umt5-xxl-enc-bf16.pth", QStringLiteral("s.pth"));
    const QString tokenizer = copy("google/umt5-xxl/spiece.model", QStringLiteral("t.model"));
    QVERIFY(!dit.isEmpty() && !clip.isEmpty() && !vae.isEmpty() && !t5.isEmpty() && !tokenizer.isEmpty());
    QVERIFY(copy("config.json", QStringLiteral("config.json")).size() > 0);

    ModelFilesDialog dialog(&inspectModelSetChecked, &identifyModelFileChecked, QString(), {});
    dialog.show();
    QVERIFY(waitForDialog(dialog));
    QVERIFY(dropFiles(&dialog, {tokenizer, clip, t5, dit, vae}));
    QVERIFY(waitForDialog(dialog));
    QCOMPARE(dialog.file(ModelPart::Dit), dit);
    QCOMPARE(dialog.file(ModelPart::Clip), clip);
    QCOMPARE(dialog.file(ModelPart::TextEncoder), t5);
    QCOMPARE(dialog.file(ModelPart::Vae), vae);
    QCOMPARE(dialog.file(ModelPart::Tokenizer), tokenizer);
    QVERIFY2(dialog.check().ok, qPrintable(dialog.statusText()));
    QVERIFY(dialog.check().tasks.contains(QStringLiteral("i2v-14B")));

    const QString junk = dir.filePath(QStringLiteral("u.safetensors"));
    QVERIFY(QFile::copy(fixture("wan-tiny-t2v", "config.json"), junk));
    QVERIFY(dropFiles(&dialog, {junk}));
    QVERIFY(waitForDialog(dialog));
    QCOMPARE(dialog.file(ModelPart::Dit), junk);
    QCOMPARE(dialog.file(ModelPart::Clip), clip);
    QVERIFY(!dialog.check().ok);
    QVERIFY2(dialog.statusText().contains(QStringLiteral("u.safetensors")), qPrintable(dialog.statusText()));
    QVERIFY(!dialog.okButton()->isEnabled());
}

// The main window: a set without a folder is checked as a set, carried into the queued request, saved and
// restored; a model file dropped on the window opens the dialog with it; the demo button clears the files.
void TestModelFiles::mainWindowCarriesTheSet()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir dir;
    const QString demo = dir.filePath(QStringLiteral("demo-t2v"));
    wan::ModelFiles files;
    files.dit = fixture("wan-tiny-t2v", "diffusion_pytorch_model.safetensors").toStdString();
    files.t5 = fixture("wan-tiny-t2v", "models_t5_umt5-xxl-enc-bf16.pth").toStdString();
    files.vae = fixture("wan-tiny-t2v", "Wan2.1_VAE.pth").toStdString();
    {
        Studio studio(dir.path());
        StudioServices services = studio.services();
        services.demoModelFolder = demo;
        MainWindow window(services);
        window.show();
        QVERIFY(waitForPicker(window));
        QVERIFY(
            window.modelPicker()->findChild<QPushButton*>(QStringLiteral("modelFilesButton"))->isVisible());

        window.modelPicker()->setModelSet(QString(), files);
        QVERIFY(waitForPicker(window));
        QVERIFY2(window.modelPicker()->check().ok, qPrintable(window.modelPicker()->statusText()));
        QVERIFY(window.modelPicker()->statusText().contains(
            QStringLiteral("diffusion_pytorch_model.safetensors")));
        window.resize(1280, 820);
        QCoreApplication::processEvents(); // the new status lines laid out
        saveScreenshot(&window, QStringLiteral("mainwindow-modelfiles.png"));
        window.promptEditor()->setText(QStringLiteral("a red ball rolls"));
        QCOMPARE(window.submit(), QString());
        QCOMPARE(studio.queue.rowCount(), 1);
        const wan::Request& request = studio.queue.job(studio.queue.idAt(0))->request;
        QVERIFY(request.models == files);
        QVERIFY(request.ckptDir.empty());
        QVERIFY(modelFilesFromJson(
                    studio.settings.value(QLatin1String(settings_keys::kModelFiles)).toString()) == files);
        window.close();
    }
    {
        // Restored at start; then a dropped file opens the dialog with it in its row.
        Studio studio(dir.path());
        StudioServices services = studio.services();
        services.demoModelFolder = demo;
        MainWindow window(services);
        window.show();
        QVERIFY(waitForPicker(window));
        QVERIFY(window.modelPicker()->modelFiles() == files);
        QVERIFY(window.modelPicker()->check().ok);

        // A picture is no model file: no dialog (a text-to-video window says it is no result of the app).
        dropFiles(&window, {dir.filePath(QStringLiteral("frame.png"))});
        QVERIFY(window.findChild<ModelFilesDialog*>() == nullptr);
        const QString vae = fixture("wan-tiny-i2v", "Wan2.1_VAE.pth");
        QVERIFY(dropFiles(&window, {vae}));
        auto* dialog = window.findChild<ModelFilesDialog*>();
        QVERIFY(dialog);
        QVERIFY(waitForDialog(*dialog));
        QCOMPARE(dialog->file(ModelPart::Vae), vae);
        QCOMPARE(dialog->file(ModelPart::Dit), QString::fromStdString(files.dit.string()));
        dialog->reject();

        // The built-in demo: its folder alone.
        QTest::mouseClick(window.modelPicker()->findChild<QPushButton*>(QStringLiteral("builtInDemo")),
                          Qt::LeftButton);
        QVERIFY(waitForPicker(window));
        QVERIFY(window.modelPicker()->modelFiles().empty());
        QCOMPARE(window.modelPicker()->folder(), QDir::toNativeSeparators(demo));
        window.promptEditor()->setText(QStringLiteral("a blue cube"));
        QCOMPARE(window.submit(), QString());
        const wan::Request& request =
            studio.queue.job(studio.queue.idAt(studio.queue.rowCount() - 1))->request;
        QVERIFY(request.models.empty());
        QVERIFY(
            modelFilesFromJson(studio.settings.value(QLatin1String(settings_keys::kModelFiles)).toString())
                .empty());
        window.close();
    }
}

// With a DiT file the model type comes from the set, not the folder: an image model's files switch the form
// to image to video although the (t2v) folder would offer text to video.
void TestModelFiles::imageSetDecidesTheTask()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.show();
    window.modelPicker()->setFolder(fixture("wan-tiny-t2v"));
    QVERIFY(waitForPicker(window));
    QVERIFY(window.task() == wan::Task::T2V);

    wan::ModelFiles files;
    files.dit = fixture("wan-tiny-i2v", "diffusion_pytorch_model.safetensors").toStdString();
    files.clip =
        fixture("wan-tiny-i2v", "models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth").toStdString();
    window.modelPicker()->setModelFiles(files);
    QVERIFY(waitForPicker(window));
    const FolderCheck& check = window.modelPicker()->check();
    QVERIFY2(check.ok, qPrintable(window.modelPicker()->statusText()));
    QVERIFY(check.modelType == wan::ModelType::I2V);
    QVERIFY(window.task() == wan::Task::I2V);

    // Image to video: a picture dropped anywhere on the window (a JPEG, or a PNG the app did not make) is the
    // image; no model files dialog opens.
    for (const char* name : {"photo.jpg", "drawing.png"}) {
        const QString picture = dir.filePath(QLatin1String(name));
        QImage image(64, 48, QImage::Format_RGB32);
        image.fill(QColor(200, 40, 40));
        QVERIFY(image.save(picture));
        window.imageDropZone()->clear();
        QVERIFY(window.imageDropZone()->imagePath().isEmpty());
        QVERIFY(dropFiles(&window, {picture}));
        QVERIFY2(!window.imageDropZone()->imagePath().isEmpty(), name);
        QCOMPARE(window.imageDropZone()->imageSize(), QSize(64, 48));
        QVERIFY(window.findChild<ModelFilesDialog*>() == nullptr);
    }

    // Without the CLIP file the t2v folder has none to give: the problem is shown, the form refuses.
    files.clip.clear();
    window.modelPicker()->setModelFiles(files);
    QVERIFY(waitForPicker(window));
    QVERIFY(!window.modelPicker()->check().ok);
    QVERIFY2(window.modelPicker()->statusText().contains(QStringLiteral("CLIP")),
             qPrintable(window.modelPicker()->statusText()));
    window.promptEditor()->setText(QStringLiteral("a cat"));
    QVERIFY(!window.submit().isEmpty());
    QCOMPARE(studio.queue.rowCount(), 0);
    window.close();
}

int main(int argc, char** argv)
{
    // As the app does: Qt 6.4 defaults to GStreamer, which crashes without its plugin packages.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("wan-studio-test"));
    TestModelFiles test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_modelfiles.moc"
