#include "CrashedWriter.h"
#include "storage/Database.h"
#include "storage/Store.h"

#include <QCoreApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <optional>

using ym::EngineEvent;
using ym::Result;
using ym::Store;
using namespace ym::storage;

namespace {

const char* const WriterFlag = "--append-until-killed";

EngineEvent makeEvent(int i)
{
    EngineEvent e;
    e.time = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000LL + i, Qt::UTC);
    e.kind = (i % 2) ? EngineEvent::Kind::Attached : EngineEvent::Kind::Detached;
    e.worker = QStringLiteral("worker-%1").arg(i % 7);
    e.peer = QStringLiteral("127.0.0.1:%1").arg(40000 + i % 1000);
    e.message = QString::number(i);
    e.count = i % 5 + 1;
    return e;
}

// Opens a store and waits for it (the test thread has an event loop).
bool openStore(Store& store, const QString& path, QObject* context)
{
    std::optional<Result<void>> opened;
    store.open(path, context, [&](Result<void> r) { opened = std::move(r); });
    if (!QTest::qWaitFor([&] { return opened.has_value(); }, 30'000))
        return false;
    if (!opened->ok())
        qWarning("%s", qPrintable(opened->error().message));
    return opened->ok();
}

template <typename T> std::optional<Result<T>> waitFor(std::optional<Result<T>>& slot)
{
    (void)QTest::qWaitFor([&] { return slot.has_value(); }, 60'000);
    return slot;
}

qint64 rowCount(const QString& path, const QString& table)
{
    Database db;
    if (!db.open(path).ok())
        return -1;
    QSqlQuery q(db.db());
    if (!q.exec(QStringLiteral("SELECT count(*) FROM %1").arg(table)) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

// The child of crashKeepsCommittedPrefix: appends numbered events as fast as
// it can and prints the count known committed after each sync.
int runWriter(const QString& path)
{
    Store store;
    QObject context;
    qint64 next = 0;
    bool ready = false;
    store.open(path, &context, [&](Result<void> r) {
        if (!r) {
            std::fprintf(stderr, "%s\n", qPrintable(r.error().message));
            QCoreApplication::exit(2);
        }
        ready = true;
    });
    int outstanding = 0;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &context, [&] {
        if (!ready || outstanding > 4)
            return;
        for (int i = 0; i < 300; ++i)
            store.appendEvent(makeEvent(int(next++)));
        ++outstanding;
        const qint64 committed = next;
        store.sync(&context, [&outstanding, committed](Result<void> r) {
            --outstanding;
            if (r) {
                std::printf("%lld\n", committed);
                std::fflush(stdout);
            }
        });
    });
    tick.start(2);
    return QCoreApplication::exec();
}

} // namespace

class TestStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventsFromAnotherThreadArriveInOrder();
    void closeFlushesEverything();
    void callsReturnWhileTheDatabaseIsLocked();
    void failedWriteIsReportedAndOthersLand();
    void commitMarkersTellWhatIsDurable();
    void openErrorIsReported();
    void buildQueueSurvivesRestart();
    void logChunksRoundTrip();
    void crashKeepsCommittedPrefix();
};

void TestStore::eventsFromAnotherThreadArriveInOrder()
{
    QTemporaryDir tmp;
    Store store;
    QVERIFY(openStore(store, tmp.filePath(QStringLiteral("state.sqlite")), this));
    constexpr int N = 10'000;
    QThread* producer = QThread::create([&store] {
        for (int i = 0; i < N; ++i)
            store.appendEvent(makeEvent(i));
    });
    producer->start();
    QVERIFY(producer->wait(60'000));
    delete producer;

    std::optional<Result<QList<EngineEvent>>> got;
    store.queryEvents(N + 10, this, [&](Result<QList<EngineEvent>> r) { got = std::move(r); });
    QVERIFY(waitFor(got).has_value());
    QVERIFY2(got->ok(), qPrintable(got->ok() ? QString() : got->error().message));
    const QList<EngineEvent>& events = got->value();
    QCOMPARE(events.size(), N);
    for (int i = 0; i < N; ++i) {
        const EngineEvent want = makeEvent(i);
        if (events[i].message != want.message)
            QFAIL(qPrintable(QStringLiteral("event %1 is '%2'").arg(i).arg(events[i].message)));
        QCOMPARE(events[i].time, want.time);
        QCOMPARE(events[i].kind, want.kind);
        QCOMPARE(events[i].worker, want.worker);
        QCOMPARE(events[i].peer, want.peer);
        QCOMPARE(events[i].count, want.count);
    }
    // A smaller limit gives the newest, still newest last.
    got.reset();
    store.queryEvents(3, this, [&](Result<QList<EngineEvent>> r) { got = std::move(r); });
    QVERIFY(waitFor(got).has_value() && got->ok());
    QCOMPARE(got->value().size(), 3);
    QCOMPARE(got->value().constLast().message, QString::number(N - 1));
    QCOMPARE(got->value().constFirst().message, QString::number(N - 3));
}

void TestStore::closeFlushesEverything()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    {
        Store store;
        QVERIFY(openStore(store, path, this));
        for (int i = 0; i < 2500; ++i)
            store.appendEvent(makeEvent(i));
        EngineEvent empty; // null strings become empty text, not NULL
        empty.time = QDateTime::currentDateTimeUtc();
        store.appendEvent(empty);
        store.close();
        store.appendEvent(makeEvent(0)); // after close: dropped, no crash
    }
    QCOMPARE(rowCount(path, QStringLiteral("worker_events")), 2501);
}

void TestStore::callsReturnWhileTheDatabaseIsLocked()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    Store store;
    QVERIFY(openStore(store, path, this));

    // A second connection takes the write lock and keeps it.
    const QString name = QStringLiteral("locker");
    {
        QSqlDatabase locker = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        locker.setDatabaseName(path);
        QVERIFY(locker.open());
        QSqlQuery q(locker);
        QVERIFY(q.exec(QStringLiteral("BEGIN IMMEDIATE")));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO build_requests (builder, submitted_ms, "
                                      "position) VALUES ('b', 1, 1)")));
    }
    bool synced = false;
    for (int i = 0; i < 3000; ++i)
        store.appendEvent(makeEvent(i)); // each returns at once: nothing waits on SQLite here
    store.sync(this, [&](Result<void> r) { synced = r.ok(); });
    for (int i = 3000; i < 5000; ++i)
        store.appendEvent(makeEvent(i));
    // Log text waiting for the store is counted until it is applied (the
    // engine stops reading from workers while this is high).
    LogChunkRecord chunk;
    chunk.stepId = 999; // dropped later (no such step): counted all the same
    chunk.stream = QStringLiteral("stdout");
    chunk.text = QString(100'000, u'x');
    chunk.lineCount = 1;
    store.appendLog(chunk);
    // The storage thread is stuck on the lock, yet this thread runs on.
    QTest::qWait(500);
    QVERIFY(!synced); // nothing could commit while the lock is held
    QVERIFY(store.backlogBytes() >= 200'000);

    {
        QSqlDatabase locker = QSqlDatabase::database(name, false);
        QSqlQuery q(locker);
        QVERIFY(q.exec(QStringLiteral("COMMIT")));
        locker.close();
    }
    QSqlDatabase::removeDatabase(name);
    QTRY_VERIFY_WITH_TIMEOUT(synced, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(store.backlogBytes(), qint64(0), 60'000);
    std::optional<Result<QList<EngineEvent>>> got;
    store.queryEvents(10'000, this, [&](Result<QList<EngineEvent>> r) { got = std::move(r); });
    QVERIFY(waitFor(got).has_value() && got->ok());
    QCOMPARE(got->value().size(), 5000);
    QCOMPARE(got->value().constLast().message, QStringLiteral("4999"));
}

void TestStore::failedWriteIsReportedAndOthersLand()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    Store store;
    QSignalSpy failed(&store, &Store::writeFailed);
    QVERIFY(openStore(store, path, this));
    for (int i = 0; i < 10; ++i)
        store.appendEvent(makeEvent(i));
    StepRecord orphan;
    orphan.buildId = 12345; // no such build: the foreign key refuses it
    orphan.name = QStringLiteral("compile");
    store.startStep(orphan);
    for (int i = 10; i < 20; ++i)
        store.appendEvent(makeEvent(i));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 30'000);
    const QString msg = failed.at(0).at(0).toString();
    QVERIFY2(msg.contains(path), qPrintable(msg));
    QVERIFY2(msg.contains(QStringLiteral("step 0 of build 12345")), qPrintable(msg));
    store.close();
    QCOMPARE(rowCount(path, QStringLiteral("worker_events")), 20);
    QCOMPARE(rowCount(path, QStringLiteral("steps")), 0);
    QCOMPARE(failed.size(), 1);
}

// whenCommitted(): answered after the writes before it are committed, with an
// error when one of them (since the previous marker) was dropped.
void TestStore::commitMarkersTellWhatIsDurable()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    Store store;
    QVERIFY(openStore(store, path, this));
    QList<Result<void>> answers;
    qint64 rowsAtFirst = -1;
    store.appendEvent(makeEvent(0));
    store.whenCommitted(this, [&](Result<void> r) {
        rowsAtFirst = rowCount(path, QStringLiteral("worker_events"));
        answers << r;
    });
    StepRecord orphan;
    orphan.buildId = 777; // no such build: dropped
    orphan.name = QStringLiteral("compile");
    store.startStep(orphan);
    store.appendEvent(makeEvent(1));
    store.whenCommitted(this, [&](Result<void> r) { answers << r; });
    store.appendEvent(makeEvent(2));
    store.whenCommitted(this, [&](Result<void> r) { answers << r; });
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 3, 30'000);
    QVERIFY(answers[0].ok());
    QVERIFY(rowsAtFirst >= 1); // committed before the answer came (read on another connection)
    QVERIFY(!answers[1].ok());
    QVERIFY2(answers[1].error().message.contains(QStringLiteral("dropped")),
             qPrintable(answers[1].error().message));
    QVERIFY(answers[2].ok()); // the drop was told once; later writes landed
    store.close();
    bool told = false;
    store.whenCommitted(nullptr, [&](Result<void> r) { told = !r.ok(); });
    QVERIFY(told); // a closed store answers at once, with an error
}

void TestStore::openErrorIsReported()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("not a database at all").repeated(100));
    }
    Store store;
    QSignalSpy failed(&store, &Store::writeFailed);
    std::optional<Result<void>> opened;
    store.open(path, this, [&](Result<void> r) { opened = std::move(r); });
    QVERIFY(waitFor(opened).has_value());
    QVERIFY(!opened->ok());
    QVERIFY2(opened->error().message.contains(path), qPrintable(opened->error().message));
    store.appendEvent(makeEvent(1)); // reported, not a crash
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 30'000);
    QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("no database is open")));
}

void TestStore::buildQueueSurvivesRestart()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    qint64 first = 0;
    qint64 third = 0;
    {
        Store store;
        QVERIFY(openStore(store, path, this));
        BuildRequestRecord r;
        r.builder = QStringLiteral("linux");
        r.submittedMs = 1000;
        r.properties = QJsonObject{{QStringLiteral("branch"), QStringLiteral("main")}};
        first = store.addBuildRequest(r);
        r.reason = QStringLiteral("second");
        const qint64 second = store.addBuildRequest(r);
        r.reason = QStringLiteral("third");
        third = store.addBuildRequest(r);
        QVERIFY(first < second && second < third);
        // The third starts, its worker is lost: it goes back to the front.
        BuildRecord b;
        b.builder = QStringLiteral("linux");
        b.number = 1;
        b.worker = QStringLiteral("w1");
        b.requestId = third;
        b.requestedMs = 1000;
        b.startedMs = 2000;
        const qint64 build = store.startBuild(b);
        store.finishBuild(build, 3000, QStringLiteral("retry"));
        store.requeueRequest(third, 1);
        // The first completes.
        b.number = 2;
        b.requestId = first;
        const qint64 build2 = store.startBuild(b);
        store.finishBuild(build2, 4000, QStringLiteral("success"));
        store.finishRequest(first, 4000, QStringLiteral("success"));
    } // destructor closes and flushes
    Store store;
    QVERIFY(openStore(store, path, this));
    std::optional<Result<QList<BuildRequestRecord>>> pending;
    store.pendingRequests(this, [&](auto r) { pending = std::move(r); });
    QVERIFY(waitFor(pending).has_value() && pending->ok());
    const QList<BuildRequestRecord>& list = pending->value();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].id, third); // requeued at the front
    QCOMPARE(list[0].retries, 1);
    QCOMPARE(list[0].state, QStringLiteral("queued"));
    QCOMPARE(list[1].reason, QStringLiteral("second"));
    QCOMPARE(list[1].properties.value(QStringLiteral("branch")).toString(), QStringLiteral("main"));
    // Ids continue after a restart.
    BuildRequestRecord r;
    r.builder = QStringLiteral("linux");
    QVERIFY(store.addBuildRequest(r) > third);
    std::optional<Result<QHash<QString, int>>> numbers;
    store.lastBuildNumbers(this, [&](auto n) { numbers = std::move(n); });
    QVERIFY(waitFor(numbers).has_value() && numbers->ok());
    QCOMPARE(numbers->value().value(QStringLiteral("linux")), 2);
    std::optional<Result<QList<BuildRecord>>> builds;
    store.queryBuilds(QStringLiteral("linux"), 10, this, [&](auto b) { builds = std::move(b); });
    QVERIFY(waitFor(builds).has_value() && builds->ok());
    QCOMPARE(builds->value().size(), 2);
    QCOMPARE(builds->value()[0].result, QStringLiteral("retry"));
    QCOMPARE(builds->value()[1].result, QStringLiteral("success"));
    QCOMPARE(builds->value()[1].startedMs, 2000);
    QCOMPARE(builds->value()[1].finishedMs, 4000);
}

void TestStore::logChunksRoundTrip()
{
    QTemporaryDir tmp;
    Store store;
    QVERIFY(openStore(store, tmp.filePath(QStringLiteral("state.sqlite")), this));
    BuildRecord b;
    b.builder = QStringLiteral("linux");
    b.number = 1;
    b.worker = QStringLiteral("w");
    const qint64 build = store.startBuild(b);
    StepRecord s;
    s.buildId = build;
    s.number = 0;
    s.name = QStringLiteral("compile");
    s.startedMs = 10;
    const qint64 step = store.startStep(s);
    for (int i = 0; i < 100; ++i) {
        LogChunkRecord c;
        c.stepId = step;
        c.stream = (i % 3 == 0) ? QStringLiteral("stderr") : QStringLiteral("stdout");
        c.firstLine = i * 2;
        c.lineCount = 2;
        c.timeMs = 1000 + i;
        c.lineOffsets = {0, quint32(i)};
        c.text = QStringLiteral("line %1a\nline %1b\n").arg(i);
        store.appendLog(c);
    }
    store.finishStep(step, 99, QStringLiteral("success"), QStringLiteral("compiled"));
    std::optional<Result<QList<LogChunkRecord>>> got;
    store.queryLog(step, 0, 60, this, [&](auto r) { got = std::move(r); });
    QVERIFY(waitFor(got).has_value() && got->ok());
    QCOMPARE(got->value().size(), 60);
    const qint64 last = got->value().constLast().id;
    got.reset();
    store.queryLog(step, last, 1000, this, [&](auto r) { got = std::move(r); }); // follow on
    QVERIFY(waitFor(got).has_value() && got->ok());
    QCOMPARE(got->value().size(), 40);
    const LogChunkRecord& c = got->value().constLast();
    QCOMPARE(c.stream, QStringLiteral("stderr")); // 99 % 3 == 0
    QCOMPARE(c.text, QStringLiteral("line 99a\nline 99b\n"));
    QCOMPARE(c.firstLine, 198);
    QCOMPARE(c.timeMs, 1099);
    QCOMPARE(c.lineOffsets, (QList<quint32>{0, 99}));
    std::optional<Result<QList<StepRecord>>> steps;
    store.querySteps(build, this, [&](auto r) { steps = std::move(r); });
    QVERIFY(waitFor(steps).has_value() && steps->ok());
    QCOMPARE(steps->value().size(), 1);
    QCOMPARE(steps->value()[0].result, QStringLiteral("success"));
    QCOMPARE(steps->value()[0].summary, QStringLiteral("compiled"));
}

void TestStore::crashKeepsCommittedPrefix()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    QString error;
    const std::optional<qint64> killed =
        ymtest::killWriterMidStream(WriterFlag, path, 100'000, &error);
    QVERIFY2(killed.has_value(), qPrintable(error));
    const qint64 committed = *killed;

    Database db;
    const auto opened = db.open(path);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    const QString problem = ymtest::integrityProblem(db);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QSqlQuery q(db.db());
    QVERIFY(q.exec(QStringLiteral("SELECT message FROM worker_events ORDER BY id")));
    qint64 n = 0;
    while (q.next()) {
        if (q.value(0).toLongLong() != n)
            QFAIL(qPrintable(
                QStringLiteral("row %1 holds event %2: a gap").arg(n).arg(q.value(0).toString())));
        ++n;
    }
    // Every event the child saw committed is there, and nothing out of order.
    QVERIFY2(n >= committed,
             qPrintable(QStringLiteral("%1 rows, %2 committed").arg(n).arg(committed)));
}

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], WriterFlag) == 0)
        return runWriter(QString::fromLocal8Bit(argv[2]));
    TestStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_store.moc"
