#include "PlayerWidget.h"

#include <QCheckBox>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMediaPlayer>
#include <QPushButton>
#include <QSlider>
#include <QStackedWidget>
#include <QStyle>
#include <QUrl>
#include <QVBoxLayout>
#include <QVideoFrame>
#include <QVideoSink>
#include <QVideoWidget>

#include <cmath>

namespace wan::ui {

namespace {
constexpr int kThumbnailCount = 10;
constexpr int kThumbnailHeight = 48;
} // namespace

PlayerWidget::PlayerWidget(QWidget* parent) : QWidget(parent)
{
    m_stack = new QStackedWidget(this);
    m_video = new QVideoWidget(m_stack);
    m_picture = new QLabel(m_stack);
    m_picture->setAlignment(Qt::AlignCenter);
    m_picture->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_stack->addWidget(m_video);
    m_stack->addWidget(m_picture);

    m_player = new QMediaPlayer(this);
    m_player->setVideoOutput(m_video);

    m_play = new QPushButton(this);
    // The style's drawn icons, not media glyphs that many fonts lack (they showed as empty boxes).
    m_back = new QPushButton(style()->standardIcon(QStyle::SP_MediaSkipBackward), QString(), this);
    m_forward = new QPushButton(style()->standardIcon(QStyle::SP_MediaSkipForward), QString(), this);
    m_scrubber = new QSlider(Qt::Horizontal, this);
    m_frameLabel = new QLabel(this);
    m_loop = new QCheckBox(this);
    m_loop->setChecked(true);
    m_strip = new QListWidget(this);
    m_strip->setViewMode(QListView::IconMode);
    m_strip->setFlow(QListView::LeftToRight);
    m_strip->setWrapping(false);
    m_strip->setMovement(QListView::Static);
    m_strip->setIconSize(QSize(kThumbnailHeight * 16 / 9, kThumbnailHeight));
    m_strip->setFixedHeight(kThumbnailHeight + 24);
    m_strip->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);

    m_controls = new QWidget(this);
    auto* controls = new QHBoxLayout(m_controls);
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addWidget(m_back);
    controls->addWidget(m_play);
    controls->addWidget(m_forward);
    controls->addWidget(m_scrubber, 1);
    controls->addWidget(m_frameLabel);
    controls->addWidget(m_loop);

    m_continue = new QPushButton(this);
    m_continue->setObjectName(QStringLiteral("continueFromLastFrame"));
    m_bridge = new QPushButton(this);
    m_bridge->setObjectName(QStringLiteral("bridgeClips"));
    auto* actions = new QHBoxLayout;
    actions->addStretch();
    actions->addWidget(m_continue);
    actions->addWidget(m_bridge);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_strip);
    layout->addWidget(m_controls);
    layout->addLayout(actions);

    connect(m_play, &QPushButton::clicked, this, &PlayerWidget::togglePlay);
    connect(m_back, &QPushButton::clicked, this, [this] { stepFrames(-1); });
    connect(m_forward, &QPushButton::clicked, this, [this] { stepFrames(1); });
    connect(m_loop, &QCheckBox::toggled, this, &PlayerWidget::setLoop);
    connect(m_continue, &QPushButton::clicked, this, &PlayerWidget::continueFromLastFrameRequested);
    connect(m_bridge, &QPushButton::clicked, this, &PlayerWidget::bridgeRequested);
    connect(m_player, &QMediaPlayer::durationChanged, this,
            [this](qint64 duration) { m_scrubber->setRange(0, int(duration)); });
    connect(m_player, &QMediaPlayer::positionChanged, this, &PlayerWidget::onPosition);
    connect(m_player, &QMediaPlayer::playbackStateChanged, this, &PlayerWidget::updatePlayButton);
    connect(m_scrubber, &QSlider::sliderMoved, this, [this](int value) { m_player->setPosition(value); });
    connect(m_video->videoSink(), &QVideoSink::videoFrameChanged, this, &PlayerWidget::onFrame);
    connect(m_strip, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        m_player->pause();
        m_player->setPosition(item->data(Qt::UserRole).toLongLong());
    });
    setLoop(true);
    retranslate();
    clear();
}

void PlayerWidget::openFile(const QString& path, int fps)
{
    m_file = path;
    m_fps = std::max(fps, 1);
    m_continue->setEnabled(true);
    m_bridge->setEnabled(true);
    m_strip->clear();
    const bool picture = QFileInfo(path).suffix().compare(QLatin1String("png"), Qt::CaseInsensitive) == 0;
    m_controls->setVisible(!picture);
    m_strip->setVisible(!picture);
    if (picture) {
        m_player->stop();
        m_player->setSource({});
        m_pictureSource = QPixmap(path);
        m_stack->setCurrentWidget(m_picture);
        showPicture();
        return;
    }
    // Thumbnail slots, filled from the frames as the clip plays the first time.
    for (int i = 0; i < kThumbnailCount; ++i) {
        auto* item = new QListWidgetItem(m_strip);
        item->setSizeHint(m_strip->iconSize() + QSize(6, 6));
    }
    m_stack->setCurrentWidget(m_video);
    m_player->setSource(QUrl::fromLocalFile(path));
    m_player->play();
}

void PlayerWidget::clear()
{
    m_file.clear();
    m_continue->setEnabled(false);
    m_bridge->setEnabled(false);
    m_player->stop();
    m_player->setSource({});
    m_strip->clear();
    m_pictureSource = QPixmap();
    m_picture->setPixmap({});
    m_picture->setText(tr("The finished video plays here."));
    m_stack->setCurrentWidget(m_picture);
    m_frameLabel->clear();
}

int PlayerWidget::frameCount() const
{
    return int(std::lround(m_player->duration() * m_fps / 1000.0));
}

int PlayerWidget::currentFrame() const
{
    return int(m_player->position() * m_fps / 1000);
}

void PlayerWidget::stepFrames(int delta)
{
    m_player->pause();
    const qint64 frame = std::max<qint64>(0, currentFrame() + delta);
    // The middle of the frame, so rounding never lands on its neighbour.
    m_player->setPosition((frame * 1000 + 500) / m_fps);
}

void PlayerWidget::togglePlay()
{
    if (m_player->playbackState() == QMediaPlayer::PlayingState)
        m_player->pause();
    else
        m_player->play();
}

void PlayerWidget::setLoop(bool loop)
{
    m_player->setLoops(loop ? QMediaPlayer::Infinite : 1);
}

void PlayerWidget::onPosition(qint64 positionMs)
{
    if (!m_scrubber->isSliderDown())
        m_scrubber->setValue(int(positionMs));
    m_frameLabel->setText(tr("Frame %1/%2").arg(currentFrame() + 1).arg(frameCount()));
}

void PlayerWidget::onFrame(const QVideoFrame& frame)
{
    const qint64 duration = m_player->duration();
    if (!frame.isValid() || duration <= 0 || m_strip->count() == 0)
        return;
    const int slot =
        int(std::min<qint64>(kThumbnailCount - 1, m_player->position() * kThumbnailCount / duration));
    QListWidgetItem* item = m_strip->item(slot);
    if (!item || !item->icon().isNull())
        return;
    const QImage image = frame.toImage();
    if (image.isNull())
        return;
    item->setIcon(
        QIcon(QPixmap::fromImage(image.scaledToHeight(kThumbnailHeight, Qt::SmoothTransformation))));
    item->setData(Qt::UserRole, m_player->position());
    item->setToolTip(tr("Frame %1").arg(currentFrame() + 1));
}

void PlayerWidget::updatePlayButton()
{
    m_play->setText(m_player->playbackState() == QMediaPlayer::PlayingState ? tr("Pause") : tr("Play"));
}

void PlayerWidget::retranslate()
{
    updatePlayButton();
    m_loop->setText(tr("Loop"));
    m_back->setToolTip(tr("Previous frame"));
    m_back->setAccessibleName(tr("Previous frame"));
    m_forward->setToolTip(tr("Next frame"));
    m_forward->setAccessibleName(tr("Next frame"));
    m_continue->setText(tr("Continue from last frame"));
    m_continue->setToolTip(tr("Start a new image-to-video job on this clip's last frame"));
    m_bridge->setText(tr("Bridge two clips…"));
    m_bridge->setToolTip(tr("A first-and-last-frame job from this clip's end to the start of another "
                            "finished clip"));
}

void PlayerWidget::showPicture()
{
    if (m_pictureSource.isNull())
        return;
    m_picture->setPixmap(m_pictureSource.scaled(m_picture->size().expandedTo(QSize(16, 16)),
                                                Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

void PlayerWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    showPicture();
}

void PlayerWidget::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    showPicture();
}

void PlayerWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace wan::ui
