#include "latent/LedgerModel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>

#include <algorithm>

namespace ym {

namespace {
bool sameRecord(const storage::LatentInstanceRecord& a, const storage::LatentInstanceRecord& b)
{
    return a.id == b.id && a.worker == b.worker && a.driver == b.driver &&
           a.instanceId == b.instanceId && a.state == b.state && a.requestedMs == b.requestedMs &&
           a.startedMs == b.startedMs && a.attachedMs == b.attachedMs &&
           a.stopRequestedMs == b.stopRequestedMs && a.stoppedMs == b.stoppedMs &&
           a.lastError == b.lastError && a.reason == b.reason;
}
} // namespace

LedgerModel::LedgerModel(QObject* parent) : QAbstractTableModel(parent)
{}

int LedgerModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int LedgerModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool LedgerModel::isOpen(const storage::LatentInstanceRecord& r)
{
    return r.state == u"starting" || r.state == u"running" || r.state == u"stopping" ||
           r.state == u"stop_failed";
}

QString LedgerModel::stateText(const QString& state)
{
    if (state == u"starting")
        return tr("starting");
    if (state == u"running")
        return tr("running");
    if (state == u"stopping")
        return tr("stopping");
    if (state == u"stopped")
        return tr("stopped");
    if (state == u"start_failed")
        return tr("start failed");
    if (state == u"gone")
        return tr("gone");
    if (state == u"stop_failed")
        return tr("stop failed");
    return state;
}

QString LedgerModel::timeText(qint64 ms)
{
    if (ms <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
        .toLocalTime()
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QVariant LedgerModel::display(const storage::LatentInstanceRecord& r, int column) const
{
    switch (Column(column)) {
    case Worker:
        return r.worker;
    case Driver:
        return r.driver;
    case Instance:
        return r.instanceId;
    case State:
        return stateText(r.state);
    case Requested:
        return timeText(r.requestedMs);
    case Started:
        return timeText(r.startedMs);
    case Attached:
        return timeText(r.attachedMs);
    case Stopped:
        return timeText(r.stoppedMs);
    case Reason:
        return r.reason;
    case LastError:
        return r.lastError;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant LedgerModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const storage::LatentInstanceRecord& r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(r, index.column());
    case Qt::ToolTipRole:
        if (index.column() == LastError || index.column() == Reason)
            return display(r, index.column());
        if (index.column() == State && isOpen(r))
            return tr("Open: the instance may still run");
        if (index.column() == Stopped && r.stopRequestedMs > 0)
            return tr("Stop requested %1").arg(timeText(r.stopRequestedMs));
        return {};
    case SortRole:
        switch (Column(index.column())) {
        case Requested:
            return r.requestedMs;
        case Started:
            return r.startedMs;
        case Attached:
            return r.attachedMs;
        case Stopped:
            return r.stoppedMs;
        default:
            return display(r, index.column()).toString().toLower();
        }
    case OpenRole:
        return isOpen(r);
    case IdRole:
        return r.id;
    case Qt::BackgroundRole:
        if (isOpen(r))
            return QBrush(r.state == u"stop_failed" ? QColor(0xfc, 0xe8, 0xe6)
                                                    : QColor(0xfe, 0xf7, 0xe0));
        return {};
    case Qt::ForegroundRole:
        if (isOpen(r))
            return QBrush(QColor(0x20, 0x21, 0x24));
        return {};
    case Qt::FontRole:
        if (index.column() == State && isOpen(r)) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    default:
        return {};
    }
}

QVariant LedgerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Worker:
        return tr("Worker");
    case Driver:
        return tr("Driver");
    case Instance:
        return tr("Instance");
    case State:
        return tr("State");
    case Requested:
        return tr("Requested");
    case Started:
        return tr("Started");
    case Attached:
        return tr("Attached");
    case Stopped:
        return tr("Stopped");
    case Reason:
        return tr("Reason");
    case LastError:
        return tr("Last error");
    case ColumnCount:
        break;
    }
    return {};
}

void LedgerModel::setRecords(const QList<storage::LatentInstanceRecord>& records)
{
    QHash<qint64, int> incoming;
    for (int i = 0; i < records.size(); ++i)
        incoming.insert(records.at(i).id, i);
    // Rows gone from the read (older than its limit): removed, in runs from the end.
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        if (incoming.contains(m_rows.at(row).id)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !incoming.contains(m_rows.at(first - 1).id))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
    m_byId.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_byId.insert(m_rows.at(row).id, row);
    // Known rows: updated in place.
    QList<storage::LatentInstanceRecord> added;
    for (const storage::LatentInstanceRecord& r : records) {
        const auto it = m_byId.constFind(r.id);
        if (it == m_byId.cend()) {
            added << r;
            continue;
        }
        if (!sameRecord(m_rows.at(*it), r)) {
            m_rows[*it] = r;
            Q_EMIT dataChanged(index(*it, 0), index(*it, ColumnCount - 1));
        }
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        for (const storage::LatentInstanceRecord& r : std::as_const(added)) {
            m_byId.insert(r.id, int(m_rows.size()));
            m_rows << r;
        }
        endInsertRows();
    }
}

int LedgerModel::openCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(),
                             [](const storage::LatentInstanceRecord& r) { return isOpen(r); }));
}

} // namespace ym
