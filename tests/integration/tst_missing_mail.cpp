// Missing-worker notices end to end: a real buildbot-worker, the real
// `yardmaster --headless`, and a real SMTP server (aiosmtpd) capturing mail.
#include "support/MasterProcess.h"
#include "support/SmtpSink.h"
#include "support/TestConfigs.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QLocale>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

constexpr int AttachTimeoutMs = 60000;
constexpr int DetachTimeoutMs = 20000;

// A master config with worker `name` (notify_on_missing, missing_timeout) and
// a `mail` section pointing at 127.0.0.1:port.
QJsonObject mailConfig(const QString& name, const QJsonArray& notify, int timeout, quint16 port,
                       const QJsonObject& mailExtra = {})
{
    QJsonObject c = masterConfig(
        {workerEntry(name, {{u"notify_on_missing"_s, notify}, {u"missing_timeout"_s, timeout}})},
        {{u"ping_interval"_s, 2}, {u"ping_timeout"_s, 2}});
    QJsonObject mail{{u"fromaddr"_s, u"Yardmaster Test <ym@example.org>"_s},
                     {u"relayhost"_s, u"127.0.0.1"_s},
                     {u"port"_s, int(port)},
                     {u"builders"_s, QJsonArray{}}};
    for (auto it = mailExtra.begin(); it != mailExtra.end(); ++it)
        mail.insert(it.key(), it.value());
    c.insert(u"mail"_s, mail);
    return c;
}

QString readInfo(const BuildbotWorker& w, const QString& name)
{
    QFile f(w.dir() + u"/info/"_s + name);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).simplified() : QString();
}

qint64 isoMs(const QJsonValue& v)
{
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
}

// RFC 5322 date of a received message ("Sat, 28 Nov 2026 01:02:03 +0000"), in
// ms since the epoch.
qint64 dateMs(const SmtpSink::Message& m)
{
    const QString text = m.header(u"Date"_s);
    QDateTime t = QLocale::c().toDateTime(text.section(u' ', 0, 4), u"ddd, dd MMM yyyy hh:mm:ss"_s);
    t.setTimeSpec(Qt::UTC);
    const QString zone = text.section(u' ', 5, 5);
    const int sign = zone.startsWith(u'-') ? -1 : 1;
    const int offsetSeconds = sign * (zone.mid(1, 2).toInt() * 3600 + zone.mid(3, 2).toInt() * 60);
    return t.isValid() ? t.toMSecsSinceEpoch() - qint64(offsetSeconds) * 1000 : 0;
}

QStringList eventKinds(const MasterProcess& m, const QString& worker)
{
    QStringList kinds;
    const QJsonArray events = m.ctl({u"events"_s, u"--json"_s}).json.value(u"events"_s).toArray();
    for (const QJsonValue& e : events) {
        if (worker.isEmpty() || e.toObject().value(u"worker"_s).toString() == worker)
            kinds << e.toObject().value(u"kind"_s).toString();
    }
    return kinds;
}

QString eventText(const MasterProcess& m, const QString& kind)
{
    QStringList out;
    const QJsonArray events = m.ctl({u"events"_s, u"--json"_s}).json.value(u"events"_s).toArray();
    for (const QJsonValue& e : events) {
        if (e.toObject().value(u"kind"_s).toString() == kind)
            out << e.toObject().value(u"message"_s).toString();
    }
    return out.join(u'\n');
}

// A worker attached to `m`, then killed: returns when the master saw it go,
// with the master's disconnected_at in `lostMs`.
bool attachAndKill(MasterProcess& m, BuildbotWorker& w, const QString& name, qint64* lostMs)
{
    if (!w.start() || !m.waitForState(name, u"connected"_s, AttachTimeoutMs))
        return false;
    w.kill9();
    if (!m.waitForState(name, u"disconnected"_s, DetachTimeoutMs))
        return false;
    *lostMs = isoMs(m.worker(name).value(u"disconnected_at"_s));
    return *lostMs > 0;
}

} // namespace

class TestMissingMail final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noticeOncePerAddress();
    void reconnectInTimeSendsNothing();
    void twoLossesTwoNotices();
    void masterRestartedDuringWindow();
    void reloadWithoutAddressesCancels();
    void smtpDownThenUp();
    void permanentRefusalIsNotRetried();
    void testMailArrives_data();
    void testMailArrives();
    void testMailToClosedPort();
    void engineServesWhileSmtpHangs();
};

void TestMissingMail::noticeOncePerAddress()
{
    SmtpSink sink;
    QVERIFY(sink.start());
    const QString name = u"bot-miss"_s;
    MasterProcess m(
        mailConfig(name, {u"ops@example.org"_s, u"admin@bücher.example"_s}, 2, sink.port()));
    m.writeSecret(u"worker/"_s + name, "miss-Pw-1");
    QVERIFY(m.start());
    BuildbotWorker w(name, "miss-Pw-1", m.port());
    QVERIFY(w.create());
    // A worker that never connected since the start is not missing.
    QTest::qWait(3500);
    QCOMPARE(sink.messages().size(), 0);

    qint64 lostMs = 0;
    QVERIFY(attachAndKill(m, w, name, &lostMs));
    QTRY_VERIFY_WITH_TIMEOUT(sink.messages().size() >= 2, 60000);
    QTest::qWait(5000); // nothing more comes
    const QList<SmtpSink::Message> mail = sink.messages();
    QCOMPARE(mail.size(), 2); // one per address
    QStringList rcpts{mail[0].rcptTo, mail[1].rcptTo};
    rcpts.sort();
    QCOMPARE(rcpts, (QStringList{u"admin@xn--bcher-kva.example"_s, u"ops@example.org"_s}));

    const QString admin = readInfo(w, u"admin"_s);
    const QString host = readInfo(w, u"host"_s);
    QVERIFY(!admin.isEmpty() && !host.isEmpty());
    for (const SmtpSink::Message& msg : mail) {
        QCOMPARE(msg.mailFrom, u"ym@example.org"_s);
        // Not before missing_timeout (2 s) after the loss (Date has whole seconds).
        QVERIFY2(dateMs(msg) / 1000 >= lostMs / 1000 + 2,
                 qPrintable(u"%1 vs lost at %2"_s.arg(msg.header(u"Date"_s)).arg(lostMs)));
        QCOMPARE(msg.header(u"Subject"_s),
                 u"Yardmaster: worker bot-miss missing (Yardmaster test)"_s);
        QCOMPARE(msg.header(u"From"_s), u"Yardmaster Test <ym@example.org>"_s);
        QVERIFY(msg.header(u"To"_s).contains(u"ops@example.org"_s));
        QVERIFY(msg.header(u"To"_s).contains(u"admin@xn--bcher-kva.example"_s));
        QCOMPARE(msg.header(u"MIME-Version"_s), u"1.0"_s);
        QVERIFY(!msg.header(u"Message-ID"_s).isEmpty());
        QCOMPARE(msg.decoded.value(u"charset"_s).toString(), u"utf-8"_s);
        QCOMPARE(msg.decoded.value(u"defects"_s).toArray().size(), 0);
        const QString body = msg.body();
        for (const QString& fact : {name, admin, host, u"Yardmaster test"_s, u"Gone for:"_s,
                                    u"Last seen:"_s, u"127.0.0.1"_s, u"What to do"_s, w.dir()})
            QVERIFY2(body.contains(fact), qPrintable(fact + u"\n"_s + body));
    }
    QCOMPARE(mail[0].header(u"Message-ID"_s), mail[1].header(u"Message-ID"_s)); // one message
    const QStringList kinds = eventKinds(m, name);
    QCOMPARE(kinds.count(u"worker-missing"_s), 1);
    QCOMPARE(kinds.count(u"mail-sent"_s), 1);
}

void TestMissingMail::reconnectInTimeSendsNothing()
{
    SmtpSink sink;
    QVERIFY(sink.start());
    const QString name = u"bot-back"_s;
    const int timeout = 30;
    MasterProcess m(mailConfig(name, {u"ops@example.org"_s}, timeout, sink.port()));
    m.writeSecret(u"worker/"_s + name, "back-Pw-2");
    QVERIFY(m.start());
    BuildbotWorker w(name, "back-Pw-2", m.port());
    QVERIFY(w.create());
    qint64 lostMs = 0;
    QVERIFY(attachAndKill(m, w, name, &lostMs));
    QVERIFY(w.start());
    QVERIFY(m.waitForState(name, u"connected"_s, AttachTimeoutMs));
    const qint64 backMs = QDateTime::currentMSecsSinceEpoch();
    QVERIFY2(backMs < lostMs + timeout * 1000,
             "the worker took longer than missing_timeout to come back");
    // Past the deadline, and some more: nothing was sent.
    while (QDateTime::currentMSecsSinceEpoch() < lostMs + (timeout + 5) * 1000)
        QTest::qWait(500);
    QCOMPARE(sink.messages().size(), 0);
    QCOMPARE(sink.transactions().size(), 0);
    QCOMPARE(eventKinds(m, name).count(u"worker-missing"_s), 0);
    QVERIFY(m.log().contains(u"back within its missing_timeout"_s));
}

void TestMissingMail::twoLossesTwoNotices()
{
    SmtpSink sink;
    QVERIFY(sink.start());
    const QString name = u"bot-twice"_s;
    MasterProcess m(mailConfig(name, {u"ops@example.org"_s}, 2, sink.port()));
    m.writeSecret(u"worker/"_s + name, "twice-Pw-3");
    QVERIFY(m.start());
    BuildbotWorker w(name, "twice-Pw-3", m.port());
    QVERIFY(w.create());
    qint64 first = 0;
    QVERIFY(attachAndKill(m, w, name, &first));
    QTRY_VERIFY_WITH_TIMEOUT(sink.messages().size() == 1, 60000);
    qint64 second = 0;
    QVERIFY(attachAndKill(m, w, name, &second));
    QVERIFY(second > first);
    QTRY_VERIFY_WITH_TIMEOUT(sink.messages().size() == 2, 60000);
    QTest::qWait(4000);
    const QList<SmtpSink::Message> mail = sink.messages();
    QCOMPARE(mail.size(), 2);
    QVERIFY(mail[0].header(u"Message-ID"_s) != mail[1].header(u"Message-ID"_s));
    QVERIFY(dateMs(mail[1]) / 1000 >= second / 1000 + 2);
    QCOMPARE(eventKinds(m, name).count(u"mail-sent"_s), 2);
}

void TestMissingMail::masterRestartedDuringWindow()
{
    SmtpSink sink;
    QVERIFY(sink.start());
    const QString name = u"bot-restart"_s;
    const int timeout = 10;
    MasterProcess m(mailConfig(name, {u"ops@example.org"_s}, timeout, sink.port()));
    m.writeSecret(u"worker/"_s + name, "restart-Pw-4");
    QVERIFY(m.start());
    BuildbotWorker w(name, "restart-Pw-4", m.port());
    QVERIFY(w.create());
    qint64 lostMs = 0;
    QVERIFY(attachAndKill(m, w, name, &lostMs));
    QVERIFY(m.stop());
    QVERIFY(QDateTime::currentMSecsSinceEpoch() < lostMs + timeout * 1000);
    QCOMPARE(sink.messages().size(), 0);

    QVERIFY(m.start()); // the worker stays dead
    QTRY_VERIFY_WITH_TIMEOUT(sink.messages().size() == 1, 60000);
    const SmtpSink::Message msg = sink.messages().first();
    QVERIFY(dateMs(msg) / 1000 >= lostMs / 1000 + timeout);
    QVERIFY(msg.body().contains(name));
    // It was attached before the restart: the notice still has what it reported.
    QVERIFY2(msg.body().contains(readInfo(w, u"admin"_s)), qPrintable(msg.body()));

    // Never twice: not later, and not after another restart.
    QTest::qWait(3000);
    QVERIFY(m.stop());
    QVERIFY(m.start());
    QTest::qWait(5000);
    QCOMPARE(sink.messages().size(), 1);
}

void TestMissingMail::reloadWithoutAddressesCancels()
{
    SmtpSink sink;
    QVERIFY(sink.start());
    const QString name = u"bot-reload"_s;
    const int timeout = 10;
    MasterProcess m(mailConfig(name, {u"ops@example.org"_s}, timeout, sink.port()));
    m.writeSecret(u"worker/"_s + name, "reload-Pw-9");
    QVERIFY(m.start());
    BuildbotWorker w(name, "reload-Pw-9", m.port());
    QVERIFY(w.create());
    qint64 lostMs = 0;
    QVERIFY(attachAndKill(m, w, name, &lostMs));
    // The same config without notify_on_missing: the pending notice is dropped.
    QJsonObject quiet = mailConfig(name, {}, timeout, sink.port());
    QJsonArray workers{workerEntry(name, {{u"missing_timeout"_s, timeout}})};
    quiet.insert(u"workers"_s, workers);
    m.rewriteConfig(quiet);
    const MasterProcess::CtlResult r = m.ctl({u"reload"_s});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(QDateTime::currentMSecsSinceEpoch() < lostMs + timeout * 1000);
    QVERIFY(m.waitForLog(u"is no longer watched"_s, 15000));
    while (QDateTime::currentMSecsSinceEpoch() < lostMs + (timeout + 4) * 1000)
        QTest::qWait(500);
    QCOMPARE(sink.transactions().size(), 0);
    QCOMPARE(eventKinds(m, name).count(u"worker-missing"_s), 0);
}

void TestMissingMail::smtpDownThenUp()
{
    const quint16 port = SmtpSink::freePort();
    QVERIFY(port != 0);
    SmtpSink sink;
    const QString name = u"bot-retry"_s;
    MasterProcess m(mailConfig(name, {u"ops@example.org"_s}, 2, port));
    m.writeSecret(u"worker/"_s + name, "retry-Pw-5");
    QVERIFY(m.start());
    BuildbotWorker w(name, "retry-Pw-5", m.port());
    QVERIFY(w.create());
    qint64 lostMs = 0;
    QVERIFY(attachAndKill(m, w, name, &lostMs));
    // The first attempt finds no server.
    QVERIFY(m.waitForLog(u"retrying in"_s, 60000));
    QVERIFY(
        eventText(m, u"mail-failed"_s).contains(u"cannot connect to the SMTP server 127.0.0.1:"_s));
    QVERIFY(sink.start(port));
    QTRY_VERIFY_WITH_TIMEOUT(sink.messages().size() == 1, 90000);
    QVERIFY(sink.messages().first().body().contains(name));
    QTRY_VERIFY_WITH_TIMEOUT(eventKinds(m, name).contains(u"mail-sent"_s), 15000);
    QTest::qWait(3000);
    QCOMPARE(sink.messages().size(), 1);
}

void TestMissingMail::permanentRefusalIsNotRetried()
{
    SmtpSink::Options options;
    options.dataReply = "550 5.7.1 refused by the test policy";
    SmtpSink sink(options);
    QVERIFY(sink.start());
    const QString name = u"bot-refused"_s;
    MasterProcess m(mailConfig(name, {u"ops@example.org"_s}, 2, sink.port()));
    m.writeSecret(u"worker/"_s + name, "refused-Pw-6");
    QVERIFY(m.start());
    BuildbotWorker w(name, "refused-Pw-6", m.port());
    QVERIFY(w.create());
    qint64 lostMs = 0;
    QVERIFY(attachAndKill(m, w, name, &lostMs));
    QVERIFY(m.waitForLog(u"550 5.7.1 refused by the test policy"_s, 60000));
    // Longer than the first retry delay (5 s) and then some: one attempt only.
    QTest::qWait(12000);
    QCOMPARE(sink.transactions().size(), 1);
    QCOMPARE(sink.messages().size(), 0);
    const QStringList logLines = linesWith(m.log(), {u"550 5.7.1 refused by the test policy"_s});
    QCOMPARE(logLines.size(), 1);
    QVERIFY2(logLines.first().contains(u"no retry"_s), qPrintable(logLines.first()));
    QVERIFY(eventText(m, u"mail-failed"_s).contains(u"550 5.7.1 refused by the test policy"_s));
    // Still serving.
    const MasterProcess::CtlResult st = m.ctl({u"status"_s, u"--json"_s});
    QCOMPARE(st.exitCode, 0);
    QCOMPARE(st.json.value(u"running"_s).toBool(), true);
}

void TestMissingMail::testMailArrives_data()
{
    QTest::addColumn<QString>("tls");
    QTest::addColumn<bool>("login");
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("rcpt");
    QTest::addColumn<QString>("displayName");
    const QString idn = u"Jürgen Prüfer <pruefer@bücher.example>"_s;
    const QString idnRcpt = u"pruefer@xn--bcher-kva.example"_s;
    QTest::newRow("plain") << u"none"_s << false << idn << idnRcpt << u"Jürgen Prüfer"_s;
    QTest::newRow("starttls with login")
        << u"starttls"_s << true << idn << idnRcpt << u"Jürgen Prüfer"_s;
    QTest::newRow("implicit tls with login")
        << u"tls"_s << true << idn << idnRcpt << u"Jürgen Prüfer"_s;
    // A non-ASCII local part needs SMTPUTF8 (RFC 6531), which the sink offers.
    QTest::newRow("utf8 local part")
        << u"none"_s << false << u"jürgen@example.org"_s << u"jürgen@example.org"_s << QString();
}

void TestMissingMail::testMailArrives()
{
    QFETCH(QString, tls);
    QFETCH(bool, login);
    QFETCH(QString, address);
    QFETCH(QString, rcpt);
    QFETCH(QString, displayName);
    SmtpSink::Options options;
    options.starttls = tls == u"starttls"_s;
    options.implicitTls = tls == u"tls"_s;
    const QByteArray password = "relay-Pw-7 ü";
    if (login) {
        options.authUser = u"ci-user"_s;
        options.authPassword = password;
    }
    SmtpSink sink(options);
    QVERIFY(sink.start());
    QJsonObject extra{{u"tls"_s, tls}};
    if (tls != u"none"_s)
        extra.insert(u"ca_file"_s, sink.certificate());
    if (login) {
        extra.insert(u"username"_s, u"ci-user"_s);
        extra.insert(u"password"_s, QJsonObject{{u"secret"_s, u"mail/relay"_s}});
    }
    MasterProcess m(mailConfig(u"bot-t"_s, {u"ops@example.org"_s}, 60, sink.port(), extra));
    m.writeSecret(u"worker/bot-t"_s, "t-Pw");
    if (login)
        m.writeSecret(u"mail/relay"_s, password);
    QVERIFY(m.start());

    const MasterProcess::CtlResult r = m.ctl({u"test-mail"_s, address}, 120000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("250"), r.out.constData());
    QVERIFY(r.out.contains("accepted by the test sink"));
    QTRY_VERIFY_WITH_TIMEOUT(sink.messages().size() == 1, 15000);
    const SmtpSink::Message msg = sink.messages().first();
    QCOMPARE(msg.rcptTo, rcpt);
    QCOMPARE(msg.decoded.value(u"smtputf8"_s).toBool(), rcpt.toUtf8().size() != rcpt.size());
    QCOMPARE(msg.header(u"Subject"_s), u"Yardmaster: test message (Yardmaster test)"_s);
    const QJsonArray to = msg.decoded.value(u"addresses"_s).toObject().value(u"To"_s).toArray();
    QCOMPARE(to.at(0).toObject().value(u"display_name"_s).toString(), displayName);
    QCOMPARE(to.at(0).toObject().value(u"addr_spec"_s).toString(), rcpt);
    QCOMPARE(msg.decoded.value(u"tls"_s).toBool(), tls != u"none"_s);
    QCOMPARE(msg.decoded.value(u"login"_s).toBool(), login);
    QVERIFY(msg.body().contains(u"Yardmaster test"_s));
    QVERIFY(eventKinds(m, {}).contains(u"mail-sent"_s));
    QVERIFY(!m.log().contains(QString::fromUtf8(password)));
    QVERIFY(!r.out.contains(password) && !r.err.contains(password));
}

void TestMissingMail::testMailToClosedPort()
{
    const quint16 port = SmtpSink::freePort();
    MasterProcess m(mailConfig(u"bot-c"_s, {u"ops@example.org"_s}, 60, port));
    m.writeSecret(u"worker/bot-c"_s, "c-Pw");
    QVERIFY(m.start());
    const MasterProcess::CtlResult r = m.ctl({u"test-mail"_s, u"ops@example.org"_s}, 120000);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(
        r.err.contains("cannot connect to the SMTP server 127.0.0.1:" + QByteArray::number(port)),
        r.err.constData());
    QVERIFY(r.out.isEmpty());
    QVERIFY(eventText(m, u"mail-failed"_s).contains(u"test message to ops@example.org"_s));

    const MasterProcess::CtlResult bad = m.ctl({u"test-mail"_s, u"not-an-address"_s});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains("'not-an-address' is not an email address"), bad.err.constData());
}

void TestMissingMail::engineServesWhileSmtpHangs()
{
    // A server that accepts connections (the kernel does) but never says a word.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    const QString name = u"bot-hang"_s;
    MasterProcess m(mailConfig(name, {u"ops@example.org"_s}, 2, silent.serverPort()));
    m.writeSecret(u"worker/"_s + name, "hang-Pw-8");
    QVERIFY(m.start());
    BuildbotWorker w(name, "hang-Pw-8", m.port());
    QVERIFY(w.create());
    qint64 lostMs = 0;
    QVERIFY(attachAndKill(m, w, name, &lostMs));
    QVERIFY(m.waitForLog(u"is missing"_s, 30000));
    // The notice hangs on the silent server; the engine answers and attaches meanwhile.
    for (int i = 0; i < 5; ++i) {
        const MasterProcess::CtlResult st = m.ctl({u"status"_s, u"--json"_s}, 10000);
        QCOMPARE(st.exitCode, 0);
        QTest::qWait(500);
    }
    QVERIFY(w.start());
    QVERIFY(m.waitForState(name, u"connected"_s, AttachTimeoutMs));
    // Shutting down does not wait for the hanging transfer to time out.
    QVERIFY(m.stop(15000));
    QCOMPARE(m.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestMissingMail)
#include "tst_missing_mail.moc"
