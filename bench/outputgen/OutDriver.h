#pragma once

#include "../loadgen/Wire.h"
#include "OutOptions.h"

#include <QVariantMap>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace ymbench::out {

int64_t monoNs();      // CLOCK_MONOTONIC
double epochSeconds(); // CLOCK_REALTIME

// What the simulated workers saw and did.
struct DriverCounts
{
    int64_t bytesSent = 0; // stdout text
    int64_t linesSent = 0;
    int64_t updatesSent = 0; // stdout batches
    int64_t firstByteNs = 0; // the first stdout batch went out
    int64_t lastByteNs = 0;  // the last stdout batch was written to its socket
    int keepalives = 0;
    int errorResponses = 0; // the master answered one of ours with is_exception
    int disconnects = 0;
    int unknownOps = 0;
    std::vector<double> ackMs;             // update sent -> its answer
    std::vector<double> keepaliveIdleMs;   // between two keepalives on a link, idle
    std::vector<double> keepaliveStreamMs; // the same while streaming
};

// K simulated buildbot-worker 3.7 clients in one epoll loop: they attach,
// answer the attach sequence and keepalives, and answer a `shell`
// start_command by streaming stdout once startStreaming() was called.
class OutDriver
{
public:
    OutDriver(const Options& opts, int port, std::string password);
    ~OutDriver();
    OutDriver(const OutDriver&) = delete;
    OutDriver& operator=(const OutDriver&) = delete;

    bool start(std::string& error); // connects every worker
    // One round: waits up to `waitMs` for sockets (and the extra fd), handles them.
    void step(int waitMs);
    // An extra fd (non-blocking) watched by step(); `onReadable` runs when it is.
    void watch(int fd, std::function<void()> onReadable);
    void unwatch(int fd);

    int commandsStarted() const { return m_commandsStarted; }
    void setStreamingPhase(bool on) { m_streamingPhase = on; }
    void startStreaming();
    int completesAcked() const { return m_completesAcked; }
    int64_t linesOf(int worker) const { return m_conns[size_t(worker)].linesTarget; }
    int64_t totalLines() const { return m_totalLines; }
    const DriverCounts& counts() const { return m_counts; }
    std::string lastProblem() const { return m_problem; }

private:
    enum class Phase : uint8_t
    {
        Connecting,
        Upgrading,
        Open,
        Closed
    };
    struct Conn
    {
        std::string in, out, frag, accept, commandId;
        size_t outAt = 0;
        int fd = -1;
        Phase phase = Phase::Connecting;
        uint32_t seq = 0, events = 0;
        uint8_t fragOpcode = 0;
        bool haveCommand = false, streaming = false, finalSent = false;
        bool lastBatchOut = false, done = false;
        int64_t linesTarget = 0, linesSent = 0, lastKeepaliveNs = 0;
        uint32_t completeSeq = 0;
        std::deque<std::pair<uint32_t, int64_t>> acks; // update seq -> when sent
    };

    void connect(size_t idx);
    void onEvent(size_t idx, uint32_t events);
    void onReadable(size_t idx);
    bool flush(size_t idx);
    void send(size_t idx, std::string_view bytes);
    void updateEpoll(size_t idx);
    void sendMessage(size_t idx, const QVariantMap& msg);
    void respond(size_t idx, const QVariant& seq, const QVariant& result, bool isException);
    bool processFrames(size_t idx);
    void handleMessage(size_t idx, const QVariantMap& msg);
    void startCommand(size_t idx, const QVariantMap& msg);
    void onResponse(size_t idx, const QVariantMap& msg);
    void pump(size_t idx, int64_t now);
    void sendFinal(size_t idx);
    void lost(size_t idx, const std::string& why);

    Options m_opts;
    int m_port;
    std::string m_password;
    std::vector<Conn> m_conns;
    int m_epoll = -1;
    int m_extraFd = -1;
    std::function<void()> m_onExtra;
    wire::Rng m_rng;
    DriverCounts m_counts;
    int m_batchLines = 0;
    int m_bufferSize = 65536;
    int m_commandsStarted = 0;
    int m_completesAcked = 0;
    int64_t m_totalLines = 0;
    int64_t m_streamStartNs = 0;
    bool m_streaming = false;
    bool m_streamingPhase = false;
    std::string m_problem;
    std::string m_text; // scratch: one batch
};

} // namespace ymbench::out
