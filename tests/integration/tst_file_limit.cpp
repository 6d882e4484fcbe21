// The open-file limit at start-up (issue 3, item 5): the master raises its
// soft limit to the hard limit, and says clearly when even the hard limit is
// too low for the workers it is configured for.
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>

using namespace Qt::StringLiterals;

class TestFileLimit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void softLimitIsRaisedAndLowHardLimitIsReported_data();
    void softLimitIsRaisedAndLowHardLimitIsReported();
};

void TestFileLimit::softLimitIsRaisedAndLowHardLimitIsReported_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("hardLimit");
    QTest::addColumn<bool>("expectWarning");
    QTest::newRow("hard limit too low") << 500 << 300 << true;
    QTest::newRow("hard limit enough") << 500 << 2000 << false;
}

void TestFileLimit::softLimitIsRaisedAndLowHardLimitIsReported()
{
    QFETCH(int, workers);
    QFETCH(int, hardLimit);
    QFETCH(bool, expectWarning);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QJsonArray list;
    for (int i = 0; i < workers; ++i)
        list.append(QJsonObject{{u"name"_s, u"w%1"_s.arg(i)},
                                {u"password"_s, QJsonObject{{u"env"_s, u"YM_LIMIT_PW"_s}}}});
    const QJsonObject master{
        {u"protocols"_s,
         QJsonObject{{u"msgpack"_s, QJsonObject{{u"port"_s, 0}, {u"bind"_s, u"127.0.0.1"_s}}}}},
        {u"database"_s, dir.filePath(u"state.sqlite"_s)},
        {u"control_socket"_s, dir.filePath(u"ctl.sock"_s)},
        {u"secrets_dir"_s, dir.filePath(u"secrets"_s)}};
    QFile config(dir.filePath(u"master.json"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(
        QJsonDocument(QJsonObject{{u"master"_s, master}, {u"workers"_s, list}}).toJson());
    config.close();

    // The shell lowers both limits, then becomes the master (same PID).
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"YM_LIMIT_PW"_s, u"x"_s);
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(u"/bin/sh"_s, {u"-c"_s, u"ulimit -Sn 100 && ulimit -Hn %1 && exec \"$0\" --headless "
                                    u"--config \"$1\""_s.arg(hardLimit),
                           QStringLiteral(YM_YARDMASTER_EXE), config.fileName()});
    QVERIFY(p.waitForStarted());
    QByteArray log;
    QDeadlineTimer deadline(20000);
    while (!log.contains("master running") && !deadline.hasExpired() &&
           p.state() == QProcess::Running) {
        p.waitForReadyRead(200);
        log += p.readAll();
    }
    QVERIFY2(log.contains("master running"), log.constData());

    QFile limits(u"/proc/%1/limits"_s.arg(p.processId()));
    QVERIFY(limits.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(limits.readAll());
    const QRegularExpression row(u"Max open files\\s+(\\d+)\\s+(\\d+)"_s);
    const auto m = row.match(text);
    QVERIFY2(m.hasMatch(), qPrintable(text));
    QCOMPARE(m.captured(1).toInt(), hardLimit); // soft raised to the hard limit
    QCOMPARE(m.captured(2).toInt(), hardLimit);

    const QString warning = u"the hard limit on open files is %1, below the %2 this config needs"_s
                                .arg(hardLimit)
                                .arg(workers + 256);
    QCOMPARE(QString::fromUtf8(log).contains(warning), expectWarning);

    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestFileLimit)
#include "tst_file_limit.moc"
