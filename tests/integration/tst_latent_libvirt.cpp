// Latent libvirt workers end to end: a real `yardmaster --headless`, libvirt's
// test driver served by a private libvirtd (shared with this test and
// surviving a master killed with SIGKILL), real qemu-img overlays, and a real
// buildbot-worker launched when the master starts the worker's domain.
#include "support/DomainWatcher.h"
#include "support/LibvirtDaemon.h"
#include "support/MasterProcess.h"
#include "support/SmtpSink.h"
#include "support/TestConfigs.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <memory>

#include <signal.h>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

constexpr int StartTimeoutMs = 90000; // domain start + buildbot-worker start + attach
constexpr int BuildTimeoutMs = 120000;
const QByteArray Password = "latent-Pw-8";

QJsonObject builder(const QString& name, const QStringList& workers, const QString& command)
{
    return QJsonObject{{u"name"_s, name},
                       {u"workernames"_s, QJsonArray::fromStringList(workers)},
                       {u"steps"_s, QJsonArray{QJsonObject{{u"type"_s, u"shell"_s},
                                                           {u"name"_s, u"run"_s},
                                                           {u"command"_s, command}}}}};
}

// A domain for the test driver with the worker's disk.
QString domainXml(const QString& name, const QString& disk)
{
    return uR"(<domain type='test'><name>%1</name><memory>65536</memory><vcpu>1</vcpu>)"
           uR"(<os><type>hvm</type></os><devices><disk type='file' device='disk'>)"
           uR"(<driver name='qemu' type='qcow2'/><source file='%2'/><target dev='vda'/>)"
           uR"(</disk></devices></domain>)"_s.arg(name, disk);
}

QJsonObject qemuImgInfo(const QString& path)
{
    QProcess p;
    p.start(u"qemu-img"_s, {u"info"_s, u"--output=json"_s, u"-U"_s, path});
    p.waitForFinished(30000);
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

bool qemuIo(const QString& path, const QString& command, QString* out = nullptr)
{
    QProcess p;
    p.start(u"qemu-io"_s, {u"-f"_s, u"qcow2"_s, u"-c"_s, command, path});
    p.waitForFinished(30000);
    const QString text = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    if (out)
        *out = text;
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 &&
           !text.contains(u"Pattern verification failed"_s) && !text.contains(u"failed"_s);
}

// Polls `check` until it holds or `ms` of wall time have passed. (QTRY_*
// count only their own sleeps: with a ctl call per check, a failing wait
// would run far past its timeout and into the test watchdog.)
template <typename Check> bool eventually(Check check, int ms)
{
    const QDeadlineTimer deadline(ms);
    while (!check()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(200);
    }
    return true;
}

#define WAIT_COMPARE(actual, expected, ms)                                                         \
    do {                                                                                           \
        if (!eventually([&] { return (actual) == (expected); }, ms))                               \
            QCOMPARE(actual, expected);                                                            \
    } while (false)
#define WAIT_VERIFY(condition, ms)                                                                 \
    do {                                                                                           \
        if (!eventually([&] { return bool(condition); }, ms))                                      \
            QVERIFY2(condition, #condition);                                                       \
    } while (false)

// One test's world: a daemon, a watcher, a base image, a master.
struct World
{
    LibvirtDaemon daemon;
    std::unique_ptr<DomainWatcher> watcher;
    QTemporaryDir images;
    std::unique_ptr<MasterProcess> master;

    bool up()
    {
        if (!daemon.start()) {
            qWarning().noquote() << daemon.errorString();
            return false;
        }
        watcher = std::make_unique<DomainWatcher>(daemon.uri());
        if (!watcher->open()) {
            qWarning().noquote() << watcher->errorString();
            return false;
        }
        QProcess p;
        p.start(u"qemu-img"_s, {u"create"_s, u"-q"_s, u"-f"_s, u"qcow2"_s, base(), u"16M"_s});
        return p.waitForFinished(30000) && p.exitCode() == 0;
    }
    QString base() const { return images.filePath(u"base.qcow2"_s); }
    QString hd(const QString& worker) const { return images.filePath(worker + u".qcow2"_s); }

    // A latent libvirt worker entry; `libvirt` and `extra` add or override keys.
    QJsonObject latentWorker(const QString& name, const QJsonObject& libvirt = {},
                             const QJsonObject& extra = {}) const
    {
        QJsonObject lv{{u"connection"_s, daemon.uri()},
                       {u"hd_image"_s, hd(name)},
                       {u"base_image"_s, base()},
                       {u"xml"_s, domainXml(name, hd(name))}};
        for (auto it = libvirt.begin(); it != libvirt.end(); ++it) {
            if (it.value().isNull())
                lv.remove(it.key());
            else
                lv.insert(it.key(), it.value());
        }
        QJsonObject w = workerEntry(name, {{u"type"_s, u"libvirt"_s}, {u"libvirt"_s, lv}});
        for (auto it = extra.begin(); it != extra.end(); ++it)
            w.insert(it.key(), it.value());
        return w;
    }

    // Starts the master with these workers and builders; registers each
    // worker with the watcher (a domain start launches it).
    bool startMaster(const QJsonArray& workers, const QJsonArray& builders,
                     const QJsonObject& extraTop = {})
    {
        QJsonObject c = masterConfig(workers);
        c.insert(u"builders"_s, builders);
        for (auto it = extraTop.begin(); it != extraTop.end(); ++it)
            c.insert(it.key(), it.value());
        master = std::make_unique<MasterProcess>(c);
        for (const QJsonValue& w : workers)
            master->writeSecret(u"worker/"_s + w.toObject().value(u"name"_s).toString(), Password);
        if (!master->start())
            return false;
        for (const QJsonValue& w : workers) {
            const QString name = w.toObject().value(u"name"_s).toString();
            if (!watcher->addWorker(name, Password, master->port()))
                return false;
        }
        return true;
    }

    QJsonObject latent(const QString& worker) const
    {
        return master->worker(worker).value(u"latent"_s).toObject();
    }
    QString phase(const QString& worker) const
    {
        return latent(worker).value(u"phase"_s).toString();
    }
    qint64 force(const QString& builderName) const
    {
        const MasterProcess::CtlResult r = master->ctl({u"force"_s, builderName, u"--json"_s});
        if (r.exitCode != 0)
            qWarning() << "ctl force failed:" << r.err;
        return qint64(r.json.value(u"request"_s).toDouble());
    }
    QJsonArray builds() const
    {
        return master->ctl({u"builds"_s, u"--json"_s}).json.value(u"builds"_s).toArray();
    }
    QJsonObject buildOf(qint64 request) const
    {
        QJsonObject last;
        for (const QJsonValue& v : builds())
            if (qint64(v.toObject().value(u"request"_s).toDouble()) == request)
                last = v.toObject();
        return last;
    }
    bool finished(qint64 request) const
    {
        return buildOf(request).value(u"state"_s).toString() == u"finished"_s;
    }
    QJsonArray ledger(const QString& worker = {}) const
    {
        QStringList args{u"ledger"_s, u"--json"_s};
        if (!worker.isEmpty())
            args << u"--worker"_s << worker;
        const MasterProcess::CtlResult r = master->ctl(args);
        if (r.exitCode != 0)
            qWarning() << "ctl ledger failed:" << r.err;
        return r.json.value(u"instances"_s).toArray();
    }
    QJsonObject lastLedgerRow(const QString& worker) const
    {
        const QJsonArray rows = ledger(worker);
        return rows.isEmpty() ? QJsonObject() : rows.last().toObject();
    }
    QJsonArray events() const
    {
        return master->ctl({u"events"_s, u"--json"_s}).json.value(u"events"_s).toArray();
    }
    bool hasEvent(const QString& kind, const QString& worker, const QString& text) const
    {
        for (const QJsonValue& v : events()) {
            const QJsonObject e = v.toObject();
            if (e.value(u"kind"_s).toString() == kind &&
                e.value(u"worker"_s).toString() == worker &&
                e.value(u"message"_s).toString().contains(text))
                return true;
        }
        return false;
    }
};

} // namespace

class TestLatentLibvirt final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void buildWaitZeroFreshOverlays();
    void buildWaitTwoSeconds();
    void buildWaitNegativeStaysUp();
    void predefinedDomain();
    void missingDomainStaysQueued();
    void attachTimeoutBacksOff();
    void masterKilledAdoptsInstance();
    void masterKilledStopsOrClosesInstance();
    void duplicateAttachRefused();
    void stoppedBehindTheMastersBack();
    void manualStopWithRunningBuild();
    void buildDuringWaitKeepsInstance();
    void removedFromConfigStopsInstance();
    void removedWhileMasterDownStillStopped();
    void gracefulShutdownStopsInstances();
};

void TestLatentLibvirt::initTestCase()
{
    silenceLibvirtErrors();
}

// build_wait_timeout 0: the domain is destroyed right after the build; each
// start gets a fresh overlay of the base image, deleted after the stop.
void TestLatentLibvirt::buildWaitZeroFreshOverlays()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-zero"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, 0}})},
                          {builder(u"b"_s, {name}, u"echo built on $HOSTNAME"_s)}));
    QCOMPARE(w.phase(name), u"stopped"_s);
    QVERIFY(!QFileInfo::exists(w.hd(name)));

    // At each domain start: the overlay exists, backed by the base; the first
    // one gets a pattern written into it.
    QStringList overlayChecks;
    int starts = 0;
    QObject::connect(w.watcher.get(), &DomainWatcher::domainStarted, w.watcher.get(),
                     [&](const QString& domain) {
                         if (domain != name)
                             return;
                         ++starts;
                         const QJsonObject info = qemuImgInfo(w.hd(name));
                         overlayChecks << info.value(u"backing-filename"_s).toString();
                         QString out;
                         if (starts == 1) {
                             if (!qemuIo(w.hd(name), u"write -P 0xab 0 4k"_s, &out))
                                 overlayChecks << u"write failed: "_s + out;
                         } else if (!qemuIo(w.hd(name), u"read -P 0 0 4k"_s, &out)) {
                             overlayChecks << u"second overlay is not fresh: "_s + out;
                         }
                     });

    for (int round = 1; round <= 2; ++round) {
        const qint64 request = w.force(u"b"_s);
        QVERIFY(request > 0);
        WAIT_VERIFY(w.finished(request), BuildTimeoutMs + StartTimeoutMs);
        QCOMPARE(w.buildOf(request).value(u"result"_s).toString(), u"success"_s);
        QCOMPARE(w.buildOf(request).value(u"worker"_s).toString(), name);
        // Stopped right after the build: the transient domain and the overlay are gone.
        WAIT_COMPARE(w.phase(name), u"stopped"_s, 60000);
        QCOMPARE(w.watcher->domainState(name), u"absent"_s);
        QVERIFY(!QFileInfo::exists(w.hd(name)));
        QCOMPARE(w.watcher->startedCount(name), round);
    }
    QCOMPARE(overlayChecks, QStringList({w.base(), w.base()}));
    // The base image itself was never written: a fresh overlay reads zeros.
    QString out;
    QVERIFY2(qemuIo(w.base(), u"read -P 0 0 4k"_s, &out), qPrintable(out));

    // The ledger: two closed rows, each started, attached and stopped.
    const QJsonArray rows = w.ledger(name);
    QCOMPARE(rows.size(), 2);
    for (const QJsonValue& v : rows) {
        const QJsonObject r = v.toObject();
        QCOMPARE(r.value(u"state"_s).toString(), u"stopped"_s);
        QCOMPARE(r.value(u"instance"_s).toString(), name);
        QCOMPARE(r.value(u"driver"_s).toString(), u"libvirt"_s);
        QVERIFY(r.value(u"started_ms"_s).toDouble() > 0);
        QVERIFY(r.value(u"attached_ms"_s).toDouble() >= r.value(u"started_ms"_s).toDouble());
        QVERIFY(r.value(u"stopped_ms"_s).toDouble() >= r.value(u"attached_ms"_s).toDouble());
    }
}

// build_wait_timeout 2: the domain stays up about 2 s after the build.
void TestLatentLibvirt::buildWaitTwoSeconds()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-two"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, 2}})},
                          {builder(u"b"_s, {name}, u"true"_s)}));
    const qint64 request = w.force(u"b"_s);
    WAIT_VERIFY(w.finished(request), BuildTimeoutMs + StartTimeoutMs);
    const double finishedMs = w.buildOf(request).value(u"finished_ms"_s).toDouble();
    WAIT_COMPARE(w.phase(name), u"stopped"_s, 60000);
    QCOMPARE(w.watcher->domainState(name), u"absent"_s);
    const QJsonObject row = w.lastLedgerRow(name);
    QCOMPARE(row.value(u"state"_s).toString(), u"stopped"_s);
    // Not before build_wait_timeout had passed since the build.
    QVERIFY2(row.value(u"stop_requested_ms"_s).toDouble() - finishedMs >= 1900,
             QJsonDocument(row).toJson().constData());
    QVERIFY(row.value(u"reason"_s).toString().contains(u"build_wait_timeout"_s));
}

// A negative build_wait_timeout never stops it; ctl stop-latent does.
void TestLatentLibvirt::buildWaitNegativeStaysUp()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-never"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, -1}})},
                          {builder(u"b"_s, {name}, u"true"_s)}));
    const qint64 request = w.force(u"b"_s);
    WAIT_VERIFY(w.finished(request), BuildTimeoutMs + StartTimeoutMs);
    QTest::qWait(4000);
    QCOMPARE(w.phase(name), u"attached"_s);
    QVERIFY(w.latent(name).value(u"stop_at"_s).isNull());
    QCOMPARE(w.watcher->domainState(name), u"running"_s);

    const MasterProcess::CtlResult stop = w.master->ctl({u"stop-latent"_s, name});
    QVERIFY2(stop.exitCode == 0, stop.err.constData());
    WAIT_COMPARE(w.phase(name), u"stopped"_s, 60000);
    QCOMPARE(w.watcher->domainState(name), u"absent"_s);
    WAIT_VERIFY(!w.watcher->isWorkerRunning(name), 30000);
}

// No xml: the domain defined under the worker's name is started, then shut
// off (and stays defined).
void TestLatentLibvirt::predefinedDomain()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-defined"_s;
    QVERIFY(w.watcher->defineDomain(domainXml(name, w.hd(name))));
    QCOMPARE(w.watcher->domainState(name), u"shut off"_s);
    QVERIFY(w.startMaster(
        {w.latentWorker(name, {{u"xml"_s, QJsonValue::Null}}, {{u"build_wait_timeout"_s, 0}})},
        {builder(u"b"_s, {name}, u"true"_s)}));
    const qint64 request = w.force(u"b"_s);
    WAIT_VERIFY(w.finished(request), BuildTimeoutMs + StartTimeoutMs);
    QCOMPARE(w.buildOf(request).value(u"result"_s).toString(), u"success"_s);
    WAIT_COMPARE(w.phase(name), u"stopped"_s, 60000);
    QCOMPARE(w.watcher->domainState(name), u"shut off"_s);
    QVERIFY(w.watcher->isPersistent(name));
    QVERIFY(!QFileInfo::exists(w.hd(name))); // the overlay went, the domain stays
}

// No xml and no such domain: a clear error, the request stays queued.
void TestLatentLibvirt::missingDomainStaysQueued()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-missing"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {{u"xml"_s, QJsonValue::Null}})},
                          {builder(u"b"_s, {name}, u"true"_s)}));
    const qint64 request = w.force(u"b"_s);
    WAIT_COMPARE(w.phase(name), u"start failed"_s, 60000);
    const QJsonObject l = w.latent(name);
    QVERIFY2(l.value(u"last_error"_s).toString().contains(name) &&
                 l.value(u"last_error"_s).toString().contains(u"no libvirt domain"_s),
             qPrintable(l.value(u"last_error"_s).toString()));
    QVERIFY(!l.value(u"retry_at"_s).isNull());
    QCOMPARE(l.value(u"failures"_s).toInt(), 1);
    QVERIFY(!QFileInfo::exists(w.hd(name))); // the overlay made for the start went again
    // The request is still queued and says why.
    WAIT_VERIFY(w.buildOf(request).value(u"waiting_for"_s).toString().contains(u"start failed"_s),
                30000);
    QCOMPARE(w.buildOf(request).value(u"state"_s).toString(), u"queued"_s);
    QCOMPARE(w.lastLedgerRow(name).value(u"state"_s).toString(), u"start_failed"_s);
    QVERIFY(w.hasEvent(u"latent-failed"_s, name, u"no libvirt domain"_s));

    // Defining the domain and starting by hand (ignoring the back-off) runs it.
    QVERIFY(w.watcher->defineDomain(domainXml(name, w.hd(name))));
    const MasterProcess::CtlResult start = w.master->ctl({u"start-latent"_s, name});
    QVERIFY2(start.exitCode == 0, start.err.constData());
    WAIT_VERIFY(w.finished(request), BuildTimeoutMs + StartTimeoutMs);
    QCOMPARE(w.buildOf(request).value(u"result"_s).toString(), u"success"_s);
}

// The domain starts but no worker attaches: stopped after missing_timeout,
// the failure recorded and mailed once, no new start during the back-off.
void TestLatentLibvirt::attachTimeoutBacksOff()
{
    SmtpSink smtp;
    QVERIFY(smtp.start());
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-silent"_s;
    const QJsonObject mail{{u"relayhost"_s, u"127.0.0.1"_s},
                           {u"port"_s, int(smtp.port())},
                           {u"fromaddr"_s, u"ym@example.org"_s}};
    QVERIFY(w.startMaster(
        {w.latentWorker(name, {},
                        {{u"missing_timeout"_s, 3},
                         {u"notify_on_missing"_s, QJsonArray{u"ops@example.org"_s}}})},
        {builder(u"b"_s, {name}, u"true"_s)}, {{u"mail"_s, mail}}));
    w.watcher->setLaunchWorker(name, false);
    const qint64 request = w.force(u"b"_s);
    WAIT_COMPARE(w.watcher->startedCount(name), 1, 60000);
    WAIT_COMPARE(w.phase(name), u"attach timed out"_s, 60000);
    QCOMPARE(w.watcher->domainState(name), u"absent"_s);
    QVERIFY(!QFileInfo::exists(w.hd(name)));
    const QJsonObject l = w.latent(name);
    QVERIFY(l.value(u"last_error"_s).toString().contains(u"did not attach within 3 s"_s));
    const QDateTime retryAt =
        QDateTime::fromString(l.value(u"retry_at"_s).toString(), Qt::ISODateWithMs);
    const QDateTime since =
        QDateTime::fromString(l.value(u"phase_since"_s).toString(), Qt::ISODateWithMs);
    QVERIFY(retryAt.isValid() && since.isValid());
    QVERIFY(since.msecsTo(retryAt) >= 29000); // 30 s back-off
    const QJsonObject row = w.lastLedgerRow(name);
    QCOMPARE(row.value(u"state"_s).toString(), u"stopped"_s);
    QCOMPARE(row.value(u"attached_ms"_s).toDouble(), 0.0);
    QVERIFY(w.buildOf(request).value(u"state"_s).toString() == u"queued"_s);
    // The notice goes to notify_on_missing.
    WAIT_COMPARE(smtp.messages().size(), 1, 60000);
    QVERIFY(smtp.messages().constFirst().body().contains(u"did not attach"_s));
    QCOMPARE(smtp.messages().constFirst().header(u"Subject"_s),
             u"Yardmaster: latent worker vm-silent did not attach (Yardmaster test)"_s);
    // No new start within the back-off.
    QTest::qWait(5000);
    QCOMPARE(w.watcher->startedCount(name), 1);
    QCOMPARE(w.phase(name), u"attach timed out"_s);
}

// kill -9 while the domain runs; the restarted master adopts it when its
// worker comes back.
void TestLatentLibvirt::masterKilledAdoptsInstance()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-adopt"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, -1}})},
                          {builder(u"b"_s, {name}, u"true"_s)}));
    const MasterProcess::CtlResult start = w.master->ctl({u"start-latent"_s, name});
    QVERIFY2(start.exitCode == 0, start.err.constData());
    WAIT_COMPARE(w.phase(name), u"attached"_s, StartTimeoutMs);
    const qint64 rowId = qint64(w.lastLedgerRow(name).value(u"id"_s).toDouble());
    QVERIFY(rowId > 0);

    ::kill(pid_t(w.master->pid()), SIGKILL);
    w.master->stop(5000); // reaps it
    QCOMPARE(w.watcher->domainState(name), u"running"_s);
    QVERIFY(w.master->start());
    // The worker reconnects to the new port.
    QVERIFY(w.watcher->setMasterPort(w.master->port()));
    WAIT_COMPARE(w.phase(name), u"attached"_s, StartTimeoutMs);
    const QJsonObject row = w.lastLedgerRow(name);
    QCOMPARE(qint64(row.value(u"id"_s).toDouble()), rowId); // the same instance, adopted
    QCOMPARE(row.value(u"state"_s).toString(), u"running"_s);
    QCOMPARE(w.watcher->startedCount(name), 1);
    QVERIFY(w.hasEvent(u"latent"_s, name, u"adopted"_s));
    // And it still runs builds.
    const qint64 request = w.force(u"b"_s);
    WAIT_VERIFY(w.finished(request), BuildTimeoutMs);
    QCOMPARE(w.buildOf(request).value(u"result"_s).toString(), u"success"_s);
}

// kill -9; while the master is down one domain's worker is gone for good
// (stopped after missing_timeout) and another domain is destroyed (closed).
void TestLatentLibvirt::masterKilledStopsOrClosesInstance()
{
    World w;
    QVERIFY(w.up());
    const QString lost = u"vm-lost"_s;
    const QString gone = u"vm-gone"_s;
    QVERIFY(w.startMaster(
        {w.latentWorker(lost, {}, {{u"build_wait_timeout"_s, -1}, {u"missing_timeout"_s, 4}}),
         w.latentWorker(gone, {}, {{u"build_wait_timeout"_s, -1}})},
        {builder(u"b"_s, {lost, gone}, u"true"_s)}));
    for (const QString& n : {lost, gone}) {
        const MasterProcess::CtlResult start = w.master->ctl({u"start-latent"_s, n});
        QVERIFY2(start.exitCode == 0, start.err.constData());
    }
    WAIT_COMPARE(w.phase(lost), u"attached"_s, StartTimeoutMs);
    WAIT_COMPARE(w.phase(gone), u"attached"_s, StartTimeoutMs);

    ::kill(pid_t(w.master->pid()), SIGKILL);
    w.master->stop(5000);
    // While it is down: vm-lost's worker dies (the domain keeps running),
    // vm-gone's domain is destroyed.
    w.watcher->setLaunchWorker(lost, false);
    w.watcher->worker(lost)->stop();
    QVERIFY(w.watcher->destroyDomain(gone));
    QCOMPARE(w.watcher->domainState(lost), u"running"_s);
    QVERIFY(QFileInfo::exists(w.hd(lost)));
    QVERIFY(QFileInfo::exists(w.hd(gone))); // its overlay was left behind

    QVERIFY(w.master->start());
    QVERIFY(w.watcher->setMasterPort(w.master->port()));
    // vm-gone: the provider has no such domain: closed at once, leftovers removed.
    WAIT_COMPARE(w.lastLedgerRow(gone).value(u"state"_s).toString(), u"gone"_s, 60000);
    WAIT_VERIFY(!QFileInfo::exists(w.hd(gone)), 30000);
    QCOMPARE(w.phase(gone), u"stopped"_s);
    // vm-lost: adopted, its worker never comes: stopped after missing_timeout.
    WAIT_COMPARE(w.phase(lost), u"attach timed out"_s, 60000);
    QCOMPARE(w.watcher->domainState(lost), u"absent"_s);
    QCOMPARE(w.lastLedgerRow(lost).value(u"state"_s).toString(), u"stopped"_s);
    QVERIFY(!QFileInfo::exists(w.hd(lost)));
    // Nothing open remains in the ledger, and libvirt agrees.
    for (const QJsonValue& v : w.ledger()) {
        const QString state = v.toObject().value(u"state"_s).toString();
        QVERIFY2(state == u"stopped"_s || state == u"gone"_s, qPrintable(state));
    }
    QVERIFY(!w.watcher->domainNames().contains(lost));
    QVERIFY(!w.watcher->domainNames().contains(gone));
}

// A second connection with an attached latent worker's credentials is
// refused and alerted; so is one while no instance of it runs.
void TestLatentLibvirt::duplicateAttachRefused()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-dup"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, -1}})},
                          {builder(u"b"_s, {name}, u"true"_s)}));
    // While stopped: a worker with its name and password is refused.
    BuildbotWorker early(name, Password, w.master->port());
    QVERIFY(early.create());
    QVERIFY(early.start());
    WAIT_VERIFY(w.hasEvent(u"duplicate"_s, name, u"started no instance"_s), 60000);
    early.stop();
    QCOMPARE(w.phase(name), u"stopped"_s);

    QVERIFY(w.master->ctl({u"start-latent"_s, name}).exitCode == 0);
    WAIT_COMPARE(w.phase(name), u"attached"_s, StartTimeoutMs);
    const qint64 linkId = qint64(w.master->worker(name).value(u"link_id"_s).toDouble());
    BuildbotWorker second(name, Password, w.master->port());
    QVERIFY(second.create());
    QVERIFY(second.start());
    WAIT_VERIFY(w.hasEvent(u"duplicate"_s, name, u"second connection"_s), 60000);
    QVERIFY(w.master->waitForLog(u"second connection for latent worker"_s, 10000));
    // The first one stays attached on the same link.
    QTest::qWait(2000);
    QCOMPARE(w.phase(name), u"attached"_s);
    QCOMPARE(qint64(w.master->worker(name).value(u"link_id"_s).toDouble()), linkId);
    second.stop();
}

// A domain destroyed behind the master's back: the worker goes to stopped
// and the ledger row is closed as gone.
void TestLatentLibvirt::stoppedBehindTheMastersBack()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-behind"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, -1}})},
                          {builder(u"b"_s, {name}, u"true"_s)}));
    QVERIFY(w.master->ctl({u"start-latent"_s, name}).exitCode == 0);
    WAIT_COMPARE(w.phase(name), u"attached"_s, StartTimeoutMs);
    QVERIFY(w.watcher->destroyDomain(name));
    WAIT_COMPARE(w.phase(name), u"stopped"_s, 60000);
    QCOMPARE(w.lastLedgerRow(name).value(u"state"_s).toString(), u"gone"_s);
    QVERIFY(w.hasEvent(u"latent-failed"_s, name, u"stopped outside the master"_s));
    QVERIFY(!QFileInfo::exists(w.hd(name)));
}

// stop-latent refuses while a build runs unless --force; forced, the build is
// retried on the next start.
void TestLatentLibvirt::manualStopWithRunningBuild()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-busy"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, 0}})},
                          {builder(u"b"_s, {name}, u"sleep 600"_s)}));
    const qint64 request = w.force(u"b"_s);
    WAIT_COMPARE(w.buildOf(request).value(u"state"_s).toString(), u"running"_s, StartTimeoutMs);
    const MasterProcess::CtlResult refused = w.master->ctl({u"stop-latent"_s, name});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("--force"), refused.err.constData());
    QCOMPARE(w.phase(name), u"attached"_s);

    const MasterProcess::CtlResult forced = w.master->ctl({u"stop-latent"_s, name, u"--force"_s});
    QVERIFY2(forced.exitCode == 0, forced.err.constData());
    // The interrupted build ends `retry`; its request starts the worker again.
    WAIT_VERIFY(w.watcher->startedCount(name) >= 2, StartTimeoutMs);
    WAIT_COMPARE(w.buildOf(request).value(u"state"_s).toString(), u"running"_s, StartTimeoutMs);
    QVERIFY(w.buildOf(request).value(u"retries"_s).toInt() >= 1);
    QVERIFY(w.master
                ->ctl({u"stop"_s,
                       QString::number(qint64(w.buildOf(request).value(u"id"_s).toDouble()))})
                .exitCode == 0);
}

// A build that arrives while the idle stop is armed runs on the same
// instance and cancels the stop.
void TestLatentLibvirt::buildDuringWaitKeepsInstance()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-again"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, 600}})},
                          {builder(u"b"_s, {name}, u"sleep 1"_s)}));
    const qint64 first = w.force(u"b"_s);
    WAIT_VERIFY(w.finished(first), BuildTimeoutMs + StartTimeoutMs);
    // Idle: the stop is armed about 600 s ahead.
    WAIT_VERIFY(!w.latent(name).value(u"stop_at"_s).isNull(), 30000);
    const qint64 second = w.force(u"b"_s);
    WAIT_COMPARE(w.buildOf(second).value(u"state"_s).toString(), u"running"_s, 60000);
    QVERIFY(w.latent(name).value(u"stop_at"_s).isNull()); // disarmed while it builds
    WAIT_VERIFY(w.finished(second), BuildTimeoutMs);
    QCOMPARE(w.buildOf(second).value(u"result"_s).toString(), u"success"_s);
    QCOMPARE(w.watcher->startedCount(name), 1); // the same instance
    QCOMPARE(w.ledger(name).size(), 1);
    QCOMPARE(w.phase(name), u"attached"_s);
    WAIT_VERIFY(!w.latent(name).value(u"stop_at"_s).isNull(), 30000); // re-armed
}

// A running latent worker removed from the config by a reload: its instance
// is stopped, not forgotten.
void TestLatentLibvirt::removedFromConfigStopsInstance()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-removed"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, -1}})},
                          {builder(u"b"_s, {name}, u"true"_s)}));
    QVERIFY(w.master->ctl({u"start-latent"_s, name}).exitCode == 0);
    WAIT_COMPARE(w.phase(name), u"attached"_s, StartTimeoutMs);
    QJsonObject c = masterConfig({workerEntry(u"plain"_s)});
    c.insert(u"builders"_s, QJsonArray{builder(u"b"_s, {u"plain"_s}, u"true"_s)});
    w.master->rewriteConfig(c);
    const MasterProcess::CtlResult reload = w.master->ctl({u"reload"_s});
    QVERIFY2(reload.exitCode == 0, reload.err.constData());
    WAIT_COMPARE(w.watcher->domainState(name), u"absent"_s, 60000);
    WAIT_COMPARE(w.lastLedgerRow(name).value(u"state"_s).toString(), u"stopped"_s, 30000);
    QVERIFY(w.lastLedgerRow(name).value(u"reason"_s).toString().contains(u"removed"_s));
    QVERIFY(!QFileInfo::exists(w.hd(name)));
}

// The master dies while an instance runs, and the worker is removed from the
// config before it comes back: the ledger still knows where the instance
// runs, and the restarted master stops it.
void TestLatentLibvirt::removedWhileMasterDownStillStopped()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-orphan"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, -1}})},
                          {builder(u"b"_s, {name}, u"true"_s)}));
    QVERIFY(w.master->ctl({u"start-latent"_s, name}).exitCode == 0);
    WAIT_COMPARE(w.phase(name), u"attached"_s, StartTimeoutMs);
    ::kill(pid_t(w.master->pid()), SIGKILL);
    w.master->stop(5000);
    QJsonObject c = masterConfig({workerEntry(u"plain"_s)});
    c.insert(u"builders"_s, QJsonArray{builder(u"b"_s, {u"plain"_s}, u"true"_s)});
    w.master->rewriteConfig(c);
    QCOMPARE(w.watcher->domainState(name), u"running"_s);
    QVERIFY(w.master->start());
    WAIT_COMPARE(w.watcher->domainState(name), u"absent"_s, 60000);
    WAIT_COMPARE(w.lastLedgerRow(name).value(u"state"_s).toString(), u"stopped"_s, 30000);
    QVERIFY(!QFileInfo::exists(w.hd(name)));
    QVERIFY(w.hasEvent(u"latent"_s, name, u"no longer a configured latent worker"_s));
}

// SIGTERM: the master stops its running instances before it exits (as
// Buildbot does); the ledger says so after the next start.
void TestLatentLibvirt::gracefulShutdownStopsInstances()
{
    World w;
    QVERIFY(w.up());
    const QString name = u"vm-bye"_s;
    QVERIFY(w.startMaster({w.latentWorker(name, {}, {{u"build_wait_timeout"_s, -1}})},
                          {builder(u"b"_s, {name}, u"true"_s)}));
    QVERIFY(w.master->ctl({u"start-latent"_s, name}).exitCode == 0);
    WAIT_COMPARE(w.phase(name), u"attached"_s, StartTimeoutMs);
    QVERIFY(w.master->stop(60000));
    QCOMPARE(w.watcher->domainState(name), u"absent"_s);
    QVERIFY(!QFileInfo::exists(w.hd(name)));
    QVERIFY(w.master->log().contains(u"before the master stops"_s));
    QVERIFY(w.master->start());
    const QJsonObject row = w.lastLedgerRow(name);
    QCOMPARE(row.value(u"state"_s).toString(), u"stopped"_s);
    QVERIFY(row.value(u"reason"_s).toString().contains(u"shutting down"_s));
    QCOMPARE(w.phase(name), u"stopped"_s);
    QCOMPARE(w.watcher->startedCount(name), 1);
}

QTEST_GUILESS_MAIN(TestLatentLibvirt)
#include "tst_latent_libvirt.moc"
