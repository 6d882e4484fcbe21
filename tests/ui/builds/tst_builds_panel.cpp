// The builds panel against an in-process engine on its own thread (as the
// console runs it) and a real buildbot-worker 3.7: builders listed, a build
// forced from the panel runs and its log (stdout, stderr, header in distinct
// colours) is shown while it runs and after, a running build is stopped from
// the log viewer and ends cancelled, a refused request is shown, and a panel
// made later loads the history. Saves a screenshot of the panel with a log.
#include "builds/BuildText.h"
#include "builds/BuildersModel.h"
#include "builds/BuildsModel.h"
#include "builds/BuildsPanel.h"
#include "builds/ForceBuildDialog.h"
#include "builds/LogViewer.h"
#include "engine/Master.h"
#include "support/MasterProcess.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QDir>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QThread>

#include <memory>

using namespace Qt::StringLiterals;
using ym::BuildInfo;
using ym::Master;
using ym::WorkerState;
using ym::ui::BuildsModel;
using ym::ui::BuildsPanel;
using ym::ui::ForceBuildDialog;
using ym::ui::LogViewer;

namespace {

constexpr int AttachTimeoutMs = 60000;
constexpr int BuildTimeoutMs = 120000;
const QString WorkerName = u"gui-bot"_s;
const QByteArray Password = "gui-Pw-7";

QJsonObject shell(const QString& name, const QString& command)
{
    // Without the worker's environment in the log: shorter, and nothing of the host's.
    return QJsonObject{{u"type"_s, u"shell"_s},
                       {u"name"_s, name},
                       {u"command"_s, command},
                       {u"log_environ"_s, false}};
}

QJsonObject builder(const QString& name, const QJsonArray& steps)
{
    return QJsonObject{
        {u"name"_s, name}, {u"workernames"_s, QJsonArray{WorkerName}}, {u"steps"_s, steps}};
}

// The newest row of `builder` in the model (any state).
BuildInfo newestOf(const BuildsModel& m, const QString& builderName)
{
    BuildInfo best;
    for (int r = 0; r < m.rowCount(); ++r) {
        const BuildInfo b = m.build(r);
        if (b.builder == builderName && b.requestId >= best.requestId)
            best = b;
    }
    return best;
}

// The foreground colour of the line starting with `needle` in the log view
// (not the header line that quotes the command).
QColor colourOf(const QPlainTextEdit* text, const QString& needle)
{
    for (QTextBlock block = text->document()->begin(); block.isValid(); block = block.next())
        for (auto it = block.begin(); !it.atEnd(); ++it)
            if (it.fragment().text().startsWith(needle))
                return it.fragment().charFormat().foreground().color();
    return {};
}

} // namespace

class TestBuildsPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void buildersAreListed();
    void forcedBuildRunsAndShowsItsLog();
    void stopFromTheLogViewer();
    void cancelQueuedRequest();
    void refusalIsShown();
    void longLogKeepsItsEnd();
    void screenshot();
    void laterPanelLoadsHistory();

private:
    LogViewer* log() const { return m_panel->logViewer(); }
    QPlainTextEdit* logText() const { return log()->findChild<QPlainTextEdit*>(u"log"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
    QThread* m_thread = nullptr;
    Master* m_master = nullptr;
    std::unique_ptr<BuildsPanel> m_panel;
    std::unique_ptr<ymtest::BuildbotWorker> m_worker;
    QHash<QString, WorkerState> m_workers;
    BuildInfo m_helloBuild;
};

void TestBuildsPanel::initTestCase()
{
    qputenv("YM_GUI_BUILDS_PW", Password);
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const QJsonObject master{
        {u"protocols"_s,
         QJsonObject{{u"msgpack"_s, QJsonObject{{u"port"_s, 0}, {u"bind"_s, u"127.0.0.1"_s}}}}},
        {u"database"_s, m_dir->filePath(u"state.sqlite"_s)},
        {u"control_socket"_s, m_dir->filePath(u"ctl.sock"_s)},
        {u"secrets_dir"_s, m_dir->filePath(u"secrets"_s)}};
    const QJsonArray workers{
        QJsonObject{{u"name"_s, WorkerName},
                    {u"password"_s, QJsonObject{{u"env"_s, u"YM_GUI_BUILDS_PW"_s}}}},
        // Never connects: its builder's requests stay queued.
        QJsonObject{{u"name"_s, u"ghost"_s},
                    {u"password"_s, QJsonObject{{u"env"_s, u"YM_GUI_BUILDS_PW"_s}}}}};
    const QJsonArray builders{
        builder(u"hello"_s, {shell(u"greet"_s, u"echo hello-from-stdout; echo oops-on-stderr >&2; "
                                               u"sleep 0.2; echo more-stdout"_s),
                             shell(u"bye"_s, u"echo second-step-done"_s)}),
        builder(u"sleeper"_s, {shell(u"nap"_s, u"echo sleeping-now; sleep 300"_s)}),
        QJsonObject{{u"name"_s, u"haunted"_s},
                    {u"workernames"_s, QJsonArray{u"ghost"_s}},
                    {u"steps"_s, QJsonArray{shell(u"boo"_s, u"echo boo"_s)}}},
        builder(u"chatty"_s, {shell(u"count"_s, u"seq 1 25000"_s)}),
        builder(u"broken"_s,
                {shell(u"compile"_s, u"echo compiling; "
                                     u"echo 'main.c:3: error: expected ;' >&2; exit 1"_s)})};
    QFile f(m_dir->filePath(u"master.json"_s));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(
        QJsonDocument(
            QJsonObject{{u"master"_s, master}, {u"workers"_s, workers}, {u"builders"_s, builders}})
            .toJson());
    f.close();

    m_thread = new QThread;
    m_thread->setObjectName(u"engine"_s);
    m_master = new Master(m_dir->filePath(u"master.json"_s));
    m_master->moveToThread(m_thread);
    connect(m_master, &Master::workersChanged, this, [this](const QList<WorkerState>& changed) {
        for (const WorkerState& s : changed)
            m_workers.insert(s.name, s);
    });
    // The panel is made before the engine starts, as the console does.
    m_panel = std::make_unique<BuildsPanel>(m_master);
    m_panel->resize(1280, 820);
    m_panel->show();

    bool ok = false;
    QStringList errors;
    connect(m_master, &Master::started, this, [&](bool success, const QStringList& errs) {
        ok = success;
        errors = errs;
    });
    m_thread->start();
    QMetaObject::invokeMethod(m_master, &Master::start, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(ok || !errors.isEmpty(), 20000);
    QVERIFY2(ok, qPrintable(errors.join(u'\n')));
    quint16 port = 0;
    QMetaObject::invokeMethod(
        m_master, [&] { port = m_master->msgpackPort(); }, Qt::BlockingQueuedConnection);
    QVERIFY(port != 0);
    // The secret is resolved; the worker (which logs its environment) does not inherit it.
    qunsetenv("YM_GUI_BUILDS_PW");

    m_worker = std::make_unique<ymtest::BuildbotWorker>(WorkerName, Password, port);
    QVERIFY(m_worker->create());
    QVERIFY(m_worker->start());
    QTRY_VERIFY_WITH_TIMEOUT(m_workers.value(WorkerName).phase == WorkerState::Phase::Connected,
                             AttachTimeoutMs);
}

void TestBuildsPanel::cleanupTestCase()
{
    m_panel.reset();
    if (m_worker)
        m_worker->stop();
    if (m_master) {
        QMetaObject::invokeMethod(m_master, &Master::shutdown, Qt::BlockingQueuedConnection);
        QMetaObject::invokeMethod(
            m_master, [this] { m_master->moveToThread(thread()); }, Qt::BlockingQueuedConnection);
        delete m_master;
        m_master = nullptr;
    }
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
    }
}

void TestBuildsPanel::buildersAreListed()
{
    auto* builders = m_panel->buildersModel();
    QTRY_COMPARE_WITH_TIMEOUT(builders->rowCount(), 5, 10000);
    const int hello = builders->rowOf(u"hello"_s);
    QVERIFY(hello >= 0);
    QCOMPARE(builders->builder(hello).steps, (QStringList{u"greet"_s, u"bye"_s}));
    QCOMPARE(builders->builder(hello).workernames, QStringList{WorkerName});
    QVERIFY(builders->rowOf(u"sleeper"_s) >= 0);
    QVERIFY(!m_panel->forceBuildAction()->isEnabled()); // nothing selected
}

void TestBuildsPanel::forcedBuildRunsAndShowsItsLog()
{
    m_panel->selectBuilder(u"hello"_s);
    QVERIFY(m_panel->forceBuildAction()->isEnabled());
    m_panel->forceBuildAction()->trigger();
    ForceBuildDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = m_panel->findChild<ForceBuildDialog*>()) != nullptr);
    dialog->findChild<QLineEdit*>(u"reason"_s)->setText(u"from the panel test"_s);
    dialog->addProperty(u"branch"_s, u"main"_s);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();

    // The new request is selected and the log viewer follows it to the end.
    BuildsModel* builds = m_panel->buildsModel();
    QTRY_VERIFY_WITH_TIMEOUT(newestOf(*builds, u"hello"_s).requestId != 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(log()->build().requestId, newestOf(*builds, u"hello"_s).requestId,
                              10000);
    QTRY_COMPARE_WITH_TIMEOUT(newestOf(*builds, u"hello"_s).state, BuildInfo::State::Finished,
                              BuildTimeoutMs);
    m_helloBuild = newestOf(*builds, u"hello"_s);
    QCOMPARE(m_helloBuild.result, u"success"_s);
    QCOMPARE(m_helloBuild.worker, WorkerName);
    QCOMPARE(m_helloBuild.reason, u"from the panel test"_s);
    QCOMPARE(log()->build().id, m_helloBuild.id);
    QCOMPARE(log()->build().state, BuildInfo::State::Finished);

    // Following: the newest step ("bye") is shown.
    QTRY_COMPARE_WITH_TIMEOUT(log()->steps().size(), 2, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(log()->stepId(), log()->steps().last().id, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(log()->logText().contains(u"second-step-done"_s), 20000);
    QVERIFY(!log()->logText().contains(u"hello-from-stdout"_s));

    // The first step: stdout, stderr and the worker's header lines, each in its colour.
    log()->selectStep(log()->steps().first().id);
    QVERIFY(!log()->isFollowing());
    QTRY_VERIFY_WITH_TIMEOUT(log()->logText().contains(u"more-stdout"_s), 20000);
    const QString text = log()->logText();
    QVERIFY2(text.contains(u"hello-from-stdout"_s), qPrintable(text));
    QVERIFY2(text.contains(u"oops-on-stderr"_s), qPrintable(text));
    QVERIFY2(text.contains(u"elapsedTime="_s), qPrintable(text));
    QVERIFY(!text.contains(u"second-step-done"_s));
    // In the order written (the engine stores each stream apart): the command
    // line, then the output, stderr between the two stdout lines.
    const qsizetype argv = text.indexOf(u" argv:"_s);
    QVERIFY(argv >= 0);
    QVERIFY(argv < text.indexOf(u"\nhello-from-stdout"_s));
    QVERIFY(text.indexOf(u"\noops-on-stderr"_s) < text.indexOf(u"\nmore-stdout"_s));
    const QColor stderrColour = LogViewer::formatFor(u"stderr"_s).foreground().color();
    const QColor headerColour = LogViewer::formatFor(u"header"_s).foreground().color();
    QCOMPARE(colourOf(logText(), u"oops-on-stderr"_s), stderrColour);
    QCOMPARE(colourOf(logText(), u"elapsedTime="_s), headerColour);
    const QColor stdoutColour = colourOf(logText(), u"hello-from-stdout"_s);
    QVERIFY(stdoutColour != stderrColour);
    QVERIFY(stdoutColour != headerColour);

    // The builders list shows the builder's latest build.
    auto* builders = m_panel->buildersModel();
    QTRY_COMPARE(builders->lastBuild(u"hello"_s).id, m_helloBuild.id);
    QCOMPARE(builders->lastBuild(u"hello"_s).result, u"success"_s);
}

void TestBuildsPanel::stopFromTheLogViewer()
{
    ForceBuildDialog* dialog = m_panel->openForceBuildDialog(u"sleeper"_s);
    dialog->findChild<QLineEdit*>(u"reason"_s)->setText(u"nap time"_s);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();

    // Live output is shown while the build runs.
    BuildsModel* builds = m_panel->buildsModel();
    QTRY_COMPARE_WITH_TIMEOUT(newestOf(*builds, u"sleeper"_s).state, BuildInfo::State::Running,
                              BuildTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(log()->build().id, newestOf(*builds, u"sleeper"_s).id, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(log()->logText().contains(u"sleeping-now"_s), 60000);
    const qint64 id = log()->build().id;
    QCOMPARE(newestOf(*builds, u"sleeper"_s).state, BuildInfo::State::Running);

    auto* stop = log()->findChild<QPushButton*>(u"stopBuild"_s);
    QVERIFY(stop->isEnabled());
    stop->click();
    QInputDialog* ask = nullptr;
    QTRY_VERIFY((ask = log()->findChild<QInputDialog*>(u"stopReasonDialog"_s)) != nullptr);
    ask->setTextValue(u"enough sleeping"_s);
    ask->done(QDialog::Accepted);

    // Well before the 300 s sleep would end.
    QTRY_COMPARE_WITH_TIMEOUT(builds->build(builds->rowOfBuild(id)).state,
                              BuildInfo::State::Finished, 60000);
    QCOMPARE(builds->build(builds->rowOfBuild(id)).result, u"cancelled"_s);
    QTRY_VERIFY(!stop->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(log()->logText().contains(u"enough sleeping"_s), 20000);
}

// A request still waiting for a worker is cancelled from the log viewer.
void TestBuildsPanel::cancelQueuedRequest()
{
    ForceBuildDialog* dialog = m_panel->openForceBuildDialog(u"haunted"_s);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    BuildsModel* builds = m_panel->buildsModel();
    QTRY_VERIFY_WITH_TIMEOUT(newestOf(*builds, u"haunted"_s).requestId != 0, 20000);
    QCOMPARE(newestOf(*builds, u"haunted"_s).state, BuildInfo::State::Queued);
    const qint64 request = newestOf(*builds, u"haunted"_s).requestId;
    QVERIFY(request > 0);
    QTRY_COMPARE_WITH_TIMEOUT(log()->build().requestId, request, 10000);

    auto* button = log()->findChild<QPushButton*>(u"stopBuild"_s);
    QTRY_VERIFY(button->isEnabled());
    QVERIFY(button->text().contains(u"Cancel"_s));
    button->click();
    QInputDialog* ask = nullptr;
    QTRY_VERIFY((ask = log()->findChild<QInputDialog*>(u"cancelReasonDialog"_s)) != nullptr);
    ask->setTextValue(u"no ghosts today"_s);
    ask->done(QDialog::Accepted);

    const int row = builds->rowOfQueuedRequest(request);
    QVERIFY(row >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(builds->build(builds->rowOfQueuedRequest(request)).state,
                              BuildInfo::State::Finished, 20000);
    QCOMPARE(builds->build(builds->rowOfQueuedRequest(request)).result, u"cancelled"_s);
    QTRY_VERIFY(!button->isEnabled());
    // The engine no longer has it queued.
    QList<BuildInfo> live;
    QMetaObject::invokeMethod(
        m_master, [&] { live = m_master->builds(); }, Qt::BlockingQueuedConnection);
    for (const BuildInfo& b : live)
        QVERIFY(b.requestId != request);
    // A second cancel is refused with a clear message.
    ym::Result<void> again;
    QMetaObject::invokeMethod(
        m_master, [&] { again = m_master->cancelRequest(request, {}); },
        Qt::BlockingQueuedConnection);
    QVERIFY(!again.ok());
    QVERIFY2(again.error().message.contains(u"no queued request"_s),
             qPrintable(again.error().message));
}

void TestBuildsPanel::refusalIsShown()
{
    QVERIFY(m_helloBuild.id != 0);
    // Stopping a build that has finished: the engine refuses, the panel says why.
    Q_EMIT m_panel->logViewer()->stopRequested(m_helloBuild.id, u"too late"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->message().contains(u"no running build"_s), 10000);
    QVERIFY(m_panel->message().contains(QString::number(m_helloBuild.id)));
}

void TestBuildsPanel::longLogKeepsItsEnd()
{
    ForceBuildDialog* dialog = m_panel->openForceBuildDialog(u"chatty"_s);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    BuildsModel* builds = m_panel->buildsModel();
    QTRY_COMPARE_WITH_TIMEOUT(newestOf(*builds, u"chatty"_s).state, BuildInfo::State::Finished,
                              BuildTimeoutMs);
    QCOMPARE(newestOf(*builds, u"chatty"_s).result, u"success"_s);
    QTRY_COMPARE_WITH_TIMEOUT(log()->build().id, newestOf(*builds, u"chatty"_s).id, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(log()->logText().contains(u"\n25000\n"_s), 60000);
    // Only the newest MaxLines lines are kept, and the view says so.
    QVERIFY(logText()->document()->blockCount() <= LogViewer::MaxLines + 1);
    const QString text = log()->logText();
    QVERIFY(!text.contains(u"\n4999\n"_s));
    QVERIFY(text.contains(u"\n5001\n"_s) || text.contains(u"\n6000\n"_s));
    auto* status = log()->findChild<QLabel*>(u"status"_s);
    QVERIFY(status->isVisible());
    QVERIFY(status->text().contains(QString::number(LogViewer::MaxLines)));
}

void TestBuildsPanel::screenshot()
{
    // A failed build too, so the list shows a few results in their colours.
    ForceBuildDialog* dialog = m_panel->openForceBuildDialog(u"broken"_s);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    BuildsModel* builds = m_panel->buildsModel();
    QTRY_COMPARE_WITH_TIMEOUT(newestOf(*builds, u"broken"_s).state, BuildInfo::State::Finished,
                              BuildTimeoutMs);
    QCOMPARE(newestOf(*builds, u"broken"_s).result, u"failure"_s);
    const int row = builds->rowOfBuild(newestOf(*builds, u"broken"_s).id);
    QCOMPARE(builds->index(row, BuildsModel::Status).data(Qt::BackgroundRole).value<QColor>(),
             ym::ui::BuildText::resultColour(u"failure"_s));

    QVERIFY(m_helloBuild.id != 0);
    m_panel->selectBuild(m_helloBuild.id);
    QTRY_COMPARE_WITH_TIMEOUT(log()->build().id, m_helloBuild.id, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(log()->steps().size() == 2, 20000);
    log()->selectStep(log()->steps().first().id);
    QTRY_VERIFY_WITH_TIMEOUT(log()->logText().contains(u"more-stdout"_s), 20000);
    QApplication::processEvents();
    const QImage image = m_panel->grab().toImage();
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), m_panel->size() * m_panel->devicePixelRatio());
    const QString dir = QStringLiteral(YM_BINARY_DIR "/screenshots");
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(image.save(dir + u"/builds.png"_s));
    // Refresh the README's copy on request (the checked-in picture).
    if (qEnvironmentVariableIsSet("YM_UPDATE_SCREENSHOTS"))
        QVERIFY(image.save(QStringLiteral(YM_SOURCE_DIR "/docs/screenshots/builds.png")));
}

void TestBuildsPanel::laterPanelLoadsHistory()
{
    // A second panel made while the engine runs reads the builds from the database.
    BuildsPanel later(m_master);
    BuildsModel* builds = later.buildsModel();
    QTRY_VERIFY_WITH_TIMEOUT(builds->rowOfBuild(m_helloBuild.id) >= 0, 20000);
    const BuildInfo hello = builds->build(builds->rowOfBuild(m_helloBuild.id));
    QCOMPARE(hello.state, BuildInfo::State::Finished);
    QCOMPARE(hello.result, u"success"_s);
    QCOMPARE(hello.number, m_helloBuild.number);
    QTRY_COMPARE_WITH_TIMEOUT(later.buildersModel()->rowCount(), 5, 10000);
    QCOMPARE(later.buildersModel()->lastBuild(u"hello"_s).result, u"success"_s);
    // Its log viewer reads the finished build's log at once.
    later.selectBuild(m_helloBuild.id);
    QTRY_VERIFY_WITH_TIMEOUT(later.logViewer()->logText().contains(u"second-step-done"_s), 20000);
}

QTEST_MAIN(TestBuildsPanel)
#include "tst_builds_panel.moc"
