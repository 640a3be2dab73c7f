#include "VaceInputPanel.h"

#include "ImageInput.h"
#include "MaskPainterDialog.h"
#include "SemanticStyle.h"
#include "Theme.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSlider>
#include <QStandardPaths>
#include <QUrl>

#include <cmath>

namespace wan::ui {

namespace {
constexpr int kScaleTicks = 100; // slider steps per 1.0 of context scale

QString imageFilter()
{
    QStringList patterns;
    for (const QString& suffix : acceptedImageSuffixes())
        patterns.append(QStringLiteral("*.") + suffix);
    return VaceInputPanel::tr("Images (%1)").arg(patterns.join(QLatin1Char(' ')));
}
} // namespace

VaceInputPanel::VaceInputPanel(QWidget* parent) : QWidget(parent)
{
    m_sourceLabel = new QLabel(this);
    m_source = new QLineEdit(this);
    m_source->setObjectName(QStringLiteral("vaceSource"));
    m_source->setClearButtonEnabled(true);
    m_sourceFile = new QPushButton(this);
    m_sourceFolder = new QPushButton(this);
    m_maskLabel = new QLabel(this);
    m_mask = new QLineEdit(this);
    m_mask->setObjectName(QStringLiteral("vaceMask"));
    m_mask->setClearButtonEnabled(true);
    m_maskFile = new QPushButton(this);
    m_maskFolder = new QPushButton(this);
    m_maskDraw = new QPushButton(this);
    m_maskDraw->setObjectName(QStringLiteral("vaceDrawMask"));
    m_refsLabel = new QLabel(this);
    m_refs = new QListWidget(this);
    m_refs->setObjectName(QStringLiteral("vaceReferences"));
    m_refs->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_refs->setMaximumHeight(84);
    m_refs->setIconSize(QSize(48, 32));
    m_refs->viewport()->installEventFilter(this); // drops on the list land here too
    m_addRefs = new QPushButton(this);
    m_removeRefs = new QPushButton(this);
    m_scaleLabel = new QLabel(this);
    m_scale = new QSlider(Qt::Horizontal, this);
    m_scale->setObjectName(QStringLiteral("vaceContextScale"));
    m_scale->setRange(0, int(kMaxContextScale * kScaleTicks));
    m_scale->setSingleStep(5);
    m_scale->setPageStep(25);
    m_scale->setTickInterval(50);
    m_scale->setTickPosition(QSlider::TicksBelow);
    m_scale->setValue(kScaleTicks);
    m_scaleValue = new QLabel(this);
    m_scaleValue->setMinimumWidth(m_scaleValue->fontMetrics().horizontalAdvance(QStringLiteral("0.00")) + 4);
    m_useSourceSize = new QCheckBox(this);
    m_useSourceSize->setObjectName(QStringLiteral("vaceUseSourceSize"));
    m_useSourceSize->setChecked(true);
    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false); // the palette's muted text
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("vaceMessage"));
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    setSemanticStyle(m_message, SemanticColor::Error);
    m_message->hide();
    setAcceptDrops(true);

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    int row = 0;
    const auto pathRow = [&](QLabel* label, QLineEdit* edit, QPushButton* file, QPushButton* folder,
                             QPushButton* extra) {
        grid->addWidget(label, row, 0);
        auto* line = new QHBoxLayout;
        line->addWidget(edit, 1);
        line->addWidget(file);
        line->addWidget(folder);
        if (extra)
            line->addWidget(extra);
        grid->addLayout(line, row++, 1);
    };
    pathRow(m_sourceLabel, m_source, m_sourceFile, m_sourceFolder, nullptr);
    pathRow(m_maskLabel, m_mask, m_maskFile, m_maskFolder, m_maskDraw);
    grid->addWidget(m_refsLabel, row, 0, Qt::AlignTop);
    auto* refs = new QHBoxLayout;
    refs->addWidget(m_refs, 1);
    auto* refButtons = new QVBoxLayout;
    refButtons->addWidget(m_addRefs);
    refButtons->addWidget(m_removeRefs);
    refButtons->addStretch();
    refs->addLayout(refButtons);
    grid->addLayout(refs, row++, 1);
    grid->addWidget(m_scaleLabel, row, 0);
    auto* scale = new QHBoxLayout;
    scale->addWidget(m_scale, 1);
    scale->addWidget(m_scaleValue);
    grid->addLayout(scale, row++, 1);
    grid->addWidget(m_useSourceSize, row++, 1);
    grid->addWidget(m_hint, row++, 0, 1, 2);
    grid->addWidget(m_message, row++, 0, 1, 2);
    grid->setColumnStretch(1, 1);

    connect(m_sourceFile, &QPushButton::clicked, this, [this] { browseFile(PathKind::Source); });
    connect(m_sourceFolder, &QPushButton::clicked, this, [this] { browseFolder(PathKind::Source); });
    connect(m_maskFile, &QPushButton::clicked, this, [this] { browseFile(PathKind::Mask); });
    connect(m_maskFolder, &QPushButton::clicked, this, [this] { browseFolder(PathKind::Mask); });
    connect(m_addRefs, &QPushButton::clicked, this, &VaceInputPanel::browseReferences);
    connect(m_removeRefs, &QPushButton::clicked, this, &VaceInputPanel::removeSelectedReferences);
    connect(m_maskDraw, &QPushButton::clicked, this, &VaceInputPanel::drawMask);
    connect(m_refs, &QListWidget::itemSelectionChanged, this, &VaceInputPanel::updateButtons);
    connect(m_source, &QLineEdit::textChanged, this, &VaceInputPanel::changed);
    connect(this, &VaceInputPanel::changed, m_message, &QLabel::hide); // a problem shown is about old inputs
    connect(m_mask, &QLineEdit::textChanged, this, &VaceInputPanel::changed);
    connect(m_useSourceSize, &QCheckBox::toggled, this, &VaceInputPanel::changed);
    connect(m_scale, &QSlider::valueChanged, this, [this] {
        m_scaleValue->setText(QString::number(contextScale(), 'f', 2));
        Q_EMIT changed();
    });
    retranslate();
    updateButtons();
}

QString VaceInputPanel::sourceVideo() const
{
    return m_source->text().trimmed();
}
void VaceInputPanel::setSourceVideo(const QString& path)
{
    m_source->setText(QDir::toNativeSeparators(path));
}
QString VaceInputPanel::sourceMask() const
{
    return m_mask->text().trimmed();
}
void VaceInputPanel::setSourceMask(const QString& path)
{
    m_mask->setText(QDir::toNativeSeparators(path));
}

QStringList VaceInputPanel::referenceImages() const
{
    QStringList paths;
    for (int i = 0; i < m_refs->count(); ++i)
        paths.append(m_refs->item(i)->data(Qt::UserRole).toString());
    return paths;
}
void VaceInputPanel::setReferenceImages(const QStringList& paths)
{
    m_refs->clear();
    addReferenceImages(paths);
}
void VaceInputPanel::addReferenceImages(const QStringList& paths)
{
    for (const QString& path : paths) {
        if (path.isEmpty() || referenceImages().contains(path))
            continue;
        auto* item = new QListWidgetItem(QFileInfo(path).fileName(), m_refs);
        QImageReader reader(path);
        if (reader.size().isValid())
            reader.setScaledSize(reader.size().scaled(m_refs->iconSize(), Qt::KeepAspectRatio));
        if (const QImage icon = reader.read(); !icon.isNull())
            item->setIcon(QIcon(QPixmap::fromImage(icon)));
        item->setData(Qt::UserRole, path);
        item->setToolTip(QDir::toNativeSeparators(path));
    }
    updateButtons();
    Q_EMIT changed();
}

double VaceInputPanel::contextScale() const
{
    return double(m_scale->value()) / kScaleTicks;
}
void VaceInputPanel::setContextScale(double scale)
{
    m_scale->setValue(int(std::lround(std::clamp(scale, 0.0, kMaxContextScale) * kScaleTicks)));
}

bool VaceInputPanel::useSourceSize() const
{
    return m_useSourceSize->isChecked();
}
void VaceInputPanel::setUseSourceSize(bool use)
{
    m_useSourceSize->setChecked(use);
}

void VaceInputPanel::clear()
{
    m_source->clear();
    m_mask->clear();
    setReferenceImages({});
    setContextScale(1.0);
}

void VaceInputPanel::browseFile(PathKind kind)
{
    const QString path = QFileDialog::getOpenFileName(
        this, kind == PathKind::Source ? tr("Choose the source video") : tr("Choose the mask video"),
        QString(), tr("Videos (*.mp4 *.mov *.mkv *.webm *.avi);;All files (*)"));
    if (!path.isEmpty())
        (kind == PathKind::Source ? m_source : m_mask)->setText(QDir::toNativeSeparators(path));
}

void VaceInputPanel::browseFolder(PathKind kind)
{
    const QString path = QFileDialog::getExistingDirectory(
        this, kind == PathKind::Source ? tr("Choose a folder of source frames (PNG)")
                                       : tr("Choose a folder of mask frames (PNG)"));
    if (!path.isEmpty())
        (kind == PathKind::Source ? m_source : m_mask)->setText(QDir::toNativeSeparators(path));
}

void VaceInputPanel::browseReferences()
{
    addReferenceImages(
        QFileDialog::getOpenFileNames(this, tr("Add reference images"), QString(), imageFilter()));
}

void VaceInputPanel::removeSelectedReferences()
{
    qDeleteAll(m_refs->selectedItems());
    updateButtons();
    Q_EMIT changed();
}

void VaceInputPanel::updateButtons()
{
    m_removeRefs->setEnabled(!m_refs->selectedItems().isEmpty());
}

QString VaceInputPanel::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void VaceInputPanel::showMessage(const QString& message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
    if (!message.isEmpty())
        Q_EMIT inputRejected(message);
}

bool VaceInputPanel::addReferencesFromMime(const QMimeData* mime)
{
    QStringList images;
    QStringList refused;
    if (mime && mime->hasUrls()) {
        for (const QUrl& url : mime->urls()) {
            const QString path = url.toLocalFile();
            if (path.isEmpty()) {
                refused.append(url.toDisplayString());
                continue;
            }
            const QFileInfo info(path);
            // The engine reads files by their content; the suffix keeps folders and videos out early.
            if (info.isFile() && acceptedImageSuffixes().contains(info.suffix().toLower()) &&
                QImageReader(path).canRead())
                images.append(info.absoluteFilePath());
            else
                refused.append(QDir::toNativeSeparators(path));
        }
    }
    if (!images.isEmpty())
        addReferenceImages(images);
    if (!refused.isEmpty())
        showMessage(tr("Not added: %1. Reference images must be PNG, JPEG, WebP or BMP files; drop image "
                       "files from a folder.")
                        .arg(refused.join(QStringLiteral(", "))));
    else if (images.isEmpty())
        showMessage(tr("Nothing to add: drop image files (PNG, JPEG, WebP or BMP) onto the reference list."));
    return !images.isEmpty();
}

void VaceInputPanel::dragEnterEvent(QDragEnterEvent* event)
{
    // Anything with files is taken, so a wrong file gets an explanation rather than a "no" cursor.
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
    else
        event->ignore();
}

void VaceInputPanel::dropEvent(QDropEvent* event)
{
    if (addReferencesFromMime(event->mimeData()))
        event->acceptProposedAction();
    else
        event->ignore();
}

bool VaceInputPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_refs->viewport()) {
        if (event->type() == QEvent::DragEnter || event->type() == QEvent::DragMove) {
            auto* drag = static_cast<QDragMoveEvent*>(event);
            if (drag->mimeData()->hasUrls())
                drag->acceptProposedAction();
            else
                drag->ignore();
            return true;
        }
        if (event->type() == QEvent::Drop) {
            dropEvent(static_cast<QDropEvent*>(event));
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

MaskPainterDialog* VaceInputPanel::drawMask()
{
    const QString source = QDir::fromNativeSeparators(sourceVideo());
    if (source.isEmpty()) {
        showMessage(tr("Choose the source video first: the mask is drawn over its first frame."));
        return nullptr;
    }
    const SourceFrames frames = readSourceFrames(source, m_readVideo);
    if (!frames.isValid()) {
        showMessage(frames.error);
        return nullptr;
    }
    const QString drafts = m_draftDir.isEmpty()
                               ? QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                     .filePath(QStringLiteral("drafts"))
                               : m_draftDir;
    QString folder = QDir(drafts).filePath(QStringLiteral("mask-%1").arg(
        QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"))));
    for (int n = 2; QFileInfo::exists(folder); ++n)
        folder = QDir(drafts).filePath(
            QStringLiteral("mask-%1-%2")
                .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")))
                .arg(n));
    auto* dialog = new MaskPainterDialog(frames.first, frames.frameCount, folder, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { setSourceMask(dialog->outputFolder()); });
    showMessage({});
    dialog->open();
    return dialog;
}

void VaceInputPanel::retranslate()
{
    m_sourceLabel->setText(tr("Source video"));
    m_source->setPlaceholderText(tr("Video file or folder of PNG frames (optional)"));
    m_sourceFile->setText(tr("File…"));
    m_sourceFolder->setText(tr("Folder…"));
    m_maskLabel->setText(tr("Mask"));
    m_mask->setPlaceholderText(tr("White = generate, black = keep (optional)"));
    m_maskFile->setText(tr("File…"));
    m_maskFolder->setText(tr("Folder…"));
    m_maskDraw->setText(tr("Draw…"));
    m_maskDraw->setToolTip(tr("Paint the mask over the source video's first frame"));
    m_refsLabel->setText(tr("Reference images"));
    m_refs->setToolTip(tr("Drop image files here, or add them with the button"));
    m_addRefs->setText(tr("Add…"));
    m_removeRefs->setText(tr("Remove"));
    m_scaleLabel->setText(tr("Context scale"));
    m_scale->setToolTip(tr("How strongly the source video and references steer the result (default 1.0)"));
    m_scaleValue->setText(QString::number(contextScale(), 'f', 2));
    m_useSourceSize->setText(tr("Keep the source's size and length"));
    m_hint->setText(tr("Without a source video the video is generated at the chosen size and length; a mask "
                       "needs a source video."));
}

void VaceInputPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace wan::ui
