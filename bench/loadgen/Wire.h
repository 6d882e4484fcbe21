#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// WebSocket client framing and the HTTP upgrade, as the worker's autobahn
// stack does it: GET / with Basic auth, masked frames from the client.
namespace ymbench::wire {

enum Opcode : uint8_t
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA
};

// A small fast PRNG (xorshift64*) for masks, keys and back-off jitter.
class Rng
{
public:
    explicit Rng(uint64_t seed) : m_s(seed ? seed : 0x9E3779B97F4A7C15ULL) {}
    uint64_t next()
    {
        m_s ^= m_s >> 12;
        m_s ^= m_s << 25;
        m_s ^= m_s >> 27;
        return m_s * 0x2545F4914F6CDD1DULL;
    }
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }

private:
    uint64_t m_s;
};

// A random 16-byte Sec-WebSocket-Key, base64.
std::string makeKey(Rng& rng);
// The Sec-WebSocket-Accept the server must answer for `key`.
std::string acceptFor(const std::string& key);
// The worker's upgrade request.
std::string upgradeRequest(const std::string& host, int port, const std::string& name,
                           const std::string& password, const std::string& key);

struct HttpAnswer
{
    int status = 0;         // 0: not an HTTP answer
    std::string accept;     // Sec-WebSocket-Accept
    size_t headerBytes = 0; // length including the final CRLFCRLF
};
// Parses the answer when `buf` holds a full header; false while incomplete.
bool parseHttpAnswer(std::string_view buf, HttpAnswer& out);

// Socket I/O shared by the load generators (non-blocking sockets).
// Appends everything `fd` has now to `in`; false when the peer closed or
// reset the connection (what arrived before is in `in`).
bool readAvailable(int fd, std::string& in);
// Sends `out` from offset `at` on, advancing `at`, until all is sent or the
// socket is full; false on a hard error.
bool sendPending(int fd, const std::string& out, size_t& at);

// Appends one masked frame to `out`.
void appendFrame(std::string& out, Opcode op, std::string_view payload, Rng& rng);

struct Frame
{
    bool fin = false;
    uint8_t opcode = 0;
    std::string_view payload; // points into the buffer given to nextFrame
    size_t frameBytes = 0;
};
enum class FrameStatus
{
    Incomplete,
    Ok,
    Bad
};
// Reads the first frame of `buf` (unmasks in place when the server masked).
FrameStatus nextFrame(std::string& buf, size_t offset, Frame& out, std::string& error);

} // namespace ymbench::wire
