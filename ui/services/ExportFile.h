#pragma once
// "Export as…": a finished job's file copied to a place the user chose, without ever losing a file.

#include <QString>

namespace wan::ui {

// Copies `source` to `target` through a temporary file in the target's folder renamed over it at the end, so
// a failed copy leaves any old `target` as it was. Refuses when both name the same file (copying a file over
// itself would destroy it). On failure returns false and sets `error` to a sentence for the user.
bool exportFile(const QString& source, const QString& target, QString* error = nullptr);

} // namespace wan::ui
