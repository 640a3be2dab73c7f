#pragma once
// A made-up live preview for the widget tests: latent-sized frames of a sun setting over the sea, side by
// side with their count recorded, as the inference thread hands them over.

#include "PreviewFrames.h"

#include <QLinearGradient>
#include <QPainter>

inline QImage sunsetPreview(int width, int height, int frames)
{
    QImage strip(width * frames, height, QImage::Format_RGB888);
    QPainter painter(&strip);
    for (int f = 0; f < frames; ++f) {
        const QRect frame(f * width, 0, width, height);
        painter.setClipRect(frame);
        QLinearGradient sky(frame.topLeft(), frame.bottomLeft());
        sky.setColorAt(0.0, QColor(40, 60, 140));
        sky.setColorAt(0.6, QColor(250, 150, 80));
        painter.fillRect(frame, sky);
        const double t = frames > 1 ? double(f) / (frames - 1) : 0.5;
        const int r = height / 6;
        painter.setBrush(QColor(255, 220, 120));
        painter.setPen(Qt::NoPen);
        painter.drawEllipse(QPoint(frame.x() + int(width * (0.2 + 0.6 * t)), int(height * (0.25 + 0.35 * t))),
                            r, r);
        painter.fillRect(QRect(frame.x(), height * 2 / 3, width, height - height * 2 / 3),
                         QColor(20, 50, 90));
    }
    painter.end();
    return wan::ui::withFrameCount(strip, frames);
}

// Frame f filled with a colour of its own, to tell which frame is shown.
inline QColor frameColour(int f)
{
    return QColor::fromHsv((f * 37) % 360, 200, 220);
}

inline QImage colouredPreview(int width, int height, int frames)
{
    QImage strip(width * frames, height, QImage::Format_RGB888);
    QPainter painter(&strip);
    for (int f = 0; f < frames; ++f)
        painter.fillRect(QRect(f * width, 0, width, height), frameColour(f));
    painter.end();
    return wan::ui::withFrameCount(strip, frames);
}
