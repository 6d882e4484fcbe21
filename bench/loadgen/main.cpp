// ym-loadgen: N simulated buildbot-worker 3.7 clients against a master.
// The parent forks --procs drivers (each an epoll loop over its share of the
// workers), samples the master's /proc every 100 ms, and aggregates.
#include "Driver.h"
#include "Options.h"
#include "ProcSampler.h"
#include "Report.h"

#include <QJsonDocument>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace ymbench;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void onSignal(int)
{
    g_interrupted = 1;
}

struct Child
{
    pid_t pid = -1;
    int control = -1; // parent writes STOP
    int report = -1;  // child writes ATTACH_DONE / RESULT
    std::string buf;
    bool attachDone = false;
    bool resultSeen = false;
    bool eof = false;
    DriverStats stats;
};

void raiseFdLimit(int perProcess)
{
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur != RLIM_INFINITY && rlim_t(perProcess) + 64 > rl.rlim_cur)
        std::fprintf(stderr,
                     "ym-loadgen: warning: %d connections per process but the open-file limit "
                     "is %llu; use more --procs\n",
                     perProcess, static_cast<unsigned long long>(rl.rlim_cur));
}

// Reads what a child wrote; handles complete lines.
void drain(Child& ch)
{
    char b[65536];
    const ssize_t n = ::read(ch.report, b, sizeof b);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            ch.eof = true;
        return;
    }
    ch.buf.append(b, size_t(n));
    size_t nl;
    while ((nl = ch.buf.find('\n')) != std::string::npos) {
        const std::string line = ch.buf.substr(0, nl);
        ch.buf.erase(0, nl + 1);
        if (line == "ATTACH_DONE") {
            ch.attachDone = true;
        } else if (line.rfind("RESULT ", 0) == 0) {
            const QByteArray js = QByteArray::fromStdString(line.substr(7));
            ch.stats = DriverStats::fromJson(QJsonDocument::fromJson(js).object());
            ch.resultSeen = true;
        }
    }
}

} // namespace

int main(int argc, char** argv)
{
    std::string error;
    const auto parsed = parseOptions(argc, argv, error);
    if (!parsed) {
        if (error.empty()) {
            std::fputs(usage().c_str(), stdout);
            return 0;
        }
        std::fprintf(stderr, "ym-loadgen: %s\n", error.c_str());
        return 2;
    }
    const Options opts = *parsed;
    const char* pw = std::getenv(opts.passwordEnv.c_str());
    if (!pw)
        std::fprintf(stderr,
                     "ym-loadgen: warning: environment variable %s is not set; "
                     "workers send an empty password\n",
                     opts.passwordEnv.c_str());
    const std::string password = pw ? pw : "";
    const int perProc = (opts.count + opts.procs - 1) / opts.procs;
    raiseFdLimit(perProc);

    std::signal(SIGPIPE, SIG_IGN);
    MasterSamples master;
    double cpuStart = 0, cpuAttachEnd = 0;
    auto sample = [&](bool first) -> std::optional<ProcSample> {
        if (!opts.masterPid)
            return std::nullopt;
        const auto s = sampleProc(opts.masterPid);
        if (!s)
            return s;
        if (first) {
            master.valid = true;
            master.rssStart = master.rssPeak = s->rssKb;
            cpuStart = s->cpuS;
        }
        master.rssPeak = std::max(master.rssPeak, s->rssKb);
        master.rssEnd = s->rssKb;
        return s;
    };
    if (opts.masterPid && !sample(true))
        std::fprintf(stderr, "ym-loadgen: warning: cannot read /proc/%ld: no master figures\n",
                     opts.masterPid);

    const int64_t t0 = nowNs();
    std::vector<Child> children(size_t(opts.procs));
    int next = 0;
    for (int k = 0; k < opts.procs; ++k) {
        const int n = std::min(perProc, opts.count - next);
        int ctl[2], rep[2];
        if (n <= 0 || pipe2(ctl, O_CLOEXEC) != 0 || pipe2(rep, O_CLOEXEC) != 0) {
            children.resize(size_t(k));
            break;
        }
        const pid_t pid = fork();
        if (pid == 0) {
            std::signal(SIGINT, SIG_IGN); // the parent stops us through the pipe
            ::close(ctl[1]);
            ::close(rep[0]);
            for (int j = 0; j < k; ++j) {
                ::close(children[size_t(j)].control);
                ::close(children[size_t(j)].report);
            }
            Driver d(opts, opts.firstIndex + next, n, opts.rate / opts.procs, t0, password);
            std::fflush(stderr);
            _exit(d.run(ctl[0], rep[1]));
        }
        ::close(ctl[0]);
        ::close(rep[1]);
        Child& ch = children[size_t(k)];
        ch.pid = pid;
        ch.control = ctl[1];
        ch.report = rep[0];
        next += n;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    // Attach phase, then hold, then stop the drivers and collect.
    enum class Stage
    {
        Attach,
        Hold,
        Collect
    } stage = Stage::Attach;
    int64_t holdEnd = 0;
    bool allAttachDone = false;
    int64_t lastSample = nowNs();
    for (;;) {
        std::vector<pollfd> fds;
        for (Child& ch : children)
            if (!ch.eof)
                fds.push_back({ch.report, POLLIN, 0});
        if (fds.empty())
            break;
        ::poll(fds.data(), nfds_t(fds.size()), 100);
        for (const pollfd& p : fds)
            if (p.revents)
                for (Child& ch : children)
                    if (ch.report == p.fd)
                        drain(ch);
        const int64_t now = nowNs();
        if (now - lastSample >= 100'000'000) {
            sample(false);
            lastSample = now;
        }
        if (stage == Stage::Attach &&
            std::all_of(children.begin(), children.end(),
                        [](const Child& c) { return c.attachDone || c.eof; })) {
            allAttachDone = true;
            if (const auto s = sample(false))
                cpuAttachEnd = s->cpuS;
            master.cpuAttach = cpuAttachEnd - cpuStart;
            stage = Stage::Hold;
            holdEnd = now + int64_t(opts.hold * 1e9);
        }
        if ((stage == Stage::Hold && now >= holdEnd) ||
            (g_interrupted && stage != Stage::Collect)) {
            if (const auto s = sample(false)) {
                if (stage == Stage::Attach) {
                    cpuAttachEnd = s->cpuS;
                    master.cpuAttach = cpuAttachEnd - cpuStart;
                } else {
                    master.cpuHold = s->cpuS - cpuAttachEnd;
                }
            }
            stage = Stage::Collect;
            for (Child& ch : children) {
                (void)!::write(ch.control, "STOP\n", 5);
                ::close(ch.control);
            }
        }
    }
    DriverStats total;
    bool complete = true;
    for (Child& ch : children) {
        int status = 0;
        waitpid(ch.pid, &status, 0);
        if (!ch.resultSeen) {
            complete = false;
            std::fprintf(stderr, "ym-loadgen: driver process %d ended without a result\n",
                         int(ch.pid));
        }
        total.merge(ch.stats);
        ::close(ch.report);
    }
    total.count = opts.count; // a driver that died still had its workers
    const double elapsed = double(nowNs() - t0) / 1e9;
    const QJsonObject report = finalReport(total, t0, allAttachDone && complete, elapsed,
                                           opts.masterPid ? &master : nullptr);
    std::fputs(summary(report).c_str(), stderr);
    if (opts.json) {
        std::fputs(QJsonDocument(report).toJson(QJsonDocument::Compact).constData(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    }
    return report.value(QStringLiteral("never_attached")).toInt() == 0 ? 0 : 1;
}
