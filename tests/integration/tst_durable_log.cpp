// Build output the master has acknowledged is on disk: a simulated worker
// streams numbered lines (without waiting for answers, like the real worker)
// and records the answers; the master is killed with SIGKILL mid-stream and
// restarted, and every acknowledged line must be in the stored log.
#include "control/ControlClient.h"
#include "support/BuildLogs.h"
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"
#include "tools/SimWorker.h"

#include <QJsonArray>
#include <QJsonDocument>
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
    void bigLogIsReadInPages();
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

// A log of several MB comes in pages ("more"): neither the master nor ctl
// builds one answer of the whole log; ctl log (plain and --json) gets it all.
void TestDurableLog::bigLogIsReadInPages()
{
    MasterProcess master(streamConfig());
    master.writeSecret(u"worker/"_s + Worker, "paging-Pw-2");
    QVERIFY(master.start());
    constexpr int Lines = 600000; // "line 123456" ~ 7 MB
    SimWorker sim({u"--port"_s, QString::number(master.port()), u"--password-env"_s, u"YM_SIM_PW"_s,
                   u"--stream-lines"_s, QString::number(Lines), u"--lines-per-update"_s, u"5000"_s,
                   u"--stream-interval"_s, u"0"_s, u"--report-every"_s, u"100000"_s},
                  {u"YM_SIM_PW=paging-Pw-2"_s});
    QVERIFY(sim.start());
    QVERIFY(master.waitForState(Worker, u"connected"_s, 60000));
    QCOMPARE(master.ctl({u"force"_s, u"out"_s}).exitCode, 0);
    qint64 buildId = -1;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QJsonArray list =
                master.ctl({u"builds"_s, u"--json"_s}).json.value(u"builds"_s).toArray();
            for (const QJsonValue& v : list)
                if (v.toObject().value(u"state"_s).toString() == u"finished"_s)
                    buildId = qint64(v.toObject().value(u"id"_s).toDouble());
            return buildId > 0;
        }(),
        120000);

    const ym::Result<QJsonObject> first = ym::controlRequest(
        master.controlSocket(),
        QJsonObject{{u"command"_s, u"log"_s}, {u"build"_s, double(buildId)}}, 60000);
    QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));
    QVERIFY2(first.value().value(u"more"_s).toBool(),
             QJsonDocument(first.value()).toJson().left(3000).constData());
    QVERIFY(!first.value().value(u"finished"_s).toBool());
    qsizetype pageText = 0;
    for (const QJsonValue& c : first.value().value(u"chunks"_s).toArray())
        pageText += c.toObject().value(u"text"_s).toString().size();
    QVERIFY2(pageText < 6 * 1024 * 1024, qPrintable(QString::number(pageText)));

    const MasterProcess::CtlResult json =
        master.ctl({u"log"_s, QString::number(buildId), u"--json"_s}, 120000);
    QCOMPARE(json.exitCode, 0);
    QVERIFY(json.json.value(u"finished"_s).toBool());
    const QStringList lines =
        logTexts(json.json).value(u"stream/stdout"_s).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), Lines);
    QCOMPARE(lines.first(), u"line 0"_s);
    QCOMPARE(lines.last(), u"line %1"_s.arg(Lines - 1));
    const MasterProcess::CtlResult plain =
        master.ctl({u"log"_s, QString::number(buildId), u"stream"_s}, 120000);
    QCOMPARE(plain.exitCode, 0);
    QVERIFY(plain.out.contains("line 0\n"));
    QVERIFY(plain.out.contains("line " + QByteArray::number(Lines - 1) + '\n'));
    sim.terminate();
}

QTEST_GUILESS_MAIN(TestDurableLog)
#include "tst_durable_log.moc"
