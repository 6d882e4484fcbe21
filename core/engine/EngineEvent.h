#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace ym {

// One line of the user-facing event log.
struct EngineEvent
{
    enum class Kind
    {
        Attached,
        Detached,
        Refused,   // login refused (count > 1 when summarised)
        Duplicate, // a second link for an attached worker: `message` says which won
        KeepaliveFailed,
        ProtocolError,
        ConfigReloaded,
        ConfigRejected,
        Started,
        Stopped,
        Administered,  // pause, unpause, shutdown, disconnect, add/edit/remove by an administrator
        SecretError,   // a worker's password could not be resolved (secret store errors)
        WorkerMissing, // gone longer than missing_timeout (a notice is due)
        MailSent,      // a notice (or test message) was taken by the SMTP server
        MailFailed,    // a mail attempt failed: `message` has the server's answer or error
        Latent,        // a latent worker's instance started, adopted or stopped
        LatentFailed,  // start failed, attach timed out, stop failed, stopped outside the master
    };

    QDateTime time; // UTC
    Kind kind = Kind::Started;
    QString worker;
    QString peer;
    QString message;
    int count = 1;

    static QString kindName(Kind kind);
    QJsonObject toJson() const;
};

} // namespace ym

Q_DECLARE_METATYPE(ym::EngineEvent)
