// Hostile input against a real `yardmaster --headless`: one bad input per row,
// sent by tests/tools/simworker.py --hostile MODE, while a normal simulated
// worker stays attached. The master must answer as the protocol says (HTTP
// status, WebSocket close code, error response, or dropping the message), keep
// the normal worker's connection, accept a new worker, and stay alive.
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"
#include "tools/SimWorker.h"

#include <QJsonArray>
#include <QTest>

#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

const QString PasswordVar = u"YM_SIM_PW"_s;
const QString Password = u"hostile-Pw-0815"_s;
const QStringList Env{PasswordVar + u'=' + Password};

// Every mode of simworker.py --hostile; each uses its own worker name.
const QStringList Modes{
    u"malformed-http"_s,  u"oversized-header"_s,  u"incomplete-http"_s,
    u"no-auth"_s,         u"bad-basic"_s,         u"basic-no-colon"_s,
    u"wrong-password"_s,  u"unknown-worker"_s,    u"unmasked-frame"_s,
    u"oversized-frame"_s, u"reserved-opcode"_s,   u"rsv-bits"_s,
    u"invalid-msgpack"_s, u"truncated-msgpack"_s, u"non-map"_s,
    u"invalid-utf8"_s,    u"deep-nesting"_s,      u"ext-type"_s,
    u"missing-op"_s,      u"missing-seq"_s,       u"text-frame"_s,
    u"unknown-op"_s,      u"unknown-response"_s,  u"unknown-command-update"_s,
};

QJsonObject passwordRef()
{
    return QJsonObject{{u"env"_s, PasswordVar}};
}

QStringList simArgs(quint16 port, const QString& name)
{
    return {u"--port"_s,         QString::number(port),
            u"--count"_s,        u"1"_s,
            u"--name-format"_s,  name,
            u"--password-env"_s, PasswordVar,
            u"--report-json"_s};
}

} // namespace

class TestHostileInput final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hostile_data();
    void hostile();
    void cleanupTestCase();

private:
    std::unique_ptr<MasterProcess> m_master;
    std::unique_ptr<SimWorker> m_normal;
    qint64 m_normalLink = 0;
};

void TestHostileInput::initTestCase()
{
    QJsonArray workers{
        QJsonObject{{u"name"_s, u"normal-0"_s}, {u"password"_s, passwordRef()}},
        QJsonObject{{u"name"_s, u"fresh-0"_s}, {u"password"_s, passwordRef()}},
    };
    for (const QString& mode : Modes)
        workers.append(
            QJsonObject{{u"name"_s, u"hostile-"_s + mode}, {u"password"_s, passwordRef()}});
    m_master = std::make_unique<MasterProcess>(masterConfig(workers));
    QVERIFY(m_master->start(Env));

    m_normal = std::make_unique<SimWorker>(
        simArgs(m_master->port(), u"normal-0"_s) +
            QStringList{u"--until-attached"_s, u"--timeout"_s, u"60"_s, u"--hold"_s, u"3600"_s},
        Env);
    QVERIFY(m_normal->start());
    const QJsonObject report = m_normal->nextReport(120000);
    QVERIFY2(report.value(u"attached"_s).toInt() == 1, qPrintable(m_normal->errors()));
    QVERIFY(m_master->waitForState(u"normal-0"_s, u"connected"_s, 30000));
    m_normalLink = m_master->worker(u"normal-0"_s).value(u"link_id"_s).toInteger();
    QVERIFY(m_normalLink != 0);
}

void TestHostileInput::hostile_data()
{
    QTest::addColumn<QString>("mode");
    // Outcomes simworker.py may report that are correct for this input.
    QTest::addColumn<QStringList>("accepted");
    QTest::addColumn<int>("closeCode");     // the WebSocket close code when "closed"; 0: none
    QTest::addColumn<QString>("errorText"); // part of the error response; empty: none
    QTest::addColumn<QString>("logText");   // the master's log names the reason

    const QStringList closed{u"closed"_s};
    const QString none;
    // Before the upgrade: HTTP answers, then the connection closes.
    QTest::newRow("malformed-http")
        << u"malformed-http"_s << QStringList{u"http-400"_s} << 0 << none << none;
    QTest::newRow("oversized-header")
        << u"oversized-header"_s << QStringList{u"http-400"_s, u"http-431"_s} << 0 << none << none;
    // A request that never completes is dropped after a few seconds.
    QTest::newRow("incomplete-http")
        << u"incomplete-http"_s << QStringList{u"closed"_s, u"http-408"_s} << 0 << none << none;
    QTest::newRow("no-auth") << u"no-auth"_s << QStringList{u"http-401"_s} << 0 << none << none;
    QTest::newRow("bad-basic") << u"bad-basic"_s << QStringList{u"http-400"_s} << 0 << none << none;
    QTest::newRow("basic-no-colon")
        << u"basic-no-colon"_s << QStringList{u"http-400"_s} << 0 << none << none;
    QTest::newRow("wrong-password")
        << u"wrong-password"_s << QStringList{u"http-401"_s} << 0 << none << u"wrong password"_s;
    QTest::newRow("unknown-worker") << u"unknown-worker"_s << QStringList{u"http-401"_s} << 0
                                    << none << u"unknown worker name"_s;
    // Broken WebSocket framing: close with the RFC 6455 code.
    QTest::newRow("unmasked-frame") << u"unmasked-frame"_s << closed << 1002 << none << none;
    QTest::newRow("oversized-frame") << u"oversized-frame"_s << closed << 1009 << none << none;
    QTest::newRow("reserved-opcode") << u"reserved-opcode"_s << closed << 1002 << none << none;
    QTest::newRow("rsv-bits") << u"rsv-bits"_s << closed << 1002 << none << none;
    // Frames whose msgpack cannot be a message: close with 1007 (invalid data).
    QTest::newRow("invalid-msgpack") << u"invalid-msgpack"_s << closed << 1007 << none << none;
    QTest::newRow("truncated-msgpack") << u"truncated-msgpack"_s << closed << 1007 << none << none;
    QTest::newRow("non-map") << u"non-map"_s << closed << 1007 << none << none;
    QTest::newRow("invalid-utf8") << u"invalid-utf8"_s << closed << 1007 << none << none;
    QTest::newRow("deep-nesting") << u"deep-nesting"_s << closed << 1007 << none << none;
    QTest::newRow("ext-type") << u"ext-type"_s << closed << 1007 << none << none;
    // Messages the protocol says to drop, and text frames: ignored, the attach completes.
    const QStringList attached{u"attached"_s};
    QTest::newRow("missing-op") << u"missing-op"_s << attached << 0 << none << none;
    QTest::newRow("missing-seq") << u"missing-seq"_s << attached << 0 << none << none;
    QTest::newRow("text-frame") << u"text-frame"_s << attached << 0 << none << none;
    // Requests the master cannot serve: an error response, and the attach completes.
    QTest::newRow("unknown-op") << u"unknown-op"_s << QStringList{u"error-response"_s} << 0
                                << u"Command frobnicate does not exist."_s << none;
    QTest::newRow("unknown-command-update")
        << u"unknown-command-update"_s << QStringList{u"error-response"_s} << 0
        << u"no-such-command"_s << none;
    // A response nobody asked for: the protocol says nothing; ignoring it or
    // closing are both sound, as long as the master keeps serving.
    QTest::newRow("unknown-response")
        << u"unknown-response"_s << QStringList{u"attached"_s, u"closed"_s} << 0 << none << none;
}

void TestHostileInput::hostile()
{
    QFETCH(QString, mode);
    QFETCH(QStringList, accepted);
    QFETCH(int, closeCode);
    QFETCH(QString, errorText);
    QFETCH(QString, logText);
    QVERIFY(m_master);
    const quint16 port = m_master->port();

    QString errors;
    const QJsonObject r =
        runSimWorker(simArgs(port, u"hostile-"_s + mode) +
                         QStringList{u"--hostile"_s, mode, u"--hostile-wait"_s, u"20"_s},
                     Env, 90000, &errors);
    QVERIFY2(!r.isEmpty(), qPrintable(u"no report from simworker.py: "_s + errors));
    const QString outcome = r.value(u"outcome"_s).toString();
    const QString shown = QString::fromUtf8(QJsonDocument(r).toJson(QJsonDocument::Compact));
    QVERIFY2(accepted.contains(outcome), qPrintable(shown));

    if (outcome.startsWith(u"http-"_s)) // a refusal, then the master hangs up
        QVERIFY2(r.value(u"closed"_s).toBool(), qPrintable(shown));
    if (outcome == u"closed"_s && closeCode != 0)
        QVERIFY2(r.value(u"close_code"_s).toInt() == closeCode, qPrintable(shown));
    if (!errorText.isEmpty()) {
        QVERIFY2(r.value(u"error_response"_s).toString().contains(errorText), qPrintable(shown));
        QVERIFY2(r.value(u"attached"_s).toBool(), qPrintable(shown));
    }
    if (!logText.isEmpty())
        QVERIFY(m_master->waitForLog(logText, 10000));

    // The master is alive and still serving: the normal worker kept its link ...
    QCOMPARE(::kill(pid_t(m_master->pid()), 0), 0);
    QVERIFY(m_normal->running());
    const QJsonObject normal = m_master->worker(u"normal-0"_s);
    QCOMPARE(normal.value(u"state"_s).toString(), u"connected"_s);
    QCOMPARE(normal.value(u"link_id"_s).toInteger(), m_normalLink);
    QCOMPARE(normal.value(u"attach_count"_s).toInt(), 1);

    // ... and a new worker still attaches.
    const QJsonObject fresh = runSimWorker(
        simArgs(port, u"fresh-0"_s) + QStringList{u"--until-attached"_s, u"--timeout"_s, u"60"_s},
        Env, 90000, &errors);
    QVERIFY2(fresh.value(u"attached"_s).toInt() == 1, qPrintable(errors));
}

void TestHostileInput::cleanupTestCase()
{
    if (m_normal)
        QVERIFY(m_normal->terminate());
    if (m_master) {
        QCOMPARE(::kill(pid_t(m_master->pid()), 0), 0);
        QVERIFY(m_master->stop(15000));
    }
}

QTEST_GUILESS_MAIN(TestHostileInput)
#include "tst_hostile_input.moc"
