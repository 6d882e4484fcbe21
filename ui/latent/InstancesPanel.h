#pragma once

#include "engine/WorkerState.h"
#include "latent/LedgerReader.h"

#include <QHash>
#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace ym {

class LedgerModel;

// The "Instances" tab: the latent instance ledger (newest first), open
// instances highlighted. Re-read through `reader` on Refresh, when shown,
// and (throttled) when workersChanged() reports a latent phase change.
class InstancesPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InstancesPanel)

public:
    static constexpr int Limit = 1000;      // ledger rows read
    static constexpr int ThrottleMs = 1000; // at most one read per second from changes

    explicit InstancesPanel(LedgerReader reader, QWidget* parent = nullptr);

    LedgerModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QPushButton* refreshButton() const { return m_refresh; }
    QCheckBox* openOnlyBox() const { return m_openOnly; }
    QString statusText() const;
    int readCount() const { return m_reads; } // reads started (tests)

public Q_SLOTS:
    // Reads the ledger now (or right after the read in flight).
    void refresh();
    // From Master::workersChanged: a latent worker's new phase schedules a read.
    void workersChanged(const QList<ym::WorkerState>& changed);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void scheduleRefresh();
    void onRead(const Result<LedgerRows>& rows);

    LedgerReader m_reader;
    LedgerModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table = nullptr;
    QPushButton* m_refresh = nullptr;
    QCheckBox* m_openOnly = nullptr;
    QLabel* m_status = nullptr;
    QTimer* m_throttle = nullptr;
    QHash<QString, LatentState::Phase> m_phases;
    bool m_reading = false;
    bool m_again = false;
    bool m_readOnce = false;
    int m_reads = 0;
};

} // namespace ym
