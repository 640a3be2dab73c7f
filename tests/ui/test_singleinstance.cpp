// One Wan Studio per data folder: the second start does not get the folder and brings the first one's window
// to the front; the folder is free again once the first has gone.
#include "SingleInstance.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>
#include <thread>

using wan::ui::SingleInstance;

class TestSingleInstance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void secondStartRaisesTheFirst();
    void otherFoldersAreIndependent();
};

void TestSingleInstance::secondStartRaisesTheFirst()
{
    QTemporaryDir dir;
    auto first = std::make_unique<SingleInstance>(dir.path());
    QVERIFY(first->acquire());
    QSignalSpy raised(first.get(), &SingleInstance::activationRequested);

    SingleInstance second(dir.path());
    QVERIFY(!second.acquire(50)); // the folder is in use
    QCOMPARE(second.serverName(), first->serverName());
    // The second start (another process in real life: here a thread) waits on its socket; the first answers
    // from its event loop, as the running app does.
    std::atomic<int> answered{-1};
    std::thread start([&] { answered = second.activateOwner(3000) ? 1 : 0; });
    QTRY_COMPARE_WITH_TIMEOUT(raised.count(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(answered.load() >= 0, 5000);
    start.join();
    QCOMPARE(answered.load(), 1);

    // Gone (or crashed: its lock names a dead process): the next start gets the folder and its socket.
    first.reset();
    SingleInstance third(dir.path());
    QVERIFY(third.acquire());
    QSignalSpy thirdRaised(&third, &SingleInstance::activationRequested);
    QVERIFY(!second.acquire(50));
    std::thread again([&] { second.activateOwner(3000); });
    QTRY_COMPARE_WITH_TIMEOUT(thirdRaised.count(), 1, 5000);
    again.join();
    QCOMPARE(raised.count(), 1);
}

void TestSingleInstance::otherFoldersAreIndependent()
{
    QTemporaryDir a, b;
    SingleInstance first(a.path());
    SingleInstance other(b.path());
    QVERIFY(first.acquire());
    QVERIFY(other.acquire());
    QVERIFY(first.serverName() != other.serverName());
    // Nobody owns a third folder: asking its owner to show itself fails at once, without hanging.
    QTemporaryDir c;
    SingleInstance nobody(c.path());
    QVERIFY(!nobody.activateOwner(500));
}

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "test_singleinstance.moc"
