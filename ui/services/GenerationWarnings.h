#pragma once
// Warnings, never errors, about settings the chosen model was not trained for, in the user's language: the
// form shows them next to their field and queues the job all the same. The limits are the core's
// (wan::isTrainedSize, wan::isTrainedFrameCount), the same the CLI warns about.

#include "wan/Request.h"

#include <QSize>
#include <QString>

namespace wan::ui {

// Empty when `model` of `task` was trained at `size` (i2v and flf2v: `size` is the maximum area).
QString sizeWarning(wan::Task task, wan::ModelSize model, QSize size);
// Empty when `frames` is within what `model` of `task` was trained on.
QString frameCountWarning(wan::Task task, wan::ModelSize model, int frames);

} // namespace wan::ui
