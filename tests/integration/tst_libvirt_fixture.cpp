// The latent-worker test fixtures themselves: a private libvirtd serving the
// test driver (LibvirtDaemon), and DomainWatcher launching a real
// buildbot-worker that attaches to a real master when a domain starts.
#include "support/DomainWatcher.h"
#include "support/LibvirtDaemon.h"
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <libvirt/libvirt.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

constexpr int EventTimeoutMs = 20000;
constexpr int AttachTimeoutMs = 60000;

// Another client of the daemon (as the master is): its own connection.
class Client
{
public:
    explicit Client(const QString& uri) : m_conn(virConnectOpen(uri.toUtf8().constData())) {}
    ~Client() { close(); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool isOpen() const { return m_conn != nullptr; }
    void close()
    {
        if (m_conn)
            virConnectClose(m_conn);
        m_conn = nullptr;
    }
    bool createTransient(const QString& name)
    {
        const QByteArray xml = DomainWatcher::testDomainXml(name).toUtf8();
        virDomainPtr dom = virDomainCreateXML(m_conn, xml.constData(), 0);
        if (dom)
            virDomainFree(dom);
        return dom != nullptr;
    }
    bool start(const QString& name)
    {
        virDomainPtr dom = virDomainLookupByName(m_conn, name.toUtf8().constData());
        const bool ok = dom && virDomainCreate(dom) == 0;
        if (dom)
            virDomainFree(dom);
        return ok;
    }
    int domainCount() const
    {
        virDomainPtr* doms = nullptr;
        const int n = virConnectListAllDomains(m_conn, &doms, 0);
        for (int i = 0; i < n; ++i)
            virDomainFree(doms[i]);
        free(doms); // NOLINT: allocated by libvirt
        return n;
    }

private:
    virConnectPtr m_conn = nullptr;
};

// test:///default comes with one running domain, "test".
bool onlyDefaultDomain(const DomainWatcher& w)
{
    return w.domainNames() == QStringList{u"test"_s};
}

} // namespace

class TestLibvirtFixture final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void daemonStartsAndStops();
    void daemonFailsClearly();
    void workerFollowsDomain();
    void workerFollowsRestartedMaster();
    void predefinedDomainWithoutWorker();
    void stateNeedsAnOpenConnection();
    void stateSurvivesKilledClient();
    void twoDaemonsAtOnce();
};

void TestLibvirtFixture::daemonStartsAndStops()
{
    LibvirtDaemon daemon;
    QVERIFY2(daemon.start(), qPrintable(daemon.errorString()));
    QVERIFY(daemon.isRunning());
    QVERIFY(daemon.pid() > 0);
    QVERIFY(daemon.uri().startsWith(u"test+unix:///default?socket="_s));
    QVERIFY(daemon.uri().endsWith(daemon.socketPath()));
    QVERIFY(daemon.socketPath().startsWith(daemon.dir()));
    QVERIFY(QFile::exists(daemon.socketPath()));
    // Its log is in its folder.
    QVERIFY(QFile::exists(daemon.dir() + u"/libvirtd.log"_s));

    DomainWatcher w(daemon.uri());
    QVERIFY2(w.open(), qPrintable(w.errorString()));
    QVERIFY(onlyDefaultDomain(w));
    QCOMPARE(w.domainState(u"test"_s), u"running"_s);
    QCOMPARE(w.domainState(u"nope"_s), u"absent"_s);

    const qint64 pid = daemon.pid();
    daemon.stop();
    QVERIFY(!daemon.isRunning());
    QCOMPARE(::kill(pid_t(pid), 0), -1);
    QVERIFY(!QFile::exists(daemon.socketPath()));
}

void TestLibvirtFixture::daemonFailsClearly()
{
    // A socket path longer than a Unix socket allows.
    QTemporaryDir tmp;
    const QString deep = tmp.path() + u'/' + QString(120, u'x');
    LibvirtDaemon daemon(deep);
    QVERIFY(!daemon.start());
    QVERIFY2(daemon.errorString().contains(u"too long"_s), qPrintable(daemon.errorString()));
    QVERIFY(!daemon.isRunning());

    // A second daemon in a folder whose daemon runs: libvirtd refuses (its pid
    // file is taken), and the error quotes its log.
    LibvirtDaemon first(tmp.path());
    QVERIFY2(first.start(), qPrintable(first.errorString()));
    LibvirtDaemon second(tmp.path());
    QVERIFY(!second.start());
    QVERIFY2(second.errorString().contains(u"exited during start-up"_s),
             qPrintable(second.errorString()));
    QVERIFY2(second.errorString().contains(u"libvirtd log"_s), qPrintable(second.errorString()));
    QVERIFY(first.isRunning());
}

void TestLibvirtFixture::workerFollowsDomain()
{
    const QByteArray password = "lv-Pw-41";
    LibvirtDaemon daemon;
    QVERIFY2(daemon.start(), qPrintable(daemon.errorString()));
    DomainWatcher w(daemon.uri());
    QVERIFY2(w.open(), qPrintable(w.errorString()));
    QSignalSpy started(&w, &DomainWatcher::domainStarted);
    QSignalSpy stopped(&w, &DomainWatcher::domainStopped);

    MasterProcess m(masterConfig({workerEntry(u"bot-vm"_s)}));
    m.writeSecret(u"worker/bot-vm"_s, password);
    QVERIFY(m.start());
    QVERIFY2(w.addWorker(u"bot-vm"_s, password, m.port()), qPrintable(w.errorString()));
    QVERIFY(!w.isWorkerRunning(u"bot-vm"_s));
    QCOMPARE(m.worker(u"bot-vm"_s).value(u"state"_s).toString(), u"disconnected"_s);

    // Another client (the master's role) starts a transient domain and goes.
    {
        Client master(daemon.uri());
        QVERIFY(master.isOpen());
        QVERIFY(master.createTransient(u"bot-vm"_s));
    }
    QTRY_COMPARE_WITH_TIMEOUT(w.startedCount(u"bot-vm"_s), 1, EventTimeoutMs);
    QCOMPARE(started.count(), 1);
    QCOMPARE(started.at(0).at(0).toString(), u"bot-vm"_s);
    QVERIFY(w.isWorkerRunning(u"bot-vm"_s));
    QCOMPARE(w.workerLaunches(u"bot-vm"_s), 1);
    QVERIFY(m.waitForState(u"bot-vm"_s, u"connected"_s, AttachTimeoutMs));
    QCOMPARE(w.domainState(u"bot-vm"_s), u"running"_s);
    QVERIFY(!w.isPersistent(u"bot-vm"_s));

    // A second client comes and goes: the state stays (the watcher's
    // connection keeps it).
    {
        Client other(daemon.uri());
        QVERIFY(other.isOpen());
        QCOMPARE(other.domainCount(), 2);
    }
    QCOMPARE(w.domainNames(), (QStringList{u"bot-vm"_s, u"test"_s}));
    QCOMPARE(w.domainState(u"bot-vm"_s), u"running"_s);

    // Destroyed behind the master's back: the worker goes with it.
    const qint64 workerPid = w.worker(u"bot-vm"_s)->pid();
    QVERIFY(workerPid > 0);
    QVERIFY2(w.destroyDomain(u"bot-vm"_s), qPrintable(w.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(w.stoppedCount(u"bot-vm"_s), 1, EventTimeoutMs);
    QCOMPARE(stopped.count(), 1);
    QVERIFY(!w.isWorkerRunning(u"bot-vm"_s));
    QCOMPARE(::kill(pid_t(workerPid), 0), -1);
    QCOMPARE(w.domainState(u"bot-vm"_s), u"absent"_s); // transient: gone
    QVERIFY(m.waitForState(u"bot-vm"_s, u"disconnected"_s, AttachTimeoutMs));
    QCOMPARE(w.startedCount(u"bot-vm"_s), 1);
}

void TestLibvirtFixture::workerFollowsRestartedMaster()
{
    // The domain keeps running while the master is replaced by one on another
    // port: setMasterPort() points the domain's worker at the new one.
    const QByteArray password = "lv-Pw-42";
    LibvirtDaemon daemon;
    QVERIFY2(daemon.start(), qPrintable(daemon.errorString()));
    DomainWatcher w(daemon.uri());
    QVERIFY2(w.open(), qPrintable(w.errorString()));

    auto first = std::make_unique<MasterProcess>(masterConfig({workerEntry(u"bot-re"_s)}));
    first->writeSecret(u"worker/bot-re"_s, password);
    QVERIFY(first->start());
    QVERIFY2(w.addWorker(u"bot-re"_s, password, first->port()), qPrintable(w.errorString()));
    QVERIFY2(w.createDomain(DomainWatcher::testDomainXml(u"bot-re"_s)),
             qPrintable(w.errorString()));
    QVERIFY(first->waitForState(u"bot-re"_s, u"connected"_s, AttachTimeoutMs));
    QVERIFY(first->stop());
    first.reset();

    MasterProcess second(masterConfig({workerEntry(u"bot-re"_s)}));
    second.writeSecret(u"worker/bot-re"_s, password);
    QVERIFY(second.start());
    QVERIFY2(w.setMasterPort(second.port()), qPrintable(w.errorString()));
    QVERIFY(second.waitForState(u"bot-re"_s, u"connected"_s, AttachTimeoutMs));
    QCOMPARE(w.workerLaunches(u"bot-re"_s), 2);
    QCOMPARE(w.startedCount(u"bot-re"_s), 1);
    QCOMPARE(w.domainState(u"bot-re"_s), u"running"_s);
}

void TestLibvirtFixture::predefinedDomainWithoutWorker()
{
    LibvirtDaemon daemon;
    QVERIFY2(daemon.start(), qPrintable(daemon.errorString()));
    DomainWatcher w(daemon.uri());
    QVERIFY2(w.open(), qPrintable(w.errorString()));
    QSignalSpy launched(&w, &DomainWatcher::workerLaunched);

    // Port 9 (discard): this worker never reaches a master; it is never
    // launched anyway.
    QVERIFY2(w.addWorker(u"bot-silent"_s, "silent-Pw-1", 9, u"vm-silent"_s),
             qPrintable(w.errorString()));
    w.setLaunchWorker(u"bot-silent"_s, false);

    QVERIFY2(w.defineDomain(DomainWatcher::testDomainXml(u"vm-silent"_s)),
             qPrintable(w.errorString()));
    QCOMPARE(w.domainState(u"vm-silent"_s), u"shut off"_s);
    QVERIFY(w.isPersistent(u"vm-silent"_s));
    QVERIFY(w.domainXml(u"vm-silent"_s).contains(u"<name>vm-silent</name>"_s));
    QTRY_COMPARE_WITH_TIMEOUT(w.definedCount(u"vm-silent"_s), 1, EventTimeoutMs);

    Client master(daemon.uri());
    QVERIFY(master.start(u"vm-silent"_s));
    QTRY_COMPARE_WITH_TIMEOUT(w.startedCount(u"vm-silent"_s), 1, EventTimeoutMs);
    QCOMPARE(w.domainState(u"vm-silent"_s), u"running"_s);
    QCOMPARE(w.workerLaunches(u"bot-silent"_s), 0);
    QVERIFY(!w.isWorkerRunning(u"bot-silent"_s));
    QCOMPARE(launched.count(), 0);

    QVERIFY2(w.shutdownDomain(u"vm-silent"_s), qPrintable(w.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(w.stoppedCount(u"vm-silent"_s), 1, EventTimeoutMs);
    QCOMPARE(w.domainState(u"vm-silent"_s), u"shut off"_s); // persistent: stays
    QVERIFY2(w.undefineDomain(u"vm-silent"_s), qPrintable(w.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(w.undefinedCount(u"vm-silent"_s), 1, EventTimeoutMs);
    QCOMPARE(w.domainState(u"vm-silent"_s), u"absent"_s);
}

void TestLibvirtFixture::stateNeedsAnOpenConnection()
{
    // Why the watcher must stay connected: with no client left, the daemon's
    // test driver starts afresh.
    LibvirtDaemon daemon;
    QVERIFY2(daemon.start(), qPrintable(daemon.errorString()));
    {
        Client a(daemon.uri());
        QVERIFY(a.createTransient(u"vm-lost"_s));
        QCOMPARE(a.domainCount(), 2);
    }
    // The daemon notices the close a moment later.
    const auto countSeenByNewClient = [&daemon] {
        Client b(daemon.uri());
        return b.domainCount();
    };
    QTRY_COMPARE_WITH_TIMEOUT(countSeenByNewClient(), 1, EventTimeoutMs);
}

void TestLibvirtFixture::twoDaemonsAtOnce()
{
    LibvirtDaemon one;
    LibvirtDaemon two;
    QVERIFY2(one.start(), qPrintable(one.errorString()));
    QVERIFY2(two.start(), qPrintable(two.errorString()));
    QVERIFY(one.uri() != two.uri());
    DomainWatcher w1(one.uri());
    DomainWatcher w2(two.uri());
    QVERIFY2(w1.open(), qPrintable(w1.errorString()));
    QVERIFY2(w2.open(), qPrintable(w2.errorString()));

    QVERIFY(w1.createDomain(DomainWatcher::testDomainXml(u"vm-same"_s)));
    QTRY_COMPARE_WITH_TIMEOUT(w1.startedCount(u"vm-same"_s), 1, EventTimeoutMs);
    QCOMPARE(w2.domainState(u"vm-same"_s), u"absent"_s);
    QVERIFY(w2.createDomain(DomainWatcher::testDomainXml(u"vm-same"_s)));
    QTRY_COMPARE_WITH_TIMEOUT(w2.startedCount(u"vm-same"_s), 1, EventTimeoutMs);
    QCOMPARE(w1.startedCount(u"vm-same"_s), 1);

    QVERIFY(w1.destroyDomain(u"vm-same"_s));
    QTRY_COMPARE_WITH_TIMEOUT(w1.stoppedCount(u"vm-same"_s), 1, EventTimeoutMs);
    QCOMPARE(w2.domainState(u"vm-same"_s), u"running"_s);

    one.stop();
    QVERIFY(two.isRunning());
    QCOMPARE(w2.domainState(u"vm-same"_s), u"running"_s);
    QCOMPARE(w2.stoppedCount(u"vm-same"_s), 0);
}

void TestLibvirtFixture::stateSurvivesKilledClient()
{
    // A client in another process (the master's role) starts a domain and is
    // killed with SIGKILL: the domain stays while the watcher is connected.
    LibvirtDaemon daemon;
    QVERIFY2(daemon.start(), qPrintable(daemon.errorString()));
    DomainWatcher w(daemon.uri());
    QVERIFY2(w.open(), qPrintable(w.errorString()));

    QProcess client;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"YM_LV_CLIENT_URI"_s, daemon.uri());
    env.insert(u"YM_LV_CLIENT_DOMAIN"_s, u"vm-orphan"_s);
    client.setProcessEnvironment(env);
    client.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(client.waitForStarted(10000));
    QByteArray said;
    QTRY_VERIFY_WITH_TIMEOUT((said += client.readAllStandardOutput()).contains("ready"),
                             EventTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(w.startedCount(u"vm-orphan"_s), 1, EventTimeoutMs);

    client.kill(); // SIGKILL
    QVERIFY(client.waitForFinished(10000));
    QTest::qWait(500);
    QCOMPARE(w.domainState(u"vm-orphan"_s), u"running"_s);
    QCOMPARE(w.stoppedCount(u"vm-orphan"_s), 0);
}

namespace {

// The client process of stateSurvivesKilledClient(): connects, creates a
// transient domain, says "ready" and waits to be killed.
int runClient(const char* uri, const char* domain)
{
    ymtest::silenceLibvirtErrors();
    Client c(QString::fromUtf8(uri));
    if (!c.isOpen() || !c.createTransient(QString::fromUtf8(domain)))
        return 2;
    std::fputs("ready\n", stdout);
    std::fflush(stdout);
    for (int i = 0; i < 600; ++i)
        ::sleep(1);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (const char* uri = std::getenv("YM_LV_CLIENT_URI"))
        return runClient(uri, std::getenv("YM_LV_CLIENT_DOMAIN"));
    QCoreApplication app(argc, argv);
    TestLibvirtFixture t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}
#include "tst_libvirt_fixture.moc"
