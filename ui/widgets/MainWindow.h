#pragma once

#include "GalleryModel.h"
#include "JobTypes.h"
#include "StudioServices.h"

#include <QMainWindow>

#include <functional>
#include <memory>
#include <optional>

class QMimeData;
class QAction;
class QLabel;
class QPushButton;
class QTabWidget;
class QTabBar;
class QGroupBox;

namespace wan::ui {

class ClipPickerDialog;
struct FormDraft;
class GalleryDock;
class GenerationForm;
class GenerationSettingsPanel;
class ImageDropZone;
class ModelDownloads;
class ModelFolderPicker;
class MemoryPlanView;
class ModelManagerDialog;
class PlayerWidget;
class ProgressPanel;
class PromptEditor;
class RenderQueueDock;
class VaceInputPanel;
class VariationSheetDialog;
struct VariationPlan;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(StudioServices services, QWidget* parent = nullptr);
    ~MainWindow() override;

    wan::Task task() const;
    void setTask(wan::Task task);
    // Builds a job from the form and queues it (or updates the job being edited). Returns an error, or empty.
    // With `variations` (a plan made from the form's request), the job is the base of that group instead.
    QString submit(const VariationPlan* variations = nullptr);
    // "Variations…": asks how to vary the form's job (N seeds or a grid), queues the group and opens its
    // contact sheet. Returns an error, or empty (also when cancelled).
    QString queueVariations();
    // "Variations…" of a queued job or a gallery result: its request is the base (its seed the fixed start
    // seed); asks how to vary it unless `plan` (made from variationBaseOf) is given, queues the group and
    // opens its sheet. The form and the user's draft are not touched. Returns an error, or empty.
    QString queueVariationsOf(const QUuid& id, const VariationPlan* plan = nullptr);
    // The contact sheet of a group of variations (a window of its own, kept until closed).
    VariationSheetDialog* showVariationSheet(const QUuid& group);
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
    // Gallery: puts what `scope` takes of a finished job's request into the form. Returns an error, or empty.
    QString loadSettings(const QUuid& id, RecallScope scope);
    // The settings of a result file (an MP4 or PNG the app made, or a settings.json) into the form, as
    // "Load settings: everything". Returns an error (a file not made by the app), or empty.
    QString restoreSettingsFrom(const QString& path);
    // The job's last frame as the image of an image-to-video job, when the model folder runs one (an FLF2V
    // folder: as the first frame); otherwise an explanation. Returns an error, or empty.
    QString useLastFrameAsImage(const QUuid& id);
    QString formMessage() const; // the form's problem line, or empty when hidden

    // For tests and screenshots.
    GenerationForm* generationForm() const { return m_form; }
    PromptEditor* promptEditor() const;
    PromptEditor* negativeEditor() const;
    ModelFolderPicker* modelPicker() const { return m_modelPicker; }
    ImageDropZone* imageDropZone() const;
    ImageDropZone* firstFrameDropZone() const;
    ImageDropZone* lastFrameDropZone() const;
    VaceInputPanel* vacePanel() const;
    bool isTaskOffered(wan::Task task) const; // a tab shown for it
    GenerationSettingsPanel* settingsPanel() const;
    ProgressPanel* progressPanel() const { return m_progress; }
    PlayerWidget* player() const { return m_player; }
    RenderQueueDock* queueDock() const { return m_queueDock; }
    GalleryDock* galleryDock() const { return m_galleryDock; }
    GalleryModel* galleryModel() const { return m_gallery; }
    bool isShowingPlayer() const;
    // The model manager (File → Models…) and the first-run assistant (Help; at the first start when the app
    // asks for it); both over modelDownloads().
    void openModelManager();
    void openFirstRunAssistant();
    ModelDownloads* modelDownloads();
    ModelManagerDialog* modelManager() const { return m_modelManager; }

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
    // A finished job of the queue, or a result the gallery found in the output folder.
    const RenderJob* resultJob(const QUuid& id) const;
    // The model set, device, noise and GPU memory budget of the settings, into a request from the form.
    void addMachineSettings(wan::Request* request) const;
    // The form's request for the memory plan; empty while no usable model set for the task is chosen.
    std::optional<wan::Request> planDraft() const;
    bool takesPictureDrop(const QMimeData* mime) const;
    void buildMenus();
    void retranslate();
    void onFolderChecked(const FolderCheck& check);
    void updateTaskTabs();
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
    enum class EditEnd
    {
        RestoreDraft = 1, // saved or left: the user's own form comes back
        KeepForm,         // the form is filled anew right after (continue, bridge)
    };
    void stopEditing(EditEnd end = EditEnd::RestoreDraft);
    void applyRecalled(const wan::Request& source, RecallScope scope);

    StudioServices m_services;
    QUuid m_editing;                    // held in the queue while it is in the form
    std::unique_ptr<FormDraft> m_draft; // the user's form, put back when the editing ends
    QUuid m_lastShown;

    QTabBar* m_taskBar = nullptr;
    QGroupBox* m_modelBox = nullptr;
    ModelFolderPicker* m_modelPicker = nullptr;
    GenerationForm* m_form = nullptr; // what to generate: prompts, the task's inputs, settings
    QPushButton* m_submit = nullptr;
    QPushButton* m_variations = nullptr; // "Variations…" beside "Add to queue"
    QAction* m_variationSheetAction = nullptr;
    QPushButton* m_cancelEdit = nullptr;
    QLabel* m_formMessage = nullptr;
    MemoryPlanView* m_planView = nullptr; // where the models would live, before Generate
    QTabWidget* m_output = nullptr;
    ProgressPanel* m_progress = nullptr;
    PlayerWidget* m_player = nullptr;
    RenderQueueDock* m_queueDock = nullptr;
    GalleryModel* m_gallery = nullptr;
    GalleryDock* m_galleryDock = nullptr;
    ModelManagerDialog* m_modelManager = nullptr; // made when first opened, kept while downloads go on

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
    QAction* m_modelsAction = nullptr;
    QAction* m_firstRunAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QAction* m_shortcutsAction = nullptr;
    int m_quitWaitMs = kQuitWaitMs;
    std::function<void()> m_forceQuit;
};

} // namespace wan::ui
