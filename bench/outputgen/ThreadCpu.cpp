#include "ThreadCpu.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace ymbench::out {

std::map<std::string, double> threadCpu(pid_t pid)
{
    static const double ticks = double(sysconf(_SC_CLK_TCK));
    std::map<std::string, double> out;
    const std::string base = "/proc/" + std::to_string(pid) + "/task";
    DIR* d = opendir(base.c_str());
    if (!d)
        return out;
    while (const dirent* e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        const std::string dir = base + "/" + e->d_name;
        std::ifstream statFile(dir + "/stat"), commFile(dir + "/comm");
        const std::string stat((std::istreambuf_iterator<char>(statFile)),
                               std::istreambuf_iterator<char>());
        std::string comm;
        std::getline(commFile, comm);
        const size_t close = stat.rfind(')');
        if (close == std::string::npos)
            continue;
        // After "(comm)": field 3 is the state; utime is field 14, stime 15.
        const char* p = stat.c_str() + close + 2;
        char* end = nullptr;
        double ut = 0, st = 0;
        for (int field = 3; field <= 15 && *p; ++field) {
            if (field == 14)
                ut = std::strtod(p, &end);
            else if (field == 15)
                st = std::strtod(p, &end);
            while (*p && *p != ' ')
                ++p;
            while (*p == ' ')
                ++p;
        }
        out[comm] += (ut + st) / ticks;
    }
    closedir(d);
    return out;
}

double machineBusyS()
{
    static const double ticks = double(sysconf(_SC_CLK_TCK));
    std::ifstream f("/proc/stat");
    std::string cpu;
    f >> cpu; // "cpu": user nice system idle iowait irq softirq steal ...
    double busy = 0, v = 0;
    for (int i = 0; i < 8 && (f >> v); ++i)
        busy += (i == 3 || i == 4) ? 0 : v;
    return busy / ticks;
}

} // namespace ymbench::out
