#include "engine/DeadlineQueue.h"

#include <QSignalSpy>
#include <QTest>

using ym::DeadlineQueue;

class TestDeadlineQueue final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firesInOrder();
    void cancelledNeverFires();
    void callbackMayAddAndCancel();
    void manyDeadlines();
};

void TestDeadlineQueue::firesInOrder()
{
    DeadlineQueue q;
    QList<int> order;
    q.add(60, [&] { order << 3; });
    q.add(20, [&] { order << 1; });
    q.add(40, [&] { order << 2; });
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 3, 5000);
    QCOMPARE(order, (QList<int>{1, 2, 3}));
    QCOMPARE(q.size(), std::size_t(0));
}

void TestDeadlineQueue::cancelledNeverFires()
{
    DeadlineQueue q;
    bool cancelledFired = false;
    bool otherFired = false;
    const auto id = q.add(10, [&] { cancelledFired = true; });
    q.add(50, [&] { otherFired = true; });
    q.cancel(id);
    q.cancel(id); // twice is harmless
    QTRY_VERIFY_WITH_TIMEOUT(otherFired, 5000);
    QVERIFY(!cancelledFired);
}

void TestDeadlineQueue::callbackMayAddAndCancel()
{
    DeadlineQueue q;
    int fired = 0;
    DeadlineQueue::Id victim = 0;
    q.add(10, [&] {
        ++fired;
        q.cancel(victim);
        q.add(10, [&] { fired += 10; });
    });
    victim = q.add(30, [&] { fired += 100; });
    QTRY_COMPARE_WITH_TIMEOUT(fired, 11, 5000);
    QTest::qWait(100);
    QCOMPARE(fired, 11);
}

void TestDeadlineQueue::manyDeadlines()
{
    DeadlineQueue q;
    int fired = 0;
    std::vector<DeadlineQueue::Id> ids;
    for (int i = 0; i < 10000; ++i)
        ids.push_back(q.add(i % 50, [&] { ++fired; }));
    for (int i = 0; i < 10000; i += 2)
        q.cancel(ids[std::size_t(i)]);
    QTRY_COMPARE_WITH_TIMEOUT(fired, 5000, 10000);
    QCOMPARE(q.size(), std::size_t(0));
}

QTEST_GUILESS_MAIN(TestDeadlineQueue)
#include "tst_deadline_queue.moc"
