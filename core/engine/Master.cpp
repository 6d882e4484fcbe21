#include "engine/Master.h"

#include "config/ConfigLoader.h"
#include "engine/MasterImpl.h"
#include "latent/LatentDriver.h"
#include "util/Logging.h"

#include <QThread>

#include <optional>

namespace ym {

Master::Master(QString configPath, QObject* parent)
    : QObject(parent), d(std::make_unique<Impl>(*this, std::move(configPath)))
{
    qRegisterMetaType<ym::WorkerState>();
    qRegisterMetaType<ym::WorkerConfig>();
    qRegisterMetaType<ym::latent::InstanceInfo>();
    qRegisterMetaType<QList<ym::WorkerState>>();
    qRegisterMetaType<ym::EngineEvent>();
    qRegisterMetaType<ym::BuildInfo>();
    qRegisterMetaType<QList<ym::BuilderInfo>>();
    qRegisterMetaType<QList<ym::EngineEvent>>();
    qRegisterMetaType<ym::MasterInfo>();
    qRegisterMetaType<ym::WorkerEdit>();
}

Master::~Master()
{
    d->stopAll();
}

QList<WorkerState> Master::workers() const
{
    return d->snapshots();
}

QList<EngineEvent> Master::recentEvents() const
{
    return d->events;
}

const MasterConfig& Master::config() const
{
    return d->config;
}

QString Master::configPath() const
{
    return d->configPath;
}

quint16 Master::msgpackPort() const
{
    return d->listener ? d->listener->serverPort() : 0;
}

bool Master::isRunning() const
{
    return d->running;
}

Result<Master::ReloadReport> Master::reloadNow()
{
    auto outcome = std::make_shared<std::optional<Result<ReloadReport>>>();
    d->reload([outcome](Result<ReloadReport> r) { outcome->emplace(std::move(r)); });
    if (*outcome)
        return std::move(**outcome);
    return Error{QStringLiteral("the reload goes on while the secrets are read from the OS "
                                "keychain; its outcome goes to the log")};
}

void Master::reloadAsync(std::function<void(Result<ReloadReport>)> done)
{
    d->reload(std::move(done));
}

void Master::setAutoSecretsBackend(SecretsBackend backend)
{
    d->autoSecrets = backend;
}

QString Master::secretsBackend() const
{
    return d->secrets ? d->secrets->backendName() : QString();
}

Result<qint64> Master::forceBuild(const QString& builder, const QString& reason,
                                  const QJsonObject& properties)
{
    return d->forceBuild(builder, reason, properties);
}

Result<void> Master::stopBuild(qint64 buildId, const QString& reason)
{
    return d->stopBuild(buildId, reason);
}

Result<void> Master::cancelRequest(qint64 requestId, const QString& reason)
{
    return d->cancelRequest(requestId, reason);
}

QList<BuildInfo> Master::builds() const
{
    return d->buildInfos();
}

Store* Master::store() const
{
    return d->running ? d->storage.get() : nullptr;
}

void Master::sendTestMail(const QString& address, std::function<void(Result<QString>)> done)
{
    d->sendTestMail(address, std::move(done));
}

void Master::requestBuild(const QString& builder, const QString& reason,
                          const QJsonObject& properties)
{
    Result<qint64> r = d->forceBuild(builder, reason, properties);
    if (!r.ok())
        Q_EMIT buildRequestFailed(r.error().message);
}

void Master::requestStop(qint64 buildId, const QString& reason)
{
    Result<void> r = d->stopBuild(buildId, reason);
    if (!r.ok())
        Q_EMIT buildRequestFailed(r.error().message);
}

void Master::requestCancel(qint64 requestId, const QString& reason)
{
    Result<void> r = d->cancelRequest(requestId, reason);
    if (!r.ok())
        Q_EMIT buildRequestFailed(r.error().message);
}

void Master::start()
{
    Q_ASSERT(QThread::currentThread() == thread());
    d->start([this](const QStringList& errors) {
        if (errors.isEmpty())
            Q_EMIT buildersChanged(BuilderInfo::fromConfigs(d->config.builders));
        Q_EMIT started(errors.isEmpty(), errors);
    });
}

void Master::reload()
{
    d->reload([this](const Result<ReloadReport>& r) {
        if (!r.ok()) {
            Q_EMIT reloaded(false, r.error().message.split(u'\n'));
            return;
        }
        QStringList lines;
        lines << QStringLiteral("added: %1").arg(r->added.join(u", "))
              << QStringLiteral("removed: %1").arg(r->removed.join(u", "))
              << QStringLiteral("changed: %1").arg(r->changed.join(u", "));
        lines << r->warnings;
        Q_EMIT reloaded(true, lines);
    });
}

void Master::shutdown()
{
    if (d->shuttingDown)
        return;
    // Instances that cost money are stopped first, like Buildbot does; with
    // none running this finishes before it returns.
    d->shutdownLatents([this] {
        d->stopAll();
        Q_EMIT stopped();
    });
}

} // namespace ym
