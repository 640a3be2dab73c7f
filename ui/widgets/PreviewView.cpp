#include "PreviewView.h"

#include "PreviewFrames.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

#include <functional>

namespace wan::ui {

namespace {
const QColor kBackground(0x20, 0x20, 0x20);
constexpr int kStripHeight = 44;
} // namespace

QRect fitCentred(QSize image, QRect area)
{
    if (image.isEmpty() || area.isEmpty())
        return {};
    const QSize size = image.scaled(area.size(), Qt::KeepAspectRatio);
    return QRect(area.x() + (area.width() - size.width()) / 2, area.y() + (area.height() - size.height()) / 2,
                 size.width(), size.height());
}

// The chosen frame, large.
class PreviewCanvas final : public QWidget
{
public:
    explicit PreviewCanvas(QWidget* parent) : QWidget(parent)
    {
        setMinimumSize(320, 180);
        setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    }
    void setFrame(QImage frame)
    {
        m_frame = std::move(frame);
        update();
    }
    void setPlaceholder(const QString& text)
    {
        m_placeholder = text;
        update();
    }
    const QImage& frame() const { return m_frame; }
    QRect frameRect() const { return fitCentred(m_frame.size(), rect()); }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter painter(this);
        painter.fillRect(rect(), kBackground);
        if (m_frame.isNull()) {
            painter.setPen(QColor(0xaa, 0xaa, 0xaa));
            painter.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
                             m_placeholder);
            return;
        }
        // Latent previews are small (a 480P clip: 104×60): smooth scaling reads better than big blocks.
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(frameRect(), m_frame);
    }

private:
    QImage m_frame;
    QString m_placeholder;
};

// All frames side by side, thin, the shown one framed; a click picks a frame.
class PreviewStrip final : public QWidget
{
public:
    explicit PreviewStrip(QWidget* parent) : QWidget(parent)
    {
        setObjectName(QStringLiteral("previewStrip"));
        setFixedHeight(kStripHeight);
        setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
        setCursor(Qt::PointingHandCursor);
    }
    std::function<void(int)> picked;

    void setStrip(const QImage& strip, int frames, int current)
    {
        m_strip = strip;
        m_frames = std::max(frames, 1);
        m_current = current;
        update();
    }

protected:
    QRect stripRect() const { return fitCentred(m_strip.size(), rect().adjusted(2, 2, -2, -2)); }
    void paintEvent(QPaintEvent*) override
    {
        QPainter painter(this);
        painter.fillRect(rect(), kBackground);
        if (m_strip.isNull())
            return;
        const QRect area = stripRect();
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(area, m_strip);
        const double frameWidth = double(area.width()) / m_frames;
        const QRectF shown(area.x() + frameWidth * m_current, area.y(), frameWidth, area.height());
        painter.setPen(QPen(QColor(0xff, 0xd0, 0x40), 2));
        painter.drawRect(shown.adjusted(0, 0, -1, -1));
    }
    void mousePressEvent(QMouseEvent* event) override
    {
        const QRect area = stripRect();
        if (!picked || area.isEmpty() || !area.contains(event->position().toPoint()))
            return;
        picked(int((event->position().x() - area.x()) * m_frames / area.width()));
    }

private:
    QImage m_strip;
    int m_frames = 1;
    int m_current = 0;
};

PreviewView::PreviewView(QWidget* parent) : QWidget(parent)
{
    m_canvas = new PreviewCanvas(this);
    m_stripBar = new PreviewStrip(this);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(0, 0);
    m_slider->setEnabled(false);
    m_frameLabel = new QLabel(this);
    m_frameLabel->setMinimumWidth(
        m_frameLabel->fontMetrics().horizontalAdvance(QStringLiteral("Frame 00/00")));
    m_stripToggle = new QToolButton(this);
    m_stripToggle->setCheckable(true);
    m_stripToggle->setChecked(true);

    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addWidget(m_slider, 1);
    controls->addWidget(m_frameLabel);
    controls->addWidget(m_stripToggle);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_canvas, 1);
    layout->addWidget(m_stripBar);
    layout->addLayout(controls);

    // Only the user moves the slider with its signals on (showFrame blocks them).
    connect(m_slider, &QSlider::valueChanged, this, &PreviewView::pickFrame);
    connect(m_stripToggle, &QToolButton::toggled, this, &PreviewView::setStripVisible);
    m_stripBar->picked = [this](int index) { pickFrame(index); };
    retranslate();
}

void PreviewView::reset(const QString& placeholder)
{
    m_strip = QImage();
    m_frames = 0;
    m_frame = 0;
    m_following = true;
    m_canvas->setFrame({});
    m_canvas->setPlaceholder(placeholder);
    m_stripBar->setStrip({}, 1, 0);
    const QSignalBlocker blocker(m_slider);
    m_slider->setRange(0, 0);
    m_slider->setEnabled(false);
    m_frameLabel->clear();
}

void PreviewView::setPlaceholder(const QString& text)
{
    m_canvas->setPlaceholder(text);
}

void PreviewView::setPreview(const QImage& strip)
{
    if (strip.isNull())
        return;
    m_strip = strip;
    m_frames = previewFrameCount(strip);
    {
        const QSignalBlocker blocker(m_slider);
        m_slider->setRange(0, m_frames - 1);
        m_slider->setEnabled(m_frames > 1);
    }
    showFrame(m_following ? defaultPreviewFrame(m_frames) : std::min(m_frame, m_frames - 1));
}

void PreviewView::pickFrame(int index)
{
    if (m_frames <= 0)
        return;
    m_following = false;
    showFrame(index);
}

void PreviewView::showFrame(int index)
{
    m_frame = std::clamp(index, 0, std::max(m_frames - 1, 0));
    m_canvas->setFrame(previewFrame(m_strip, m_frame));
    m_stripBar->setStrip(m_strip, m_frames, m_frame);
    const QSignalBlocker blocker(m_slider);
    m_slider->setValue(m_frame);
    m_frameLabel->setText(tr("Frame %1/%2").arg(m_frame + 1).arg(m_frames));
}

void PreviewView::setStripVisible(bool visible)
{
    m_stripBar->setVisible(visible);
    const QSignalBlocker blocker(m_stripToggle);
    m_stripToggle->setChecked(visible);
}

bool PreviewView::isStripVisible() const
{
    return m_stripToggle->isChecked();
}

QImage PreviewView::shownFrame() const
{
    return m_canvas->frame();
}

QRect PreviewView::shownFrameRect() const
{
    const QRect rect = m_canvas->frameRect();
    return rect.isNull() ? rect : rect.translated(m_canvas->pos());
}

void PreviewView::retranslate()
{
    m_stripToggle->setText(tr("All frames"));
    m_stripToggle->setToolTip(tr("Show every latent frame of the preview in a strip below"));
    m_slider->setToolTip(tr("Which frame of the clip the preview shows"));
    if (m_frames > 0)
        m_frameLabel->setText(tr("Frame %1/%2").arg(m_frame + 1).arg(m_frames));
}

void PreviewView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace wan::ui
