#include "engine/MasterImpl.h"

#include "config/ConfigLoader.h"
#include "util/Logging.h"
#include "util/MemoryTrim.h"

#include <QHostAddress>
#include <QMetaMethod>
#include <QThread>

#include <algorithm>

namespace ym {

namespace {
HubOptions hubOptions(const MasterSettings& m)
{
    HubOptions o;
    o.ioThreads = m.ioThreads > 0 ? m.ioThreads : std::clamp(QThread::idealThreadCount(), 1, 4);
    o.pingIntervalMs = m.pingInterval * 1000;
    o.pingTimeoutMs = m.pingTimeout * 1000;
    return o;
}
} // namespace

Master::Impl::Impl(Master& master, QString path) : q(master), configPath(std::move(path))
{}

Master::Impl::~Impl()
{
    stopAll();
}

void Master::Impl::start(std::function<void(const QStringList&)> done)
{
    if (running || starting) {
        done({QStringLiteral("the master is already running")});
        return;
    }
    ConfigLoadResult loaded = loadConfigFile(configPath);
    if (!loaded.ok()) {
        done(loaded.errors);
        return;
    }
    for (const QString& w : loaded.warnings)
        qCWarning(lcConfig).noquote() << w;
    config = *loaded.config;
    secrets = makeSecretStore(config, autoSecrets);
    qCInfo(lcSecrets).noquote() << QStringLiteral("secret store: %1").arg(secrets->backendName());

    // The database first: nothing listens before the engine can record.
    starting = true;
    storage = std::make_unique<Store>();
    QObject::connect(storage.get(), &Store::writeFailed, &q, [](const QString& why) {
        qCWarning(lcEngine).noquote() << QStringLiteral("database write failed: %1").arg(why);
    });
    const QString dbPath = config.effectiveDatabasePath();
    storage->open(dbPath, &q, [this, done, dbPath](Result<void> opened) {
        starting = false;
        if (!opened.ok()) {
            storage.reset();
            done({QStringLiteral("cannot open the database %1 (master.database): %2")
                      .arg(dbPath, opened.error().message)});
            return;
        }
        qCInfo(lcEngine).noquote() << QStringLiteral("database: %1").arg(dbPath);
        // The event log goes on where the last run left it.
        storage->queryEvents(MaxEvents, &q, [this, done](Result<QList<EngineEvent>> past) {
            if (past.ok())
                events = past.value() + events;
            else
                qCWarning(lcEngine).noquote()
                    << QStringLiteral("cannot read the event log: %1").arg(past.error().message);
            // Every worker's password before the first login can arrive.
            restoreBuilds([this, done] {
                resolveCredentials(*secrets, config, [this, done](ResolvedSecrets resolved) {
                    credentials = std::move(resolved);
                    storage->pendingWorkerLosses(
                        &q, [this, done](Result<QList<storage::WorkerLossRecord>> losses) {
                            if (!losses.ok())
                                qCWarning(lcEngine).noquote()
                                    << QStringLiteral("cannot read the pending worker losses: %1")
                                           .arg(losses.error().message);
                            const QList<storage::WorkerLossRecord> pendingLosses =
                                losses.ok() ? losses.value() : QList<storage::WorkerLossRecord>();
                            // The ledger's open instances, reconciled once listening.
                            storage->openLatentInstances(
                                &q, [this, done, pendingLosses](
                                        Result<QList<storage::LatentInstanceRecord>> open) {
                                    if (open.ok())
                                        openLedger = open.value();
                                    else
                                        qCWarning(lcEngine).noquote()
                                            << QStringLiteral("cannot read the instance ledger: %1")
                                                   .arg(open.error().message);
                                    const QStringList errors = startListening();
                                    if (errors.isEmpty())
                                        startMail(pendingLosses);
                                    done(errors);
                                });
                        });
                });
            });
        });
    });
}

QStringList Master::Impl::startListening()
{

    deadlineQueue = new DeadlineQueue(&q);
    drainRetry = new QTimer(&q);
    drainRetry->setSingleShot(true);
    drainRetry->setInterval(StoreBacklogRetryMs);
    QObject::connect(drainRetry, &QTimer::timeout, &q, [this] { drain(); });
    batchTimer = new QTimer(&q);
    batchTimer->setSingleShot(true);
    batchTimer->setInterval(BatchMs);
    QObject::connect(batchTimer, &QTimer::timeout, &q, [this] { emitBatch(); });
    refusals = std::make_unique<RefusalLog>([this](const RefusalLog::Report& r) {
        const QString who = r.worker.isEmpty() ? QStringLiteral("(no name)")
                                               : QStringLiteral("worker '%1'").arg(r.worker);
        const QString text =
            r.count == 1
                ? QStringLiteral("login refused for %1 from %2: %3").arg(who, r.peer, r.reason)
                : QStringLiteral("login refused %1 more times for %2 from %3 in the last %4 s: %5")
                      .arg(r.count)
                      .arg(who, r.peer)
                      .arg(r.windowSeconds)
                      .arg(r.reason);
        qCWarning(lcAuth).noquote() << text;
        keepEvent(EngineEvent{QDateTime::currentDateTimeUtc(), EngineEvent::Kind::Refused, r.worker,
                              r.peer, r.reason, r.count});
    });
    housekeeping = new QTimer(&q);
    housekeeping->setInterval(5000);
    QObject::connect(housekeeping, &QTimer::timeout, &q, [this] {
        refusals->flush(deadlineQueue->now());
        if (warningsSuppressed > 0)
            qCWarning(lcProtocol) << warningsSuppressed << "more protocol warnings suppressed";
        warningsLogged = warningsSuppressed = 0;
    });
    housekeeping->start();
    trimTimer = new QTimer(&q);
    trimTimer->setSingleShot(true);
    trimTimer->setInterval(ChurnQuietMs);
    QObject::connect(trimTimer, &QTimer::timeout, &q, [this] {
        if (churn >= ChurnBeforeTrim) {
            releaseFreeMemory();
            qCDebug(lcEngine) << "returned free heap to the system after" << churn
                              << "attaches and detaches";
        }
        churn = 0;
    });

    hub = std::make_unique<ConnectionHub>(hubOptions(config.master));
    ackContext = std::make_unique<QObject>();
    for (const WorkerConfig& w : config.workers)
        sessions.emplace(w.name, std::make_unique<WorkerSession>(w, *this));
    syncQueueWorkers();
    syncLatents();
    for (const QString& w : applyCredentials())
        qCWarning(lcSecrets).noquote() << w;
    hub->setWakeup([this] {
        QMetaObject::invokeMethod(
            &q, [this] { drain(); }, Qt::QueuedConnection);
    });
    hub->start();
    running = true;
    // Before any login is handled: instances the ledger says may run.
    reconcileLedger(std::exchange(openLedger, {}));

    if (config.master.msgpack.enabled) {
        listener = new Listener(*hub, &q);
        const QString bind = config.master.msgpack.bind;
        const QHostAddress address =
            bind.isEmpty() ? QHostAddress(QHostAddress::Any) : QHostAddress(bind);
        if (!listener->listen(address, config.master.msgpack.port)) {
            const QString error =
                QStringLiteral("cannot listen on %1:%2 (master.protocols.msgpack): %3")
                    .arg(bind.isEmpty() ? QStringLiteral("*") : bind)
                    .arg(config.master.msgpack.port)
                    .arg(listener->errorString());
            stopAll();
            return {error};
        }
        qCInfo(lcEngine).noquote() << QStringLiteral("listening for workers (msgpack) on %1:%2")
                                          .arg(bind.isEmpty() ? QStringLiteral("*") : bind)
                                          .arg(listener->serverPort());
    }
    for (const auto& [name, s] : sessions)
        dirty.insert(name);
    batchTimer->start();
    recordEvent(EngineEvent::Kind::Started, {}, {},
                QStringLiteral("%1 workers configured").arg(sessions.size()));
    return {};
}

void Master::Impl::stopAll()
{
    if (!running)
        return;
    running = false;
    if (listener) {
        listener->close();
        delete listener;
    }
    hub->stop(); // closes every link; queues no events
    if (refusals)
        refusals->flush(deadlineQueue->now(), true);
    for (auto& [name, s] : sessions)
        s->linkClosed(QStringLiteral("master shutting down"));
    // Running instances stay in the ledger as they are: the next start adopts
    // or stops them. Provider answers still on their way are dropped.
    latents.clear();
    retiring.clear();
    probes.clear();
    builds.clear(); // every one has ended (worker lost: its request is requeued)
    duplicates.clear();
    duplicateOf.clear();
    linkOwner.clear();
    deadlineQueue->clear();
    housekeeping->stop();
    stopMail();
    emitBatch();
    recordEvent(EngineEvent::Kind::Stopped, {}, {}, QStringLiteral("master stopped"));
    storage.reset();    // writes what is queued, closes the database, joins its thread
    ackContext.reset(); // the answers it queued would go nowhere now
    qCInfo(lcEngine) << "master stopped";
}

void Master::Impl::resolveCredentials(AsyncSecretStore& store, const MasterConfig& c,
                                      std::function<void(ResolvedSecrets)> next)
{
    QList<SecretRequest> requests;
    requests.reserve(c.workers.size());
    for (const WorkerConfig& w : c.workers)
        requests.append({w.name, w.password, {}}); // the worker is named where it is reported
    resolveSecrets(store, requests, &q, std::move(next));
}

QStringList Master::Impl::applyCredentials()
{
    // At most this many workers get their own log line and event; the rest
    // are counted (a dead keychain must not flood the log with 10,000 lines).
    constexpr int MaxReported = 20;
    QStringList warnings;
    auto table = std::make_shared<CredentialTable>();
    int failed = 0;
    QString firstError;
    for (const WorkerConfig& w : config.workers) {
        const std::string name = w.name.toStdString();
        const auto value = credentials.values.constFind(w.name);
        if (value != credentials.values.cend()) {
            table->passwords.emplace(name, value->toStdString());
            continue;
        }
        table->unavailable.insert(name);
        const QString why =
            credentials.errors.value(w.name, QStringLiteral("its password was not resolved"));
        if (failed == 0)
            firstError = why;
        if (++failed <= MaxReported) {
            warnings << QStringLiteral("worker '%1' cannot log in: %2").arg(w.name, why);
            recordEvent(EngineEvent::Kind::SecretError, w.name, {},
                        QStringLiteral("cannot log in: %1").arg(why));
        }
    }
    if (failed > MaxReported) {
        const QString more =
            QStringLiteral("%1 more workers cannot log in (%2 in all); the first: %3")
                .arg(failed - MaxReported)
                .arg(failed)
                .arg(firstError);
        warnings << more;
        recordEvent(EngineEvent::Kind::SecretError, {}, {}, more);
    }
    hub->setCredentials(std::move(table));
    return warnings;
}

QList<WorkerState> Master::Impl::snapshots() const
{
    QList<WorkerState> out;
    out.reserve(qsizetype(sessions.size()));
    for (const WorkerConfig& w : config.workers) {
        auto it = sessions.find(w.name);
        if (it != sessions.end()) {
            out << it->second->snapshot();
            fillState(out.last());
        }
    }
    return out;
}

void Master::Impl::recordEvent(EngineEvent::Kind kind, const QString& worker, const QString& peer,
                               const QString& message)
{
    if (kind == EngineEvent::Kind::Attached || kind == EngineEvent::Kind::Detached) {
        ++churn;
        if (trimTimer)
            trimTimer->start(); // restarts: trims once things have been quiet a while
    }
    keepEvent(EngineEvent{QDateTime::currentDateTimeUtc(), kind, worker, peer, message, 1});
}

void Master::Impl::keepEvent(const EngineEvent& e)
{
    events.append(e);
    if (events.size() > MaxEvents)
        events.removeFirst();
    if (storage)
        storage->appendEvent(e);
    Q_EMIT q.eventLogged(e);
}

void Master::Impl::markDirty(const QString& worker)
{
    dirty.insert(worker);
    if (batchTimer && !batchTimer->isActive())
        batchTimer->start();
}

void Master::Impl::emitBatch()
{
    if (dirty.isEmpty())
        return;
    if (!q.isSignalConnected(QMetaMethod::fromSignal(&Master::workersChanged))) {
        dirty.clear(); // nobody watches (headless): build no snapshots
        return;
    }
    QList<WorkerState> changed;
    changed.reserve(dirty.size());
    for (const QString& name : std::as_const(dirty)) {
        auto it = sessions.find(name);
        if (it != sessions.end()) {
            changed << it->second->snapshot();
            fillState(changed.last());
        }
    }
    dirty.clear();
    if (!changed.isEmpty())
        Q_EMIT q.workersChanged(changed);
}

void Master::Impl::abortLink(ConnId conn, const QString& reason)
{
    if (hub)
        hub->abort(conn, reason);
}

} // namespace ym
