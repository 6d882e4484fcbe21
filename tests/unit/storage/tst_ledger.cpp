// The latent instance ledger: rows written and rewritten, open rows and
// history read back, ids that continue after a restart, the migration from a
// schema-2 file, the CHECK on states, and a crash that loses nothing committed.
#include "CrashedWriter.h"
#include "storage/Database.h"
#include "storage/Schema.h"
#include "storage/Store.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cstdio>
#include <optional>

using ym::Result;
using ym::Store;
using namespace ym::storage;

namespace {

const char* const WriterFlag = "--ledger-until-killed";

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

using Rows = QList<LatentInstanceRecord>;

std::optional<Rows> openRows(Store& store, QObject* context)
{
    std::optional<Result<Rows>> slot;
    store.openLatentInstances(context, [&](Result<Rows> r) { slot = std::move(r); });
    if (!QTest::qWaitFor([&] { return slot.has_value(); }, 60'000) || !slot->ok())
        return std::nullopt;
    return slot->value();
}

std::optional<Rows> queryRows(Store& store, const QString& worker, int limit, QObject* context)
{
    std::optional<Result<Rows>> slot;
    store.queryLatentInstances(worker, limit, context,
                               [&](Result<Rows> r) { slot = std::move(r); });
    if (!QTest::qWaitFor([&] { return slot.has_value(); }, 60'000) || !slot->ok())
        return std::nullopt;
    return slot->value();
}

LatentInstanceRecord starting(const QString& worker, qint64 requestedMs)
{
    LatentInstanceRecord r;
    r.worker = worker;
    r.driver = QStringLiteral("libvirt");
    r.requestedMs = requestedMs;
    r.reason = QStringLiteral("request 12");
    r.attributes = QJsonObject{{QStringLiteral("uri"), QStringLiteral("test:///default")}};
    return r;
}

QVariant scalar(Database& db, const QString& sql)
{
    QSqlQuery q(db.db());
    if (!q.exec(sql) || !q.next())
        return {};
    return q.value(0);
}

// The child of crashLosesNothingCommitted: starts instances (row, then its
// update to running) as fast as it can; prints the highest id known
// committed after each whenCommitted().
int runWriter(const QString& path)
{
    Store store;
    QObject context;
    bool ready = false;
    store.open(path, &context, [&](Result<void> r) {
        if (!r) {
            std::fprintf(stderr, "%s\n", qPrintable(r.error().message));
            QCoreApplication::exit(2);
        }
        ready = true;
    });
    int outstanding = 0;
    qint64 n = 0;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &context, [&] {
        if (!ready || outstanding > 4)
            return;
        qint64 last = 0;
        for (int i = 0; i < 200; ++i, ++n) {
            LatentInstanceRecord r = starting(QStringLiteral("bot%1").arg(n % 5), 1000 + n);
            r.id = store.addLatentInstance(r);
            r.state = QStringLiteral("running");
            r.instanceId = QStringLiteral("domain-%1").arg(r.id);
            r.startedMs = 2000 + n;
            store.updateLatentInstance(r);
            last = r.id;
        }
        ++outstanding;
        store.whenCommitted(&context, [&outstanding, last](Result<void> r) {
            --outstanding;
            if (r) {
                std::printf("%lld\n", last);
                std::fflush(stdout);
            }
        });
    });
    tick.start(2);
    return QCoreApplication::exec();
}

} // namespace

class TestLedger final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openStates();
    void addUpdateOpenQuery();
    void idsSurviveReopen();
    void unknownStateIsRefused();
    void migratesFromSchema2();
    void crashLosesNothingCommitted();
};

void TestLedger::openStates()
{
    LatentInstanceRecord r;
    QCOMPARE(r.state, QStringLiteral("starting"));
    for (const char* s : {"starting", "running", "stopping", "stop_failed"}) {
        r.state = QString::fromLatin1(s);
        QVERIFY2(r.isOpen(), s);
    }
    for (const char* s : {"stopped", "start_failed", "gone"}) {
        r.state = QString::fromLatin1(s);
        QVERIFY2(!r.isOpen(), s);
    }
}

void TestLedger::addUpdateOpenQuery()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    Store store;
    QSignalSpy failed(&store, &Store::writeFailed);
    QVERIFY(openStore(store, path, this));

    // bot1: started, attached, stopped (closed). bot2: starting. bot1 again:
    // running. bot3: stop failed (still open). bot2 again: start failed.
    LatentInstanceRecord a = starting(QStringLiteral("bot1"), 1000);
    a.id = store.addLatentInstance(a);
    LatentInstanceRecord b = starting(QStringLiteral("bot2"), 1100);
    b.id = store.addLatentInstance(b);
    QVERIFY(a.id >= 1);
    QCOMPARE(b.id, a.id + 1);
    a.state = QStringLiteral("running");
    a.instanceId = QStringLiteral("bot1");
    a.startedMs = 1500;
    store.updateLatentInstance(a);
    a.attachedMs = 1700;
    store.updateLatentInstance(a);
    a.state = QStringLiteral("stopping");
    a.stopRequestedMs = 5000;
    a.reason = QStringLiteral("idle 600 s");
    store.updateLatentInstance(a);
    a.state = QStringLiteral("stopped");
    a.stoppedMs = 5200;
    a.attributes.insert(QStringLiteral("hd_image"), QStringLiteral("/vm/bot1.qcow2"));
    store.updateLatentInstance(a);

    LatentInstanceRecord c = starting(QStringLiteral("bot1"), 6000);
    c.id = store.addLatentInstance(c);
    c.state = QStringLiteral("running");
    c.instanceId = QStringLiteral("bot1");
    c.startedMs = 6100;
    store.updateLatentInstance(c);
    LatentInstanceRecord d = starting(QStringLiteral("bot3"), 7000);
    d.id = store.addLatentInstance(d);
    d.state = QStringLiteral("stop_failed");
    d.instanceId = QStringLiteral("bot3");
    d.startedMs = 7100;
    d.stopRequestedMs = 8000;
    d.lastError = QStringLiteral("virDomainDestroy: Requested operation is not valid");
    store.updateLatentInstance(d);
    LatentInstanceRecord e = starting(QStringLiteral("bot2"), 9000);
    e.id = store.addLatentInstance(e);
    e.state = QStringLiteral("start_failed");
    e.stoppedMs = 9100;
    e.lastError = QStringLiteral("domain not found");
    store.updateLatentInstance(e);

    // Open rows, oldest first: b (starting), c (running), d (stop_failed).
    const auto open = openRows(store, this);
    QVERIFY(open.has_value());
    QCOMPARE(open->size(), 3);
    QCOMPARE(open->at(0).id, b.id);
    QCOMPARE(open->at(0).state, QStringLiteral("starting"));
    QCOMPARE(open->at(0).instanceId, QString());
    QCOMPARE(open->at(0).startedMs, 0);
    QCOMPARE(open->at(1).id, c.id);
    QCOMPARE(open->at(2).id, d.id);
    QCOMPARE(open->at(2).lastError, d.lastError);
    for (const LatentInstanceRecord& r : *open)
        QVERIFY(r.isOpen());

    // All rows, newest last; every column as written.
    const auto all = queryRows(store, QString(), 100, this);
    QVERIFY(all.has_value());
    QCOMPARE(all->size(), 5);
    QCOMPARE(all->first().id, a.id);
    QCOMPARE(all->last().id, e.id);
    const LatentInstanceRecord& ra = all->first();
    QCOMPARE(ra.worker, QStringLiteral("bot1"));
    QCOMPARE(ra.driver, QStringLiteral("libvirt"));
    QCOMPARE(ra.instanceId, QStringLiteral("bot1"));
    QCOMPARE(ra.state, QStringLiteral("stopped"));
    QCOMPARE(ra.requestedMs, 1000);
    QCOMPARE(ra.startedMs, 1500);
    QCOMPARE(ra.attachedMs, 1700);
    QCOMPARE(ra.stopRequestedMs, 5000);
    QCOMPARE(ra.stoppedMs, 5200);
    QCOMPARE(ra.lastError, QString());
    QCOMPARE(ra.reason, QStringLiteral("idle 600 s"));
    QCOMPARE(ra.attributes, a.attributes);
    QVERIFY(!ra.isOpen());
    QCOMPARE(all->last().state, QStringLiteral("start_failed"));
    QCOMPARE(all->last().lastError, QStringLiteral("domain not found"));

    // One worker's rows; the newest `limit` of them.
    const auto bot1 = queryRows(store, QStringLiteral("bot1"), 100, this);
    QVERIFY(bot1.has_value());
    QCOMPARE(bot1->size(), 2);
    QCOMPARE(bot1->at(0).id, a.id);
    QCOMPARE(bot1->at(1).id, c.id);
    const auto newest = queryRows(store, QString(), 2, this);
    QVERIFY(newest.has_value());
    QCOMPARE(newest->size(), 2);
    QCOMPARE(newest->at(0).id, d.id);
    QCOMPARE(newest->at(1).id, e.id);
    const auto nobody = queryRows(store, QStringLiteral("nobody"), 10, this);
    QVERIFY(nobody.has_value());
    QVERIFY(nobody->isEmpty());
    QCOMPARE(failed.size(), 0);
}

void TestLedger::idsSurviveReopen()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    qint64 last = 0;
    {
        Store store;
        QVERIFY(openStore(store, path, this));
        for (int i = 0; i < 3; ++i)
            last = store.addLatentInstance(starting(QStringLiteral("bot1"), 1000 + i));
    } // the destructor flushes and closes
    Store store;
    QVERIFY(openStore(store, path, this));
    const auto open = openRows(store, this);
    QVERIFY(open.has_value());
    QCOMPARE(open->size(), 3); // still 'starting': the master died during the start calls
    QCOMPARE(open->last().id, last);
    const qint64 next = store.addLatentInstance(starting(QStringLiteral("bot2"), 5000));
    QCOMPARE(next, last + 1);
    const auto all = queryRows(store, QString(), 10, this);
    QVERIFY(all.has_value());
    QCOMPARE(all->size(), 4);
    QCOMPARE(all->last().worker, QStringLiteral("bot2"));
}

void TestLedger::unknownStateIsRefused()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    Store store;
    QSignalSpy failed(&store, &Store::writeFailed);
    QVERIFY(openStore(store, path, this));
    LatentInstanceRecord r = starting(QStringLiteral("bot1"), 1000);
    r.id = store.addLatentInstance(r);
    r.state = QStringLiteral("exploded"); // not one of the states: CHECK refuses it
    store.updateLatentInstance(r);
    const qint64 after = store.addLatentInstance(starting(QStringLiteral("bot2"), 2000));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 30'000);
    const QString msg = failed.at(0).at(0).toString();
    QVERIFY2(msg.contains(QStringLiteral("update instance %1 of latent worker 'bot1'").arg(r.id)),
             qPrintable(msg));
    const auto all = queryRows(store, QString(), 10, this);
    QVERIFY(all.has_value());
    QCOMPARE(all->size(), 2); // the other writes landed
    QCOMPARE(all->at(0).state, QStringLiteral("starting"));
    QCOMPARE(all->at(1).id, after);
}

void TestLedger::migratesFromSchema2()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    const QList<Migration> upTo2 = migrations().mid(0, 2);
    QCOMPARE(upTo2.last().version, 2);
    {
        // A database as the previous release left it, with data.
        Database db;
        const auto r = db.open(path, upTo2, {});
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(db.schemaVersion(), 2);
        QVERIFY(!db.db().tables().contains(QStringLiteral("latent_instances")));
        QVERIFY(db.exec(QStringLiteral("INSERT INTO worker_losses (worker, lost_ms) VALUES "
                                       "('bot1', 1234)"),
                        QStringLiteral("insert a loss"))
                    .ok());
        QVERIFY(db.exec(QStringLiteral("INSERT INTO worker_events (time_ms, kind) VALUES "
                                       "(1, 'attached')"),
                        QStringLiteral("insert an event"))
                    .ok());
    }
    {
        Store store;
        QVERIFY(openStore(store, path, this));
        const qint64 id = store.addLatentInstance(starting(QStringLiteral("bot1"), 1000));
        QCOMPARE(id, 1);
        const auto open = openRows(store, this);
        QVERIFY(open.has_value());
        QCOMPARE(open->size(), 1);
    }
    Database db;
    QVERIFY(db.open(path).ok());
    QCOMPARE(db.schemaVersion(), 3);
    QCOMPARE(currentSchemaVersion(), 3);
    QCOMPARE(scalar(db, QStringLiteral("SELECT lost_ms FROM worker_losses")).toLongLong(), 1234);
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM worker_events")).toInt(), 1);
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM latent_instances")).toInt(), 1);
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                       "AND name IN ('latent_instances_open', "
                                       "'latent_instances_worker')"))
                 .toInt(),
             2);
}

void TestLedger::crashLosesNothingCommitted()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    QString error;
    const std::optional<qint64> killed =
        ymtest::killWriterMidStream(WriterFlag, path, 20'000, &error);
    QVERIFY2(killed.has_value(), qPrintable(error));
    const qint64 committed = *killed;

    Database db;
    const auto opened = db.open(path);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    const QString problem = ymtest::integrityProblem(db);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QSqlQuery q(db.db());
    QVERIFY(q.exec(QStringLiteral("SELECT id, state, instance_id, started_ms FROM "
                                  "latent_instances ORDER BY id")));
    qint64 n = 0;
    qint64 stillStarting = 0;
    while (q.next()) {
        ++n;
        if (q.value(0).toLongLong() != n)
            QFAIL(qPrintable(
                QStringLiteral("row %1 has id %2: a gap").arg(n).arg(q.value(0).toLongLong())));
        const QString state = q.value(1).toString();
        if (state == u"starting") {
            ++stillStarting; // its update was not committed yet when the child died
            continue;
        }
        QCOMPARE(state, QStringLiteral("running"));
        QCOMPARE(q.value(2).toString(), QStringLiteral("domain-%1").arg(n));
        QCOMPARE(q.value(3).toLongLong(), 2000 + n - 1);
    }
    // Every row the child saw committed is there, updated; at most the very
    // last row lost its update (writes commit in order).
    QVERIFY2(n >= committed,
             qPrintable(QStringLiteral("%1 rows, %2 committed").arg(n).arg(committed)));
    QVERIFY(stillStarting <= 1);
    if (stillStarting == 1) {
        QSqlQuery last(db.db());
        QVERIFY(last.exec(QStringLiteral("SELECT MAX(id) FROM latent_instances WHERE state = "
                                         "'starting'")) &&
                last.next());
        QCOMPARE(last.value(0).toLongLong(), n);
        QVERIFY(n > committed);
    }
}

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], WriterFlag) == 0)
        return runWriter(QString::fromLocal8Bit(argv[2]));
    TestLedger test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_ledger.moc"
