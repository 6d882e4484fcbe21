#include "engine/WorkerSession.h"

#include "util/Logging.h"

#include <QRandomGenerator>

#include <utility>

namespace ym {

namespace {
// What Buildbot sends; all four keys are required by the worker.
QVariantMap workerSettings()
{
    return {{QStringLiteral("newline_re"), QStringLiteral("(\r\n|\r|\n)")},
            {QStringLiteral("max_line_length"), 4096},
            {QStringLiteral("buffer_timeout"), 5},
            {QStringLiteral("buffer_size"), 65536}};
}
} // namespace

WorkerSession::WorkerSession(WorkerConfig config, SessionHost& host)
    : m_config(std::move(config)), m_host(host)
{
    m_state.name = m_config.name;
}

WorkerSession::~WorkerSession()
{
    cancelKeepalive();
}

void WorkerSession::updateConfig(const WorkerConfig& config)
{
    const bool keepaliveChanged = config.keepaliveInterval != m_config.keepaliveInterval;
    m_config = config;
    if (keepaliveChanged && isAttached()) {
        cancelKeepalive();
        scheduleKeepalive(true);
    }
    m_host.markDirty(name());
}

WorkerState WorkerSession::snapshot() const
{
    WorkerState s = m_state;
    s.properties = m_config.properties;
    s.maxBuilds = m_config.maxBuilds;
    s.keepaliveInterval = m_config.keepaliveInterval;
    s.missingTimeout = m_config.missingTimeout;
    return s;
}

void WorkerSession::attach(std::unique_ptr<Link> link)
{
    m_link = std::move(link);
    m_state.phase = WorkerState::Phase::Attaching;
    m_state.peer = m_link->peer();
    m_state.linkId = m_link->id();
    m_state.connectedSince = QDateTime();
    m_attachStartedMs = m_host.deadlines().now();
    touch();
    qCDebug(lcEngine).noquote()
        << QStringLiteral("worker '%1' attaching from %2").arg(name(), m_link->peer());
    runAttach();
}

void WorkerSession::touch()
{
    m_state.lastSeen = QDateTime::currentDateTimeUtc();
    m_host.markDirty(name());
}

void WorkerSession::linkClosed(const QString& reason)
{
    if (!m_link)
        return;
    const bool wasAttached = isAttached();
    const QString peer = m_link->peer();
    cancelKeepalive();
    std::unique_ptr<Link> link = std::move(m_link);
    link->failAll(QStringLiteral("link closed: %1").arg(reason));
    m_state.phase = WorkerState::Phase::Disconnected;
    m_state.connectedSince = QDateTime();
    m_state.disconnectedAt = QDateTime::currentDateTimeUtc();
    m_state.lastDisconnectReason = reason;
    m_host.markDirty(name());
    qCInfo(lcEngine).noquote() << QStringLiteral("worker '%1' (%2) %3: %4")
                                      .arg(name(), peer,
                                           wasAttached ? QStringLiteral("detached")
                                                       : QStringLiteral("lost while attaching"),
                                           reason);
    m_host.recordEvent(EngineEvent::Kind::Detached, name(), peer, reason);
    m_host.workerDetached(name());
}

// Runs the next attach step if `result` is good and the link is still the
// one that started it; otherwise drops the link.
void WorkerSession::step(const char* what, Result<QVariant> result,
                         const std::function<void()>& next)
{
    if (!result.ok()) {
        fail(QStringLiteral("attach failed at %1: %2")
                 .arg(QLatin1StringView(what), result.error().message));
        return;
    }
    next();
}

void WorkerSession::fail(const QString& why)
{
    if (!m_link)
        return;
    qCWarning(lcEngine).noquote()
        << QStringLiteral("worker '%1' (%2): %3").arg(name(), m_link->peer(), why);
    m_host.recordEvent(EngineEvent::Kind::ProtocolError, name(), m_link->peer(), why);
    m_host.abortLink(m_link->id(), why);
}

void WorkerSession::runAttach()
{
    Link* link = m_link.get();
    const ConnId id = link->id();
    auto alive = [this, id] {
        return m_link && m_link->id() == id;
    };
    link->request(QStringLiteral("print"),
                  {{QStringLiteral("message"), QStringLiteral("master is attaching this worker")}},
                  RequestTimeoutMs, [this, alive](Result<QVariant> r) {
                      if (!alive())
                          return;
                      step("print", std::move(r), [this, alive] {
                          m_link->request(QStringLiteral("get_worker_info"), {}, RequestTimeoutMs,
                                          [this, alive](Result<QVariant> info) {
                                              if (!alive())
                                                  return;
                                              step("get_worker_info", info,
                                                   [this, info] { onWorkerInfo(info.value()); });
                                          });
                      });
                  });
}

void WorkerSession::onWorkerInfo(const QVariant& infoValue)
{
    if (infoValue.typeId() != QMetaType::QVariantMap) {
        fail(QStringLiteral("get_worker_info answered with a %1, not a map")
                 .arg(QString::fromLatin1(infoValue.typeName() ? infoValue.typeName() : "nil")));
        return;
    }
    QVariantMap info = infoValue.toMap();
    info.remove(QStringLiteral("environ")); // may hold the worker's secrets
    if (info.value(QStringLiteral("basedir")).toString().isEmpty()) {
        fail(QStringLiteral("get_worker_info did not report a basedir"));
        return;
    }
    m_state.info = QJsonObject::fromVariantMap(info);
    m_host.markDirty(name());
    const ConnId id = m_link->id();
    auto alive = [this, id] {
        return m_link && m_link->id() == id;
    };
    m_link->request(
        QStringLiteral("set_worker_settings"), {{QStringLiteral("args"), workerSettings()}},
        RequestTimeoutMs, [this, alive](Result<QVariant> r) {
            if (!alive())
                return;
            step("set_worker_settings", std::move(r), [this, alive] {
                const QVariantMap args{{QStringLiteral("path"),
                                        m_state.info.value(QStringLiteral("basedir")).toString()}};
                m_link->startCommand(QStringLiteral("listdir"), args, RequestTimeoutMs,
                                     [this, alive](Result<QVariantMap> files) {
                                         if (!alive())
                                             return;
                                         if (!files.ok())
                                             fail(QStringLiteral("attach failed at listdir: %1")
                                                      .arg(files.error().message));
                                         else
                                             listdirDone(files.value());
                                     });
            });
        });
}

QString WorkerSession::path(const QString& relative) const
{
    const QString base = m_state.info.value(QStringLiteral("basedir")).toString();
    const bool nt = m_state.info.value(QStringLiteral("system")).toString() == u"nt";
    const QChar sep = nt ? u'\\' : u'/';
    QString leaf = relative;
    if (nt)
        leaf.replace(u'/', u'\\');
    return base.endsWith(sep) ? base + leaf : base + sep + leaf;
}

void WorkerSession::makeDirs(const QStringList& relative)
{
    if (!m_link || !isAttached() || relative.isEmpty())
        return;
    QStringList paths;
    for (const QString& dir : relative)
        paths << path(dir);
    m_link->startCommand(QStringLiteral("mkdir"), {{QStringLiteral("paths"), paths}},
                         RequestTimeoutMs, [this, paths](Result<QVariantMap> r) {
                             if (!r.ok())
                                 qCWarning(lcEngine).noquote()
                                     << QStringLiteral("worker '%1': cannot create %2: %3")
                                            .arg(name(), paths.join(u", "), r.error().message);
                         });
}

void WorkerSession::listdirDone(const QVariantMap& updates)
{
    // The builder folders of the builders naming this worker, and `info`.
    QStringList wanted = m_host.builderDirs(name());
    wanted << QStringLiteral("info");
    const QStringList existing = updates.value(QStringLiteral("files")).toStringList();
    QStringList missing;
    for (const QString& dir : wanted)
        if (!existing.contains(dir)) // nested folders are never listed: always made
            missing << path(dir);
    if (missing.isEmpty()) {
        finishAttach();
        return;
    }
    const ConnId id = m_link->id();
    m_link->startCommand(
        QStringLiteral("mkdir"), {{QStringLiteral("paths"), missing}}, RequestTimeoutMs,
        [this, id](Result<QVariantMap> r) {
            if (!m_link || m_link->id() != id)
                return;
            if (!r.ok())
                fail(QStringLiteral("attach failed at mkdir: %1").arg(r.error().message));
            else
                finishAttach();
        });
}

void WorkerSession::finishAttach()
{
    const ConnId id = m_link->id();
    m_link->request(
        QStringLiteral("print"), {{QStringLiteral("message"), QStringLiteral("attached")}},
        RequestTimeoutMs, [this, id](Result<QVariant> r) {
            if (!m_link || m_link->id() != id)
                return;
            step("print", std::move(r), [this] {
                m_state.phase = WorkerState::Phase::Connected;
                m_state.connectedSince = QDateTime::currentDateTimeUtc();
                ++m_state.attachCount;
                m_host.markDirty(name());
                const qint64 ms = m_host.deadlines().now() - m_attachStartedMs;
                const QString version = m_state.info.value(QStringLiteral("version")).toString();
                qCInfo(lcEngine).noquote()
                    << QStringLiteral("worker '%1' attached from %2 (worker %3, %4 ms)")
                           .arg(name(), m_link->peer(), version)
                           .arg(ms);
                m_host.recordEvent(
                    EngineEvent::Kind::Attached, name(), m_link->peer(),
                    QStringLiteral("buildbot-worker %1 on %2")
                        .arg(version,
                             m_state.info.value(QStringLiteral("host")).toString().trimmed()));
                scheduleKeepalive(true);
                m_host.workerAttached(name());
            });
        });
}

void WorkerSession::scheduleKeepalive(bool first)
{
    if (!m_config.keepaliveInterval || !m_link)
        return;
    qint64 delay = qint64(*m_config.keepaliveInterval) * 1000;
    // Spread the first keepalive so thousands of workers attached together do
    // not all ping in the same second ever after.
    if (first && delay >= 10'000)
        delay = delay / 2 + qint64(QRandomGenerator::global()->bounded(delay / 2));
    m_keepalive = m_host.deadlines().add(delay, [this] {
        m_keepalive = 0;
        sendKeepalive();
        scheduleKeepalive(false);
    });
}

void WorkerSession::cancelKeepalive()
{
    if (m_keepalive)
        m_host.deadlines().cancel(m_keepalive);
    m_keepalive = 0;
}

void WorkerSession::sendKeepalive()
{
    if (!m_link || !isAttached())
        return;
    const ConnId id = m_link->id();
    const qint64 sent = m_host.deadlines().now();
    ++m_state.keepalivesSent;
    m_host.markDirty(name());
    m_link->request(
        QStringLiteral("keepalive"), {}, KeepaliveTimeoutMs, [this, id, sent](Result<QVariant> r) {
            if (!m_link || m_link->id() != id)
                return;
            if (!r.ok()) {
                const QString why = QStringLiteral("keepalive failed: %1").arg(r.error().message);
                m_host.recordEvent(EngineEvent::Kind::KeepaliveFailed, name(), m_link->peer(), why);
                qCWarning(lcEngine).noquote() << QStringLiteral("worker '%1': %2").arg(name(), why);
                m_host.abortLink(id, why);
                return;
            }
            ++m_state.keepalivesAnswered;
            m_state.lastKeepaliveAnswered = QDateTime::currentDateTimeUtc();
            m_state.lastKeepaliveRttMs = double(m_host.deadlines().now() - sent);
            m_host.markDirty(name());
        });
}

} // namespace ym
