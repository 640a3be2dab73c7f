#include "PreviewFrames.h"

#include <algorithm>

namespace wan::ui {

QImage withFrameCount(QImage strip, int frames)
{
    strip.setText(QLatin1String(kPreviewFramesKey), QString::number(std::max(frames, 1)));
    return strip;
}

int previewFrameCount(const QImage& strip)
{
    bool ok = false;
    const int frames = strip.text(QLatin1String(kPreviewFramesKey)).toInt(&ok);
    if (!ok || frames < 1 || strip.width() < frames)
        return 1;
    return frames;
}

QImage previewFrame(const QImage& strip, int index)
{
    if (strip.isNull())
        return {};
    const int frames = previewFrameCount(strip);
    const int width = strip.width() / frames;
    const int frame = std::clamp(index, 0, frames - 1);
    return strip.copy(frame * width, 0, width, strip.height());
}

int defaultPreviewFrame(int frames)
{
    return std::max(frames - 1, 0) / 2;
}

} // namespace wan::ui
