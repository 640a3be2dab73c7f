#include "GenerationSettingsPanel.h"

#include "GenerationWarnings.h"
#include "SemanticStyle.h"
#include "SpeedSettingsWidget.h"
#include "Theme.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QSpinBox>

#include <cmath>

namespace wan::ui {

namespace {
constexpr int kCustomPreset = -1;
enum class SeedMode
{
    Random = 1,
    Fixed
};
} // namespace

GenerationSettingsPanel::GenerationSettingsPanel(QWidget* parent) : QWidget(parent)
{
    m_preset = new QComboBox(this);
    m_width = new QSpinBox(this);
    m_height = new QSpinBox(this);
    for (QSpinBox* box : {m_width, m_height}) {
        box->setRange(kSizeMultiple, 4096);
        box->setSingleStep(kSizeMultiple);
        box->setSuffix(QStringLiteral(" px"));
    }
    m_sizeRow = new QWidget(this);
    auto* sizeLayout = new QHBoxLayout(m_sizeRow);
    sizeLayout->setContentsMargins(0, 0, 0, 0);
    sizeLayout->addWidget(m_preset, 1);
    sizeLayout->addWidget(m_width);
    sizeLayout->addWidget(new QLabel(QStringLiteral("×"), m_sizeRow));
    sizeLayout->addWidget(m_height);

    m_frames = new QSpinBox(this);
    m_frames->setRange(1, 1001);
    m_frames->setSingleStep(4);
    m_duration = new QLabel(this);
    m_framesRow = new QWidget(this);
    auto* framesLayout = new QHBoxLayout(m_framesRow);
    framesLayout->setContentsMargins(0, 0, 0, 0);
    framesLayout->addWidget(m_frames);
    framesLayout->addWidget(m_duration, 1);

    m_steps = new QSpinBox(this);
    m_steps->setRange(1, 200);
    m_solver = new QComboBox(this);
    // Solver names are proper nouns: the core's display keys, untranslated.
    for (const auto& solver : wan::enumEntries<wan::Solver>())
        m_solver->addItem(QString::fromUtf8(solver.displayKey.data(), qsizetype(solver.displayKey.size())),
                          int(solver.value));
    m_shift = new QDoubleSpinBox(this);
    m_shift->setRange(0.1, 30.0);
    m_shift->setSingleStep(0.5);
    m_shift->setDecimals(2);
    m_guidance = new QDoubleSpinBox(this);
    m_guidance->setRange(0.0, 20.0);
    m_guidance->setSingleStep(0.5);
    m_guidance->setDecimals(2);

    m_seedMode = new QComboBox(this);
    m_seed = new QLineEdit(this);
    m_seed->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,18}")), m_seed));
    m_reuseSeed = new QPushButton(this);
    m_seedRow = new QWidget(this);
    auto* seedLayout = new QHBoxLayout(m_seedRow);
    seedLayout->setContentsMargins(0, 0, 0, 0);
    seedLayout->addWidget(m_seedMode);
    seedLayout->addWidget(m_seed, 1);
    seedLayout->addWidget(m_reuseSeed);

    m_memory = new QComboBox(this);
    m_speed = new SpeedSettingsWidget(this);

    m_form = new QFormLayout(this);
    m_form->setContentsMargins(0, 0, 0, 0);
    // Labels get their text in retranslate(); an empty text would create no label at all.
    for (QWidget* field :
         {m_sizeRow, m_framesRow, static_cast<QWidget*>(m_steps), static_cast<QWidget*>(m_solver),
          static_cast<QWidget*>(m_shift), static_cast<QWidget*>(m_guidance), m_seedRow,
          static_cast<QWidget*>(m_memory), static_cast<QWidget*>(m_speed)})
        m_form->addRow(new QLabel(this), field);
    // Warnings sit right under their field (rows 0 and 2 before the inserts), in the field's column.
    m_sizeWarning = new QLabel(this);
    m_sizeWarning->setObjectName(QStringLiteral("sizeWarning"));
    m_framesWarning = new QLabel(this);
    m_framesWarning->setObjectName(QStringLiteral("framesWarning"));
    for (QLabel* warning : {m_sizeWarning, m_framesWarning}) {
        warning->setWordWrap(true);
        warning->setTextFormat(Qt::PlainText);
        warning->setAlignment(Qt::AlignLeft | Qt::AlignTop); // right under the field it is about
        setSemanticStyle(warning, SemanticColor::Warning);
        warning->hide();
    }
    m_form->insertRow(1, QString(), m_sizeWarning);
    m_form->insertRow(3, QString(), m_framesWarning);

    connect(m_preset, &QComboBox::currentIndexChanged, this, &GenerationSettingsPanel::onPresetChanged);
    connect(m_speed, &SpeedSettingsWidget::changed, this, &GenerationSettingsPanel::changed);
    // Draft uses the distilled schedule: steps, solver, shift and guidance do not apply.
    connect(m_speed, &SpeedSettingsWidget::draftChanged, this, [this](bool draft) {
        for (QWidget* field : {static_cast<QWidget*>(m_steps), static_cast<QWidget*>(m_solver),
                               static_cast<QWidget*>(m_shift), static_cast<QWidget*>(m_guidance)})
            field->setEnabled(!draft);
    });
    for (QSpinBox* box : {m_width, m_height})
        connect(box, &QSpinBox::valueChanged, this, [this] {
            shiftFollowsSize(chosenSize());
            updateWarnings();
            Q_EMIT sizeChanged(chosenSize());
            Q_EMIT changed();
        });
    connect(m_frames, &QSpinBox::editingFinished, this, [this] {
        m_frames->setValue(nearestValidFrameCount(m_frames->value())); // keep 4n+1
    });
    connect(m_frames, &QSpinBox::valueChanged, this, &GenerationSettingsPanel::updateDuration);
    connect(m_seedMode, &QComboBox::currentIndexChanged, this, &GenerationSettingsPanel::updateSeedMode);
    connect(m_reuseSeed, &QPushButton::clicked, this, [this] {
        if (m_lastSeed < 0)
            return;
        m_seedMode->setCurrentIndex(m_seedMode->findData(int(SeedMode::Fixed)));
        m_seed->setText(QString::number(m_lastSeed));
    });

    retranslate();
    rebuildPresets();
    applyRequest(defaultRequest(m_task));
}

void GenerationSettingsPanel::setTask(wan::Task task)
{
    m_task = task;
    m_framesRow->setEnabled(task != wan::Task::T2I && !m_sizeFromSource && !m_demo);
    rebuildPresets();
    updateDuration();
    updateWarnings();
}

void GenerationSettingsPanel::setSizeFromSource(bool fromSource)
{
    m_sizeFromSource = fromSource;
    m_sizeRow->setEnabled(!fromSource && !m_demo);
    m_framesRow->setEnabled(m_task != wan::Task::T2I && !fromSource && !m_demo);
    const QString tip = fromSource ? tr("Taken from the source video") : QString();
    m_sizeRow->setToolTip(tip);
    m_framesRow->setToolTip(tip);
    updateWarnings();
}

void GenerationSettingsPanel::setDemoModel(const std::optional<wan::DemoModelInfo>& demo)
{
    const bool was = m_demo.has_value();
    m_demo = demo;
    if (demo) {
        m_width->setValue(demo->width);
        m_height->setValue(demo->height);
        m_frames->setValue(demo->frameNum);
        if (!was) {
            m_steps->setValue(demo->steps);
            m_shift->setValue(demo->shift);
            m_guidance->setValue(demo->guideScale);
        }
    } else if (was) {
        const wan::Request defaults = wan::defaultRequest(m_task, m_model);
        m_frames->setValue(m_task == wan::Task::T2I ? 1 : defaults.frameNum);
        m_steps->setValue(defaults.steps);
        m_shift->setValue(defaults.shift);
        m_guidance->setValue(defaults.guideScale);
    }
    m_sizeRow->setEnabled(!demo && !m_sizeFromSource);
    m_framesRow->setEnabled(!demo && m_task != wan::Task::T2I && !m_sizeFromSource);
    const QString tip = demo ? tr("The built-in demo model makes %1×%2, %3 frames only.")
                                   .arg(demo->width)
                                   .arg(demo->height)
                                   .arg(demo->frameNum)
                             : QString();
    m_sizeRow->setToolTip(tip);
    m_framesRow->setToolTip(tip);
    rebuildPresets();
    if (was && !demo)
        m_preset->setCurrentIndex(0);
    updateDuration();
}

void GenerationSettingsPanel::setModelSize(ModelSize model)
{
    if (m_model == model)
        return;
    const QSize current = chosenSize();
    const bool wasTrained = wan::isTrainedSize(m_task, m_model, current.width(), current.height());
    m_model = model;
    // A size the old model was made for but the new one was not (14B's 1280×720 on a 1.3B folder) moves to
    // the new model's official size of the same orientation; a custom size stays, with its warning.
    if (!m_demo && !m_sizeFromSource && wasTrained &&
        !wan::isTrainedSize(m_task, model, current.width(), current.height())) {
        const QList<QSize> presets = sizePresets(m_task, model);
        QSize next = presets.value(0);
        for (const QSize& size : presets)
            if ((size.width() >= size.height()) == (current.width() >= current.height())) {
                next = size;
                break;
            }
        const QSignalBlocker blockWidth(m_width);
        const QSignalBlocker blockHeight(m_height);
        m_width->setValue(next.width());
        m_height->setValue(next.height());
    }
    rebuildPresets();
    updateWarnings();
}

void GenerationSettingsPanel::rebuildPresets()
{
    const QSize current(m_width->value(), m_height->value());
    const QSignalBlocker blocker(m_preset);
    m_preset->clear();
    const QList<QSize> presets =
        m_demo ? QList<QSize>{QSize(m_demo->width, m_demo->height)} : sizePresets(m_task, m_model);
    for (const QSize& size : presets)
        m_preset->addItem(QStringLiteral("%1×%2").arg(size.width()).arg(size.height()), size);
    if (!m_demo)
        m_preset->addItem(tr("Custom"), kCustomPreset);
    const int index = m_preset->findData(current);
    m_preset->setCurrentIndex(index >= 0 ? index : m_preset->count() - 1);
    onPresetChanged();
}

void GenerationSettingsPanel::onPresetChanged()
{
    const QVariant data = m_preset->currentData();
    const bool custom = data.userType() != QMetaType::QSize;
    m_width->setEnabled(custom);
    m_height->setEnabled(custom);
    if (!custom) {
        const QSize size = data.toSize();
        const QSignalBlocker blockWidth(m_width);
        const QSignalBlocker blockHeight(m_height);
        m_width->setValue(size.width());
        m_height->setValue(size.height());
    }
    shiftFollowsSize(chosenSize());
    updateWarnings();
    Q_EMIT sizeChanged(chosenSize());
    Q_EMIT changed();
}

void GenerationSettingsPanel::shiftFollowsSize(QSize size)
{
    // The official shift depends on the size (i2v: 3 at 480p, 5 at 720p): a shift still at the old size's
    // default takes the new size's; one the user chose stays.
    const bool atDefault =
        m_shiftSize.isValid() && std::abs(m_shift->value() - defaultShift(m_task, m_shiftSize)) < 1e-6;
    if (atDefault && size != m_shiftSize && !m_demo)
        m_shift->setValue(defaultShift(m_task, size));
    m_shiftSize = size;
}

void GenerationSettingsPanel::updateWarnings()
{
    const QString size = sizeWarning();
    m_sizeWarning->setText(size);
    m_sizeWarning->setVisible(!size.isEmpty());
    const QString frames = frameCountWarning();
    m_framesWarning->setText(frames);
    m_framesWarning->setVisible(!frames.isEmpty());
}

QString GenerationSettingsPanel::sizeWarning() const
{
    if (m_demo || m_sizeFromSource || !isValidCustomSize(chosenSize()))
        return {};
    return wan::ui::sizeWarning(m_task, m_model, chosenSize());
}

QString GenerationSettingsPanel::frameCountWarning() const
{
    if (m_demo || m_sizeFromSource || m_task == wan::Task::T2I)
        return {};
    return wan::ui::frameCountWarning(m_task, m_model, m_frames->value());
}

QSize GenerationSettingsPanel::chosenSize() const
{
    return QSize(m_width->value(), m_height->value());
}

void GenerationSettingsPanel::updateDuration()
{
    const int frames = m_task == wan::Task::T2I ? 1 : m_frames->value();
    m_duration->setText(m_task == wan::Task::T2I
                            ? tr("one image")
                            : tr("%1 s at %2 fps").arg(durationSeconds(frames), 0, 'f', 2).arg(kFps));
    const bool valid = isValidFrameCount(frames);
    m_frames->setToolTip(valid
                             ? tr("Frame counts are 4n+1 (81 frames ≈ 5 s).")
                             : tr("Frame counts must be 4n+1, e.g. %1.").arg(nearestValidFrameCount(frames)));
    setSemanticStyle(m_frames, valid ? std::nullopt : std::optional(SemanticColor::Error));
    updateWarnings();
    Q_EMIT changed();
}

void GenerationSettingsPanel::updateSeedMode()
{
    const bool fixed = m_seedMode->currentData().toInt() == int(SeedMode::Fixed);
    m_seed->setEnabled(fixed);
    if (fixed && m_seed->text().isEmpty())
        m_seed->setText(QString::number(m_lastSeed >= 0 ? m_lastSeed : 42));
}

void GenerationSettingsPanel::applyRequest(const wan::Request& r)
{
    const QSignalBlocker blockWidth(m_width);
    const QSignalBlocker blockHeight(m_height);
    m_width->setValue(r.width);
    m_height->setValue(r.height);
    {
        const QSignalBlocker blocker(m_preset);
        const int index = m_preset->findData(QSize(r.width, r.height));
        m_preset->setCurrentIndex(index >= 0 ? index : m_preset->count() - 1);
    }
    m_frames->setValue(r.task == wan::Task::T2I ? 1 : r.frameNum);
    m_steps->setValue(r.steps);
    m_solver->setCurrentIndex(std::max(0, m_solver->findData(int(r.solver))));
    m_shift->setValue(r.shift);
    m_guidance->setValue(r.guideScale);
    m_seedMode->setCurrentIndex(m_seedMode->findData(int(r.seed >= 0 ? SeedMode::Fixed : SeedMode::Random)));
    m_seed->setText(r.seed >= 0 ? QString::number(r.seed) : QString());
    m_memory->setCurrentIndex(std::max(0, m_memory->findData(int(r.memory))));
    m_speed->applyRequest(r);
    m_shiftSize = QSize(r.width, r.height); // the request's shift is the one to show
    onPresetChanged();
    updateDuration();
    updateSeedMode();
}

void GenerationSettingsPanel::fillRequest(wan::Request* r) const
{
    r->width = m_width->value();
    r->height = m_height->value();
    r->frameNum = m_task == wan::Task::T2I ? 1 : m_frames->value();
    r->steps = m_steps->value();
    r->solver = wan::Solver(m_solver->currentData().toInt());
    r->shift = m_shift->value();
    r->guideScale = m_guidance->value();
    const bool fixed = m_seedMode->currentData().toInt() == int(SeedMode::Fixed);
    r->seed = fixed && !m_seed->text().isEmpty() ? m_seed->text().toLongLong() : -1;
    r->memory = wan::MemoryMode(m_memory->currentData().toInt());
    m_speed->fillRequest(r);
}

void GenerationSettingsPanel::setMemoryMode(wan::MemoryMode mode)
{
    const int index = m_memory->findData(int(mode));
    if (index >= 0)
        m_memory->setCurrentIndex(index);
}

void GenerationSettingsPanel::setLastSeed(qint64 seed)
{
    m_lastSeed = seed;
    m_reuseSeed->setEnabled(seed >= 0);
    m_reuseSeed->setToolTip(seed >= 0 ? tr("Use seed %1 from the last finished job").arg(seed) : QString());
}

QString GenerationSettingsPanel::validationError() const
{
    if (!isValidCustomSize(chosenSize()))
        return tr("Width and height must be multiples of %1.").arg(kSizeMultiple);
    if (m_task != wan::Task::T2I && !isValidFrameCount(m_frames->value()))
        return tr("The frame count must be 4n+1 (for example %1).")
            .arg(nearestValidFrameCount(m_frames->value()));
    // An empty fixed seed would silently run a random one.
    if (m_seedMode->currentData().toInt() == int(SeedMode::Fixed) && m_seed->text().trimmed().isEmpty())
        return tr("The seed is set to Fixed but its field is empty: enter a seed, or choose Random.");
    return {};
}

void GenerationSettingsPanel::retranslate()
{
    const auto label = [this](QWidget* field, const QString& text) {
        if (auto* widget = qobject_cast<QLabel*>(m_form->labelForField(field)))
            widget->setText(text);
    };
    label(m_sizeRow, tr("Size"));
    label(m_framesRow, tr("Frames"));
    label(m_steps, tr("Steps"));
    label(m_solver, tr("Solver"));
    label(m_shift, tr("Shift"));
    label(m_guidance, tr("Guidance"));
    label(m_seedRow, tr("Seed"));
    label(m_memory, tr("Memory"));
    label(m_speed, tr("Speed"));
    m_shift->setToolTip(tr("Noise schedule shift: 5 for most videos, 3 for image to video at 480p."));
    m_guidance->setToolTip(tr("How strongly the prompt is followed (classifier-free guidance)."));
    m_steps->setToolTip(tr("More steps: more detail, slower. Official: 50 (image to video: 40)."));

    const int seedMode = m_seedMode->currentData().toInt();
    {
        const QSignalBlocker blocker(m_seedMode);
        m_seedMode->clear();
        m_seedMode->addItem(tr("Random"), int(SeedMode::Random));
        m_seedMode->addItem(tr("Fixed"), int(SeedMode::Fixed));
        m_seedMode->setCurrentIndex(std::max(0, m_seedMode->findData(seedMode)));
    }
    m_reuseSeed->setText(tr("Reuse last"));
    m_reuseSeed->setEnabled(m_lastSeed >= 0);

    const int memory = m_memory->currentData().toInt();
    m_memory->clear();
    m_memory->addItem(tr("Automatic"), int(wan::MemoryMode::Auto));
    m_memory->addItem(tr("Everything on the device (fastest)"), int(wan::MemoryMode::Full));
    m_memory->addItem(tr("Text encoder on CPU"), int(wan::MemoryMode::T5Cpu));
    m_memory->addItem(tr("Offload each model after its stage"), int(wan::MemoryMode::Offload));
    m_memory->addItem(tr("Offload (least memory, slower)"), int(wan::MemoryMode::OffloadT5Cpu));
    m_memory->setCurrentIndex(std::max(0, m_memory->findData(memory)));
    if (m_preset->count() > 0)
        m_preset->setItemText(m_preset->count() - 1, tr("Custom"));
    updateDuration();
    setSizeFromSource(m_sizeFromSource); // its tooltip
}

void GenerationSettingsPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace wan::ui
