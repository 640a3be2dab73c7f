// The model downloader against a fake hub on 127.0.0.1 started by the test (no external network): catalogue
// resolution, parallel and resumed downloads, hash verification, HTTP failures, disk full and cancellation.
#include "download/DownloadInternal.h"
#include "support/FakeHubServer.h"

#include "wan/Download.h"

#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

using wan::test::FakeHubServer;
using wan::test::randomBytes;
using wan::test::readFileBytes;
namespace fs = std::filesystem;

namespace {

const std::string kRepo = "Wan-AI/Wan2.1-T2V-1.3B";

struct RepoFiles
{
    std::map<std::string, std::string> wanted; // path -> content, the files t2v-1.3B needs
};

// The official T2V 1.3B layout (tiny), plus files the catalogue leaves out.
RepoFiles addOfficialRepo(FakeHubServer& server, std::size_t ditBytes = 600000)
{
    RepoFiles files;
    files.wanted["config.json"] = R"({"_class_name": "WanModel", "dim": 1536})";
    files.wanted["diffusion_pytorch_model.safetensors"] = randomBytes(ditBytes, 1);
    files.wanted["models_t5_umt5-xxl-enc-bf16.pth"] = randomBytes(300000, 2);
    files.wanted["Wan2.1_VAE.pth"] = randomBytes(200000, 3);
    files.wanted["google/umt5-xxl/spiece.model"] = randomBytes(50000, 4);
    files.wanted["google/umt5-xxl/tokenizer_config.json"] = R"({"model_max_length": 512})";
    for (const auto& [path, content] : files.wanted)
        server.addFile(kRepo, path, content, path.find(".json") == std::string::npos);
    server.addFile(kRepo, "README.md", "# Wan2.1", false);
    server.addFile(kRepo, "assets/logo.png", randomBytes(1000, 5));
    server.addFile(kRepo, "examples/i2v_input.JPG", randomBytes(1000, 6));
    return files;
}

void verifyFolder(const fs::path& folder, const RepoFiles& files)
{
    for (const auto& [path, content] : files.wanted) {
        QVERIFY2(fs::exists(folder / path), path.c_str());
        QVERIFY2(readFileBytes(folder / path) == content, path.c_str());
        QVERIFY2(!fs::exists(folder / (path + ".part")), path.c_str());
    }
    QVERIFY(!fs::exists(folder / "README.md"));
    QVERIFY(!fs::exists(folder / "assets"));
    QVERIFY(wan::modelSetComplete(folder));
}

template <typename F> wan::Error expectError(F&& call)
{
    try {
        call();
    } catch (const wan::Error& e) {
        return e;
    }
    return wan::Error(wan::ErrorKind::Internal, "no error was thrown");
}

} // namespace

class TestDownload : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeHubServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;

    wan::DownloadOptions options() const
    {
        wan::DownloadOptions options;
        options.endpoint = wan::parseHubEndpoint(m_server->baseUrl());
        options.parallelFiles = 3;
        options.initialBackoff = std::chrono::milliseconds(10);
        options.maxBackoff = std::chrono::milliseconds(40);
        options.stallTimeout = std::chrono::seconds(10);
        options.connectTimeout = std::chrono::seconds(5);
        return options;
    }
    fs::path folder() const { return fs::path(m_dir->path().toStdString()) / "t2v-1.3B"; }
    const wan::ModelSet& t2v() const { return wan::findModelSet(wan::builtInModelCatalogue(), "t2v-1.3B"); }

private Q_SLOTS:
    void initTestCase()
    {
        // The fake hub is on loopback: a proxy from the environment must not take these requests.
        for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
            ::unsetenv(name);
        std::signal(SIGXFSZ, SIG_IGN); // the disk-full test's file size limit then fails writes with EFBIG
    }

    void init()
    {
        m_server = std::make_unique<FakeHubServer>();
        QVERIFY(m_server->start());
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void cleanup()
    {
        m_server.reset();
        m_dir.reset();
    }

    void builtInCatalogue()
    {
        const auto& catalogue = wan::builtInModelCatalogue();
        std::set<std::string> names;
        for (const auto& set : catalogue) {
            names.insert(set.name);
            QVERIFY(!set.parts.empty());
            std::set<std::string> roles;
            for (const auto& part : set.parts) {
                roles.insert(part.role);
                QVERIFY2(part.repo.find('/') != std::string::npos, part.repo.c_str());
            }
            for (const char* role : {"dit", "t5", "vae"})
                QVERIFY2(roles.count(role), (set.name + " lacks " + role).c_str());
            if (set.task.rfind("i2v", 0) == 0 || set.task.rfind("flf2v", 0) == 0)
                QVERIFY2(roles.count("clip"), set.name.c_str());
        }
        for (const char* name :
             {"t2v-1.3B", "t2v-14B", "i2v-14B-480P", "i2v-14B-720P", "flf2v-14B-720P", "vace-1.3B",
              "vace-14B", "comfy-t2v-1.3B-bf16", "comfy-i2v-14B-480P-fp8", "gguf-t2v-14B-Q4_K_M"})
            QVERIFY2(names.count(name), name);
        const auto error = expectError([&] { wan::findModelSet(catalogue, "t2v-2B"); });
        QCOMPARE(error.kind(), wan::ErrorKind::InvalidArgument);
        QVERIFY(std::string(error.what()).find("t2v-1.3B") != std::string::npos);
    }

    void catalogueErrors_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << "{sets"
                                  << "not valid JSON";
        QTest::newRow("no sets") << "{}"
                                 << "array \"sets\"";
        const QString part = R"({"role":"dit","repo":"a/b","include":"x"})";
        QTest::newRow("no name")
            << QString(R"({"sets":[{"title":"t","task":"t","layout":"official","parts":[%1]}]})").arg(part)
            << "\"name\"";
        QTest::newRow("duplicate")
            << QString(R"({"sets":[{"name":"a","title":"t","task":"t","layout":"official","parts":[%1]},)"
                       R"({"name":"a","title":"t","task":"t","layout":"official","parts":[%1]}]})")
                   .arg(part)
            << "listed twice";
        QTest::newRow("layout")
            << QString(R"({"sets":[{"name":"a","title":"t","task":"t","layout":"zip","parts":[%1]}]})")
                   .arg(part)
            << "layout";
        QTest::newRow("repo")
            << R"({"sets":[{"name":"a","title":"t","task":"t","layout":"official","parts":[{"role":"dit","repo":"ab","include":"x"}]}]})"
            << "owner/name";
    }

    void catalogueErrors()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        const auto error = expectError([&] { wan::parseModelCatalogue(json.toStdString(), "my.json"); });
        QCOMPARE(error.kind(), wan::ErrorKind::InvalidArgument);
        const std::string message = error.what();
        QVERIFY2(message.find("my.json") != std::string::npos, message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    }

    void endpoints_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("url");
        QTest::newRow("default") << "" << int(wan::HubKind::HuggingFace) << "https://huggingface.co";
        QTest::newRow("mirror") << "hf-mirror" << int(wan::HubKind::HuggingFace) << "https://hf-mirror.com";
        QTest::newRow("modelscope") << "modelscope" << int(wan::HubKind::ModelScope)
                                    << "https://www.modelscope.cn";
        QTest::newRow("url") << "https://example.org/hf/" << int(wan::HubKind::HuggingFace)
                             << "https://example.org/hf";
        QTest::newRow("ms url") << "modelscope:http://127.0.0.1:9" << int(wan::HubKind::ModelScope)
                                << "http://127.0.0.1:9";
    }

    void endpoints()
    {
        QFETCH(QString, text);
        QFETCH(int, kind);
        QFETCH(QString, url);
        const auto endpoint = wan::parseHubEndpoint(text.toStdString());
        QCOMPARE(int(endpoint.kind), kind);
        QCOMPARE(QString::fromStdString(endpoint.baseUrl), url);
        QCOMPARE(expectError([] { wan::parseHubEndpoint("ftp://x"); }).kind(),
                 wan::ErrorKind::InvalidArgument);
    }

    void globs_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("match");
        QTest::newRow("star") << "diffusion_pytorch_model*"
                              << "diffusion_pytorch_model-00001-of-00006.safetensors" << true;
        QTest::newRow("star no slash") << "*.gguf"
                                       << "sub/a.gguf" << false;
        QTest::newRow("folder") << "google/umt5-xxl/*"
                                << "google/umt5-xxl/spiece.model" << true;
        QTest::newRow("double star") << "**/*.json"
                                     << "a/b/c.json" << true;
        QTest::newRow("double star root") << "**/*.json"
                                          << "c.json" << true;
        QTest::newRow("exact") << "config.json"
                               << "config.json" << true;
        QTest::newRow("exact other") << "config.json"
                                     << "configs.json" << false;
        QTest::newRow("question") << "a?c"
                                  << "abc" << true;
    }

    void globs()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, path);
        QFETCH(bool, match);
        QCOMPARE(wan::download::globMatch(pattern.toStdString(), path.toStdString()), match);
    }

    void resolveFromTreeApi()
    {
        const auto files = addOfficialRepo(*m_server);
        m_server->setTreePageSize(3); // several pages, followed through the Link header
        const auto resolved = wan::resolveModelSet(t2v(), options());
        QCOMPARE(resolved.files.size(), files.wanted.size());
        std::uint64_t total = 0;
        for (const auto& file : resolved.files) {
            QVERIFY2(files.wanted.count(file.path), file.path.c_str());
            const std::string& content = files.wanted.at(file.path);
            QCOMPARE(file.size, std::uint64_t(content.size()));
            QCOMPARE(file.relativePath, file.path);
            if (file.path.find(".json") != std::string::npos) { // not in LFS: the git blob id
                QVERIFY(file.sha256.empty());
                QCOMPARE(file.gitSha1, FakeHubServer::gitBlobSha1Hex(content));
            } else {
                QCOMPARE(file.sha256, FakeHubServer::sha256Hex(content));
            }
            QVERIFY(file.url.rfind(m_server->baseUrl() + "/" + kRepo + "/resolve/main/", 0) == 0);
            total += file.size;
        }
        QCOMPARE(resolved.totalBytes, total);
        int pages = 0;
        for (const auto& request : m_server->requests())
            pages += request.target.find("/tree/main") != std::string::npos;
        QVERIFY2(pages >= 3, std::to_string(pages).c_str());
    }

    void resolveModelScope()
    {
        const auto files = addOfficialRepo(*m_server);
        auto opts = options();
        opts.endpoint = wan::parseHubEndpoint("modelscope:" + m_server->baseUrl());
        const auto resolved = wan::resolveModelSet(t2v(), opts);
        QCOMPARE(resolved.files.size(), files.wanted.size());
        for (const auto& file : resolved.files) {
            QCOMPARE(file.sha256, FakeHubServer::sha256Hex(files.wanted.at(file.path)));
            QVERIFY(file.url.find("/repo?Revision=master&FilePath=") != std::string::npos);
        }
        // And the download through ModelScope's file API.
        const auto result = wan::downloadModelSet(t2v(), folder(), opts);
        QCOMPARE(result.filesFetched, int(files.wanted.size()));
        verifyFolder(folder(), files);
        // A set without a ModelScope copy is refused with the fix.
        const auto error = expectError([&] {
            wan::resolveModelSet(wan::findModelSet(wan::builtInModelCatalogue(), "comfy-t2v-1.3B-bf16"),
                                 opts);
        });
        QVERIFY2(std::string(error.what()).find("--endpoint huggingface") != std::string::npos, error.what());
    }

    void resolveMissingRoleFails()
    {
        auto files = addOfficialRepo(*m_server);
        FakeHubServer other;
        QVERIFY(other.start());
        for (const auto& [path, content] : files.wanted)
            if (path != "Wan2.1_VAE.pth")
                other.addFile(kRepo, path, content);
        auto opts = options();
        opts.endpoint = wan::parseHubEndpoint(other.baseUrl());
        const auto error = expectError([&] { wan::resolveModelSet(t2v(), opts); });
        QCOMPARE(error.kind(), wan::ErrorKind::InvalidArgument);
        const std::string message = error.what();
        QVERIFY2(message.find("Wan2.1_VAE.pth") != std::string::npos &&
                     message.find(kRepo) != std::string::npos,
                 message.c_str());
    }

    void parallelDownload()
    {
        const auto files = addOfficialRepo(*m_server);
        FakeHubServer::Faults slow;
        slow.bytesPerSecond = 1000000;
        for (const char* path :
             {"diffusion_pytorch_model.safetensors", "models_t5_umt5-xxl-enc-bf16.pth", "Wan2.1_VAE.pth"})
            m_server->setFaults(kRepo, path, slow);
        std::vector<wan::DownloadProgress> reports;
        std::mutex mutex;
        const auto started = std::chrono::steady_clock::now();
        const auto result =
            wan::downloadModelSet(t2v(), folder(), options(), [&](const wan::DownloadProgress& p) {
                std::lock_guard lock(mutex);
                reports.push_back(p);
            });
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        qInfo("6 files, %llu bytes in %.2f s, %d transfers at once",
              static_cast<unsigned long long>(result.totalBytes), seconds,
              m_server->maxConcurrentTransfers());
        verifyFolder(folder(), files);
        QCOMPARE(result.filesFetched, int(files.wanted.size()));
        QCOMPARE(result.filesReused, 0);
        QVERIFY(m_server->maxConcurrentTransfers() >= 2);
        QVERIFY(m_server->maxConcurrentTransfers() <= 3);
        QVERIFY(!reports.empty());
        QCOMPARE(reports.back().doneBytes, result.totalBytes);
        QCOMPARE(reports.back().filesDone, int(files.wanted.size()));
        for (std::size_t i = 1; i < reports.size(); ++i)
            QVERIFY(reports[i].doneBytes >= reports[i - 1].doneBytes);

        // A second run finds every file verified and fetches nothing.
        const auto before = m_server->requests().size();
        const auto again = wan::downloadModelSet(t2v(), folder(), options());
        QCOMPARE(again.filesReused, int(files.wanted.size()));
        QCOMPARE(again.fetchedBytes, std::uint64_t(0));
        for (std::size_t i = before; i < m_server->requests().size(); ++i)
            QVERIFY(m_server->requests()[i].target.find("/resolve/") == std::string::npos);

        // A damaged file is noticed by modelSetComplete (size) and fetched again by the next run.
        std::filesystem::resize_file(folder() / "Wan2.1_VAE.pth", 10);
        QVERIFY(!wan::modelSetComplete(folder()));
        const auto repaired = wan::downloadModelSet(t2v(), folder(), options());
        QCOMPARE(repaired.filesFetched, 1);
        verifyFolder(folder(), files);
    }

    void droppedConnectionResumes()
    {
        const auto files = addOfficialRepo(*m_server, 1000000);
        FakeHubServer::Faults drop;
        drop.dropAfterBytes = 300000;
        drop.dropTimes = 1;
        m_server->setFaults(kRepo, "diffusion_pytorch_model.safetensors", drop);
        wan::downloadModelSet(t2v(), folder(), options());
        verifyFolder(folder(), files);
        const auto requests = m_server->requestsFor("diffusion_pytorch_model.safetensors");
        QCOMPARE(requests.size(), std::size_t(2));
        QCOMPARE(requests[0].range, std::string());
        QCOMPARE(requests[1].range, std::string("bytes=300000-"));
        QCOMPARE(requests[1].status, 206);
    }

    void partFromEarlierRunIsRehashed()
    {
        // A part left by an earlier process: its bytes are hashed from disk, the rest comes with Range. A
        // part whose bytes are wrong makes the hash fail, and the file is fetched whole once more.
        const auto files = addOfficialRepo(*m_server);
        const std::string& dit = files.wanted.at("diffusion_pytorch_model.safetensors");
        fs::create_directories(folder());
        {
            std::ofstream part(folder() / "diffusion_pytorch_model.safetensors.part", std::ios::binary);
            std::string head = dit.substr(0, 250000);
            head[1000] ^= 1; // one wrong byte on disk
            part << head;
        }
        wan::downloadModelSet(t2v(), folder(), options());
        verifyFolder(folder(), files);
        const auto requests = m_server->requestsFor("diffusion_pytorch_model.safetensors");
        QCOMPARE(requests.size(), std::size_t(2));
        QCOMPARE(requests[0].range, std::string("bytes=250000-"));
        QCOMPARE(requests[1].range, std::string());
    }

    void corruptedByteRefetchedOnce()
    {
        const auto files = addOfficialRepo(*m_server);
        FakeHubServer::Faults corrupt;
        corrupt.corruptTimes = 1;
        m_server->setFaults(kRepo, "Wan2.1_VAE.pth", corrupt);
        m_server->setFaults(kRepo, "config.json", corrupt); // a non-LFS file: checked by its git blob id
        wan::downloadModelSet(t2v(), folder(), options());
        verifyFolder(folder(), files);
        QCOMPARE(m_server->requestsFor("Wan2.1_VAE.pth").size(), std::size_t(2));
        QCOMPARE(m_server->requestsFor("main/config.json").size(), std::size_t(2));
    }

    void corruptedAlwaysRefusesSet()
    {
        addOfficialRepo(*m_server);
        FakeHubServer::Faults corrupt;
        corrupt.corruptTimes = -1;
        m_server->setFaults(kRepo, "Wan2.1_VAE.pth", corrupt);
        auto opts = options();
        opts.parallelFiles = 1;
        const auto error = expectError([&] { wan::downloadModelSet(t2v(), folder(), opts); });
        QCOMPARE(error.kind(), wan::ErrorKind::CorruptFile);
        const std::string message = error.what();
        QVERIFY2(message.find("Wan2.1_VAE.pth") != std::string::npos, message.c_str());
        QVERIFY2(message.find("refused") != std::string::npos, message.c_str());
        QVERIFY2(message.find("SHA-256") != std::string::npos, message.c_str());
        QCOMPARE(m_server->requestsFor("Wan2.1_VAE.pth").size(), std::size_t(2));
        QVERIFY(!fs::exists(folder() / "Wan2.1_VAE.pth"));
        QVERIFY(!wan::modelSetComplete(folder()));
    }

    void httpStatus404()
    {
        addOfficialRepo(*m_server);
        FakeHubServer::Faults missing;
        missing.errorStatus = 404;
        missing.errorTimes = -1;
        m_server->setFaults(kRepo, "Wan2.1_VAE.pth", missing);
        const auto error = expectError([&] { wan::downloadModelSet(t2v(), folder(), options()); });
        QCOMPARE(error.kind(), wan::ErrorKind::Network);
        const std::string message = error.what();
        QVERIFY2(message.find("HTTP 404") != std::string::npos &&
                     message.find("Wan2.1_VAE.pth") != std::string::npos &&
                     message.find("--endpoint") != std::string::npos,
                 message.c_str());
        QCOMPARE(m_server->requestsFor("Wan2.1_VAE.pth").size(), std::size_t(1)); // not retried
        QVERIFY(!wan::modelSetComplete(folder()));
        // A repository that does not exist: the listing says so.
        FakeHubServer empty;
        QVERIFY(empty.start());
        auto opts = options();
        opts.endpoint = wan::parseHubEndpoint(empty.baseUrl());
        const auto listing = expectError([&] { wan::resolveModelSet(t2v(), opts); });
        QVERIFY2(std::string(listing.what()).find("HTTP 404") != std::string::npos, listing.what());
    }

    void httpStatus401AndToken()
    {
        const auto files = addOfficialRepo(*m_server);
        m_server->setRequiredToken("hf_secret");
        const auto error = expectError([&] { wan::downloadModelSet(t2v(), folder(), options()); });
        QCOMPARE(error.kind(), wan::ErrorKind::Network);
        std::string message = error.what();
        QVERIFY2(message.find("HTTP 401") != std::string::npos &&
                     message.find("--token") != std::string::npos,
                 message.c_str());
        auto opts = options();
        opts.token = "hf_wrong";
        message = expectError([&] { wan::downloadModelSet(t2v(), folder(), opts); }).what();
        QVERIFY2(message.find("token was refused") != std::string::npos, message.c_str());
        opts.token = "hf_secret";
        wan::downloadModelSet(t2v(), folder(), opts);
        verifyFolder(folder(), files);
        for (const auto& request : m_server->requestsFor(".pth"))
            QCOMPARE(request.authorization, std::string("Bearer hf_secret"));
    }

    void httpStatus429RetryAfter()
    {
        const auto files = addOfficialRepo(*m_server);
        FakeHubServer::Faults limited;
        limited.errorStatus = 429;
        limited.errorTimes = 2;
        limited.retryAfterSeconds = 1;
        m_server->setFaults(kRepo, "Wan2.1_VAE.pth", limited);
        wan::downloadModelSet(t2v(), folder(), options()); // the backoff alone would be 10-40 ms
        verifyFolder(folder(), files);
        const auto requests = m_server->requestsFor("Wan2.1_VAE.pth");
        QCOMPARE(requests.size(), std::size_t(3));
        for (std::size_t i = 1; i < requests.size(); ++i) {
            const auto gapMs = std::chrono::duration_cast<std::chrono::milliseconds>(requests[i].received -
                                                                                     requests[i - 1].received)
                                   .count();
            QVERIFY2(gapMs >= 950, std::to_string(gapMs).c_str());
        }
        // A Retry-After longer than the caller accepts is an error saying so.
        limited.errorTimes = -1;
        limited.retryAfterSeconds = 3600;
        m_server->setFaults(kRepo, "Wan2.1_VAE.pth", limited);
        fs::remove(folder() / "Wan2.1_VAE.pth");
        const std::string message =
            expectError([&] { wan::downloadModelSet(t2v(), folder(), options()); }).what();
        QVERIFY2(message.find("HTTP 429") != std::string::npos && message.find("3600 s") != std::string::npos,
                 message.c_str());
    }

    void httpStatus503()
    {
        const auto files = addOfficialRepo(*m_server);
        FakeHubServer::Faults down;
        down.errorStatus = 503;
        down.errorTimes = -1;
        m_server->setFaults(kRepo, "Wan2.1_VAE.pth", down);
        auto opts = options();
        opts.maxAttempts = 3;
        const auto error = expectError([&] { wan::downloadModelSet(t2v(), folder(), opts); });
        QCOMPARE(error.kind(), wan::ErrorKind::Network);
        const std::string message = error.what();
        QVERIFY2(message.find("HTTP 503") != std::string::npos &&
                     message.find("gave up after 3") != std::string::npos,
                 message.c_str());
        QCOMPARE(m_server->requestsFor("Wan2.1_VAE.pth").size(), std::size_t(3));
        // A 503 that passes (and one on the listing) is retried and the set completes.
        down.errorTimes = 2;
        m_server->setFaults(kRepo, "Wan2.1_VAE.pth", down);
        m_server->setListingStatus(kRepo, 503, 1);
        wan::downloadModelSet(t2v(), folder(), opts);
        verifyFolder(folder(), files);
    }

    void dnsFailure()
    {
        auto opts = options();
        opts.endpoint = wan::parseHubEndpoint("http://wan-studio-test.invalid");
        opts.maxAttempts = 1;
        const auto error = expectError([&] { wan::downloadModelSet(t2v(), folder(), opts); });
        QCOMPARE(error.kind(), wan::ErrorKind::Network);
        QVERIFY2(std::string(error.what()).find("DNS") != std::string::npos, error.what());
    }

    void tlsFailure()
    {
        // A plain-text server behind an https:// URL: the TLS handshake fails.
        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QVERIFY(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        QVERIFY(::listen(listener, 4) == 0);
        socklen_t length = sizeof address;
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
        std::thread server([listener] {
            const int fd = ::accept(listener, nullptr, nullptr);
            if (fd >= 0) {
                const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
                (void)!::write(fd, reply, sizeof reply - 1);
                ::close(fd);
            }
        });
        auto opts = options();
        opts.endpoint = wan::parseHubEndpoint("https://127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
        opts.maxAttempts = 1;
        const auto error = expectError([&] { wan::resolveModelSet(t2v(), opts); });
        server.join();
        ::close(listener);
        QCOMPARE(error.kind(), wan::ErrorKind::Network);
        QVERIFY2(std::string(error.what()).find("TLS") != std::string::npos, error.what());
    }

    void diskFullKeepsPart()
    {
        // A file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) makes the kernel refuse writes past 400 kB, as a
        // full disk would.
        const auto files = addOfficialRepo(*m_server, 1000000);
        auto opts = options();
        opts.parallelFiles = 1;
        rlimit original{};
        QVERIFY(::getrlimit(RLIMIT_FSIZE, &original) == 0);
        rlimit limited = original;
        limited.rlim_cur = 400000;
        QVERIFY(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
        const auto error = expectError([&] { wan::downloadModelSet(t2v(), folder(), opts); });
        QVERIFY(::setrlimit(RLIMIT_FSIZE, &original) == 0);
        QCOMPARE(error.kind(), wan::ErrorKind::Io);
        const std::string message = error.what();
        QVERIFY2(message.find("diffusion_pytorch_model.safetensors.part") != std::string::npos &&
                     message.find("resume") != std::string::npos &&
                     message.find("File too large") != std::string::npos,
                 message.c_str());
        const fs::path part = folder() / "diffusion_pytorch_model.safetensors.part";
        QVERIFY(fs::exists(part));
        const auto kept = fs::file_size(part);
        QVERIFY(kept > 0 && kept <= 400000);
        QVERIFY(!wan::modelSetComplete(folder()));

        wan::downloadModelSet(t2v(), folder(), opts);
        verifyFolder(folder(), files);
        const auto requests = m_server->requestsFor("diffusion_pytorch_model.safetensors");
        QCOMPARE(requests.back().range, "bytes=" + std::to_string(kept) + "-");
    }

    void notEnoughFreeSpace()
    {
        addOfficialRepo(*m_server);
        FakeHubServer::Faults huge;
        huge.listedSize = 2000000000000000ull; // 2 PB
        m_server->setFaults(kRepo, "diffusion_pytorch_model.safetensors", huge);
        const auto error = expectError([&] { wan::downloadModelSet(t2v(), folder(), options()); });
        QCOMPARE(error.kind(), wan::ErrorKind::Io);
        const std::string message = error.what();
        QVERIFY2(message.find("Not enough free disk space") != std::string::npos &&
                     message.find("2.0 PB") != std::string::npos && message.find("--to") != std::string::npos,
                 message.c_str());
        QCOMPARE(m_server->requestsFor("").size(), std::size_t(0)); // refused before any file was requested
    }

    void cancelLeavesResumableState()
    {
        const auto files = addOfficialRepo(*m_server, 1000000);
        FakeHubServer::Faults slow;
        slow.bytesPerSecond = 400000;
        m_server->setFaults(kRepo, "diffusion_pytorch_model.safetensors", slow);
        wan::CancelToken cancel;
        const auto error = expectError([&] {
            wan::downloadModelSet(
                t2v(), folder(), options(),
                [&](const wan::DownloadProgress& p) {
                    if (p.file == "diffusion_pytorch_model.safetensors" && p.fileBytes > 150000)
                        cancel.cancel();
                },
                &cancel);
        });
        QCOMPARE(error.kind(), wan::ErrorKind::Cancelled);
        QVERIFY2(std::string(error.what()).find("resume") != std::string::npos, error.what());
        const fs::path part = folder() / "diffusion_pytorch_model.safetensors.part";
        QVERIFY(fs::exists(part));
        const auto kept = fs::file_size(part);
        QVERIFY(kept > 150000 && kept < 1000000);
        QVERIFY(!wan::modelSetComplete(folder()));

        m_server->setFaults(kRepo, "diffusion_pytorch_model.safetensors", {});
        wan::downloadModelSet(t2v(), folder(), options());
        verifyFolder(folder(), files);
        QCOMPARE(m_server->requestsFor("diffusion_pytorch_model.safetensors").back().range,
                 "bytes=" + std::to_string(kept) + "-");
    }

    void bandwidthLimit()
    {
        const auto files = addOfficialRepo(*m_server, 400000);
        auto opts = options();
        opts.parallelFiles = 3;
        opts.maxBytesPerSecond = 1000000; // one budget for the three transfers: about 0.95 MB takes ~0.9 s
        const auto started = std::chrono::steady_clock::now();
        const auto result = wan::downloadModelSet(t2v(), folder(), opts);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        qInfo("%llu bytes at a 1 MB/s limit: %.2f s", static_cast<unsigned long long>(result.totalBytes),
              seconds);
        verifyFolder(folder(), files);
        QVERIFY2(seconds >= 0.7 * double(result.totalBytes) / 1e6, std::to_string(seconds).c_str());
        QVERIFY2(seconds < 3.0 * double(result.totalBytes) / 1e6, std::to_string(seconds).c_str());
    }
};

QTEST_GUILESS_MAIN(TestDownload)
#include "test_download.moc"
