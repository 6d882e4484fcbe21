#include "protocol/ConnectionHub.h"

#include "protocol/IoLoop.h"
#include "protocol/MsgCodec.h"
#include "protocol/WebSocketFrame.h"
#include "util/Logging.h"

#include <unistd.h>

#include <algorithm>

namespace ym {

using detail::HubCommand;
using detail::IoLoop;

struct ConnectionHub::Impl
{
    explicit Impl(HubOptions options) : shared(options) {}

    detail::HubShared shared;
    std::vector<std::unique_ptr<IoLoop>> loops; // fixed from construction on
    std::atomic<unsigned> nextLoop{0};
    std::mutex lifeMutex;
    bool started = false;
    bool stopped = false;

    IoLoop* loopOf(ConnId conn) const
    {
        const auto index = std::size_t(conn & ((1u << IoLoop::kIndexBits) - 1));
        return index < loops.size() ? loops[index].get() : nullptr;
    }
};

ConnectionHub::ConnectionHub(HubOptions options) : d(std::make_unique<Impl>(options))
{
    const int n = std::clamp(options.ioThreads, 1, 1 << IoLoop::kIndexBits);
    d->loops.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i)
        d->loops.push_back(std::make_unique<IoLoop>(d->shared, unsigned(i)));
}

ConnectionHub::~ConnectionHub()
{
    stop();
}

void ConnectionHub::start()
{
    std::lock_guard lock(d->lifeMutex);
    if (d->started || d->stopped)
        return;
    d->started = true;
    for (auto& loop : d->loops)
        loop->start();
    qCDebug(lcProtocol, "connection hub started with %zu I/O threads", d->loops.size());
}

void ConnectionHub::stop()
{
    std::lock_guard lock(d->lifeMutex);
    if (d->stopped)
        return;
    d->stopped = true;
    for (auto& loop : d->loops)
        loop->stop();
    qCDebug(lcProtocol, "connection hub stopped");
}

void ConnectionHub::setCredentials(std::shared_ptr<const CredentialTable> table)
{
    std::lock_guard lock(d->shared.credentialsMutex);
    d->shared.credentials = std::move(table);
}

void ConnectionHub::setWakeup(std::function<void()> wakeup)
{
    std::lock_guard lock(d->shared.eventsMutex);
    d->shared.wakeup = std::move(wakeup);
}

void ConnectionHub::adopt(int fd)
{
    if (fd < 0)
        return;
    const unsigned index = d->nextLoop.fetch_add(1) % unsigned(d->loops.size());
    HubCommand c;
    c.kind = HubCommand::Kind::Adopt;
    c.fd = fd;
    d->loops[index]->post(std::move(c));
}

std::vector<HubEvent> ConnectionHub::takeEvents()
{
    std::vector<HubEvent> out;
    {
        std::lock_guard lock(d->shared.eventsMutex);
        out.swap(d->shared.events);
    }
    std::size_t bytes = 0;
    for (const HubEvent& e : out)
        bytes += e.bytes;
    d->shared.queuedBytes.fetch_sub(bytes);
    if (d->shared.pausedLinks.load() > 0)
        for (auto& loop : d->loops)
            loop->wakeUp();
    return out;
}

void ConnectionHub::send(ConnId conn, const QVariantMap& message)
{
    IoLoop* loop = d->loopOf(conn);
    if (!loop)
        return;
    HubCommand c;
    c.kind = HubCommand::Kind::Send;
    c.conn = conn;
    c.frame = ws::encodeFrame(ws::Opcode::Binary, codec::encodeMessage(message));
    loop->post(std::move(c));
}

void ConnectionHub::close(ConnId conn, const QString& reason)
{
    if (IoLoop* loop = d->loopOf(conn))
        loop->post(HubCommand{HubCommand::Kind::Close, conn, -1, {}, reason});
}

void ConnectionHub::abort(ConnId conn, const QString& reason)
{
    if (IoLoop* loop = d->loopOf(conn))
        loop->post(HubCommand{HubCommand::Kind::Abort, conn, -1, {}, reason});
}

ConnectionHub::Stats ConnectionHub::stats() const
{
    Stats s;
    s.links = d->shared.links.load();
    s.authenticated = d->shared.authenticated.load();
    s.accepted = d->shared.accepted.load();
    s.refused = d->shared.refused.load();
    return s;
}

} // namespace ym
