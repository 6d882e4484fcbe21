#include "engine/WorkerState.h"

#include <QJsonValue>

namespace ym {

namespace {
QJsonValue timeJson(const QDateTime& t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}
QJsonValue optionalJson(const std::optional<int>& v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}
} // namespace

QString WorkerState::phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Disconnected:
        return QStringLiteral("disconnected");
    case Phase::Attaching:
        return QStringLiteral("attaching");
    case Phase::Connected:
        return QStringLiteral("connected");
    }
    return QStringLiteral("unknown");
}

QString LatentState::phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Stopped:
        return QStringLiteral("stopped");
    case Phase::Starting:
        return QStringLiteral("starting");
    case Phase::WaitingForAttach:
        return QStringLiteral("waiting for attach");
    case Phase::Attached:
        return QStringLiteral("attached");
    case Phase::Stopping:
        return QStringLiteral("stopping");
    case Phase::StartFailed:
        return QStringLiteral("start failed");
    case Phase::AttachTimedOut:
        return QStringLiteral("attach timed out");
    case Phase::StopFailed:
        return QStringLiteral("stop failed");
    }
    return QStringLiteral("stopped");
}

bool LatentState::isFailure(Phase phase)
{
    return phase == Phase::StartFailed || phase == Phase::AttachTimedOut ||
           phase == Phase::StopFailed;
}

QJsonObject LatentState::toJson() const
{
    QJsonObject o;
    o[u"phase"] = phaseName(phase);
    o[u"phase_since"] = timeJson(phaseSince);
    o[u"driver"] = driver;
    o[u"instance"] = instanceId;
    o[u"ledger_id"] = ledgerId;
    o[u"last_error"] = lastError;
    o[u"failures"] = failures;
    o[u"retry_at"] = timeJson(retryAt);
    o[u"stop_at"] = timeJson(stopAt);
    o[u"build_wait_timeout"] = buildWaitTimeout;
    o[u"waiting_requests"] = waitingRequests;
    return o;
}

QJsonObject WorkerState::toJson() const
{
    QJsonObject o;
    o[u"name"] = name;
    o[u"state"] = phaseName(phase);
    o[u"peer"] = peer;
    o[u"connected_since"] = timeJson(connectedSince);
    o[u"last_seen"] = timeJson(lastSeen);
    o[u"disconnected_at"] = timeJson(disconnectedAt);
    o[u"last_disconnect_reason"] = lastDisconnectReason;
    o[u"info"] = info;
    o[u"properties"] = properties;
    o[u"max_builds"] = optionalJson(maxBuilds);
    o[u"keepalive_interval"] = optionalJson(keepaliveInterval);
    o[u"missing_timeout"] = missingTimeout;
    o[u"running_builds"] = runningBuilds;
    o[u"keepalives_sent"] = qint64(keepalivesSent);
    o[u"keepalives_answered"] = qint64(keepalivesAnswered);
    o[u"last_keepalive_answered"] = timeJson(lastKeepaliveAnswered);
    o[u"last_keepalive_rtt_ms"] = lastKeepaliveRttMs;
    o[u"link_id"] = qint64(linkId);
    o[u"attach_count"] = qint64(attachCount);
    o[u"paused"] = paused;
    o[u"pause_reason"] = pauseReason;
    o[u"shutdown_requested"] = shutdownRequested;
    if (latent)
        o[u"latent"] = latent->toJson();
    return o;
}

} // namespace ym
