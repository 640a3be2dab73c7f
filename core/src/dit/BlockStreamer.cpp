#include "dit/BlockStreamer.h"

#include "wan/Error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace wan::dit {

namespace {

// MemAvailable in bytes, 0 when unknown.
std::uint64_t availableHostBytes()
{
    std::ifstream in("/proc/meminfo");
    std::string name;
    std::uint64_t value = 0;
    std::string unit;
    while (in >> name >> value) {
        std::getline(in, unit);
        if (name == "MemAvailable:")
            return value * 1024;
    }
    return 0;
}

std::string mib(std::uint64_t bytes)
{
    return std::to_string(bytes >> 20) + " MiB";
}

class SyncStreamBackend final : public StreamBackend
{
public:
    explicit SyncStreamBackend(torch::Device device) : m_device(device) {}

    torch::Device device() const override { return m_device; }
    torch::Tensor pinnedHostBuffer(std::int64_t) override { return {}; }
    torch::Tensor allocateSlot(std::int64_t bytes) override
    {
        return torch::empty({bytes}, torch::TensorOptions().dtype(torch::kUInt8).device(m_device));
    }
    void copy(std::size_t, const std::vector<torch::Tensor>& targets,
              const std::vector<torch::Tensor>& sources) override
    {
        for (std::size_t i = 0; i < targets.size(); ++i)
            targets[i].copy_(sources[i]);
    }
    void waitReady(std::size_t) override {}
    void markFree(std::size_t) override {}
    void drain() override {}
    bool keepsSlots() const override { return true; }

private:
    torch::Device m_device;
};

} // namespace

bool shouldPinHostWeights(std::uint64_t blockBytes, std::uint64_t availableBytes)
{
    return availableBytes > 0 && blockBytes <= availableBytes / 2;
}

// ---------------------------------------------------------------------------------------------------------------

BlockLayout BlockLayout::of(const std::vector<torch::Tensor>& tensors)
{
    BlockLayout layout;
    for (const auto& t : tensors) {
        Entry entry;
        entry.offset = layout.bytes;
        entry.bytes = std::int64_t(t.numel()) * std::int64_t(t.element_size());
        entry.dtype = t.scalar_type();
        entry.shape = t.sizes().vec();
        layout.bytes = (entry.offset + entry.bytes + kAlignment - 1) / kAlignment * kAlignment;
        layout.entries.push_back(std::move(entry));
    }
    return layout;
}

std::vector<torch::Tensor> BlockLayout::views(const torch::Tensor& buffer) const
{
    std::vector<torch::Tensor> out;
    out.reserve(entries.size());
    for (const auto& e : entries)
        out.push_back(buffer.narrow(0, e.offset, e.bytes).view(e.dtype).view(e.shape));
    return out;
}

// ---------------------------------------------------------------------------------------------------------------

std::unique_ptr<StreamBackend> makeSyncStreamBackend(torch::Device device)
{
    return std::make_unique<SyncStreamBackend>(device);
}

std::unique_ptr<StreamBackend> makeStreamBackend(torch::Device device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda())
        return makeCudaStreamBackend(device);
#endif
    return makeSyncStreamBackend(device);
}

BlockStreamer::BlockStreamer(std::vector<std::vector<torch::Tensor>> blocks,
                             std::unique_ptr<StreamBackend> backend, HostPinning pinning)
    : m_backend(std::move(backend)), m_params(std::move(blocks))
{
    std::uint64_t total = 0;
    for (const auto& params : m_params)
        for (const auto& p : params)
            total += std::uint64_t(p.numel()) * std::uint64_t(p.element_size());
    bool pin = pinning == HostPinning::Always;
    if (pinning == HostPinning::Auto && m_backend->device().is_cuda()) {
        const auto available = availableHostBytes();
        pin = shouldPinHostWeights(total, available);
        if (!pin)
            spdlog::info("block streaming: {} of block weights stay pageable ({} available, pinned only up "
                         "to half of it)",
                         mib(total), mib(available));
    }
    for (auto& params : m_params) {
        std::vector<torch::Tensor> host;
        host.reserve(params.size());
        // Tensors of their own (not sharing the parameters' TensorImpl), so that swapping a parameter's data
        // leaves them intact.
        for (const auto& p : params)
            host.push_back(p.to(torch::kCPU).variable_data());
        auto layout = BlockLayout::of(host);
        torch::Tensor pinned;
        if (pin) {
            pinned = m_backend->pinnedHostBuffer(layout.bytes);
            if (pinned.defined()) {
                auto views = layout.views(pinned);
                for (std::size_t j = 0; j < views.size(); ++j)
                    views[j].copy_(host[j]);
                host = std::move(views);
            } else {
                pin = false; // the allocation failed: this block and the rest stay pageable
                spdlog::warn("block streaming: cannot pin host memory for the block weights; copying them "
                             "from pageable memory");
            }
        }
        point(params, host);
        m_slotBytes = std::max(m_slotBytes, layout.bytes);
        m_host.push_back(std::move(host));
        m_pinned.push_back(std::move(pinned));
        m_layouts.push_back(std::move(layout));
    }
    spdlog::debug("block streaming: {} blocks, {} pinned, two slots of {} on {}", m_params.size(),
                  pinnedBlocks(), mib(std::uint64_t(m_slotBytes)), m_backend->device().str());
}

BlockStreamer::~BlockStreamer()
{
    endPass();
    freeSlots();
}

void BlockStreamer::setBackend(std::unique_ptr<StreamBackend> backend)
{
    endPass();
    freeSlots();
    m_backend = std::move(backend);
}

std::size_t BlockStreamer::pinnedBlocks() const
{
    return std::size_t(
        std::count_if(m_pinned.begin(), m_pinned.end(), [](const auto& t) { return t.defined(); }));
}

void BlockStreamer::point(std::vector<torch::Tensor>& params, const std::vector<torch::Tensor>& data)
{
    for (std::size_t j = 0; j < params.size(); ++j)
        params[j].set_data(data[j]);
}

void BlockStreamer::ensureSlots()
{
    if (m_slots[0].defined())
        return;
    for (std::size_t s = 0; s < kSlots; ++s) {
        m_slots[s] = m_backend->allocateSlot(std::max<std::int64_t>(m_slotBytes, 1));
        m_backend->markFree(s);
    }
}

void BlockStreamer::freeSlots() noexcept
{
    for (auto& slot : m_slots)
        slot = torch::Tensor();
}

void BlockStreamer::beginPass(std::vector<std::size_t> order)
{
    if (m_inPass)
        endPass();
    for (const auto block : order)
        if (block >= m_params.size())
            throw Error(ErrorKind::Internal, "BlockStreamer: no block " + std::to_string(block));
    m_order = std::move(order);
    m_position = 0;
    m_loaded = 0;
    m_acquired = false;
    m_inPass = true;
    ensureSlots();
    loadReady();
}

void BlockStreamer::loadReady()
{
    while (m_loaded < m_order.size() && m_loaded < m_position + kSlots &&
           (m_pinned[m_order[m_loaded]].defined() || m_loaded <= m_position))
        load(m_loaded++);
}

void BlockStreamer::load(std::size_t position)
{
    const auto block = m_order[position];
    const auto& slot = m_slots[position % kSlots];
    const auto& layout = m_layouts[block];
    if (m_pinned[block].defined()) // one copy of the whole block
        m_backend->copy(position % kSlots, {slot.narrow(0, 0, layout.bytes)},
                        {m_pinned[block].narrow(0, 0, layout.bytes)});
    else
        m_backend->copy(position % kSlots, layout.views(slot), m_host[block]);
    ++m_copies;
}

void BlockStreamer::acquire(std::size_t block)
{
    if (!m_inPass || m_acquired || m_position >= m_order.size() || m_order[m_position] != block)
        throw Error(ErrorKind::Internal,
                    "BlockStreamer: block " + std::to_string(block) + " runs out of the pass's order");
    const auto slot = m_position % kSlots;
    m_backend->waitReady(slot);
    point(m_params[block], m_layouts[block].views(m_slots[slot]));
    ++m_bound;
    m_acquired = true;
}

void BlockStreamer::release(std::size_t block)
{
    if (!m_acquired || m_order[m_position] != block)
        return;
    const auto slot = m_position % kSlots;
    m_backend->markFree(slot);
    // Pointing parameters back at host tensors allocates nothing.
    point(m_params[block], m_host[block]);
    --m_bound;
    m_acquired = false;
    ++m_position;
    loadReady();
}

void BlockStreamer::endPass() noexcept
{
    if (!m_inPass)
        return;
    try {
        if (m_acquired)
            release(m_order[m_position]);
        m_backend->drain();
    } catch (const std::exception& e) {
        spdlog::warn("block streaming: cannot end the pass cleanly: {}", e.what());
    }
    m_inPass = false;
    m_acquired = false;
    m_order.clear();
    if (!m_backend->keepsSlots())
        freeSlots();
}

} // namespace wan::dit
