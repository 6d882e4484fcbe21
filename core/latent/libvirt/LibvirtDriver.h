#pragma once

#include "config/MasterConfig.h"
#include "latent/LatentDriver.h"
#include "latent/libvirt/LibvirtOps.h"

#include <memory>

namespace ym::latent {

class LibvirtMailbox;

// A libvirt latent worker: the domain named like the worker, at the config's
// URI. Every call returns at once; the work runs on the ym-libvirt thread
// (LibvirtService) and the answer comes back queued to this object's thread.
//
// instanceChanged is emitted (with the state libvirt reports right after the
// event: Running, Stopped, or Absent for a transient domain that is gone) for
// the domain's lifecycle events started, stopped, shutdown, undefined and
// crashed, once this driver has opened its connection (any call does). The
// events of the driver's own start and stop are emitted too.
class LibvirtDriver final : public LatentDriver
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LibvirtDriver)

public:
    LibvirtDriver(const QString& worker, const LibvirtConfig& config, QObject* parent = nullptr);
    ~LibvirtDriver() override;

    QString kind() const override;
    void start(const InstanceSpec& spec, InfoDone done) override;
    void stop(const InstanceRef& instance, bool force, VoidDone done) override;
    void describe(const InstanceRef& instance, InfoDone done) override;
    void probe(std::function<void(Result<QString>)> done) override;

    // How long stop() waits for a graceful shutdown before destroying (60 s).
    void setShutdownTimeout(int milliseconds) { m_target.shutdownTimeoutMs = milliseconds; }

private:
    QString domainOf(const InstanceRef& instance) const;

    LibvirtTarget m_target;
    std::shared_ptr<LibvirtMailbox> m_mailbox;
    quint64 m_watch = 0;
};

} // namespace ym::latent
