// BuildQueue: which request starts on which worker, and max_builds.
#include "engine/BuildQueue.h"

#include <QTest>

using namespace Qt::StringLiterals;
using ym::BuildQueue;
using ym::QueuedRequest;

namespace {

// "w1:2:c:100": name, max_builds ('-' = unlimited), c(onnected)/d(isconnected), idle since.
void addWorkers(BuildQueue& q, const QStringList& workers)
{
    for (const QString& spec : workers) {
        const QStringList p = spec.split(u':');
        q.setWorker(p[0], p[1] == u"-" ? std::nullopt : std::optional<int>(p[1].toInt()));
        q.setConnected(p[0], p[2] == u"c", p[3].toLongLong());
    }
}

// "b=w1,w2"
QHash<QString, QStringList> builders(const QStringList& specs)
{
    QHash<QString, QStringList> out;
    for (const QString& spec : specs) {
        const QStringList p = spec.split(u'=');
        out.insert(p[0], p[1].split(u','));
    }
    return out;
}

// "b": pushed at the back; "!b": at the front. Ids count from 1.
void addRequests(BuildQueue& q, const QStringList& requests)
{
    qint64 id = 0;
    for (const QString& spec : requests) {
        QueuedRequest r;
        r.id = ++id;
        r.builder = spec.startsWith(u'!') ? spec.mid(1) : spec;
        if (spec.startsWith(u'!'))
            q.pushFront(r);
        else
            q.push(r);
    }
}

QStringList assigned(BuildQueue& q, const QHash<QString, QStringList>& b)
{
    QStringList out;
    for (const BuildQueue::Assignment& a : q.assign(b))
        out << u"%1>%2"_s.arg(a.request.id).arg(a.worker);
    return out;
}

// "finish w1 500", "connect w1 500", "disconnect w1", "pause w1", "unpause w1"
void applyEvents(BuildQueue& q, const QStringList& events)
{
    for (const QString& e : events) {
        const QStringList p = e.split(u' ');
        if (p[0] == u"finish")
            q.buildFinished(p[1], p[2].toLongLong());
        else if (p[0] == u"connect")
            q.setConnected(p[1], true, p[2].toLongLong());
        else if (p[0] == u"pause" || p[0] == u"unpause")
            q.setPaused(p[1], p[0] == u"pause");
        else
            q.setConnected(p[1], false, 0);
    }
}

} // namespace

class TestBuildQueue final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void assignment_data();
    void assignment();
    void maxBuildsNeverExceeded();
    void removeAndPending();
};

void TestBuildQueue::assignment_data()
{
    QTest::addColumn<QStringList>("workers");
    QTest::addColumn<QStringList>("builderSpecs");
    QTest::addColumn<QStringList>("requests");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<QStringList>("expectedAfter");

    QTest::newRow("paused worker gets nothing until unpaused")
        << QStringList{u"w1:-:c:0"_s} << QStringList{u"b=w1"_s} << QStringList{u"b"_s}
        << QStringList{u"1>w1"_s} << QStringList{u"pause w1"_s, u"finish w1 10"_s} << QStringList{};
    QTest::newRow("unpause hands out the waiting request")
        << QStringList{u"w1:1:c:0"_s, u"w2:1:c:5"_s} << QStringList{u"b=w1,w2"_s}
        << QStringList{u"b"_s, u"b"_s, u"b"_s} << QStringList{u"1>w1"_s, u"2>w2"_s}
        << QStringList{u"pause w1"_s, u"finish w1 10"_s, u"finish w2 20"_s, u"pause w2"_s,
                       u"unpause w1"_s}
        << QStringList{u"3>w1"_s};
    QTest::newRow("fifo, max_builds 1")
        << QStringList{u"w1:1:c:0"_s} << QStringList{u"b=w1"_s}
        << QStringList{u"b"_s, u"b"_s, u"b"_s} << QStringList{u"1>w1"_s}
        << QStringList{u"finish w1 10"_s} << QStringList{u"2>w1"_s};
    QTest::newRow("unlimited") << QStringList{u"w1:-:c:0"_s} << QStringList{u"b=w1"_s}
                               << QStringList{u"b"_s, u"b"_s, u"b"_s}
                               << QStringList{u"1>w1"_s, u"2>w1"_s, u"3>w1"_s} << QStringList{}
                               << QStringList{};
    QTest::newRow("max_builds 2") << QStringList{u"w1:2:c:0"_s} << QStringList{u"b=w1"_s}
                                  << QStringList{u"b"_s, u"b"_s, u"b"_s}
                                  << QStringList{u"1>w1"_s, u"2>w1"_s}
                                  << QStringList{u"finish w1 10"_s} << QStringList{u"3>w1"_s};
    QTest::newRow("the worker idle longest first")
        << QStringList{u"w1:1:c:50"_s, u"w2:1:c:10"_s} << QStringList{u"b=w1,w2"_s}
        << QStringList{u"b"_s} << QStringList{u"1>w2"_s} << QStringList{} << QStringList{};
    QTest::newRow("an idle worker before a busy one")
        << QStringList{u"w1:2:c:0"_s, u"w2:2:c:100"_s} << QStringList{u"b=w1,w2"_s}
        << QStringList{u"b"_s, u"b"_s} << QStringList{u"1>w1"_s, u"2>w2"_s} << QStringList{}
        << QStringList{};
    QTest::newRow("finishing makes a worker idle since then")
        << QStringList{u"w1:1:c:0"_s, u"w2:1:c:5"_s} << QStringList{u"b=w1,w2"_s}
        << QStringList{u"b"_s, u"b"_s, u"b"_s, u"b"_s} << QStringList{u"1>w1"_s, u"2>w2"_s}
        << QStringList{u"finish w2 20"_s, u"finish w1 30"_s} << QStringList{u"3>w2"_s, u"4>w1"_s};
    QTest::newRow("disconnected workers get nothing")
        << QStringList{u"w1:1:d:0"_s} << QStringList{u"b=w1"_s} << QStringList{u"b"_s}
        << QStringList{} << QStringList{u"connect w1 5"_s} << QStringList{u"1>w1"_s};
    QTest::newRow("a lost worker stops getting builds")
        << QStringList{u"w1:-:c:0"_s} << QStringList{u"b=w1"_s} << QStringList{u"b"_s}
        << QStringList{u"1>w1"_s} << QStringList{u"disconnect w1"_s} << QStringList{};
    QTest::newRow("only the builder's workers")
        << QStringList{u"w1:-:c:0"_s, u"w2:-:c:0"_s} << QStringList{u"a=w1"_s, u"b=w2"_s}
        << QStringList{u"b"_s, u"a"_s} << QStringList{u"1>w2"_s, u"2>w1"_s} << QStringList{}
        << QStringList{};
    QTest::newRow("pushed to the front runs next")
        << QStringList{u"w1:1:c:0"_s} << QStringList{u"b=w1"_s} << QStringList{u"b"_s, u"!b"_s}
        << QStringList{u"2>w1"_s} << QStringList{u"finish w1 1"_s} << QStringList{u"1>w1"_s};
    QTest::newRow("oldest request first across builders")
        << QStringList{u"w1:1:c:0"_s} << QStringList{u"a=w1"_s, u"b=w1"_s}
        << QStringList{u"b"_s, u"a"_s, u"b"_s} << QStringList{u"1>w1"_s}
        << QStringList{u"finish w1 1"_s} << QStringList{u"2>w1"_s};
    QTest::newRow("a builder's head blocks nobody else")
        << QStringList{u"w1:1:d:0"_s, u"w2:1:c:0"_s} << QStringList{u"a=w1"_s, u"b=w2"_s}
        << QStringList{u"a"_s, u"b"_s} << QStringList{u"2>w2"_s} << QStringList{u"connect w1 3"_s}
        << QStringList{u"1>w1"_s};
    QTest::newRow("unknown builders and workers are not started")
        << QStringList{u"w1:-:c:0"_s} << QStringList{u"a=w9"_s} << QStringList{u"a"_s, u"zz"_s}
        << QStringList{} << QStringList{} << QStringList{};
}

void TestBuildQueue::assignment()
{
    QFETCH(QStringList, workers);
    QFETCH(QStringList, builderSpecs);
    QFETCH(QStringList, requests);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, events);
    QFETCH(QStringList, expectedAfter);

    BuildQueue q;
    addWorkers(q, workers);
    addRequests(q, requests);
    const auto b = builders(builderSpecs);
    QCOMPARE(assigned(q, b), expected);
    applyEvents(q, events);
    QCOMPARE(assigned(q, b), expectedAfter);
}

void TestBuildQueue::maxBuildsNeverExceeded()
{
    BuildQueue q;
    q.setWorker(u"w1"_s, 3);
    q.setWorker(u"w2"_s, 1);
    q.setConnected(u"w1"_s, true, 0);
    q.setConnected(u"w2"_s, true, 0);
    const QHash<QString, QStringList> b{{u"b"_s, {u"w1"_s, u"w2"_s}}};
    for (int i = 1; i <= 50; ++i)
        q.push(QueuedRequest{i, u"b"_s, {}, {}, 0, 0});
    int started = 0;
    for (int round = 0; round < 40; ++round) {
        const auto got = q.assign(b);
        started += int(got.size());
        QVERIFY(q.running(u"w1"_s) <= 3);
        QVERIFY(q.running(u"w2"_s) <= 1);
        // Finish one build per round, alternating; reconnects in between.
        q.buildFinished(round % 2 ? u"w1"_s : u"w2"_s, round);
        if (round % 7 == 0) {
            q.setConnected(u"w2"_s, false, round);
            q.setConnected(u"w2"_s, true, round);
        }
    }
    QVERIFY(started > 20);
    QCOMPARE(q.size() + started, 50);
}

void TestBuildQueue::removeAndPending()
{
    BuildQueue q;
    q.push(QueuedRequest{1, u"a"_s, {}, {}, 0, 0});
    q.push(QueuedRequest{2, u"b"_s, {}, {}, 0, 0});
    q.push(QueuedRequest{3, u"a"_s, {}, {}, 0, 0});
    q.pushFront(QueuedRequest{4, u"b"_s, {}, {}, 0, 1});
    QList<qint64> ids;
    for (const QueuedRequest& r : q.pending())
        ids << r.id;
    QCOMPARE(ids, (QList<qint64>{4, 1, 2, 3}));
    QVERIFY(q.remove(1));
    QVERIFY(!q.remove(1));
    QCOMPARE(q.removeBuilder(u"b"_s).size(), 2);
    QCOMPARE(q.size(), 1);
}

QTEST_GUILESS_MAIN(TestBuildQueue)
#include "tst_build_queue.moc"
