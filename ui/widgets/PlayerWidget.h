#pragma once

#include <QPixmap>
#include <QWidget>

class QCheckBox;
class QLabel;
class QListWidget;
class QMediaPlayer;
class QPushButton;
class QSlider;
class QStackedWidget;
class QVideoFrame;
class QVideoWidget;

namespace wan::ui {

// The finished result: a video player (play/pause, frame stepping, scrubber with frame thumbnails, loop) or,
// for text to image, the picture.
class PlayerWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlayerWidget)

public:
    explicit PlayerWidget(QWidget* parent = nullptr);

    void openFile(const QString& path, int fps = 16);
    void clear();
    QString currentFile() const { return m_file; }
    int currentFrame() const;
    int frameCount() const; // 0 until the video is loaded
    void stepFrames(int delta);
    void togglePlay();
    void setLoop(bool loop);
    QCheckBox* loopBox() const { return m_loop; } // the L key toggles it
    // Shown under the result: chain a new clip onto this one.
    QPushButton* continueButton() const { return m_continue; }
    QPushButton* bridgeButton() const { return m_bridge; }

Q_SIGNALS:
    void continueFromLastFrameRequested(); // an I2V (or FLF2V) job starting on the last frame
    void bridgeRequested();                // an FLF2V job from this clip's end to another clip's start

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void onPosition(qint64 positionMs);
    void onFrame(const QVideoFrame& frame);
    void updatePlayButton();
    void showPicture();
    void retranslate();

    QString m_file;
    QPixmap m_pictureSource;
    int m_fps = 16;
    QStackedWidget* m_stack = nullptr;
    QMediaPlayer* m_player = nullptr;
    QVideoWidget* m_video = nullptr;
    QLabel* m_picture = nullptr;
    QPushButton* m_play = nullptr;
    QPushButton* m_back = nullptr;
    QPushButton* m_forward = nullptr;
    QSlider* m_scrubber = nullptr;
    QLabel* m_frameLabel = nullptr;
    QCheckBox* m_loop = nullptr;
    QListWidget* m_strip = nullptr;
    QWidget* m_controls = nullptr;
    QPushButton* m_continue = nullptr;
    QPushButton* m_bridge = nullptr;
};

} // namespace wan::ui
