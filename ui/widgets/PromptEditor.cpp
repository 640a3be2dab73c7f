#include "PromptEditor.h"

#include "GenerationRules.h"
#include "SemanticStyle.h"
#include "Theme.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

namespace wan::ui {

namespace {
constexpr int kHistorySize = 20;
}

PromptEditor::PromptEditor(QSettings* settings, QString historyKey, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_historyKey(std::move(historyKey))
{
    m_edit = new QPlainTextEdit(this);
    m_edit->setTabChangesFocus(true);
    m_edit->setMinimumHeight(70);
    m_edit->setMaximumHeight(150); // long prompts scroll; the settings below stay in view
    m_count = new QLabel(this);
    m_historyButton = new QToolButton(this);
    m_historyButton->setPopupMode(QToolButton::InstantPopup);
    m_historyButton->setMenu(new QMenu(m_historyButton));

    auto* row = new QHBoxLayout;
    row->addWidget(m_count, 1);
    row->addWidget(m_historyButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit);
    layout->addLayout(row);

    connect(m_edit, &QPlainTextEdit::textChanged, this, &PromptEditor::updateCount);
    connect(m_edit, &QPlainTextEdit::textChanged, this, &PromptEditor::textChanged);
    retranslate();
    rebuildHistoryMenu();
}

QString PromptEditor::text() const
{
    return m_edit->toPlainText();
}
void PromptEditor::setText(const QString& text)
{
    m_edit->setPlainText(text);
}
void PromptEditor::replaceText(const QString& text)
{
    if (text == this->text())
        return;
    QTextCursor cursor(m_edit->document());
    cursor.beginEditBlock();
    cursor.select(QTextCursor::Document);
    cursor.insertText(text);
    cursor.endEditBlock();
    m_edit->setTextCursor(cursor); // at the end of the new text
}
void PromptEditor::setPlaceholderText(const QString& text)
{
    m_edit->setPlaceholderText(text);
}
int PromptEditor::estimatedTokens() const
{
    return estimateTokens(text());
}

QStringList PromptEditor::history() const
{
    return m_settings ? m_settings->value(m_historyKey).toStringList() : QStringList();
}

void PromptEditor::addToHistory(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (!m_settings || trimmed.isEmpty())
        return;
    QStringList list = history();
    list.removeAll(trimmed);
    list.prepend(trimmed);
    while (list.size() > kHistorySize)
        list.removeLast();
    m_settings->setValue(m_historyKey, list);
    rebuildHistoryMenu();
}

void PromptEditor::updateCount()
{
    const int tokens = estimatedTokens();
    m_count->setText(tr("≈ %1 / %2 tokens").arg(tokens).arg(kTextTokenLimit));
    const bool over = tokens > kTextTokenLimit;
    setSemanticStyle(m_count, over ? std::optional(SemanticColor::Error) : std::nullopt,
                     QStringLiteral("font-weight: bold;"));
    m_count->setToolTip(
        over ? tr("Probably longer than the model reads: text after about %1 tokens is cut off.")
                   .arg(kTextTokenLimit)
             : tr("A quick estimate, not the exact tokenizer count."));
}

void PromptEditor::rebuildHistoryMenu()
{
    QMenu* menu = m_historyButton->menu();
    menu->clear();
    const QStringList list = history();
    for (const QString& entry : list) {
        QString label = entry.simplified();
        if (label.size() > 80)
            label = label.left(79) + QChar(0x2026);
        QAction* action = menu->addAction(label);
        action->setToolTip(entry);
        connect(action, &QAction::triggered, this, [this, entry] { replaceText(entry); });
    }
    if (list.isEmpty())
        menu->addAction(tr("No recent prompts"))->setEnabled(false);
    m_historyButton->setEnabled(true);
}

void PromptEditor::retranslate()
{
    m_historyButton->setText(tr("Recent"));
    m_historyButton->setToolTip(tr("Use a recent prompt again"));
    updateCount();
}

void PromptEditor::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace wan::ui
