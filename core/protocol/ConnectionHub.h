#pragma once

#include <QByteArray>
#include <QString>
#include <QVariantMap>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ym {

using ConnId = std::uint64_t; // never 0; never reused within one hub

// Who may log in: name -> password. Published whole and never changed after.
struct CredentialTable
{
    std::unordered_map<std::string, std::string> passwords;
    // Configured workers whose password could not be resolved (secret store
    // errors): refused with a reason that says so.
    std::unordered_set<std::string> unavailable;
};

// What the I/O threads report to the engine.
struct HubEvent
{
    enum class Kind
    {
        Authenticated, // 101 sent; `worker`, `peer` set. Messages may follow.
        Refused,       // 400/401 sent and closed; `worker` (may be empty), `peer`, `reason`, `status`
        Message,       // a decoded msgpack map with "op" and "seq_number"; `message`
        Warning,       // something dropped but the link kept (e.g. a map without op); `reason`
        Closed,        // the link is gone (either side, error or liveness); `reason`
    };
    Kind kind = Kind::Closed;
    ConnId conn = 0;
    QString worker;
    QString peer;   // "127.0.0.1:54321" or "[::1]:54321"
    QString reason; // Refused: "unknown worker name", "wrong password", "no credentials",
                    // "malformed Authorization header: ...", "not a WebSocket upgrade: ...",
                    // "malformed request: ...", "request timed out"
    int status = 0; // Refused: the HTTP status sent (400 or 401; 0 if none could be sent;
                    // "request timed out" sends nothing and reports 0)
    QVariantMap message;
    std::size_t bytes = 0; // Message: its payload's size on the wire (for the read limit)
};

struct HubOptions
{
    int ioThreads = 2;
    int handshakeTimeoutMs = 5000;  // the whole upgrade request must arrive in this time
    int pingIntervalMs = 60000;     // ping a link that has been silent this long (<= 0: never)
    int pingTimeoutMs = 30000;      // close it if nothing arrives this long after the ping
    std::size_t maxMessageBytes = 16u * 1024 * 1024;
    std::size_t maxRequestHeadBytes = 16 * 1024;
    // Backpressure: while the engine has not taken this many bytes of
    // messages (takeEvents()), the I/O threads stop reading the links that
    // send more (their TCP windows close); they read them again once it is
    // below half. 0: no limit.
    std::size_t maxQueuedMessageBytes = 16u * 1024 * 1024;
};

// Owns the worker sockets: a few I/O threads, each with its own epoll loop,
// doing the HTTP upgrade, Basic authentication (constant-time compare against
// the published CredentialTable), RFC 6455 framing, msgpack decoding, liveness
// pings and the handshake deadline. Idle links cost well under 1 KB here.
// Whole messages go to the engine as HubEvents; the engine sends whole
// messages back. Every public method is thread-safe.
class ConnectionHub
{
public:
    explicit ConnectionHub(HubOptions options = {});
    ~ConnectionHub(); // stop()
    ConnectionHub(const ConnectionHub&) = delete;
    ConnectionHub& operator=(const ConnectionHub&) = delete;

    void start();
    // Closes every link (no events are queued for them) and joins the threads.
    void stop();

    void setCredentials(std::shared_ptr<const CredentialTable> table);
    // Called on an I/O thread whenever the event queue turns from empty to
    // non-empty; the engine answers by calling takeEvents() on its own thread.
    void setWakeup(std::function<void()> wakeup);

    // Takes ownership of an accepted socket descriptor.
    void adopt(int fd);
    std::vector<HubEvent> takeEvents();

    // Encodes `message` with msgpack and sends it as one binary frame.
    void send(ConnId conn, const QVariantMap& message);
    // Sends a close frame after what is queued, then closes (a Closed event follows).
    void close(ConnId conn, const QString& reason);
    // Closes at once, dropping queued output (a Closed event follows).
    void abort(ConnId conn, const QString& reason);

    struct Stats
    {
        std::size_t links = 0;         // sockets held, in any phase
        std::size_t authenticated = 0; // past the 101
        std::uint64_t accepted = 0;
        std::uint64_t refused = 0;
    };
    Stats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace ym
