#pragma once

#include "engine/Build.h"
#include "engine/BuildQueue.h"
#include "engine/DeadlineQueue.h"
#include "engine/LatentLifecycle.h"
#include "engine/Master.h"
#include "engine/RefusalLog.h"
#include "engine/WorkerSession.h"
#include "mail/MissingWatch.h"
#include "mail/SmtpSender.h"
#include "protocol/ConnectionHub.h"
#include "protocol/Listener.h"
#include "secrets/AsyncSecretStore.h"
#include "secrets/SecretResolver.h"
#include "storage/Store.h"

#include <QPointer>
#include <QSet>
#include <QTimer>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <unordered_map>

namespace ym {

// The engine's insides (engine thread only).
struct Master::Impl final : SessionHost, BuildHost, LatentHost
{
    static constexpr int MaxEvents = 2000;
    static constexpr int BatchMs = 100;
    static constexpr int ChurnQuietMs = 1000;
    // Backpressure: while the store holds more log text than this, worker
    // messages stay in the hub (which then stops reading from sockets).
    static constexpr qint64 MaxStoreBacklogBytes = 64LL * 1024 * 1024;
    static constexpr int StoreBacklogRetryMs = 5;
    static constexpr int ChurnBeforeTrim = 256;

    Impl(Master& master, QString path);
    ~Impl();

    // Loads the config and opens the database; `done` gets the errors (none:
    // listening) once the engine is ready. Runs on the engine thread.
    void start(std::function<void(const QStringList&)> done);
    QStringList startListening();
    // Re-reads the config, resolves its secrets (asynchronously with the
    // keychain), then applies it. `done` may run before this returns (the
    // directory store answers at once). A reload asked for while one resolves
    // runs after it.
    void reload(std::function<void(Result<ReloadReport>)> done);
    Result<ReloadReport> applyReload(const MasterConfig& next, QStringList warnings);
    // Resolves the passwords of `c`'s workers through `store`, then `next`.
    void resolveCredentials(AsyncSecretStore& store, const MasterConfig& c,
                            std::function<void(ResolvedSecrets)> next);
    void stopAll();
    QList<WorkerState> snapshots() const;

    // SessionHost
    void recordEvent(EngineEvent::Kind kind, const QString& worker, const QString& peer,
                     const QString& message) override;
    void keepEvent(const EngineEvent& event);
    void markDirty(const QString& worker) override;
    void abortLink(ConnId conn, const QString& reason) override;
    DeadlineQueue& deadlines() override { return *deadlineQueue; }
    void workerAttached(const QString& worker) override;
    void workerDetached(const QString& worker) override;
    QStringList builderDirs(const QString& worker) const override;

    // BuildHost (MasterBuilds.cpp)
    Store& buildStore() override { return *storage; }
    Link* attachedLink(const QString& worker) override;
    QString workerPath(const QString& worker, const QString& relative) override;
    QString artifactsDir() override;
    QString masterPath(const QString& path) override;
    void buildChanged(const Build& build) override;
    void buildEnded(qint64 buildId) override;

    // Builds (MasterBuilds.cpp)
    Result<qint64> forceBuild(const QString& builder, const QString& reason,
                              const QJsonObject& properties);
    Result<void> stopBuild(qint64 buildId, const QString& reason);
    Result<void> cancelRequest(qint64 requestId, const QString& reason);
    QList<BuildInfo> buildInfos() const; // queued requests, then running builds
    // At start-up: build numbers and the persisted queue; then `next`.
    void restoreBuilds(std::function<void()> next);
    void markInterruptedBuild(qint64 buildId, std::function<void()> done);
    void syncQueueWorkers();
    void scheduleAssign();
    void runAssign();
    BuildInfo queuedInfo(const QueuedRequest& request) const; // with waitingFor
    // Reload: builders changed from `old` to `config.builders`.
    void applyBuilders(const QList<BuilderConfig>& old);

    // Hub events
    void drain();
    void onAuthenticated(const HubEvent& e);
    void onMessage(const HubEvent& e);
    void onClosed(const HubEvent& e);
    void onWarning(const HubEvent& e);
    void startDuplicateCheck(WorkerSession& session, std::unique_ptr<Link> newcomer);
    void duplicateCheckDone(const QString& worker, ConnId oldConn, bool oldAnswered);
    void attachLink(WorkerSession& session, std::unique_ptr<Link> link);

    // LatentHost (MasterLatent.cpp)
    Store* ledger() override { return storage.get(); }
    DeadlineQueue& latentDeadlines() override { return *deadlineQueue; }
    void latentEvent(EngineEvent::Kind kind, const QString& worker,
                     const QString& message) override;
    void latentChanged(const QString& worker) override;
    void dropWorkerLink(const QString& worker, const QString& reason) override;
    int latentRunningBuilds(const QString& worker) const override { return queue.running(worker); }
    QString masterId() const override;
    void latentAttachFailed(const QString& worker, qint64 sinceMs, const QString& reason) override;

    // Latent workers (MasterLatent.cpp)
    LatentLifecycle* latent(const QString& name) const;
    // One lifecycle per latent worker of `config` (start-up and reload).
    void syncLatents();
    // After each assignment pass: start latent workers that waiting requests
    // need, say what each request waits for, arm build_wait_timeout.
    void planLatentStarts();
    // Start-up: the ledger's open rows, once the lifecycles exist.
    void reconcileLedger(const QList<storage::LatentInstanceRecord>& open);
    // A connection for a latent worker: false (refused, alerted) when no
    // instance of it is expected or it is attached already.
    bool admitLatent(WorkerSession& session, const Link& newcomer);
    void fillState(WorkerState& state) const; // running builds and the latent phase
    Result<void> startLatentNow(const QString& name);
    Result<void> stopLatentNow(const QString& name, bool force);
    void testLatentConnection(quint64 ticket, const WorkerConfig& config);
    std::unordered_map<QString, std::unique_ptr<LatentLifecycle>> latents;
    // Retired lifecycles (worker removed or no longer latent) until stopped.
    std::vector<std::unique_ptr<LatentLifecycle>> retiring;
    QHash<qint64, QString> waitingFor;               // queued request id -> what it waits for
    QList<storage::LatentInstanceRecord> openLedger; // read at start-up, reconciled when listening
    std::map<quint64, std::unique_ptr<latent::LatentDriver>> probes; // Test connection, by ticket
    // Graceful shutdown: running instances are stopped first (at most
    // LatentShutdownMs), then `done` (stopAll) runs.
    static constexpr int LatentShutdownMs = 25'000;
    void shutdownLatents(std::function<void()> done);
    void checkLatentShutdown();
    std::function<void()> latentShutdownDone;
    QTimer* latentShutdownTimer = nullptr;
    bool shuttingDown = false;

    // Mail: missing-worker notices and test messages (MasterMail.cpp)
    void startMail(const QList<storage::WorkerLossRecord>& pending);
    void stopMail();
    void sendTestMail(const QString& address, std::function<void(Result<QString>)> done);
    // Administration (MasterActions.cpp)
    WorkerSession* session(const QString& name);
    void setPaused(WorkerSession& session, bool paused, const QString& reason);
    void checkShutdowns();
    MasterInfo info() const;
    using ActionDone = std::function<void(Result<void>)>;
    // Both may finish before they return or later (an asynchronous secret store).
    void saveWorker(const WorkerEdit& edit, ActionDone done);
    void removeWorker(const QString& name, ActionDone done);
    // The only places MasterActions.cpp touches the secret store and reload:
    // callback-shaped so that an asynchronous store fits without other changes.
    void readSecretThen(const QString& name, std::function<void(Result<QByteArray>)> next);
    void writeSecretThen(const QString& name, const QByteArray& value, ActionDone next);
    void removeSecretThen(const QString& name, ActionDone next);
    void reloadThen(std::function<void(Result<ReloadReport>)> next);
    // Saves and removes run one at a time (each re-reads the config file, and
    // a secret store round trip may lie between reading and saving it).
    void runAction(std::function<void(ActionDone)> action, ActionDone done);
    void runNextAction();
    std::deque<std::function<void()>> actions;
    bool actionRunning = false;

    // Config
    QStringList applyCredentials(); // from `credentials`; returns warnings
    void emitBatch();

    Master& q;
    QString configPath;
    MasterConfig config;
    std::unique_ptr<AsyncSecretStore> secrets;
    SecretsBackend autoSecrets = SecretsBackend::Directory; // what master.secrets "auto" means
    ResolvedSecrets credentials; // the resolved passwords logins are checked against
    bool reloading = false;
    std::vector<std::function<void(Result<ReloadReport>)>> reloadWaiters;
    std::unique_ptr<Store> storage; // events now; builds, steps and logs next
    std::unique_ptr<ConnectionHub> hub;
    // Context of the storage callbacks that answer worker updates; goes
    // before the hub does, so no answer is sent through a dead hub.
    std::unique_ptr<QObject> ackContext;
    QPointer<Listener> listener;
    DeadlineQueue* deadlineQueue = nullptr;
    QTimer* batchTimer = nullptr;
    QTimer* housekeeping = nullptr;
    QTimer* trimTimer = nullptr;
    QTimer* drainRetry = nullptr; // drain() again once the store caught up // after a burst of link
                                  // churn: give free heap back
    int churn = 0;
    std::unique_ptr<RefusalLog> refusals;
    bool running = false;
    bool starting = false;
    std::unique_ptr<SmtpSender> smtp;      // mail thread; before `missing` (outlives it)
    std::unique_ptr<MissingWatch> missing; // while running

    std::unordered_map<QString, std::unique_ptr<WorkerSession>> sessions;
    std::unordered_map<ConnId, QString> linkOwner; // current links of sessions
    struct Duplicate
    {
        QString worker;
        std::unique_ptr<Link> link;
    };
    std::unordered_map<ConnId, Duplicate> duplicates; // newcomers waiting on a check
    std::unordered_map<QString, ConnId> duplicateOf;  // worker -> newcomer under check

    BuildQueue queue; // also the one count of running builds per worker
    std::map<qint64, std::unique_ptr<Build>> builds; // running, by build id
    QHash<QString, int> buildNumbers;                // last number per builder
    bool assignPending = false;

    // Graceful shutdowns: waiting for builds to end (value 0), or sent on the
    // link with that id (waiting for it to close).
    QHash<QString, quint64> shutdowns;
    QTimer* shutdownTimer = nullptr;

    QSet<QString> dirty;
    QList<EngineEvent> events;
    int warningsLogged = 0;
    int warningsSuppressed = 0;
};

} // namespace ym
