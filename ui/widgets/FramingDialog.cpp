#include "FramingDialog.h"

#include "GenerationRules.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace wan::ui {

namespace {
constexpr int kSliderSteps = 1000;
constexpr double kHandleRadius = 6.0; // widget pixels
constexpr double kWheelFactor = 1.1;  // box width per wheel notch
} // namespace

// ---- FramingView ------------------------------------------------------------------------------------------

FramingView::FramingView(QImage image, FramingBox* box, QWidget* parent)
    : QWidget(parent), m_image(std::move(image)), m_box(box)
{
    setObjectName(QStringLiteral("framingView"));
    setMouseTracking(true);
    setMinimumSize(320, 200);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

QSize FramingView::sizeHint() const
{
    return m_image.size().scaled(720, 480, Qt::KeepAspectRatio).expandedTo(QSize(320, 200));
}

QRectF FramingView::imageRect() const
{
    if (m_image.isNull())
        return {};
    const QSizeF fitted = QSizeF(m_image.size()).scaled(QSizeF(size()), Qt::KeepAspectRatio);
    return QRectF(QPointF((width() - fitted.width()) / 2.0, (height() - fitted.height()) / 2.0), fitted);
}

QPointF FramingView::toWidget(QPointF imagePoint) const
{
    const QRectF area = imageRect();
    if (m_image.isNull())
        return {};
    const double s = area.width() / m_image.width();
    return area.topLeft() + imagePoint * s;
}

QPointF FramingView::toImage(QPointF widgetPoint) const
{
    const QRectF area = imageRect();
    if (m_image.isNull() || area.isEmpty())
        return {};
    const double s = area.width() / m_image.width();
    return (widgetPoint - area.topLeft()) / s;
}

void FramingView::setShowsBox(bool show)
{
    m_showsBox = show;
    update();
}

void FramingView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    const QRectF area = imageRect();
    p.drawImage(area, m_image);
    if (!m_showsBox)
        return;
    const QRect box = m_box->rect();
    const QRectF shown(toWidget(box.topLeft()),
                       toWidget(QPointF(box.x() + box.width(), box.y() + box.height())));
    QPainterPath outside;
    outside.addRect(area);
    outside.addRect(shown);
    p.fillPath(outside, QColor(0, 0, 0, 150)); // odd-even fill: everything but the box
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(Qt::white, 2));
    p.setBrush(Qt::NoBrush);
    p.drawRect(shown);
    p.setPen(QPen(Qt::black, 1, Qt::DashLine));
    p.drawRect(shown.adjusted(-1.5, -1.5, 1.5, 1.5));
    p.setPen(QPen(Qt::black, 1));
    p.setBrush(Qt::white);
    for (const QPointF& corner : {shown.topLeft(), shown.topRight(), shown.bottomRight(), shown.bottomLeft()})
        p.drawEllipse(corner, kHandleRadius, kHandleRadius);
}

int FramingView::cornerAt(QPointF widgetPoint) const
{
    if (!m_showsBox)
        return -1;
    const QRect box = m_box->rect();
    const QPointF corners[4] = {toWidget(box.topLeft()), toWidget(QPointF(box.x() + box.width(), box.y())),
                                toWidget(QPointF(box.x() + box.width(), box.y() + box.height())),
                                toWidget(QPointF(box.x(), box.y() + box.height()))};
    for (int i = 0; i < 4; ++i) {
        const QPointF d = widgetPoint - corners[i];
        if (std::hypot(d.x(), d.y()) <= kHandleRadius + 3.0)
            return i;
    }
    return -1;
}

void FramingView::updateCursor(QPointF widgetPoint)
{
    const int corner = cornerAt(widgetPoint);
    if (corner == 0 || corner == 2)
        setCursor(Qt::SizeFDiagCursor);
    else if (corner == 1 || corner == 3)
        setCursor(Qt::SizeBDiagCursor);
    else if (QRectF(m_box->rect()).contains(toImage(widgetPoint)) || !m_showsBox)
        setCursor(Qt::SizeAllCursor);
    else
        unsetCursor();
}

void FramingView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const QPointF at = event->position();
    m_pressImage = toImage(at);
    const QRect box = m_box->rect();
    const int corner = cornerAt(at);
    if (corner >= 0) {
        m_drag = Drag::Corner;
        const double right = box.x() + box.width(), bottom = box.y() + box.height();
        const QPointF opposite[4] = {{right, bottom},
                                     {double(box.x()), bottom},
                                     {double(box.x()), double(box.y())},
                                     {right, double(box.y())}};
        m_anchor = opposite[corner];
    } else {
        // Anywhere on the picture: the box follows the pointer (a press outside it first centres it there).
        m_drag = Drag::Move;
        if (!m_showsBox || !QRectF(box).contains(m_pressImage)) {
            m_box->moveCenterTo(m_pressImage);
            Q_EMIT boxEdited();
        }
        m_pressCenter = QRectF(m_box->rect()).center();
    }
    event->accept();
}

void FramingView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF at = event->position();
    if (m_drag == Drag::None) {
        updateCursor(at);
        return;
    }
    const QPointF image = toImage(at);
    if (m_drag == Drag::Move) {
        m_box->moveCenterTo(m_pressCenter + (image - m_pressImage));
    } else {
        // The opposite corner stays; the box grows toward the pointer in the target's aspect.
        const QSize target = m_box->targetSize();
        const double aspect = double(target.width()) / target.height();
        const double width =
            std::max(std::abs(image.x() - m_anchor.x()), std::abs(image.y() - m_anchor.y()) * aspect);
        m_box->setWidth(int(std::lround(width)));
        const QRect sized = m_box->rect();
        const double sx = image.x() >= m_anchor.x() ? 1.0 : -1.0;
        const double sy = image.y() >= m_anchor.y() ? 1.0 : -1.0;
        m_box->moveCenterTo(m_anchor + QPointF(sx * sized.width() / 2.0, sy * sized.height() / 2.0));
    }
    Q_EMIT boxEdited();
    event->accept();
}

void FramingView::mouseReleaseEvent(QMouseEvent* event)
{
    m_drag = Drag::None;
    updateCursor(event->position());
}

void FramingView::wheelEvent(QWheelEvent* event)
{
    const int notches = event->angleDelta().y() / 120;
    if (notches == 0)
        return;
    const int width = m_box->rect().width();
    m_box->setWidth(int(std::lround(width * std::pow(kWheelFactor, notches))));
    if (m_box->rect().width() == width) // small boxes: at least one step per turn
        m_box->setWidth(width + (notches > 0 ? 1 : -1) * m_box->widthStep());
    Q_EMIT boxEdited();
    event->accept();
}

// ---- FramingDialog ----------------------------------------------------------------------------------------

FramingDialog::FramingDialog(const QImage& image, QSize target, std::optional<QRect> crop, QWidget* parent)
    : QDialog(parent), m_image(image), m_box(image.size(), target)
{
    setObjectName(QStringLiteral("framingDialog"));
    m_wholeImage = !crop.has_value();
    if (crop)
        m_box.setRect(*crop);

    m_view = new FramingView(m_image, &m_box, this);
    m_scaleLabel = new QLabel(this);
    m_scale = new QSlider(Qt::Horizontal, this);
    m_scale->setObjectName(QStringLiteral("framingScale"));
    m_scale->setRange(0, kSliderSteps);
    m_whole = new QPushButton(this);
    m_whole->setObjectName(QStringLiteral("framingWholeImage"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("framingSummary"));
    m_summary->setTextFormat(Qt::PlainText);
    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false); // the palette's muted text
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_scaleLabel);
    controls->addWidget(m_scale, 1);
    controls->addSpacing(12);
    controls->addWidget(m_whole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addLayout(controls);
    layout->addWidget(m_summary);
    layout->addWidget(m_hint);
    layout->addWidget(m_buttons);

    connect(m_view, &FramingView::boxEdited, this, &FramingDialog::boxChanged);
    connect(m_scale, &QSlider::valueChanged, this, [this](int value) {
        const double lowest = m_box.minimumScale();
        m_box.setScale(lowest + (1.0 - lowest) * value / kSliderSteps);
        boxChanged();
    });
    connect(m_whole, &QPushButton::clicked, this, &FramingDialog::useWholeImage);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &FramingDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &FramingDialog::reject);
    m_view->setShowsBox(!m_wholeImage);
    syncSlider();
    retranslate();
    resize(820, 640);
}

std::optional<QRect> FramingDialog::crop() const
{
    if (m_wholeImage)
        return std::nullopt;
    return m_box.rect();
}

QString FramingDialog::summary() const
{
    return m_summary->text();
}

void FramingDialog::setBoxRect(const QRect& rect)
{
    m_box.setRect(rect);
    boxChanged();
}

void FramingDialog::useWholeImage()
{
    m_wholeImage = true;
    m_box.reset();
    m_view->setShowsBox(false);
    syncSlider();
    retranslate();
}

void FramingDialog::boxChanged()
{
    m_wholeImage = false;
    m_view->setShowsBox(true);
    m_view->update();
    syncSlider();
    retranslate();
}

void FramingDialog::syncSlider()
{
    const QSignalBlocker blocker(m_scale);
    const double lowest = m_box.minimumScale();
    const double span = 1.0 - lowest;
    m_scale->setValue(span > 0.0 ? int(std::lround((m_box.scale() - lowest) / span * kSliderSteps))
                                 : kSliderSteps);
}

void FramingDialog::retranslate()
{
    setWindowTitle(tr("Frame the image"));
    m_scaleLabel->setText(tr("Size"));
    m_whole->setText(tr("Whole image"));
    m_whole->setToolTip(tr("Use the whole image: the video takes its aspect ratio"));
    m_hint->setText(tr("The bright box is what the video shows, in the aspect ratio of the chosen size. Drag "
                       "it to move it; use the mouse wheel, a corner or the slider to make it larger or "
                       "smaller."));
    const QSize target = m_box.targetSize();
    if (m_wholeImage) {
        const QSize out = i2vOutputSize(m_image.size(), target.width() * target.height());
        m_summary->setText(tr("Output %1×%2 from the whole image (%3×%4)")
                               .arg(out.width())
                               .arg(out.height())
                               .arg(m_image.width())
                               .arg(m_image.height()));
    } else {
        const QRect box = m_box.rect();
        const QSize out = m_box.outputSize();
        m_summary->setText(tr("Output %1×%2 from a crop of %3×%4 at (%5, %6)")
                               .arg(out.width())
                               .arg(out.height())
                               .arg(box.width())
                               .arg(box.height())
                               .arg(box.x())
                               .arg(box.y()));
    }
}

void FramingDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

} // namespace wan::ui
