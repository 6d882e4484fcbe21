#include "events/EventLogModel.h"

#include "RelativeTime.h"

#include <QBrush>
#include <QColor>

namespace ym {

EventLogModel::EventLogModel(QObject* parent, int capacity)
    : QAbstractTableModel(parent), m_capacity(capacity)
{}

int EventLogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int EventLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString EventLogModel::kindText(EngineEvent::Kind kind)
{
    using K = EngineEvent::Kind;
    switch (kind) {
    case K::Attached:
        return tr("attached");
    case K::Detached:
        return tr("detached");
    case K::Refused:
        return tr("login refused");
    case K::Duplicate:
        return tr("duplicate");
    case K::KeepaliveFailed:
        return tr("keepalive failed");
    case K::ProtocolError:
        return tr("protocol error");
    case K::ConfigReloaded:
        return tr("config reloaded");
    case K::ConfigRejected:
        return tr("config rejected");
    case K::Started:
        return tr("started");
    case K::Stopped:
        return tr("stopped");
    case K::Administered:
        return tr("administration");
    case K::SecretError:
        return tr("secret error");
    case K::WorkerMissing:
        return tr("worker missing");
    case K::MailSent:
        return tr("mail sent");
    case K::MailFailed:
        return tr("mail failed");
    case K::Latent:
        return tr("instance");
    case K::LatentFailed:
        return tr("instance failed");
    }
    return {};
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EngineEvent& e = m_events.at(index.row());
    if (role == KindRole)
        return int(e.kind);
    if (role == Qt::ForegroundRole && index.column() == Kind) {
        using K = EngineEvent::Kind;
        switch (e.kind) {
        case K::Refused:
        case K::KeepaliveFailed:
        case K::ProtocolError:
        case K::ConfigRejected:
        case K::Duplicate:
        case K::SecretError:
        case K::WorkerMissing:
        case K::MailFailed:
        case K::LatentFailed:
            return QBrush(QColor(0xc5, 0x22, 0x1f));
        case K::Attached:
            return QBrush(QColor(0x1d, 0x6b, 0x2d));
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == Time)
            return e.time.toUTC().toString(Qt::ISODateWithMs);
        if (index.column() == Message)
            return e.message;
        return {};
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (Column(index.column())) {
    case Time:
        if (role == SortRole)
            return e.time.toMSecsSinceEpoch();
        return e.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Kind:
        return kindText(e.kind);
    case Worker:
        return e.worker;
    case Peer:
        return e.peer;
    case Message:
        return e.message;
    case Count:
        return e.count;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Time:
        return tr("Time");
    case Kind:
        return tr("Event");
    case Worker:
        return tr("Worker");
    case Peer:
        return tr("Peer");
    case Message:
        return tr("Message");
    case Count:
        return tr("Count");
    case ColumnCount:
        break;
    }
    return {};
}

void EventLogModel::append(const EngineEvent& event)
{
    appendMany({event});
}

void EventLogModel::appendMany(const QList<EngineEvent>& events)
{
    if (events.isEmpty())
        return;
    const int first = int(m_events.size());
    beginInsertRows({}, first, first + int(events.size()) - 1);
    m_events.append(events);
    endInsertRows();
    trim();
}

void EventLogModel::mergeHistory(const QList<EngineEvent>& events)
{
    QList<EngineEvent> older;
    for (const EngineEvent& e : events)
        if (m_events.isEmpty() || e.time < m_events.constFirst().time)
            older << e;
    if (older.isEmpty())
        return;
    beginInsertRows({}, 0, int(older.size()) - 1);
    m_events = older + m_events;
    endInsertRows();
    trim();
}

void EventLogModel::trim()
{
    const qsizetype excess = m_events.size() - m_capacity;
    if (excess <= 0)
        return;
    beginRemoveRows({}, 0, int(excess) - 1);
    m_events.remove(0, excess);
    endRemoveRows();
}

} // namespace ym
