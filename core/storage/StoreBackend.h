#pragma once

#include "storage/Database.h"
#include "util/Result.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSqlQuery>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

// Internal to Store: the half that lives on the storage thread.

namespace ym::storage {

class StoreBackend;

// What a write operation sees: the open database inside the batch's
// transaction, and prepared statements kept for the connection's lifetime.
class WriteContext
{
public:
    explicit WriteContext(StoreBackend& backend) : m_backend(backend) {}
    Database& db();
    QSqlQuery& prepared(const QString& sql); // prepared once, reused
    Result<void> exec(QSqlQuery& q, const QString& purpose);

private:
    StoreBackend& m_backend;
};

struct StoreOp
{
    // A write joins the current batch transaction. It may run a second time
    // (alone) when its batch failed, so it must not depend on side effects.
    std::function<Result<void>(WriteContext&)> write;
    // Anything else (open, reads, barriers) runs after the writes before it
    // are committed. The Database is nullptr when none is open.
    std::function<void(Database*)> other;
    // Set on a commit marker (its write does nothing): called on the storage
    // thread once the writes queued before it are settled, with false when
    // any write since the previous marker was dropped.
    std::function<void(bool durable)> committed = {};
};

// The queue shared by the engine-side face (producer) and the backend.
struct StoreQueue
{
    QMutex mutex;
    std::deque<StoreOp> ops;
    bool scheduled = false; // a drain is pending (timer or queued call)
};

// Carries one callback to its context's thread: a queued connection to the
// context, so Qt drops it when the context is destroyed first.
class CallbackRelay final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallbackRelay)

public:
    CallbackRelay() = default;
    ~CallbackRelay() override = default;

Q_SIGNALS:
    void fire();
};

// Wraps `done` so that calling the result (on any thread) runs `done` on the
// context's thread. Create it on the caller's thread, while `context` lives.
template <typename T>
std::function<void(T)> deliverTo(QObject* context, std::function<void(T)> done)
{
    if (!context || !done)
        return [done](T value) {
            if (done)
                done(std::move(value));
        };
    std::shared_ptr<CallbackRelay> relay(new CallbackRelay,
                                         [](CallbackRelay* r) { r->deleteLater(); });
    relay->moveToThread(context->thread());
    auto slot = std::make_shared<std::optional<T>>();
    QObject::connect(
        relay.get(), &CallbackRelay::fire, context,
        [slot, done] {
            if (*slot)
                done(std::move(**slot));
        },
        Qt::QueuedConnection);
    return [relay, slot](T value) {
        *slot = std::move(value);
        Q_EMIT relay->fire();
    };
}

class StoreBackend final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreBackend)

public:
    static constexpr int MaxBatch = 1000;
    static constexpr int FlushDelayMs = 25;
    static constexpr int BusyRetries = 12;

    explicit StoreBackend(std::shared_ptr<StoreQueue> queue);
    ~StoreBackend() override;

    // --- storage thread ---
    Database* database() { return m_db.get(); }
    Result<void> openDatabase(const QString& path);
    void closeDatabase();
    QSqlQuery& prepared(const QString& sql);

public Q_SLOTS:
    void schedule(bool urgent); // after the first op of a batch was queued
    void drain();               // applies everything queued

Q_SIGNALS:
    void writeFailed(const QString& message);

private:
    void runWrites(std::vector<StoreOp*>& writes);
    // One transaction; rolled back at the first failing write.
    Result<void> applyTransaction(const std::vector<StoreOp*>& writes);
    void fail(const QString& message);
    // Tells the markers among `writes` (in order) whether what came before
    // them is durable; `failed` says which writes were dropped.
    void settle(const std::vector<StoreOp*>& writes, const std::vector<bool>& failed);

    std::shared_ptr<StoreQueue> m_queue;
    std::unique_ptr<Database> m_db;
    QHash<QString, QSqlQuery*> m_prepared;
    QTimer m_timer;
    qint64 m_droppedWhileClosed = 0;
    bool m_droppedSinceMarker = false; // a write was dropped; no marker was told yet
};

} // namespace ym::storage
