// The prompt-extension dialog and settings page against a loopback server: results arrive on the UI thread,
// accept/discard semantics, failures shown, settings round trip, and closing while a request hangs. The API
// key's storage is tested without a system keychain (as on CI): it falls back to the settings file with a
// visible warning, in builds with and without QtKeychain.

#include "PromptExtendDialog.h"
#include "PromptExtendSettingsPage.h"
#include "PromptExtendSettingsStore.h"
#include "PromptExtendWorker.h"
#include "support/LoopbackHttpServer.h"

#include <QBuffer>
#include <QComboBox>
#include <QDir>
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

using wan::ui::PromptExtendConfig;
using wan::ui::PromptExtendDialog;
using wan::ui::PromptExtendSettingsPage;
using wan::ui::PromptExtendSettingsStore;

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

// The settings in `settings` as a new store reads them at start-up (keychain included).
PromptExtendConfig reread(QSettings& settings)
{
    PromptExtendSettingsStore fresh(&settings);
    QSignalSpy ready(&fresh, &PromptExtendSettingsStore::ready);
    fresh.load();
    if (!fresh.isReady() && !ready.wait(5000))
        QTest::qFail("the settings store never became ready", __FILE__, __LINE__);
    return fresh.config();
}

LoopbackHttpServer::Reply reply(std::string body, int status = 200)
{
    LoopbackHttpServer::Reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

} // namespace

class TestPromptExtend : public QObject
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
        PromptExtendDialog dialog(settings(), request());
        QSignalSpy finished(&dialog, &PromptExtendDialog::requestFinished);
        QSignalSpy accepted(&dialog, &PromptExtendDialog::promptAccepted);
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
        PromptExtendDialog dialog(settings(), request());
        QSignalSpy finished(&dialog, &PromptExtendDialog::requestFinished);
        QSignalSpy accepted(&dialog, &PromptExtendDialog::promptAccepted);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(finished.at(0).at(1).toString().contains(QStringLiteral("API key")));
        dialog.accept(); // nothing to use: stays open
        QCOMPARE(accepted.size(), 0);
        dialog.reject();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }

    // Another rewrite language asks again, unless the user edited the rewrite: then the edits stay, and Retry
    // (asked for in the status line) replaces them.
    void languageChangeKeepsAnEditedRewrite_data()
    {
        QTest::addColumn<bool>("edit");
        QTest::newRow("edited") << true;
        QTest::newRow("untouched") << false;
    }
    void languageChangeKeepsAnEditedRewrite()
    {
        QFETCH(bool, edit);
        m_server->enqueue(reply(openAiReply("A ginger cat surfs a wave.")));
        PromptExtendDialog dialog(settings(), request());
        QSignalSpy finished(&dialog, &PromptExtendDialog::requestFinished);
        QVERIFY(finished.wait(5000));
        auto* rewrite = dialog.findChildren<QPlainTextEdit*>().at(1);
        const QString edited = QStringLiteral("A ginger cat surfs a wave at dawn, filmed from the beach.");
        if (edit)
            rewrite->setPlainText(edited);

        m_server->enqueue(reply(openAiReply("一只姜黄色的猫在冲浪。")));
        auto* language = dialog.findChild<QComboBox*>();
        QVERIFY(language);
        language->setCurrentIndex(language->findData(int(wan::PromptLanguage::Chinese)));
        if (edit) {
            QCOMPARE(rewrite->toPlainText(), edited);
            QVERIFY(!rewrite->isReadOnly()); // no request under way
            QCOMPARE(m_server->requests().size(), std::size_t(1));
            bool told = false; // the status line says how to get the other language
            for (const QLabel* label : dialog.findChildren<QLabel*>())
                told = told || label->text().contains(QStringLiteral("Retry"));
            QVERIFY(told);
            QPushButton* retry = nullptr;
            for (QPushButton* button : dialog.findChildren<QPushButton*>())
                if (button->text() == QStringLiteral("Retry"))
                    retry = button;
            QVERIFY(retry);
            retry->click();
        }
        QVERIFY(finished.wait(5000));
        QCOMPARE(m_server->requests().size(), std::size_t(2));
        QCOMPARE(rewrite->toPlainText(), QStringLiteral("一只姜黄色的猫在冲浪。"));
        QCOMPARE(int(dialog.language()), int(wan::PromptLanguage::Chinese));
    }

    void closingDuringAHangReturnsQuickly()
    {
        LoopbackHttpServer::Reply hang;
        hang.hang = true;
        m_server->enqueue(hang);
        const auto start = std::chrono::steady_clock::now();
        {
            PromptExtendDialog dialog(settings(), request());
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
        PromptExtendSettingsStore settingsStore(&store);
        PromptExtendSettingsPage page;
        auto s = settings();
        s.apiKey = "local-key-1";
        s.totalTimeoutMs = 30000;
        s.maxAttempts = 2;
        page.setSettings(s);
        page.setTargetLanguage(wan::PromptLanguage::English);
        page.setExtensionEnabled(true);
        QSignalSpy saved(&settingsStore, &PromptExtendSettingsStore::saved);
        page.save(settingsStore);
        // The key reaches the file once the keychain answered (none here).
        QVERIFY(saved.count() == 1 || saved.wait(5000));

        const auto loaded = reread(store).settings();
        QCOMPARE(int(loaded.backend), int(wan::PromptBackend::OpenAiCompatible));
        QCOMPARE(loaded.baseUrl, s.baseUrl);
        QCOMPARE(loaded.textModel, std::string("test-model"));
        QCOMPARE(loaded.apiKey, std::string("local-key-1"));
        QCOMPARE(loaded.totalTimeoutMs, 30000);
        QCOMPARE(loaded.maxAttempts, 2);
        QCOMPARE(int(reread(store).language), int(wan::PromptLanguage::English));
        QVERIFY(reread(store).enabled);

        m_server->enqueue(reply(openAiReply("A red kite.")));
        QSignalSpy tested(&page, &PromptExtendSettingsPage::connectionTested);
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
        PromptExtendSettingsStore settingsStore(&store);
        PromptExtendSettingsPage page;
        auto s = settings();
        s.apiKey = "fallback-key-2";
        page.setSettings(s);
        QVERIFY(plainTextWarning(page));
        QVERIFY(plainTextWarning(page)->isVisibleTo(&page));

        QElapsedTimer timer;
        timer.start();
        QSignalSpy saved(&settingsStore, &PromptExtendSettingsStore::saved);
        page.save(settingsStore);
        QVERIFY2(timer.elapsed() < 50, qPrintable(QString::number(timer.elapsed()))); // no keychain wait
        QVERIFY(saved.count() == 1 || saved.wait(5000));
        QCOMPARE(saved.at(0).at(0).toBool(), false);
        QVERIFY(!page.isKeyInKeychain());
        store.sync();
        QCOMPARE(store.value(QStringLiteral("promptExtension/openai/apiKey")).toString(),
                 QStringLiteral("fallback-key-2"));
        QVERIFY(!store.contains(QStringLiteral("promptExtension/openai/apiKeyInKeychain")));
        QVERIFY(!store.contains(QStringLiteral("promptExtension/dashscope/apiKey")));
        QVERIFY(plainTextWarning(page) && plainTextWarning(page)->isVisibleTo(&page));

        PromptExtendSettingsPage reloaded;
        reloaded.setConfig(reread(store));
        QCOMPARE(reloaded.settings().apiKey, std::string("fallback-key-2"));
        QVERIFY(!reloaded.isKeyInKeychain());
        QVERIFY(plainTextWarning(reloaded) && plainTextWarning(reloaded)->isVisibleTo(&reloaded));

        // An emptied key leaves the file, and the warning goes.
        s.apiKey.clear();
        page.setSettings(s);
        page.save(settingsStore);
        QVERIFY(!store.contains(QStringLiteral("promptExtension/openai/apiKey")));
        QVERIFY(!plainTextWarning(page) || !plainTextWarning(page)->isVisibleTo(&page));
    }

    // Each service keeps its own URL, models and key: switching never shows (or sends) one service's key
    // for another, and never clears the other's fields; both survive a save and a reload.
    void keysStayWithTheirService()
    {
        QTemporaryDir dir;
        QSettings store(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        PromptExtendSettingsStore settingsStore(&store);
        PromptExtendSettingsPage page;
        auto local = settings();
        local.apiKey = "local-key-3";
        page.setSettings(local);
        auto* service = page.findChild<QComboBox*>();
        QVERIFY(service);
        QCOMPARE(service->currentData().toInt(), int(wan::PromptBackend::OpenAiCompatible));

        // To Dashscope: nothing of the local server's shows there.
        service->setCurrentIndex(service->findData(int(wan::PromptBackend::Dashscope)));
        auto dashscope = page.settings();
        QCOMPARE(int(dashscope.backend), int(wan::PromptBackend::Dashscope));
        QCOMPARE(dashscope.apiKey, std::string());
        QCOMPARE(dashscope.baseUrl, std::string());
        QCOMPARE(dashscope.textModel, std::string());
        // Its own fields, typed in.
        dashscope.apiKey = "dashscope-key-4";
        dashscope.baseUrl = "https://dashscope.example";
        dashscope.textModel = "qwen-max";
        page.setSettings(dashscope);

        // Back to the local server: its fields are as they were; Dashscope's are kept aside.
        service->setCurrentIndex(service->findData(int(wan::PromptBackend::OpenAiCompatible)));
        QCOMPARE(page.settings().apiKey, std::string("local-key-3"));
        QCOMPARE(page.settings().baseUrl, local.baseUrl);
        QCOMPARE(page.settings().textModel, std::string("test-model"));
        QCOMPARE(page.settingsFor(wan::PromptBackend::Dashscope).apiKey, std::string("dashscope-key-4"));
        QCOMPARE(page.settingsFor(wan::PromptBackend::Dashscope).textModel, std::string("qwen-max"));

        // The connection test of the local server carries its own key only.
        m_server->enqueue(reply(openAiReply("A red kite.")));
        QSignalSpy tested(&page, &PromptExtendSettingsPage::connectionTested);
        auto* button = page.findChild<QPushButton*>();
        QVERIFY(button);
        button->click();
        QVERIFY(tested.wait(5000));
        QCOMPARE(m_server->requests().size(), std::size_t(1));
        QCOMPARE(m_server->requests().at(0).headers.at("authorization"), std::string("Bearer local-key-3"));

        QSignalSpy saved(&settingsStore, &PromptExtendSettingsStore::saved);
        page.save(settingsStore);
        QVERIFY(saved.count() == 1 || saved.wait(5000)); // the keys reach the file once the keychain answered
        store.sync();
        QCOMPARE(store.value(QStringLiteral("promptExtension/backend")).toString(), QStringLiteral("openai"));
        QCOMPARE(store.value(QStringLiteral("promptExtension/dashscope/url")).toString(),
                 QStringLiteral("https://dashscope.example"));
        const auto loaded = reread(store).settings();
        QCOMPARE(loaded.apiKey, std::string("local-key-3")); // the selected service's, nobody else's
        QCOMPARE(loaded.baseUrl, local.baseUrl);

        PromptExtendSettingsPage reloaded;
        reloaded.setConfig(reread(store));
        QCOMPARE(reloaded.settings().apiKey, std::string("local-key-3"));
        QCOMPARE(reloaded.settingsFor(wan::PromptBackend::Dashscope).apiKey, std::string("dashscope-key-4"));
        QCOMPARE(reloaded.settingsFor(wan::PromptBackend::Dashscope).baseUrl,
                 std::string("https://dashscope.example"));
        auto* reloadedService = reloaded.findChild<QComboBox*>();
        reloadedService->setCurrentIndex(reloadedService->findData(int(wan::PromptBackend::Dashscope)));
        QCOMPARE(reloaded.settings().apiKey, std::string("dashscope-key-4"));
        reloaded.save(settingsStore);
        const auto dashscopeLoaded = reread(store).settings();
        QCOMPARE(int(dashscopeLoaded.backend), int(wan::PromptBackend::Dashscope));
        QCOMPARE(dashscopeLoaded.apiKey, std::string("dashscope-key-4"));
    }

    // Settings saved before keys were per service belong to the service selected then.
    void legacySettingsAreTakenOver()
    {
        QTemporaryDir dir;
        QSettings store(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        PromptExtendSettingsStore settingsStore(&store);
        store.setValue(QStringLiteral("promptExtension/backend"), QStringLiteral("openai"));
        store.setValue(QStringLiteral("promptExtension/url"), QStringLiteral("http://127.0.0.1:9"));
        store.setValue(QStringLiteral("promptExtension/textModel"), QStringLiteral("old-model"));
        store.setValue(QStringLiteral("promptExtension/apiKey"), QStringLiteral("old-key"));
        const auto loaded = reread(store).settings();
        QCOMPARE(loaded.apiKey, std::string("old-key"));
        QCOMPARE(loaded.textModel, std::string("old-model"));

        // As at start-up: the store reads the settings on its own thread, the page shows what it read.
        QSignalSpy ready(&settingsStore, &PromptExtendSettingsStore::ready);
        settingsStore.load();
        QVERIFY(ready.wait(5000));
        PromptExtendSettingsPage page;
        page.load(settingsStore);
        QCOMPARE(page.settings().apiKey, std::string("old-key"));
        QCOMPARE(page.settingsFor(wan::PromptBackend::Dashscope).apiKey, std::string()); // never shared
        QSignalSpy saved(&settingsStore, &PromptExtendSettingsStore::saved);
        page.save(settingsStore);
        QVERIFY(saved.count() == 1 || saved.wait(5000));
        store.sync();
        QVERIFY(!store.contains(QStringLiteral("promptExtension/apiKey")));
        QVERIFY(!store.contains(QStringLiteral("promptExtension/url")));
        QCOMPARE(store.value(QStringLiteral("promptExtension/openai/apiKey")).toString(),
                 QStringLiteral("old-key"));
        QCOMPARE(store.value(QStringLiteral("promptExtension/openai/url")).toString(),
                 QStringLiteral("http://127.0.0.1:9"));
        QCOMPARE(reread(store).settings().apiKey, std::string("old-key"));
    }

    // DASH_API_URL replaces an empty Dashscope URL: the page says where the key goes, or that it will not.
    void dashApiUrlIsShown()
    {
        const auto warningText = [](const PromptExtendSettingsPage& page) {
            QString text;
            for (QLabel* label : page.findChildren<QLabel*>())
                if (label->text().contains(QStringLiteral("DASH_API_URL")))
                    text += label->text();
            return text;
        };
        qputenv("DASH_API_URL", "http://192.0.2.1:8000");
        {
            PromptExtendSettingsPage page; // Dashscope, empty URL
            QVERIFY2(warningText(page).contains(QStringLiteral("the key is not sent there")),
                     qPrintable(warningText(page)));
            page.resize(640, 420);
            QDir().mkpath(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR));
            const QString shot = QDir(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR))
                                     .filePath(QStringLiteral("promptextend-dash-api-url.png"));
            QVERIFY(page.grab().save(shot));
            qInfo("screenshot: %s", qPrintable(shot));
        }
        qputenv("DASH_API_URL", "https://proxy.example");
        {
            PromptExtendSettingsPage page;
            QVERIFY2(warningText(page).contains(QStringLiteral("go to https://proxy.example")),
                     qPrintable(warningText(page)));
            auto s = page.settings();
            s.baseUrl = "https://dashscope.aliyuncs.com"; // an explicit URL: the variable does not apply
            page.setSettings(s);
            QVERIFY(!warningText(page).contains(QStringLiteral("proxy.example")));
        }
        qunsetenv("DASH_API_URL");
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
        const auto loaded = reread(store).settings();
        QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(loaded.apiKey, std::string());
        QCOMPARE(int(loaded.backend), int(wan::PromptBackend::OpenAiCompatible));
    }

    void imageIsScaledDown()
    {
        QImage image(1024, 512, QImage::Format_RGB32);
        image.fill(Qt::red);
        const auto png = wan::ui::PromptExtendWorker::encodeImageForRequest(image, 512 * 512);
        QVERIFY(!png.empty());
        QImage back;
        QVERIFY(back.loadFromData(png.data(), int(png.size()), "PNG"));
        QVERIFY(back.width() * back.height() <= 512 * 512 + 1024);
        QCOMPARE(back.width(), 724);
    }

    // A phone photo stored sideways with an EXIF orientation: the vision model gets it upright, as the drop
    // zone shows it and the engine reads it (QImage(path) alone would send it as stored).
    void imageFileIsSentUpright()
    {
        QImage stored(48, 32, QImage::Format_RGB32);
        stored.fill(Qt::red);
        for (int y = 0; y < 32; ++y)
            for (int x = 24; x < 48; ++x)
                stored.setPixel(x, y, qRgb(0, 0, 255));
        QByteArray jpeg;
        QBuffer buffer(&jpeg);
        QVERIFY(buffer.open(QIODevice::WriteOnly) && stored.save(&buffer, "JPEG", 95));
        // APP1 "Exif" right after SOI: big-endian TIFF, one IFD entry Orientation (0x0112, SHORT) = 6, which
        // means "turn 90 degrees clockwise to show".
        const char app1[] = {'\xFF', '\xE1', 0, 34, 'E', 'x', 'i', 'f', 0,    0,    'M', 'M',
                             0,      42,     0, 0,  0,   8,   0,   1,   0x01, 0x12, 0,   3,
                             0,      0,      0, 1,  0,   6,   0,   0,   0,    0,    0,   0};
        jpeg.insert(2, app1, sizeof(app1));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sideways.jpg"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(jpeg) == jpeg.size());
        file.close();
        QCOMPARE(QImage(path).size(), QSize(48, 32)); // as stored

        const auto png = wan::ui::PromptExtendWorker::encodeImageFileForRequest(path);
        QImage sent;
        QVERIFY(sent.loadFromData(png.data(), int(png.size()), "PNG"));
        QCOMPARE(sent.size(), QSize(32, 48));
        // Turned clockwise: the stored left (red) half is now on top.
        QVERIFY(qRed(sent.pixel(16, 4)) > 200 && qBlue(sent.pixel(16, 4)) < 60);
        QVERIFY(qBlue(sent.pixel(16, 44)) > 200 && qRed(sent.pixel(16, 44)) < 60);
        QVERIFY(
            wan::ui::PromptExtendWorker::encodeImageFileForRequest(dir.filePath(QStringLiteral("gone.jpg")))
                .empty());
    }
};

QTEST_MAIN(TestPromptExtend)
#include "test_promptextend.moc"
