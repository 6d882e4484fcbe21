#include "builds/BuildsPanel.h"

#include "builds/BuildersModel.h"
#include "builds/BuildsModel.h"
#include "builds/ForceBuildDialog.h"
#include "builds/LogViewer.h"
#include "engine/Master.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace ym::ui {

namespace {

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setModel(model);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->setWordWrap(false);
    return view;
}

QWidget* titled(const QString& title, QWidget* content, QWidget* extra, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* head = new QHBoxLayout;
    auto* label = new QLabel(title, box);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    head->addWidget(label, 1);
    if (extra)
        head->addWidget(extra);
    layout->addLayout(head);
    layout->addWidget(content, 1);
    return box;
}

} // namespace

BuildsPanel::BuildsPanel(Master* master, QWidget* parent) : QWidget(parent), m_master(master)
{
    m_builders = new BuildersModel(this);
    m_buildersProxy = new QSortFilterProxyModel(this);
    m_buildersProxy->setSourceModel(m_builders);
    m_buildersProxy->setSortRole(BuildersModel::SortRole);
    m_buildersView = makeTable(m_buildersProxy, this);
    m_buildersView->setObjectName(u"builders"_s);
    m_buildersView->sortByColumn(BuildersModel::Name, Qt::AscendingOrder);

    m_builds = new BuildsModel(this);
    m_buildsProxy = new QSortFilterProxyModel(this);
    m_buildsProxy->setSourceModel(m_builds);
    m_buildsProxy->setSortRole(BuildsModel::SortRole);
    m_buildsView = makeTable(m_buildsProxy, this);
    m_buildsView->setObjectName(u"builds"_s);
    m_buildsView->sortByColumn(BuildsModel::Requested, Qt::DescendingOrder);
    const QFontMetrics fm = fontMetrics();
    const int timeWidth = fm.horizontalAdvance(u"2026-12-31 23:59:59"_s) + 16;
    const QList<std::pair<int, int>> buildWidths{
        {BuildsModel::Builder, fm.horizontalAdvance(u"nightly-build"_s)},
        {BuildsModel::Number, fm.horizontalAdvance(u"Number"_s) + 16},
        {BuildsModel::Worker, fm.horizontalAdvance(u"worker-name"_s)},
        {BuildsModel::Status, fm.horizontalAdvance(u"cancelled"_s) + 24},
        {BuildsModel::Requested, timeWidth},
        {BuildsModel::Started, timeWidth},
        {BuildsModel::Duration, fm.horizontalAdvance(u"59 min 59 s"_s) + 16},
        {BuildsModel::Step, fm.horizontalAdvance(u"compile-all"_s)}};
    for (const auto& [column, width] : buildWidths)
        m_buildsView->setColumnWidth(column, width);
    m_buildersView->setColumnWidth(BuildersModel::Name, fm.horizontalAdvance(u"nightly-build"_s));
    m_buildersView->setColumnWidth(BuildersModel::Workers, fm.horizontalAdvance(u"worker-name"_s));
    m_buildersView->setColumnWidth(BuildersModel::Steps, fm.horizontalAdvance(u"Steps"_s) + 24);

    m_forceAction = new QAction(tr("&Force build…"), this);
    m_forceAction->setObjectName(u"forceBuild"_s);
    m_forceAction->setToolTip(tr("Queue a build of the selected builder"));
    m_forceAction->setEnabled(false);
    auto* forceButton = new QToolButton(this);
    forceButton->setDefaultAction(m_forceAction);
    forceButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_buildersView->addAction(m_forceAction);
    m_buildersView->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_log = new LogViewer(master, this);
    m_log->setObjectName(u"logViewer"_s);

    m_message = new QLabel(this);
    m_message->setObjectName(u"message"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    auto* lists = new QSplitter(Qt::Horizontal, this);
    lists->addWidget(titled(tr("Builders"), m_buildersView, forceButton, lists));
    lists->addWidget(titled(tr("Builds"), m_buildsView, nullptr, lists));
    lists->setStretchFactor(0, 1);
    lists->setStretchFactor(1, 3);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(lists);
    split->addWidget(m_log);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(m_message);

    connect(m_buildersView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_forceAction->setEnabled(!selectedBuilder().isEmpty()); });
    connect(m_forceAction, &QAction::triggered, this, [this] {
        if (const QString b = selectedBuilder(); !b.isEmpty())
            openForceBuildDialog(b);
    });
    connect(m_buildersView, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
        openForceBuildDialog(i.data(BuildersModel::NameRole).toString());
    });
    connect(m_buildsView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &BuildsPanel::buildSelectionChanged);
    connect(m_log, &LogViewer::stopRequested, this, [this](qint64 id, const QString& reason) {
        Master* m = m_master;
        QMetaObject::invokeMethod(
            m, [m, id, reason] { m->requestStop(id, reason); }, Qt::QueuedConnection);
        showMessage(tr("Stopping build %1…").arg(id), false);
    });
    connect(m_log, &LogViewer::cancelRequested, this, [this](qint64 id, const QString& reason) {
        Master* m = m_master;
        QMetaObject::invokeMethod(
            m, [m, id, reason] { m->requestCancel(id, reason); }, Qt::QueuedConnection);
        showMessage(tr("Cancelling build request %1…").arg(id), false);
    });

    connect(master, &Master::buildersChanged, this,
            [this](const QList<BuilderInfo>& b) { m_builders->setBuilders(b); });
    connect(master, &Master::buildChanged, this, &BuildsPanel::onBuildChanged);
    connect(master, &Master::buildRequestFailed, this, [this](const QString& error) {
        m_forcedBuilders.clear();
        showMessage(tr("The engine refused: %1").arg(error), true);
    });
    connect(master, &Master::started, this, [this](bool ok) {
        if (ok)
            load();
    });
    m_durations.setInterval(1000);
    connect(&m_durations, &QTimer::timeout, m_builds, &BuildsModel::refreshDurations);
    m_durations.start();
    load(); // the engine may already run
}

BuildsPanel::~BuildsPanel() = default;

void BuildsPanel::load()
{
    m_master->readBuilders(
        this, [this](QList<BuilderInfo> builders) { m_builders->setBuilders(builders); });
    m_master->readBuilds(HistoryLimit, this, [this](Result<QList<BuildInfo>> r) {
        if (!r.ok())
            return; // not running yet: started() loads again
        m_builds->mergeHistory(r.value());
        for (const BuildInfo& b : r.value())
            m_builders->noteBuild(b);
    });
}

void BuildsPanel::onBuildChanged(const BuildInfo& build)
{
    m_builds->applyLive(build);
    m_builders->noteBuild(build);
    m_log->updateBuild(build);
    if (build.state == BuildInfo::State::Queued && m_forcedBuilders.removeOne(build.builder)) {
        showMessage(tr("Build of %1 queued.").arg(build.builder), false);
        selectBuildRow(m_builds->rowOfQueuedRequest(build.requestId));
    }
}

QString BuildsPanel::message() const
{
    return m_message->text();
}

void BuildsPanel::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? u"color: #c62828;"_s : QString());
    m_message->show();
}

QString BuildsPanel::selectedBuilder() const
{
    const QModelIndexList rows = m_buildersView->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(BuildersModel::NameRole).toString();
}

void BuildsPanel::selectBuilder(const QString& builder)
{
    const int row = m_builders->rowOf(builder);
    if (row < 0)
        return;
    const QModelIndex i = m_buildersProxy->mapFromSource(m_builders->index(row, 0));
    m_buildersView->selectionModel()->select(i, QItemSelectionModel::ClearAndSelect |
                                                    QItemSelectionModel::Rows);
    m_buildersView->scrollTo(i);
}

ForceBuildDialog* BuildsPanel::openForceBuildDialog(const QString& builder)
{
    ForceBuildOptions initial;
    initial.builder = builder;
    auto* dialog = new ForceBuildDialog(initial, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const ForceBuildOptions o = dialog->options();
        m_forcedBuilders << o.builder;
        Master* m = m_master;
        QMetaObject::invokeMethod(
            m, [m, o] { m->requestBuild(o.builder, o.reason, o.properties); },
            Qt::QueuedConnection);
        showMessage(tr("Forcing a build of %1…").arg(o.builder), false);
    });
    dialog->open();
    return dialog;
}

void BuildsPanel::selectBuild(qint64 buildId)
{
    selectBuildRow(m_builds->rowOfBuild(buildId));
}

void BuildsPanel::selectBuildRow(int sourceRow)
{
    if (sourceRow < 0)
        return;
    const QModelIndex i = m_buildsProxy->mapFromSource(m_builds->index(sourceRow, 0));
    m_buildsView->selectionModel()->select(i, QItemSelectionModel::ClearAndSelect |
                                                  QItemSelectionModel::Rows);
    m_buildsView->scrollTo(i);
}

void BuildsPanel::buildSelectionChanged()
{
    const QModelIndexList rows = m_buildsView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const QModelIndex source = m_buildsProxy->mapToSource(rows.first());
    m_log->showBuild(m_builds->build(source.row()));
}

} // namespace ym::ui
