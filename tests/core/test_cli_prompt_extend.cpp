// wan-generate --use_prompt_extend through QProcess against a loopback OpenAI-compatible server: the
// extension is used and stored, and a failing server never fails the job nor leaks the API key.
#include "media/Image.h"
#include "support/LoopbackHttpServer.h"
#include "support/ProcessRun.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

using json = nlohmann::json;

namespace {

constexpr const char* kPrompt = "a red kite over a windy beach";
constexpr const char* kExtended = "A bright red kite dances above a windswept beach at golden hour.";
constexpr const char* kKey = "sk-test-4f2a9c7e1b";

wan::test::ProcessRun runCli(const QStringList& args)
{
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DASH_API_KEY"), QString::fromLatin1(kKey));
    return wan::test::runProcess(QStringLiteral(WAN_GENERATE_PATH), args, 240000, env);
}

QStringList tinyArgs(const QString& latents, const std::string& url)
{
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-t2v";
    return {QStringLiteral("--ckpt_dir"),
            QString::fromStdString(fixture.string()),
            QStringLiteral("--task"),
            QStringLiteral("t2v-1.3B"),
            QStringLiteral("--size"),
            QStringLiteral("48*32"),
            QStringLiteral("--frame_num"),
            QStringLiteral("5"),
            QStringLiteral("--sample_steps"),
            QStringLiteral("2"),
            QStringLiteral("--base_seed"),
            QStringLiteral("7"),
            QStringLiteral("--device"),
            QStringLiteral("cpu"),
            QStringLiteral("--save_file"),
            QFileInfo(latents).dir().filePath(QStringLiteral("out.mp4")),
            QStringLiteral("--save_latents"),
            latents,
            QStringLiteral("--prompt"),
            QString::fromUtf8(kPrompt),
            QStringLiteral("--use_prompt_extend"),
            QStringLiteral("--prompt_extend_method"),
            QStringLiteral("local_qwen"),
            QStringLiteral("--prompt_extend_target_lang"),
            QStringLiteral("en"),
            QStringLiteral("--prompt_extend_url"),
            QString::fromStdString(url),
            QStringLiteral("--prompt_extend_key"),
            QString::fromLatin1(kKey),
            QStringLiteral("--prompt_extend_retries"),
            QStringLiteral("2"),
            QStringLiteral("--prompt_extend_timeout"),
            QStringLiteral("20")};
}

// The __metadata__ of a .safetensors file.
json latentsMetadata(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray head = file.read(8);
    if (head.size() != 8)
        return {};
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i)
        length = (length << 8) | std::uint8_t(head[i]);
    const QByteArray header = file.read(qint64(length));
    return json::parse(header.toStdString(), nullptr, false).value("__metadata__", json::object());
}

std::uint32_t crc32Of(const std::uint8_t* data, std::size_t size)
{
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

// `png` with an eXIf chunk right after IHDR whose TIFF (big-endian) holds Orientation = `orientation`.
QByteArray withExifOrientation(const QByteArray& png, int orientation)
{
    const std::vector<std::uint8_t> tiff = {'M',  'M',  0, 42, 0, 0, 0, 8, 0, 1,
                                            0x01, 0x12, 0, 3,  0, 0, 0, 1, 0, std::uint8_t(orientation),
                                            0,    0,    0, 0,  0, 0};
    std::vector<std::uint8_t> chunk = {0, 0, 0, std::uint8_t(tiff.size()), 'e', 'X', 'I', 'f'};
    chunk.insert(chunk.end(), tiff.begin(), tiff.end());
    const std::uint32_t crc = crc32Of(chunk.data() + 4, chunk.size() - 4);
    chunk.insert(chunk.end(), {std::uint8_t(crc >> 24), std::uint8_t(crc >> 16), std::uint8_t(crc >> 8),
                               std::uint8_t(crc)});
    QByteArray out = png;
    out.insert(8 + 25, reinterpret_cast<const char*>(chunk.data()), qsizetype(chunk.size())); // after IHDR
    return out;
}

} // namespace

class TestCliPromptExtend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void extendedPromptIsUsedAndStored();
    void failingServerKeepsOriginalPrompt();
    void imageIsSentUpright();
    void rejectsBadFlags_data();
    void rejectsBadFlags();
};

void TestCliPromptExtend::extendedPromptIsUsedAndStored()
{
    WAN_REQUIRE_FIXTURES();
    wan::test::LoopbackHttpServer server;
    QVERIFY2(server.start(), server.errorString().c_str());
    wan::test::LoopbackHttpServer::Reply reply;
    reply.body =
        json{{"id", "c1"},
             {"object", "chat.completion"},
             {"choices",
              json::array({{{"index", 0}, {"message", {{"role", "assistant"}, {"content", kExtended}}}}})}}
            .dump();
    server.enqueue(reply);

    QTemporaryDir tmp;
    const QString latents = tmp.filePath(QStringLiteral("latents.safetensors"));
    const auto run = runCli(tinyArgs(latents, server.baseUrl()));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));

    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t(1));
    QCOMPARE(requests[0].method, std::string("POST"));
    QCOMPARE(requests[0].path, std::string("/v1/chat/completions"));
    QVERIFY(requests[0].body.find(kPrompt) != std::string::npos);

    QVERIFY2(run.out.contains(QStringLiteral("Extended prompt: ") + QString::fromUtf8(kExtended)),
             qPrintable(run.out));
    QVERIFY(!run.out.contains(QString::fromLatin1(kKey)));
    QVERIFY(!run.err.contains(QString::fromLatin1(kKey)));

    const json meta = latentsMetadata(latents);
    QCOMPARE(meta.value("prompt", std::string()), std::string(kExtended));
    QCOMPARE(meta.value("original_prompt", std::string()), std::string(kPrompt));
    QVERIFY(meta.dump().find(kKey) == std::string::npos);
}

void TestCliPromptExtend::failingServerKeepsOriginalPrompt()
{
    WAN_REQUIRE_FIXTURES();
    wan::test::LoopbackHttpServer server;
    QVERIFY2(server.start(), server.errorString().c_str());
    for (int i = 0; i < 2; ++i) {
        wan::test::LoopbackHttpServer::Reply reply;
        reply.status = 500;
        reply.body = R"({"error":{"message":"model overloaded"}})";
        server.enqueue(reply);
    }

    QTemporaryDir tmp;
    const QString latents = tmp.filePath(QStringLiteral("latents.safetensors"));
    const auto run = runCli(tinyArgs(latents, server.baseUrl()));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(!server.requests().empty());
    QVERIFY2(run.err.contains(QStringLiteral("original prompt")), qPrintable(run.err));
    QVERIFY(!run.out.contains(QStringLiteral("Extended prompt")));
    QVERIFY(!run.out.contains(QString::fromLatin1(kKey)));
    QVERIFY(!run.err.contains(QString::fromLatin1(kKey)));

    const json meta = latentsMetadata(latents);
    QCOMPARE(meta.value("prompt", std::string()), std::string(kPrompt));
    QVERIFY(!meta.contains("original_prompt"));
}

// A photo whose EXIF orientation turns it: the vision model must see it as the engine uses it (and as the
// GUI shows it), upright, not as stored.
void TestCliPromptExtend::imageIsSentUpright()
{
    WAN_REQUIRE_FIXTURES();
    const auto fixture = wan::test::fixturesDir() / "wan-tiny-i2v";
    QFile original(QString::fromStdString((fixture / "reference" / "i2v_input.png").string()));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QTemporaryDir tmp;
    const QString rotated = tmp.filePath(QStringLiteral("rotated.png"));
    {
        QFile file(rotated);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(withExifOrientation(original.readAll(), 6)); // stored 80x48, shown 48x80
    }
    const auto upright = wan::media::loadImageRgb(rotated.toStdString(), wan::media::ExifOrientation::Apply);
    const auto stored = wan::media::loadImageRgb(rotated.toStdString(), wan::media::ExifOrientation::Ignore);
    QCOMPARE(stored.width, upright.height);
    QVERIFY(upright.width != upright.height);

    wan::test::LoopbackHttpServer server;
    QVERIFY2(server.start(), server.errorString().c_str());
    wan::test::LoopbackHttpServer::Reply reply;
    reply.body =
        json{{"id", "c1"},
             {"object", "chat.completion"},
             {"choices",
              json::array({{{"index", 0}, {"message", {{"role", "assistant"}, {"content", kExtended}}}}})}}
            .dump();
    server.enqueue(reply);
    QStringList args = tinyArgs(tmp.filePath(QStringLiteral("latents.safetensors")), server.baseUrl());
    args[args.indexOf(QStringLiteral("--ckpt_dir")) + 1] = QString::fromStdString(fixture.string());
    args[args.indexOf(QStringLiteral("--task")) + 1] = QStringLiteral("i2v-14B");
    args[args.indexOf(QStringLiteral("--size")) + 1] = QStringLiteral("64*48");
    args[args.indexOf(QStringLiteral("--sample_steps")) + 1] = QStringLiteral("1");
    args << QStringLiteral("--image") << rotated;
    const auto run = runCli(args);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));

    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t(1));
    const std::string prefix = "data:image/png;base64,";
    const auto at = requests[0].body.find(prefix);
    QVERIFY2(at != std::string::npos, requests[0].body.substr(0, 400).c_str());
    const auto end = requests[0].body.find('"', at);
    const QByteArray sentPng = QByteArray::fromBase64(
        QByteArray::fromStdString(requests[0].body.substr(at + prefix.size(), end - at - prefix.size())));
    const auto sent = wan::media::decodeImageRgb(
        std::span(reinterpret_cast<const std::uint8_t*>(sentPng.constData()), std::size_t(sentPng.size())),
        wan::media::ExifOrientation::Ignore);
    QCOMPARE(sent.width, upright.width);
    QCOMPARE(sent.height, upright.height);
    QVERIFY2(sent.rgb == upright.rgb, "the image sent differs from the upright picture the engine uses");
}

void TestCliPromptExtend::rejectsBadFlags_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("message");
    QTest::newRow("method") << QStringList{QStringLiteral("--prompt_extend_method"), QStringLiteral("gpt")}
                            << QStringLiteral("dashscope or local_qwen");
    QTest::newRow("language") << QStringList{QStringLiteral("--prompt_extend_target_lang"),
                                             QStringLiteral("fr")}
                              << QStringLiteral("zh or en");
    QTest::newRow("retries") << QStringList{QStringLiteral("--prompt_extend_retries"), QStringLiteral("0")}
                             << QStringLiteral("--prompt_extend_retries");
    QTest::newRow("timeout") << QStringList{QStringLiteral("--prompt_extend_timeout"), QStringLiteral("x")}
                             << QStringLiteral("--prompt_extend_timeout");
}

void TestCliPromptExtend::rejectsBadFlags()
{
    QFETCH(QStringList, flags);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    const auto run = runCli(
        QStringList{QStringLiteral("--ckpt_dir"), tmp.path(), QStringLiteral("--use_prompt_extend")} + flags);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
}

QTEST_GUILESS_MAIN(TestCliPromptExtend)
#include "test_cli_prompt_extend.moc"
