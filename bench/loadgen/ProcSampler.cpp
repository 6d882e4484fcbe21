#include "ProcSampler.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ymbench {

namespace {

bool readFile(const std::string& path, std::string& out)
{
    FILE* f = std::fopen(path.c_str(), "re");
    if (!f)
        return false;
    char buf[4096];
    out.clear();
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
        out.append(buf, n);
    std::fclose(f);
    return true;
}

} // namespace

std::optional<ProcSample> sampleProc(long pid)
{
    static const double ticks = double(sysconf(_SC_CLK_TCK));
    const std::string base = "/proc/" + std::to_string(pid);
    std::string stat, status;
    if (!readFile(base + "/stat", stat) || !readFile(base + "/status", status))
        return std::nullopt;
    ProcSample s;
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    const size_t close = stat.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    const char* p = stat.c_str() + close + 1;
    unsigned long long utime = 0, stime = 0;
    int field = 2;
    while (*p && field < 15) {
        while (*p == ' ')
            ++p;
        ++field;
        if (field == 14)
            utime = std::strtoull(p, nullptr, 10);
        else if (field == 15)
            stime = std::strtoull(p, nullptr, 10);
        while (*p && *p != ' ')
            ++p;
    }
    s.cpuS = double(utime + stime) / ticks;
    // A process that has exited but not been reaped (a zombie) has no VmRSS:
    // that is no sample, not a process using 0 kB.
    const size_t at = status.find("VmRSS:");
    if (at == std::string::npos)
        return std::nullopt;
    s.rssKb = std::strtol(status.c_str() + at + 6, nullptr, 10);
    return s;
}

} // namespace ymbench
