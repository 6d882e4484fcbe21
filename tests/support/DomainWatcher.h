#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace ymtest {

class BuildbotWorker;

// Plays the guest side of libvirt's test driver for latent-worker tests: a test
// domain runs nothing, so when a domain named like a registered worker starts,
// the watcher launches a real buildbot-worker with that worker's credentials,
// and stops it when the domain stops (SIGTERM on shutdown, SIGKILL on destroy).
//
// Lives on the test's main thread. It opens its own connection to `uri` (which
// also keeps a LibvirtDaemon's test driver state alive) and runs libvirt's
// default event loop on a thread of its own; lifecycle events reach the main
// thread as queued calls, so tests wait for them with QTRY_* / QSignalSpy.
//
//     LibvirtDaemon daemon;            QVERIFY2(daemon.start(), ...);
//     DomainWatcher watcher(daemon.uri());  QVERIFY2(watcher.open(), ...);
//     watcher.addWorker(u"bot-vm"_s, password, master.port());
//     ... the master starts domain "bot-vm" -> the worker attaches ...
class DomainWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DomainWatcher)

public:
    explicit DomainWatcher(QString uri, QObject* parent = nullptr);
    ~DomainWatcher() override; // stops the workers it launched, closes the connection

    // Connects and registers for lifecycle events; false + errorString().
    bool open();
    QString errorString() const;
    QString uri() const;

    // ---- workers launched for domains
    // Creates the worker folder now (buildbot-worker create-worker, pointing at
    // 127.0.0.1:masterPort) and launches it whenever domain `domain` (default:
    // the worker's name) starts. False if create-worker failed.
    bool addWorker(const QString& name, const QByteArray& password, quint16 masterPort,
                   const QString& domain = {});
    // false: the domain's start launches nothing (attach-timeout tests).
    void setLaunchWorker(const QString& name, bool launch);
    // Re-creates every worker for a new master port (a restarted master);
    // workers that run are restarted against it.
    bool setMasterPort(quint16 masterPort);
    // nullptr for an unknown name.
    BuildbotWorker* worker(const QString& name) const;
    bool isWorkerRunning(const QString& name) const;
    int workerLaunches(const QString& name) const; // how often it was launched

    // ---- lifecycle events seen (per domain name)
    int startedCount(const QString& domain) const;
    int stoppedCount(const QString& domain) const;
    int definedCount(const QString& domain) const;
    int undefinedCount(const QString& domain) const;

    // ---- the hypervisor, through the watcher's connection (synchronous)
    // "absent", "running", "shut off", "paused", "blocked", "shutdown",
    // "crashed", "pmsuspended", "no state" (or "unknown").
    QString domainState(const QString& domain) const;
    bool isPersistent(const QString& domain) const; // false when absent or transient
    QStringList domainNames() const;                // active and defined, sorted
    // A persistent, shut-off domain from `xml` (e.g. testDomainXml()).
    bool defineDomain(const QString& xml);
    // A transient, running domain from `xml`.
    bool createDomain(const QString& xml);
    bool startDomain(const QString& domain);   // a defined, shut-off one
    bool destroyDomain(const QString& domain); // behind the master's back
    bool shutdownDomain(const QString& domain);
    bool undefineDomain(const QString& domain);
    QString domainXml(const QString& domain) const; // empty when absent

    // A minimal domain for the test driver.
    static QString testDomainXml(const QString& name);

Q_SIGNALS:
    void domainStarted(const QString& domain);
    void domainStopped(const QString& domain);
    // Every lifecycle event (virDomainEventType, its detail).
    void lifecycleEvent(const QString& domain, int event, int detail);
    void workerLaunched(const QString& worker);
    void workerStopped(const QString& worker);

private:
    void onLifecycle(const QString& domain, int event, int detail);

    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace ymtest
