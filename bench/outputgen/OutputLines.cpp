#include "OutputLines.h"

#include <bit>
#include <cstring>

namespace ymbench::out {

namespace {

// 62 printable characters, repeated so that any window of up to
// MaxLineBytes characters starting in the first 62 can be copied at once.
const std::string& fillerPattern()
{
    static const std::string p = [] {
        const std::string_view alphabet =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        std::string s;
        while (s.size() < alphabet.size() + size_t(MaxLineBytes))
            s += alphabet;
        return s;
    }();
    return p;
}

void writeDigits(char* at, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        at[i] = char('0' + v % 10);
        v /= 10;
    }
}

bool readDigits(std::string_view s, uint64_t& v)
{
    v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + uint64_t(c - '0');
    }
    return true;
}

void putBe(std::string& out, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; --i)
        out.push_back(char((v >> (8 * i)) & 0xff));
}

void putStr(std::string& out, std::string_view s)
{
    const size_t n = s.size();
    if (n < 32) {
        out.push_back(char(0xa0 | n));
    } else if (n < 256) {
        out.push_back(char(0xd9));
        putBe(out, n, 1);
    } else if (n < 65536) {
        out.push_back(char(0xda));
        putBe(out, n, 2);
    } else {
        out.push_back(char(0xdb));
        putBe(out, n, 4);
    }
    out.append(s);
}

void putArrayHeader(std::string& out, size_t n)
{
    if (n < 16) {
        out.push_back(char(0x90 | n));
    } else if (n < 65536) {
        out.push_back(char(0xdc));
        putBe(out, n, 2);
    } else {
        out.push_back(char(0xdd));
        putBe(out, n, 4);
    }
}

void putUint(std::string& out, uint64_t v)
{
    if (v < 128) {
        out.push_back(char(v));
    } else if (v < 256) {
        out.push_back(char(0xcc));
        putBe(out, v, 1);
    } else if (v < 65536) {
        out.push_back(char(0xcd));
        putBe(out, v, 2);
    } else if (v <= 0xffffffffULL) {
        out.push_back(char(0xce));
        putBe(out, v, 4);
    } else {
        out.push_back(char(0xcf));
        putBe(out, v, 8);
    }
}

void putDouble(std::string& out, double d)
{
    out.push_back(char(0xcb));
    putBe(out, std::bit_cast<uint64_t>(d), 8);
}

} // namespace

void appendLines(std::string& text, int worker, uint64_t firstLine, int count, int lineBytes,
                 int64_t stampNs)
{
    const std::string& pattern = fillerPattern();
    const size_t start = text.size();
    text.resize(start + size_t(count) * size_t(lineBytes));
    char prefix[PrefixBytes];
    std::memcpy(prefix, "w00000 l0000000000 t0000000000000000000 ", PrefixBytes);
    writeDigits(prefix + 1, uint64_t(worker), 5);
    writeDigits(prefix + 20, uint64_t(stampNs), 19);
    const int filler = lineBytes - PrefixBytes - 1;
    char* p = text.data() + start;
    for (int i = 0; i < count; ++i, p += lineBytes) {
        const uint64_t line = firstLine + uint64_t(i);
        std::memcpy(p, prefix, PrefixBytes);
        writeDigits(p + 8, line, 10);
        std::memcpy(p + PrefixBytes, pattern.data() + line % 62, size_t(filler));
        p[lineBytes - 1] = '\n';
    }
}

bool parseLine(std::string_view line, int lineBytes, LineId& out)
{
    if (int(line.size()) != lineBytes - 1 || line[0] != 'w' || line.substr(6, 2) != " l" ||
        line.substr(18, 2) != " t" || line[39] != ' ')
        return false;
    uint64_t w = 0, n = 0, t = 0;
    if (!readDigits(line.substr(1, 5), w) || !readDigits(line.substr(8, 10), n) ||
        !readDigits(line.substr(20, 19), t))
        return false;
    const std::string_view filler = line.substr(PrefixBytes);
    if (std::memcmp(filler.data(), fillerPattern().data() + n % 62, filler.size()) != 0)
        return false;
    out.worker = int(w);
    out.line = n;
    out.stampNs = int64_t(t);
    return true;
}

int linesPerBatch(int bufferSize, int lineBytes)
{
    const int perLine = lineBytes + 16;
    return bufferSize / perLine > 0 ? bufferSize / perLine : 1;
}

void maskBytes(char* data, size_t n, uint32_t maskKey)
{
    unsigned char k[4];
    std::memcpy(k, &maskKey, 4);
    uint64_t k8 = 0;
    for (int i = 0; i < 8; ++i)
        k8 |= uint64_t(k[i & 3]) << (8 * i); // little-endian: byte i gets k[i & 3]
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, data + i, 8);
        w ^= k8;
        std::memcpy(data + i, &w, 8);
    }
    for (; i < n; ++i)
        data[i] = char(static_cast<unsigned char>(data[i]) ^ k[i & 3]);
}

void appendUpdateFrame(std::string& out, std::string_view commandId, uint32_t seq,
                       std::string_view text, int lineBytes, double epochS, double lineStepS,
                       uint32_t maskKey)
{
    static_assert(std::endian::native == std::endian::little, "maskBytes assumes little-endian");
    thread_local std::string msg;
    msg.clear();
    const size_t lines = text.size() / size_t(lineBytes);
    msg.reserve(text.size() + lines * 14 + 128);
    msg.push_back(char(0x84));
    putStr(msg, "op");
    putStr(msg, "update");
    putStr(msg, "seq_number");
    putUint(msg, seq);
    putStr(msg, "command_id");
    putStr(msg, commandId);
    putStr(msg, "args");
    putArrayHeader(msg, 1);
    putArrayHeader(msg, 2);
    putStr(msg, "stdout");
    putArrayHeader(msg, 3);
    putStr(msg, text);
    putArrayHeader(msg, lines);
    for (size_t i = 0; i < lines; ++i)
        putUint(msg, (i + 1) * size_t(lineBytes) - 1);
    putArrayHeader(msg, lines);
    for (size_t i = 0; i < lines; ++i)
        putDouble(msg, epochS + double(i) * lineStepS);

    const size_t n = msg.size();
    out.push_back(char(0x80 | 0x2)); // FIN, binary
    if (n < 126) {
        out.push_back(char(0x80 | n));
    } else if (n < 65536) {
        out.push_back(char(0x80 | 126));
        putBe(out, n, 2);
    } else {
        out.push_back(char(0x80 | 127));
        putBe(out, n, 8);
    }
    out.append(reinterpret_cast<const char*>(&maskKey), 4);
    const size_t at = out.size();
    out.append(msg);
    maskBytes(out.data() + at, n, maskKey);
}

} // namespace ymbench::out
