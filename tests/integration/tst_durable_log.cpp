// Build output the master has acknowledged is on disk: a simulated worker
// streams numbered lines (without waiting for answers, like the real worker)
// and records the answers; the master is killed with SIGKILL mid-stream and
// restarted, and every acknowledged line must be in the stored log.
#include "support/BuildLogs.h"
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"
#include "tools/SimWorker.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

#include <signal.h>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

const QString Worker = u"sim-00000"_s;

QJsonObject streamConfig()
{
    QJsonObject c = masterConfig({workerEntry(Worker)});
    const QJsonObject step{{u"type"_s, u"shell"_s},
                           {u"name"_s, u"stream"_s},
                           {u"command"_s, u"stream numbered lines"_s}};
    c.insert(u"builders"_s, QJsonArray{QJsonObject{{u"name"_s, u"out"_s},
                                                   {u"workernames"_s, QJsonArray{Worker}},
                                                   {u"steps"_s, QJsonArray{step}}}});
    return c;
}

} // namespace

class TestDurableLog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acknowledgedLinesSurviveKill();
};

void TestDurableLog::acknowledgedLinesSurviveKill()
{
    MasterProcess master(streamConfig());
    master.writeSecret(u"worker/"_s + Worker, "durable-Pw-9");
    QVERIFY(master.start());

    SimWorker sim({u"--port"_s, QString::number(master.port()), u"--password-env"_s, u"YM_SIM_PW"_s,
                   u"--stream-lines"_s, u"1000000"_s, u"--lines-per-update"_s, u"20"_s,
                   u"--stream-interval"_s, u"0.004"_s, u"--report-every"_s, u"200"_s},
                  {u"YM_SIM_PW=durable-Pw-9"_s});
    QVERIFY(sim.start());
    QVERIFY(master.waitForState(Worker, u"connected"_s, 60000));

    const MasterProcess::CtlResult forced = master.ctl({u"force"_s, u"out"_s, u"--json"_s});
    QCOMPARE(forced.exitCode, 0);

    // Let output flow until a few thousand lines are acknowledged.
    qint64 acked = -1;
    while (acked < 3000) {
        const QJsonObject r = sim.nextReport(60000);
        QVERIFY2(!r.isEmpty(), qPrintable(sim.errors()));
        QCOMPARE(r.value(u"event"_s).toString(), u"acked"_s);
        acked = qint64(r.value(u"acked_through"_s).toDouble());
    }
    const qint64 pid = master.pid();
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);

    // The worker's own count of acknowledged lines, final once its link ends.
    qint64 final = -1;
    for (;;) {
        const QJsonObject r = sim.nextReport(60000);
        QVERIFY2(!r.isEmpty(), "the simulated worker did not notice the master's death");
        final = qint64(r.value(u"acked_through"_s).toDouble());
        if (r.value(u"event"_s).toString() == u"closed"_s)
            break;
    }
    QVERIFY(final >= acked);
    sim.terminate();
    master.stop(10000);

    QVERIFY(master.start());
    const QJsonArray list =
        master.ctl({u"builds"_s, u"--json"_s}).json.value(u"builds"_s).toArray();
    qint64 buildId = -1;
    for (const QJsonValue& v : list)
        if (v.toObject().value(u"builder"_s).toString() == u"out"_s &&
            v.toObject().value(u"state"_s).toString() == u"finished"_s)
            buildId = qint64(v.toObject().value(u"id"_s).toDouble());
    QVERIFY(buildId > 0);
    const MasterProcess::CtlResult log =
        master.ctl({u"log"_s, QString::number(buildId), u"--json"_s}, 60000);
    QCOMPARE(log.exitCode, 0);
    const QString text = logTexts(log.json).value(u"stream/stdout"_s);
    const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(
        lines.size() > final,
        qPrintable(u"stored %1 lines, %2 were acknowledged"_s.arg(lines.size()).arg(final + 1)));
    for (qint64 n = 0; n <= final; ++n)
        QCOMPARE(lines[n], u"line %1"_s.arg(n));
    QCOMPARE(stepResult(log.json, u"stream"_s), u"exception"_s); // cut off by the crash
}

QTEST_GUILESS_MAIN(TestDurableLog)
#include "tst_durable_log.moc"
