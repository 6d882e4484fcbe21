#include "engine/EngineEvent.h"

namespace ym {

QString EngineEvent::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Attached:
        return QStringLiteral("attached");
    case Kind::Detached:
        return QStringLiteral("detached");
    case Kind::Refused:
        return QStringLiteral("refused");
    case Kind::Duplicate:
        return QStringLiteral("duplicate");
    case Kind::KeepaliveFailed:
        return QStringLiteral("keepalive-failed");
    case Kind::ProtocolError:
        return QStringLiteral("protocol-error");
    case Kind::ConfigReloaded:
        return QStringLiteral("config-reloaded");
    case Kind::ConfigRejected:
        return QStringLiteral("config-rejected");
    case Kind::Started:
        return QStringLiteral("started");
    case Kind::Stopped:
        return QStringLiteral("stopped");
    case Kind::Administered:
        return QStringLiteral("admin");
    case Kind::SecretError:
        return QStringLiteral("secret-error");
    case Kind::WorkerMissing:
        return QStringLiteral("worker-missing");
    case Kind::MailSent:
        return QStringLiteral("mail-sent");
    case Kind::MailFailed:
        return QStringLiteral("mail-failed");
    case Kind::Latent:
        return QStringLiteral("latent");
    case Kind::LatentFailed:
        return QStringLiteral("latent-failed");
    }
    return QStringLiteral("unknown");
}

QJsonObject EngineEvent::toJson() const
{
    QJsonObject o;
    o[u"time"] = time.toUTC().toString(Qt::ISODateWithMs);
    o[u"kind"] = kindName(kind);
    o[u"worker"] = worker;
    o[u"peer"] = peer;
    o[u"message"] = message;
    o[u"count"] = count;
    return o;
}

} // namespace ym
