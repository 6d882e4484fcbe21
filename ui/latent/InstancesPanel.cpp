#include "latent/InstancesPanel.h"

#include "latent/LedgerModel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace ym {

namespace {
// Shows every row, or only the open instances.
class OpenFilter final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setOpenOnly(bool on)
    {
        m_openOnly = on;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        if (m_openOnly &&
            !sourceModel()->index(row, 0, parent).data(LedgerModel::OpenRole).toBool())
            return false;
        return QSortFilterProxyModel::filterAcceptsRow(row, parent);
    }

private:
    bool m_openOnly = false;
};
} // namespace

InstancesPanel::InstancesPanel(LedgerReader reader, QWidget* parent)
    : QWidget(parent), m_reader(std::move(reader)), m_model(new LedgerModel(this)),
      m_proxy(new OpenFilter(this)), m_throttle(new QTimer(this))
{
    setObjectName(QStringLiteral("instances"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(LedgerModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_refresh = new QPushButton(tr("&Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("refreshInstances"));
    connect(m_refresh, &QPushButton::clicked, this, &InstancesPanel::refresh);
    m_openOnly = new QCheckBox(tr("Open instances only"), this);
    m_openOnly->setObjectName(QStringLiteral("openOnly"));
    m_openOnly->setToolTip(tr("Starting, running, stopping, or whose stop failed"));
    connect(m_openOnly, &QCheckBox::toggled, this,
            [this](bool on) { static_cast<OpenFilter*>(m_proxy)->setOpenOnly(on); });
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("instancesStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_refresh);
    bar->addWidget(m_openOnly);
    bar->addWidget(m_status, 1);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("instanceTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(LedgerModel::Requested, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(LedgerModel::Instance, 160);
    for (int c : {int(LedgerModel::Requested), int(LedgerModel::Started),
                  int(LedgerModel::Attached), int(LedgerModel::Stopped)})
        m_table->setColumnWidth(c, 150);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    m_throttle->setSingleShot(true);
    m_throttle->setInterval(ThrottleMs);
    connect(m_throttle, &QTimer::timeout, this, &InstancesPanel::refresh);
    m_status->setText(tr("Not read yet."));
}

QString InstancesPanel::statusText() const
{
    return m_status->text();
}

void InstancesPanel::refresh()
{
    m_throttle->stop();
    if (m_reading) {
        m_again = true;
        return;
    }
    if (!m_reader)
        return;
    m_reading = true;
    m_again = false;
    ++m_reads;
    m_reader(Limit, this, [this](Result<LedgerRows> rows) { onRead(rows); });
}

void InstancesPanel::onRead(const Result<LedgerRows>& rows)
{
    m_reading = false;
    m_readOnce = true;
    if (!rows.ok()) {
        m_status->setText(tr("Could not read the ledger: %1").arg(rows.error().message));
    } else {
        m_model->setRecords(rows.value());
        m_status->setText(m_model->rowCount() == 0
                              ? tr("No latent worker instances yet.")
                              : tr("%n instance(s), %1 open", nullptr, m_model->rowCount())
                                    .arg(m_model->openCount()));
    }
    if (m_again)
        scheduleRefresh();
}

void InstancesPanel::scheduleRefresh()
{
    if (!m_throttle->isActive())
        m_throttle->start();
}

void InstancesPanel::workersChanged(const QList<WorkerState>& changed)
{
    bool moved = false;
    for (const WorkerState& w : changed) {
        if (!w.latent) {
            m_phases.remove(w.name);
            continue;
        }
        const auto it = m_phases.find(w.name);
        if (it == m_phases.end() || *it != w.latent->phase) {
            m_phases.insert(w.name, w.latent->phase);
            moved = true;
        }
    }
    if (!moved)
        return;
    if (m_reading)
        m_again = true;
    else
        scheduleRefresh();
}

void InstancesPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (!m_readOnce && !m_reading)
        refresh();
}

} // namespace ym
