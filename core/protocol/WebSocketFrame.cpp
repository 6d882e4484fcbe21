#include "protocol/WebSocketFrame.h"

#include <cstring>

namespace ym::ws {

namespace {

bool isControl(Opcode op)
{
    return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

bool isKnown(std::uint8_t op)
{
    return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

// Unmasks `size` bytes from `src` into `dst` with the 4-byte `mask`.
void unmask(char* dst, const char* src, std::size_t size, const unsigned char mask[4])
{
    // The mask repeats every 4 bytes, so two copies side by side make an
    // 8-byte word that lines up with the payload whatever the byte order.
    std::uint64_t maskWord;
    std::memcpy(&maskWord, mask, 4);
    std::memcpy(reinterpret_cast<char*>(&maskWord) + 4, mask, 4);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, src + i, 8);
        w ^= maskWord;
        std::memcpy(dst + i, &w, 8);
    }
    for (; i < size; ++i)
        dst[i] = static_cast<char>(src[i] ^ static_cast<char>(mask[i % 4]));
}

} // namespace

FrameParser::FrameParser(std::size_t maxMessageBytes) : m_max(maxMessageBytes)
{}

FrameParser::Status FrameParser::next(const char* data, std::size_t size, std::size_t& consumed,
                                      Message& message)
{
    if (!m_error.isEmpty())
        return Status::Error;
    const auto fail = [this](CloseCode code, QString error) {
        m_closeCode = code;
        m_error = std::move(error);
        m_partial = QByteArray();
        m_inFragmented = false;
        return Status::Error;
    };
    const auto* bytes = reinterpret_cast<const unsigned char*>(data);

    while (true) {
        const std::size_t pos = consumed;
        const std::size_t avail = size - pos;
        if (avail < 2)
            return Status::NeedMore;
        const unsigned char b0 = bytes[pos];
        const unsigned char b1 = bytes[pos + 1];
        const bool fin = (b0 & 0x80) != 0;
        if ((b0 & 0x70) != 0)
            return fail(ProtocolError, QStringLiteral("protocol error: reserved bits set"));
        const std::uint8_t rawOp = b0 & 0x0F;
        if (!isKnown(rawOp))
            return fail(ProtocolError,
                        QStringLiteral("protocol error: unknown opcode %1").arg(rawOp));
        const auto op = static_cast<Opcode>(rawOp);
        if ((b1 & 0x80) == 0)
            return fail(ProtocolError,
                        QStringLiteral("protocol error: unmasked frame from client"));
        std::uint64_t length = b1 & 0x7F;
        if (isControl(op)) {
            if (!fin)
                return fail(ProtocolError,
                            QStringLiteral("protocol error: fragmented control frame"));
            if (length > 125)
                return fail(ProtocolError,
                            QStringLiteral("protocol error: control frame longer than 125 bytes"));
        } else if (op == Opcode::Continuation && !m_inFragmented) {
            return fail(ProtocolError,
                        QStringLiteral("protocol error: continuation frame without a message"));
        } else if (op != Opcode::Continuation && m_inFragmented) {
            return fail(ProtocolError,
                        QStringLiteral("protocol error: new message inside a fragmented one"));
        }
        std::size_t header = 2;
        if (length == 126) {
            if (avail < 4)
                return Status::NeedMore;
            length = (std::uint64_t(bytes[pos + 2]) << 8) | bytes[pos + 3];
            header = 4;
        } else if (length == 127) {
            if (avail < 10)
                return Status::NeedMore;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | bytes[pos + 2 + i];
            if (length >> 63)
                return fail(ProtocolError,
                            QStringLiteral("protocol error: 64-bit length has its top bit set"));
            header = 10;
        }
        if (!isControl(op)) {
            const std::uint64_t total = std::uint64_t(m_partial.size()) + length;
            if (total > m_max)
                return fail(
                    TooBig,
                    QStringLiteral("message too big (%1 bytes, limit %2)").arg(total).arg(m_max));
        }
        header += 4; // masking key
        if (avail < header || avail - header < length)
            return Status::NeedMore;

        const unsigned char* mask = bytes + pos + header - 4;
        const char* src = data + pos + header;
        const auto n = static_cast<qsizetype>(length);
        consumed = pos + header + static_cast<std::size_t>(length);

        if (isControl(op)) {
            message.opcode = op;
            message.payload = QByteArray(n, Qt::Uninitialized);
            unmask(message.payload.data(), src, length, mask);
            if (op == Opcode::Close && n == 1)
                return fail(ProtocolError, QStringLiteral("protocol error: close frame of 1 byte"));
            return Status::Message;
        }
        if (op != Opcode::Continuation && fin) {
            message.opcode = op;
            message.payload = QByteArray(n, Qt::Uninitialized);
            unmask(message.payload.data(), src, length, mask);
            return Status::Message;
        }
        if (op != Opcode::Continuation) { // first fragment
            m_inFragmented = true;
            m_partialOpcode = op;
            m_partial = QByteArray();
        }
        const qsizetype old = m_partial.size();
        m_partial.resize(old + n);
        unmask(m_partial.data() + old, src, length, mask);
        if (fin) {
            message.opcode = m_partialOpcode;
            message.payload = std::move(m_partial);
            m_partial = QByteArray();
            m_inFragmented = false;
            return Status::Message;
        }
    }
}

QByteArray encodeFrame(Opcode opcode, QByteArrayView payload)
{
    const auto n = static_cast<std::uint64_t>(payload.size());
    QByteArray frame;
    frame.reserve(payload.size() + 10);
    frame.append(static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode)));
    if (n < 126) {
        frame.append(static_cast<char>(n));
    } else if (n <= 0xFFFF) {
        frame.append(static_cast<char>(126));
        frame.append(static_cast<char>(n >> 8));
        frame.append(static_cast<char>(n & 0xFF));
    } else {
        frame.append(static_cast<char>(127));
        for (int i = 7; i >= 0; --i)
            frame.append(static_cast<char>((n >> (8 * i)) & 0xFF));
    }
    frame.append(payload);
    return frame;
}

QByteArray encodeClose(CloseCode code, QByteArrayView reason)
{
    // A close payload is at most 125 bytes: 2 for the code, 123 of UTF-8 text
    // (cut at a character boundary).
    qsizetype len = std::min<qsizetype>(reason.size(), 123);
    while (len > 0 && len < reason.size() &&
           (static_cast<unsigned char>(reason[len]) & 0xC0) == 0x80)
        --len;
    QByteArray payload;
    payload.append(static_cast<char>(code >> 8));
    payload.append(static_cast<char>(code & 0xFF));
    payload.append(reason.first(len));
    return encodeFrame(Opcode::Close, payload);
}

} // namespace ym::ws
