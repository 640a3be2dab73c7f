#pragma once
// The first and last frames of a clip given as a video file, a folder of PNG frames (sorted by name, as the
// engine reads them) or a single picture: what the mask painter draws over and the player actions extract.

#include <QImage>
#include <QString>
#include <QStringList>

#include <functional>

namespace wan::ui {

struct SourceFrames
{
    QImage first;
    QImage last;
    int frameCount = 0;
    QString error; // for the user: names the file and what to do
    bool isValid() const { return !first.isNull() && !last.isNull() && frameCount > 0; }
};

// Decodes a video file (the engine's FFmpeg reader in the app). Unset: only PNG frames and pictures are read.
using VideoFrameReader = std::function<SourceFrames(const QString& path)>;

QStringList pngFramesIn(const QString& folder); // absolute paths, sorted by file name like the engine
bool isPictureFile(const QString& path);        // a single image the UI takes as a one-frame clip
SourceFrames readSourceFrames(const QString& path, const VideoFrameReader& readVideo);

} // namespace wan::ui
