#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QThread>

#include <functional>
#include <memory>
#include <mutex>

// The libvirt C API's opaque types.
struct _virConnect;
struct _virDomain;
using virConnectPtr = _virConnect*;

namespace ym::latent {

// Where a driver's answers go: a call is queued to the owner's thread while
// the owner lives; after close() (the owner's destructor) it is dropped.
// Thread-safe.
class LibvirtMailbox
{
public:
    explicit LibvirtMailbox(QObject* owner) : m_owner(owner) {}
    void close();
    // Queues `call` to run on the owner's thread; false when closed.
    bool deliver(std::function<void()> call);

private:
    std::mutex m_mutex;
    QObject* m_owner;
};

// The process-wide libvirt service. Every libvirt call runs on its QThread
// "ym-libvirt" (serialised, so libvirt's thread-local last error belongs to
// the call just made); LibvirtEventLoop's thread runs libvirt's events
// (lifecycle events, keepalives). Connections are cached per URI and
// reopened when libvirt reports them closed or dead. Shut down when the
// QCoreApplication is destroyed.
class LibvirtService final
{
public:
    // Called on the ym-libvirt thread for a lifecycle event of a domain.
    using EventHandler = std::function<void(const QString& domain, int event, int detail)>;

    // The service (created on first use; needs a QCoreApplication).
    static LibvirtService& instance();

    // Runs `job` on the ym-libvirt thread (FIFO). Any thread.
    void post(std::function<void()> job);

    // Lifecycle events of `domain` at `uri` go to `handler` (on the ym-libvirt
    // thread) once a connection to `uri` is open. Any thread.
    quint64 addWatch(const QString& uri, const QString& domain, EventHandler handler);
    static void removeWatch(quint64 id);

    // ym-libvirt thread only. The cached connection to `uri` (opened or
    // reopened as needed), or null with libvirt's message in `error`.
    virConnectPtr connection(const QString& uri, QString* error);
    // ym-libvirt thread only: an object living there (timers, processes).
    QObject* context() const { return m_host; }

    Q_DISABLE_COPY_MOVE(LibvirtService)

private:
    struct Connection;

    LibvirtService();
    ~LibvirtService();
    static void shutdownInstance();

    void initialise(); // ym-libvirt thread
    void finish();     // ym-libvirt thread: closes everything, stops the event loop
    void closeConnection(Connection& connection);
    void dispatchEvent(const QString& uri, const QString& domain, int event, int detail);
    static int onLifecycle(virConnectPtr, _virDomain* domain, int event, int detail, void* opaque);
    static void onClosed(virConnectPtr, int reason, void* opaque);

    struct Watch
    {
        QString uri;
        QString domain;
        EventHandler handler;
    };

    QThread* m_thread = nullptr;
    QObject* m_host = nullptr;
    QString m_initError;
    QHash<QString, std::shared_ptr<Connection>> m_connections; // ym-libvirt thread

    std::mutex m_watchMutex;
    QHash<quint64, Watch> m_watches;
    quint64 m_nextWatch = 1;
};

// libvirt's own message for the last failed call on this thread.
QString libvirtLastError();
// `uri` safe for logs and errors: password/token/secret query values and a
// password in the authority are replaced by "***".
QString redactedUri(const QString& uri);
// `text` (e.g. libvirt's message) with the secrets of `uri` replaced by "***".
QString redactedText(const QString& text, const QString& uri);

} // namespace ym::latent
