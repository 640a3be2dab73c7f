// Request <-> JSON for every task, including the FLF2V and VACE inputs.
#include "JobTypes.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;

class TestJobTypes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void taskNamesRoundTrip_data();
    void taskNamesRoundTrip();
    void flf2vRequestRoundTrip();
    void vaceRequestRoundTrip();
    void speedOptionsRoundTrip();
    void promoteDraftToFinal();
};

void TestJobTypes::taskNamesRoundTrip_data()
{
    QTest::addColumn<int>("task");
    QTest::addColumn<QString>("name");
    QTest::newRow("t2v") << int(wan::Task::T2V) << "t2v";
    QTest::newRow("i2v") << int(wan::Task::I2V) << "i2v";
    QTest::newRow("t2i") << int(wan::Task::T2I) << "t2i";
    QTest::newRow("flf2v") << int(wan::Task::FLF2V) << "flf2v";
    QTest::newRow("vace") << int(wan::Task::VACE) << "vace";
}

void TestJobTypes::taskNamesRoundTrip()
{
    QFETCH(int, task);
    QFETCH(QString, name);
    QCOMPARE(taskName(wan::Task(task)), name);
    QCOMPARE(int(taskFromName(name).value()), task);
    QVERIFY(!taskText(wan::Task(task)).isEmpty());
}

namespace {
wan::Request throughJson(const wan::Request& request)
{
    const QByteArray text = QJsonDocument(requestToJson(request)).toJson();
    wan::Request back;
    if (!requestFromJson(QJsonDocument::fromJson(text).object(), &back))
        qFatal("requestFromJson failed: %s", text.constData());
    return back;
}
} // namespace

void TestJobTypes::flf2vRequestRoundTrip()
{
    wan::Request r;
    r.task = wan::Task::FLF2V;
    r.firstFrame = "/in/first frame.png";
    r.lastFrame = "/in/last.jpg";
    r.width = 1280;
    r.height = 720;
    const wan::Request back = throughJson(r);
    QCOMPARE(int(back.task), int(wan::Task::FLF2V));
    QCOMPARE(back.firstFrame.string(), r.firstFrame.string());
    QCOMPARE(back.lastFrame.string(), r.lastFrame.string());
    QCOMPARE(back.width * back.height, 1280 * 720);
    QVERIFY(back.srcVideo.empty() && back.srcRefImages.empty());
}

void TestJobTypes::vaceRequestRoundTrip()
{
    wan::Request r;
    r.task = wan::Task::VACE;
    r.srcVideo = "/in/source.mp4";
    r.srcMask = "/in/mask_frames";
    r.srcRefImages = {"/in/ref 1.png", "/in/ref2.png"};
    r.contextScale = 0.75;
    r.width = 0;
    r.height = 0;
    r.frameNum = 0;
    const wan::Request back = throughJson(r);
    QCOMPARE(int(back.task), int(wan::Task::VACE));
    QCOMPARE(back.srcVideo.string(), r.srcVideo.string());
    QCOMPARE(back.srcMask.string(), r.srcMask.string());
    QCOMPARE(back.srcRefImages.size(), std::size_t(2));
    QCOMPARE(back.srcRefImages[1].string(), std::string("/in/ref2.png"));
    QCOMPARE(back.contextScale, 0.75);
    QCOMPARE(back.width, 0);
    QCOMPARE(back.frameNum, 0);

    wan::Request plain; // a T2V request keeps the VACE defaults
    QCOMPARE(throughJson(plain).contextScale, 1.0);
}

// LoRAs, distilled sampling and the step cache survive settings.json / the queue file.
void TestJobTypes::speedOptionsRoundTrip()
{
    wan::Request r;
    r.loras = {{"/loras/style one.safetensors", 0.8}, {"/loras/lightx2v_4step.safetensors", 1.0}};
    r.loraApply = wan::LoraApply::OnTheFly;
    r.samplerMode = wan::SamplerMode::Distilled;
    r.stepCache = wan::StepCacheMode::MagCache;
    r.cachePreset = wan::CachePreset::Fast;
    r.cacheThreshold = 0.18;
    const wan::Request back = throughJson(r);
    QVERIFY(back.loras == r.loras);
    QVERIFY(back.loraApply == wan::LoraApply::OnTheFly);
    QVERIFY(back.samplerMode == wan::SamplerMode::Distilled);
    QVERIFY(back.stepCache == wan::StepCacheMode::MagCache);
    QVERIFY(back.cachePreset == wan::CachePreset::Fast);
    QCOMPARE(back.cacheThreshold.value_or(-1.0), 0.18);

    const wan::Request plain = throughJson(wan::Request{});
    QVERIFY(plain.loras.empty() && plain.samplerMode == wan::SamplerMode::Full);
    QVERIFY(plain.stepCache == wan::StepCacheMode::Off && !plain.cacheThreshold);

    auto json = requestToJson(r);
    json[QStringLiteral("cache")] = QStringLiteral("warpcache");
    wan::Request rejected;
    QVERIFY(!requestFromJson(json, &rejected));
}

// A finished draft comes back as a Final job with the same settings and the seed it used.
void TestJobTypes::promoteDraftToFinal()
{
    RenderJob draft;
    draft.id = QUuid::createUuid();
    draft.state = JobState::Done;
    draft.request.samplerMode = wan::SamplerMode::Distilled;
    draft.request.prompt = "a red fox in the snow";
    draft.request.steps = 40;
    draft.request.loras = {{"/loras/lightx2v.safetensors", 1.0}};
    draft.request.stepCache = wan::StepCacheMode::TeaCache;
    draft.request.outputPath = "/out/draft.mp4";

    // A random-seed draft: the seed it used is in its folder's settings.json.
    QTemporaryDir dir;
    draft.folder = dir.path();
    wan::Request used = draft.request;
    used.seed = 123456789;
    QFile file(QDir(dir.path()).filePath(QStringLiteral("settings.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(requestToJson(used)).toJson());
    file.close();

    const auto promoted = promotedToFinal(draft);
    QVERIFY(promoted.has_value());
    QVERIFY(promoted->id != draft.id);
    QVERIFY(promoted->request.samplerMode == wan::SamplerMode::Full);
    QCOMPARE(promoted->request.seed, qint64(123456789));
    QCOMPARE(promoted->request.prompt, draft.request.prompt);
    QCOMPARE(promoted->request.steps, 40);
    QVERIFY(promoted->request.loras == draft.request.loras);
    QVERIFY(promoted->request.stepCache == wan::StepCacheMode::TeaCache);
    QVERIFY(promoted->request.outputPath.empty());

    draft.request.seed = 7; // a fixed seed needs no folder
    draft.folder.clear();
    QCOMPARE(promotedToFinal(draft)->request.seed, qint64(7));
    draft.state = JobState::Failed;
    QVERIFY(!promotedToFinal(draft));
    draft.state = JobState::Done;
    draft.request.samplerMode = wan::SamplerMode::Full;
    QVERIFY(!promotedToFinal(draft));
}

QTEST_GUILESS_MAIN(TestJobTypes)
#include "test_jobtypes.moc"
