#pragma once

namespace ym {

// Hands the heap's free pages back to the system. After 10,000 workers attach
// at once, the transient messages of the burst leave ~8 KB of free but
// resident heap per worker; this returns it (glibc's malloc_trim). Cheap
// enough to call after a burst, not meant for every event.
void releaseFreeMemory();

} // namespace ym
