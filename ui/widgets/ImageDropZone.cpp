#include "ImageDropZone.h"

#include "FramingBox.h"
#include "FramingDialog.h"
#include "GenerationRules.h"

#include <QApplication>
#include <QClipboard>
#include <QCryptographicHash>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

namespace wan::ui {

namespace {
constexpr int kThumbnailSide = 160;
}

ImageDropZone::ImageDropZone(QString stashDir, QWidget* parent, Arrangement arrangement)
    : QFrame(parent), m_stashDir(std::move(stashDir))
{
    setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::StyledPanel);
    setFrameShadow(QFrame::Sunken);
    setMinimumHeight(kThumbnailSide + 16);

    m_thumbnail = new QLabel(this);
    m_thumbnail->setFixedSize(kThumbnailSide, kThumbnailSide);
    m_thumbnail->setAlignment(Qt::AlignCenter);
    m_info = new QLabel(this);
    m_info->setWordWrap(true);
    m_info->setTextFormat(Qt::PlainText);
    m_browse = new QPushButton(this);
    m_paste = new QPushButton(this);
    m_clear = new QPushButton(this);
    m_frame = new QPushButton(this);
    m_frame->setObjectName(QStringLiteral("frameImageButton"));
    m_frame->hide();

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_browse);
    buttons->addWidget(m_paste);
    buttons->addWidget(m_clear);
    buttons->addWidget(m_frame);
    buttons->addStretch();
    if (arrangement == Arrangement::Stacked) {
        m_info->setAlignment(Qt::AlignTop | Qt::AlignLeft);
        auto* layout = new QVBoxLayout(this);
        layout->addWidget(m_thumbnail, 0, Qt::AlignHCenter);
        layout->addWidget(m_info, 1);
        layout->addLayout(buttons);
        // A scroll area does not ask wrapped labels for their height: reserve room for the text.
        const int textHeight = 5 * fontMetrics().lineSpacing();
        m_info->setMinimumHeight(textHeight);
        setMinimumHeight(kThumbnailSide + textHeight + m_browse->sizeHint().height() + 4 * layout->spacing() +
                         24);
    } else {
        auto* right = new QVBoxLayout;
        right->addWidget(m_info, 1);
        right->addLayout(buttons);
        auto* layout = new QHBoxLayout(this);
        layout->addWidget(m_thumbnail);
        layout->addLayout(right, 1);
    }

    connect(m_browse, &QPushButton::clicked, this, &ImageDropZone::browse);
    connect(m_paste, &QPushButton::clicked, this, &ImageDropZone::pasteFromClipboard);
    connect(m_clear, &QPushButton::clicked, this, &ImageDropZone::clear);
    connect(m_frame, &QPushButton::clicked, this, &ImageDropZone::openFramingDialog);
    refresh();
}

bool ImageDropZone::setImageFromMime(const QMimeData* mime)
{
    return accept(imageFromMime(mime));
}
bool ImageDropZone::setImageFile(const QString& path)
{
    return accept(imageFromFile(path));
}

void ImageDropZone::pasteFromClipboard()
{
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    if (!mime || (!mime->hasImage() && !mime->hasUrls())) {
        reject(tr("The clipboard holds no image. Copy an image (or an image file) first."));
        return;
    }
    setImageFromMime(mime);
}

void ImageDropZone::clear()
{
    m_image = QImage();
    m_imagePath.clear();
    m_error.clear();
    const bool hadCrop = m_crop.has_value();
    m_crop.reset();
    refresh();
    Q_EMIT imageChanged(QString());
    if (hadCrop)
        Q_EMIT cropChanged();
}

void ImageDropZone::setMaxArea(int maxArea)
{
    m_maxArea = maxArea;
    refresh();
}

QSize ImageDropZone::outputSize() const
{
    return i2vOutputSize(m_crop ? m_crop->size() : m_image.size(), m_maxArea);
}

void ImageDropZone::setFramingEnabled(bool enabled)
{
    m_framingEnabled = enabled;
    refresh();
}

void ImageDropZone::setTargetSize(QSize size)
{
    const bool changed = size != m_targetSize;
    m_targetSize = size;
    m_maxArea = size.width() * size.height();
    // A framing chosen for another size: the box of the new aspect about the same centre and area, so the
    // video still shows that part of the image (the caption says what comes out).
    if (changed && m_crop && !m_image.isNull() && !size.isEmpty()) {
        const QRect refitted = FramingBox::refit(m_image.size(), *m_crop, size);
        if (refitted != *m_crop) {
            m_crop = refitted;
            refresh();
            Q_EMIT cropChanged();
            return;
        }
    }
    refresh();
}

void ImageDropZone::setCrop(std::optional<QRect> crop)
{
    if (crop && (m_image.isNull() || crop->isEmpty() || !m_image.rect().contains(*crop)))
        crop.reset();
    if (crop == m_crop)
        return;
    m_crop = crop;
    refresh();
    Q_EMIT cropChanged();
}

void ImageDropZone::openFramingDialog()
{
    if (!m_framingEnabled || m_image.isNull() || m_targetSize.isEmpty())
        return;
    auto* dialog = new FramingDialog(m_image, m_targetSize, m_crop, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { setCrop(dialog->crop()); });
    dialog->open();
}

void ImageDropZone::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (m_framingEnabled && !m_image.isNull()) {
        openFramingDialog();
        event->accept();
        return;
    }
    QFrame::mouseDoubleClickEvent(event);
}

QString ImageDropZone::message() const
{
    return m_info->text();
}

bool ImageDropZone::accept(ImageInput input)
{
    if (!input.isValid()) {
        reject(input.error);
        return false;
    }
    QString path = input.filePath;
    if (path.isEmpty()) {
        // Image data has no file: keep one, named by content so pasting the same picture twice reuses it.
        QDir().mkpath(m_stashDir);
        const QByteArray hash = QCryptographicHash::hash(
            QByteArrayView(input.image.constBits(), input.image.sizeInBytes()), QCryptographicHash::Sha1);
        path = QDir(m_stashDir)
                   .filePath(QStringLiteral("pasted-%1.png").arg(QString::fromLatin1(hash.toHex().left(16))));
        if (!QFileInfo::exists(path) && !input.image.save(path, "PNG")) {
            reject(tr("Could not save the pasted image to %1. Check that the disk is not full.")
                       .arg(QDir::toNativeSeparators(path)));
            return false;
        }
    }
    m_image = input.image;
    m_imagePath = path;
    m_error.clear();
    const bool hadCrop = m_crop.has_value();
    m_crop.reset(); // a rectangle of the previous picture
    refresh();
    Q_EMIT imageChanged(m_imagePath);
    if (hadCrop)
        Q_EMIT cropChanged();
    return true;
}

void ImageDropZone::reject(const QString& message)
{
    m_error = message;
    spdlog::info("image input rejected: {}", message.toStdString());
    refresh();
    Q_EMIT imageRejected(message);
}

void ImageDropZone::refresh()
{
    m_browse->setText(tr("Browse…"));
    m_paste->setText(tr("Paste"));
    m_clear->setText(tr("Clear"));
    m_clear->setEnabled(!m_image.isNull());
    m_frame->setText(tr("Frame…"));
    m_frame->setToolTip(tr("Choose the part of the image the video shows (double-click the image too)"));
    m_frame->setVisible(m_framingEnabled);
    m_frame->setEnabled(!m_image.isNull());
    if (m_image.isNull()) {
        m_thumbnail->setPixmap({});
        m_thumbnail->setText(tr("Drop an image here"));
    } else {
        QPixmap thumbnail = QPixmap::fromImage(
            m_image.scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio, Qt::SmoothTransformation));
        if (m_crop) {
            // The framing: the part the video shows outlined on the thumbnail.
            const double s = double(thumbnail.width()) / m_image.width();
            QPainter p(&thumbnail);
            p.setPen(QPen(palette().color(QPalette::Highlight), 2));
            p.drawRect(QRectF(m_crop->x() * s, m_crop->y() * s, m_crop->width() * s, m_crop->height() * s)
                           .adjusted(1, 1, -1, -1));
        }
        m_thumbnail->setPixmap(thumbnail);
    }
    QString text;
    if (!m_image.isNull() && !m_showsOutputSize) {
        text = tr("%1\nImage: %2×%3")
                   .arg(QFileInfo(m_imagePath).fileName())
                   .arg(m_image.width())
                   .arg(m_image.height());
    } else if (!m_image.isNull() && m_crop) {
        const QSize out = outputSize();
        text = tr("%1\nImage: %2×%3\nVideo: %4×%5 from a crop of %6×%7 at (%8, %9)")
                   .arg(QFileInfo(m_imagePath).fileName())
                   .arg(m_image.width())
                   .arg(m_image.height())
                   .arg(out.width())
                   .arg(out.height())
                   .arg(m_crop->width())
                   .arg(m_crop->height())
                   .arg(m_crop->x())
                   .arg(m_crop->y());
    } else if (!m_image.isNull()) {
        const QSize out = outputSize();
        text = tr("%1\nImage: %2×%3\nVideo: %4×%5 (same area as the chosen size, aspect kept)")
                   .arg(QFileInfo(m_imagePath).fileName())
                   .arg(m_image.width())
                   .arg(m_image.height())
                   .arg(out.width())
                   .arg(out.height());
    } else {
        text = tr("Drop a PNG, JPEG, WebP or BMP image here, paste one (Ctrl+V) or browse.");
    }
    if (!m_error.isEmpty())
        text += QStringLiteral("\n\n") + m_error;
    m_info->setText(text);
}

void ImageDropZone::setShowsOutputSize(bool show)
{
    m_showsOutputSize = show;
    refresh();
}

void ImageDropZone::setBrowseTitle(const QString& title)
{
    m_browseTitle = title;
}

void ImageDropZone::browse()
{
    QStringList patterns;
    for (const QString& suffix : acceptedImageSuffixes())
        patterns.append(QStringLiteral("*.") + suffix);
    const QString title = m_browseTitle.isEmpty() ? tr("Choose the first frame") : m_browseTitle;
    const QString path = QFileDialog::getOpenFileName(this, title, QString(),
                                                      tr("Images (%1)").arg(patterns.join(QLatin1Char(' '))));
    if (!path.isEmpty())
        setImageFile(path);
}

void ImageDropZone::dragEnterEvent(QDragEnterEvent* event)
{
    // Accept anything with files or images, so a wrong file gets an explanation rather than a "no" cursor.
    const QMimeData* mime = event->mimeData();
    bool anyImageFormat = false;
    for (const QString& format : mime->formats())
        anyImageFormat = anyImageFormat || format.startsWith(QLatin1String("image/"));
    if (mime->hasUrls() || mime->hasImage() || anyImageFormat) {
        event->acceptProposedAction();
        setProperty("dropTarget", true);
        setFrameShadow(QFrame::Raised);
    } else {
        event->ignore();
    }
}

void ImageDropZone::dragLeaveEvent(QDragLeaveEvent* event)
{
    setFrameShadow(QFrame::Sunken);
    QFrame::dragLeaveEvent(event);
}

void ImageDropZone::dropEvent(QDropEvent* event)
{
    setFrameShadow(QFrame::Sunken);
    if (setImageFromMime(event->mimeData()))
        event->acceptProposedAction();
    else
        event->ignore();
}

void ImageDropZone::keyPressEvent(QKeyEvent* event)
{
    if (event->matches(QKeySequence::Paste)) {
        pasteFromClipboard();
        event->accept();
        return;
    }
    QFrame::keyPressEvent(event);
}

void ImageDropZone::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        refresh();
    QFrame::changeEvent(event);
}

} // namespace wan::ui
