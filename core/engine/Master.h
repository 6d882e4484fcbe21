#pragma once

#include "config/MasterConfig.h"
#include "engine/BuildInfo.h"
#include "engine/BuilderInfo.h"
#include "engine/EngineEvent.h"
#include "engine/MasterInfo.h"
#include "engine/WorkerState.h"
#include "storage/StorageRecords.h"
#include "util/Result.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace ym {

class Store;

// The engine's one face. Lives on its own thread (moveToThread before start);
// everything it owns (listeners, links, timers) lives there too. Other threads
// call its slots with queued invocations and learn the outcome from signals
// carrying value snapshots. Code on the engine thread itself (the control
// server) may call the plain methods directly.
class Master final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Master)

public:
    struct ReloadReport
    {
        QStringList added;
        QStringList removed;
        QStringList changed;
        QStringList warnings;
    };

    explicit Master(QString configPath, QObject* parent = nullptr);
    ~Master() override;

    // --- engine thread only ---
    QList<WorkerState> workers() const;
    QList<EngineEvent> recentEvents() const; // newest last, bounded
    const MasterConfig& config() const;
    QString configPath() const;
    quint16 msgpackPort() const; // the bound port once started (useful with port 0)
    bool isRunning() const;
    // Re-reads the config file and applies the difference: added workers
    // appear, removed ones are disconnected, changed ones are updated, and
    // unchanged connected workers keep their link. A config that fails
    // validation is refused with all its errors; the running config stays.
    // With the directory store the outcome is known at once; with the OS
    // keychain (asynchronous) reloadNow() answers an error saying the reload
    // goes on: use reloadAsync() there.
    Result<ReloadReport> reloadNow();
    // The same, answering through `done` once the config's secrets are
    // resolved (possibly before this returns). The new config applies at once,
    // after the secrets: a login never sees half of it.
    void reloadAsync(std::function<void(Result<ReloadReport>)> done);
    // What master.secrets "auto" means for this face (before start()):
    // Keychain for the desktop console; Directory (the default) headless.
    void setAutoSecretsBackend(SecretsBackend backend);
    // The secret store in use: "keychain" or "directory" (empty before start).
    QString secretsBackend() const;
    // Queues a build of `builder` (persisted, FIFO per builder); returns the
    // request id, or an error naming an unknown builder.
    Result<qint64> forceBuild(const QString& builder, const QString& reason,
                              const QJsonObject& properties = {});
    // Interrupts a running build; it ends `cancelled` with `reason` in its log.
    Result<void> stopBuild(qint64 buildId, const QString& reason);
    // Takes a request that is still queued out of the queue: it ends
    // `cancelled` with `reason`. A request already running is refused (stop
    // its build instead).
    Result<void> cancelRequest(qint64 requestId, const QString& reason);
    // Queued requests (queue order) and running builds.
    QList<BuildInfo> builds() const;
    // The database (for reads by the control server); null when not running.
    Store* store() const;
    // Sends a test message to `address` with the current mail settings;
    // `done` (on the engine thread) gets the SMTP server's answer or the error.
    void sendTestMail(const QString& address, std::function<void(Result<QString>)> done);

    // Latent workers (MasterLatent.cpp). Starts the instance of a stopped (or
    // failed) latent worker now, ignoring the back-off; it stops again after
    // build_wait_timeout idle. An error names an unknown or standard worker,
    // or one whose instance is not stopped.
    Result<void> startLatentNow(const QString& name);
    // Stops its instance. Refused while builds run unless `force` (they end
    // `retry` and run again elsewhere or after the next start).
    Result<void> stopLatentNow(const QString& name, bool force);

    // --- any thread (MasterViews.cpp): reads for the GUI. `done` runs on
    // `context`'s thread (never when `context` is destroyed first); neither the
    // caller nor the engine thread waits. A read while the master is not
    // running answers with an error (readBuilders: an empty list). ---
    void readBuilders(QObject* context, std::function<void(QList<BuilderInfo>)> done);
    // The newest `limit` stored builds (oldest first; running ones as the
    // engine sees them now), then the queued requests in queue order.
    void readBuilds(int limit, QObject* context,
                    std::function<void(Result<QList<BuildInfo>>)> done);
    void readSteps(qint64 buildId, QObject* context,
                   std::function<void(Result<QList<storage::StepRecord>>)> done);
    // Log chunks of a step with id > afterChunkId, in order, at most `limit`.
    void readLog(qint64 stepId, qint64 afterChunkId, int limit, QObject* context,
                 std::function<void(Result<QList<storage::LogChunkRecord>>)> done);
    // The instance ledger: the newest `limit` rows (of `worker`, or all when
    // empty), newest last.
    void readLedger(const QString& worker, int limit, QObject* context,
                    std::function<void(Result<QList<storage::LatentInstanceRecord>>)> done);

public Q_SLOTS:
    // Loads the config, resolves secrets, starts the I/O threads and listens.
    // Emits started().
    void start();
    // reloadNow(), reported through reloaded().
    void reload();
    // Stops listening, closes every link, joins the I/O threads. Emits stopped().
    void shutdown();
    // forceBuild() for other threads (the GUI): the outcome comes as
    // buildChanged (queued) or buildRequestFailed.
    void requestBuild(const QString& builder, const QString& reason, const QJsonObject& properties);
    void requestStop(qint64 buildId, const QString& reason);
    // cancelRequest() for other threads: the outcome comes as buildChanged
    // (finished, cancelled) or buildRequestFailed.
    void requestCancel(qint64 requestId, const QString& reason);

    // Administration (MasterActions.cpp). Failures come as workerActionFailed;
    // the new state comes with workersChanged.
    // Paused workers keep their running builds and get no new ones. Runtime
    // only (like Buildbot's pause): survives reloads, not a restart.
    void pauseWorker(const QString& name, const QString& reason);
    void unpauseWorker(const QString& name);
    // Pauses the worker, waits for its running builds, then sends the
    // protocol's `shutdown`: the worker process exits.
    void shutdownWorker(const QString& name);
    // Closes the link; the worker reconnects by itself after a second or two.
    void disconnectWorker(const QString& name, const QString& reason);
    // Adds or replaces a worker in the config file: the password (if given)
    // is written to the secret store first, then the config is saved
    // atomically and reloaded; on any failure nothing stays changed.
    // Answered by workerSaved(edit.ticket, error) (error empty: done), later
    // (the secret store is asynchronous); saves and removals run in turn.
    void saveWorker(const ym::WorkerEdit& edit);
    // Removes a worker from the config file (and its secret, when only it used
    // it), then reloads. Answered by workerSaved(ticket, error).
    void removeWorker(quint64 ticket, const QString& name);
    // startLatentNow()/stopLatentNow() for other threads; a refusal comes as
    // workerActionFailed, the progress with workersChanged.
    void startLatentWorker(const QString& name);
    void stopLatentWorker(const QString& name, bool force);
    // Connects with the latent settings of `config` (not necessarily saved)
    // and answers latentConnectionTested(ticket, summary, error).
    void testLatentConnection(quint64 ticket, const ym::WorkerConfig& config);
    // infoChanged() with the running config and the listening port.
    void requestInfo();
    // workersChanged() with every worker (when there are any).
    void requestWorkers();
    // eventHistory() with the kept event log (newest last).
    void requestEventHistory();
    // workerPassword() with the worker's password as the master resolves it
    // (read through the asynchronous secret store: answered later).
    void requestWorkerPassword(const QString& name);

Q_SIGNALS:
    void started(bool ok, const QStringList& errors);
    void reloaded(bool ok, const QStringList& messages);
    // Batched: the workers whose state changed since the last emission.
    void workersChanged(const QList<ym::WorkerState>& changed);
    void workerRemoved(const QString& name);
    void eventLogged(const ym::EngineEvent& event);
    // A build was queued, started, changed step or finished.
    void buildChanged(const ym::BuildInfo& build);
    void buildRequestFailed(const QString& error);
    // The configured builders, after start() and after every reload.
    void buildersChanged(const QList<ym::BuilderInfo>& builders);
    void stopped();
    void infoChanged(const ym::MasterInfo& info);
    void eventHistory(const QList<ym::EngineEvent>& events);
    void workerActionFailed(const QString& worker, const QString& error);
    void workerSaved(quint64 ticket, const QString& error);
    void workerPassword(const QString& name, const QByteArray& password, const QString& error);
    void latentConnectionTested(quint64 ticket, const QString& summary, const QString& error);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
    friend struct Impl;
};

} // namespace ym
