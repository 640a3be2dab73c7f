#pragma once
// The i2v framing box: a crop rectangle of an image (pixels of the image as shown, after its EXIF
// orientation) with the aspect of the chosen output size, always inside the image. Moved by its centre,
// scaled by its width; the height follows the aspect to within two pixels, picked so that the core's rule
// (i2vOutputSize) turns the crop into the chosen size where it can, else into the largest size it can (the
// official rounding floors both sides, so an exact 832:480 box gives 832x464).

#include <QPointF>
#include <QRect>
#include <QSize>

namespace wan::ui {

class FramingBox final
{
public:
    // `target`: the size chosen in the form (its aspect, and its area as the i2v maximum area).
    FramingBox(QSize image, QSize target);

    QSize imageSize() const { return m_image; }
    QSize targetSize() const { return m_target; }
    QRect rect() const { return m_rect; }
    // The video size the crop leads to (the core's rule).
    QSize outputSize() const;
    // 1: the largest box the image holds; smaller values shrink it about its centre, down to minimumScale().
    double scale() const;
    double minimumScale() const;
    int maximumWidth() const { return m_maxWidth; }
    int minimumWidth() const { return m_minWidth; }
    int widthStep() const { return m_step.isEmpty() ? 1 : m_step.width(); } // between offered widths

    // The largest box, centred.
    void reset();
    // Centre at `center` (image pixels), clamped so that the box stays inside the image.
    void moveCenterTo(QPointF center);
    void moveBy(QPointF delta);
    // Width `width` (clamped), centre kept where the image allows it.
    void setWidth(int width);
    void setScale(double scale);
    // A saved crop: its centre and width, in this box's aspect (a crop of another aspect is refitted).
    void setRect(const QRect& rect);

    // `crop` for a newly chosen size `target`: unchanged when the box already holds it in that aspect, else a
    // box of the new aspect about the same centre and of about the same area (as large as the image allows).
    static QRect refit(QSize image, const QRect& crop, QSize target);

private:
    int heightFor(int width) const;
    void place(QPointF center, int width);

    QSize m_image;
    QSize m_target;
    int m_maxWidth = 0;
    int m_minWidth = 0;
    QSize m_step; // widths are multiples of m_step.width() (the target's reduced aspect); empty: any width
    QRect m_rect;
};

} // namespace wan::ui
