// wan-generate --download / --list-models as a process, against a fake hub on 127.0.0.1 started by the test:
// a whole set, usage errors, and SIGKILL in the middle of a file followed by a rerun that resumes and
// verifies.
#include "support/FakeHubServer.h"
#include "support/ProcessRun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using wan::test::FakeHubServer;
using wan::test::randomBytes;
using wan::test::readFileBytes;
namespace fs = std::filesystem;

namespace {

const std::string kRepo = "Wan-AI/Wan2.1-T2V-1.3B";
const std::string kDit = "diffusion_pytorch_model.safetensors";

QProcessEnvironment cleanEnvironment()
{
    auto environment = QProcessEnvironment::systemEnvironment();
    for (const char* name :
         {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "HF_TOKEN"})
        environment.remove(name);
    return environment;
}

} // namespace

class TestCliDownload : public QObject
{
    Q_OBJECT

    std::map<std::string, std::string> addRepo(FakeHubServer& server, std::size_t ditBytes)
    {
        std::map<std::string, std::string> files;
        files["config.json"] = R"({"dim": 1536})";
        files[kDit] = randomBytes(ditBytes, 11);
        files["models_t5_umt5-xxl-enc-bf16.pth"] = randomBytes(100000, 12);
        files["Wan2.1_VAE.pth"] = randomBytes(100000, 13);
        files["google/umt5-xxl/spiece.model"] = randomBytes(20000, 14);
        for (const auto& [path, content] : files)
            server.addFile(kRepo, path, content, path != "config.json");
        return files;
    }

private Q_SLOTS:
    void listModels()
    {
        QTemporaryDir dir;
        const auto run = wan::test::runProcess(WAN_GENERATE_PATH, {"--list-models", "--to", dir.path()},
                                               30000, cleanEnvironment());
        QCOMPARE(run.exitCode, 0);
        for (const char* name :
             {"t2v-1.3B", "t2v-14B", "i2v-14B-480P", "vace-14B", "comfy-t2v-1.3B-bf16", "gguf-t2v-14B-Q4_K_M",
              "Wan-AI/Wan2.1-T2V-1.3B", "city96/Wan2.1-T2V-14B-gguf"})
            QVERIFY2(run.out.contains(name), name);
        const auto json = wan::test::runProcess(
            WAN_GENERATE_PATH, {"--list-models", "--json", "--to", dir.path()}, 30000, cleanEnvironment());
        QCOMPARE(json.exitCode, 0);
        const auto document = QJsonDocument::fromJson(json.out.toUtf8());
        QVERIFY(document["models"].isArray());
        QVERIFY(document["models"].toArray().size() >= 15);
        QCOMPARE(document["models"][0]["installed"].toBool(), false);
    }

    void usageErrors()
    {
        auto run =
            wan::test::runProcess(WAN_GENERATE_PATH, {"--download", "t2v-2B"}, 30000, cleanEnvironment());
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("Unknown model set 't2v-2B'") && run.err.contains("t2v-1.3B"),
                 qPrintable(run.err));
        run = wan::test::runProcess(WAN_GENERATE_PATH, {"--download", "t2v-1.3B", "--max_rate", "fast"},
                                    30000, cleanEnvironment());
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("--max_rate"), qPrintable(run.err));
        run = wan::test::runProcess(WAN_GENERATE_PATH, {"--download", "t2v-1.3B", "--endpoint", "ftp://x"},
                                    30000, cleanEnvironment());
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("ftp://x"), qPrintable(run.err));
    }

    void downloadSet()
    {
        FakeHubServer server;
        QVERIFY(server.start());
        const auto files = addRepo(server, 300000);
        QTemporaryDir dir;
        const auto run = wan::test::runProcess(WAN_GENERATE_PATH,
                                               {"--download", "t2v-1.3B", "--to", dir.path(), "--endpoint",
                                                QString::fromStdString(server.baseUrl())},
                                               60000, cleanEnvironment());
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains("complete and verified") && run.out.contains("--task t2v-1.3B"),
                 qPrintable(run.out));
        const fs::path folder = fs::path(dir.path().toStdString()) / "t2v-1.3B";
        for (const auto& [path, content] : files)
            QVERIFY2(readFileBytes(folder / path) == content, path.c_str());
        const auto list = wan::test::runProcess(WAN_GENERATE_PATH, {"--list-models", "--to", dir.path()},
                                                30000, cleanEnvironment());
        QVERIFY(list.out.contains("[installed]"));
        // A 404 exits with 1 and a one-line message naming the file.
        FakeHubServer::Faults missing;
        missing.errorStatus = 404;
        missing.errorTimes = -1;
        server.setFaults(kRepo, "Wan2.1_VAE.pth", missing);
        fs::remove(folder / "Wan2.1_VAE.pth");
        const auto failed = wan::test::runProcess(WAN_GENERATE_PATH,
                                                  {"--download", "t2v-1.3B", "--to", dir.path(), "--endpoint",
                                                   QString::fromStdString(server.baseUrl())},
                                                  60000, cleanEnvironment());
        QCOMPARE(failed.exitCode, 1);
        QVERIFY2(failed.err.contains("HTTP 404") && failed.err.contains("Wan2.1_VAE.pth"),
                 qPrintable(failed.err));
    }

    void killedMidFileResumes()
    {
        FakeHubServer server;
        QVERIFY(server.start());
        const auto files = addRepo(server, 2000000);
        FakeHubServer::Faults slow;
        slow.bytesPerSecond = 500000;
        server.setFaults(kRepo, kDit, slow);
        QTemporaryDir dir;
        const fs::path folder = fs::path(dir.path().toStdString()) / "t2v-1.3B";
        const fs::path part = folder / (kDit + ".part");
        const QStringList args = {"--download", "t2v-1.3B",   "--to",
                                  dir.path(),   "--endpoint", QString::fromStdString(server.baseUrl())};

        QProcess process;
        process.setProcessEnvironment(cleanEnvironment());
        process.start(WAN_GENERATE_PATH, args);
        QVERIFY(process.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(fs::exists(part) && fs::file_size(part) > 400000, 20000);
        ::kill(pid_t(process.processId()), SIGKILL);
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::CrashExit);
        const auto kept = fs::file_size(part);
        QVERIFY(kept > 400000 && kept < files.at(kDit).size());
        QVERIFY(!fs::exists(folder / kDit));

        server.setFaults(kRepo, kDit, {});
        const auto run = wan::test::runProcess(WAN_GENERATE_PATH, args, 60000, cleanEnvironment());
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(readFileBytes(folder / kDit) == files.at(kDit));
        QVERIFY(!fs::exists(part));
        const auto requests = server.requestsFor(kDit);
        QVERIFY(requests.size() >= 2);
        // The rerun asked only for the rest: from at least what was on disk at the kill (the killed process
        // may have written a little more after the size was read).
        const std::string range = requests.back().range;
        QVERIFY2(range.rfind("bytes=", 0) == 0, range.c_str());
        const auto start = std::stoull(range.substr(6));
        QVERIFY2(start >= kept && start < files.at(kDit).size(), range.c_str());
        QCOMPARE(requests.back().status, 206);
    }
};

QTEST_GUILESS_MAIN(TestCliDownload)
#include "test_cli_download.moc"
