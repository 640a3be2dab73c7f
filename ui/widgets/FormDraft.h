#pragma once
// What the generation form showed before a queued job was loaded into it for editing, so that ending the
// edit (saved or not) puts the user's own work back: the task, its settings, both prompts as typed, every
// task's inputs (also those of the tasks not shown) and the model set.

#include "wan/Request.h"

#include <QRect>
#include <QString>
#include <QStringList>

namespace wan::ui {

class GenerationForm;

struct FormDraft
{
    wan::Task task = wan::Task::T2V;
    wan::Request settings; // the shown task's generation settings (GenerationSettingsPanel::fillRequest)
    QString prompt;        // as typed, untrimmed
    QString negative;
    QString image;                  // i2v
    std::optional<QRect> imageCrop; // i2v: the framing (pixels of the image as shown); nullopt: whole image
    QString firstFrame;
    QString lastFrame;
    QString sourceVideo; // vace
    QString sourceMask;
    QStringList references;
    double contextScale = 1.0;
    bool useSourceSize = false;
    QString modelFolder; // the window's model set: filled and restored by the window
    wan::ModelFiles modelFiles;
};

FormDraft takeFormDraft(const GenerationForm& form);
// Shows `draft` in `form`, switching to its task. The window switches its task tab first.
void restoreFormDraft(GenerationForm& form, const FormDraft& draft);

} // namespace wan::ui
