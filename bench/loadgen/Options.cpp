#include "Options.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ymbench {

std::string usage()
{
    return R"(ym-loadgen: simulated buildbot-worker 3.7 clients (msgpack_experimental_v7)

Usage: ym-loadgen --host 127.0.0.1 --port PORT --count N [options]

  --host H               master address (default 127.0.0.1)
  --port P               master port (required)
  --count N              number of simulated workers (required)
  --name-prefix P        worker name = P + index zero-padded to 5 digits (default w)
  --first-index I        index of the first worker (default 0)
  --password-env VAR     every worker's password is the value of env VAR
                         (default YM_LOADGEN_PASSWORD); never on the command line
  --rate R               new connections per second; 0 (default) = all at once
  --timeout S            stop waiting for attaches after S seconds (default 60)
  --hold S               after the attach phase stay connected S more seconds,
                         answering keepalives (default 0)
  --master-pid PID       sample /proc/PID every 100 ms: RSS and CPU seconds
  --procs K              split the workers over K child processes (default 1)
  --retry | --no-retry   retry refused, dropped and failed connections like the
                         real worker (default --retry): twisted ClientService
                         backoffPolicy, delay = min(1.5^n, 60) s + U[0,1) s where
                         n counts failed attempts in a row, reset to 0 by every
                         successful TCP connect (so a refused or dropped worker
                         waits 1.5-2.5 s, a refused TCP connect backs off)
  --connect-timeout S    TCP connect attempts longer than S are abandoned and
                         retried (default 30, twisted's default)
  --handshake-timeout S  HTTP upgrades longer than S are abandoned and retried
                         (default 5, autobahn's client openHandshakeTimeout)
  --json                 print one JSON object line on stdout at the end
  --verbose              log connection events to stderr

When is a worker "attached"?
  Once it has answered get_worker_info and set_worker_settings, its listdir
  command has completed and no other command (mkdir, rmdir, stat...) is still
  running - a command counts as completed when the master has acknowledged the
  worker's "complete" message. The attach time is then the master's following
  print "attached" if it arrives within 1 s after the last command completed
  (Yardmaster ends its attach sequence with it; Buildbot sends one per builder),
  otherwise the last command's completion (Buildbot's master with no builders
  sends no final print). Attach latency runs from the worker's FIRST connect
  attempt. Workers that attach after --timeout count as never attached.

Output: a summary on stderr; with --json one JSON line on stdout with count,
attached, never_attached, refused, connect_errors, disconnects, retries,
attach_ms {p50,p90,p99,max}, all_attached_s, keepalives_answered and, with
--master-pid, master {rss_kb_start, rss_kb_peak, rss_kb_end, cpu_s_attach,
cpu_s_hold}.
)";
}

std::string workerName(const std::string& prefix, int index)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%05d", index);
    return prefix + buf;
}

namespace {

bool toDouble(const char* s, double& out)
{
    char* end = nullptr;
    errno = 0;
    out = std::strtod(s, &end);
    return errno == 0 && end != s && *end == 0 && out >= 0;
}

bool toLong(const char* s, long& out)
{
    char* end = nullptr;
    errno = 0;
    out = std::strtol(s, &end, 10);
    return errno == 0 && end != s && *end == 0 && out >= 0;
}

} // namespace

std::optional<Options> parseOptions(int argc, char** argv, std::string& error)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            error.clear();
            return std::nullopt;
        }
        if (a == "--retry") {
            o.retry = true;
            continue;
        }
        if (a == "--no-retry") {
            o.retry = false;
            continue;
        }
        if (a == "--json") {
            o.json = true;
            continue;
        }
        if (a == "--verbose") {
            o.verbose = true;
            continue;
        }
        if (i + 1 >= argc) {
            error = "option " + a + " needs a value (or is unknown)";
            return std::nullopt;
        }
        const char* v = argv[++i];
        double d = 0;
        long l = 0;
        bool ok = true;
        if (a == "--host")
            o.host = v;
        else if (a == "--name-prefix")
            o.namePrefix = v;
        else if (a == "--password-env")
            o.passwordEnv = v;
        else if (a == "--port")
            ok = toLong(v, l) && l > 0 && l < 65536 && ((o.port = int(l)), true);
        else if (a == "--count")
            ok = toLong(v, l) && l > 0 && l <= 1000000 && ((o.count = int(l)), true);
        else if (a == "--first-index")
            ok = toLong(v, l) && l <= 99999999 && ((o.firstIndex = int(l)), true);
        else if (a == "--procs")
            ok = toLong(v, l) && l >= 1 && l <= 64 && ((o.procs = int(l)), true);
        else if (a == "--master-pid")
            ok = toLong(v, l) && l > 0 && ((o.masterPid = l), true);
        else if (a == "--rate")
            ok = toDouble(v, d) && ((o.rate = d), true);
        else if (a == "--timeout")
            ok = toDouble(v, d) && ((o.timeout = d), true);
        else if (a == "--hold")
            ok = toDouble(v, d) && ((o.hold = d), true);
        else if (a == "--connect-timeout")
            ok = toDouble(v, d) && d > 0 && ((o.connectTimeout = d), true);
        else if (a == "--handshake-timeout")
            ok = toDouble(v, d) && d > 0 && ((o.handshakeTimeout = d), true);
        else {
            error = "unknown option " + a + " (see --help)";
            return std::nullopt;
        }
        if (!ok) {
            error = "bad value '" + std::string(v) + "' for " + a;
            return std::nullopt;
        }
    }
    if (o.port == 0 || o.count == 0) {
        error = "--port and --count are required (see --help)";
        return std::nullopt;
    }
    if (o.procs > o.count)
        o.procs = o.count;
    return o;
}

} // namespace ymbench
