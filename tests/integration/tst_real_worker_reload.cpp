// `yardmaster ctl reload` (and SIGHUP) with real buildbot-workers attached:
// unchanged workers keep their connection, removed ones are dropped, added ones
// can attach; an invalid config is refused with its errors and changes nothing.
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

constexpr int AttachTimeoutMs = 60000;

QString linkOf(const QJsonObject& worker)
{
    return worker.value(u"link_id"_s).toVariant().toString();
}

QStringList workerNames(const QJsonObject& status)
{
    QStringList names;
    const QJsonArray workers = status.value(u"workers"_s).toArray();
    for (const QJsonValue& w : workers)
        names << w.toObject().value(u"name"_s).toString();
    names.sort();
    return names;
}

QJsonObject envPassword(const QString& var)
{
    return QJsonObject{{u"password"_s, QJsonObject{{u"env"_s, var}}}};
}

} // namespace

class TestRealWorkerReload final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addAndRemoveKeepsUnchanged();
    void invalidConfigIsRefused_data();
    void invalidConfigIsRefused();
    void sighupReloads();
};

void TestRealWorkerReload::addAndRemoveKeepsUnchanged()
{
    // bot-a: password from the secrets folder; bot-b: from the environment.
    MasterProcess m(masterConfig({workerEntry(u"bot-a"_s),
                                  workerEntry(u"bot-b"_s, envPassword(u"YM_TEST_PW_B"_s)),
                                  workerEntry(u"bot-d"_s, {{u"max_builds"_s, 1}})}));
    m.writeSecret(u"worker/bot-a"_s, "reload-Pw-a");
    m.writeSecret(u"worker/bot-d"_s, "reload-Pw-d");
    QVERIFY(m.start({u"YM_TEST_PW_B=reload-Pw-b"_s}));

    BuildbotWorker a(u"bot-a"_s, "reload-Pw-a", m.port());
    BuildbotWorker b(u"bot-b"_s, "reload-Pw-b", m.port());
    QVERIFY(a.create());
    QVERIFY(b.create());
    QVERIFY(a.start());
    QVERIFY(b.start());
    QVERIFY(m.waitForState(u"bot-a"_s, u"connected"_s, AttachTimeoutMs));
    QVERIFY(m.waitForState(u"bot-b"_s, u"connected"_s, AttachTimeoutMs));
    const QString linkA = linkOf(m.worker(u"bot-a"_s));
    QCOMPARE(m.worker(u"bot-a"_s).value(u"attach_count"_s).toInt(), 1);
    const auto closesSeenBy = [](const BuildbotWorker& w) {
        return w.log().count(u"Stopping factory"_s);
    };
    const qsizetype closesB = closesSeenBy(b);

    // New config: bot-a unchanged, bot-b removed, bot-c added, bot-d changed.
    m.writeSecret(u"worker/bot-c"_s, "reload-Pw-c");
    m.rewriteConfig(masterConfig({workerEntry(u"bot-a"_s), workerEntry(u"bot-c"_s),
                                  workerEntry(u"bot-d"_s, {{u"max_builds"_s, 3}})}));
    const MasterProcess::CtlResult r = m.ctl({u"reload"_s});
    QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());

    QTRY_COMPARE_WITH_TIMEOUT(workerNames(m.status()),
                              QStringList({u"bot-a"_s, u"bot-c"_s, u"bot-d"_s}), 15000);
    QCOMPARE(m.worker(u"bot-d"_s).value(u"max_builds"_s).toInt(), 3);
    QCOMPARE(m.worker(u"bot-c"_s).value(u"state"_s).toString(), u"disconnected"_s);

    // The removed worker's connection is closed; its retries are now refused.
    QTRY_VERIFY_WITH_TIMEOUT(closesSeenBy(b) > closesB, 20000);
    QVERIFY(m.waitForLog(u"unknown worker name"_s, 30000));

    // The unchanged worker kept its connection: no re-attach.
    for (int i = 0; i < 12; ++i) {
        const QJsonObject wk = m.worker(u"bot-a"_s);
        QCOMPARE(wk.value(u"state"_s).toString(), u"connected"_s);
        QCOMPARE(linkOf(wk), linkA);
        QCOMPARE(wk.value(u"attach_count"_s).toInt(), 1);
        QTest::qWait(250);
    }

    // The added worker attaches.
    BuildbotWorker c(u"bot-c"_s, "reload-Pw-c", m.port());
    QVERIFY(c.create());
    QVERIFY(c.start());
    QVERIFY(m.waitForState(u"bot-c"_s, u"connected"_s, AttachTimeoutMs));
    QCOMPARE(linkOf(m.worker(u"bot-a"_s)), linkA);
}

void TestRealWorkerReload::invalidConfigIsRefused_data()
{
    QTest::addColumn<QByteArray>("configText"); // written as is, when not empty
    QTest::addColumn<QJsonObject>("config");    // otherwise this, with the fill-ins
    QTest::addColumn<QStringList>("places");

    const QJsonObject newWorker = workerEntry(u"bot-z"_s);
    QTest::newRow("json syntax") << QByteArray(
                                        "{\n  \"master\": {\n    \"title\": \"x\",,\n  }\n}\n")
                                 << QJsonObject() << QStringList{u"master.json:3:"_s};
    QTest::newRow("two bad values")
        << QByteArray()
        << masterConfig({workerEntry(u"bot-a"_s, {{u"max_builds"_s, 0}}),
                         workerEntry(u"bot-z"_s, {{u"keepalive_interval"_s, u"often"_s}})})
        << QStringList{u"workers[0].max_builds"_s, u"workers[1].keepalive_interval"_s};
    QTest::newRow("duplicate name")
        << QByteArray() << masterConfig({workerEntry(u"bot-a"_s), newWorker, newWorker})
        << QStringList{u"workers[2].name"_s};
    QTest::newRow("unknown key")
        << QByteArray()
        << masterConfig({workerEntry(u"bot-a"_s, {{u"keepalive_intervall"_s, 5}}), newWorker})
        << QStringList{u"workers[0].keepalive_intervall"_s};
}

void TestRealWorkerReload::invalidConfigIsRefused()
{
    QFETCH(QByteArray, configText);
    QFETCH(QJsonObject, config);
    QFETCH(QStringList, places);

    MasterProcess m(masterConfig({workerEntry(u"bot-a"_s)}));
    m.writeSecret(u"worker/bot-a"_s, "bad-reload-Pw");
    m.writeSecret(u"worker/bot-z"_s, "bad-reload-Pw-z");
    QVERIFY(m.start());
    BuildbotWorker a(u"bot-a"_s, "bad-reload-Pw", m.port());
    QVERIFY(a.create());
    QVERIFY(a.start());
    QVERIFY(m.waitForState(u"bot-a"_s, u"connected"_s, AttachTimeoutMs));
    const QString linkA = linkOf(m.worker(u"bot-a"_s));

    if (!configText.isEmpty()) {
        QFile f(m.configPath());
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(f.write(configText), configText.size());
    } else {
        m.rewriteConfig(config);
    }
    // The master re-reads the file and refuses it (exit code 1, every error
    // with its place).
    const MasterProcess::CtlResult r = m.ctlViaSocket({u"reload"_s});
    QCOMPARE(r.exitCode, 1);
    const QString text = QString::fromUtf8(r.out + r.err);
    for (const QString& place : places)
        QVERIFY2(text.contains(place), qPrintable(u"no '%1' in: %2"_s.arg(place, text)));
    QVERIFY(!text.contains(u"bad-reload-Pw"_s));

    // `ctl --config FILE` needs that file to find the socket: it reports the
    // same errors itself and fails too.
    const MasterProcess::CtlResult viaConfig = m.ctl({u"reload"_s});
    QVERIFY(viaConfig.exitCode != 0);
    const QString text2 = QString::fromUtf8(viaConfig.out + viaConfig.err);
    for (const QString& place : places)
        QVERIFY2(text2.contains(place), qPrintable(u"no '%1' in: %2"_s.arg(place, text2)));

    // The running config stays: same workers, the connection untouched.
    QTest::qWait(1000);
    QCOMPARE(workerNames(m.status()), QStringList{u"bot-a"_s});
    const QJsonObject wk = m.worker(u"bot-a"_s);
    QCOMPARE(wk.value(u"state"_s).toString(), u"connected"_s);
    QCOMPARE(linkOf(wk), linkA);
    QVERIFY(wk.value(u"max_builds"_s).isNull());
}

void TestRealWorkerReload::sighupReloads()
{
    MasterProcess m(masterConfig({workerEntry(u"bot-a"_s)}));
    m.writeSecret(u"worker/bot-a"_s, "hup-Pw-a");
    m.writeSecret(u"worker/bot-h"_s, "hup-Pw-h");
    QVERIFY(m.start());
    m.rewriteConfig(masterConfig({workerEntry(u"bot-a"_s), workerEntry(u"bot-h"_s)}));
    QVERIFY(m.pid() > 0);
    QCOMPARE(::kill(pid_t(m.pid()), SIGHUP), 0);
    QTRY_COMPARE_WITH_TIMEOUT(workerNames(m.status()), QStringList({u"bot-a"_s, u"bot-h"_s}),
                              15000);

    BuildbotWorker h(u"bot-h"_s, "hup-Pw-h", m.port());
    QVERIFY(h.create());
    QVERIFY(h.start());
    QVERIFY(m.waitForState(u"bot-h"_s, u"connected"_s, AttachTimeoutMs));
    QVERIFY(m.stop());
    QCOMPARE(m.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestRealWorkerReload)
#include "tst_real_worker_reload.moc"
