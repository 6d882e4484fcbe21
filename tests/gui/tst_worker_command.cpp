// "Copy worker command": the exact buildbot-worker create-worker line.
#include "engine/MasterInfo.h"
#include "workers/WorkerCommand.h"

#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestWorkerCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void command_data();
    void command();
    void host_data();
    void host();
    void realWorkerAcceptsIt();
};

void TestWorkerCommand::command_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QVariant>("password");
    QTest::addColumn<QString>("expected");
    const QString pre = u"buildbot-worker create-worker --protocol=msgpack_experimental_v7 "_s;
    QTest::newRow("no password") << u"bot-linux"_s << u"master.example.org"_s << 9989 << QVariant()
                                 << pre + u"bot-linux master.example.org:9989 "
                                          u"bot-linux PASSWORD"_s;
    QTest::newRow("plain password")
        << u"bot"_s << u"10.0.0.1"_s << 1234 << QVariant(QByteArray("Abc123xyz"))
        << pre + u"bot 10.0.0.1:1234 bot Abc123xyz"_s;
    QTest::newRow("password with quote and space")
        << u"bot"_s << u"h"_s << 9989 << QVariant(QByteArray("it's a pw"))
        << pre + u"bot h:9989 bot 'it'\\''s a pw'"_s;
    QTest::newRow("ipv6 host") << u"b.1"_s << u"[::1]"_s << 9989 << QVariant()
                               << pre + u"b.1 [::1]:9989 b.1 PASSWORD"_s;
}

void TestWorkerCommand::command()
{
    QFETCH(QString, name);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QVariant, password);
    QFETCH(QString, expected);
    const std::optional<QByteArray> pw =
        password.isValid() ? std::optional<QByteArray>(password.toByteArray()) : std::nullopt;
    QCOMPARE(ym::createWorkerCommand(name, host, quint16(port), pw), expected);
}

void TestWorkerCommand::host_data()
{
    QTest::addColumn<QString>("bind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("every interface") << QString() << QSysInfo::machineHostName();
    QTest::newRow("0.0.0.0") << u"0.0.0.0"_s << QSysInfo::machineHostName();
    QTest::newRow("::") << u"::"_s << QSysInfo::machineHostName();
    QTest::newRow("one address") << u"192.168.1.5"_s << u"192.168.1.5"_s;
    QTest::newRow("ipv6 address") << u"fd00::5"_s << u"[fd00::5]"_s;
}

void TestWorkerCommand::host()
{
    QFETCH(QString, bind);
    QFETCH(QString, expected);
    ym::MasterInfo info;
    info.listenAddress = bind;
    QCOMPARE(ym::masterHostForWorkers(info), expected);
}

// The line runs as is: buildbot-worker creates the worker with these values.
void TestWorkerCommand::realWorkerAcceptsIt()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString line =
        ym::createWorkerCommand(u"bot-copy"_s, u"127.0.0.1"_s, 45678, QByteArray("it's secret"));
    QProcess sh;
    sh.setWorkingDirectory(dir.path());
    sh.setProcessChannelMode(QProcess::MergedChannels);
    sh.start(u"/bin/sh"_s, {u"-c"_s, line});
    QVERIFY(sh.waitForFinished(120000));
    QVERIFY2(sh.exitCode() == 0, sh.readAll().constData());
    QFile tac(dir.filePath(u"bot-copy/buildbot.tac"_s));
    QVERIFY(tac.open(QIODevice::ReadOnly));
    const QByteArray text = tac.readAll();
    QVERIFY2(text.contains("buildmaster_host = '127.0.0.1'"), text.constData());
    QVERIFY2(text.contains("port = 45678"), text.constData());
    QVERIFY2(text.contains("workername = 'bot-copy'"), text.constData());
    QVERIFY2(text.contains("passwd = \"it's secret\"") || text.contains("passwd = 'it\\'s secret'"),
             text.constData());
    QVERIFY2(text.contains("protocol = 'msgpack_experimental_v7'"), text.constData());
}

QTEST_MAIN(TestWorkerCommand)
#include "tst_worker_command.moc"
