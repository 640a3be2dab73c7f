#pragma once
// The queue's picture of a job's inputs: the I2V image, FLF2V's first and last frames side by side, VACE's
// first source frame (a folder of PNG frames or a picture) or else its first reference image. Jobs whose
// inputs give none show their first preview instead.

#include "wan/Pipeline.h"

#include <QImage>
#include <QStringList>

namespace wan::ui {

QStringList inputThumbnailSources(const wan::Request& request); // the images shown, in order; may be empty
// The sources side by side with a small gap, each scaled to fit its share of `bounds`; null when none can
// be read.
QImage inputThumbnail(const wan::Request& request, QSize bounds);

} // namespace wan::ui
