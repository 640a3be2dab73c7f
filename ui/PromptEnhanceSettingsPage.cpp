#include "PromptEnhanceSettingsPage.h"

#include "PromptEnhanceWorker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

#ifdef WAN_HAVE_QTKEYCHAIN
#include <QEventLoop>
#include <QTimer>
#include <qt6keychain/keychain.h>
#endif

namespace {

constexpr auto kGroup = "promptExtension";
constexpr auto kApiKey = "apiKey";
// Set when the key lives in the system keychain, so a key-less setup never waits for a keychain.
constexpr auto kApiKeyInKeychain = "apiKeyInKeychain";

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

#ifdef WAN_HAVE_QTKEYCHAIN

constexpr auto kKeychainService = "Wan Studio";
constexpr auto kKeychainKey = "prompt-extension/api-key";
// Keychain jobs answer over D-Bus and may wait for an unlock prompt: never wait longer than this.
constexpr int kKeychainTimeoutMs = 2000;

struct KeychainAnswer
{
    QKeychain::Error error = QKeychain::OtherError;
    QString errorString;
    QString text; // read jobs
};

// Runs a keychain job (owned from here on) to completion in a local event loop: settings load and save
// only. A job that does not answer in time counts as OtherError and deletes itself when it finishes.
KeychainAnswer runKeychainJob(QKeychain::Job* job)
{
    job->setAutoDelete(false);
    job->setKey(QLatin1String(kKeychainKey));
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    bool done = false;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&] {
        done = true;
        loop.quit();
    });
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(kKeychainTimeoutMs);
    job->start();
    loop.exec(QEventLoop::ExcludeUserInputEvents);

    KeychainAnswer answer;
    if (!done) {
        QObject::disconnect(job, nullptr, &loop, nullptr);
        job->setAutoDelete(true);
        answer.errorString = QStringLiteral("no answer within %1 s").arg(kKeychainTimeoutMs / 1000);
        return answer;
    }
    answer.error = job->error();
    answer.errorString = job->errorString();
    if (answer.errorString.isEmpty() || answer.errorString == QLatin1String("Unknown error"))
        answer.errorString = answer.error == QKeychain::NoBackendAvailable
                                 ? QStringLiteral("no keychain service is running")
                                 : QStringLiteral("no Secret Service or KWallet answered (keychain error %1)")
                                       .arg(int(answer.error));
    if (auto* read = qobject_cast<QKeychain::ReadPasswordJob*>(job);
        read && answer.error == QKeychain::NoError)
        answer.text = read->textData();
    job->deleteLater();
    return answer;
}

// The last key read from or written to the keychain: the queue reads the settings for every job, and one
// keychain round trip per process is enough.
struct KeychainCache
{
    bool valid = false;
    bool ok = false;
    QString key;
};

KeychainCache& keychainCache()
{
    static KeychainCache cache;
    return cache;
}

#endif

// Reads the key stored by save(): from the keychain when it went there (empty when that cannot be read),
// else the plain settings value.
QString readApiKey(QSettings& store)
{
    const QString plain = store.value(QLatin1String(kApiKey)).toString();
    if (!plain.isEmpty() || !store.value(QLatin1String(kApiKeyInKeychain), false).toBool())
        return plain;
#ifdef WAN_HAVE_QTKEYCHAIN
    KeychainCache& cache = keychainCache();
    if (!cache.valid) {
        const auto answer = runKeychainJob(new QKeychain::ReadPasswordJob(QLatin1String(kKeychainService)));
        cache.valid = true;
        cache.ok = answer.error == QKeychain::NoError;
        cache.key = answer.text;
        if (!cache.ok)
            spdlog::warn("prompt extension: cannot read the API key from the system keychain: {}",
                         answer.errorString.toStdString());
    }
    return cache.key;
#else
    spdlog::warn("prompt extension: the API key was stored in a system keychain, which this build cannot "
                 "read (built without QtKeychain); enter it again");
    return {};
#endif
}

// Whether the key readApiKey() returned came from the keychain, without asking it again.
bool keyReadFromKeychain(QSettings& store)
{
    if (!store.value(QLatin1String(kApiKey)).toString().isEmpty() ||
        !store.value(QLatin1String(kApiKeyInKeychain), false).toBool())
        return false;
#ifdef WAN_HAVE_QTKEYCHAIN
    return keychainCache().valid && keychainCache().ok;
#else
    return false;
#endif
}

// Stores `key` in the keychain; false (with the reason logged) when no keychain is available.
bool writeKeychainKey(const QString& key)
{
#ifdef WAN_HAVE_QTKEYCHAIN
    auto* job = new QKeychain::WritePasswordJob(QLatin1String(kKeychainService));
    job->setTextData(key);
    const auto answer = runKeychainJob(job);
    if (answer.error != QKeychain::NoError) {
        spdlog::warn("prompt extension: cannot store the API key in a system keychain ({}); it goes to the "
                     "settings file",
                     answer.errorString.toStdString());
        keychainCache() = {};
        return false;
    }
    keychainCache() = {true, true, key};
    return true;
#else
    Q_UNUSED(key);
    return false;
#endif
}

void deleteKeychainKey()
{
#ifdef WAN_HAVE_QTKEYCHAIN
    const auto answer = runKeychainJob(new QKeychain::DeletePasswordJob(QLatin1String(kKeychainService)));
    if (answer.error != QKeychain::NoError && answer.error != QKeychain::EntryNotFound)
        spdlog::warn("prompt extension: cannot remove the API key from the system keychain: {}",
                     answer.errorString.toStdString());
    keychainCache() = {true, true, QString()};
#endif
}

} // namespace

PromptEnhanceSettingsPage::PromptEnhanceSettingsPage(QWidget* parent)
    : QWidget(parent), m_worker(new PromptEnhanceWorker(this))
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
    m_keyWarning->setStyleSheet(QStringLiteral("color: #b35900;"));

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

    connect(m_backend, &QComboBox::currentIndexChanged, this, &PromptEnhanceSettingsPage::onBackendChanged);
    connect(m_showKey, &QCheckBox::toggled, this,
            [this](bool show) { m_apiKey->setEchoMode(show ? QLineEdit::Normal : QLineEdit::Password); });
    connect(m_test, &QPushButton::clicked, this, &PromptEnhanceSettingsPage::onTestClicked);
    connect(m_worker, &PromptEnhanceWorker::finished, this, &PromptEnhanceSettingsPage::onTestFinished);
    connect(m_apiKey, &QLineEdit::textChanged, this, &PromptEnhanceSettingsPage::updateKeyWarning);
    for (QLineEdit* edit : {m_textModel, m_visionModel, m_apiKey})
        connect(edit, &QLineEdit::textChanged, this, &PromptEnhanceSettingsPage::settingsChanged);
    connect(m_url, &QComboBox::currentTextChanged, this, &PromptEnhanceSettingsPage::settingsChanged);
    connect(m_language, &QComboBox::currentIndexChanged, this, &PromptEnhanceSettingsPage::settingsChanged);
    connect(m_enabled, &QCheckBox::toggled, this, &PromptEnhanceSettingsPage::settingsChanged);
    connect(m_timeoutSeconds, &QSpinBox::valueChanged, this, &PromptEnhanceSettingsPage::settingsChanged);
    connect(m_attempts, &QSpinBox::valueChanged, this, &PromptEnhanceSettingsPage::settingsChanged);
}

PromptEnhanceSettingsPage::~PromptEnhanceSettingsPage() = default;

void PromptEnhanceSettingsPage::onBackendChanged()
{
    const auto backend = wan::PromptBackend(m_backend->currentData().toInt());
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
    // URLs and model names of one service mean nothing to the other: empty means its defaults.
    m_url->setCurrentIndex(-1);
    m_url->setEditText(QString());
    m_url->blockSignals(false);
    m_textModel->clear();
    m_visionModel->clear();
    updateKeyWarning();
    Q_EMIT settingsChanged();
}

void PromptEnhanceSettingsPage::updateKeyWarning()
{
    QStringList lines;
    if (!m_apiKey->text().isEmpty() && !m_keyInKeychain)
        lines << tr(
            "The key is stored unencrypted in the application's settings file. Setting the DASH_API_KEY "
            "environment variable instead keeps it out of that file.");
    const bool dashscope =
        wan::PromptBackend(m_backend->currentData().toInt()) == wan::PromptBackend::Dashscope;
    if (dashscope && m_apiKey->text().isEmpty()) {
        lines << (qEnvironmentVariableIsEmpty("DASH_API_KEY")
                      ? tr("No key: set DASH_API_KEY or enter one here.")
                      : tr("DASH_API_KEY is set in the environment and will be used."));
    }
    m_keyWarning->setText(lines.join(QLatin1Char(' ')));
    m_keyWarning->setVisible(!lines.isEmpty());
}

wan::PromptExtendSettings PromptEnhanceSettingsPage::settings() const
{
    wan::PromptExtendSettings s;
    s.backend = wan::PromptBackend(m_backend->currentData().toInt());
    s.baseUrl = m_url->currentText().trimmed().toStdString();
    s.textModel = m_textModel->text().trimmed().toStdString();
    s.visionModel = m_visionModel->text().trimmed().toStdString();
    s.apiKey = m_apiKey->text().trimmed().toStdString();
    s.totalTimeoutMs = m_timeoutSeconds->value() * 1000;
    s.maxAttempts = m_attempts->value();
    return s;
}

void PromptEnhanceSettingsPage::setSettings(const wan::PromptExtendSettings& s)
{
    const int index = m_backend->findData(int(s.backend));
    m_backend->setCurrentIndex(index < 0 ? 0 : index);
    onBackendChanged();
    m_url->setEditText(fromStd(s.baseUrl));
    m_textModel->setText(fromStd(s.textModel));
    m_visionModel->setText(fromStd(s.visionModel));
    m_apiKey->setText(fromStd(s.apiKey));
    m_timeoutSeconds->setValue(std::max(5, s.totalTimeoutMs / 1000));
    m_attempts->setValue(s.maxAttempts);
    updateKeyWarning();
}

wan::PromptLanguage PromptEnhanceSettingsPage::targetLanguage() const
{
    return wan::PromptLanguage(m_language->currentData().toInt());
}

void PromptEnhanceSettingsPage::setTargetLanguage(wan::PromptLanguage language)
{
    m_language->setCurrentIndex(std::max(0, m_language->findData(int(language))));
}

bool PromptEnhanceSettingsPage::isExtensionEnabled() const
{
    return m_enabled->isChecked();
}

void PromptEnhanceSettingsPage::setExtensionEnabled(bool enabled)
{
    m_enabled->setChecked(enabled);
}

void PromptEnhanceSettingsPage::onTestClicked()
{
    if (m_worker->isRunning()) {
        m_worker->cancel();
        return;
    }
    m_test->setText(tr("Cancel"));
    m_testStatus->setText(tr("Connecting…"));
    m_worker->startConnectionTest(settings());
}

void PromptEnhanceSettingsPage::onTestFinished(const wan::PromptExtendResult& result)
{
    m_test->setText(tr("Test connection"));
    QString message;
    if (result.ok)
        message = tr("Connected: %1 answered.").arg(fromStd(result.model));
    else if (result.cancelled)
        message = tr("Cancelled.");
    else
        message = fromStd(result.message);
    m_testStatus->setText(message);
    Q_EMIT connectionTested(result.ok, message);
}

bool PromptEnhanceSettingsPage::isKeyInKeychain() const
{
    return m_keyInKeychain;
}

void PromptEnhanceSettingsPage::load(QSettings& store)
{
    const auto s = loadSettings(store);
    store.beginGroup(QLatin1String(kGroup));
    m_keyInKeychain = keyReadFromKeychain(store);
    store.endGroup();
    setSettings(s);
    setTargetLanguage(loadTargetLanguage(store));
    setExtensionEnabled(loadEnabled(store));
}

void PromptEnhanceSettingsPage::save(QSettings& store)
{
    const auto s = settings();
    store.beginGroup(QLatin1String(kGroup));
    store.setValue(QStringLiteral("enabled"), isExtensionEnabled());
    store.setValue(QStringLiteral("backend"), s.backend == wan::PromptBackend::Dashscope
                                                  ? QStringLiteral("dashscope")
                                                  : QStringLiteral("openai"));
    store.setValue(QStringLiteral("url"), fromStd(s.baseUrl));
    store.setValue(QStringLiteral("textModel"), fromStd(s.textModel));
    store.setValue(QStringLiteral("visionModel"), fromStd(s.visionModel));
    // The key never reaches the log; it goes to the keychain when one answers, else to this file.
    const QString key = fromStd(s.apiKey);
    const bool wasInKeychain = store.value(QLatin1String(kApiKeyInKeychain), false).toBool();
    if (key.isEmpty()) {
        if (wasInKeychain)
            deleteKeychainKey();
        m_keyInKeychain = false;
    } else {
        m_keyInKeychain = writeKeychainKey(key);
    }
    if (m_keyInKeychain) {
        store.remove(QLatin1String(kApiKey));
        store.setValue(QLatin1String(kApiKeyInKeychain), true);
    } else {
        store.remove(QLatin1String(kApiKeyInKeychain));
        if (key.isEmpty())
            store.remove(QLatin1String(kApiKey));
        else
            store.setValue(QLatin1String(kApiKey), key);
    }
    updateKeyWarning();
    store.setValue(QStringLiteral("timeoutSeconds"), s.totalTimeoutMs / 1000);
    store.setValue(QStringLiteral("attempts"), s.maxAttempts);
    store.setValue(QStringLiteral("language"), targetLanguage() == wan::PromptLanguage::English
                                                   ? QStringLiteral("en")
                                                   : QStringLiteral("zh"));
    store.endGroup();
}

wan::PromptExtendSettings PromptEnhanceSettingsPage::loadSettings(QSettings& store)
{
    wan::PromptExtendSettings s;
    store.beginGroup(QLatin1String(kGroup));
    s.backend = store.value(QStringLiteral("backend")).toString() == QLatin1String("openai")
                    ? wan::PromptBackend::OpenAiCompatible
                    : wan::PromptBackend::Dashscope;
    s.baseUrl = store.value(QStringLiteral("url")).toString().toStdString();
    s.textModel = store.value(QStringLiteral("textModel")).toString().toStdString();
    s.visionModel = store.value(QStringLiteral("visionModel")).toString().toStdString();
    s.apiKey = readApiKey(store).toStdString();
    s.totalTimeoutMs = std::clamp(store.value(QStringLiteral("timeoutSeconds"), 90).toInt(), 5, 600) * 1000;
    s.maxAttempts = std::clamp(store.value(QStringLiteral("attempts"), 4).toInt(), 1, 10);
    store.endGroup();
    return s;
}

wan::PromptLanguage PromptEnhanceSettingsPage::loadTargetLanguage(QSettings& store)
{
    const QString language = store.value(QLatin1String(kGroup) + QStringLiteral("/language")).toString();
    return language == QLatin1String("en") ? wan::PromptLanguage::English : wan::PromptLanguage::Chinese;
}

bool PromptEnhanceSettingsPage::loadEnabled(QSettings& store)
{
    return store.value(QLatin1String(kGroup) + QStringLiteral("/enabled"), false).toBool();
}
