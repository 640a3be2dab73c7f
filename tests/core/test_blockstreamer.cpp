// Block streaming's ring (dit/BlockStreamer): the copy / compute / reuse order through a recording backend
// over the synchronous CPU one, the buffer reuse, pinned (flat) host weights, the pinning rule, and the
// streamed DiT bit-identical to the resident one on the fixtures (base and VACE blocks), with the time
// embeddings computed up front or per call.

#include "dit/BlockStreamer.h"
#include "dit/WanModel.h"
#include "support/TestSupport.h"
#include "wan/Error.h"

#include <QTest>

#include <map>
#include <memory>
#include <string>

using wan::dit::BlockLayout;
using wan::dit::BlockStreamer;
using wan::dit::HostPinning;
using wan::dit::StreamBackend;
using wan::dit::WanModel;

namespace {

// The CPU backend's copies, with a log of every call and a check of each slot's life cycle:
// free -> copied -> waited on -> free. `fakePinning` hands out plain host buffers as "pinned" ones.
class RecordingBackend final : public StreamBackend
{
public:
    explicit RecordingBackend(bool fakePinning)
        : m_inner(wan::dit::makeSyncStreamBackend(torch::kCPU)), m_fakePinning(fakePinning)
    {
    }

    torch::Device device() const override { return m_inner->device(); }
    torch::Tensor pinnedHostBuffer(std::int64_t bytes) override
    {
        return m_fakePinning ? torch::empty({bytes}, torch::kUInt8) : torch::Tensor();
    }
    torch::Tensor allocateSlot(std::int64_t bytes) override
    {
        log("alloc");
        return m_inner->allocateSlot(bytes);
    }
    void copy(std::size_t slot, const std::vector<torch::Tensor>& targets,
              const std::vector<torch::Tensor>& sources) override
    {
        expect(slot, State::Free, "copy");
        state[slot] = State::Copied;
        log("copy" + std::to_string(slot) + "x" + std::to_string(targets.size()));
        m_inner->copy(slot, targets, sources);
    }
    void waitReady(std::size_t slot) override
    {
        expect(slot, State::Copied, "wait");
        state[slot] = State::InUse;
        log("wait" + std::to_string(slot));
    }
    void markFree(std::size_t slot) override
    {
        if (state[slot] != State::None) // the first mark follows the allocation
            expect(slot, State::InUse, "free");
        state[slot] = State::Free;
        log("free" + std::to_string(slot));
    }
    void drain() override { log("drain"); }
    bool keepsSlots() const override { return true; }

    enum class State
    {
        None,
        Free,
        Copied,
        InUse,
    };
    State state[BlockStreamer::kSlots] = {State::None, State::None};
    std::vector<std::string> calls;
    std::vector<std::string> violations;

private:
    void log(std::string call) { calls.push_back(std::move(call)); }
    void expect(std::size_t slot, State wanted, const char* what)
    {
        if (state[slot] != wanted)
            violations.push_back(std::string(what) + " on slot " + std::to_string(slot) + " in state " +
                                 std::to_string(int(state[slot])));
    }

    std::unique_ptr<StreamBackend> m_inner;
    bool m_fakePinning;
};

// Blocks of mixed dtypes and shapes (a scalar, an odd byte count), filled with distinct values.
std::vector<std::vector<torch::Tensor>> makeBlocks(int count)
{
    std::vector<std::vector<torch::Tensor>> blocks;
    for (int i = 0; i < count; ++i) {
        const auto seed = float(i + 1);
        blocks.push_back({
            torch::arange(15, torch::kFloat32).view({3, 5}) * seed,
            (torch::arange(7, torch::kFloat32) + seed).to(torch::kBFloat16), torch::full({}, seed * 10.0f),
            torch::arange(3 + i, torch::kInt8), // blocks of different sizes
        });
    }
    return blocks;
}

std::vector<std::vector<torch::Tensor>> clonesOf(const std::vector<std::vector<torch::Tensor>>& blocks)
{
    std::vector<std::vector<torch::Tensor>> out;
    for (const auto& block : blocks) {
        out.emplace_back();
        for (const auto& t : block)
            out.back().push_back(t.clone());
    }
    return out;
}

bool inside(const torch::Tensor& t, const torch::Tensor& buffer)
{
    if (!buffer.defined())
        return false;
    const auto* p = static_cast<const std::uint8_t*>(t.data_ptr());
    const auto* begin = static_cast<const std::uint8_t*>(buffer.data_ptr());
    return p >= begin && p < begin + buffer.numel();
}

std::vector<std::size_t> orderOf(const QString& kind, std::size_t count)
{
    std::vector<std::size_t> order;
    if (kind == QLatin1String("vace") && count >= 3) { // hint blocks (the last two) first
        order = {count - 2, count - 1};
        for (std::size_t i = 0; i + 2 < count; ++i)
            order.push_back(i);
        return order;
    }
    for (std::size_t i = 0; i < count; ++i)
        order.push_back(i);
    return order;
}

} // namespace

class TestBlockStreamer : public QObject
{
    Q_OBJECT

private:
    static std::filesystem::path fixture(const char* name) { return wan::test::fixturesDir() / name; }

private Q_SLOTS:
    void layout()
    {
        const auto blocks = makeBlocks(2);
        const auto layout = BlockLayout::of(blocks[1]);
        QCOMPARE(layout.entries.size(), blocks[1].size());
        for (const auto& entry : layout.entries)
            QCOMPARE(entry.offset % BlockLayout::kAlignment, std::int64_t(0));
        QCOMPARE(layout.bytes % BlockLayout::kAlignment, std::int64_t(0));
        const auto buffer = torch::zeros({layout.bytes}, torch::kUInt8);
        const auto views = layout.views(buffer);
        for (std::size_t j = 0; j < views.size(); ++j) {
            views[j].copy_(blocks[1][j]);
            QVERIFY(views[j].is_contiguous());
            QVERIFY(torch::equal(views[j], blocks[1][j]));
        }
    }

    // Every block runs from the slot of its position in the pass, holding exactly its host weights, and
    // the backend sees each slot go free -> copied -> waited on -> free, over two passes.
    void ring_data()
    {
        QTest::addColumn<int>("blocks");
        QTest::addColumn<QString>("order");
        QTest::addColumn<bool>("pinned");
        for (const int count : {1, 2, 3, 6})
            for (const char* order : {"base", "vace"})
                for (const bool pinned : {false, true})
                    QTest::addRow("%d blocks, %s order, %s", count, order, pinned ? "pinned" : "pageable")
                        << count << QString::fromLatin1(order) << pinned;
    }

    void ring()
    {
        QFETCH(int, blocks);
        QFETCH(QString, order);
        QFETCH(bool, pinned);
        auto params = makeBlocks(blocks);
        const auto expected = clonesOf(params);
        auto backend = std::make_unique<RecordingBackend>(pinned);
        auto* recorder = backend.get();
        BlockStreamer streamer(params, std::move(backend), HostPinning::Always);
        QCOMPARE(streamer.pinnedBlocks(), pinned ? std::size_t(blocks) : std::size_t(0));
        const auto sequence = orderOf(order, std::size_t(blocks));
        for (int pass = 0; pass < 2; ++pass) {
            streamer.beginPass(sequence);
            for (std::size_t position = 0; position < sequence.size(); ++position) {
                const auto block = sequence[position];
                streamer.acquire(block);
                QCOMPARE(streamer.boundBlocks(), 1);
                const auto& slot = streamer.slotBuffer(position % BlockStreamer::kSlots);
                for (std::size_t j = 0; j < params[block].size(); ++j) {
                    QVERIFY2(inside(params[block][j], slot), "a running block reads its slot");
                    QVERIFY(torch::equal(params[block][j], expected[block][j]));
                }
                streamer.release(block);
                QCOMPARE(streamer.boundBlocks(), 0);
                for (std::size_t j = 0; j < params[block].size(); ++j) {
                    QVERIFY(!inside(params[block][j], streamer.slotBuffer(0)));
                    QVERIFY(!inside(params[block][j], streamer.slotBuffer(1)));
                    QVERIFY(torch::equal(params[block][j], expected[block][j]));
                }
            }
            streamer.endPass();
        }
        QCOMPARE(streamer.copies(), std::int64_t(2 * blocks));
        for (const auto& violation : recorder->violations)
            qWarning("%s", violation.c_str());
        QVERIFY(recorder->violations.empty());
        // A pinned block travels as one copy, a pageable one tensor by tensor.
        const auto tensors = std::string("x") + (pinned ? "1" : std::to_string(params[0].size()));
        const auto copyCalls =
            std::count_if(recorder->calls.begin(), recorder->calls.end(),
                          [&](const auto& c) { return c.starts_with("copy") && c.ends_with(tensors); });
        QCOMPARE(copyCalls, std::ptrdiff_t(2 * blocks));
    }

    // The next block is copied before the current one computes, and a slot is refilled only after the
    // compute that read it was marked done.
    void prefetchOrder()
    {
        auto params = makeBlocks(3);
        auto backend = std::make_unique<RecordingBackend>(true);
        auto* recorder = backend.get();
        BlockStreamer streamer(params, std::move(backend), HostPinning::Always);
        streamer.beginPass({0, 1, 2});
        for (std::size_t block = 0; block < 3; ++block) {
            streamer.acquire(block);
            streamer.release(block);
        }
        streamer.endPass();
        const std::vector<std::string> expected{"alloc",   "free0",   "alloc",   "free1", // the slots
                                                "copy0x1", "copy1x1",            // blocks 0 and 1 in flight
                                                "wait0",   "free0",   "copy0x1", // block 0; block 2 follows
                                                "wait1",   "free1",              // block 1
                                                "wait0",   "free0",   "drain"};  // block 2
        QCOMPARE(recorder->calls, expected);
        QVERIFY(recorder->violations.empty());
        // The slots stay for the next pass (the CPU backend keeps them): no second allocation.
        streamer.beginPass({2});
        streamer.acquire(2);
        streamer.release(2);
        streamer.endPass();
        QCOMPARE(std::count(recorder->calls.begin(), recorder->calls.end(), std::string("alloc")),
                 std::ptrdiff_t(2));
    }

    // From pageable memory a copy holds the host until its slot is free, so the next block's copy starts
    // only once the current block's work is enqueued (the device computes it meanwhile), never before it.
    void pageablePrefetchOrder()
    {
        auto params = makeBlocks(3);
        auto backend = std::make_unique<RecordingBackend>(false);
        auto* recorder = backend.get();
        BlockStreamer streamer(params, std::move(backend), HostPinning::Always);
        QCOMPARE(streamer.pinnedBlocks(), std::size_t(0));
        streamer.beginPass({0, 1, 2});
        for (std::size_t block = 0; block < 3; ++block) {
            streamer.acquire(block);
            streamer.release(block);
        }
        streamer.endPass();
        const auto copy = [&](int slot, std::size_t block) {
            return "copy" + std::to_string(slot) + "x" + std::to_string(params[block].size());
        };
        const std::vector<std::string> expected{"alloc",    "free0", "alloc",    "free1", // the slots
                                                copy(0, 0),                               // block 0 only
                                                "wait0",    "free0", copy(1, 1),          // block 0; then 1
                                                "wait1",    "free1", copy(0, 2),          // block 1; then 2
                                                "wait0",    "free0", "drain"};            // block 2
        QCOMPARE(recorder->calls, expected);
        QVERIFY(recorder->violations.empty());
    }

    void outOfOrder()
    {
        auto params = makeBlocks(3);
        BlockStreamer streamer(params, std::make_unique<RecordingBackend>(false), HostPinning::Never);
        streamer.beginPass({0, 1, 2});
        bool threw = false;
        try {
            streamer.acquire(1);
        } catch (const wan::Error& e) {
            threw = e.kind() == wan::ErrorKind::Internal;
        }
        QVERIFY(threw);
        QVERIFY_THROWS_EXCEPTION(wan::Error, streamer.beginPass({0, 3}));
    }

    // A pass that ends while a block is bound (an exception between acquire and release) points the block
    // back at its host weights.
    void endPassReleases()
    {
        auto params = makeBlocks(2);
        const auto expected = clonesOf(params);
        BlockStreamer streamer(params, std::make_unique<RecordingBackend>(false), HostPinning::Never);
        streamer.beginPass({0, 1});
        streamer.acquire(0);
        QCOMPARE(streamer.boundBlocks(), 1);
        streamer.endPass();
        QCOMPARE(streamer.boundBlocks(), 0);
        QVERIFY(!inside(params[0][0], streamer.slotBuffer(0)));
        QVERIFY(torch::equal(params[0][0], expected[0][0]));
        QVERIFY(!streamer.inPass());
    }

    void pinRule_data()
    {
        QTest::addColumn<qulonglong>("blockBytes");
        QTest::addColumn<qulonglong>("available");
        QTest::addColumn<bool>("pin");
        constexpr qulonglong kGiB = 1ull << 30;
        QTest::newRow("1.3B fp32 blocks, 60 GiB free") << 5 * kGiB << 60 * kGiB << true;
        QTest::newRow("exactly half") << 8 * kGiB << 16 * kGiB << true;
        QTest::newRow("14B bf16 blocks, 32 GiB free") << 26 * kGiB << 32 * kGiB << false;
        QTest::newRow("available unknown") << kGiB << 0ull << false;
    }

    void pinRule()
    {
        QFETCH(qulonglong, blockBytes);
        QFETCH(qulonglong, available);
        QFETCH(bool, pin);
        QCOMPARE(wan::dit::shouldPinHostWeights(blockBytes, available), pin);
    }

    // The streamed DiT (ring on the CPU backend) gives exactly the resident model's outputs.
    void streamedEqualsResident_data()
    {
        QTest::addColumn<QString>("fixtureName");
        for (const char* name : {"wan-tiny-t2v", "wan-tiny-i2v", "wan-tiny-vace"})
            QTest::newRow(name) << name;
    }

    void streamedEqualsResident()
    {
        WAN_REQUIRE_FIXTURES();
        QFETCH(QString, fixtureName);
        c10::InferenceMode inference;
        const auto dir = fixture(qPrintable(fixtureName));
        const auto ref = wan::io::loadSafetensors(dir / "reference" / "dit_call2.safetensors");
        const auto call = [&](WanModel& m) {
            std::vector<torch::Tensor> x, context, y;
            for (int i = 0; ref.count("x." + std::to_string(i)); ++i) {
                x.push_back(ref.at("x." + std::to_string(i)));
                context.push_back(ref.at("context." + std::to_string(i)));
                if (ref.count("y." + std::to_string(i)))
                    y.push_back(ref.at("y." + std::to_string(i)));
            }
            std::optional<torch::Tensor> clipFea;
            std::optional<std::vector<torch::Tensor>> yArg, vace;
            double scale = 1.0;
            if (ref.count("clip_fea")) {
                clipFea = ref.at("clip_fea");
                yArg = y;
            }
            if (ref.count("vace_context.0")) {
                vace.emplace();
                for (std::size_t i = 0; i < x.size(); ++i)
                    vace->push_back(ref.at("vace_context." + std::to_string(i)));
                scale = ref.at("vace_context_scale").item<double>();
            }
            return m.forward(x, ref.at("t"), context, ref.at("seq_len").item<int64_t>(), clipFea, yArg, vace,
                             scale);
        };
        auto resident = WanModel::load(dir, torch::kFloat32, torch::kCPU);
        auto streamed = WanModel::load(dir, torch::kFloat32, torch::kCPU);
        streamed->setBlockStreaming(torch::Device(torch::kCPU), HostPinning::Never);
        std::vector<std::size_t> ran;
        streamed->setBlockHook([&](std::size_t block) { ran.push_back(block); });
        const auto want = call(*resident);
        const auto got = call(*streamed);
        QCOMPARE(got.size(), want.size());
        for (std::size_t i = 0; i < got.size(); ++i)
            QVERIFY2(torch::equal(got[i], want[i]), qPrintable(QStringLiteral("output %1 differs").arg(i)));
        const auto* ring = streamed->blockStreamer();
        QVERIFY(ring);
        QCOMPARE(std::size_t(ring->copies()), ring->blockCount()); // one copy per block and call
        QCOMPARE(ran.size(), ring->blockCount());
        std::vector<std::size_t> order; // VACE hint blocks first, then the base blocks
        const auto layers = std::size_t(streamed->config().numLayers);
        for (std::size_t j = 0; j < streamed->config().vaceLayers.size(); ++j)
            order.push_back(layers + j);
        for (std::size_t i = 0; i < layers; ++i)
            order.push_back(i);
        QVERIFY(ran == order);
        QCOMPARE(streamed->fetchedBlockCount(), 0);
        // The host weights are the resident model's values.
        const auto residentParams = resident->blocks[0]->parameters();
        const auto& host = ring->hostWeights(0);
        QCOMPARE(host.size(), residentParams.size());
        for (std::size_t j = 0; j < host.size(); ++j)
            QVERIFY(torch::equal(host[j], residentParams[j]));
    }

    // Time embeddings computed up front give the same outputs as per call, for one row and for the two
    // rows of batched CFG; a timestep missing from the table is still computed.
    void precomputedTimeEmbeddings()
    {
        WAN_REQUIRE_FIXTURES();
        c10::InferenceMode inference;
        const auto dir = fixture("wan-tiny-t2v");
        auto m = WanModel::load(dir, torch::kFloat32, torch::kCPU);
        const auto ref = wan::io::loadSafetensors(dir / "reference" / "dit_call2.safetensors");
        const std::vector<torch::Tensor> x{ref.at("x.0"), ref.at("x.1")};
        const std::vector<torch::Tensor> context{ref.at("context.0"), ref.at("context.1")};
        const auto seqLen = ref.at("seq_len").item<int64_t>();
        const std::vector<torch::Tensor> steps{torch::full({1}, 999, torch::kInt64),
                                               torch::full({1}, 500, torch::kInt64),
                                               torch::full({2}, 500, torch::kInt64)};
        std::vector<std::vector<torch::Tensor>> want;
        for (const auto& t : steps)
            want.push_back(t.size(0) == 1 ? m->forward({x[0]}, t, {context[0]}, seqLen)
                                          : m->forward(x, t, context, seqLen));
        m->precomputeTimeEmbeddings(steps);
        QCOMPARE(m->precomputedTimeEmbeddings(), std::size_t(3));
        for (std::size_t k = 0; k < steps.size(); ++k) {
            const auto& t = steps[k];
            const auto got = t.size(0) == 1 ? m->forward({x[0]}, t, {context[0]}, seqLen)
                                            : m->forward(x, t, context, seqLen);
            for (std::size_t i = 0; i < got.size(); ++i)
                QVERIFY(torch::equal(got[i], want[k][i]));
        }
        const auto other = torch::full({1}, 250, torch::kInt64);
        const auto direct = m->forward({x[0]}, other, {context[0]}, seqLen).at(0);
        m->clearTimeEmbeddings();
        QCOMPARE(m->precomputedTimeEmbeddings(), std::size_t(0));
        QVERIFY(torch::equal(m->forward({x[0]}, other, {context[0]}, seqLen).at(0), direct));
    }
};

QTEST_GUILESS_MAIN(TestBlockStreamer)
#include "test_blockstreamer.moc"
