// Master::Impl: applying a re-read config without dropping unchanged workers.
#include "engine/MasterImpl.h"

#include "config/ConfigLoader.h"
#include "secrets/DirectorySecretStore.h"
#include "util/Logging.h"

namespace ym {

Result<Master::ReloadReport> Master::Impl::reload()
{
    if (!running)
        return Error{QStringLiteral("the master is not running")};
    ConfigLoadResult loaded = loadConfigFile(configPath);
    if (!loaded.ok()) {
        const QString text = loaded.errors.join(u'\n');
        qCWarning(lcConfig).noquote()
            << QStringLiteral("reload refused; the running config stays:\n%1").arg(text);
        recordEvent(EngineEvent::Kind::ConfigRejected, {}, {},
                    QStringLiteral("%1 error(s): %2").arg(loaded.errors.size()).arg(text));
        return Error{text};
    }
    const MasterConfig next = *loaded.config;
    ReloadReport report;
    report.warnings = loaded.warnings;

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
    const QList<BuilderConfig> oldBuilders = config.builders;
    config.builders = next.builders;
    syncQueueWorkers();
    applyBuilders(oldBuilders);
    config.master.title = next.master.title;
    config.master.databasePath = next.master.databasePath;
    if (next.effectiveSecretsDir() != config.effectiveSecretsDir())
        secrets = std::make_unique<DirectorySecretStore>(next.effectiveSecretsDir());
    config.master.secretsDir = next.master.secretsDir;
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
