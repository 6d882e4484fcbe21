#include "storage/StoreBackend.h"

#include "storage/StorageLogging.h"

#include <QMutexLocker>

#include <vector>

namespace ym::storage {

Database& WriteContext::db()
{
    return *m_backend.database();
}

QSqlQuery& WriteContext::prepared(const QString& sql)
{
    return m_backend.prepared(sql);
}

Result<void> WriteContext::exec(QSqlQuery& q, const QString& purpose)
{
    Result<void> r = db().exec(q, purpose);
    q.finish();
    return r;
}

StoreBackend::StoreBackend(std::shared_ptr<StoreQueue> queue)
    : m_queue(std::move(queue)), m_timer(this)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(FlushDelayMs);
    connect(&m_timer, &QTimer::timeout, this, &StoreBackend::drain);
}

StoreBackend::~StoreBackend()
{
    closeDatabase();
}

Result<void> StoreBackend::openDatabase(const QString& path)
{
    closeDatabase();
    auto db = std::make_unique<Database>();
    if (Result<void> r = db->open(path); !r)
        return r;
    m_db = std::move(db);
    qCInfo(lcStorage).noquote() << QStringLiteral("database '%1' open (schema %2)")
                                       .arg(m_db->path())
                                       .arg(m_db->schemaVersion());
    return {};
}

void StoreBackend::closeDatabase()
{
    qDeleteAll(m_prepared);
    m_prepared.clear();
    if (m_db)
        qCInfo(lcStorage).noquote() << QStringLiteral("database '%1' closed").arg(m_db->path());
    m_db.reset();
}

QSqlQuery& StoreBackend::prepared(const QString& sql)
{
    auto it = m_prepared.find(sql);
    if (it == m_prepared.end()) {
        auto* q = new QSqlQuery(m_db->db());
        if (!q->prepare(sql))
            qCWarning(lcStorage) << "cannot prepare" << sql << q->lastError().text();
        it = m_prepared.insert(sql, q);
    }
    return **it;
}

void StoreBackend::schedule(bool urgent)
{
    if (urgent)
        drain();
    else if (!m_timer.isActive())
        m_timer.start();
}

void StoreBackend::drain()
{
    m_timer.stop();
    for (;;) {
        std::vector<StoreOp> batch;
        {
            QMutexLocker lock(&m_queue->mutex);
            if (m_queue->ops.empty()) {
                m_queue->scheduled = false;
                return;
            }
            const size_t n = std::min<size_t>(m_queue->ops.size(), MaxBatch);
            batch.reserve(n);
            for (size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(m_queue->ops.front()));
                m_queue->ops.pop_front();
            }
        }
        std::vector<StoreOp*> writes;
        for (StoreOp& op : batch) {
            if (op.write) {
                writes.push_back(&op);
                continue;
            }
            runWrites(writes); // everything queued before it is committed first
            writes.clear();
            if (op.other)
                op.other(m_db ? m_db.get() : nullptr);
        }
        runWrites(writes);
    }
}

namespace {

struct Outcome
{
    enum Status
    {
        Ok,
        Busy,
        Failed
    } status = Ok;
    QString message;
};

} // namespace

Result<void> StoreBackend::applyTransaction(const std::vector<StoreOp*>& writes)
{
    const QString purpose = QStringLiteral("write %1 queued change(s)").arg(writes.size());
    if (Result<void> r = m_db->beginWrite(purpose); !r)
        return r;
    WriteContext ctx(*this);
    for (StoreOp* op : writes) {
        Result<void> r = op->write(ctx);
        if (!r) {
            m_db->rollback();
            return r;
        }
    }
    if (Result<void> r = m_db->commit(purpose); !r) {
        m_db->rollback();
        return r;
    }
    return {};
}

void StoreBackend::runWrites(std::vector<StoreOp*>& writes)
{
    if (writes.empty())
        return;
    if (!m_db) {
        m_droppedWhileClosed += qint64(writes.size());
        fail(QStringLiteral("storage: no database is open; %1 change(s) dropped (%2 so far)")
                 .arg(writes.size())
                 .arg(m_droppedWhileClosed));
        settle(writes, std::vector<bool>(writes.size(), true));
        return;
    }
    auto attempt = [this](const std::vector<StoreOp*>& ops) {
        Outcome o;
        for (int tries = 0;; ++tries) {
            Result<void> r = applyTransaction(ops);
            if (r)
                return Outcome{};
            const bool busy = Database::isBusy(m_db->lastSqlError());
            o = Outcome{busy ? Outcome::Busy : Outcome::Failed, r.error().message};
            if (!busy || tries >= BusyRetries)
                return o;
            qCWarning(lcStorage).noquote() << o.message << QStringLiteral("(retrying)");
        }
    };
    const Outcome all = attempt(writes);
    if (all.status == Outcome::Ok) {
        settle(writes, std::vector<bool>(writes.size(), false));
        return;
    }
    if (all.status == Outcome::Busy || writes.size() == 1) {
        fail(QStringLiteral("%1; %2 change(s) dropped").arg(all.message).arg(writes.size()));
        settle(writes, std::vector<bool>(writes.size(), true));
        return;
    }
    // One bad change must not cost the others: apply them one at a time.
    std::vector<bool> failed(writes.size(), false);
    for (size_t i = 0; i < writes.size(); ++i) {
        const Outcome one = attempt({writes[i]});
        if (one.status != Outcome::Ok) {
            failed[i] = true;
            fail(QStringLiteral("%1; the change was dropped").arg(one.message));
        }
    }
    settle(writes, failed);
}

void StoreBackend::settle(const std::vector<StoreOp*>& writes, const std::vector<bool>& failed)
{
    for (size_t i = 0; i < writes.size(); ++i) {
        if (writes[i]->committed) {
            writes[i]->committed(!m_droppedSinceMarker && !failed[i]);
            m_droppedSinceMarker = false;
        } else if (failed[i]) {
            m_droppedSinceMarker = true;
        }
    }
}

void StoreBackend::fail(const QString& message)
{
    qCWarning(lcStorage).noquote() << message;
    Q_EMIT writeFailed(message);
}

} // namespace ym::storage
