// RFC 6455 framing: the incremental parser of client frames and the encoder
// of server frames.

#include "protocol/WebSocketFrame.h"
#include "support/WsFrames.h"

#include <QTest>

using namespace ym;
using namespace ym::ws;

namespace {

struct Parsed
{
    QList<QPair<int, QByteArray>> messages; // opcode, payload
    bool error = false;
    QString errorText;
    int closeCode = 0;
    std::size_t leftover = 0; // bytes not consumed at the end
};

using ymtest::clientFrame;

QByteArray pattern(qsizetype n)
{
    QByteArray b(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        b[i] = char((i * 31 + 7) & 0xFF);
    return b;
}

// Feeds `data` in chunks of `chunk` bytes the way the hub does: bytes not yet
// consumed are kept and the next chunk appended to them.
Parsed feed(const QByteArray& data, qsizetype chunk, std::size_t maxMessage = 1 << 20)
{
    FrameParser parser(maxMessage);
    Parsed out;
    QByteArray pending;
    for (qsizetype at = 0; at < data.size() && !out.error; at += chunk) {
        pending.append(data.mid(at, chunk));
        std::size_t consumed = 0;
        Message m;
        while (true) {
            const auto s =
                parser.next(pending.constData(), std::size_t(pending.size()), consumed, m);
            if (s == FrameParser::Status::NeedMore)
                break;
            if (s == FrameParser::Status::Error) {
                out.error = true;
                out.errorText = parser.error();
                out.closeCode = parser.closeCode();
                break;
            }
            out.messages.append({int(m.opcode), m.payload});
        }
        pending.remove(0, qsizetype(consumed));
    }
    out.leftover = std::size_t(pending.size());
    return out;
}

using Expected = QList<QPair<int, QByteArray>>;

} // namespace

class TestWebSocketFrame final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<Expected>("messages");
        QTest::addColumn<QString>("error"); // empty: none
        QTest::addColumn<int>("closeCode");

        const QByteArray big16 = pattern(300);
        const QByteArray big64 = pattern(70000);
        const int bin = int(Opcode::Binary);
        QTest::newRow("empty binary")
            << clientFrame(bin, {}) << Expected{{bin, {}}} << QString() << 0;
        QTest::newRow("small binary")
            << clientFrame(bin, "hello") << Expected{{bin, "hello"}} << QString() << 0;
        QTest::newRow("125 bytes")
            << clientFrame(bin, pattern(125)) << Expected{{bin, pattern(125)}} << QString() << 0;
        QTest::newRow("16-bit length")
            << clientFrame(bin, big16) << Expected{{bin, big16}} << QString() << 0;
        QTest::newRow("64-bit length")
            << clientFrame(bin, big64) << Expected{{bin, big64}} << QString() << 0;
        QTest::newRow("text") << clientFrame(int(Opcode::Text), "hi")
                              << Expected{{int(Opcode::Text), "hi"}} << QString() << 0;
        QTest::newRow("two frames back to back")
            << clientFrame(bin, "one") + clientFrame(bin, "two")
            << Expected{{bin, "one"}, {bin, "two"}} << QString() << 0;
        QTest::newRow("fragmented")
            << clientFrame(bin, "abc", false) + clientFrame(0, "def", false) + clientFrame(0, "g")
            << Expected{{bin, "abcdefg"}} << QString() << 0;
        QTest::newRow("ping inside fragments")
            << clientFrame(bin, "abc", false) + clientFrame(int(Opcode::Ping), "p") +
                   clientFrame(0, "def")
            << Expected{{int(Opcode::Ping), "p"}, {bin, "abcdef"}} << QString() << 0;
        QTest::newRow("close with code")
            << clientFrame(int(Opcode::Close), QByteArray("\x03\xe8", 2))
            << Expected{{int(Opcode::Close), QByteArray("\x03\xe8", 2)}} << QString() << 0;
        QTest::newRow("pong") << clientFrame(int(Opcode::Pong), "x")
                              << Expected{{int(Opcode::Pong), "x"}} << QString() << 0;

        QTest::newRow("unmasked") << clientFrame(bin, "hello", true, false) << Expected{}
                                  << QStringLiteral("protocol error: unmasked frame from client")
                                  << int(ProtocolError);
        QTest::newRow("message after a good one is unmasked")
            << clientFrame(bin, "ok") + clientFrame(bin, "bad", true, false)
            << Expected{{bin, "ok"}} << QStringLiteral("protocol error: unmasked frame from client")
            << int(ProtocolError);
        QTest::newRow("reserved bit")
            << clientFrame(bin, "x", true, true, 4) << Expected{}
            << QStringLiteral("protocol error: reserved bits set") << int(ProtocolError);
        QTest::newRow("opcode 3") << clientFrame(3, "x") << Expected{}
                                  << QStringLiteral("protocol error: unknown opcode 3")
                                  << int(ProtocolError);
        QTest::newRow("opcode 0xB")
            << clientFrame(0xB, "x") << Expected{}
            << QStringLiteral("protocol error: unknown opcode 11") << int(ProtocolError);
        QTest::newRow("control frame too long")
            << clientFrame(int(Opcode::Ping), pattern(126)) << Expected{}
            << QStringLiteral("protocol error: control frame longer than 125 bytes")
            << int(ProtocolError);
        QTest::newRow("fragmented control frame")
            << clientFrame(int(Opcode::Ping), "x", false) << Expected{}
            << QStringLiteral("protocol error: fragmented control frame") << int(ProtocolError);
        QTest::newRow("continuation first")
            << clientFrame(0, "x") << Expected{}
            << QStringLiteral("protocol error: continuation frame without a message")
            << int(ProtocolError);
        QTest::newRow("new message inside fragments")
            << clientFrame(bin, "a", false) + clientFrame(bin, "b") << Expected{}
            << QStringLiteral("protocol error: new message inside a fragmented one")
            << int(ProtocolError);
        QTest::newRow("close of one byte")
            << clientFrame(int(Opcode::Close), "x") << Expected{}
            << QStringLiteral("protocol error: close frame of 1 byte") << int(ProtocolError);
        QTest::newRow("oversized frame")
            << clientFrame(bin, pattern(1000)) << Expected{}
            << QStringLiteral("message too big (1000 bytes, limit 999)") << int(TooBig);
        QTest::newRow("oversized by fragments")
            << clientFrame(bin, pattern(600), false) + clientFrame(0, pattern(600)) << Expected{}
            << QStringLiteral("message too big (1200 bytes, limit 999)") << int(TooBig);
        QByteArray hugeHeader("\x82\xff\x7f\xff\xff\xff\xff\xff\xff\xff", 10);
        QTest::newRow("oversized, detected from the header alone")
            << hugeHeader << Expected{}
            << QStringLiteral("message too big (9223372036854775807 bytes, limit 999)")
            << int(TooBig);
        QTest::newRow("64-bit length with top bit")
            << QByteArray("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x01", 10) << Expected{}
            << QStringLiteral("protocol error: 64-bit length has its top bit set")
            << int(ProtocolError);
    }

    // Every input parsed whole, in 1-byte pieces, and split at every byte boundary.
    void parse()
    {
        QFETCH(QByteArray, data);
        QFETCH(Expected, messages);
        QFETCH(QString, error);
        QFETCH(int, closeCode);
        const std::size_t limit = error.startsWith(u"message too big") ? 999 : 1 << 20;

        for (const qsizetype chunk :
             {std::max<qsizetype>(data.size(), 1), qsizetype(1), qsizetype(7)}) {
            const Parsed p = feed(data, chunk, limit);
            QCOMPARE(p.messages, messages);
            QCOMPARE(p.error, !error.isEmpty());
            QCOMPARE(p.errorText, error);
            if (!error.isEmpty())
                QCOMPARE(p.closeCode, closeCode);
            else
                QCOMPARE(p.leftover, std::size_t(0));
        }
        if (data.size() > 400)
            return; // the split loop below is quadratic
        for (qsizetype split = 1; split < data.size(); ++split) {
            FrameParser parser(limit);
            Parsed p;
            QByteArray pending;
            for (const QByteArray& piece : {data.first(split), data.sliced(split)}) {
                pending.append(piece);
                std::size_t consumed = 0;
                Message m;
                FrameParser::Status s;
                while ((s = parser.next(pending.constData(), std::size_t(pending.size()), consumed,
                                        m)) == FrameParser::Status::Message)
                    p.messages.append({int(m.opcode), m.payload});
                pending.remove(0, qsizetype(consumed));
                if (s == FrameParser::Status::Error) {
                    p.error = true;
                    p.errorText = parser.error();
                    break;
                }
            }
            QCOMPARE(p.messages, messages);
            QCOMPARE(p.errorText, error);
        }
    }

    void errorIsSticky()
    {
        FrameParser parser;
        const QByteArray bad = clientFrame(int(Opcode::Binary), "x", true, false);
        std::size_t consumed = 0;
        Message m;
        QCOMPARE(parser.next(bad.constData(), std::size_t(bad.size()), consumed, m),
                 FrameParser::Status::Error);
        const QByteArray good = clientFrame(int(Opcode::Binary), "x");
        consumed = 0;
        QCOMPARE(parser.next(good.constData(), std::size_t(good.size()), consumed, m),
                 FrameParser::Status::Error);
    }

    void bufferedCountsFragments()
    {
        FrameParser parser;
        const QByteArray first = clientFrame(int(Opcode::Binary), "abcd", false);
        std::size_t consumed = 0;
        Message m;
        QCOMPARE(parser.next(first.constData(), std::size_t(first.size()), consumed, m),
                 FrameParser::Status::NeedMore);
        QCOMPARE(consumed, std::size_t(first.size()));
        QCOMPARE(parser.buffered(), std::size_t(4));
        const QByteArray last = clientFrame(0, "ef");
        consumed = 0;
        QCOMPARE(parser.next(last.constData(), std::size_t(last.size()), consumed, m),
                 FrameParser::Status::Message);
        QCOMPARE(m.payload, QByteArray("abcdef"));
        QCOMPARE(parser.buffered(), std::size_t(0));
    }

    void encodeFrame_data()
    {
        QTest::addColumn<int>("opcode");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("empty") << int(Opcode::Binary) << QByteArray() << QByteArray("\x82\x00", 2);
        QTest::newRow("125") << int(Opcode::Binary) << pattern(125) << QByteArray("\x82\x7d", 2);
        QTest::newRow("126") << int(Opcode::Binary) << pattern(126)
                             << QByteArray("\x82\x7e\x00\x7e", 4);
        QTest::newRow("65535") << int(Opcode::Binary) << pattern(65535)
                               << QByteArray("\x82\x7e\xff\xff", 4);
        QTest::newRow("65536") << int(Opcode::Binary) << pattern(65536)
                               << QByteArray("\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10);
        QTest::newRow("ping") << int(Opcode::Ping) << QByteArray("p") << QByteArray("\x89\x01", 2);
    }

    // Server frames are unmasked; masking them the way a client does and
    // parsing them back gives the payload again.
    void encodeFrame()
    {
        QFETCH(int, opcode);
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, header);
        const QByteArray frame = ws::encodeFrame(Opcode(opcode), payload);
        QCOMPARE(frame.first(header.size()), header);
        QCOMPARE(frame.sliced(header.size()), payload);
        const Parsed p = feed(clientFrame(opcode, payload), 4096, 1 << 20);
        QCOMPARE(p.messages, (Expected{{opcode, payload}}));
    }

    void encodeClose()
    {
        QCOMPARE(ws::encodeClose(Normal), QByteArray("\x88\x02\x03\xe8", 4));
        QCOMPARE(ws::encodeClose(TooBig, "big"), QByteArray("\x88\x05\x03\xf1"
                                                            "big",
                                                            7));
        // The reason is cut to fit 125 bytes, never inside a UTF-8 character.
        const QByteArray longText = QByteArray(122, 'a') + "\xc3\xa9\xc3\xa9";
        const QByteArray frame = ws::encodeClose(InvalidData, longText);
        QCOMPARE(frame.size(), 2 + 2 + 122);
        QVERIFY(frame.endsWith('a'));
    }
};

QTEST_GUILESS_MAIN(TestWebSocketFrame)
#include "tst_websocket_frame.moc"
