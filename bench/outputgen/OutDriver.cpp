#include "OutDriver.h"

#include "../loadgen/WorkerReplies.h"
#include "OutputLines.h"
#include "protocol/MsgCodec.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

using namespace Qt::StringLiterals;

namespace ymbench::out {

namespace {

constexpr uint64_t ExtraTag = ~uint64_t(0);
constexpr size_t OutLowWater = 0; // a worker makes its next batch once the last one is out
constexpr int64_t BufferTimeoutNs = 5'000'000'000; // the worker's buffer_timeout

std::string workerName(int i)
{
    char b[16];
    std::snprintf(b, sizeof b, "w%05d", i);
    return b;
}

} // namespace

int64_t monoNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

double epochSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

OutDriver::OutDriver(const Options& opts, int port, std::string password)
    : m_opts(opts), m_port(port), m_password(std::move(password)), m_conns(size_t(opts.workers)),
      m_rng(uint64_t(monoNs()) ^ uint64_t(getpid()))
{
    // X MB split over the workers in whole lines.
    const double total = opts.megabytes * 1e6;
    for (size_t i = 0; i < m_conns.size(); ++i) {
        const double share = total / double(opts.workers);
        m_conns[i].linesTarget =
            std::max<int64_t>(1, int64_t(std::llround(share / opts.lineBytes)));
        m_totalLines += m_conns[i].linesTarget;
    }
}

OutDriver::~OutDriver()
{
    for (Conn& c : m_conns)
        if (c.fd >= 0)
            ::close(c.fd);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool OutDriver::start(std::string& error)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        error = std::string("epoll_create1: ") + std::strerror(errno);
        return false;
    }
    for (size_t i = 0; i < m_conns.size(); ++i)
        connect(i);
    return true;
}

void OutDriver::watch(int fd, std::function<void()> onReadable)
{
    m_extraFd = fd;
    m_onExtra = std::move(onReadable);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = ExtraTag;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
}

void OutDriver::unwatch(int fd)
{
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
    m_extraFd = -1;
    m_onExtra = nullptr;
}

void OutDriver::connect(size_t idx)
{
    Conn& c = m_conns[idx];
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
        lost(idx, std::string("socket: ") + std::strerror(errno));
        return;
    }
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(m_port));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u64 = idx;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev);
    c.events = EPOLLOUT;
    c.phase = Phase::Connecting;
    if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 &&
        errno != EINPROGRESS)
        lost(idx, std::string("connect: ") + std::strerror(errno));
}

void OutDriver::lost(size_t idx, const std::string& why)
{
    Conn& c = m_conns[idx];
    if (c.fd >= 0)
        ::close(c.fd);
    c.fd = -1;
    c.phase = Phase::Closed;
    ++m_counts.disconnects;
    m_problem = workerName(int(idx)) + ": " + why;
    if (m_opts.verbose)
        std::fprintf(stderr, "ym-outputgen: %s\n", m_problem.c_str());
}

void OutDriver::updateEpoll(size_t idx)
{
    Conn& c = m_conns[idx];
    const bool want = c.phase == Phase::Connecting || c.outAt < c.out.size() ||
                      (c.streaming && !c.finalSent && m_opts.rate <= 0);
    const uint32_t events =
        (c.phase == Phase::Connecting ? 0u : uint32_t(EPOLLIN)) | (want ? uint32_t(EPOLLOUT) : 0u);
    if (events == c.events)
        return;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = idx;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    c.events = events;
}

void OutDriver::send(size_t idx, std::string_view bytes)
{
    Conn& c = m_conns[idx];
    if (c.fd < 0)
        return;
    if (c.outAt == c.out.size()) {
        c.out.clear();
        c.outAt = 0;
        const ssize_t n = ::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n == ssize_t(bytes.size()))
            return;
        c.out.assign(bytes.substr(n > 0 ? size_t(n) : 0));
    } else {
        c.out.append(bytes);
    }
    updateEpoll(idx);
}

bool OutDriver::flush(size_t idx)
{
    Conn& c = m_conns[idx];
    if (!wire::sendPending(c.fd, c.out, c.outAt))
        return false;
    if (c.outAt < c.out.size())
        return true; // the socket is full: EPOLLOUT tells when to go on
    c.out.clear();
    c.outAt = 0;
    updateEpoll(idx);
    return true;
}

void OutDriver::sendMessage(size_t idx, const QVariantMap& msg)
{
    const QByteArray payload = ym::codec::encodeMessage(msg);
    std::string frame;
    wire::appendFrame(frame, wire::Binary,
                      std::string_view(payload.constData(), size_t(payload.size())), m_rng);
    send(idx, frame);
}

void OutDriver::respond(size_t idx, const QVariant& seq, const QVariant& result, bool isException)
{
    QVariantMap out{{u"op"_s, u"response"_s}, {u"seq_number"_s, seq}, {u"result"_s, result}};
    if (isException)
        out.insert(u"is_exception"_s, true);
    sendMessage(idx, out);
}

void OutDriver::step(int waitMs)
{
    epoll_event events[256];
    const int n = epoll_wait(m_epoll, events, 256, waitMs);
    for (int i = 0; i < n; ++i) {
        const uint64_t tag = events[i].data.u64;
        if (tag == ExtraTag) {
            if (m_onExtra)
                m_onExtra();
            continue;
        }
        if (tag < m_conns.size() && m_conns[tag].fd >= 0)
            onEvent(size_t(tag), events[i].events);
    }
    if (m_streaming && m_opts.rate > 0) {
        const int64_t now = monoNs();
        for (size_t i = 0; i < m_conns.size(); ++i)
            pump(i, now);
    }
}

void OutDriver::onEvent(size_t idx, uint32_t events)
{
    Conn& c = m_conns[idx];
    if (c.phase == Phase::Connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
            lost(idx, std::string("connect: ") + std::strerror(err ? err : ECONNRESET));
            return;
        }
        c.phase = Phase::Upgrading;
        const std::string key = wire::makeKey(m_rng);
        c.accept = wire::acceptFor(key);
        send(idx, wire::upgradeRequest("127.0.0.1", m_port, workerName(int(idx)), m_password, key));
        updateEpoll(idx);
        return;
    }
    if ((events & EPOLLOUT) && !flush(idx)) {
        lost(idx, "write failed");
        return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        onReadable(idx);
    if (m_conns[idx].fd >= 0 && (events & EPOLLOUT) && m_opts.rate <= 0)
        pump(idx, 0);
}

void OutDriver::onReadable(size_t idx)
{
    Conn& c = m_conns[idx];
    if (!wire::readAvailable(c.fd, c.in)) {
        if (c.phase == Phase::Open)
            processFrames(idx);
        if (m_conns[idx].fd >= 0)
            lost(idx, "connection closed by the master");
        return;
    }
    if (c.phase == Phase::Upgrading) {
        wire::HttpAnswer a;
        if (!wire::parseHttpAnswer(c.in, a))
            return;
        if (a.status != 101 || a.accept != c.accept) {
            lost(idx, "upgrade refused with HTTP " + std::to_string(a.status));
            return;
        }
        c.in.erase(0, a.headerBytes);
        c.phase = Phase::Open;
    }
    if (c.phase == Phase::Open && !processFrames(idx) && m_conns[idx].fd >= 0)
        lost(idx, "bad frame or close from the master");
}

bool OutDriver::processFrames(size_t idx)
{
    size_t off = 0;
    std::string error;
    for (;;) {
        Conn& c = m_conns[idx];
        if (c.fd < 0)
            return true;
        wire::Frame f;
        const wire::FrameStatus st = wire::nextFrame(c.in, off, f, error);
        if (st == wire::FrameStatus::Incomplete)
            break;
        if (st == wire::FrameStatus::Bad)
            return false;
        off += f.frameBytes;
        if (f.opcode == wire::Ping) {
            std::string pong;
            wire::appendFrame(pong, wire::Pong, f.payload, m_rng);
            send(idx, pong);
            continue;
        }
        if (f.opcode == wire::Close)
            return false;
        if (f.opcode == wire::Pong)
            continue;
        if (f.opcode != wire::Continuation) {
            c.fragOpcode = f.opcode;
            c.frag.assign(f.payload);
        } else {
            c.frag.append(f.payload);
        }
        if (!f.fin || c.fragOpcode != wire::Binary)
            continue;
        const auto decoded =
            ym::codec::decodeMessage(QByteArrayView(c.frag.data(), qsizetype(c.frag.size())));
        c.frag.clear();
        if (!decoded.ok())
            return false;
        handleMessage(idx, decoded.value());
    }
    Conn& c = m_conns[idx];
    if (c.fd >= 0)
        c.in.erase(0, off);
    return true;
}

void OutDriver::handleMessage(size_t idx, const QVariantMap& msg)
{
    const QString op = msg.value(u"op"_s).toString();
    const QVariant seq = msg.value(u"seq_number"_s);
    Conn& c = m_conns[idx];
    if (op == u"response") {
        onResponse(idx, msg);
    } else if (op == u"keepalive") {
        const int64_t now = monoNs();
        if (c.lastKeepaliveNs)
            (m_streamingPhase ? m_counts.keepaliveStreamMs : m_counts.keepaliveIdleMs)
                .push_back(double(now - c.lastKeepaliveNs) / 1e6);
        c.lastKeepaliveNs = now;
        ++m_counts.keepalives;
        respond(idx, seq, QVariant(), false);
    } else if (op == u"get_worker_info") {
        respond(idx, seq, replies::workerInfo(QString::fromStdString(workerName(int(idx)))), false);
    } else if (op == u"set_worker_settings") {
        const QVariantMap a = msg.value(u"args"_s).toMap();
        if (a.contains(u"buffer_size"_s))
            m_bufferSize = std::max(1024, a.value(u"buffer_size"_s).toInt());
        respond(idx, seq, QVariant(), false);
    } else if (op == u"print" || op == u"interrupt_command") {
        respond(idx, seq, QVariant(), false);
    } else if (op == u"start_command") {
        startCommand(idx, msg);
    } else {
        ++m_counts.unknownOps;
        respond(idx, seq, u"Command %1 does not exist."_s.arg(op), true);
    }
}

void OutDriver::startCommand(size_t idx, const QVariantMap& msg)
{
    const QVariant seq = msg.value(u"seq_number"_s);
    const QString name = msg.value(u"command_name"_s).toString();
    const QVariant id = msg.value(u"command_id"_s);
    Conn& c = m_conns[idx];
    if (name == u"shell") {
        respond(idx, seq, QVariant(), false);
        if (c.haveCommand) {
            m_problem = workerName(int(idx)) + ": a second shell command";
            return;
        }
        c.haveCommand = true;
        c.commandId = id.toString().toStdString();
        ++m_commandsStarted;
        if (m_streaming) {
            c.streaming = true;
            pump(idx, monoNs());
        }
        return;
    }
    const auto updates = replies::commandUpdates(name, 0.0004);
    if (!updates) {
        respond(idx, seq, u"unrecognized WorkerCommand '%1'"_s.arg(name), true);
        return;
    }
    sendMessage(idx, {{u"op"_s, u"update"_s},
                      {u"args"_s, *updates},
                      {u"command_id"_s, id},
                      {u"seq_number"_s, qint64(c.seq++)}});
    sendMessage(idx, {{u"op"_s, u"complete"_s},
                      {u"args"_s, QVariant()},
                      {u"command_id"_s, id},
                      {u"seq_number"_s, qint64(c.seq++)}});
    respond(idx, seq, QVariant(), false);
}

void OutDriver::onResponse(size_t idx, const QVariantMap& msg)
{
    Conn& c = m_conns[idx];
    if (msg.value(u"is_exception"_s).toBool()) {
        ++m_counts.errorResponses;
        m_problem = workerName(int(idx)) + ": the master answered " +
                    msg.value(u"result"_s).toString().toStdString();
    }
    const uint32_t seq = uint32_t(msg.value(u"seq_number"_s).toLongLong());
    const int64_t now = monoNs();
    while (!c.acks.empty() && c.acks.front().first <= seq) {
        if (c.acks.front().first == seq)
            m_counts.ackMs.push_back(double(now - c.acks.front().second) / 1e6);
        c.acks.pop_front();
    }
    if (c.finalSent && seq == c.completeSeq && !c.done) {
        c.done = true;
        ++m_completesAcked;
    }
}

void OutDriver::startStreaming()
{
    m_streaming = true;
    m_streamStartNs = monoNs();
    m_batchLines = linesPerBatch(m_bufferSize, m_opts.lineBytes);
    for (size_t i = 0; i < m_conns.size(); ++i) {
        Conn& c = m_conns[i];
        if (c.haveCommand && c.fd >= 0) {
            c.streaming = true;
            updateEpoll(i);
        }
    }
    for (size_t i = 0; i < m_conns.size(); ++i)
        pump(i, m_streamStartNs);
}

// Makes and sends this worker's next batches while its socket takes them.
void OutDriver::pump(size_t idx, int64_t now)
{
    for (int round = 0; round < 2; ++round) {
        Conn& c = m_conns[idx];
        if (c.fd < 0 || !c.streaming || c.finalSent)
            return;
        if (c.out.size() - c.outAt > OutLowWater)
            return;
        if (c.lastBatchOut) {
            sendFinal(idx);
            return;
        }
        int64_t lines = std::min<int64_t>(m_batchLines, c.linesTarget - c.linesSent);
        if (m_opts.rate > 0) {
            // Lines "printed" so far at this worker's share of --rate; a batch
            // leaves when full or buffer_timeout after its first line.
            const double bytesPerNs = m_opts.rate * 1e6 / m_opts.workers / 1e9;
            const double lineNs = double(m_opts.lineBytes) / bytesPerNs;
            const int64_t printed =
                std::min<int64_t>(c.linesTarget, int64_t(double(now - m_streamStartNs) / lineNs));
            const int64_t ready = printed - c.linesSent;
            const int64_t firstReadyNs = m_streamStartNs + int64_t(double(c.linesSent) * lineNs);
            const bool full = ready >= lines;
            const bool timedOut = ready > 0 && now - firstReadyNs >= BufferTimeoutNs;
            if (!full && !timedOut)
                return;
            lines = std::min(lines, ready);
        }
        const int64_t sendNs = monoNs();
        m_text.clear();
        appendLines(m_text, int(idx), uint64_t(c.linesSent), int(lines), m_opts.lineBytes, sendNs);
        const uint32_t seq = c.seq++;
        std::string frame;
        frame.reserve(m_text.size() + size_t(lines) * 14 + 256);
        appendUpdateFrame(frame, c.commandId, seq, m_text, m_opts.lineBytes, epochSeconds(), 1e-6,
                          uint32_t(m_rng.next()));
        c.acks.emplace_back(seq, sendNs);
        if (!m_counts.firstByteNs)
            m_counts.firstByteNs = sendNs;
        c.linesSent += lines;
        m_counts.linesSent += lines;
        m_counts.bytesSent += int64_t(m_text.size());
        ++m_counts.updatesSent;
        send(idx, frame);
        if (c.linesSent >= c.linesTarget)
            c.lastBatchOut = true;
        if (c.lastBatchOut && c.outAt == c.out.size())
            m_counts.lastByteNs = std::max(m_counts.lastByteNs, monoNs());
    }
}

// rc 0 (with elapsed, as the worker sends them together), then complete.
void OutDriver::sendFinal(size_t idx)
{
    Conn& c = m_conns[idx];
    m_counts.lastByteNs = std::max(m_counts.lastByteNs, monoNs());
    const double elapsed = double(monoNs() - m_streamStartNs) / 1e9;
    const QVariantList args{QVariant(QVariantList{u"rc"_s, qint64(0)}),
                            QVariant(QVariantList{u"elapsed"_s, elapsed})};
    const QString id = QString::fromStdString(c.commandId);
    sendMessage(idx, {{u"op"_s, u"update"_s},
                      {u"args"_s, args},
                      {u"command_id"_s, id},
                      {u"seq_number"_s, qint64(c.seq++)}});
    c.completeSeq = c.seq++;
    c.finalSent = true;
    sendMessage(idx, {{u"op"_s, u"complete"_s},
                      {u"args"_s, QVariant()},
                      {u"command_id"_s, id},
                      {u"seq_number"_s, qint64(c.completeSeq)}});
    updateEpoll(idx);
}

} // namespace ymbench::out
