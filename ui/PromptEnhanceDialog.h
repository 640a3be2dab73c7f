#pragma once
// Shows the model's rewrite of a prompt next to the original, for the user to accept (after editing it if
// they like), retry, or discard. The request runs off the UI thread and starts when the dialog is
// constructed.

#include "wan/PromptExtend.h"

#include <QDialog>

#include <cstdint>
#include <vector>

class PromptEnhanceWorker;
class QComboBox;
class QImage;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

class PromptEnhanceDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptEnhanceDialog)

public:
    // `request.image` should already be small (see encodeImageForRequest); `request.language` preselects the
    // language box.
    PromptEnhanceDialog(const wan::PromptExtendSettings& settings, const wan::PromptExtendRequest& request,
                        QWidget* parent = nullptr);
    ~PromptEnhanceDialog() override;

    // The text to use after exec() == Accepted: the rewrite as edited by the user.
    QString acceptedPrompt() const;
    wan::PromptLanguage language() const;

    // PNG bytes of `image` scaled down to at most `maxPixels` (keeping its aspect ratio), as vision models
    // need no more and uploads stay small. Empty for a null image.
    static std::vector<std::uint8_t> encodeImageForRequest(const QImage& image, int maxPixels = 512 * 512);

Q_SIGNALS:
    void promptAccepted(const QString& prompt);
    // Every finished request, including failures (the message says why); for a log or a status bar.
    void requestFinished(bool ok, const QString& message);

public Q_SLOTS:
    void done(int result) override;

private:
    void startRequest();
    void onFinished(const wan::PromptExtendResult& result);

    wan::PromptExtendSettings m_settings;
    wan::PromptExtendRequest m_request;
    PromptEnhanceWorker* m_worker = nullptr;
    QPlainTextEdit* m_original = nullptr;
    QPlainTextEdit* m_rewrite = nullptr;
    QComboBox* m_language = nullptr;
    QProgressBar* m_busy = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_accept = nullptr;
    QPushButton* m_retry = nullptr;
    QPushButton* m_discard = nullptr;
};
