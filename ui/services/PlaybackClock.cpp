#include "PlaybackClock.h"

#include <QTimer>

#include <algorithm>

namespace wan::ui {

PlaybackClock::PlaybackClock(QObject* parent) : QObject(parent), m_timer(new QTimer(this))
{
    m_timer->setTimerType(Qt::PreciseTimer);
    m_timer->setInterval(1000 / m_fps);
    connect(m_timer, &QTimer::timeout, this, [this] { advance(1); });
}

void PlaybackClock::setFps(int fps)
{
    m_fps = std::clamp(fps, 1, 240);
    m_timer->setInterval(1000 / m_fps);
}

bool PlaybackClock::isPlaying() const
{
    return m_timer->isActive();
}

void PlaybackClock::setPlaying(bool playing)
{
    if (playing == isPlaying())
        return;
    if (playing)
        m_timer->start();
    else
        m_timer->stop();
    Q_EMIT playingChanged(playing);
}

void PlaybackClock::advance(int frames)
{
    seek(m_frame + frames);
}

void PlaybackClock::seek(qint64 frame)
{
    frame = std::max<qint64>(0, frame);
    if (frame == m_frame)
        return;
    m_frame = frame;
    Q_EMIT frameChanged(m_frame);
}

int PlaybackClock::clipFrame(qint64 frame, int frameCount)
{
    return frameCount > 0 ? int(frame % frameCount) : -1;
}

} // namespace wan::ui
