// Latent workers over the control socket and in `yardmaster ctl`: the ledger
// rows from a real Store (SQLite file) as JSON and as ctl's table, the status
// line of a latent worker, the `ledger` / `start-latent` / `stop-latent`
// requests of a real in-process ControlServer and Master, and the ctl
// process's arguments and output. Runs with TZ=UTC (times print in local time).
#include "control/ControlServer.h"
#include "control/LatentText.h"
#include "engine/Master.h"
#include "engine/WorkerState.h"
#include "storage/Store.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace ym;

namespace {

// 2023-11-14 22:13:20 UTC
constexpr qint64 T0 = 1'700'000'000'000LL;

storage::LatentInstanceRecord row(const QString& worker, qint64 requestedMs)
{
    storage::LatentInstanceRecord r;
    r.worker = worker;
    r.driver = u"libvirt"_s;
    r.requestedMs = requestedMs;
    r.reason = u"request 1"_s;
    return r;
}

QJsonObject latentWorker(const LatentState& latent)
{
    WorkerState w;
    w.name = u"bot1"_s;
    w.latent = latent;
    return w.toJson();
}

} // namespace

class TestLatentCtl final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void durations_data();
    void durations();
    void statusLines_data();
    void statusLines();
    void ledgerFromStore();
    void serverCommands();
    void ctlProcess();
    void cleanupTestCase();

private:
    QString socketPath() const { return m_dir.filePath(u"run/control.sock"_s); }
    QJsonObject ask(const QByteArray& line);
    // Runs `yardmaster ctl --socket S args`, letting this thread's event loop
    // (the master's) answer; returns the exit code, fills out/err.
    int ctl(const QStringList& args, QString* out, QString* err);
    // The store's three rows: bot1 stopped, bot2 start failed, bot1 running.
    void addRows(Store& store);

    QTemporaryDir m_dir;
    std::unique_ptr<Master> m_master;
    std::unique_ptr<ControlServer> m_server;
};

void TestLatentCtl::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCOMPARE(qEnvironmentVariable("TZ"), u"UTC"_s);
}

void TestLatentCtl::cleanupTestCase()
{
    m_server.reset();
    if (m_master)
        m_master->shutdown();
    m_master.reset();
}

void TestLatentCtl::durations_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("negative") << qint64(-5) << u"0 s"_s;
    QTest::newRow("seconds") << qint64(12) << u"12 s"_s;
    QTest::newRow("one minute") << qint64(60) << u"1 min"_s;
    QTest::newRow("minutes and seconds") << qint64(185) << u"3 min 5 s"_s;
    QTest::newRow("hours") << qint64(7200) << u"2 h"_s;
    QTest::newRow("hours and minutes") << qint64(7800 + 59) << u"2 h 10 min"_s;
    QTest::newRow("days") << qint64(3 * 86400 + 4 * 3600 + 7) << u"3 d 4 h"_s;
}

void TestLatentCtl::durations()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(latenttext::duration(seconds), text);
}

void TestLatentCtl::statusLines_data()
{
    QTest::addColumn<QJsonObject>("worker");
    QTest::addColumn<QString>("line");
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(T0, Qt::UTC);

    QTest::newRow("standard worker") << WorkerState{}.toJson() << QString();

    LatentState s;
    s.driver = u"libvirt"_s;
    s.phaseSince = now;
    QTest::newRow("stopped") << latentWorker(s) << u"bot1  latent libvirt: stopped (0 s)"_s;

    s.phase = LatentState::Phase::WaitingForAttach;
    s.phaseSince = now.addSecs(-12);
    s.instanceId = u"bot1"_s;
    QTest::newRow("waiting for attach")
        << latentWorker(s) << u"bot1  latent libvirt: waiting for attach (12 s), instance bot1"_s;

    s.phase = LatentState::Phase::Starting;
    s.phaseSince = now.addSecs(-3);
    s.instanceId.clear();
    s.waitingRequests = u"request 12 (linux)"_s;
    QTest::newRow("starting for a request")
        << latentWorker(s) << u"bot1  latent libvirt: starting (3 s); for request 12 (linux)"_s;

    s = LatentState{};
    s.driver = u"libvirt"_s;
    s.phase = LatentState::Phase::StartFailed;
    s.phaseSince = now.addSecs(-125);
    s.lastError = u"Domain not found: no domain with matching name 'bot1'"_s;
    s.failures = 2;
    s.retryAt = now.addSecs(45);
    QTest::newRow("start failed, back-off")
        << latentWorker(s)
        << u"bot1  latent libvirt: start failed (2 min 5 s): Domain not found: no domain with "
           u"matching name 'bot1'; next start not before 22:14:05 (in 45 s)"_s;

    s.phase = LatentState::Phase::AttachTimedOut;
    s.lastError = u"no attach within 1200 s"_s;
    s.retryAt = now.addSecs(-1);
    QTest::newRow("attach timed out, retry due")
        << latentWorker(s)
        << u"bot1  latent libvirt: attach timed out (2 min 5 s): no attach within 1200 s; may "
           u"start again now"_s;

    s = LatentState{};
    s.driver = u"libvirt"_s;
    s.phase = LatentState::Phase::Attached;
    s.phaseSince = now.addSecs(-3600);
    s.instanceId = u"bot1"_s;
    s.stopAt = now.addSecs(600);
    QTest::newRow("attached, idle")
        << latentWorker(s)
        << u"bot1  latent libvirt: attached (1 h), instance bot1; idle, stops at 22:23:20 (in 10 "
           u"min)"_s;
}

void TestLatentCtl::statusLines()
{
    QFETCH(QJsonObject, worker);
    QFETCH(QString, line);
    QCOMPARE(latenttext::statusLine(worker, QDateTime::fromMSecsSinceEpoch(T0, Qt::UTC)), line);
}

void TestLatentCtl::addRows(Store& store)
{
    storage::LatentInstanceRecord a = row(u"bot1"_s, T0);
    a.id = store.addLatentInstance(a);
    a.state = u"stopped"_s;
    a.instanceId = u"bot1"_s;
    a.startedMs = T0 + 2000;
    a.attachedMs = T0 + 30'000;
    a.stopRequestedMs = T0 + 600'000;
    a.stoppedMs = T0 + 601'000;
    store.updateLatentInstance(a);
    storage::LatentInstanceRecord b = row(u"bot2"_s, T0 + 700'000);
    b.id = store.addLatentInstance(b);
    b.state = u"start_failed"_s;
    b.stoppedMs = T0 + 701'000;
    b.lastError = u"Domain not found:\n no domain 'bot2'"_s;
    store.updateLatentInstance(b);
    storage::LatentInstanceRecord c = row(u"bot1"_s, T0 + 800'000);
    c.id = store.addLatentInstance(c);
    c.state = u"running"_s;
    c.instanceId = u"bot1"_s;
    c.startedMs = T0 + 801'000;
    store.updateLatentInstance(c);
}

const QString FullTable =
    u"ID  WORKER  DRIVER   INSTANCE  STATE         REQUESTED            STARTED              "
    u"ATTACHED             STOPPED              LAST ERROR\n"
    u"1   bot1    libvirt  bot1      stopped       2023-11-14 22:13:20  2023-11-14 22:13:22  "
    u"2023-11-14 22:13:50  2023-11-14 22:23:21  -\n"
    u"2   bot2    libvirt  -         start_failed  2023-11-14 22:25:00  -                    "
    u"-                    2023-11-14 22:25:01  Domain not found: no domain 'bot2'\n"
    u"3   bot1    libvirt  bot1      running       2023-11-14 22:26:40  2023-11-14 22:26:41  "
    u"-                    -                    -\n"_s;

void TestLatentCtl::ledgerFromStore()
{
    const QString path = m_dir.filePath(u"ledger.sqlite"_s);
    Store store;
    std::optional<Result<void>> opened;
    store.open(path, this, [&](Result<void> r) { opened = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(opened.has_value(), 30'000);
    QVERIFY(opened->ok());
    std::optional<Result<QList<storage::LatentInstanceRecord>>> rows;
    store.queryLatentInstances({}, 10, this, [&](auto r) { rows = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(rows.has_value(), 30'000);
    QVERIFY(rows->ok());
    QCOMPARE(latenttext::ledgerTable({}), u"no latent instances\n"_s);

    addRows(store);
    rows.reset();
    store.queryLatentInstances({}, 10, this, [&](auto r) { rows = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(rows.has_value(), 30'000);
    QVERIFY(rows->ok());
    QJsonArray json;
    for (const storage::LatentInstanceRecord& r : rows->value())
        json.append(latenttext::ledgerRowJson(r));
    QCOMPARE(json.size(), 3);
    const QJsonObject first = json.at(0).toObject();
    QCOMPARE(first.value(u"id"_s).toDouble(), 1.0);
    QCOMPARE(first.value(u"state"_s).toString(), u"stopped"_s);
    QCOMPARE(first.value(u"open"_s).toBool(), false);
    QCOMPARE(first.value(u"stopped_ms"_s).toDouble(), double(T0 + 601'000));
    QVERIFY(json.at(1).toObject().value(u"started_ms"_s).isNull()); // 0: null
    QCOMPARE(json.at(2).toObject().value(u"open"_s).toBool(), true);
    QCOMPARE(latenttext::ledgerTable(json), FullTable);
}

QJsonObject TestLatentCtl::ask(const QByteArray& line)
{
    QLocalSocket socket;
    socket.connectToServer(socketPath());
    if (!QTest::qWaitFor([&] { return socket.state() == QLocalSocket::ConnectedState; }, 10000))
        return {{u"test"_s, u"cannot connect"_s}};
    socket.write(line + '\n');
    if (!QTest::qWaitFor([&] { return socket.canReadLine(); }, 30000))
        return {{u"test"_s, u"no answer line within 30 s"_s}};
    return QJsonDocument::fromJson(socket.readLine()).object();
}

int TestLatentCtl::ctl(const QStringList& args, QString* out, QString* err)
{
    QProcess p;
    p.start(QStringLiteral(YM_YARDMASTER_EXE),
            QStringList{u"ctl"_s, u"--socket"_s, socketPath()} + args);
    if (!p.waitForStarted(30000))
        return -1;
    // The master answers on this thread: keep its event loop running.
    if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 60000)) {
        p.kill();
        p.waitForFinished();
        return -2;
    }
    *out = QString::fromUtf8(p.readAllStandardOutput());
    *err = QString::fromUtf8(p.readAllStandardError());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -3;
}

void TestLatentCtl::serverCommands()
{
    const QJsonObject config{
        {u"master"_s,
         QJsonObject{{u"protocols"_s,
                      QJsonObject{{u"msgpack"_s,
                                   QJsonObject{{u"port"_s, 0}, {u"bind"_s, u"127.0.0.1"_s}}}}},
                     {u"database"_s, m_dir.filePath(u"state.sqlite"_s)},
                     {u"secrets_dir"_s, m_dir.filePath(u"secrets"_s)},
                     {u"control_socket"_s, socketPath()}}},
        {u"workers"_s, QJsonArray{}}};
    QFile file(m_dir.filePath(u"master.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(config).toJson());
    file.close();
    m_master = std::make_unique<Master>(file.fileName());
    QSignalSpy started(m_master.get(), &Master::started);
    m_master->start();
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 30000);
    QVERIFY2(started.at(0).at(0).toBool(),
             qPrintable(started.at(0).at(1).toStringList().join(u'\n')));
    m_server = std::make_unique<ControlServer>(*m_master);
    QString error;
    QVERIFY2(m_server->listen(socketPath(), &error), qPrintable(error));

    QJsonObject answer = ask(R"({"command":"ledger"})");
    QCOMPARE(answer.value(u"ok"_s).toBool(), true);
    QCOMPARE(answer.value(u"instances"_s).toArray().size(), 0);

    QVERIFY(m_master->store());
    addRows(*m_master->store());
    answer = ask(R"({"command":"ledger"})");
    QCOMPARE(answer.value(u"ok"_s).toBool(), true);
    QCOMPARE(latenttext::ledgerTable(answer.value(u"instances"_s).toArray()), FullTable);
    answer = ask(R"({"command":"ledger","worker":"bot1","limit":1})");
    const QJsonArray one = answer.value(u"instances"_s).toArray();
    QCOMPARE(one.size(), 1);
    QCOMPARE(one.at(0).toObject().value(u"id"_s).toDouble(), 3.0);
    QCOMPARE(one.at(0).toObject().value(u"state"_s).toString(), u"running"_s);
    answer = ask(R"({"command":"ledger","worker":"bot2"})");
    QCOMPARE(answer.value(u"instances"_s).toArray().size(), 1);

    // Refused before the engine is asked.
    const auto refused = [&](const QByteArray& line, const QString& expected) {
        const QJsonObject a = ask(line);
        QCOMPARE(a.value(u"ok"_s).toBool(), false);
        QCOMPARE(a.value(u"errors"_s).toArray(), QJsonArray{expected});
    };
    refused(R"({"command":"ledger","limit":0})",
            u"ledger: \"limit\" must be an integer from 1 to 1000000"_s);
    refused(R"({"command":"ledger","limit":"5"})",
            u"ledger: \"limit\" must be an integer from 1 to 1000000"_s);
    refused(R"({"command":"ledger","worker":5})", u"ledger: \"worker\" must be a worker name"_s);
    refused(R"({"command":"start-latent"})", u"start-latent: \"worker\" is required"_s);
    refused(R"({"command":"stop-latent","worker":""})", u"stop-latent: \"worker\" is required"_s);
    refused(R"({"command":"stop-latent","worker":"bot1","force":"yes"})",
            u"stop-latent: \"force\" must be true or false"_s);
}

void TestLatentCtl::ctlProcess()
{
    QVERIFY2(m_server, "needs serverCommands() first");
    QString out;
    QString err;
    QCOMPARE(ctl({u"ledger"_s}, &out, &err), 0);
    QCOMPARE(out, FullTable);
    QCOMPARE(ctl({u"ledger"_s, u"--worker"_s, u"bot2"_s}, &out, &err), 0);
    QVERIFY2(out.contains(u"Domain not found: no domain 'bot2'"_s), qPrintable(out));
    QVERIFY(!out.contains(u"running"_s));
    QCOMPARE(ctl({u"ledger"_s, u"--limit"_s, u"2"_s, u"--json"_s}, &out, &err), 0);
    const QJsonObject json = QJsonDocument::fromJson(out.toUtf8()).object();
    QCOMPARE(json.value(u"instances"_s).toArray().size(), 2);
    QCOMPARE(json.value(u"instances"_s).toArray().at(0).toObject().value(u"worker"_s).toString(),
             u"bot2"_s);

    // Usage errors (exit code 2), before the master is asked.
    QCOMPARE(ctl({u"ledger"_s, u"--limit"_s, u"none"_s}, &out, &err), 2);
    QCOMPARE(err, u"yardmaster ctl ledger: --limit 'none' is not a number from 1 to 1000000\n"_s);
    QCOMPARE(ctl({u"start-latent"_s}, &out, &err), 2);
    QCOMPARE(err, u"yardmaster ctl start-latent: missing argument (usage: yardmaster ctl "
                  u"start-latent NAME)\n"_s);
    QCOMPARE(ctl({u"stop-latent"_s, u"a"_s, u"b"_s}, &out, &err), 2);
    QCOMPARE(err, u"yardmaster ctl stop-latent: unexpected argument 'b'\n"_s);
    QCOMPARE(ctl({u"start-latent"_s, u"bot1"_s, u"--force"_s}, &out, &err), 2);
    QCOMPARE(err, u"yardmaster ctl start-latent: --force does not apply to this command\n"_s);
    QCOMPARE(ctl({u"builds"_s, u"--worker"_s, u"bot1"_s}, &out, &err), 2);
    QCOMPARE(err, u"yardmaster ctl builds: --worker does not apply to this command\n"_s);

    QCOMPARE(ctl({u"--help"_s}, &out, &err), 0);
    for (const QString& name : {u"start-latent"_s, u"stop-latent"_s, u"ledger"_s})
        QVERIFY2(out.contains(u"  "_s + name + u"  "_s), qPrintable(out));
}

QTEST_GUILESS_MAIN(TestLatentCtl)
#include "tst_latent_ctl.moc"
