// Master: what an administrator does to workers (pause, shutdown, disconnect)
// and to the config (add, edit, remove a worker), on the engine thread.
#include "engine/MasterImpl.h"

#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "secrets/SecretStore.h"
#include "util/Logging.h"

namespace ym {

namespace {
constexpr int ShutdownCheckMs = 500;
constexpr int ShutdownAnswerMs = 30'000;

QString noSuchWorker(const QString& name)
{
    return QStringLiteral("there is no worker named '%1'").arg(name);
}
} // namespace

// --- Master::Impl ---

WorkerSession* Master::Impl::session(const QString& name)
{
    auto it = sessions.find(name);
    return it == sessions.end() ? nullptr : it->second.get();
}

void Master::Impl::setPaused(WorkerSession& s, bool paused, const QString& reason)
{
    s.setPaused(paused, reason);
    queue.setPaused(s.name(), paused);
    markDirty(s.name());
    if (!paused)
        scheduleAssign();
}

void Master::Impl::checkShutdowns()
{
    for (auto it = shutdowns.begin(); it != shutdowns.end();) {
        WorkerSession* s = session(it.key());
        Link* link = s ? s->link() : nullptr;
        if (!s || !link || (it.value() != 0 && link->id() != it.value())) {
            // Gone (or back on a new link): the request is over.
            if (s) {
                s->setShutdownRequested(false);
                setPaused(*s, false, {});
            }
            it = shutdowns.erase(it);
            continue;
        }
        if (it.value() == 0 && s->isAttached() && queue.running(it.key()) == 0) {
            it.value() = link->id();
            const QString name = it.key();
            qCInfo(lcEngine).noquote()
                << QStringLiteral("worker '%1': builds done, sending shutdown").arg(name);
            link->request(QStringLiteral("shutdown"), {}, ShutdownAnswerMs,
                          [this, name](Result<QVariant> r) {
                              if (!r.ok())
                                  Q_EMIT q.workerActionFailed(
                                      name, QStringLiteral("worker '%1' did not accept the "
                                                           "shutdown: %2")
                                                .arg(name, r.error().message));
                          });
        }
        ++it;
    }
    if (shutdowns.isEmpty() && shutdownTimer)
        shutdownTimer->stop();
}

MasterInfo Master::Impl::info() const
{
    MasterInfo i;
    i.running = running;
    i.configPath = configPath;
    i.config = config;
    i.listenAddress = config.master.msgpack.bind;
    i.port = listener ? listener->serverPort() : 0;
    i.secretsBackend = secrets ? secrets->backendName() : QString();
    return i;
}

void Master::Impl::readSecretThen(const QString& name, std::function<void(Result<QByteArray>)> next)
{
    secrets->readAsync(name, &q, std::move(next));
}

void Master::Impl::writeSecretThen(const QString& name, const QByteArray& value, ActionDone next)
{
    secrets->writeAsync(name, value, &q, std::move(next));
}

void Master::Impl::removeSecretThen(const QString& name, ActionDone next)
{
    secrets->removeAsync(name, &q, std::move(next));
}

void Master::Impl::reloadThen(std::function<void(Result<ReloadReport>)> next)
{
    reload(std::move(next));
}

void Master::Impl::runAction(std::function<void(ActionDone)> action, ActionDone done)
{
    actions.push_back([this, action = std::move(action), done = std::move(done)] {
        action([this, done](Result<void> r) {
            done(std::move(r));
            actionRunning = false;
            // The next one from the event loop: no recursion through callbacks
            // that ran before their call returned.
            QTimer::singleShot(0, &q, [this] { runNextAction(); });
        });
    });
    runNextAction();
}

void Master::Impl::runNextAction()
{
    if (actionRunning || actions.empty())
        return;
    actionRunning = true;
    std::function<void()> next = std::move(actions.front());
    actions.pop_front();
    next();
}

namespace {
// The config file as it is now, or an error saying to fix it first.
Result<MasterConfig> currentConfig(const QString& path)
{
    const ConfigLoadResult loaded = loadConfigFile(path);
    if (!loaded.ok())
        return Error{QStringLiteral("the config file %1 has errors; fix them first:\n%2")
                         .arg(path, loaded.errors.join(u'\n'))};
    return *loaded.config;
}
} // namespace

void Master::Impl::saveWorker(const WorkerEdit& edit, ActionDone done)
{
    if (!running)
        return done(Error{QStringLiteral("the master is not running")});
    Result<MasterConfig> current = currentConfig(configPath);
    if (!current.ok())
        return done(current.error());
    MasterConfig next = current.value();
    WorkerConfig w = edit.config;
    w.name = w.name.trimmed();
    qsizetype at = -1;
    if (!edit.originalName.isEmpty()) {
        for (qsizetype i = 0; i < next.workers.size(); ++i)
            if (next.workers[i].name == edit.originalName)
                at = i;
        if (at < 0)
            return done(Error{QStringLiteral("worker '%1' is no longer in %2")
                                  .arg(edit.originalName, configPath)});
    }
    for (qsizetype i = 0; i < next.workers.size(); ++i)
        if (i != at && next.workers[i].name == w.name)
            return done(Error{QStringLiteral("a worker named '%1' already exists").arg(w.name)});
    const QString secretName = QStringLiteral("worker/") + w.name;
    if (edit.password) {
        if (edit.password->isEmpty())
            return done(Error{QStringLiteral("the password of worker '%1' is empty").arg(w.name)});
        Result<void> valid = validateSecretName(secretName);
        if (!valid.ok())
            return done(valid.error());
        w.password = SecretRef{SecretRef::Kind::Secret, secretName};
    } else if (at < 0) {
        return done(Error{QStringLiteral("a new worker needs a password")});
    }
    if (at >= 0) {
        next.workers[at] = w;
        if (w.name != edit.originalName) // a rename: builders follow
            for (BuilderConfig& b : next.builders)
                for (QString& n : b.workernames)
                    if (n == edit.originalName)
                        n = w.name;
    } else {
        next.workers << w;
    }
    // Validate the whole result before anything is written.
    const ConfigLoadResult check = parseConfig(serializeConfig(next), configPath);
    if (!check.ok())
        return done(Error{check.errors.join(u'\n')});

    const bool added = at < 0;
    const QString name = w.name;
    // Saves the config and reloads; `undo` puts the secret back when the save fails.
    auto saveAndReload = [this, next, added, name, done](std::function<void()> undo) {
        Result<void> saved = saveConfigFile(next, configPath);
        if (!saved.ok()) {
            undo();
            return done(
                Error{QStringLiteral("cannot save %1: %2").arg(configPath, saved.error().message)});
        }
        reloadThen([this, added, name, done](Result<ReloadReport> reloaded) {
            if (!reloaded.ok())
                return done(Error{QStringLiteral("saved %1, but the reload failed: %2")
                                      .arg(configPath, reloaded.error().message)});
            recordEvent(EngineEvent::Kind::Administered, name, {},
                        added ? QStringLiteral("worker added") : QStringLiteral("worker edited"));
            done({});
        });
    };
    if (!edit.password)
        return saveAndReload([] {});
    const QByteArray password = *edit.password;
    // The old value first, so that a failed save can put it back.
    const QString backend = secrets->backendName();
    readSecretThen(secretName, [this, secretName, password, backend, saveAndReload,
                                done](Result<QByteArray> old) {
        const std::optional<QByteArray> oldSecret =
            old.ok() ? std::optional<QByteArray>(old.value()) : std::nullopt;
        writeSecretThen(
            secretName, password,
            [this, secretName, oldSecret, backend, saveAndReload, done](Result<void> written) {
                if (!written.ok())
                    return done(
                        Error{QStringLiteral("cannot store the password (%1 secret store): %2")
                                  .arg(backend, written.error().message)});
                saveAndReload([this, secretName, oldSecret] {
                    const ActionDone logFailure = [secretName](Result<void> undo) {
                        if (!undo.ok())
                            qCWarning(lcSecrets).noquote()
                                << QStringLiteral("cannot restore the secret %1: %2")
                                       .arg(secretName, undo.error().message);
                    };
                    if (oldSecret)
                        writeSecretThen(secretName, *oldSecret, logFailure);
                    else
                        removeSecretThen(secretName, logFailure);
                });
            });
    });
}

void Master::Impl::removeWorker(const QString& name, ActionDone done)
{
    if (!running)
        return done(Error{QStringLiteral("the master is not running")});
    Result<MasterConfig> current = currentConfig(configPath);
    if (!current.ok())
        return done(current.error());
    MasterConfig next = current.value();
    qsizetype at = -1;
    for (qsizetype i = 0; i < next.workers.size(); ++i)
        if (next.workers[i].name == name)
            at = i;
    if (at < 0)
        return done(Error{QStringLiteral("worker '%1' is not in %2").arg(name, configPath)});
    QStringList users;
    for (const BuilderConfig& b : next.builders)
        if (b.workernames.contains(name))
            users << b.name;
    if (!users.isEmpty())
        return done(Error{QStringLiteral("builder(s) %1 use worker '%2': remove it there first")
                              .arg(users.join(u", "), name)});
    const SecretRef ref = next.workers[at].password;
    next.workers.removeAt(at);
    Result<void> saved = saveConfigFile(next, configPath);
    if (!saved.ok())
        return done(
            Error{QStringLiteral("cannot save %1: %2").arg(configPath, saved.error().message)});
    bool shared = false;
    for (const WorkerConfig& other : std::as_const(next.workers))
        shared = shared || other.password == ref;
    reloadThen([this, name, ref, shared, done](Result<ReloadReport> reloaded) {
        if (!reloaded.ok())
            return done(Error{QStringLiteral("saved %1, but the reload failed: %2")
                                  .arg(configPath, reloaded.error().message)});
        shutdowns.remove(name);
        recordEvent(EngineEvent::Kind::Administered, name, {}, QStringLiteral("worker removed"));
        done({});
        if (ref.kind == SecretRef::Kind::Secret && !shared)
            removeSecretThen(ref.value, [name, ref](Result<void> gone) {
                if (!gone.ok())
                    qCWarning(lcSecrets).noquote()
                        << QStringLiteral("worker '%1' removed, but not its secret %2: %3")
                               .arg(name, ref.value, gone.error().message);
            });
    });
}

// --- Master (the face) ---

void Master::pauseWorker(const QString& name, const QString& reason)
{
    WorkerSession* s = d->session(name);
    if (!s) {
        Q_EMIT workerActionFailed(name, noSuchWorker(name));
        return;
    }
    d->setPaused(*s, true, reason);
    d->recordEvent(EngineEvent::Kind::Administered, name, {},
                   reason.isEmpty() ? QStringLiteral("paused")
                                    : QStringLiteral("paused: %1").arg(reason));
}

void Master::unpauseWorker(const QString& name)
{
    WorkerSession* s = d->session(name);
    if (!s) {
        Q_EMIT workerActionFailed(name, noSuchWorker(name));
        return;
    }
    if (d->shutdowns.contains(name)) {
        d->shutdowns.remove(name);
        s->setShutdownRequested(false);
    }
    d->setPaused(*s, false, {});
    d->recordEvent(EngineEvent::Kind::Administered, name, {}, QStringLiteral("unpaused"));
}

void Master::shutdownWorker(const QString& name)
{
    WorkerSession* s = d->session(name);
    if (!s || !s->link()) {
        Q_EMIT workerActionFailed(name, s ? QStringLiteral("worker '%1' is not connected").arg(name)
                                          : noSuchWorker(name));
        return;
    }
    if (d->shutdowns.contains(name))
        return;
    s->setShutdownRequested(true);
    d->setPaused(*s, true, QStringLiteral("graceful shutdown"));
    d->shutdowns.insert(name, 0);
    d->recordEvent(EngineEvent::Kind::Administered, name, s->link()->peer(),
                   QStringLiteral("graceful shutdown requested"));
    if (!d->shutdownTimer) {
        d->shutdownTimer = new QTimer(this);
        d->shutdownTimer->setInterval(ShutdownCheckMs);
        connect(d->shutdownTimer, &QTimer::timeout, this, [this] { d->checkShutdowns(); });
    }
    d->shutdownTimer->start();
    d->checkShutdowns();
}

void Master::disconnectWorker(const QString& name, const QString& reason)
{
    WorkerSession* s = d->session(name);
    if (!s || !s->link() || !d->hub) {
        Q_EMIT workerActionFailed(name, s ? QStringLiteral("worker '%1' is not connected").arg(name)
                                          : noSuchWorker(name));
        return;
    }
    const QString why =
        reason.isEmpty() ? QStringLiteral("disconnected by an administrator") : reason;
    d->recordEvent(EngineEvent::Kind::Administered, name, s->link()->peer(),
                   QStringLiteral("disconnect: %1").arg(why));
    d->hub->close(s->link()->id(), why);
}

void Master::saveWorker(const ym::WorkerEdit& edit)
{
    const quint64 ticket = edit.ticket;
    d->runAction([this, edit](Impl::ActionDone done) { d->saveWorker(edit, std::move(done)); },
                 [this, ticket](Result<void> r) {
                     if (r.ok())
                         requestInfo();
                     Q_EMIT workerSaved(ticket, r.ok() ? QString() : r.error().message);
                 });
}

void Master::removeWorker(quint64 ticket, const QString& name)
{
    d->runAction([this, name](Impl::ActionDone done) { d->removeWorker(name, std::move(done)); },
                 [this, ticket](Result<void> r) {
                     if (r.ok())
                         requestInfo();
                     Q_EMIT workerSaved(ticket, r.ok() ? QString() : r.error().message);
                 });
}

void Master::requestInfo()
{
    Q_EMIT infoChanged(d->info());
}

void Master::requestWorkers()
{
    const QList<WorkerState> all = d->snapshots();
    if (!all.isEmpty())
        Q_EMIT workersChanged(all);
}

void Master::requestEventHistory()
{
    Q_EMIT eventHistory(d->events);
}

void Master::requestWorkerPassword(const QString& name)
{
    const WorkerConfig* w = d->config.findWorker(name);
    if (!w || !d->secrets) {
        Q_EMIT workerPassword(name, {}, noSuchWorker(name));
        return;
    }
    // Through the asynchronous store: the engine thread never waits on the keychain.
    const QList<SecretRequest> request{
        {name, w->password, QStringLiteral("worker '%1'").arg(name)}};
    resolveSecrets(*d->secrets, request, this, [this, name](const ResolvedSecrets& resolved) {
        const auto value = resolved.values.constFind(name);
        if (value != resolved.values.cend())
            Q_EMIT workerPassword(name, *value, {});
        else
            Q_EMIT workerPassword(
                name, {},
                resolved.errors.value(name, QStringLiteral("the password of worker '%1' could "
                                                           "not be read")
                                                .arg(name)));
    });
}

} // namespace ym
