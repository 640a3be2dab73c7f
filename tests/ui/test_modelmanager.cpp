// The model manager dialog and the first-run assistant over a fake hub on 127.0.0.1 (no external network):
// catalogue and installed sets listed, a download started, paused and cancelled from the buttons, the
// assistant's recommendation and its three ways on. Saves screenshots of both into the build folder.
#include "FirstRunWizard.h"
#include "ModelDownloads.h"
#include "ModelManagerDialog.h"
#include "SecretStore.h"
#include "support/FakeHubServer.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <memory>

using wan::test::FakeHubServer;
using wan::test::randomBytes;
using namespace wan::ui;

namespace {

constexpr quint64 kGiB = 1024ull * 1024ull * 1024ull;

std::vector<wan::ModelSet> testCatalogue()
{
    auto catalogue = wan::builtInModelCatalogue();
    const auto tiny = wan::parseModelCatalogue(R"({"version": 1, "sets": [
        {"name": "tiny", "title": "Tiny test set", "task": "t2v-1.3B", "layout": "official", "parts": [
            {"role": "dit", "include": "dit.safetensors", "repo": "wan-test/tiny"},
            {"role": "vae", "include": "vae.pth", "repo": "wan-test/tiny"}]},
        {"name": "tiny-slow", "title": "Slow test set", "task": "t2v-1.3B", "layout": "official", "parts": [
            {"role": "dit", "include": "dit.safetensors", "repo": "wan-test/slow"},
            {"role": "vae", "include": "vae.pth", "repo": "wan-test/slow"}]}]})",
                                               "test catalogue");
    catalogue.insert(catalogue.end(), tiny.begin(), tiny.end());
    return catalogue;
}

void saveScreenshot(QWidget* widget, const QString& name)
{
    QDir().mkpath(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR));
    const QString path = QDir(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR)).filePath(name);
    QVERIFY(widget->grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

QTreeWidgetItem* findItem(QTreeWidget* tree, int column, const QString& text)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(column) == text)
            return tree->topLevelItem(i);
    }
    return nullptr;
}

} // namespace

class TestModelManager : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeHubServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<ModelDownloads> m_downloads;

    QString root() const { return m_dir->filePath(QStringLiteral("models")); }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
            ::unsetenv(name);
    }

    void init()
    {
        m_server = std::make_unique<FakeHubServer>();
        QVERIFY(m_server->start());
        for (const char* repo : {"wan-test/tiny", "wan-test/slow"}) {
            m_server->addFile(repo, "dit.safetensors", randomBytes(900000, 1));
            m_server->addFile(repo, "vae.pth", randomBytes(100000, 2));
        }
        FakeHubServer::Faults slow;
        slow.bytesPerSecond = 60000;
        m_server->setFaults("wan-test/slow", "dit.safetensors", slow);
        // The official T2V 1.3B layout, tiny: the set the assistant recommends for 8 GB.
        const std::string official = "Wan-AI/Wan2.1-T2V-1.3B";
        m_server->addFile(official, "config.json", R"({"dim": 1536})", false);
        m_server->addFile(official, "diffusion_pytorch_model.safetensors", randomBytes(50000, 3));
        m_server->addFile(official, "models_t5_umt5-xxl-enc-bf16.pth", randomBytes(30000, 4));
        m_server->addFile(official, "Wan2.1_VAE.pth", randomBytes(20000, 5));
        m_server->addFile(official, "google/umt5-xxl/spiece.model", randomBytes(5000, 6));
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_settings = std::make_unique<QSettings>(m_dir->filePath(QStringLiteral("settings.ini")),
                                                 QSettings::IniFormat);
        m_downloads = std::make_unique<ModelDownloads>(m_settings.get(), testCatalogue());
        m_downloads->setModelsRoot(root());
        QVERIFY(m_downloads->setEndpoint(QString::fromStdString(m_server->baseUrl())).isEmpty());
        wan::DownloadOptions options;
        options.initialBackoff = std::chrono::milliseconds(10);
        options.maxBackoff = std::chrono::milliseconds(40);
        options.connectTimeout = std::chrono::seconds(5);
        m_downloads->setBaseOptions(options);
        m_downloads->setProgressIntervalMs(50);
    }

    void cleanup()
    {
        m_downloads.reset();
        m_settings.reset();
        m_server.reset();
        m_dir.reset();
    }

    void managerListsAndDownloads()
    {
        QSignalSpy finished(m_downloads.get(), &ModelDownloads::finished);
        QVERIFY(m_downloads->start(QStringLiteral("tiny")));
        QVERIFY(finished.wait(30000));

        ModelManagerDialog dialog(m_downloads.get());
        dialog.setConfirmations(false);
        QCOMPARE(dialog.availableList()->topLevelItemCount(), int(testCatalogue().size()));
        for (const auto& set : testCatalogue())
            QVERIFY2(findItem(dialog.availableList(), 0, QString::fromStdString(set.title)),
                     set.name.c_str());
        QCOMPARE(findItem(dialog.availableList(), 1, QStringLiteral("vace-14B"))->text(0),
                 QString::fromStdString(wan::findModelSet(wan::builtInModelCatalogue(), "vace-14B").title));
        QCOMPARE(dialog.statusText(QStringLiteral("tiny")), QStringLiteral("Installed"));
        QCOMPARE(dialog.availableList()->topLevelItem(int(testCatalogue().size()) - 2)->text(2),
                 QStringLiteral("1.0 MB"));

        // Installed: the downloaded set with its size and folder; Use and Delete.
        QCOMPARE(dialog.installedList()->topLevelItemCount(), 1);
        QTreeWidgetItem* installed = dialog.installedList()->topLevelItem(0);
        QCOMPARE(installed->text(0), QStringLiteral("Tiny test set"));
        QCOMPARE(installed->text(1), QStringLiteral("1.0 MB"));
        QCOMPARE(installed->text(2), QDir::toNativeSeparators(root() + QStringLiteral("/tiny")));
        QVERIFY(!dialog.useButton()->isEnabled());
        installed->setSelected(true);
        QVERIFY(dialog.useButton()->isEnabled());
        QVERIFY(dialog.deleteButton()->isEnabled());
        QSignalSpy use(&dialog, &ModelManagerDialog::useModelFolder);
        dialog.useButton()->click();
        QCOMPARE(use.size(), 1);
        QCOMPARE(use.first().first().toString(), root() + QStringLiteral("/tiny"));

        // A download in progress: bytes, speed and time left, then the current file.
        dialog.selectAvailable(QStringLiteral("tiny-slow"));
        QVERIFY(dialog.downloadButton()->isEnabled());
        QVERIFY(!dialog.pauseButton()->isEnabled());
        dialog.downloadButton()->click();
        QCOMPARE(m_downloads->state(QStringLiteral("tiny-slow")), ModelSetState::Downloading);
        QVERIFY(dialog.pauseButton()->isEnabled());
        QVERIFY(!dialog.downloadButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(
            dialog.statusText(QStringLiteral("tiny-slow")).contains(QStringLiteral("dit.safetensors")) &&
                dialog.statusText(QStringLiteral("tiny-slow")).contains(QStringLiteral("/s")),
            15000);
        QTRY_VERIFY_WITH_TIMEOUT(m_downloads->progress(QStringLiteral("tiny-slow"))->doneBytes > 200000,
                                 15000);
        const QString status = dialog.statusText(QStringLiteral("tiny-slow"));
        qInfo("%s", qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral(" of 1.0 MB")) && status.contains(QStringLiteral("left")),
                 qPrintable(status));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        saveScreenshot(&dialog, QStringLiteral("model_manager.png"));

        dialog.pauseButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(m_downloads->state(QStringLiteral("tiny-slow")), ModelSetState::Paused,
                                  10000);
        QVERIFY2(dialog.statusText(QStringLiteral("tiny-slow")).startsWith(QStringLiteral("Paused at")),
                 qPrintable(dialog.statusText(QStringLiteral("tiny-slow"))));
        QVERIFY(dialog.resumeButton()->isEnabled());
        QVERIFY(dialog.cancelButton()->isEnabled());
        dialog.cancelButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(m_downloads->state(QStringLiteral("tiny-slow")), ModelSetState::Available,
                                  10000);
        QVERIFY(!QFileInfo::exists(root() + QStringLiteral("/tiny-slow")));

        // Delete after the (skipped) question: the list follows.
        installed = dialog.installedList()->topLevelItem(0);
        installed->setSelected(true);
        dialog.deleteButton()->click();
        QCOMPARE(dialog.installedList()->topLevelItemCount(), 0);
        QVERIFY(!QFileInfo::exists(root() + QStringLiteral("/tiny")));
    }

    // The options box writes through the service: the token (no keychain here, so the settings file, and the
    // box says so), files at once and the speed limit in MB/s.
    void managerOptions()
    {
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/wan-test-bus");
        ModelManagerDialog dialog(m_downloads.get());
        QTRY_VERIFY(dialog.accessTokenEdit()->isEnabled()); // after the token was read
        QCOMPARE(dialog.accessTokenEdit()->echoMode(), QLineEdit::Password);
        QSignalSpy saved(m_downloads->accessTokenStore(), &SecretStore::saved);
        dialog.accessTokenEdit()->setText(QStringLiteral("ms_token_1"));
        Q_EMIT dialog.accessTokenEdit()->editingFinished();
        QCOMPARE(m_downloads->accessToken(), QStringLiteral("ms_token_1"));
        QVERIFY(saved.wait(5000));
        dialog.parallelFilesBox()->setValue(3);
        dialog.speedLimitBox()->setValue(5);
        QCOMPARE(m_downloads->parallelFiles(), 3);
        QCOMPARE(m_downloads->maxBytesPerSecond(), quint64(5'000'000));
        dialog.speedLimitBox()->setValue(0);
        QCOMPARE(dialog.speedLimitBox()->text(), QStringLiteral("No limit"));
        QCOMPARE(m_downloads->maxBytesPerSecond(), quint64(0));

        ModelManagerDialog again(m_downloads.get()); // shows what is saved
        QCOMPARE(again.accessTokenEdit()->text(), QStringLiteral("ms_token_1"));
        QCOMPARE(again.parallelFilesBox()->value(), 3);
    }

    void wizardRecommendsAndDownloads()
    {
        FirstRunWizard wizard(m_downloads.get(), {}, QString());
        MachineInfo machine;
        machine.gpuCount = 1;
        machine.gpuName = QStringLiteral("NVIDIA GeForce RTX 4060");
        machine.vramBytes = 8 * kGiB;
        machine.ramBytes = 32 * kGiB;
        machine.freeDiskBytes = 400 * 1000ull * 1000ull * 1000ull;
        wizard.setMachine(machine);
        QVERIFY(!wizard.isProbing());
        const QString text = wizard.recommendationText();
        qInfo("%s", qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Text to video 1.3B (official, bf16)")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("memory mode: offload, text encoder on the processor")) &&
                     text.contains(QStringLiteral("fits the 8 GB of this GPU")),
                 qPrintable(text));
        QCOMPARE(
            wizard.machineText(),
            QStringLiteral("This computer: NVIDIA GeForce RTX 4060 with 8 GB; 32 GB of memory; 400.0 GB free "
                           "for models."));
        QVERIFY(!wizard.demoButton()->isVisible());
        QVERIFY(wizard.downloadButton()->isEnabled());
        wizard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wizard));
        saveScreenshot(&wizard, QStringLiteral("first_run_wizard.png"));

        QSignalSpy started(&wizard, &FirstRunWizard::downloadStarted);
        QSignalSpy finished(m_downloads.get(), &ModelDownloads::finished);
        QList<wan::MemoryMode> modes;
        connect(&wizard, &FirstRunWizard::memoryModeChosen, this,
                [&](wan::MemoryMode mode) { modes.append(mode); });
        wizard.downloadButton()->click();
        QCOMPARE(modes.size(), 1); // the recommended mode goes to the generation settings
        QCOMPARE(int(modes.first()), int(wan::MemoryMode::OffloadT5Cpu));
        QCOMPARE(started.size(), 1);
        QCOMPARE(started.first().first().toString(), QStringLiteral("t2v-1.3B"));
        QVERIFY(!wizard.isVisible());
        QVERIFY(finished.wait(30000));
        QVERIFY(wan::modelSetComplete((root() + QStringLiteral("/t2v-1.3B")).toStdString()));
    }

    void wizardProbesAndOffersTheDemo()
    {
        const QString demo = m_dir->filePath(QStringLiteral("demo"));
        FirstRunWizard wizard(
            m_downloads.get(),
            [] {
                return std::vector<wan::ComputeDevice>{{"cpu", "CPU"}};
            },
            demo);
        QSignalSpy probed(&wizard, &FirstRunWizard::probed);
        QVERIFY(wizard.isProbing());
        wizard.show();
        QVERIFY(probed.wait(10000));
        QCOMPARE(wizard.recommendation()->choice, SetupChoice::Demo);
        QVERIFY2(wizard.recommendationText().contains(QStringLiteral("demo model")),
                 qPrintable(wizard.recommendationText()));
        QVERIFY(wizard.demoButton()->isVisible());
        saveScreenshot(&wizard, QStringLiteral("first_run_wizard_no_gpu.png"));
        QSignalSpy chosen(&wizard, &FirstRunWizard::folderChosen);
        int modes = 0;
        connect(&wizard, &FirstRunWizard::memoryModeChosen, this, [&modes] { ++modes; });
        // Return picks the recommendation: the demo button holds the focus (not the first button).
        QVERIFY(QTest::qWaitForWindowActive(&wizard));
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(wizard.demoButton()));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(modes, 0); // the demo model fits anywhere: the user's memory setting stays
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.first().first().toString(), demo);
    }
};

QTEST_MAIN(TestModelManager)
#include "test_modelmanager.moc"
