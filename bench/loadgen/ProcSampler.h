#pragma once

#include <optional>

namespace ymbench {

// Reads another process's RSS and CPU time from /proc.
struct ProcSample
{
    long rssKb = 0;
    double cpuS = 0; // utime + stime, all threads
};
std::optional<ProcSample> sampleProc(long pid);

} // namespace ymbench
