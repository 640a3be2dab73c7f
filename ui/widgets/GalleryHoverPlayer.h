#pragma once

#include "ClipFrames.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPersistentModelIndex>
#include <QPixmap>
#include <QStringList>
#include <QTimer>

class QAbstractItemView;
class QLabel;

namespace wan::ui {

// Plays a gallery result in place while the pointer rests on its thumbnail: the video's frames, decoded once
// on a worker thread and scaled to the thumbnail, shown over the icon at the video's 16 fps and looping;
// pictures stay still. Leaving the item, scrolling or a change of the list stops it. The last few clips stay
// decoded, so going back to one plays at once.
class GalleryHoverPlayer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GalleryHoverPlayer)

public:
    // `pathRole`: the model role holding the result file. `readVideo` unset: nothing plays.
    GalleryHoverPlayer(QAbstractItemView* view, int pathRole, ClipReader readVideo, QSize frameSize,
                       QObject* parent = nullptr);
    ~GalleryHoverPlayer() override;

    void setDelayMs(int ms) { m_delay.setInterval(ms); }
    bool isPlaying() const;
    QModelIndex playingIndex() const { return m_index; }
    int frameIndex() const { return m_frame; }
    QLabel* overlay() const { return m_overlay; }

Q_SIGNALS:
    void frameShown(int frame); // tests

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void hoverAt(const QPoint& pos);
    void startClip();
    void play(const QList<QPixmap>& frames);
    void showFrame();
    void stop();
    void remember(const QString& path, const QList<QPixmap>& frames);

    QAbstractItemView* m_view;
    int m_pathRole;
    ClipReader m_readVideo;
    QSize m_frameSize;
    QLabel* m_overlay;
    QTimer m_delay;                // the pointer must rest a moment before anything is decoded
    QTimer m_clock;                // 16 fps
    QPersistentModelIndex m_index; // the item under the pointer
    QList<QPixmap> m_frames;       // playing
    int m_frame = 0;
    QHash<QString, QList<QPixmap>> m_cache;
    QStringList m_cacheOrder; // oldest first
    QString m_decoding;       // the path being decoded, or ""
};

} // namespace wan::ui
