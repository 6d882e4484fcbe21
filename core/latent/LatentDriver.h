#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <functional>

namespace ym::latent {

// Who asks for an instance: enough for a driver to name, tag and find it
// again after a master crash (EC2: ClientToken and tags; libvirt: the domain
// name is the worker's name).
struct InstanceSpec
{
    QString worker;
    qint64 ledgerId = 0; // the instance ledger row written before the call
    QString masterId;    // identifies this master (tags, orphan scans)
};

// What the provider says about one instance.
struct InstanceInfo
{
    enum class State
    {
        Absent,   // the provider has no such instance (transient domain gone, terminated)
        Pending,  // being created or booting (EC2 pending, spot request open)
        Running,  // up: its worker may attach
        Stopping, // shutting down
        Stopped,  // exists but does not run (a defined, shut-off domain): costs nothing
    };
    QString instanceId; // domain name, EC2 instance id, OpenStack server id
    State state = State::Absent;
    QString detail;         // the provider's own word for it ("shut off", "pending")
    QJsonObject attributes; // driver facts kept in the ledger (hd_image, uri, ip...)

    static QString stateName(State state);
};

// A reference to an instance as the ledger knows it: the instance id may be
// empty when the master died during the start call.
struct InstanceRef
{
    qint64 ledgerId = 0;
    QString worker;
    QString instanceId;
    QJsonObject attributes;
};

// One latent worker's provider. Lives on the engine thread; every call
// returns at once and answers `done` later on the engine thread (never
// inside the call). Provider work (libvirt, HTTP) runs on other threads.
// Errors carry the provider's own message and name the worker.
class LatentDriver : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LatentDriver)

public:
    using InfoDone = std::function<void(Result<InstanceInfo>)>;
    using VoidDone = std::function<void(Result<void>)>;

    explicit LatentDriver(QObject* parent = nullptr) : QObject(parent) {}
    ~LatentDriver() override = default;

    // "libvirt", "ec2", "openstack"
    virtual QString kind() const = 0;
    // Creates and boots an instance. Succeeds once the provider runs it
    // (state Running or Pending); the worker attaches later.
    virtual void start(const InstanceSpec& spec, InfoDone done) = 0;
    // Stops the instance and frees what start made for it (libvirt: the
    // overlay disk). Succeeds when it is Absent or Stopped afterwards;
    // stopping what is already gone succeeds. `force`: no graceful shutdown.
    virtual void stop(const InstanceRef& instance, bool force, VoidDone done) = 0;
    // The provider's current view of the instance (Absent when unknown).
    virtual void describe(const InstanceRef& instance, InfoDone done) = 0;
    // "Test connection": connects and answers a one-line summary of what it
    // sees (libvirt: the domains), or the error.
    virtual void probe(std::function<void(Result<QString>)> done) = 0;

Q_SIGNALS:
    // The provider reported a change the master did not ask for (a domain
    // destroyed or shut down behind its back).
    void instanceChanged(const ym::latent::InstanceInfo& info);
};

} // namespace ym::latent

Q_DECLARE_METATYPE(ym::latent::InstanceInfo)
