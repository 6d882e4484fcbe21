// Store: the build queue, builds, steps and logs.
#include "storage/Store.h"

#include "storage/StoreBackend.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace ym {

using namespace storage;

namespace {

QVariant text(const QString& s)
{
    return s.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(s);
}

QVariant orNull(qint64 v)
{
    return v == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(v);
}

QVariant textOrNull(const QString& s)
{
    return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

QString json(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const QVariant& v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

// A write op running one prepared statement with the given values.
StoreOp statement(QString sql, QVariantList values, QString purpose)
{
    return StoreOp{[sql = std::move(sql), values = std::move(values),
                    purpose = std::move(purpose)](WriteContext& c) -> Result<void> {
                       QSqlQuery& q = c.prepared(sql);
                       for (int i = 0; i < values.size(); ++i)
                           q.bindValue(i, values[i]);
                       return c.exec(q, purpose);
                   },
                   {}};
}

// A read op: `read` fills T from the open database.
template <typename T>
StoreOp reading(QObject* context, std::function<void(Result<T>)> done,
                std::function<Result<T>(Database&)> read)
{
    auto deliver = deliverTo<Result<T>>(context, std::move(done));
    return StoreOp{{}, [deliver, read = std::move(read)](Database* db) {
                       if (!db)
                           deliver(Error{QStringLiteral("storage: no database is open")});
                       else
                           deliver(read(*db));
                   }};
}

const QString AppendLogSql =
    QStringLiteral("INSERT INTO log_chunks (step_id, stream, first_line, line_count, time_ms, "
                   "line_times, text) VALUES (?, ?, ?, ?, ?, ?, ?)");
const QString AppendLogUtf8Sql =
    QStringLiteral("INSERT INTO log_chunks (step_id, stream, first_line, line_count, time_ms, "
                   "line_times, text) VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TEXT))");

const QString BuildColumns = QStringLiteral(
    "id, builder, number, worker, reason, properties_json, request_id, requested_ms, "
    "started_ms, finished_ms, result");

BuildRecord buildFrom(const QSqlQuery& q)
{
    BuildRecord b;
    b.id = q.value(0).toLongLong();
    b.builder = q.value(1).toString();
    b.number = q.value(2).toInt();
    b.worker = q.value(3).toString();
    b.reason = q.value(4).toString();
    b.properties = jsonObject(q.value(5));
    b.requestId = q.value(6).toLongLong();
    b.requestedMs = q.value(7).toLongLong();
    b.startedMs = q.value(8).toLongLong();
    b.finishedMs = q.value(9).toLongLong();
    b.result = q.value(10).toString();
    return b;
}

} // namespace

qint64 Store::addBuildRequest(const BuildRequestRecord& r)
{
    const qint64 id = m_nextRequestId++;
    enqueue(statement(QStringLiteral("INSERT INTO build_requests (id, builder, reason, "
                                     "properties_json, submitted_ms, position, state) VALUES "
                                     "(?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 "
                                     "FROM build_requests WHERE builder = ?), 'queued')"),
                      {id, text(r.builder), text(r.reason), json(r.properties), r.submittedMs,
                       text(r.builder)},
                      QStringLiteral("queue a build request for '%1'").arg(r.builder)),
            false);
    return id;
}

void Store::pendingRequests(QObject* context,
                            std::function<void(Result<QList<BuildRequestRecord>>)> done)
{
    enqueue(reading<QList<BuildRequestRecord>>(
                context, std::move(done),
                [](Database& db) -> Result<QList<BuildRequestRecord>> {
                    QSqlQuery q(db.db());
                    q.prepare(QStringLiteral(
                        "SELECT id, builder, reason, properties_json, submitted_ms, state, "
                        "claimed_by_build, retries FROM build_requests WHERE state IN "
                        "('queued', 'claimed') ORDER BY builder, "
                        "CASE WHEN state = 'claimed' THEN 0 ELSE 1 END, position"));
                    if (Result<void> r = db.exec(q, QStringLiteral("read the build queue")); !r)
                        return r.error();
                    QList<BuildRequestRecord> out;
                    while (q.next()) {
                        BuildRequestRecord r;
                        r.id = q.value(0).toLongLong();
                        r.builder = q.value(1).toString();
                        r.reason = q.value(2).toString();
                        r.properties = jsonObject(q.value(3));
                        r.submittedMs = q.value(4).toLongLong();
                        r.state = q.value(5).toString();
                        r.claimedByBuild = q.value(6).toLongLong();
                        r.retries = q.value(7).toInt();
                        out.append(std::move(r));
                    }
                    return out;
                }),
            true);
}

qint64 Store::startBuild(const BuildRecord& b)
{
    const qint64 id = m_nextBuildId++;
    enqueue(statement(QStringLiteral("INSERT INTO builds (id, builder, number, worker, reason, "
                                     "properties_json, request_id, requested_ms, started_ms) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                      {id, text(b.builder), b.number, text(b.worker), text(b.reason),
                       json(b.properties), orNull(b.requestId), b.requestedMs, b.startedMs},
                      QStringLiteral("record build %1 #%2 started").arg(b.builder).arg(b.number)),
            false);
    if (b.requestId != 0)
        enqueue(statement(QStringLiteral("UPDATE build_requests SET state = 'claimed', "
                                         "claimed_by_build = ?, claimed_ms = ? WHERE id = ?"),
                          {id, b.startedMs, b.requestId},
                          QStringLiteral("mark build request %1 claimed").arg(b.requestId)),
                false);
    return id;
}

void Store::finishBuild(qint64 buildId, qint64 finishedMs, const QString& result)
{
    enqueue(statement(QStringLiteral("UPDATE builds SET finished_ms = ?, result = ? WHERE id = ?"),
                      {finishedMs, text(result), buildId},
                      QStringLiteral("record build %1 finished").arg(buildId)),
            false);
}

void Store::requeueRequest(qint64 requestId, int retries)
{
    enqueue(statement(QStringLiteral(
                          "UPDATE build_requests SET state = 'queued', claimed_by_build = NULL, "
                          "claimed_ms = NULL, retries = ?, position = (SELECT "
                          "COALESCE(MIN(r.position), 0) - 1 FROM build_requests r WHERE "
                          "r.builder = build_requests.builder) WHERE id = ?"),
                      {retries, requestId},
                      QStringLiteral("put build request %1 back in the queue").arg(requestId)),
            false);
}

void Store::finishRequest(qint64 requestId, qint64 finishedMs, const QString& result)
{
    enqueue(statement(QStringLiteral("UPDATE build_requests SET state = 'done', finished_ms = ?, "
                                     "result = ? WHERE id = ?"),
                      {finishedMs, textOrNull(result), requestId},
                      QStringLiteral("mark build request %1 done").arg(requestId)),
            false);
}

qint64 Store::startStep(const StepRecord& s)
{
    const qint64 id = m_nextStepId++;
    enqueue(statement(QStringLiteral("INSERT INTO steps (id, build_id, number, name, started_ms) "
                                     "VALUES (?, ?, ?, ?, ?)"),
                      {id, s.buildId, s.number, text(s.name), orNull(s.startedMs)},
                      QStringLiteral("record step %1 of build %2").arg(s.number).arg(s.buildId)),
            false);
    return id;
}

void Store::finishStep(qint64 stepId, qint64 finishedMs, const QString& result,
                       const QString& summary)
{
    enqueue(statement(QStringLiteral("UPDATE steps SET finished_ms = ?, result = ?, summary = ? "
                                     "WHERE id = ?"),
                      {finishedMs, text(result), text(summary), stepId},
                      QStringLiteral("record step %1 finished").arg(stepId)),
            false);
}

void Store::appendLog(const LogChunkRecord& c)
{
    const QVariant times = c.lineOffsets.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>())
                                                   : QVariant(encodeLineOffsets(c.lineOffsets));
    QVariantList values{c.stepId, text(c.stream), c.firstLine, c.lineCount, c.timeMs, times};
    enqueue(
        StoreOp{[values = std::move(values), body = c.text,
                 stepId = c.stepId](WriteContext& ctx) -> Result<void> {
                    // SQLite keeps text as UTF-8 but QSQLITE binds a QString as
                    // UTF-16, which SQLite then converts character by character
                    // (a fifth of the storage thread's time with build output
                    // streaming in). Binding the UTF-8 bytes and casting them
                    // to TEXT stores the same TEXT value for the cost of a copy.
                    const bool sqlite = ctx.db().db().driverName() == u"QSQLITE";
                    QSqlQuery& q = ctx.prepared(sqlite ? AppendLogUtf8Sql : AppendLogSql);
                    for (int i = 0; i < values.size(); ++i)
                        q.bindValue(i, values[i]);
                    q.bindValue(int(values.size()), sqlite ? QVariant(body.toUtf8()) : text(body));
                    return ctx.exec(q, QStringLiteral("append to the log of step %1").arg(stepId));
                },
                {}},
        false);
}

void Store::lastBuildNumbers(QObject* context,
                             std::function<void(Result<QHash<QString, int>>)> done)
{
    enqueue(reading<QHash<QString, int>>(
                context, std::move(done),
                [](Database& db) -> Result<QHash<QString, int>> {
                    QSqlQuery q(db.db());
                    q.prepare(
                        QStringLiteral("SELECT builder, MAX(number) FROM builds GROUP BY builder"));
                    if (Result<void> r = db.exec(q, QStringLiteral("read the build numbers")); !r)
                        return r.error();
                    QHash<QString, int> out;
                    while (q.next())
                        out.insert(q.value(0).toString(), q.value(1).toInt());
                    return out;
                }),
            true);
}

void Store::queryBuilds(const QString& builder, int limit, QObject* context,
                        std::function<void(Result<QList<BuildRecord>>)> done)
{
    enqueue(reading<QList<BuildRecord>>(
                context, std::move(done),
                [builder, limit](Database& db) -> Result<QList<BuildRecord>> {
                    QSqlQuery q(db.db());
                    q.prepare(QStringLiteral("SELECT %1 FROM builds WHERE (? = '' OR builder = ?) "
                                             "ORDER BY id DESC LIMIT ?")
                                  .arg(BuildColumns));
                    q.bindValue(0, text(builder));
                    q.bindValue(1, text(builder));
                    q.bindValue(2, limit);
                    if (Result<void> r = db.exec(q, QStringLiteral("read builds")); !r)
                        return r.error();
                    QList<BuildRecord> out;
                    while (q.next())
                        out.append(buildFrom(q));
                    std::reverse(out.begin(), out.end());
                    return out;
                }),
            true);
}

void Store::querySteps(qint64 buildId, QObject* context,
                       std::function<void(Result<QList<StepRecord>>)> done)
{
    enqueue(reading<QList<StepRecord>>(
                context, std::move(done),
                [buildId](Database& db) -> Result<QList<StepRecord>> {
                    QSqlQuery q(db.db());
                    q.prepare(QStringLiteral("SELECT id, build_id, number, name, started_ms, "
                                             "finished_ms, result, summary FROM steps WHERE "
                                             "build_id = ? ORDER BY number"));
                    q.bindValue(0, buildId);
                    if (Result<void> r = db.exec(q, QStringLiteral("read steps")); !r)
                        return r.error();
                    QList<StepRecord> out;
                    while (q.next())
                        out.append(StepRecord{q.value(0).toLongLong(), q.value(1).toLongLong(),
                                              q.value(2).toInt(), q.value(3).toString(),
                                              q.value(4).toLongLong(), q.value(5).toLongLong(),
                                              q.value(6).toString(), q.value(7).toString()});
                    return out;
                }),
            true);
}

void Store::queryLog(qint64 stepId, qint64 afterChunkId, int limit, QObject* context,
                     std::function<void(Result<QList<LogChunkRecord>>)> done)
{
    enqueue(reading<QList<LogChunkRecord>>(
                context, std::move(done),
                [stepId, afterChunkId, limit](Database& db) -> Result<QList<LogChunkRecord>> {
                    QSqlQuery q(db.db());
                    q.prepare(QStringLiteral(
                        "SELECT id, step_id, stream, first_line, line_count, time_ms, "
                        "line_times, text FROM log_chunks WHERE step_id = ? AND id > ? "
                        "ORDER BY id LIMIT ?"));
                    q.bindValue(0, stepId);
                    q.bindValue(1, afterChunkId);
                    q.bindValue(2, limit);
                    if (Result<void> r = db.exec(q, QStringLiteral("read a log")); !r)
                        return r.error();
                    QList<LogChunkRecord> out;
                    while (q.next())
                        out.append(LogChunkRecord{
                            q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),
                            q.value(3).toInt(), q.value(4).toInt(), q.value(5).toLongLong(),
                            decodeLineOffsets(q.value(6).toByteArray()), q.value(7).toString()});
                    return out;
                }),
            true);
}

} // namespace ym
