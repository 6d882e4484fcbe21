#include "workers/WorkerTableModel.h"

#include "RelativeTime.h"
#include "UiResources.h"
#include "latent/LatentText.h"

#include <QBrush>
#include <QColor>

#include <algorithm>

namespace ym {

namespace {
QString infoText(const WorkerState& w, const char* key)
{
    return w.info.value(QLatin1StringView(key)).toString().trimmed();
}

QString osText(const WorkerState& w)
{
    QString os = infoText(w, "os_pretty_name");
    if (os.isEmpty())
        os = (infoText(w, "os_name") + u' ' + infoText(w, "os_version_id")).trimmed();
    if (os.isEmpty())
        os = infoText(w, "system");
    return os;
}

QColor stateColor(const WorkerState& w)
{
    if (w.paused)
        return QColor(0xb0, 0x60, 0x00);
    switch (w.phase) {
    case WorkerState::Phase::Connected:
        return QColor(0x1d, 0x6b, 0x2d);
    case WorkerState::Phase::Attaching:
        return QColor(0x0d, 0x47, 0xa1);
    case WorkerState::Phase::Disconnected:
        break;
    }
    return QColor(0x5f, 0x63, 0x68);
}

QString stateIcon(const WorkerState& w)
{
    if (w.paused)
        return QStringLiteral("state-paused");
    switch (w.phase) {
    case WorkerState::Phase::Connected:
        return QStringLiteral("state-connected");
    case WorkerState::Phase::Attaching:
        return QStringLiteral("state-attaching");
    case WorkerState::Phase::Disconnected:
        break;
    }
    return QStringLiteral("state-disconnected");
}

QDateTime sinceTime(const WorkerState& w)
{
    return w.phase == WorkerState::Phase::Connected ? w.connectedSince : w.lastSeen;
}
} // namespace

WorkerTableModel::WorkerTableModel(QObject* parent) : QAbstractTableModel(parent)
{}

int WorkerTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_workers.size());
}

int WorkerTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString WorkerTableModel::stateText(const WorkerState& w)
{
    if (w.shutdownRequested)
        return tr("shutting down");
    QString phase;
    switch (w.phase) {
    case WorkerState::Phase::Connected:
        phase = tr("connected");
        break;
    case WorkerState::Phase::Attaching:
        phase = tr("attaching");
        break;
    case WorkerState::Phase::Disconnected:
        phase = tr("disconnected");
        break;
    }
    return w.paused ? tr("paused (%1)").arg(phase) : phase;
}

QVariant WorkerTableModel::display(const WorkerState& w, int column) const
{
    switch (Column(column)) {
    case Name:
        return w.name;
    case State:
        return stateText(w);
    case Lifecycle:
        return latent::lifecycleText(w, now());
    case Since:
        return relativeTime(sinceTime(w), now());
    case Builds:
        return w.maxBuilds ? tr("%1 / %2").arg(w.runningBuilds).arg(*w.maxBuilds)
                           : tr("%1 / unlimited").arg(w.runningBuilds);
    case Host:
        return infoText(w, "host");
    case Admin:
        return infoText(w, "admin");
    case Version:
        return infoText(w, "version");
    case Os:
        return osText(w);
    case Keepalive:
        return w.keepaliveInterval ? shortDuration(*w.keepaliveInterval) : tr("disabled");
    case MissingTimeout:
        return shortDuration(w.missingTimeout);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant WorkerTableModel::sortValue(const WorkerState& w, int column) const
{
    switch (Column(column)) {
    case State:
        return w.paused ? 3 : int(w.phase);
    case Lifecycle: // standard workers first, then by phase, the longest in it first
        return w.latent
                   ? (qint64(w.latent->phase) + 1) * (qint64(1) << 44) +
                         (w.latent->phaseSince.isValid() ? w.latent->phaseSince.toMSecsSinceEpoch()
                                                         : qint64(0))
                   : qint64(0);
    case Since: {
        const QDateTime t = sinceTime(w);
        return t.isValid() ? t.toMSecsSinceEpoch() : qint64(0);
    }
    case Builds:
        return w.runningBuilds;
    case Keepalive:
        return w.keepaliveInterval ? *w.keepaliveInterval : -1;
    case MissingTimeout:
        return w.missingTimeout;
    default:
        return display(w, column).toString().toLower();
    }
}

QVariant WorkerTableModel::toolTip(const WorkerState& w, int column) const
{
    switch (Column(column)) {
    case Since:
        if (w.phase == WorkerState::Phase::Connected)
            return tr("Connected since %1").arg(exactTime(w.connectedSince));
        return w.lastSeen.isValid() ? tr("Last seen %1").arg(exactTime(w.lastSeen))
                                    : tr("Never seen since the master started");
    case State: {
        QString text = stateText(w);
        if (w.paused && !w.pauseReason.isEmpty())
            text += u'\n' + tr("Reason: %1").arg(w.pauseReason);
        if (w.phase == WorkerState::Phase::Disconnected && !w.lastDisconnectReason.isEmpty())
            text += u'\n' + tr("Last disconnect: %1").arg(w.lastDisconnectReason);
        if (!w.peer.isEmpty())
            text += u'\n' + tr("Peer: %1").arg(w.peer);
        return text;
    }
    case Lifecycle:
        return latent::lifecycleToolTip(w, now());
    default:
        return {};
    }
}

QVariant WorkerTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const WorkerState& w = m_workers.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(w, index.column());
    case SortRole:
        return sortValue(w, index.column());
    case NameRole:
        return w.name;
    case Qt::ToolTipRole:
        return toolTip(w, index.column());
    case Qt::DecorationRole:
        if (index.column() == State) {
            const QString name = stateIcon(w);
            auto it = m_icons.find(name);
            if (it == m_icons.end())
                it = m_icons.insert(name, uiIcon(name));
            return *it;
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == State)
            return QBrush(stateColor(w));
        if (index.column() == Lifecycle && w.latent)
            return QBrush(latent::lifecycleColor(w.latent->phase));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Builds || index.column() == Keepalive ||
            index.column() == MissingTimeout)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant WorkerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Name:
        return tr("Name");
    case State:
        return tr("State");
    case Lifecycle:
        return tr("Lifecycle");
    case Since:
        return tr("Connected / last seen");
    case Builds:
        return tr("Builds");
    case Host:
        return tr("Host");
    case Admin:
        return tr("Admin");
    case Version:
        return tr("Version");
    case Os:
        return tr("OS");
    case Keepalive:
        return tr("Keepalive");
    case MissingTimeout:
        return tr("Missing timeout");
    case ColumnCount:
        break;
    }
    return {};
}

void WorkerTableModel::apply(const QList<WorkerState>& changed)
{
    if (changed.isEmpty())
        return;
    QList<int> updated;
    QList<WorkerState> added;
    QHash<QString, qsizetype> addedAt;
    for (const WorkerState& w : changed) {
        if (const auto it = m_rows.constFind(w.name); it != m_rows.cend()) {
            m_workers[*it] = w;
            updated << *it;
        } else if (const auto a = addedAt.constFind(w.name); a != addedAt.cend()) {
            added[*a] = w; // twice in one batch: the later wins
        } else {
            addedAt.insert(w.name, added.size());
            added << w;
        }
    }
    // One dataChanged per run of adjacent rows; when a batch touches rows all
    // over the table, one signal for the span (views and proxies handle one
    // signal far faster than thousands).
    emitRuns(std::move(updated), 0, ColumnCount - 1, {});
    if (!added.isEmpty()) {
        const int first = int(m_workers.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        for (const WorkerState& w : std::as_const(added)) {
            m_rows.insert(w.name, int(m_workers.size()));
            m_workers << w;
        }
        endInsertRows();
    }
    Q_EMIT countsChanged();
}

void WorkerTableModel::remove(const QString& name)
{
    const int row = rowOf(name);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_workers.removeAt(row);
    m_rows.remove(name);
    for (auto it = m_rows.begin(); it != m_rows.end(); ++it)
        if (*it > row)
            --*it;
    endRemoveRows();
    Q_EMIT countsChanged();
}

int WorkerTableModel::rowOf(const QString& name) const
{
    return m_rows.value(name, -1);
}

int WorkerTableModel::connectedCount() const
{
    return int(std::count_if(m_workers.cbegin(), m_workers.cend(), [](const WorkerState& w) {
        return w.phase == WorkerState::Phase::Connected;
    }));
}

int WorkerTableModel::runningBuilds() const
{
    int n = 0;
    for (const WorkerState& w : m_workers)
        n += w.runningBuilds;
    return n;
}

int WorkerTableModel::latentCount() const
{
    return int(std::count_if(m_workers.cbegin(), m_workers.cend(),
                             [](const WorkerState& w) { return w.latent.has_value(); }));
}

void WorkerTableModel::emitRuns(QList<int> rows, int firstColumn, int lastColumn,
                                const QList<int>& roles)
{
    std::sort(rows.begin(), rows.end());
    QList<std::pair<int, int>> runs;
    for (int row : std::as_const(rows)) {
        if (!runs.isEmpty() && row <= runs.last().second + 1)
            runs.last().second = qMax(runs.last().second, row);
        else
            runs.append({row, row});
    }
    if (runs.size() > MaxRangesPerBatch)
        runs = {{runs.first().first, runs.last().second}};
    for (const auto& [first, last] : std::as_const(runs))
        Q_EMIT dataChanged(index(first, firstColumn), index(last, lastColumn), roles);
}

QDateTime WorkerTableModel::now() const
{
    return m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
}

void WorkerTableModel::refreshLifecycle(QList<int> rows)
{
    rows.removeIf([this](int row) { return row < 0 || row >= m_workers.size(); });
    emitRuns(std::move(rows), Lifecycle, Lifecycle, {Qt::DisplayRole, Qt::ToolTipRole});
}

void WorkerTableModel::refreshTimes()
{
    if (!m_workers.isEmpty())
        Q_EMIT dataChanged(index(0, Since), index(rowCount() - 1, Since), {Qt::DisplayRole});
}

} // namespace ym
