#pragma once

#include "../loadgen/ProcSampler.h"
#include "DbProbe.h"
#include "OutOptions.h"

#include <QJsonObject>

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace ymbench::out {

class OutDriver;

// p50/p99/max (and count) of a sample, as JSON; null figures when empty.
QJsonObject distribution(std::vector<double> values);

class Report
{
public:
    Report(const Options& opts, std::string dir) : m_opts(opts), m_dir(std::move(dir)) {}

    void masterSample(const ProcSample& s);
    void streamStart(double selfCpuS, std::map<std::string, double> threads);
    void stored(int64_t nowNs, double selfCpuS, const std::map<std::string, double>& threads);
    void finish(const OutDriver& driver, bool completed, int64_t lastStoredNs,
                const DbProbe::Check& check, const std::map<std::string, std::string>& results);
    void sigterm(double seconds) { m_sigtermS = seconds; }
    void dbBytes(int64_t bytes) { m_dbBytes = bytes; }

    // The `ctl log --follow` reader's figures.
    void followLag(double ms) { m_followLagMs.push_back(ms); }
    void followResult(int64_t build, int64_t lines, int64_t expected, int badLines, int exitCode,
                      const std::string& error);

    QJsonObject toJson() const;
    std::string summary() const;
    bool passed() const;

private:
    Options m_opts;
    std::string m_dir;
    QJsonObject m_json;
    bool m_passed = false;
    bool m_haveSample = false;
    ProcSample m_last;
    long m_rssStart = 0, m_rssPeak = 0, m_rssStream = 0;
    double m_cpuStart = 0, m_cpuStored = 0, m_selfStart = 0, m_selfStored = 0;
    double m_machineStart = 0, m_machineStored = 0;
    int64_t m_startNs = 0, m_storedNs = 0;
    double m_sigtermS = 0;
    int64_t m_dbBytes = 0;
    std::vector<double> m_followLagMs;
    QJsonObject m_follow;
    std::map<std::string, double> m_threadsStart, m_threadsStream;
};

// `yardmaster ctl log BUILD --follow` as a child: checks that it prints every
// line of the build once, in order, and how late (now - the send time in the
// line) it prints each.
class Follower
{
public:
    explicit Follower(Report& report) : m_report(report) {}
    void start(pid_t pid, int fd, int64_t build, int64_t expectedLines, int lineBytes,
               std::string logPath);
    void read();
    bool finished();
    void stop();
    int fd() const { return m_fd; }

private:
    void line(std::string_view text);

    Report& m_report;
    pid_t m_pid = -1;
    int m_fd = -1;
    int64_t m_build = 0, m_expected = 0, m_lines = 0;
    int m_lineBytes = 0, m_bad = 0, m_exitCode = -1;
    bool m_eof = false, m_reaped = false;
    std::string m_buf, m_error, m_logPath;
};

} // namespace ymbench::out
