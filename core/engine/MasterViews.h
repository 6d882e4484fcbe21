#pragma once

#include "engine/BuildInfo.h"
#include "storage/StorageRecords.h"

namespace ym {

// A stored build as the snapshot the engine hands out (running while it has
// no result).
BuildInfo buildInfoFromRecord(const storage::BuildRecord& record);

} // namespace ym
