#include "OutReport.h"

#include "OutDriver.h"
#include "OutputLines.h"
#include "Spawn.h"
#include "ThreadCpu.h"

#include <QJsonDocument>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace ymbench::out {

namespace {

QJsonValue round3(double v)
{
    return std::round(v * 1000.0) / 1000.0;
}

QString key(const char* k)
{
    return QString::fromLatin1(k);
}

} // namespace

QJsonObject distribution(std::vector<double> v)
{
    QJsonObject o{{key("count"), double(v.size())}};
    if (v.empty()) {
        for (const char* k : {"p50", "p99", "max"})
            o.insert(key(k), QJsonValue());
        return o;
    }
    std::sort(v.begin(), v.end());
    auto at = [&v](double q) {
        return v[std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5))];
    };
    o.insert(key("p50"), round3(at(0.5)));
    o.insert(key("p99"), round3(at(0.99)));
    o.insert(key("max"), round3(v.back()));
    return o;
}

void Report::masterSample(const ProcSample& s)
{
    if (!m_haveSample)
        m_rssStart = s.rssKb;
    m_haveSample = true;
    m_last = s;
    m_rssPeak = std::max(m_rssPeak, s.rssKb);
    if (m_startNs && !m_storedNs)
        m_rssStream = std::max(m_rssStream, s.rssKb);
}

void Report::streamStart(double selfCpuS, std::map<std::string, double> threads)
{
    m_threadsStart = std::move(threads);
    m_machineStart = machineBusyS();
    m_startNs = monoNs();
    m_cpuStart = m_last.cpuS;
    m_selfStart = selfCpuS;
}

void Report::stored(int64_t nowNs, double selfCpuS, const std::map<std::string, double>& threads)
{
    for (const auto& [name, cpu] : threads)
        m_threadsStream[name] = cpu - m_threadsStart[name];
    m_storedNs = nowNs;
    m_machineStored = machineBusyS();
    m_selfStored = selfCpuS;
    m_cpuStored = m_last.cpuS;
}

void Report::followResult(int64_t build, int64_t lines, int64_t expected, int badLines,
                          int exitCode, const std::string& error)
{
    m_follow = QJsonObject{{key("build"), double(build)},
                           {key("lines"), double(lines)},
                           {key("lines_expected"), double(expected)},
                           {key("bad_lines"), badLines},
                           {key("exit_code"), exitCode},
                           {key("error"), QString::fromStdString(error)},
                           {key("ok"), exitCode == 0 && badLines == 0 && lines == expected},
                           {key("lag_ms"), distribution(m_followLagMs)}};
}

void Report::finish(const OutDriver& driver, bool completed, int64_t lastStoredNs,
                    const DbProbe::Check& check, const std::map<std::string, std::string>& results)
{
    const DriverCounts& c = driver.counts();
    const double storeS =
        lastStoredNs && c.firstByteNs ? double(lastStoredNs - c.firstByteNs) / 1e9 : 0.0;
    const double sendS =
        c.lastByteNs && c.firstByteNs ? double(c.lastByteNs - c.firstByteNs) / 1e9 : 0.0;
    const double wall = m_storedNs && m_startNs ? double(m_storedNs - m_startNs) / 1e9 : 0.0;
    int success = 0;
    for (const auto& [w, r] : results)
        success += r == "success" ? 1 : 0;
    const double ka = double(m_opts.keepalive) * 1000.0;
    auto late = [ka](const std::vector<double>& intervals) {
        std::vector<double> l;
        for (double v : intervals)
            l.push_back(v - ka);
        return distribution(l);
    };
    QJsonObject threadsJson;
    for (const auto& [name, cpu] : m_threadsStream)
        threadsJson.insert(QString::fromStdString(name), round3(cpu));
    m_passed = completed && check.ok && check.bytes == c.bytesSent && check.lines == c.linesSent &&
               success == m_opts.workers && c.errorResponses == 0 && c.disconnects == 0;
    m_json = QJsonObject{
        {key("workers"), m_opts.workers},
        {key("line_bytes"), m_opts.lineBytes},
        {key("rate_limit_mb_s"), m_opts.rate},
        {key("completed"), completed},
        {key("bytes_sent"), double(c.bytesSent)},
        {key("lines_sent"), double(c.linesSent)},
        {key("updates_sent"), double(c.updatesSent)},
        {key("first_sent_to_last_stored_s"), round3(storeS)},
        {key("mb_per_s"), storeS > 0 ? round3(double(c.bytesSent) / 1e6 / storeS) : QJsonValue()},
        {key("first_sent_to_last_sent_s"), round3(sendS)},
        {key("send_mb_per_s"),
         sendS > 0 ? round3(double(c.bytesSent) / 1e6 / sendS) : QJsonValue()},
        {key("update_ack_ms"), distribution(c.ackMs)},
        {key("keepalive_late_ms_idle"), late(c.keepaliveIdleMs)},
        {key("keepalive_late_ms_streaming"), late(c.keepaliveStreamMs)},
        {key("keepalives_answered"), c.keepalives},
        {key("error_responses"), c.errorResponses},
        {key("disconnects"), c.disconnects},
        {key("problem"), QString::fromStdString(driver.lastProblem())},
        {key("builds_success"), success},
        {key("stored"), QJsonObject{{key("bytes"), double(check.bytes)},
                                    {key("lines"), double(check.lines)},
                                    {key("chunks"), double(check.chunks)},
                                    {key("verified"), check.ok},
                                    {key("error"), QString::fromStdString(check.error)},
                                    {key("db_file_bytes"), double(m_dbBytes)}}},
        {key("master"),
         QJsonObject{{key("cpu_s_streaming"), round3(m_cpuStored - m_cpuStart)},
                     {key("cpu_pct_streaming"),
                      wall > 0 ? round3((m_cpuStored - m_cpuStart) / wall * 100) : QJsonValue()},
                     {key("rss_kb_start"), double(m_rssStart)},
                     {key("rss_kb_peak_streaming"), double(m_rssStream)},
                     {key("rss_kb_peak"), double(m_rssPeak)}}},
        {key("master_threads_cpu_s_streaming"), threadsJson},
        {key("other_processes_cores_streaming"),
         wall > 0
             ? round3(std::max(0.0, (m_machineStored - m_machineStart) -
                                        (m_cpuStored - m_cpuStart) - (m_selfStored - m_selfStart)) /
                      wall)
             : QJsonValue()},
        {key("generator_cpu_s_streaming"), round3(m_selfStored - m_selfStart)},
        {key("passed"), m_passed},
    };
    if (!m_opts.keep)
        m_json.insert(key("run_folder"), QJsonValue());
    else
        m_json.insert(key("run_folder"), QString::fromStdString(m_dir));
}

QJsonObject Report::toJson() const
{
    QJsonObject o = m_json;
    QJsonObject master = o.value(key("master")).toObject();
    master.insert(key("sigterm_to_exit_s"), m_sigtermS >= 0 ? round3(m_sigtermS) : QJsonValue());
    o.insert(key("master"), master);
    QJsonObject stored = o.value(key("stored")).toObject();
    stored.insert(key("db_file_bytes"), double(m_dbBytes));
    o.insert(key("stored"), stored);
    o.insert(key("follow"), m_follow.isEmpty() ? QJsonValue() : QJsonValue(m_follow));
    return o;
}

bool Report::passed() const
{
    return m_passed;
}

std::string Report::summary() const
{
    const QJsonObject j = toJson();
    auto num = [&j](const char* group, const char* k) {
        const QJsonValue v = group ? j.value(key(group)).toObject().value(key(k)) : j.value(key(k));
        if (v.isNull() || v.isUndefined())
            return std::string("-");
        char b[48];
        const double d = v.toDouble();
        std::snprintf(b, sizeof b, d == std::floor(d) ? "%.0f" : "%.2f", d);
        return std::string(b);
    };
    auto dist = [&j](const char* k) {
        const QJsonObject d = j.value(key(k)).toObject();
        char b[160];
        std::snprintf(b, sizeof b, "p50 %.1f  p99 %.1f  max %.1f ms (n=%d)",
                      d.value(key("p50")).toDouble(), d.value(key("p99")).toDouble(),
                      d.value(key("max")).toDouble(), d.value(key("count")).toInt());
        return std::string(b);
    };
    std::string s = "ym-outputgen: " + std::to_string(m_opts.workers) + " workers, " +
                    num(nullptr, "bytes_sent") + " bytes\n";
    s += "  first sent -> last stored: " + num(nullptr, "first_sent_to_last_stored_s") + " s, " +
         num(nullptr, "mb_per_s") + " MB/s (sending alone: " + num(nullptr, "send_mb_per_s") +
         " MB/s)\n";
    s += "  update answers: " + dist("update_ack_ms") + "\n";
    s += "  keepalives late, idle: " + dist("keepalive_late_ms_idle") + "\n";
    s += "  keepalives late, streaming: " + dist("keepalive_late_ms_streaming") + "\n";
    const QJsonObject f = j.value(key("follow")).toObject();
    if (!f.isEmpty()) {
        const QJsonObject lag = f.value(key("lag_ms")).toObject();
        char b[240];
        std::snprintf(b, sizeof b,
                      "  ctl log --follow: %lld of %lld lines, lag p50 %.1f p99 %.1f max %.1f ms, "
                      "exit %d %s\n",
                      qint64(f.value(key("lines")).toDouble()),
                      qint64(f.value(key("lines_expected")).toDouble()),
                      lag.value(key("p50")).toDouble(), lag.value(key("p99")).toDouble(),
                      lag.value(key("max")).toDouble(), f.value(key("exit_code")).toInt(),
                      f.value(key("error")).toString().toStdString().c_str());
        s += b;
    }
    s += "  master CPU while streaming: " + num("master", "cpu_pct_streaming") +
         " % of a core; RSS start " + num("master", "rss_kb_start") + " kB, peak " +
         num("master", "rss_kb_peak") + " kB\n";
    s += "  master threads' CPU while streaming (s):";
    for (const auto& [name, cpu] : m_threadsStream) {
        char b[96];
        std::snprintf(b, sizeof b, " %s %.2f", name.c_str(), cpu);
        s += b;
    }
    s += "\n";
    s += "  generator CPU while streaming: " + num(nullptr, "generator_cpu_s_streaming") +
         " s; other processes on the machine: " + num(nullptr, "other_processes_cores_streaming") +
         " cores\n";
    const QJsonObject st = j.value(key("stored")).toObject();
    s += "  stored: " + std::to_string(qint64(st.value(key("bytes")).toDouble())) + " bytes, " +
         (st.value(key("verified")).toBool()
              ? std::string("every line verified")
              : "NOT verified: " + st.value(key("error")).toString().toStdString()) +
         "\n";
    s += std::string("  result: ") + (m_passed ? "passed" : "FAILED") + "\n";
    return s;
}

void Follower::start(pid_t pid, int fd, int64_t build, int64_t expectedLines, int lineBytes,
                     std::string logPath)
{
    m_logPath = std::move(logPath);
    m_pid = pid;
    m_fd = fd;
    m_build = build;
    m_expected = expectedLines;
    m_lineBytes = lineBytes;
    if (pid < 0)
        m_error = "cannot start `ctl log --follow`";
}

void Follower::line(std::string_view text)
{
    if (text.rfind("=== ", 0) == 0)
        return; // the step header ctl prints
    LineId id;
    if (!parseLine(text, m_lineBytes, id) || id.worker != 0 || int64_t(id.line) != m_lines) {
        if (m_bad++ == 0)
            m_error = "line " + std::to_string(m_lines) +
                      " printed wrong: " + std::string(text.substr(0, 60));
        return;
    }
    ++m_lines;
    m_report.followLag(double(monoNs() - id.stampNs) / 1e6);
}

void Follower::read()
{
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(m_fd, buf, sizeof buf);
        if (n > 0) {
            m_buf.append(buf, size_t(n));
            continue;
        }
        if (n == 0)
            m_eof = true;
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            break;
        if (errno == EAGAIN)
            break;
    }
    size_t at = 0, nl;
    while ((nl = m_buf.find('\n', at)) != std::string::npos) {
        line(std::string_view(m_buf.data() + at, nl - at));
        at = nl + 1;
    }
    m_buf.erase(0, at);
}

bool Follower::finished()
{
    if (m_pid < 0)
        return true;
    if (!m_reaped) {
        int status = 0;
        if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_reaped = true;
            m_exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
    }
    return m_reaped && m_eof;
}

void Follower::stop()
{
    if (m_pid >= 0 && !finished()) {
        read();
        if (!finished()) {
            stopChild(m_pid, 5);
            m_reaped = true;
            if (m_error.empty())
                m_error = "still running after the builds had finished; stopped";
        }
    }
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (m_exitCode != 0 && m_error.empty()) {
        std::ifstream f(m_logPath);
        std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        while (!text.empty() && text.back() == '\n')
            text.pop_back();
        m_error = "exit code " + std::to_string(m_exitCode) + ": " +
                  text.substr(text.size() > 300 ? text.size() - 300 : 0);
    }
    m_report.followResult(m_build, m_lines, m_expected, m_bad, m_exitCode, m_error);
}

} // namespace ymbench::out
