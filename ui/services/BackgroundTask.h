#pragma once
// Work that must not block the UI thread (reading checkpoint headers on a slow disk), run on a thread of its
// own with its result handed back on the receiver's thread.

#include <QMetaObject>
#include <QObject>
#include <QThread>

#include <utility>

namespace wan::ui {

// Runs `work()` on a new thread and then `done(result)` on `receiver`'s thread. A result that arrives after
// `receiver` is gone is dropped (the queued call dies with it); destroying `receiver` waits for the thread.
template <typename Work, typename Done> void runInBackground(QObject* receiver, Work work, Done done)
{
    QThread* thread = QThread::create([receiver, work = std::move(work), done = std::move(done)] {
        auto result = work();
        QMetaObject::invokeMethod(
            receiver, [done, result = std::move(result)] { done(result); }, Qt::QueuedConnection);
    });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    QObject::connect(receiver, &QObject::destroyed, thread, [thread] { thread->wait(); });
    thread->start();
}

} // namespace wan::ui
