// The message builder: RFC 2047 headers, quoted-printable UTF-8 bodies,
// addresses (IDNA domains, display names), read back by Python's email
// package (tests/support/mail_decode.py), an independent decoder.
#include "mail/MailAddress.h"
#include "mail/MailMessage.h"
#include "mail/MissingNotice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace ym;
using namespace Qt::StringLiterals;

namespace {

// What Python's email package reads from `raw`.
QJsonObject decode(const QByteArray& raw)
{
    QProcess p;
    p.start(u"/usr/bin/python3"_s,
            {QStringLiteral(YM_SOURCE_DIR) + u"/tests/support/mail_decode.py"_s});
    if (!p.waitForStarted(10000))
        return {};
    p.write(raw);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        qWarning().noquote() << p.readAllStandardError();
        return {};
    }
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

QString header(const QJsonObject& decoded, const QString& name)
{
    return decoded.value(u"headers"_s).toObject().value(name).toArray().at(0).toString();
}

MailAddress address(const QString& text)
{
    const Result<MailAddress> a = MailAddress::parse(text);
    if (!a)
        qWarning().noquote() << text << a.error().message;
    return a ? a.value() : MailAddress{};
}

MailMessage message(const QString& subject, const QString& body)
{
    MailMessage m;
    m.setFrom(address(u"Yardmaster <ym@example.org>"_s));
    m.setTo({address(u"ops@example.org"_s)});
    m.setSubject(subject);
    m.setBody(body);
    m.setDate(QDateTime(QDate(2026, 11, 28), QTime(1, 2, 3), Qt::UTC));
    return m;
}

} // namespace

class TestMailMessage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("display");
        QTest::addColumn<QByteArray>("envelope");
        QTest::newRow("plain") << u"ops@example.org"_s << true << QString()
                               << QByteArray("ops@example.org");
        QTest::newRow("plus and dots") << u"b.c+d@mail.example.org"_s << true << QString()
                                       << QByteArray("b.c+d@mail.example.org");
        QTest::newRow("single label")
            << u"buildbot@localhost"_s << true << QString() << QByteArray("buildbot@localhost");
        QTest::newRow("display name") << u"Build Farm <farm@example.org>"_s << true
                                      << u"Build Farm"_s << QByteArray("farm@example.org");
        QTest::newRow("quoted display name") << u"\"Farm, North\" <farm@example.org>"_s << true
                                             << u"Farm, North"_s << QByteArray("farm@example.org");
        QTest::newRow("idn domain") << u"ops@bücher.example"_s << true << QString()
                                    << QByteArray("ops@xn--bcher-kva.example");
        QTest::newRow("utf8 local") << u"jürgen@example.org"_s << true << QString()
                                    << QByteArray("j\xc3\xbcrgen@example.org");
        QTest::newRow("no at") << u"ops.example.org"_s << false << QString() << QByteArray();
        QTest::newRow("two ats") << u"a@b@example.org"_s << false << QString() << QByteArray();
        QTest::newRow("empty local") << u"@example.org"_s << false << QString() << QByteArray();
        QTest::newRow("empty domain") << u"ops@"_s << false << QString() << QByteArray();
        QTest::newRow("double dot") << u"a..b@example.org"_s << false << QString() << QByteArray();
        QTest::newRow("space") << u"ops @example.org"_s << false << QString() << QByteArray();
        QTest::newRow("line break")
            << u"ops@example.org\r\nBcc: x@y.z"_s << false << QString() << QByteArray();
        QTest::newRow("bad domain char")
            << u"ops@exa_mple.org"_s << false << QString() << QByteArray();
    }

    void addresses()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(QString, display);
        QFETCH(QByteArray, envelope);
        const Result<MailAddress> a = MailAddress::parse(text);
        QCOMPARE(a.ok(), valid);
        if (!valid) {
            QVERIFY(!a.error().message.isEmpty());
            return;
        }
        QCOMPARE(a->displayName, display);
        QCOMPARE(a->envelope(), envelope);
        QVERIFY(!MailAddress::parse(u"Name <x@y.org>"_s, false).ok());
    }

    void asciiHeadersStayReadable()
    {
        QCOMPARE(MailMessage::headerValue("Subject", u"Yardmaster: worker bot-linux missing"_s),
                 QByteArray("Yardmaster: worker bot-linux missing"));
        // A long one is folded at spaces, each line at most 78 characters.
        const QString longText = u"word "_s.repeated(40).trimmed();
        const QByteArray folded = MailMessage::headerValue("Subject", longText);
        const QList<QByteArray> lines = ("Subject: " + folded).split('\n');
        QVERIFY(lines.size() > 1);
        for (const QByteArray& l : lines)
            QVERIFY2(l.trimmed().size() <= 78, l.constData());
        QCOMPARE(QString::fromLatin1(folded).remove(u"\r\n"_s), longText);
    }

    void encodedWords_data()
    {
        QTest::addColumn<QString>("subject");
        QTest::newRow("german") << u"Yardmaster: Arbeiter „bot-süd“ fehlt"_s;
        QTest::newRow("cjk") << u"Yardmaster: ワーカー bot-linux が見つかりません"_s;
        QTest::newRow("emoji") << u"🚨 worker bot-linux missing 🚨"_s;
        QTest::newRow("long mixed")
            << u"Ünïcödé "_s.repeated(20) + u"and a long tail of plain words too"_s;
        QTest::newRow("ascii looking like a word") << u"=?utf-8?q?not-encoded?="_s;
    }

    void encodedWords()
    {
        QFETCH(QString, subject);
        const QByteArray value = MailMessage::headerValue("Subject", subject);
        for (char c : value)
            QVERIFY(uchar(c) < 0x80); // 7-bit only
        const QList<QByteArray> lines = ("Subject: " + value).split('\n');
        for (const QByteArray& l : lines)
            QVERIFY2(l.trimmed().size() <= 78, l.constData());
        static const QRegularExpression word(u"=\\?utf-8\\?b\\?[A-Za-z0-9+/=]+\\?="_s);
        auto it = word.globalMatch(QString::fromLatin1(value));
        int words = 0;
        while (it.hasNext()) {
            QVERIFY(it.next().capturedLength() <= 75);
            ++words;
        }
        QVERIFY(words >= 1);

        const QByteArray raw = message(subject, u"x"_s).render();
        const QJsonObject d = decode(raw);
        QCOMPARE(header(d, u"Subject"_s), subject);
        QVERIFY2(d.value(u"defects"_s).toArray().isEmpty(),
                 QJsonDocument(d.value(u"defects"_s).toArray()).toJson().constData());
    }

    void quotedPrintableExact()
    {
        QCOMPARE(MailMessage::quotedPrintable(u"Grüße = 100%"_s),
                 QByteArray("Gr=C3=BC=C3=9Fe =3D 100%"));
        QCOMPARE(MailMessage::quotedPrintable(u"trailing space \nnext"_s),
                 QByteArray("trailing space=20\r\nnext"));
        QCOMPARE(MailMessage::quotedPrintable(u"a\r\nb\rc"_s), QByteArray("a\r\nb\r\nc"));
        const QByteArray longLine = MailMessage::quotedPrintable(u"ä"_s.repeated(100));
        for (const QByteArray& l : longLine.split('\n'))
            QVERIFY(l.trimmed().size() <= 76);
    }

    void bodies_data()
    {
        QTest::addColumn<QString>("body");
        QTest::newRow("ascii") << u"Worker: bot-linux\nGone for: 2 seconds\n"_s;
        QTest::newRow("german") << u"Größe: äöü ÄÖÜ ß\nZweite Zeile\n"_s;
        QTest::newRow("cjk and emoji") << u"ワーカー 🚨 ok\n"_s;
        QTest::newRow("long line") << u"ä"_s.repeated(300) + u"\n"_s;
        QTest::newRow("equals signs") << u"="_s.repeated(120) + u"\n"_s;
        QTest::newRow("dot lines") << u".\n..\n.leading dot\n"_s;
        QTest::newRow("trailing blanks") << u"tab\t\nspace \n"_s;
    }

    void bodies()
    {
        QFETCH(QString, body);
        const QByteArray raw = message(u"s"_s, body).render();
        const QJsonObject d = decode(raw);
        QCOMPARE(d.value(u"body"_s).toString(), body);
        QCOMPARE(d.value(u"charset"_s).toString(), u"utf-8"_s);
        QCOMPARE(d.value(u"cte"_s).toString(), u"quoted-printable"_s);
        QCOMPARE(d.value(u"content_type"_s).toString(), u"text/plain"_s);
        QVERIFY(d.value(u"longest_line"_s).toInt() <= 78);
        QCOMPARE(d.value(u"bare_lf"_s).toBool(), false);
        QVERIFY2(d.value(u"defects"_s).toArray().isEmpty(),
                 QJsonDocument(d.value(u"defects"_s).toArray()).toJson().constData());
    }

    void headersAndAddresses()
    {
        MailMessage m;
        m.setFrom(address(u"Jürgen Müller (CI) <ci@bäckerei.example>"_s));
        m.setTo({address(u"ops@example.org"_s), address(u"\"Ops, Night\" <night@example.org>"_s),
                 address(u"Ørjan <orjan@example.no>"_s)});
        m.setSubject(u"Yardmaster: worker bot-linux missing"_s);
        m.setBody(u"body\n"_s);
        m.setDate(QDateTime(QDate(2026, 11, 28), QTime(1, 2, 3), Qt::UTC));
        const QByteArray raw = m.render();
        for (char c : raw)
            QVERIFY(uchar(c) < 0x80); // no SMTPUTF8 needed for these
        QVERIFY(raw.contains("\r\nDate: Sat, 28 Nov 2026 01:02:03 +0000\r\n") ||
                raw.startsWith("Date: Sat, 28 Nov 2026 01:02:03 +0000\r\n"));
        QVERIFY(raw.contains("\r\nMIME-Version: 1.0\r\n"));
        QVERIFY(raw.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"));
        QVERIFY(raw.contains("\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
        static const QRegularExpression id(
            u"\r\nMessage-ID: <[0-9a-z.]+@xn--bckerei-5wa\\.example>\r\n"_s);
        QVERIFY2(id.match(QString::fromLatin1(raw)).hasMatch(), raw.constData());

        const QJsonObject d = decode(raw);
        QVERIFY2(d.value(u"defects"_s).toArray().isEmpty(),
                 QJsonDocument(d.value(u"defects"_s).toArray()).toJson().constData());
        const QJsonArray from = d.value(u"addresses"_s).toObject().value(u"From"_s).toArray();
        QCOMPARE(from.size(), 1);
        QCOMPARE(from.at(0).toObject().value(u"display_name"_s).toString(),
                 u"Jürgen Müller (CI)"_s);
        QCOMPARE(from.at(0).toObject().value(u"addr_spec"_s).toString(),
                 u"ci@xn--bckerei-5wa.example"_s);
        const QJsonArray to = d.value(u"addresses"_s).toObject().value(u"To"_s).toArray();
        QCOMPARE(to.size(), 3);
        QCOMPARE(to.at(1).toObject().value(u"display_name"_s).toString(), u"Ops, Night"_s);
        QCOMPARE(to.at(2).toObject().value(u"display_name"_s).toString(), u"Ørjan"_s);
        QCOMPARE(to.at(2).toObject().value(u"addr_spec"_s).toString(), u"orjan@example.no"_s);
        // Two messages never share an id.
        QVERIFY(message(u"a"_s, u"b"_s).messageId() != message(u"a"_s, u"b"_s).messageId());
    }

    void durations_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("0") << qint64(0) << u"0 seconds"_s;
        QTest::newRow("1") << qint64(1) << u"1 second"_s;
        QTest::newRow("2") << qint64(2) << u"2 seconds"_s;
        QTest::newRow("65") << qint64(65) << u"1 minute 5 seconds"_s;
        QTest::newRow("3600") << qint64(3600) << u"1 hour"_s;
        QTest::newRow("3720") << qint64(3720) << u"1 hour 2 minutes"_s;
        QTest::newRow("2d4h") << qint64(2 * 86400 + 4 * 3600 + 59) << u"2 days 4 hours"_s;
    }

    void durations()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, text);
        QCOMPARE(durationText(seconds), text);
    }

    void missingNoticeFacts()
    {
        MissingNoticeFacts f;
        f.worker = u"bot-linux"_s;
        f.title = u"Nordlicht Bauhof"_s;
        f.masterHost = u"master.example"_s;
        f.lostMs = QDateTime(QDate(2026, 11, 28), QTime(1, 0, 0), Qt::UTC).toMSecsSinceEpoch();
        f.lastSeenMs = f.lostMs - 1000;
        f.nowMs = f.lostMs + 3725 * 1000;
        f.missingTimeout = 3600;
        f.peer = u"192.0.2.7:40111"_s;
        f.reason = u"connection reset"_s;
        f.info = QJsonObject{{u"admin"_s, u"Åsa Admin <asa@example.org>\n"_s},
                             {u"host"_s, u"buildhost 7\nDebian 12"_s},
                             {u"basedir"_s, u"/srv/worker"_s}};
        const MailMessage m =
            missingNotice(f, address(u"ym@example.org"_s), {address(u"ops@example.org"_s)});
        const QJsonObject d = decode(m.render());
        QCOMPARE(header(d, u"Subject"_s),
                 u"Yardmaster: worker bot-linux missing (Nordlicht Bauhof)"_s);
        const QString body = d.value(u"body"_s).toString();
        for (const QString& fact :
             {u"bot-linux"_s, u"Nordlicht Bauhof"_s, u"2026-11-28 00:59:59 UTC"_s,
              u"2026-11-28 01:00:00 UTC"_s, u"1 hour 2 minutes"_s, u"Åsa Admin <asa@example.org>"_s,
              u"buildhost 7 Debian 12"_s, u"192.0.2.7:40111"_s, u"connection reset"_s,
              u"buildbot-worker start /srv/worker"_s, u"What to do"_s, u"master.example"_s})
            QVERIFY2(body.contains(fact), qPrintable(fact + u"\n"_s + body));
        f.title = u"Yardmaster"_s;
        QCOMPARE(missingNotice(f, address(u"ym@example.org"_s), {})
                     .render()
                     .contains("Subject: Yardmaster: worker bot-linux missing\r\n"),
                 true);

        // A latent worker whose instance never attached gets its own notice.
        f.latentAttach = true;
        f.missingTimeout = 1200;
        f.nowMs = f.lostMs + 1200 * 1000;
        f.reason = u"instance vm1 runs, but its worker did not attach within 1200 s"_s;
        const QJsonObject a =
            decode(missingNotice(f, address(u"ym@example.org"_s), {address(u"ops@example.org"_s)})
                       .render());
        QCOMPARE(header(a, u"Subject"_s), u"Yardmaster: latent worker bot-linux did not attach"_s);
        const QString attachBody = a.value(u"body"_s).toString();
        for (const QString& fact :
             {u"did not attach"_s, u"20 minutes"_s, u"2026-11-28 01:00:00 UTC"_s,
              u"ctl ledger --worker bot-linux"_s, u"instance vm1 runs"_s, u"master.example"_s})
            QVERIFY2(attachBody.contains(fact), qPrintable(fact + u"\n"_s + attachBody));
        QVERIFY(!attachBody.contains(u"disconnected"_s));
    }
};

QTEST_GUILESS_MAIN(TestMailMessage)
#include "tst_mail_message.moc"
