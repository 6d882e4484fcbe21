// Store: worker losses behind missing-worker notices.
#include "storage/Store.h"

#include "storage/StoreBackend.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace ym {

using namespace storage;

namespace {

QVariant text(const QString& s)
{
    return s.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(s);
}

QVariant msOrNull(qint64 v)
{
    return v == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(v);
}

} // namespace

void Store::addWorkerLoss(const WorkerLossRecord& loss)
{
    const QString info = QString::fromUtf8(QJsonDocument(loss.info).toJson(QJsonDocument::Compact));
    enqueue(StoreOp{[loss, info](WriteContext& c) -> Result<void> {
                        QSqlQuery& q = c.prepared(QStringLiteral(
                            "INSERT INTO worker_losses (worker, lost_ms, last_seen_ms, peer, "
                            "reason, info_json, state, attempts, last_error, finished_ms) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                        q.bindValue(0, loss.worker);
                        q.bindValue(1, loss.lostMs);
                        q.bindValue(2, msOrNull(loss.lastSeenMs));
                        q.bindValue(3, text(loss.peer));
                        q.bindValue(4, text(loss.reason));
                        q.bindValue(5, info);
                        q.bindValue(6, loss.state);
                        q.bindValue(7, loss.attempts);
                        q.bindValue(8, text(loss.lastError));
                        q.bindValue(9, msOrNull(loss.finishedMs));
                        return c.exec(
                            q, QStringLiteral("record the loss of worker '%1'").arg(loss.worker));
                    },
                    {}},
            false);
}

void Store::updateWorkerLoss(const WorkerLossRecord& loss)
{
    enqueue(StoreOp{[loss](WriteContext& c) -> Result<void> {
                        QSqlQuery& q = c.prepared(QStringLiteral(
                            "UPDATE worker_losses SET state = ?, attempts = ?, last_error = ?, "
                            "finished_ms = ? WHERE worker = ? AND lost_ms = ?"));
                        q.bindValue(0, loss.state);
                        q.bindValue(1, loss.attempts);
                        q.bindValue(2, text(loss.lastError));
                        q.bindValue(3, msOrNull(loss.finishedMs));
                        q.bindValue(4, loss.worker);
                        q.bindValue(5, loss.lostMs);
                        return c.exec(
                            q, QStringLiteral("update the loss of worker '%1'").arg(loss.worker));
                    },
                    {}},
            false);
}

void Store::pendingWorkerLosses(QObject* context,
                                std::function<void(Result<QList<WorkerLossRecord>>)> done)
{
    auto deliver = deliverTo<Result<QList<WorkerLossRecord>>>(context, std::move(done));
    enqueue(StoreOp{{},
                    [deliver](Database* db) {
                        if (!db) {
                            deliver(Error{QStringLiteral("storage: no database is open")});
                            return;
                        }
                        QSqlQuery q(db->db());
                        q.prepare(QStringLiteral(
                            "SELECT worker, lost_ms, last_seen_ms, peer, reason, info_json, "
                            "state, attempts, last_error FROM worker_losses WHERE state = "
                            "'pending' ORDER BY lost_ms, id"));
                        if (Result<void> r =
                                db->exec(q, QStringLiteral("read the pending worker losses"));
                            !r) {
                            deliver(r.error());
                            return;
                        }
                        QList<WorkerLossRecord> out;
                        while (q.next()) {
                            WorkerLossRecord l;
                            l.worker = q.value(0).toString();
                            l.lostMs = q.value(1).toLongLong();
                            l.lastSeenMs = q.value(2).toLongLong();
                            l.peer = q.value(3).toString();
                            l.reason = q.value(4).toString();
                            l.info =
                                QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
                            l.state = q.value(6).toString();
                            l.attempts = q.value(7).toInt();
                            l.lastError = q.value(8).toString();
                            out.append(std::move(l));
                        }
                        deliver(std::move(out));
                    }},
            true);
}

} // namespace ym
