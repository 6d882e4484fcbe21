#include "storage/Database.h"
#include "storage/Schema.h"

#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using ym::storage::Database;
using ym::storage::Migration;

namespace {

// A raw connection for setting up and inspecting files behind Database's back.
class RawConnection
{
public:
    explicit RawConnection(const QString& path)
    {
        static int n = 0;
        m_name = QStringLiteral("raw-%1").arg(++n);
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(path);
        QVERIFY(m_db.open());
    }
    ~RawConnection()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    void exec(const QString& sql)
    {
        QSqlQuery q(m_db);
        QVERIFY2(q.exec(sql), qPrintable(q.lastError().text() + QStringLiteral(": ") + sql));
    }
    QVariant value(const QString& sql)
    {
        QSqlQuery q(m_db);
        if (!q.exec(sql) || !q.next())
            return {};
        return q.value(0);
    }

private:
    QString m_name;
    QSqlDatabase m_db;
};

QStringList tables(Database& db)
{
    QStringList t = db.db().tables();
    t.sort();
    return t;
}

QVariant scalar(Database& db, const QString& sql)
{
    QSqlQuery q(db.db());
    if (!q.exec(sql) || !q.next())
        return {};
    return q.value(0);
}

} // namespace

class TestDatabase final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void freshDatabaseIsCurrentWalAndPrivate();
    void reopenIsIdempotent();
    void versionZeroMigrates();
    void oldLayoutMigratesWithItsData();
    void failingMigrationRollsBack();
    void futureVersionIsRefused();
    void corruptFileIsRefusedUntouched_data();
    void corruptFileIsRefusedUntouched();
    void twoConnectionsAtOnce();
    void buildNumbersAreUniquePerBuilder();
};

void TestDatabase::freshDatabaseIsCurrentWalAndPrivate()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state/sub/state.sqlite"));
    Database db;
    const auto r = db.open(path);
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
    QCOMPARE(db.schemaVersion(), ym::storage::currentSchemaVersion());
    QVERIFY(db.schemaVersion() >= 1);
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA synchronous")).toInt(), 1); // NORMAL
    QVERIFY(scalar(db, QStringLiteral("PRAGMA busy_timeout")).toInt() > 0);
    QCOMPARE(scalar(db, QStringLiteral("SELECT version FROM schema_version")).toInt(),
             db.schemaVersion());
    const QStringList expected{
        QStringLiteral("build_requests"),   QStringLiteral("builds"),
        QStringLiteral("latent_instances"), QStringLiteral("log_chunks"),
        QStringLiteral("schema_version"),   QStringLiteral("steps"),
        QStringLiteral("worker_events"),    QStringLiteral("worker_losses"),
    };
    QCOMPARE(tables(db), expected);
    // Owner read/write, nothing for group and others; the same for SQLite's
    // -wal and -shm companions, which copy the database file's mode.
    for (const QString& file :
         {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
        QVERIFY2(QFileInfo::exists(file), qPrintable(file));
        const QFile::Permissions p = QFile::permissions(file);
        QVERIFY2((p & (QFile::ReadOwner | QFile::WriteOwner)) ==
                     (QFile::ReadOwner | QFile::WriteOwner),
                 qPrintable(file));
        QCOMPARE(p & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther |
                      QFile::WriteOther | QFile::ExeOther),
                 QFile::Permissions());
    }
    const QFile::Permissions dir = QFile::permissions(tmp.filePath(QStringLiteral("state/sub")));
    QCOMPARE(dir & (QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther),
             QFile::Permissions());
    QVERIFY(dir & QFile::ExeOwner);
}

void TestDatabase::reopenIsIdempotent()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    {
        Database db;
        QVERIFY(db.open(path).ok());
        QVERIFY(db.exec(QStringLiteral("INSERT INTO worker_events (time_ms, kind) VALUES (1, "
                                       "'attached')"),
                        QStringLiteral("insert"))
                    .ok());
    }
    for (int i = 0; i < 2; ++i) {
        Database db;
        const auto r = db.open(path);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(db.schemaVersion(), ym::storage::currentSchemaVersion());
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM schema_version")).toInt(), 1);
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM worker_events")).toInt(), 1);
    }
}

void TestDatabase::versionZeroMigrates()
{
    // A database some earlier tool left at version 0, with a table of its own.
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    {
        RawConnection raw(path);
        raw.exec(QStringLiteral("CREATE TABLE schema_version (version INTEGER NOT NULL)"));
        raw.exec(QStringLiteral("INSERT INTO schema_version VALUES (0)"));
        raw.exec(QStringLiteral("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"));
        raw.exec(QStringLiteral("INSERT INTO notes (text) VALUES ('kept')"));
    }
    Database db;
    const auto r = db.open(path);
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
    QCOMPARE(db.schemaVersion(), ym::storage::currentSchemaVersion());
    QVERIFY(tables(db).contains(QStringLiteral("builds")));
    QCOMPARE(scalar(db, QStringLiteral("SELECT text FROM notes")).toString(),
             QStringLiteral("kept"));
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM schema_version")).toInt(), 1);
}

void TestDatabase::oldLayoutMigratesWithItsData()
{
    // The migration machinery on a layout change: v1 has one column, v2 splits it.
    const Migration v1{1,
                       QStringLiteral("create events (v1)"),
                       {QStringLiteral("CREATE TABLE events (id {ID}, line TEXT NOT NULL)")}};
    const Migration v2{
        2,
        QStringLiteral("split events.line into kind and message (v2)"),
        {QStringLiteral("ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT ''"),
         QStringLiteral("UPDATE events SET kind = substr(line, 1, instr(line, ':') - 1), "
                        "line = substr(line, instr(line, ':') + 2)"),
         QStringLiteral("CREATE INDEX events_kind ON events (kind)")}};
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    {
        Database db;
        QVERIFY(db.open(path, {v1}, {}).ok());
        QCOMPARE(db.schemaVersion(), 1);
        QVERIFY(db.exec(QStringLiteral("INSERT INTO events (line) VALUES ('attached: bot1'), "
                                       "('detached: bot2')"),
                        QStringLiteral("insert"))
                    .ok());
    }
    Database db;
    const auto r = db.open(path, {v1, v2}, {});
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
    QCOMPARE(db.schemaVersion(), 2);
    QSqlQuery q(db.db());
    QVERIFY(q.exec(QStringLiteral("SELECT kind, line FROM events ORDER BY id")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("attached"));
    QCOMPARE(q.value(1).toString(), QStringLiteral("bot1"));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("detached"));
    QCOMPARE(q.value(1).toString(), QStringLiteral("bot2"));
}

void TestDatabase::failingMigrationRollsBack()
{
    const Migration v1{1,
                       QStringLiteral("create events (v1)"),
                       {QStringLiteral("CREATE TABLE events (id {ID}, line TEXT)")}};
    const Migration bad{2,
                        QStringLiteral("add the kind column (v2)"),
                        {QStringLiteral("ALTER TABLE events ADD COLUMN kind TEXT"),
                         QStringLiteral("UPDATE no_such_table SET x = 1")}};
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    {
        Database db;
        QVERIFY(db.open(path, {v1}, {}).ok());
    }
    {
        Database db;
        const auto r = db.open(path, {v1, bad}, {});
        QVERIFY(!r.ok());
        const QString msg = r.error().message;
        QVERIFY2(msg.contains(path), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("add the kind column (v2)")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("statement 2 of 2")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("stays at schema version 1")), qPrintable(msg));
        QVERIFY(!db.isOpen());
    }
    // Nothing of the failed step remains: the first statement was rolled back too.
    RawConnection raw(path);
    QCOMPARE(raw.value(QStringLiteral("SELECT version FROM schema_version")).toInt(), 1);
    QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM pragma_table_info('events') "
                                      "WHERE name = 'kind'"))
                 .toInt(),
             0);
}

void TestDatabase::futureVersionIsRefused()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    const int future = ym::storage::currentSchemaVersion() + 5;
    {
        Database db;
        QVERIFY(db.open(path).ok());
        QVERIFY(db.exec(QStringLiteral("UPDATE schema_version SET version = %1").arg(future),
                        QStringLiteral("pretend a newer program wrote it"))
                    .ok());
    }
    Database db;
    const auto r = db.open(path);
    QVERIFY(!r.ok());
    const QString msg = r.error().message;
    QVERIFY2(msg.contains(path), qPrintable(msg));
    QVERIFY2(msg.contains(QString::number(future)), qPrintable(msg));
    QVERIFY2(msg.contains(QStringLiteral("up to %1").arg(ym::storage::currentSchemaVersion())),
             qPrintable(msg));
    QVERIFY(!db.isOpen());
    RawConnection raw(path);
    QCOMPARE(raw.value(QStringLiteral("SELECT version FROM schema_version")).toInt(), future);
}

void TestDatabase::corruptFileIsRefusedUntouched_data()
{
    QTest::addColumn<QByteArray>("content");
    QByteArray random(64 * 1024, Qt::Uninitialized);
    QRandomGenerator gen(42);
    for (char& c : random)
        c = char(gen.bounded(256));
    QTest::newRow("random bytes") << random;
    QTest::newRow("text file") << QByteArray("this is not a database\n").repeated(200);
    QByteArray header("SQLite format 3");
    header.append('\0');
    QTest::newRow("sqlite header, garbage after") << (header + random);
}

void TestDatabase::corruptFileIsRefusedUntouched()
{
    QFETCH(QByteArray, content);
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    Database db;
    const auto r = db.open(path);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.contains(path), qPrintable(r.error().message));
    QVERIFY(!db.isOpen());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), content);
}

void TestDatabase::twoConnectionsAtOnce()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("state.sqlite"));
    Database a;
    Database b;
    QVERIFY(a.open(path).ok());
    QVERIFY(b.open(path).ok());
    QVERIFY(a.connectionName() != b.connectionName());
    QVERIFY(a.exec(QStringLiteral("INSERT INTO worker_events (time_ms, kind) VALUES (5, 'x')"),
                   QStringLiteral("insert"))
                .ok());
    QCOMPARE(scalar(b, QStringLiteral("SELECT time_ms FROM worker_events")).toInt(), 5);
}

void TestDatabase::buildNumbersAreUniquePerBuilder()
{
    QTemporaryDir tmp;
    Database db;
    QVERIFY(db.open(tmp.filePath(QStringLiteral("state.sqlite"))).ok());
    const QString insert =
        QStringLiteral("INSERT INTO builds (builder, number, worker, requested_ms, started_ms) "
                       "VALUES ('%1', %2, 'w', 1, 2)");
    QVERIFY(db.exec(insert.arg(QStringLiteral("a")).arg(1), QStringLiteral("insert")).ok());
    QVERIFY(db.exec(insert.arg(QStringLiteral("b")).arg(1), QStringLiteral("insert")).ok());
    const auto dup = db.exec(insert.arg(QStringLiteral("a")).arg(1),
                             QStringLiteral("insert a second build a#1"));
    QVERIFY(!dup.ok());
    QVERIFY2(dup.error().message.contains(QStringLiteral("insert a second build a#1")),
             qPrintable(dup.error().message));
    // Foreign keys are enforced: a step of no build is refused.
    QVERIFY(!db.exec(QStringLiteral("INSERT INTO steps (build_id, number, name) VALUES "
                                    "(999, 0, 's')"),
                     QStringLiteral("insert an orphan step"))
                 .ok());
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
