#pragma once

#include <map>
#include <string>
#include <sys/types.h>

namespace ymbench::out {

// CPU seconds (user + system) of each thread of `pid`, summed by thread name
// (/proc/PID/task/TID/comm: "yardmaster" is the engine thread, "ym-storage"
// the storage thread).
std::map<std::string, double> threadCpu(pid_t pid);

// CPU seconds the whole machine spent busy (all cores, all processes) since
// boot, from /proc/stat: the other jobs' share of a run is the difference.
double machineBusyS();

} // namespace ymbench::out
