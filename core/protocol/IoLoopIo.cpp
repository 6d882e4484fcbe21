// IoLoop, the per-link part: reading, the HTTP upgrade, frames, writing.

#include "protocol/IoLoop.h"

#include "protocol/HttpUpgrade.h"
#include "protocol/MsgCodec.h"
#include "protocol/WebSocketFrame.h"
#include "util/Logging.h"

#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ym::detail {

namespace {

constexpr std::size_t kMaxOutput = 64u * 1024 * 1024; // a peer that never reads is dropped
constexpr int kReadsPerEvent = 16;                    // fairness between links

void release(std::string& s)
{
    std::string().swap(s);
}

QString errnoReason(int err)
{
    switch (err) {
    case ECONNRESET:
        return QStringLiteral("connection reset");
    case EPIPE:
        return QStringLiteral("connection closed by peer");
    case ETIMEDOUT:
        return QStringLiteral("connection timed out");
    default:
        return QStringLiteral("socket error: %1").arg(QString::fromLocal8Bit(std::strerror(err)));
    }
}

bool isInteger(const QVariant& v)
{
    switch (v.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return true;
    default:
        return false;
    }
}

const QByteArray& dummyPassword()
{
    static const QByteArray dummy = QByteArrayLiteral("yardmaster: no worker has this name");
    return dummy;
}

} // namespace

void IoLoop::handleEvents(Link& l, std::uint32_t events)
{
    if ((events & EPOLLIN) && !(events & (EPOLLHUP | EPOLLERR)) && l.phase == Phase::Open &&
        overReadLimit())
        pauseReading(l);
    else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        onReadable(l);
    if (!l.dead && (events & EPOLLOUT))
        flush(l);
}

void IoLoop::onReadable(Link& l)
{
    char* buffer = m_readBuffer.data();
    const std::size_t size = m_readBuffer.size();
    for (int round = 0; round < kReadsPerEvent && !l.dead; ++round) {
        if (round > 0 && l.phase == Phase::Open && overReadLimit()) {
            pauseReading(l);
            return;
        }
        const ssize_t n = ::recv(l.fd, buffer, size, 0);
        if (n > 0) {
            onData(l, buffer, static_cast<std::size_t>(n));
            if (static_cast<std::size_t>(n) < size)
                return; // drained; level-triggered epoll reports anything newer
            continue;
        }
        if (n == 0) {
            lost(l, QStringLiteral("connection closed by peer"));
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        lost(l, errnoReason(errno));
        return;
    }
}

bool IoLoop::overReadLimit() const
{
    const std::size_t limit = m_shared.options.maxQueuedMessageBytes;
    return limit > 0 && m_shared.queuedBytes.load() + m_batchBytes >= limit;
}

void IoLoop::pauseReading(Link& l)
{
    if (l.paused)
        return;
    epoll_event ev{};
    ev.events = l.wantWrite ? uint32_t(EPOLLOUT) : 0u;
    ev.data.u64 = l.id;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, l.fd, &ev) != 0)
        return;
    l.paused = true;
    m_paused.push_back(l.id);
    m_shared.pausedLinks.fetch_add(1);
}

// Reads the paused links again once the engine has taken at least half of
// what was queued (ConnectionHub::takeEvents() wakes the loop).
void IoLoop::resumeReading()
{
    const std::size_t limit = m_shared.options.maxQueuedMessageBytes;
    if (limit > 0 && m_shared.queuedBytes.load() >= limit / 2)
        return;
    for (ConnId id : m_paused) {
        m_shared.pausedLinks.fetch_sub(1);
        Link* l = find(id);
        if (!l || l->dead || !l->paused)
            continue;
        l->paused = false;
        epoll_event ev{};
        ev.events = EPOLLIN | (l->wantWrite ? uint32_t(EPOLLOUT) : 0u);
        ev.data.u64 = l->id;
        ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, l->fd, &ev);
        if (l->phase == Phase::Open && l->list != ListId::Closing)
            moveTo(*l, m_idle, m_now); // what waits in its socket says it is alive
    }
    m_paused.clear();
}

void IoLoop::onData(Link& l, const char* data, std::size_t size)
{
    switch (l.phase) {
    case Phase::Handshake:
        l.in.append(data, size);
        handshake(l);
        break;
    case Phase::Open:
        if (l.list != ListId::Idle || l.since != m_now)
            moveTo(l, m_idle, m_now); // any inbound byte counts as liveness
        feedFrames(l, data, size);
        break;
    case Phase::Closing:
        break; // discarded while lingering
    }
}

void IoLoop::handshake(Link& l)
{
    const HubOptions& o = m_shared.options;
    http::ParseOutcome parsed = http::parseRequest(
        QByteArrayView(l.in.data(), qsizetype(l.in.size())), o.maxRequestHeadBytes);
    using S = http::ParseOutcome::Status;
    if (parsed.status == S::Incomplete)
        return;
    if (parsed.status == S::Malformed) {
        refuse(l, 400, {}, QStringLiteral("malformed request: ") + parsed.error);
        return;
    }
    const http::UpgradeRequest& request = parsed.request;
    const QByteArray authorization = request.header("Authorization");
    if (authorization.isNull()) {
        refuse(l, 401, {}, QStringLiteral("no credentials"));
        return;
    }
    const Result<http::BasicCredentials> credentials = http::parseBasicAuthorization(authorization);
    if (!credentials) {
        refuse(l, 400, {},
               QStringLiteral("malformed Authorization header: ") + credentials.error().message);
        return;
    }
    const QString name = QString::fromUtf8(credentials->name);
    const QString problem = http::upgradeProblem(request);
    if (!problem.isEmpty()) {
        refuse(l, 400, name, QStringLiteral("not a WebSocket upgrade: ") + problem);
        return;
    }
    const auto table = m_shared.credentialTable();
    const std::string* expected = nullptr;
    bool unavailable = false;
    if (table) {
        const std::string key(credentials->name.constData(), std::size_t(credentials->name.size()));
        const auto it = table->passwords.find(key);
        if (it != table->passwords.end())
            expected = &it->second;
        else
            unavailable = table->unavailable.count(key) > 0;
    }
    if (!expected) {
        // Same work as for a known name, so timing does not reveal which names exist.
        [[maybe_unused]] volatile bool same =
            http::constantTimeEquals(credentials->password, dummyPassword());
        refuse(l, 401, name,
               unavailable ? QStringLiteral("its password could not be read from the secret "
                                            "store (see the secret errors in the log)")
                           : QStringLiteral("unknown worker name"));
        return;
    }
    if (!http::constantTimeEquals(credentials->password,
                                  QByteArrayView(expected->data(), qsizetype(expected->size())))) {
        refuse(l, 401, name, QStringLiteral("wrong password"));
        return;
    }
    l.worker = name;
    accept(l, request.header("Sec-WebSocket-Key"), parsed.consumed);
}

void IoLoop::accept(Link& l, const QByteArray& key, std::size_t consumed)
{
    std::string rest = l.in.substr(consumed);
    release(l.in);
    l.phase = Phase::Open;
    m_shared.authenticated.fetch_add(1);
    m_shared.accepted.fetch_add(1);
    moveTo(l, m_idle, m_now);
    emitEvent(HubEvent::Kind::Authenticated, l);
    qCDebug(lcProtocol) << "link" << l.id << "authenticated as" << l.worker;
    queueOutput(l, http::switchingProtocolsResponse(key));
    if (!l.dead)
        flush(l);
    if (!l.dead && l.phase == Phase::Open && !rest.empty())
        feedFrames(l, rest.data(), rest.size());
}

void IoLoop::refuse(Link& l, int status, const QString& worker, const QString& reason)
{
    qCDebug(lcProtocol) << "link" << l.id << "refused:" << status << reason;
    l.worker = worker;
    m_shared.refused.fetch_add(1);
    emitEvent(HubEvent::Kind::Refused, l, reason, status);
    queueOutput(l, http::errorResponse(status));
    if (!l.dead)
        beginClosing(l);
}

void IoLoop::feedFrames(Link& l, const char* data, std::size_t size)
{
    // Parse straight from the read buffer when nothing is held back; keep only
    // an unfinished frame in the link.
    const bool held = !l.in.empty();
    if (held) {
        l.in.append(data, size);
        data = l.in.data();
        size = l.in.size();
    }
    std::size_t consumed = 0;
    ws::Message message;
    while (!l.dead && l.phase == Phase::Open) {
        const auto status = l.parser.next(data, size, consumed, message);
        if (status == ws::FrameParser::Status::NeedMore)
            break;
        if (status == ws::FrameParser::Status::Error) {
            const QString reason = l.parser.error();
            emitEvent(HubEvent::Kind::Closed, l, reason);
            closeWithFrame(l, l.parser.closeCode(), reason.toUtf8());
            return;
        }
        switch (message.opcode) {
        case ws::Opcode::Binary:
            onMessage(l, std::move(message.payload));
            break;
        case ws::Opcode::Ping:
            queueOutput(l, ws::encodeFrame(ws::Opcode::Pong, message.payload));
            if (!l.dead)
                flush(l);
            break;
        case ws::Opcode::Close: {
            const QByteArray& p = message.payload;
            const int code = p.size() >= 2 ? (static_cast<unsigned char>(p[0]) << 8) |
                                                 static_cast<unsigned char>(p[1])
                                           : 1005;
            emitEvent(HubEvent::Kind::Closed, l,
                      QStringLiteral("closed by worker (code %1)").arg(code));
            closeWithFrame(l, ws::Normal, {});
            return;
        }
        default: // text frames are ignored; a pong only counts as liveness
            break;
        }
        message.payload = QByteArray();
    }
    if (l.dead || l.phase != Phase::Open)
        return;
    if (held) {
        l.in.erase(0, consumed);
        if (l.in.empty())
            release(l.in);
    } else if (consumed < size) {
        l.in.assign(data + consumed, size - consumed);
    }
}

void IoLoop::onMessage(Link& l, QByteArray&& payload)
{
    Result<QVariantMap> decoded = codec::decodeMessage(payload);
    const std::size_t bytes = std::size_t(payload.size());
    payload = QByteArray();
    if (!decoded) {
        const QString reason = QStringLiteral("invalid msgpack: ") + decoded.error().message;
        emitEvent(HubEvent::Kind::Closed, l, reason);
        closeWithFrame(l, ws::InvalidData, reason.toUtf8());
        return;
    }
    QVariantMap& map = decoded.value();
    const auto op = map.constFind(QStringLiteral("op"));
    const auto seq = map.constFind(QStringLiteral("seq_number"));
    QString problem;
    if (op == map.constEnd())
        problem = QStringLiteral("message without \"op\" dropped");
    else if (op->typeId() != QMetaType::QString)
        problem = QStringLiteral("message whose \"op\" is not a string dropped");
    else if (seq == map.constEnd())
        problem = QStringLiteral("message without \"seq_number\" dropped");
    else if (!isInteger(*seq))
        problem = QStringLiteral("message whose \"seq_number\" is not an integer dropped");
    if (!problem.isEmpty()) {
        emitEvent(HubEvent::Kind::Warning, l, problem);
        return;
    }
    emitEvent(HubEvent::Kind::Message, l);
    m_batch.back().message = std::move(map);
    m_batch.back().bytes = bytes;
    m_batchBytes += bytes;
}

void IoLoop::queueOutput(Link& l, QByteArrayView bytes)
{
    if (l.out.size() - l.outOffset + std::size_t(bytes.size()) > kMaxOutput) {
        lost(l, QStringLiteral("worker not reading"));
        return;
    }
    if (l.outOffset > 0 && l.outOffset >= l.out.size() / 2) {
        l.out.erase(0, l.outOffset);
        l.outOffset = 0;
    }
    l.out.append(bytes.data(), std::size_t(bytes.size()));
}

void IoLoop::flush(Link& l)
{
    while (l.outOffset < l.out.size()) {
        const ssize_t n =
            ::send(l.fd, l.out.data() + l.outOffset, l.out.size() - l.outOffset, MSG_NOSIGNAL);
        if (n > 0) {
            l.outOffset += std::size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            setWantWrite(l, true);
            return;
        }
        lost(l, errnoReason(n < 0 ? errno : EPIPE));
        return;
    }
    release(l.out);
    l.outOffset = 0;
    setWantWrite(l, false);
    if (l.phase == Phase::Closing && !l.shutWrite) {
        ::shutdown(l.fd, SHUT_WR);
        l.shutWrite = true;
    }
}

void IoLoop::setWantWrite(Link& l, bool want)
{
    if (l.wantWrite == want)
        return;
    epoll_event ev{};
    ev.events = (l.paused ? 0u : uint32_t(EPOLLIN)) | (want ? uint32_t(EPOLLOUT) : 0u);
    ev.data.u64 = l.id;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, l.fd, &ev) == 0)
        l.wantWrite = want;
}

} // namespace ym::detail
