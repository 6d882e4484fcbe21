#include "storage/Store.h"

#include "storage/StorageLogging.h"
#include "storage/StoreBackend.h"

#include <QMutexLocker>
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

} // namespace

Store::Store(QObject* parent) : QObject(parent), m_queue(std::make_shared<StoreQueue>())
{
    m_backend = new StoreBackend(m_queue);
    m_backend->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_backend, &QObject::deleteLater);
    connect(m_backend, &StoreBackend::writeFailed, this, &Store::writeFailed);
    m_thread.setObjectName(QStringLiteral("ym-storage"));
    m_thread.start();
}

Store::~Store()
{
    close();
}

void Store::enqueue(StoreOp op, bool urgent)
{
    bool post = false;
    size_t size = 0;
    {
        QMutexLocker lock(&m_queue->mutex);
        if (m_closed.load()) {
            lock.unlock();
            qCWarning(lcStorage) << "storage is closed: a change was dropped";
            if (op.other)
                op.other(nullptr); // reads answer with an error
            if (op.committed)
                op.committed(false);
            return;
        }
        m_queue->bytes += op.bytes;
        m_queue->ops.push_back(std::move(op));
        size = m_queue->ops.size();
        if (!m_queue->scheduled) {
            m_queue->scheduled = true;
            post = true;
        }
    }
    StoreBackend* backend = m_backend;
    if (post)
        QMetaObject::invokeMethod(
            backend, [backend, urgent] { backend->schedule(urgent); }, Qt::QueuedConnection);
    else if (urgent || size == size_t(StoreBackend::MaxBatch))
        QMetaObject::invokeMethod(backend, &StoreBackend::drain, Qt::QueuedConnection);
}

void Store::open(const QString& path, QObject* context, std::function<void(Result<void>)> done)
{
    auto deliver = deliverTo<Result<void>>(context, std::move(done));
    StoreBackend* backend = m_backend;
    enqueue(StoreOp{{},
                    [this, backend, path, deliver](Database* db) {
                        if (db == nullptr && m_closed.load()) {
                            deliver(Error{
                                QStringLiteral("database '%1': the store is closed").arg(path)});
                            return;
                        }
                        Result<void> r = backend->openDatabase(path);
                        if (r)
                            loadIdCounters();
                        deliver(std::move(r));
                    }},
            true);
}

void Store::loadIdCounters()
{
    // Storage thread. IDs are handed out by this process (see docs/storage.md).
    Database* db = m_backend->database();
    auto next = [db](const char* table) -> qint64 {
        QSqlQuery q(db->db());
        if (q.exec(
                QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM %1").arg(QLatin1String(table))) &&
            q.next())
            return q.value(0).toLongLong() + 1;
        qCWarning(lcStorage) << "cannot read the highest id of" << table << q.lastError().text();
        return 1;
    };
    m_nextRequestId = next("build_requests");
    m_nextBuildId = next("builds");
    m_nextStepId = next("steps");
    m_nextInstanceId = next("latent_instances");
}

void Store::close()
{
    if (m_closed.load())
        return;
    StoreBackend* backend = m_backend;
    enqueue(StoreOp{{},
                    [backend](Database*) {
                        backend->closeDatabase();
                    }},
            false);
    {
        QMutexLocker lock(&m_queue->mutex);
        m_closed = true; // later calls are refused
    }
    QMetaObject::invokeMethod(backend, &StoreBackend::drain, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_backend = nullptr;
}

void Store::sync(QObject* context, std::function<void(Result<void>)> done)
{
    auto deliver = deliverTo<Result<void>>(context, std::move(done));
    enqueue(StoreOp{{},
                    [deliver](Database* db) {
                        if (db)
                            deliver(Result<void>{});
                        else
                            deliver(Error{QStringLiteral("storage: no database is open")});
                    }},
            true);
}

qint64 Store::backlogBytes() const
{
    return m_queue->bytes.load();
}

void Store::whenCommitted(QObject* context, std::function<void(Result<void>)> done)
{
    auto deliver = deliverTo<Result<void>>(context, std::move(done));
    StoreOp op;
    op.write = [](WriteContext&) -> Result<void> {
        return {};
    };
    op.committed = [deliver](bool durable) {
        if (durable)
            deliver(Result<void>{});
        else
            deliver(Error{QStringLiteral("storage: a write before this point was dropped")});
    };
    enqueue(std::move(op), false);
}

void Store::appendEvent(const EngineEvent& event)
{
    enqueue(StoreOp{[event](WriteContext& c) -> Result<void> {
                        QSqlQuery& q = c.prepared(QStringLiteral(
                            "INSERT INTO worker_events (time_ms, kind, worker, peer, message, "
                            "count) VALUES (?, ?, ?, ?, ?, ?)"));
                        q.bindValue(0, event.time.toMSecsSinceEpoch());
                        q.bindValue(1, EngineEvent::kindName(event.kind));
                        q.bindValue(2, text(event.worker));
                        q.bindValue(3, text(event.peer));
                        q.bindValue(4, text(event.message));
                        q.bindValue(5, event.count);
                        return c.exec(q, QStringLiteral("append to the event log"));
                    },
                    {}},
            false);
}

void Store::queryEvents(int limit, QObject* context,
                        std::function<void(Result<QList<EngineEvent>>)> done)
{
    auto deliver = deliverTo<Result<QList<EngineEvent>>>(context, std::move(done));
    enqueue(
        StoreOp{{},
                [limit, deliver](Database* db) {
                    if (!db) {
                        deliver(Error{QStringLiteral("storage: no database is open")});
                        return;
                    }
                    QSqlQuery q(db->db());
                    q.prepare(
                        QStringLiteral("SELECT time_ms, kind, worker, peer, message, count FROM "
                                       "worker_events ORDER BY id DESC LIMIT ?"));
                    q.bindValue(0, limit);
                    if (Result<void> r = db->exec(q, QStringLiteral("read the event log")); !r) {
                        deliver(r.error());
                        return;
                    }
                    QList<EngineEvent> out;
                    while (q.next()) {
                        EngineEvent e;
                        e.time = QDateTime::fromMSecsSinceEpoch(q.value(0).toLongLong(), Qt::UTC);
                        e.kind = eventKindFromName(q.value(1).toString())
                                     .value_or(EngineEvent::Kind::ProtocolError);
                        e.worker = q.value(2).toString();
                        e.peer = q.value(3).toString();
                        e.message = q.value(4).toString();
                        e.count = q.value(5).toInt();
                        out.append(std::move(e));
                    }
                    std::reverse(out.begin(), out.end());
                    deliver(std::move(out));
                }},
        true);
}

} // namespace ym
