// The connection hub on real loopback sockets: a Listener on port 0 hands
// accepted descriptors to the hub; plain POSIX clients speak the worker's side.

#include "WsTestClient.h"
#include "protocol/ConnectionHub.h"
#include "protocol/Listener.h"
#include "protocol/MsgCodec.h"

#include <QTest>

#include <sys/resource.h>

#include <atomic>
#include <deque>
#include <thread>

using namespace ym;
using namespace ymtest;
using Kind = HubEvent::Kind;

namespace {

const QByteArray kName = "bot-linux";
const QByteArray kPassword = "pa:ss:word"; // colons are allowed in passwords

QByteArray msg(std::initializer_list<std::pair<const char*, QVariant>> items)
{
    QVariantMap m;
    for (const auto& [k, v] : items)
        m.insert(QString::fromUtf8(k), v);
    return codec::encodeMessage(m);
}

QVariantMap printMessage(qint64 seq)
{
    return QVariantMap{{QStringLiteral("op"), QStringLiteral("print")},
                       {QStringLiteral("seq_number"), seq},
                       {QStringLiteral("message"), QStringLiteral("hello")}};
}

// A hub with credentials {bot-linux, other}, a listener and the events seen so far.
struct Env
{
    explicit Env(HubOptions options) : hub(options), listener(hub)
    {
        auto table = std::make_shared<CredentialTable>();
        table->passwords.emplace(kName.toStdString(), kPassword.toStdString());
        table->passwords.emplace("other", "other-password");
        hub.setCredentials(table);
        hub.setWakeup([this] { wakeups.fetch_add(1); });
        hub.start();
        if (!listener.listen(QHostAddress::LocalHost, 0))
            qFatal("cannot listen: %s", qPrintable(listener.errorString()));
    }

    quint16 port() const { return listener.serverPort(); }

    void collect()
    {
        for (HubEvent& e : hub.takeEvents())
            events.push_back(std::move(e));
    }

    // Waits for the first unseen event of `kind` (for `peer` if given) and removes it.
    std::optional<HubEvent> take(Kind kind, const QString& peer = {}, int ms = 10000)
    {
        std::optional<HubEvent> found;
        waitUntil(
            [&] {
                collect();
                for (auto it = events.begin(); it != events.end(); ++it) {
                    if (it->kind == kind && (peer.isEmpty() || it->peer == peer)) {
                        found = std::move(*it);
                        events.erase(it);
                        return true;
                    }
                }
                return false;
            },
            ms);
        return found;
    }

    // An upgraded client and its ConnId.
    std::pair<std::unique_ptr<WsTestClient>, ConnId> attach()
    {
        auto client = std::make_unique<WsTestClient>();
        if (!client->connectTo(port()) || !client->upgrade(kName, kPassword))
            return {nullptr, 0};
        const auto e = take(Kind::Authenticated, client->peerName());
        return {std::move(client), e ? e->conn : 0};
    }

    ConnectionHub hub;
    Listener listener;
    std::deque<HubEvent> events;
    std::atomic<int> wakeups{0};
};

HubOptions fastOptions()
{
    HubOptions o;
    o.ioThreads = 2;
    return o;
}

} // namespace

class TestConnectionHub final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listenerBacklog()
    {
        Env env(fastOptions());
        QCOMPARE(env.listener.listenBacklogSize(), Listener::Backlog);
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("worker");
        QTest::addColumn<QString>("reason");

        QTest::newRow("no credentials")
            << upgradeRequest({}) << 401 << QString() << QStringLiteral("no credentials");
        QTest::newRow("unknown name")
            << upgradeRequest(basic("ghost", kPassword)) << 401 << QStringLiteral("ghost")
            << QStringLiteral("unknown worker name");
        QTest::newRow("empty name") << upgradeRequest(basic("", kPassword)) << 401 << QString()
                                    << QStringLiteral("unknown worker name");
        QTest::newRow("wrong password")
            << upgradeRequest(basic(kName, "pa:ss")) << 401 << QString::fromUtf8(kName)
            << QStringLiteral("wrong password");
        QTest::newRow("another worker's password")
            << upgradeRequest(basic(kName, "other-password")) << 401 << QString::fromUtf8(kName)
            << QStringLiteral("wrong password");
        QTest::newRow("not Basic")
            << upgradeRequest("Bearer abcdef") << 400 << QString()
            << QStringLiteral("malformed Authorization header: scheme is not Basic");
        QTest::newRow("no colon")
            << upgradeRequest("Basic " + QByteArray("bot-linux").toBase64()) << 400 << QString()
            << QStringLiteral("malformed Authorization header: no colon between name and password");
        QTest::newRow("malformed header")
            << QByteArray("GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n") << 400 << QString()
            << QStringLiteral("malformed request: header on line 2 has no colon");
        QTest::newRow("head too large")
            << QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(20000, 'x') << 400 << QString()
            << QStringLiteral("malformed request: request header too large");
        QTest::newRow("not a WebSocket upgrade")
            << QByteArray("GET / HTTP/1.1\r\nAuthorization: ") + basic(kName, kPassword) +
                   "\r\n\r\n"
            << 400 << QString::fromUtf8(kName)
            << QStringLiteral("not a WebSocket upgrade: no \"Upgrade: websocket\" header");
    }

    void refused()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QString, worker);
        QFETCH(QString, reason);
        Env env(fastOptions());
        WsTestClient client;
        QVERIFY(client.connectTo(env.port()));
        QVERIFY(client.write(request));
        QByteArray head;
        QCOMPARE(client.readHttpStatus(10000, &head), std::optional<int>(status));
        QCOMPARE(head.contains("WWW-Authenticate: Basic"), status == 401);
        QVERIFY(client.waitForEof());
        client.closeNow(); // as a worker does on EOF; the hub lingers until then
        const auto e = env.take(Kind::Refused);
        QVERIFY(e);
        QCOMPARE(e->status, status);
        QCOMPARE(e->worker, worker);
        QCOMPARE(e->reason, reason);
        QCOMPARE(e->peer, client.peerName());
        QVERIFY(!e->reason.contains(QString::fromUtf8(kPassword)));
        QTRY_VERIFY_WITH_TIMEOUT(env.wakeups.load() > 0, 10000); // called just after publishing
        QCOMPARE(env.hub.stats().refused, std::uint64_t(1));
        QCOMPARE(env.hub.stats().accepted, std::uint64_t(0));
        QTRY_COMPARE_WITH_TIMEOUT(env.hub.stats().links, std::size_t(0), 10000);
        QVERIFY(!env.take(Kind::Authenticated, {}, 0));
        QVERIFY(!env.take(Kind::Closed, {}, 0)); // a refused link was never open
    }

    void authenticated()
    {
        Env env(fastOptions());
        WsTestClient client;
        QVERIFY(client.connectTo(env.port()));
        // The request arrives in pieces.
        const QByteArray request = upgradeRequest(basic(kName, kPassword));
        QVERIFY(client.write(request.first(10)));
        QTest::qWait(50);
        QVERIFY(client.write(request.sliced(10)));
        QByteArray head;
        QCOMPARE(client.readHttpStatus(10000, &head), std::optional<int>(101));
        QVERIFY(head.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        const auto e = env.take(Kind::Authenticated);
        QVERIFY(e);
        QCOMPARE(e->worker, QString::fromUtf8(kName));
        QCOMPARE(e->peer, client.peerName());
        QVERIFY(e->conn != 0);
        const auto s = env.hub.stats();
        QCOMPARE(s.links, std::size_t(1));
        QCOMPARE(s.authenticated, std::size_t(1));
        QCOMPARE(s.accepted, std::uint64_t(1));
    }

    void messageRoundTrip()
    {
        Env env(fastOptions());
        auto [client, conn] = env.attach();
        QVERIFY(client);
        QVERIFY(client->write(clientFrame(2, codec::encodeMessage(printMessage(0)))));
        auto e = env.take(Kind::Message);
        QVERIFY(e);
        QCOMPARE(e->conn, conn);
        QCOMPARE(e->worker, QString::fromUtf8(kName));
        QCOMPARE(e->message, printMessage(0));

        const QVariantMap answer{{QStringLiteral("op"), QStringLiteral("response")},
                                 {QStringLiteral("seq_number"), qint64(0)},
                                 {QStringLiteral("result"), QVariant()}};
        env.hub.send(conn, answer);
        const auto frame = client->readFrame();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, 2);
        QVERIFY(frame->fin);
        QVERIFY(!frame->masked);
        const auto decoded = codec::decodeMessage(frame->payload);
        QVERIFY(decoded);
        QCOMPARE(decoded.value(), answer);

        // Text is ignored; a fragmented message with a ping in the middle is
        // joined, and the ping answered with the same payload.
        const QByteArray big =
            codec::encodeMessage({{QStringLiteral("op"), QStringLiteral("update")},
                                  {QStringLiteral("seq_number"), qint64(1)},
                                  {QStringLiteral("args"), QByteArray(300000, 'z')}});
        QVERIFY(client->write(clientFrame(1, "ignored text") +
                              clientFrame(2, big.first(1000), false) + clientFrame(9, "ping-data") +
                              clientFrame(0, big.sliced(1000))));
        const auto pong = client->readFrame();
        QVERIFY(pong);
        QCOMPARE(pong->opcode, 10);
        QCOMPARE(pong->payload, QByteArray("ping-data"));
        e = env.take(Kind::Message);
        QVERIFY(e);
        QCOMPARE(e->message.value(QStringLiteral("seq_number")).toLongLong(), 1);
        QCOMPARE(e->message.value(QStringLiteral("args")).toByteArray().size(), 300000);
        QVERIFY(!env.take(Kind::Message, {}, 0));
        QVERIFY(!env.take(Kind::Warning, {}, 0));
    }

    void framesInTheSameWriteAsTheRequest()
    {
        Env env(fastOptions());
        WsTestClient client;
        QVERIFY(client.connectTo(env.port()));
        QVERIFY(client.write(upgradeRequest(basic(kName, kPassword)) +
                             clientFrame(2, codec::encodeMessage(printMessage(7)))));
        QCOMPARE(client.readHttpStatus(), std::optional<int>(101));
        const auto e = env.take(Kind::Message);
        QVERIFY(e);
        QCOMPARE(e->message, printMessage(7));
    }

    void invalidInputCloses_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<int>("closeCode");
        QTest::addColumn<QString>("reasonStart");
        QTest::newRow("invalid msgpack") << clientFrame(2, QByteArray("\xc1\x00", 2)) << 1007
                                         << QStringLiteral("invalid msgpack: ");
        QTest::newRow("truncated msgpack")
            << clientFrame(2, msg({{"op", QStringLiteral("print")}}).chopped(2)) << 1007
            << QStringLiteral("invalid msgpack: ");
        QTest::newRow("not a map") << clientFrame(2, codec::encode(QVariantList{1, 2})) << 1007
                                   << QStringLiteral("invalid msgpack: ");
        QTest::newRow("unmasked") << clientFrame(2, msg({{"op", QStringLiteral("print")}}), true,
                                                 false)
                                  << 1002 << QStringLiteral("protocol error: unmasked frame");
        QTest::newRow("oversized") << clientFrame(2, QByteArray(5000, 'x')) << 1009
                                   << QStringLiteral("message too big (5000 bytes, limit 4096)");
        QTest::newRow("oversized, announced")
            << QByteArray("\x82\xff\x00\x00\x00\x01\x00\x00\x00\x00", 10) << 1009
            << QStringLiteral("message too big (4294967296 bytes, limit 4096)");
        QTest::newRow("bad opcode")
            << clientFrame(5, "x") << 1002 << QStringLiteral("protocol error: unknown opcode 5");
    }

    // The bad link is closed with the right code; another link keeps working.
    void invalidInputCloses()
    {
        QFETCH(QByteArray, frame);
        QFETCH(int, closeCode);
        QFETCH(QString, reasonStart);
        HubOptions o = fastOptions();
        o.maxMessageBytes = 4096;
        Env env(o);
        auto [bad, badConn] = env.attach();
        auto [good, goodConn] = env.attach();
        QVERIFY(bad && good);

        QVERIFY(bad->write(frame));
        const auto close = bad->readFrame();
        QVERIFY(close);
        QCOMPARE(close->opcode, 8);
        QVERIFY(close->payload.size() >= 2);
        QCOMPARE((uchar(close->payload[0]) << 8) | uchar(close->payload[1]), closeCode);
        QVERIFY(bad->waitForEof());
        bad->closeNow();
        const auto e = env.take(Kind::Closed);
        QVERIFY(e);
        QCOMPARE(e->conn, badConn);
        QVERIFY2(e->reason.startsWith(reasonStart), qPrintable(e->reason));

        QVERIFY(good->write(clientFrame(2, codec::encodeMessage(printMessage(3)))));
        const auto m = env.take(Kind::Message);
        QVERIFY(m);
        QCOMPARE(m->conn, goodConn);
        QTRY_COMPARE_WITH_TIMEOUT(env.hub.stats().links, std::size_t(1), 10000);
        QCOMPARE(env.hub.stats().authenticated, std::size_t(1));
    }

    void droppedWithWarning_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("warning");
        QTest::newRow("no op") << msg({{"seq_number", qint64(0)}})
                               << QStringLiteral("message without \"op\" dropped");
        QTest::newRow("no seq_number") << msg({{"op", QStringLiteral("print")}})
                                       << QStringLiteral("message without \"seq_number\" dropped");
        QTest::newRow("op not a string")
            << msg({{"op", qint64(1)}, {"seq_number", qint64(0)}})
            << QStringLiteral("message whose \"op\" is not a string dropped");
        QTest::newRow("seq_number a string")
            << msg({{"op", QStringLiteral("print")}, {"seq_number", QStringLiteral("0")}})
            << QStringLiteral("message whose \"seq_number\" is not an integer dropped");
        QTest::newRow("empty map")
            << codec::encodeMessage({}) << QStringLiteral("message without \"op\" dropped");
    }

    void droppedWithWarning()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QString, warning);
        Env env(fastOptions());
        auto [client, conn] = env.attach();
        QVERIFY(client);
        QVERIFY(client->write(clientFrame(2, payload) +
                              clientFrame(2, codec::encodeMessage(printMessage(1)))));
        const auto w = env.take(Kind::Warning);
        QVERIFY(w);
        QCOMPARE(w->conn, conn);
        QCOMPARE(w->reason, warning);
        const auto m = env.take(Kind::Message);
        QVERIFY(m);
        QCOMPARE(m->message, printMessage(1));
        QVERIFY(!env.take(Kind::Closed, {}, 0));
    }

    void handshakeTimeout_data()
    {
        QTest::addColumn<QByteArray>("partial");
        QTest::newRow("silent") << QByteArray();
        QTest::newRow("half a request") << upgradeRequest(basic(kName, kPassword)).first(40);
    }

    void handshakeTimeout()
    {
        QFETCH(QByteArray, partial);
        HubOptions o = fastOptions();
        o.handshakeTimeoutMs = 500;
        Env env(o);
        WsTestClient client;
        QVERIFY(client.connectTo(env.port()));
        if (!partial.isEmpty())
            QVERIFY(client.write(partial));
        const auto e = env.take(Kind::Refused, {}, 15000);
        QVERIFY(e);
        QCOMPARE(e->reason, QStringLiteral("request timed out"));
        QCOMPARE(e->status, 0);
        QCOMPARE(e->peer, client.peerName());
        QVERIFY(client.waitForEof());
        QCOMPARE(client.input, QByteArray()); // nothing was sent
        QTRY_COMPARE_WITH_TIMEOUT(env.hub.stats().links, std::size_t(0), 10000);
    }

    void pingWhenSilentAndCloseWithoutPong()
    {
        HubOptions o = fastOptions();
        o.pingIntervalMs = 300;
        o.pingTimeoutMs = 700;
        Env env(o);
        auto [client, conn] = env.attach();
        QVERIFY(client);
        // Answered pings keep the link.
        for (int i = 0; i < 2; ++i) {
            const auto ping = client->readFrame();
            QVERIFY(ping);
            QCOMPARE(ping->opcode, 9);
            QVERIFY(client->write(clientFrame(10, ping->payload)));
        }
        QVERIFY(!env.take(Kind::Closed, {}, 0));
        // An unanswered one closes it.
        const auto ping = client->readFrame();
        QVERIFY(ping);
        QCOMPARE(ping->opcode, 9);
        const auto e = env.take(Kind::Closed, {}, 15000);
        QVERIFY(e);
        QCOMPARE(e->conn, conn);
        QCOMPARE(e->reason, QStringLiteral("no answer to ping within 0.7 s"));
        QVERIFY(client->waitForEof());
        client->closeNow();
        QTRY_COMPARE_WITH_TIMEOUT(env.hub.stats().links, std::size_t(0), 10000);
    }

    void closedByWorker()
    {
        Env env(fastOptions());
        auto [client, conn] = env.attach();
        QVERIFY(client);
        QVERIFY(client->write(clientFrame(8, QByteArray("\x03\xe9"
                                                        "bye",
                                                        5))));
        const auto reply = client->readFrame();
        QVERIFY(reply);
        QCOMPARE(reply->opcode, 8);
        QVERIFY(client->waitForEof());
        client->closeNow();
        const auto e = env.take(Kind::Closed);
        QVERIFY(e);
        QCOMPARE(e->conn, conn);
        QCOMPARE(e->reason, QStringLiteral("closed by worker (code 1001)"));
        QTRY_COMPARE_WITH_TIMEOUT(env.hub.stats().links, std::size_t(0), 10000);
    }

    void peerDisconnects()
    {
        Env env(fastOptions());
        auto [client, conn] = env.attach();
        QVERIFY(client);
        client->closeNow();
        const auto e = env.take(Kind::Closed);
        QVERIFY(e);
        QCOMPARE(e->conn, conn);
        QCOMPARE(e->reason, QStringLiteral("connection closed by peer"));
        QCOMPARE(env.hub.stats().authenticated, std::size_t(0));
    }

    void closeFromEngine()
    {
        Env env(fastOptions());
        auto [client, conn] = env.attach();
        QVERIFY(client);
        env.hub.send(conn, printMessage(0));
        env.hub.close(conn, QStringLiteral("master shutting down"));
        env.hub.send(conn, printMessage(1)); // after close: dropped
        const auto first = client->readFrame();
        QVERIFY(first);
        QCOMPARE(first->opcode, 2);
        QCOMPARE(codec::decodeMessage(first->payload).value(), printMessage(0));
        const auto close = client->readFrame();
        QVERIFY(close);
        QCOMPARE(close->opcode, 8);
        QCOMPARE(close->payload, QByteArray("\x03\xe8master shutting down"));
        QVERIFY(client->waitForEof());
        client->closeNow();
        const auto e = env.take(Kind::Closed);
        QVERIFY(e);
        QCOMPARE(e->conn, conn);
        QCOMPARE(e->reason, QStringLiteral("master shutting down"));
        QTRY_COMPARE_WITH_TIMEOUT(env.hub.stats().links, std::size_t(0), 10000);
    }

    void abortFromEngine()
    {
        Env env(fastOptions());
        auto [client, conn] = env.attach();
        QVERIFY(client);
        env.hub.abort(conn, QStringLiteral("replaced by a new connection"));
        QVERIFY(client->waitForEof());
        client->closeNow();
        QCOMPARE(client->input, QByteArray());
        const auto e = env.take(Kind::Closed);
        QVERIFY(e);
        QCOMPARE(e->conn, conn);
        QCOMPARE(e->reason, QStringLiteral("replaced by a new connection"));
        QCOMPARE(env.hub.stats().links, std::size_t(0));
        // Commands for a gone link are ignored.
        env.hub.send(conn, printMessage(0));
        env.hub.abort(conn, QStringLiteral("again"));
        QVERIFY(!env.take(Kind::Closed, {}, 300));
    }

    // A worker that never reads is dropped once 64 MiB wait for it.
    void workerNotReading()
    {
        Env env(fastOptions());
        auto [client, conn] = env.attach();
        QVERIFY(client);
        const QVariantMap chunk{{QStringLiteral("op"), QStringLiteral("update")},
                                {QStringLiteral("seq_number"), qint64(0)},
                                {QStringLiteral("args"), QByteArray(1024 * 1024, 'c')}};
        for (int i = 0; i < 100; ++i)
            env.hub.send(conn, chunk);
        const auto e = env.take(Kind::Closed, {}, 30000);
        QVERIFY(e);
        QCOMPARE(e->conn, conn);
        QCOMPARE(e->reason, QStringLiteral("worker not reading"));
        QTRY_COMPARE_WITH_TIMEOUT(env.hub.stats().links, std::size_t(0), 10000);
    }

    void stopClosesWithoutEvents()
    {
        auto env = std::make_unique<Env>(fastOptions());
        auto [a, connA] = env->attach();
        auto [b, connB] = env->attach();
        QVERIFY(a && b);
        QVERIFY(connA != connB);
        env->hub.stop();
        QVERIFY(a->waitForEof());
        QVERIFY(b->waitForEof());
        env->collect();
        for (const HubEvent& e : env->events)
            QVERIFY(e.kind != Kind::Closed);
        QCOMPARE(env->hub.stats().links, std::size_t(0));
        // After stop an adopted descriptor is closed at once.
        WsTestClient late;
        QVERIFY(late.connectTo(env->port()));
        QVERIFY(late.waitForEof());
        env.reset(); // the destructor's stop() is harmless after stop()
    }

    void thousandLinks()
    {
        rlimit limit{};
        QCOMPARE(::getrlimit(RLIMIT_NOFILE, &limit), 0);
        if (limit.rlim_cur < 4096) {
            limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 8192);
            QCOMPARE(::setrlimit(RLIMIT_NOFILE, &limit), 0);
        }
        QVERIFY2(limit.rlim_cur >= 2100, "needs 2,100 descriptors");
        Env env(fastOptions());
        constexpr int n = 1000;
        std::vector<std::unique_ptr<WsTestClient>> clients;
        for (int i = 0; i < n; ++i) {
            clients.push_back(std::make_unique<WsTestClient>());
            QVERIFY(clients.back()->connectTo(env.port()));
            QVERIFY(clients.back()->write(upgradeRequest(basic(kName, kPassword))));
        }
        // Stats count a link before its event is published: wait for the events.
        QHash<QString, ConnId> connOf;
        QTRY_COMPARE_WITH_TIMEOUT(
            [&] {
                env.collect();
                for (const HubEvent& e : env.events) {
                    if (e.kind == Kind::Authenticated)
                        connOf.insert(e.peer, e.conn);
                }
                env.events.clear();
                return connOf.size();
            }(),
            qsizetype(n), 60000);
        QCOMPARE(env.hub.stats().authenticated, std::size_t(n));
        for (auto& c : clients)
            QCOMPARE(c->readHttpStatus(), std::optional<int>(101));
        // Every link carries a message both ways.
        for (int i = 0; i < n; ++i)
            QVERIFY(clients[i]->write(clientFrame(2, codec::encodeMessage(printMessage(i)))));
        QTRY_COMPARE_WITH_TIMEOUT(
            [&] {
                env.collect();
                return env.events.size();
            }(),
            std::size_t(n), 60000);
        QSet<qint64> seqs;
        for (const HubEvent& e : env.events) {
            QCOMPARE(e.kind, Kind::Message);
            seqs.insert(e.message.value(QStringLiteral("seq_number")).toLongLong());
        }
        QCOMPARE(seqs.size(), n);
        for (int i = 0; i < n; ++i)
            env.hub.send(connOf.value(clients[i]->peerName()), printMessage(i));
        for (int i = 0; i < n; ++i) {
            const auto f = clients[i]->readFrame();
            QVERIFY(f);
            QCOMPARE(codec::decodeMessage(f->payload).value(), printMessage(i));
        }
        clients.clear();
        QTRY_COMPARE_WITH_TIMEOUT(env.hub.stats().links, std::size_t(0), 60000);
        QCOMPARE(env.hub.stats().accepted, std::uint64_t(n));
    }

    // Backpressure: while the engine does not take its events the hub stops
    // reading (at most the limit plus a message and a read are queued), and
    // once it takes them everything arrives, in order, nothing lost.
    void readsNoMoreWhileTheEngineIsBehind()
    {
        HubOptions o = fastOptions();
        o.maxQueuedMessageBytes = 1024 * 1024;
        Env env(o);
        auto [client, conn] = env.attach();
        QVERIFY(client);
        constexpr int Count = 128; // 32 MiB: more than the sockets buffer in between
        const QString text(256 * 1024, u'x');
        QByteArray all;
        for (int i = 0; i < Count; ++i) {
            QVariantMap m = printMessage(i);
            m.insert(QStringLiteral("message"), text);
            all += clientFrame(2, codec::encodeMessage(m));
        }
        std::atomic<bool> written{false}, ok{false};
        std::thread writer([&] {
            ok = client->write(all);
            written = true;
        });
        const std::size_t bound = o.maxQueuedMessageBytes + 256 * 1024 + 2 * 64 * 1024 + 1024;
        auto queuedBytes = [&env] {
            std::size_t bytes = 0;
            for (const HubEvent& e : env.hub.takeEvents()) {
                bytes += e.bytes;
                env.events.push_back(e);
            }
            return bytes;
        };
        QTest::qWait(1500); // nobody takes the events meanwhile
        QVERIFY(!written);
        const std::size_t first = queuedBytes();
        QVERIFY2(first > 0 && first <= bound, qPrintable(QString::number(first)));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const std::size_t b = queuedBytes();
                if (b > bound)
                    qWarning() << "queued" << b << "bytes";
                return b <= bound && env.events.size() >= std::size_t(Count);
            }(),
            60000);
        writer.join();
        QVERIFY(ok);
        QCOMPARE(env.events.size(), std::size_t(Count));
        for (int i = 0; i < Count; ++i) {
            const HubEvent& e = env.events[std::size_t(i)];
            QCOMPARE(e.kind, Kind::Message);
            QCOMPARE(e.conn, conn);
            QCOMPARE(e.message.value(QStringLiteral("seq_number")).toLongLong(), qint64(i));
            QCOMPARE(e.message.value(QStringLiteral("message")).toString().size(), text.size());
        }
    }
};

QTEST_GUILESS_MAIN(TestConnectionHub)
#include "tst_connection_hub.moc"
