#pragma once

#include <QObject>

class QTimer;

namespace wan::ui {

// One clock for several players (the contact sheet): a frame counter that a timer advances at `fps` while
// playing. Each player shows frame() modulo its own length, so clips of one length stay frame-locked.
class PlaybackClock final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlaybackClock)

public:
    explicit PlaybackClock(QObject* parent = nullptr);

    qint64 frame() const { return m_frame; }
    int fps() const { return m_fps; }
    void setFps(int fps); // clamped to 1..240
    bool isPlaying() const;
    void setPlaying(bool playing);
    void togglePlaying() { setPlaying(!isPlaying()); }
    // Steps the clock (negative: back; it stops at 0).
    void advance(int frames = 1);
    void seek(qint64 frame);

    // The frame of a clip of `frameCount` frames at clock frame `frame`; -1 for an empty clip.
    static int clipFrame(qint64 frame, int frameCount);

Q_SIGNALS:
    void frameChanged(qint64 frame);
    void playingChanged(bool playing);

private:
    QTimer* m_timer = nullptr;
    qint64 m_frame = 0;
    int m_fps = 16;
};

} // namespace wan::ui
