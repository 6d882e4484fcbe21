// A burst: 1,000 simulated workers (tests/tools/simworker.py) connect to a real
// `yardmaster --headless` at the same moment. All must attach within 60 s, none
// may be refused, and `ctl status --json` must then show 1,000 connected.
// Correctness only: speed is the benchmark's business.
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"
#include "tools/SimWorker.h"

#include <QJsonArray>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

constexpr int WorkerCount = 1000;
constexpr int AttachLimitS = 60;
const QString PasswordVar = u"YM_SIM_PW"_s;
const QString Password = u"burst-Pw-4711"_s;

int countInState(const QJsonObject& status, const QString& state)
{
    int n = 0;
    const QJsonArray workers = status.value(u"workers"_s).toArray();
    for (const QJsonValue& w : workers)
        n += w.toObject().value(u"state"_s).toString() == state ? 1 : 0;
    return n;
}

} // namespace

class TestBurst final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void thousandWorkersAttachAtOnce();
};

void TestBurst::thousandWorkersAttachAtOnce()
{
    QJsonArray workers;
    for (int i = 0; i < WorkerCount; ++i) {
        workers.append(QJsonObject{
            {u"name"_s, u"sim-%1"_s.arg(i, 5, 10, QChar(u'0'))},
            {u"password"_s, QJsonObject{{u"env"_s, PasswordVar}}},
        });
    }
    MasterProcess m(masterConfig(workers));
    const QStringList env{PasswordVar + u'=' + Password};
    QVERIFY(m.start(env));
    QVERIFY(m.port() > 0);
    QCOMPARE(countInState(m.status(), u"disconnected"_s), WorkerCount);

    SimWorker sim({u"--port"_s, QString::number(m.port()), u"--count"_s,
                   QString::number(WorkerCount), u"--name-format"_s, u"sim-{i:05d}"_s,
                   u"--password-env"_s, PasswordVar, u"--rate"_s, u"0"_s, u"--until-attached"_s,
                   u"--timeout"_s, QString::number(AttachLimitS), u"--hold"_s, u"600"_s,
                   u"--report-json"_s},
                  env);
    QVERIFY(sim.start());
    // The tool gives up after AttachLimitS; the rest is python's own start-up.
    const QJsonObject report = sim.nextReport((AttachLimitS + 120) * 1000);
    QVERIFY2(!report.isEmpty(), qPrintable(u"no report from simworker.py: "_s + sim.errors()));
    qInfo().noquote() << "simworker report:"
                      << QString::fromUtf8(QJsonDocument(report).toJson(QJsonDocument::Compact));

    QCOMPARE(report.value(u"count"_s).toInt(), WorkerCount);
    QCOMPARE(report.value(u"refused"_s).toInt(), 0);
    QCOMPARE(report.value(u"connect_errors"_s).toInt(), 0);
    QCOMPARE(report.value(u"never_attached"_s).toInt(), 0);
    QCOMPARE(report.value(u"attached"_s).toInt(), WorkerCount);
    QVERIFY(report.value(u"elapsed_s"_s).toDouble() <= AttachLimitS);

    // Every simulated worker answered the master's last print; the master's
    // own view follows as soon as it has processed those answers.
    QTRY_COMPARE_WITH_TIMEOUT(countInState(m.status(), u"connected"_s), WorkerCount, 30000);
    const QJsonObject one = m.worker(u"sim-00999"_s);
    QCOMPARE(one.value(u"info"_s).toObject().value(u"version"_s).toString(), u"3.7.0"_s);
    QCOMPARE(one.value(u"attach_count"_s).toInt(), 1);

    // The master is still alive and answering, and nothing was refused on the way.
    QVERIFY(m.pid() > 0);
    QCOMPARE(::kill(pid_t(m.pid()), 0), 0);
    QVERIFY(!m.log().contains(u"wrong password"_s));

    QVERIFY(sim.terminate());
    QTRY_COMPARE_WITH_TIMEOUT(countInState(m.status(), u"connected"_s), 0, 60000);
    QVERIFY(m.stop(15000));
}

QTEST_GUILESS_MAIN(TestBurst)
#include "tst_burst.moc"
