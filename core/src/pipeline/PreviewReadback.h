#pragma once
// Latent previews leave the device without making the host wait. On a GPU the copy into page-locked host
// memory runs on a side stream once the compute stream's work so far is done, and the host picks the result
// up when an event says it has landed (poll(), which never waits) or at the end of the loop (finish()). One
// read-back is in flight at a time: a preview due while one is still copying is skipped, as the viewer only
// shows the latest anyway. On the CPU, or a build without CUDA, the copy is made at once.

#include <torch/torch.h>

#include <memory>
#include <optional>

namespace wan::pipeline {

class PreviewReadback
{
public:
    // The device-specific half: one copy at a time to host memory.
    class Backend
    {
    public:
        virtual ~Backend() = default;
        // Enqueues the copy of `tensor` (kept alive until it is done) after the work enqueued so far.
        virtual void start(const torch::Tensor& tensor) = 0;
        // Whether the last copy has landed; never waits.
        virtual bool ready() = 0;
        // Waits for the last copy.
        virtual void wait() = 0;
        // The last copy's host tensor, once ready; the backend lets go of it.
        virtual torch::Tensor take() = 0;
    };

    struct Landed
    {
        int step = 0;
        torch::Tensor latent; // on the CPU
    };

    // The backend for `device`: the side-stream one for a CUDA device in a CUDA build, else a synchronous
    // copy.
    explicit PreviewReadback(const torch::Device& device);
    explicit PreviewReadback(std::unique_ptr<Backend> backend);
    ~PreviewReadback();
    PreviewReadback(const PreviewReadback&) = delete;
    PreviewReadback& operator=(const PreviewReadback&) = delete;

    // Starts reading `latent` back for `step`; false (nothing started) while another read-back is in flight.
    bool start(int step, const torch::Tensor& latent);
    // The read-back that has landed, if any; never waits.
    std::optional<Landed> poll();
    // Waits for the read-back in flight, if any, and returns it.
    std::optional<Landed> finish();
    bool inFlight() const { return m_step.has_value(); }
    // Previews skipped because one was in flight.
    int skipped() const { return m_skipped; }

private:
    std::unique_ptr<Backend> m_backend;
    std::optional<int> m_step;
    int m_skipped = 0;
};

// The synchronous backend: copies to the CPU in start().
std::unique_ptr<PreviewReadback::Backend> makeSyncPreviewBackend();
// A side stream, an event and a page-locked buffer on a CUDA device (PreviewReadbackCuda.cpp, CUDA builds).
std::unique_ptr<PreviewReadback::Backend> makeCudaPreviewBackend(const torch::Device& device);

} // namespace wan::pipeline
