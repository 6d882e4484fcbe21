#pragma once

#include "engine/BuildInfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace ym::ui {

// Builds and queued requests, one row each, kept as the GUI's own copies of
// the engine's BuildInfo snapshots. Rows are merged in place (a queued
// request's row becomes its build's row when it starts); the model is never
// reset. When more than maxRows() rows are held, the oldest finished ones go.
class BuildsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BuildsModel)

public:
    enum Column
    {
        Builder,
        Number,
        Worker,
        Status,
        Requested,
        Started,
        Duration,
        Step,
        Reason,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole, // raw values for the sort proxy
        BuildIdRole,             // qint64; 0 for a queued request
        RequestIdRole,
        StateRole, // int(BuildInfo::State)
    };
    static constexpr int DefaultMaxRows = 20000;

    explicit BuildsModel(QObject* parent = nullptr);
    ~BuildsModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // A snapshot from the engine's buildChanged (newest word on that build).
    void applyLive(const BuildInfo& build);
    // Builds read at start (Master::readBuilds): added in one batch, and never
    // taking a row back to an earlier state than live snapshots already did.
    void mergeHistory(const QList<BuildInfo>& builds);
    // Running builds' durations grow: repaints that column (call every second).
    void refreshDurations();

    BuildInfo build(int row) const;
    int rowOfBuild(qint64 buildId) const;           // -1: none
    int rowOfQueuedRequest(qint64 requestId) const; // -1: none
    int maxRows() const { return m_maxRows; }
    void setMaxRows(int rows);

private:
    QVariant display(const BuildInfo& b, int column) const;
    QVariant sortValue(const BuildInfo& b, int column) const;
    // Replaces row `row` with `b` and fixes the indexes.
    void replaceRow(int row, const BuildInfo& b);
    void appendRows(const QList<BuildInfo>& rows);
    void trim();
    void reindex();

    QList<BuildInfo> m_rows;
    QHash<qint64, int> m_byBuild;         // build id -> row
    QHash<qint64, int> m_queuedByRequest; // request id -> row of its queued entry
    int m_maxRows = DefaultMaxRows;
};

} // namespace ym::ui
