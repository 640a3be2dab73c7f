#include "PromptExtendSettingsPage.h"

#include "PromptExtendWorker.h"
#include "SemanticStyle.h"
#include "Theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

namespace wan::ui {

namespace {

constexpr wan::PromptBackend kBackends[] = {wan::PromptBackend::Dashscope,
                                            wan::PromptBackend::OpenAiCompatible};

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

} // namespace

PromptExtendSettingsPage::PromptExtendSettingsPage(QWidget* parent)
    : QWidget(parent), m_worker(new PromptExtendWorker(this))
{
    m_enabled = new QCheckBox(tr("Extend prompts automatically when queuing"), this);

    m_backend = new QComboBox(this);
    m_backend->addItem(tr("Dashscope (Alibaba Cloud)"), int(wan::PromptBackend::Dashscope));
    m_backend->addItem(tr("Local OpenAI-compatible server (vLLM, llama.cpp, Ollama)"),
                       int(wan::PromptBackend::OpenAiCompatible));

    m_url = new QComboBox(this);
    m_url->setEditable(true);
    m_url->setInsertPolicy(QComboBox::NoInsert);

    m_textModel = new QLineEdit(this);
    m_visionModel = new QLineEdit(this);

    m_apiKey = new QLineEdit(this);
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_apiKey->setAutoFillBackground(false);
    m_showKey = new QCheckBox(tr("Show"), this);
    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(m_apiKey, 1);
    keyRow->addWidget(m_showKey);

    m_keyWarning = new QLabel(this);
    m_keyWarning->setWordWrap(true);
    setSemanticStyle(m_keyWarning, SemanticColor::Warning);

    m_language = new QComboBox(this);
    m_language->addItem(QStringLiteral("中文"), int(wan::PromptLanguage::Chinese));
    m_language->addItem(QStringLiteral("English"), int(wan::PromptLanguage::English));

    m_timeoutSeconds = new QSpinBox(this);
    m_timeoutSeconds->setRange(5, 600);
    m_timeoutSeconds->setSuffix(tr(" s"));
    m_attempts = new QSpinBox(this);
    m_attempts->setRange(1, 10);

    m_test = new QPushButton(tr("Test connection"), this);
    m_testStatus = new QLabel(this);
    m_testStatus->setTextFormat(Qt::PlainText); // server error messages: never rendered as HTML
    m_testStatus->setWordWrap(true);
    m_testStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_testStatus, 1);

    auto* form = new QFormLayout;
    form->addRow(m_enabled);
    form->addRow(tr("Service:"), m_backend);
    form->addRow(tr("URL:"), m_url);
    form->addRow(tr("Text model:"), m_textModel);
    form->addRow(tr("Vision model (I2V):"), m_visionModel);
    form->addRow(tr("API key:"), keyRow);
    form->addRow(QString(), m_keyWarning);
    form->addRow(tr("Rewrite in:"), m_language);
    form->addRow(tr("Give up after:"), m_timeoutSeconds);
    form->addRow(tr("Attempts:"), m_attempts);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(testRow);
    if (!wan::promptExtensionAvailable()) {
        auto* missing = new QLabel(tr("This build has no network support (built without libcurl): prompt "
                                      "extension is unavailable."),
                                   this);
        missing->setWordWrap(true);
        layout->addWidget(missing);
        for (QWidget* w : {static_cast<QWidget*>(m_enabled), static_cast<QWidget*>(m_test)})
            w->setEnabled(false);
    }
    layout->addStretch(1);

    setSettings(wan::PromptExtendSettings{});
    setTargetLanguage(wan::PromptLanguage::Chinese);

    connect(m_backend, &QComboBox::currentIndexChanged, this, &PromptExtendSettingsPage::onBackendChanged);
    connect(m_showKey, &QCheckBox::toggled, this,
            [this](bool show) { m_apiKey->setEchoMode(show ? QLineEdit::Normal : QLineEdit::Password); });
    connect(m_test, &QPushButton::clicked, this, &PromptExtendSettingsPage::onTestClicked);
    connect(m_worker, &PromptExtendWorker::extended, this, &PromptExtendSettingsPage::onTestPassed);
    connect(m_worker, &PromptExtendWorker::failed, this, &PromptExtendSettingsPage::onTestFailed);
    connect(m_apiKey, &QLineEdit::textChanged, this, &PromptExtendSettingsPage::updateKeyWarning);
    for (QLineEdit* edit : {m_textModel, m_visionModel, m_apiKey})
        connect(edit, &QLineEdit::textChanged, this, &PromptExtendSettingsPage::settingsChanged);
    connect(m_url, &QComboBox::currentTextChanged, this, &PromptExtendSettingsPage::settingsChanged);
    connect(m_language, &QComboBox::currentIndexChanged, this, &PromptExtendSettingsPage::settingsChanged);
    connect(m_enabled, &QCheckBox::toggled, this, &PromptExtendSettingsPage::settingsChanged);
    connect(m_timeoutSeconds, &QSpinBox::valueChanged, this, &PromptExtendSettingsPage::settingsChanged);
    connect(m_attempts, &QSpinBox::valueChanged, this, &PromptExtendSettingsPage::settingsChanged);
}

PromptExtendSettingsPage::~PromptExtendSettingsPage() = default;

PromptExtendService& PromptExtendSettingsPage::service(wan::PromptBackend backend)
{
    return backend == wan::PromptBackend::Dashscope ? m_dashscope : m_openAi;
}

const PromptExtendService& PromptExtendSettingsPage::service(wan::PromptBackend backend) const
{
    return backend == wan::PromptBackend::Dashscope ? m_dashscope : m_openAi;
}

PromptExtendService PromptExtendSettingsPage::shownFields() const
{
    PromptExtendService fields;
    fields.url = m_url->currentText().trimmed();
    fields.textModel = m_textModel->text().trimmed();
    fields.visionModel = m_visionModel->text().trimmed();
    fields.apiKey = m_apiKey->text().trimmed();
    fields.keyInKeychain = m_keyInKeychain;
    return fields;
}

void PromptExtendSettingsPage::onBackendChanged()
{
    const auto backend = wan::PromptBackend(m_backend->currentData().toInt());
    // The fields on screen belong to the service shown so far: keep them with it, then show the new one's.
    if (backend != m_shown)
        service(m_shown) = shownFields();
    m_shown = backend;
    const PromptExtendService& fields = service(backend);
    m_url->blockSignals(true);
    m_url->clear();
    if (backend == wan::PromptBackend::Dashscope) {
        m_url->addItem(fromStd(wan::kDashscopeInternationalUrl));
        m_url->addItem(fromStd(wan::kDashscopeMainlandUrl));
        m_url->lineEdit()->setPlaceholderText(tr("empty: $DASH_API_URL or the international endpoint"));
        m_textModel->setPlaceholderText(fromStd(wan::kDashscopeTextModel));
        m_visionModel->setPlaceholderText(fromStd(wan::kDashscopeVisionModel));
        m_apiKey->setPlaceholderText(tr("empty: $DASH_API_KEY"));
    } else {
        m_url->addItem(fromStd(wan::kLocalDefaultUrl));
        m_url->addItem(QStringLiteral("http://127.0.0.1:11434")); // Ollama
        m_url->addItem(QStringLiteral("http://127.0.0.1:8080"));  // llama.cpp server
        m_url->lineEdit()->setPlaceholderText(fromStd(wan::kLocalDefaultUrl));
        m_textModel->setPlaceholderText(fromStd(wan::kLocalDefaultTextModel));
        m_visionModel->setPlaceholderText(fromStd(wan::kLocalDefaultVisionModel));
        m_apiKey->setPlaceholderText(tr("optional"));
    }
    m_url->setCurrentIndex(-1);
    m_url->setEditText(fields.url);
    m_url->blockSignals(false);
    m_textModel->setText(fields.textModel);
    m_visionModel->setText(fields.visionModel);
    m_keyInKeychain = fields.keyInKeychain;
    m_apiKey->setText(fields.apiKey);
    updateKeyWarning();
    Q_EMIT settingsChanged();
}

void PromptExtendSettingsPage::updateKeyWarning()
{
    QStringList lines;
    if (!m_apiKey->text().isEmpty() && !m_keyInKeychain) {
        if (!m_keychainError.isEmpty())
            lines << tr("The system keychain did not take the key (%1).").arg(m_keychainError);
        lines << tr(
            "The key is stored unencrypted in the application's settings file. Setting the DASH_API_KEY "
            "environment variable instead keeps it out of that file.");
    }
    const bool dashscope =
        wan::PromptBackend(m_backend->currentData().toInt()) == wan::PromptBackend::Dashscope;
    if (dashscope && m_apiKey->text().isEmpty()) {
        lines << (qEnvironmentVariableIsEmpty("DASH_API_KEY")
                      ? tr("No key: set DASH_API_KEY or enter one here.")
                      : tr("DASH_API_KEY is set in the environment and will be used."));
    }
    // DASH_API_URL replaces the Dashscope address when the URL field is empty: say where the key goes.
    const QString envUrl = qEnvironmentVariable("DASH_API_URL").trimmed();
    if (dashscope && m_url->currentText().trimmed().isEmpty() && !envUrl.isEmpty()) {
        const QUrl url(envUrl);
        const QString host = url.host().toLower();
        const bool loopback = host == QLatin1String("localhost") || host.startsWith(QLatin1String("127.")) ||
                              host == QLatin1String("::1");
        if (url.scheme().toLower() == QLatin1String("https") ||
            (url.scheme().toLower() == QLatin1String("http") && loopback))
            lines << tr("DASH_API_URL is set: requests and the key go to %1.").arg(envUrl);
        else
            lines
                << tr("DASH_API_URL (%1) is neither https nor this computer: the key is not sent there. Use "
                      "an https:// address or enter the URL here.")
                       .arg(envUrl);
    }
    m_keyWarning->setText(lines.join(QLatin1Char(' ')));
    m_keyWarning->setVisible(!lines.isEmpty());
}

wan::PromptExtendSettings PromptExtendSettingsPage::settingsFor(wan::PromptBackend backend) const
{
    const PromptExtendService fields = backend == m_shown ? shownFields() : service(backend);
    wan::PromptExtendSettings s;
    s.backend = backend;
    s.baseUrl = fields.url.toStdString();
    s.textModel = fields.textModel.toStdString();
    s.visionModel = fields.visionModel.toStdString();
    s.apiKey = fields.apiKey.toStdString();
    s.totalTimeoutMs = m_timeoutSeconds->value() * 1000;
    s.maxAttempts = m_attempts->value();
    return s;
}

wan::PromptExtendSettings PromptExtendSettingsPage::settings() const
{
    return settingsFor(wan::PromptBackend(m_backend->currentData().toInt()));
}

void PromptExtendSettingsPage::setSettings(const wan::PromptExtendSettings& s)
{
    const int index = m_backend->findData(int(s.backend));
    const auto backend = wan::PromptBackend(m_backend->itemData(index < 0 ? 0 : index).toInt());
    // Switch first (the fields on screen go to the service shown so far), then fill this service's.
    m_backend->setCurrentIndex(index < 0 ? 0 : index);
    if (backend != m_shown)
        onBackendChanged();
    PromptExtendService& fields = service(backend);
    const QString key = fromStd(s.apiKey);
    if (key != fields.apiKey)
        fields.keyInKeychain = false; // a new key is where save() puts it
    fields.url = fromStd(s.baseUrl);
    fields.textModel = fromStd(s.textModel);
    fields.visionModel = fromStd(s.visionModel);
    fields.apiKey = key;
    m_shown = backend;
    onBackendChanged(); // shows them
    m_timeoutSeconds->setValue(std::max(5, s.totalTimeoutMs / 1000));
    m_attempts->setValue(s.maxAttempts);
    updateKeyWarning();
}

wan::PromptLanguage PromptExtendSettingsPage::targetLanguage() const
{
    return wan::PromptLanguage(m_language->currentData().toInt());
}

void PromptExtendSettingsPage::setTargetLanguage(wan::PromptLanguage language)
{
    m_language->setCurrentIndex(std::max(0, m_language->findData(int(language))));
}

bool PromptExtendSettingsPage::isExtensionEnabled() const
{
    return m_enabled->isChecked();
}

void PromptExtendSettingsPage::setExtensionEnabled(bool enabled)
{
    m_enabled->setChecked(enabled);
}

void PromptExtendSettingsPage::onTestClicked()
{
    if (m_worker->isRunning()) {
        m_worker->cancel();
        return;
    }
    m_test->setText(tr("Cancel"));
    m_testStatus->setText(tr("Connecting…"));
    m_worker->startConnectionTest(settings());
}

void PromptExtendSettingsPage::onTestPassed(const wan::PromptExtension& extension)
{
    showTestResult(true, tr("Connected: %1 answered.").arg(fromStd(extension.model)));
}

void PromptExtendSettingsPage::onTestFailed(wan::ErrorKind kind, const QString& message)
{
    showTestResult(false, kind == wan::ErrorKind::Cancelled ? tr("Cancelled.") : message);
}

void PromptExtendSettingsPage::showTestResult(bool ok, const QString& message)
{
    m_test->setText(tr("Test connection"));
    m_testStatus->setText(message);
    Q_EMIT connectionTested(ok, message);
}

bool PromptExtendSettingsPage::isKeyInKeychain() const
{
    return m_keyInKeychain;
}

PromptExtendConfig PromptExtendSettingsPage::config() const
{
    PromptExtendConfig config;
    config.enabled = isExtensionEnabled();
    config.backend = wan::PromptBackend(m_backend->currentData().toInt());
    for (const auto backend : kBackends)
        config.service(backend) = backend == m_shown ? shownFields() : service(backend);
    config.timeoutSeconds = m_timeoutSeconds->value();
    config.attempts = m_attempts->value();
    config.language = targetLanguage();
    return config;
}

void PromptExtendSettingsPage::setConfig(const PromptExtendConfig& config)
{
    for (const auto backend : kBackends)
        service(backend) = config.service(backend);
    // Show the selected service's fields as they are (the ones on screen belong to nothing now).
    m_shown = config.backend;
    setSettings(config.settings());
    setTargetLanguage(config.language);
    setExtensionEnabled(config.enabled);
}

void PromptExtendSettingsPage::load(const PromptExtendSettingsStore& store)
{
    m_keychainError.clear();
    setConfig(store.config());
}

void PromptExtendSettingsPage::save(PromptExtendSettingsStore& store)
{
    service(m_shown) = shownFields();
    // save() does not wait for the keychain: where the keys went, and why not into the keychain, shows when
    // it has answered.
    connect(
        &store, &PromptExtendSettingsStore::saved, this,
        [this, &store](bool ok, const QString& error) {
            const PromptExtendConfig now = store.config();
            for (const auto backend : kBackends)
                service(backend).keyInKeychain = now.service(backend).keyInKeychain;
            m_keyInKeychain = service(m_shown).keyInKeychain;
            m_keychainError = ok ? QString() : error;
            updateKeyWarning();
        },
        Qt::SingleShotConnection);
    const PromptExtendConfig saved = store.save(config());
    // Only where the keys went changes: keep the fields (and the service shown) as they are.
    for (const auto backend : kBackends)
        service(backend).keyInKeychain = saved.service(backend).keyInKeychain;
    m_keyInKeychain = service(m_shown).keyInKeychain;
    updateKeyWarning();
}

} // namespace wan::ui
