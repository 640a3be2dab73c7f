#include "SpeedSettingsWidget.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>

namespace wan::ui {

namespace {

// Step cache choices: mode and preset in one list.
struct CacheChoice
{
    wan::StepCacheMode mode;
    wan::CachePreset preset;
};
constexpr CacheChoice kCacheChoices[] = {
    {wan::StepCacheMode::Off, wan::CachePreset::Balanced},
    {wan::StepCacheMode::TeaCache, wan::CachePreset::Quality},
    {wan::StepCacheMode::TeaCache, wan::CachePreset::Balanced},
    {wan::StepCacheMode::TeaCache, wan::CachePreset::Fast},
    {wan::StepCacheMode::MagCache, wan::CachePreset::Quality},
    {wan::StepCacheMode::MagCache, wan::CachePreset::Balanced},
    {wan::StepCacheMode::MagCache, wan::CachePreset::Fast},
};
constexpr int kPathRole = Qt::UserRole + 1;

} // namespace

SpeedSettingsWidget::SpeedSettingsWidget(QWidget* parent) : QWidget(parent)
{
    m_mode = new QComboBox(this);
    m_cache = new QComboBox(this);
    m_loras = new QTableWidget(0, 2, this);
    m_loras->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_loras->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_loras->verticalHeader()->hide();
    m_loras->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_loras->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_loras->setMaximumHeight(110);
    m_addLora = new QPushButton(this);
    m_removeLora = new QPushButton(this);

    auto* top = new QHBoxLayout;
    top->addWidget(m_mode, 1);
    top->addWidget(m_cache, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_addLora);
    buttons->addWidget(m_removeLora);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_loras);
    layout->addLayout(buttons);

    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        Q_EMIT draftChanged(isDraft());
        Q_EMIT changed();
    });
    connect(m_cache, &QComboBox::currentIndexChanged, this, &SpeedSettingsWidget::changed);
    connect(m_addLora, &QPushButton::clicked, this, &SpeedSettingsWidget::chooseLoraFile);
    connect(m_removeLora, &QPushButton::clicked, this, [this] {
        const int row = m_loras->currentRow();
        if (row >= 0) {
            m_loras->removeRow(row);
            Q_EMIT changed();
        }
    });
    connect(m_loras, &QTableWidget::itemSelectionChanged, this,
            [this] { m_removeLora->setEnabled(m_loras->currentRow() >= 0); });
    m_removeLora->setEnabled(false);
    retranslate();
}

bool SpeedSettingsWidget::isDraft() const
{
    return m_mode->currentData().toInt() == int(wan::SamplerMode::Distilled);
}

int SpeedSettingsWidget::loraCount() const
{
    return m_loras->rowCount();
}

void SpeedSettingsWidget::addLora(const QString& path, double strength)
{
    const int row = m_loras->rowCount();
    m_loras->insertRow(row);
    auto* name = new QTableWidgetItem(QFileInfo(path).fileName());
    name->setData(kPathRole, path);
    name->setToolTip(path);
    m_loras->setItem(row, 0, name);
    auto* spin = new QDoubleSpinBox(m_loras);
    spin->setRange(-4.0, 4.0);
    spin->setSingleStep(0.05);
    spin->setDecimals(2);
    spin->setValue(strength);
    spin->setToolTip(tr("Strength of this LoRA (0 turns it off)"));
    connect(spin, &QDoubleSpinBox::valueChanged, this, &SpeedSettingsWidget::changed);
    m_loras->setCellWidget(row, 1, spin);
    Q_EMIT changed();
}

void SpeedSettingsWidget::chooseLoraFile()
{
    const auto files =
        QFileDialog::getOpenFileNames(this, tr("Add LoRA"), QString(), tr("LoRA weights (*.safetensors)"));
    for (const auto& file : files)
        addLora(file, 1.0);
}

void SpeedSettingsWidget::applyRequest(const wan::Request& r)
{
    {
        const QSignalBlocker blockMode(m_mode);
        const QSignalBlocker blockCache(m_cache);
        m_mode->setCurrentIndex(std::max(0, m_mode->findData(int(r.samplerMode))));
        int cacheIndex = 0;
        for (int i = 0; i < int(std::size(kCacheChoices)); ++i) {
            const auto& c = kCacheChoices[i];
            if (c.mode == r.stepCache && (c.mode == wan::StepCacheMode::Off || c.preset == r.cachePreset))
                cacheIndex = i;
        }
        m_cache->setCurrentIndex(cacheIndex);
    }
    {
        const QSignalBlocker blockSelf(this);
        m_loras->setRowCount(0);
        for (const auto& lora : r.loras)
            addLora(QString::fromStdString(lora.path.string()), lora.strength);
    }
    Q_EMIT draftChanged(isDraft());
}

void SpeedSettingsWidget::fillRequest(wan::Request* r) const
{
    r->samplerMode = wan::SamplerMode(m_mode->currentData().toInt());
    const auto& choice =
        kCacheChoices[std::clamp(m_cache->currentIndex(), 0, int(std::size(kCacheChoices)) - 1)];
    r->stepCache = choice.mode;
    r->cachePreset = choice.preset;
    r->loras.clear();
    for (int row = 0; row < m_loras->rowCount(); ++row) {
        const auto path = m_loras->item(row, 0)->data(kPathRole).toString();
        const auto* spin = qobject_cast<QDoubleSpinBox*>(m_loras->cellWidget(row, 1));
        r->loras.push_back(wan::LoraSpec{path.toStdString(), spin ? spin->value() : 1.0});
    }
}

void SpeedSettingsWidget::retranslate()
{
    {
        const QSignalBlocker blocker(m_mode);
        const int mode = m_mode->currentData().toInt();
        m_mode->clear();
        m_mode->addItem(tr("Final (full sampler)"), int(wan::SamplerMode::Full));
        m_mode->addItem(tr("Draft (distilled, 4 steps)"), int(wan::SamplerMode::Distilled));
        m_mode->setCurrentIndex(std::max(0, m_mode->findData(mode)));
    }
    m_mode->setToolTip(tr("Draft needs a step-distilled LoRA (such as lightx2v's): 4 steps, no guidance, "
                          "about 20 times fewer model calls. Final uses the full sampler."));
    {
        const QSignalBlocker blocker(m_cache);
        const int index = std::max(0, m_cache->currentIndex());
        m_cache->clear();
        m_cache->addItem(tr("No step cache"));
        m_cache->addItem(tr("TeaCache: quality"));
        m_cache->addItem(tr("TeaCache: balanced"));
        m_cache->addItem(tr("TeaCache: fast"));
        m_cache->addItem(tr("MagCache: quality"));
        m_cache->addItem(tr("MagCache: balanced"));
        m_cache->addItem(tr("MagCache: fast"));
        m_cache->setCurrentIndex(index);
    }
    m_cache->setToolTip(tr("Reuse the model's work of earlier steps when little changes: faster, slightly "
                           "different result. The job log says how many steps were skipped."));
    m_loras->setHorizontalHeaderLabels({tr("LoRA"), tr("Strength")});
    m_addLora->setText(tr("Add LoRA…"));
    m_removeLora->setText(tr("Remove"));
}

void SpeedSettingsWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace wan::ui
