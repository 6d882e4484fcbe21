// The HTTP side of the WebSocket upgrade: request head parsing, Basic
// credentials, the upgrade checks, the accept key and the responses.

#include "protocol/HttpUpgrade.h"

#include <QTest>

using namespace ym;
using namespace ym::http;
using Status = ParseOutcome::Status;

Q_DECLARE_METATYPE(ym::http::ParseOutcome::Status)

namespace {

const QByteArray kWorkerRequest = "GET / HTTP/1.1\r\n"
                                  "Host: 127.0.0.1:9989\r\n"
                                  "Upgrade: WebSocket\r\n"
                                  "Connection: Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                  "Sec-WebSocket-Version: 13\r\n"
                                  "Authorization: Basic Ym90OnB3\r\n"
                                  "\r\n";

UpgradeRequest requestFrom(const QByteArray& head)
{
    ParseOutcome out = parseRequest(head);
    if (out.status != Status::Complete)
        qFatal("test request does not parse: %s", qPrintable(out.error));
    return out.request;
}

} // namespace

class TestHttpUpgrade final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseRequest_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<Status>("status");
        QTest::addColumn<int>("consumed");
        QTest::addColumn<QString>("error");

        QTest::newRow("worker request")
            << kWorkerRequest << Status::Complete << int(kWorkerRequest.size()) << QString();
        QTest::newRow("trailing frame bytes kept")
            << kWorkerRequest + QByteArray("\x82\x80", 2) << Status::Complete
            << int(kWorkerRequest.size()) << QString();
        QTest::newRow("bare LF line ends")
            << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << Status::Complete << 24 << QString();
        QTest::newRow("empty input") << QByteArray() << Status::Incomplete << 0 << QString();
        QTest::newRow("request line only")
            << QByteArray("GET / HTTP/1.1\r\n") << Status::Incomplete << 0 << QString();
        QTest::newRow("head without empty line")
            << kWorkerRequest.chopped(2) << Status::Incomplete << 0 << QString();
        QTest::newRow("partial request line")
            << QByteArray("GET / HT") << Status::Incomplete << 0 << QString();
        QTest::newRow("empty request line")
            << QByteArray("\r\nHost: x\r\n\r\n") << Status::Malformed << 0
            << QStringLiteral("empty request line");
        QTest::newRow("two-part request line")
            << QByteArray("GET /\r\n\r\n") << Status::Malformed << 0
            << QStringLiteral("request line is not \"METHOD TARGET HTTP/1.x\"");
        QTest::newRow("double space")
            << QByteArray("GET  / HTTP/1.1\r\n\r\n") << Status::Malformed << 0
            << QStringLiteral("request line is not \"METHOD TARGET HTTP/1.x\"");
        QTest::newRow("bad version") << QByteArray("GET / HTTP/2.0\r\n\r\n") << Status::Malformed
                                     << 0 << QStringLiteral("HTTP version is not 1.0 or 1.1");
        QTest::newRow("not http") << QByteArray("\x16\x03\x01\x02\x00\x01\r\n\r\n", 10)
                                  << Status::Malformed << 0
                                  << QStringLiteral(
                                         "request line is not \"METHOD TARGET HTTP/1.x\"");
        QTest::newRow("method not a token")
            << QByteArray("G(T / HTTP/1.1\r\n\r\n") << Status::Malformed << 0
            << QStringLiteral("request method is not a token");
        QTest::newRow("header without colon")
            << QByteArray("GET / HTTP/1.1\r\nHost x\r\n\r\n") << Status::Malformed << 0
            << QStringLiteral("header on line 2 has no colon");
        QTest::newRow("folded header")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n  y\r\n\r\n") << Status::Malformed << 0
            << QStringLiteral("folded header on line 3");
        QTest::newRow("space in header name")
            << QByteArray("GET / HTTP/1.1\r\nHo st: x\r\n\r\n") << Status::Malformed << 0
            << QStringLiteral("header name on line 2 is not a token");
        QTest::newRow("control character in value")
            << QByteArray("GET / HTTP/1.1\r\nHost: a\x01"
                          "b\r\n\r\n")
            << Status::Malformed << 0
            << QStringLiteral("header value on line 2 holds control characters");
        QTest::newRow("head too large, complete")
            << QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(20000, 'a') + "\r\n\r\n"
            << Status::Malformed << 0 << QStringLiteral("request header too large");
        QTest::newRow("head too large, incomplete")
            << QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(20000, 'a') << Status::Malformed
            << 0 << QStringLiteral("request header too large");
    }

    void parseRequest()
    {
        QFETCH(QByteArray, data);
        QFETCH(Status, status);
        QFETCH(int, consumed);
        QFETCH(QString, error);
        const ParseOutcome out = http::parseRequest(data, 16 * 1024);
        QCOMPARE(out.status, status);
        QCOMPARE(out.error, error);
        if (status == Status::Complete)
            QCOMPARE(int(out.consumed), consumed);
    }

    void parsedFields()
    {
        const UpgradeRequest r = requestFrom(kWorkerRequest);
        QCOMPARE(r.method, QByteArray("GET"));
        QCOMPARE(r.target, QByteArray("/"));
        QCOMPARE(r.headers.size(), 6);
        QCOMPARE(r.headers.at(1).first, QByteArray("Upgrade"));
        QCOMPARE(r.header("upgrade"), QByteArray("WebSocket"));
        QCOMPARE(r.header("AUTHORIZATION"), QByteArray("Basic Ym90OnB3"));
        QVERIFY(r.header("Origin").isNull());
        const UpgradeRequest empty = requestFrom("GET / HTTP/1.1\r\nX-Empty:\r\n\r\n");
        QVERIFY(!empty.header("X-Empty").isNull());
        QVERIFY(empty.header("X-Empty").isEmpty());
    }

    void headLimitIsExact()
    {
        const QByteArray head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        QCOMPARE(http::parseRequest(head, std::size_t(head.size())).status, Status::Complete);
        QCOMPARE(http::parseRequest(head, std::size_t(head.size() - 1)).status, Status::Malformed);
    }

    void parseBasicAuthorization_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("password");
        QTest::addColumn<QString>("error");
        const auto basic = [](const QByteArray& plain) {
            return "Basic " + plain.toBase64();
        };

        QTest::newRow("good") << basic("bot-linux:pw") << true << QByteArray("bot-linux")
                              << QByteArray("pw") << QString();
        QTest::newRow("password with colons") << basic("bot:a:b::c") << true << QByteArray("bot")
                                              << QByteArray("a:b::c") << QString();
        QTest::newRow("empty password")
            << basic("bot:") << true << QByteArray("bot") << QByteArray("") << QString();
        QTest::newRow("empty name")
            << basic(":pw") << true << QByteArray("") << QByteArray("pw") << QString();
        QTest::newRow("utf-8 name") << basic("b\xc3\xb6t:pw") << true << QByteArray("b\xc3\xb6t")
                                    << QByteArray("pw") << QString();
        QTest::newRow("scheme case-insensitive")
            << "basic " + QByteArray("bot:pw").toBase64() << true << QByteArray("bot")
            << QByteArray("pw") << QString();
        QTest::newRow("extra spaces") << "  Basic   " + QByteArray("bot:pw").toBase64() + "  "
                                      << true << QByteArray("bot") << QByteArray("pw") << QString();
        QTest::newRow("bearer") << QByteArray("Bearer abc") << false << QByteArray() << QByteArray()
                                << QStringLiteral("scheme is not Basic");
        QTest::newRow("digest") << QByteArray("Digest username=\"bot\"") << false << QByteArray()
                                << QByteArray() << QStringLiteral("scheme is not Basic");
        QTest::newRow("empty") << QByteArray() << false << QByteArray() << QByteArray()
                               << QStringLiteral("scheme is not Basic");
        QTest::newRow("Basic alone") << QByteArray("Basic") << false << QByteArray() << QByteArray()
                                     << QStringLiteral("no credentials after Basic");
        QTest::newRow("bad base64")
            << QByteArray("Basic Ym90!!!OnB3") << false << QByteArray() << QByteArray()
            << QStringLiteral("credentials are not valid base64");
        QTest::newRow("no colon") << basic("botpw") << false << QByteArray() << QByteArray()
                                  << QStringLiteral("no colon between name and password");
    }

    void parseBasicAuthorization()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, ok);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, password);
        QFETCH(QString, error);
        const Result<BasicCredentials> r = http::parseBasicAuthorization(value);
        QCOMPARE(r.ok(), ok);
        if (ok) {
            QCOMPARE(r->name, name);
            QCOMPARE(r->password, password);
        } else {
            QCOMPARE(r.error().message, error);
            QVERIFY(!r.error().message.contains(QStringLiteral("pw")));
        }
    }

    void upgradeProblem_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QString>("problem");
        const auto without = [](const char* header) {
            QByteArray h = kWorkerRequest;
            const qsizetype at = h.indexOf(header);
            return h.remove(at, h.indexOf("\r\n", at) + 2 - at);
        };
        const auto replaced = [](const char* from, const char* to) {
            return QByteArray(kWorkerRequest).replace(from, to);
        };
        QTest::newRow("worker request") << kWorkerRequest << QString();
        QTest::newRow("keep-alive, Upgrade")
            << replaced("Connection: Upgrade", "Connection: keep-alive, Upgrade") << QString();
        QTest::newRow("lower case values")
            << replaced("Upgrade: WebSocket", "upgrade: websocket") << QString();
        QTest::newRow("POST") << replaced("GET /", "POST /")
                              << QStringLiteral("method is POST, not GET");
        QTest::newRow("no Upgrade")
            << without("Upgrade: WebSocket") << QStringLiteral("no \"Upgrade: websocket\" header");
        QTest::newRow("Upgrade: h2c") << replaced("Upgrade: WebSocket", "Upgrade: h2c")
                                      << QStringLiteral("no \"Upgrade: websocket\" header");
        QTest::newRow("no Connection") << without("Connection: Upgrade")
                                       << QStringLiteral("no \"Connection: upgrade\" header");
        QTest::newRow("Connection: close") << replaced("Connection: Upgrade", "Connection: close")
                                           << QStringLiteral("no \"Connection: upgrade\" header");
        QTest::newRow("no version") << without("Sec-WebSocket-Version")
                                    << QStringLiteral("no Sec-WebSocket-Version header");
        QTest::newRow("version 8") << replaced("Version: 13", "Version: 8")
                                   << QStringLiteral("Sec-WebSocket-Version is not 13");
        QTest::newRow("no key") << without("Sec-WebSocket-Key")
                                << QStringLiteral("no Sec-WebSocket-Key header");
        QTest::newRow("short key") << replaced("dGhlIHNhbXBsZSBub25jZQ==", "dGhl")
                                   << QStringLiteral("Sec-WebSocket-Key is not 16 bytes in base64");
        QTest::newRow("key not base64")
            << replaced("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j*Q==")
            << QStringLiteral("Sec-WebSocket-Key is not 16 bytes in base64");
    }

    void upgradeProblem()
    {
        QFETCH(QByteArray, head);
        QFETCH(QString, problem);
        QCOMPARE(http::upgradeProblem(requestFrom(head)), problem);
    }

    void websocketAccept()
    {
        // RFC 6455, section 1.3
        QCOMPARE(http::websocketAccept("dGhlIHNhbXBsZSBub25jZQ=="),
                 QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        const QByteArray response = switchingProtocolsResponse("dGhlIHNhbXBsZSBub25jZQ==");
        QVERIFY(response.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
        QVERIFY(response.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        QVERIFY(response.contains("\r\nUpgrade: websocket\r\n"));
        QVERIFY(response.endsWith("\r\n\r\n"));
    }

    void errorResponses()
    {
        const QByteArray r401 = errorResponse(401);
        QVERIFY(r401.startsWith("HTTP/1.1 401 Unauthorized\r\n"));
        QVERIFY(r401.contains("\r\nWWW-Authenticate: Basic"));
        QVERIFY(r401.endsWith("\r\n\r\n"));
        const QByteArray r400 = errorResponse(400);
        QVERIFY(r400.startsWith("HTTP/1.1 400 Bad Request\r\n"));
        QVERIFY(!r400.contains("WWW-Authenticate"));
        QVERIFY(r400.endsWith("\r\n\r\n"));
    }

    void constantTimeEquals_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("same") << QByteArray("s3cret") << QByteArray("s3cret") << true;
        QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
        QTest::newRow("first differs") << QByteArray("x3cret") << QByteArray("s3cret") << false;
        QTest::newRow("last differs") << QByteArray("s3creT") << QByteArray("s3cret") << false;
        QTest::newRow("prefix") << QByteArray("s3c") << QByteArray("s3cret") << false;
        QTest::newRow("longer") << QByteArray("s3cret!") << QByteArray("s3cret") << false;
        QTest::newRow("empty vs not") << QByteArray() << QByteArray("a") << false;
        QTest::newRow("not vs empty") << QByteArray("a") << QByteArray() << false;
        QTest::newRow("embedded NUL") << QByteArray("a\0b", 3) << QByteArray("a\0c", 3) << false;
    }

    void constantTimeEquals()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(http::constantTimeEquals(a, b), equal);
        QCOMPARE(http::constantTimeEquals(b, a), equal);
    }
};

QTEST_GUILESS_MAIN(TestHttpUpgrade)
#include "tst_http_upgrade.moc"
