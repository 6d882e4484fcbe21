#include "Wire.h"

#include <QByteArray>
#include <QCryptographicHash>

#include <cctype>
#include <cerrno>
#include <cstring>

#include <sys/socket.h>

namespace ymbench::wire {

namespace {

constexpr uint64_t MaxFrame = 64ULL * 1024 * 1024;

std::string toStd(const QByteArray& b)
{
    return std::string(b.constData(), size_t(b.size()));
}

bool iequalsPrefix(std::string_view line, std::string_view name)
{
    if (line.size() < name.size())
        return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) !=
            std::tolower(static_cast<unsigned char>(name[i])))
            return false;
    return true;
}

} // namespace

std::string makeKey(Rng& rng)
{
    char raw[16];
    const uint64_t a = rng.next(), b = rng.next();
    std::memcpy(raw, &a, 8);
    std::memcpy(raw + 8, &b, 8);
    return toStd(QByteArray(raw, 16).toBase64());
}

std::string acceptFor(const std::string& key)
{
    QByteArray in(key.data(), qsizetype(key.size()));
    in.append("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    return toStd(QCryptographicHash::hash(in, QCryptographicHash::Sha1).toBase64());
}

std::string upgradeRequest(const std::string& host, int port, const std::string& name,
                           const std::string& password, const std::string& key)
{
    const std::string cred = name + ':' + password;
    const std::string basic = toStd(QByteArray(cred.data(), qsizetype(cred.size())).toBase64());
    std::string r;
    r.reserve(320);
    r += "GET / HTTP/1.1\r\nUser-Agent: AutobahnPython/22.7.1\r\nHost: ";
    r += host + ':' + std::to_string(port);
    r += "\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nPragma: no-cache\r\n"
         "Cache-Control: no-cache\r\nSec-WebSocket-Key: ";
    r += key;
    r += "\r\nSec-WebSocket-Version: 13\r\nAuthorization: Basic ";
    r += basic;
    r += "\r\n\r\n";
    return r;
}

bool parseHttpAnswer(std::string_view buf, HttpAnswer& out)
{
    const size_t end = buf.find("\r\n\r\n");
    if (end == std::string_view::npos)
        return false;
    out = HttpAnswer{};
    out.headerBytes = end + 4;
    std::string_view head = buf.substr(0, end);
    size_t eol = head.find("\r\n");
    const std::string_view first = head.substr(0, eol);
    if (first.size() >= 12 && first.substr(0, 5) == "HTTP/") {
        const size_t sp = first.find(' ');
        if (sp != std::string_view::npos && sp + 4 <= first.size()) {
            int s = 0;
            for (size_t i = sp + 1; i < sp + 4; ++i)
                s = std::isdigit(static_cast<unsigned char>(first[i])) ? s * 10 + (first[i] - '0')
                                                                       : -100000;
            out.status = s > 0 ? s : 0;
        }
    }
    while (eol != std::string_view::npos) {
        head.remove_prefix(eol + 2);
        eol = head.find("\r\n");
        const std::string_view line = head.substr(0, eol);
        constexpr std::string_view Name = "sec-websocket-accept:";
        if (iequalsPrefix(line, Name)) {
            std::string_view v = line.substr(Name.size());
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
                v.remove_prefix(1);
            while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
                v.remove_suffix(1);
            out.accept = std::string(v);
        }
    }
    return true;
}

void appendFrame(std::string& out, Opcode op, std::string_view payload, Rng& rng)
{
    const size_t n = payload.size();
    out.push_back(char(0x80 | op));
    if (n < 126) {
        out.push_back(char(0x80 | n));
    } else if (n < 65536) {
        out.push_back(char(0x80 | 126));
        out.push_back(char(n >> 8));
        out.push_back(char(n & 0xff));
    } else {
        out.push_back(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            out.push_back(char((uint64_t(n) >> (8 * i)) & 0xff));
    }
    const uint32_t key = uint32_t(rng.next());
    unsigned char k[4];
    std::memcpy(k, &key, 4);
    out.append(reinterpret_cast<const char*>(k), 4);
    const size_t at = out.size();
    out.append(payload);
    for (size_t i = 0; i < n; ++i)
        out[at + i] = char(static_cast<unsigned char>(out[at + i]) ^ k[i & 3]);
}

FrameStatus nextFrame(std::string& buf, size_t offset, Frame& out, std::string& error)
{
    const size_t avail = buf.size() - offset;
    if (avail < 2)
        return FrameStatus::Incomplete;
    const auto* p = reinterpret_cast<const unsigned char*>(buf.data() + offset);
    out.fin = (p[0] & 0x80) != 0;
    out.opcode = p[0] & 0x0f;
    if (p[0] & 0x70) {
        error = "frame with RSV bits set";
        return FrameStatus::Bad;
    }
    const bool masked = (p[1] & 0x80) != 0;
    uint64_t len = p[1] & 0x7f;
    size_t pos = 2;
    if (len == 126) {
        if (avail < 4)
            return FrameStatus::Incomplete;
        len = (uint64_t(p[2]) << 8) | p[3];
        pos = 4;
    } else if (len == 127) {
        if (avail < 10)
            return FrameStatus::Incomplete;
        len = 0;
        for (int i = 0; i < 8; ++i)
            len = (len << 8) | p[2 + i];
        pos = 10;
    }
    if (len > MaxFrame) {
        error = "frame of " + std::to_string(len) + " bytes";
        return FrameStatus::Bad;
    }
    unsigned char key[4] = {0, 0, 0, 0};
    if (masked) {
        if (avail < pos + 4)
            return FrameStatus::Incomplete;
        std::memcpy(key, p + pos, 4);
        pos += 4;
    }
    if (avail < pos + len)
        return FrameStatus::Incomplete;
    char* data = buf.data() + offset + pos;
    if (masked)
        for (uint64_t i = 0; i < len; ++i)
            data[i] = char(static_cast<unsigned char>(data[i]) ^ key[i & 3]);
    out.payload = std::string_view(data, size_t(len));
    out.frameBytes = pos + size_t(len);
    return FrameStatus::Ok;
}

bool readAvailable(int fd, std::string& in)
{
    static thread_local char buf[65536];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            in.append(buf, size_t(n));
            if (size_t(n) < sizeof buf)
                return true;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (n < 0 && errno == EINTR)
            continue;
        return false; // EOF or reset
    }
}

bool sendPending(int fd, const std::string& out, size_t& at)
{
    while (at < out.size()) {
        const ssize_t n = ::send(fd, out.data() + at, out.size() - at, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return true;
            if (errno == EINTR)
                continue;
            return false;
        }
        at += size_t(n);
    }
    return true;
}

} // namespace ymbench::wire
