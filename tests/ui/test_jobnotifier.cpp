// The notice when a job ends while the window is not active: the tray's message or the taskbar's alert,
// nothing for an active window or a cancelled job.
#include "JobNotifier.h"
#include "RenderQueueModel.h"

#include <QTest>
#include <QWidget>

using namespace wan::ui;

class TestJobNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void notifiesOnlyWhenInactive();
};

void TestJobNotifier::notifiesOnlyWhenInactive()
{
    RenderQueueModel queue(nullptr);
    RenderJob job;
    job.request.prompt = "A lighthouse in a storm";
    const QUuid id = queue.addJob(job);
    QWidget window;
    JobNotifier notifier(&window, &queue);
    notifier.setTrayAllowed(false); // the offscreen platform has no tray; the alert is the fallback

    JobOutcome done;
    done.status = wan::JobStatus::Done;
    QVERIFY(!window.isActiveWindow());
    notifier.jobEnded(id, done);
    QCOMPARE(notifier.lastNotice(), JobNotifier::Notice::Alert);
    QCOMPARE(notifier.lastTitle(), QStringLiteral("Job finished"));
    QCOMPARE(notifier.lastMessage(), QStringLiteral("A lighthouse in a storm"));

    JobOutcome failed;
    failed.status = wan::JobStatus::Failed;
    failed.error = QStringLiteral("Out of memory.\nmore detail");
    notifier.jobEnded(id, failed);
    QCOMPARE(notifier.lastNotice(), JobNotifier::Notice::Alert);
    QCOMPARE(notifier.lastTitle(), QStringLiteral("Job failed"));
    QCOMPARE(notifier.lastMessage(), QStringLiteral("A lighthouse in a storm\nOut of memory."));

    JobOutcome cancelled;
    cancelled.status = wan::JobStatus::Cancelled;
    notifier.jobEnded(id, cancelled);
    QCOMPARE(notifier.lastNotice(), JobNotifier::Notice::Nothing);

    // The user is looking: no notice.
    window.show();
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window))
        QSKIP("this platform does not activate windows");
    notifier.jobEnded(id, done);
    QCOMPARE(notifier.lastNotice(), JobNotifier::Notice::Nothing);
}

QTEST_MAIN(TestJobNotifier)
#include "test_jobnotifier.moc"
