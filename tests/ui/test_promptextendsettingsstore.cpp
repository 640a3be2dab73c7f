// The prompt-extension settings store: read once on a thread of its own with ready() after it, served from
// memory, written by save() for every reader at once. No system keychain here (as on CI): keys stay in the
// settings file, and a key said to be in the keychain reads as none, quickly.

#include "PromptExtendSettingsStore.h"

#include <QElapsedTimer>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;

namespace {

QString iniPath(const QTemporaryDir& dir)
{
    return dir.filePath(QStringLiteral("settings.ini"));
}

} // namespace

class TestPromptExtendSettingsStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // No Secret Service, whatever the machine has: the keychain must fail (fast).
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/wan-test-bus");
    }

    void loadsOnceAsynchronously()
    {
        QTemporaryDir dir;
        QSettings settings(iniPath(dir), QSettings::IniFormat);
        settings.setValue(QStringLiteral("promptExtension/enabled"), true);
        settings.setValue(QStringLiteral("promptExtension/backend"), QStringLiteral("openai"));
        settings.setValue(QStringLiteral("promptExtension/openai/url"), QStringLiteral("http://127.0.0.1:9"));
        settings.setValue(QStringLiteral("promptExtension/openai/apiKey"), QStringLiteral("key-1"));
        settings.setValue(QStringLiteral("promptExtension/dashscope/textModel"), QStringLiteral("qwen-x"));
        settings.setValue(QStringLiteral("promptExtension/timeoutSeconds"), 33);
        settings.setValue(QStringLiteral("promptExtension/attempts"), 3);
        settings.setValue(QStringLiteral("promptExtension/language"), QStringLiteral("en"));

        PromptExtendSettingsStore store(&settings);
        QSignalSpy ready(&store, &PromptExtendSettingsStore::ready);
        store.load();
        // Nothing read on this thread: defaults (extension off) until ready().
        QVERIFY(!store.isReady());
        QCOMPARE(ready.count(), 0);
        QVERIFY(!store.config().enabled);
        QVERIFY(ready.wait(5000));
        QVERIFY(store.isReady());

        const PromptExtendConfig config = store.config();
        QVERIFY(config.enabled);
        QCOMPARE(int(config.backend), int(wan::PromptBackend::OpenAiCompatible));
        QCOMPARE(config.openAi.url, QStringLiteral("http://127.0.0.1:9"));
        QCOMPARE(config.openAi.apiKey, QStringLiteral("key-1"));
        QVERIFY(!config.openAi.keyInKeychain);
        QCOMPARE(config.dashscope.textModel, QStringLiteral("qwen-x"));
        QCOMPARE(config.dashscope.apiKey, QString()); // never the other service's key
        QCOMPARE(config.timeoutSeconds, 33);
        QCOMPARE(config.attempts, 3);
        QCOMPARE(int(config.language), int(wan::PromptLanguage::English));
        const wan::PromptExtendSettings selected = config.settings();
        QCOMPARE(selected.apiKey, std::string("key-1"));
        QCOMPARE(selected.totalTimeoutMs, 33000);
        QCOMPARE(selected.maxAttempts, 3);

        // Read once: a later change to the file is not picked up by another load().
        settings.setValue(QStringLiteral("promptExtension/enabled"), false);
        store.load();
        QTest::qWait(50);
        QCOMPARE(ready.count(), 1);
        QVERIFY(store.config().enabled);
    }

    void saveUpdatesReadersAndTheFile()
    {
        QTemporaryDir dir;
        QSettings settings(iniPath(dir), QSettings::IniFormat);
        PromptExtendSettingsStore store(&settings);
        QSignalSpy ready(&store, &PromptExtendSettingsStore::ready);
        store.load();
        QVERIFY(ready.wait(5000));
        QVERIFY(!store.config().enabled);

        PromptExtendConfig config;
        config.enabled = true;
        config.backend = wan::PromptBackend::Dashscope;
        config.dashscope.apiKey = QStringLiteral("dash-key");
        config.openAi.url = QStringLiteral("http://127.0.0.1:8000");
        config.language = wan::PromptLanguage::English;
        QSignalSpy changed(&store, &PromptExtendSettingsStore::changed);
        QSignalSpy savedSpy(&store, &PromptExtendSettingsStore::saved);
        QElapsedTimer timer;
        timer.start();
        const PromptExtendConfig saved = store.save(config);
        QVERIFY2(timer.elapsed() < 50, qPrintable(QString::number(timer.elapsed()))); // no keychain wait
        QCOMPARE(changed.count(), 1);
        QVERIFY(!saved.dashscope.keyInKeychain); // not yet known
        // Readers see it at once...
        QVERIFY(store.config().enabled);
        QCOMPARE(store.config().settings().apiKey, std::string("dash-key"));
        // ... the keychain's answer (none here) follows: the key went to the file ...
        QVERIFY(savedSpy.count() == 1 || savedSpy.wait(5000));
        QCOMPARE(savedSpy.count(), 1);
        QCOMPARE(savedSpy.at(0).at(0).toBool(), false);
        QVERIFY(!savedSpy.at(0).at(1).toString().isEmpty());
        QVERIFY(!store.config().dashscope.keyInKeychain);
        QCOMPARE(store.config().dashscope.apiKey, QStringLiteral("dash-key"));
        // ... and the next start reads it.
        settings.sync();
        QCOMPARE(settings.value(QStringLiteral("promptExtension/dashscope/apiKey")).toString(),
                 QStringLiteral("dash-key"));
        PromptExtendSettingsStore next(&settings);
        QSignalSpy nextReady(&next, &PromptExtendSettingsStore::ready);
        next.load();
        QVERIFY(nextReady.wait(5000));
        QVERIFY(next.config().enabled);
        QCOMPARE(next.config().dashscope.apiKey, QStringLiteral("dash-key"));
        QCOMPARE(next.config().openAi.url, QStringLiteral("http://127.0.0.1:8000"));
        QCOMPARE(int(next.config().language), int(wan::PromptLanguage::English));
    }

    // A save while the start-up read is still under way wins: what the user saved is newer.
    void saveBeforeReadyWins()
    {
        QTemporaryDir dir;
        QSettings settings(iniPath(dir), QSettings::IniFormat);
        settings.setValue(QStringLiteral("promptExtension/enabled"), false);
        PromptExtendSettingsStore store(&settings);
        QSignalSpy ready(&store, &PromptExtendSettingsStore::ready);
        store.load();
        PromptExtendConfig config;
        config.enabled = true;
        store.save(config);
        QCOMPARE(ready.count(), 1);
        QTest::qWait(200); // the load thread's answer arrives and must be dropped
        QCOMPARE(ready.count(), 1);
        QVERIFY(store.config().enabled);
    }

    // save() never waits for the keychain (no local event loop): it returns at once however long the keychain
    // takes, readers have the new keys at once, and saved() comes later from this thread's event loop.
    void saveDoesNotWaitForTheKeychain()
    {
        QTemporaryDir dir;
        QSettings settings(iniPath(dir), QSettings::IniFormat);
        settings.setValue(QStringLiteral("promptExtension/openai/apiKey"), QStringLiteral("old-key"));
        PromptExtendSettingsStore store(&settings);
        QSignalSpy ready(&store, &PromptExtendSettingsStore::ready);
        store.load();
        QVERIFY(ready.wait(5000));
        QCOMPARE(store.config().openAi.apiKey, QStringLiteral("old-key"));

        PromptExtendConfig config = store.config();
        config.backend = wan::PromptBackend::OpenAiCompatible;
        config.openAi.apiKey = QStringLiteral("new-openai-key");
        config.dashscope.apiKey = QStringLiteral("new-dash-key");
        QSignalSpy saved(&store, &PromptExtendSettingsStore::saved);
        QElapsedTimer timer;
        timer.start();
        store.save(config);
        const qint64 elapsed = timer.elapsed();
        qInfo("save() returned after %lld ms", static_cast<long long>(elapsed));
        QVERIFY2(elapsed < 50, qPrintable(QString::number(elapsed)));
        QCOMPARE(store.config().settings().apiKey, std::string("new-openai-key"));
        QCOMPARE(store.config().dashscope.apiKey, QStringLiteral("new-dash-key"));

        // One saved() for both keys, after the keychain answered (or the wait of about 2 s ran out).
        QVERIFY(saved.count() == 1 || saved.wait(5000));
        QTest::qWait(50);
        QCOMPARE(saved.count(), 1);
        QCOMPARE(saved.at(0).at(0).toBool(), false); // no keychain here
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        settings.sync();
        QCOMPARE(settings.value(QStringLiteral("promptExtension/openai/apiKey")).toString(),
                 QStringLiteral("new-openai-key"));
        QCOMPARE(settings.value(QStringLiteral("promptExtension/dashscope/apiKey")).toString(),
                 QStringLiteral("new-dash-key"));
        QVERIFY(!settings.value(QStringLiteral("promptExtension/openai/apiKeyInKeychain")).toBool());

        // A second save while the first one's keychain answer is due: only the latest one speaks.
        config.openAi.apiKey = QStringLiteral("first");
        store.save(config);
        config.openAi.apiKey = QStringLiteral("second");
        store.save(config);
        QCOMPARE(store.config().openAi.apiKey, QStringLiteral("second"));
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 2, 5000);
        QTest::qWait(100);
        QCOMPARE(saved.count(), 2);
        settings.sync();
        QCOMPARE(settings.value(QStringLiteral("promptExtension/openai/apiKey")).toString(),
                 QStringLiteral("second"));
    }

    void unreadableKeychainGivesNoKeyQuickly()
    {
        QTemporaryDir dir;
        QSettings settings(iniPath(dir), QSettings::IniFormat);
        settings.setValue(QStringLiteral("promptExtension/backend"), QStringLiteral("openai"));
        settings.setValue(QStringLiteral("promptExtension/openai/url"), QStringLiteral("http://127.0.0.1:9"));
        settings.setValue(QStringLiteral("promptExtension/openai/apiKeyInKeychain"), true);
        PromptExtendSettingsStore store(&settings);
        QSignalSpy ready(&store, &PromptExtendSettingsStore::ready);
        QElapsedTimer timer;
        timer.start();
        store.load();
        QVERIFY(timer.elapsed() < 100); // the keychain is asked on the load thread, not here
        QVERIFY(ready.wait(5000));
        QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(store.config().openAi.apiKey, QString());
        QVERIFY(!store.config().openAi.keyInKeychain);
        QCOMPARE(store.config().openAi.url, QStringLiteral("http://127.0.0.1:9"));
    }
};

QTEST_GUILESS_MAIN(TestPromptExtendSettingsStore)
#include "test_promptextendsettingsstore.moc"
