// The prompt-extension dialog and settings page against a loopback server: results arrive on the UI thread,
// accept/discard semantics, failures shown, settings round trip, and closing while a request hangs. The API
// key's storage is tested without a system keychain (as on CI): it falls back to the settings file with a
// visible warning, in builds with and without QtKeychain.

#include "PromptEnhanceDialog.h"
#include "PromptEnhanceSettingsPage.h"
#include "support/LoopbackHttpServer.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>

using wan::test::LoopbackHttpServer;

namespace {

std::string openAiReply(const std::string& text)
{
    return R"({"choices":[{"index":0,"message":{"role":"assistant","content":")" + text + R"("}}]})";
}

// The label that warns about a key stored in plain text, or null when none says so.
QLabel* plainTextWarning(const QWidget& page)
{
    for (QLabel* label : page.findChildren<QLabel*>())
        if (label->text().contains(QStringLiteral("unencrypted")))
            return label;
    return nullptr;
}

LoopbackHttpServer::Reply reply(std::string body, int status = 200)
{
    LoopbackHttpServer::Reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

} // namespace

class TestPromptEnhance : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<LoopbackHttpServer> m_server;

    wan::PromptExtendSettings settings() const
    {
        wan::PromptExtendSettings s;
        s.backend = wan::PromptBackend::OpenAiCompatible;
        s.baseUrl = m_server->baseUrl();
        s.textModel = "test-model";
        s.totalTimeoutMs = 5000;
        s.maxAttempts = 1;
        return s;
    }

    static wan::PromptExtendRequest request()
    {
        wan::PromptExtendRequest r;
        r.prompt = "a cat surfing";
        r.language = wan::PromptLanguage::English;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // No Secret Service, whatever the machine has: the keychain must fail (fast) and the fallback apply.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/wan-test-bus");
    }

    void init()
    {
        if (!wan::promptExtensionAvailable())
            QSKIP("built without libcurl");
        m_server = std::make_unique<LoopbackHttpServer>();
        QVERIFY2(m_server->start(), m_server->errorString().c_str());
    }

    void cleanup()
    {
        if (m_server)
            m_server->stop();
    }

    void dialogShowsRewriteAndAcceptsEdit()
    {
        m_server->enqueue(reply(openAiReply("A ginger cat surfs a wave.")));
        PromptEnhanceDialog dialog(settings(), request());
        QSignalSpy finished(&dialog, &PromptEnhanceDialog::requestFinished);
        QSignalSpy accepted(&dialog, &PromptEnhanceDialog::promptAccepted);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        auto* rewrite = dialog.findChildren<QPlainTextEdit*>().at(1);
        QCOMPARE(rewrite->toPlainText(), QStringLiteral("A ginger cat surfs a wave."));
        rewrite->setPlainText(QStringLiteral("A ginger cat surfs a big wave."));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(accepted.size(), 1);
        QCOMPARE(accepted.at(0).at(0).toString(), QStringLiteral("A ginger cat surfs a big wave."));
        QCOMPARE(m_server->requests().at(0).path, std::string("/v1/chat/completions"));
    }

    void dialogShowsFailureAndKeepsOriginal()
    {
        m_server->enqueue(reply(R"({"error":{"message":"invalid key"}})", 401));
        PromptEnhanceDialog dialog(settings(), request());
        QSignalSpy finished(&dialog, &PromptEnhanceDialog::requestFinished);
        QSignalSpy accepted(&dialog, &PromptEnhanceDialog::promptAccepted);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(finished.at(0).at(1).toString().contains(QStringLiteral("API key")));
        dialog.accept(); // nothing to use: stays open
        QCOMPARE(accepted.size(), 0);
        dialog.reject();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }

    void closingDuringAHangReturnsQuickly()
    {
        LoopbackHttpServer::Reply hang;
        hang.hang = true;
        m_server->enqueue(hang);
        const auto start = std::chrono::steady_clock::now();
        {
            PromptEnhanceDialog dialog(settings(), request());
            QTest::qWait(100);
            dialog.reject();
        }
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
                .count();
        QVERIFY2(ms < 100 + 300, std::to_string(ms).c_str());
    }

    void settingsRoundTripAndTestConnection()
    {
        QTemporaryDir dir;
        QSettings store(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        PromptEnhanceSettingsPage page;
        auto s = settings();
        s.apiKey = "local-key-1";
        s.totalTimeoutMs = 30000;
        s.maxAttempts = 2;
        page.setSettings(s);
        page.setTargetLanguage(wan::PromptLanguage::English);
        page.setExtensionEnabled(true);
        page.save(store);

        const auto loaded = PromptEnhanceSettingsPage::loadSettings(store);
        QCOMPARE(int(loaded.backend), int(wan::PromptBackend::OpenAiCompatible));
        QCOMPARE(loaded.baseUrl, s.baseUrl);
        QCOMPARE(loaded.textModel, std::string("test-model"));
        QCOMPARE(loaded.apiKey, std::string("local-key-1"));
        QCOMPARE(loaded.totalTimeoutMs, 30000);
        QCOMPARE(loaded.maxAttempts, 2);
        QCOMPARE(int(PromptEnhanceSettingsPage::loadTargetLanguage(store)),
                 int(wan::PromptLanguage::English));
        QVERIFY(PromptEnhanceSettingsPage::loadEnabled(store));

        m_server->enqueue(reply(openAiReply("A red kite.")));
        QSignalSpy tested(&page, &PromptEnhanceSettingsPage::connectionTested);
        auto* button = page.findChild<QPushButton*>();
        QVERIFY(button);
        button->click();
        QVERIFY(tested.wait(5000));
        QCOMPARE(tested.at(0).at(0).toBool(), true);
        QCOMPARE(m_server->requests().at(0).headers.at("authorization"), std::string("Bearer local-key-1"));
    }

    void apiKeyFallsBackToSettingsWithoutKeychain()
    {
        QTemporaryDir dir;
        QSettings store(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        PromptEnhanceSettingsPage page;
        auto s = settings();
        s.apiKey = "fallback-key-2";
        page.setSettings(s);
        QVERIFY(plainTextWarning(page));
        QVERIFY(plainTextWarning(page)->isVisibleTo(&page));

        QElapsedTimer timer;
        timer.start();
        page.save(store);
        QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed()))); // bounded wait
        QVERIFY(!page.isKeyInKeychain());
        store.sync();
        QCOMPARE(store.value(QStringLiteral("promptExtension/apiKey")).toString(),
                 QStringLiteral("fallback-key-2"));
        QVERIFY(!store.contains(QStringLiteral("promptExtension/apiKeyInKeychain")));
        QVERIFY(plainTextWarning(page) && plainTextWarning(page)->isVisibleTo(&page));

        PromptEnhanceSettingsPage reloaded;
        reloaded.load(store);
        QCOMPARE(reloaded.settings().apiKey, std::string("fallback-key-2"));
        QVERIFY(!reloaded.isKeyInKeychain());
        QVERIFY(plainTextWarning(reloaded) && plainTextWarning(reloaded)->isVisibleTo(&reloaded));

        // An emptied key leaves the file, and the warning goes.
        s.apiKey.clear();
        page.setSettings(s);
        page.save(store);
        QVERIFY(!store.contains(QStringLiteral("promptExtension/apiKey")));
        QVERIFY(!plainTextWarning(page) || !plainTextWarning(page)->isVisibleTo(&page));
    }

    void unreadableKeychainGivesNoKeyQuickly()
    {
        // Settings saved where a keychain worked, read where none answers: no key, and no hang.
        QTemporaryDir dir;
        QSettings store(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        store.setValue(QStringLiteral("promptExtension/backend"), QStringLiteral("openai"));
        store.setValue(QStringLiteral("promptExtension/apiKeyInKeychain"), true);
        QElapsedTimer timer;
        timer.start();
        const auto loaded = PromptEnhanceSettingsPage::loadSettings(store);
        QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(loaded.apiKey, std::string());
        QCOMPARE(int(loaded.backend), int(wan::PromptBackend::OpenAiCompatible));
    }

    void imageIsScaledDown()
    {
        QImage image(1024, 512, QImage::Format_RGB32);
        image.fill(Qt::red);
        const auto png = PromptEnhanceDialog::encodeImageForRequest(image, 512 * 512);
        QVERIFY(!png.empty());
        QImage back;
        QVERIFY(back.loadFromData(png.data(), int(png.size()), "PNG"));
        QVERIFY(back.width() * back.height() <= 512 * 512 + 1024);
        QCOMPARE(back.width(), 724);
    }
};

QTEST_MAIN(TestPromptEnhance)
#include "test_promptenhance.moc"
