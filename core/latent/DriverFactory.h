#pragma once

#include "config/MasterConfig.h"
#include "latent/LatentDriver.h"

#include <memory>

namespace ym::latent {

// The driver for a latent worker's config (null for a standard worker).
// The driver works with a copy of the config; a changed config gets a new one.
std::unique_ptr<LatentDriver> makeLatentDriver(const WorkerConfig& worker);

} // namespace ym::latent
