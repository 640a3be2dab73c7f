#include "MainWindow.h"

#include "ClipPickerDialog.h"
#include "ErrorText.h"
#include "ExportDialog.h"
#include "ExportFile.h"
#include "FirstRunWizard.h"
#include "FormDraft.h"
#include "GalleryDock.h"
#include "GalleryHoverPlayer.h"
#include "GenerationForm.h"
#include "GenerationSettingsPanel.h"
#include "ImageDropZone.h"
#include "InferenceBridge.h"
#include "JobNotifier.h"
#include "JobVariations.h"
#include "MemoryPlanView.h"
#include "ModelDownloads.h"
#include "ModelFilesDialog.h"
#include "ModelFolderPicker.h"
#include "ModelManagerDialog.h"
#include "OutputFolder.h"
#include "PlayerWidget.h"
#include "ProgressPanel.h"
#include "PromptEditor.h"
#include "PromptExtendDialog.h"
#include "PromptExtendSettingsStore.h"
#include "PromptExtendWorker.h"
#include "QueueEtaLabel.h"
#include "QueueRunner.h"
#include "RenderQueueDock.h"
#include "RenderQueueModel.h"
#include "SemanticStyle.h"
#include "SettingsDialog.h"
#include "SetupAdvisor.h"
#include "ShortcutsDialog.h"
#include "StudioShortcuts.h"
#include "TaskbarProgress.h"
#include "Theme.h"
#include "VaceInputPanel.h"
#include "VariationSheetDialog.h"
#include "VariationsDialog.h"
#include "ViewMenu.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImageReader>
#include <QJsonDocument>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>

namespace wan::ui {

namespace {
constexpr int kFormWidth = 620; // room for four task tabs and two frame drop zones side by side

// A tab label: a QTabBar takes '&' as a mnemonic marker.
QString tabText(wan::Task task)
{
    return taskText(task).replace(QLatin1Char('&'), QStringLiteral("&&"));
}

constexpr wan::Task kTasks[] = {wan::Task::T2V, wan::Task::I2V, wan::Task::T2I, wan::Task::FLF2V,
                                wan::Task::VACE};

// The model folder type a task runs on.
wan::ModelType modelTypeFor(wan::Task task)
{
    switch (task) {
    case wan::Task::T2V:
    case wan::Task::T2I:
        return wan::ModelType::T2V;
    case wan::Task::I2V:
        return wan::ModelType::I2V;
    case wan::Task::FLF2V:
        return wan::ModelType::FLF2V;
    case wan::Task::VACE:
        return wan::ModelType::VACE;
    }
    return wan::ModelType::T2V;
}

// Tasks that only their own model folders run; their tabs show when such a folder is chosen.
bool needsOwnFolder(wan::Task task)
{
    return task == wan::Task::FLF2V || task == wan::Task::VACE;
}

} // namespace

MainWindow::MainWindow(StudioServices services, QWidget* parent)
    : QMainWindow(parent), m_services(std::move(services))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/wan-studio.svg")));
    QSettings* settings = m_services.settings;

    m_taskBar = new QTabBar(this);
    for (wan::Task task : kTasks)
        m_taskBar->addTab(tabText(task));
    m_taskBar->setExpanding(false);

    m_modelBox = new QGroupBox(this);
    m_modelPicker = new ModelFolderPicker(m_services.inspectFolder, m_modelBox);
    m_modelPicker->setDemoFolder(m_services.demoModelFolder);
    m_modelPicker->setModelSetInspector(m_services.inspectModelSet, m_services.identifyModelFile);
    setAcceptDrops(true); // model files dropped anywhere outside the image drop zones
    (new QVBoxLayout(m_modelBox))->addWidget(m_modelPicker);

    m_form = new GenerationForm(settings, m_services.negativePrompt, m_services.readVideoFrames, this);

    m_formMessage = new QLabel(this);
    m_formMessage->setTextFormat(Qt::PlainText);
    m_formMessage->setWordWrap(true);
    setSemanticStyle(m_formMessage, SemanticColor::Error);
    m_formMessage->hide();
    m_planView = new MemoryPlanView(
        m_services.planMemory, [this] { return planDraft(); }, this);
    m_submit = new QPushButton(this);
    m_submit->setDefault(true);
    m_submit->setIcon(QIcon(QStringLiteral(":/icons/generate.svg")));
    m_cancelEdit = new QPushButton(this);
    m_cancelEdit->hide();
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_cancelEdit);
    m_variations = new QPushButton(this);
    buttons->addWidget(m_variations);
    buttons->addWidget(m_submit);

    auto* form = new QWidget(this);
    auto* formLayout = new QVBoxLayout(form);
    formLayout->addWidget(m_taskBar);
    formLayout->addWidget(m_modelBox);
    formLayout->addWidget(m_form);
    formLayout->addWidget(m_formMessage);
    formLayout->addWidget(m_planView);
    formLayout->addLayout(buttons);
    formLayout->addStretch();
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(460);

    m_output = new QTabWidget(this);
    m_progress = new ProgressPanel(m_output);
    m_progress->setSettings(settings); // the stage times measured on earlier jobs, for the ETA
    m_player = new PlayerWidget(m_output);
    m_output->addTab(m_progress, QString());
    m_output->addTab(m_player, QString());

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(scroll);
    splitter->addWidget(m_output);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({kFormWidth, 1280 - kFormWidth});
    setCentralWidget(splitter);

    m_queueDock = new RenderQueueDock(m_services.queue, m_services.runner, this);
    m_queueDock->followEta(m_progress); // the running job's ETA over all stages, as the panel shows it
    addDockWidget(Qt::BottomDockWidgetArea, m_queueDock);
    m_gallery = new GalleryModel(m_services.queue, m_services.readVideoFrames, this);
    if (m_services.runner) // the results kept in the output folder too, read on a worker thread
        m_gallery->setArchiveFolders({m_services.runner->outputDir()});
    m_galleryDock = new GalleryDock(m_gallery, this);
    new GalleryHoverPlayer(m_galleryDock->view(), GalleryModel::PathRole, m_services.readVideoClip,
                           GalleryModel::kThumbnailSize, m_galleryDock);
    addDockWidget(Qt::BottomDockWidgetArea, m_galleryDock);
    tabifyDockWidget(m_queueDock, m_galleryDock);
    m_queueDock->raise();

    buildMenus();
    new StudioShortcuts(this, m_queueDock, m_services.queue, m_services.runner, m_player, m_galleryDock);

    connect(m_taskBar, &QTabBar::currentChanged, this, [this](int index) { setTask(kTasks[index]); });
    connect(m_modelPicker, &ModelFolderPicker::folderChecked, this, &MainWindow::onFolderChecked);
    // A problem shown under the form is about the inputs it was found in: new inputs make it stale.
    connect(m_form, &GenerationForm::edited, this, &MainWindow::clearFormMessage);
    // The plan follows the size, frames, memory mode, model set and device.
    connect(m_form->settingsPanel(), &GenerationSettingsPanel::changed, m_planView,
            &MemoryPlanView::schedule);
    if (m_services.runner && m_services.settings)
        m_services.runner->setVramBudgetGiB(savedVramBudgetGiB(*m_services.settings));
    connect(m_modelPicker, &ModelFolderPicker::folderChecked, m_planView, &MemoryPlanView::schedule);
    connect(m_taskBar, &QTabBar::currentChanged, m_planView, &MemoryPlanView::schedule);
    connect(m_form, &GenerationForm::messageRequested, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    connect(m_player, &PlayerWidget::continueFromLastFrameRequested, this, [this] {
        if (const QString error = continueFromLastFrame(m_lastShown); !error.isEmpty())
            statusBar()->showMessage(error, 8000);
    });
    connect(m_player, &PlayerWidget::bridgeRequested, this, &MainWindow::pickClipToBridge);
    connect(m_submit, &QPushButton::clicked, this, [this] { submit(); });
    connect(m_variations, &QPushButton::clicked, this, &MainWindow::queueVariations);
    connect(m_form, &GenerationForm::extendPromptRequested, this, &MainWindow::extendPrompt);
    connect(m_cancelEdit, &QPushButton::clicked, this, [this] { stopEditing(); });
    connect(m_progress, &ProgressPanel::cancelRequested, m_services.runner, &QueueRunner::cancelJob);
    connect(m_services.runner, &QueueRunner::jobStarted, this, &MainWindow::onJobStarted);
    connect(m_services.runner, &QueueRunner::jobProgress, this,
            [this](const QUuid& id, const JobProgress& p) {
                if (id == m_progress->job())
                    m_progress->setProgress(p);
            });
    connect(m_services.runner, &QueueRunner::jobPreview, this, [this](const QUuid& id, const QImage& image) {
        if (id == m_progress->job())
            m_progress->setPreview(image);
    });
    connect(m_services.runner, &QueueRunner::jobFinished, this, &MainWindow::onJobFinished);
    connect(m_services.runner, &QueueRunner::jobFinished, m_gallery, &GalleryModel::refreshArchive);
    statusBar()->addPermanentWidget(new QueueEtaLabel(m_services.queue, m_progress, this));
    connect(m_services.runner, &QueueRunner::jobFinished, new JobNotifier(this, m_services.queue, this),
            &JobNotifier::jobEnded);
    new TaskbarProgress(m_services.queue, desktopTaskbarSink(), this); // the dock's or taskbar's entry
    if (!m_services.promptSettings && m_services.settings) {
        // No store from the composition root (tests): one of the window's own, over the same settings.
        m_services.promptSettings = new PromptExtendSettingsStore(m_services.settings, this);
        if (m_services.runner)
            m_services.runner->setPromptExtendSettings(m_services.promptSettings);
        m_services.promptSettings->load();
    }
    connect(m_services.runner, &QueueRunner::promptExtensionFinished, this,
            [this](const QUuid&, bool ok, const QString& message) {
                if (!ok && !message.isEmpty())
                    statusBar()->showMessage(tr("Automatic prompt extension: %1").arg(message), 15000);
            });
    connect(m_queueDock, &RenderQueueDock::editRequested, this, &MainWindow::editJob);
    connect(m_queueDock, &RenderQueueDock::openRequested, this, &MainWindow::showJobResult);
    connect(m_galleryDock, &GalleryDock::openRequested, this, &MainWindow::showJobResult);
    connect(m_galleryDock, &GalleryDock::loadSettingsRequested, this,
            [this](const QUuid& id, RecallScope scope) {
                if (const QString error = loadSettings(id, scope); !error.isEmpty())
                    statusBar()->showMessage(error, 8000);
            });
    connect(m_galleryDock, &GalleryDock::lastFrameRequested, this, [this](const QUuid& id) {
        if (const QString error = useLastFrameAsImage(id); !error.isEmpty())
            statusBar()->showMessage(error, 15000);
    });
    const auto variationsOf = [this](const QUuid& id) {
        if (const QString error = queueVariationsOf(id); !error.isEmpty())
            statusBar()->showMessage(error, 8000);
    };
    connect(m_queueDock, &RenderQueueDock::variationsRequested, this, variationsOf);
    connect(m_galleryDock, &GalleryDock::variationsRequested, this, variationsOf);
    connect(m_galleryDock, &GalleryDock::messageRequested, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    connect(m_services.queue, &RenderQueueModel::saveFailed, this,
            [this](const QString& message) { statusBar()->showMessage(message, 15000); });

    retranslate();
    const auto savedTask = taskFromName(
        settings ? settings->value(QLatin1String(settings_keys::kCurrentTask)).toString() : QString());
    const wan::Task task = savedTask.value_or(wan::Task::T2V);
    {
        const QSignalBlocker blocker(m_taskBar);
        m_taskBar->setCurrentIndex(
            int(std::find(std::begin(kTasks), std::end(kTasks), task) - std::begin(kTasks)));
    }
    m_form->setTask(task);
    updateTaskTabs();
    if (settings) {
        const QString saved = settings->value(QLatin1String(settings_keys::kModelDir)).toString();
        const wan::ModelFiles files =
            modelFilesFromJson(settings->value(QLatin1String(settings_keys::kModelFiles)).toString());
        if (!files.empty() && m_services.inspectModelSet)
            m_modelPicker->setModelSet(saved, files);
        else
            m_modelPicker->setFolder(saved.isEmpty() ? m_services.demoModelFolder : saved);
        if (saved.isEmpty() && files.empty() && m_services.offerFirstRunAssistant)
            QTimer::singleShot(0, this, &MainWindow::openFirstRunAssistant);
        if (!restoreGeometry(settings->value(QStringLiteral("window/geometry")).toByteArray()))
            resize(1280, 820);
        if (!restoreState(settings->value(QStringLiteral("window/state")).toByteArray()))
            resizeDocks({m_queueDock}, {180}, Qt::Vertical);
    }
    if (!m_services.queueProblem.isEmpty()) {
        statusBar()->showMessage(m_services.queueProblem, 30000);
        QTimer::singleShot(0, this, [this] {
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Render queue"), m_services.queueProblem,
                                        QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        });
    }
}

MainWindow::~MainWindow() = default;

wan::Task MainWindow::task() const
{
    return m_form->task();
}
PromptEditor* MainWindow::promptEditor() const
{
    return m_form->promptEditor();
}
PromptEditor* MainWindow::negativeEditor() const
{
    return m_form->negativeEditor();
}
ImageDropZone* MainWindow::imageDropZone() const
{
    return m_form->imageDropZone();
}
ImageDropZone* MainWindow::firstFrameDropZone() const
{
    return m_form->firstFrameDropZone();
}
ImageDropZone* MainWindow::lastFrameDropZone() const
{
    return m_form->lastFrameDropZone();
}
VaceInputPanel* MainWindow::vacePanel() const
{
    return m_form->vacePanel();
}
GenerationSettingsPanel* MainWindow::settingsPanel() const
{
    return m_form->settingsPanel();
}

void MainWindow::buildMenus()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_submitAction = m_fileMenu->addAction(QString(), this, [this] { submit(); });
    applyShortcut(m_submitAction, ShortcutId::AddToQueue);
    m_exportAction = m_fileMenu->addAction(QString(), this, &MainWindow::exportAs);
    applyShortcut(m_exportAction, ShortcutId::ExportAs);
    // Also on the right click of the gallery, the queue and the player.
    m_galleryDock->view()->addAction(m_exportAction);
    m_queueDock->view()->addAction(m_exportAction);
    m_player->addAction(m_exportAction);
    m_player->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_openOutputAction = m_fileMenu->addAction(QString(), this, [this] {
        QDir().mkpath(m_services.runner->outputDir());
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_services.runner->outputDir()));
    });
    m_fileMenu->addSeparator();
    m_settingsAction = m_fileMenu->addAction(QString(), this, &MainWindow::openSettings);
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    m_modelsAction = m_fileMenu->addAction(QString(), this, &MainWindow::openModelManager);
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString(), this, &QWidget::close);
    applyShortcut(m_quitAction, ShortcutId::Quit);

    m_editMenu = menuBar()->addMenu(QString());
    m_pasteImageAction = m_editMenu->addAction(QString(), this, [this] {
        setTask(wan::Task::I2V);
        m_form->imageDropZone()->pasteFromClipboard();
    });
    applyShortcut(m_pasteImageAction, ShortcutId::PasteImage);

    m_queueMenu = menuBar()->addMenu(QString());
    m_queueMenu->addAction(m_queueDock->pauseQueueAction());
    m_queueMenu->addAction(m_queueDock->toggleViewAction());
    m_queueMenu->addAction(m_galleryDock->toggleViewAction());
    m_variationSheetAction = m_queueMenu->addAction(QString(), this, [this] {
        const QUuid group = variationGroupToCompare(m_services.queue->jobs(), m_queueDock->selectedJob(),
                                                    m_galleryDock->selectedJob());
        if (group.isNull())
            statusBar()->showMessage(tr("No group of variations in the queue."), 5000);
        else
            showVariationSheet(group);
    });

    menuBar()->addMenu(new ViewMenu(m_services.settings, this));
    m_helpMenu = menuBar()->addMenu(QString());
    m_shortcutsAction = m_helpMenu->addAction(QString(), this, [this] {
        auto* dialog = new ShortcutsDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    applyShortcut(m_shortcutsAction, ShortcutId::ShowShortcuts);
    m_openLogAction = m_helpMenu->addAction(QString(), this, &MainWindow::openLog);
    m_openLogFolderAction = m_helpMenu->addAction(QString(), this, [this] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(m_services.logFile).absolutePath()));
    });
    m_weightsAction = m_helpMenu->addAction(QString(), this, &MainWindow::showWeightsHelp);
    m_firstRunAction = m_helpMenu->addAction(QString(), this, &MainWindow::openFirstRunAssistant);
    m_helpMenu->addSeparator();
    m_aboutAction = m_helpMenu->addAction(QString(), this, [this] {
        QMessageBox::about(
            this, tr("About Wan Studio"),
            tr("<b>Wan Studio %1</b><br>A desktop studio for the open Wan2.1 video models: text to "
               "video, image to video and text to image, on your own computer.")
                .arg(QCoreApplication::applicationVersion()));
    });
    m_aboutAction->setMenuRole(QAction::AboutRole);
}

void MainWindow::retranslate()
{
    setWindowTitle(tr("Wan Studio"));
    m_output->setTabText(m_output->indexOf(m_progress), tr("Progress"));
    m_output->setTabText(m_output->indexOf(m_player), tr("Result"));
    for (int i = 0; i < m_taskBar->count(); ++i)
        m_taskBar->setTabText(i, tabText(kTasks[i]));
    m_modelBox->setTitle(tr("Model folder"));
    m_submit->setText(m_editing.isNull() ? tr("Add to queue") : tr("Update queued job"));
    m_cancelEdit->setText(tr("Stop editing"));
    m_variations->setText(tr("Variations…"));
    m_variations->setToolTip(tr("Queue several seeds, or a grid of guidance, shift and steps, as one group "
                                "and compare the results side by side"));
    m_variationSheetAction->setText(tr("Compare variations…"));
    m_fileMenu->setTitle(tr("&File"));
    m_submitAction->setText(tr("Add to queue"));
    m_exportAction->setText(tr("Export as…"));
    m_openOutputAction->setText(tr("Open output folder"));
    m_settingsAction->setText(tr("Settings…"));
    m_modelsAction->setText(tr("Models…"));
    m_quitAction->setText(tr("Quit"));
    m_editMenu->setTitle(tr("&Edit"));
    m_pasteImageAction->setText(tr("Paste image as first frame"));
    m_queueMenu->setTitle(tr("&Queue"));
    m_helpMenu->setTitle(tr("&Help"));
    m_openLogAction->setText(tr("Open log"));
    m_openLogFolderAction->setText(tr("Open log folder"));
    m_weightsAction->setText(tr("Where to get the models"));
    m_firstRunAction->setText(tr("First-run assistant…"));
    m_shortcutsAction->setText(tr("Keyboard Shortcuts"));
    m_aboutAction->setText(tr("About Wan Studio"));
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::setTask(wan::Task task)
{
    const int index = int(std::find(std::begin(kTasks), std::end(kTasks), task) - std::begin(kTasks));
    if (task == m_form->task()) {
        if (m_taskBar->currentIndex() != index) {
            const QSignalBlocker blocker(m_taskBar);
            m_taskBar->setCurrentIndex(index);
        }
        return;
    }
    m_form->setTask(task); // remembers the shown task's settings, shows this one's
    clearFormMessage();
    updateTaskTabs();
    if (m_services.settings)
        m_services.settings->setValue(QLatin1String(settings_keys::kCurrentTask), taskName(task));
}

bool MainWindow::isTaskOffered(wan::Task task) const
{
    const int index = int(std::find(std::begin(kTasks), std::end(kTasks), task) - std::begin(kTasks));
    return index < m_taskBar->count() && m_taskBar->isTabVisible(index);
}

void MainWindow::updateTaskTabs()
{
    // Hiding the current tab would move the selection and so switch the task: select first, quietly.
    const QSignalBlocker blocker(m_taskBar);
    const FolderCheck& check = m_modelPicker->check();
    const int current =
        int(std::find(std::begin(kTasks), std::end(kTasks), m_form->task()) - std::begin(kTasks));
    m_taskBar->setTabVisible(current, true);
    m_taskBar->setCurrentIndex(current);
    for (int i = 0; i < m_taskBar->count(); ++i) {
        const wan::Task task = kTasks[i];
        const bool offered =
            !needsOwnFolder(task) || i == current || (check.ok && check.modelType == modelTypeFor(task));
        m_taskBar->setTabVisible(i, offered);
    }
}

void MainWindow::clearFormMessage()
{
    if (m_formMessage->isHidden())
        return;
    if (statusBar()->currentMessage() == m_formMessage->text())
        statusBar()->clearMessage();
    m_formMessage->hide();
}

QString MainWindow::formMessage() const
{
    return m_formMessage->isHidden() ? QString() : m_formMessage->text();
}

// Saves the first or last frame of a finished job's result as a PNG in its folder; returns the path.
QString MainWindow::extractFrame(const RenderJob& job, bool last, QString* error) const
{
    if (job.state != JobState::Done || job.outputPath.isEmpty() || !QFileInfo(job.outputPath).isFile()) {
        *error = tr("Choose a finished job whose result file still exists.");
        return {};
    }
    const SourceFrames frames = readSourceFrames(job.outputPath, m_services.readVideoFrames);
    if (!frames.isValid()) {
        *error = frames.error;
        return {};
    }
    const QString folder =
        QFileInfo(job.folder).isDir() ? job.folder : QFileInfo(job.outputPath).absolutePath();
    const QString path =
        QDir(folder).filePath(last ? QStringLiteral("last-frame.png") : QStringLiteral("first-frame.png"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !(last ? frames.last : frames.first).save(&file, "PNG") ||
        !file.commit()) {
        *error = tr("Could not save the frame to %1. Check that the folder is writable and the disk is not "
                    "full.")
                     .arg(QDir::toNativeSeparators(path));
        return {};
    }
    return path;
}

QString MainWindow::continueFromLastFrame(const QUuid& id)
{
    const RenderJob* job = resultJob(id);
    QString error;
    const QString frame = job ? extractFrame(*job, true, &error) : QString();
    if (frame.isEmpty()) {
        if (error.isEmpty())
            error = tr("Choose a finished job whose result file still exists.");
        return error;
    }
    const wan::Request source = job->request;
    const FolderCheck& check = m_modelPicker->check();
    const bool flf2v = check.ok && check.modelType == wan::ModelType::FLF2V;
    if (!m_editing.isNull())
        stopEditing(EditEnd::KeepForm);
    setTask(flf2v ? wan::Task::FLF2V : wan::Task::I2V);
    m_form->promptEditor()->setText(
        QString::fromStdString(source.originalPrompt.empty() ? source.prompt : source.originalPrompt));
    // Both forms get the frame: dropping a last frame in the FLF2V tab makes it a first-and-last-frame job.
    m_form->imageDropZone()->setImageFile(frame);
    m_form->firstFrameDropZone()->setImageFile(frame);
    m_form->lastFrameDropZone()->clear();
    statusBar()->showMessage(
        tr("The clip's last frame is the new first frame. Review the form, then add it to the queue."),
        10000);
    return {};
}

QString MainWindow::bridgeClips(const QUuid& first, const QUuid& second)
{
    const RenderJob* a = m_services.queue->job(first);
    const RenderJob* b = m_services.queue->job(second);
    if (!a || !b || first == second)
        return tr("Choose two different finished clips to bridge.");
    QString error;
    const QString start = extractFrame(*a, true, &error);
    if (start.isEmpty())
        return error;
    const QString end = extractFrame(*b, false, &error);
    if (end.isEmpty())
        return error;
    const wan::Request source = a->request;
    if (!m_editing.isNull())
        stopEditing(EditEnd::KeepForm);
    setTask(wan::Task::FLF2V);
    m_form->promptEditor()->setText(
        QString::fromStdString(source.originalPrompt.empty() ? source.prompt : source.originalPrompt));
    m_form->firstFrameDropZone()->setImageFile(start);
    m_form->lastFrameDropZone()->setImageFile(end);
    statusBar()->showMessage(
        tr("The bridge starts on the first clip's last frame and ends on the second clip's "
           "first frame. Review the form, then add it to the queue."),
        10000);
    return {};
}

ClipPickerDialog* MainWindow::pickClipToBridge()
{
    const QUuid first = m_lastShown;
    if (!m_services.queue->job(first)) {
        statusBar()->showMessage(tr("Show a finished clip in the player first."), 8000);
        return nullptr;
    }
    if (ClipPickerDialog::finishedClips(m_services.queue, first).isEmpty()) {
        statusBar()->showMessage(
            tr("Bridging needs a second finished clip in the render queue: generate or keep one first."),
            8000);
        return nullptr;
    }
    auto* dialog = new ClipPickerDialog(m_services.queue, first, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, first] {
        if (const QString error = bridgeClips(first, dialog->selectedJob()); !error.isEmpty())
            statusBar()->showMessage(error, 8000);
    });
    dialog->open();
    return dialog;
}

void MainWindow::applyRecalled(const wan::Request& source, RecallScope scope)
{
    if (!m_editing.isNull())
        stopEditing();
    clearFormMessage();
    if (scope == RecallScope::PromptOnly) {
        // Nothing else changes: not the task, the inputs, the settings or the model folder.
        m_form->promptEditor()->setText(QString::fromStdString(source.prompt));
        return;
    }
    const wan::Request request = recalledRequest(source, m_form->request(), scope);
    setTask(request.task);
    m_form->setRequest(request);
    const QString folder = QString::fromStdString(request.ckptDir.string());
    if ((!folder.isEmpty() || !request.models.empty()) &&
        (m_modelPicker->folder() != folder || !(m_modelPicker->modelFiles() == request.models))) {
        if (request.models.empty())
            m_modelPicker->setFolder(folder);
        else
            m_modelPicker->setModelSet(folder, request.models);
    }
}

QString MainWindow::loadSettings(const QUuid& id, RecallScope scope)
{
    const RenderJob* job = resultJob(id);
    if (!job)
        return tr("That result is no longer in the render queue.");
    applyRecalled(job->request, scope);
    statusBar()->showMessage(scope == RecallScope::PromptOnly ? tr("Prompt loaded.")
                             : scope == RecallScope::AllButSeed
                                 ? tr("Settings loaded; the seed stays as it was.")
                                 : tr("Settings loaded, seed included."),
                             5000);
    return {};
}

QString MainWindow::restoreSettingsFrom(const QString& path)
{
    const ResultSettings settings = readResultSettings(path, m_services.readVideoTags);
    if (!settings.isValid())
        return settings.error;
    applyRecalled(settings.request, RecallScope::Everything);
    statusBar()->showMessage(
        settings.exact ? tr("Settings restored from %1.").arg(QDir::toNativeSeparators(settings.source))
                       : tr("Settings restored from the metadata of %1 (prompt, seed, size, steps, shift and "
                            "guidance; the model folder and input images are not stored there).")
                             .arg(QDir::toNativeSeparators(settings.source)),
        10000);
    return {};
}

QString MainWindow::useLastFrameAsImage(const QUuid& id)
{
    const FolderCheck& check = m_modelPicker->check();
    if (check.ok && (check.modelType == wan::ModelType::I2V || check.modelType == wan::ModelType::FLF2V))
        return continueFromLastFrame(id);
    const RenderJob* job = resultJob(id);
    if (!job)
        return tr("Choose a finished job whose result file still exists.");
    QString error;
    const QString frame = extractFrame(*job, true, &error);
    if (frame.isEmpty())
        return error;
    return tr("The last frame is saved as %1. Image to video needs an image-to-video model folder "
              "(Wan2.1-I2V-14B-480P or -720P): choose one under “Model folder”, then drop the frame on the "
              "image.")
        .arg(QDir::toNativeSeparators(frame));
}

QString MainWindow::modelMismatchMessage(wan::ModelType folderType) const
{
    QString holds;
    switch (folderType) {
    case wan::ModelType::T2V:
        holds = tr("a text-to-video model");
        break;
    case wan::ModelType::I2V:
        holds = tr("an image-to-video model");
        break;
    case wan::ModelType::FLF2V:
        holds = tr("a first-and-last-frame model");
        break;
    case wan::ModelType::VACE:
        holds = tr("a VACE video-editing model");
        break;
    }
    switch (m_form->task()) {
    case wan::Task::I2V:
        return tr("This model folder holds %1; image to video needs an I2V model (Wan2.1-I2V-14B-480P or "
                  "-720P).")
            .arg(holds);
    case wan::Task::FLF2V:
        return tr("This model folder holds %1; first & last frame to video needs an FLF2V model "
                  "(Wan2.1-FLF2V-14B-720P).")
            .arg(holds);
    case wan::Task::VACE:
        return tr("This model folder holds %1; video editing needs a VACE model (Wan2.1-VACE-1.3B or "
                  "-14B).")
            .arg(holds);
    case wan::Task::T2V:
    case wan::Task::T2I:
        break;
    }
    return tr("This model folder holds %1; choose a T2V model folder for this task.").arg(holds);
}

void MainWindow::onFolderChecked(const FolderCheck& check)
{
    if (m_services.settings && check.ok) {
        m_services.settings->setValue(QLatin1String(settings_keys::kModelDir), m_modelPicker->folder());
        m_services.settings->setValue(QLatin1String(settings_keys::kModelFiles),
                                      modelFilesToJson(m_modelPicker->modelFiles()));
    }
    if (check.ok)
        m_form->settingsPanel()->setModelSize(check.large ? ModelSize::Large : ModelSize::Small);
    m_form->settingsPanel()->setDemoModel(check.ok ? check.demo : std::nullopt);
    PromptEditor* prompt = m_form->promptEditor();
    if (check.ok && check.demo && prompt->text().trimmed().isEmpty() && !check.demo->examplePrompts.empty())
        prompt->setText(QString::fromStdString(check.demo->examplePrompts.front()));
    if (check.ok && check.modelType != modelTypeFor(m_form->task())) {
        switch (check.modelType) {
        case wan::ModelType::T2V:
            setTask(wan::Task::T2V);
            break;
        case wan::ModelType::I2V:
            setTask(wan::Task::I2V);
            break;
        case wan::ModelType::FLF2V:
            setTask(wan::Task::FLF2V);
            break;
        case wan::ModelType::VACE:
            setTask(wan::Task::VACE);
            break;
        }
    }
    updateTaskTabs();
}

void MainWindow::addMachineSettings(wan::Request* request) const
{
    request->ckptDir = m_modelPicker->folder().toStdString();
    request->models = m_modelPicker->modelFiles();
    if (!m_services.settings)
        return;
    request->device =
        m_services.settings->value(QLatin1String(settings_keys::kDevice), QStringLiteral("auto"))
            .toString()
            .toStdString();
    request->noise =
        m_services.settings->value(QLatin1String(settings_keys::kNoise)).toString() == QLatin1String("device")
            ? wan::NoiseSource::Device
            : wan::NoiseSource::Cpu;
    request->vramBudgetGiB = savedVramBudgetGiB(*m_services.settings);
    request->textPrecision = savedTextPrecision(*m_services.settings);
    request->vaePrecision = savedVaePrecision(*m_services.settings);
}

std::optional<wan::Request> MainWindow::planDraft() const
{
    const FolderCheck& check = m_modelPicker->check();
    if (m_modelPicker->isChecking() || !check.ok || check.modelType != modelTypeFor(m_form->task()))
        return std::nullopt;
    wan::Request request = m_form->request();
    addMachineSettings(&request);
    return request;
}

QString MainWindow::submit(const VariationPlan* variations)
{
    QString error;
    const FolderCheck& check = m_modelPicker->check();
    const wan::Task task = m_form->task();
    if (m_modelPicker->isChecking())
        error = tr("The model folder is still being checked; try again in a moment.");
    else if (!check.ok)
        error = tr("Choose a usable model folder first. %1").arg(check.problem);
    else if (check.modelType != modelTypeFor(task))
        error = modelMismatchMessage(check.modelType);
    else if (check.demo && task != wan::Task::T2V)
        error = tr("The built-in demo model makes videos only: choose Text to video, or another model "
                   "folder.");
    else
        error = m_form->inputError();
    if (error.isEmpty() && m_services.runner)
        error = outputFolderProblem(m_services.runner->outputDir()); // not found only when the job starts
    if (!error.isEmpty()) {
        m_formMessage->setText(error);
        m_formMessage->show();
        statusBar()->showMessage(error, 8000);
        return error;
    }
    m_formMessage->hide();

    RenderJob job;
    wan::Request& request = job.request;
    request = m_form->request();
    addMachineSettings(&request);

    // The job keeps its own copies of the pictures: moving or deleting the originals does not break it.
    if (!m_services.queue->stageInputs(&request, &error)) {
        m_formMessage->setText(error);
        m_formMessage->show();
        statusBar()->showMessage(error, 8000);
        return error;
    }
    if (task == wan::Task::I2V)
        job.thumbnailPath = QString::fromStdString(request.image.string());

    m_form->addToHistory();
    m_form->saveTaskSettings();

    if (variations) { // the form's job is the base of a group of variations
        const QList<RenderJob> jobs = variationJobs(job, withBaseInputs(*variations, request));
        for (const RenderJob& cell : jobs)
            m_services.queue->addJob(cell);
        statusBar()->showMessage(
            tr("%n job(s) added to the render queue as one group.", nullptr, int(jobs.size())), 5000);
        if (!jobs.isEmpty())
            showVariationSheet(jobs.first().variation.group);
        return {};
    }
    if (!m_editing.isNull()) {
        if (!m_services.queue->updatePendingRequest(m_editing, request)) {
            error = tr("That job has already started or was removed; it was not changed.");
            statusBar()->showMessage(error, 8000);
            stopEditing(EditEnd::KeepForm); // the edits stay in the form, to queue as a new job
            return error;
        }
        m_services.queue->setThumbnail(m_editing, job.thumbnailPath);
        statusBar()->showMessage(tr("Queued job updated."), 5000);
        stopEditing();
        return {};
    }
    m_services.queue->addJob(job);
    statusBar()->showMessage(tr("Added to the render queue."), 5000);
    return {};
}

QString MainWindow::queueVariations()
{
    if (!m_editing.isNull()) {
        const QString error = tr("Finish editing the queued job first.");
        statusBar()->showMessage(error, 8000);
        return error;
    }
    wan::Request base = m_form->request();
    addMachineSettings(&base); // the cells are checked as submit() will queue them
    VariationsDialog dialog(base, this);
    if (dialog.exec() != QDialog::Accepted || !dialog.isAcceptable())
        return {};
    const VariationPlan plan = dialog.plan();
    return submit(&plan);
}

const RenderJob* MainWindow::resultJob(const QUuid& id) const
{
    if (const RenderJob* job = m_services.queue->job(id))
        return job;
    return m_gallery ? m_gallery->job(id) : nullptr;
}

QString MainWindow::queueVariationsOf(const QUuid& id, const VariationPlan* plan)
{
    const auto fail = [this](const QString& error) {
        statusBar()->showMessage(error, 8000);
        return error;
    };
    const RenderJob* found = resultJob(id);
    if (!found)
        return fail(tr("That job is no longer in the render queue or the gallery."));
    const RenderJob source = *found; // a copy: the dialog's event loop may change the queue or the gallery
    VariationPlan chosen;
    if (plan) {
        chosen = *plan;
    } else {
        VariationsDialog dialog(variationBaseOf(source), this);
        if (dialog.exec() != QDialog::Accepted || !dialog.isAcceptable())
            return {};
        chosen = dialog.plan();
    }
    if (!chosen.isValid())
        return fail(chosen.error.isEmpty() ? tr("No variations to queue.") : chosen.error);
    QString error;
    if (m_services.runner)
        error = outputFolderProblem(m_services.runner->outputDir());
    if (!error.isEmpty())
        return fail(error);
    if (!m_services.queue->job(id)) {
        // A result from the output folder: its pictures are copied for the queue like the form's.
        wan::Request base = variationBaseOf(source);
        if (!m_services.queue->stageInputs(&base, &error))
            return fail(error);
        chosen = withBaseInputs(chosen, base);
    }
    const QList<RenderJob> jobs = variationJobs(source, chosen);
    for (const RenderJob& cell : jobs)
        m_services.queue->addJob(cell);
    statusBar()->showMessage(
        tr("%n job(s) added to the render queue as one group.", nullptr, int(jobs.size())), 5000);
    if (!jobs.isEmpty())
        showVariationSheet(jobs.first().variation.group);
    return {};
}

VariationSheetDialog* MainWindow::showVariationSheet(const QUuid& group)
{
    for (VariationSheetDialog* open : findChildren<VariationSheetDialog*>())
        if (open->group() == group) {
            open->raise();
            open->activateWindow();
            return open;
        }
    auto* sheet = new VariationSheetDialog(m_services.queue, group, m_services.readVideoClip, this);
    sheet->setAttribute(Qt::WA_DeleteOnClose);
    sheet->show();
    return sheet;
}

void MainWindow::editJob(const QUuid& id)
{
    const RenderJob* job = m_services.queue->job(id);
    if (!job || !isPending(job->state))
        return;
    const wan::Request request = job->request;
    if (m_editing.isNull()) {
        m_draft = std::make_unique<FormDraft>(takeFormDraft(*m_form));
        m_draft->modelFolder = m_modelPicker->folder();
        m_draft->modelFiles = m_modelPicker->modelFiles();
    } else if (m_editing != id) {
        m_services.queue->releaseJob(m_editing); // one job in the form at a time; the draft stays the user's
    }
    m_services.queue->holdJob(id); // not started while edited
    setTask(request.task);         // remembers the user's settings of the task shown until now
    m_form->setRemembersSettings(false);
    m_editing = id;
    m_form->setRequest(request);
    if (m_modelPicker->folder() != QString::fromStdString(request.ckptDir.string()) ||
        !(m_modelPicker->modelFiles() == request.models))
        m_modelPicker->setModelSet(QString::fromStdString(request.ckptDir.string()), request.models);
    m_cancelEdit->show();
    retranslate();
}

void MainWindow::stopEditing(EditEnd end)
{
    if (!m_editing.isNull())
        m_services.queue->releaseJob(m_editing);
    m_editing = QUuid();
    m_cancelEdit->hide();
    const std::unique_ptr<FormDraft> draft = std::move(m_draft);
    if (draft && end == EditEnd::RestoreDraft) {
        setTask(draft->task); // the job's settings are not remembered: still set not to
        restoreFormDraft(*m_form, *draft);
        if (m_modelPicker->folder() != draft->modelFolder ||
            !(m_modelPicker->modelFiles() == draft->modelFiles))
            m_modelPicker->setModelSet(draft->modelFolder, draft->modelFiles);
    }
    m_form->setRemembersSettings(true);
    retranslate();
}

void MainWindow::onJobStarted(const QUuid& id)
{
    const RenderJob* job = m_services.queue->job(id);
    const QString title = job ? QStringLiteral("%1 · %2×%3 · %4")
                                    .arg(taskText(job->request.task))
                                    .arg(job->request.width)
                                    .arg(job->request.height)
                                    .arg(QString::fromStdString(job->request.prompt).simplified().left(120))
                              : QString();
    m_progress->startJob(id, title, job ? &job->request : nullptr);
    m_output->setCurrentWidget(m_progress);
}

void MainWindow::onJobFinished(const QUuid& id, const JobOutcome& outcome)
{
    QString message;
    switch (outcome.status) {
    case wan::JobStatus::Done:
        message = tr("Saved to %1").arg(QDir::toNativeSeparators(outcome.outputPath));
        m_form->settingsPanel()->setLastSeed(outcome.seed);
        if (const RenderJob* job = m_services.queue->job(id))
            m_form->settingsPanel()->setLastSeed(job->request.seed);
        break;
    case wan::JobStatus::Failed:
        message = userErrorMessage(outcome.errorKind, outcome.error, outcome.errorReason);
        break;
    case wan::JobStatus::Cancelled:
        message = tr("The job was cancelled.");
        break;
    }
    if (id == m_progress->job())
        m_progress->showOutcome(outcome, message);
    statusBar()->showMessage(message.section(QLatin1Char('\n'), 0, 0), 15000);
    if (outcome.status == wan::JobStatus::Done)
        showJobResult(id);
}

void MainWindow::showJobResult(const QUuid& id)
{
    const RenderJob* job = resultJob(id);
    if (!job || job->outputPath.isEmpty() || !QFileInfo(job->outputPath).isFile())
        return;
    m_lastShown = id;
    m_player->openFile(job->outputPath, job->request.fps);
    m_output->setCurrentWidget(m_player);
}

bool MainWindow::isShowingPlayer() const
{
    return m_output->currentWidget() == m_player;
}

void MainWindow::exportAs()
{
    // The gallery's selection when the gallery has the focus (its context menu), else the queue's, else the
    // result in the player.
    const bool fromGallery = m_galleryDock->isAncestorOf(QApplication::focusWidget());
    QUuid id = fromGallery ? m_galleryDock->selectedJob() : m_queueDock->selectedJob();
    const RenderJob* job = resultJob(id);
    if (!job || job->state != JobState::Done)
        job = resultJob(m_lastShown);
    if (!job || job->outputPath.isEmpty() || !QFileInfo(job->outputPath).isFile()) {
        statusBar()->showMessage(tr("Select a finished job to export."), 5000);
        return;
    }
    const QFileInfo source(job->outputPath);
    if (m_services.exportVideo && source.suffix() != QLatin1String("png")) {
        auto* dialog = new ExportDialog(source.absoluteFilePath(), job->request.fps,
                                        requestToJson(job->request), m_services.exportVideo, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &ExportDialog::exportFinished, this, [this](bool ok, const QString& target) {
            if (ok)
                statusBar()->showMessage(tr("Exported to %1").arg(QDir::toNativeSeparators(target)), 8000);
        });
        dialog->open();
        return;
    }
    const QString target = QFileDialog::getSaveFileName(
        this, tr("Export as"), QDir(QDir::homePath()).filePath(source.fileName()),
        source.suffix() == QLatin1String("png") ? tr("PNG image (*.png)") : tr("MP4 video (*.mp4)"));
    if (target.isEmpty())
        return;
    QString error;
    if (!exportFile(source.absoluteFilePath(), target, &error)) {
        QMessageBox::warning(this, tr("Export as"),
                             error + QLatin1Char(' ') +
                                 tr("Check that the folder is writable and the disk is not full."));
        return;
    }
    statusBar()->showMessage(tr("Exported to %1").arg(QDir::toNativeSeparators(target)), 8000);
}

void MainWindow::openSettings()
{
    std::vector<wan::ComputeDevice> devices;
    if (m_services.listDevices)
        devices = m_services.listDevices();
    if (devices.empty()) {
        wan::ComputeDevice cpu;
        cpu.id = "cpu";
        cpu.name = "CPU";
        devices.push_back(cpu);
    }
    SettingsDialog dialog(m_services.settings, devices, m_services.promptSettings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString oldLanguage =
        m_services.settings->value(QLatin1String(settings_keys::kLanguage)).toString();
    if (m_services.promptSettings) {
        // The keychain answers after the dialog has closed: a key it did not take is reported here.
        connect(
            m_services.promptSettings, &PromptExtendSettingsStore::saved, this,
            [this](bool ok, const QString& error) {
                if (!ok)
                    statusBar()->showMessage(
                        tr("The API key is in the settings file: the system keychain did not take it (%1).")
                            .arg(error),
                        15000);
            },
            Qt::SingleShotConnection);
    }
    dialog.save();
    m_planView->schedule(); // device or GPU memory budget may have changed
    if (dialog.outputDir() != m_services.runner->outputDir())
        m_gallery->setArchiveFolders({dialog.outputDir()});
    m_services.runner->setOutputDir(dialog.outputDir());
    m_services.runner->setVramBudgetGiB(savedVramBudgetGiB(*m_services.settings));
    if (dialog.language() != oldLanguage && m_services.switchLanguage)
        m_services.switchLanguage(dialog.language());
}

void MainWindow::extendPrompt()
{
    if (!m_services.promptSettings)
        return;
    const PromptExtendConfig config = m_services.promptSettings->config();
    wan::PromptExtendRequest request;
    const wan::Task task = m_form->task();
    request.prompt = m_form->promptEditor()->text().trimmed().toStdString();
    if (request.prompt.empty()) {
        statusBar()->showMessage(tr("Write a prompt first."), 5000);
        return;
    }
    request.task = wan::promptTaskFor(task); // flf2v: described from the first frame
    request.language = config.language;
    const QString image = task == wan::Task::I2V     ? m_form->imageDropZone()->imagePath()
                          : task == wan::Task::FLF2V ? m_form->firstFrameDropZone()->imagePath()
                                                     : QString();
    if (!image.isEmpty())
        request.image = PromptExtendWorker::encodeImageFileForRequest(image);
    PromptExtendDialog dialog(config.settings(), request, this);
    connect(&dialog, &PromptExtendDialog::requestFinished, this, [this](bool ok, const QString& message) {
        if (!message.isEmpty())
            statusBar()->showMessage(message, 8000);
        spdlog::info("prompt extension {}: {}", ok ? "done" : "failed", message.toStdString());
    });
    if (dialog.exec() == QDialog::Accepted && !dialog.acceptedPrompt().trimmed().isEmpty())
        m_form->promptEditor()->replaceText(dialog.acceptedPrompt()); // Ctrl+Z brings the original back
}

void MainWindow::openLog()
{
    if (m_services.logFile.isEmpty() || !QFileInfo::exists(m_services.logFile)) {
        statusBar()->showMessage(tr("There is no log yet."), 5000);
        return;
    }
    QDesktopServices::openUrl(QUrl::fromLocalFile(m_services.logFile));
}

ModelDownloads* MainWindow::modelDownloads()
{
    if (!m_services.modelDownloads)
        m_services.modelDownloads =
            new ModelDownloads(m_services.settings, wan::builtInModelCatalogue(), this);
    return m_services.modelDownloads;
}

void MainWindow::openModelManager()
{
    if (!m_modelManager) {
        m_modelManager = new ModelManagerDialog(modelDownloads(), this);
        connect(m_modelManager, &ModelManagerDialog::useModelFolder, this, [this](const QString& folder) {
            m_modelPicker->setFolder(folder);
            statusBar()->showMessage(tr("Model folder: %1").arg(QDir::toNativeSeparators(folder)), 10000);
        });
    }
    m_modelManager->show();
    m_modelManager->raise();
    m_modelManager->activateWindow();
}

void MainWindow::openFirstRunAssistant()
{
    auto* wizard =
        new FirstRunWizard(modelDownloads(), m_services.listDevices, m_services.demoModelFolder, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &FirstRunWizard::folderChosen, this,
            [this](const QString& folder) { m_modelPicker->setFolder(folder); });
    connect(wizard, &FirstRunWizard::memoryModeChosen, this, [this](wan::MemoryMode mode) {
        m_form->settingsPanel()->setMemoryMode(mode);
        statusBar()->showMessage(tr("Memory: %1 (recommended for this computer)").arg(memoryModeText(mode)),
                                 10000);
    });
    connect(wizard, &FirstRunWizard::downloadStarted, this, [this](const QString& name) {
        openModelManager();
        m_modelManager->selectAvailable(name);
        // The recommended set becomes the model folder once it is complete.
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(modelDownloads(), &ModelDownloads::finished, this,
                              [this, name, connection](const QString& done, const QString& folder) {
                                  if (done != name)
                                      return;
                                  disconnect(*connection);
                                  m_modelPicker->setFolder(folder);
                              });
    });
    wizard->open();
}

void MainWindow::showWeightsHelp()
{
    QMessageBox box(QMessageBox::Information, tr("Where to get the models"), QString(), QMessageBox::Ok,
                    this);
    box.setTextFormat(Qt::RichText);
    box.setText(
        officialWeightsHtml() + QStringLiteral("<br><br>") +
        tr("Download the whole model folder and choose it under “Model folder”. The 1.3B text-to-video "
           "model needs about 8 GB of memory; the 14B models much more."));
    box.exec();
}

namespace {
// The one local file of a drop when it is a result the window restores settings from (MP4, PNG,
// settings.json); empty otherwise.
QString droppedResultFile(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1 || !mime->urls().first().isLocalFile())
        return {};
    const QString path = mime->urls().first().toLocalFile();
    return isResultFile(path) ? path : QString();
}
} // namespace

bool MainWindow::takesPictureDrop(const QMimeData* mime) const
{
    // Image to video: a picture dropped anywhere on the window is the image (the mission's "drop an image on
    // the window"); other tasks take pictures on their own drop zones only.
    if (!mime || m_form->task() != wan::Task::I2V)
        return false;
    if (mime->hasImage())
        return true;
    if (!mime->hasUrls() || mime->urls().size() != 1 || !mime->urls().first().isLocalFile())
        return false;
    const QByteArray suffix = QFileInfo(mime->urls().first().toLocalFile()).suffix().toLower().toLatin1();
    return QImageReader::supportedImageFormats().contains(suffix);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    // A result (or its settings.json) dropped outside the drop zones restores its settings.
    if (!droppedResultFile(event->mimeData()).isEmpty() || takesPictureDrop(event->mimeData())) {
        event->acceptProposedAction();
        return;
    }
    // Only model files: other pictures belong to the drop zones, which take them themselves.
    if (m_services.inspectModelSet && !ModelFilesDialog::modelFilesIn(event->mimeData()).isEmpty())
        event->acceptProposedAction();
    else
        QMainWindow::dragEnterEvent(event);
}

void MainWindow::dropEvent(QDropEvent* event)
{
    if (const QString result = droppedResultFile(event->mimeData()); !result.isEmpty()) {
        event->acceptProposedAction();
        if (const QString error = restoreSettingsFrom(result); !error.isEmpty()) {
            // A picture the app did not make is the image of an image-to-video job.
            if (takesPictureDrop(event->mimeData()) &&
                m_form->imageDropZone()->setImageFromMime(event->mimeData()))
                return;
            statusBar()->showMessage(error, 15000);
            auto* box = new QMessageBox(QMessageBox::Information, tr("Restore settings"), error,
                                        QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
        return;
    }
    if (takesPictureDrop(event->mimeData())) {
        event->acceptProposedAction();
        m_form->imageDropZone()->setImageFromMime(event->mimeData());
        return;
    }
    const QStringList files = ModelFilesDialog::modelFilesIn(event->mimeData());
    if (files.isEmpty() || !m_services.inspectModelSet) {
        QMainWindow::dropEvent(event);
        return;
    }
    event->acceptProposedAction();
    m_modelPicker->openModelFilesDialog(files);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_services.runner->runningJob().isNull()) {
        const auto answer = QMessageBox::question(this, tr("A job is running"),
                                                  tr("A job is still running. Quit anyway? The job will be "
                                                     "cancelled; queued jobs stay in the queue."),
                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    m_form->saveTaskSettings();
    if (m_services.settings) {
        m_services.settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
        m_services.settings->setValue(QStringLiteral("window/state"), saveState());
    }
    // No new job may start while the thread winds down; the running one is cancelled and joined, but the GUI
    // thread waits only a few seconds for it (a step or a model load may take longer to notice).
    m_services.runner->setQueuePaused(true);
    if (m_services.queue)
        m_services.queue->flush();
    if (!m_services.bridge->shutdown(m_quitWaitMs)) {
        spdlog::warn("the inference thread did not stop within {} ms", m_quitWaitMs);
        QMessageBox box(
            QMessageBox::Warning, tr("Still stopping"),
            tr("The running job has not stopped yet (it may be loading a model or in the middle "
               "of a step). Wan Studio closes its window now and quits as soon as it has stopped; "
               "queued jobs stay in the queue.\n\nForce quit ends Wan Studio at once."),
            QMessageBox::NoButton, this);
        QPushButton* background = box.addButton(tr("Finish in the background"), QMessageBox::AcceptRole);
        QPushButton* force = box.addButton(tr("Force quit"), QMessageBox::DestructiveRole);
        box.setDefaultButton(background);
        box.exec();
        if (box.clickedButton() == force) {
            spdlog::warn("force quit while a job was running");
            if (m_services.queue)
                m_services.queue->flush();
            if (m_forceQuit) {
                m_forceQuit();
            } else {
                spdlog::default_logger()->flush();
                std::_Exit(0); // the queue is saved; the running job is requeued at the next start
            }
        }
    }
    spdlog::info("main window closed");
    event->accept();
}

} // namespace wan::ui
