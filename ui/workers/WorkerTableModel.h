#pragma once

#include "engine/WorkerState.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QIcon>
#include <QList>

namespace ym {

// One row per configured worker, fed by the engine's batched snapshots.
// Changes are applied row by row (dataChanged for known rows, one insert for
// new ones); never a reset.
class WorkerTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkerTableModel)

public:
    enum Column
    {
        Name,
        State,
        Lifecycle, // latent workers: phase and time in it (empty for standard workers)
        Since,     // connected since, or last seen
        Builds,
        Host,
        Admin,
        Version,
        Os,
        Keepalive,
        MissingTimeout,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1, // the raw value (numbers, times in ms, lower-case text)
        NameRole,                    // the worker's name, any column
    };

    // More separate runs of changed rows than this in one batch: one signal
    // for the whole span instead.
    static constexpr int MaxRangesPerBatch = 16;

    explicit WorkerTableModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Merges a batch of snapshots: updates known workers in place, appends new ones.
    void apply(const QList<ym::WorkerState>& changed);
    void remove(const QString& name);
    // Row of a worker, or -1.
    int rowOf(const QString& name) const;
    const WorkerState& workerAt(int row) const { return m_workers.at(row); }
    int connectedCount() const;
    int runningBuilds() const;
    int latentCount() const; // rows of latent workers
    // The clock for relative times; refreshTimes() re-reads it and repaints them.
    void setNow(const QDateTime& now) { m_now = now; }
    void refreshTimes();
    // Repaints the lifecycle cells of these rows (the visible ones whose text
    // changes with time: see latent::lifecycleTicks), in runs of adjacent rows.
    void refreshLifecycle(QList<int> rows);

    static QString stateText(const WorkerState& w);

Q_SIGNALS:
    // Rows were added, removed or changed (the counts may have changed).
    void countsChanged();

private:
    void emitRuns(QList<int> rows, int firstColumn, int lastColumn, const QList<int>& roles);
    QDateTime now() const;
    QVariant display(const WorkerState& w, int column) const;
    QVariant sortValue(const WorkerState& w, int column) const;
    QVariant toolTip(const WorkerState& w, int column) const;

    QList<WorkerState> m_workers;
    QHash<QString, int> m_rows;
    QDateTime m_now;
    mutable QHash<QString, QIcon> m_icons; // state icons, made once
};

} // namespace ym
