#include "latent/libvirt/LibvirtService.h"

#include "latent/libvirt/LibvirtEventLoop.h"
#include "latent/libvirt/LibvirtLogging.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QUrl>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

Q_LOGGING_CATEGORY(lcLibvirt, "ym.latent.libvirt", QtInfoMsg)

using namespace Qt::StringLiterals;

namespace ym::latent {

namespace {

std::mutex g_instanceMutex;
LibvirtService* g_instance = nullptr;
std::atomic<LibvirtService*> g_live{nullptr}; // for libvirt's callbacks

// libvirt would print every error to stderr: errors are read from the last
// error of the failed call instead.
void quietErrors(void*, virErrorPtr)
{}

// What the lifecycle and close callbacks know about their connection. Owned by
// libvirt (freed through freeTag when the callback is deregistered).
struct CallbackTag
{
    QString uri;
    std::shared_ptr<std::atomic<bool>> closed;
};

void freeTag(void* opaque)
{
    delete static_cast<CallbackTag*>(opaque);
}

} // namespace

struct LibvirtService::Connection
{
    virConnectPtr conn = nullptr;
    int lifecycleId = -1;
    bool closeCallback = false;
    std::shared_ptr<std::atomic<bool>> closed = std::make_shared<std::atomic<bool>>(false);
};

void LibvirtMailbox::close()
{
    const std::lock_guard lock(m_mutex);
    m_owner = nullptr;
}

bool LibvirtMailbox::deliver(std::function<void()> call)
{
    const std::lock_guard lock(m_mutex);
    if (!m_owner)
        return false;
    // Queued to the owner: dropped with its posted events if it dies first.
    return QMetaObject::invokeMethod(
        m_owner, [call = std::move(call)] { call(); }, Qt::QueuedConnection);
}

LibvirtService& LibvirtService::instance()
{
    const std::lock_guard lock(g_instanceMutex);
    if (!g_instance) {
        g_instance = new LibvirtService;
        qAddPostRoutine(&LibvirtService::shutdownInstance);
    }
    return *g_instance;
}

void LibvirtService::shutdownInstance()
{
    LibvirtService* service = nullptr;
    {
        const std::lock_guard lock(g_instanceMutex);
        service = g_instance;
    }
    // Still reachable while it shuts down: jobs that run meanwhile get the
    // "shut down" error instead of creating a new service.
    delete service;
    const std::lock_guard lock(g_instanceMutex);
    g_instance = nullptr;
}

LibvirtService::LibvirtService()
{
    m_thread = new QThread;
    m_thread->setObjectName(u"ym-libvirt"_s);
    m_host = new QObject;
    m_host->moveToThread(m_thread);
    m_thread->start();
    post([this] { initialise(); });
}

LibvirtService::~LibvirtService()
{
    QMetaObject::invokeMethod(
        m_host, [this] { finish(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_host;
    delete m_thread;
}

void LibvirtService::post(std::function<void()> job)
{
    QMetaObject::invokeMethod(
        m_host, [job = std::move(job)] { job(); }, Qt::QueuedConnection);
}

void LibvirtService::initialise()
{
    virSetErrorFunc(nullptr, quietErrors);
    if (virInitialize() < 0) {
        m_initError = u"cannot initialise libvirt: "_s + libvirtLastError();
        qCWarning(lcLibvirt).noquote() << m_initError;
        return;
    }
    // Before the first connection.
    if (!LibvirtEventLoop::start()) {
        m_initError = u"cannot start the libvirt event loop (no pipe)"_s;
        qCWarning(lcLibvirt).noquote() << m_initError;
        return;
    }
    g_live = this;
    qCDebug(lcLibvirt) << "libvirt service started";
}

void LibvirtService::finish()
{
    for (auto& connection : m_connections)
        closeConnection(*connection);
    m_connections.clear();
    m_initError = u"the libvirt service is shut down"_s; // jobs still queued fail
    g_live = nullptr;
    LibvirtEventLoop::stop();
    const std::lock_guard lock(m_watchMutex);
    m_watches.clear();
}

void LibvirtService::closeConnection(Connection& connection)
{
    if (!connection.conn)
        return;
    if (connection.lifecycleId >= 0)
        virConnectDomainEventDeregisterAny(connection.conn, connection.lifecycleId);
    if (connection.closeCallback)
        virConnectUnregisterCloseCallback(connection.conn, onClosed);
    virConnectClose(connection.conn);
    connection.conn = nullptr;
    virResetLastError();
}

virConnectPtr LibvirtService::connection(const QString& uri, QString* error)
{
    Q_ASSERT(QThread::currentThread() == m_thread);
    if (!m_initError.isEmpty()) {
        *error = m_initError;
        return nullptr;
    }
    auto found = m_connections.find(uri);
    if (found != m_connections.end()) {
        Connection& cached = **found;
        if (!cached.closed->load() && virConnectIsAlive(cached.conn) == 1)
            return cached.conn;
        qCInfo(lcLibvirt).noquote()
            << "libvirt connection to" << redactedUri(uri) << "was closed; reopening";
        closeConnection(cached);
        m_connections.erase(found);
    }
    virResetLastError();
    const QByteArray name = uri.toUtf8();
    virConnectPtr conn = virConnectOpen(name.constData());
    if (!conn) {
        *error = libvirtLastError();
        return nullptr;
    }
    auto connection = std::make_shared<Connection>();
    connection->conn = conn;
    // Not every driver has close callbacks (IsAlive covers those).
    connection->closeCallback =
        virConnectRegisterCloseCallback(conn, onClosed, new CallbackTag{uri, connection->closed},
                                        freeTag) == 0;
    connection->lifecycleId = virConnectDomainEventRegisterAny(
        conn, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(onLifecycle),
        new CallbackTag{uri, connection->closed}, freeTag);
    if (connection->lifecycleId < 0)
        qCWarning(lcLibvirt).noquote()
            << "no lifecycle events from" << redactedUri(uri) << ":" << libvirtLastError();
    virResetLastError();
    m_connections.insert(uri, connection);
    qCDebug(lcLibvirt).noquote() << "opened libvirt connection" << redactedUri(uri);
    return conn;
}

void LibvirtService::onClosed(virConnectPtr, int reason, void* opaque)
{
    const auto* tag = static_cast<CallbackTag*>(opaque);
    tag->closed->store(true);
    qCInfo(lcLibvirt).noquote() << "libvirt closed the connection to" << redactedUri(tag->uri)
                                << "(reason" << reason << ")";
}

int LibvirtService::onLifecycle(virConnectPtr, virDomainPtr domain, int event, int detail,
                                void* opaque)
{
    // On the event loop thread: only read the name, the rest runs on ym-libvirt.
    const auto* tag = static_cast<CallbackTag*>(opaque);
    LibvirtService* service = g_live.load();
    const char* name = virDomainGetName(domain);
    if (!service || !name)
        return 0;
    const QString uri = tag->uri;
    const QString domainName = QString::fromUtf8(name);
    service->post([service, uri, domainName, event, detail] {
        service->dispatchEvent(uri, domainName, event, detail);
    });
    return 0;
}

void LibvirtService::dispatchEvent(const QString& uri, const QString& domain, int event, int detail)
{
    QList<EventHandler> handlers;
    {
        const std::lock_guard lock(m_watchMutex);
        for (const Watch& watch : std::as_const(m_watches))
            if (watch.uri == uri && watch.domain == domain)
                handlers.append(watch.handler);
    }
    qCDebug(lcLibvirt).noquote() << "lifecycle event" << event << detail << "of domain" << domain
                                 << "at" << redactedUri(uri) << "for" << handlers.size()
                                 << "driver(s)";
    for (const EventHandler& handler : std::as_const(handlers))
        handler(domain, event, detail);
}

quint64 LibvirtService::addWatch(const QString& uri, const QString& domain, EventHandler handler)
{
    const std::lock_guard lock(m_watchMutex);
    const quint64 id = m_nextWatch++;
    m_watches.insert(id, Watch{uri, domain, std::move(handler)});
    return id;
}

void LibvirtService::removeWatch(quint64 id)
{
    // Never creates the service (a driver may outlive it at process exit).
    const std::lock_guard instanceLock(g_instanceMutex);
    if (!g_instance)
        return;
    const std::lock_guard lock(g_instance->m_watchMutex);
    g_instance->m_watches.remove(id);
}

QString libvirtLastError()
{
    const char* message = virGetLastErrorMessage();
    return message ? QString::fromUtf8(message).trimmed() : u"unknown libvirt error"_s;
}

QString redactedText(const QString& text, const QString& uri)
{
    static const QRegularExpression secrets(
        u"(?:[?&][^=&]*(?:password|passwd|token|secret)[^=&]*=([^&]*))|(?:^[^:/?]+://[^:/@?]*:([^@/?]*)@)"_s,
        QRegularExpression::CaseInsensitiveOption);
    QString safe = text;
    for (auto match = secrets.globalMatch(uri); match.hasNext();) {
        const QRegularExpressionMatch found = match.next();
        for (const int group : {1, 2}) {
            const QString secret = found.captured(group);
            if (!secret.isEmpty())
                safe.replace(secret, u"***"_s);
        }
    }
    return safe;
}

QString redactedUri(const QString& uri)
{
    static const QRegularExpression secretParameter(
        u"([?&][^=&]*(?:password|passwd|token|secret)[^=&]*=)[^&]*"_s,
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression authorityPassword(u"^([^:/?]+://[^:/@?]*:)[^@/?]*@"_s);
    QString safe = uri;
    safe.replace(secretParameter, u"\\1***"_s);
    safe.replace(authorityPassword, u"\\1***@"_s);
    return safe;
}

} // namespace ym::latent
