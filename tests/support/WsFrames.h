#pragma once

#include <QByteArray>

// Test helper: one client-to-server WebSocket frame (RFC 6455), masked unless
// `masked` is false; `rsv` goes into bits 4-6 (for reserved-bit tests).
namespace ymtest {

inline QByteArray clientFrame(int opcode, const QByteArray& payload, bool fin = true,
                              bool masked = true, int rsv = 0)
{
    QByteArray f;
    f.append(char((fin ? 0x80 : 0) | (rsv << 4) | opcode));
    const quint64 n = quint64(payload.size());
    const char maskBit = masked ? char(0x80) : char(0);
    if (n < 126) {
        f.append(char(maskBit | char(n)));
    } else if (n <= 0xFFFF) {
        f.append(char(maskBit | 126));
        f.append(char(n >> 8));
        f.append(char(n & 0xFF));
    } else {
        f.append(char(maskBit | 127));
        for (int i = 7; i >= 0; --i)
            f.append(char((n >> (8 * i)) & 0xFF));
    }
    const char mask[4] = {char(0x37), char(0xfa), char(0x21), char(0x3d)};
    if (masked)
        f.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        f.append(masked ? char(payload[i] ^ mask[i % 4]) : payload[i]);
    return f;
}

} // namespace ymtest
