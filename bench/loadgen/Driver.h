#pragma once

#include "Options.h"
#include "Report.h"
#include "Wire.h"

#include <sys/socket.h>

#include <cstdint>
#include <queue>
#include <string>
#include <vector>

#include <QVariantMap>

namespace ymbench {

int64_t nowNs(); // CLOCK_MONOTONIC

// One process's share of the simulated workers: a single-threaded epoll loop
// over non-blocking sockets. Run() announces "ATTACH_DONE\n" on `reportFd`
// when the attach phase is over (every worker attached or gave up, or
// --timeout), keeps answering until `controlFd` says STOP (or closes), then
// writes "RESULT <json>\n" and returns.
class Driver
{
public:
    Driver(const Options& opts, int firstIndex, int count, double rate, int64_t t0Ns,
           std::string password);
    int run(int controlFd, int reportFd);

private:
    enum class Phase : uint8_t
    {
        Waiting,
        Connecting,
        Upgrading,
        Open,
        Done
    };
    enum class Timer : uint8_t
    {
        None,
        Start,
        ConnectTimeout,
        HandshakeTimeout,
        AttachWindow,
        ShutdownClose
    };
    struct Conn
    {
        std::string in, out, frag, accept;
        std::vector<uint32_t> completeAcks; // our `complete` seq numbers not yet answered
        int64_t firstAttemptNs = -1, lastCmdDoneNs = 0;
        int fd = -1;
        uint32_t sockGen = 0, timerGen = 0, seq = 0;
        Phase phase = Phase::Waiting;
        Timer timer = Timer::None;
        uint8_t failedAttempts = 0, fragOpcode = 0;
        bool everAttached = false, linkAttached = false, info = false, settings = false;
        bool listdirSent = false, listdirAcked = false, shutdown = false, refusedOnce = false;
        bool wantOut = false, listdirAckPending = false;
        uint32_t listdirAckSeq = 0;
    };
    struct TimerEntry
    {
        int64_t at;
        uint32_t idx, gen;
        bool operator>(const TimerEntry& o) const { return at > o.at; }
    };

    void setTimer(uint32_t idx, Timer kind, int64_t at);
    void clearTimer(Conn& c);
    void fireTimer(uint32_t idx);
    void startConnect(uint32_t idx);
    void connected(uint32_t idx);
    void onEvent(uint32_t idx, uint32_t events);
    void onReadable(uint32_t idx);
    bool flush(uint32_t idx);
    void send(uint32_t idx, std::string_view bytes);
    void sendMessage(uint32_t idx, const QVariantMap& msg);
    void respond(uint32_t idx, const QVariant& seq, const QVariant& result, bool isException);
    bool processFrames(uint32_t idx);
    void handleMessage(uint32_t idx, const QVariantMap& msg);
    void startCommand(uint32_t idx, const QVariantMap& msg);
    void onResponse(uint32_t idx, const QVariantMap& msg);
    bool attachReady(const Conn& c) const;
    void markAttached(uint32_t idx, int64_t at);
    // Ends the current socket. `lost`: the peer went away (counted);
    // `retry`: schedule a reconnect (after a TCP connect that failed when
    // `connectFailed`).
    void closeLink(uint32_t idx, bool lost, bool connectFailed);
    void scheduleRetry(uint32_t idx, bool connectFailed);
    void updateEpoll(uint32_t idx);
    void log(uint32_t idx, const std::string& what) const;
    bool attachPhaseOver(int64_t now) const;

    Options m_opts;
    int m_first;
    int m_count;
    double m_rate;
    int64_t m_t0;
    int64_t m_deadline;
    std::string m_password;
    std::vector<Conn> m_conns;
    std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> m_timers;
    sockaddr_storage m_addr{};
    socklen_t m_addrLen = 0;
    int m_epoll = -1;
    wire::Rng m_rng;
    DriverStats m_stats;
    int m_settled = 0; // workers attached or given up
    bool m_phaseOver = false;
    bool m_loggedFdLimit = false;
};

} // namespace ymbench
