#include "pipeline/PreviewReadback.h"

#include <utility>

namespace wan::pipeline {

namespace {

class SyncPreviewBackend final : public PreviewReadback::Backend
{
public:
    void start(const torch::Tensor& tensor) override { m_host = tensor.detach().to(torch::kCPU); }
    bool ready() override { return true; }
    void wait() override {}
    torch::Tensor take() override { return std::exchange(m_host, torch::Tensor()); }

private:
    torch::Tensor m_host;
};

} // namespace

std::unique_ptr<PreviewReadback::Backend> makeSyncPreviewBackend()
{
    return std::make_unique<SyncPreviewBackend>();
}

namespace {

std::unique_ptr<PreviewReadback::Backend> makePreviewBackend(const torch::Device& device)
{
#if WAN_WITH_CUDA
    if (device.is_cuda())
        return makeCudaPreviewBackend(device);
#endif
    (void)device;
    return makeSyncPreviewBackend();
}

} // namespace

PreviewReadback::PreviewReadback(const torch::Device& device) : PreviewReadback(makePreviewBackend(device)) {}

PreviewReadback::PreviewReadback(std::unique_ptr<Backend> backend) : m_backend(std::move(backend)) {}

PreviewReadback::~PreviewReadback() = default;

bool PreviewReadback::start(int step, const torch::Tensor& latent)
{
    if (m_step) {
        ++m_skipped;
        return false;
    }
    m_backend->start(latent);
    m_step = step;
    return true;
}

std::optional<PreviewReadback::Landed> PreviewReadback::poll()
{
    if (!m_step || !m_backend->ready())
        return std::nullopt;
    return Landed{*std::exchange(m_step, std::nullopt), m_backend->take()};
}

std::optional<PreviewReadback::Landed> PreviewReadback::finish()
{
    if (!m_step)
        return std::nullopt;
    m_backend->wait();
    return poll();
}

} // namespace wan::pipeline
