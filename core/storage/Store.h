#pragma once

#include "engine/EngineEvent.h"
#include "storage/StorageRecords.h"
#include "util/Result.h"

#include <QList>
#include <QObject>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

namespace ym::storage {
class StoreBackend;
struct StoreQueue;
struct StoreOp;
} // namespace ym::storage

namespace ym {

// The engine's asynchronous storage face. It owns a storage thread on which
// the SQLite connection lives; every method here only queues work and
// returns at once (thread-safe), so the engine thread never waits on the
// database. Writes are applied in batches, one transaction per batch (at
// most ~25 ms after the first queued change, or at once when 1,000 are
// queued). Operations run in the order they were queued, so a read sees
// every write queued before it.
//
// Callbacks run on the thread of their `context` object, as queued calls,
// and are dropped when the context is destroyed first. A write that fails
// is logged (ym.storage) and reported by writeFailed(); it never throws or
// crashes the caller.
class Store final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Store)

public:
    explicit Store(QObject* parent = nullptr); // starts the storage thread
    ~Store() override;                         // close()

    // Opens (creates, migrates) the database on the storage thread. The id
    // allocators of the build methods below are ready when `done` runs.
    void open(const QString& path, QObject* context, std::function<void(Result<void>)> done);
    // Applies everything queued, closes the database and joins the thread.
    // Blocks (for shutdown). Later calls are dropped.
    void close();

    // `done` runs once everything queued before it is committed (or failed).
    void sync(QObject* context, std::function<void(Result<void>)> done);
    // Like sync(), but joins the current batch instead of ending it early:
    // `done` runs once the writes queued before it are committed, with an
    // error when one of them was dropped (then nothing before it can be
    // promised). Cheap enough to call for every message whose answer must
    // wait until what it carried is on disk.
    void whenCommitted(QObject* context, std::function<void(Result<void>)> done);
    // Bytes of log text queued and not yet applied (any thread). The engine
    // stops reading from workers while this is high (see Master::Impl::drain).
    qint64 backlogBytes() const;

    // --- event log ---
    void appendEvent(const EngineEvent& event);
    // The newest `limit` events, newest last.
    void queryEvents(int limit, QObject* context,
                     std::function<void(Result<QList<EngineEvent>>)> done);

    // --- builds (ids are allocated here, at once; call after open() is done) ---
    // Queues a request at the back of its builder's queue; returns its id.
    qint64 addBuildRequest(const storage::BuildRequestRecord& request);
    // Requests still 'queued' or 'claimed' (after a restart), each builder's
    // in queue order (claimed ones first).
    void pendingRequests(QObject* context,
                         std::function<void(Result<QList<storage::BuildRequestRecord>>)> done);
    // Records a started build (id allocated here) and marks its request
    // claimed by it. `number` must be unique per builder (see lastBuildNumbers).
    qint64 startBuild(const storage::BuildRecord& build);
    void finishBuild(qint64 buildId, qint64 finishedMs, const QString& result);
    // Puts a claimed request back at the front of its builder's queue.
    void requeueRequest(qint64 requestId, int retries);
    void finishRequest(qint64 requestId, qint64 finishedMs, const QString& result);
    qint64 startStep(const storage::StepRecord& step);
    void finishStep(qint64 stepId, qint64 finishedMs, const QString& result,
                    const QString& summary);
    void appendLog(const storage::LogChunkRecord& chunk);
    // Highest build number per builder.
    void lastBuildNumbers(QObject* context, std::function<void(Result<QHash<QString, int>>)> done);
    // Newest `limit` builds (of `builder`, or all when empty), newest last.
    void queryBuilds(const QString& builder, int limit, QObject* context,
                     std::function<void(Result<QList<storage::BuildRecord>>)> done);
    void querySteps(qint64 buildId, QObject* context,
                    std::function<void(Result<QList<storage::StepRecord>>)> done);
    // Chunks of a step's logs with id > afterChunkId, in order (for --follow).
    void queryLog(qint64 stepId, qint64 afterChunkId, int limit, QObject* context,
                  std::function<void(Result<QList<storage::LogChunkRecord>>)> done);

    // --- worker losses (missing-worker notices; StoreLosses.cpp) ---
    void addWorkerLoss(const storage::WorkerLossRecord& loss);
    // Writes state, attempts, last_error and finished_ms of the loss
    // (worker, lostMs).
    void updateWorkerLoss(const storage::WorkerLossRecord& loss);
    // Losses still 'pending', oldest first.
    void pendingWorkerLosses(QObject* context,
                             std::function<void(Result<QList<storage::WorkerLossRecord>>)> done);

    // --- latent instance ledger (StoreLedger.cpp) ---
    // Records an instance about to be started; returns its id (allocated
    // here, at once; call after open() is done).
    qint64 addLatentInstance(const storage::LatentInstanceRecord& record);
    // Rewrites every column of the row `record.id`.
    void updateLatentInstance(const storage::LatentInstanceRecord& record);
    // Rows still open (starting, running, stopping, stop_failed), oldest first.
    void
    openLatentInstances(QObject* context,
                        std::function<void(Result<QList<storage::LatentInstanceRecord>>)> done);
    // The newest `limit` rows (of `worker`, or all when empty), newest last.
    void
    queryLatentInstances(const QString& worker, int limit, QObject* context,
                         std::function<void(Result<QList<storage::LatentInstanceRecord>>)> done);

Q_SIGNALS:
    void writeFailed(const QString& message);

private:
    void enqueue(storage::StoreOp op, bool urgent);
    void loadIdCounters();

    std::shared_ptr<storage::StoreQueue> m_queue;
    storage::StoreBackend* m_backend = nullptr;
    QThread m_thread;
    std::atomic<bool> m_closed{false};
    std::atomic<qint64> m_nextRequestId{1};
    std::atomic<qint64> m_nextBuildId{1};
    std::atomic<qint64> m_nextStepId{1};
    std::atomic<qint64> m_nextInstanceId{1};
};

} // namespace ym
