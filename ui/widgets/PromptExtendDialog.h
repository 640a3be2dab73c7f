#pragma once
// Shows the model's rewrite of a prompt next to the original, for the user to accept (after editing it if
// they like), retry, or discard. The request runs off the UI thread and starts when the dialog is
// constructed.

#include "wan/PromptExtend.h"

#include <QDialog>

#include <cstdint>
#include <vector>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace wan::ui {

class PromptExtendWorker;

class PromptExtendDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptExtendDialog)

public:
    // `request.image` should already be small (see PromptExtendWorker::encodeImageForRequest);
    // `request.language` preselects the language box.
    PromptExtendDialog(const wan::PromptExtendSettings& settings, const wan::PromptExtendRequest& request,
                       QWidget* parent = nullptr);
    ~PromptExtendDialog() override;

    // The text to use after exec() == Accepted: the rewrite as edited by the user.
    QString acceptedPrompt() const;
    wan::PromptLanguage language() const;

Q_SIGNALS:
    void promptAccepted(const QString& prompt);
    // Every finished request, including failures (the message says why); for a log or a status bar.
    void requestFinished(bool ok, const QString& message);

public Q_SLOTS:
    void done(int result) override;

private:
    void startRequest();
    void onLanguageChanged();
    bool rewriteEdited() const; // the user changed the model's last rewrite
    void onExtended(const wan::PromptExtension& extension);
    void onFailed(wan::ErrorKind kind, const QString& error);
    void showFinished(bool ok, const QString& message);

    wan::PromptExtendSettings m_settings;
    wan::PromptExtendRequest m_request;
    PromptExtendWorker* m_worker = nullptr;
    QPlainTextEdit* m_original = nullptr;
    QPlainTextEdit* m_rewrite = nullptr;
    QComboBox* m_language = nullptr;
    QProgressBar* m_busy = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_accept = nullptr;
    QPushButton* m_retry = nullptr;
    QPushButton* m_discard = nullptr;
    QString m_received; // the model's last rewrite, as it came
};

} // namespace wan::ui
