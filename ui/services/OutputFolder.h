#pragma once
// The output folder checked before a job is queued, not only when it starts: a job that cannot write its
// folder fails hours later otherwise.

#include <QString>

namespace wan::ui {

// Empty when jobs can be written under `dir`: it is a writable folder, or it can be created (its nearest
// existing parent is a writable folder; nothing is created here). Otherwise the problem in the user's
// language, naming the folder.
QString outputFolderProblem(const QString& dir);

} // namespace wan::ui
