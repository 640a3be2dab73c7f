#pragma once
// A scripted JobRunner for UI tests: the prompt says what to do.
//   "fail"   -> Result{Failed, ModelFolder}
//   "throw"  -> throws wan::Error(OutOfMemory)
//   "wait"   -> one step, then waits until cancelled (at most 10 s)
//   "block"  -> "loads" without looking at the cancel token until FakeRunnerLog::release is set (at most
//               20 s), then ends Cancelled
//   "slow"   -> request.steps steps of 20 ms each, checking the cancel token before each
//   other    -> request.steps steps with a progress report and a preview each; a .png output is written
// With request.resumeStatePath, steps start after the step saved there ("step N"), every step saves its
// number there, a cancelled run keeps the file and a finished one removes it, as the engine does.
#include "JobRunner.h"

#include <QFile>
#include <QImage>
#include <QThread>

#include <atomic>
#include <chrono>
#include <thread>

namespace wan::ui::test {

struct FakeRunnerLog
{
    std::atomic<int> runs{0};
    std::atomic<int> decodes{0};
    std::atomic<QThread*> createdOn{nullptr};
    std::atomic<QThread*> destroyedOn{nullptr};
    std::atomic<QThread*> ranOn{nullptr};
    std::atomic<bool> blocking{false}; // a "block" job is in its uncancellable part
    std::atomic<bool> release{false};  // ends it
    std::atomic<int> created{0};       // runners made (one per model load)
    std::atomic<int> releases{0};      // releaseModels() calls
    std::atomic<int> resumedFrom{-1};  // the step the last run started after (its checkpoint)
};

class FakeJobRunner final : public JobRunner
{
public:
    explicit FakeJobRunner(FakeRunnerLog* log) : m_log(log)
    {
        m_log->createdOn = QThread::currentThread();
        ++m_log->created;
    }
    ~FakeJobRunner() override { m_log->destroyedOn = QThread::currentThread(); }
    void releaseModels() override { ++m_log->releases; }

    wan::Result run(const wan::Request& request, const wan::Callbacks& callbacks) override
    {
        ++m_log->runs;
        m_log->ranOn = QThread::currentThread();
        wan::Result result;
        result.seed = request.seed;
        result.width = request.width;
        result.height = request.height;
        result.frames = request.frameNum;
        if (request.prompt == "fail") {
            result.status = wan::JobStatus::Failed;
            result.errorKind = wan::ErrorKind::ModelFolder;
            result.error = "models_t5_umt5-xxl-enc-bf16.pth is missing";
            return result;
        }
        if (request.prompt == "throw")
            throw wan::Error(wan::ErrorKind::OutOfMemory, "CUDA out of memory");
        if (request.prompt == "block") {
            if (callbacks.onProgress)
                callbacks.onProgress(wan::Progress{wan::Stage::Loading, 0, 0, 0.0, 0.0});
            m_log->blocking = true;
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
            while (!m_log->release && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            m_log->blocking = false;
            return cancelled(result);
        }
        const bool wait = request.prompt == "wait";
        const bool slow = request.prompt == "slow";
        const int steps = wait ? 1 : request.steps;
        const QString checkpoint = QString::fromStdString(request.resumeStatePath.string());
        int first = 1;
        if (!checkpoint.isEmpty()) {
            QFile saved(checkpoint);
            if (saved.open(QIODevice::ReadOnly)) {
                const QByteArray text = saved.readAll();
                first = text.startsWith("step ") ? text.mid(5).toInt() + 1 : 1;
            }
            m_log->resumedFrom = first - 1;
        }
        if (callbacks.onProgress)
            callbacks.onProgress(wan::Progress{wan::Stage::Loading, 0, steps, 0.0, 0.0});
        for (int step = first; step <= steps; ++step) {
            if (callbacks.cancel && callbacks.cancel->isCancelled())
                return cancelled(result);
            if (slow)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (!checkpoint.isEmpty()) {
                QFile saved(checkpoint);
                if (saved.open(QIODevice::WriteOnly))
                    saved.write("step " + QByteArray::number(step));
            }
            if (callbacks.onProgress)
                callbacks.onProgress(
                    wan::Progress{wan::Stage::Denoising, step, steps, 0.01, 0.01 * (steps - step)});
            if (callbacks.onPreview && request.previewEverySteps > 0)
                callbacks.onPreview(preview(step));
        }
        if (wait) {
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (std::chrono::steady_clock::now() < until) {
                if (callbacks.cancel && callbacks.cancel->isCancelled())
                    return cancelled(result);
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        }
        result.status = wan::JobStatus::Done;
        result.outputPath = request.outputPath;
        if (!checkpoint.isEmpty())
            QFile::remove(checkpoint);
        if (request.outputPath.extension() == ".png") {
            QImage picture(request.width, request.height, QImage::Format_RGB32);
            for (int y = 0; y < picture.height(); ++y)
                for (int x = 0; x < picture.width(); ++x)
                    picture.setPixel(x, y, qRgb(255 * x / picture.width(), 120, 255 * y / picture.height()));
            picture.save(QString::fromStdString(request.outputPath.string()));
        }
        return result;
    }

    wan::Result decodeLatents(const wan::Request& request, const std::filesystem::path& latents,
                              const wan::Callbacks& callbacks) override
    {
        ++m_log->decodes;
        wan::Result result;
        result.status = wan::JobStatus::Done;
        result.outputPath = request.outputPath;
        result.latentsPath = latents;
        return result;
    }

    // A small gradient whose top-left red value is the step, so a test can tell which preview it got.
    static wan::PreviewImage preview(int step)
    {
        wan::PreviewImage image;
        image.step = step;
        image.width = 6;
        image.height = 4;
        image.frames = 3;
        image.rgb.resize(std::size_t(image.width) * image.height * image.frames * 3);
        std::size_t i = 0;
        for (int f = 0; f < image.frames; ++f)
            for (int y = 0; y < image.height; ++y)
                for (int x = 0; x < image.width; ++x) {
                    image.rgb[i++] = std::uint8_t(step + 30 * x);
                    image.rgb[i++] = std::uint8_t(50 + 50 * y);
                    image.rgb[i++] = std::uint8_t(60 + 80 * f);
                }
        return image;
    }

private:
    static wan::Result cancelled(wan::Result result)
    {
        result.status = wan::JobStatus::Cancelled;
        result.errorKind = wan::ErrorKind::Cancelled;
        return result;
    }

    FakeRunnerLog* m_log;
};

inline JobRunnerFactory fakeRunnerFactory(FakeRunnerLog* log)
{
    return [log] { return std::make_unique<FakeJobRunner>(log); };
}

} // namespace wan::ui::test
