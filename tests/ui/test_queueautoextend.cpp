// The queue runner's automatic prompt extension with a scripted engine and a loopback OpenAI-compatible
// server: the extension is used, stored and shown; a failure or a cancel never leaves the queue stuck.
#include "FakeJobRunner.h"
#include "InferenceBridge.h"
#include "PromptExtendSettingsStore.h"
#include "QueueRunner.h"
#include "RenderQueueModel.h"
#include "support/LoopbackHttpServer.h"

#include <QAbstractEventDispatcher>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace wan::ui;
using wan::test::LoopbackHttpServer;
using wan::ui::test::fakeRunnerFactory;
using wan::ui::test::FakeRunnerLog;

namespace {

constexpr const char* kPrompt = "a red fox in the snow";
constexpr const char* kExtended = "A red fox trots through fresh powder snow under a pale winter sun.";

RenderJob makeJob()
{
    RenderJob job;
    job.request.prompt = kPrompt;
    job.request.steps = 3;
    job.request.width = 48;
    job.request.height = 32;
    job.request.frameNum = 9;
    return job;
}

// Prompt-extension settings for the loopback server in a settings file of their own, saved as the settings
// page saves them.
struct ExtendSettings
{
    QTemporaryDir dir;
    QSettings settings{dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat};
    PromptExtendSettingsStore store{&settings};
};

PromptExtendConfig extendConfig(const LoopbackHttpServer& server, bool enabled)
{
    PromptExtendConfig config;
    config.enabled = enabled;
    config.backend = wan::PromptBackend::OpenAiCompatible;
    config.openAi.url = QString::fromStdString(server.baseUrl());
    config.attempts = 1;
    config.timeoutSeconds = 20;
    config.language = wan::PromptLanguage::English;
    return config;
}

std::unique_ptr<ExtendSettings> extendSettings(const LoopbackHttpServer& server, bool enabled = true)
{
    auto settings = std::make_unique<ExtendSettings>();
    settings->store.save(extendConfig(server, enabled));
    return settings;
}

LoopbackHttpServer::Reply chatReply(const std::string& text)
{
    LoopbackHttpServer::Reply reply;
    reply.body =
        R"({"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",)"
        R"("content":")" +
        text + R"("}}]})";
    return reply;
}

QString readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QJsonObject jobSettings(const RenderJob& job)
{
    return QJsonDocument::fromJson(
               readAll(QDir(job.folder).filePath(QStringLiteral("settings.json"))).toUtf8())
        .object();
}

} // namespace

class TestQueueAutoExtend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void extendsBeforeRunning();
    void failureRunsWithOriginalPrompt();
    void disabledSendsNothing();
    void cancelWhileExtending();
    void waitsForTheSettingsStore();
    void savedSettingsReachTheNextJob();
};

void TestQueueAutoExtend::extendsBeforeRunning()
{
    if (!wan::promptExtensionAvailable())
        QSKIP("built without libcurl");
    LoopbackHttpServer server;
    QVERIFY2(server.start(), server.errorString().c_str());
    server.enqueue(chatReply(kExtended));
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    const auto extend = extendSettings(server);
    runner.setPromptExtendSettings(&extend->store);
    QSignalSpy extended(&runner, &QueueRunner::promptExtensionFinished);
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid id = model.addJob(makeJob());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);

    QCOMPARE(extended.count(), 1);
    QCOMPARE(extended.at(0).at(1).toBool(), true);
    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t(1));
    QCOMPARE(requests[0].path, std::string("/v1/chat/completions"));
    QVERIFY(requests[0].body.find(kPrompt) != std::string::npos);

    const RenderJob* job = model.job(id);
    QCOMPARE(job->state, JobState::Done);
    QCOMPARE(job->request.prompt, std::string(kExtended));
    QCOMPARE(job->request.originalPrompt, std::string(kPrompt));
    const int row = model.rowOf(id);
    QCOMPARE(model.index(row, RenderQueueModel::PromptColumn).data().toString(),
             QString::fromUtf8(kExtended));
    QVERIFY(model.index(row, RenderQueueModel::PromptColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QString::fromUtf8(kPrompt)));
    const QJsonObject settings = jobSettings(*job);
    QCOMPARE(settings.value(QStringLiteral("prompt")).toString(), QString::fromUtf8(kExtended));
    QCOMPARE(settings.value(QStringLiteral("original_prompt")).toString(), QString::fromUtf8(kPrompt));
    QVERIFY(readAll(QDir(job->folder).filePath(QStringLiteral("log.txt")))
                .contains(QStringLiteral("prompt extended")));

    // A copy keeps the extension instead of extending it again.
    const QUuid copy = model.duplicateJob(id);
    QVERIFY(!copy.isNull());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 15000);
    QCOMPARE(server.requests().size(), std::size_t(1));
    QCOMPARE(model.job(copy)->state, JobState::Done);
    QCOMPARE(model.job(copy)->request.prompt, std::string(kExtended));
}

void TestQueueAutoExtend::failureRunsWithOriginalPrompt()
{
    LoopbackHttpServer server;
    QVERIFY2(server.start(), server.errorString().c_str());
    LoopbackHttpServer::Reply error;
    error.status = 500;
    error.body = R"({"error":{"message":"overloaded"}})";
    server.enqueue(error);
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    const auto extend = extendSettings(server);
    runner.setPromptExtendSettings(&extend->store);
    QSignalSpy extended(&runner, &QueueRunner::promptExtensionFinished);
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid id = model.addJob(makeJob());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);

    QCOMPARE(extended.count(), 1);
    QCOMPARE(extended.at(0).at(1).toBool(), false);
    QVERIFY(extended.at(0).at(2).toString().contains(QStringLiteral("original prompt")));
    const RenderJob* job = model.job(id);
    QCOMPARE(job->state, JobState::Done);
    QCOMPARE(log.runs.load(), 1);
    QCOMPARE(job->request.prompt, std::string(kPrompt));
    QVERIFY(job->request.originalPrompt.empty());
    const QJsonObject settings = jobSettings(*job);
    QCOMPARE(settings.value(QStringLiteral("prompt")).toString(), QString::fromUtf8(kPrompt));
    QVERIFY(!settings.contains(QStringLiteral("original_prompt")));
    QVERIFY(readAll(QDir(job->folder).filePath(QStringLiteral("log.txt")))
                .contains(QStringLiteral("continuing with the original prompt")));
}

void TestQueueAutoExtend::disabledSendsNothing()
{
    LoopbackHttpServer server;
    QVERIFY2(server.start(), server.errorString().c_str());
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    const auto extend = extendSettings(server, false);
    runner.setPromptExtendSettings(&extend->store);
    QSignalSpy extended(&runner, &QueueRunner::promptExtensionFinished);
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid id = model.addJob(makeJob());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
    QCOMPARE(model.job(id)->state, JobState::Done);
    QCOMPARE(model.job(id)->request.prompt, std::string(kPrompt));
    QCOMPARE(extended.count(), 0);
    QVERIFY(server.requests().empty());
}

void TestQueueAutoExtend::cancelWhileExtending()
{
    if (!wan::promptExtensionAvailable())
        QSKIP("built without libcurl");
    LoopbackHttpServer server;
    QVERIFY2(server.start(), server.errorString().c_str());
    LoopbackHttpServer::Reply hang;
    hang.hang = true;
    server.enqueue(hang);
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    const auto extend = extendSettings(server);
    runner.setPromptExtendSettings(&extend->store);
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid id = model.addJob(makeJob());
    QTRY_VERIFY_WITH_TIMEOUT(!server.requests().empty(), 5000);
    QCOMPARE(model.job(id)->state, JobState::Running);
    QElapsedTimer timer;
    timer.start();
    runner.cancelJob(id);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    QVERIFY(timer.elapsed() < 3000);
    QCOMPARE(model.job(id)->state, JobState::Cancelled);
    QCOMPARE(log.runs.load(), 0);
    QVERIFY(runner.runningJob().isNull());
    server.stop();
}

// No job starts before the settings store has read the settings (a job started earlier would skip the
// extension switched on there); the store's ready() starts it.
void TestQueueAutoExtend::waitsForTheSettingsStore()
{
    if (!wan::promptExtensionAvailable())
        QSKIP("built without libcurl");
    LoopbackHttpServer server;
    QVERIFY2(server.start(), server.errorString().c_str());
    server.enqueue(chatReply(kExtended));
    QTemporaryDir dir;
    // Saved by an earlier run of the app; this run's store has not read them yet.
    {
        ExtendSettings earlier;
        earlier.store.save(extendConfig(server, true));
        earlier.settings.sync();
        QVERIFY(QFile::copy(earlier.settings.fileName(), dir.filePath(QStringLiteral("settings.ini"))));
    }
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    PromptExtendSettingsStore store(&settings);
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    runner.setPromptExtendSettings(&store);
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid id = model.addJob(makeJob());
    QTest::qWait(200); // proving a negative: the queued job must not start in this time
    QCOMPARE(model.job(id)->state, JobState::Queued);
    QVERIFY(server.requests().empty());

    QSignalSpy ready(&store, &PromptExtendSettingsStore::ready);
    store.load();
    QVERIFY(!store.isReady()); // read on a thread of its own: nothing is known yet
    QVERIFY(ready.wait(5000));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
    QCOMPARE(server.requests().size(), std::size_t(1));
    QCOMPARE(model.job(id)->request.prompt, std::string(kExtended));
}

// The settings page's save reaches the runner for the next job: off, one job runs as written; on, the next
// one is extended. Reading the store never runs an event loop (the old settings reader could, for the
// keychain, inside the runner's job start).
void TestQueueAutoExtend::savedSettingsReachTheNextJob()
{
    if (!wan::promptExtensionAvailable())
        QSKIP("built without libcurl");
    LoopbackHttpServer server;
    QVERIFY2(server.start(), server.errorString().c_str());
    server.enqueue(chatReply(kExtended));
    QTemporaryDir dir;
    FakeRunnerLog log;
    RenderQueueModel model(nullptr);
    InferenceBridge bridge(fakeRunnerFactory(&log));
    QueueRunner runner(&model, &bridge, dir.path());
    const auto extend = extendSettings(server, false);
    runner.setPromptExtendSettings(&extend->store);
    QSignalSpy finished(&runner, &QueueRunner::jobFinished);
    const QUuid first = model.addJob(makeJob());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
    QCOMPARE(model.job(first)->request.prompt, std::string(kPrompt));
    QVERIFY(server.requests().empty());

    QSignalSpy changed(&extend->store, &PromptExtendSettingsStore::changed);
    extend->store.save(extendConfig(server, true));
    QCOMPARE(changed.count(), 1);
    // What the runner does as a job starts, watched for any event loop turn.
    auto* dispatcher = QAbstractEventDispatcher::instance();
    QVERIFY(dispatcher);
    int loopTurns = 0;
    const auto watch =
        connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, [&] { ++loopTurns; });
    QElapsedTimer timer;
    timer.start();
    const PromptExtendConfig read = extend->store.config();
    const qint64 readMs = timer.elapsed();
    disconnect(watch);
    QCOMPARE(loopTurns, 0);
    QVERIFY2(readMs < 50, qPrintable(QString::number(readMs)));
    QVERIFY(read.enabled);

    const QUuid second = model.addJob(makeJob());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 15000);
    QCOMPARE(server.requests().size(), std::size_t(1));
    QCOMPARE(model.job(second)->request.prompt, std::string(kExtended));
}

QTEST_MAIN(TestQueueAutoExtend)
#include "test_queueautoextend.moc"
