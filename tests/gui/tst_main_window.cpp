// The main window on a real engine thread with a real buildbot-worker 3.7:
// the first-run welcome, a row that turns connected and, after kill -9,
// disconnected; pause (no new builds) and unpause, disconnect, graceful
// shutdown, "Copy worker command", the status bar.
#include "GuiTestSupport.h"

#include "EngineThread.h"
#include "MainWindow.h"
#include "builds/BuildsPanel.h"
#include "engine/Master.h"
#include "events/EventLogModel.h"
#include "latent/InstancesPanel.h"
#include "latent/LedgerModel.h"
#include "support/MasterProcess.h"
#include "workers/LatentActions.h"
#include "workers/LatentFields.h"
#include "workers/WorkerCommand.h"
#include "workers/WorkerDialog.h"
#include "workers/WorkerTableModel.h"
#include "workers/WorkersView.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QInputDialog>
#include <QJsonArray>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ym;

namespace {
constexpr int EngineTimeoutMs = 30000;
constexpr int AttachTimeoutMs = 60000;
constexpr int BuildTimeoutMs = 120000;

QJsonObject workerJson(const QString& name)
{
    return QJsonObject{{u"name"_s, name},
                       {u"password"_s, QJsonObject{{u"secret"_s, u"worker/"_s + name}}}};
}

QJsonObject echoBuilder(const QString& name, const QString& worker)
{
    return QJsonObject{
        {u"name"_s, name},
        {u"workernames"_s, QJsonArray{worker}},
        {u"steps"_s, QJsonArray{QJsonObject{{u"type"_s, u"shell"_s},
                                            {u"name"_s, u"hello"_s},
                                            {u"command"_s, QJsonArray{u"echo"_s, u"hi"_s}}}}}};
}

struct Window
{
    EngineThread engine;
    MainWindow window;

    explicit Window(const QString& configPath) : engine(configPath), window(engine.master())
    {
        window.show();
        engine.start();
    }
    WorkersView* view() const { return window.workersView(); }
    WorkerTableModel* model() const { return window.workerModel(); }
    const WorkerState* worker(const QString& name) const
    {
        const int row = model()->rowOf(name);
        return row < 0 ? nullptr : &model()->workerAt(row);
    }
    bool phaseIs(const QString& name, WorkerState::Phase phase) const
    {
        const WorkerState* w = worker(name);
        return w && w->phase == phase;
    }
    bool running() const { return view()->info().running; }
    quint16 port() const { return view()->info().port; }
};
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstRunShowsWelcome();
    void addPanelAddsATab();
    void latentWorkerRowAndActions();
    void testConnectionThroughTheEngine();
    void consoleStartsAndStopsARealInstance();
    void realWorkerConnectsAndDisconnects();
    void pauseHoldsBuildsAndUnpauseRunsThem();
    void disconnectAndGracefulShutdown();
};

void TestMainWindow::firstRunShowsWelcome()
{
    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.write(QJsonObject{}));
    Window w(cfg.configPath());
    QTRY_VERIFY_WITH_TIMEOUT(w.running(), EngineTimeoutMs);
    QVERIFY(w.view()->showsWelcome());
    QTRY_COMPARE(w.window.listenText(), u"Listening on 127.0.0.1:%1"_s.arg(w.port()));
    QCOMPARE(w.window.workersText(), u"0 / 0 workers connected"_s);
    QCOMPARE(w.window.buildsText(), u"0 build(s) running"_s);
    auto* add = w.view()->findChild<QPushButton*>(u"welcomeAddWorker"_s);
    QVERIFY(add && add->isVisible());
    QTest::mouseClick(add, Qt::LeftButton);
    auto* dialog = w.view()->findChild<WorkerDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->windowTitle(), u"Add worker"_s);
    dialog->reject();
    // The event log got the start.
    QTRY_VERIFY(w.window.eventModel()->rowCount() > 0);
}

void TestMainWindow::addPanelAddsATab()
{
    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.write(QJsonObject{}));
    Window w(cfg.configPath());
    // Built in: workers, builds (ui/builds), instances (ui/latent), the event log.
    QCOMPARE(w.window.tabs()->count(), 4);
    QCOMPARE(w.window.tabs()->tabText(0), u"&Workers"_s);
    QCOMPARE(w.window.tabs()->tabText(1), u"&Builds"_s);
    QVERIFY(qobject_cast<ym::ui::BuildsPanel*>(w.window.tabs()->widget(1)) != nullptr);
    QCOMPARE(w.window.tabs()->tabText(2), u"&Instances"_s);
    QVERIFY(qobject_cast<ym::InstancesPanel*>(w.window.tabs()->widget(2)) != nullptr);
    auto* panel = new QWidget;
    const int index = w.window.addPanel(panel, u"More"_s);
    QCOMPARE(w.window.tabs()->widget(index), panel);
    QCOMPARE(w.window.tabs()->tabText(index), u"More"_s);
    QCOMPARE(w.window.tabs()->count(), 5);
    QCOMPARE(w.window.tabs()->tabText(4), u"&Event log"_s); // the log stays last
}

// A latent worker's row: the lifecycle cell repaints once a second (visible
// rows only), the Start/Stop instance actions follow its phase, and the calls
// the console makes by name exist on the engine's face.
void TestMainWindow::latentWorkerRowAndActions()
{
    for (const char* slot : {"startLatentWorker(QString)", "stopLatentWorker(QString,bool)",
                             "testLatentConnection(quint64,ym::WorkerConfig)"})
        QVERIFY2(Master::staticMetaObject.indexOfMethod(
                     QMetaObject::normalizedSignature(slot).constData()) >= 0,
                 slot);
    QVERIFY(Master::staticMetaObject.indexOfSignal(
                QMetaObject::normalizedSignature("latentConnectionTested(quint64,QString,QString)")
                    .constData()) >= 0);

    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.write(QJsonObject{}));
    Window w(cfg.configPath());
    QTRY_VERIFY_WITH_TIMEOUT(w.running(), EngineTimeoutMs);
    WorkerState vm;
    vm.name = u"vm"_s;
    LatentState l;
    l.phase = LatentState::Phase::WaitingForAttach;
    l.phaseSince = QDateTime::currentDateTimeUtc().addSecs(-12);
    vm.latent = l;
    WorkerState plain;
    plain.name = u"plain"_s;
    w.model()->apply({plain});
    QTRY_VERIFY(!w.view()->showsWelcome());
    // No latent worker: no lifecycle column.
    QVERIFY(w.view()->table()->isColumnHidden(WorkerTableModel::Lifecycle));
    w.model()->apply({vm});
    QVERIFY(!w.view()->table()->isColumnHidden(WorkerTableModel::Lifecycle));
    QTRY_VERIFY(w.view()->table()->isVisible());
    const QModelIndex cell =
        w.model()->index(w.model()->rowOf(u"vm"_s), WorkerTableModel::Lifecycle);
    QVERIFY2(cell.data().toString().startsWith(u"waiting for attach · "_s),
             qPrintable(cell.data().toString()));
    QCOMPARE(w.model()
                 ->index(w.model()->rowOf(u"plain"_s), WorkerTableModel::Lifecycle)
                 .data()
                 .toString(),
             QString());
    // The tick repaints the latent row's lifecycle cell only.
    QSignalSpy changes(w.model(), &QAbstractItemModel::dataChanged);
    w.view()->tickLifecycle();
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.first().at(0).value<QModelIndex>().row(), w.model()->rowOf(u"vm"_s));
    QCOMPARE(changes.first().at(0).value<QModelIndex>().column(), int(WorkerTableModel::Lifecycle));
    QTRY_VERIFY_WITH_TIMEOUT(changes.size() >= 3, 30000); // the view's own 1 s timer

    // The actions follow the selection.
    LatentActions* actions = w.view()->latentActions();
    w.view()->selectWorker(u"plain"_s);
    QVERIFY(!actions->startAction()->isVisible());
    w.view()->selectWorker(u"vm"_s);
    QVERIFY(actions->startAction()->isVisible());
    QVERIFY(!actions->startAction()->isEnabled());
    QVERIFY(actions->stopAction()->isEnabled());
    vm.latent->phase = LatentState::Phase::Stopped;
    w.model()->apply({vm});
    QVERIFY(actions->startAction()->isEnabled());
    QVERIFY(!actions->stopAction()->isEnabled());
    // The queued call by name reaches the face (the engine refuses: no such worker).
    QTest::failOnWarning(QRegularExpression(u"No such method"_s));
    actions->startAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.view()->findChild<QMessageBox*>(u"workerError"_s) != nullptr,
                             EngineTimeoutMs);
}

// The worker dialog's Test connection goes to the engine
// (Master::testLatentConnection, called by name) and its answer comes back to
// that dialog (libvirt's test driver: no daemon needed).
void TestMainWindow::testConnectionThroughTheEngine()
{
    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.write(QJsonObject{}));
    Window w(cfg.configPath());
    QTRY_VERIFY_WITH_TIMEOUT(w.running(), EngineTimeoutMs);
    QTest::failOnWarning(QRegularExpression(u"No such method|unregistered"_s));
    WorkerDialog* dialog = w.view()->openAddDialog();
    QVERIFY(dialog);
    dialog->findChild<QComboBox*>(u"workerType"_s)->setCurrentIndex(1);
    dialog->findChild<QLineEdit*>(u"connection"_s)->setText(u"test:///default"_s);
    auto* test = dialog->findChild<QPushButton*>(u"testConnection"_s);
    QVERIFY(test && test->isEnabled());
    test->click();
    QVERIFY(dialog->latentFields()->isTesting());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->latentFields()->isTesting(), EngineTimeoutMs);
    const QString answer = dialog->latentFields()->testResultText();
    QVERIFY2(!answer.isEmpty() && !answer.startsWith(u"Connection failed"_s), qPrintable(answer));
    QVERIFY(test->isEnabled());
    dialog->reject();
}

// The console's Start instance / Stop instance reach the real engine, which
// starts and stops a transient domain on libvirt's in-process test driver;
// the phase comes back into the worker table and the ledger into the
// Instances tab.
void TestMainWindow::consoleStartsAndStopsARealInstance()
{
    ymtest::ConsoleConfig cfg;
    const QString name = u"vm-gui"_s;
    const QString xml = u"<domain type='test'><name>vm-gui</name><memory>65536</memory>"
                        u"<os><type>hvm</type></os></domain>"_s;
    const QJsonObject worker{
        {u"name"_s, name},
        {u"password"_s, u"gui-latent-pw"_s},
        {u"type"_s, u"libvirt"_s},
        {u"build_wait_timeout"_s, -1},
        {u"libvirt"_s, QJsonObject{{u"connection"_s, u"test:///default"_s}, {u"xml"_s, xml}}}};
    QVERIFY(cfg.write(QJsonObject{{u"workers"_s, QJsonArray{worker}}}));
    Window w(cfg.configPath());
    QTRY_VERIFY_WITH_TIMEOUT(w.running(), EngineTimeoutMs);
    auto phase = [&] {
        const WorkerState* s = w.worker(name);
        return s && s->latent ? std::optional<LatentState::Phase>(s->latent->phase) : std::nullopt;
    };
    QTRY_VERIFY_WITH_TIMEOUT(phase() == LatentState::Phase::Stopped, EngineTimeoutMs);
    QTRY_VERIFY(w.view()->table()->isVisible());
    w.view()->selectWorker(name);
    LatentActions* actions = w.view()->latentActions();
    QVERIFY(actions->startAction()->isEnabled());
    actions->startAction()->trigger();
    // The domain runs; nothing attaches in a test domain: waiting for attach.
    QTRY_VERIFY_WITH_TIMEOUT(phase() == LatentState::Phase::WaitingForAttach, EngineTimeoutMs);
    const QModelIndex cell = w.model()->index(w.model()->rowOf(name), WorkerTableModel::Lifecycle);
    QVERIFY2(cell.data().toString().startsWith(u"waiting for attach"_s),
             qPrintable(cell.data().toString()));
    QTRY_VERIFY(actions->stopAction()->isEnabled());
    actions->stopAction()->trigger(); // no running builds: no question asked
    QTRY_VERIFY_WITH_TIMEOUT(phase() == LatentState::Phase::Stopped, EngineTimeoutMs);

    auto* panel = qobject_cast<ym::InstancesPanel*>(w.window.tabs()->widget(2));
    QVERIFY(panel);
    w.window.tabs()->setCurrentWidget(panel);
    QTRY_VERIFY_WITH_TIMEOUT(panel->model()->rowCount() == 1 &&
                                 panel->model()->recordAt(0).state == u"stopped"_s,
                             EngineTimeoutMs);
    QCOMPARE(panel->model()->recordAt(0).instanceId, name);
    QCOMPARE(panel->model()->recordAt(0).driver, u"libvirt"_s);
}

void TestMainWindow::realWorkerConnectsAndDisconnects()
{
    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.write(QJsonObject{
        {u"workers"_s, QJsonArray{workerJson(u"bot-w"_s), workerJson(u"bot-idle"_s)}}}));
    QVERIFY(cfg.writeSecret(u"worker/bot-w"_s, "gui-Pw-1"));
    QVERIFY(cfg.writeSecret(u"worker/bot-idle"_s, "gui-Pw-2"));
    Window w(cfg.configPath());
    QTRY_VERIFY_WITH_TIMEOUT(w.running() && w.port() != 0, EngineTimeoutMs);
    QVERIFY(!w.view()->showsWelcome());
    QTRY_VERIFY_WITH_TIMEOUT(w.phaseIs(u"bot-w"_s, WorkerState::Phase::Disconnected),
                             EngineTimeoutMs);

    ymtest::BuildbotWorker worker(u"bot-w"_s, "gui-Pw-1", w.port());
    QVERIFY(worker.create());
    QVERIFY(worker.start());
    QTRY_VERIFY_WITH_TIMEOUT(w.phaseIs(u"bot-w"_s, WorkerState::Phase::Connected), AttachTimeoutMs);
    const int row = w.model()->rowOf(u"bot-w"_s);
    QCOMPARE(w.model()->index(row, WorkerTableModel::State).data().toString(), u"connected"_s);
    QVERIFY(w.model()
                ->index(row, WorkerTableModel::Version)
                .data()
                .toString()
                .startsWith(u"3.7"_s)); // Debian's says 3.7.0-2
    QVERIFY(!w.model()->index(row, WorkerTableModel::Os).data().toString().isEmpty());
    QCOMPARE(w.window.workersText(), u"1 / 2 workers connected"_s);
    // The event log shows the attach.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const EventLogModel* m = w.window.eventModel();
            for (int r = 0; r < m->rowCount(); ++r)
                if (m->eventAt(r).kind == EngineEvent::Kind::Attached &&
                    m->eventAt(r).worker == u"bot-w"_s)
                    return true;
            return false;
        }(),
        EngineTimeoutMs);

    // "Copy worker command" puts the exact line on the clipboard.
    w.view()->selectWorker(u"bot-w"_s);
    QCOMPARE(w.view()->selectedWorker(), u"bot-w"_s);
    QVERIFY(w.view()->copyCommandAction()->isEnabled());
    w.view()->copyCommandAction()->trigger();
    const QString expected = u"buildbot-worker create-worker --protocol=msgpack_experimental_v7 "
                             u"bot-w 127.0.0.1:%1 bot-w PASSWORD"_s.arg(w.port());
    QCOMPARE(QGuiApplication::clipboard()->text(), expected);
    w.view()->copyCommandWithPasswordAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(
        QGuiApplication::clipboard()->text(),
        createWorkerCommand(u"bot-w"_s, u"127.0.0.1"_s, w.port(), QByteArray("gui-Pw-1")),
        EngineTimeoutMs);

    worker.kill9();
    QTRY_VERIFY_WITH_TIMEOUT(w.phaseIs(u"bot-w"_s, WorkerState::Phase::Disconnected),
                             AttachTimeoutMs);
    QCOMPARE(w.model()->index(row, WorkerTableModel::State).data().toString(), u"disconnected"_s);
    QTRY_COMPARE(w.window.workersText(), u"0 / 2 workers connected"_s);
}

void TestMainWindow::pauseHoldsBuildsAndUnpauseRunsThem()
{
    ymtest::ConsoleConfig cfg;
    QVERIFY(
        cfg.write(QJsonObject{{u"workers"_s, QJsonArray{workerJson(u"bot-p"_s)}},
                              {u"builders"_s, QJsonArray{echoBuilder(u"hello"_s, u"bot-p"_s)}}}));
    QVERIFY(cfg.writeSecret(u"worker/bot-p"_s, "gui-Pw-3"));
    Window w(cfg.configPath());
    QTRY_VERIFY_WITH_TIMEOUT(w.running() && w.port() != 0, EngineTimeoutMs);
    ymtest::BuildbotWorker worker(u"bot-p"_s, "gui-Pw-3", w.port());
    QVERIFY(worker.create());
    QVERIFY(worker.start());
    QTRY_VERIFY_WITH_TIMEOUT(w.phaseIs(u"bot-p"_s, WorkerState::Phase::Connected), AttachTimeoutMs);

    // Pause with a reason, through the action and its dialog.
    w.view()->selectWorker(u"bot-p"_s);
    w.view()->pauseAction()->trigger();
    QInputDialog* ask = nullptr;
    QTRY_VERIFY((ask = w.view()->findChild<QInputDialog*>(u"pauseReason"_s)));
    ask->setTextValue(u"disk full"_s);
    ask->accept();
    QTRY_VERIFY_WITH_TIMEOUT(w.worker(u"bot-p"_s) && w.worker(u"bot-p"_s)->paused, EngineTimeoutMs);
    QCOMPARE(w.worker(u"bot-p"_s)->pauseReason, u"disk full"_s);
    const int row = w.model()->rowOf(u"bot-p"_s);
    QCOMPARE(w.model()->index(row, WorkerTableModel::State).data().toString(),
             u"paused (connected)"_s);
    QVERIFY(w.view()->unpauseAction()->isEnabled());
    QVERIFY(!w.view()->pauseAction()->isEnabled());

    // A build for it waits while it is paused.
    QList<BuildInfo> seen;
    connect(w.engine.master(), &Master::buildChanged, this,
            [&seen](const BuildInfo& b) { seen << b; });
    Master* m = w.engine.master();
    QMetaObject::invokeMethod(
        m, [m] { m->requestBuild(u"hello"_s, u"test"_s, {}); }, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(!seen.isEmpty(), EngineTimeoutMs);
    QTest::qWait(3000); // time enough for the queue to hand it out, were the worker not paused
    for (const BuildInfo& b : std::as_const(seen))
        QCOMPARE(b.state, BuildInfo::State::Queued);

    w.view()->unpauseAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!w.worker(u"bot-p"_s)->paused, EngineTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        !seen.isEmpty() && seen.constLast().state == BuildInfo::State::Finished, BuildTimeoutMs);
    QCOMPARE(seen.constLast().result, u"success"_s);
    QCOMPARE(seen.constLast().worker, u"bot-p"_s);
}

void TestMainWindow::disconnectAndGracefulShutdown()
{
    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.write(QJsonObject{{u"workers"_s, QJsonArray{workerJson(u"bot-s"_s)}}}));
    QVERIFY(cfg.writeSecret(u"worker/bot-s"_s, "gui-Pw-4"));
    Window w(cfg.configPath());
    QTRY_VERIFY_WITH_TIMEOUT(w.running() && w.port() != 0, EngineTimeoutMs);
    ymtest::BuildbotWorker worker(u"bot-s"_s, "gui-Pw-4", w.port());
    QVERIFY(worker.create());
    QVERIFY(worker.start());
    QTRY_VERIFY_WITH_TIMEOUT(w.phaseIs(u"bot-s"_s, WorkerState::Phase::Connected), AttachTimeoutMs);
    QCOMPARE(w.worker(u"bot-s"_s)->attachCount, quint64(1));

    // Disconnect: the link closes; the worker comes back by itself.
    w.view()->selectWorker(u"bot-s"_s);
    w.view()->disconnectAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.worker(u"bot-s"_s)->attachCount == 2 &&
                                 w.phaseIs(u"bot-s"_s, WorkerState::Phase::Connected),
                             AttachTimeoutMs);
    QVERIFY(w.worker(u"bot-s"_s)->lastDisconnectReason.contains(u"administrator"_s));

    // Graceful shutdown: confirmed, the worker is told to stop and its process exits.
    w.view()->selectWorker(u"bot-s"_s);
    w.view()->shutdownAction()->trigger();
    QMessageBox* confirm = nullptr;
    QTRY_VERIFY((confirm = w.view()->findChild<QMessageBox*>(u"confirmShutdown"_s)));
    QTest::mouseClick(confirm->button(QMessageBox::Yes), Qt::LeftButton);
    QVERIFY(worker.waitForLog(u"worker shutting down on command from master"_s, AttachTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(worker.pid() == 0, AttachTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(w.phaseIs(u"bot-s"_s, WorkerState::Phase::Disconnected),
                             AttachTimeoutMs);
    // Once it is gone the shutdown is over: not left paused.
    QTRY_VERIFY_WITH_TIMEOUT(
        !w.worker(u"bot-s"_s)->paused && !w.worker(u"bot-s"_s)->shutdownRequested, EngineTimeoutMs);
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
