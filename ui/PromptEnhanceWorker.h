#pragma once
// Runs one prompt-extension request off the UI thread and reports the result on the UI thread.

#include "wan/PromptExtend.h"

#include <QObject>

#include <memory>
#include <thread>

class PromptEnhanceWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptEnhanceWorker)

public:
    explicit PromptEnhanceWorker(QObject* parent = nullptr);
    ~PromptEnhanceWorker() override; // cancels a running request and waits for it (about 100 ms at most)

    bool isRunning() const { return m_running; }

    // Each start ends in exactly one finished(), except that a start while running cancels the previous
    // request and drops its result.
    void start(const wan::PromptExtendSettings& settings, const wan::PromptExtendRequest& request);
    void startConnectionTest(const wan::PromptExtendSettings& settings);
    void cancel();

Q_SIGNALS:
    void finished(const wan::PromptExtendResult& result);

private:
    template <typename Job> void launch(Job job);
    void joinThread();

    std::thread m_thread;
    std::shared_ptr<wan::CancelToken> m_cancel;
    bool m_running = false;
    quint64 m_generation = 0;
};
