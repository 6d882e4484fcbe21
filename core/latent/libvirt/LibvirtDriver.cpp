#include "latent/libvirt/LibvirtDriver.h"

#include "latent/libvirt/LibvirtService.h"

#include <libvirt/libvirt.h>

using namespace Qt::StringLiterals;

namespace ym::latent {

namespace {

// The lifecycle events that change what the master should believe.
bool isReported(int event)
{
    switch (event) {
    case VIR_DOMAIN_EVENT_STARTED:
    case VIR_DOMAIN_EVENT_STOPPED:
    case VIR_DOMAIN_EVENT_SHUTDOWN:
    case VIR_DOMAIN_EVENT_UNDEFINED:
    case VIR_DOMAIN_EVENT_CRASHED:
        return true;
    default:
        return false;
    }
}

} // namespace

LibvirtDriver::LibvirtDriver(const QString& worker, const LibvirtConfig& config, QObject* parent)
    : LatentDriver(parent), m_mailbox(std::make_shared<LibvirtMailbox>(this))
{
    m_target.worker = worker;
    m_target.config = config;
    LibvirtService& service = LibvirtService::instance();
    // Runs on the ym-libvirt thread: reads the state, answers on ours.
    m_watch = service.addWatch(
        config.connection, worker,
        [target = m_target, mailbox = m_mailbox, self = this](const QString& domain, int event,
                                                              int) {
            if (!isReported(event))
                return;
            const Result<InstanceInfo> info = LibvirtOps::describe(target, domain);
            if (!info)
                return;
            mailbox->deliver([self, info = *info] { Q_EMIT self->instanceChanged(info); });
        });
}

LibvirtDriver::~LibvirtDriver()
{
    m_mailbox->close();
    LibvirtService::removeWatch(m_watch);
}

QString LibvirtDriver::kind() const
{
    return u"libvirt"_s;
}

QString LibvirtDriver::domainOf(const InstanceRef& instance) const
{
    if (!instance.instanceId.isEmpty())
        return instance.instanceId;
    return instance.worker.isEmpty() ? m_target.worker : instance.worker;
}

void LibvirtDriver::start(const InstanceSpec& spec, InfoDone done)
{
    const QString domain = spec.worker.isEmpty() ? m_target.worker : spec.worker;
    LibvirtService::instance().post(
        [target = m_target, mailbox = m_mailbox, domain, done = std::move(done)] {
            Result<InstanceInfo> result = LibvirtOps::start(target, domain);
            mailbox->deliver([done, result] { done(result); });
        });
}

void LibvirtDriver::stop(const InstanceRef& instance, bool force, VoidDone done)
{
    LibvirtService::instance().post(
        [target = m_target, mailbox = m_mailbox, instance, force, done = std::move(done)] {
            LibvirtOps::stop(target, instance, force, [mailbox, done](Result<void> result) {
                mailbox->deliver([done, result] { done(result); });
            });
        });
}

void LibvirtDriver::describe(const InstanceRef& instance, InfoDone done)
{
    LibvirtService::instance().post([target = m_target, mailbox = m_mailbox,
                                     domain = domainOf(instance), done = std::move(done)] {
        Result<InstanceInfo> result = LibvirtOps::describe(target, domain);
        mailbox->deliver([done, result] { done(result); });
    });
}

void LibvirtDriver::probe(std::function<void(Result<QString>)> done)
{
    LibvirtService::instance().post(
        [target = m_target, mailbox = m_mailbox, done = std::move(done)] {
            Result<QString> result = LibvirtOps::probe(target);
            mailbox->deliver([done, result] { done(result); });
        });
}

} // namespace ym::latent
