// umT5 encoder parity with the reference outputs (context.* of reference/t5.safetensors, atol 1e-4) for both
// fixture folders, the padded-batch path, the relative position buckets and load failures.

#include "support/FixturePrompts.h"
#include "support/TestSupport.h"
#include "text/T5Encoder.h"
#include "wan/Error.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

namespace fs = std::filesystem;
using wan::text::TextEncoder;

Q_DECLARE_METATYPE(std::string)

namespace {

constexpr const auto& kFixtures = wan::test::kTinyFixtures;
using wan::test::readFixturePrompts;
constexpr double kAtol = 1e-4; // reference/README.md, t5.safetensors

// Copies a fixture's tokenizer into `dir` so a broken weights file can sit beside a valid tokenizer.
fs::path folderWithWeights(const QTemporaryDir& dir, const std::string& weightsBytes)
{
    const fs::path root = dir.path().toStdString();
    fs::create_directories(root / "google" / "umt5-xxl");
    fs::copy_file(wan::test::fixturesDir() / kFixtures[0] / "google" / "umt5-xxl" / "spiece.model",
                  root / "google" / "umt5-xxl" / "spiece.model");
    std::ofstream(root / TextEncoder::kWeightsFileName, std::ios::binary) << weightsBytes;
    return root;
}

} // namespace

class TestT5 : public QObject
{
    Q_OBJECT

private:
    std::map<std::string, std::unique_ptr<TextEncoder>> m_encoders;

    TextEncoder& encoderFor(const std::string& fixture)
    {
        auto& e = m_encoders[fixture];
        if (!e)
            e = TextEncoder::load(wan::test::fixturesDir() / fixture);
        return *e;
    }

    static void addFixtureRows()
    {
        QTest::addColumn<std::string>("fixture");
        for (const char* fixture : kFixtures)
            QTest::newRow(fixture) << std::string(fixture);
    }

private Q_SLOTS:
    void configFromShapes_data() { addFixtureRows(); }

    void configFromShapes()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(std::string, fixture);
        auto& encoder = encoderFor(fixture);
        const auto& c = encoder.config();
        QCOMPARE(c.vocab, std::int64_t(832));
        QCOMPARE(c.dim, std::int64_t(32));
        QCOMPARE(c.dimAttn, std::int64_t(32));
        QCOMPARE(c.dimFfn, std::int64_t(64));
        QCOMPARE(c.numHeads, std::int64_t(4));
        QCOMPARE(c.numLayers, std::int64_t(2));
        QCOMPARE(c.numBuckets, std::int64_t(32));
        QVERIFY(!c.sharedPos);
        // Weights stay in the file's bf16; the math runs in float32 on the CPU.
        QCOMPARE(encoder.model()->token_embedding->weight.scalar_type(), torch::kBFloat16);
        QCOMPARE(encoder.model()->blocks->ptr<wan::text::T5BlockImpl>(1)->ffn->fc2->weight.scalar_type(),
                 torch::kBFloat16);
        QCOMPARE(encoder.computeDtype(), torch::kFloat32);
    }

    void contexts_data() { wan::test::addFixturePromptRows(); }

    // Each prompt alone, on its real tokens only.
    void contexts()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(std::string, fixture);
        QFETCH(int, index);
        const auto ref = wan::test::fixturesDir() / fixture / "reference";
        const auto prompts = readFixturePrompts(ref / "tokenizer_prompts.json");
        const auto want = wan::io::loadSafetensors(ref / "t5.safetensors");
        const auto& wantContext = want.at("context." + std::to_string(index));

        std::vector<std::vector<std::int64_t>> ids;
        const auto got =
            encoderFor(fixture).encode({prompts.at(std::size_t(index)).prompt}, torch::kCPU, &ids);
        QCOMPARE(int(got.size()), 1);
        QCOMPARE(got[0].scalar_type(), torch::kFloat32);
        const auto length = std::int64_t(ids.at(0).size());
        QVERIFY(
            torch::equal(torch::tensor(ids[0], torch::kInt64), want.at("ids")[index].slice(0, 0, length)));
        WAN_COMPARE_TENSORS(got[0], wantContext, kAtol);
    }

    void paddedBatch_data() { addFixtureRows(); }

    // All prompts at once, padded to text_len with the key mask, as the reference ran them.
    void paddedBatch()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(std::string, fixture);
        const auto ref = wan::test::fixturesDir() / fixture / "reference";
        const auto want = wan::io::loadSafetensors(ref / "t5.safetensors");
        auto& encoder = encoderFor(fixture);
        // Outside inference mode on purpose: the widened-weight buffer must cope with both modes.
        torch::NoGradGuard noGrad;
        const auto out = encoder.model()->forward(want.at("ids"), want.at("mask"), torch::kFloat32);
        const auto lengths = want.at("mask").sum(1);
        for (std::int64_t i = 0; i < out.size(0); ++i) {
            const auto got = out[i].slice(0, 0, lengths[i].item<std::int64_t>());
            WAN_COMPARE_TENSORS(got, want.at("context." + std::to_string(i)), kAtol);
        }
    }

    // The CUDA default (math in the weights' bf16) run on the CPU: a coarse check of that code path only; its
    // rounding is far above the float32 tolerance.
    void bf16ComputeIsClose()
    {
        WAN_REQUIRE_FIXTURES();
        const auto dir = wan::test::fixturesDir() / kFixtures[0];
        TextEncoder::Options options;
        options.computeDtype = torch::kBFloat16;
        auto encoder = TextEncoder::load(dir, options);
        QCOMPARE(encoder->computeDtype(), torch::kBFloat16);
        const auto prompts = readFixturePrompts(dir / "reference" / "tokenizer_prompts.json");
        const auto want = wan::io::loadSafetensors(dir / "reference" / "t5.safetensors");
        const auto got = encoder->encode({prompts.at(0).prompt});
        QCOMPARE(got[0].scalar_type(), torch::kFloat32);
        // Unscaled T5 attention logits make single elements drift in bf16; the average must stay small.
        WAN_COMPARE_TENSORS(got[0], want.at("context.0"), 0.5);
        const double meanError = (got[0] - want.at("context.0")).abs().mean().item<double>();
        qInfo("bf16 mean abs error %.3g", meanError);
        QVERIFY(meanError > 0.0 && meanError < 0.05);
    }

    // The w x^T form of short float32 products gives torch::linear's values (another summation order);
    // longer inputs and other dtypes are torch::linear itself.
    void productWithWeight_data()
    {
        QTest::addColumn<QList<qint64>>("shape");
        QTest::newRow("1 row") << QList<qint64>{1, 1, 96};
        QTest::newRow("2 x 7 rows") << QList<qint64>{2, 7, 96};
        QTest::newRow("512 rows") << QList<qint64>{512, 96};
        QTest::newRow("513 rows") << QList<qint64>{1, 513, 96};
    }

    void productWithWeight()
    {
        QFETCH(QList<qint64>, shape);
        torch::manual_seed(3);
        const auto x = torch::randn(std::vector<std::int64_t>(shape.begin(), shape.end()));
        const auto w = torch::randn({40, 96});
        const auto got = wan::text::productWithWeight(x, w);
        const auto want = torch::linear(x, w);
        QCOMPARE(got.sizes().vec(), want.sizes().vec());
        QVERIFY(got.is_contiguous());
        WAN_COMPARE_TENSORS(got, want, 1e-4);
        if (x.numel() / 96 > 512)
            QVERIFY(torch::equal(got, want));
        const auto xb = x.to(torch::kBFloat16), wb = w.to(torch::kBFloat16);
        QVERIFY(torch::equal(wan::text::productWithWeight(xb, wb), torch::linear(xb, wb)));
    }

    void positionBuckets()
    {
        // Values of the reference bucket formula (32 buckets, bidirectional, max_dist 128) at query 300.
        const auto b = wan::text::T5RelativeEmbeddingImpl::buckets(600, 600, 32, 128, torch::kCPU);
        const std::pair<int, int> expected[] = {
            {0, 0},   {1, 17},   {-1, 1},   {7, 23},   {-7, 7},   {8, 24},   {-8, 8},  {11, 24},
            {12, 25}, {15, 25},  {16, 26},  {20, 26},  {23, 27},  {32, 28},  {45, 28}, {64, 30},
            {90, 30}, {127, 31}, {128, 31}, {200, 31}, {299, 31}, {-299, 15}};
        for (const auto& [offset, bucket] : expected)
            QCOMPARE(b[300][300 + offset].item<std::int64_t>(), std::int64_t(bucket));
        QCOMPARE(b.sum().item<std::int64_t>(), std::int64_t(7916530));
    }

    void batchedPromptsMatchSingle()
    {
        WAN_REQUIRE_FIXTURES();
        auto& encoder = encoderFor(kFixtures[0]);
        const std::vector<std::string> prompts = {"a cat", "", "一只猫在跑"};
        const auto together = encoder.encode(prompts);
        QCOMPARE(int(together.size()), 3);
        for (std::size_t i = 0; i < prompts.size(); ++i) {
            const auto alone = encoder.encode({prompts[i]});
            QVERIFY(torch::equal(together[i], alone[0]));
            QCOMPARE(together[i].size(1), encoder.config().dim);
        }
        QCOMPARE(together[1].size(0), std::int64_t(1)); // EOS only
    }

    void cancelStopsEncoding()
    {
        WAN_REQUIRE_FIXTURES();
        wan::CancelToken cancel;
        cancel.cancel();
        try {
            encoderFor(kFixtures[0]).encode({"a cat"}, torch::kCPU, nullptr, &cancel);
            QFAIL("expected cancellation");
        } catch (const wan::Error& e) {
            QCOMPARE(e.kind(), wan::ErrorKind::Cancelled);
        }
    }

    void invalidIdsRejected()
    {
        WAN_REQUIRE_FIXTURES();
        auto& encoder = encoderFor(kFixtures[0]);
        QVERIFY_THROWS_EXCEPTION(wan::Error, encoder.encodeIds({}));
        QVERIFY_THROWS_EXCEPTION(wan::Error, encoder.encodeIds({5, encoder.config().vocab}));
        QVERIFY_THROWS_EXCEPTION(wan::Error, encoder.encodeIds({-1, 1}));
    }

    void missingWeightsFail()
    {
        QTemporaryDir dir;
        try {
            TextEncoder::load(fs::path(dir.path().toStdString()));
            QFAIL("expected wan::Error");
        } catch (const wan::Error& e) {
            QCOMPARE(e.kind(), wan::ErrorKind::ModelFolder);
            QVERIFY(std::string(e.what()).find(TextEncoder::kWeightsFileName) != std::string::npos);
        }
    }

    void corruptWeightsFail_data()
    {
        QTest::addColumn<std::string>("bytes");
        QTest::newRow("empty") << std::string();
        QTest::newRow("text") << std::string("not a checkpoint at all");
        QTest::newRow("zip magic only") << std::string("PK\x03\x04 truncated", 14);
    }

    void corruptWeightsFail()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(std::string, bytes);
        QTemporaryDir dir;
        const auto folder = folderWithWeights(dir, bytes);
        try {
            TextEncoder::load(folder);
            QFAIL("expected wan::Error");
        } catch (const wan::Error& e) {
            QVERIFY2(std::string(e.what()).find("umT5") != std::string::npos, e.what());
        }
    }

    void wrongCheckpointFails()
    {
        WAN_REQUIRE_FIXTURES();
        const auto fixture = wan::test::fixturesDir() / kFixtures[0];
        TextEncoder::Options options;
        try {
            TextEncoder::loadFiles(fixture / "diffusion_pytorch_model.safetensors",
                                   wan::text::Tokenizer::modelPathIn(fixture), options);
            QFAIL("expected wan::Error");
        } catch (const wan::Error& e) {
            QCOMPARE(e.kind(), wan::ErrorKind::ModelFolder);
            QVERIFY2(std::string(e.what()).find("token_embedding.weight") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestT5)
#include "test_t5.moc"
