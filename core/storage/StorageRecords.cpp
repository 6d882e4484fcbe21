#include "storage/StorageRecords.h"

#include <QtEndian>

namespace ym::storage {

std::optional<EngineEvent::Kind> eventKindFromName(const QString& name)
{
    using K = EngineEvent::Kind;
    for (K k :
         {K::Attached, K::Detached, K::Refused, K::Duplicate, K::KeepaliveFailed, K::ProtocolError,
          K::ConfigReloaded, K::ConfigRejected, K::Started, K::Stopped, K::Administered,
          K::SecretError, K::WorkerMissing, K::MailSent, K::MailFailed, K::Latent, K::LatentFailed})
        if (EngineEvent::kindName(k) == name)
            return k;
    return std::nullopt;
}

bool LatentInstanceRecord::isOpen() const
{
    return state == u"starting" || state == u"running" || state == u"stopping" ||
           state == u"stop_failed";
}

QByteArray encodeLineOffsets(const QList<quint32>& offsets)
{
    QByteArray out(offsets.size() * 4, Qt::Uninitialized);
    for (qsizetype i = 0; i < offsets.size(); ++i)
        qToLittleEndian<quint32>(offsets[i], out.data() + i * 4);
    return out;
}

QList<quint32> decodeLineOffsets(const QByteArray& blob)
{
    QList<quint32> out;
    out.reserve(blob.size() / 4);
    for (qsizetype i = 0; i + 4 <= blob.size(); i += 4)
        out.append(qFromLittleEndian<quint32>(blob.constData() + i));
    return out;
}

} // namespace ym::storage
