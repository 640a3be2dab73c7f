#pragma once
// The "what to generate" form: prompt and negative prompt, the task's inputs (I2V first frame, FLF2V first
// and last frame, VACE video, mask and references) and the generation settings (speed settings included),
// each task's settings and negative prompt remembered. The model set, the task switch and the queue buttons
// stay with the window.

#include "StudioServices.h"

#include "wan/Request.h"

#include <QWidget>

class QGroupBox;
class QLabel;
class QPushButton;
class QSettings;
class QToolButton;

namespace wan::ui {

class GenerationSettingsPanel;
class ImageDropZone;
class PromptEditor;
class VaceInputPanel;

class GenerationForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GenerationForm)

public:
    // `settings` (null: nothing remembered) keeps the prompt histories and each task's last settings and
    // negative prompt; `negativePrompt` gives a task's default negative prompt (unset: empty);
    // `readVideoFrames` decodes VACE source videos (unset: PNG frames and pictures only).
    GenerationForm(QSettings* settings, NegativePromptProvider negativePrompt,
                   VideoFrameReader readVideoFrames, QWidget* parent = nullptr);
    ~GenerationForm() override;

    wan::Task task() const { return m_task; }
    // Remembers the shown task's settings, then shows `task`'s inputs and its remembered settings.
    void setTask(wan::Task task);
    // What the form describes: the task, prompt, negative prompt (only when not the task's default), inputs
    // and settings over the task's official defaults. Not the model set, the device or the noise source.
    wan::Request request() const;
    // Fills the form from `request` (a queued job being edited), switching to its task.
    void setRequest(const wan::Request& request);
    // The first problem with the prompt, the task's inputs or the settings, or empty.
    QString inputError() const;
    QString defaultNegative(wan::Task task) const;
    // Remembers the shown task's settings and negative prompt.
    void saveTaskSettings() const;
    // False while a queued job is being edited: its settings are not the user's own, so neither switching
    // tasks nor saveTaskSettings() remembers them.
    void setRemembersSettings(bool remembers) { m_remembers = remembers; }
    // Adds the prompt (and a negative prompt other than the default) to their histories: after queuing.
    void addToHistory();

    PromptEditor* promptEditor() const { return m_prompt; }
    PromptEditor* negativeEditor() const { return m_negative; }
    ImageDropZone* imageDropZone() const { return m_dropZone; }
    ImageDropZone* firstFrameDropZone() const { return m_firstFrame; }
    ImageDropZone* lastFrameDropZone() const { return m_lastFrame; }
    VaceInputPanel* vacePanel() const { return m_vacePanel; }
    GenerationSettingsPanel* settingsPanel() const { return m_settingsPanel; }

Q_SIGNALS:
    void edited(); // the prompt or an input changed: a problem shown about them is stale
    void extendPromptRequested();
    void messageRequested(const QString& message); // for the status bar: a rejected picture or input

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void loadTaskSettings(wan::Task task);
    void updateFlf2vOutputSize();
    void updateSizeLock();

    QSettings* m_settings = nullptr;
    NegativePromptProvider m_negativePrompt;
    wan::Task m_task = wan::Task::T2V;
    bool m_taskShown = false; // setTask() ran once: there are settings on screen to remember
    bool m_remembers = true;

    QGroupBox* m_promptBox = nullptr;
    PromptEditor* m_prompt = nullptr;
    QToolButton* m_negativeToggle = nullptr;
    QPushButton* m_extendPrompt = nullptr;
    PromptEditor* m_negative = nullptr;
    QGroupBox* m_imageBox = nullptr;
    ImageDropZone* m_dropZone = nullptr;
    QGroupBox* m_flf2vBox = nullptr;
    QLabel* m_firstFrameLabel = nullptr;
    QLabel* m_lastFrameLabel = nullptr;
    ImageDropZone* m_firstFrame = nullptr;
    ImageDropZone* m_lastFrame = nullptr;
    QLabel* m_flf2vOutput = nullptr;
    QGroupBox* m_vaceBox = nullptr;
    VaceInputPanel* m_vacePanel = nullptr;
    QGroupBox* m_settingsBox = nullptr;
    GenerationSettingsPanel* m_settingsPanel = nullptr;
};

} // namespace wan::ui
