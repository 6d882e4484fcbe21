#include "Driver.h"

#include "WorkerReplies.h"
#include "protocol/MsgCodec.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <QJsonDocument>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

using namespace Qt::StringLiterals;

namespace ymbench {

namespace {

constexpr int64_t Second = 1'000'000'000;
constexpr int64_t AttachPrintWindow = Second; // see --help: "attached" rule

int64_t secondsToNs(double s)
{
    return int64_t(s * 1e9);
}

bool writeAll(int fd, const std::string& s)
{
    size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += size_t(n);
    }
    return true;
}

} // namespace

int64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * Second + ts.tv_nsec;
}

Driver::Driver(const Options& opts, int firstIndex, int count, double rate, int64_t t0Ns,
               std::string password)
    : m_opts(opts), m_first(firstIndex), m_count(count), m_rate(rate), m_t0(t0Ns),
      m_deadline(t0Ns + secondsToNs(opts.timeout)), m_password(std::move(password)),
      m_conns(size_t(count)),
      m_rng(uint64_t(t0Ns) ^ (uint64_t(getpid()) << 32) ^ uint64_t(firstIndex))
{
    m_stats.count = count;
}

void Driver::log(uint32_t idx, const std::string& what) const
{
    if (m_opts.verbose)
        std::fprintf(stderr, "ym-loadgen: %s: %s\n",
                     workerName(m_opts.namePrefix, m_first + int(idx)).c_str(), what.c_str());
}

void Driver::setTimer(uint32_t idx, Timer kind, int64_t at)
{
    Conn& c = m_conns[idx];
    c.timer = kind;
    ++c.timerGen;
    m_timers.push({at, idx, c.timerGen});
}

void Driver::clearTimer(Conn& c)
{
    c.timer = Timer::None;
    ++c.timerGen;
}

void Driver::updateEpoll(uint32_t idx)
{
    Conn& c = m_conns[idx];
    const bool want = c.phase == Phase::Connecting || !c.out.empty();
    epoll_event ev{};
    ev.events =
        (c.phase == Phase::Connecting ? 0u : uint32_t(EPOLLIN)) | (want ? uint32_t(EPOLLOUT) : 0u);
    ev.data.u64 = (uint64_t(c.sockGen) << 32) | idx;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    c.wantOut = want;
}

void Driver::startConnect(uint32_t idx)
{
    Conn& c = m_conns[idx];
    const int64_t now = nowNs();
    if (c.firstAttemptNs < 0)
        c.firstAttemptNs = now;
    c.fd = ::socket(m_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
        if (!m_loggedFdLimit) {
            std::fprintf(stderr,
                         "ym-loadgen: socket() failed: %s (use --procs to spread "
                         "workers over more processes)\n",
                         std::strerror(errno));
            m_loggedFdLimit = true;
        }
        ++m_stats.connectErrors;
        scheduleRetry(idx, true);
        return;
    }
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++c.sockGen;
    c.phase = Phase::Connecting;
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u64 = (uint64_t(c.sockGen) << 32) | idx;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev);
    c.wantOut = true;
    const int r = ::connect(c.fd, reinterpret_cast<const sockaddr*>(&m_addr), m_addrLen);
    if (r == 0) {
        connected(idx);
    } else if (errno == EINPROGRESS) {
        setTimer(idx, Timer::ConnectTimeout, now + secondsToNs(m_opts.connectTimeout));
    } else {
        log(idx, std::string("connect failed: ") + std::strerror(errno));
        ++m_stats.connectErrors;
        closeLink(idx, false, true);
    }
}

void Driver::connected(uint32_t idx)
{
    Conn& c = m_conns[idx];
    c.failedAttempts = 0; // twisted ClientService resets on every TCP connect
    c.phase = Phase::Upgrading;
    const std::string key = wire::makeKey(m_rng);
    c.accept = wire::acceptFor(key);
    const std::string name = workerName(m_opts.namePrefix, m_first + int(idx));
    setTimer(idx, Timer::HandshakeTimeout, nowNs() + secondsToNs(m_opts.handshakeTimeout));
    c.out.clear();
    send(idx, wire::upgradeRequest(m_opts.host, m_opts.port, name, m_password, key));
    if (c.phase == Phase::Upgrading)
        updateEpoll(idx);
}

void Driver::scheduleRetry(uint32_t idx, bool connectFailed)
{
    Conn& c = m_conns[idx];
    c.phase = Phase::Waiting;
    if (!m_opts.retry || c.shutdown) {
        c.phase = Phase::Done;
        clearTimer(c);
        if (!c.everAttached)
            ++m_settled;
        return;
    }
    (void)connectFailed;
    // twisted.application.internet.backoffPolicy(): min(1.0 * 1.5**n, 60) + random()
    if (c.failedAttempts < 200)
        ++c.failedAttempts;
    const double delay = std::min(std::pow(1.5, double(c.failedAttempts)), 60.0) + m_rng.uniform();
    ++m_stats.retries;
    setTimer(idx, Timer::Start, nowNs() + secondsToNs(delay));
}

void Driver::closeLink(uint32_t idx, bool lost, bool connectFailed)
{
    Conn& c = m_conns[idx];
    if (c.fd >= 0) {
        ::close(c.fd); // also leaves the epoll set
        c.fd = -1;
    }
    if (lost && c.phase == Phase::Open) {
        if (c.linkAttached)
            ++m_stats.disconnects;
        else
            ++m_stats.droppedBeforeAttach;
    }
    c.in.clear();
    c.in.shrink_to_fit();
    c.out.clear();
    c.out.shrink_to_fit();
    c.frag.clear();
    c.accept.clear();
    c.completeAcks.clear();
    c.seq = 0;
    c.linkAttached = c.info = c.settings = c.listdirSent = c.listdirAcked = false;
    c.listdirAckPending = false;
    c.wantOut = false;
    clearTimer(c);
    scheduleRetry(idx, connectFailed);
}

void Driver::send(uint32_t idx, std::string_view bytes)
{
    Conn& c = m_conns[idx];
    if (c.fd < 0)
        return;
    if (c.out.empty()) {
        const ssize_t n = ::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n == ssize_t(bytes.size()))
            return;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            c.out.assign(bytes); // the error surfaces on the next read/write
        } else {
            c.out.assign(bytes.substr(n > 0 ? size_t(n) : 0));
        }
    } else {
        c.out.append(bytes);
    }
    if (!c.wantOut && c.phase != Phase::Connecting)
        updateEpoll(idx);
}

bool Driver::flush(uint32_t idx)
{
    Conn& c = m_conns[idx];
    size_t sent = 0;
    const bool ok = wire::sendPending(c.fd, c.out, sent);
    c.out.erase(0, sent);
    if (!ok)
        return false;
    if (!c.out.empty())
        return true; // the socket is full: EPOLLOUT tells when to go on
    if (c.wantOut)
        updateEpoll(idx);
    return true;
}

void Driver::sendMessage(uint32_t idx, const QVariantMap& msg)
{
    const QByteArray payload = ym::codec::encodeMessage(msg);
    std::string frame;
    frame.reserve(size_t(payload.size()) + 14);
    wire::appendFrame(frame, wire::Binary,
                      std::string_view(payload.constData(), size_t(payload.size())), m_rng);
    send(idx, frame);
}

void Driver::respond(uint32_t idx, const QVariant& seq, const QVariant& result, bool isException)
{
    QVariantMap out{{u"op"_s, u"response"_s}, {u"seq_number"_s, seq}, {u"result"_s, result}};
    if (isException)
        out.insert(u"is_exception"_s, true);
    sendMessage(idx, out);
}

void Driver::onEvent(uint32_t idx, uint32_t events)
{
    Conn& c = m_conns[idx];
    if (c.phase == Phase::Connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
            log(idx, std::string("connect failed: ") + std::strerror(err ? err : ECONNRESET));
            ++m_stats.connectErrors;
            closeLink(idx, false, true);
            return;
        }
        clearTimer(c);
        connected(idx);
        return;
    }
    if ((events & EPOLLOUT) && !flush(idx)) {
        log(idx, "write failed");
        closeLink(idx, true, false);
        return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        onReadable(idx);
}

void Driver::onReadable(uint32_t idx)
{
    Conn& c = m_conns[idx];
    if (!wire::readAvailable(c.fd, c.in)) {
        // EOF or reset: process what arrived, then the link is gone.
        if (c.phase == Phase::Upgrading) {
            wire::HttpAnswer a;
            if (wire::parseHttpAnswer(c.in, a) && (a.status == 401 || a.status == 400)) {
                ++m_stats.refused;
                ++m_stats.httpStatuses[a.status];
                if (!c.refusedOnce)
                    ++m_stats.workersRefused;
                c.refusedOnce = true;
            } else {
                ++m_stats.droppedBeforeAttach;
            }
        } else if (c.phase == Phase::Open) {
            processFrames(idx);
        }
        if (c.fd >= 0 && !c.shutdown)
            log(idx, "connection lost");
        if (c.fd >= 0)
            closeLink(idx, true, false);
        return;
    }
    if (c.phase == Phase::Upgrading) {
        wire::HttpAnswer a;
        if (!wire::parseHttpAnswer(c.in, a)) {
            if (c.in.size() > 65536) {
                ++m_stats.badUpgrades;
                closeLink(idx, false, false);
            }
            return;
        }
        if (a.status != 101) {
            ++m_stats.httpStatuses[a.status];
            if (a.status == 401 || a.status == 400) {
                ++m_stats.refused;
                if (!c.refusedOnce)
                    ++m_stats.workersRefused;
                c.refusedOnce = true;
            } else {
                ++m_stats.otherHttp;
            }
            log(idx, "refused with HTTP " + std::to_string(a.status));
            closeLink(idx, false, false);
            return;
        }
        if (a.accept != c.accept) {
            ++m_stats.badUpgrades;
            log(idx, "wrong Sec-WebSocket-Accept");
            closeLink(idx, false, false);
            return;
        }
        c.in.erase(0, a.headerBytes);
        c.accept.clear();
        c.accept.shrink_to_fit();
        c.phase = Phase::Open;
        clearTimer(c);
    }
    if (c.phase == Phase::Open && !processFrames(idx) && c.fd >= 0)
        closeLink(idx, true, false);
}

bool Driver::processFrames(uint32_t idx)
{
    size_t off = 0;
    std::string error;
    for (;;) {
        Conn& c = m_conns[idx];
        if (c.fd < 0 || c.phase != Phase::Open)
            return true;
        wire::Frame f;
        const wire::FrameStatus st = wire::nextFrame(c.in, off, f, error);
        if (st == wire::FrameStatus::Incomplete)
            break;
        if (st == wire::FrameStatus::Bad) {
            log(idx, "bad frame from the master: " + error);
            return false;
        }
        off += f.frameBytes;
        switch (f.opcode) {
        case wire::Ping: {
            std::string pong;
            wire::appendFrame(pong, wire::Pong, f.payload, m_rng);
            send(idx, pong);
            break;
        }
        case wire::Pong:
            break;
        case wire::Close: {
            std::string close;
            wire::appendFrame(close, wire::Close,
                              f.payload.substr(0, std::min<size_t>(2, f.payload.size())), m_rng);
            send(idx, close);
            log(idx, "close frame from the master");
            return false;
        }
        case wire::Text:
        case wire::Binary:
        case wire::Continuation: {
            if (f.opcode != wire::Continuation) {
                c.fragOpcode = f.opcode;
                c.frag.assign(f.payload);
            } else {
                c.frag.append(f.payload);
            }
            if (!f.fin)
                break;
            std::string message;
            message.swap(c.frag);
            if (c.fragOpcode != wire::Binary)
                break; // the worker ignores text frames
            const auto decoded =
                ym::codec::decodeMessage(QByteArrayView(message.data(), qsizetype(message.size())));
            if (!decoded.ok()) {
                log(idx, "undecodable message: " + decoded.error().message.toStdString());
                return false; // msgpack.unpackb raises: the worker drops the link
            }
            handleMessage(idx, decoded.value());
            break;
        }
        default:
            log(idx, "reserved opcode " + std::to_string(f.opcode));
            return false;
        }
    }
    Conn& c = m_conns[idx];
    if (c.fd >= 0)
        c.in.erase(0, off);
    return true;
}

bool Driver::attachReady(const Conn& c) const
{
    return !c.linkAttached && c.info && c.settings && c.listdirAcked && c.completeAcks.empty();
}

void Driver::markAttached(uint32_t idx, int64_t at)
{
    Conn& c = m_conns[idx];
    c.linkAttached = true;
    if (c.timer == Timer::AttachWindow)
        clearTimer(c);
    if (c.everAttached)
        return;
    c.everAttached = true;
    if (m_phaseOver) {
        ++m_stats.attachedLate;
        return;
    }
    ++m_stats.attached;
    ++m_settled;
    m_stats.attachMs.push_back(double(at - c.firstAttemptNs) / 1e6);
    m_stats.lastAttachNs = std::max(m_stats.lastAttachNs, at);
    log(idx, "attached");
}

void Driver::handleMessage(uint32_t idx, const QVariantMap& msg)
{
    const auto opIt = msg.constFind(u"op"_s);
    const auto seqIt = msg.constFind(u"seq_number"_s);
    if (opIt == msg.cend() || seqIt == msg.cend())
        return; // the worker logs and drops it
    const QString op = opIt->toString();
    const QVariant seq = *seqIt;
    Conn& c = m_conns[idx];
    if (op == u"response") {
        onResponse(idx, msg);
    } else if (op == u"print") {
        ++m_stats.printsAnswered;
        if (!msg.contains(u"message"_s)) {
            respond(idx, seq, u"message did not contain obligatory \"message\" key"_s, true);
            return;
        }
        respond(idx, seq, QVariant(), false);
        // The final print of an attach sequence (see --help).
        if (!c.linkAttached && msg.value(u"message"_s).toString() == u"attached" && c.info &&
            c.settings && c.listdirSent)
            markAttached(idx, nowNs());
    } else if (op == u"keepalive") {
        ++m_stats.keepalivesAnswered;
        respond(idx, seq, QVariant(), false);
    } else if (op == u"get_worker_info") {
        respond(idx, seq,
                replies::workerInfo(
                    QString::fromStdString(workerName(m_opts.namePrefix, m_first + int(idx)))),
                false);
        c.info = true;
    } else if (op == u"set_worker_settings") {
        const QVariantMap a = msg.value(u"args"_s).toMap();
        for (const QString& k :
             {u"buffer_size"_s, u"buffer_timeout"_s, u"newline_re"_s, u"max_line_length"_s}) {
            if (!a.contains(k)) {
                respond(idx, seq, u"message did not contain obligatory settings for worker"_s,
                        true);
                return;
            }
        }
        respond(idx, seq, QVariant(), false);
        c.settings = true;
    } else if (op == u"start_command") {
        startCommand(idx, msg);
    } else if (op == u"interrupt_command") {
        respond(idx, seq, QVariant(), false);
    } else if (op == u"shutdown") {
        respond(idx, seq, QVariant(), false);
        ++m_stats.shutdowns;
        c.shutdown = true;
        // buildbot-worker stops its reactor 0.2 s later.
        setTimer(idx, Timer::ShutdownClose, nowNs() + Second / 5);
    } else {
        ++m_stats.unknownOps;
        respond(idx, seq, u"Command %1 does not exist."_s.arg(op), true);
    }
}

void Driver::startCommand(uint32_t idx, const QVariantMap& msg)
{
    const QVariant seq = msg.value(u"seq_number"_s);
    for (const QString& k : {u"command_id"_s, u"command_name"_s, u"args"_s}) {
        if (!msg.contains(k)) {
            respond(idx, seq, u"'message did not contain obligatory \"%1\" key'"_s.arg(k), true);
            return;
        }
    }
    const QString name = msg.value(u"command_name"_s).toString();
    const QVariant id = msg.value(u"command_id"_s);
    const auto updates = replies::commandUpdates(name, 0.0004);
    if (!updates) {
        respond(idx, seq, u"unrecognized WorkerCommand '%1'"_s.arg(name), true);
        return;
    }
    Conn& c = m_conns[idx];
    if (c.timer == Timer::AttachWindow)
        clearTimer(c);
    // The worker's order: the flushed update, then complete, then the response.
    const uint32_t updateSeq = c.seq++;
    sendMessage(idx, {{u"op"_s, u"update"_s},
                      {u"args"_s, *updates},
                      {u"command_id"_s, id},
                      {u"seq_number"_s, qint64(updateSeq)}});
    const uint32_t completeSeq = c.seq++;
    sendMessage(idx, {{u"op"_s, u"complete"_s},
                      {u"args"_s, QVariant()},
                      {u"command_id"_s, id},
                      {u"seq_number"_s, qint64(completeSeq)}});
    c.completeAcks.push_back(completeSeq);
    if (name == u"listdir") {
        c.listdirSent = true;
        c.listdirAckPending = true;
        c.listdirAckSeq = completeSeq;
    }
    respond(idx, seq, QVariant(), false);
}

void Driver::onResponse(uint32_t idx, const QVariantMap& msg)
{
    Conn& c = m_conns[idx];
    if (msg.value(u"is_exception"_s).toBool())
        ++m_stats.errorResponses;
    const uint32_t seq = uint32_t(msg.value(u"seq_number"_s).toLongLong());
    const auto it = std::find(c.completeAcks.begin(), c.completeAcks.end(), seq);
    if (it == c.completeAcks.end())
        return;
    c.completeAcks.erase(it);
    if (c.listdirAckPending && seq == c.listdirAckSeq) {
        c.listdirAckPending = false;
        c.listdirAcked = true;
    }
    if (attachReady(c)) {
        c.lastCmdDoneNs = nowNs();
        setTimer(idx, Timer::AttachWindow, c.lastCmdDoneNs + AttachPrintWindow);
    }
}

void Driver::fireTimer(uint32_t idx)
{
    Conn& c = m_conns[idx];
    const Timer kind = c.timer;
    c.timer = Timer::None;
    switch (kind) {
    case Timer::Start:
        startConnect(idx);
        break;
    case Timer::ConnectTimeout:
        log(idx, "connect timed out");
        ++m_stats.connectErrors;
        closeLink(idx, false, true);
        break;
    case Timer::HandshakeTimeout:
        log(idx, "opening handshake timed out");
        ++m_stats.handshakeTimeouts;
        closeLink(idx, false, false);
        break;
    case Timer::AttachWindow:
        if (attachReady(c))
            markAttached(idx, c.lastCmdDoneNs);
        break;
    case Timer::ShutdownClose:
        log(idx, "shut down by the master");
        closeLink(idx, false, false);
        break;
    case Timer::None:
        break;
    }
}

bool Driver::attachPhaseOver(int64_t now) const
{
    return m_settled >= m_count || now >= m_deadline;
}

int Driver::run(int controlFd, int reportFd)
{
    // Resolve the master's address once.
    auto* v4 = reinterpret_cast<sockaddr_in*>(&m_addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&m_addr);
    if (inet_pton(AF_INET, m_opts.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(uint16_t(m_opts.port));
        m_addrLen = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, m_opts.host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(uint16_t(m_opts.port));
        m_addrLen = sizeof(sockaddr_in6);
    } else {
        std::fprintf(stderr, "ym-loadgen: --host %s is not a numeric IPv4/IPv6 address\n",
                     m_opts.host.c_str());
        return 2;
    }
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    epoll_event cev{};
    cev.events = EPOLLIN;
    cev.data.u64 = ~uint64_t(0);
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, controlFd, &cev);

    for (int i = 0; i < m_count; ++i) {
        if (m_rate > 0)
            setTimer(uint32_t(i), Timer::Start, m_t0 + int64_t(double(i) / m_rate * 1e9));
        else
            startConnect(uint32_t(i));
    }
    std::vector<epoll_event> events(1024);
    bool stop = false;
    while (!stop) {
        int64_t now = nowNs();
        while (!m_timers.empty() && m_timers.top().at <= now) {
            const TimerEntry t = m_timers.top();
            m_timers.pop();
            if (m_conns[t.idx].timerGen == t.gen && m_conns[t.idx].timer != Timer::None)
                fireTimer(t.idx);
        }
        if (!m_phaseOver && attachPhaseOver(now)) {
            m_phaseOver = true;
            writeAll(reportFd, "ATTACH_DONE\n");
        }
        int waitMs = 100;
        if (!m_timers.empty())
            waitMs =
                int(std::clamp<int64_t>((m_timers.top().at - now + 999'999) / 1'000'000, 0, 100));
        const int n = epoll_wait(m_epoll, events.data(), int(events.size()), waitMs);
        for (int i = 0; i < n; ++i) {
            const uint64_t tag = events[size_t(i)].data.u64;
            if (tag == ~uint64_t(0)) {
                char b[64];
                const ssize_t r = ::read(controlFd, b, sizeof b);
                if (r <= 0 || std::memchr(b, 'S', size_t(r)))
                    stop = true;
                continue;
            }
            const uint32_t idx = uint32_t(tag & 0xffffffffu);
            if (idx >= m_conns.size() || m_conns[idx].fd < 0 ||
                m_conns[idx].sockGen != uint32_t(tag >> 32))
                continue;
            onEvent(idx, events[size_t(i)].events);
        }
    }
    if (!m_phaseOver)
        writeAll(reportFd, "ATTACH_DONE\n");
    for (Conn& c : m_conns) {
        if (c.linkAttached && c.fd >= 0)
            ++m_stats.connectedAtEnd;
        if (c.fd >= 0)
            ::close(c.fd);
        c.fd = -1;
    }
    ::close(m_epoll);
    const QByteArray json = QJsonDocument(m_stats.toJson()).toJson(QJsonDocument::Compact);
    writeAll(reportFd, "RESULT " + json.toStdString() + "\n");
    return 0;
}

} // namespace ymbench
