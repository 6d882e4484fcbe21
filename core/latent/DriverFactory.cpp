#include "latent/DriverFactory.h"

#include "latent/libvirt/LibvirtDriver.h"

namespace ym::latent {

std::unique_ptr<LatentDriver> makeLatentDriver(const WorkerConfig& worker)
{
    switch (worker.latent.driver) {
    case LatentConfig::Driver::Libvirt:
        return std::make_unique<LibvirtDriver>(worker.name, worker.latent.libvirt);
    case LatentConfig::Driver::None:
        return nullptr;
    }
    return nullptr;
}

} // namespace ym::latent
