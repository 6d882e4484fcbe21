#include "workers/WorkersView.h"

#include "UiResources.h"
#include "engine/Master.h"
#include "latent/LatentText.h"
#include "workers/LatentActions.h"
#include "workers/WorkerCommand.h"
#include "workers/WorkerDialog.h"
#include "workers/WorkerTableModel.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace ym {

namespace {
constexpr int LifecycleTickMs = 1000;

// Runs `f` on the engine's thread (a queued call of its face).
template <typename F> void post(Master* master, F f)
{
    QMetaObject::invokeMethod(
        master, [master, f] { f(*master); }, Qt::QueuedConnection);
}
} // namespace

WorkersView::WorkersView(Master* master, WorkerTableModel* model, QWidget* parent)
    : QWidget(parent), m_master(master), m_model(model), m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("workers"));
    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(WorkerTableModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    buildActions();

    // Page 0: the welcome.
    auto* welcomePage = new QWidget(this);
    welcomePage->setObjectName(QStringLiteral("welcome"));
    auto* title = new QLabel(tr("<h2>Welcome to Yardmaster</h2>"), welcomePage);
    m_welcome = new QLabel(welcomePage);
    m_welcome->setWordWrap(true);
    m_welcome->setAlignment(Qt::AlignHCenter);
    m_welcome->setMinimumWidth(520);
    m_welcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* addButton =
        new QPushButton(uiIcon(QStringLiteral("worker-add")), tr("Add worker…"), welcomePage);
    addButton->setObjectName(QStringLiteral("welcomeAddWorker"));
    connect(addButton, &QPushButton::clicked, m_add, &QAction::trigger);
    auto* welcomeLayout = new QVBoxLayout(welcomePage);
    welcomeLayout->addStretch();
    welcomeLayout->addWidget(title, 0, Qt::AlignHCenter);
    welcomeLayout->addWidget(m_welcome, 0, Qt::AlignHCenter);
    welcomeLayout->addWidget(addButton, 0, Qt::AlignHCenter);
    welcomeLayout->addStretch(2);

    // Page 1: the table.
    auto* tablePage = new QWidget(this);
    m_filter = new QLineEdit(tablePage);
    m_filter->setObjectName(QStringLiteral("workerFilter"));
    m_filter->setPlaceholderText(tr("Filter workers (name, state, host, OS…)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    m_table = new QTableView(tablePage);
    m_table->setObjectName(QStringLiteral("workerTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(WorkerTableModel::Name, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    const std::pair<int, int> widths[] = {
        {WorkerTableModel::Name, 140},      {WorkerTableModel::State, 160},
        {WorkerTableModel::Lifecycle, 190}, {WorkerTableModel::Since, 150},
        {WorkerTableModel::Builds, 100},    {WorkerTableModel::Host, 110},
        {WorkerTableModel::Admin, 110},     {WorkerTableModel::Version, 70},
        {WorkerTableModel::Os, 180},        {WorkerTableModel::Keepalive, 80}};
    for (const auto& [column, width] : widths)
        m_table->setColumnWidth(column, width);
    connect(m_table, &QTableView::customContextMenuRequested, this, &WorkersView::showContextMenu);
    connect(m_table, &QTableView::doubleClicked, m_edit, &QAction::trigger);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &WorkersView::updateActions);
    auto* tableLayout = new QVBoxLayout(tablePage);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_filter);
    tableLayout->addWidget(m_table, 1);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(welcomePage);
    m_pages->addWidget(tablePage);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);

    connect(model, &WorkerTableModel::countsChanged, this, [this] {
        updatePage();
        updateActions();
        // The lifecycle column only while there are latent workers.
        m_table->setColumnHidden(WorkerTableModel::Lifecycle, m_model->latentCount() == 0);
    });
    m_table->setColumnHidden(WorkerTableModel::Lifecycle, m_model->latentCount() == 0);
    connect(model, &QAbstractItemModel::dataChanged, this, &WorkersView::updateActions);

    // Answers from the engine (queued: it lives on its own thread).
    connect(master, &Master::workerSaved, this, [this](quint64 ticket, const QString& error) {
        if (const auto it = m_saving.find(ticket); it != m_saving.end()) {
            const QPointer<WorkerDialog> dialog = *it;
            m_saving.erase(it);
            if (dialog)
                dialog->saveFinished(error);
            if (error.isEmpty() && dialog) {
                const WorkerEdit saved = dialog->edit();
                Q_EMIT message(tr("Worker %1 saved").arg(saved.config.name));
                if (saved.originalName.isEmpty())
                    showAdded(saved.config.name);
            }
        } else if (const auto r = m_removing.find(ticket); r != m_removing.end()) {
            const QString name = *r;
            m_removing.erase(r);
            if (error.isEmpty())
                Q_EMIT message(tr("Worker %1 removed").arg(name));
            else
                showError(tr("Remove worker"), error);
        }
    });
    connect(master, &Master::workerActionFailed, this,
            [this](const QString&, const QString& error) { showError(tr("Worker"), error); });
    connect(master, &Master::workerPassword, this,
            [this](const QString& name, const QByteArray& password, const QString& error) {
                if (!m_passwordWanted.remove(name))
                    return;
                if (!error.isEmpty()) {
                    showError(tr("Copy worker command"), error);
                    return;
                }
                QGuiApplication::clipboard()->setText(
                    createWorkerCommand(name, masterHostForWorkers(m_info), m_info.port, password));
                Q_EMIT message(tr("Command for %1 (with its password) copied").arg(name));
            });
    // Latent workers: the time in their phase ticks without engine traffic.
    m_tick = new QTimer(this);
    m_tick->setInterval(LifecycleTickMs);
    connect(m_tick, &QTimer::timeout, this, &WorkersView::tickLifecycle);
    m_tick->start();
    updatePage();
    updateActions();
}

void WorkersView::tickLifecycle()
{
    if (!m_table->isVisible() || m_proxy->rowCount() == 0)
        return;
    const int top = qMax(0, m_table->rowAt(0));
    int bottom = m_table->rowAt(m_table->viewport()->height() - 1);
    if (bottom < 0)
        bottom = m_proxy->rowCount() - 1;
    QList<int> rows;
    for (int r = top; r <= bottom; ++r) {
        const int source = m_proxy->mapToSource(m_proxy->index(r, 0)).row();
        if (source >= 0 && latent::lifecycleTicks(m_model->workerAt(source)))
            rows << source;
    }
    if (!rows.isEmpty())
        m_model->refreshLifecycle(rows);
}

void WorkersView::buildActions()
{
    const auto make = [this](const QString& icon, const QString& text, const QString& name) {
        auto* a = new QAction(uiIcon(icon), text, this);
        a->setObjectName(name);
        return a;
    };
    m_add = make(QStringLiteral("worker-add"), tr("&Add worker…"), QStringLiteral("addWorker"));
    m_add->setShortcut(QKeySequence::New);
    m_edit = make(QStringLiteral("worker-edit"), tr("&Edit worker…"), QStringLiteral("editWorker"));
    m_remove = make(QStringLiteral("worker-remove"), tr("&Remove worker…"),
                    QStringLiteral("removeWorker"));
    m_remove->setShortcut(QKeySequence::Delete);
    m_pause = make(QStringLiteral("pause"), tr("&Pause…"), QStringLiteral("pauseWorker"));
    m_pause->setToolTip(tr("Pause: the worker gets no new builds (running ones go on)"));
    m_unpause = make(QStringLiteral("resume"), tr("&Unpause"), QStringLiteral("unpauseWorker"));
    m_shutdown = make(QStringLiteral("shutdown"), tr("Graceful &shutdown…"),
                      QStringLiteral("shutdownWorker"));
    m_shutdown->setToolTip(tr("Let its running builds finish, then stop the worker process"));
    m_disconnect =
        make(QStringLiteral("disconnect"), tr("&Disconnect"), QStringLiteral("disconnectWorker"));
    m_disconnect->setToolTip(tr("Close the connection; the worker reconnects by itself"));
    m_copyCommand = make(QStringLiteral("copy"), tr("&Copy worker command"),
                         QStringLiteral("copyWorkerCommand"));
    m_copyCommand->setToolTip(tr("Copy the buildbot-worker create-worker command (without the "
                                 "password)"));
    m_copyWithPassword = make(QStringLiteral("copy"), tr("Copy worker command with &password"),
                              QStringLiteral("copyWorkerCommandWithPassword"));
    // Calls Master::startLatentWorker / stopLatentWorker by name (queued).
    m_latent = new LatentActions(m_master, this);

    connect(m_add, &QAction::triggered, this, [this] { openAddDialog(); });
    connect(m_edit, &QAction::triggered, this, [this] {
        if (!selectedWorker().isEmpty())
            openEditDialog(selectedWorker());
    });
    connect(m_remove, &QAction::triggered, this, [this] { confirmRemove(selectedWorker()); });
    connect(m_pause, &QAction::triggered, this, [this] { askPause(selectedWorker()); });
    connect(m_unpause, &QAction::triggered, this, [this] {
        const QString name = selectedWorker();
        post(m_master, [name](Master& m) { m.unpauseWorker(name); });
    });
    connect(m_shutdown, &QAction::triggered, this, [this] { confirmShutdown(selectedWorker()); });
    connect(m_disconnect, &QAction::triggered, this, [this] {
        const QString name = selectedWorker();
        post(m_master, [name](Master& m) { m.disconnectWorker(name, {}); });
    });
    connect(m_copyCommand, &QAction::triggered, this, [this] {
        const QString name = selectedWorker();
        QGuiApplication::clipboard()->setText(workerCommand(name));
        Q_EMIT message(
            tr("Command for %1 copied (put its password in place of PASSWORD)").arg(name));
    });
    connect(m_copyWithPassword, &QAction::triggered, this, [this] {
        const QString name = selectedWorker();
        m_passwordWanted.insert(name);
        post(m_master, [name](Master& m) { m.requestWorkerPassword(name); });
    });
}

QList<QAction*> WorkersView::workerActions() const
{
    return {m_add, m_edit, m_remove, m_pause, m_unpause, m_shutdown, m_disconnect, m_copyCommand};
}

QString WorkersView::selectedWorker() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(WorkerTableModel::NameRole).toString();
}

void WorkersView::selectWorker(const QString& name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_table->selectRow(index.row());
}

void WorkersView::updateActions()
{
    const QString name = selectedWorker();
    const int row = name.isEmpty() ? -1 : m_model->rowOf(name);
    const bool any = row >= 0;
    const bool connected = any && m_model->workerAt(row).phase != WorkerState::Phase::Disconnected;
    const bool paused = any && m_model->workerAt(row).paused;
    const bool running = m_haveInfo && m_info.running;
    m_add->setEnabled(running);
    m_edit->setEnabled(any && running);
    m_remove->setEnabled(any && running);
    m_pause->setEnabled(any && !paused);
    m_unpause->setEnabled(any && paused);
    m_shutdown->setEnabled(connected && !m_model->workerAt(row).shutdownRequested);
    m_disconnect->setEnabled(connected);
    m_copyCommand->setEnabled(any && m_info.port != 0);
    m_copyWithPassword->setEnabled(any && m_info.port != 0);
    m_latent->setWorker(any ? &m_model->workerAt(row) : nullptr);
}

bool WorkersView::showsWelcome() const
{
    return m_pages->currentIndex() == 0;
}

void WorkersView::updatePage()
{
    const bool none = m_model->rowCount() == 0 && (!m_haveInfo || m_info.config.workers.isEmpty());
    if (m_haveInfo && m_info.running)
        m_welcome->setText(
            tr("No workers yet. Add one, then run the command it gives on the worker's machine "
               "(workers connect to this master on port %1).")
                .arg(m_info.port));
    else
        m_welcome->setText(tr("No workers yet. The master is starting…"));
    m_pages->setCurrentIndex(none ? 0 : 1);
}

void WorkersView::setInfo(const MasterInfo& info)
{
    m_info = info;
    m_haveInfo = true;
    updatePage();
    updateActions();
}

QStringList WorkersView::namesExcept(const QString& name) const
{
    QStringList names;
    for (const WorkerConfig& w : m_info.config.workers)
        if (w.name != name)
            names << w.name;
    return names;
}

WorkerDialog* WorkersView::openAddDialog()
{
    WorkerEdit initial;
    return openDialog(initial);
}

WorkerDialog* WorkersView::openEditDialog(const QString& name)
{
    const WorkerConfig* w = m_info.config.findWorker(name);
    if (!w) {
        showError(tr("Edit worker"), tr("Worker %1 is not in the running config.").arg(name));
        return nullptr;
    }
    WorkerEdit initial;
    initial.originalName = name;
    initial.config = *w;
    return openDialog(initial);
}

WorkerDialog* WorkersView::openDialog(const WorkerEdit& initial)
{
    auto* dialog = new WorkerDialog(initial, namesExcept(initial.originalName), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &WorkerDialog::submitted, this, [this, dialog](WorkerEdit edit) {
        edit.ticket = m_nextTicket++;
        m_saving.insert(edit.ticket, dialog);
        post(m_master, [edit](Master& m) { m.saveWorker(edit); });
    });
    // Test connection: Master::testLatentConnection(quint64, ym::WorkerConfig),
    // called by name (queued); answered by Master::latentConnectionTested.
    connect(dialog, &WorkerDialog::testConnectionRequested, this,
            [this](quint64 ticket, const WorkerConfig& config) {
                QMetaObject::invokeMethod(m_master, "testLatentConnection", Qt::QueuedConnection,
                                          Q_ARG(quint64, ticket), Q_ARG(ym::WorkerConfig, config));
            });
    connect(m_master, &Master::latentConnectionTested, dialog, &WorkerDialog::connectionTested);
    dialog->open();
    return dialog;
}

void WorkersView::askPause(const QString& name)
{
    if (name.isEmpty())
        return;
    auto* ask = new QInputDialog(this);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    ask->setObjectName(QStringLiteral("pauseReason"));
    ask->setWindowTitle(tr("Pause worker %1").arg(name));
    ask->setLabelText(tr("Worker %1 gets no new builds until it is unpaused; running builds go "
                         "on.\nReason (optional):")
                          .arg(name));
    connect(ask, &QInputDialog::textValueSelected, this, [this, name](const QString& reason) {
        post(m_master, [name, reason](Master& m) { m.pauseWorker(name, reason.trimmed()); });
    });
    ask->open();
}

void WorkersView::confirmRemove(const QString& name)
{
    if (name.isEmpty())
        return;
    auto* box = new QMessageBox(QMessageBox::Question, tr("Remove worker"),
                                tr("Remove worker %1 from the config? It is disconnected and "
                                   "its stored password is deleted.")
                                    .arg(name),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmRemove"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [this, box, name](int) {
        if (box->clickedButton() != box->button(QMessageBox::Yes))
            return;
        const quint64 ticket = m_nextTicket++;
        m_removing.insert(ticket, name);
        post(m_master, [ticket, name](Master& m) { m.removeWorker(ticket, name); });
    });
    box->open();
}

void WorkersView::confirmShutdown(const QString& name)
{
    if (name.isEmpty())
        return;
    auto* box = new QMessageBox(QMessageBox::Question, tr("Graceful shutdown"),
                                tr("Shut down worker %1? It gets no new builds; once its running "
                                   "builds end, its process stops and must be started again on "
                                   "its machine.")
                                    .arg(name),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmShutdown"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, name](int) {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            post(m_master, [name](Master& m) { m.shutdownWorker(name); });
    });
    box->open();
}

void WorkersView::showAdded(const QString& name)
{
    selectWorker(name);
    auto* box = new QMessageBox(
        QMessageBox::Information, tr("Worker %1 added").arg(name),
        tr("On the worker's machine (Debian package buildbot-worker), run this with the "
           "password you chose, then start it with \"buildbot-worker start %1\":")
            .arg(name),
        QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("workerAdded"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(workerCommand(name));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPushButton* copy = box->addButton(tr("Copy command"), QMessageBox::ActionRole);
    connect(copy, &QPushButton::clicked, this,
            [this, name] { QGuiApplication::clipboard()->setText(workerCommand(name)); });
    box->open();
}

void WorkersView::showError(const QString& title, const QString& text)
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("workerError"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QString WorkersView::workerCommand(const QString& name) const
{
    return createWorkerCommand(name, masterHostForWorkers(m_info), m_info.port, std::nullopt);
}

void WorkersView::showContextMenu(const QPoint& pos)
{
    const QModelIndex index = m_table->indexAt(pos);
    if (index.isValid())
        m_table->selectRow(index.row());
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("workerMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(m_add);
    if (index.isValid()) {
        menu->addAction(m_edit);
        menu->addAction(m_remove);
        menu->addSeparator();
        menu->addAction(m_pause);
        menu->addAction(m_unpause);
        menu->addAction(m_shutdown);
        menu->addAction(m_disconnect);
        menu->addSeparator();
        menu->addAction(m_copyCommand);
        menu->addAction(m_copyWithPassword);
        const int row = m_model->rowOf(index.data(WorkerTableModel::NameRole).toString());
        if (row >= 0 && m_model->workerAt(row).latent) {
            menu->addSeparator();
            menu->addAction(m_latent->startAction());
            menu->addAction(m_latent->stopAction());
        }
    }
    menu->popup(m_table->viewport()->mapToGlobal(pos));
}

} // namespace ym
