#pragma once
// The UI's door to the engine's media code (FFmpeg, no torch): decoding result and source videos.

#include "SourceFrames.h"

namespace wan::ui {

// The first and last frames and the frame count of a video file; an error naming the file when unreadable.
SourceFrames readVideoEnds(const QString& path);

} // namespace wan::ui
