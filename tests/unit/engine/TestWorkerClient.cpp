#include "TestWorkerClient.h"

#include "protocol/MsgCodec.h"
#include "support/WsFrames.h"

#include <QDeadlineTimer>

TestWorkerClient::TestWorkerClient(QByteArray name, QByteArray password, quint16 port)
    : m_name(std::move(name)), m_password(std::move(password)), m_port(port)
{}

int TestWorkerClient::connectAndUpgrade(int timeoutMs)
{
    m_socket.connectToHost(QStringLiteral("127.0.0.1"), m_port);
    if (!m_socket.waitForConnected(timeoutMs))
        return -1;
    QByteArray req = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: WebSocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    req += "Authorization: Basic " + (m_name + ':' + m_password).toBase64() + "\r\n\r\n";
    m_socket.write(req);
    QDeadlineTimer deadline(timeoutMs);
    while (!m_buffer.contains("\r\n\r\n")) {
        if (!fill(int(deadline.remainingTime())))
            break;
    }
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return -1;
    const QByteArray head = m_buffer.left(end);
    m_buffer.remove(0, end + 4);
    const QList<QByteArray> parts = head.split(' ');
    return parts.size() >= 2 ? parts[1].toInt() : -1;
}

bool TestWorkerClient::fill(int timeoutMs)
{
    if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(qMax(timeoutMs, 1)))
        return false;
    m_buffer += m_socket.readAll();
    return true;
}

void TestWorkerClient::send(const QVariantMap& message)
{
    const QByteArray payload = ym::codec::encodeMessage(message);
    const QByteArray frame = ymtest::clientFrame(0x2, payload);
    m_socket.write(frame);
    m_socket.flush();
}

std::optional<QVariantMap> TestWorkerClient::next(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        // Server frames are unmasked.
        if (m_buffer.size() >= 2) {
            const auto b0 = quint8(m_buffer[0]);
            quint64 len = quint8(m_buffer[1]) & 0x7f;
            qsizetype header = 2;
            if (len == 126 && m_buffer.size() >= 4) {
                len = (quint64(quint8(m_buffer[2])) << 8) | quint8(m_buffer[3]);
                header = 4;
            } else if (len == 127 && m_buffer.size() >= 10) {
                len = 0;
                for (int i = 0; i < 8; ++i)
                    len = (len << 8) | quint8(m_buffer[2 + i]);
                header = 10;
            } else if (len >= 126) {
                header = -1;
            }
            if (header > 0 && quint64(m_buffer.size()) >= quint64(header) + len) {
                const QByteArray payload = m_buffer.mid(header, qsizetype(len));
                m_buffer.remove(0, header + qsizetype(len));
                const int opcode = b0 & 0x0f;
                if (opcode == 0x2) {
                    auto decoded = ym::codec::decodeMessage(payload);
                    if (decoded.ok())
                        return decoded.value();
                } else if (opcode == 0x8) {
                    return std::nullopt;
                }
                continue; // pings and others: ignored here
            }
        }
        if (deadline.hasExpired() || !fill(int(deadline.remainingTime())))
            return std::nullopt;
    }
}

void TestWorkerClient::answer(const QVariantMap& request)
{
    const QString op = request.value(QStringLiteral("op")).toString();
    QVariant result;
    if (op == u"get_worker_info") {
        result = QVariantMap{{QStringLiteral("basedir"), QStringLiteral("/tmp/w")},
                             {QStringLiteral("system"), QStringLiteral("posix")},
                             {QStringLiteral("version"), QStringLiteral("3.7.0")},
                             {QStringLiteral("host"), QStringLiteral("test host\n")},
                             {QStringLiteral("admin"), QStringLiteral("Tester <t@example.org>")},
                             {QStringLiteral("numcpus"), 2},
                             {QStringLiteral("environ"),
                              QVariantMap{{QStringLiteral("SECRET"), QStringLiteral("hunter2")}}},
                             {QStringLiteral("delete_leftover_dirs"), false}};
    }
    send({{QStringLiteral("op"), QStringLiteral("response")},
          {QStringLiteral("seq_number"), request.value(QStringLiteral("seq_number"))},
          {QStringLiteral("result"), result}});
    if (op == u"start_command") {
        const QString id = request.value(QStringLiteral("command_id")).toString();
        const QString name = request.value(QStringLiteral("command_name")).toString();
        QVariantList updates;
        if (name == u"listdir")
            updates << QVariant(QVariantList{QStringLiteral("files"), QStringList{}});
        updates << QVariant(QVariantList{QStringLiteral("rc"), 0});
        send({{QStringLiteral("op"), QStringLiteral("update")},
              {QStringLiteral("seq_number"), m_seq++},
              {QStringLiteral("command_id"), id},
              {QStringLiteral("args"), updates}});
        send({{QStringLiteral("op"), QStringLiteral("complete")},
              {QStringLiteral("seq_number"), m_seq++},
              {QStringLiteral("command_id"), id},
              {QStringLiteral("args"), QVariant()}});
    }
}

bool TestWorkerClient::attach(int timeoutMs, const QString& dropAt)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        auto msg = next(int(deadline.remainingTime()));
        if (!msg)
            return false;
        const QString op = msg->value(QStringLiteral("op")).toString();
        if (op == u"response")
            continue;
        if (op == dropAt) {
            m_socket.abort();
            return false;
        }
        answer(*msg);
        if (op == u"print" && msg->value(QStringLiteral("message")).toString() == u"attached")
            return true;
    }
    return false;
}

int TestWorkerClient::serve(int ms)
{
    int keepalives = 0;
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired()) {
        auto msg = next(int(deadline.remainingTime()));
        if (!msg)
            continue;
        if (msg->value(QStringLiteral("op")).toString() == u"keepalive")
            ++keepalives;
        if (msg->value(QStringLiteral("op")).toString() != u"response")
            answer(*msg);
    }
    return keepalives;
}

bool TestWorkerClient::waitForClose(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        if (m_socket.waitForReadyRead(int(qMin<qint64>(200, deadline.remainingTime()))))
            m_buffer += m_socket.readAll();
    }
    return m_socket.state() != QAbstractSocket::ConnectedState;
}
