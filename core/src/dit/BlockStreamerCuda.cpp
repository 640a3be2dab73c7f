// The CUDA half of block streaming (CUDA builds only): block copies on a side stream of the compute device,
// ordered against the compute stream with events, from page-locked host buffers.

#include "dit/BlockStreamer.h"

#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#include <spdlog/spdlog.h>

#include <array>

namespace wan::dit {

namespace {

class CudaStreamBackend final : public StreamBackend
{
public:
    explicit CudaStreamBackend(torch::Device device)
        : m_device(device.has_index() ? device : torch::Device(torch::kCUDA, c10::cuda::current_device())),
          m_copyStream(c10::cuda::getStreamFromPool(false, m_device.index()))
    {
        const c10::cuda::CUDAGuard guard(m_device);
        for (auto* events : {&m_ready, &m_free})
            for (auto& event : *events)
                C10_CUDA_CHECK(cudaEventCreateWithFlags(&event, cudaEventDisableTiming));
    }

    ~CudaStreamBackend() override
    {
        const c10::cuda::CUDAGuard guard(m_device);
        for (auto* events : {&m_ready, &m_free})
            for (auto& event : *events)
                if (event)
                    cudaEventDestroy(event);
    }

    torch::Device device() const override { return m_device; }

    torch::Tensor pinnedHostBuffer(std::int64_t bytes) override
    {
        // Exactly `bytes`, page-locked until the tensor dies. (LibTorch's pinned allocator rounds each
        // request up to a power of two, 1 GiB for a 14B block of 0.67 GiB, and keeps freed buffers
        // page-locked for the life of the process.) cudaFreeHost waits for the device, so no copy from the
        // buffer is in flight when it goes.
        const c10::cuda::CUDAGuard guard(m_device);
        void* data = nullptr;
        const auto status = cudaHostAlloc(&data, std::size_t(bytes), cudaHostAllocPortable);
        if (status != cudaSuccess) {
            (void)cudaGetLastError(); // clear it: the caller falls back to pageable memory
            spdlog::warn("block streaming: pinned allocation of {} bytes failed: {}", bytes,
                         cudaGetErrorString(status));
            return {};
        }
        return torch::from_blob(
            data, {bytes},
            [](void* p) {
                if (cudaFreeHost(p) != cudaSuccess)
                    (void)cudaGetLastError();
            },
            torch::TensorOptions().dtype(torch::kUInt8));
    }

    torch::Tensor allocateSlot(std::int64_t bytes) override
    {
        // On the compute stream: the caching allocator orders its reuse after the compute stream's work.
        return torch::empty({bytes}, torch::TensorOptions().dtype(torch::kUInt8).device(m_device));
    }

    void copy(std::size_t slot, const std::vector<torch::Tensor>& targets,
              const std::vector<torch::Tensor>& sources) override
    {
        const c10::cuda::CUDAGuard guard(m_device);
        C10_CUDA_CHECK(cudaStreamWaitEvent(m_copyStream.stream(), m_free[slot], 0));
        {
            const c10::cuda::CUDAStreamGuard onCopyStream(m_copyStream);
            for (std::size_t i = 0; i < targets.size(); ++i)
                targets[i].copy_(sources[i], /*non_blocking=*/true);
        }
        C10_CUDA_CHECK(cudaEventRecord(m_ready[slot], m_copyStream.stream()));
        m_readyRecorded[slot] = true;
    }

    void waitReady(std::size_t slot) override
    {
        const c10::cuda::CUDAGuard guard(m_device);
        C10_CUDA_CHECK(cudaStreamWaitEvent(computeStream(), m_ready[slot], 0));
    }

    void markFree(std::size_t slot) override
    {
        const c10::cuda::CUDAGuard guard(m_device);
        C10_CUDA_CHECK(cudaEventRecord(m_free[slot], computeStream()));
    }

    void drain() override
    {
        const c10::cuda::CUDAGuard guard(m_device);
        for (std::size_t slot = 0; slot < BlockStreamer::kSlots; ++slot)
            if (m_readyRecorded[slot])
                C10_CUDA_CHECK(cudaStreamWaitEvent(computeStream(), m_ready[slot], 0));
    }

    bool keepsSlots() const override { return false; }

private:
    cudaStream_t computeStream() const { return c10::cuda::getCurrentCUDAStream(m_device.index()).stream(); }

    torch::Device m_device;
    c10::cuda::CUDAStream m_copyStream;
    std::array<cudaEvent_t, BlockStreamer::kSlots> m_ready{};
    std::array<cudaEvent_t, BlockStreamer::kSlots> m_free{};
    std::array<bool, BlockStreamer::kSlots> m_readyRecorded{};
};

} // namespace

std::unique_ptr<StreamBackend> makeCudaStreamBackend(torch::Device device)
{
    return std::make_unique<CudaStreamBackend>(device);
}

} // namespace wan::dit
