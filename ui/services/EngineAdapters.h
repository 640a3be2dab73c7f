#pragma once
// The only place where the UI calls into the engine library: the real job runner, folder inspection and the
// official negative prompts. Tests use fakes instead of these.

#include "StudioServices.h"

namespace wan::ui {

JobRunnerFactory engineRunnerFactory();
FolderCheck inspectModelFolderChecked(const QString& dir);
QString officialNegativePrompt(wan::Task task);

} // namespace wan::ui
