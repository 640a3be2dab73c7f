#pragma once
// A finished result as a list of small frames, for players that several clips share a clock with (the
// contact sheet of a group of variations).

#include <QImage>
#include <QList>
#include <QSize>
#include <QString>

#include <functional>

namespace wan::ui {

struct ClipFrames
{
    QList<QImage> frames; // each scaled to fit the size asked for
    QString error;        // for the user: names the file
    bool isValid() const { return !frames.isEmpty(); }
};

// Decodes a video file into frames that fit `maxSize` (the engine's FFmpeg reader in the app, MediaAdapters'
// readVideoClip). Called on a worker thread.
using ClipReader = std::function<ClipFrames(const QString& path, QSize maxSize)>;

// A picture (a text-to-image result) is a clip of one frame; a video goes through `readVideo` (unset: an
// error saying this build cannot play it).
ClipFrames readClipFrames(const QString& path, QSize maxSize, const ClipReader& readVideo);

} // namespace wan::ui
