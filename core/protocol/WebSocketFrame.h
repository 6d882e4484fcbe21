#pragma once

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

namespace ym::ws {

enum class Opcode : std::uint8_t
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

// RFC 6455 close codes we send.
enum CloseCode : std::uint16_t
{
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    InvalidData = 1007,
    PolicyViolation = 1008,
    TooBig = 1009,
};

// One whole message (continuations joined) or control frame.
struct Message
{
    Opcode opcode = Opcode::Binary;
    QByteArray payload;
};

// Incremental parser of client-to-server frames: they must be masked (RFC 6455
// 5.1). Holds only a partial frame between calls.
class FrameParser
{
public:
    explicit FrameParser(std::size_t maxMessageBytes = 16u * 1024 * 1024);

    enum class Status
    {
        NeedMore, // nothing complete yet
        Message,  // `message` holds one; call again for the next
        Error,    // `error` + `closeCode`; the connection must be closed
    };
    // Consumes from `data` (advancing `consumed`) until a message is complete,
    // more input is needed, or an error is found.
    Status next(const char* data, std::size_t size, std::size_t& consumed, Message& message);

    QString error() const { return m_error; }
    CloseCode closeCode() const { return m_closeCode; }
    // Bytes held for an unfinished message (for memory accounting).
    std::size_t buffered() const { return static_cast<std::size_t>(m_partial.size()); }

private:
    std::size_t m_max;
    QByteArray m_partial;        // payload of an unfinished fragmented message
    Opcode m_partialOpcode = Opcode::Binary;
    bool m_inFragmented = false;
    QString m_error;
    CloseCode m_closeCode = ProtocolError;
};

// A server-to-client frame (unmasked, FIN set).
QByteArray encodeFrame(Opcode opcode, QByteArrayView payload);
QByteArray encodeClose(CloseCode code, QByteArrayView reason = {});

} // namespace ym::ws
