#pragma once
// A queued job's input pictures are copied into a folder of the app's own at queue time, so the job still
// runs after the user moves, renames or deletes the originals. One folder per queued submission below the
// stash root; copies are shared by jobs made from one another (duplicate, retry) and removed when the last
// job that names them leaves the queue.

#include "wan/Pipeline.h"

#include <QList>
#include <QString>

namespace wan::ui {

struct RenderJob;

// Copies the request's pictures (I2V image, FLF2V first/last frame, VACE reference images) that are not yet
// below `root` into a new folder below it and points the request at the copies. Pictures already below `root`
// are kept as they are; nothing is created when there is nothing to copy. On failure returns false with a
// message naming the file, leaves the request unchanged and removes what it created.
bool stageJobInputs(wan::Request* request, const QString& root, QString* error);

// The folders below `root` that `request` refers to.
QStringList stagedInputFolders(const wan::Request& request, const QString& root);

// Removes the staged folders of `gone` that no job in `remaining` still refers to. Only direct children of
// `root` are ever removed.
void releaseJobInputs(const wan::Request& gone, const QList<RenderJob>& remaining, const QString& root);

} // namespace wan::ui
