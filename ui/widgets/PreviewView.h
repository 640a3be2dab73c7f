#pragma once

#include <QImage>
#include <QWidget>

class QLabel;
class QSlider;
class QToolButton;

namespace wan::ui {

class PreviewCanvas;
class PreviewStrip;

// The running job's newest denoised estimate as one large frame, fitted to the space keeping its aspect,
// with a slider over the latent frames and an optional thin strip of all of them below. Until the user picks
// a frame it follows the middle one (PreviewFrames' defaultPreviewFrame); a picked frame stays picked for the
// rest of the job, through later previews.
class PreviewView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewView)

public:
    explicit PreviewView(QWidget* parent = nullptr);

    // A new job: no preview, following the middle frame again.
    void reset(const QString& placeholder);
    void setPlaceholder(const QString& text);
    // The strip from the inference thread (frames side by side, their count in the image's text).
    void setPreview(const QImage& strip);
    void setStripVisible(bool visible);
    bool isStripVisible() const;

    int frameCount() const { return m_frames; }
    int currentFrame() const { return m_frame; }
    bool isFollowing() const { return m_following; }
    // Picks a frame as the user would (the slider or a click on the strip): stops following.
    void pickFrame(int index);
    // The image shown large and where it is drawn, in this widget's coordinates.
    QImage shownFrame() const;
    QRect shownFrameRect() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void showFrame(int index);
    void retranslate();

    QImage m_strip;
    int m_frames = 0;
    int m_frame = 0;
    bool m_following = true;
    PreviewCanvas* m_canvas = nullptr;
    PreviewStrip* m_stripBar = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_frameLabel = nullptr;
    QToolButton* m_stripToggle = nullptr;
};

// Where an image of `image` size is drawn in `area`: as large as fits, aspect kept, centred.
QRect fitCentred(QSize image, QRect area);

} // namespace wan::ui
