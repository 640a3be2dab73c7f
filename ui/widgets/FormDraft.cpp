#include "FormDraft.h"

#include "GenerationForm.h"
#include "GenerationRules.h"
#include "GenerationSettingsPanel.h"
#include "ImageDropZone.h"
#include "PromptEditor.h"
#include "VaceInputPanel.h"

namespace wan::ui {

namespace {
void restoreImage(ImageDropZone* zone, const QString& path)
{
    if (path.isEmpty() || !zone->setImageFile(path)) // a picture deleted meanwhile: an empty zone
        zone->clear();
}
} // namespace

FormDraft takeFormDraft(const GenerationForm& form)
{
    FormDraft draft;
    draft.task = form.task();
    draft.settings = defaultRequest(draft.task);
    form.settingsPanel()->fillRequest(&draft.settings);
    draft.settings.task = draft.task;
    draft.prompt = form.promptEditor()->text();
    draft.negative = form.negativeEditor()->text();
    draft.image = form.imageDropZone()->imagePath();
    draft.imageCrop = form.imageDropZone()->crop();
    draft.firstFrame = form.firstFrameDropZone()->imagePath();
    draft.lastFrame = form.lastFrameDropZone()->imagePath();
    const VaceInputPanel* vace = form.vacePanel();
    draft.sourceVideo = vace->sourceVideo();
    draft.sourceMask = vace->sourceMask();
    draft.references = vace->referenceImages();
    draft.contextScale = vace->contextScale();
    draft.useSourceSize = vace->useSourceSize();
    return draft;
}

void restoreFormDraft(GenerationForm& form, const FormDraft& draft)
{
    form.setTask(draft.task);
    form.settingsPanel()->applyRequest(draft.settings);
    form.promptEditor()->setText(draft.prompt);
    form.negativeEditor()->setText(draft.negative);
    restoreImage(form.imageDropZone(), draft.image);
    form.imageDropZone()->setCrop(draft.imageCrop);
    restoreImage(form.firstFrameDropZone(), draft.firstFrame);
    restoreImage(form.lastFrameDropZone(), draft.lastFrame);
    VaceInputPanel* vace = form.vacePanel();
    vace->setSourceVideo(draft.sourceVideo);
    vace->setSourceMask(draft.sourceMask);
    vace->setReferenceImages(draft.references);
    vace->setContextScale(draft.contextScale);
    vace->setUseSourceSize(draft.useSourceSize);
}

} // namespace wan::ui
