// Prompt extension against a loopback HTTP server: wire format of both back ends, failures, retries,
// timeouts, size limits and cancellation. No external network.

#include "prompt/PromptProtocol.h"
#include "support/LoopbackHttpServer.h"
#include "wan/PromptExtend.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <thread>

using namespace std::chrono_literals;
using nlohmann::json;
using wan::test::LoopbackHttpServer;

Q_DECLARE_METATYPE(wan::PromptBackend)
Q_DECLARE_METATYPE(wan::PromptLanguage)
Q_DECLARE_METATYPE(wan::PromptTask)

namespace {

constexpr const char* kKey = "sk-test-4f9c2b7e1d";

#define REQUIRE_CURL()                                                                                       \
    do {                                                                                                     \
        if (!wan::promptExtensionAvailable())                                                                \
            QSKIP("built without libcurl");                                                                  \
    } while (false)

// The PromptExtendError that `call` throws; nothing when it returns.
template <typename Call> std::optional<wan::PromptExtendError> failureOf(Call call)
{
    try {
        call();
    } catch (const wan::PromptExtendError& error) {
        return error;
    }
    return std::nullopt;
}

std::string dashscopeReply(const std::string& text)
{
    return json{{"output",
                 {{"choices", json::array({{{"finish_reason", "stop"},
                                            {"message", {{"role", "assistant"}, {"content", text}}}}})}}},
                {"request_id", "r1"}}
        .dump();
}

std::string dashscopeVisionReply(const std::string& text)
{
    return json{
        {"output",
         {{"choices",
           json::array(
               {{{"message", {{"role", "assistant"}, {"content", json::array({{{"text", text}}})}}}}})}}}}
        .dump();
}

std::string openAiReply(const std::string& text)
{
    return json{
        {"id", "c1"},
        {"object", "chat.completion"},
        {"choices", json::array({{{"index", 0}, {"message", {{"role", "assistant"}, {"content", text}}}}})}}
        .dump();
}

std::vector<std::uint8_t> tinyPng()
{
    return {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 1, 2, 3};
}

LoopbackHttpServer::Reply ok(std::string body)
{
    LoopbackHttpServer::Reply reply;
    reply.body = std::move(body);
    return reply;
}

LoopbackHttpServer::Reply status(int code, std::string body = R"({"code":"Err","message":"failure"})")
{
    LoopbackHttpServer::Reply reply;
    reply.status = code;
    reply.body = std::move(body);
    return reply;
}

long long msSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
        .count();
}

} // namespace

class TestPromptExtend : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<LoopbackHttpServer> m_server;
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> m_logSink;
    std::shared_ptr<spdlog::logger> m_previousLogger;

    wan::PromptExtendSettings settings(wan::PromptBackend backend = wan::PromptBackend::Dashscope) const
    {
        wan::PromptExtendSettings s;
        s.backend = backend;
        s.baseUrl = m_server->baseUrl();
        s.apiKey = kKey;
        s.connectTimeoutMs = 1000;
        s.totalTimeoutMs = 5000;
        s.maxAttempts = 3;
        s.initialBackoffMs = 10;
        s.maxBackoffMs = 50;
        return s;
    }

    static wan::PromptExtendRequest request(wan::PromptTask task = wan::PromptTask::TextToVideo,
                                            wan::PromptLanguage language = wan::PromptLanguage::English)
    {
        wan::PromptExtendRequest r;
        r.prompt = "a cat surfing";
        r.task = task;
        r.language = language;
        if (task == wan::PromptTask::ImageToVideo)
            r.image = tinyPng();
        return r;
    }

    void expectLogsWithoutKey()
    {
        for (const auto& line : m_logSink->last_formatted())
            QVERIFY2(line.find(kKey) == std::string::npos, line.c_str());
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_logSink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
        m_previousLogger = spdlog::default_logger();
        spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", m_logSink));
        spdlog::set_level(spdlog::level::debug);
    }

    void cleanupTestCase() { spdlog::set_default_logger(m_previousLogger); }

    void init()
    {
        m_server = std::make_unique<LoopbackHttpServer>();
        QVERIFY2(m_server->start(), m_server->errorString().c_str());
    }

    void cleanup()
    {
        m_server->stop();
        expectLogsWithoutKey();
    }

    void systemPrompts_data()
    {
        QTest::addColumn<wan::PromptTask>("task");
        QTest::addColumn<wan::PromptLanguage>("language");
        QTest::addColumn<QString>("marker");
        QTest::newRow("t2v en") << wan::PromptTask::TextToVideo << wan::PromptLanguage::English
                                << "80 to 100 words";
        QTest::newRow("i2v en") << wan::PromptTask::ImageToVideo << wan::PromptLanguage::English
                                << "first frame";
        QTest::newRow("t2i en") << wan::PromptTask::TextToImage << wan::PromptLanguage::English
                                << "text-to-image";
        QTest::newRow("t2v zh") << wan::PromptTask::TextToVideo << wan::PromptLanguage::Chinese
                                << "80到100字";
        QTest::newRow("i2v zh") << wan::PromptTask::ImageToVideo << wan::PromptLanguage::Chinese << "第一帧";
        QTest::newRow("t2i zh") << wan::PromptTask::TextToImage << wan::PromptLanguage::Chinese << "文生图";
    }

    void systemPrompts()
    {
        QFETCH(wan::PromptTask, task);
        QFETCH(wan::PromptLanguage, language);
        QFETCH(QString, marker);
        const std::string text = wan::promptExtendSystemPrompt(task, language);
        QVERIFY(text.find(marker.toStdString()) != std::string::npos);
    }

    void protocolHelpers()
    {
        using namespace wan::prompt;
        const std::uint8_t bytes[] = {'M', 'a', 'n', 'y', '!'};
        QCOMPARE(base64Encode(std::span(bytes, 5)), std::string("TWFueSE="));
        QCOMPARE(base64Encode(std::span(bytes, 4)), std::string("TWFueQ=="));
        QCOMPARE(base64Encode(std::span(bytes, 3)), std::string("TWFu"));
        QCOMPARE(sniffImageMime(tinyPng()), std::string("image/png"));
        const std::vector<std::uint8_t> jpeg = {0xFF, 0xD8, 0xFF, 0xE0};
        QCOMPARE(sniffImageMime(jpeg), std::string("image/jpeg"));
        QCOMPARE(redact("key sk-abcdef in sk-abcdef", "sk-abcdef"), std::string("key *** in ***"));
        QCOMPARE(parseRetryAfterMs(" 2 "), 2000);
        QCOMPARE(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"), -1);

        wan::PromptExtendSettings s;
        s.backend = wan::PromptBackend::Dashscope;
        s.baseUrl = "https://example.com/api/v1/";
        QCOMPARE(resolveEndpoint(s, request()).url,
                 std::string("https://example.com/api/v1/services/aigc/text-generation/generation"));
        QCOMPARE(resolveEndpoint(s, request()).model, std::string("qwen-plus"));
        QCOMPARE(resolveEndpoint(s, request(wan::PromptTask::ImageToVideo)).model,
                 std::string("qwen-vl-max"));
        // An I2V request without its image falls back to the text model.
        auto noImage = request(wan::PromptTask::ImageToVideo);
        noImage.image.clear();
        QCOMPARE(resolveEndpoint(s, noImage).model, std::string("qwen-plus"));
        s.backend = wan::PromptBackend::OpenAiCompatible;
        s.baseUrl = "http://host:1234/v1";
        QCOMPARE(resolveEndpoint(s, request()).url, std::string("http://host:1234/v1/chat/completions"));
        s.baseUrl = "http://host:1234";
        QCOMPARE(resolveEndpoint(s, request()).url, std::string("http://host:1234/v1/chat/completions"));

        std::string error;
        const auto quoted = parseReply(wan::PromptBackend::OpenAiCompatible,
                                       openAiReply("\n \"A tabby cat rides\na wave.\" \n"), error);
        QVERIFY(quoted);
        QCOMPARE(*quoted, std::string("A tabby cat rides a wave."));
    }

    void success_data()
    {
        QTest::addColumn<wan::PromptBackend>("backend");
        QTest::addColumn<wan::PromptLanguage>("language");
        QTest::addColumn<wan::PromptTask>("task");
        QTest::addColumn<QString>("reply");
        using B = wan::PromptBackend;
        using L = wan::PromptLanguage;
        using T = wan::PromptTask;
        const QString en = "A ginger cat rides a turquoise wave on a small surfboard, tracking shot.";
        const QString zh = "一只橘猫踩着小冲浪板驶过碧绿的海浪，镜头跟拍。";
        QTest::newRow("dashscope t2v en") << B::Dashscope << L::English << T::TextToVideo << en;
        QTest::newRow("dashscope t2v zh") << B::Dashscope << L::Chinese << T::TextToVideo << zh;
        QTest::newRow("dashscope i2v en") << B::Dashscope << L::English << T::ImageToVideo << en;
        QTest::newRow("dashscope i2v zh") << B::Dashscope << L::Chinese << T::ImageToVideo << zh;
        QTest::newRow("openai t2v en") << B::OpenAiCompatible << L::English << T::TextToVideo << en;
        QTest::newRow("openai t2v zh") << B::OpenAiCompatible << L::Chinese << T::TextToVideo << zh;
        QTest::newRow("openai i2v en") << B::OpenAiCompatible << L::English << T::ImageToVideo << en;
        QTest::newRow("openai i2v zh") << B::OpenAiCompatible << L::Chinese << T::ImageToVideo << zh;
    }

    void success()
    {
        REQUIRE_CURL();
        QFETCH(wan::PromptBackend, backend);
        QFETCH(wan::PromptLanguage, language);
        QFETCH(wan::PromptTask, task);
        QFETCH(QString, reply);
        const bool dashscope = backend == wan::PromptBackend::Dashscope;
        const bool image = task == wan::PromptTask::ImageToVideo;
        const std::string text = reply.toStdString();
        m_server->enqueue(
            ok(dashscope ? (image ? dashscopeVisionReply(text) : dashscopeReply(text)) : openAiReply(text)));

        auto s = settings(backend);
        s.textModel = dashscope ? "" : "qwen2.5-7b";
        s.visionModel = dashscope ? "" : "qwen2.5-vl-7b";
        auto r = request(task, language);
        r.seed = 42;
        const auto result = wan::makePromptExtender(s)->extend(r);
        QCOMPARE(result.prompt, text);
        QCOMPARE(result.attempts, 1);
        QCOMPARE(result.httpStatus, 200L);

        const auto requests = m_server->requests();
        QCOMPARE(requests.size(), std::size_t(1));
        const auto& req = requests[0];
        QCOMPARE(req.method, std::string("POST"));
        QCOMPARE(req.headers.at("authorization"), std::string("Bearer ") + kKey);
        QVERIFY(req.headers.at("content-type").starts_with("application/json"));
        const json body = json::parse(req.body);
        const std::string system = wan::promptExtendSystemPrompt(task, language);
        const std::string dataUrl = "data:image/png;base64," + wan::prompt::base64Encode(tinyPng());
        if (dashscope) {
            QCOMPARE(req.path, std::string(image ? "/api/v1/services/aigc/multimodal-generation/generation"
                                                 : "/api/v1/services/aigc/text-generation/generation"));
            QCOMPARE(body["model"].get<std::string>(), std::string(image ? "qwen-vl-max" : "qwen-plus"));
            QCOMPARE(body["parameters"]["result_format"].get<std::string>(), std::string("message"));
            QCOMPARE(body["parameters"]["seed"].get<int>(), 42);
            const json& messages = body["input"]["messages"];
            QCOMPARE(messages.size(), std::size_t(2));
            QCOMPARE(messages[0]["role"].get<std::string>(), std::string("system"));
            QCOMPARE(messages[1]["role"].get<std::string>(), std::string("user"));
            if (image) {
                QCOMPARE(messages[0]["content"][0]["text"].get<std::string>(), system);
                QCOMPARE(messages[1]["content"][0]["image"].get<std::string>(), dataUrl);
                QCOMPARE(messages[1]["content"][1]["text"].get<std::string>(), r.prompt);
            } else {
                QCOMPARE(messages[0]["content"].get<std::string>(), system);
                QCOMPARE(messages[1]["content"].get<std::string>(), r.prompt);
            }
        } else {
            QCOMPARE(req.path, std::string("/v1/chat/completions"));
            QCOMPARE(body["model"].get<std::string>(), std::string(image ? "qwen2.5-vl-7b" : "qwen2.5-7b"));
            QCOMPARE(body["seed"].get<int>(), 42);
            QCOMPARE(body["stream"].get<bool>(), false);
            const json& messages = body["messages"];
            QCOMPARE(messages[0]["role"].get<std::string>(), std::string("system"));
            QCOMPARE(messages[0]["content"].get<std::string>(), system);
            if (image) {
                QCOMPARE(messages[1]["content"][0]["type"].get<std::string>(), std::string("image_url"));
                QCOMPARE(messages[1]["content"][0]["image_url"]["url"].get<std::string>(), dataUrl);
                QCOMPARE(messages[1]["content"][1]["type"].get<std::string>(), std::string("text"));
                QCOMPARE(messages[1]["content"][1]["text"].get<std::string>(), r.prompt);
            } else {
                QCOMPARE(messages[1]["content"].get<std::string>(), r.prompt);
            }
        }
    }

    // A key never goes over plain http to another computer, nor silently where DASH_API_URL points.
    void keyNeverSentUnencrypted_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("https") << "https://dashscope-intl.aliyuncs.com/api/v1" << true;
        QTest::newRow("http loopback") << "http://127.0.0.1:8000/v1" << true;
        QTest::newRow("http localhost") << "http://localhost:8000/v1" << true;
        QTest::newRow("http ipv6 loopback") << "http://[::1]:8000/v1" << true;
        QTest::newRow("http other computer") << "http://192.0.2.1:8000/v1" << false;
        QTest::newRow("http host named like loopback") << "http://localhost.example.com/v1" << false;
        QTest::newRow("http user@ trick") << "http://127.0.0.1@192.0.2.1/v1" << false;
    }

    void keyNeverSentUnencrypted()
    {
        QFETCH(QString, url);
        QFETCH(bool, allowed);
        QCOMPARE(wan::prompt::keyMayGoTo(url.toStdString()), allowed);
        if (allowed)
            return;
        REQUIRE_CURL();
        auto s = settings(wan::PromptBackend::OpenAiCompatible);
        s.baseUrl = url.toStdString();
        s.connectTimeoutMs = 200;
        s.totalTimeoutMs = 500;
        s.maxAttempts = 1;
        const auto error = failureOf([&] { wan::makePromptExtender(s)->extend(request()); });
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::InvalidArgument);
        const std::string message = error->what();
        QVERIFY2(QString::fromStdString(message).contains(QLatin1String("not sent to")), message.c_str());
        QVERIFY(message.find(kKey) == std::string::npos);
    }

    void dashApiUrlIsNotSilent()
    {
        REQUIRE_CURL();
        qputenv("DASH_API_URL", "http://192.0.2.1:8000");
        auto s = settings();
        s.baseUrl.clear();
        s.connectTimeoutMs = 200;
        s.totalTimeoutMs = 500;
        s.maxAttempts = 1;
        const auto error = failureOf([&] { wan::makePromptExtender(s)->extend(request()); });
        qunsetenv("DASH_API_URL");
        QVERIFY(error);
        QVERIFY2(
            QString::fromUtf8(error->what()).contains(QLatin1String("not sent to http://192.0.2.1:8000")),
            error->what());
        bool warned = false;
        for (const auto& line : m_logSink->last_formatted())
            warned = warned || line.find("DASH_API_URL sends") != std::string::npos;
        QVERIFY(warned);
    }

    void localEndpointWithoutKeySendsNoAuthorization()
    {
        REQUIRE_CURL();
        m_server->enqueue(ok(openAiReply("A cat surfs.")));
        auto s = settings(wan::PromptBackend::OpenAiCompatible);
        s.apiKey.clear();
        QCOMPARE(wan::makePromptExtender(s)->extend(request()).prompt, std::string("A cat surfs."));
        QCOMPARE(m_server->requests().at(0).headers.count("authorization"), std::size_t(0));
    }

    void httpFailures_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("401 key") << 401 << "rejected the API key";
        QTest::newRow("403 key") << 403 << "rejected the API key";
        QTest::newRow("404 model") << 404 << "was not found";
        QTest::newRow("400 refused") << 400 << "refused the request";
    }

    void httpFailures()
    {
        REQUIRE_CURL();
        QFETCH(int, code);
        QFETCH(QString, fragment);
        // The server echoes the key: it must not reach the message or the log.
        m_server->enqueue(
            status(code, json{{"code", "InvalidApiKey"}, {"message", std::string("bad ") + kKey}}.dump()));
        const auto error = failureOf([&] { wan::makePromptExtender(settings())->extend(request()); });
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::Network);
        QCOMPARE(error->attempts(), 1);
        QCOMPARE(error->httpStatus(), long(code));
        const std::string message = error->what();
        QVERIFY2(message.find(fragment.toStdString()) != std::string::npos, message.c_str());
        QVERIFY2(message.starts_with("prompt extension failed: "), message.c_str());
        QVERIFY(message.find(kKey) == std::string::npos);
        QVERIFY(message.find("InvalidApiKey") != std::string::npos);
    }

    void rateLimitedThenSuccessHonoursRetryAfter()
    {
        REQUIRE_CURL();
        auto limited = status(429);
        limited.headers = {{"Retry-After", "1"}};
        m_server->enqueue(limited);
        m_server->enqueue(ok(dashscopeReply("A cat surfs a wave.")));
        const auto result = wan::makePromptExtender(settings())->extend(request());
        QCOMPARE(result.prompt, std::string("A cat surfs a wave."));
        QCOMPARE(result.attempts, 2);
        const auto requests = m_server->requests();
        QCOMPARE(requests.size(), std::size_t(2));
        const auto gapMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(requests[1].received - requests[0].received)
                .count();
        QVERIFY2(gapMs >= 950, std::to_string(gapMs).c_str()); // our own backoff would be ~10 ms
    }

    void retryAfterBeyondTheDeadlineFailsAtOnce()
    {
        REQUIRE_CURL();
        auto limited = status(503);
        limited.headers = {{"Retry-After", "120"}};
        m_server->enqueue(limited);
        const auto start = std::chrono::steady_clock::now();
        const auto error = failureOf([&] { wan::makePromptExtender(settings())->extend(request()); });
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::Network);
        QCOMPARE(error->attempts(), 1);
        QVERIFY(msSince(start) < 1000);
        QVERIFY2(std::string(error->what()).find("limit") != std::string::npos, error->what());
    }

    void serverErrorsExhaustRetries()
    {
        REQUIRE_CURL();
        for (int i = 0; i < 3; ++i)
            m_server->enqueue(status(500));
        const auto error = failureOf([&] { wan::makePromptExtender(settings())->extend(request()); });
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::Network);
        QCOMPARE(error->attempts(), 3);
        QCOMPARE(error->httpStatus(), 500L);
        QCOMPARE(m_server->requests().size(), std::size_t(3));
        const std::string message = error->what();
        QVERIFY2(message.find("HTTP 500") != std::string::npos, message.c_str());
        QVERIFY2(message.find("after 3 attempt") != std::string::npos, message.c_str());
    }

    void hangTimesOutFast()
    {
        REQUIRE_CURL();
        LoopbackHttpServer::Reply hang;
        hang.hang = true;
        m_server->enqueue(hang);
        auto s = settings();
        s.totalTimeoutMs = 300;
        const auto start = std::chrono::steady_clock::now();
        const auto error = failureOf([&] { wan::makePromptExtender(s)->extend(request()); });
        const auto elapsed = msSince(start);
        qInfo("hang with a 300 ms limit returned after %lld ms", elapsed);
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::Network);
        QVERIFY2(elapsed >= 250 && elapsed < 1000, std::to_string(elapsed).c_str());
        QVERIFY2(std::string(error->what()).find("timed out") != std::string::npos, error->what());
    }

    void badReplies_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("malformed json") << R"({"output": {"choices": [)"
                                        << "not valid JSON";
        QTest::newRow("not json") << "<html>gateway</html>"
                                  << "not valid JSON";
        QTest::newRow("empty content") << QString::fromStdString(dashscopeReply("  \n ")) << "empty prompt";
        QTest::newRow("error object with 200")
            << R"({"code":"DataInspectionFailed","message":"unsafe input"})"
            << "the service said: DataInspectionFailed";
        QTest::newRow("no choices") << R"({"output": {"choices": []}})"
                                    << "no output.choices[0]";
        QTest::newRow("content not text") << R"({"output":{"choices":[{"message":{"content":5}}]}})"
                                          << "not text";
    }

    void badReplies()
    {
        REQUIRE_CURL();
        QFETCH(QString, body);
        QFETCH(QString, fragment);
        m_server->enqueue(ok(body.toStdString()));
        const auto error = failureOf([&] { wan::makePromptExtender(settings())->extend(request()); });
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::Network);
        QCOMPARE(error->attempts(), 1);
        QVERIFY2(std::string(error->what()).find(fragment.toStdString()) != std::string::npos, error->what());
    }

    void oversizedReplyIsRejected()
    {
        REQUIRE_CURL();
        m_server->enqueue(ok(dashscopeReply(std::string(8192, 'x'))));
        auto s = settings();
        s.maxReplyBytes = 4096;
        const auto error = failureOf([&] { wan::makePromptExtender(s)->extend(request()); });
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::Network);
        QCOMPARE(error->attempts(), 1);
        QVERIFY2(std::string(error->what()).find("larger than 4096 bytes") != std::string::npos,
                 error->what());
    }

    void slowStreamIsCancelledFromAnotherThread()
    {
        REQUIRE_CURL();
        LoopbackHttpServer::Reply slow = ok(dashscopeReply(std::string(2000, 'y')));
        slow.chunks = 40;
        slow.chunkInterval = 100ms; // ~4 s in all
        m_server->enqueue(slow);
        wan::CancelToken cancel;
        std::thread canceller([&] {
            std::this_thread::sleep_for(300ms);
            cancel.cancel();
        });
        const auto start = std::chrono::steady_clock::now();
        const auto error =
            failureOf([&] { wan::makePromptExtender(settings())->extend(request(), &cancel); });
        const auto elapsed = msSince(start);
        canceller.join();
        qInfo("cancelled a slow stream after %lld ms (cancel at 300 ms)", elapsed);
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::Cancelled);
        QVERIFY2(elapsed < 300 + 200, std::to_string(elapsed).c_str());
        QVERIFY2(std::string(error->what()).find("cancelled") != std::string::npos, error->what());
    }

    void hangIsCancelledDuringBackoff()
    {
        REQUIRE_CURL();
        auto limited = status(429);
        limited.headers = {{"Retry-After", "3"}};
        m_server->enqueue(limited);
        wan::CancelToken cancel;
        std::thread canceller([&] {
            std::this_thread::sleep_for(200ms);
            cancel.cancel();
        });
        const auto start = std::chrono::steady_clock::now();
        const auto error =
            failureOf([&] { wan::makePromptExtender(settings())->extend(request(), &cancel); });
        const auto elapsed = msSince(start);
        canceller.join();
        qInfo("cancelled during a 3 s Retry-After wait after %lld ms (cancel at 200 ms)", elapsed);
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::Cancelled);
        QCOMPARE(error->attempts(), 1);
        QCOMPARE(error->httpStatus(), 429L);
        QVERIFY2(elapsed < 200 + 200, std::to_string(elapsed).c_str());
    }

    void connectionRefusedIsRetriedThenReported()
    {
        REQUIRE_CURL();
        const std::string url = m_server->baseUrl();
        m_server->stop(); // nothing listens on that port any more
        auto s = settings(wan::PromptBackend::OpenAiCompatible);
        s.baseUrl = url;
        s.maxAttempts = 2;
        const auto error = failureOf([&] { wan::makePromptExtender(s)->extend(request()); });
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::Network);
        QCOMPARE(error->attempts(), 2);
        QCOMPARE(error->httpStatus(), 0L);
        QVERIFY2(std::string(error->what()).find("cannot reach") != std::string::npos, error->what());
    }

    void missingDashscopeKeyFailsWithoutRequest()
    {
        const QByteArray saved = qgetenv("DASH_API_KEY");
        qunsetenv("DASH_API_KEY");
        auto s = settings();
        s.apiKey.clear();
        const auto error = failureOf([&] { wan::makePromptExtender(s)->extend(request()); });
        if (!saved.isNull())
            qputenv("DASH_API_KEY", saved);
        QVERIFY(error);
        QCOMPARE(error->kind(), wan::ErrorKind::InvalidArgument);
        QCOMPARE(error->attempts(), 0);
        QVERIFY2(std::string(error->what()).find("DASH_API_KEY") != std::string::npos, error->what());
        QVERIFY(m_server->requests().empty());
    }

    void keyAndUrlFromEnvironment()
    {
        REQUIRE_CURL();
        m_server->enqueue(ok(dashscopeReply("A cat surfs.")));
        qputenv("DASH_API_KEY", "env-key-123456");
        qputenv("DASH_API_URL", QByteArray::fromStdString(m_server->baseUrl() + "/api/v1"));
        wan::PromptExtendSettings s = settings();
        s.apiKey.clear();
        s.baseUrl.clear();
        const auto result = wan::makePromptExtender(s)->extend(request());
        qunsetenv("DASH_API_KEY");
        qunsetenv("DASH_API_URL");
        QCOMPARE(result.prompt, std::string("A cat surfs."));
        QCOMPARE(m_server->requests().at(0).headers.at("authorization"),
                 std::string("Bearer env-key-123456"));
    }

    void flags_data()
    {
        QTest::addColumn<bool>("enabled");
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("lang");
        QTest::addColumn<QString>("task");
        QTest::addColumn<bool>("expectOk");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("disabled") << false << "local_qwen"
                                  << "zh"
                                  << "t2v-14B" << false << "";
        QTest::newRow("local zh") << true << "local_qwen"
                                  << "zh"
                                  << "t2v-1.3B" << true << "";
        QTest::newRow("dashscope t2i en") << true << "dashscope"
                                          << "en"
                                          << "t2i-14B" << true << "";
        QTest::newRow("bad method") << true << "magic"
                                    << "zh"
                                    << "t2v-14B" << false << "unknown --prompt_extend_method";
        QTest::newRow("bad lang") << true << "dashscope"
                                  << "fr"
                                  << "t2v-14B" << false << "target_lang";
        QTest::newRow("i2v without image") << true << "dashscope"
                                           << "zh"
                                           << "i2v-14B" << false << "--image";
    }

    void flags()
    {
        QFETCH(bool, enabled);
        QFETCH(QString, method);
        QFETCH(QString, lang);
        QFETCH(QString, task);
        QFETCH(bool, expectOk);
        QFETCH(QString, fragment);
        if (expectOk) {
            REQUIRE_CURL();
            m_server->enqueue(
                ok(method == "dashscope" ? dashscopeReply("Rewritten.") : openAiReply("Rewritten.")));
        }
        wan::PromptExtendFlags f;
        f.enabled = enabled;
        f.method = method.toStdString();
        f.targetLang = lang.toStdString();
        f.task = task.toStdString();
        f.url = m_server->baseUrl();
        f.apiKey = kKey;
        f.timeoutSeconds = 5;
        std::optional<wan::PromptExtension> result;
        const auto error = failureOf([&] { result = wan::extendPromptFromFlags(f, "a cat surfing"); });
        if (fragment.isEmpty()) {
            QVERIFY2(!error, error ? error->what() : "");
            QVERIFY(result);
            QCOMPARE(result->prompt, std::string(expectOk ? "Rewritten." : "a cat surfing"));
            QCOMPARE(result->attempts, expectOk ? 1 : 0);
        } else {
            QVERIFY(error);
            QCOMPARE(error->kind(), wan::ErrorKind::InvalidArgument);
            QVERIFY2(std::string(error->what()).find(fragment.toStdString()) != std::string::npos,
                     error->what());
            QVERIFY(m_server->requests().empty());
        }
        if (expectOk) {
            const json body = json::parse(m_server->requests().at(0).body);
            const auto language = lang == "zh" ? wan::PromptLanguage::Chinese : wan::PromptLanguage::English;
            const auto t =
                task.startsWith("t2i") ? wan::PromptTask::TextToImage : wan::PromptTask::TextToVideo;
            const json& messages = method == "dashscope" ? body["input"]["messages"] : body["messages"];
            QCOMPARE(messages[0]["content"].get<std::string>(), wan::promptExtendSystemPrompt(t, language));
        }
    }

    void flagsImageToVideoSendsTheImageFile()
    {
        REQUIRE_CURL();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("first.png"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const auto png = tinyPng();
        file.write(reinterpret_cast<const char*>(png.data()), qint64(png.size()));
        file.close();
        m_server->enqueue(ok(dashscopeVisionReply("The cat rides on.")));
        wan::PromptExtendFlags f;
        f.enabled = true;
        f.method = "dashscope";
        f.model = "qwen-vl-plus";
        f.task = "i2v-14B";
        f.imagePath = path.toStdString();
        f.url = m_server->baseUrl();
        f.apiKey = kKey;
        f.seed = 7;
        const auto result = wan::extendPromptFromFlags(f, "the cat keeps surfing");
        QCOMPARE(result.prompt, std::string("The cat rides on."));
        const auto req = m_server->requests().at(0);
        QCOMPARE(req.path, std::string("/api/v1/services/aigc/multimodal-generation/generation"));
        const json body = json::parse(req.body);
        QCOMPARE(body["model"].get<std::string>(), std::string("qwen-vl-plus"));
        QCOMPARE(body["parameters"]["seed"].get<int>(), 7);
        QCOMPARE(body["input"]["messages"][1]["content"][0]["image"].get<std::string>(),
                 "data:image/png;base64," + wan::prompt::base64Encode(png));
        QCOMPARE(body["input"]["messages"][0]["content"][0]["text"].get<std::string>(),
                 wan::promptExtendSystemPrompt(wan::PromptTask::ImageToVideo, wan::PromptLanguage::Chinese));
    }

    void withoutCurlReportsIt()
    {
        if (wan::promptExtensionAvailable())
            QSKIP("built with libcurl");
        const auto error = failureOf([&] { wan::makePromptExtender(settings())->extend(request()); });
        QVERIFY(error);
        QVERIFY(std::string(error->what()).find("built without libcurl") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestPromptExtend)
#include "test_prompt_extend.moc"
