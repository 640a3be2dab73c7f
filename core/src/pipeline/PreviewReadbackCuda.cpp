// The CUDA half of preview read-backs (CUDA builds only): the copy runs on a side stream after an event
// recorded on the compute stream, into a page-locked buffer kept between previews of one shape, and a second
// event tells the host when it has landed.

#include "pipeline/PreviewReadback.h"

#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace wan::pipeline {

namespace {

class CudaPreviewBackend final : public PreviewReadback::Backend
{
public:
    explicit CudaPreviewBackend(const torch::Device& device)
        : m_device(device.has_index() ? device : torch::Device(torch::kCUDA, c10::cuda::current_device())),
          m_copyStream(c10::cuda::getStreamFromPool(false, m_device.index()))
    {
        const c10::cuda::CUDAGuard guard(m_device);
        C10_CUDA_CHECK(cudaEventCreateWithFlags(&m_computed, cudaEventDisableTiming));
        C10_CUDA_CHECK(cudaEventCreateWithFlags(&m_landed, cudaEventDisableTiming));
    }

    ~CudaPreviewBackend() override
    {
        const c10::cuda::CUDAGuard guard(m_device);
        // The buffer and the source must outlive a copy still in flight (an exception in the step loop).
        if (m_source.defined() && cudaEventSynchronize(m_landed) != cudaSuccess)
            spdlog::warn("preview read-back: waiting for the last copy failed");
        cudaEventDestroy(m_computed);
        cudaEventDestroy(m_landed);
    }

    void start(const torch::Tensor& tensor) override
    {
        const c10::cuda::CUDAGuard guard(m_device);
        const auto source = tensor.detach().contiguous();
        if (!m_host.defined() || m_host.sizes() != source.sizes() || m_host.dtype() != source.dtype())
            m_host = torch::empty(source.sizes(),
                                  torch::TensorOptions().dtype(source.dtype()).pinned_memory(true));
        const auto compute = c10::cuda::getCurrentCUDAStream(m_device.index());
        C10_CUDA_CHECK(cudaEventRecord(m_computed, compute.stream()));
        C10_CUDA_CHECK(cudaStreamWaitEvent(m_copyStream.stream(), m_computed, 0));
        {
            const c10::cuda::CUDAStreamGuard onCopyStream(m_copyStream);
            m_host.copy_(source, /*non_blocking=*/true);
        }
        C10_CUDA_CHECK(cudaEventRecord(m_landed, m_copyStream.stream()));
        m_source = source; // the allocator must not hand its memory out before the copy has read it
    }

    bool ready() override
    {
        const c10::cuda::CUDAGuard guard(m_device);
        const auto status = cudaEventQuery(m_landed);
        if (status == cudaErrorNotReady) {
            (void)cudaGetLastError(); // not an error: clear it
            return false;
        }
        C10_CUDA_CHECK(status);
        return true;
    }

    void wait() override
    {
        const c10::cuda::CUDAGuard guard(m_device);
        C10_CUDA_CHECK(cudaEventSynchronize(m_landed));
    }

    torch::Tensor take() override
    {
        m_source = torch::Tensor();
        // A copy for the caller: the page-locked buffer is reused by the next preview of this shape.
        return m_host.clone();
    }

private:
    torch::Device m_device;
    c10::cuda::CUDAStream m_copyStream;
    cudaEvent_t m_computed = nullptr;
    cudaEvent_t m_landed = nullptr;
    torch::Tensor m_host;
    torch::Tensor m_source;
};

} // namespace

std::unique_ptr<PreviewReadback::Backend> makeCudaPreviewBackend(const torch::Device& device)
{
    return std::make_unique<CudaPreviewBackend>(device);
}

} // namespace wan::pipeline
