// ym-outputgen: build-output throughput of `yardmaster --headless` (see --help).
#include "../loadgen/ProcSampler.h"
#include "DbProbe.h"
#include "OutDriver.h"
#include "OutOptions.h"
#include "OutReport.h"
#include "OutputLines.h"
#include "Spawn.h"
#include "ThreadCpu.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>

using namespace ymbench;
using namespace ymbench::out;

namespace {

const std::string PasswordVar = "YM_OUTPUTGEN_PASSWORD";

std::string workerName(int i)
{
    char b[16];
    std::snprintf(b, sizeof b, "w%05d", i);
    return b;
}

std::string builderName(int i)
{
    char b[16];
    std::snprintf(b, sizeof b, "b%05d", i);
    return b;
}

std::string defaultYardmaster()
{
    char self[PATH_MAX] = {};
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return "yardmaster";
    // BUILD/bench/outputgen/ym-outputgen -> BUILD/app/yardmaster
    return QFileInfo(QString::fromUtf8(self, n) + QStringLiteral("/../../../app/yardmaster"))
        .absoluteFilePath()
        .toStdString();
}

std::string randomHex(int bytes)
{
    wire::Rng rng(uint64_t(monoNs()) ^ (uint64_t(getpid()) << 20));
    std::string s;
    for (int i = 0; i < bytes; ++i) {
        char b[3];
        std::snprintf(b, sizeof b, "%02x", unsigned(rng.next() & 0xff));
        s += b;
    }
    return s;
}

bool writeConfig(const Options& o, const std::string& path)
{
    QJsonArray workers, builders;
    for (int i = 0; i < o.workers; ++i) {
        workers.append(
            QJsonObject{{QStringLiteral("name"), QString::fromStdString(workerName(i))},
                        {QStringLiteral("password"),
                         QJsonObject{{QStringLiteral("env"), QString::fromStdString(PasswordVar)}}},
                        {QStringLiteral("keepalive_interval"), o.keepalive}});
        builders.append(QJsonObject{
            {QStringLiteral("name"), QString::fromStdString(builderName(i))},
            {QStringLiteral("workernames"), QJsonArray{QString::fromStdString(workerName(i))}},
            {QStringLiteral("steps"),
             QJsonArray{QJsonObject{
                 {QStringLiteral("type"), QStringLiteral("shell")},
                 {QStringLiteral("name"), QStringLiteral("output")},
                 {QStringLiteral("command"), QStringLiteral("generate build output")}}}}});
    }
    const QJsonObject master{
        {QStringLiteral("protocols"),
         QJsonObject{{QStringLiteral("msgpack"),
                      QJsonObject{{QStringLiteral("port"), 0},
                                  {QStringLiteral("bind"), QStringLiteral("127.0.0.1")}}}}},
        {QStringLiteral("database"), QStringLiteral("state.sqlite")},
        {QStringLiteral("control_socket"), QStringLiteral("ctl.sock")},
        {QStringLiteral("secrets_dir"), QStringLiteral("secrets")}};
    const QJsonObject cfg{{QStringLiteral("master"), master},
                          {QStringLiteral("workers"), workers},
                          {QStringLiteral("builders"), builders}};
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << QJsonDocument(cfg).toJson().toStdString();
    f.close();
    chmod(path.c_str(), 0600);
    return bool(f);
}

double cpuSelfS()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int fail(const std::string& why)
{
    std::fprintf(stderr, "ym-outputgen: %s\n", why.c_str());
    return 2;
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
        return fail(error);
    }
    Options opts = *parsed;
    if (opts.yardmaster.empty())
        opts.yardmaster = defaultYardmaster();
    if (access(opts.yardmaster.c_str(), X_OK) != 0)
        return fail("no master binary at " + opts.yardmaster + " (use --yardmaster)");
    std::signal(SIGPIPE, SIG_IGN);
    QCoreApplication app(argc, argv); // the SQLite driver is a plugin

    // The run folder, its config and the master.
    std::string parent = opts.dir;
    if (parent.empty())
        parent = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    std::string dirTemplate = parent + "/ym-outputgen-XXXXXX";
    if (!mkdtemp(dirTemplate.data()))
        return fail("cannot make a run folder in " + parent);
    const std::string dir = dirTemplate;
    const std::string config = dir + "/master.json", socket = dir + "/ctl.sock";
    const std::string masterLog = dir + "/master.log", ctlLog = dir + "/ctl.log";
    if (!writeConfig(opts, config))
        return fail("cannot write " + config);
    const std::string password = randomHex(16);
    Report report(opts, dir);
    const pid_t master = spawn({opts.yardmaster, "--headless", "--config", config},
                               {PasswordVar + "=" + password}, masterLog);
    if (master < 0)
        return fail("cannot start " + opts.yardmaster);
    const auto ctl = [&](std::vector<std::string> args, std::string& out) {
        args.insert(args.begin(), {opts.yardmaster, "ctl", "--socket", socket});
        return runCapture(args, ctlLog, 60, out);
    };
    bool masterStopped = false;
    auto cleanup = [&](int code) {
        if (!masterStopped)
            stopChild(master, 20);
        if (!opts.keep)
            std::system(("rm -rf '" + dir + "'").c_str());
        else
            std::fprintf(stderr, "ym-outputgen: run folder kept: %s\n", dir.c_str());
        return code;
    };

    int port = 0;
    for (int i = 0; i < 300 && port == 0; ++i) {
        std::string out;
        if (ctl({"status", "--json"}, out) == 0)
            port = QJsonDocument::fromJson(QByteArray::fromStdString(out))
                       .object()
                       .value(QStringLiteral("port"))
                       .toInt();
        if (port == 0) {
            if (waitExit(master, 0.1))
                return fail("the master exited during start-up; see " + masterLog), cleanup(2);
        }
    }
    if (port == 0)
        return fail("the master did not answer `ctl status` within 30 s"), cleanup(2);
    DbProbe db;
    if (!db.open(QString::fromStdString(dir + "/state.sqlite"), error))
        return fail(error), cleanup(2);
    for (int i = 0; i < opts.workers; ++i) {
        std::string out;
        if (ctl({"force", builderName(i), "--reason", "ym-outputgen"}, out) != 0)
            return fail("`yardmaster ctl force " + builderName(i) + "` failed; see " + ctlLog),
                   cleanup(2);
    }

    OutDriver driver(opts, port, password);
    if (!driver.start(error))
        return fail(error), cleanup(2);
    const int64_t t0 = monoNs();
    const int64_t deadline = t0 + int64_t(opts.timeout * 1e9);
    int64_t lastSample = 0;
    auto sample = [&](int64_t now) {
        if (now - lastSample < 100'000'000)
            return;
        lastSample = now;
        if (const auto s = sampleProc(master))
            report.masterSample(*s);
    };
    auto runUntil = [&](const std::function<bool(int64_t)>& done, int waitMs) {
        for (;;) {
            const int64_t now = monoNs();
            sample(now);
            if (done(now))
                return true;
            if (now >= deadline || waitExit(master, 0))
                return false;
            driver.step(waitMs);
        }
    };

    // Attach, every shell command started, then the idle keepalive baseline.
    if (!runUntil([&](int64_t) { return driver.commandsStarted() == opts.workers; }, 20))
        return fail("only " + std::to_string(driver.commandsStarted()) + " of " +
                    std::to_string(opts.workers) + " builds started (" + driver.lastProblem() +
                    "); see " + masterLog),
               cleanup(2);
    const int64_t idleEnd = monoNs() + int64_t(opts.idle * 1e9);
    runUntil([&](int64_t now) { return now >= idleEnd; }, 20);

    // The `ctl log --follow` reader on the first worker's build.
    Follower follower(report);
    if (opts.follow) {
        int64_t build = 0;
        runUntil([&](int64_t) { return (build = db.buildOf(QStringLiteral("w00000"))) > 0; }, 20);
        int fd = -1;
        const pid_t pid = spawn(
            {opts.yardmaster, "ctl", "--socket", socket, "log", std::to_string(build), "--follow"},
            {}, dir + "/follow.log", &fd);
        follower.start(pid, fd, build, driver.linesOf(0), opts.lineBytes, dir + "/follow.log");
        driver.watch(fd, [&] { follower.read(); });
        const int64_t settle = monoNs() + 300'000'000;
        runUntil([&](int64_t now) { return now >= settle; }, 20);
    }

    // Streaming: until every line is stored and every build has finished.
    lastSample = 0;
    sample(monoNs());
    report.streamStart(cpuSelfS(), threadCpu(master));
    driver.setStreamingPhase(true);
    driver.startStreaming();
    int64_t lastPoll = 0, lastStoredNs = 0;
    int finished = 0;
    const bool ok = runUntil(
        [&](int64_t now) {
            if (now - lastPoll >= 20'000'000) {
                lastPoll = now;
                db.poll();
                if (!lastStoredNs && db.storedLines() >= driver.totalLines()) {
                    lastStoredNs = now;
                    lastSample = 0;
                    sample(now);
                    report.stored(now, cpuSelfS(), threadCpu(master));
                }
                if (lastStoredNs)
                    finished = db.finishedBuilds();
            }
            return lastStoredNs && finished >= opts.workers &&
                   driver.completesAcked() >= opts.workers;
        },
        opts.rate > 0 ? 2 : 20);
    if (opts.follow)
        runUntil([&](int64_t) { return follower.finished(); }, 20);
    driver.setStreamingPhase(false);
    if (opts.follow) {
        driver.unwatch(follower.fd());
        follower.stop();
    }

    // Afterwards: what is stored, exactly.
    std::map<std::string, int64_t> sent;
    for (int i = 0; i < opts.workers; ++i)
        sent[workerName(i)] = driver.linesOf(i);
    const DbProbe::Check check = db.verify(sent, opts.lineBytes);
    const auto results = db.results();
    report.finish(driver, ok, lastStoredNs, check, results);
    report.sigterm(stopChild(master, 20));
    masterStopped = true;
    struct stat st
    {
    };
    int64_t dbBytes = 0;
    for (const char* suffix : {"", "-wal"})
        if (stat((dir + "/state.sqlite" + suffix).c_str(), &st) == 0)
            dbBytes += st.st_size;
    report.dbBytes(dbBytes);
    const QJsonObject json = report.toJson();
    std::fputs(report.summary().c_str(), stderr);
    if (opts.json)
        std::printf("%s\n", QJsonDocument(json).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    return cleanup(report.passed() ? 0 : 1);
}
