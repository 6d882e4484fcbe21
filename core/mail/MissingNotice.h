#pragma once

#include "mail/MailMessage.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace ym {

// What a missing-worker notice says.
struct MissingNoticeFacts
{
    QString worker;
    QString title;      // the master's title
    QString masterHost; // the master's host name
    qint64 lostMs = 0;  // when the link went away (ms since the epoch, UTC)
    qint64 lastSeenMs = 0;
    qint64 nowMs = 0;
    int missingTimeout = 0; // seconds
    QString peer;
    QString reason;
    QJsonObject info; // what the worker reported: admin, host, version, basedir...
    // A latent worker whose instance started at lostMs but never attached
    // (info["latent_attach"] in a stored loss).
    bool latentAttach = false;
};

// "Yardmaster: worker NAME missing" (with the title in brackets when it is
// not "Yardmaster"), a UTF-8 body with the facts and what to do.
MailMessage missingNotice(const MissingNoticeFacts& facts, const MailAddress& from,
                          const QList<MailAddress>& to);

// The message `yardmaster ctl test-mail` sends.
MailMessage testMessage(const QString& title, const QString& masterHost,
                        const QString& settingsSummary, const MailAddress& from,
                        const MailAddress& to);

// "2 seconds", "1 minute 5 seconds", "3 hours 2 minutes", "2 days 4 hours".
QString durationText(qint64 seconds);

} // namespace ym
