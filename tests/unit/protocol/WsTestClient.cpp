#include "WsTestClient.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ymtest {

QByteArray upgradeRequest(const QByteArray& authorization)
{
    QByteArray r = "GET / HTTP/1.1\r\n"
                   "Host: 127.0.0.1\r\n"
                   "Upgrade: WebSocket\r\n"
                   "Connection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\n";
    if (!authorization.isNull())
        r += "Authorization: " + authorization + "\r\n";
    return r + "\r\n";
}

QByteArray basic(const QByteArray& name, const QByteArray& password)
{
    return "Basic " + (name + ':' + password).toBase64();
}

bool waitUntil(const std::function<bool()>& done, int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (true) {
        QCoreApplication::processEvents(QEventLoop::AllEvents);
        if (done())
            return true;
        if (timer.elapsed() > ms)
            return false;
        ::usleep(2000);
    }
}

WsTestClient::~WsTestClient()
{
    closeNow();
}

void WsTestClient::closeNow()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

bool WsTestClient::connectTo(quint16 port)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        return false;
    socklen_t len = sizeof addr;
    if (::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        return false;
    m_localPort = ntohs(addr.sin_port);
    return ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK) == 0;
}

quint16 WsTestClient::localPort() const
{
    return m_localPort;
}

QString WsTestClient::peerName() const
{
    return QStringLiteral("127.0.0.1:%1").arg(localPort());
}

bool WsTestClient::write(const QByteArray& bytes)
{
    qsizetype done = 0;
    return waitUntil(
               [&] {
                   while (done < bytes.size()) {
                       const ssize_t n = ::send(m_fd, bytes.constData() + done,
                                                size_t(bytes.size() - done), MSG_NOSIGNAL);
                       if (n > 0) {
                           done += n;
                           continue;
                       }
                       if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                           readAvailable(); // keep the server's output flowing too
                           return false;
                       }
                       return true; // error: give up, the caller checks `done`
                   }
                   return true;
               },
               30000) &&
           done == bytes.size();
}

void WsTestClient::readAvailable()
{
    char buffer[65536];
    while (m_fd >= 0 && !eof) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            input.append(buffer, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        eof = true; // 0 or an error such as ECONNRESET
    }
}

std::optional<int> WsTestClient::readHttpStatus(int ms, QByteArray* head)
{
    qsizetype end = -1;
    waitUntil(
        [&] {
            readAvailable();
            end = input.indexOf("\r\n\r\n");
            return end >= 0 || eof;
        },
        ms);
    if (end < 0)
        return std::nullopt;
    const QByteArray h = input.first(end + 4);
    input.remove(0, end + 4);
    if (head)
        *head = h;
    if (!h.startsWith("HTTP/1.1 ") || h.size() < 12)
        return std::nullopt;
    return h.mid(9, 3).toInt();
}

std::optional<ServerFrame> WsTestClient::readFrame(int ms)
{
    std::optional<ServerFrame> frame;
    const auto parse = [&] {
        const auto* b = reinterpret_cast<const unsigned char*>(input.constData());
        const qsizetype avail = input.size();
        if (avail < 2)
            return false;
        quint64 len = b[1] & 0x7F;
        qsizetype header = 2;
        if (len == 126) {
            if (avail < 4)
                return false;
            len = (quint64(b[2]) << 8) | b[3];
            header = 4;
        } else if (len == 127) {
            if (avail < 10)
                return false;
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = (len << 8) | b[2 + i];
            header = 10;
        }
        const bool masked = (b[1] & 0x80) != 0;
        if (masked)
            header += 4;
        if (quint64(avail - header) < len)
            return false;
        ServerFrame f;
        f.fin = (b[0] & 0x80) != 0;
        f.opcode = b[0] & 0x0F;
        f.masked = masked;
        f.payload = input.mid(header, qsizetype(len));
        input.remove(0, header + qsizetype(len));
        frame = f;
        return true;
    };
    waitUntil(
        [&] {
            readAvailable();
            return parse() || eof;
        },
        ms);
    return frame;
}

bool WsTestClient::waitForEof(int ms)
{
    return waitUntil(
        [&] {
            readAvailable();
            return eof;
        },
        ms);
}

bool WsTestClient::upgrade(const QByteArray& name, const QByteArray& password)
{
    return write(upgradeRequest(basic(name, password))) && readHttpStatus() == 101;
}

} // namespace ymtest
