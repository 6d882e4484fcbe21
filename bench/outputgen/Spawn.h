#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

// Child processes of ym-outputgen: the master, `yardmaster ctl` calls and the
// `ctl log --follow` reader. Every child gets SIGTERM when ym-outputgen dies.
namespace ymbench::out {

// Starts argv[0] with `extraEnv` ("NAME=value") added. Its stdout and stderr
// go to `logFile` (appended) unless `stdoutPipe` is given: then stdout is a
// pipe whose non-blocking read end is stored there.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extraEnv,
            const std::string& logFile, int* stdoutPipe = nullptr);

// Runs argv to the end (at most `timeoutS`, then SIGKILL); its stdout in
// `output`, its stderr appended to `logFile`. Returns the exit code, or -1.
int runCapture(const std::vector<std::string>& argv, const std::string& logFile, double timeoutS,
               std::string& output);

// Waits up to `timeoutS` for `pid` to exit; true when it did (status stored).
bool waitExit(pid_t pid, double timeoutS, int* status = nullptr);

// SIGTERM, then SIGKILL after `graceS`. Returns the seconds SIGTERM took, or
// -1 when it had to be killed.
double stopChild(pid_t pid, double graceS);

} // namespace ymbench::out
