#pragma once

#include <QImage>
#include <QMap>
#include <QRect>
#include <QWidget>

#include <functional>

namespace wan::ui {

// Boxes set on key frames; between two keys each edge moves linearly, before the first key and after the
// last the nearest key's box holds.
class BoxTrack
{
public:
    void setKey(int frame, const QRect& box);
    bool removeKey(int frame);
    void clear() { m_keys.clear(); }
    bool isEmpty() const { return m_keys.isEmpty(); }
    bool hasKey(int frame) const { return m_keys.contains(frame); }
    QList<int> keyFrames() const { return m_keys.keys(); }
    QRect boxAt(int frame) const; // empty without keys

private:
    QMap<int, QRect> m_keys;
};

// How the painted mask covers the clip.
enum class MaskExtension
{
    SameForAllFrames = 1, // the painted mask on every frame
    BoxTrack              // the painted mask plus, per frame, the box track's box
};

enum class MaskTool
{
    Brush = 1, // paints "generate" (white)
    Eraser,    // paints "keep" (black)
    Box        // drags a box: filled into the mask, or a key of the box track
};

// Paints a VACE mask over a clip's first frame, in the frame's own pixels: white = generate, black = keep
// (the engine's convention for Request::srcMask). The frame is shown scaled to fit, the mask as a tint.
class MaskPainter final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MaskPainter)

public:
    explicit MaskPainter(QWidget* parent = nullptr);

    void setSource(const QImage& firstFrame, int frameCount);
    QSize frameSize() const { return m_frame.size(); }
    int frameCount() const { return m_frameCount; }

    MaskTool tool() const { return m_tool; }
    void setTool(MaskTool tool);
    int brushRadius() const { return m_radius; } // frame pixels
    void setBrushRadius(int radius);
    MaskExtension extension() const { return m_extension; }
    void setExtension(MaskExtension extension);
    int currentFrame() const { return m_currentFrame; } // the frame box-track keys are set on
    void setCurrentFrame(int frame);
    const BoxTrack& boxTrack() const { return m_track; }
    bool removeKeyAtCurrentFrame();

    // In frame pixels; the mouse does the same through these.
    void paintStroke(QPointF from, QPointF to); // brush or eraser, by the tool (Box paints like Brush)
    void applyBox(const QRect& box);            // fills the mask, or in BoxTrack sets the current frame's key
    void clearMask();

    const QImage& paintedMask() const { return m_mask; } // Grayscale8, the frame's size
    QImage maskForFrame(int frame) const;                // what frame `frame` gets (Grayscale8)
    bool isEmpty() const;                                // nothing to generate on any frame

    QRect imageRect() const; // where the frame is drawn in the widget
    QPointF toFrame(const QPoint& widgetPos) const;

    QSize sizeHint() const override;

Q_SIGNALS:
    void maskChanged();
    void currentFrameChanged(int frame);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void updateTint();

    QImage m_frame;
    int m_frameCount = 0;
    QImage m_mask;
    QImage m_tint; // the mask as a translucent overlay, rebuilt on change
    BoxTrack m_track;
    MaskTool m_tool = MaskTool::Brush;
    MaskExtension m_extension = MaskExtension::SameForAllFrames;
    int m_radius = 24;
    int m_currentFrame = 0;
    bool m_dragging = false;
    QPointF m_lastPoint;
    QPointF m_boxStart;
    QRect m_dragBox;   // frame pixels, while the box tool drags
    QPoint m_hoverPos; // widget pixels, for the brush outline; (-1,-1) when outside
};

// Writes `count` mask frames (frameAt(0) ... frameAt(count-1)) as frame_0000.png ... into `folder`, all or
// nothing: into a temporary sibling folder first, renamed to `folder` once complete. `folder` must not exist.
// Returns an error for the user, or empty.
QString writeMaskFrames(const QString& folder, int count, const std::function<QImage(int)>& frameAt);

} // namespace wan::ui
