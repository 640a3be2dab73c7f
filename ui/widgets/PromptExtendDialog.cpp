#include "PromptExtendDialog.h"

#include "PromptExtendWorker.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace wan::ui {

PromptExtendDialog::PromptExtendDialog(const wan::PromptExtendSettings& settings,
                                       const wan::PromptExtendRequest& request, QWidget* parent)
    : QDialog(parent), m_settings(settings), m_request(request), m_worker(new PromptExtendWorker(this))
{
    setWindowTitle(tr("Extend prompt"));
    resize(640, 480);

    m_original = new QPlainTextEdit(QString::fromStdString(request.prompt), this);
    m_original->setReadOnly(true);
    m_original->setMaximumHeight(90);

    m_rewrite = new QPlainTextEdit(this);
    m_rewrite->setPlaceholderText(tr("The rewritten prompt appears here; you can edit it before using it."));

    m_language = new QComboBox(this);
    m_language->addItem(QStringLiteral("中文"), int(wan::PromptLanguage::Chinese));
    m_language->addItem(QStringLiteral("English"), int(wan::PromptLanguage::English));
    m_language->setCurrentIndex(std::max(0, m_language->findData(int(request.language))));

    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(8);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText); // server error messages: never rendered as HTML
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QDialogButtonBox(this);
    m_accept = buttons->addButton(tr("Use rewrite"), QDialogButtonBox::AcceptRole);
    m_retry = buttons->addButton(tr("Retry"), QDialogButtonBox::ActionRole);
    m_discard = buttons->addButton(tr("Keep original"), QDialogButtonBox::RejectRole);

    auto* languageRow = new QHBoxLayout;
    languageRow->addWidget(new QLabel(tr("Rewrite in:"), this));
    languageRow->addWidget(m_language);
    languageRow->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Original:"), this));
    layout->addWidget(m_original);
    layout->addWidget(new QLabel(tr("Rewrite:"), this));
    layout->addWidget(m_rewrite, 1);
    layout->addLayout(languageRow);
    layout->addWidget(m_busy);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_retry, &QPushButton::clicked, this, &PromptExtendDialog::startRequest);
    connect(m_language, &QComboBox::currentIndexChanged, this, &PromptExtendDialog::onLanguageChanged);
    connect(m_worker, &PromptExtendWorker::extended, this, &PromptExtendDialog::onExtended);
    connect(m_worker, &PromptExtendWorker::failed, this, &PromptExtendDialog::onFailed);
    connect(m_rewrite, &QPlainTextEdit::textChanged, this, [this] {
        m_accept->setEnabled(!m_worker->isRunning() && !m_rewrite->toPlainText().trimmed().isEmpty());
    });

    startRequest();
}

PromptExtendDialog::~PromptExtendDialog() = default;

QString PromptExtendDialog::acceptedPrompt() const
{
    return m_rewrite->toPlainText().trimmed();
}

wan::PromptLanguage PromptExtendDialog::language() const
{
    return wan::PromptLanguage(m_language->currentData().toInt());
}

bool PromptExtendDialog::rewriteEdited() const
{
    const QString text = m_rewrite->toPlainText();
    return !text.trimmed().isEmpty() && text != m_received;
}

void PromptExtendDialog::onLanguageChanged()
{
    // Another language is a new rewrite; one the user has edited is not thrown away for it.
    if (m_worker->isRunning() || !rewriteEdited()) {
        startRequest();
        return;
    }
    m_status->setText(tr("Your edits to the rewrite are kept. Press Retry to rewrite the prompt in %1 "
                         "instead (that replaces your edits).")
                          .arg(m_language->currentText()));
}

void PromptExtendDialog::startRequest()
{
    m_request.language = language();
    m_accept->setEnabled(false);
    m_retry->setEnabled(false);
    m_rewrite->setReadOnly(true);
    m_busy->setVisible(true);
    m_status->setText(tr("Asking the model…"));
    m_worker->start(m_settings, m_request);
}

void PromptExtendDialog::onExtended(const wan::PromptExtension& extension)
{
    m_received = QString::fromStdString(extension.prompt);
    m_rewrite->setPlainText(m_received);
    m_status->setText(tr("Rewritten by %1. Edit it if you like, then use it or keep the original.")
                          .arg(QString::fromStdString(extension.model)));
    showFinished(true, QString());
}

void PromptExtendDialog::onFailed(wan::ErrorKind /*kind*/, const QString& error)
{
    const QString message = error + QStringLiteral("; continuing with the original prompt");
    m_status->setText(message);
    showFinished(false, message);
}

void PromptExtendDialog::showFinished(bool ok, const QString& message)
{
    m_busy->setVisible(false);
    m_retry->setEnabled(true);
    m_rewrite->setReadOnly(false);
    m_accept->setEnabled(!m_rewrite->toPlainText().trimmed().isEmpty());
    Q_EMIT requestFinished(ok, message);
}

void PromptExtendDialog::done(int result)
{
    m_worker->cancel();
    if (result == QDialog::Accepted) {
        const QString text = acceptedPrompt();
        if (text.isEmpty())
            return; // nothing to use yet
        Q_EMIT promptAccepted(text);
    }
    QDialog::done(result);
}

} // namespace wan::ui
