#include "MainWindow.h"

#include "builds/BuildsPanel.h"

#include "UiResources.h"
#include "engine/Master.h"
#include "events/EventLogModel.h"
#include "events/EventLogView.h"
#include "latent/InstancesPanel.h"
#include "latent/LedgerReader.h"
#include "workers/LatentActions.h"
#include "workers/WorkerCommand.h"
#include "workers/WorkerTableModel.h"
#include "workers/WorkersView.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace ym {

namespace {
constexpr int ClockMs = 15000; // relative times ("3 min ago") are repainted this often
constexpr int StatusMessageMs = 5000;
} // namespace

MainWindow::MainWindow(Master* master, QWidget* parent)
    : QMainWindow(parent), m_master(master), m_workers(new WorkerTableModel(this)),
      m_events(new EventLogModel(this)), m_tabs(new QTabWidget(this)),
      m_workersView(new WorkersView(master, m_workers, m_tabs)),
      m_eventView(new EventLogView(m_events, m_tabs)), m_banner(new QLabel(this)),
      m_listen(new QLabel(this)), m_connected(new QLabel(this)), m_builds(new QLabel(this)),
      m_clock(new QTimer(this))
{
    initUiResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Yardmaster"));
    setWindowIcon(uiIcon(QStringLiteral("yardmaster")));

    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_workersView, uiIcon(QStringLiteral("state-connected")), tr("&Workers"));
    m_tabs->addTab(m_eventView, tr("&Event log"));
    // Builders, builds and their logs (ui/builds).
    addPanel(new ui::BuildsPanel(master, m_tabs), tr("&Builds"));
    // The latent instance ledger, read through Master::readLedger.
    auto* instances = new InstancesPanel(masterLedgerReader(master), m_tabs);
    addPanel(instances, tr("&Instances"));
    connect(master, &Master::workersChanged, instances, &InstancesPanel::workersChanged);

    m_banner->setObjectName(QStringLiteral("banner"));
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral(
        "background: #fce8e6; color: #a50e0e; padding: 8px; border: 1px solid #f28b82;"));
    m_banner->hide();
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    QToolBar* toolbar = addToolBar(tr("Workers"));
    toolbar->setObjectName(QStringLiteral("workerToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addActions(m_workersView->workerActions());

    QMenu* file = menuBar()->addMenu(tr("&Master"));
    QAction* reload = file->addAction(tr("&Reload config"));
    reload->setObjectName(QStringLiteral("reloadConfig"));
    connect(reload, &QAction::triggered, this,
            [this] { QMetaObject::invokeMethod(m_master, &Master::reload, Qt::QueuedConnection); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    QMenu* workers = menuBar()->addMenu(tr("W&orker"));
    workers->addActions(m_workersView->workerActions());
    workers->addAction(m_workersView->copyCommandWithPasswordAction());
    workers->addSeparator();
    workers->addAction(m_workersView->latentActions()->startAction());
    workers->addAction(m_workersView->latentActions()->stopAction());

    m_listen->setObjectName(QStringLiteral("listenStatus"));
    m_connected->setObjectName(QStringLiteral("workersStatus"));
    m_builds->setObjectName(QStringLiteral("buildsStatus"));
    statusBar()->addPermanentWidget(m_listen);
    statusBar()->addPermanentWidget(m_connected);
    statusBar()->addPermanentWidget(m_builds);
    m_listen->setText(tr("Starting…"));
    updateCounts();

    connect(m_workersView, &WorkersView::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, StatusMessageMs); });
    connect(m_workers, &WorkerTableModel::countsChanged, this, &MainWindow::updateCounts);
    m_clock->setInterval(ClockMs);
    connect(m_clock, &QTimer::timeout, m_workers, &WorkerTableModel::refreshTimes);
    m_clock->start();

    // The engine's face: queued signals carrying snapshots.
    connect(master, &Master::workersChanged, m_workers, &WorkerTableModel::apply);
    connect(master, &Master::workerRemoved, m_workers, &WorkerTableModel::remove);
    connect(master, &Master::eventLogged, m_events, &EventLogModel::append);
    connect(master, &Master::eventHistory, m_events, &EventLogModel::mergeHistory);
    connect(master, &Master::infoChanged, this, &MainWindow::onInfo);
    connect(master, &Master::started, this, &MainWindow::onStarted);
    connect(master, &Master::reloaded, this, [this](bool ok, const QStringList& messages) {
        QMetaObject::invokeMethod(m_master, &Master::requestInfo, Qt::QueuedConnection);
        statusBar()->showMessage(ok ? tr("Config reloaded")
                                    : tr("Config reload refused: %1").arg(messages.join(u' ')),
                                 StatusMessageMs * 2);
    });
    connect(master, &Master::buildChanged, this, &MainWindow::updateCounts);
    connect(master, &Master::stopped, this, [this] {
        m_info.running = false;
        m_listen->setText(tr("Master stopped"));
    });
    requestState(); // when the engine runs already (otherwise started() asks again)
    resize(1100, 640);
}

int MainWindow::addPanel(QWidget* panel, const QString& title)
{
    return addPanel(panel, QIcon(), title);
}

int MainWindow::addPanel(QWidget* panel, const QIcon& icon, const QString& title)
{
    return m_tabs->insertTab(m_tabs->indexOf(m_eventView), panel, icon, title);
}

void MainWindow::requestState()
{
    QMetaObject::invokeMethod(m_master, &Master::requestInfo, Qt::QueuedConnection);
    QMetaObject::invokeMethod(m_master, &Master::requestEventHistory, Qt::QueuedConnection);
    QMetaObject::invokeMethod(m_master, &Master::requestWorkers, Qt::QueuedConnection);
}

void MainWindow::onStarted(bool ok, const QStringList& errors)
{
    if (!ok) {
        m_banner->setText(tr("The master did not start:\n%1").arg(errors.join(u'\n')));
        m_banner->show();
        m_listen->setText(tr("Not running"));
        return;
    }
    m_banner->hide();
    QMetaObject::invokeMethod(m_master, &Master::requestInfo, Qt::QueuedConnection);
    QMetaObject::invokeMethod(m_master, &Master::requestEventHistory, Qt::QueuedConnection);
}

void MainWindow::onInfo(const MasterInfo& info)
{
    m_info = info;
    m_workersView->setInfo(info);
    const QString title = info.config.master.title;
    setWindowTitle(title.isEmpty() || title == u"Yardmaster" ? tr("Yardmaster")
                                                             : tr("%1 — Yardmaster").arg(title));
    if (!info.running)
        m_listen->setText(tr("Not running"));
    else if (info.port == 0)
        m_listen->setText(tr("Not listening for workers"));
    else
        m_listen->setText(
            tr("Listening on %1:%2")
                .arg(info.listenAddress.isEmpty() ? tr("all interfaces") : info.listenAddress)
                .arg(info.port));
    m_listen->setToolTip(tr("Workers connect to %1:%2\nConfig: %3")
                             .arg(masterHostForWorkers(info))
                             .arg(info.port)
                             .arg(info.configPath));
    updateCounts();
}

void MainWindow::updateCounts()
{
    const int total = qMax(m_workers->rowCount(), int(m_info.config.workers.size()));
    m_connected->setText(
        tr("%1 / %2 workers connected").arg(m_workers->connectedCount()).arg(total));
    m_builds->setText(tr("%n build(s) running", nullptr, m_workers->runningBuilds()));
}

QString MainWindow::listenText() const
{
    return m_listen->text();
}

QString MainWindow::workersText() const
{
    return m_connected->text();
}

QString MainWindow::buildsText() const
{
    return m_builds->text();
}

QString MainWindow::bannerText() const
{
    return m_banner->isVisible() || !m_banner->isHidden() ? m_banner->text() : QString();
}

} // namespace ym
