#pragma once

#include "config/MasterConfig.h"
#include "engine/DeadlineQueue.h"
#include "engine/EngineEvent.h"
#include "engine/WorkerState.h"
#include "latent/LatentDriver.h"
#include "storage/StorageRecords.h"
#include "util/Result.h"

#include <QPointer>

#include <memory>
#include <optional>

namespace ym {

class Store;

// What a latent worker's lifecycle needs from the master around it.
class LatentHost
{
public:
    virtual Store* ledger() = 0; // null while the master stops
    virtual DeadlineQueue& latentDeadlines() = 0;
    virtual void latentEvent(EngineEvent::Kind kind, const QString& worker,
                             const QString& message) = 0;
    virtual void latentChanged(const QString& worker) = 0; // phase changed (snapshot, queue)
    // Closes the worker's link (if any) before its instance goes away.
    virtual void dropWorkerLink(const QString& worker, const QString& reason) = 0;
    virtual int latentRunningBuilds(const QString& worker) const = 0;
    virtual QString masterId() const = 0;
    // The instance ran since `sinceMs` but its worker never attached in time
    // (first failure of a streak): tell notify_on_missing.
    virtual void latentAttachFailed(const QString& worker, qint64 sinceMs,
                                    const QString& reason) = 0;

protected:
    ~LatentHost() = default;
};

// One latent worker's instance: stopped -> starting -> waiting for attach ->
// attached -> stopping -> stopped, plus the failure phases. The same for
// every driver; the driver only starts, stops and describes. Every provider
// call is written to the ledger before it is made and after it answers.
// Engine thread.
class LatentLifecycle final
{
public:
    static constexpr qint64 FirstRetryMs = 30'000; // back-off after a failure, doubled
    static constexpr qint64 MaxRetryMs = 30 * 60'000;
    static constexpr int MaxBackoffSteps = 16;

    LatentLifecycle(WorkerConfig config, LatentHost& host);
    ~LatentLifecycle();
    LatentLifecycle(const LatentLifecycle&) = delete;
    LatentLifecycle& operator=(const LatentLifecycle&) = delete;

    const QString& name() const { return m_config.name; }
    const WorkerConfig& config() const { return m_config; }
    // A changed config; a new driver takes over once no instance runs.
    void updateConfig(const WorkerConfig& config);
    LatentState state() const;
    LatentState::Phase phase() const { return m_state.phase; }

    // May an automatic (on-demand) start happen now?
    bool canAutoStart() const;
    // Is an instance on its way (starting or waiting for its worker)?
    bool isComing() const;
    // Does an instance run or is one on its way or stopping (starting,
    // waiting for attach, attached, stopping)?
    bool isBusy() const;
    // May a connection claiming this worker attach now? (The instance
    // started and its worker has not attached yet.)
    bool acceptsAttach() const;
    // Starts an instance. `manual` ignores the back-off.
    Result<void> start(const QString& reason, bool manual);
    // Stops the instance (the engine checks running builds first).
    Result<void> stop(const QString& reason);
    void setWaitingRequests(const QString& text);

    // Engine notifications
    // False (the link is dropped) when no instance expects its worker now.
    bool workerAttached();
    void workerDetached(const QString& reason);
    void buildStarted();
    // No build runs on the attached worker: arm build_wait_timeout.
    void idle();

    // Start-up: an instance the ledger says may run. Adopted (waiting for
    // its worker within missing_timeout) when the provider confirms it,
    // else closed.
    void reconcile(const storage::LatentInstanceRecord& record);

private:
    void setPhase(LatentState::Phase phase);
    void failed(LatentState::Phase phase, const QString& why);
    void armAttachDeadline(qint64 delayMs);
    void attachDeadline();
    void cancelTimer(DeadlineQueue::Id& id);
    void runStop(const QString& reason, std::optional<LatentState::Phase> failure,
                 const QString& ledgerState);
    void stopDone(Result<void> r, const QString& reason, const QString& ledgerState);
    void startDone(Result<latent::InstanceInfo> r, quint64 attempt);
    void onInstanceChanged(const latent::InstanceInfo& info);
    void reconciled(Result<latent::InstanceInfo> r);
    void closeExtra(storage::LatentInstanceRecord record);
    void writeLedger();
    void ensureDriver();
    latent::InstanceRef currentRef() const;
    qint64 backoffMs() const;

    WorkerConfig m_config;
    std::optional<WorkerConfig> m_nextConfig; // applies once stopped
    LatentHost& m_host;
    std::unique_ptr<latent::LatentDriver> m_driver;
    LatentState m_state;
    storage::LatentInstanceRecord m_record; // the current instance's ledger row
    DeadlineQueue::Id m_attachTimer = 0;
    DeadlineQueue::Id m_idleTimer = 0;
    DeadlineQueue::Id m_retryTimer = 0;
    quint64 m_attempt = 0;         // identifies the current start (late answers are ignored)
    bool m_stopAfterStart = false; // stop asked while the start call runs
    bool m_deadlinePassed = false; // missing_timeout ran out while the start call ran
    QString m_stopAfterStartReason;
    std::optional<LatentState::Phase> m_stopFailure; // a failure that led to the stop
    QString m_lastStopReason;                        // retried after a failed stop
    QString m_startReason;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace ym
