#pragma once

#include <QByteArray>
#include <QTcpSocket>
#include <QVariantMap>

#include <optional>

// A minimal worker written for engine tests: speaks the upgrade, masked
// WebSocket frames and msgpack (through the project's codec), and answers the
// master like buildbot-worker 3.7 does, or not at all when told to stay silent.
class TestWorkerClient final
{
public:
    TestWorkerClient(QByteArray name, QByteArray password, quint16 port);

    // Connects and sends the upgrade; returns the HTTP status (101, 401, ...)
    // or -1 when the connection failed or no status line came back.
    int connectAndUpgrade(int timeoutMs = 5000);
    void send(const QVariantMap& message);
    // The next binary message from the master, or nothing on timeout/close.
    std::optional<QVariantMap> next(int timeoutMs);
    // Answers like a worker until the master's final `print "attached"` has
    // been answered. `dropAt`: close the socket instead of answering that op.
    bool attach(int timeoutMs, const QString& dropAt = {});
    // Answers whatever comes for `ms` milliseconds; returns how many keepalives.
    int serve(int ms);
    void answer(const QVariantMap& request);
    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void close() { m_socket.abort(); }
    bool waitForClose(int timeoutMs);

private:
    bool fill(int timeoutMs);
    QByteArray m_name;
    QByteArray m_password;
    quint16 m_port;
    QTcpSocket m_socket;
    QByteArray m_buffer;
    qint64 m_seq = 0;
};
