// Master::Impl: latent workers — on-demand starts, the ledger at start-up,
// who may attach, and the Master face's latent calls.
#include "engine/MasterImpl.h"

#include "latent/DriverFactory.h"
#include "storage/StoreBackend.h"
#include "util/Logging.h"

#include <QCryptographicHash>
#include <QSysInfo>

namespace ym {

using Phase = LatentState::Phase;

LatentLifecycle* Master::Impl::latent(const QString& name) const
{
    auto it = latents.find(name);
    return it == latents.end() ? nullptr : it->second.get();
}

void Master::Impl::latentEvent(EngineEvent::Kind kind, const QString& worker,
                               const QString& message)
{
    recordEvent(kind, worker, {}, message);
}

void Master::Impl::latentChanged(const QString& worker)
{
    markDirty(worker);
    checkLatentShutdown();
    if (running)
        scheduleAssign();
    // Retired lifecycles go once their instance is stopped (not from inside
    // their own call).
    if (!retiring.empty())
        QMetaObject::invokeMethod(
            &q,
            [this] {
                std::erase_if(retiring, [](const std::unique_ptr<LatentLifecycle>& l) {
                    // a failed stop is retried: that one stays
                    return !l->isBusy() && l->phase() != Phase::StopFailed;
                });
            },
            Qt::QueuedConnection);
}

void Master::Impl::dropWorkerLink(const QString& worker, const QString& reason)
{
    auto it = sessions.find(worker);
    if (it == sessions.end() || !hub)
        return;
    if (Link* link = it->second->link())
        hub->close(link->id(), reason);
}

QString Master::Impl::masterId() const
{
    const QByteArray where =
        (QSysInfo::machineHostName() + u':' + config.effectiveDatabasePath()).toUtf8();
    return QString::fromLatin1(
        QCryptographicHash::hash(where, QCryptographicHash::Sha256).toHex().left(16));
}

void Master::Impl::latentAttachFailed(const QString& worker, qint64 sinceMs, const QString& reason)
{
    auto it = sessions.find(worker);
    if (!missing || it == sessions.end())
        return;
    missing->attachFailed(it->second->snapshot(), sinceMs, reason);
}

void Master::Impl::shutdownLatents(std::function<void()> done)
{
    shuttingDown = true;
    int stopping = 0;
    const QString why = QStringLiteral("the master is shutting down");
    auto stopOne = [&](LatentLifecycle& l) {
        if (!running || !l.isBusy())
            return;
        if (l.phase() != Phase::Stopping)
            (void)l.stop(why);
        ++stopping;
    };
    for (auto& [name, l] : latents)
        stopOne(*l);
    for (auto& l : retiring)
        stopOne(*l);
    if (stopping == 0) {
        shuttingDown = false;
        done();
        return;
    }
    qCInfo(lcLatent) << "stopping" << stopping << "latent instance(s) before the master stops";
    latentShutdownDone = std::move(done);
    latentShutdownTimer = new QTimer(&q);
    latentShutdownTimer->setSingleShot(true);
    QObject::connect(latentShutdownTimer, &QTimer::timeout, &q, [this] {
        qCWarning(lcLatent).noquote()
            << QStringLiteral("latent instances still stopping after %1 s; the ledger keeps them "
                              "open for the next start")
                   .arg(LatentShutdownMs / 1000);
        if (auto finish = std::exchange(latentShutdownDone, {})) {
            shuttingDown = false;
            finish();
        }
    });
    latentShutdownTimer->start(LatentShutdownMs);
    checkLatentShutdown(); // all may have been stopping already
}

void Master::Impl::checkLatentShutdown()
{
    if (!latentShutdownDone)
        return;
    for (const auto& [name, l] : latents)
        if (l->isBusy())
            return;
    for (const auto& l : retiring)
        if (l->isBusy())
            return;
    // Not from inside a lifecycle's own call: stopAll destroys them.
    QMetaObject::invokeMethod(
        &q,
        [this] {
            if (auto done = std::exchange(latentShutdownDone, {})) {
                latentShutdownTimer->deleteLater();
                latentShutdownTimer = nullptr;
                shuttingDown = false;
                done();
            }
        },
        Qt::QueuedConnection);
}

void Master::Impl::syncLatents()
{
    for (const WorkerConfig& w : config.workers) {
        LatentLifecycle* l = latent(w.name);
        if (!w.latent.isLatent()) {
            if (l) { // no longer latent: its instance is stopped, then it goes
                auto node = latents.extract(w.name);
                if (l->stop(QStringLiteral("the worker is no longer latent")).ok())
                    retiring.push_back(std::move(node.mapped()));
            }
            continue;
        }
        if (l)
            l->updateConfig(w);
        else
            latents.emplace(w.name, std::make_unique<LatentLifecycle>(w, *this));
    }
    for (auto it = latents.begin(); it != latents.end();) {
        if (config.findWorker(it->first)) {
            ++it;
            continue;
        }
        std::unique_ptr<LatentLifecycle> gone = std::move(it->second);
        it = latents.erase(it);
        if (gone->stop(QStringLiteral("the worker was removed from the config")).ok())
            retiring.push_back(std::move(gone));
    }
}

void Master::Impl::fillState(WorkerState& state) const
{
    state.runningBuilds = queue.running(state.name);
    if (const LatentLifecycle* l = latent(state.name))
        state.latent = l->state();
}

void Master::Impl::planLatentStarts()
{
    if ((latents.empty() && waitingFor.isEmpty()) || shuttingDown)
        return;
    QHash<qint64, QString> texts;
    QSet<QString> claimed;
    QHash<QString, QStringList> wanted; // latent worker -> requests it was started for
    const QList<QueuedRequest> pending = queue.pending();
    for (const QueuedRequest& r : pending) {
        const BuilderConfig* builder = config.findBuilder(r.builder);
        if (!builder)
            continue;
        LatentLifecycle* coming = nullptr;
        LatentLifecycle* startable = nullptr;
        LatentLifecycle* failed = nullptr;
        for (const QString& w : builder->workernames) {
            LatentLifecycle* l = latent(w);
            if (!l || claimed.contains(w))
                continue;
            if (auto s = sessions.find(w); s != sessions.end() && s->second->isPaused())
                continue;
            if (l->isComing()) {
                if (!coming)
                    coming = l;
            } else if (l->canAutoStart()) {
                if (!startable)
                    startable = l;
            } else if (LatentState::isFailure(l->phase()) && !failed) {
                failed = l;
            }
        }
        const QString what = QStringLiteral("request %1 (%2)").arg(r.id).arg(r.builder);
        LatentLifecycle* pick = coming ? coming : startable;
        if (pick == startable && startable) {
            Result<void> started = startable->start(what, false);
            if (!started.ok()) {
                qCWarning(lcLatent).noquote() << started.error().message;
                pick = nullptr;
            }
        }
        if (pick) {
            claimed.insert(pick->name());
            wanted[pick->name()] << what;
            texts.insert(r.id, QStringLiteral("waiting for worker %1 to start").arg(pick->name()));
        } else if (failed) {
            const LatentState s = failed->state();
            texts.insert(r.id,
                         QStringLiteral("worker %1: %2 (%3); next start at %4")
                             .arg(failed->name(), LatentState::phaseName(s.phase), s.lastError,
                                  s.retryAt.toLocalTime().toString(u"HH:mm:ss")));
        }
    }
    if (texts != waitingFor) {
        QHash<qint64, QString> before = std::exchange(waitingFor, texts);
        for (const QueuedRequest& r : pending)
            if (before.value(r.id) != waitingFor.value(r.id))
                Q_EMIT q.buildChanged(queuedInfo(r));
    }
    for (auto& [name, l] : latents) {
        l->setWaitingRequests(wanted.value(name).join(u", "));
        if (l->phase() == Phase::Attached && queue.running(name) == 0)
            l->idle();
    }
}

bool Master::Impl::admitLatent(WorkerSession& session, const Link& newcomer)
{
    LatentLifecycle* l = latent(session.name());
    if (!l)
        return true;
    QString why;
    if (session.link()) {
        why = QStringLiteral("a second connection for latent worker '%1' from %2 refused: it is "
                             "attached from %3 (instance %4). Two instances must never attach "
                             "as one worker: check for an instance started outside the master")
                  .arg(session.name(), newcomer.peer(), session.link()->peer(),
                       l->state().instanceId);
    } else if (!l->acceptsAttach()) {
        why = QStringLiteral("a connection for latent worker '%1' from %2 refused: the master "
                             "started no instance of it (phase: %3). An instance started "
                             "outside the master, or a standard worker using a latent worker's "
                             "name?")
                  .arg(session.name(), newcomer.peer(), LatentState::phaseName(l->phase()));
    } else {
        return true;
    }
    qCWarning(lcLatent).noquote() << why;
    recordEvent(EngineEvent::Kind::Duplicate, session.name(), newcomer.peer(), why);
    return false;
}

void Master::Impl::reconcileLedger(const QList<storage::LatentInstanceRecord>& open)
{
    for (const storage::LatentInstanceRecord& r : open) {
        if (LatentLifecycle* l = latent(r.worker)) {
            l->reconcile(r);
            continue;
        }
        // The worker is gone from the config, but the ledger remembers where
        // its instance runs: stop it from there.
        const QString uri = r.attributes.value(QStringLiteral("uri")).toString();
        if (r.driver == LatentConfig::driverName(LatentConfig::Driver::Libvirt) && !uri.isEmpty() &&
            !uri.contains(QStringLiteral("***"))) {
            WorkerConfig from;
            from.name = r.worker;
            from.latent.driver = LatentConfig::Driver::Libvirt;
            from.latent.libvirt.connection = uri;
            from.latent.libvirt.hdImage = r.attributes.value(QStringLiteral("hd_image")).toString();
            from.latent.libvirt.baseImage =
                r.attributes.value(QStringLiteral("base_image")).toString();
            from.missingTimeout = LatentConfig::DefaultMissingTimeout;
            auto orphan = std::make_unique<LatentLifecycle>(from, *this);
            orphan->reconcile(r);
            const QString why = QStringLiteral("its worker '%1' is no longer a configured latent "
                                               "worker")
                                    .arg(r.worker);
            recordEvent(EngineEvent::Kind::Latent, r.worker, {},
                        QStringLiteral("ledger row %1: stopping instance %2: %3")
                            .arg(r.id)
                            .arg(r.instanceId, why));
            if (orphan->stop(why).ok())
                retiring.push_back(std::move(orphan));
            continue;
        }
        const QString why =
            QStringLiteral("ledger row %1: instance %2 (%3) of worker '%4' may still run, but "
                           "'%4' is no longer a configured latent worker: check the provider "
                           "and stop it by hand, then see `yardmaster ctl ledger`")
                .arg(r.id)
                .arg(r.instanceId.isEmpty() ? QStringLiteral("(unnamed)") : r.instanceId, r.driver,
                     r.worker);
        qCWarning(lcLatent).noquote() << why;
        recordEvent(EngineEvent::Kind::LatentFailed, r.worker, {}, why);
    }
}

Result<void> Master::Impl::startLatentNow(const QString& name)
{
    if (!running)
        return Error{QStringLiteral("the master is not running")};
    if (!config.findWorker(name))
        return Error{QStringLiteral("unknown worker '%1'").arg(name)};
    LatentLifecycle* l = latent(name);
    if (!l)
        return Error{
            QStringLiteral("worker '%1' is a standard worker, not a latent one").arg(name)};
    if (shuttingDown)
        return Error{QStringLiteral("the master is shutting down")};
    Result<void> r = l->start(QStringLiteral("started by an administrator"), true);
    if (r.ok())
        recordEvent(EngineEvent::Kind::Administered, name, {},
                    QStringLiteral("instance start requested by an administrator"));
    return r;
}

Result<void> Master::Impl::stopLatentNow(const QString& name, bool force)
{
    if (!running)
        return Error{QStringLiteral("the master is not running")};
    if (!config.findWorker(name))
        return Error{QStringLiteral("unknown worker '%1'").arg(name)};
    LatentLifecycle* l = latent(name);
    if (!l)
        return Error{
            QStringLiteral("worker '%1' is a standard worker, not a latent one").arg(name)};
    const int busy = queue.running(name);
    if (busy > 0 && !force)
        return Error{QStringLiteral("%1 build(s) run on worker '%2': stopping its instance "
                                    "interrupts them (they are retried); use --force")
                         .arg(busy)
                         .arg(name)};
    Result<void> r = l->stop(QStringLiteral("stopped by an administrator"));
    if (r.ok())
        recordEvent(EngineEvent::Kind::Administered, name, {},
                    busy > 0 ? QStringLiteral("instance stop requested by an administrator "
                                              "(forced: %1 build(s) interrupted)")
                                   .arg(busy)
                             : QStringLiteral("instance stop requested by an administrator"));
    return r;
}

void Master::Impl::testLatentConnection(quint64 ticket, const WorkerConfig& worker)
{
    std::unique_ptr<latent::LatentDriver> driver = latent::makeLatentDriver(worker);
    if (!driver) {
        Q_EMIT q.latentConnectionTested(
            ticket, {}, QStringLiteral("worker '%1' is not a latent worker").arg(worker.name));
        return;
    }
    latent::LatentDriver* d = driver.get();
    probes[ticket] = std::move(driver);
    d->probe([this, ticket](Result<QString> r) {
        Q_EMIT q.latentConnectionTested(ticket, r.ok() ? r.value() : QString(),
                                        r.ok() ? QString() : r.error().message);
        // Not inside the driver's own callback.
        QMetaObject::invokeMethod(
            &q, [this, ticket] { probes.erase(ticket); }, Qt::QueuedConnection);
    });
}

// --- the face ---

Result<void> Master::startLatentNow(const QString& name)
{
    return d->startLatentNow(name);
}

Result<void> Master::stopLatentNow(const QString& name, bool force)
{
    return d->stopLatentNow(name, force);
}

void Master::startLatentWorker(const QString& name)
{
    if (Result<void> r = d->startLatentNow(name); !r.ok())
        Q_EMIT workerActionFailed(name, r.error().message);
}

void Master::stopLatentWorker(const QString& name, bool force)
{
    if (Result<void> r = d->stopLatentNow(name, force); !r.ok())
        Q_EMIT workerActionFailed(name, r.error().message);
}

void Master::testLatentConnection(quint64 ticket, const ym::WorkerConfig& config)
{
    d->testLatentConnection(ticket, config);
}

void Master::readLedger(const QString& worker, int limit, QObject* context,
                        std::function<void(Result<QList<storage::LatentInstanceRecord>>)> done)
{
    auto deliver =
        storage::deliverTo<Result<QList<storage::LatentInstanceRecord>>>(context, std::move(done));
    QMetaObject::invokeMethod(
        this,
        [this, worker, limit, deliver] {
            if (!d->running || !d->storage)
                return deliver(Error{QStringLiteral("the master is not running")});
            d->storage->queryLatentInstances(worker, limit, nullptr, deliver);
        },
        Qt::QueuedConnection);
}

} // namespace ym
