#pragma once
// Block streaming's ring: the streamed blocks' weights live in host memory and run from two device-side
// buffers. While block i computes from one buffer, block i+1 is copied into the other on a side stream;
// events order each copy before the compute that reads it, and each buffer's reuse after the compute that
// read it. The device-specific half (streams, events, pinned memory) sits behind StreamBackend; the CPU
// backend copies host to host synchronously through the same ring, so CPU runs exercise the ring logic.
//
// Host memory rule (HostPinning::Auto): with a backend that can pin (CUDA), the blocks' host weights are
// copied into page-locked buffers when they take at most half of the available RAM (MemAvailable) when
// streaming starts; otherwise, or when a pinned allocation fails, they stay where they are (mmap or
// pageable) and are copied from there. Pinned memory cannot be swapped or reclaimed, so half the available
// RAM stays free for the rest of the job (T5 on the CPU, the VAE, the decoded video).

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace wan::dit {

enum class HostPinning
{
    Auto = 1, // the rule above
    Never,    // keep the weights where they are
    Always,   // pin whenever the backend can (tests, tools)
};

// Auto's rule: pin `blockBytes` of host weights when `availableBytes` is known (non-zero) and at least
// twice as large.
bool shouldPinHostWeights(std::uint64_t blockBytes, std::uint64_t availableBytes);

// Where one block's tensors sit in a flat byte buffer: each at an offset aligned to kAlignment (the CUDA
// caching allocator's granularity, so kernels see the alignment resident weights have).
struct BlockLayout
{
    static constexpr std::int64_t kAlignment = 512;

    struct Entry
    {
        std::int64_t offset = 0;
        std::int64_t bytes = 0;
        torch::Dtype dtype = torch::kFloat32;
        std::vector<std::int64_t> shape;
    };

    static BlockLayout of(const std::vector<torch::Tensor>& tensors);
    // One contiguous view per entry into `buffer` (1-D uint8 of at least `bytes`).
    std::vector<torch::Tensor> views(const torch::Tensor& buffer) const;

    std::vector<Entry> entries;
    std::int64_t bytes = 0;
};

// The device-specific half of the ring. Slots are numbered 0 .. BlockStreamer::kSlots - 1. "Compute side":
// the work enqueued by the caller's thread (the current stream on CUDA).
class StreamBackend
{
public:
    virtual ~StreamBackend() = default;

    virtual torch::Device device() const = 0;
    // A page-locked host buffer of `bytes` (1-D uint8), or an undefined tensor when this backend does not
    // pin or the allocation failed.
    virtual torch::Tensor pinnedHostBuffer(std::int64_t bytes) = 0;
    // A slot's device buffer (1-D uint8). The ring marks it free right after, so the first copy into it
    // waits for the compute side's earlier work on that memory.
    virtual torch::Tensor allocateSlot(std::int64_t bytes) = 0;
    // Copies sources[i] into targets[i] once the compute side's last use of `slot` (markFree) is done, then
    // marks the slot ready.
    virtual void copy(std::size_t slot, const std::vector<torch::Tensor>& targets,
                      const std::vector<torch::Tensor>& sources) = 0;
    // The compute side waits for the last copy into `slot`.
    virtual void waitReady(std::size_t slot) = 0;
    // The compute side's use of `slot` ends with the work enqueued so far.
    virtual void markFree(std::size_t slot) = 0;
    // The compute side waits for every copy in flight (before the slots are freed).
    virtual void drain() = 0;
    // Whether the ring keeps its slots allocated between passes (CPU: no allocation per call; CUDA: freed,
    // the caching allocator hands them out again cheaply and the VAE can use the memory meanwhile).
    virtual bool keepsSlots() const = 0;
};

// Synchronous copies on the caller's thread onto `device` (the CPU: host to host); events are no-ops.
std::unique_ptr<StreamBackend> makeSyncStreamBackend(torch::Device device);
// A side stream and events on a CUDA device, pinned host buffers (BlockStreamerCuda.cpp, CUDA builds only).
std::unique_ptr<StreamBackend> makeCudaStreamBackend(torch::Device device);
// The backend for a compute device: the CUDA one in a CUDA build, else the synchronous one.
std::unique_ptr<StreamBackend> makeStreamBackend(torch::Device device);

class BlockStreamer
{
public:
    static constexpr std::size_t kSlots = 2;

    // `blocks[i]`: block i's parameters. Their current data becomes the host weights (moved to the CPU,
    // pinned per `pinning`); the parameters point at them between block calls.
    BlockStreamer(std::vector<std::vector<torch::Tensor>> blocks, std::unique_ptr<StreamBackend> backend,
                  HostPinning pinning = HostPinning::Auto);
    ~BlockStreamer();
    BlockStreamer(const BlockStreamer&) = delete;
    BlockStreamer& operator=(const BlockStreamer&) = delete;

    // Another compute device: drains and frees the slots; the host weights stay.
    void setBackend(std::unique_ptr<StreamBackend> backend);
    torch::Device device() const { return m_backend->device(); }

    // A pass uses the blocks in `order` (each index once); the first copies start now (loadReady()).
    void beginPass(std::vector<std::size_t> order);
    // Block `block`, the pass's next one, is about to run: the compute side waits for its copy and its
    // parameters point at its slot. Throws wan::Error(Internal) for a block out of order.
    void acquire(std::size_t block);
    // Block `block`'s work is enqueued: its slot is marked free, its parameters point back at the host
    // weights, and the copies that may start now start (loadReady()).
    void release(std::size_t block);
    // Ends the pass however it went: waits for copies in flight and frees the slots unless the backend
    // keeps them. Never throws.
    void endPass() noexcept;
    bool inPass() const { return m_inPass; }

    // Blocks whose parameters point at a slot now.
    int boundBlocks() const { return m_bound; }
    // Copies issued since construction.
    std::int64_t copies() const { return m_copies; }
    std::size_t blockCount() const { return m_params.size(); }
    const std::vector<torch::Tensor>& hostWeights(std::size_t block) const { return m_host[block]; }
    // Blocks whose host weights are pinned; the bytes of one slot (the largest block).
    std::size_t pinnedBlocks() const;
    std::int64_t slotBytes() const { return m_slotBytes; }
    // The slot buffers (undefined between passes when the backend does not keep them).
    const torch::Tensor& slotBuffer(std::size_t slot) const { return m_slots[slot]; }

private:
    void ensureSlots();
    void freeSlots() noexcept;
    // Enqueues the copies that may start now, in the pass's order: a pinned block's once its slot is free
    // (the compute that read it is enqueued); a pageable block's only once the block before it is enqueued
    // too, because a copy from pageable memory holds the host until its slot is free, and the device would
    // otherwise idle with nothing queued.
    void loadReady();
    // Enqueues the copy of the pass's block at `position` into its slot.
    void load(std::size_t position);
    static void point(std::vector<torch::Tensor>& params, const std::vector<torch::Tensor>& data);

    std::unique_ptr<StreamBackend> m_backend;
    std::vector<std::vector<torch::Tensor>> m_params; // per block, the parameters
    std::vector<std::vector<torch::Tensor>> m_host;   // per block, the host weights (views of m_pinned)
    std::vector<torch::Tensor> m_pinned;              // per block, its flat pinned buffer or undefined
    std::vector<BlockLayout> m_layouts;
    std::int64_t m_slotBytes = 0;
    torch::Tensor m_slots[kSlots];
    std::vector<std::size_t> m_order;
    std::size_t m_position = 0; // the pass's next block to acquire
    std::size_t m_loaded = 0;   // the pass's next block to copy
    bool m_inPass = false;
    bool m_acquired = false;
    int m_bound = 0;
    std::int64_t m_copies = 0;
};

} // namespace wan::dit
