#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QSettings;
class QToolButton;

namespace wan::ui {

// Multi-line prompt with a token estimate against the 512-token limit and a history of recent prompts.
class PromptEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptEditor)

public:
    // historyKey: where the recent prompts are kept in settings (positive and negative prompts differ).
    PromptEditor(QSettings* settings, QString historyKey, QWidget* parent = nullptr);

    QString text() const;
    void setText(const QString& text); // a new document: clears the undo history
    // Replaces the text as one edit that Ctrl+Z takes back (a recent prompt, an accepted rewrite).
    void replaceText(const QString& text);
    void setPlaceholderText(const QString& text);
    void addToHistory(const QString& text);
    QStringList history() const;
    int estimatedTokens() const;
    QPlainTextEdit* editor() const { return m_edit; }

Q_SIGNALS:
    void textChanged();

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateCount();
    void rebuildHistoryMenu();
    void retranslate();

    QSettings* m_settings;
    QString m_historyKey;
    QPlainTextEdit* m_edit = nullptr;
    QLabel* m_count = nullptr;
    QToolButton* m_historyButton = nullptr;
};

} // namespace wan::ui
