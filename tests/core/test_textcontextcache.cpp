// The engine's encoded prompts (pipeline/TextContextCache): least recently used out first within the entry
// and byte bounds, copies in and out, and the engine encoding a repeated (negative) prompt once with the
// same results.

#include "pipeline/EngineInternals.h"
#include "pipeline/TextContextCache.h"
#include "support/TestSupport.h"
#include "wan/Pipeline.h"

#include <QTemporaryDir>
#include <QTest>

using wan::pipeline::TextContextCache;

namespace {

TextContextCache::Key keyOf(const std::string& prompt, const std::string& dtype = "fp32")
{
    return {prompt, "model", dtype, "cpu"};
}

// A short fp32 CPU job of the tiny T2V fixture (the task's default negative prompt), its latents written to
// `latents`; returns the traced "context", "context_null" and "x0".
std::map<std::string, torch::Tensor> runTracedJob(wan::Engine& engine, const std::string& prompt,
                                                  wan::TextPrecision textPrecision,
                                                  const std::filesystem::path& latents)
{
    wan::Request r;
    r.ckptDir = wan::test::fixturesDir() / "wan-tiny-t2v";
    r.prompt = prompt;
    r.negativePrompt = std::string(); // the task's default
    r.task = wan::Task::T2V;
    r.width = 32;
    r.height = 32;
    r.frameNum = 5;
    r.steps = 2;
    r.seed = 7;
    r.device = "cpu";
    r.precision = wan::Precision::Float32;
    r.textPrecision = textPrecision;
    r.latentsPath = latents;
    std::map<std::string, torch::Tensor> trace;
    wan::EngineInternals::setTrace(engine, [&](const std::string& tensor, int, const torch::Tensor& v) {
        if (tensor == "context" || tensor == "context_null" || tensor == "x0")
            trace[tensor] = v.detach().clone();
    });
    const auto result = engine.run(r);
    wan::EngineInternals::setTrace(engine, {});
    if (result.status != wan::JobStatus::Done)
        qWarning("%s", result.error.c_str());
    return trace;
}

} // namespace

class TestTextContextCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findAndCopies()
    {
        TextContextCache cache;
        QVERIFY(!cache.find(keyOf("a")));
        auto context = torch::ones({4, 8});
        cache.insert(keyOf("a"), context);
        context.fill_(2.0f); // the cache holds its own copy
        auto found = cache.find(keyOf("a"));
        QVERIFY(found);
        QVERIFY(torch::equal(*found, torch::ones({4, 8})));
        found->fill_(3.0f); // and hands out copies
        QVERIFY(torch::equal(*cache.find(keyOf("a")), torch::ones({4, 8})));
        // Each part of the key tells entries apart.
        QVERIFY(!cache.find(keyOf("a", "bf16")));
        QVERIFY(!cache.find({"a", "other model", "fp32", "cpu"}));
        QVERIFY(!cache.find({"a", "model", "fp32", "cuda:0"}));
        QCOMPARE(cache.bytes(), std::uint64_t(4 * 8 * 4));
    }

    // Entries bounded by count and by bytes; the least recently used (found or inserted) goes first.
    void eviction_data()
    {
        QTest::addColumn<int>("maxEntries");
        QTest::addColumn<int>("maxBytes");
        QTest::addColumn<QStringList>("kept");
        // Inserted a, b, c (64 bytes each), then a found, then d inserted.
        const QStringList lastThree{QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("d")};
        QTest::newRow("entries") << 3 << (1 << 20) << lastThree;
        QTest::newRow("bytes") << 8 << 3 * 64 << lastThree;
        QTest::newRow("too large to keep") << 8 << 32 << QStringList{};
    }

    void eviction()
    {
        QFETCH(int, maxEntries);
        QFETCH(int, maxBytes);
        QFETCH(QStringList, kept);
        TextContextCache cache{std::size_t(maxEntries), std::uint64_t(maxBytes)};
        for (const char* prompt : {"a", "b", "c"})
            cache.insert(keyOf(prompt), torch::zeros({16}));
        cache.find(keyOf("a"));
        cache.insert(keyOf("d"), torch::zeros({16}));
        QStringList present;
        for (const char* prompt : {"a", "b", "c", "d"})
            if (cache.find(keyOf(prompt)))
                present << QString::fromLatin1(prompt);
        QCOMPARE(present, kept);
        QCOMPARE(cache.size(), std::size_t(kept.size()));
        QVERIFY(cache.bytes() <= std::uint64_t(maxBytes));
    }

    // A second job with the same negative prompt does not run the encoder for it, and a repeated job gives
    // the same latents without encoding anything.
    void engineEncodesOnce()
    {
        WAN_REQUIRE_FIXTURES();
        QTemporaryDir out;
        QVERIFY(out.isValid());
        wan::Engine engine;
        const auto job = [&](const std::string& prompt, const char* name) {
            return runTracedJob(engine, prompt, wan::TextPrecision::Auto,
                                std::filesystem::path(out.path().toStdString()) / name);
        };
        const auto first = job("a cat", "1.safetensors");
        QCOMPARE(wan::EngineInternals::textEncoderCalls(engine), 2);
        const auto second = job("a dog", "2.safetensors");
        QCOMPARE(wan::EngineInternals::textEncoderCalls(engine), 3); // the prompt only
        QVERIFY(torch::equal(second.at("context_null"), first.at("context_null")));
        QVERIFY(!torch::equal(second.at("context"), first.at("context")));
        const auto again = job("a cat", "3.safetensors");
        QCOMPARE(wan::EngineInternals::textEncoderCalls(engine), 3);
        QVERIFY(torch::equal(again.at("context"), first.at("context")));
        QVERIFY(torch::equal(again.at("x0"), first.at("x0")));
    }

    // The request's text precision picks the encoder's math: bf16 gives other contexts (and rebuilds the
    // encoder) under another cache key; back to Auto, an fp32 job finds its fp32 contexts again.
    void textPrecisionChoosesTheMath()
    {
        WAN_REQUIRE_FIXTURES();
        QTemporaryDir out;
        QVERIFY(out.isValid());
        wan::Engine engine;
        const auto job = [&](wan::TextPrecision text, const char* name) {
            return runTracedJob(engine, "a cat", text,
                                std::filesystem::path(out.path().toStdString()) / name);
        };
        const auto reference = job(wan::TextPrecision::Auto, "auto.safetensors");
        QCOMPARE(wan::EngineInternals::textEncoderCalls(engine), 2);
        const auto bf16 = job(wan::TextPrecision::BFloat16, "bf16.safetensors");
        QCOMPARE(wan::EngineInternals::textEncoderCalls(engine), 4); // not the fp32 contexts
        QCOMPARE(bf16.at("context").scalar_type(), torch::kFloat32);
        QVERIFY(!torch::equal(bf16.at("context"), reference.at("context")));
        const double error = (bf16.at("context") - reference.at("context")).abs().mean().item<double>();
        qInfo("bf16 text math: mean abs context difference %.3g", error);
        QVERIFY(error > 0.0 && error < 0.05);
        QVERIFY(!torch::equal(bf16.at("x0"), reference.at("x0")));
        // An fp32 job's Auto is fp32: the same key as the first job.
        const auto fp32 = job(wan::TextPrecision::Float32, "fp32.safetensors");
        QCOMPARE(wan::EngineInternals::textEncoderCalls(engine), 4);
        QVERIFY(torch::equal(fp32.at("context"), reference.at("context")));
        QVERIFY(torch::equal(fp32.at("x0"), reference.at("x0")));
    }
};

QTEST_GUILESS_MAIN(TestTextContextCache)
#include "test_textcontextcache.moc"
