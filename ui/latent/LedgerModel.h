#pragma once

#include "storage/StorageRecords.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace ym {

// The latent instance ledger (storage::LatentInstanceRecord rows, one per
// instance). setRecords() merges a fresh read in place: changed rows get
// dataChanged, new ones are inserted, vanished ones removed; never a reset.
class LedgerModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LedgerModel)

public:
    enum Column
    {
        Worker,
        Driver,
        Instance,
        State,
        Requested,
        Started,
        Attached,
        Stopped,
        Reason,
        LastError,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1, // raw values: times in ms, lower-case text
        OpenRole,                    // bool: starting, running, stopping, stop_failed
        IdRole,                      // the ledger row's id
    };

    explicit LedgerModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setRecords(const QList<storage::LatentInstanceRecord>& records);
    const storage::LatentInstanceRecord& recordAt(int row) const { return m_rows.at(row); }
    int openCount() const;

    // An instance that may still run (and cost): starting, running, stopping, stop_failed.
    static bool isOpen(const storage::LatentInstanceRecord& r);
    static QString stateText(const QString& state); // translated
    static QString timeText(qint64 ms);             // local time, empty for 0

private:
    QVariant display(const storage::LatentInstanceRecord& r, int column) const;

    QList<storage::LatentInstanceRecord> m_rows;
    QHash<qint64, int> m_byId;
};

} // namespace ym
