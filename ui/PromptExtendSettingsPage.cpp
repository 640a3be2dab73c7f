#include "PromptExtendSettingsPage.h"

#include "PromptExtendWorker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

#ifdef WAN_HAVE_QTKEYCHAIN
#include <QEventLoop>
#include <QTimer>
#include <qt6keychain/keychain.h>
#endif

namespace wan::ui {

namespace {

constexpr auto kGroup = "promptExtension";
constexpr auto kApiKey = "apiKey";
// Set when the key lives in the system keychain, so a key-less setup never waits for a keychain.
constexpr auto kApiKeyInKeychain = "apiKeyInKeychain";
// Before keys were kept per service, one URL, model pair and key sat directly in kGroup, for the service
// selected then (the keychain entry below without a service suffix).
constexpr auto kLegacyKeychainEntry = "prompt-extension/api-key";
constexpr wan::PromptBackend kBackends[] = {wan::PromptBackend::Dashscope,
                                            wan::PromptBackend::OpenAiCompatible};

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

// The settings subgroup of a service, also its name in the settings file's "backend" value.
QString serviceName(wan::PromptBackend backend)
{
    return backend == wan::PromptBackend::Dashscope ? QStringLiteral("dashscope") : QStringLiteral("openai");
}

QString keychainEntry(wan::PromptBackend backend)
{
    return QLatin1String(kLegacyKeychainEntry) + QLatin1Char('/') + serviceName(backend);
}

#ifdef WAN_HAVE_QTKEYCHAIN

constexpr auto kKeychainService = "Wan Studio";
// Keychain jobs answer over D-Bus and may wait for an unlock prompt: never wait longer than this.
constexpr int kKeychainTimeoutMs = 2000;

struct KeychainAnswer
{
    QKeychain::Error error = QKeychain::OtherError;
    QString errorString;
    QString text; // read jobs
};

// Runs a keychain job (owned from here on) for `entry` to completion in a local event loop: settings load and
// save only. A job that does not answer in time counts as OtherError and deletes itself when it finishes.
KeychainAnswer runKeychainJob(QKeychain::Job* job, const QString& entry)
{
    job->setAutoDelete(false);
    job->setKey(entry);
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

// The last key read from or written to each keychain entry: the queue reads the settings for every job, and
// one keychain round trip per entry and process is enough.
struct KeychainCache
{
    bool valid = false;
    bool ok = false;
    QString key;
};

KeychainCache& keychainCache(const QString& entry)
{
    static QHash<QString, KeychainCache> cache;
    return cache[entry];
}

#endif

// Reads the key stored by save() in the current group: from the keychain `entry` when it went there (empty
// when that cannot be read), else the plain settings value.
QString readApiKey(QSettings& store, const QString& entry)
{
    const QString plain = store.value(QLatin1String(kApiKey)).toString();
    if (!plain.isEmpty() || !store.value(QLatin1String(kApiKeyInKeychain), false).toBool())
        return plain;
#ifdef WAN_HAVE_QTKEYCHAIN
    KeychainCache& cache = keychainCache(entry);
    if (!cache.valid) {
        const auto answer =
            runKeychainJob(new QKeychain::ReadPasswordJob(QLatin1String(kKeychainService)), entry);
        cache.valid = true;
        cache.ok = answer.error == QKeychain::NoError;
        cache.key = answer.text;
        if (!cache.ok)
            spdlog::warn("prompt extension: cannot read the API key from the system keychain: {}",
                         answer.errorString.toStdString());
    }
    return cache.key;
#else
    Q_UNUSED(entry);
    spdlog::warn("prompt extension: the API key was stored in a system keychain, which this build cannot "
                 "read (built without QtKeychain); enter it again");
    return {};
#endif
}

// Whether the key readApiKey() returned came from the keychain, without asking it again.
bool keyReadFromKeychain(QSettings& store, const QString& entry)
{
    if (!store.value(QLatin1String(kApiKey)).toString().isEmpty() ||
        !store.value(QLatin1String(kApiKeyInKeychain), false).toBool())
        return false;
#ifdef WAN_HAVE_QTKEYCHAIN
    return keychainCache(entry).valid && keychainCache(entry).ok;
#else
    Q_UNUSED(entry);
    return false;
#endif
}

// Stores `key` in the keychain `entry`; false (with the reason logged) when no keychain is available.
bool writeKeychainKey(const QString& key, const QString& entry)
{
#ifdef WAN_HAVE_QTKEYCHAIN
    auto* job = new QKeychain::WritePasswordJob(QLatin1String(kKeychainService));
    job->setTextData(key);
    const auto answer = runKeychainJob(job, entry);
    if (answer.error != QKeychain::NoError) {
        spdlog::warn("prompt extension: cannot store the API key in a system keychain ({}); it goes to the "
                     "settings file",
                     answer.errorString.toStdString());
        keychainCache(entry) = {};
        return false;
    }
    keychainCache(entry) = {true, true, key};
    return true;
#else
    Q_UNUSED(key);
    Q_UNUSED(entry);
    return false;
#endif
}

void deleteKeychainKey(const QString& entry)
{
#ifdef WAN_HAVE_QTKEYCHAIN
    const auto answer =
        runKeychainJob(new QKeychain::DeletePasswordJob(QLatin1String(kKeychainService)), entry);
    if (answer.error != QKeychain::NoError && answer.error != QKeychain::EntryNotFound)
        spdlog::warn("prompt extension: cannot remove the API key from the system keychain: {}",
                     answer.errorString.toStdString());
    keychainCache(entry) = {true, true, QString()};
#else
    Q_UNUSED(entry);
#endif
}

wan::PromptBackend savedBackend(QSettings& store)
{
    return store.value(QStringLiteral("backend")).toString() == QLatin1String("openai")
               ? wan::PromptBackend::OpenAiCompatible
               : wan::PromptBackend::Dashscope;
}

// One service's URL, models and key as saved (`store` in kGroup). Settings from before per-service storage
// belong to the service that was selected.
PromptExtendSettingsPage::Service readService(QSettings& store, wan::PromptBackend backend)
{
    PromptExtendSettingsPage::Service service;
    const QString name = serviceName(backend);
    const bool legacy = !store.childGroups().contains(name);
    if (legacy && backend != savedBackend(store))
        return service;
    if (!legacy)
        store.beginGroup(name);
    const QString entry = legacy ? QLatin1String(kLegacyKeychainEntry) : keychainEntry(backend);
    service.url = store.value(QStringLiteral("url")).toString();
    service.textModel = store.value(QStringLiteral("textModel")).toString();
    service.visionModel = store.value(QStringLiteral("visionModel")).toString();
    service.apiKey = readApiKey(store, entry);
    service.keyInKeychain = keyReadFromKeychain(store, entry);
    if (!legacy)
        store.endGroup();
    return service;
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

PromptExtendSettingsPage::Service& PromptExtendSettingsPage::service(wan::PromptBackend backend)
{
    return backend == wan::PromptBackend::Dashscope ? m_dashscope : m_openAi;
}

const PromptExtendSettingsPage::Service& PromptExtendSettingsPage::service(wan::PromptBackend backend) const
{
    return backend == wan::PromptBackend::Dashscope ? m_dashscope : m_openAi;
}

PromptExtendSettingsPage::Service PromptExtendSettingsPage::shownFields() const
{
    Service fields;
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
    const Service& fields = service(backend);
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
    const Service fields = backend == m_shown ? shownFields() : service(backend);
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
    Service& fields = service(backend);
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

void PromptExtendSettingsPage::load(QSettings& store)
{
    const auto s = loadSettings(store); // the selected service, timeouts
    store.beginGroup(QLatin1String(kGroup));
    for (const auto backend : kBackends)
        service(backend) = readService(store, backend);
    store.endGroup();
    // Show the loaded fields as they are (the ones on screen belong to nothing now).
    m_shown = s.backend;
    setSettings(s);
    setTargetLanguage(loadTargetLanguage(store));
    setExtensionEnabled(loadEnabled(store));
}

void PromptExtendSettingsPage::save(QSettings& store)
{
    service(m_shown) = shownFields();
    const auto selected = wan::PromptBackend(m_backend->currentData().toInt());
    store.beginGroup(QLatin1String(kGroup));
    store.setValue(QStringLiteral("enabled"), isExtensionEnabled());
    store.setValue(QStringLiteral("backend"), serviceName(selected));
    // Settings from before per-service storage: taken over by load(), removed here.
    const bool legacyInKeychain = store.value(QLatin1String(kApiKeyInKeychain), false).toBool();
    for (const char* legacy : {"url", "textModel", "visionModel", kApiKey, kApiKeyInKeychain})
        store.remove(QLatin1String(legacy));
    if (legacyInKeychain)
        deleteKeychainKey(QLatin1String(kLegacyKeychainEntry));

    for (const auto backend : kBackends) {
        Service& fields = service(backend);
        store.beginGroup(serviceName(backend));
        store.setValue(QStringLiteral("url"), fields.url);
        store.setValue(QStringLiteral("textModel"), fields.textModel);
        store.setValue(QStringLiteral("visionModel"), fields.visionModel);
        // The key never reaches the log; it goes to the keychain when one answers, else to this file.
        const QString entry = keychainEntry(backend);
        const bool wasInKeychain = store.value(QLatin1String(kApiKeyInKeychain), false).toBool();
        if (fields.apiKey.isEmpty()) {
            if (wasInKeychain)
                deleteKeychainKey(entry);
            fields.keyInKeychain = false;
        } else {
            fields.keyInKeychain = writeKeychainKey(fields.apiKey, entry);
        }
        if (fields.keyInKeychain) {
            store.remove(QLatin1String(kApiKey));
            store.setValue(QLatin1String(kApiKeyInKeychain), true);
        } else {
            store.remove(QLatin1String(kApiKeyInKeychain));
            if (fields.apiKey.isEmpty())
                store.remove(QLatin1String(kApiKey));
            else
                store.setValue(QLatin1String(kApiKey), fields.apiKey);
        }
        store.endGroup();
    }
    m_keyInKeychain = service(m_shown).keyInKeychain;
    updateKeyWarning();
    const auto s = settings();
    store.setValue(QStringLiteral("timeoutSeconds"), s.totalTimeoutMs / 1000);
    store.setValue(QStringLiteral("attempts"), s.maxAttempts);
    store.setValue(QStringLiteral("language"), targetLanguage() == wan::PromptLanguage::English
                                                   ? QStringLiteral("en")
                                                   : QStringLiteral("zh"));
    store.endGroup();
}

wan::PromptExtendSettings PromptExtendSettingsPage::loadSettings(QSettings& store)
{
    wan::PromptExtendSettings s;
    store.beginGroup(QLatin1String(kGroup));
    s.backend = savedBackend(store);
    const Service fields = readService(store, s.backend); // the selected service's own, nobody else's
    s.baseUrl = fields.url.toStdString();
    s.textModel = fields.textModel.toStdString();
    s.visionModel = fields.visionModel.toStdString();
    s.apiKey = fields.apiKey.toStdString();
    s.totalTimeoutMs = std::clamp(store.value(QStringLiteral("timeoutSeconds"), 90).toInt(), 5, 600) * 1000;
    s.maxAttempts = std::clamp(store.value(QStringLiteral("attempts"), 4).toInt(), 1, 10);
    store.endGroup();
    return s;
}

wan::PromptLanguage PromptExtendSettingsPage::loadTargetLanguage(QSettings& store)
{
    const QString language = store.value(QLatin1String(kGroup) + QStringLiteral("/language")).toString();
    return language == QLatin1String("en") ? wan::PromptLanguage::English : wan::PromptLanguage::Chinese;
}

bool PromptExtendSettingsPage::loadEnabled(QSettings& store)
{
    return store.value(QLatin1String(kGroup) + QStringLiteral("/enabled"), false).toBool();
}

} // namespace wan::ui
