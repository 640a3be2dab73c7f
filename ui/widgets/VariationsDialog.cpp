#include "VariationsDialog.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace wan::ui {

VariationsDialog::VariationsDialog(const wan::Request& base, QWidget* parent) : QDialog(parent), m_base(base)
{
    setObjectName(QStringLiteral("variationsDialog"));
    m_seeds = new QRadioButton(this);
    m_seedCount = new QSpinBox(this);
    m_seedCount->setRange(kMinSeedVariations, kMaxVariations);
    m_seedCount->setValue(4);
    m_seedNote = new QLabel(this);
    m_seedNote->setWordWrap(true);
    m_grid = new QRadioButton(this);
    m_seeds->setChecked(true);

    m_gridBox = new QWidget(this);
    m_guides = new QLineEdit(m_gridBox);
    m_shifts = new QLineEdit(m_gridBox);
    m_steps = new QLineEdit(m_gridBox);
    m_guidesLabel = new QLabel(m_gridBox);
    m_shiftsLabel = new QLabel(m_gridBox);
    m_stepsLabel = new QLabel(m_gridBox);
    auto* grid = new QFormLayout(m_gridBox);
    grid->setContentsMargins(24, 0, 0, 0);
    grid->addRow(m_guidesLabel, m_guides);
    grid->addRow(m_shiftsLabel, m_shifts);
    grid->addRow(m_stepsLabel, m_steps);
    // Start from the form's values: adding a second value makes an axis.
    m_guides->setText(QLocale().toString(base.guideScale, 'g', 6));
    m_shifts->setText(QLocale().toString(base.shift, 'g', 6));
    m_steps->setText(QString::number(base.steps));

    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(m_seeds);
    seedRow->addWidget(m_seedCount);
    seedRow->addStretch();

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(seedRow);
    layout->addWidget(m_seedNote);
    layout->addWidget(m_grid);
    layout->addWidget(m_gridBox);
    layout->addWidget(m_summary);
    layout->addWidget(m_problem);
    layout->addStretch();
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_seeds, &QRadioButton::toggled, this, &VariationsDialog::replan);
    connect(m_seedCount, &QSpinBox::valueChanged, this, &VariationsDialog::replan);
    for (QLineEdit* edit : {m_guides, m_shifts, m_steps})
        connect(edit, &QLineEdit::textChanged, this, &VariationsDialog::replan);
    retranslate();
    replan();
    resize(460, sizeHint().height());
}

VariationSpec VariationsDialog::spec() const
{
    VariationSpec spec;
    spec.kind = m_seeds->isChecked() ? VariationSpec::Kind::Seeds : VariationSpec::Kind::Grid;
    spec.seedCount = m_seedCount->value();
    readGrid(&spec, nullptr);
    return spec;
}

void VariationsDialog::setSpec(const VariationSpec& spec)
{
    const auto list = [](const auto& values) {
        QStringList parts;
        for (const auto value : values)
            parts.append(QLocale().toString(double(value), 'g', 6));
        return parts.join(QStringLiteral("; "));
    };
    m_seedCount->setValue(spec.seedCount);
    m_guides->setText(list(spec.guideScales));
    m_shifts->setText(list(spec.shifts));
    m_steps->setText(list(spec.steps));
    (spec.kind == VariationSpec::Kind::Seeds ? m_seeds : m_grid)->setChecked(true);
    replan();
}

bool VariationsDialog::readGrid(VariationSpec* spec, QString* error) const
{
    QString problem;
    QList<double> steps;
    const bool ok = parseVariationValues(m_guides->text(), &spec->guideScales, &problem) &&
                    parseVariationValues(m_shifts->text(), &spec->shifts, &problem) &&
                    parseVariationValues(m_steps->text(), &steps, &problem);
    if (!ok) {
        if (error)
            *error = problem;
        return false;
    }
    spec->steps.clear();
    for (double value : steps) {
        if (value != std::floor(value) || std::abs(value) > 1e6) {
            if (error)
                *error = tr("Steps are whole numbers (got %1).").arg(QLocale().toString(value, 'g', 6));
            return false;
        }
        spec->steps.append(int(value));
    }
    return true;
}

QString VariationsDialog::problem() const
{
    return m_inputError.isEmpty() ? m_plan.error : m_inputError;
}

bool VariationsDialog::isAcceptable() const
{
    return m_inputError.isEmpty() && m_plan.isValid();
}

void VariationsDialog::replan()
{
    m_gridBox->setEnabled(m_grid->isChecked());
    m_seedCount->setEnabled(m_seeds->isChecked());
    VariationSpec spec;
    spec.kind = m_seeds->isChecked() ? VariationSpec::Kind::Seeds : VariationSpec::Kind::Grid;
    spec.seedCount = m_seedCount->value();
    m_inputError.clear();
    if (spec.kind == VariationSpec::Kind::Grid && !readGrid(&spec, &m_inputError))
        m_plan = {};
    else
        m_plan = planVariations(m_base, spec);
    if (isAcceptable()) {
        QStringList labels;
        for (int i = 0; i < m_plan.requests.size(); ++i)
            labels.append(variationLabel(m_plan.requests[i], m_plan.tags[i]));
        m_summary->setText(tr("%n job(s) queued as one group: %1", nullptr, int(labels.size()))
                               .arg(labels.join(QStringLiteral("; "))));
    } else {
        m_summary->clear();
    }
    m_problem->setText(problem());
    m_problem->setVisible(!problem().isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(isAcceptable());
}

void VariationsDialog::retranslate()
{
    setWindowTitle(tr("Variations"));
    m_seeds->setText(tr("Seeds:"));
    m_seedNote->setText(
        m_base.seed < 0
            ? tr("The seed is random: each job gets its own random seed, drawn now and shown on its cell.")
            : tr("Seeds %1, %2, … counted up from the form's seed.").arg(m_base.seed).arg(m_base.seed + 1));
    m_grid->setText(tr("Grid (every combination, at most %1):").arg(kMaxVariations));
    m_guidesLabel->setText(tr("Guidance:"));
    m_shiftsLabel->setText(tr("Shift:"));
    m_stepsLabel->setText(tr("Steps:"));
    for (QLineEdit* edit : {m_guides, m_shifts, m_steps})
        edit->setPlaceholderText(tr("values, e.g. 4; 5; 6 (empty: the form's)"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Add to queue"));
    replan();
}

void VariationsDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange && m_buttons)
        retranslate();
    QDialog::changeEvent(event);
}

} // namespace wan::ui
