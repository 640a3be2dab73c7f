#pragma once
// Model set inspection for the UI: the engine's header-only checks (wan_io_raw, no torch), so the model files
// dialog and its tests run without the inference engine.

#include "StudioServices.h"

namespace wan::ui {

// wan::inspectModelSet and wan::modelSetProblems as a FolderCheck; never throws.
FolderCheck inspectModelSetChecked(const QString& dir, const wan::ModelFiles& files);
// wan::identifyModelFile as a ModelFileCheck; never throws.
ModelFileCheck identifyModelFileChecked(const QString& path);

} // namespace wan::ui
