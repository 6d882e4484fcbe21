#pragma once

#include "config/MasterConfig.h"
#include "latent/LatentDriver.h"

#include <functional>

namespace ym::latent {

// What one libvirt driver works on: its worker (= the domain's name) and
// a copy of its config. Every function here runs on the ym-libvirt thread.
struct LibvirtTarget
{
    QString worker;
    LibvirtConfig config;
    int shutdownTimeoutMs = 60'000; // graceful stop, then destroy

    // `libvirt worker "bot1": <what> at <uri>: <libvirt's message>`
    QString failure(const QString& what, const QString& message) const;
    // `libvirt worker "bot1": <what>`
    QString refusal(const QString& what) const;
};

namespace LibvirtOps {

// Creates the overlay (base_image) and starts the domain: transient from
// `xml`, or the defined domain of that name.
Result<InstanceInfo> start(const LibvirtTarget& target, const QString& domain);
// Stops the domain (gracefully unless `force`, destroyed after the timeout),
// then deletes the overlay when a base image is configured. Answers through
// `finish` on the ym-libvirt thread (later, when a shutdown is awaited).
void stop(const LibvirtTarget& target, const InstanceRef& ref, bool force,
          std::function<void(Result<void>)> finish);
Result<InstanceInfo> describe(const LibvirtTarget& target, const QString& domain);
Result<QString> probe(const LibvirtTarget& target);

} // namespace LibvirtOps

} // namespace ym::latent
