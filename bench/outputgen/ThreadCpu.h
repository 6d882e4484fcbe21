#pragma once

#include <map>
#include <string>
#include <sys/types.h>

namespace ymbench::out {

// CPU seconds (user + system) of each thread of `pid`, summed by thread name
// (/proc/PID/task/TID/comm: "yardmaster" is the engine thread, "ym-storage"
// the storage thread).
std::map<std::string, double> threadCpu(pid_t pid);

} // namespace ymbench::out
