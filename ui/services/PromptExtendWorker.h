#pragma once
// Runs one prompt-extension request off the UI thread and reports the result on the UI thread.

#include "wan/PromptExtend.h"

#include <QObject>

#include <cstdint>

#include <memory>
#include <thread>
#include <vector>

class QImage;
class QString;

namespace wan::ui {

class PromptExtendWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptExtendWorker)

public:
    explicit PromptExtendWorker(QObject* parent = nullptr);
    ~PromptExtendWorker() override; // cancels a running request and waits for it (about 100 ms at most)

    bool isRunning() const { return m_running; }

    // Each start ends in exactly one extended() or failed(), except that a start while running cancels the
    // previous request and drops its result.
    void start(const wan::PromptExtendSettings& settings, const wan::PromptExtendRequest& request);
    void startConnectionTest(const wan::PromptExtendSettings& settings);
    void cancel();

    // PNG bytes of `image` scaled down to at most `maxPixels` (keeping its aspect ratio), as vision models
    // need no more and uploads stay small. Empty for a null image.
    static std::vector<std::uint8_t> encodeImageForRequest(const QImage& image, int maxPixels = 512 * 512);
    // The same for the picture file at `path`, turned upright by its EXIF orientation as the drop zone shows
    // it and the engine reads it. Empty when it cannot be read.
    static std::vector<std::uint8_t> encodeImageFileForRequest(const QString& path,
                                                               int maxPixels = 512 * 512);

Q_SIGNALS:
    void extended(const wan::PromptExtension& extension);
    // `message` is the library's (English, without the API key); kind Cancelled after cancel().
    void failed(wan::ErrorKind kind, const QString& message);

private:
    template <typename Job> void launch(Job job);
    void joinThread();

    std::thread m_thread;
    std::shared_ptr<wan::CancelToken> m_cancel;
    bool m_running = false;
    quint64 m_generation = 0;
};

} // namespace wan::ui
