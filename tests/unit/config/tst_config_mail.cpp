// The `mail` section: defaults, every setting, every error at its place,
// round trip through the writer, and no secret in any message.
#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"

#include <QHostInfo>
#include <QTest>

using namespace ym;
using namespace Qt::StringLiterals;

namespace {

const QString Origin = u"test.json"_s;

// A config with one builder "b" on worker "w" and the given mail fields.
QByteArray withMail(const QByteArray& fields)
{
    return QByteArray(
               R"j({"workers": [{"name": "w", "password": {"secret": "worker/w"}}],
                    "builders": [{"name": "b", "workernames": ["w"],
                                  "steps": [{"type": "shell", "command": "true"}]}],
                    "mail": {)j") +
           fields + "}}";
}

} // namespace

class TestConfigMail final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsWithoutSection()
    {
        const ConfigLoadResult r = parseConfig("{}", Origin);
        QVERIFY(r.ok());
        const MailConfig& m = r.config->mail;
        QCOMPARE(m.relayhost, u"localhost"_s);
        QCOMPARE(m.port, quint16(25));
        QCOMPARE(m.tls, MailConfig::Tls::None);
        QVERIFY(m.fromaddr.isEmpty());
        QVERIFY(m.username.isEmpty());
        QVERIFY(!m.password);
        QVERIFY(m.builders.isEmpty());
        const QString host = QHostInfo::localHostName();
        QCOMPARE(m.effectiveFromaddr(),
                 host.isEmpty() ? u"yardmaster@localhost"_s : u"yardmaster@"_s + host);
    }

    void everySetting()
    {
        const ConfigLoadResult r =
            parseConfig(withMail(R"j("fromaddr": "Bäckerei CI <ci@bäckerei.example>",
                         "relayhost": "smtp.example.org", "port": 587, "tls": "starttls",
                         "username": "ci", "password": {"secret": "mail/relay"},
                         "ca_file": "certs/relay.pem", "builders": ["b"])j"),
                        Origin);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        const MailConfig& m = r.config->mail;
        QCOMPARE(m.fromaddr, u"Bäckerei CI <ci@bäckerei.example>"_s);
        QCOMPARE(m.effectiveFromaddr(), m.fromaddr);
        QCOMPARE(m.relayhost, u"smtp.example.org"_s);
        QCOMPARE(m.port, quint16(587));
        QCOMPARE(m.tls, MailConfig::Tls::StartTls);
        QCOMPARE(m.username, u"ci"_s);
        QVERIFY(m.password);
        QCOMPARE(m.password->kind, SecretRef::Kind::Secret);
        QCOMPARE(m.password->value, u"mail/relay"_s);
        QCOMPARE(m.caFile, u"certs/relay.pem"_s);
        QCOMPARE(m.builders, QStringList{u"b"_s});
        QVERIFY(r.warnings.isEmpty());
    }

    void implicitTlsDefaultsToPort465()
    {
        ConfigLoadResult r = parseConfig(withMail(R"j("tls": "tls")j"), Origin);
        QVERIFY(r.ok());
        QCOMPARE(r.config->mail.port, quint16(465));
        r = parseConfig(withMail(R"j("tls": "tls", "port": 2465)j"), Origin);
        QVERIFY(r.ok());
        QCOMPARE(r.config->mail.port, quint16(2465));
        r = parseConfig(withMail(R"j("builders": [])j"), Origin);
        QVERIFY(r.ok());
        QCOMPARE(r.config->mail.port, quint16(25));
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        const auto row = [](const char* name, const QByteArray& json, const QString& error) {
            QTest::newRow(name) << json << error;
        };
        row("not an object", R"j({"mail": []})j", u"mail: must be an object"_s);
        row("unknown key", withMail(R"j("relay_host": "x")j"),
            u"mail.relay_host: unknown key (did you mean 'relayhost'?)"_s);
        row("fromaddr no at", withMail(R"j("fromaddr": "ci.example.org")j"),
            u"mail.fromaddr: 'ci.example.org' is not an email address: no '@' (expected "
            u"local@domain)"_s);
        row("fromaddr line break", withMail(R"j("fromaddr": "a@b.org\r\nBcc: x@y.org")j"),
            u"mail.fromaddr: 'a@b.org\r\nBcc: x@y.org' is not an email address: the address "
            u"contains a control character (such as a line break)"_s);
        row("fromaddr bad domain", withMail(R"j("fromaddr": "a@-b.org")j"),
            u"mail.fromaddr: 'a@-b.org' is not an email address: the domain '-b.org' has a part "
            u"that starts or ends with '-'"_s);
        row("fromaddr number", withMail(R"j("fromaddr": 5)j"),
            u"mail.fromaddr: must be a string (an email address; \"\" for the default)"_s);
        row("relayhost bad", withMail(R"j("relayhost": "smtp example.org")j"),
            u"mail.relayhost: 'smtp example.org' is not a host name or IP address"_s);
        row("relayhost empty", withMail(R"j("relayhost": "")j"),
            u"mail.relayhost: '' is not a host name or IP address"_s);
        row("port zero", withMail(R"j("port": 0)j"),
            u"mail.port: must be an integer from 1 to 65535"_s);
        row("port string", withMail(R"j("port": "25")j"),
            u"mail.port: must be an integer from 1 to 65535"_s);
        row("tls unknown", withMail(R"j("tls": "ssl")j"),
            u"mail.tls: must be \"none\", \"starttls\" or \"tls\""_s);
        row("tls bool", withMail(R"j("tls": true)j"),
            u"mail.tls: must be \"none\", \"starttls\" or \"tls\""_s);
        row("username without password", withMail(R"j("username": "ci")j"),
            u"mail.password: missing (a username needs a password, e.g. {\"secret\": "
            u"\"mail/relay\"})"_s);
        row("password without username", withMail(R"j("password": {"env": "SMTP_PW"})j"),
            u"mail.username: missing or empty (a password needs a username)"_s);
        row("password bad secret name",
            withMail(R"j("username": "ci", "password": {"secret": "../x"})j"),
            u"mail.password.secret: "_s);
        row("password bad env", withMail(R"j("username": "ci", "password": {"env": "1X"})j"),
            u"mail.password.env: '1X' is not an environment variable name "
            u"([A-Za-z_][A-Za-z0-9_]*)"_s);
        row("password both",
            withMail(R"j("username": "ci", "password": {"env": "X", "secret": "y"})j"),
            u"mail.password: must have either \"secret\" or \"env\", not both"_s);
        row("builders not a list", withMail(R"j("builders": "b")j"),
            u"mail.builders: must be a list of builder names ([] for missing-worker notices "
            u"only)"_s);
        row("builders unknown", withMail(R"j("builders": ["b", "nope"])j"),
            u"mail.builders[1]: unknown builder 'nope'"_s);
        row("builders twice", withMail(R"j("builders": ["b", "b"])j"),
            u"mail.builders[1]: builder 'b' is listed twice"_s);
        row("ca_file number", withMail(R"j("ca_file": 1)j"),
            u"mail.ca_file: must be a string (a path; \"\" for the system's certificates)"_s);
        row("notify non-ascii local ok but bad domain",
            R"j({"workers": [{"name": "w", "password": "p", "notify_on_missing": "a@b..c"}]})j",
            u"workers[0].notify_on_missing: 'a@b..c' is not an email address (expected "
            u"local@domain)"_s);
    }

    void errors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY(!r.ok());
        bool found = false;
        for (const QString& e : r.errors)
            found = found || e.startsWith(error);
        QVERIFY2(found, qPrintable(u"expected '%1', got:\n%2"_s.arg(error, r.errors.join(u'\n'))));
    }

    void everyErrorAtOnce()
    {
        const ConfigLoadResult r = parseConfig(
            withMail(R"j("port": -1, "tls": "x", "builders": ["zz"], "fromaddr": "x")j"), Origin);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.size(), 4);
    }

    void plainPasswordWarnsAndNeverShows()
    {
        const ConfigLoadResult r =
            parseConfig(withMail(R"j("username": "ci", "password": "S3cret-Mail-Pw")j"), Origin);
        QVERIFY(r.ok());
        QCOMPARE(r.config->mail.password->kind, SecretRef::Kind::Plain);
        QCOMPARE(r.warnings.size(), 1);
        QVERIFY(r.warnings.first().startsWith(u"mail.password: plain-text mail password"_s));
        QVERIFY(!r.warnings.join(u' ').contains(u"S3cret"_s));
        // With another error in the file, the password still appears nowhere.
        const ConfigLoadResult bad = parseConfig(
            withMail(R"j("username": "ci", "password": "S3cret-Mail-Pw", "port": 0)j"), Origin);
        QVERIFY(!bad.ok());
        QVERIFY(!(bad.errors + bad.warnings).join(u' ').contains(u"S3cret"_s));
    }

    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("none") << QByteArray("{}");
        QTest::newRow("full") << withMail(
            R"j("fromaddr": "Jürgen <j@example.org>", "relayhost": "::1", "port": 2525,
                "tls": "tls", "username": "ü-user", "password": {"env": "SMTP_PW"},
                "ca_file": "/etc/ssl/relay.pem", "builders": ["b"])j");
        QTest::newRow("builders only") << withMail(R"j("builders": [])j");
        QTest::newRow("plain password")
            << withMail(R"j("username": "u", "password": "pw", "tls": "starttls")j");
    }

    void roundTrip()
    {
        QFETCH(QByteArray, json);
        const ConfigLoadResult first = parseConfig(json, Origin);
        QVERIFY2(first.ok(), qPrintable(first.errors.join(u'\n')));
        const QByteArray text = serializeConfig(*first.config);
        QVERIFY(text.contains("\"mail\": {"));
        const ConfigLoadResult second = parseConfig(text, Origin);
        QVERIFY2(second.ok(),
                 qPrintable(second.errors.join(u'\n') + u'\n' + QString::fromUtf8(text)));
        QVERIFY(second.config->mail == first.config->mail);
        QVERIFY(*second.config == *first.config);
        QCOMPARE(serializeConfig(*second.config), text);
    }
};

QTEST_GUILESS_MAIN(TestConfigMail)
#include "tst_config_mail.moc"
