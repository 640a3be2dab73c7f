// The main window with a scripted engine: folder validation, per-task defaults, form checks, a job running
// and finished. Saves screenshots (idle, running, finished) into the build folder.
#include "ExportFile.h"
#include "FakeJobRunner.h"
#include "GenerationSettingsPanel.h"
#include "ImageDropZone.h"
#include "InferenceBridge.h"
#include "MainWindow.h"
#include "MemoryPlanView.h"
#include "ModelFolderPicker.h"
#include "PlayerWidget.h"
#include "ProgressPanel.h"
#include "PromptEditor.h"
#include "QueueRunner.h"
#include "QueueStore.h"
#include "RenderQueueDock.h"
#include "RenderQueueModel.h"
#include "SettingsDialog.h"
#include "VaceInputPanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QInputMethodEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QLinearGradient>
#include <QMessageBox>
#include <QMutex>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTranslator>

#include <memory>

using namespace wan::ui;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

namespace {
FolderCheck fakeInspect(const QString& dir)
{
    FolderCheck check;
    if (dir.contains(QLatin1String("flf2v")) || dir.contains(QLatin1String("vace"))) {
        check.ok = true;
        check.modelType = dir.contains(QLatin1String("flf2v")) ? wan::ModelType::FLF2V : wan::ModelType::VACE;
        check.large = dir.contains(QLatin1String("14B"));
        check.summary = check.large ? QStringLiteral("model_type %1, dim 5120, 40 layers, bf16").arg(dir)
                                    : QStringLiteral("model_type %1, dim 1536, 30 layers, bf16").arg(dir);
    } else if (dir.contains(QLatin1String("t2v")) || dir.contains(QLatin1String("i2v"))) {
        check.ok = true;
        check.modelType = dir.contains(QLatin1String("i2v")) ? wan::ModelType::I2V : wan::ModelType::T2V;
        check.large = dir.contains(QLatin1String("14B"));
        check.summary = QStringLiteral("model_type %1, dim 1536, 30 layers, bf16").arg(dir);
    } else {
        check.problem = QStringLiteral("%1/models_t5_umt5-xxl-enc-bf16.pth is missing").arg(dir);
        check.missing = {QStringLiteral("models_t5_umt5-xxl-enc-bf16.pth"), QStringLiteral("Wan2.1_VAE.pth")};
    }
    return check;
}

// Everything the window needs, built the way the app builds it, over temporary folders.
struct Studio
{
    explicit Studio(const QString& root)
        : settings(QDir(root).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat),
          store(QDir(root).filePath(QStringLiteral("queue.json"))), queue(&store),
          bridge(fakeRunnerFactory(&log)), runner(&queue, &bridge, QDir(root).filePath(QStringLiteral("out")))
    {
    }

    StudioServices services()
    {
        StudioServices s;
        s.settings = &settings;
        s.queue = &queue;
        s.runner = &runner;
        s.bridge = &bridge;
        s.inspectFolder = &fakeInspect;
        s.negativePrompt = [](wan::Task task) {
            return QStringLiteral("negative for %1").arg(taskName(task));
        };
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

// A picture worth looking at in a screenshot: a diagonal gradient between two colours.
QString writeTestImage(const QString& dir, const QString& name, QSize size, QColor from, QColor to)
{
    QImage image(size, QImage::Format_RGB32);
    QPainter painter(&image);
    QLinearGradient gradient(0, 0, size.width(), size.height());
    gradient.setColorAt(0, from);
    gradient.setColorAt(1, to);
    painter.fillRect(image.rect(), gradient);
    painter.end();
    const QString path = QDir(dir).filePath(name);
    return image.save(path) ? path : QString();
}

// Scrolls the form so that the widget (plus `below` pixels under it) shows.
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

bool waitForFolderCheck(MainWindow& window)
{
    return QTest::qWaitFor([&] { return !window.modelPicker()->isChecking(); }, 5000);
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void folderValidation();
    void taskSwitchKeepsPerTaskSettings();
    void formChecks_data();
    void formChecks();
    void chineseInputAndTokenEstimate();
    void runningAndFinishedWithScreenshots();
    void editPendingJob();
    void switchesLanguageLive();
    void closingWhileRunningAsksThenCancels();
    void quittingNeverWaitsLongForAStuckJob_data();
    void quittingNeverWaitsLongForAStuckJob();
    void devicePickerListsDevicesWithScreenshot();
    void devicePickerKeepsAVanishedChoice();
    void jobsTakeTheChosenDeviceAndNoise();
    void tasksFollowTheModelFolder();
    void flf2vFormBuildsRequestWithScreenshot();
    void vaceFormBuildsRequestWithScreenshot();
    void vaceKeepsChosenSizeWhenAsked();
    void serverTextIsNeverHtml();
    void exportNeverLosesFiles();
    void builtInDemoOpensFirstAndLocksItsSettings();
    void memoryPlanUnderTheForm();
};

// "Export as…": onto the job's own file is refused, a failed copy keeps the old target, a good one replaces
// it.
void TestMainWindow::exportNeverLosesFiles()
{
    QTemporaryDir dir;
    auto write = [&](const QString& name, const QByteArray& bytes) {
        QFile file(dir.filePath(name));
        return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
    };
    auto read = [&](const QString& name) {
        QFile file(dir.filePath(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
    };
    QVERIFY(write(QStringLiteral("job.mp4"), "the video"));
    QVERIFY(write(QStringLiteral("old.mp4"), "an older export"));
    QString error;
    QVERIFY(!exportFile(dir.filePath(QStringLiteral("job.mp4")), dir.filePath(QStringLiteral("job.mp4")),
                        &error));
    QVERIFY2(error.contains(QLatin1String("own file")), qPrintable(error));
    QCOMPARE(read(QStringLiteral("job.mp4")), QByteArray("the video"));
    // The same file through another name.
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("job.mp4")), dir.filePath(QStringLiteral("link.mp4"))));
    QVERIFY(!exportFile(dir.filePath(QStringLiteral("job.mp4")), dir.filePath(QStringLiteral("link.mp4"))));
    QCOMPARE(read(QStringLiteral("job.mp4")), QByteArray("the video"));
    // A copy that cannot happen leaves the old target alone.
    QVERIFY(!exportFile(dir.filePath(QStringLiteral("gone.mp4")), dir.filePath(QStringLiteral("old.mp4")),
                        &error));
    QCOMPARE(read(QStringLiteral("old.mp4")), QByteArray("an older export"));
    QVERIFY(exportFile(dir.filePath(QStringLiteral("job.mp4")), dir.filePath(QStringLiteral("old.mp4"))));
    QCOMPARE(read(QStringLiteral("old.mp4")), QByteArray("the video"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 3); // no temporary file left behind
}

// Prompts and error messages can come from a prompt-extension server: a label must show them as text, not
// render their markup (links, remote images).
void TestMainWindow::serverTextIsNeverHtml()
{
    ProgressPanel panel;
    const QString prompt = QStringLiteral("<b>bold</b> <a href=\"http://example.com\">link</a>");
    const QString error = QStringLiteral("<img src=\"http://example.com/x.png\"><h1>server says</h1>");
    panel.startJob(QUuid::createUuid(), prompt);
    JobOutcome outcome;
    outcome.status = wan::JobStatus::Failed;
    outcome.error = error;
    panel.showOutcome(outcome, error);
    int checked = 0;
    for (const QLabel* label : panel.findChildren<QLabel*>()) {
        if (!label->text().contains(QLatin1Char('<')))
            continue;
        ++checked;
        QVERIFY2(label->textFormat() == Qt::PlainText, qPrintable(label->text()));
    }
    QVERIFY(checked >= 2); // the title and the message
}

void TestMainWindow::folderValidation()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.modelPicker()->setFolder(QStringLiteral("/models/empty"));
    QVERIFY(waitForFolderCheck(window));
    const QString status = window.modelPicker()->statusText();
    QVERIFY2(status.contains(QStringLiteral("models_t5_umt5-xxl-enc-bf16.pth")), qPrintable(status));
    QVERIFY(status.contains(QStringLiteral("Wan2.1_VAE.pth")));
    for (const char* model :
         {"Wan2.1-T2V-1.3B", "Wan2.1-T2V-14B", "Wan2.1-I2V-14B-480P", "Wan2.1-I2V-14B-720P"}) {
        QVERIFY(status.contains(QStringLiteral("huggingface.co/Wan-AI/%1").arg(QLatin1String(model))));
        QVERIFY(status.contains(QStringLiteral("modelscope.cn/models/Wan-AI/%1").arg(QLatin1String(model))));
    }
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-t2v-14B"));
    QVERIFY(waitForFolderCheck(window));
    QVERIFY(window.modelPicker()->check().ok);
    QCOMPARE(window.settingsPanel()->modelSize(), ModelSize::Large);
    QCOMPARE(studio.settings.value(QStringLiteral("model/dir")).toString(),
             QStringLiteral("/models/Wan2.1-t2v-14B"));
    // An I2V folder moves the window to the I2V task.
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-i2v-14B"));
    QVERIFY(waitForFolderCheck(window));
    QCOMPARE(int(window.task()), int(wan::Task::I2V));
}

void TestMainWindow::taskSwitchKeepsPerTaskSettings()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    {
        MainWindow window(studio.services());
        QCOMPARE(window.negativeEditor()->text(), QStringLiteral("negative for t2v"));
        QVERIFY(!window.imageDropZone()->isVisibleTo(&window));
        wan::Request request;
        window.settingsPanel()->fillRequest(&request);
        QCOMPARE(request.steps, 50);
        QCOMPARE(request.frameNum, 81);
        request.steps = 7;
        request.frameNum = 17;
        window.settingsPanel()->applyRequest(request);

        window.setTask(wan::Task::I2V);
        QVERIFY(window.imageDropZone()->isVisibleTo(&window));
        QCOMPARE(window.negativeEditor()->text(), QStringLiteral("negative for i2v"));
        window.settingsPanel()->fillRequest(&request);
        QCOMPARE(request.steps, 40);  // the official i2v default
        QCOMPARE(request.shift, 3.0); // i2v at 480p

        window.setTask(wan::Task::T2I);
        window.settingsPanel()->fillRequest(&request);
        QCOMPARE(request.frameNum, 1);

        window.setTask(wan::Task::T2V);
        window.settingsPanel()->fillRequest(&request);
        QCOMPARE(request.steps, 7);
        QCOMPARE(request.frameNum, 17);
        window.setTask(wan::Task::I2V);
        window.close();
    }
    MainWindow again(studio.services()); // remembered across restarts, with the last task
    QCOMPARE(int(again.task()), int(wan::Task::I2V));
    again.setTask(wan::Task::T2V);
    wan::Request request;
    again.settingsPanel()->fillRequest(&request);
    QCOMPARE(request.steps, 7);
}

void TestMainWindow::formChecks_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("task");
    QTest::addColumn<QString>("prompt");
    QTest::addColumn<int>("frames");
    QTest::addColumn<QString>("expectedWords");
    QTest::newRow("no-model") << "/models/empty" << int(wan::Task::T2V) << "a cat" << 81 << "model folder";
    QTest::newRow("no-prompt") << "/models/t2v" << int(wan::Task::T2V) << "  " << 81 << "prompt";
    QTest::newRow("bad-frames") << "/models/t2v" << int(wan::Task::T2V) << "a cat" << 80 << "4n+1";
    QTest::newRow("i2v-no-image") << "/models/i2v-14B" << int(wan::Task::I2V) << "a cat" << 81
                                  << "first frame";
    QTest::newRow("wrong-model") << "/models/t2v" << int(wan::Task::I2V) << "a cat" << 81 << "I2V model";
    QTest::newRow("flf2v-wrong-model")
        << "/models/t2v" << int(wan::Task::FLF2V) << "a cat" << 81 << "FLF2V model";
    QTest::newRow("vace-wrong-model")
        << "/models/i2v-14B" << int(wan::Task::VACE) << "a cat" << 81 << "VACE model";
    QTest::newRow("flf2v-no-frames") << "/models/flf2v-14B" << int(wan::Task::FLF2V) << "a cat" << 81
                                     << "both frames";
    QTest::newRow("t2v-on-vace-folder")
        << "/models/vace-1.3B" << int(wan::Task::T2V) << "a cat" << 81 << "VACE video-editing model";
    QTest::newRow("ok") << "/models/t2v" << int(wan::Task::T2V) << "a cat" << 81 << "";
}

void TestMainWindow::formChecks()
{
    QFETCH(QString, folder);
    QFETCH(int, task);
    QFETCH(QString, prompt);
    QFETCH(int, frames);
    QFETCH(QString, expectedWords);
    QTemporaryDir dir;
    Studio studio(dir.path());
    studio.runner.setQueuePaused(true);
    MainWindow window(studio.services());
    window.modelPicker()->setFolder(folder);
    QVERIFY(waitForFolderCheck(window));
    window.setTask(wan::Task(task));
    window.promptEditor()->setText(prompt);
    wan::Request request;
    window.settingsPanel()->fillRequest(&request);
    request.frameNum = frames;
    window.settingsPanel()->applyRequest(request);
    const QString error = window.submit();
    if (expectedWords.isEmpty()) {
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(studio.queue.rowCount(), 1);
        QCOMPARE(window.promptEditor()->history().first(), prompt);
    } else {
        QVERIFY2(error.contains(expectedWords), qPrintable(error));
        QCOMPARE(studio.queue.rowCount(), 0);
    }
}

void TestMainWindow::chineseInputAndTokenEstimate()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.show();
    QPlainTextEdit* editor = window.promptEditor()->editor();
    editor->setFocus();
    // Typed characters arrive as key events carrying their text (QTest::keyClicks is ASCII only).
    for (const QChar c : QStringLiteral("一只猫")) {
        QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, QString(c));
        QCoreApplication::sendEvent(editor, &press);
    }
    // What an input method sends when the user picks a candidate.
    QInputMethodEvent commit;
    commit.setCommitString(QStringLiteral("在海上冲浪"));
    QCoreApplication::sendEvent(editor, &commit);
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("一只猫在海上冲浪"));
    QCOMPARE(window.promptEditor()->estimatedTokens(), 8 + 1); // one per CJK character plus the end token
    window.promptEditor()->setText(QString(600, QChar(0x732b)));
    QVERIFY(window.promptEditor()->estimatedTokens() > kTextTokenLimit);
}

void TestMainWindow::runningAndFinishedWithScreenshots()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.resize(1280, 860);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-t2v-1.3B"));
    QVERIFY(waitForFolderCheck(window));
    window.promptEditor()->setText(QStringLiteral("A cat surfing a wave at sunset, cinematic"));
    saveScreenshot(&window, QStringLiteral("mainwindow-idle.png"));

    QSignalSpy started(&studio.runner, &QueueRunner::jobStarted);
    QSignalSpy previews(&studio.runner, &QueueRunner::jobPreview);
    QSignalSpy finished(&studio.runner, &QueueRunner::jobFinished);
    window.promptEditor()->setText(QStringLiteral("wait"));
    QVERIFY(window.submit().isEmpty());
    QVERIFY(started.wait(5000));
    QTRY_VERIFY_WITH_TIMEOUT(previews.count() >= 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(window.progressPanel()->stepText(), QStringLiteral("Step 1/1"), 5000);
    QCOMPARE(window.progressPanel()->job(), started.at(0).at(0).toUuid());
    saveScreenshot(&window, QStringLiteral("mainwindow-running.png"));

    auto* cancel = window.progressPanel()->findChild<QPushButton*>();
    QVERIFY(cancel && cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.at(0).at(1).value<JobOutcome>().status, wan::JobStatus::Cancelled);
    QCOMPARE(studio.queue.jobs().first().state, JobState::Cancelled);

    window.setTask(wan::Task::T2I);
    wan::Request request;
    window.settingsPanel()->fillRequest(&request);
    request.steps = 4;
    window.settingsPanel()->applyRequest(request);
    window.promptEditor()->setText(QStringLiteral("a lighthouse at dawn"));
    QVERIFY(window.submit().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 5000);
    const JobOutcome outcome = finished.at(1).at(1).value<JobOutcome>();
    QCOMPARE(outcome.status, wan::JobStatus::Done);
    QVERIFY(window.isShowingPlayer());
    QCOMPARE(window.player()->currentFile(), outcome.outputPath);
    window.queueDock()->view()->selectRow(1);
    saveScreenshot(&window, QStringLiteral("mainwindow-finished.png"));
    window.close();
}

void TestMainWindow::editPendingJob()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    studio.runner.setQueuePaused(true);
    MainWindow window(studio.services());
    window.modelPicker()->setFolder(QStringLiteral("/models/t2v"));
    QVERIFY(waitForFolderCheck(window));
    window.promptEditor()->setText(QStringLiteral("first version"));
    QVERIFY(window.submit().isEmpty());
    const QUuid id = studio.queue.idAt(0);
    window.promptEditor()->setText(QStringLiteral("something else"));
    window.editJob(id);
    QCOMPARE(window.promptEditor()->text(), QStringLiteral("first version"));
    window.promptEditor()->setText(QStringLiteral("second version"));
    QVERIFY(window.submit().isEmpty());
    QCOMPARE(studio.queue.rowCount(), 1);
    QCOMPARE(studio.queue.job(id)->request.prompt, std::string("second version"));
}

void TestMainWindow::switchesLanguageLive()
{
#ifndef WAN_UI_QM_DIR
    QSKIP("the compiled translations are not part of this build");
#else
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    QTranslator chinese;
    QVERIFY(chinese.load(QStringLiteral("wan_studio_zh_CN"), QStringLiteral(WAN_UI_QM_DIR)));
    QCoreApplication::installTranslator(&chinese);
    const auto buttonTexts = [&] {
        QStringList texts;
        for (const QPushButton* button : window.findChildren<QPushButton*>())
            texts.append(button->text());
        return texts;
    };
    // Qt posts LanguageChange to the windows, which pass it on to every child.
    QTRY_VERIFY2(buttonTexts().contains(QStringLiteral("加入队列")),
                 qPrintable(buttonTexts().join(QLatin1Char('|'))));
    QCOMPARE(studio.queue.headerData(RenderQueueModel::PromptColumn, Qt::Horizontal).toString(),
             QStringLiteral("提示词"));
    QCOMPARE(jobStateText(JobState::Queued), QStringLiteral("排队中"));
    QCoreApplication::removeTranslator(&chinese);
    QTRY_VERIFY(buttonTexts().contains(QStringLiteral("Add to queue")));
#endif
}

namespace {
// Answers the next modal question box with `button` once it is open.
void answerNextQuestion(QMessageBox::StandardButton button)
{
    QTimer::singleShot(50, [button] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box)
            box->button(button)->click();
        else
            answerNextQuestion(button);
    });
}
} // namespace

void TestMainWindow::closingWhileRunningAsksThenCancels()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.show();
    window.modelPicker()->setFolder(QStringLiteral("/models/t2v"));
    QVERIFY(waitForFolderCheck(window));
    QSignalSpy started(&studio.runner, &QueueRunner::jobStarted);
    QSignalSpy finished(&studio.runner, &QueueRunner::jobFinished);
    window.promptEditor()->setText(QStringLiteral("wait"));
    QVERIFY(window.submit().isEmpty());
    window.promptEditor()->setText(QStringLiteral("queued behind"));
    QVERIFY(window.submit().isEmpty());
    QVERIFY(started.wait(5000));

    answerNextQuestion(QMessageBox::No);
    QVERIFY(!window.close()); // the user changed their mind: nothing stops
    QVERIFY(window.isVisible());
    QVERIFY(studio.bridge.isBusy());

    answerNextQuestion(QMessageBox::Yes);
    QVERIFY(window.close()); // returns after the job was cancelled and the thread joined
    QVERIFY(!studio.bridge.isBusy());
    QCOMPARE(finished.count(), 1);
    QCOMPARE(studio.queue.jobs().at(0).state, JobState::Cancelled);
    QCOMPARE(studio.queue.jobs().at(1).state, JobState::Queued); // stays for the next start
    QCOMPARE(studio.store.load().jobs.at(1).state, JobState::Queued);
}

namespace {
// Clicks the button `text` of the next message box that has one, once it is shown (tries for 10 s); with a
// screenshot name, saves the box first.
void clickNextMessageButton(const QString& text, std::shared_ptr<QString> boxText, const QString& screenshot,
                            int attempts = 200)
{
    QTimer::singleShot(50, [text, boxText, screenshot, attempts] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            for (QAbstractButton* button : box->buttons())
                if (button->text() == text) {
                    *boxText = box->text();
                    if (!screenshot.isEmpty())
                        saveScreenshot(box, screenshot);
                    button->click();
                    return;
                }
        }
        if (attempts > 0)
            clickNextMessageButton(text, boxText, screenshot, attempts - 1);
    });
}
} // namespace

// A job that does not look at the cancel token (a model still loading): closing waits a bounded time, then
// offers to finish in the background or to force quit; the GUI thread is never blocked until the job ends.
void TestMainWindow::quittingNeverWaitsLongForAStuckJob_data()
{
    QTest::addColumn<bool>("force");
    QTest::newRow("finish in the background") << false;
    QTest::newRow("force quit") << true;
}

void TestMainWindow::quittingNeverWaitsLongForAStuckJob()
{
    QFETCH(bool, force);
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.setQuitWaitMs(300);
    int forceQuits = 0;
    window.setForceQuitHandler([&] { ++forceQuits; });
    window.show();
    window.modelPicker()->setFolder(QStringLiteral("/models/t2v"));
    QVERIFY(waitForFolderCheck(window));
    QSignalSpy started(&studio.runner, &QueueRunner::jobStarted);
    window.promptEditor()->setText(QStringLiteral("block"));
    QVERIFY(window.submit().isEmpty());
    QVERIFY(started.wait(5000));
    QTRY_VERIFY(studio.log.blocking.load());

    answerNextQuestion(QMessageBox::Yes); // "quit anyway?"
    const auto shown = std::make_shared<QString>();
    clickNextMessageButton(force ? QStringLiteral("Force quit") : QStringLiteral("Finish in the background"),
                           shown, force ? QString() : QStringLiteral("quit-still-stopping.png"));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(window.close());
    const qint64 ms = timer.elapsed();
    qInfo("close() returned after %lld ms with the job still running", static_cast<long long>(ms));
    QVERIFY2(ms < 5000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
    QVERIFY(studio.log.blocking.load()); // the job has not ended: close() did not wait for it
    QVERIFY2(shown->contains(QStringLiteral("has not stopped yet")), qPrintable(*shown));
    QCOMPARE(forceQuits, force ? 1 : 0);
    QVERIFY(studio.bridge.isBusy());
    QVERIFY(!studio.queue.hasUnsavedChanges()); // the queue was written before asking

    // The job ends in the background; a later shutdown (the app's exit) delivers its outcome.
    studio.log.release = true;
    studio.bridge.shutdown();
    QVERIFY(!studio.bridge.isBusy());
    QCOMPARE(studio.queue.jobs().at(0).state, JobState::Cancelled);
}

// The plan of the form's request shows under the form once a usable folder is chosen: the request carries the
// folder, the settings' device and GPU memory budget, and a new size plans again.
void TestMainWindow::memoryPlanUnderTheForm()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    studio.settings.setValue(QLatin1String(settings_keys::kVramBudgetGiB), 8.0);
    auto asked = std::make_shared<QList<wan::Request>>();
    auto mutex = std::make_shared<QMutex>();
    StudioServices services = studio.services();
    services.planMemory = [asked, mutex](const wan::Request& request) {
        {
            QMutexLocker lock(mutex.get());
            asked->append(request);
        }
        MemoryPlanCheck check;
        check.ok = true;
        check.plan.device = "cuda:0";
        check.plan.t5OnCpu = true;
        check.plan.devicePeakBytes = std::uint64_t(request.width) * request.height * 16000;
        check.plan.deviceBudgetBytes = std::uint64_t(request.vramBudgetGiB.value_or(0) * double(1ull << 30));
        check.plan.hostPeakBytes = 14ull << 30;
        check.plan.hostAvailableBytes = 30ull << 30;
        return check;
    };
    MainWindow window(services);
    window.resize(1280, 860);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* plan = window.findChild<MemoryPlanView*>();
    QVERIFY(plan);
    plan->setDelayMs(10);
    QVERIFY(plan->isHidden()); // no folder yet
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-t2v-1.3B"));
    QVERIFY(waitForFolderCheck(window));
    QTRY_VERIFY(plan->isVisible());
    QVERIFY2(
        plan->text().startsWith(QStringLiteral("Memory plan: GPU cuda:0: text encoder on the processor.")),
        qPrintable(plan->text()));
    QVERIFY2(plan->text().contains(QStringLiteral("of 8.0 GB it may use")), qPrintable(plan->text()));
    {
        QMutexLocker lock(mutex.get());
        QVERIFY(!asked->isEmpty());
        QCOMPARE(QString::fromStdString(asked->last().ckptDir.string()),
                 QStringLiteral("/models/Wan2.1-t2v-1.3B"));
        QCOMPARE(asked->last().vramBudgetGiB.value_or(0), 8.0);
    }
    window.promptEditor()->setText(QStringLiteral("A cat surfing a wave at sunset, cinematic"));
    if (auto* scroll = window.findChild<QScrollArea*>())
        scroll->ensureWidgetVisible(plan); // under the form, above Generate
    saveScreenshot(&window, QStringLiteral("mainwindow-plan.png"));

    // A task the folder cannot run: no plan; back to one it can: planned again.
    const qsizetype plans = [&] {
        QMutexLocker lock(mutex.get());
        return asked->size();
    }();
    window.setTask(wan::Task::I2V);
    QTRY_VERIFY(plan->isHidden());
    window.setTask(wan::Task::T2V);
    QTRY_VERIFY(plan->isVisible());
    QMutexLocker lock(mutex.get());
    QVERIFY(asked->size() > plans);
    QCOMPARE(int(asked->last().task), int(wan::Task::T2V));
}

int main(int argc, char** argv)
{
    // As the app does: Qt 6.4 defaults to GStreamer, which crashes without its plugin packages.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("wan-studio-test"));
    TestMainWindow test;
    return QTest::qExec(&test, argc, argv);
}

namespace {
std::vector<wan::ComputeDevice> fakeDevices()
{
    wan::ComputeDevice a{
        "cuda:0", "NVIDIA GeForce RTX 4090", std::uint64_t(24) << 30, std::uint64_t(22) << 30, 8, 9};
    wan::ComputeDevice b{
        "cuda:1", "NVIDIA GeForce RTX 2080 Ti", std::uint64_t(11) << 30, std::uint64_t(10) << 30, 7, 5};
    wan::ComputeDevice cpu{"cpu", "AMD Ryzen 9 7950X", std::uint64_t(64) << 30, std::uint64_t(50) << 30, 0,
                           0};
    return {a, b, cpu};
}
} // namespace

void TestMainWindow::devicePickerListsDevicesWithScreenshot()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    SettingsDialog dialog(&settings, fakeDevices());
    auto* picker = dialog.findChild<QComboBox*>(QStringLiteral("devicePicker"));
    QVERIFY(picker);
    QCOMPARE(picker->isEditable(), false);
    QCOMPARE(picker->count(), 3);
    // Nothing stored: the first GPU.
    QCOMPARE(dialog.device(), QStringLiteral("cuda:0"));
    QVERIFY2(picker->itemText(0).contains(QStringLiteral("RTX 4090")) &&
                 picker->itemText(0).contains(QStringLiteral("24.0 GiB")) &&
                 picker->itemText(0).contains(QStringLiteral("8.9")),
             qPrintable(picker->itemText(0)));
    QVERIFY2(picker->itemText(2).contains(QStringLiteral("CPU")), qPrintable(picker->itemText(2)));
    picker->setCurrentIndex(1);
    auto* noise = dialog.findChild<QComboBox*>(QStringLiteral("noisePicker"));
    QVERIFY(noise);
    QCOMPARE(dialog.noise(), QStringLiteral("cpu"));
    noise->setCurrentIndex(noise->findData(QStringLiteral("device")));
    auto* textMath = dialog.findChild<QComboBox*>(QStringLiteral("textPrecisionPicker"));
    QVERIFY(textMath);
    QCOMPARE(textMath->count(), 3);
    QCOMPARE(int(dialog.textPrecision()), int(wan::TextPrecision::Auto));
    textMath->setCurrentIndex(textMath->findData(int(wan::TextPrecision::BFloat16)));
    auto* vaeMath = dialog.findChild<QComboBox*>(QStringLiteral("vaePrecisionPicker"));
    QVERIFY(vaeMath);
    QCOMPARE(vaeMath->count(), 4);
    QCOMPARE(int(dialog.vaePrecision()), int(wan::VaePrecision::Auto));
    vaeMath->setCurrentIndex(vaeMath->findData(int(wan::VaePrecision::Float16)));
    dialog.resize(760, 420);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    saveScreenshot(&dialog, QStringLiteral("settings-devices.png"));
    dialog.save();
    QCOMPARE(settings.value(QLatin1String(settings_keys::kDevice)).toString(), QStringLiteral("cuda:1"));
    QCOMPARE(settings.value(QLatin1String(settings_keys::kNoise)).toString(), QStringLiteral("device"));
    QCOMPARE(settings.value(QLatin1String(settings_keys::kTextPrecision)).toString(), QStringLiteral("bf16"));
    QCOMPARE(settings.value(QLatin1String(settings_keys::kVaePrecision)).toString(), QStringLiteral("fp16"));
    // Remembered: a new dialog opens on the saved choice.
    SettingsDialog again(&settings, fakeDevices());
    QCOMPARE(again.device(), QStringLiteral("cuda:1"));
    QCOMPARE(again.noise(), QStringLiteral("device"));
    QCOMPARE(int(again.textPrecision()), int(wan::TextPrecision::BFloat16));
    QCOMPARE(int(again.vaePrecision()), int(wan::VaePrecision::Float16));
    // A value this version does not know reads as Automatic.
    settings.setValue(QLatin1String(settings_keys::kTextPrecision), QStringLiteral("fp8"));
    QCOMPARE(int(savedTextPrecision(settings)), int(wan::TextPrecision::Auto));
    settings.setValue(QLatin1String(settings_keys::kVaePrecision), QStringLiteral("int8"));
    QCOMPARE(int(savedVaePrecision(settings)), int(wan::VaePrecision::Auto));
}

void TestMainWindow::devicePickerKeepsAVanishedChoice()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    settings.setValue(QLatin1String(settings_keys::kDevice), QStringLiteral("cuda:3"));
    wan::ComputeDevice cpu{"cpu", "CPU", std::uint64_t(8) << 30, std::uint64_t(4) << 30, 0, 0};
    SettingsDialog dialog(&settings, {cpu});
    auto* picker = dialog.findChild<QComboBox*>(QStringLiteral("devicePicker"));
    QCOMPARE(picker->count(), 2);
    QCOMPARE(dialog.device(), QStringLiteral("cuda:3"));
    QVERIFY2(picker->currentText().contains(QStringLiteral("not found")), qPrintable(picker->currentText()));
    // Only a CPU, nothing stored: the CPU.
    QSettings empty(dir.filePath(QStringLiteral("e.ini")), QSettings::IniFormat);
    SettingsDialog cpuOnly(&empty, {cpu});
    QCOMPARE(cpuOnly.device(), QStringLiteral("cpu"));
}

void TestMainWindow::jobsTakeTheChosenDeviceAndNoise()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-t2v-1.3B"));
    QVERIFY(waitForFolderCheck(window));
    window.promptEditor()->setText(QStringLiteral("default device"));
    studio.runner.setQueuePaused(true);
    QVERIFY(window.submit().isEmpty());
    QCOMPARE(studio.queue.job(studio.queue.idAt(0))->request.device, std::string("auto"));
    QCOMPARE(studio.queue.job(studio.queue.idAt(0))->request.noise, wan::NoiseSource::Cpu);
    QCOMPARE(studio.queue.job(studio.queue.idAt(0))->request.textPrecision, wan::TextPrecision::Auto);
    QCOMPARE(studio.queue.job(studio.queue.idAt(0))->request.vaePrecision, wan::VaePrecision::Auto);
    studio.settings.setValue(QLatin1String(settings_keys::kDevice), QStringLiteral("cuda:1"));
    studio.settings.setValue(QLatin1String(settings_keys::kNoise), QStringLiteral("device"));
    studio.settings.setValue(QLatin1String(settings_keys::kTextPrecision), QStringLiteral("fp32"));
    studio.settings.setValue(QLatin1String(settings_keys::kVaePrecision), QStringLiteral("bf16"));
    window.promptEditor()->setText(QStringLiteral("second GPU"));
    QVERIFY(window.submit().isEmpty());
    const auto* job = studio.queue.job(studio.queue.idAt(studio.queue.rowCount() - 1));
    QCOMPARE(job->request.device, std::string("cuda:1"));
    QCOMPARE(job->request.noise, wan::NoiseSource::Device);
    QCOMPARE(job->request.textPrecision, wan::TextPrecision::Float32);
    QCOMPARE(job->request.vaePrecision, wan::VaePrecision::BFloat16);
}

void TestMainWindow::tasksFollowTheModelFolder()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    MainWindow window(studio.services());
    QVERIFY(window.isTaskOffered(wan::Task::T2V));
    QVERIFY(!window.isTaskOffered(wan::Task::FLF2V));
    QVERIFY(!window.isTaskOffered(wan::Task::VACE));
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-flf2v-14B"));
    QVERIFY(waitForFolderCheck(window));
    QCOMPARE(int(window.task()), int(wan::Task::FLF2V));
    QVERIFY(window.isTaskOffered(wan::Task::FLF2V));
    QVERIFY(!window.isTaskOffered(wan::Task::VACE));
    QVERIFY(window.firstFrameDropZone()->isVisibleTo(&window));
    QVERIFY(!window.imageDropZone()->isVisibleTo(&window));
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-vace-1.3B"));
    QVERIFY(waitForFolderCheck(window));
    QCOMPARE(int(window.task()), int(wan::Task::VACE));
    QVERIFY(!window.isTaskOffered(wan::Task::FLF2V));
    QVERIFY(window.vacePanel()->isVisibleTo(&window));
    QVERIFY(!window.firstFrameDropZone()->isVisibleTo(&window));
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-t2v-1.3B"));
    QVERIFY(waitForFolderCheck(window));
    QCOMPARE(int(window.task()), int(wan::Task::T2V));
    QVERIFY(!window.isTaskOffered(wan::Task::VACE));
    QVERIFY(!window.vacePanel()->isVisibleTo(&window));
}

void TestMainWindow::flf2vFormBuildsRequestWithScreenshot()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    studio.runner.setQueuePaused(true);
    MainWindow window(studio.services());
    window.resize(1280, 980);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-flf2v-14B-720P"));
    QVERIFY(waitForFolderCheck(window));
    QCOMPARE(int(window.task()), int(wan::Task::FLF2V));
    window.promptEditor()->setText(QStringLiteral("A flower opens at dawn, time-lapse"));
    wan::Request sizes;
    window.settingsPanel()->fillRequest(&sizes);
    sizes.width = 1280;
    sizes.height = 720;
    window.settingsPanel()->applyRequest(sizes);

    const QString first = writeTestImage(dir.path(), QStringLiteral("first.png"), QSize(1024, 768),
                                         QColor(0x1d, 0x35, 0x57), QColor(0xe6, 0x39, 0x46));
    const QString last = writeTestImage(dir.path(), QStringLiteral("last.png"), QSize(800, 800),
                                        QColor(0xf1, 0xfa, 0xee), QColor(0x45, 0x7b, 0x9d));
    QVERIFY(!first.isEmpty() && !last.isEmpty());
    QString error = window.submit();
    QVERIFY2(error.contains(QStringLiteral("both frames")), qPrintable(error));
    QVERIFY(window.firstFrameDropZone()->setImageFile(first));
    error = window.submit();
    QVERIFY2(error.contains(QStringLiteral("last frame")), qPrintable(error));
    QVERIFY(window.lastFrameDropZone()->setImageFile(last));
    QCOMPARE(window.firstFrameDropZone()->outputSize(), i2vOutputSize(QSize(1024, 768), 1280 * 720));
    QCoreApplication::processEvents();               // the pending layout requests
    scrollIntoView(window.lastFrameDropZone(), 120); // the frames, the output size and the message
    saveScreenshot(&window, QStringLiteral("mainwindow-flf2v.png"));

    error = window.submit();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(studio.queue.rowCount(), 1);
    const wan::Request& request = studio.queue.job(studio.queue.idAt(0))->request;
    QCOMPARE(int(request.task), int(wan::Task::FLF2V));
    QCOMPARE(request.ckptDir.string(), std::string("/models/Wan2.1-flf2v-14B-720P"));
    QCOMPARE(QString::fromStdString(request.firstFrame.string()), window.firstFrameDropZone()->imagePath());
    QCOMPARE(QString::fromStdString(request.lastFrame.string()), window.lastFrameDropZone()->imagePath());
    QVERIFY(!request.firstFrame.empty() && request.firstFrame != request.lastFrame);
    QCOMPARE(request.width * request.height, 1280 * 720); // the max area, like i2v
    QCOMPARE(request.frameNum, 81);
    QCOMPARE(request.shift, 16.0); // generate.py's flf2v default
    QVERIFY(request.image.empty() && request.srcVideo.empty());
    window.close();
}

void TestMainWindow::vaceFormBuildsRequestWithScreenshot()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    studio.runner.setQueuePaused(true);
    MainWindow window(studio.services());
    window.resize(1280, 980);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-vace-1.3B"));
    QVERIFY(waitForFolderCheck(window));
    QCOMPARE(int(window.task()), int(wan::Task::VACE));
    window.promptEditor()->setText(QStringLiteral("The dog wears a red scarf"));

    const QString source = QDir(dir.path()).filePath(QStringLiteral("dog.mp4"));
    {
        QFile file(source);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    const QString maskDir = QDir(dir.path()).filePath(QStringLiteral("mask_frames"));
    QVERIFY(QDir().mkpath(maskDir));
    const QString ref1 =
        writeTestImage(dir.path(), QStringLiteral("scarf.png"), QSize(256, 256), Qt::red, Qt::darkRed);
    const QString ref2 =
        writeTestImage(dir.path(), QStringLiteral("dog.png"), QSize(256, 256), Qt::yellow, Qt::darkGray);

    VaceInputPanel* vace = window.vacePanel();
    QCOMPARE(vace->contextScale(), 1.0); // the official default
    vace->setSourceMask(maskDir);
    QString error = window.submit();
    QVERIFY2(error.contains(QStringLiteral("source video")), qPrintable(error));
    QCOMPARE(studio.queue.rowCount(), 0);
    vace->setSourceVideo(QDir(dir.path()).filePath(QStringLiteral("missing.mp4")));
    error = window.submit();
    QVERIFY2(error.contains(QStringLiteral("does not exist")), qPrintable(error));

    vace->setSourceVideo(source);
    vace->addReferenceImages({ref1, ref2, ref1}); // the repeat is dropped
    QCOMPARE(vace->referenceImages(), QStringList({ref1, ref2}));
    vace->setContextScale(0.75);
    auto* slider = vace->findChild<QSlider*>(QStringLiteral("vaceContextScale"));
    QVERIFY(slider);
    QCOMPARE(slider->value(), 75);
    QCoreApplication::processEvents(); // the pending layout requests
    saveScreenshot(&window, QStringLiteral("mainwindow-vace.png"));

    error = window.submit();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(studio.queue.rowCount(), 1);
    const wan::Request& request = studio.queue.job(studio.queue.idAt(0))->request;
    QCOMPARE(int(request.task), int(wan::Task::VACE));
    QCOMPARE(QString::fromStdString(request.srcVideo.string()), source);
    QCOMPARE(QString::fromStdString(request.srcMask.string()), maskDir);
    QCOMPARE(request.srcRefImages.size(), std::size_t(2));
    QCOMPARE(QString::fromStdString(request.srcRefImages[0].string()), ref1);
    QCOMPARE(QString::fromStdString(request.srcRefImages[1].string()), ref2);
    QCOMPARE(request.contextScale, 0.75);
    QCOMPARE(request.width, 0); // the source's size and length
    QCOMPARE(request.height, 0);
    QCOMPARE(request.frameNum, 0);
    QVERIFY(request.firstFrame.empty() && request.image.empty());

    // Editing the queued job brings every VACE input back.
    vace->clear();
    window.editJob(studio.queue.idAt(0));
    QCOMPARE(vace->sourceVideo(), QDir::toNativeSeparators(source));
    QCOMPARE(vace->referenceImages(), QStringList({ref1, ref2}));
    QCOMPARE(vace->contextScale(), 0.75);
    QVERIFY(vace->useSourceSize());
    window.close();
}

void TestMainWindow::vaceKeepsChosenSizeWhenAsked()
{
    QTemporaryDir dir;
    Studio studio(dir.path());
    studio.runner.setQueuePaused(true);
    MainWindow window(studio.services());
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-vace-1.3B"));
    QVERIFY(waitForFolderCheck(window));
    window.promptEditor()->setText(QStringLiteral("a paper boat on a river"));
    // No source: a blank canvas at the chosen size and length.
    QString error = window.submit();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    wan::Request request = studio.queue.job(studio.queue.idAt(0))->request;
    QCOMPARE(request.width, 832);
    QCOMPARE(request.height, 480);
    QCOMPARE(request.frameNum, 81);
    QVERIFY(request.srcVideo.empty() && request.srcRefImages.empty());
    // A source resized to the chosen size.
    const QString frames = QDir(dir.path()).filePath(QStringLiteral("source_frames"));
    QVERIFY(QDir().mkpath(frames));
    window.vacePanel()->setSourceVideo(frames);
    window.vacePanel()->setUseSourceSize(false);
    error = window.submit();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    request = studio.queue.job(studio.queue.idAt(1))->request;
    QCOMPARE(QString::fromStdString(request.srcVideo.string()), frames);
    QVERIFY(request.srcMask.empty());
    QCOMPARE(request.width, 832);
    QCOMPARE(request.frameNum, 81);
    QCOMPARE(request.contextScale, 1.0);
}

// The first start (nothing saved) opens the built-in demo model; its size and frame count are locked, its
// sampling settings shown; another folder gives the official choices back.
void TestMainWindow::builtInDemoOpensFirstAndLocksItsSettings()
{
    const QString demoFolder = QString::fromStdString(wan::builtInDemoFolder().string());
    QVERIFY2(!demoFolder.isEmpty(), "the built-in demo model is missing (resources/demo-model/demo.json)");
    const auto demo = wan::readDemoModelInfo(demoFolder.toStdString());
    QVERIFY(demo.has_value());
    QTemporaryDir dir;
    Studio studio(dir.path());
    studio.runner.setQueuePaused(true);
    StudioServices services = studio.services();
    services.demoModelFolder = demoFolder;
    services.inspectFolder = [demoFolder](const QString& folder) {
        if (folder != demoFolder)
            return fakeInspect(folder);
        FolderCheck check; // what the app's inspector adds for a folder with demo.json
        check.ok = true;
        check.demo = wan::readDemoModelInfo(folder.toStdString());
        return check;
    };
    MainWindow window(services);
    window.resize(1280, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.modelPicker()->folder(), demoFolder);
    QVERIFY(waitForFolderCheck(window));
    QVERIFY2(window.modelPicker()->check().ok, qPrintable(window.modelPicker()->check().problem));
    QVERIFY(window.modelPicker()->check().demo.has_value());
    QVERIFY(window.settingsPanel()->isDemoModel());
    QCOMPARE(window.settingsPanel()->chosenSize(), QSize(demo->width, demo->height));
    QVERIFY(window.modelPicker()->statusText().contains(QStringLiteral("Built-in demo model")));
    QVERIFY(!window.promptEditor()->text().isEmpty()); // one of its example prompts
    saveScreenshot(&window, QStringLiteral("mainwindow-demo.png"));

    QCOMPARE(window.submit(), QString());
    QCOMPARE(studio.queue.rowCount(), 1);
    const wan::Request& request = studio.queue.job(studio.queue.idAt(0))->request;
    QCOMPARE(request.ckptDir.string(), demoFolder.toStdString());
    QCOMPARE(request.width, demo->width);
    QCOMPARE(request.height, demo->height);
    QCOMPARE(request.frameNum, demo->frameNum);
    QCOMPARE(request.steps, demo->steps);
    QCOMPARE(request.shift, demo->shift);
    QCOMPARE(request.guideScale, demo->guideScale);

    // Another folder: the official sizes and defaults again.
    window.modelPicker()->setFolder(QStringLiteral("/models/Wan2.1-t2v-1.3B"));
    QVERIFY(waitForFolderCheck(window));
    QVERIFY(!window.settingsPanel()->isDemoModel());
    QCOMPARE(window.settingsPanel()->chosenSize(), QSize(832, 480));
    wan::Request official;
    window.settingsPanel()->fillRequest(&official);
    QCOMPARE(official.frameNum, 81);
    QCOMPARE(official.steps, 50);
    window.close();
}

#include "test_mainwindow.moc"
