// Smoke test of the load benchmark's generator (bench/loadgen, ym-loadgen)
// against a real `yardmaster --headless`: 200 simulated workers in two driver
// processes must all attach, none may be refused, the master's /proc figures
// must be read, keepalives must be answered; with a wrong password and
// --no-retry every worker is refused once and none attaches.
// Correctness only: speed is the benchmark's business.
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

constexpr int WorkerCount = 200;
const QString PasswordVar = u"YM_BENCH_SMOKE_PW"_s;
const QString Password = u"smoke-Pw-0815"_s;

int countInState(const QJsonObject& status, const QString& state)
{
    int n = 0;
    const QJsonArray workers = status.value(u"workers"_s).toArray();
    for (const QJsonValue& w : workers)
        n += w.toObject().value(u"state"_s).toString() == state ? 1 : 0;
    return n;
}

qint64 keepalivesAnswered(const QJsonObject& status)
{
    qint64 n = 0;
    const QJsonArray workers = status.value(u"workers"_s).toArray();
    for (const QJsonValue& w : workers)
        n += w.toObject().value(u"keepalives_answered"_s).toInteger();
    return n;
}

// ym-loadgen with the password in `passwordVar` of its environment.
void startLoadgen(QProcess& p, const QStringList& args, const QString& password)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(PasswordVar, password);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(YM_LOADGEN_EXE), args);
}

// The one JSON line ym-loadgen prints on stdout with --json.
QJsonObject reportOf(QProcess& p)
{
    const QList<QByteArray> lines = p.readAllStandardOutput().trimmed().split('\n');
    return lines.size() == 1 ? QJsonDocument::fromJson(lines.first()).object() : QJsonObject{};
}

} // namespace

class TestBenchSmoke final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void twoHundredWorkersAttach();
    void wrongPasswordIsRefused();

private:
    std::unique_ptr<MasterProcess> m_master;
};

void TestBenchSmoke::initTestCase()
{
    QJsonArray workers;
    for (int i = 0; i < WorkerCount; ++i) {
        workers.append(QJsonObject{
            {u"name"_s, u"w%1"_s.arg(i, 5, 10, QChar(u'0'))},
            {u"password"_s, QJsonObject{{u"env"_s, PasswordVar}}},
            {u"keepalive_interval"_s, 1},
        });
    }
    m_master = std::make_unique<MasterProcess>(masterConfig(workers));
    QVERIFY(m_master->start({PasswordVar + u'=' + Password}));
    QVERIFY(m_master->port() > 0);
    QCOMPARE(countInState(m_master->status(), u"disconnected"_s), WorkerCount);
}

void TestBenchSmoke::twoHundredWorkersAttach()
{
    // A long --hold, ended by SIGTERM once the master has seen everything:
    // the tool then stops its drivers and reports.
    QProcess gen;
    startLoadgen(gen,
                 {u"--host"_s, u"127.0.0.1"_s, u"--port"_s, QString::number(m_master->port()),
                  u"--count"_s, QString::number(WorkerCount), u"--procs"_s, u"2"_s,
                  u"--password-env"_s, PasswordVar, u"--master-pid"_s,
                  QString::number(m_master->pid()), u"--timeout"_s, u"120"_s, u"--hold"_s, u"600"_s,
                  u"--json"_s},
                 Password);
    QVERIFY2(gen.waitForStarted(10000), qPrintable(gen.errorString()));

    QTRY_COMPARE_WITH_TIMEOUT(countInState(m_master->status(), u"connected"_s), WorkerCount,
                              150000);
    // keepalive_interval 1: the master soon has answers to its keepalives.
    QTRY_VERIFY_WITH_TIMEOUT(keepalivesAnswered(m_master->status()) > 0, 60000);
    QCOMPARE(gen.state(), QProcess::Running);

    gen.terminate();
    QVERIFY(gen.waitForFinished(60000));
    const QByteArray err = gen.readAllStandardError();
    const QJsonObject r = reportOf(gen);
    QVERIFY2(!r.isEmpty(), err.constData());
    qInfo().noquote() << "ym-loadgen report:"
                      << QString::fromUtf8(QJsonDocument(r).toJson(QJsonDocument::Compact));
    QCOMPARE(gen.exitStatus(), QProcess::NormalExit);
    QCOMPARE(gen.exitCode(), 0);
    QCOMPARE(r.value(u"count"_s).toInt(), WorkerCount);
    QCOMPARE(r.value(u"attached"_s).toInt(), WorkerCount);
    QCOMPARE(r.value(u"never_attached"_s).toInt(), 0);
    QCOMPARE(r.value(u"refused"_s).toInt(), 0);
    QCOMPARE(r.value(u"disconnects"_s).toInt(), 0);
    QCOMPARE(r.value(u"connected_at_end"_s).toInt(), WorkerCount);
    QVERIFY(r.value(u"keepalives_answered"_s).toInt() > 0);
    QVERIFY(!r.value(u"all_attached_s"_s).isNull());
    const QJsonObject ms = r.value(u"attach_ms"_s).toObject();
    QVERIFY(ms.value(u"p50"_s).toDouble() <= ms.value(u"max"_s).toDouble());
    const QJsonObject master = r.value(u"master"_s).toObject();
    QVERIFY(master.value(u"rss_kb_peak"_s).toDouble() > 0);
    QVERIFY(master.value(u"rss_kb_peak"_s).toDouble() >=
            master.value(u"rss_kb_start"_s).toDouble());
    QVERIFY(master.value(u"cpu_s_attach"_s).toDouble() >= 0);

    // Every worker attached exactly once; the drivers' exit disconnects them.
    const QJsonObject one = m_master->worker(u"w00199"_s);
    QCOMPARE(one.value(u"info"_s).toObject().value(u"version"_s).toString(), u"3.7.0"_s);
    QCOMPARE(one.value(u"attach_count"_s).toInt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(countInState(m_master->status(), u"connected"_s), 0, 60000);
}

void TestBenchSmoke::wrongPasswordIsRefused()
{
    QProcess gen;
    startLoadgen(gen,
                 {u"--port"_s, QString::number(m_master->port()), u"--count"_s, u"5"_s,
                  u"--password-env"_s, PasswordVar, u"--no-retry"_s, u"--timeout"_s, u"120"_s,
                  u"--json"_s},
                 u"not-the-password"_s);
    QVERIFY2(gen.waitForStarted(10000), qPrintable(gen.errorString()));
    QVERIFY(gen.waitForFinished(180000));
    const QByteArray err = gen.readAllStandardError();
    const QJsonObject r = reportOf(gen);
    QVERIFY2(!r.isEmpty(), err.constData());
    QCOMPARE(gen.exitCode(), 1); // not everyone attached
    QCOMPARE(r.value(u"count"_s).toInt(), 5);
    QCOMPARE(r.value(u"refused"_s).toInt(), 5);
    QCOMPARE(r.value(u"attached"_s).toInt(), 0);
    QCOMPARE(r.value(u"never_attached"_s).toInt(), 5);
    QCOMPARE(r.value(u"retries"_s).toInt(), 0);
    QVERIFY(r.value(u"all_attached_s"_s).isNull());
    QCOMPARE(countInState(m_master->status(), u"connected"_s), 0);
}

QTEST_GUILESS_MAIN(TestBenchSmoke)
#include "tst_bench_smoke.moc"
