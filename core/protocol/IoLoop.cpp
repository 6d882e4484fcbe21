#include "protocol/IoLoop.h"

#include "util/Logging.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <string>

// Design notes
// - Level-triggered epoll; epoll data holds the ConnId (never reused), so an
//   event for a link destroyed earlier in the same batch finds nothing.
// - A link is in exactly one deadline list. Every deadline of a list has the
//   same duration from the time the link entered it (adopt, last inbound data,
//   ping, close), so each list stays ordered by appending at the tail, and a
//   timer pass only looks at heads that are due: no scan of all links.
// - Idle links keep no buffers: the read buffer holds only a partial frame and
//   is freed when empty; output is freed once written.
// - A refused or closed link lingers (write side shut down, input discarded)
//   until the peer closes or kLingerMs passes, so that the 401/400 or close
//   frame is not destroyed by a reset caused by unread input.

namespace ym::detail {

namespace {

constexpr std::int64_t kLingerMs = 5000;
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::int64_t kTimerSlackMs = 100; // timer wake-ups are aligned to this grain

std::int64_t steadyMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void release(std::string& s)
{
    std::string().swap(s);
}

QString peerAddress(int fd)
{
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0)
        return QStringLiteral("unknown peer");
    char text[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
        ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        return QStringLiteral("%1:%2").arg(QLatin1StringView(text)).arg(ntohs(in->sin_port));
    }
    if (ss.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            ::inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof text);
            return QStringLiteral("%1:%2").arg(QLatin1StringView(text)).arg(ntohs(in6->sin6_port));
        }
        ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        return QStringLiteral("[%1]:%2").arg(QLatin1StringView(text)).arg(ntohs(in6->sin6_port));
    }
    return QStringLiteral("local peer");
}

} // namespace

// --- shared --------------------------------------------------------------------

std::shared_ptr<const CredentialTable> HubShared::credentialTable()
{
    std::lock_guard lock(credentialsMutex);
    return credentials;
}

void HubShared::publish(std::vector<HubEvent>& batch)
{
    if (batch.empty())
        return;
    std::size_t bytes = 0;
    for (const HubEvent& e : batch)
        bytes += e.bytes;
    queuedBytes.fetch_add(bytes);
    std::function<void()> wake;
    {
        std::lock_guard lock(eventsMutex);
        const bool wasEmpty = events.empty();
        if (wasEmpty)
            events.swap(batch);
        else
            std::move(batch.begin(), batch.end(), std::back_inserter(events));
        if (wasEmpty)
            wake = wakeup;
    }
    batch.clear();
    if (wake)
        wake();
}

// --- lifetime ------------------------------------------------------------------

IoLoop::IoLoop(HubShared& shared, unsigned index) : m_shared(shared), m_index(index)
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    m_wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epoll < 0 || m_wake < 0) {
        qCWarning(lcProtocol, "I/O loop %u: cannot create epoll/eventfd: %s", index,
                  std::strerror(errno));
        m_accepting = false;
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = 0; // ConnIds are never 0
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev);
}

IoLoop::~IoLoop()
{
    stop();
    if (m_wake >= 0)
        ::close(m_wake);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

void IoLoop::start()
{
    std::lock_guard lock(m_commandsMutex);
    if (!m_accepting || m_thread.joinable())
        return;
    m_thread = std::thread([this] { run(); });
}

void IoLoop::stop()
{
    {
        std::lock_guard lock(m_commandsMutex);
        m_accepting = false;
    }
    const std::uint64_t one = 1;
    if (m_thread.joinable()) {
        {
            std::lock_guard lock(m_commandsMutex);
            m_commands.push_back(HubCommand{HubCommand::Kind::Stop, 0, -1, {}, {}});
        }
        [[maybe_unused]] auto n = ::write(m_wake, &one, sizeof one);
        m_thread.join();
    }
    closeAll();
    std::lock_guard lock(m_commandsMutex);
    for (const HubCommand& c : m_commands) {
        if (c.kind == HubCommand::Kind::Adopt)
            ::close(c.fd);
    }
    m_commands.clear();
}

void IoLoop::wakeUp()
{
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_wake, &one, sizeof one);
}

void IoLoop::post(HubCommand command)
{
    bool wake = false;
    {
        std::lock_guard lock(m_commandsMutex);
        if (!m_accepting) {
            if (command.kind == HubCommand::Kind::Adopt)
                ::close(command.fd);
            return;
        }
        wake = m_commands.empty();
        m_commands.push_back(std::move(command));
    }
    if (wake) {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(m_wake, &one, sizeof one);
    }
}

void IoLoop::closeAll()
{
    for (auto& [id, link] : m_links) {
        if (!link->dead) {
            ::close(link->fd);
            m_shared.links.fetch_sub(1);
            if (link->phase == Phase::Open)
                m_shared.authenticated.fetch_sub(1);
        }
    }
    m_links.clear();
    m_dead.clear();
    m_toFlush.clear();
    m_handshaking = m_idle = m_pinged = m_closing = LinkList{};
}

// --- the loop ------------------------------------------------------------------

void IoLoop::run()
{
    m_readBuffer.resize(kReadChunk);
    while (!m_stopping) {
        try {
            iterate();
        } catch (const std::exception& e) {
            qCWarning(lcProtocol, "I/O loop %u: %s", m_index, e.what());
            recover();
        } catch (...) {
            qCWarning(lcProtocol, "I/O loop %u: unknown exception", m_index);
            recover();
        }
    }
}

void IoLoop::recover()
{
    // What an interrupted iteration left: pending flushes, events, dead links.
    for (Link* l : m_toFlush)
        l->flushQueued = false;
    m_toFlush.clear();
    m_shared.publish(m_batch);
    for (ConnId id : m_dead)
        m_links.erase(id);
    m_dead.clear();
}

void IoLoop::iterate()
{
    if (!m_paused.empty() && !m_stopping)
        resumeReading();
    std::array<epoll_event, 256> events;
    const int n = ::epoll_wait(m_epoll, events.data(), int(events.size()), nextTimeoutMs());
    if (n < 0 && errno != EINTR) {
        qCWarning(lcProtocol, "I/O loop %u: epoll_wait: %s", m_index, std::strerror(errno));
        ::usleep(10000);
    }
    m_now = steadyMs();
    for (int i = 0; i < n; ++i) {
        const ConnId id = events[i].data.u64;
        if (id == 0) {
            std::uint64_t count;
            [[maybe_unused]] auto r = ::read(m_wake, &count, sizeof count);
            runCommands();
            continue;
        }
        if (Link* l = find(id)) {
            try {
                handleEvents(*l, events[i].events);
            } catch (...) {
                if (!l->dead)
                    lost(*l, QStringLiteral("internal error"));
            }
        }
    }
    runTimers();
    m_shared.publish(m_batch);
    m_batchBytes = 0;
    for (ConnId id : m_dead)
        m_links.erase(id);
    m_dead.clear();
}

int IoLoop::nextTimeoutMs() const
{
    const HubOptions& o = m_shared.options;
    std::int64_t due = -1;
    const auto consider = [&due](const LinkList& list, std::int64_t after) {
        if (list.head && (due < 0 || list.head->since + after < due))
            due = list.head->since + after;
    };
    consider(m_handshaking, o.handshakeTimeoutMs);
    if (o.pingIntervalMs > 0)
        consider(m_idle, o.pingIntervalMs);
    consider(m_pinged, o.pingTimeoutMs);
    consider(m_closing, kLingerMs);
    if (due < 0)
        return -1;
    const std::int64_t now = steadyMs();
    if (due <= now)
        return 0;
    const std::int64_t aligned = (due + kTimerSlackMs - 1) / kTimerSlackMs * kTimerSlackMs;
    return int(std::min<std::int64_t>(aligned - now, 3600 * 1000));
}

void IoLoop::runCommands()
{
    std::vector<HubCommand> commands;
    {
        std::lock_guard lock(m_commandsMutex);
        commands.swap(m_commands);
    }
    for (HubCommand& c : commands) {
        if (c.kind == HubCommand::Kind::Stop) {
            m_stopping = true;
            continue;
        }
        if (c.kind == HubCommand::Kind::Adopt) {
            if (m_stopping)
                ::close(c.fd);
            else
                adoptFd(c.fd);
            continue;
        }
        Link* l = find(c.conn);
        if (!l || l->dead)
            continue;
        switch (c.kind) {
        case HubCommand::Kind::Send:
            if (l->phase == Phase::Open) {
                queueOutput(*l, c.frame);
                if (!l->dead && !l->flushQueued) {
                    l->flushQueued = true;
                    m_toFlush.push_back(l);
                }
            }
            break;
        case HubCommand::Kind::Close:
            if (l->phase == Phase::Open) {
                emitEvent(HubEvent::Kind::Closed, *l, c.reason);
                closeWithFrame(*l, ws::Normal, c.reason.toUtf8());
            } else if (l->phase == Phase::Handshake) {
                destroy(*l);
            }
            break;
        case HubCommand::Kind::Abort:
            if (l->phase == Phase::Open)
                emitEvent(HubEvent::Kind::Closed, *l, c.reason);
            destroy(*l);
            break;
        default:
            break;
        }
    }
    for (Link* l : m_toFlush) {
        l->flushQueued = false;
        if (!l->dead)
            flush(*l);
    }
    m_toFlush.clear();
}

void IoLoop::runTimers()
{
    const HubOptions& o = m_shared.options;
    const std::int64_t now = steadyMs();
    while (m_handshaking.head && m_handshaking.head->since + o.handshakeTimeoutMs <= now) {
        Link& l = *m_handshaking.head;
        m_shared.refused.fetch_add(1);
        emitEvent(HubEvent::Kind::Refused, l, QStringLiteral("request timed out"), 0);
        destroy(l);
    }
    while (m_pinged.head && m_pinged.head->since + o.pingTimeoutMs <= now) {
        Link& l = *m_pinged.head;
        if (l.paused) { // not read by us: its silence proves nothing
            moveTo(l, m_idle, now);
            continue;
        }
        lost(l, QStringLiteral("no answer to ping within %1 s").arg(o.pingTimeoutMs / 1000.0));
    }
    while (o.pingIntervalMs > 0 && m_idle.head && m_idle.head->since + o.pingIntervalMs <= now) {
        Link& l = *m_idle.head;
        moveTo(l, m_pinged, now);
        queueOutput(l, ws::encodeFrame(ws::Opcode::Ping, {}));
        if (!l.dead)
            flush(l);
    }
    while (m_closing.head && m_closing.head->since + kLingerMs <= now)
        destroy(*m_closing.head);
}

// --- links ---------------------------------------------------------------------

Link* IoLoop::find(ConnId id)
{
    const auto it = m_links.find(id);
    return it == m_links.end() ? nullptr : it->second.get();
}

LinkList& IoLoop::listOf(const Link& l)
{
    switch (l.list) {
    case ListId::Handshaking:
        return m_handshaking;
    case ListId::Idle:
        return m_idle;
    case ListId::Pinged:
        return m_pinged;
    default:
        return m_closing;
    }
}

void IoLoop::unlink(Link& l)
{
    if (l.list == ListId::None)
        return;
    LinkList& list = listOf(l);
    (l.prev ? l.prev->next : list.head) = l.next;
    (l.next ? l.next->prev : list.tail) = l.prev;
    l.prev = l.next = nullptr;
    l.list = ListId::None;
}

void IoLoop::moveTo(Link& l, LinkList& list, std::int64_t since)
{
    unlink(l);
    const ListId id = &list == &m_handshaking ? ListId::Handshaking
                      : &list == &m_idle      ? ListId::Idle
                      : &list == &m_pinged    ? ListId::Pinged
                                              : ListId::Closing;
    l.list = id;
    l.since = since;
    l.prev = list.tail;
    (list.tail ? list.tail->next : list.head) = &l;
    list.tail = &l;
}

void IoLoop::adoptFd(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        qCDebug(lcProtocol, "adopt: fcntl failed on fd %d: %s", fd, std::strerror(errno));
        ::close(fd);
        return;
    }
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const ConnId id = (m_shared.nextSerial.fetch_add(1) << kIndexBits) | m_index;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = id;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
        qCDebug(lcProtocol, "adopt: epoll_ctl failed on fd %d: %s", fd, std::strerror(errno));
        ::close(fd);
        return;
    }
    auto link = std::make_unique<Link>(id, fd, m_shared.options.maxMessageBytes);
    link->peer = peerAddress(fd);
    moveTo(*link, m_handshaking, m_now);
    qCDebug(lcProtocol) << "link" << id << "from" << link->peer;
    m_links.emplace(id, std::move(link));
    m_shared.links.fetch_add(1);
}

void IoLoop::destroy(Link& l)
{
    if (l.dead)
        return;
    unlink(l);
    ::close(l.fd);
    l.fd = -1;
    l.dead = true;
    if (l.phase == Phase::Open)
        m_shared.authenticated.fetch_sub(1);
    m_shared.links.fetch_sub(1);
    release(l.in);
    release(l.out);
    m_dead.push_back(l.id);
}

void IoLoop::emitEvent(HubEvent::Kind kind, const Link& l, QString reason, int status)
{
    HubEvent e;
    e.kind = kind;
    e.conn = l.id;
    e.worker = l.worker;
    e.peer = l.peer;
    e.reason = std::move(reason);
    e.status = status;
    m_batch.push_back(std::move(e));
}

void IoLoop::lost(Link& l, const QString& reason)
{
    qCDebug(lcProtocol) << "link" << l.id << "lost:" << reason;
    if (l.phase == Phase::Open)
        emitEvent(HubEvent::Kind::Closed, l, reason);
    destroy(l);
}

void IoLoop::beginClosing(Link& l)
{
    if (l.phase == Phase::Open)
        m_shared.authenticated.fetch_sub(1);
    l.phase = Phase::Closing;
    release(l.in);
    moveTo(l, m_closing, m_now);
    flush(l);
}

void IoLoop::closeWithFrame(Link& l, std::uint16_t code, QByteArrayView text)
{
    queueOutput(l, ws::encodeClose(static_cast<ws::CloseCode>(code), text));
    if (!l.dead)
        beginClosing(l);
}

} // namespace ym::detail
