#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace ym {

class EventLogModel;

// The event log with a text filter and a kind filter; newest first.
class EventLogView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogView)

public:
    explicit EventLogView(EventLogModel* model, QWidget* parent = nullptr);

    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QLineEdit* filterEdit() const { return m_filter; }

private:
    void applyKind();

    EventLogModel* m_model;
    QSortFilterProxyModel* m_kindProxy;
    QSortFilterProxyModel* m_proxy;
    QLineEdit* m_filter;
    QComboBox* m_kind;
    QTableView* m_table;
};

} // namespace ym
