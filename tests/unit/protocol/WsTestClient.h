#pragma once

#include "support/WsFrames.h"

// A plain POSIX WebSocket client for the hub tests: it writes exactly the
// bytes a test wants (masked or not, split or not) and parses what comes back.
// While it waits it keeps the Qt event loop turning, so that a Listener on the
// test's thread can accept.

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

namespace ymtest {

struct ServerFrame
{
    bool fin = true;
    int opcode = 0;
    bool masked = false;
    QByteArray payload;
};

// The request buildbot-worker sends; `authorization` null: no such header.
QByteArray upgradeRequest(const QByteArray& authorization);
QByteArray basic(const QByteArray& name, const QByteArray& password);
// clientFrame(): see support/WsFrames.h.

// Turns the Qt event loop and waits up to `ms` for `done`.
bool waitUntil(const std::function<bool()>& done, int ms);

class WsTestClient
{
public:
    WsTestClient() = default;
    ~WsTestClient();
    WsTestClient(const WsTestClient&) = delete;
    WsTestClient& operator=(const WsTestClient&) = delete;

    bool connectTo(quint16 port);
    quint16 localPort() const;
    QString peerName() const; // how the hub names this client: "127.0.0.1:PORT"
    bool write(const QByteArray& bytes);
    // Reads whatever is there without blocking; notes EOF and errors.
    void readAvailable();
    // Waits for a whole HTTP response head; returns its status (or nullopt) and removes it.
    std::optional<int> readHttpStatus(int ms = 10000, QByteArray* head = nullptr);
    // Waits for one server frame and removes it from the input.
    std::optional<ServerFrame> readFrame(int ms = 10000);
    // Waits until the server has closed the connection (EOF or reset).
    bool waitForEof(int ms = 10000);
    // Sends the worker's upgrade request and expects 101.
    bool upgrade(const QByteArray& name, const QByteArray& password);
    void closeNow();

    QByteArray input; // received, not yet parsed
    bool eof = false;

private:
    int m_fd = -1;
    quint16 m_localPort = 0;
};

} // namespace ymtest
