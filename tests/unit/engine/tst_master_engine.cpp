// The engine end to end, in process: a Master on its own thread, as the app
// runs it, and TestWorkerClient links on loopback.
#include "TestWorkerClient.h"
#include "engine/Master.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;
using ym::EngineEvent;
using ym::Master;
using ym::WorkerState;

namespace {
QJsonObject worker(const QString& name, const QString& password, QJsonValue keepalive = 3600)
{
    return QJsonObject{{u"name"_s, name},
                       {u"password"_s, QJsonObject{{u"env"_s, password}}},
                       {u"keepalive_interval"_s, keepalive}};
}
} // namespace

class TestMasterEngine final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void attachesAndReportsInfo();
    void refusesWrongPasswordAndUnknownName();
    void repeatedRefusalsAreNotEachLogged();
    void disconnectDuringAttach_data();
    void disconnectDuringAttach();
    void keepalives_data();
    void keepalives();
    void duplicateRefusedWhileOldAnswers();
    void duplicateReplacesSilentLink();
    void reloadKeepsUnchangedLinks();
    void reloadRefusesBadConfig();
    void eventLogSurvivesRestart();
    void unopenableDatabaseRefusesToStart();

private:
    void writeConfig(const QJsonArray& workers);
    void startMaster();
    void stopMaster();
    template <typename F> auto onEngine(F f)
    {
        decltype(f()) r;
        QMetaObject::invokeMethod(m_master, [&] { r = f(); }, Qt::BlockingQueuedConnection);
        return r;
    }
    WorkerState state(const QString& name) const { return m_states.value(name); }
    int countEvents(EngineEvent::Kind kind, const QString& text = {}) const;

    QTemporaryDir* m_dir = nullptr;
    QThread* m_thread = nullptr;
    Master* m_master = nullptr;
    quint16 m_port = 0;
    QHash<QString, WorkerState> m_states;
    QList<EngineEvent> m_events;
};

void TestMasterEngine::init()
{
    qputenv("YM_TEST_PW_A", "secret-a");
    qputenv("YM_TEST_PW_B", "secret-b");
    qputenv("YM_TEST_PW_C", "secret-c");
    m_dir = new QTemporaryDir;
    QVERIFY(m_dir->isValid());
    m_states.clear();
    m_events.clear();
}

void TestMasterEngine::cleanup()
{
    stopMaster();
    delete m_dir;
    m_dir = nullptr;
}

void TestMasterEngine::stopMaster()
{
    if (m_master) {
        QMetaObject::invokeMethod(m_master, &Master::shutdown, Qt::BlockingQueuedConnection);
        QMetaObject::invokeMethod(m_master, [this] { m_master->moveToThread(thread()); },
                                  Qt::BlockingQueuedConnection);
        delete m_master;
        m_master = nullptr;
    }
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
}

void TestMasterEngine::writeConfig(const QJsonArray& workers)
{
    const QJsonObject master{
        {u"protocols"_s,
         QJsonObject{{u"msgpack"_s, QJsonObject{{u"port"_s, 0}, {u"bind"_s, u"127.0.0.1"_s}}}}},
        {u"database"_s, m_dir->filePath(u"state.sqlite"_s)},
        {u"control_socket"_s, m_dir->filePath(u"ctl.sock"_s)},
        {u"secrets_dir"_s, m_dir->filePath(u"secrets"_s)}};
    QFile f(m_dir->filePath(u"master.json"_s));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QJsonDocument(QJsonObject{{u"master"_s, master}, {u"workers"_s, workers}}).toJson());
}

void TestMasterEngine::startMaster()
{
    m_thread = new QThread;
    m_thread->setObjectName(u"engine"_s);
    m_master = new Master(m_dir->filePath(u"master.json"_s));
    m_master->moveToThread(m_thread);
    connect(m_master, &Master::workersChanged, this, [this](const QList<WorkerState>& changed) {
        for (const WorkerState& s : changed)
            m_states.insert(s.name, s);
    });
    connect(m_master, &Master::workerRemoved, this,
            [this](const QString& name) { m_states.remove(name); });
    connect(m_master, &Master::eventLogged, this,
            [this](const EngineEvent& e) { m_events << e; });
    bool ok = false;
    QStringList errors;
    connect(m_master, &Master::started, this, [&](bool success, const QStringList& errs) {
        ok = success;
        errors = errs;
    });
    m_thread->start();
    QMetaObject::invokeMethod(m_master, &Master::start, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(ok || !errors.isEmpty(), 10000);
    QVERIFY2(ok, qPrintable(errors.join(u'\n')));
    m_port = onEngine([this] { return m_master->msgpackPort(); });
    QVERIFY(m_port != 0);
}

int TestMasterEngine::countEvents(EngineEvent::Kind kind, const QString& text) const
{
    int n = 0;
    for (const EngineEvent& e : m_events)
        if (e.kind == kind && (text.isEmpty() || e.message.contains(text)))
            ++n;
    return n;
}

void TestMasterEngine::attachesAndReportsInfo()
{
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s)});
    startMaster();
    TestWorkerClient a("a", "secret-a", m_port);
    QCOMPARE(a.connectAndUpgrade(), 101);
    QVERIFY(a.attach(10000));
    QTRY_COMPARE_WITH_TIMEOUT(state(u"a"_s).phase, WorkerState::Phase::Connected, 5000);
    const WorkerState s = state(u"a"_s);
    QCOMPARE(s.info.value(u"version"_s).toString(), u"3.7.0"_s);
    QCOMPARE(s.info.value(u"admin"_s).toString(), u"Tester <t@example.org>"_s);
    QVERIFY2(!s.info.contains(u"environ"_s), "the worker's environment may hold secrets");
    QVERIFY(s.connectedSince.isValid());
    QVERIFY(s.peer.startsWith(u"127.0.0.1:"_s));
    QCOMPARE(s.attachCount, quint64(1));
    QCOMPARE(countEvents(EngineEvent::Kind::Attached), 1);
    const QList<WorkerState> all = onEngine([this] { return m_master->workers(); });
    QCOMPARE(all.size(), 1);
    QCOMPARE(all[0].phase, WorkerState::Phase::Connected);
}

void TestMasterEngine::refusesWrongPasswordAndUnknownName()
{
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s)});
    startMaster();
    TestWorkerClient wrong("a", "not-it", m_port);
    QCOMPARE(wrong.connectAndUpgrade(), 401);
    TestWorkerClient unknown("nobody", "secret-a", m_port);
    QCOMPARE(unknown.connectAndUpgrade(), 401);
    QTRY_COMPARE_WITH_TIMEOUT(countEvents(EngineEvent::Kind::Refused), 2, 5000);
    bool sawWrong = false, sawUnknown = false;
    for (const EngineEvent& e : std::as_const(m_events)) {
        if (e.kind != EngineEvent::Kind::Refused)
            continue;
        QVERIFY(e.peer.startsWith(u"127.0.0.1"_s));
        sawWrong |= e.worker == u"a" && e.message == u"wrong password";
        sawUnknown |= e.worker == u"nobody" && e.message == u"unknown worker name";
        QVERIFY(!e.message.contains(u"not-it"_s));
    }
    QVERIFY(sawWrong);
    QVERIFY(sawUnknown);
    QCOMPARE(state(u"a"_s).phase, WorkerState::Phase::Disconnected);
}

void TestMasterEngine::repeatedRefusalsAreNotEachLogged()
{
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s)});
    startMaster();
    for (int i = 0; i < 10; ++i) {
        TestWorkerClient wrong("a", "not-it", m_port);
        QCOMPARE(wrong.connectAndUpgrade(), 401);
    }
    QTRY_COMPARE_WITH_TIMEOUT(countEvents(EngineEvent::Kind::Refused), 1, 5000);
    QTest::qWait(300);
    QCOMPARE(countEvents(EngineEvent::Kind::Refused), 1); // the 9 repeats wait for the summary
}

void TestMasterEngine::disconnectDuringAttach_data()
{
    QTest::addColumn<QString>("dropAt");
    QTest::newRow("at the first print") << u"print"_s;
    QTest::newRow("at get_worker_info") << u"get_worker_info"_s;
    QTest::newRow("at set_worker_settings") << u"set_worker_settings"_s;
    QTest::newRow("at start_command") << u"start_command"_s;
}

void TestMasterEngine::disconnectDuringAttach()
{
    QFETCH(QString, dropAt);
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s)});
    startMaster();
    {
        TestWorkerClient a("a", "secret-a", m_port);
        QCOMPARE(a.connectAndUpgrade(), 101);
        QVERIFY(!a.attach(10000, dropAt));
    }
    QTRY_COMPARE_WITH_TIMEOUT(countEvents(EngineEvent::Kind::Detached), 1, 5000);
    QCOMPARE(state(u"a"_s).phase, WorkerState::Phase::Disconnected);
    TestWorkerClient again("a", "secret-a", m_port);
    QCOMPARE(again.connectAndUpgrade(), 101);
    QVERIFY(again.attach(10000));
    QTRY_COMPARE_WITH_TIMEOUT(state(u"a"_s).phase, WorkerState::Phase::Connected, 5000);
}

void TestMasterEngine::keepalives_data()
{
    QTest::addColumn<QJsonValue>("interval");
    QTest::addColumn<bool>("expectSome");
    QTest::newRow("every second") << QJsonValue(1) << true;
    QTest::newRow("disabled") << QJsonValue(QJsonValue::Null) << false;
}

void TestMasterEngine::keepalives()
{
    QFETCH(QJsonValue, interval);
    QFETCH(bool, expectSome);
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s, interval)});
    startMaster();
    TestWorkerClient a("a", "secret-a", m_port);
    QCOMPARE(a.connectAndUpgrade(), 101);
    QVERIFY(a.attach(10000));
    const int seen = a.serve(3500);
    QTest::qWait(200);
    const WorkerState s = state(u"a"_s);
    if (expectSome) {
        QVERIFY2(seen >= 2, qPrintable(QString::number(seen)));
        QVERIFY(s.keepalivesAnswered >= 2);
        QVERIFY(s.lastKeepaliveAnswered.isValid());
    } else {
        QCOMPARE(seen, 0);
        QCOMPARE(s.keepalivesSent, quint64(0));
    }
}

void TestMasterEngine::duplicateRefusedWhileOldAnswers()
{
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s)});
    startMaster();
    TestWorkerClient first("a", "secret-a", m_port);
    QCOMPARE(first.connectAndUpgrade(), 101);
    QVERIFY(first.attach(10000));
    QTRY_COMPARE_WITH_TIMEOUT(state(u"a"_s).phase, WorkerState::Phase::Connected, 5000);
    const quint64 link = state(u"a"_s).linkId;

    TestWorkerClient second("a", "secret-a", m_port);
    QCOMPARE(second.connectAndUpgrade(), 101);
    first.serve(1000); // answers the master's duplicate check
    QVERIFY(second.waitForClose(10000));
    QTRY_COMPARE_WITH_TIMEOUT(countEvents(EngineEvent::Kind::Duplicate, u"refused"_s), 1, 5000);
    QCOMPARE(state(u"a"_s).linkId, link);
    QCOMPARE(state(u"a"_s).phase, WorkerState::Phase::Connected);
    QVERIFY(first.isOpen());
}

void TestMasterEngine::duplicateReplacesSilentLink()
{
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s)});
    startMaster();
    TestWorkerClient first("a", "secret-a", m_port);
    QCOMPARE(first.connectAndUpgrade(), 101);
    QVERIFY(first.attach(10000));
    QTRY_COMPARE_WITH_TIMEOUT(state(u"a"_s).phase, WorkerState::Phase::Connected, 5000);
    const quint64 oldLink = state(u"a"_s).linkId;

    // `first` now stays silent, like a frozen worker.
    TestWorkerClient second("a", "secret-a", m_port);
    QCOMPARE(second.connectAndUpgrade(), 101);
    QVERIFY(second.attach(30000)); // after the 10 s check
    QTRY_VERIFY_WITH_TIMEOUT(state(u"a"_s).linkId != oldLink, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(state(u"a"_s).phase, WorkerState::Phase::Connected, 5000);
    QCOMPARE(countEvents(EngineEvent::Kind::Duplicate, u"did not answer"_s), 1);
    QVERIFY(first.waitForClose(5000));
}

void TestMasterEngine::reloadKeepsUnchangedLinks()
{
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s), worker(u"b"_s, u"YM_TEST_PW_B"_s)});
    startMaster();
    TestWorkerClient a("a", "secret-a", m_port);
    TestWorkerClient b("b", "secret-b", m_port);
    QCOMPARE(a.connectAndUpgrade(), 101);
    QVERIFY(a.attach(10000));
    QCOMPARE(b.connectAndUpgrade(), 101);
    QVERIFY(b.attach(10000));
    QTRY_COMPARE_WITH_TIMEOUT(state(u"b"_s).phase, WorkerState::Phase::Connected, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(state(u"a"_s).phase, WorkerState::Phase::Connected, 5000);
    const quint64 linkA = state(u"a"_s).linkId;

    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s), worker(u"c"_s, u"YM_TEST_PW_C"_s)});
    auto report = onEngine([this] { return std::optional(m_master->reloadNow()); });
    QVERIFY2(report->ok(), report->ok() ? "" : qPrintable(report->error().message));
    QCOMPARE(report->value().added, QStringList{u"c"_s});
    QCOMPARE(report->value().removed, QStringList{u"b"_s});
    QVERIFY(report->value().changed.isEmpty());

    QVERIFY(b.waitForClose(5000));
    QTRY_VERIFY_WITH_TIMEOUT(!m_states.contains(u"b"_s), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(m_states.contains(u"c"_s), 5000);
    QCOMPARE(state(u"a"_s).linkId, linkA);
    QCOMPARE(state(u"a"_s).attachCount, quint64(1));
    QVERIFY(a.isOpen());
    TestWorkerClient gone("b", "secret-b", m_port);
    QCOMPARE(gone.connectAndUpgrade(), 401);
    TestWorkerClient c("c", "secret-c", m_port);
    QCOMPARE(c.connectAndUpgrade(), 101);
    QVERIFY(c.attach(10000));
}

void TestMasterEngine::reloadRefusesBadConfig()
{
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s)});
    startMaster();
    QFile f(m_dir->filePath(u"master.json"_s));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(R"({"workers": [{"name": "a", "password": "x", "max_builds": -1}, {"nam": "b"}]})");
    f.close();
    auto report = onEngine([this] { return std::optional(m_master->reloadNow()); });
    QVERIFY(!report->ok());
    QVERIFY2(report->error().message.contains(u"workers[0].max_builds"_s),
             qPrintable(report->error().message));
    QVERIFY2(report->error().message.contains(u"workers[1]"_s),
             qPrintable(report->error().message));
    const QList<WorkerState> all = onEngine([this] { return m_master->workers(); });
    QCOMPARE(all.size(), 1);
    QCOMPARE(all[0].keepaliveInterval, std::optional<int>(3600));
    QTRY_COMPARE_WITH_TIMEOUT(countEvents(EngineEvent::Kind::ConfigRejected), 1, 5000);
}

void TestMasterEngine::eventLogSurvivesRestart()
{
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s)});
    startMaster();
    TestWorkerClient wrong("a", "not-it", m_port);
    QCOMPARE(wrong.connectAndUpgrade(), 401);
    QTRY_COMPARE_WITH_TIMEOUT(countEvents(EngineEvent::Kind::Refused), 1, 5000);
    stopMaster(); // closes the database after writing what is queued

    m_events.clear();
    startMaster();
    const QList<EngineEvent> past = onEngine([this] { return m_master->recentEvents(); });
    int refused = 0;
    int stoppedEvents = 0;
    for (const EngineEvent& e : past) {
        refused += e.kind == EngineEvent::Kind::Refused && e.worker == u"a" &&
                   e.message == u"wrong password";
        stoppedEvents += e.kind == EngineEvent::Kind::Stopped;
    }
    QCOMPARE(refused, 1);
    QCOMPARE(stoppedEvents, 1);
    QVERIFY(QFileInfo::exists(m_dir->filePath(u"state.sqlite"_s)));
}

void TestMasterEngine::unopenableDatabaseRefusesToStart()
{
    writeConfig({worker(u"a"_s, u"YM_TEST_PW_A"_s)});
    QFile junk(m_dir->filePath(u"state.sqlite"_s));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(8192, 'x')); // not a database
    junk.close();
    m_thread = new QThread;
    m_master = new Master(m_dir->filePath(u"master.json"_s));
    m_master->moveToThread(m_thread);
    bool done = false;
    QStringList errors;
    connect(m_master, &Master::started, this, [&](bool ok, const QStringList& errs) {
        done = true;
        QVERIFY(!ok);
        errors = errs;
    });
    m_thread->start();
    QMetaObject::invokeMethod(m_master, &Master::start, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors[0].contains(m_dir->filePath(u"state.sqlite"_s)), qPrintable(errors[0]));
    QVERIFY2(errors[0].contains(u"master.database"_s), qPrintable(errors[0]));
    QCOMPARE(onEngine([this] { return m_master->msgpackPort(); }), quint16(0)); // never listened
}

QTEST_GUILESS_MAIN(TestMasterEngine)
#include "tst_master_engine.moc"
