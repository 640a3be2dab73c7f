#include "GalleryHoverPlayer.h"

#include "BackgroundTask.h"

#include <QAbstractItemView>
#include <QEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMouseEvent>
#include <QScrollBar>

namespace wan::ui {

namespace {

constexpr int kFps = 16;        // Wan2.1's frame rate
constexpr int kCachedClips = 6; // a gallery page's worth of recent hovers
constexpr int kRestMs = 350;

bool isVideo(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("mp4") || suffix == QLatin1String("mkv") ||
           suffix == QLatin1String("webm");
}

} // namespace

GalleryHoverPlayer::GalleryHoverPlayer(QAbstractItemView* view, int pathRole, ClipReader readVideo,
                                       QSize frameSize, QObject* parent)
    : QObject(parent), m_view(view), m_pathRole(pathRole), m_readVideo(std::move(readVideo)),
      m_frameSize(frameSize), m_overlay(new QLabel(view->viewport()))
{
    m_overlay->setAttribute(Qt::WA_TransparentForMouseEvents); // clicks and drags reach the item below
    m_overlay->setAlignment(Qt::AlignCenter);
    m_overlay->hide();
    m_delay.setSingleShot(true);
    m_delay.setInterval(kRestMs);
    connect(&m_delay, &QTimer::timeout, this, &GalleryHoverPlayer::startClip);
    m_clock.setInterval(1000 / kFps);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        m_frame = (m_frame + 1) % int(m_frames.size());
        showFrame();
    });
    view->viewport()->setMouseTracking(true);
    view->viewport()->installEventFilter(this);
    for (auto* bar : {view->verticalScrollBar(), view->horizontalScrollBar()})
        connect(bar, &QScrollBar::valueChanged, this, &GalleryHoverPlayer::stop);
    if (QAbstractItemModel* model = view->model()) {
        connect(model, &QAbstractItemModel::modelReset, this, &GalleryHoverPlayer::stop);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &GalleryHoverPlayer::stop);
        connect(model, &QAbstractItemModel::rowsInserted, this, &GalleryHoverPlayer::stop);
        connect(model, &QAbstractItemModel::layoutChanged, this, &GalleryHoverPlayer::stop);
    }
}

GalleryHoverPlayer::~GalleryHoverPlayer() = default;

bool GalleryHoverPlayer::isPlaying() const
{
    return m_clock.isActive();
}

bool GalleryHoverPlayer::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport()) {
        switch (event->type()) {
        case QEvent::MouseMove:
            hoverAt(static_cast<QMouseEvent*>(event)->position().toPoint());
            break;
        case QEvent::Leave:
        case QEvent::Hide:
        case QEvent::MouseButtonPress: // a click or the start of a drag: the item, not the film
            stop();
            break;
        default:
            break;
        }
    }
    return QObject::eventFilter(watched, event);
}

void GalleryHoverPlayer::hoverAt(const QPoint& pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (index == QModelIndex(m_index))
        return;
    stop();
    m_index = index;
    if (index.isValid() && m_readVideo && isVideo(index.data(m_pathRole).toString()))
        m_delay.start();
}

void GalleryHoverPlayer::startClip()
{
    if (!m_index.isValid())
        return;
    const QString path = m_index.data(m_pathRole).toString();
    if (const auto it = m_cache.constFind(path); it != m_cache.constEnd()) {
        play(*it);
        return;
    }
    if (!m_decoding.isEmpty())
        return; // one decode at a time; the pointer may come back when it is done
    m_decoding = path;
    runInBackground(
        this, [reader = m_readVideo, path, size = m_frameSize] { return reader(path, size).frames; },
        [this, path](const QList<QImage>& images) {
            m_decoding.clear();
            QList<QPixmap> frames; // made here: pixmaps belong to the GUI thread

            frames.reserve(images.size());
            for (const QImage& image : images)
                frames.append(QPixmap::fromImage(image));
            if (frames.isEmpty())
                return; // unreadable: the still thumbnail stays
            remember(path, frames);
            if (m_index.isValid() && m_index.data(m_pathRole).toString() == path)
                play(frames);
        });
}

void GalleryHoverPlayer::remember(const QString& path, const QList<QPixmap>& frames)
{
    m_cache.insert(path, frames);
    m_cacheOrder.removeAll(path);
    m_cacheOrder.append(path);
    while (m_cacheOrder.size() > kCachedClips)
        m_cache.remove(m_cacheOrder.takeFirst());
}

void GalleryHoverPlayer::play(const QList<QPixmap>& frames)
{
    m_frames = frames;
    m_frame = 0;
    showFrame();
    m_overlay->show();
    m_overlay->raise();
    if (m_frames.size() > 1)
        m_clock.start();
}

void GalleryHoverPlayer::showFrame()
{
    if (m_frames.isEmpty() || !m_index.isValid()) {
        stop();
        return;
    }
    const QPixmap& frame = m_frames.at(m_frame);
    // Over the icon: centred at the top of the item, where the view draws the thumbnail.
    const QRect item = m_view->visualRect(m_index);
    const QRect icon(item.x() + (item.width() - m_frameSize.width()) / 2, item.y() + 2, m_frameSize.width(),
                     m_frameSize.height());
    m_overlay->setGeometry(icon);
    m_overlay->setPixmap(frame);
    Q_EMIT frameShown(m_frame);
}

void GalleryHoverPlayer::stop()
{
    m_delay.stop();
    m_clock.stop();
    m_frames.clear();
    m_frame = 0;
    m_overlay->hide();
    m_index = QPersistentModelIndex();
}

} // namespace wan::ui
