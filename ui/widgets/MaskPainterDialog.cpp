#include "MaskPainterDialog.h"

#include "MaskPainter.h"
#include "SemanticStyle.h"
#include "Theme.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace wan::ui {

MaskPainterDialog::MaskPainterDialog(const QImage& firstFrame, int frameCount, QString outputFolder,
                                     QWidget* parent)
    : QDialog(parent), m_outputFolder(std::move(outputFolder))
{
    setObjectName(QStringLiteral("maskPainterDialog"));
    m_painter = new MaskPainter(this);
    m_painter->setSource(firstFrame, frameCount);

    m_tools = new QButtonGroup(this);
    const auto toolButton = [this](MaskTool tool, const char* name) {
        auto* button = new QToolButton(this);
        button->setObjectName(QLatin1String(name));
        button->setCheckable(true);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        m_tools->addButton(button, int(tool));
        return button;
    };
    m_brush = toolButton(MaskTool::Brush, "maskBrush");
    m_eraser = toolButton(MaskTool::Eraser, "maskEraser");
    m_box = toolButton(MaskTool::Box, "maskBox");
    m_brush->setChecked(true);
    m_radiusLabel = new QLabel(this);
    m_radius = new QSpinBox(this);
    m_radius->setObjectName(QStringLiteral("maskRadius"));
    m_radius->setRange(1, 512);
    m_radius->setSuffix(QStringLiteral(" px"));
    m_radius->setValue(std::max(4, std::min(firstFrame.width(), firstFrame.height()) / 20));
    m_painter->setBrushRadius(m_radius->value());
    m_clear = new QPushButton(this);

    m_extensionLabel = new QLabel(this);
    m_extension = new QComboBox(this);
    m_extension->setObjectName(QStringLiteral("maskExtension"));
    m_extension->addItem(QString(), int(MaskExtension::SameForAllFrames));
    m_extension->addItem(QString(), int(MaskExtension::BoxTrack));
    m_frame = new QSlider(Qt::Horizontal, this);
    m_frame->setObjectName(QStringLiteral("maskFrame"));
    m_frame->setRange(0, std::max(m_painter->frameCount() - 1, 0));
    m_frameLabel = new QLabel(this);
    m_removeKey = new QPushButton(this);
    m_keys = new QLabel(this);
    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false); // the palette's muted text
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    setSemanticStyle(m_message, SemanticColor::Error);
    m_message->hide();
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);

    auto* tools = new QHBoxLayout;
    tools->addWidget(m_brush);
    tools->addWidget(m_eraser);
    tools->addWidget(m_box);
    tools->addSpacing(12);
    tools->addWidget(m_radiusLabel);
    tools->addWidget(m_radius);
    tools->addStretch();
    tools->addWidget(m_clear);
    auto* track = new QHBoxLayout;
    track->addWidget(m_extensionLabel);
    track->addWidget(m_extension);
    track->addWidget(m_frame, 1);
    track->addWidget(m_frameLabel);
    track->addWidget(m_removeKey);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(tools);
    layout->addWidget(m_painter, 1);
    layout->addLayout(track);
    layout->addWidget(m_keys);
    layout->addWidget(m_hint);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);

    connect(m_tools, &QButtonGroup::idClicked, this, [this](int id) { m_painter->setTool(MaskTool(id)); });
    connect(m_radius, &QSpinBox::valueChanged, m_painter, &MaskPainter::setBrushRadius);
    connect(m_clear, &QPushButton::clicked, m_painter, &MaskPainter::clearMask);
    connect(m_extension, &QComboBox::currentIndexChanged, this, [this] {
        m_painter->setExtension(MaskExtension(m_extension->currentData().toInt()));
        if (m_painter->extension() == MaskExtension::BoxTrack && m_painter->tool() != MaskTool::Box) {
            m_box->setChecked(true);
            m_painter->setTool(MaskTool::Box);
        }
        updateTrackControls();
    });
    connect(m_frame, &QSlider::valueChanged, m_painter, &MaskPainter::setCurrentFrame);
    connect(m_painter, &MaskPainter::currentFrameChanged, this, [this](int frame) {
        m_frame->setValue(frame);
        updateTrackControls();
    });
    connect(m_removeKey, &QPushButton::clicked, m_painter, &MaskPainter::removeKeyAtCurrentFrame);
    connect(m_painter, &MaskPainter::maskChanged, this, [this] {
        m_message->hide();
        updateTrackControls();
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &MaskPainterDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &MaskPainterDialog::reject);
    retranslate();
    resize(860, 640);
}

QString MaskPainterDialog::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

QString MaskPainterDialog::save()
{
    QString error;
    if (m_painter->isEmpty())
        error =
            tr("The mask is empty: paint or draw a box where the video should change (white), or cancel.");
    else
        error = writeMaskFrames(m_outputFolder, m_painter->frameCount(),
                                [this](int frame) { return m_painter->maskForFrame(frame); });
    m_message->setText(error);
    m_message->setVisible(!error.isEmpty());
    return error;
}

void MaskPainterDialog::accept()
{
    if (save().isEmpty())
        QDialog::accept();
}

void MaskPainterDialog::updateTrackControls()
{
    const bool track = m_painter->extension() == MaskExtension::BoxTrack;
    m_frame->setEnabled(track && m_painter->frameCount() > 1);
    m_frameLabel->setText(
        tr("Frame %1 of %2").arg(m_painter->currentFrame() + 1).arg(m_painter->frameCount()));
    m_removeKey->setEnabled(track && m_painter->boxTrack().hasKey(m_painter->currentFrame()));
    QStringList keys;
    for (int frame : m_painter->boxTrack().keyFrames())
        keys.append(QString::number(frame + 1));
    m_keys->setVisible(track);
    m_keys->setText(keys.isEmpty() ? tr("No key frames yet: drag a box on this frame.")
                                   : tr("Box key frames: %1").arg(keys.join(QStringLiteral(", "))));
}

void MaskPainterDialog::retranslate()
{
    setWindowTitle(tr("Draw a mask"));
    m_brush->setText(tr("Brush"));
    m_brush->setToolTip(tr("Paint the area to generate"));
    m_eraser->setText(tr("Eraser"));
    m_eraser->setToolTip(tr("Paint the area to keep"));
    m_box->setText(tr("Box"));
    m_box->setToolTip(tr("Drag a box to generate inside it"));
    m_radiusLabel->setText(tr("Radius"));
    m_clear->setText(tr("Clear"));
    m_extensionLabel->setText(tr("Over time"));
    m_extension->setItemText(0, tr("Same mask for all frames"));
    m_extension->setItemText(1, tr("Box track over the frames"));
    m_removeKey->setText(tr("Remove key"));
    m_hint->setText(tr("Tinted areas are generated (white in the mask); the rest of the video is kept. A box "
                       "track moves a box between key frames: pick a frame, drag a box, repeat; before the "
                       "first and after the last key the box stays put."));
    updateTrackControls();
}

void MaskPainterDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

} // namespace wan::ui
