// A real, unmodified buildbot-worker 3.7 attaching to a real `yardmaster --headless`:
// attach and reported info, refusals, keepalives, a killed worker.
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

constexpr int AttachTimeoutMs = 60000;

QString readInfoFile(const BuildbotWorker& w, const QString& name)
{
    QFile f(w.dir() + u"/info/"_s + name);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).trimmed();
}

} // namespace

class TestRealWorkerAttach final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void attaches();
    void refused_data();
    void refused();
    void keepaliveEverySecond();
    void keepaliveDisabled();
    void killedWorkerIsDisconnected();
};

void TestRealWorkerAttach::attaches()
{
    const QByteArray password = "attach-Pw-71";
    MasterProcess m(masterConfig({workerEntry(u"bot-linux"_s)}));
    m.writeSecret(u"worker/bot-linux"_s, password);
    QVERIFY(m.start());
    QVERIFY(m.port() > 0);

    // Configured but not yet attached.
    QCOMPARE(m.worker(u"bot-linux"_s).value(u"state"_s).toString(), u"disconnected"_s);

    BuildbotWorker w(u"bot-linux"_s, password, m.port());
    QVERIFY(w.create());
    QVERIFY(w.start());
    QVERIFY(m.waitForState(u"bot-linux"_s, u"connected"_s, AttachTimeoutMs));

    const QJsonObject st = m.status();
    QCOMPARE(st.value(u"ok"_s).toBool(), true);
    QCOMPARE(st.value(u"port"_s).toInt(), int(m.port()));
    QCOMPARE(st.value(u"title"_s).toString(), u"Yardmaster test"_s);

    const QJsonObject wk = m.worker(u"bot-linux"_s);
    QVERIFY(wk.value(u"peer"_s).toString().contains(u"127.0.0.1"_s));
    QVERIFY(!wk.value(u"connected_since"_s).toString().isEmpty());
    QCOMPARE(wk.value(u"attach_count"_s).toInt(), 1);

    const QJsonObject info = wk.value(u"info"_s).toObject();
    // Debian's worker reports its package version, e.g. "3.7.0-2": the same
    // text it logs at start-up.
    const QString version = info.value(u"version"_s).toString();
    QVERIFY2(version.startsWith(u"3.7.0"_s), qPrintable(version));
    QVERIFY(w.log().contains(u"Starting Worker -- version: "_s + version));
    const QString admin = readInfoFile(w, u"admin"_s);
    const QString host = readInfoFile(w, u"host"_s);
    QVERIFY(!admin.isEmpty());
    QVERIFY(!host.isEmpty());
    QCOMPARE(info.value(u"admin"_s).toString().trimmed(), admin);
    QCOMPARE(info.value(u"host"_s).toString().trimmed(), host);
    QCOMPARE(info.value(u"basedir"_s).toString(), w.dir());
    QCOMPARE(info.value(u"system"_s).toString(), u"posix"_s);
    QVERIFY(info.value(u"numcpus"_s).toInt() >= 1);

    // The human-readable status names the worker and its state too.
    const MasterProcess::CtlResult text = m.ctl({u"status"_s});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("bot-linux"));
    QVERIFY(text.out.contains("connected"));

    // The password never reaches the log.
    QVERIFY(!m.log().contains(QString::fromUtf8(password)));
}

void TestRealWorkerAttach::refused_data()
{
    QTest::addColumn<QString>("workerName");
    QTest::addColumn<QByteArray>("workerPassword");
    QTest::addColumn<QString>("reason");

    QTest::newRow("wrong password")
        << u"bot-a"_s << QByteArray("not-the-Pw-3") << u"wrong password"_s;
    QTest::newRow("unknown name") << u"bot-ghost"_s << QByteArray("right-Pw-3")
                                  << u"unknown worker name"_s;
}

void TestRealWorkerAttach::refused()
{
    QFETCH(QString, workerName);
    QFETCH(QByteArray, workerPassword);
    QFETCH(QString, reason);

    MasterProcess m(masterConfig({workerEntry(u"bot-a"_s)}));
    m.writeSecret(u"worker/bot-a"_s, "right-Pw-3");
    QVERIFY(m.start());

    BuildbotWorker w(workerName, workerPassword, m.port());
    QVERIFY(w.create());
    QVERIFY(w.start());

    // The worker gets a 401 and keeps retrying every 1-2 s.
    QVERIFY(w.waitForLog(u"[401]"_s, AttachTimeoutMs));
    QVERIFY(m.waitForLog(reason, 15000));

    // Never shown as connected (nor attaching) while it retries for ~10 s.
    for (int i = 0; i < 40; ++i) {
        const QJsonObject wk = m.worker(workerName);
        if (workerName == u"bot-a"_s) {
            QCOMPARE(wk.value(u"state"_s).toString(), u"disconnected"_s);
        } else {
            QVERIFY2(wk.isEmpty(), "an unknown worker must not appear in the status");
        }
        QTest::qWait(250);
    }

    const QString masterLog = m.log();
    const QStringList lines = linesWith(masterLog, {reason});
    QVERIFY(!lines.isEmpty());
    // The first refusal names the worker and the peer address.
    QVERIFY2(lines.first().contains(workerName), qPrintable(lines.first()));
    QVERIFY2(lines.first().contains(u"127.0.0.1"_s), qPrintable(lines.first()));

    // Repeats are summarized, not logged one line each.
    const int retries = int(w.log().count(u"failing WebSocket opening handshake"_s));
    QVERIFY2(retries >= 3, qPrintable(u"only %1 attempts"_s.arg(retries)));
    QVERIFY2(lines.size() < retries,
             qPrintable(u"%1 log lines for %2 refusals"_s.arg(lines.size()).arg(retries)));

    // No secret in the log, neither the right one nor the one tried.
    QVERIFY(!masterLog.contains(u"right-Pw-3"_s));
    QVERIFY(!masterLog.contains(QString::fromUtf8(workerPassword)));
}

void TestRealWorkerAttach::keepaliveEverySecond()
{
    MasterProcess m(masterConfig({workerEntry(u"bot-k"_s, {{u"keepalive_interval"_s, 1}})}));
    m.writeSecret(u"worker/bot-k"_s, "keep-Pw-1");
    QVERIFY(m.start());
    BuildbotWorker w(u"bot-k"_s, "keep-Pw-1", m.port());
    QVERIFY(w.create());
    QVERIFY(w.start());
    QVERIFY(m.waitForState(u"bot-k"_s, u"connected"_s, AttachTimeoutMs));
    QCOMPARE(m.worker(u"bot-k"_s).value(u"keepalive_interval"_s).toInt(), 1);

    // Three answered keepalives take ~3 s; allow for a loaded machine.
    QTRY_VERIFY_WITH_TIMEOUT(m.worker(u"bot-k"_s).value(u"keepalives_answered"_s).toInt() >= 3,
                             15000);
    const QJsonObject wk = m.worker(u"bot-k"_s);
    QVERIFY(wk.value(u"keepalives_sent"_s).toInt() >= wk.value(u"keepalives_answered"_s).toInt());
    QVERIFY(!wk.value(u"last_keepalive_answered"_s).toString().isEmpty());
    QVERIFY(wk.value(u"last_keepalive_rtt_ms"_s).toDouble() >= 0);
    QCOMPARE(wk.value(u"state"_s).toString(), u"connected"_s);
    QCOMPARE(wk.value(u"attach_count"_s).toInt(), 1);
}

void TestRealWorkerAttach::keepaliveDisabled()
{
    MasterProcess m(
        masterConfig({workerEntry(u"bot-n"_s, {{u"keepalive_interval"_s, QJsonValue::Null}})}));
    m.writeSecret(u"worker/bot-n"_s, "keep-Pw-2");
    QVERIFY(m.start());
    BuildbotWorker w(u"bot-n"_s, "keep-Pw-2", m.port());
    QVERIFY(w.create());
    QVERIFY(w.start());
    QVERIFY(m.waitForState(u"bot-n"_s, u"connected"_s, AttachTimeoutMs));
    QVERIFY(m.worker(u"bot-n"_s).value(u"keepalive_interval"_s).isNull());

    QTest::qWait(4000);
    const QJsonObject wk = m.worker(u"bot-n"_s);
    QCOMPARE(wk.value(u"keepalives_sent"_s).toInt(), 0);
    QCOMPARE(wk.value(u"keepalives_answered"_s).toInt(), 0);
    QCOMPARE(wk.value(u"state"_s).toString(), u"connected"_s);
}

void TestRealWorkerAttach::killedWorkerIsDisconnected()
{
    MasterProcess m(masterConfig({workerEntry(u"bot-kill"_s)},
                                 {{u"ping_interval"_s, 2}, {u"ping_timeout"_s, 2}}));
    m.writeSecret(u"worker/bot-kill"_s, "kill-Pw-9");
    QVERIFY(m.start());
    BuildbotWorker w(u"bot-kill"_s, "kill-Pw-9", m.port());
    QVERIFY(w.create());
    QVERIFY(w.start());
    QVERIFY(m.waitForState(u"bot-kill"_s, u"connected"_s, AttachTimeoutMs));
    const QString firstLink = m.worker(u"bot-kill"_s).value(u"link_id"_s).toVariant().toString();

    w.kill9();
    // The liveness deadline is ping_interval + ping_timeout = 4 s (EOF is seen at
    // once anyway); the bound is generous for a loaded machine.
    QVERIFY(m.waitForState(u"bot-kill"_s, u"disconnected"_s, 20000));
    QJsonObject wk = m.worker(u"bot-kill"_s);
    QVERIFY(!wk.value(u"disconnected_at"_s).toString().isEmpty());
    QVERIFY(!wk.value(u"last_disconnect_reason"_s).toString().isEmpty());

    // The same worker started again attaches again, on a new link.
    QVERIFY(w.start());
    QVERIFY(m.waitForState(u"bot-kill"_s, u"connected"_s, AttachTimeoutMs));
    wk = m.worker(u"bot-kill"_s);
    QCOMPARE(wk.value(u"attach_count"_s).toInt(), 2);
    QVERIFY(wk.value(u"link_id"_s).toVariant().toString() != firstLink);
}

QTEST_GUILESS_MAIN(TestRealWorkerAttach)
#include "tst_real_worker_attach.moc"
