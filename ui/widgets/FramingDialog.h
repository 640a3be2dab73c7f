#pragma once
// The i2v framing editor: the image as shown (EXIF orientation applied) with the exact output box over it,
// the area outside dimmed. Drag the box to move it; the mouse wheel, a corner handle or the slider scale it.
// The box keeps the aspect of the size chosen in the form and stays inside the image. "Whole image" drops
// the crop (the official rule on the whole picture).

#include "FramingBox.h"

#include <QDialog>
#include <QImage>
#include <QWidget>

#include <optional>

class QDialogButtonBox;
class QLabel;
class QPushButton;
class QSlider;

namespace wan::ui {

// The picture and the box; edits the dialog's FramingBox.
class FramingView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FramingView)

public:
    FramingView(QImage image, FramingBox* box, QWidget* parent = nullptr);

    // Where the image is drawn (widget pixels) and the mapping both ways.
    QRectF imageRect() const;
    QPointF toWidget(QPointF imagePoint) const;
    QPointF toImage(QPointF widgetPoint) const;
    void setShowsBox(bool show);
    bool showsBox() const { return m_showsBox; }

    QSize sizeHint() const override;

Q_SIGNALS:
    void boxEdited(); // by the mouse

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    enum class Drag
    {
        None = 1,
        Move,
        Corner
    };
    // The corner handle under `widgetPoint` (0 top left, 1 top right, 2 bottom right, 3 bottom left) or -1.
    int cornerAt(QPointF widgetPoint) const;
    void updateCursor(QPointF widgetPoint);

    QImage m_image;
    FramingBox* m_box = nullptr;
    bool m_showsBox = true;
    Drag m_drag = Drag::None;
    QPointF m_pressImage;  // image pixels
    QPointF m_anchor;      // corner drag: the opposite corner (image pixels)
    QPointF m_pressCenter; // move: the box centre when pressed
};

class FramingDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FramingDialog)

public:
    // `image` as shown (EXIF orientation applied); `target`: the size chosen in the form; `crop`: the current
    // one, nullopt for the whole image.
    FramingDialog(const QImage& image, QSize target, std::optional<QRect> crop, QWidget* parent = nullptr);

    // nullopt: the whole image.
    std::optional<QRect> crop() const;
    const FramingBox& box() const { return m_box; }
    FramingView* view() const { return m_view; }
    QSlider* scaleSlider() const { return m_scale; }
    QPushButton* wholeImageButton() const { return m_whole; }
    QString summary() const; // "Output W×H from a crop of w×h at (x, y)"

    // The box as the slider, wheel and handles set it (tests and the view).
    void setBoxRect(const QRect& rect);

protected:
    void changeEvent(QEvent* event) override;

private:
    void useWholeImage();
    void boxChanged();
    void syncSlider();
    void retranslate();

    QImage m_image;
    FramingBox m_box;
    bool m_wholeImage = false;
    FramingView* m_view = nullptr;
    QLabel* m_scaleLabel = nullptr;
    QSlider* m_scale = nullptr;
    QPushButton* m_whole = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_hint = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace wan::ui
