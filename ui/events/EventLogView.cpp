#include "events/EventLogView.h"

#include "events/EventLogModel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace ym {

EventLogView::EventLogView(EventLogModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_kindProxy(new QSortFilterProxyModel(this)),
      m_proxy(new QSortFilterProxyModel(this)), m_filter(new QLineEdit(this)),
      m_kind(new QComboBox(this)), m_table(new QTableView(this))
{
    setObjectName(QStringLiteral("eventLog"));
    m_kindProxy->setSourceModel(model);
    m_kindProxy->setFilterKeyColumn(EventLogModel::Kind);
    m_kindProxy->setFilterRole(EventLogModel::KindRole);
    m_proxy->setSourceModel(m_kindProxy);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(EventLogModel::SortRole);

    m_filter->setObjectName(QStringLiteral("eventFilter"));
    m_filter->setPlaceholderText(tr("Filter events (worker, peer, message)…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_kind->setObjectName(QStringLiteral("eventKind"));
    m_kind->addItem(tr("All events"), -1);
    using K = EngineEvent::Kind;
    for (K k :
         {K::Attached, K::Detached, K::Refused, K::Duplicate, K::KeepaliveFailed, K::ProtocolError,
          K::ConfigReloaded, K::ConfigRejected, K::Started, K::Stopped, K::Administered,
          K::SecretError, K::WorkerMissing, K::MailSent, K::MailFailed, K::Latent, K::LatentFailed})
        m_kind->addItem(EventLogModel::kindText(k), int(k));
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] { applyKind(); });

    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(EventLogModel::Time, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(EventLogModel::Message, QHeaderView::Stretch);
    m_table->setColumnWidth(EventLogModel::Time, 150);
    m_table->setColumnWidth(EventLogModel::Kind, 130);
    m_table->setColumnWidth(EventLogModel::Worker, 120);
    m_table->setColumnWidth(EventLogModel::Peer, 140);
    m_table->setColumnWidth(EventLogModel::Count, 60);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_kind);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
}

void EventLogView::applyKind()
{
    const int kind = m_kind->currentData().toInt();
    m_kindProxy->setFilterRegularExpression(kind < 0 ? QString()
                                                     : QStringLiteral("^%1$").arg(kind));
}

} // namespace ym
