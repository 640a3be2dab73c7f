#include "PromptEnhanceWorker.h"

#include <QMetaObject>
#include <QPointer>

PromptEnhanceWorker::PromptEnhanceWorker(QObject* parent) : QObject(parent) {}

PromptEnhanceWorker::~PromptEnhanceWorker()
{
    cancel();
    joinThread();
}

void PromptEnhanceWorker::cancel()
{
    if (m_cancel)
        m_cancel->cancel();
}

void PromptEnhanceWorker::joinThread()
{
    if (m_thread.joinable())
        m_thread.join();
}

template <typename Job> void PromptEnhanceWorker::launch(Job job)
{
    cancel();
    joinThread();
    m_cancel = std::make_shared<wan::CancelToken>();
    m_running = true;
    const quint64 generation = ++m_generation;
    QPointer<PromptEnhanceWorker> self(this);
    m_thread = std::thread([self, generation, token = m_cancel, job = std::move(job)]() mutable {
        wan::PromptExtendResult result;
        try {
            result = job(token.get());
        } catch (const std::exception& error) {
            result.message = std::string("prompt extension failed: ") + error.what() +
                             "; continuing with the original prompt";
        }
        // The context object drops the call if the worker is gone by then.
        if (self)
            QMetaObject::invokeMethod(
                self.data(),
                [self, generation, result = std::move(result)] {
                    if (!self || generation != self->m_generation)
                        return;
                    self->m_running = false;
                    Q_EMIT self->finished(result);
                },
                Qt::QueuedConnection);
    });
}

void PromptEnhanceWorker::start(const wan::PromptExtendSettings& settings,
                                const wan::PromptExtendRequest& request)
{
    launch([settings, request](wan::CancelToken* token) {
        auto result = wan::makePromptExtender(settings)->extend(request, token);
        if (result.prompt.empty())
            result.prompt = request.prompt;
        return result;
    });
}

void PromptEnhanceWorker::startConnectionTest(const wan::PromptExtendSettings& settings)
{
    launch([settings](wan::CancelToken* token) { return wan::testPromptExtendConnection(settings, token); });
}
