#pragma once

#include "engine/BuildInfo.h"
#include "engine/BuilderInfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace ym::ui {

// The configured builders (from the engine's BuilderInfo snapshots) with
// each one's latest build. setBuilders() merges a new list in place: rows
// of unchanged builders stay, changed ones update, new ones are appended
// and removed ones go; the model is never reset.
class BuildersModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BuildersModel)

public:
    enum Column
    {
        Name,
        Workers,
        Steps,
        LastBuild,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole,
        NameRole, // the builder's name, in every column
    };

    explicit BuildersModel(QObject* parent = nullptr);
    ~BuildersModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setBuilders(const QList<BuilderInfo>& builders);
    // Remembers `build` as its builder's latest one when it is (by number).
    void noteBuild(const BuildInfo& build);

    BuilderInfo builder(int row) const;
    int rowOf(const QString& name) const;           // -1: none
    BuildInfo lastBuild(const QString& name) const; // number 0: none

private:
    struct Row
    {
        BuilderInfo info;
        BuildInfo last; // number 0: no build yet
    };
    void reindex();

    QList<Row> m_rows;
    QHash<QString, int> m_byName;
    QHash<QString, BuildInfo> m_lastBuilds; // also for builders not (yet) configured
};

} // namespace ym::ui
