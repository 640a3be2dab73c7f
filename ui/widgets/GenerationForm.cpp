#include "GenerationForm.h"

#include "ErrorText.h"
#include "GenerationRules.h"
#include "GenerationSettingsPanel.h"
#include "ImageDropZone.h"
#include "JobTypes.h"
#include "PromptEditor.h"
#include "VaceInputPanel.h"

#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

namespace wan::ui {

namespace {

QString taskSettingsKey(wan::Task task)
{
    return QStringLiteral("task/%1/request").arg(taskName(task));
}
QString negativeSettingsKey(wan::Task task)
{
    return QStringLiteral("task/%1/negative").arg(taskName(task));
}

} // namespace

GenerationForm::GenerationForm(QSettings* settings, NegativePromptProvider negativePrompt,
                               VideoFrameReader readVideoFrames, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_negativePrompt(std::move(negativePrompt))
{
    m_promptBox = new QGroupBox(this);
    m_prompt = new PromptEditor(settings, QStringLiteral("prompt/history"), m_promptBox);
    m_negativeToggle = new QToolButton(m_promptBox);
    m_negativeToggle->setCheckable(true);
    m_negativeToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_negativeToggle->setAutoRaise(true);
    m_negativeToggle->setArrowType(Qt::RightArrow);
    m_extendPrompt = new QPushButton(m_promptBox);
    m_negative = new PromptEditor(settings, QStringLiteral("negative/history"), m_promptBox);
    m_negative->setVisible(false);
    auto* promptLayout = new QVBoxLayout(m_promptBox);
    promptLayout->addWidget(m_prompt);
    auto* promptTools = new QHBoxLayout;
    promptTools->addWidget(m_negativeToggle);
    promptTools->addStretch();
    promptTools->addWidget(m_extendPrompt);
    promptLayout->addLayout(promptTools);
    promptLayout->addWidget(m_negative);

    m_imageBox = new QGroupBox(this);
    const QString stash = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                              .filePath(QStringLiteral("inputs"));
    m_dropZone = new ImageDropZone(stash, m_imageBox);
    m_dropZone->setFramingEnabled(true);
    (new QVBoxLayout(m_imageBox))->addWidget(m_dropZone);

    m_flf2vBox = new QGroupBox(this);
    m_firstFrameLabel = new QLabel(m_flf2vBox);
    m_lastFrameLabel = new QLabel(m_flf2vBox);
    m_firstFrame = new ImageDropZone(stash, m_flf2vBox, ImageDropZone::Arrangement::Stacked);
    m_firstFrame->setObjectName(QStringLiteral("firstFrameDropZone"));
    m_lastFrame = new ImageDropZone(stash, m_flf2vBox, ImageDropZone::Arrangement::Stacked);
    // The video size is shown once, under both: the first frame sets it, the last is cropped to it.
    m_firstFrame->setShowsOutputSize(false);
    m_lastFrame->setShowsOutputSize(false);
    m_lastFrame->setObjectName(QStringLiteral("lastFrameDropZone"));
    m_flf2vOutput = new QLabel(m_flf2vBox);
    m_flf2vOutput->setWordWrap(true);
    m_flf2vOutput->setMinimumHeight(2 * m_flf2vOutput->fontMetrics().lineSpacing());
    auto* frames = new QGridLayout;
    frames->addWidget(m_firstFrameLabel, 0, 0);
    frames->addWidget(m_lastFrameLabel, 0, 1);
    frames->addWidget(m_firstFrame, 1, 0);
    frames->addWidget(m_lastFrame, 1, 1);
    frames->setColumnStretch(0, 1);
    frames->setColumnStretch(1, 1);
    auto* flf2vLayout = new QVBoxLayout(m_flf2vBox);
    flf2vLayout->addLayout(frames);
    flf2vLayout->addWidget(m_flf2vOutput);

    m_vaceBox = new QGroupBox(this);
    m_vacePanel = new VaceInputPanel(m_vaceBox);
    m_vacePanel->setVideoFrameReader(std::move(readVideoFrames));
    m_vacePanel->setDraftDir(QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                 .filePath(QStringLiteral("drafts")));
    (new QVBoxLayout(m_vaceBox))->addWidget(m_vacePanel);

    m_settingsBox = new QGroupBox(this);
    m_settingsPanel = new GenerationSettingsPanel(m_settingsBox);
    (new QVBoxLayout(m_settingsBox))->addWidget(m_settingsPanel);

    // Laid out as one with the window's own rows around it: no margins of its own.
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_promptBox);
    layout->addWidget(m_imageBox);
    layout->addWidget(m_flf2vBox);
    layout->addWidget(m_vaceBox);
    layout->addWidget(m_settingsBox);

    connect(m_negativeToggle, &QToolButton::toggled, this, [this](bool open) {
        m_negative->setVisible(open);
        m_negativeToggle->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    });
    connect(m_extendPrompt, &QPushButton::clicked, this, &GenerationForm::extendPromptRequested);
    connect(m_settingsPanel, &GenerationSettingsPanel::sizeChanged, this, [this](QSize size) {
        m_dropZone->setTargetSize(size);
        m_firstFrame->setMaxArea(size.width() * size.height());
        m_lastFrame->setMaxArea(size.width() * size.height());
        updateFlf2vOutputSize();
    });
    for (ImageDropZone* zone : {m_firstFrame, m_lastFrame})
        connect(zone, &ImageDropZone::imageRejected, this, &GenerationForm::messageRequested);
    connect(m_firstFrame, &ImageDropZone::imageChanged, this, &GenerationForm::updateFlf2vOutputSize);
    connect(m_lastFrame, &ImageDropZone::imageChanged, this, &GenerationForm::updateFlf2vOutputSize);
    for (ImageDropZone* zone : {m_dropZone, m_firstFrame, m_lastFrame})
        connect(zone, &ImageDropZone::imageChanged, this, &GenerationForm::edited);
    connect(m_prompt, &PromptEditor::textChanged, this, &GenerationForm::edited);
    connect(m_vacePanel, &VaceInputPanel::changed, this, &GenerationForm::edited);
    connect(m_vacePanel, &VaceInputPanel::changed, this, &GenerationForm::updateSizeLock);
    connect(m_vacePanel, &VaceInputPanel::inputRejected, this, &GenerationForm::messageRequested);
    connect(m_dropZone, &ImageDropZone::imageRejected, this, &GenerationForm::messageRequested);
    connect(m_dropZone, &ImageDropZone::cropChanged, this, &GenerationForm::edited);

    retranslate();
}

GenerationForm::~GenerationForm() = default;

void GenerationForm::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void GenerationForm::retranslate()
{
    m_promptBox->setTitle(tr("Prompt"));
    m_prompt->setPlaceholderText(tr("Describe the video: subject, action, scene, camera, style. Chinese and "
                                    "English both work."));
    m_negativeToggle->setText(tr("Negative prompt (what to avoid)"));
    m_extendPrompt->setText(tr("Extend prompt…"));
    m_extendPrompt->setToolTip(tr("Let a language model rewrite the prompt with more detail (set it up in "
                                  "Settings → Prompt extension)"));
    m_imageBox->setTitle(tr("First frame"));
    m_flf2vBox->setTitle(tr("First and last frame"));
    m_firstFrameLabel->setText(tr("First frame"));
    m_lastFrameLabel->setText(tr("Last frame"));
    m_firstFrame->setBrowseTitle(tr("Choose the first frame"));
    m_lastFrame->setBrowseTitle(tr("Choose the last frame"));
    updateFlf2vOutputSize();
    m_vaceBox->setTitle(tr("Video to edit"));
    m_settingsBox->setTitle(tr("Generation"));
}

QString GenerationForm::defaultNegative(wan::Task task) const
{
    return m_negativePrompt ? m_negativePrompt(task) : QString();
}

void GenerationForm::setTask(wan::Task task)
{
    if (m_taskShown && task == m_task)
        return;
    if (m_taskShown)
        saveTaskSettings();
    m_task = task;
    m_taskShown = true;
    loadTaskSettings(task);
    updateSizeLock();
}

void GenerationForm::saveTaskSettings() const
{
    if (!m_settings || !m_remembers)
        return;
    wan::Request request = defaultRequest(m_task);
    m_settingsPanel->fillRequest(&request);
    m_settings->setValue(
        taskSettingsKey(m_task),
        QString::fromUtf8(QJsonDocument(requestToJson(request)).toJson(QJsonDocument::Compact)));
    m_settings->setValue(negativeSettingsKey(m_task), m_negative->text());
}

void GenerationForm::loadTaskSettings(wan::Task task)
{
    m_imageBox->setVisible(task == wan::Task::I2V);
    m_flf2vBox->setVisible(task == wan::Task::FLF2V);
    m_vaceBox->setVisible(task == wan::Task::VACE);
    m_settingsPanel->setTask(task);
    wan::Request request = defaultRequest(task);
    if (m_settings) {
        const QJsonObject saved =
            QJsonDocument::fromJson(m_settings->value(taskSettingsKey(task)).toString().toUtf8()).object();
        wan::Request remembered;
        if (!saved.isEmpty() && requestFromJson(saved, &remembered)) {
            remembered.task = task;
            request = remembered;
        }
    }
    m_settingsPanel->applyRequest(request);
    const QVariant negative = m_settings ? m_settings->value(negativeSettingsKey(task)) : QVariant();
    m_negative->setText(negative.isValid() ? negative.toString() : defaultNegative(task));
    m_dropZone->setTargetSize(m_settingsPanel->chosenSize());
    m_firstFrame->setMaxArea(m_settingsPanel->maxArea());
    m_lastFrame->setMaxArea(m_settingsPanel->maxArea());
    updateFlf2vOutputSize();
}

void GenerationForm::updateSizeLock()
{
    m_settingsPanel->setSizeFromSource(m_task == wan::Task::VACE && m_vacePanel->sizeFromSource());
}

void GenerationForm::updateFlf2vOutputSize()
{
    const QSize first = m_firstFrame->imageSize();
    if (first.isEmpty()) {
        m_flf2vOutput->setText(tr("The video takes the first frame's aspect ratio; the last frame is "
                                  "center-cropped to it."));
        return;
    }
    const QSize out = m_firstFrame->outputSize();
    m_flf2vOutput->setText(tr("Video: %1×%2 (the first frame's aspect ratio, same area as the chosen size)")
                               .arg(out.width())
                               .arg(out.height()));
}

QString GenerationForm::inputError() const
{
    if (m_prompt->text().trimmed().isEmpty())
        return tr("Write a prompt first.");
    if (m_task == wan::Task::I2V && m_dropZone->imagePath().isEmpty())
        return tr("Image to video needs a first frame: drop, paste or browse an image.");
    if (m_task == wan::Task::FLF2V && m_firstFrame->imagePath().isEmpty())
        return m_lastFrame->imagePath().isEmpty()
                   ? tr("First & last frame to video needs both frames: drop, paste or browse a first "
                        "and a last frame image.")
                   : tr("The first frame is missing: drop, paste or browse an image for it.");
    if (m_task == wan::Task::FLF2V && m_lastFrame->imagePath().isEmpty())
        return tr("The last frame is missing: drop, paste or browse an image for it.");
    if (m_task == wan::Task::VACE && !m_vacePanel->sourceMask().isEmpty() &&
        m_vacePanel->sourceVideo().isEmpty())
        return tr("A mask needs a source video: choose the video the mask belongs to, or clear the mask.");
    if (m_task == wan::Task::VACE && !m_vacePanel->sourceVideo().isEmpty() &&
        !QFileInfo::exists(m_vacePanel->sourceVideo()))
        return tr("The source video %1 does not exist.")
            .arg(QDir::toNativeSeparators(m_vacePanel->sourceVideo()));
    if (m_task == wan::Task::VACE && !m_vacePanel->sourceMask().isEmpty() &&
        !QFileInfo::exists(m_vacePanel->sourceMask()))
        return tr("The mask %1 does not exist.").arg(QDir::toNativeSeparators(m_vacePanel->sourceMask()));
    if (const QString settings = m_settingsPanel->validationError(); !settings.isEmpty())
        return settings;
    // The engine's own rules, in the user's language. The queue picks the output file later: a stand-in of
    // the right kind here.
    wan::Request checked = request();
    checked.outputPath = m_task == wan::Task::T2I ? "output.png" : "output.mp4";
    try {
        wan::validate(checked);
    } catch (const wan::Error& error) {
        return userErrorMessage(error);
    }
    return {};
}

wan::Request GenerationForm::request() const
{
    wan::Request request = defaultRequest(m_task);
    m_settingsPanel->fillRequest(&request);
    request.task = m_task;
    request.prompt = m_prompt->text().trimmed().toStdString();
    const QString negative = m_negative->text();
    if (negative != defaultNegative(m_task))
        request.negativePrompt = negative.toStdString();
    if (m_task == wan::Task::I2V) {
        request.image = m_dropZone->imagePath().toStdString();
        if (const auto crop = m_dropZone->crop())
            request.imageCrop = wan::ImageCrop{crop->x(), crop->y(), crop->width(), crop->height()};
    }
    if (m_task == wan::Task::FLF2V) {
        request.firstFrame = m_firstFrame->imagePath().toStdString();
        request.lastFrame = m_lastFrame->imagePath().toStdString();
    }
    if (m_task == wan::Task::VACE) {
        request.srcVideo = QDir::fromNativeSeparators(m_vacePanel->sourceVideo()).toStdString();
        request.srcMask = QDir::fromNativeSeparators(m_vacePanel->sourceMask()).toStdString();
        for (const QString& ref : m_vacePanel->referenceImages())
            request.srcRefImages.push_back(ref.toStdString());
        request.contextScale = m_vacePanel->contextScale();
        if (!request.srcVideo.empty() && m_vacePanel->useSourceSize()) {
            request.width = 0; // the source's size and frame count
            request.height = 0;
            request.frameNum = 0;
        }
    }
    return request;
}

void GenerationForm::setRequest(const wan::Request& request)
{
    setTask(request.task);
    m_settingsPanel->applyRequest(request);
    m_prompt->setText(QString::fromStdString(request.prompt));
    m_negative->setText(request.negativePrompt ? QString::fromStdString(*request.negativePrompt)
                                               : defaultNegative(request.task));
    if (request.task == wan::Task::I2V && !request.image.empty()) {
        m_dropZone->setImageFile(QString::fromStdString(request.image.string()));
        const auto& crop = request.imageCrop;
        m_dropZone->setCrop(crop ? std::optional<QRect>(QRect(crop->x, crop->y, crop->width, crop->height))
                                 : std::nullopt);
    }
    if (request.task == wan::Task::FLF2V) {
        if (!request.firstFrame.empty())
            m_firstFrame->setImageFile(QString::fromStdString(request.firstFrame.string()));
        if (!request.lastFrame.empty())
            m_lastFrame->setImageFile(QString::fromStdString(request.lastFrame.string()));
    }
    if (request.task == wan::Task::VACE) {
        m_vacePanel->setSourceVideo(QString::fromStdString(request.srcVideo.string()));
        m_vacePanel->setSourceMask(QString::fromStdString(request.srcMask.string()));
        QStringList refs;
        for (const auto& ref : request.srcRefImages)
            refs.append(QString::fromStdString(ref.string()));
        m_vacePanel->setReferenceImages(refs);
        m_vacePanel->setContextScale(request.contextScale);
        m_vacePanel->setUseSourceSize(!request.srcVideo.empty() && request.width == 0);
    }
}

void GenerationForm::addToHistory()
{
    m_prompt->addToHistory(m_prompt->text().trimmed());
    const QString negative = m_negative->text();
    if (negative != defaultNegative(m_task))
        m_negative->addToHistory(negative);
}

} // namespace wan::ui
