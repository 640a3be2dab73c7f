#pragma once

#include "JobTypes.h"
#include "StudioServices.h"

#include <QMainWindow>

#include <functional>

class QAction;
class QLabel;
class QPushButton;
class QTabWidget;
class QTabBar;
class QToolButton;
class QGroupBox;

namespace wan::ui {

class ClipPickerDialog;
class GenerationSettingsPanel;
class ImageDropZone;
class ModelFolderPicker;
class PlayerWidget;
class ProgressPanel;
class PromptEditor;
class RenderQueueDock;
class VaceInputPanel;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(StudioServices services, QWidget* parent = nullptr);
    ~MainWindow() override;

    wan::Task task() const { return m_task; }
    void setTask(wan::Task task);
    // Builds a job from the form and queues it (or updates the job being edited). Returns an error, or empty.
    QString submit();
    void editJob(const QUuid& id);
    void showJobResult(const QUuid& id);
    QUuid shownJob() const { return m_lastShown; } // the finished job in the player
    // Player actions: fill the form (the user reviews, then queues). Return an error, or empty.
    // An I2V form (FLF2V when the model folder is FLF2V) whose first frame is the job's last frame.
    QString continueFromLastFrame(const QUuid& id);
    // An FLF2V form from the last frame of `first` to the first frame of `second`.
    QString bridgeClips(const QUuid& first, const QUuid& second);
    // Asks for the second clip (window-modal) and bridges the shown one to it; nullptr when there is none.
    ClipPickerDialog* pickClipToBridge();
    QString formMessage() const; // the form's problem line, or empty when hidden

    // For tests and screenshots.
    PromptEditor* promptEditor() const { return m_prompt; }
    PromptEditor* negativeEditor() const { return m_negative; }
    ModelFolderPicker* modelPicker() const { return m_modelPicker; }
    ImageDropZone* imageDropZone() const { return m_dropZone; }
    ImageDropZone* firstFrameDropZone() const { return m_firstFrame; }
    ImageDropZone* lastFrameDropZone() const { return m_lastFrame; }
    VaceInputPanel* vacePanel() const { return m_vacePanel; }
    bool isTaskOffered(wan::Task task) const; // a tab shown for it
    GenerationSettingsPanel* settingsPanel() const { return m_settingsPanel; }
    ProgressPanel* progressPanel() const { return m_progress; }
    PlayerWidget* player() const { return m_player; }
    RenderQueueDock* queueDock() const { return m_queueDock; }
    bool isShowingPlayer() const;

    // Quitting with a job running: cancel it, wait this long for the inference thread, then ask whether to
    // finish in the background or force quit (which calls the handler; by default it ends the process).
    static constexpr int kQuitWaitMs = 3000;
    void setQuitWaitMs(int ms) { m_quitWaitMs = ms; }
    void setForceQuitHandler(std::function<void()> handler) { m_forceQuit = std::move(handler); }

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildMenus();
    void retranslate();
    void saveTaskSettings() const;
    void loadTaskSettings(wan::Task task);
    void onFolderChecked(const FolderCheck& check);
    void updateTaskTabs();
    void updateFlf2vOutputSize();
    void updateSizeLock();
    void clearFormMessage();
    QString extractFrame(const RenderJob& job, bool last, QString* error) const;
    QString modelMismatchMessage(wan::ModelType folderType) const;
    void onJobStarted(const QUuid& id);
    void onJobFinished(const QUuid& id, const JobOutcome& outcome);
    void exportAs();
    void openSettings();
    void openLog();
    void extendPrompt();
    void showWeightsHelp();
    void stopEditing();
    QString defaultNegative(wan::Task task) const;

    StudioServices m_services;
    wan::Task m_task = wan::Task::T2V;
    QUuid m_editing;
    QUuid m_lastShown;

    QTabBar* m_taskBar = nullptr;
    QGroupBox* m_modelBox = nullptr;
    QGroupBox* m_promptBox = nullptr;
    QGroupBox* m_imageBox = nullptr;
    QGroupBox* m_settingsBox = nullptr;
    ModelFolderPicker* m_modelPicker = nullptr;
    PromptEditor* m_prompt = nullptr;
    QToolButton* m_negativeToggle = nullptr;
    QPushButton* m_extendPrompt = nullptr;
    PromptEditor* m_negative = nullptr;
    ImageDropZone* m_dropZone = nullptr;
    QGroupBox* m_flf2vBox = nullptr;
    QLabel* m_firstFrameLabel = nullptr;
    QLabel* m_lastFrameLabel = nullptr;
    ImageDropZone* m_firstFrame = nullptr;
    ImageDropZone* m_lastFrame = nullptr;
    QLabel* m_flf2vOutput = nullptr;
    QGroupBox* m_vaceBox = nullptr;
    VaceInputPanel* m_vacePanel = nullptr;
    GenerationSettingsPanel* m_settingsPanel = nullptr;
    QPushButton* m_submit = nullptr;
    QPushButton* m_cancelEdit = nullptr;
    QLabel* m_formMessage = nullptr;
    QTabWidget* m_output = nullptr;
    ProgressPanel* m_progress = nullptr;
    PlayerWidget* m_player = nullptr;
    RenderQueueDock* m_queueDock = nullptr;

    QMenu* m_fileMenu = nullptr;
    QMenu* m_editMenu = nullptr;
    QMenu* m_queueMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QAction* m_submitAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_openOutputAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_pasteImageAction = nullptr;
    QAction* m_openLogAction = nullptr;
    QAction* m_openLogFolderAction = nullptr;
    QAction* m_weightsAction = nullptr;
    QAction* m_aboutAction = nullptr;
    int m_quitWaitMs = kQuitWaitMs;
    std::function<void()> m_forceQuit;
};

} // namespace wan::ui
