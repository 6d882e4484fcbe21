#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <cstddef>

namespace ym::http {

// The worker's opening request (`GET / HTTP/1.1` + headers + empty line).
struct UpgradeRequest
{
    QByteArray method;
    QByteArray target;
    QList<QPair<QByteArray, QByteArray>> headers; // names as sent, values trimmed
    // The first header with this name (case-insensitive), or a null QByteArray.
    QByteArray header(QByteArrayView name) const;
};

struct ParseOutcome
{
    enum class Status
    {
        Incomplete, // need more bytes
        Complete,   // `request` is set; `consumed` bytes belong to it
        Malformed,  // `error` says what; answer 400 and close
    };
    Status status = Status::Incomplete;
    UpgradeRequest request;
    std::size_t consumed = 0;
    QString error;
};

// Parses the request head from the start of `data`. Requests whose head
// exceeds `maxHeadBytes` are Malformed ("request header too large").
ParseOutcome parseRequest(QByteArrayView data, std::size_t maxHeadBytes = 16 * 1024);

struct BasicCredentials
{
    QByteArray name;
    QByteArray password;
};

// Parses an Authorization value "Basic base64(name:password)". Errors (400):
// not Basic, bad base64, no colon. The password may contain colons.
Result<BasicCredentials> parseBasicAuthorization(QByteArrayView value);

// What a request lacks to be a WebSocket upgrade (Upgrade: websocket,
// Connection: upgrade, Sec-WebSocket-Version: 13, a Sec-WebSocket-Key of 16
// base64 bytes, method GET); an empty string when it is one.
QString upgradeProblem(const UpgradeRequest& request);

// base64(SHA-1(key + RFC 6455 GUID)).
QByteArray websocketAccept(QByteArrayView secWebSocketKey);

// Compares in time that depends only on the lengths, not on where they differ.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

// Complete responses, ready to write.
QByteArray switchingProtocolsResponse(QByteArrayView secWebSocketKey);
QByteArray errorResponse(int status); // 400 or 401 (401 carries WWW-Authenticate: Basic)

} // namespace ym::http
