#include "FramingBox.h"

#include "GenerationRules.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace wan::ui {

namespace {
constexpr int kMinimumSide = 16; // the smallest crop side offered (one 16-pixel output cell)
}

FramingBox::FramingBox(QSize image, QSize target) : m_image(image), m_target(target)
{
    if (m_image.isEmpty() || m_target.isEmpty())
        return;
    // Widths in steps of the target's reduced aspect keep it exactly (832:480 is 26:15), which the official
    // rounding needs to give the chosen size; in a picture too small for that, any width.
    const int divisor = std::gcd(m_target.width(), m_target.height());
    const QSize step(m_target.width() / divisor, m_target.height() / divisor);
    const int maxSteps = std::min(m_image.width() / step.width(), m_image.height() / step.height());
    const int minSteps = std::max({1, (kMinimumSide + step.width() - 1) / step.width(),
                                   (kMinimumSide + step.height() - 1) / step.height()});
    if (maxSteps >= minSteps) {
        m_step = step;
        m_maxWidth = maxSteps * step.width();
        m_minWidth = minSteps * step.width();
    } else {
        m_maxWidth = m_image.width();
        while (m_maxWidth > 1 && heightFor(m_maxWidth) > m_image.height())
            --m_maxWidth;
        m_minWidth = m_maxWidth;
    }
    reset();
}

int FramingBox::heightFor(int width) const
{
    const int rounded = std::max(1, int(std::lround(double(width) * m_target.height() / m_target.width())));
    // The official rounding floors each side, and for some sizes (832*480 among them) the exact aspect lands
    // a hair below a multiple of 16: of the heights within two pixels of the aspect, the one whose output is
    // the chosen size, else the largest output.
    const int maxArea = m_target.width() * m_target.height();
    int best = rounded;
    qint64 bestArea = -1;
    for (const int delta : {0, 1, -1, 2, -2}) {
        const int height = rounded + delta;
        if (height < 1 || (delta != 0 && height > m_image.height()))
            continue;
        const QSize out = i2vOutputSize(QSize(width, height), maxArea);
        if (out == m_target)
            return height;
        if (qint64(out.width()) * out.height() > bestArea) {
            bestArea = qint64(out.width()) * out.height();
            best = height;
        }
    }
    return best;
}

QSize FramingBox::outputSize() const
{
    return i2vOutputSize(m_rect.size(), m_target.width() * m_target.height());
}

double FramingBox::scale() const
{
    return m_maxWidth > 0 ? double(m_rect.width()) / m_maxWidth : 0.0;
}

double FramingBox::minimumScale() const
{
    return m_maxWidth > 0 ? double(m_minWidth) / m_maxWidth : 0.0;
}

void FramingBox::reset()
{
    place(QPointF(m_image.width() / 2.0, m_image.height() / 2.0), m_maxWidth);
}

void FramingBox::moveCenterTo(QPointF center)
{
    place(center, m_rect.width());
}

void FramingBox::moveBy(QPointF delta)
{
    place(QRectF(m_rect).center() + delta, m_rect.width());
}

void FramingBox::setWidth(int width)
{
    place(QRectF(m_rect).center(), width);
}

void FramingBox::setScale(double scale)
{
    setWidth(int(std::lround(scale * m_maxWidth)));
}

void FramingBox::setRect(const QRect& rect)
{
    if (rect.isEmpty()) {
        reset();
        return;
    }
    place(QRectF(rect).center(), rect.width());
}

QRect FramingBox::refit(QSize image, const QRect& crop, QSize target)
{
    FramingBox box(image, target);
    box.setRect(crop);
    if (box.rect() == crop || crop.isEmpty() || target.isEmpty())
        return box.rect();
    const double aspect = double(target.width()) / double(target.height());
    const double area = double(crop.width()) * double(crop.height());
    box.place(QRectF(crop).center(), int(std::lround(std::sqrt(area * aspect))));
    return box.rect();
}

void FramingBox::place(QPointF center, int width)
{
    if (m_maxWidth <= 0)
        return;
    width = std::clamp(width, m_minWidth, m_maxWidth);
    if (!m_step.isEmpty())
        width = int(std::lround(double(width) / m_step.width())) * m_step.width();
    const int height = std::min(heightFor(width), m_image.height());
    const int x = std::clamp(int(std::lround(center.x() - width / 2.0)), 0, m_image.width() - width);
    const int y = std::clamp(int(std::lround(center.y() - height / 2.0)), 0, m_image.height() - height);
    m_rect = QRect(x, y, width, height);
}

} // namespace wan::ui
