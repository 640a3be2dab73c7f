#pragma once
// Partial files (core/src/media/PartialFile: "<stem>.partial-XXXXXX<ext>") are renamed over their target when
// complete and removed on failure; only a killed process leaves them behind. Removed at start.

#include <QDateTime>
#include <QString>

namespace wan::ui {

// Removes, under `folder` and its subfolders (two levels: the output folder and its job folders), the files
// named like our partial files and last modified before `startedAt` (so never one a running writer still
// writes). Returns how many were removed.
int removeStalePartialFiles(const QString& folder, const QDateTime& startedAt);

} // namespace wan::ui
