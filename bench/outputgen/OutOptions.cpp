#include "OutOptions.h"

#include "OutputLines.h"

#include <cstdlib>
#include <string_view>

namespace ymbench::out {

std::string usage()
{
    return R"(ym-outputgen: build-output throughput of a Yardmaster master

Usage: ym-outputgen [--workers K] [--mb X] [options]

Starts `yardmaster --headless` with K workers and K builders (one shell step
each) in a fresh folder, attaches K simulated buildbot-worker 3.7 clients
(msgpack_experimental_v7), forces every builder with `yardmaster ctl force`
and answers each shell command by streaming its share of X MB of stdout as
the real worker batches it: `update` messages of at most the worker's buffer
(buffer_size of the master's set_worker_settings, 65536), counted like its
BufferManager (text + 8 bytes per newline offset and per timestamp), sent
without waiting for the answers, then `rc` 0 and `complete`.

  --workers K        simulated workers = builders = builds (default 10)
  --mb X             stdout in total, MB of 10^6 bytes (default 100)
  --line-bytes L     bytes per line, newline included, 42..4096 (default 100)
  --rate R           send at most R MB/s in total (default 0: as fast as the
                     master reads; a batch then also leaves after the
                     worker's 5 s buffer_timeout)
  --keepalive S      the workers' keepalive_interval (default 1)
  --idle S           before streaming, S seconds attached and idle: the
                     keepalive baseline (default 3)
  --timeout S        give up after S seconds in all (default 900)
  --yardmaster PATH  the master binary (default: app/yardmaster of this
                     build tree)
  --dir DIR          make the run folder in DIR (default $TMPDIR or /tmp)
  --keep             keep the run folder (config, database, master log)
  --no-follow        no `ctl log --follow` reader
  --json             one JSON object line on stdout at the end
  --verbose          progress on stderr

Measured: MB/s from the first stdout byte sent to the last one stored (the
master's SQLite database, read-only, polled every 20 ms for the line count
of the stored stdout chunks); the same up to the last byte sent; the master's
answers to `update` (latency from the message's send to its answer); the
master's keepalives (interval between two on one link, idle and while
streaming); the lag of `yardmaster ctl log BUILD --follow` on the first
worker's build (now - the send time written in each line, as the reader
prints it); the master's CPU and RSS from /proc. Afterwards every stored
stdout line is checked: per build, all lines, in order, byte for byte.
Exit status 0 when every build succeeded and exactly what was sent is stored.
)";
}

namespace {

bool number(const char* s, double& out)
{
    char* end = nullptr;
    out = std::strtod(s, &end);
    return end && *end == '\0' && end != s;
}

} // namespace

std::optional<Options> parseOptions(int argc, char** argv, std::string& error)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&](double& v) {
            if (i + 1 >= argc || !number(argv[i + 1], v)) {
                error = std::string(a) + " needs a number";
                return false;
            }
            ++i;
            return true;
        };
        double v = 0;
        if (a == "--help" || a == "-h") {
            error.clear();
            return std::nullopt;
        } else if (a == "--workers") {
            if (!value(v))
                return std::nullopt;
            o.workers = int(v);
        } else if (a == "--mb") {
            if (!value(o.megabytes))
                return std::nullopt;
        } else if (a == "--line-bytes") {
            if (!value(v))
                return std::nullopt;
            o.lineBytes = int(v);
        } else if (a == "--rate") {
            if (!value(o.rate))
                return std::nullopt;
        } else if (a == "--keepalive") {
            if (!value(v))
                return std::nullopt;
            o.keepalive = int(v);
        } else if (a == "--idle") {
            if (!value(o.idle))
                return std::nullopt;
        } else if (a == "--timeout") {
            if (!value(o.timeout))
                return std::nullopt;
        } else if (a == "--yardmaster" || a == "--dir") {
            if (i + 1 >= argc) {
                error = std::string(a) + " needs a path";
                return std::nullopt;
            }
            (a == "--dir" ? o.dir : o.yardmaster) = argv[++i];
        } else if (a == "--keep") {
            o.keep = true;
        } else if (a == "--no-follow") {
            o.follow = false;
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "--verbose") {
            o.verbose = true;
        } else {
            error = "unknown option " + std::string(a) + " (see --help)";
            return std::nullopt;
        }
    }
    if (o.workers < 1 || o.workers > 10000)
        error = "--workers must be 1..10000";
    else if (!(o.megabytes > 0))
        error = "--mb must be above 0";
    else if (o.lineBytes < MinLineBytes || o.lineBytes > MaxLineBytes)
        error = "--line-bytes must be " + std::to_string(MinLineBytes) + ".." +
                std::to_string(MaxLineBytes);
    else if (o.keepalive < 1)
        error = "--keepalive must be at least 1";
    else if (o.rate < 0 || o.idle < 0 || o.timeout <= 0)
        error = "--rate and --idle must not be negative, --timeout must be above 0";
    if (!error.empty())
        return std::nullopt;
    return o;
}

} // namespace ymbench::out
