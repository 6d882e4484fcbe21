#include "builds/BuildsModel.h"

#include "builds/BuildText.h"

#include <QDateTime>

namespace ym::ui {

namespace {

int rank(BuildInfo::State s)
{
    return int(s); // Queued < Running < Finished
}

qint64 ms(const QDateTime& t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

qint64 durationMs(const BuildInfo& b)
{
    if (!b.started.isValid() || b.state == BuildInfo::State::Queued)
        return -1;
    const QDateTime end = b.finished.isValid() ? b.finished : QDateTime::currentDateTimeUtc();
    return std::max<qint64>(0, b.started.msecsTo(end));
}

} // namespace

BuildsModel::BuildsModel(QObject* parent) : QAbstractTableModel(parent)
{}

BuildsModel::~BuildsModel() = default;

int BuildsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BuildsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BuildsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Builder:
        return tr("Builder");
    case Number:
        return tr("Number");
    case Worker:
        return tr("Worker");
    case Status:
        return tr("Status");
    case Requested:
        return tr("Requested");
    case Started:
        return tr("Started");
    case Duration:
        return tr("Duration");
    case Step:
        return tr("Step");
    case Reason:
        return tr("Reason");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant BuildsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BuildInfo& b = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(b, column);
    case Qt::ToolTipRole:
        if (column == Requested)
            return BuildText::exactTime(b.requested);
        if (column == Started)
            return BuildText::exactTime(b.started);
        if (column == Status && b.finished.isValid())
            return tr("Finished %1").arg(BuildText::exactTime(b.finished));
        if (column == Reason)
            return b.reason;
        return {};
    case Qt::BackgroundRole:
        if (column == Status)
            return BuildText::statusColour(b);
        return {};
    case Qt::ForegroundRole:
        if (column == Status)
            return QColor(Qt::black); // readable on the light status colours in any theme
        return {};
    case Qt::TextAlignmentRole:
        if (column == Number || column == Duration)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        return sortValue(b, column);
    case BuildIdRole:
        return b.id;
    case RequestIdRole:
        return b.requestId;
    case StateRole:
        return int(b.state);
    default:
        return {};
    }
}

QVariant BuildsModel::display(const BuildInfo& b, int column) const
{
    switch (Column(column)) {
    case Builder:
        return b.builder;
    case Number:
        return b.number > 0 ? QVariant(b.number) : QVariant(QString());
    case Worker:
        return b.worker;
    case Status:
        return BuildText::status(b);
    case Requested:
        return BuildText::time(b.requested);
    case Started:
        return b.state == BuildInfo::State::Queued ? QString() : BuildText::time(b.started);
    case Duration: {
        const qint64 d = durationMs(b);
        return d < 0 ? QString() : BuildText::duration(d);
    }
    case Step: // a queued request held up by a latent worker says so here
        return b.state == BuildInfo::State::Queued ? b.waitingFor : b.currentStep;
    case Reason:
        return b.reason;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant BuildsModel::sortValue(const BuildInfo& b, int column) const
{
    switch (Column(column)) {
    case Number:
        return b.number;
    case Status:
        return b.state == BuildInfo::State::Finished ? BuildText::status(b)
                                                     : QString::number(rank(b.state));
    case Requested:
        // Queued requests have no build id; the request id breaks ties.
        return ms(b.requested) * 1000 + b.requestId % 1000;
    case Started:
        return ms(b.started);
    case Duration:
        return durationMs(b);
    default:
        return display(b, column);
    }
}

BuildInfo BuildsModel::build(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : BuildInfo();
}

int BuildsModel::rowOfBuild(qint64 buildId) const
{
    return m_byBuild.value(buildId, -1);
}

int BuildsModel::rowOfQueuedRequest(qint64 requestId) const
{
    return m_queuedByRequest.value(requestId, -1);
}

void BuildsModel::setMaxRows(int rows)
{
    m_maxRows = std::max(1, rows);
    trim();
}

void BuildsModel::replaceRow(int row, const BuildInfo& b)
{
    const BuildInfo& old = m_rows.at(row);
    if (old.id == 0)
        m_queuedByRequest.remove(old.requestId);
    else
        m_byBuild.remove(old.id);
    m_rows[row] = b;
    if (b.id == 0)
        m_queuedByRequest.insert(b.requestId, row);
    else
        m_byBuild.insert(b.id, row);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void BuildsModel::appendRows(const QList<BuildInfo>& rows)
{
    if (rows.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(rows.size()) - 1);
    for (const BuildInfo& b : rows) {
        const int row = int(m_rows.size());
        m_rows << b;
        if (b.id == 0)
            m_queuedByRequest.insert(b.requestId, row);
        else
            m_byBuild.insert(b.id, row);
    }
    endInsertRows();
    trim();
}

void BuildsModel::applyLive(const BuildInfo& b)
{
    if (b.id != 0) {
        if (const int row = rowOfBuild(b.id); row >= 0)
            return replaceRow(row, b);
        if (const int row = rowOfQueuedRequest(b.requestId); row >= 0)
            return replaceRow(row, b); // the request started
        return appendRows({b});
    }
    if (const int row = rowOfQueuedRequest(b.requestId); row >= 0)
        return replaceRow(row, b);
    appendRows({b}); // a new request, or one put back in the queue
}

void BuildsModel::mergeHistory(const QList<BuildInfo>& builds)
{
    // Builds already shown per request (a queued entry read here may be older
    // than a live snapshot of the build that has since started).
    QHash<qint64, int> retriesSeen;
    for (const BuildInfo& r : std::as_const(m_rows))
        if (r.id != 0)
            retriesSeen[r.requestId] = std::max(retriesSeen.value(r.requestId, -1), r.retries);
    QList<BuildInfo> added;
    QHash<qint64, int> addedBuilds;
    QHash<qint64, int> addedQueued;
    for (const BuildInfo& b : builds) {
        if (b.id != 0) {
            if (const int row = rowOfBuild(b.id); row >= 0) {
                if (rank(b.state) > rank(m_rows.at(row).state))
                    replaceRow(row, b);
            } else if (const int q = rowOfQueuedRequest(b.requestId);
                       q >= 0 && m_rows.at(q).retries <= b.retries) {
                replaceRow(q, b);
            } else if (!addedBuilds.contains(b.id)) {
                addedBuilds.insert(b.id, int(added.size()));
                added << b;
            }
            continue;
        }
        if (rowOfQueuedRequest(b.requestId) >= 0 || addedQueued.contains(b.requestId))
            continue;
        if (retriesSeen.value(b.requestId, -1) >= b.retries)
            continue; // stale: that attempt already started
        addedQueued.insert(b.requestId, int(added.size()));
        added << b;
    }
    appendRows(added);
}

void BuildsModel::refreshDurations()
{
    int first = -1;
    int last = -1;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).state != BuildInfo::State::Running)
            continue;
        if (first < 0)
            first = row;
        last = row;
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, Duration), index(last, Duration), {Qt::DisplayRole});
}

void BuildsModel::trim()
{
    qsizetype excess = m_rows.size() - m_maxRows;
    if (excess <= 0)
        return;
    // The oldest finished rows, in ranges of consecutive rows, removed from the back.
    QList<std::pair<int, int>> ranges; // first, last
    for (int row = 0; row < m_rows.size() && excess > 0; ++row) {
        if (m_rows.at(row).state != BuildInfo::State::Finished)
            continue;
        if (!ranges.isEmpty() && ranges.last().second == row - 1)
            ranges.last().second = row;
        else
            ranges.append({row, row});
        --excess;
    }
    for (auto it = ranges.crbegin(); it != ranges.crend(); ++it) {
        beginRemoveRows({}, it->first, it->second);
        m_rows.remove(it->first, it->second - it->first + 1);
        endRemoveRows();
    }
    if (!ranges.isEmpty())
        reindex();
}

void BuildsModel::reindex()
{
    m_byBuild.clear();
    m_queuedByRequest.clear();
    for (int row = 0; row < m_rows.size(); ++row) {
        const BuildInfo& b = m_rows.at(row);
        if (b.id == 0)
            m_queuedByRequest.insert(b.requestId, row);
        else
            m_byBuild.insert(b.id, row);
    }
}

} // namespace ym::ui
