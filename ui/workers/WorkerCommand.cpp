#include "workers/WorkerCommand.h"

#include "engine/MasterInfo.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QSysInfo>

namespace ym {

QString masterHostForWorkers(const MasterInfo& info)
{
    const QString bind = info.listenAddress.trimmed();
    const QHostAddress address(bind);
    if (bind.isEmpty() || address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6 ||
        address == QHostAddress::Any)
        return QSysInfo::machineHostName();
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return u'[' + bind + u']';
    return bind;
}

QString shellQuote(const QString& arg)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_./:@%+=,\\[\\]-]+$"));
    if (!arg.isEmpty() && safe.match(arg).hasMatch())
        return arg;
    QString quoted = arg;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

QString createWorkerCommand(const QString& name, const QString& host, quint16 port,
                            const std::optional<QByteArray>& password)
{
    const QString pw =
        password ? shellQuote(QString::fromUtf8(*password)) : QStringLiteral("PASSWORD");
    return QStringLiteral("buildbot-worker create-worker --protocol=msgpack_experimental_v7 "
                          "%1 %2 %3 %4")
        .arg(shellQuote(name), shellQuote(QStringLiteral("%1:%2").arg(host).arg(port)),
             shellQuote(name), pw);
}

} // namespace ym
