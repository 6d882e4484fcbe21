// Master::Impl: applying a re-read config without dropping unchanged workers.
#include "engine/MasterImpl.h"

#include "config/ConfigLoader.h"
#include "util/Logging.h"

namespace ym {

void Master::Impl::reload(std::function<void(Result<ReloadReport>)> done)
{
    if (!running) {
        done(Error{QStringLiteral("the master is not running")});
        return;
    }
    if (reloading) { // runs again once the one under way is applied
        reloadWaiters.push_back(std::move(done));
        return;
    }
    ConfigLoadResult loaded = loadConfigFile(configPath);
    if (!loaded.ok()) {
        const QString text = loaded.errors.join(u'\n');
        qCWarning(lcConfig).noquote()
            << QStringLiteral("reload refused; the running config stays:\n%1").arg(text);
        recordEvent(EngineEvent::Kind::ConfigRejected, {}, {},
                    QStringLiteral("%1 error(s): %2").arg(loaded.errors.size()).arg(text));
        done(Error{text});
        return;
    }
    const MasterConfig next = *loaded.config;
    // A new store when the backend or its folder changed; else the running one.
    auto store = std::make_shared<std::unique_ptr<AsyncSecretStore>>();
    const SecretsBackend nextBackend = next.effectiveSecretsBackend(autoSecrets);
    if (nextBackend != config.effectiveSecretsBackend(autoSecrets) ||
        (nextBackend == SecretsBackend::Directory &&
         next.effectiveSecretsDir() != config.effectiveSecretsDir()))
        *store = makeSecretStore(next, autoSecrets);
    AsyncSecretStore& resolver = *store ? **store : *secrets;
    reloading = true;
    resolveCredentials(resolver, next,
                       [this, next, store, warnings = loaded.warnings,
                        done = std::move(done)](ResolvedSecrets resolved) mutable {
                           reloading = false;
                           if (!running) {
                               done(Error{QStringLiteral("the master stopped during the reload")});
                           } else {
                               if (*store)
                                   secrets = std::move(*store);
                               credentials = std::move(resolved);
                               done(applyReload(next, warnings));
                           }
                           if (!reloadWaiters.empty()) {
                               auto waiters = std::move(reloadWaiters);
                               reloadWaiters.clear();
                               reload([waiters](const Result<ReloadReport>& r) {
                                   for (const auto& w : waiters)
                                       w(r);
                               });
                           }
                       });
}

Result<Master::ReloadReport> Master::Impl::applyReload(const MasterConfig& next,
                                                       QStringList warnings)
{
    ReloadReport report;
    report.warnings = std::move(warnings);

    // Settings that live in running sockets and threads need a restart.
    if (next.master.msgpack != config.master.msgpack)
        report.warnings << QStringLiteral(
            "master.protocols changed: restart the master to listen on the new address");
    if (next.master.pingInterval != config.master.pingInterval ||
        next.master.pingTimeout != config.master.pingTimeout ||
        next.master.ioThreads != config.master.ioThreads)
        report.warnings << QStringLiteral(
            "master.ping_interval, ping_timeout and io_threads take effect at the next start");
    if (next.master.controlSocket != config.master.controlSocket)
        report.warnings << QStringLiteral(
            "master.control_socket changed: restart the master to move the control socket");

    QSet<QString> keep;
    for (const WorkerConfig& w : next.workers) {
        keep.insert(w.name);
        auto it = sessions.find(w.name);
        if (it == sessions.end()) {
            sessions.emplace(w.name, std::make_unique<WorkerSession>(w, *this));
            report.added << w.name;
            markDirty(w.name);
        } else if (!(it->second->config() == w)) {
            it->second->updateConfig(w);
            report.changed << w.name;
        }
    }
    for (auto it = sessions.begin(); it != sessions.end();) {
        if (keep.contains(it->first)) {
            ++it;
            continue;
        }
        const QString name = it->first;
        if (Link* link = it->second->link()) {
            linkOwner.erase(link->id());
            hub->close(link->id(), QStringLiteral("worker removed from the config"));
            it->second->linkClosed(QStringLiteral("worker removed from the config"));
        }
        if (auto w = duplicateOf.find(name); w != duplicateOf.end()) {
            hub->abort(w->second, QStringLiteral("worker removed from the config"));
            duplicates.erase(w->second);
            duplicateOf.erase(w);
        }
        dirty.remove(name);
        queue.removeWorker(name);
        it = sessions.erase(it);
        report.removed << name;
        Q_EMIT q.workerRemoved(name);
    }

    config.workers = next.workers;
    syncLatents();
    const QList<BuilderConfig> oldBuilders = config.builders;
    config.builders = next.builders;
    syncQueueWorkers();
    applyBuilders(oldBuilders);
    config.master.title = next.master.title;
    config.master.databasePath = next.master.databasePath;
    config.master.secretsDir = next.master.secretsDir;
    config.master.secrets = next.master.secrets;
    report.warnings << applyCredentials();
    config.mail = next.mail;
    if (missing)
        missing->configChanged();

    report.added.sort();
    report.removed.sort();
    report.changed.sort();
    const QString summary = QStringLiteral("config reloaded: %1 added, %2 removed, %3 changed")
                                .arg(report.added.size())
                                .arg(report.removed.size())
                                .arg(report.changed.size());
    qCInfo(lcConfig).noquote() << summary;
    for (const QString& w : std::as_const(report.warnings))
        qCWarning(lcConfig).noquote() << w;
    recordEvent(EngineEvent::Kind::ConfigReloaded, {}, {}, summary);
    return report;
}

} // namespace ym
