// The control server in process: a real Master (no workers, port 0 on
// loopback) on the test thread, which plays the engine thread, and real
// QLocalSocket clients.
#include "control/ControlClient.h"
#include "control/ControlServer.h"
#include "engine/Master.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstring>
#include <memory>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using ym::ControlServer;
using ym::Master;

class TestControlServer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void statusAnswers();
    void eventsAnswer();
    void reloadAnswers();
    void reloadRefusesBadConfig();
    void badRequests_data();
    void badRequests();
    void severalRequestsOnOneConnection();
    void manyClientsAtOnce();
    void oversizedLineIsRefused();
    void createsOwnerOnlyFolder();
    void replacesStaleSocket();
    void refusesWhenLiveMasterAnswers();
    void removesSocketOnDestruction();
    void clientReportsUnreachableMaster();

private:
    void writeConfig(const QJsonObject& config);
    QString socketPath() const { return m_dir->filePath(u"run/control.sock"_s); }
    std::unique_ptr<QLocalSocket> connectClient();
    // Sends `line` (a newline is added) and waits for one answer line.
    QJsonObject ask(QLocalSocket& socket, const QByteArray& line);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Master> m_master;
    std::unique_ptr<ControlServer> m_server;
};

void TestControlServer::writeConfig(const QJsonObject& workersAndMore)
{
    QJsonObject config = workersAndMore;
    config[u"master"_s] = QJsonObject{
        {u"title"_s, u"control test"_s},
        {u"protocols"_s,
         QJsonObject{{u"msgpack"_s, QJsonObject{{u"port"_s, 0}, {u"bind"_s, u"127.0.0.1"_s}}}}},
        {u"database"_s, m_dir->filePath(u"state.sqlite"_s)},
        {u"secrets_dir"_s, m_dir->filePath(u"secrets"_s)},
        {u"control_socket"_s, socketPath()},
    };
    QFile file(m_dir->filePath(u"master.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(config).toJson());
}

void TestControlServer::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    writeConfig({{u"workers"_s, QJsonArray{}}});
    m_master = std::make_unique<Master>(m_dir->filePath(u"master.json"_s));
    QSignalSpy started(m_master.get(), &Master::started);
    m_master->start();
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 20000);
    QVERIFY2(started.at(0).at(0).toBool(),
             qPrintable(started.at(0).at(1).toStringList().join(u'\n')));
    m_server = std::make_unique<ControlServer>(*m_master);
    QString error;
    QVERIFY2(m_server->listen(socketPath(), &error), qPrintable(error));
}

void TestControlServer::cleanup()
{
    m_server.reset();
    if (m_master)
        m_master->shutdown();
    m_master.reset();
    m_dir.reset();
}

std::unique_ptr<QLocalSocket> TestControlServer::connectClient()
{
    auto socket = std::make_unique<QLocalSocket>();
    socket->connectToServer(socketPath());
    // The server accepts on this (the engine) thread: let the event loop run.
    if (!QTest::qWaitFor([&] { return socket->state() == QLocalSocket::ConnectedState; }, 10000))
        return nullptr;
    return socket;
}

QJsonObject TestControlServer::ask(QLocalSocket& socket, const QByteArray& line)
{
    socket.write(line + '\n');
    if (!QTest::qWaitFor([&] { return socket.canReadLine(); }, 10000))
        return {{u"test"_s, u"no answer line within 10 s"_s}};
    const QJsonDocument doc = QJsonDocument::fromJson(socket.readLine());
    if (!doc.isObject())
        return {{u"test"_s, u"the answer is not a JSON object"_s}};
    return doc.object();
}

void TestControlServer::statusAnswers()
{
    auto client = connectClient();
    QVERIFY(client);
    const QJsonObject answer = ask(*client, R"({"command":"status"})");
    QCOMPARE(answer.value(u"ok"_s).toBool(), true);
    QCOMPARE(answer.value(u"version"_s).toString(), QStringLiteral(YM_VERSION));
    QCOMPARE(answer.value(u"title"_s).toString(), u"control test"_s);
    QCOMPARE(answer.value(u"port"_s).toInt(), int(m_master->msgpackPort()));
    QVERIFY(answer.value(u"port"_s).toInt() > 0);
    QVERIFY(answer.value(u"workers"_s).isArray());
    QCOMPARE(answer.value(u"workers"_s).toArray().size(), 0);
}

void TestControlServer::eventsAnswer()
{
    auto client = connectClient();
    QVERIFY(client);
    const QJsonObject answer = ask(*client, R"({"command":"events"})");
    QCOMPARE(answer.value(u"ok"_s).toBool(), true);
    const QJsonArray events = answer.value(u"events"_s).toArray();
    QCOMPARE(events.size(), m_master->recentEvents().size());
    for (const QJsonValue& event : events)
        QVERIFY(!event.toObject().value(u"kind"_s).toString().isEmpty());
}

void TestControlServer::reloadAnswers()
{
    writeConfig(
        {{u"workers"_s, QJsonArray{QJsonObject{
                            {u"name"_s, u"bot-new"_s},
                            {u"password"_s, QJsonObject{{u"env"_s, u"YM_TEST_CONTROL_PW"_s}}}}}}});
    qputenv("YM_TEST_CONTROL_PW", "pw");
    auto client = connectClient();
    QVERIFY(client);
    const QJsonObject answer = ask(*client, R"({"command":"reload"})");
    QCOMPARE(answer.value(u"ok"_s).toBool(), true);
    QCOMPARE(answer.value(u"added"_s).toArray(), QJsonArray{u"bot-new"_s});
    QCOMPARE(answer.value(u"removed"_s).toArray(), QJsonArray{});
    QCOMPARE(answer.value(u"changed"_s).toArray(), QJsonArray{});
    const QJsonObject status = ask(*client, R"({"command":"status"})");
    const QJsonArray workers = status.value(u"workers"_s).toArray();
    QCOMPARE(workers.size(), 1);
    QCOMPARE(workers.at(0).toObject().value(u"name"_s).toString(), u"bot-new"_s);
}

void TestControlServer::reloadRefusesBadConfig()
{
    // Two problems: both come back, each with its place.
    writeConfig(
        {{u"workers"_s, QJsonArray{QJsonObject{{u"name"_s, u"bot-a"_s},
                                               {u"password"_s, QJsonObject{{u"env"_s, u"X"_s}}},
                                               {u"max_builds"_s, -1}}}},
         {u"extra_key"_s, 1}});
    auto client = connectClient();
    QVERIFY(client);
    const QJsonObject answer = ask(*client, R"({"command":"reload"})");
    QCOMPARE(answer.value(u"ok"_s).toBool(), false);
    const QJsonArray errors = answer.value(u"errors"_s).toArray();
    QVERIFY2(errors.size() >= 2, QJsonDocument(answer).toJson().constData());
    const QString all = QString::fromUtf8(QJsonDocument(errors).toJson());
    QVERIFY2(all.contains(u"workers[0].max_builds"_s), qPrintable(all));
    QVERIFY2(all.contains(u"extra_key"_s), qPrintable(all));
    // The running config stays.
    QCOMPARE(m_master->workers().size(), 0);
}

void TestControlServer::badRequests_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("error");
    QTest::newRow("not json") << QByteArray("hello") << u"malformed request"_s;
    QTest::newRow("truncated") << QByteArray(R"({"command":"sta)") << u"malformed request"_s;
    QTest::newRow("array") << QByteArray(R"(["status"])") << u"expected a JSON object"_s;
    QTest::newRow("no command") << QByteArray(R"({"cmd":"status"})")
                                << u"\"command\" must be a string"_s;
    QTest::newRow("number command")
        << QByteArray(R"({"command":7})") << u"\"command\" must be a string"_s;
    QTest::newRow("unknown command")
        << QByteArray(R"({"command":"frobnicate"})") << u"unknown command 'frobnicate'"_s;
}

void TestControlServer::badRequests()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, error);
    auto client = connectClient();
    QVERIFY(client);
    const QJsonObject answer = ask(*client, line);
    QCOMPARE(answer.value(u"ok"_s).toBool(), false);
    const QJsonArray errors = answer.value(u"errors"_s).toArray();
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.at(0).toString().contains(error), qPrintable(errors.at(0).toString()));
    // The connection stays usable after a bad line.
    QCOMPARE(ask(*client, R"({"command":"status"})").value(u"ok"_s).toBool(), true);
}

void TestControlServer::severalRequestsOnOneConnection()
{
    auto client = connectClient();
    QVERIFY(client);
    // Two lines in one write: two answers, in order.
    client->write("{\"command\":\"status\"}\n{\"command\":\"events\"}\n");
    QList<QJsonObject> answers;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            while (client->canReadLine())
                answers.append(QJsonDocument::fromJson(client->readLine()).object());
            return answers.size() == 2;
        }(),
        10000);
    QVERIFY(answers.at(0).contains(u"workers"_s));
    QVERIFY(answers.at(1).contains(u"events"_s));
}

void TestControlServer::manyClientsAtOnce()
{
    constexpr int Clients = 40;
    std::vector<std::unique_ptr<QLocalSocket>> clients;
    for (int i = 0; i < Clients; ++i) {
        auto socket = std::make_unique<QLocalSocket>();
        socket->connectToServer(socketPath());
        clients.push_back(std::move(socket));
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(clients.begin(), clients.end(),
                    [](const auto& s) { return s->state() == QLocalSocket::ConnectedState; }),
        20000);
    for (auto& socket : clients)
        socket->write("{\"command\":\"status\"}\n");
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(clients.begin(), clients.end(), [](const auto& s) { return s->canReadLine(); }),
        20000);
    for (auto& socket : clients) {
        const QJsonObject answer = QJsonDocument::fromJson(socket->readLine()).object();
        QCOMPARE(answer.value(u"ok"_s).toBool(), true);
    }
}

void TestControlServer::oversizedLineIsRefused()
{
    auto client = connectClient();
    QVERIFY(client);
    client->write(QByteArray(200 * 1024, 'x')); // no newline, over the 64 KiB cap
    QTRY_VERIFY_WITH_TIMEOUT(
        client->canReadLine() || client->state() == QLocalSocket::UnconnectedState, 10000);
    QVERIFY(client->canReadLine());
    const QJsonObject answer = QJsonDocument::fromJson(client->readLine()).object();
    QCOMPARE(answer.value(u"ok"_s).toBool(), false);
    QVERIFY2(answer.value(u"errors"_s).toArray().at(0).toString().contains(u"longer than"_s),
             QJsonDocument(answer).toJson().constData());
    QTRY_COMPARE_WITH_TIMEOUT(client->state(), QLocalSocket::UnconnectedState, 10000);
    // The server keeps serving others.
    auto other = connectClient();
    QVERIFY(other);
    QCOMPARE(ask(*other, R"({"command":"status"})").value(u"ok"_s).toBool(), true);
}

void TestControlServer::createsOwnerOnlyFolder()
{
    const QFileInfo folder(QFileInfo(socketPath()).absolutePath());
    QVERIFY(folder.isDir());
    QCOMPARE(folder.permissions() & ~(QFile::ReadUser | QFile::WriteUser | QFile::ExeUser),
             QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QFileInfo socket(socketPath());
    QVERIFY(socket.exists());
    QCOMPARE(socket.permissions() &
                 (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
             QFileDevice::Permissions());
}

void TestControlServer::replacesStaleSocket()
{
    // A dead master leaves its socket file: bind one and close it unlistened.
    m_server.reset();
    QVERIFY(!QFileInfo::exists(socketPath()));
    const QByteArray path = QFile::encodeName(socketPath());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    QVERIFY(size_t(path.size()) < sizeof(address.sun_path));
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    QCOMPARE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ::close(fd);
    QVERIFY(QFileInfo::exists(socketPath()));

    m_server = std::make_unique<ControlServer>(*m_master);
    QString error;
    QVERIFY2(m_server->listen(socketPath(), &error), qPrintable(error));
    auto client = connectClient();
    QVERIFY(client);
    QCOMPARE(ask(*client, R"({"command":"status"})").value(u"ok"_s).toBool(), true);
}

void TestControlServer::refusesWhenLiveMasterAnswers()
{
    ControlServer second(*m_master);
    QString error;
    QVERIFY(!second.listen(socketPath(), &error));
    QCOMPARE(error, u"another master is already running on %1"_s.arg(socketPath()));
    // The live one is untouched and still answers.
    auto client = connectClient();
    QVERIFY(client);
    QCOMPARE(ask(*client, R"({"command":"status"})").value(u"ok"_s).toBool(), true);
}

void TestControlServer::removesSocketOnDestruction()
{
    QVERIFY(QFileInfo::exists(socketPath()));
    QCOMPARE(m_server->path(), socketPath());
    m_server.reset();
    QVERIFY(!QFileInfo::exists(socketPath()));
}

void TestControlServer::clientReportsUnreachableMaster()
{
    const QString nowhere = m_dir->filePath(u"nobody.sock"_s);
    const auto result = ym::controlRequest(nowhere, {{u"command"_s, u"status"_s}}, 5000);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().message.startsWith(u"cannot reach the master at %1: "_s.arg(nowhere)),
             qPrintable(result.error().message));
    QVERIFY2(result.error().message.endsWith(u"(is it running?)"_s),
             qPrintable(result.error().message));
}

QTEST_GUILESS_MAIN(TestControlServer)
#include "tst_control_server.moc"
