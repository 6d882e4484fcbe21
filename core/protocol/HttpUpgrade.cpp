#include "protocol/HttpUpgrade.h"

#include <QCryptographicHash>

#include <algorithm>

namespace ym::http {

namespace {

bool isTokenChar(char c)
{
    // RFC 9110 tchar
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), isTokenChar);
}

// Field values may hold visible ASCII, spaces, tabs and obs-text (>= 0x80).
bool isFieldValue(QByteArrayView s)
{
    return std::all_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u == '\t' || (u >= 0x20 && u != 0x7f);
    });
}

// True if the comma-separated `list` holds `token` (case-insensitive).
bool listHasToken(QByteArrayView list, QByteArrayView token)
{
    qsizetype start = 0;
    while (start <= list.size()) {
        qsizetype end = list.indexOf(',', start);
        if (end < 0)
            end = list.size();
        if (list.sliced(start, end - start).trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

ParseOutcome malformed(QString error)
{
    ParseOutcome out;
    out.status = ParseOutcome::Status::Malformed;
    out.error = std::move(error);
    return out;
}

const QString kTooLarge = QStringLiteral("request header too large");

ParseOutcome parseRequestLine(QByteArrayView line, UpgradeRequest& request)
{
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0)
        return malformed(QStringLiteral("request line is not \"METHOD TARGET HTTP/1.x\""));
    const QByteArrayView method = line.first(sp1);
    const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = line.sliced(sp2 + 1);
    if (!isToken(method))
        return malformed(QStringLiteral("request method is not a token"));
    if (target.isEmpty() || !std::all_of(target.begin(), target.end(), [](char c) {
            return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
        }))
        return malformed(QStringLiteral("request target is empty or holds invalid characters"));
    if (version != QByteArrayView("HTTP/1.1") && version != QByteArrayView("HTTP/1.0"))
        return malformed(QStringLiteral("HTTP version is not 1.0 or 1.1"));
    request.method = method.toByteArray();
    request.target = target.toByteArray();
    return {};
}

} // namespace

QByteArray UpgradeRequest::header(QByteArrayView name) const
{
    for (const auto& [key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value.isNull() ? QByteArray("") : value;
    }
    return {};
}

ParseOutcome parseRequest(QByteArrayView data, std::size_t maxHeadBytes)
{
    UpgradeRequest request;
    qsizetype pos = 0;
    int lineNo = 0;
    while (true) {
        const qsizetype nl = data.indexOf('\n', pos);
        if (nl < 0) {
            if (static_cast<std::size_t>(data.size()) > maxHeadBytes)
                return malformed(kTooLarge);
            return {}; // Incomplete
        }
        if (static_cast<std::size_t>(nl + 1) > maxHeadBytes)
            return malformed(kTooLarge);
        QByteArrayView line = data.sliced(pos, nl - pos);
        if (line.endsWith('\r'))
            line.chop(1);
        pos = nl + 1;
        ++lineNo;
        if (lineNo == 1) {
            if (line.isEmpty())
                return malformed(QStringLiteral("empty request line"));
            ParseOutcome bad = parseRequestLine(line, request);
            if (bad.status == ParseOutcome::Status::Malformed)
                return bad;
            continue;
        }
        if (line.isEmpty())
            break; // end of the head
        if (line.front() == ' ' || line.front() == '\t')
            return malformed(QStringLiteral("folded header on line %1").arg(lineNo));
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            return malformed(QStringLiteral("header on line %1 has no colon").arg(lineNo));
        const QByteArrayView name = line.first(colon);
        if (!isToken(name))
            return malformed(QStringLiteral("header name on line %1 is not a token").arg(lineNo));
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (!isFieldValue(value))
            return malformed(
                QStringLiteral("header value on line %1 holds control characters").arg(lineNo));
        request.headers.append({name.toByteArray(), value.toByteArray()});
    }
    ParseOutcome out;
    out.status = ParseOutcome::Status::Complete;
    out.request = std::move(request);
    out.consumed = static_cast<std::size_t>(pos);
    return out;
}

Result<BasicCredentials> parseBasicAuthorization(QByteArrayView value)
{
    value = value.trimmed();
    const qsizetype sp = value.indexOf(' ');
    const QByteArrayView scheme = sp < 0 ? value : value.first(sp);
    if (scheme.compare(QByteArrayView("Basic"), Qt::CaseInsensitive) != 0)
        return Error{QStringLiteral("scheme is not Basic")};
    const QByteArrayView token = sp < 0 ? QByteArrayView() : value.sliced(sp + 1).trimmed();
    if (token.isEmpty())
        return Error{QStringLiteral("no credentials after Basic")};
    auto decoded = QByteArray::fromBase64Encoding(token.toByteArray(),
                                                  QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return Error{QStringLiteral("credentials are not valid base64")};
    const QByteArray& plain = *decoded;
    const qsizetype colon = plain.indexOf(':');
    if (colon < 0)
        return Error{QStringLiteral("no colon between name and password")};
    return BasicCredentials{plain.first(colon), plain.sliced(colon + 1)};
}

QString upgradeProblem(const UpgradeRequest& request)
{
    if (request.method != "GET")
        return QStringLiteral("method is %1, not GET").arg(QString::fromLatin1(request.method));
    const QByteArray upgrade = request.header("Upgrade");
    if (upgrade.isNull() || !listHasToken(upgrade, "websocket"))
        return QStringLiteral("no \"Upgrade: websocket\" header");
    const QByteArray connection = request.header("Connection");
    if (connection.isNull() || !listHasToken(connection, "upgrade"))
        return QStringLiteral("no \"Connection: upgrade\" header");
    const QByteArray version = request.header("Sec-WebSocket-Version");
    if (version.isNull())
        return QStringLiteral("no Sec-WebSocket-Version header");
    if (version != "13")
        return QStringLiteral("Sec-WebSocket-Version is not 13");
    const QByteArray key = request.header("Sec-WebSocket-Key");
    if (key.isNull())
        return QStringLiteral("no Sec-WebSocket-Key header");
    const auto decoded =
        QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != 16)
        return QStringLiteral("Sec-WebSocket-Key is not 16 bytes in base64");
    return {};
}

QByteArray websocketAccept(QByteArrayView secWebSocketKey)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(secWebSocketKey);
    sha1.addData(QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    return sha1.result().toBase64();
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    // Walk all of `a` whatever `b` holds; the result depends on every byte.
    volatile unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype bn = b.size();
    for (qsizetype i = 0; i < a.size(); ++i) {
        const unsigned char bc = bn > 0 ? static_cast<unsigned char>(b[i < bn ? i : 0]) : 0;
        diff = diff | (static_cast<unsigned char>(a[i]) ^ bc);
    }
    return diff == 0;
}

QByteArray switchingProtocolsResponse(QByteArrayView secWebSocketKey)
{
    return QByteArrayLiteral("HTTP/1.1 101 Switching Protocols\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: ") +
           websocketAccept(secWebSocketKey) + QByteArrayLiteral("\r\n\r\n");
}

QByteArray errorResponse(int status)
{
    switch (status) {
    case 401:
        return QByteArrayLiteral("HTTP/1.1 401 Unauthorized\r\n"
                                 "WWW-Authenticate: Basic realm=\"yardmaster\"\r\n"
                                 "Content-Length: 0\r\n"
                                 "Connection: close\r\n\r\n");
    case 400:
        return QByteArrayLiteral("HTTP/1.1 400 Bad Request\r\n"
                                 "Content-Length: 0\r\n"
                                 "Connection: close\r\n\r\n");
    default:
        return QByteArrayLiteral("HTTP/1.1 ") + QByteArray::number(status) +
               QByteArrayLiteral(" Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
}

} // namespace ym::http
