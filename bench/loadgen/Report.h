#pragma once

#include <QJsonObject>

#include <cstdint>
#include <map>
#include <vector>

namespace ymbench {

// What one driver process counted. Times are CLOCK_MONOTONIC nanoseconds,
// shared by the parent and its children.
struct DriverStats
{
    int count = 0;
    int attached = 0;     // attached within the attach phase
    int attachedLate = 0; // first attached after --timeout
    int refused = 0;      // 401/400 answers
    int workersRefused = 0;
    int otherHttp = 0;     // other non-101 answers
    int connectErrors = 0; // ECONNREFUSED, connect timeouts, ...
    int handshakeTimeouts = 0;
    int badUpgrades = 0; // wrong Sec-WebSocket-Accept, garbage answers
    int disconnects = 0; // dropped by the master after attach
    int droppedBeforeAttach = 0;
    int retries = 0;
    int keepalivesAnswered = 0;
    int printsAnswered = 0;
    int errorResponses = 0; // the master answered one of ours with is_exception
    int unknownOps = 0;
    int shutdowns = 0;
    int connectedAtEnd = 0;
    std::map<int, int> httpStatuses;
    std::vector<double> attachMs; // per attached worker
    int64_t lastAttachNs = 0;     // absolute
    QJsonObject toJson() const;   // the child -> parent format
    static DriverStats fromJson(const QJsonObject& o);
    void merge(const DriverStats& other);
};

struct MasterSamples
{
    bool valid = false;
    long rssStart = 0, rssPeak = 0, rssEnd = 0;
    double cpuAttach = 0, cpuHold = 0;
};

// The final report (keys as documented in --help).
QJsonObject finalReport(const DriverStats& s, int64_t t0Ns, bool allDone, double elapsedS,
                        const MasterSamples* master);
// One human-readable paragraph for stderr.
std::string summary(const QJsonObject& report);

} // namespace ymbench
