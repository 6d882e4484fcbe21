#include "support/DomainWatcher.h"

#include "support/LibvirtDaemon.h"
#include "support/LibvirtEventLoop.h"
#include "support/MasterProcess.h"

#include <QMetaObject>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <map>
#include <mutex>

using namespace Qt::StringLiterals;

namespace ymtest {

namespace {

// Hands events from libvirt's event thread to the watcher on its own thread;
// the watcher clears `target` before it goes away.
struct Relay
{
    std::mutex mutex;
    DomainWatcher* target = nullptr;
};

QString stateName(int state)
{
    switch (state) {
    case VIR_DOMAIN_NOSTATE:
        return u"no state"_s;
    case VIR_DOMAIN_RUNNING:
        return u"running"_s;
    case VIR_DOMAIN_BLOCKED:
        return u"blocked"_s;
    case VIR_DOMAIN_PAUSED:
        return u"paused"_s;
    case VIR_DOMAIN_SHUTDOWN:
        return u"shutdown"_s;
    case VIR_DOMAIN_SHUTOFF:
        return u"shut off"_s;
    case VIR_DOMAIN_CRASHED:
        return u"crashed"_s;
    case VIR_DOMAIN_PMSUSPENDED:
        return u"pmsuspended"_s;
    default:
        return u"unknown"_s;
    }
}

struct WorkerEntry
{
    QString name;
    QByteArray password;
    QString domain;
    quint16 port = 0;
    bool launch = true;
    int launches = 0;
    std::unique_ptr<BuildbotWorker> proc;

    bool running() const { return proc && proc->pid() > 0; }
};

} // namespace

struct DomainWatcher::Impl
{
    QString uri;
    QString error;
    virConnectPtr conn = nullptr;
    int callbackId = -1;
    bool loopAcquired = false;
    std::shared_ptr<Relay> relay = std::make_shared<Relay>();
    std::map<QString, WorkerEntry> workers;
    QHash<QString, int> started, stopped, defined, undefined;

    static int onEvent(virConnectPtr, virDomainPtr dom, int event, int detail, void* opaque)
    {
        const auto& relay = *static_cast<std::shared_ptr<Relay>*>(opaque);
        const char* raw = virDomainGetName(dom);
        const QString name = raw ? QString::fromUtf8(raw) : QString();
        const std::lock_guard lock(relay->mutex);
        if (DomainWatcher* w = relay->target) {
            QMetaObject::invokeMethod(
                w, [w, name, event, detail] { w->onLifecycle(name, event, detail); },
                Qt::QueuedConnection);
        }
        return 0;
    }

    bool fail(const QString& what)
    {
        const QString why = lastLibvirtError();
        error = what + (why.isEmpty() ? QString() : u": "_s + why);
        return false;
    }

    // A domain by name; nullptr when absent (free it with virDomainFree).
    virDomainPtr lookup(const QString& name) const
    {
        if (!conn)
            return nullptr;
        return virDomainLookupByName(conn, name.toUtf8().constData());
    }

    bool create(WorkerEntry& w)
    {
        w.proc = std::make_unique<BuildbotWorker>(w.name, w.password, w.port);
        if (!w.proc->create()) {
            error = u"buildbot-worker create-worker failed for "_s + w.name;
            return false;
        }
        return true;
    }
};

DomainWatcher::DomainWatcher(QString uri, QObject* parent)
    : QObject(parent), d(std::make_unique<Impl>())
{
    silenceLibvirtErrors();
    d->uri = std::move(uri);
}

DomainWatcher::~DomainWatcher()
{
    {
        const std::lock_guard lock(d->relay->mutex);
        d->relay->target = nullptr;
    }
    for (auto& [name, w] : d->workers) {
        if (w.running())
            w.proc->stop();
    }
    if (d->conn) {
        if (d->callbackId >= 0)
            virConnectDomainEventDeregisterAny(d->conn, d->callbackId);
        virConnectClose(d->conn);
    }
    if (d->loopAcquired)
        LibvirtEventLoop::release();
}

bool DomainWatcher::open()
{
    if (d->conn)
        return true;
    // Before the connection opens: its events need a registered loop.
    LibvirtEventLoop::acquire();
    d->loopAcquired = true;
    d->conn = virConnectOpen(d->uri.toUtf8().constData());
    if (!d->conn)
        return d->fail(u"cannot connect to "_s + d->uri);
    {
        const std::lock_guard lock(d->relay->mutex);
        d->relay->target = this;
    }
    auto* opaque = new std::shared_ptr<Relay>(d->relay);
    d->callbackId = virConnectDomainEventRegisterAny(
        d->conn, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(Impl::onEvent),
        opaque, [](void* p) { delete static_cast<std::shared_ptr<Relay>*>(p); });
    if (d->callbackId < 0) {
        delete opaque;
        return d->fail(u"cannot register for domain lifecycle events on "_s + d->uri);
    }
    return true;
}

QString DomainWatcher::errorString() const
{
    return d->error;
}

QString DomainWatcher::uri() const
{
    return d->uri;
}

bool DomainWatcher::addWorker(const QString& name, const QByteArray& password, quint16 masterPort,
                              const QString& domain)
{
    WorkerEntry& w = d->workers[name];
    if (w.running())
        w.proc->stop();
    w.name = name;
    w.password = password;
    w.domain = domain.isEmpty() ? name : domain;
    w.port = masterPort;
    if (!d->create(w))
        return false;
    // Its domain already runs: so does the worker.
    if (w.launch && domainState(w.domain) == u"running"_s && w.proc->start()) {
        ++w.launches;
        Q_EMIT workerLaunched(name);
    }
    return true;
}

void DomainWatcher::setLaunchWorker(const QString& name, bool launch)
{
    d->workers[name].launch = launch;
    if (d->workers[name].name.isEmpty())
        d->workers[name].name = name;
}

bool DomainWatcher::setMasterPort(quint16 masterPort)
{
    bool ok = true;
    for (auto& [name, w] : d->workers) {
        if (!w.proc)
            continue;
        const bool wasRunning = w.running();
        if (wasRunning)
            w.proc->stop();
        w.port = masterPort;
        if (!d->create(w)) {
            ok = false;
            continue;
        }
        if (wasRunning && w.proc->start())
            ++w.launches;
    }
    return ok;
}

BuildbotWorker* DomainWatcher::worker(const QString& name) const
{
    const auto it = d->workers.find(name);
    return it == d->workers.end() ? nullptr : it->second.proc.get();
}

bool DomainWatcher::isWorkerRunning(const QString& name) const
{
    const auto it = d->workers.find(name);
    return it != d->workers.end() && it->second.running();
}

int DomainWatcher::workerLaunches(const QString& name) const
{
    const auto it = d->workers.find(name);
    return it == d->workers.end() ? 0 : it->second.launches;
}

int DomainWatcher::startedCount(const QString& domain) const
{
    return d->started.value(domain);
}

int DomainWatcher::stoppedCount(const QString& domain) const
{
    return d->stopped.value(domain);
}

int DomainWatcher::definedCount(const QString& domain) const
{
    return d->defined.value(domain);
}

int DomainWatcher::undefinedCount(const QString& domain) const
{
    return d->undefined.value(domain);
}

void DomainWatcher::onLifecycle(const QString& domain, int event, int detail)
{
    switch (event) {
    case VIR_DOMAIN_EVENT_STARTED:
        ++d->started[domain];
        for (auto& [name, w] : d->workers) {
            if (w.domain != domain || !w.launch || !w.proc || w.running())
                continue;
            if (w.proc->start()) {
                ++w.launches;
                Q_EMIT workerLaunched(name);
            }
        }
        break;
    case VIR_DOMAIN_EVENT_STOPPED:
        ++d->stopped[domain];
        for (auto& [name, w] : d->workers) {
            if (w.domain != domain || !w.running())
                continue;
            // Pulled the plug: no goodbye. A shutdown: the worker ends politely.
            if (detail == VIR_DOMAIN_EVENT_STOPPED_DESTROYED ||
                detail == VIR_DOMAIN_EVENT_STOPPED_CRASHED)
                w.proc->kill9();
            else
                w.proc->stop();
            Q_EMIT workerStopped(name);
        }
        break;
    case VIR_DOMAIN_EVENT_DEFINED:
        ++d->defined[domain];
        break;
    case VIR_DOMAIN_EVENT_UNDEFINED:
        ++d->undefined[domain];
        break;
    default:
        break;
    }
    Q_EMIT lifecycleEvent(domain, event, detail);
    if (event == VIR_DOMAIN_EVENT_STARTED)
        Q_EMIT domainStarted(domain);
    else if (event == VIR_DOMAIN_EVENT_STOPPED)
        Q_EMIT domainStopped(domain);
}

QString DomainWatcher::domainState(const QString& domain) const
{
    virDomainPtr dom = d->lookup(domain);
    if (!dom)
        return u"absent"_s;
    int state = 0;
    int reason = 0;
    const int rc = virDomainGetState(dom, &state, &reason, 0);
    virDomainFree(dom);
    return rc < 0 ? u"unknown"_s : stateName(state);
}

bool DomainWatcher::isPersistent(const QString& domain) const
{
    virDomainPtr dom = d->lookup(domain);
    if (!dom)
        return false;
    const int rc = virDomainIsPersistent(dom);
    virDomainFree(dom);
    return rc == 1;
}

QStringList DomainWatcher::domainNames() const
{
    QStringList names;
    if (!d->conn)
        return names;
    virDomainPtr* doms = nullptr;
    const int n = virConnectListAllDomains(d->conn, &doms, 0);
    for (int i = 0; i < n; ++i) {
        if (const char* raw = virDomainGetName(doms[i]))
            names.append(QString::fromUtf8(raw));
        virDomainFree(doms[i]);
    }
    free(doms); // NOLINT: allocated by libvirt
    names.sort();
    return names;
}

bool DomainWatcher::defineDomain(const QString& xml)
{
    if (!d->conn)
        return d->fail(u"not connected"_s);
    virDomainPtr dom = virDomainDefineXML(d->conn, xml.toUtf8().constData());
    if (!dom)
        return d->fail(u"cannot define a domain on "_s + d->uri);
    virDomainFree(dom);
    return true;
}

bool DomainWatcher::createDomain(const QString& xml)
{
    if (!d->conn)
        return d->fail(u"not connected"_s);
    virDomainPtr dom = virDomainCreateXML(d->conn, xml.toUtf8().constData(), 0);
    if (!dom)
        return d->fail(u"cannot create a domain on "_s + d->uri);
    virDomainFree(dom);
    return true;
}

namespace {
template <typename Op> bool onDomain(virDomainPtr dom, Op op)
{
    if (!dom)
        return false;
    const bool ok = op(dom) == 0;
    virDomainFree(dom);
    return ok;
}
} // namespace

bool DomainWatcher::startDomain(const QString& domain)
{
    return onDomain(d->lookup(domain), virDomainCreate) ||
           d->fail(u"cannot start domain "_s + domain);
}

bool DomainWatcher::destroyDomain(const QString& domain)
{
    return onDomain(d->lookup(domain), virDomainDestroy) ||
           d->fail(u"cannot destroy domain "_s + domain);
}

bool DomainWatcher::shutdownDomain(const QString& domain)
{
    return onDomain(d->lookup(domain), virDomainShutdown) ||
           d->fail(u"cannot shut down domain "_s + domain);
}

bool DomainWatcher::undefineDomain(const QString& domain)
{
    return onDomain(d->lookup(domain), virDomainUndefine) ||
           d->fail(u"cannot undefine domain "_s + domain);
}

QString DomainWatcher::domainXml(const QString& domain) const
{
    virDomainPtr dom = d->lookup(domain);
    if (!dom)
        return {};
    char* raw = virDomainGetXMLDesc(dom, 0);
    virDomainFree(dom);
    const QString xml = raw ? QString::fromUtf8(raw) : QString();
    free(raw); // NOLINT: allocated by libvirt
    return xml;
}

QString DomainWatcher::testDomainXml(const QString& name)
{
    return u"<domain type='test'><name>"_s + name.toHtmlEscaped() +
           u"</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
           u"<os><type arch='x86_64'>hvm</type></os></domain>"_s;
}

} // namespace ymtest
