// Store: the ledger of latent instances (latent_instances).
#include "storage/Store.h"

#include "storage/StoreBackend.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace ym {

using namespace storage;

namespace {

// NOT NULL text columns: a null QString would bind as NULL.
QVariant text(const QString& s)
{
    return s.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(s);
}

QVariant msOrNull(qint64 v)
{
    return v == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(v);
}

QString json(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

const QString Columns =
    QStringLiteral("id, worker, driver, instance_id, state, requested_ms, started_ms, attached_ms, "
                   "stop_requested_ms, stopped_ms, last_error, reason, attributes_json");

// The values of every column but id, in the order of Columns.
QVariantList values(const LatentInstanceRecord& r)
{
    return {text(r.worker),         text(r.driver),
            text(r.instanceId),     text(r.state),
            r.requestedMs,          msOrNull(r.startedMs),
            msOrNull(r.attachedMs), msOrNull(r.stopRequestedMs),
            msOrNull(r.stoppedMs),  text(r.lastError),
            text(r.reason),         json(r.attributes)};
}

LatentInstanceRecord recordFrom(const QSqlQuery& q)
{
    LatentInstanceRecord r;
    r.id = q.value(0).toLongLong();
    r.worker = q.value(1).toString();
    r.driver = q.value(2).toString();
    r.instanceId = q.value(3).toString();
    r.state = q.value(4).toString();
    r.requestedMs = q.value(5).toLongLong();
    r.startedMs = q.value(6).toLongLong();
    r.attachedMs = q.value(7).toLongLong();
    r.stopRequestedMs = q.value(8).toLongLong();
    r.stoppedMs = q.value(9).toLongLong();
    r.lastError = q.value(10).toString();
    r.reason = q.value(11).toString();
    r.attributes = QJsonDocument::fromJson(q.value(12).toString().toUtf8()).object();
    return r;
}

StoreOp write(QString sql, QVariantList bound, QString purpose)
{
    return StoreOp{[sql = std::move(sql), bound = std::move(bound),
                    purpose = std::move(purpose)](WriteContext& c) -> Result<void> {
                       QSqlQuery& q = c.prepared(sql);
                       for (int i = 0; i < bound.size(); ++i)
                           q.bindValue(i, bound[i]);
                       return c.exec(q, purpose);
                   },
                   {}};
}

// A read of ledger rows: `sql` selects Columns; `bound` fills its placeholders.
StoreOp readRows(QObject* context, std::function<void(Result<QList<LatentInstanceRecord>>)> done,
                 QString sql, QVariantList bound, bool newestFirst)
{
    auto deliver = deliverTo<Result<QList<LatentInstanceRecord>>>(context, std::move(done));
    return StoreOp{
        {}, [deliver, sql = std::move(sql), bound = std::move(bound), newestFirst](Database* db) {
            if (!db) {
                deliver(Error{QStringLiteral("storage: no database is open")});
                return;
            }
            QSqlQuery q(db->db());
            q.prepare(sql);
            for (int i = 0; i < bound.size(); ++i)
                q.bindValue(i, bound[i]);
            if (Result<void> r = db->exec(q, QStringLiteral("read the latent "
                                                            "instance ledger"));
                !r) {
                deliver(r.error());
                return;
            }
            QList<LatentInstanceRecord> out;
            while (q.next())
                out.append(recordFrom(q));
            if (newestFirst)
                std::reverse(out.begin(), out.end());
            deliver(std::move(out));
        }};
}

} // namespace

qint64 Store::addLatentInstance(const LatentInstanceRecord& record)
{
    const qint64 id = m_nextInstanceId++;
    QVariantList bound{id};
    bound += values(record);
    enqueue(
        write(
            QStringLiteral("INSERT INTO latent_instances (%1) VALUES (?, ?, ?, ?, ?, ?, ?, "
                           "?, ?, ?, ?, ?, ?)")
                .arg(Columns),
            std::move(bound),
            QStringLiteral("record instance %1 of latent worker '%2'").arg(id).arg(record.worker)),
        false);
    return id;
}

void Store::updateLatentInstance(const LatentInstanceRecord& record)
{
    QVariantList bound = values(record);
    bound << record.id;
    enqueue(write(QStringLiteral("UPDATE latent_instances SET worker = ?, driver = ?, "
                                 "instance_id = ?, state = ?, requested_ms = ?, started_ms = ?, "
                                 "attached_ms = ?, stop_requested_ms = ?, stopped_ms = ?, "
                                 "last_error = ?, reason = ?, attributes_json = ? WHERE id = ?"),
                  std::move(bound),
                  QStringLiteral("update instance %1 of latent worker '%2'")
                      .arg(record.id)
                      .arg(record.worker)),
            false);
}

void Store::openLatentInstances(QObject* context,
                                std::function<void(Result<QList<LatentInstanceRecord>>)> done)
{
    enqueue(readRows(context, std::move(done),
                     QStringLiteral("SELECT %1 FROM latent_instances WHERE state IN ('starting', "
                                    "'running', 'stopping', 'stop_failed') ORDER BY id")
                         .arg(Columns),
                     {}, false),
            true);
}

void Store::queryLatentInstances(const QString& worker, int limit, QObject* context,
                                 std::function<void(Result<QList<LatentInstanceRecord>>)> done)
{
    enqueue(readRows(context, std::move(done),
                     QStringLiteral("SELECT %1 FROM latent_instances WHERE (? = '' OR worker = ?) "
                                    "ORDER BY id DESC LIMIT ?")
                         .arg(Columns),
                     {text(worker), text(worker), limit}, true),
            true);
}

} // namespace ym
