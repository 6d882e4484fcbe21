#include "builds/BuildersModel.h"

#include "builds/BuildText.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace ym::ui {

BuildersModel::BuildersModel(QObject* parent) : QAbstractTableModel(parent)
{}

BuildersModel::~BuildersModel() = default;

int BuildersModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BuildersModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BuildersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Name:
        return tr("Builder");
    case Workers:
        return tr("Workers");
    case Steps:
        return tr("Steps");
    case LastBuild:
        return tr("Last build");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant BuildersModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows.at(index.row());
    const bool hasLast = r.last.number > 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Name:
            return r.info.name;
        case Workers:
            return r.info.workernames.join(u", "_s);
        case Steps:
            return r.info.steps.size();
        case LastBuild:
            return hasLast ? tr("#%1 %2").arg(r.last.number).arg(BuildText::status(r.last))
                           : QString();
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Steps)
            return r.info.steps.join(u"\n"_s);
        if (index.column() == LastBuild && hasLast && r.last.finished.isValid())
            return tr("Finished %1").arg(BuildText::exactTime(r.last.finished));
        return {};
    case Qt::BackgroundRole:
        if (index.column() == LastBuild && hasLast)
            return BuildText::statusColour(r.last);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == LastBuild && hasLast)
            return QColor(Qt::black);
        return {};
    case SortRole:
        switch (Column(index.column())) {
        case Steps:
            return r.info.steps.size();
        case LastBuild:
            return r.last.number;
        default:
            return data(index, Qt::DisplayRole);
        }
    case NameRole:
        return r.info.name;
    default:
        return {};
    }
}

void BuildersModel::setBuilders(const QList<BuilderInfo>& builders)
{
    QSet<QString> wanted;
    for (const BuilderInfo& b : builders)
        wanted.insert(b.name);
    // Removed builders, from the back so earlier rows keep their numbers.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (wanted.contains(m_rows.at(row).info.name))
            continue;
        int first = row;
        while (first > 0 && !wanted.contains(m_rows.at(first - 1).info.name))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first;
    }
    reindex();
    QList<Row> added;
    for (const BuilderInfo& b : builders) {
        if (const int row = rowOf(b.name); row >= 0) {
            if (m_rows.at(row).info == b)
                continue;
            m_rows[row].info = b;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else {
            bool seen = false;
            for (const Row& a : std::as_const(added))
                seen = seen || a.info.name == b.name;
            if (!seen)
                added << Row{b, m_lastBuilds.value(b.name)};
        }
    }
    if (added.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(added.size()) - 1);
    m_rows << added;
    reindex();
    endInsertRows();
}

void BuildersModel::noteBuild(const BuildInfo& build)
{
    if (build.number <= 0)
        return;
    const BuildInfo known = m_lastBuilds.value(build.builder);
    if (known.number > build.number)
        return;
    m_lastBuilds.insert(build.builder, build);
    if (const int row = rowOf(build.builder); row >= 0) {
        m_rows[row].last = build;
        Q_EMIT dataChanged(index(row, LastBuild), index(row, LastBuild));
    }
}

BuilderInfo BuildersModel::builder(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).info : BuilderInfo();
}

int BuildersModel::rowOf(const QString& name) const
{
    return m_byName.value(name, -1);
}

BuildInfo BuildersModel::lastBuild(const QString& name) const
{
    return m_lastBuilds.value(name);
}

void BuildersModel::reindex()
{
    m_byName.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_byName.insert(m_rows.at(row).info.name, row);
}

} // namespace ym::ui
