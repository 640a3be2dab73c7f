#pragma once

#include "Variations.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;
class QWidget;

namespace wan::ui {

// "Variations…": how to vary the form's request — N seeds, or a grid of guidance, shift and steps values —
// with the group it makes (or why it cannot) shown as the values are typed. OK only for a plan that can be
// queued.
class VariationsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VariationsDialog)

public:
    explicit VariationsDialog(const wan::Request& base, QWidget* parent = nullptr);

    VariationSpec spec() const;
    void setSpec(const VariationSpec& spec);
    // The group for the current values (planned again on every edit); its error when it cannot be queued.
    const VariationPlan& plan() const { return m_plan; }
    QString problem() const;
    bool isAcceptable() const;

    // For tests.
    QRadioButton* seedsButton() const { return m_seeds; }
    QRadioButton* gridButton() const { return m_grid; }
    QSpinBox* seedCountBox() const { return m_seedCount; }
    QLineEdit* guidanceEdit() const { return m_guides; }
    QLineEdit* shiftEdit() const { return m_shifts; }
    QLineEdit* stepsEdit() const { return m_steps; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void replan();
    void retranslate();
    bool readGrid(VariationSpec* spec, QString* error) const;

    wan::Request m_base;
    VariationPlan m_plan;
    QString m_inputError;
    QRadioButton* m_seeds = nullptr;
    QRadioButton* m_grid = nullptr;
    QSpinBox* m_seedCount = nullptr;
    QLabel* m_seedNote = nullptr;
    QWidget* m_gridBox = nullptr;
    QLabel* m_guidesLabel = nullptr;
    QLabel* m_shiftsLabel = nullptr;
    QLabel* m_stepsLabel = nullptr;
    QLineEdit* m_guides = nullptr;
    QLineEdit* m_shifts = nullptr;
    QLineEdit* m_steps = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace wan::ui
