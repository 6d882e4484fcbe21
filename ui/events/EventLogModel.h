#pragma once

#include "engine/EngineEvent.h"

#include <QAbstractTableModel>
#include <QList>

namespace ym {

// The user-facing event log: attaches, detaches, refused logins, duplicates,
// keepalive failures, reloads. Appended row by row; the oldest rows go once
// it holds more than `capacity`.
class EventLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogModel)

public:
    enum Column
    {
        Time,
        Kind,
        Worker,
        Peer,
        Message,
        Count,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1,
        KindRole, // EngineEvent::Kind as int
    };
    static constexpr int DefaultCapacity = 10000;

    explicit EventLogModel(QObject* parent = nullptr, int capacity = DefaultCapacity);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void append(const ym::EngineEvent& event);
    void appendMany(const QList<ym::EngineEvent>& events);
    // The engine's kept history: what is older than the first row goes in front.
    void mergeHistory(const QList<ym::EngineEvent>& events);
    const EngineEvent& eventAt(int row) const { return m_events.at(row); }

    static QString kindText(EngineEvent::Kind kind);

private:
    void trim();

    QList<EngineEvent> m_events;
    int m_capacity;
};

} // namespace ym
