#pragma once
// The live preview crosses threads as one image: the latent frames side by side (the engine's
// wan::PreviewImage, one frame per latent frame), with the frame count in the image's text under
// kPreviewFramesKey so the UI can cut out a single frame. The mailbox stays one slot of one QImage.

#include <QImage>

namespace wan::ui {

inline constexpr const char* kPreviewFramesKey = "wan.frames";

// `strip` with its frame count recorded.
QImage withFrameCount(QImage strip, int frames);
// The recorded frame count (at least 1; 1 for an image without one, e.g. a single picture).
int previewFrameCount(const QImage& strip);
// Frame `index` (clamped to the frames there are) of the strip; null for a null strip.
QImage previewFrame(const QImage& strip, int index);
// The frame the preview shows until the user picks one: the middle of the clip, where the motion is (the
// first latent frame is a single video frame, and in I2V it is the input picture).
int defaultPreviewFrame(int frames);

} // namespace wan::ui
