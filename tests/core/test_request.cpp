// The request as the core's contract: every option's table round-trips through its stable name and JSON,
// the official defaults per task and model size, every validation rule with its reason code, and the
// settings.json rules (version, unknown keys, legacy memory flags).
#include "wan/PromptExtend.h"
#include "wan/Request.h"
#include "wan/RequestAdvice.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <set>

using namespace wan;

namespace {

// Every value of an option: its name is unique, non-empty, read back, and listed in enumNameList.
template <typename Enum> void checkTable()
{
    std::set<std::string_view> names;
    const std::string list = enumNameList<Enum>();
    for (const auto& entry : enumEntries<Enum>()) {
        QVERIFY(!entry.name.empty());
        QVERIFY(!entry.displayKey.empty());
        QVERIFY2(names.insert(entry.name).second, entry.name.data());
        QCOMPARE(enumName(entry.value), entry.name);
        QCOMPARE(enumDisplayKey(entry.value), entry.displayKey);
        QVERIFY(enumFromName<Enum>(entry.name) == entry.value);
        QVERIFY2(list.find(entry.name) != std::string::npos, list.c_str());
        QVERIFY(int(entry.value) >= 1); // 0 is never a valid state
    }
    QVERIFY(!names.empty());
    QVERIFY(!enumFromName<Enum>("no-such-name"));
    QVERIFY(!enumFromName<Enum>(""));
}

// A request that passes validate(): writes a file, needs nothing on disk.
Request valid(Task task)
{
    Request r = defaultRequest(task, ModelSize::Small);
    r.outputPath = task == Task::T2I ? "out.png" : "out.mp4";
    if (task == Task::I2V)
        r.image = "in.png";
    if (task == Task::FLF2V) {
        r.firstFrame = "first.png";
        r.lastFrame = "last.png";
    }
    return r;
}

Request roundTrip(const Request& r)
{
    return fromJson(toJson(r));
}

template <typename Enum> void eachValueThroughJson(Enum Request::*field)
{
    for (const auto& entry : enumEntries<Enum>()) {
        Request r;
        r.loras = {{"/l.safetensors", 0.5}}; // the LoRA mode is written with LoRAs only
        r.*field = entry.value;
        QVERIFY2(roundTrip(r).*field == entry.value, entry.name.data());
    }
}

} // namespace

class TestRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demoModelInfo();
    void enumTables();
    void enumValuesThroughJson();
    void stableNames();
    void officialTaskNames();
    void defaultsPerTask_data();
    void defaultsPerTask();
    void trainedSizes();
    void trainedFrameCounts();
    void validationRules_data();
    void validationRules();
    void validDefaults();
    void fullRoundTrip();
    void seedKeepsAll64Bits();
    void unknownKeysAndVersions();
    void badValuesNameTheKey();
    void legacyMemoryFlags();
    void stageProgressAndClock();
    void promptTasks();
};

void TestRequest::enumTables()
{
    checkTable<Task>();
    checkTable<Solver>();
    checkTable<Precision>();
    checkTable<TextPrecision>();
    checkTable<VaePrecision>();
    checkTable<MemoryMode>();
    checkTable<NoiseSource>();
    checkTable<VaeTiling>();
    checkTable<SamplerMode>();
    checkTable<StepCacheMode>();
    checkTable<CachePreset>();
    checkTable<LoraApply>();
    checkTable<ModelSize>();
    checkTable<Stage>();
}

// Each value of each option survives settings.json.
void TestRequest::enumValuesThroughJson()
{
    eachValueThroughJson(&Request::task);
    eachValueThroughJson(&Request::solver);
    eachValueThroughJson(&Request::precision);
    eachValueThroughJson(&Request::textPrecision);
    eachValueThroughJson(&Request::vaePrecision);
    eachValueThroughJson(&Request::memory);
    eachValueThroughJson(&Request::noise);
    eachValueThroughJson(&Request::vaeTiling);
    eachValueThroughJson(&Request::samplerMode);
    eachValueThroughJson(&Request::stepCache);
    eachValueThroughJson(&Request::cachePreset);
    eachValueThroughJson(&Request::loraApply);
}

// The spellings the official CLI, earlier settings.json files and the kill tests rely on.
void TestRequest::stableNames()
{
    QCOMPARE(toString(Task::FLF2V), std::string("flf2v"));
    QCOMPARE(toString(Solver::DpmPP), std::string("dpm++"));
    QCOMPARE(toString(SamplerMode::Distilled), std::string("distill"));
    QCOMPARE(toString(LoraApply::OnTheFly), std::string("on_the_fly"));
    QCOMPARE(enumName(MemoryMode::T5Cpu), std::string_view("t5-cpu"));
    QCOMPARE(enumName(TextPrecision::BFloat16), std::string_view("bf16"));
    QCOMPARE(enumName(TextPrecision::Float32), std::string_view("fp32"));
    QCOMPARE(enumName(VaePrecision::Float16), std::string_view("fp16"));
    QCOMPARE(enumName(VaePrecision::BFloat16), std::string_view("bf16"));
    QCOMPARE(enumName(Stage::EncodingText), std::string_view("text"));
    QCOMPARE(enumName(Stage::Denoising), std::string_view("denoising"));
    QCOMPARE(std::string(enumName(Precision::BFloat16)), std::string("bf16"));
    QCOMPARE(enumNameList<Solver>(), std::string("unipc, dpm++ or euler"));
}

void TestRequest::officialTaskNames()
{
    const auto names = wan::officialTaskNames();
    const std::vector<std::string> expected{"t2v-1.3B",  "t2v-14B",   "i2v-14B", "t2i-14B",
                                            "flf2v-14B", "vace-1.3B", "vace-14B"};
    QCOMPARE(std::set<std::string>(names.begin(), names.end()),
             std::set<std::string>(expected.begin(), expected.end()));
    for (const auto& name : names) {
        const auto parsed = officialTaskFromName(name);
        QVERIFY(parsed);
        QCOMPARE(officialTaskName(parsed->first, parsed->second), name);
    }
    QVERIFY(!officialTaskFromName("i2v-1.3B"));
    QVERIFY(!officialTaskFromName("t2v"));
    // 14B-only tasks name the 14B model whatever size is asked.
    QCOMPARE(officialTaskName(Task::I2V, ModelSize::Small), std::string("i2v-14B"));
}

void TestRequest::defaultsPerTask_data()
{
    QTest::addColumn<int>("task");
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("frames");
    QTest::addColumn<int>("steps");
    QTest::addColumn<double>("shift");
    // generate.py: steps 50 (i2v 40), shift 5 (i2v at 480p 3, flf2v and vace 16), 81 frames (t2i 1).
    QTest::newRow("t2v-1.3B") << int(Task::T2V) << int(ModelSize::Small) << 832 << 480 << 81 << 50 << 5.0;
    QTest::newRow("t2v-14B") << int(Task::T2V) << int(ModelSize::Large) << 1280 << 720 << 81 << 50 << 5.0;
    QTest::newRow("i2v-480p") << int(Task::I2V) << int(ModelSize::Small) << 832 << 480 << 81 << 40 << 3.0;
    QTest::newRow("i2v-14B") << int(Task::I2V) << int(ModelSize::Large) << 1280 << 720 << 81 << 40 << 5.0;
    QTest::newRow("t2i-14B") << int(Task::T2I) << int(ModelSize::Large) << 1280 << 720 << 1 << 50 << 5.0;
    QTest::newRow("flf2v-14B") << int(Task::FLF2V) << int(ModelSize::Large) << 1280 << 720 << 81 << 50
                               << 16.0;
    QTest::newRow("vace-1.3B") << int(Task::VACE) << int(ModelSize::Small) << 832 << 480 << 81 << 50 << 16.0;
}

void TestRequest::defaultsPerTask()
{
    QFETCH(int, task);
    QFETCH(int, size);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, frames);
    QFETCH(int, steps);
    QFETCH(double, shift);
    const Request r = defaultRequest(Task(task), ModelSize(size));
    QVERIFY(r.task == Task(task));
    QCOMPARE(r.width, width);
    QCOMPARE(r.height, height);
    QCOMPARE(r.frameNum, frames);
    QCOMPARE(r.steps, steps);
    QCOMPARE(r.shift, shift);
    QCOMPARE(r.guideScale, 5.0);
    QVERIFY(r.solver == Solver::UniPC);
    QCOMPARE(r.seed, std::int64_t(-1));
    QCOMPARE(r.fps, kOfficialFps);
    QVERIFY(!examplePrompt(Task(task)).empty());
    QVERIFY(!defaultNegativePrompt(Task(task)).empty());
}

void TestRequest::trainedFrameCounts()
{
    for (ModelSize size : {ModelSize::Small, ModelSize::Large}) {
        QCOMPARE(trainedFrameLimit(Task::T2V, size), 81);
        QVERIFY(isTrainedFrameCount(Task::T2V, size, 81));
        QVERIFY(isTrainedFrameCount(Task::VACE, size, 5));
        QVERIFY(!isTrainedFrameCount(Task::T2V, size, 85));
    }
    QVERIFY(!isTrainedFrameCount(Task::I2V, ModelSize::Large, 121));
    QCOMPARE(trainedFrameLimit(Task::T2I, ModelSize::Large), 1);
}

void TestRequest::trainedSizes()
{
    QVERIFY(isTrainedSize(Task::T2V, ModelSize::Small, 480, 832));
    QVERIFY(!isTrainedSize(Task::T2V, ModelSize::Small, 1280, 720));
    QVERIFY(isTrainedSize(Task::I2V, ModelSize::Large, 720, 1280));
    QVERIFY(isTrainedSize(Task::T2I, ModelSize::Large, 1024, 1024));
    QVERIFY(!isTrainedSize(Task::T2V, ModelSize::Large, 1024, 1024));
    QCOMPARE(wan::trainedSizes(Task::T2I, ModelSize::Large).size(), std::size_t(5));
    // i2v and flf2v negative prompts extend the shared one.
    const auto shared = defaultNegativePrompt(Task::T2V);
    QVERIFY(defaultNegativePrompt(Task::I2V).size() > shared.size());
    QVERIFY(defaultNegativePrompt(Task::FLF2V).size() > defaultNegativePrompt(Task::I2V).size());
    QCOMPARE(defaultNegativePrompt(Task::I2V).substr(defaultNegativePrompt(Task::I2V).size() - shared.size()),
             shared);
}

void TestRequest::validationRules_data()
{
    QTest::addColumn<int>("task");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("words");
    const auto row = [](const char* name, Task task, const char* field, std::string_view reason,
                        const char* words) {
        QTest::newRow(name) << int(task) << QString::fromLatin1(field)
                            << QString::fromLatin1(reason.data(), qsizetype(reason.size()))
                            << QString::fromUtf8(words);
    };
    row("steps 0", Task::T2V, "steps=0", reason::kSteps, "between 1 and 1000");
    row("steps 1001", Task::T2V, "steps=1001", reason::kSteps, "between 1 and 1000");
    row("shift 0", Task::T2V, "shift=0", reason::kShift, "positive");
    row("guide nan", Task::T2V, "guide=nan", reason::kGuideScale, "finite");
    row("seed -2", Task::T2V, "seed=-2", reason::kSeed, "-1 for a random seed");
    row("lora no file", Task::T2V, "lora=", reason::kLora, "needs a file");
    row("lora missing", Task::T2V, "lora=/no/such.safetensors", reason::kLoraMissing, "does not exist");
    row("threshold nan", Task::T2V, "threshold=nan", reason::kCacheThreshold, "finite");
    row("vram budget tiny", Task::T2V, "vram=0.1", reason::kVramBudget, "between 0.5 and 4096 GiB");
    row("vram budget nan", Task::T2V, "vram=nan", reason::kVramBudget, "GPU memory budget");
    row("size 0", Task::T2V, "width=0", reason::kSize, "out of range");
    row("size huge", Task::T2V, "width=9000", reason::kSize, "out of range");
    row("frames 80", Task::T2V, "frames=80", reason::kFrameCount, "4n+1");
    row("frames 1005", Task::T2V, "frames=1005", reason::kFrameLimit, "maximum of 1001");
    row("no output", Task::T2V, "output=", reason::kNoOutput, "writes nothing");
    row("src video on t2v", Task::T2V, "srcVideo=v.mp4", reason::kInputNotForTask, "only VACE");
    row("src mask on t2v", Task::T2V, "srcMask=m", reason::kInputNotForTask, "only VACE");
    row("ref on i2v", Task::I2V, "ref=r.png", reason::kInputNotForTask, "only VACE");
    row("first frame on t2v", Task::T2V, "firstFrame=f.png", reason::kInputNotForTask, "first frame");
    row("last frame on vace", Task::VACE, "lastFrame=l.png", reason::kInputNotForTask, "last frame");
    row("image on t2v", Task::T2V, "image=i.png", reason::kInputNotForTask, "input image");
    row("context nan", Task::VACE, "context=nan", reason::kContextScale, "finite");
    row("t2i frames", Task::T2I, "frames=5", reason::kFrameCount, "exactly one frame");
    row("i2v no image", Task::I2V, "image=", reason::kImageMissing, "input image");
    row("i2v area", Task::I2V, "area=8", reason::kArea, "too small");
    row("flf2v no last", Task::FLF2V, "lastFrame=", reason::kImageMissing, "first and a last frame");
    row("flf2v area", Task::FLF2V, "area=8", reason::kArea, "too small");
    row("flf2v frames", Task::FLF2V, "frames=1", reason::kFramesMissing, "at least 5 frames");
    row("size multiple", Task::T2V, "width=840", reason::kSizeMultiple, "multiples of 16");
    row("png video", Task::T2V, "output=x.PNG", reason::kPngFrames, "one frame");
    row("fps", Task::T2V, "fps=0", reason::kFps, "between 1 and 240");
}

void TestRequest::validationRules()
{
    QFETCH(int, task);
    QFETCH(QString, field);
    QFETCH(QString, reason);
    QFETCH(QString, words);
    Request r = valid(Task(task));
    const QString key = field.section(QLatin1Char('='), 0, 0);
    const QString value = field.section(QLatin1Char('='), 1);
    const double number = value == QLatin1String("nan") ? std::nan("") : value.toDouble();
    const std::string text = value.toStdString();
    if (key == QLatin1String("steps"))
        r.steps = int(number);
    else if (key == QLatin1String("shift"))
        r.shift = number;
    else if (key == QLatin1String("guide"))
        r.guideScale = number;
    else if (key == QLatin1String("seed"))
        r.seed = std::int64_t(number);
    else if (key == QLatin1String("lora"))
        r.loras = {{text, 1.0}};
    else if (key == QLatin1String("threshold"))
        r.cacheThreshold = number;
    else if (key == QLatin1String("vram"))
        r.vramBudgetGiB = number;
    else if (key == QLatin1String("width"))
        r.width = int(number);
    else if (key == QLatin1String("area"))
        r.width = r.height = int(number);
    else if (key == QLatin1String("frames"))
        r.frameNum = int(number);
    else if (key == QLatin1String("output"))
        r.outputPath = text;
    else if (key == QLatin1String("srcVideo"))
        r.srcVideo = text;
    else if (key == QLatin1String("srcMask"))
        r.srcMask = text;
    else if (key == QLatin1String("ref"))
        r.srcRefImages = {text};
    else if (key == QLatin1String("firstFrame"))
        r.firstFrame = text;
    else if (key == QLatin1String("lastFrame"))
        r.lastFrame = text;
    else if (key == QLatin1String("image"))
        r.image = text;
    else if (key == QLatin1String("context"))
        r.contextScale = number;
    else if (key == QLatin1String("fps"))
        r.fps = int(number);
    else
        QFAIL("unknown field in the test table");
    try {
        validate(r);
        QFAIL("validate() accepted the request");
    } catch (const Error& e) {
        QCOMPARE(int(e.kind()), int(ErrorKind::InvalidArgument));
        QCOMPARE(QString::fromStdString(e.reason()), reason);
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(message.contains(words), qPrintable(message));
        // Neutral: no front end's flag names.
        QVERIFY2(!message.contains(QLatin1String("--")), qPrintable(message));
    }
}

void TestRequest::validDefaults()
{
    for (const auto& task : enumEntries<Task>()) {
        try {
            validate(valid(task.value));
        } catch (const Error& e) {
            QFAIL(e.what());
        }
    }
    // VACE from a source: 0 takes the source's size and frame count.
    Request vace = valid(Task::VACE);
    vace.srcVideo = "src.mp4";
    vace.width = vace.height = vace.frameNum = 0;
    validate(vace);
}

void TestRequest::fullRoundTrip()
{
    Request r;
    r.task = Task::VACE;
    r.ckptDir = "/models/Wan2.1-VACE-1.3B";
    r.prompt = "一只猫 in the snow \"quoted\"";
    r.originalPrompt = "a cat";
    r.negativePrompt = "";
    r.width = 0;
    r.height = 0;
    r.frameNum = 0;
    r.seed = 42;
    r.solver = Solver::Euler;
    r.steps = 7;
    r.shift = 3.25;
    r.guideScale = -1.5;
    r.srcVideo = "/in/source video.mp4";
    r.srcMask = "/in/mask";
    r.srcRefImages = {"/in/a.png", "/in/b.png"};
    r.contextScale = 0.75;
    r.device = "cuda:1";
    r.memory = MemoryMode::OffloadT5Cpu;
    r.outputPath = "/out/v.mp4";
    r.latentsPath = "/out/v.safetensors";
    r.resumeStatePath = "/out/resume.safetensors";
    r.fps = 24;
    r.crf = 20;
    r.loras = {{"/l/one.safetensors", 0.8}, {"/l/two.safetensors", -1.0}};
    r.cacheThreshold = 0.0;
    const Request b = roundTrip(r);
    QVERIFY(b.task == r.task);
    QCOMPARE(b.ckptDir, r.ckptDir);
    QCOMPARE(b.prompt, r.prompt);
    QCOMPARE(b.originalPrompt, r.originalPrompt);
    QVERIFY(b.negativePrompt && b.negativePrompt->empty()); // empty, not the default
    QCOMPARE(b.width, 0);
    QCOMPARE(b.frameNum, 0);
    QCOMPARE(b.seed, r.seed);
    QVERIFY(b.solver == r.solver);
    QCOMPARE(b.steps, r.steps);
    QCOMPARE(b.shift, r.shift);
    QCOMPARE(b.guideScale, r.guideScale);
    QCOMPARE(b.srcVideo, r.srcVideo);
    QCOMPARE(b.srcMask, r.srcMask);
    QVERIFY(b.srcRefImages == r.srcRefImages);
    QCOMPARE(b.contextScale, r.contextScale);
    QCOMPARE(b.device, r.device);
    QVERIFY(b.memory == r.memory);
    QCOMPARE(b.outputPath, r.outputPath);
    QCOMPARE(b.latentsPath, r.latentsPath);
    QCOMPARE(b.resumeStatePath, r.resumeStatePath);
    QCOMPARE(b.fps, 24);
    QCOMPARE(b.crf, 20);
    QVERIFY(b.loras == r.loras);
    QCOMPARE(b.cacheThreshold.value_or(-1), 0.0);
    // Writing again gives the same text: nothing is lost or reordered.
    QCOMPARE(toJson(b), toJson(r));
    // No negative prompt stays "the task's default".
    QVERIFY(!roundTrip(Request{}).negativePrompt);
}

void TestRequest::seedKeepsAll64Bits()
{
    Request r;
    r.seed = 9007199254740993; // 2^53 + 1: a JSON double would round it
    QCOMPARE(roundTrip(r).seed, r.seed);
    QCOMPARE(fromJson(R"({"task": "t2v", "seed": 9007199254740993})").seed, std::int64_t(9007199254740993));
    QCOMPARE(fromJson(R"({"task": "t2v", "seed": "-1"})").seed, std::int64_t(-1));
}

void TestRequest::unknownKeysAndVersions()
{
    // Metadata a front end adds is ignored.
    const Request meta =
        fromJson(R"({"version": 1, "task": "i2v", "job_id": "x", "application": "Wan Studio"})");
    QVERIFY(meta.task == Task::I2V);
    const auto expectError = [](const std::string& json, std::string_view why, const char* words) {
        try {
            fromJson(json, "/jobs/a/settings.json");
            QFAIL(("accepted: " + json).c_str());
        } catch (const Error& e) {
            QCOMPARE(int(e.kind()), int(ErrorKind::InvalidArgument));
            QCOMPARE(e.reason(), std::string(why));
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(QLatin1String(words)), qPrintable(message));
            QVERIFY2(message.contains(QLatin1String("/jobs/a/settings.json")), qPrintable(message));
        }
    };
    expectError(R"({"version": 1, "task": "t2v", "stpes": 20})", reason::kJsonKey, "\"stpes\"");
    // Retired keys only in documents from before versions.
    expectError(R"({"version": 1, "task": "t2v", "offload_model": true})", reason::kJsonKey, "offload_model");
    expectError(R"({"version": 2, "task": "t2v"})", reason::kJsonVersion, "newer version");
    expectError(R"({"version": 0, "task": "t2v"})", reason::kJsonValue, "version");
    expectError(R"({"task": "t2v",)", reason::kJsonSyntax, "not valid JSON");
    expectError(R"([1, 2])", reason::kJsonSyntax, "one JSON object");
    expectError(R"({"prompt": "a cat"})", reason::kJsonKey, "\"task\" is missing");
}

void TestRequest::badValuesNameTheKey()
{
    const auto expectBad = [](const std::string& json, const char* key, const char* words) {
        try {
            fromJson(json);
            QFAIL(("accepted: " + json).c_str());
        } catch (const Error& e) {
            QCOMPARE(e.reason(), std::string(reason::kJsonValue));
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(QLatin1String(key)), qPrintable(message));
            QVERIFY2(message.contains(QLatin1String(words)), qPrintable(message));
        }
    };
    expectBad(R"({"task": "t3v"})", "\"task\"", "t2v, i2v, t2i, flf2v or vace");
    expectBad(R"({"task": "t2v", "cache": "warpcache"})", "\"cache\"", "off, teacache or magcache");
    expectBad(R"({"task": "t2v", "solver": 3})", "\"solver\"", "unipc");
    expectBad(R"({"task": "t2v", "steps": "fifty"})", "\"steps\"", "an integer");
    expectBad(R"({"task": "t2v", "steps": 2.5})", "\"steps\"", "an integer");
    expectBad(R"({"task": "t2v", "shift": "x"})", "\"shift\"", "a number");
    expectBad(R"({"task": "t2v", "seed": "12abc"})", "\"seed\"", "an integer");
    expectBad(R"({"task": "t2v", "prompt": 5})", "\"prompt\"", "a string");
    expectBad(R"({"task": "t2v", "loras": [{"strength": 1}]})", "\"loras\"", "path");
    expectBad(R"({"task": "vace", "src_ref_images": "a.png"})", "\"src_ref_images\"", "list");
}

void TestRequest::legacyMemoryFlags()
{
    // The GUI before version 1: "offload" with t5_cpu meant T5 on the CPU too.
    QVERIFY(
        fromJson(R"({"task": "t2v", "memory": "offload", "offload_model": true, "t5_cpu": true})").memory ==
        MemoryMode::OffloadT5Cpu);
    QVERIFY(fromJson(R"({"task": "t2v", "memory": "t5-cpu", "t5_cpu": true})").memory == MemoryMode::T5Cpu);
    QVERIFY(fromJson(R"({"task": "t2v", "offload_model": true})").memory == MemoryMode::Offload);
    QVERIFY(fromJson(R"({"task": "t2v", "t5_cpu": true})").memory == MemoryMode::T5Cpu);
    QVERIFY(fromJson(R"({"task": "t2v", "memory": "full"})").memory == MemoryMode::Full);
    // Written now: one "memory" key, no flags.
    Request r;
    r.memory = MemoryMode::Offload;
    const std::string json = toJson(r);
    QVERIFY(json.find("offload_model") == std::string::npos && json.find("t5_cpu") == std::string::npos);
    QVERIFY(json.find("\"version\"") != std::string::npos);
}

void TestRequest::stageProgressAndClock()
{
    double last = -1.0;
    for (const auto& stage : enumEntries<Stage>()) {
        const double start = stageProgress(stage.value, 0, 10);
        const double end = stageProgress(stage.value, 10, 10);
        QVERIFY(start >= last && end >= start && end < 1.0);
        last = end;
    }
    QCOMPARE(stageProgress(Stage::Denoising, 5, 10), 0.05 + 0.85 * 0.5);
    QCOMPARE(stageProgress(Stage::Denoising, 20, 10), 0.9); // clamped
    QCOMPARE(formatClock(0.4), std::string("0:00"));
    QCOMPARE(formatClock(59.6), std::string("1:00"));
    QCOMPARE(formatClock(61), std::string("1:01"));
    QCOMPARE(formatClock(3600 + 62), std::string("1:01:02"));
    QCOMPARE(formatClock(-1), std::string());
}

// One mapping for the CLI, the queue's auto-extension and the prompt dialog.
void TestRequest::promptTasks()
{
    QVERIFY(promptTaskFor(Task::T2V) == PromptTask::TextToVideo);
    QVERIFY(promptTaskFor(Task::I2V) == PromptTask::ImageToVideo);
    QVERIFY(promptTaskFor(Task::T2I) == PromptTask::TextToImage);
    QVERIFY(promptTaskFor(Task::FLF2V) == PromptTask::ImageToVideo); // described from the first frame
    QVERIFY(promptTaskFor(Task::VACE) == PromptTask::TextToVideo);
}

// demo.json: written and read back; a folder without one is no demo; a broken one names the file.
void TestRequest::demoModelInfo()
{
    QTemporaryDir tmp;
    const std::filesystem::path folder = tmp.path().toStdString();
    QVERIFY(!wan::readDemoModelInfo(folder).has_value());
    wan::DemoModelInfo info;
    info.width = 96;
    info.height = 48;
    info.frameNum = 13;
    info.steps = 12;
    info.shift = 2.5;
    info.guideScale = 4.0;
    info.examplePrompts = {"a red circle", "红色背景"};
    std::ofstream(folder / "demo.json") << wan::demoModelInfoJson(info);
    const auto back = wan::readDemoModelInfo(folder);
    QVERIFY(back.has_value());
    QCOMPARE(back->width, 96);
    QCOMPARE(back->height, 48);
    QCOMPARE(back->frameNum, 13);
    QCOMPARE(back->steps, 12);
    QCOMPARE(back->shift, 2.5);
    QCOMPARE(back->guideScale, 4.0);
    QVERIFY(back->examplePrompts == info.examplePrompts);

    wan::Request request = wan::defaultRequest(wan::Task::I2V, wan::ModelSize::Large);
    request.image = "picture.png";
    request.prompt = "kept";
    wan::applyDemoModel(request, *back);
    QCOMPARE(int(request.task), int(wan::Task::T2V));
    QCOMPARE(request.width, 96);
    QCOMPARE(request.frameNum, 13);
    QCOMPARE(request.steps, 12);
    QVERIFY(request.image.empty());
    QCOMPARE(request.prompt, std::string("kept"));

    for (const char* broken : {"{", R"({"width": 64})",
                               R"({"width": 60, "height": 64, "frame_num": 9, "sample_steps": 10,
                                   "sample_shift": 3, "sample_guide_scale": 5})",
                               R"({"width": 64, "height": 64, "frame_num": 8, "sample_steps": 10,
                                   "sample_shift": 3, "sample_guide_scale": 5})"}) {
        std::ofstream(folder / "demo.json", std::ios::trunc) << broken;
        try {
            wan::readDemoModelInfo(folder);
            QFAIL(broken);
        } catch (const wan::Error& e) {
            QCOMPARE(int(e.kind()), int(wan::ErrorKind::ModelFolder));
            QVERIFY2(std::string(e.what()).find("demo.json") != std::string::npos, e.what());
        }
    }
}

QTEST_GUILESS_MAIN(TestRequest)
#include "test_request.moc"
