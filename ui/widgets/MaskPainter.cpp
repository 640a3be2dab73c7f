#include "MaskPainter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QMouseEvent>
#include <QPainter>
#include <QRandomGenerator>

#include <cmath>

namespace wan::ui {

namespace {
const QRgb kGenerate = qRgb(255, 255, 255);
const QRgb kKeep = qRgb(0, 0, 0);
const QColor kTint(255, 64, 64, 120);

double lerp(double a, double b, double t)
{
    return a + (b - a) * t;
}
} // namespace

void BoxTrack::setKey(int frame, const QRect& box)
{
    m_keys.insert(frame, box.normalized());
}

bool BoxTrack::removeKey(int frame)
{
    return m_keys.remove(frame) > 0;
}

QRect BoxTrack::boxAt(int frame) const
{
    if (m_keys.isEmpty())
        return {};
    const auto next = m_keys.lowerBound(frame); // the first key at or after `frame`
    if (next == m_keys.end())
        return std::prev(next).value();
    if (next.key() == frame || next == m_keys.begin())
        return next.value();
    const auto prev = std::prev(next);
    const double t = double(frame - prev.key()) / double(next.key() - prev.key());
    const QRect& a = prev.value();
    const QRect& b = next.value();
    // Edges, right and bottom exclusive, so a box keeps its size when only moving.
    const int left = qRound(lerp(a.x(), b.x(), t));
    const int top = qRound(lerp(a.y(), b.y(), t));
    const int right = qRound(lerp(a.x() + a.width(), b.x() + b.width(), t));
    const int bottom = qRound(lerp(a.y() + a.height(), b.y() + b.height(), t));
    return QRect(left, top, right - left, bottom - top);
}

MaskPainter::MaskPainter(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("maskPainter"));
    setMouseTracking(true);
    setCursor(Qt::CrossCursor);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setMinimumSize(240, 160);
    m_hoverPos = QPoint(-1, -1);
}

void MaskPainter::setSource(const QImage& firstFrame, int frameCount)
{
    m_frame = firstFrame.convertToFormat(QImage::Format_RGB32);
    m_frameCount = std::max(frameCount, 1);
    m_mask = QImage(m_frame.size(), QImage::Format_RGB32);
    m_mask.fill(kKeep);
    m_track.clear();
    m_currentFrame = 0;
    updateTint();
    Q_EMIT maskChanged();
}

void MaskPainter::setTool(MaskTool tool)
{
    m_tool = tool;
    update();
}

void MaskPainter::setBrushRadius(int radius)
{
    m_radius = std::clamp(radius, 1, 1024);
    update();
}

void MaskPainter::setExtension(MaskExtension extension)
{
    if (m_extension == extension)
        return;
    m_extension = extension;
    update();
    Q_EMIT maskChanged();
}

void MaskPainter::setCurrentFrame(int frame)
{
    frame = std::clamp(frame, 0, std::max(m_frameCount - 1, 0));
    if (frame == m_currentFrame)
        return;
    m_currentFrame = frame;
    update();
    Q_EMIT currentFrameChanged(frame);
}

bool MaskPainter::removeKeyAtCurrentFrame()
{
    if (!m_track.removeKey(m_currentFrame))
        return false;
    update();
    Q_EMIT maskChanged();
    return true;
}

void MaskPainter::paintStroke(QPointF from, QPointF to)
{
    if (m_mask.isNull())
        return;
    const QColor color = m_tool == MaskTool::Eraser ? QColor(kKeep) : QColor(kGenerate);
    QPainter painter(&m_mask);
    painter.setRenderHint(QPainter::Antialiasing, false); // a hard mask: only white and black
    painter.setPen(QPen(color, 2.0 * m_radius, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.drawLine(from, to);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(from, m_radius, m_radius);
    painter.drawEllipse(to, m_radius, m_radius);
    painter.end();
    updateTint();
    Q_EMIT maskChanged();
}

void MaskPainter::applyBox(const QRect& box)
{
    const QRect clipped = box.normalized() & m_mask.rect();
    if (clipped.isEmpty())
        return;
    if (m_extension == MaskExtension::BoxTrack) {
        m_track.setKey(m_currentFrame, clipped);
    } else {
        QPainter painter(&m_mask);
        painter.fillRect(clipped, QColor(kGenerate));
        painter.end();
        updateTint();
    }
    update();
    Q_EMIT maskChanged();
}

void MaskPainter::clearMask()
{
    m_mask.fill(kKeep);
    m_track.clear();
    updateTint();
    Q_EMIT maskChanged();
}

QImage MaskPainter::maskForFrame(int frame) const
{
    QImage mask = m_mask.copy();
    if (m_extension == MaskExtension::BoxTrack && !m_track.isEmpty()) {
        const QRect box = m_track.boxAt(frame) & mask.rect();
        if (!box.isEmpty()) {
            QPainter painter(&mask);
            painter.fillRect(box, QColor(kGenerate));
        }
    }
    return mask.convertToFormat(QImage::Format_Grayscale8);
}

bool MaskPainter::isEmpty() const
{
    if (m_extension == MaskExtension::BoxTrack && !m_track.isEmpty())
        return false;
    for (int y = 0; y < m_mask.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(m_mask.constScanLine(y));
        for (int x = 0; x < m_mask.width(); ++x)
            if (qRed(line[x]) != 0)
                return false;
    }
    return true;
}

QRect MaskPainter::imageRect() const
{
    if (m_frame.isNull())
        return {};
    const QSize size = m_frame.size().scaled(this->size(), Qt::KeepAspectRatio);
    return QRect(QPoint((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

QPointF MaskPainter::toFrame(const QPoint& widgetPos) const
{
    const QRect r = imageRect();
    if (r.isEmpty())
        return {};
    return QPointF(double(widgetPos.x() - r.x()) * m_frame.width() / r.width(),
                   double(widgetPos.y() - r.y()) * m_frame.height() / r.height());
}

QSize MaskPainter::sizeHint() const
{
    if (m_frame.isNull())
        return {640, 360};
    return m_frame.size().scaled(QSize(800, 520), Qt::KeepAspectRatio);
}

void MaskPainter::updateTint()
{
    m_tint = QImage(m_mask.size(), QImage::Format_ARGB32_Premultiplied);
    const QRgb on = kTint.rgba();
    const QRgb premultiplied = qPremultiply(on);
    for (int y = 0; y < m_mask.height(); ++y) {
        const auto* in = reinterpret_cast<const QRgb*>(m_mask.constScanLine(y));
        auto* out = reinterpret_cast<QRgb*>(m_tint.scanLine(y));
        for (int x = 0; x < m_mask.width(); ++x)
            out[x] = qRed(in[x]) != 0 ? premultiplied : 0;
    }
    update();
}

void MaskPainter::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Dark));
    const QRect target = imageRect();
    if (target.isEmpty())
        return;
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(target, m_frame);
    painter.drawImage(target, m_tint);
    const double scale = double(target.width()) / m_frame.width();
    const auto toWidget = [&](const QRect& box) {
        return QRectF(target.x() + box.x() * scale, target.y() + box.y() * scale, box.width() * scale,
                      box.height() * scale);
    };
    if (m_extension == MaskExtension::BoxTrack && !m_track.isEmpty()) {
        const QRectF box = toWidget(m_track.boxAt(m_currentFrame));
        painter.fillRect(box, kTint);
        const bool key = m_track.hasKey(m_currentFrame);
        painter.setPen(
            QPen(key ? QColor(255, 220, 0) : QColor(255, 255, 255), 2.0, key ? Qt::SolidLine : Qt::DashLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(box);
    }
    if (m_dragging && m_tool == MaskTool::Box && !m_dragBox.isEmpty()) {
        painter.setPen(QPen(QColor(255, 220, 0), 1.5, Qt::DashLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(toWidget(m_dragBox));
    }
    if (m_tool != MaskTool::Box && target.contains(m_hoverPos)) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(Qt::white, 1.0));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(QPointF(m_hoverPos), m_radius * scale, m_radius * scale);
    }
}

void MaskPainter::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || m_frame.isNull()) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_dragging = true;
    const QPointF point = toFrame(event->position().toPoint());
    if (m_tool == MaskTool::Box) {
        m_boxStart = point;
        m_dragBox = QRect();
    } else {
        paintStroke(point, point);
        m_lastPoint = point;
    }
    event->accept();
}

void MaskPainter::mouseMoveEvent(QMouseEvent* event)
{
    m_hoverPos = event->position().toPoint();
    if (m_dragging) {
        const QPointF point = toFrame(m_hoverPos);
        if (m_tool == MaskTool::Box) {
            m_dragBox = QRectF(m_boxStart, point).normalized().toAlignedRect();
        } else {
            paintStroke(m_lastPoint, point);
            m_lastPoint = point;
        }
    }
    update();
}

void MaskPainter::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !m_dragging) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    m_dragging = false;
    if (m_tool == MaskTool::Box) {
        const QRect box =
            QRectF(m_boxStart, toFrame(event->position().toPoint())).normalized().toAlignedRect();
        m_dragBox = QRect();
        applyBox(box);
    }
    update();
}

void MaskPainter::leaveEvent(QEvent* event)
{
    m_hoverPos = QPoint(-1, -1);
    update();
    QWidget::leaveEvent(event);
}

QString writeMaskFrames(const QString& folder, int count, const std::function<QImage(int)>& frameAt)
{
    const QFileInfo target(folder);
    if (count < 1)
        return MaskPainter::tr("The mask has no frames to write.");
    if (target.exists())
        return MaskPainter::tr("%1 already exists; choose another folder for the mask.")
            .arg(QDir::toNativeSeparators(folder));
    QDir parent = target.absoluteDir();
    if (!QDir().mkpath(parent.absolutePath()))
        return MaskPainter::tr("Could not create the folder %1. Check that it is writable.")
            .arg(QDir::toNativeSeparators(parent.absolutePath()));
    const QString tempName = QStringLiteral(".%1.partial-%2")
                                 .arg(target.fileName())
                                 .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    if (!parent.mkdir(tempName))
        return MaskPainter::tr("Could not create a folder in %1. Check that it is writable.")
            .arg(QDir::toNativeSeparators(parent.absolutePath()));
    QDir temp(parent.filePath(tempName));
    const int digits = std::max(4, int(QString::number(count - 1).size()));
    QString error;
    for (int i = 0; i < count && error.isEmpty(); ++i) {
        const QImage frame = frameAt(i);
        const QString path =
            temp.filePath(QStringLiteral("frame_%1.png").arg(i, digits, 10, QLatin1Char('0')));
        // RGB like the engine writes its own frames: every PNG reader of the engine takes it.
        if (frame.isNull() || !frame.convertToFormat(QImage::Format_RGB888).save(path, "PNG"))
            error = MaskPainter::tr("Could not write the mask frame %1. Check that the disk is "
                                    "not full.")
                        .arg(QDir::toNativeSeparators(path));
    }
    if (error.isEmpty() && !parent.rename(tempName, target.fileName()))
        error =
            MaskPainter::tr("Could not move the mask frames into %1.").arg(QDir::toNativeSeparators(folder));
    if (!error.isEmpty())
        temp.removeRecursively();
    return error;
}

} // namespace wan::ui
