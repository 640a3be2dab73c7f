#pragma once

#include "GenerationRules.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace wan::ui {

class SpeedSettingsWidget;

// Size, frames, steps, solver, shift, guidance, seed and memory mode, limited to what the model accepts.
class GenerationSettingsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GenerationSettingsPanel)

public:
    explicit GenerationSettingsPanel(QWidget* parent = nullptr);

    void setTask(wan::Task task);
    void setModelSize(ModelSize model);
    // True: the size and frame count come from an input (VACE's source video); their fields are disabled.
    void setSizeFromSource(bool fromSource);
    bool sizeFromSource() const { return m_sizeFromSource; }
    // The built-in demo model: its one size and frame count only (fields locked), its sampling settings
    // shown once when it is chosen; nullopt restores the official choices and defaults.
    void setDemoModel(const std::optional<wan::DemoModelInfo>& demo);
    bool isDemoModel() const { return m_demo.has_value(); }
    wan::Task task() const { return m_task; }
    ModelSize modelSize() const { return m_model; }

    void applyRequest(const wan::Request& request); // show these values
    void fillRequest(wan::Request* request) const;  // write the shown values
    void setMemoryMode(wan::MemoryMode mode);
    void setLastSeed(qint64 seed);
    QSize chosenSize() const;
    int maxArea() const { return chosenSize().width() * chosenSize().height(); }
    QString validationError() const; // empty when the values can be generated
    // Shown next to their field, never blocking: a size or frame count the model was not trained for.
    QString sizeWarning() const;
    QString frameCountWarning() const;

Q_SIGNALS:
    void sizeChanged(QSize size);
    void changed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuildPresets();
    void onPresetChanged();
    void updateDuration();
    void updateSeedMode();
    void retranslate();
    void updateWarnings();
    void shiftFollowsSize(QSize size);

    wan::Task m_task = wan::Task::T2V;
    ModelSize m_model = ModelSize::Small;
    qint64 m_lastSeed = -1;
    bool m_sizeFromSource = false;
    std::optional<wan::DemoModelInfo> m_demo;
    QFormLayout* m_form = nullptr;
    QComboBox* m_preset = nullptr;
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QSpinBox* m_frames = nullptr;
    QLabel* m_duration = nullptr;
    QSpinBox* m_steps = nullptr;
    QComboBox* m_solver = nullptr;
    QDoubleSpinBox* m_shift = nullptr;
    QDoubleSpinBox* m_guidance = nullptr;
    QComboBox* m_seedMode = nullptr;
    QLineEdit* m_seed = nullptr;
    QPushButton* m_reuseSeed = nullptr;
    QComboBox* m_memory = nullptr;
    SpeedSettingsWidget* m_speed = nullptr; // draft/final, step cache, LoRAs
    QWidget* m_sizeRow = nullptr;
    QWidget* m_framesRow = nullptr;
    QWidget* m_seedRow = nullptr;
    QLabel* m_sizeWarning = nullptr;
    QLabel* m_framesWarning = nullptr;
    QSize m_shiftSize; // the size the shown shift belongs to: an official default follows a new size
};

} // namespace wan::ui
