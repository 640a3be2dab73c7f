// The model downloads service against a fake hub on 127.0.0.1 started by the test (no external network):
// download with monotone progress, pause and resume, paused sets after a restart, a clear 404, cancel, delete
// of managed folders only; and the first-run recommendation for a table of machines.
#include "ModelDownloads.h"
#include "SecretStore.h"
#include "SetupAdvisor.h"
#include "support/FakeHubServer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using wan::test::FakeHubServer;
using wan::test::randomBytes;
using wan::test::readFileBytes;
using namespace wan::ui;

namespace {

const std::string kRepo = "wan-test/tiny-set";
const QString kSet = QStringLiteral("tiny");
const std::string kDit = "diffusion_pytorch_model.safetensors";
const std::string kVae = "Wan2.1_VAE.pth";

std::vector<wan::ModelSet> testCatalogue()
{
    return wan::parseModelCatalogue(R"({"version": 1, "sets": [
        {"name": "tiny", "title": "Tiny test set", "task": "t2v-1.3B", "layout": "official", "parts": [
            {"role": "dit", "include": "diffusion_pytorch_model*", "repo": "wan-test/tiny-set"},
            {"role": "vae", "include": "Wan2.1_VAE.pth", "repo": "wan-test/tiny-set"}]}]})",
                                    "test catalogue");
}

constexpr quint64 kGiB = 1024ull * 1024ull * 1024ull;

} // namespace

class TestModelDownloads : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeHubServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::string m_ditBytes;
    std::string m_vaeBytes;

    std::unique_ptr<ModelDownloads> makeService()
    {
        auto service = std::make_unique<ModelDownloads>(m_settings.get(), testCatalogue());
        wan::DownloadOptions options;
        options.parallelFiles = 2;
        options.initialBackoff = std::chrono::milliseconds(10);
        options.maxBackoff = std::chrono::milliseconds(40);
        options.stallTimeout = std::chrono::seconds(10);
        options.connectTimeout = std::chrono::seconds(5);
        service->setBaseOptions(options);
        service->setProgressIntervalMs(30);
        return service;
    }
    QString root() const { return m_dir->filePath(QStringLiteral("models")); }
    QString setFolder() const { return root() + QStringLiteral("/tiny"); }
    void slowDown(std::uint64_t bytesPerSecond)
    {
        FakeHubServer::Faults slow;
        slow.bytesPerSecond = bytesPerSecond;
        m_server->setFaults(kRepo, kDit, slow);
    }
    void verifyInstalled()
    {
        const std::filesystem::path folder = setFolder().toStdString();
        QVERIFY(readFileBytes(folder / kDit) == m_ditBytes);
        QVERIFY(readFileBytes(folder / kVae) == m_vaeBytes);
        QVERIFY(wan::modelSetComplete(folder));
    }
    // Waits until the running download has more than `bytes` on disk.
    static bool waitForBytes(ModelDownloads& service, quint64 bytes)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 20000) {
            const auto p = service.progress(kSet);
            if (p && p->doneBytes > bytes)
                return true;
            QTest::qWait(20);
        }
        return false;
    }

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
        m_ditBytes = randomBytes(600000, 11);
        m_vaeBytes = randomBytes(200000, 12);
        m_server->addFile(kRepo, kDit, m_ditBytes);
        m_server->addFile(kRepo, kVae, m_vaeBytes);
        m_server->addFile(kRepo, "README.md", "# not part of the set", false);
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_settings = std::make_unique<QSettings>(m_dir->filePath(QStringLiteral("settings.ini")),
                                                 QSettings::IniFormat);
        m_settings->setValue(QLatin1String(model_settings_keys::kRoot), root());
        m_settings->setValue(QLatin1String(model_settings_keys::kEndpoint),
                             QString::fromStdString(m_server->baseUrl()));
    }

    void cleanup()
    {
        m_settings.reset();
        m_server.reset();
        m_dir.reset();
    }

    void endpointSetting()
    {
        auto service = makeService();
        QCOMPARE(service->endpoint(), QString::fromStdString(m_server->baseUrl()));
        QVERIFY(service->setEndpoint(QStringLiteral("modelscope")).isEmpty());
        QCOMPARE(m_settings->value(QLatin1String(model_settings_keys::kEndpoint)).toString(),
                 QStringLiteral("modelscope"));
        const QString problem = service->setEndpoint(QStringLiteral("ftp://example.org"));
        QVERIFY2(problem.contains(QStringLiteral("ftp://example.org")), qPrintable(problem));
        QCOMPARE(service->endpoint(), QStringLiteral("modelscope")); // the bad one is not kept
    }

    // The access token, files at once and speed limit are saved and reach the next download: the token as the
    // endpoint's Authorization header, the limit as a measurably slower transfer. No keychain here (as on
    // CI): the token goes to the settings file, and the store says so.
    void downloadOptions()
    {
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/wan-test-bus");
        {
            auto service = makeService();
            QTRY_VERIFY(service->accessTokenStore()->isLoaded());
            QCOMPARE(service->accessToken(), QString());
            QCOMPARE(service->parallelFiles(), wan::DownloadOptions{}.parallelFiles);
            QCOMPARE(service->maxBytesPerSecond(), quint64(0));
            QSignalSpy saved(service->accessTokenStore(), &SecretStore::saved);
            service->setAccessToken(QStringLiteral("  hf_secret123 "));
            QCOMPARE(service->accessToken(), QStringLiteral("hf_secret123")); // at once, trimmed
            QVERIFY(saved.wait(5000));
            QCOMPARE(saved.first().at(0).toBool(), false);
            QVERIFY(!service->accessTokenStore()->inKeychain());
            service->setParallelFiles(99);
            QCOMPARE(service->parallelFiles(), ModelDownloads::kMaxParallelFiles);
            service->setParallelFiles(1);
            service->setMaxBytesPerSecond(400000);
        }
        auto service = makeService(); // a restart reads them back
        QTRY_VERIFY(service->accessTokenStore()->isLoaded());
        QCOMPARE(service->accessToken(), QStringLiteral("hf_secret123"));
        QCOMPARE(service->parallelFiles(), 1);
        QCOMPARE(service->maxBytesPerSecond(), quint64(400000));

        m_server->setRequiredToken("hf_secret123"); // refused without it
        QSignalSpy finished(service.get(), &ModelDownloads::finished);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(service->start(kSet));
        QVERIFY(finished.wait(30000));
        const qint64 ms = timer.elapsed();
        verifyInstalled();
        // 800 kB at 400 kB/s: about 2 s (the first second's burst allowed); unlimited it takes milliseconds.
        QVERIFY2(ms >= 1000, qPrintable(QString::number(ms)));
        const auto requests = m_server->requestsFor(kDit);
        QVERIFY(!requests.empty());
        for (const auto& request : requests)
            QCOMPARE(QString::fromStdString(request.authorization), QStringLiteral("Bearer hf_secret123"));

        service->setAccessToken(QString()); // removed from the file too
        QTRY_VERIFY(!m_settings->contains(QLatin1String(model_settings_keys::kAccessToken)));
    }

    void downloadWithProgress()
    {
        slowDown(1500000); // several progress readings
        auto service = makeService();
        QCOMPARE(service->state(kSet), ModelSetState::Available);
        QVERIFY(service->installedSets().isEmpty());
        QSignalSpy finished(service.get(), &ModelDownloads::finished);
        QList<quint64> done;
        quint64 total = 0;
        connect(service.get(), &ModelDownloads::progressChanged, this, [&](const QString& name) {
            QCOMPARE(name, kSet);
            done.append(service->progress(name)->doneBytes);
            total = service->progress(name)->totalBytes;
        });
        QVERIFY(service->start(kSet));
        QCOMPARE(service->state(kSet), ModelSetState::Downloading);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().at(1).toString(), setFolder());
        qInfo("%lld progress signals", static_cast<long long>(done.size()));
        QVERIFY(done.size() >= 3);
        for (int i = 1; i < done.size(); ++i)
            QVERIFY2(done.at(i) >= done.at(i - 1), qPrintable(QStringLiteral("reading %1").arg(i)));
        QCOMPARE(total, quint64(m_ditBytes.size() + m_vaeBytes.size()));
        QCOMPARE(done.last(), total);
        QCOMPARE(service->progress(kSet)->filesDone, 2);
        verifyInstalled();
        QCOMPARE(service->state(kSet), ModelSetState::Installed);
        const auto installed = service->installedSets();
        QCOMPARE(installed.size(), 1);
        QCOMPARE(installed.first().name, kSet);
        QCOMPARE(installed.first().title, QStringLiteral("Tiny test set"));
        QCOMPARE(installed.first().folder, setFolder());
        QVERIFY(installed.first().managed);
        QVERIFY(installed.first().sizeBytes >= total);
        QVERIFY(service->pausedSets().isEmpty());
        QVERIFY(!QFile::exists(root() + QStringLiteral("/tiny/README.md")));
    }

    void pauseThenResume()
    {
        slowDown(300000);
        auto service = makeService();
        QSignalSpy finished(service.get(), &ModelDownloads::finished);
        QVERIFY(service->start(kSet));
        QVERIFY(waitForBytes(*service, 100000));
        service->pause(kSet);
        QTRY_COMPARE_WITH_TIMEOUT(service->state(kSet), ModelSetState::Paused, 10000);
        QCOMPARE(service->pausedSets(), QStringList{kSet});
        const QString part =
            setFolder() + QStringLiteral("/") + QString::fromStdString(kDit) + QStringLiteral(".part");
        QVERIFY(QFile::exists(part));
        const qint64 kept = QFileInfo(part).size();
        QVERIFY2(kept > 0 && kept < qint64(m_ditBytes.size()), qPrintable(QString::number(kept)));
        QVERIFY(!wan::modelSetComplete(setFolder().toStdString()));
        QCOMPARE(finished.size(), 0);

        m_server->setFaults(kRepo, kDit, {});
        QVERIFY(service->start(kSet)); // resume
        QVERIFY(finished.wait(30000));
        verifyInstalled();
        const auto requests = m_server->requestsFor(kDit);
        QVERIFY(requests.size() >= 2);
        QVERIFY2(requests.back().range.rfind("bytes=", 0) == 0, requests.back().range.c_str());
        QVERIFY(std::stoull(requests.back().range.substr(6)) >= std::uint64_t(kept));
        QVERIFY(service->pausedSets().isEmpty());
        QCOMPARE(service->state(kSet), ModelSetState::Installed);
    }

    void restartListsPausedSet()
    {
        slowDown(300000);
        {
            auto service = makeService();
            QVERIFY(service->start(kSet));
            QVERIFY(waitForBytes(*service, 100000));
            // The app quits mid-download: the service goes with the download still running.
        }
        auto service = makeService();
        QCOMPARE(service->pausedSets(), QStringList{kSet});
        QCOMPARE(service->state(kSet), ModelSetState::Paused);
        const auto onDisk = service->progress(kSet);
        QVERIFY(onDisk.has_value());
        QCOMPARE(onDisk->totalBytes, quint64(m_ditBytes.size() + m_vaeBytes.size()));
        QVERIFY2(onDisk->doneBytes > 100000 && onDisk->doneBytes < onDisk->totalBytes,
                 qPrintable(QString::number(onDisk->doneBytes)));
        QVERIFY(service->installedSets().isEmpty());

        m_server->setFaults(kRepo, kDit, {});
        QSignalSpy finished(service.get(), &ModelDownloads::finished);
        QVERIFY(service->start(kSet));
        QVERIFY(finished.wait(30000));
        verifyInstalled();
        QVERIFY(service->pausedSets().isEmpty());
        QCOMPARE(service->installedSets().size(), 1);
    }

    void notFoundNamesTheFile()
    {
        FakeHubServer::Faults missing;
        missing.errorStatus = 404;
        missing.errorTimes = -1;
        m_server->setFaults(kRepo, kVae, missing);
        auto service = makeService();
        QSignalSpy failed(service.get(), &ModelDownloads::failed);
        QVERIFY(service->start(kSet));
        QVERIFY(failed.wait(30000));
        const QString message = failed.first().at(1).toString();
        qInfo("%s", qPrintable(message));
        QVERIFY2(message.startsWith(QStringLiteral("The download of tiny failed")), qPrintable(message));
        QVERIFY2(message.contains(QString::fromStdString(kVae)), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("404")), qPrintable(message));
        QCOMPARE(service->state(kSet), ModelSetState::Failed);
        QCOMPARE(service->lastError(kSet), message);
        QVERIFY(service->installedSets().isEmpty());
        // Once the file is there again, resuming completes the set.
        m_server->setFaults(kRepo, kVae, {});
        QSignalSpy finished(service.get(), &ModelDownloads::finished);
        QVERIFY(service->start(kSet));
        QVERIFY(finished.wait(30000));
        verifyInstalled();
    }

    void cancelDeletesTheUnfinishedFolder()
    {
        slowDown(300000);
        auto service = makeService();
        QVERIFY(service->start(kSet));
        QVERIFY(waitForBytes(*service, 50000));
        service->cancel(kSet);
        QTRY_COMPARE_WITH_TIMEOUT(service->state(kSet), ModelSetState::Available, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(setFolder()), 10000);
        QVERIFY(QFileInfo::exists(root())); // only the set's folder
        QVERIFY(service->pausedSets().isEmpty());
        QVERIFY(!service->progress(kSet).has_value());
    }

    void deleteOnlyManagedFolders()
    {
        auto service = makeService();
        QSignalSpy finished(service.get(), &ModelDownloads::finished);
        QVERIFY(service->start(kSet));
        QVERIFY(finished.wait(30000));
        // A complete copy the user put into the models folder, and an unrelated file beside it.
        const QString copy = root() + QStringLiteral("/copied-by-hand");
        QVERIFY(QDir().mkpath(copy));
        for (const QString& name : QDir(setFolder()).entryList(QDir::Files | QDir::Hidden))
            QVERIFY(QFile::copy(setFolder() + QLatin1Char('/') + name, copy + QLatin1Char('/') + name));
        QFile note(root() + QStringLiteral("/notes.txt"));
        QVERIFY(note.open(QIODevice::WriteOnly));
        note.write("keep me");
        note.close();
        const auto installed = service->installedSets();
        QCOMPARE(installed.size(), 2);
        for (const auto& set : installed)
            QCOMPARE(set.managed, set.folder == setFolder());

        QString problem = service->remove(copy);
        QVERIFY2(problem.contains(QStringLiteral("not downloaded by Wan Studio")), qPrintable(problem));
        QVERIFY(QFileInfo::exists(copy + QStringLiteral("/") + QString::fromStdString(kDit)));
        problem = service->remove(root());
        QVERIFY(!problem.isEmpty());
        problem = service->remove(m_dir->path());
        QVERIFY(!problem.isEmpty());
        QVERIFY(QFileInfo::exists(setFolder()));

        QSignalSpy changed(service.get(), &ModelDownloads::installedChanged);
        QCOMPARE(service->remove(setFolder()), QString());
        QCOMPARE(changed.size(), 1);
        QVERIFY(!QFileInfo::exists(setFolder()));
        QVERIFY(QFileInfo::exists(copy));
        QVERIFY(QFileInfo::exists(note.fileName()));
        QCOMPARE(service->installedSets().size(), 1);
        QCOMPARE(service->state(kSet), ModelSetState::Available);
        // Once deleted it is no longer the manager's: a second call deletes nothing.
        QVERIFY(QDir().mkpath(setFolder()));
        QVERIFY(!service->remove(setFolder()).isEmpty());
        QVERIFY(QFileInfo::exists(setFolder()));
    }

    void resolveSize()
    {
        auto service = makeService();
        QSignalSpy resolved(service.get(), &ModelDownloads::sizeResolved);
        service->resolveSize(kSet);
        QVERIFY(resolved.wait(20000));
        QCOMPARE(resolved.first().at(2).toString(), QString());
        QCOMPARE(resolved.first().at(1).toULongLong(), quint64(m_ditBytes.size() + m_vaeBytes.size()));
        QCOMPARE(*service->knownSize(kSet), quint64(m_ditBytes.size() + m_vaeBytes.size()));
    }

    void recommendation_data()
    {
        QTest::addColumn<int>("gpus");
        QTest::addColumn<double>("vramGiB");
        QTest::addColumn<double>("freeDiskGB");
        QTest::addColumn<bool>("demo");
        QTest::addColumn<int>("choice");
        QTest::addColumn<QString>("set");
        QTest::addColumn<int>("memory");
        QTest::addColumn<bool>("diskTooSmall");
        QTest::addColumn<QString>("reasonContains");
        const int download = int(SetupChoice::Download);
        QTest::newRow("no GPU, demo") << 0 << 0.0 << 500.0 << true << int(SetupChoice::Demo) << "t2v-1.3B"
                                      << int(wan::MemoryMode::Auto) << false << "demo model";
        QTest::newRow("no GPU, no demo") << 0 << 0.0 << 500.0 << false << download << "t2v-1.3B"
                                         << int(wan::MemoryMode::Auto) << false << "takes hours";
        QTest::newRow("6 GB") << 1 << 6.0 << 500.0 << false << download << "t2v-1.3B"
                              << int(wan::MemoryMode::OffloadT5Cpu) << false << "With 6 GB of GPU memory";
        QTest::newRow("8 GB") << 1 << 8.0 << 500.0 << false << download << "t2v-1.3B"
                              << int(wan::MemoryMode::OffloadT5Cpu) << false << "fits the 8 GB of this GPU";
        QTest::newRow("12 GB") << 1 << 12.0 << 500.0 << false << download << "t2v-1.3B"
                               << int(wan::MemoryMode::T5Cpu) << false << "With 12 GB the 1.3B";
        QTest::newRow("16 GB") << 1 << 16.0 << 500.0 << false << download << "gguf-t2v-14B-Q4_K_M"
                               << int(wan::MemoryMode::Offload) << false << "GGUF";
        QTest::newRow("24 GB") << 1 << 24.0 << 500.0 << false << download << "comfy-t2v-14B-fp8"
                               << int(wan::MemoryMode::Offload) << false << "fp8";
        QTest::newRow("80 GB") << 1 << 80.0 << 500.0 << false << download << "t2v-14B"
                               << int(wan::MemoryMode::Full) << false << "every part on the GPU";
        QTest::newRow("80 GB, 40 GB disk") << 1 << 80.0 << 40.0 << false << download << "t2v-14B"
                                           << int(wan::MemoryMode::Full) << true << "Only 40.0 GB is free";
        QTest::newRow("8 GB, 10 GB disk")
            << 1 << 8.0 << 10.0 << false << download << "t2v-1.3B" << int(wan::MemoryMode::OffloadT5Cpu)
            << true << "needs about 17.6 GB";
        QTest::newRow("no GPU, demo, 1 GB disk")
            << 0 << 0.0 << 1.0 << true << int(SetupChoice::Demo) << "t2v-1.3B" << int(wan::MemoryMode::Auto)
            << false << "demo model";
    }

    void recommendation()
    {
        QFETCH(int, gpus);
        QFETCH(double, vramGiB);
        QFETCH(double, freeDiskGB);
        QFETCH(bool, demo);
        MachineInfo machine;
        machine.gpuCount = gpus;
        machine.gpuName = gpus ? QStringLiteral("NVIDIA Test GPU") : QString();
        machine.vramBytes = quint64(vramGiB * double(kGiB));
        machine.ramBytes = 32 * kGiB;
        machine.freeDiskBytes = quint64(freeDiskGB * 1e9);
        machine.demoAvailable = demo;
        const auto r = recommendSetup(machine);
        qInfo("%s", qPrintable(r.reason));
        QTEST(int(r.choice), "choice");
        QTEST(r.setName, "set");
        QTEST(int(r.memory), "memory");
        QTEST(r.diskTooSmall, "diskTooSmall");
        QFETCH(QString, reasonContains);
        QVERIFY2(r.reason.contains(reasonContains), qPrintable(r.reason));
        QVERIFY(r.downloadBytes > 0);
        // Every recommended set is one the built-in catalogue offers.
        QVERIFY(std::any_of(
            wan::builtInModelCatalogue().begin(), wan::builtInModelCatalogue().end(),
            [&](const wan::ModelSet& set) { return QString::fromStdString(set.name) == r.setName; }));
    }

    void probeThisMachine()
    {
        const DeviceLister lister = [] {
            wan::ComputeDevice gpu;
            gpu.id = "cuda:0";
            gpu.name = "NVIDIA Fake";
            gpu.totalBytes = 8 * kGiB;
            wan::ComputeDevice cpu;
            cpu.id = "cpu";
            return std::vector<wan::ComputeDevice>{gpu, cpu};
        };
        const auto machine = probeMachine(lister, m_dir->filePath(QStringLiteral("not/yet/there")), false);
        QCOMPARE(machine.gpuCount, 1);
        QCOMPARE(machine.gpuName, QStringLiteral("NVIDIA Fake"));
        QCOMPARE(machine.vramBytes, 8 * kGiB);
        QVERIFY(machine.ramBytes > 0);
        QVERIFY(machine.freeDiskBytes > 0);
        QCOMPARE(formatMemorySize(8 * kGiB), QStringLiteral("8 GB"));
        QCOMPARE(formatMemorySize(quint64(7.6 * double(kGiB))), QStringLiteral("7.6 GB"));
        QCOMPARE(formatMemorySize(80 * kGiB), QStringLiteral("80 GB"));
        const auto none = probeMachine({}, m_dir->path(), true);
        QCOMPARE(none.gpuCount, 0);
        QVERIFY(describeMachine(none).contains(QStringLiteral("no NVIDIA GPU")));
    }
};

QTEST_GUILESS_MAIN(TestModelDownloads)
#include "test_modeldownloads.moc"
