// MailConfig (declared in config/MasterConfig.h): defaults that need the host.
#include "config/MasterConfig.h"

#include "mail/MailAddress.h"

#include <QHostInfo>

namespace ym {

QString MailConfig::effectiveFromaddr() const
{
    if (!fromaddr.isEmpty())
        return fromaddr;
    const QString host = QHostInfo::localHostName();
    const QString candidate = QStringLiteral("yardmaster@") + host;
    if (!host.isEmpty() && MailAddress::parse(candidate, false).ok())
        return candidate;
    return QStringLiteral("yardmaster@localhost");
}

QString MailConfig::tlsName(Tls tls)
{
    switch (tls) {
    case Tls::None:
        return QStringLiteral("none");
    case Tls::StartTls:
        return QStringLiteral("starttls");
    case Tls::Tls:
        return QStringLiteral("tls");
    }
    return QStringLiteral("none");
}

} // namespace ym
