#include "mail/MissingNotice.h"

#include <QDateTime>
#include <QStringList>

namespace ym {

namespace {

QString plural(qint64 n, const char* unit)
{
    return QStringLiteral("%1 %2%3")
        .arg(n)
        .arg(QLatin1StringView(unit))
        .arg(n == 1 ? QString() : QStringLiteral("s"));
}

QString timeText(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("unknown");
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
               .toString(QStringLiteral("yyyy-MM-dd hh:mm:ss")) +
           QStringLiteral(" UTC");
}

QString infoText(const QJsonObject& info, const char* key)
{
    // Workers report these from files in their info folder: several lines maybe.
    return info.value(QLatin1StringView(key)).toString().simplified();
}

QString subjectFor(const QString& what, const QString& title)
{
    QString s = QStringLiteral("Yardmaster: ") + what;
    if (!title.isEmpty() && title != u"Yardmaster")
        s += QStringLiteral(" (%1)").arg(title.simplified());
    return s;
}

} // namespace

QString durationText(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    const qint64 days = seconds / 86400;
    const qint64 hours = seconds % 86400 / 3600;
    const qint64 minutes = seconds % 3600 / 60;
    const qint64 secs = seconds % 60;
    if (days > 0)
        return hours ? plural(days, "day") + u' ' + plural(hours, "hour") : plural(days, "day");
    if (hours > 0)
        return minutes ? plural(hours, "hour") + u' ' + plural(minutes, "minute")
                       : plural(hours, "hour");
    if (minutes > 0)
        return secs ? plural(minutes, "minute") + u' ' + plural(secs, "second")
                    : plural(minutes, "minute");
    return plural(secs, "second");
}

namespace {

// A latent worker's instance ran, but its worker never attached.
MailMessage attachNotice(const MissingNoticeFacts& f, const MailAddress& from,
                         const QList<MailAddress>& to)
{
    QStringList b;
    b << QStringLiteral("Latent worker '%1' of the build master \"%2\" did not attach:")
             .arg(f.worker, f.title)
      << QStringLiteral("its instance was started %1 ago, but the worker did not connect")
             .arg(durationText((f.nowMs - f.lostMs) / 1000))
      << QStringLiteral("within its missing_timeout (%1).").arg(durationText(f.missingTimeout))
      << QString() << QStringLiteral("  Worker:        %1").arg(f.worker)
      << QStringLiteral("  Started:       %1").arg(timeText(f.lostMs));
    if (!f.reason.isEmpty())
        b << QStringLiteral("  Why:           %1").arg(f.reason.simplified());
    b << QStringLiteral("  Master:        %1 on %2").arg(f.title, f.masterHost) << QString()
      << QStringLiteral("What to do:")
      << QStringLiteral("  - The master stopped the instance; it starts another one for waiting")
      << QStringLiteral("    builds after a back-off (`yardmaster ctl status` shows when).")
      << QStringLiteral("  - Check that the image starts buildbot-worker at boot with this")
      << QStringLiteral("    worker's name and password, and that it can reach %1.")
             .arg(f.masterHost)
      << QStringLiteral("  - `yardmaster ctl ledger --worker %1` lists its instances.")
             .arg(f.worker)
      << QString()
      << QStringLiteral("This notice is sent once per run of failed starts to the addresses in")
      << QStringLiteral("the worker's notify_on_missing setting.");
    MailMessage m;
    m.setFrom(from);
    m.setTo(to);
    m.setSubject(
        subjectFor(QStringLiteral("latent worker %1 did not attach").arg(f.worker), f.title));
    m.setDate(QDateTime::fromMSecsSinceEpoch(f.nowMs, Qt::UTC).toLocalTime());
    m.addHeader("Auto-Submitted", QStringLiteral("auto-generated"));
    m.addHeader("X-Yardmaster-Worker", f.worker);
    m.setBody(b.join(u'\n') + u'\n');
    return m;
}

} // namespace

MailMessage missingNotice(const MissingNoticeFacts& f, const MailAddress& from,
                          const QList<MailAddress>& to)
{
    if (f.latentAttach)
        return attachNotice(f, from, to);
    const qint64 goneSeconds = (f.nowMs - f.lostMs) / 1000;
    const QString host = infoText(f.info, "host");
    const QString admin = infoText(f.info, "admin");
    const QString version = infoText(f.info, "version");
    const QString basedir = f.info.value(QStringLiteral("basedir")).toString();
    const QString unknown = QStringLiteral("(not reported)");

    QStringList b;
    b << QStringLiteral("Worker '%1' of the build master \"%2\" is missing:").arg(f.worker, f.title)
      << QStringLiteral("it has been disconnected for %1 (missing_timeout: %2).")
             .arg(durationText(goneSeconds), durationText(f.missingTimeout))
      << QString() << QStringLiteral("  Worker:        %1").arg(f.worker)
      << QStringLiteral("  Last seen:     %1").arg(timeText(f.lastSeenMs))
      << QStringLiteral("  Disconnected:  %1").arg(timeText(f.lostMs))
      << QStringLiteral("  Gone for:      %1").arg(durationText(goneSeconds));
    if (!f.reason.isEmpty())
        b << QStringLiteral("  Why:           %1").arg(f.reason.simplified());
    if (!f.peer.isEmpty())
        b << QStringLiteral("  Last address:  %1").arg(f.peer);
    b << QStringLiteral("  Host:          %1").arg(host.isEmpty() ? unknown : host)
      << QStringLiteral("  Admin:         %1").arg(admin.isEmpty() ? unknown : admin);
    if (!version.isEmpty())
        b << QStringLiteral("  Version:       %1").arg(version);
    if (!basedir.isEmpty())
        b << QStringLiteral("  Basedir:       %1").arg(basedir);
    b << QStringLiteral("  Master:        %1 on %2").arg(f.title, f.masterHost) << QString()
      << QStringLiteral("What to do:")
      << (f.peer.isEmpty()
              ? QStringLiteral("  - Check that the worker's machine is up and can reach %1.")
                    .arg(f.masterHost)
              : QStringLiteral("  - Check that the worker's machine (last connected from %1)\n"
                               "    is up and can reach %2.")
                    .arg(f.peer, f.masterHost))
      << QStringLiteral("  - Check that the worker runs there: buildbot-worker start %1")
             .arg(basedir.isEmpty() ? QStringLiteral("BASEDIR") : basedir)
      << QStringLiteral("    (its log is twistd.log in that folder).")
      << QStringLiteral("  - It reconnects by itself once it can reach the master again;")
      << QStringLiteral("    `yardmaster ctl status` on the master then shows it connected.")
      << QStringLiteral("  - If the worker is gone for good, remove it from the master's config.")
      << QString()
      << QStringLiteral("This notice is sent once per lost connection to the addresses in the")
      << QStringLiteral("worker's notify_on_missing setting.");

    MailMessage m;
    m.setFrom(from);
    m.setTo(to);
    m.setSubject(subjectFor(QStringLiteral("worker %1 missing").arg(f.worker), f.title));
    m.setDate(QDateTime::fromMSecsSinceEpoch(f.nowMs, Qt::UTC).toLocalTime());
    m.addHeader("Auto-Submitted", QStringLiteral("auto-generated"));
    m.addHeader("X-Yardmaster-Worker", f.worker);
    m.setBody(b.join(u'\n') + u'\n');
    return m;
}

MailMessage testMessage(const QString& title, const QString& masterHost,
                        const QString& settingsSummary, const MailAddress& from,
                        const MailAddress& to)
{
    QStringList b;
    b << QStringLiteral("This is a test message from the build master \"%1\" on %2,")
             .arg(title, masterHost)
      << QStringLiteral("sent by `yardmaster ctl test-mail`.") << QString()
      << QStringLiteral("Mail settings: %1").arg(settingsSummary) << QString()
      << QStringLiteral("Missing-worker notices reach their addresses the same way.");
    MailMessage m;
    m.setFrom(from);
    m.setTo({to});
    m.setSubject(subjectFor(QStringLiteral("test message"), title));
    m.setDate(QDateTime::currentDateTime());
    m.addHeader("Auto-Submitted", QStringLiteral("auto-generated"));
    m.setBody(b.join(u'\n') + u'\n');
    return m;
}

} // namespace ym
