#include "SecretStore.h"

#include "Keychain.h"

#include <QSettings>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <memory>

namespace wan::ui {

namespace {

QString inKeychainKey(const QString& key)
{
    return key + QStringLiteral("InKeychain");
}

} // namespace

SecretStore::SecretStore(QSettings* settings, QString settingsKey, QString keychainEntry, QString what,
                         QObject* parent)
    : QObject(parent), m_settings(settings), m_key(std::move(settingsKey)), m_entry(std::move(keychainEntry)),
      m_what(std::move(what))
{
}

SecretStore::~SecretStore() = default;

void SecretStore::load()
{
    const auto finish = [this](const QString& value, bool inKeychain) {
        m_value = value;
        m_inKeychain = inKeychain;
        m_loaded = true;
        Q_EMIT loaded();
    };
    const QString plain = m_settings ? m_settings->value(m_key).toString() : QString();
    const bool markedInKeychain = m_settings && m_settings->value(inKeychainKey(m_key), false).toBool();
    if (!plain.isEmpty() || !markedInKeychain) {
        finish(plain, false);
        return;
    }
#ifdef WAN_HAVE_QTKEYCHAIN
    auto* job = new QKeychain::ReadPasswordJob(QLatin1String(keychain::kService));
    job->setKey(m_entry);
    auto done = std::make_shared<bool>(false);
    const quint64 generation = m_generation;
    connect(job, &QKeychain::Job::finished, this, [this, done, finish, generation](QKeychain::Job* answered) {
        if (*done || generation != m_generation)
            return; // timed out, or a save() since made the value newer
        *done = true;
        if (answered->error() == QKeychain::NoError) {
            finish(static_cast<QKeychain::ReadPasswordJob*>(answered)->textData(), true);
        } else {
            spdlog::warn("cannot read the {} from the system keychain: {}", m_what.toStdString(),
                         keychain::errorText(*answered).toStdString());
            finish({}, false);
        }
    });
    QTimer::singleShot(keychain::kTimeoutMs, this, [this, done, finish, generation] {
        if (*done || generation != m_generation)
            return;
        *done = true;
        spdlog::warn("the system keychain did not answer within {} s; no {} read from it",
                     keychain::kTimeoutMs / 1000, m_what.toStdString());
        finish({}, false);
    });
    job->start();
#else
    spdlog::warn("the {} was stored in a system keychain, which this build cannot read; enter it again",
                 m_what.toStdString());
    finish({}, false);
#endif
}

void SecretStore::writePlain(const QString& secret)
{
    if (!m_settings)
        return;
    if (secret.isEmpty())
        m_settings->remove(m_key);
    else
        m_settings->setValue(m_key, secret);
    m_settings->remove(inKeychainKey(m_key));
}

void SecretStore::save(const QString& secret)
{
    const quint64 generation = ++m_generation;
    m_value = secret;
    m_loaded = true;
    m_inKeychain = false;
#ifdef WAN_HAVE_QTKEYCHAIN
    QKeychain::Job* job = nullptr;
    if (secret.isEmpty()) {
        writePlain({});
        job = new QKeychain::DeletePasswordJob(QLatin1String(keychain::kService));
    } else {
        auto* write = new QKeychain::WritePasswordJob(QLatin1String(keychain::kService));
        write->setTextData(secret);
        job = write;
    }
    job->setKey(m_entry);
    auto done = std::make_shared<bool>(false);
    const auto answer = [this, done, generation, secret](bool took) {
        if (*done)
            return;
        *done = true;
        if (generation != m_generation)
            return; // a newer save speaks
        if (secret.isEmpty()) {
            Q_EMIT saved(false);
            return;
        }
        if (took) {
            if (m_settings) {
                m_settings->remove(m_key);
                m_settings->setValue(inKeychainKey(m_key), true);
            }
        } else {
            writePlain(secret);
        }
        m_inKeychain = took;
        Q_EMIT saved(took);
    };
    connect(job, &QKeychain::Job::finished, this, [this, answer](QKeychain::Job* answered) {
        const bool ok =
            answered->error() == QKeychain::NoError || answered->error() == QKeychain::EntryNotFound;
        if (!ok)
            spdlog::warn("the system keychain did not take the {}: {}; it is kept in the settings file",
                         m_what.toStdString(), keychain::errorText(*answered).toStdString());
        answer(ok);
    });
    QTimer::singleShot(keychain::kTimeoutMs, this, [answer] { answer(false); });
    job->start();
#else
    writePlain(secret);
    Q_EMIT saved(false);
#endif
}

} // namespace wan::ui
