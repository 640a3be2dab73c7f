#pragma once
// The only place where the UI calls into the engine library: the real job runner, folder inspection and the
// official negative prompts. Tests use fakes instead of these.

#include "MemoryPlanText.h"
#include "StudioServices.h"

namespace wan::ui {

JobRunnerFactory engineRunnerFactory();
FolderCheck inspectModelFolderChecked(const QString& dir);
QString officialNegativePrompt(wan::Task task);
// The plan of `request` from a short-lived engine that loads nothing (safe beside a running job).
MemoryPlanCheck planMemoryChecked(const wan::Request& request);

} // namespace wan::ui
