#pragma once
// The UI's door to the engine's media code (FFmpeg, no torch): decoding result and source videos.

#include "ClipFrames.h"
#include "SourceFrames.h"

#include <QJsonObject>

namespace wan::ui {

// The first and last frames and the frame count of a video file; an error naming the file when unreadable.
SourceFrames readVideoEnds(const QString& path);
// The generation settings tags of a video the app made (its `comment` JSON); empty when it has none. An error
// naming the file when it cannot be read as a video.
QJsonObject readVideoTags(const QString& path, QString* error);
// Every frame of a video, each scaled to fit `maxSize` (the contact sheet); an error naming the file when
// unreadable.
ClipFrames readVideoClip(const QString& path, QSize maxSize);

} // namespace wan::ui
