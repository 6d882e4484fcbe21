// Config validation: every bad input gives the expected error at its place,
// all problems are reported at once, good inputs give the expected values.
#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace ym;
using namespace Qt::StringLiterals;

// Raw strings use the delimiter j: moc 6.4 misreads R"(...)" whose text starts
// or ends with a quote, and then finds no test class.

namespace {

const QString Origin = QStringLiteral("test.json");

// A config with one worker "w" whose fields are `fields` (JSON text, without
// braces) added after a valid name and password.
QByteArray withWorker(const char* fields)
{
    return QByteArray(R"j({"workers": [{"name": "w", "password": {"secret": "worker/w"})j") +
           (qstrlen(fields) ? QByteArray(", ") + fields : QByteArray()) + "}]}";
}

QByteArray withMaster(const QByteArray& fields)
{
    return QByteArray(R"j({"master": {)j") + fields + "}}";
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

} // namespace

class TestConfigValidation final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_xdg;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_xdg.isValid());
        for (const char* sub : {"config", "data", "runtime"})
            QVERIFY(QDir(m_xdg.path()).mkdir(QString::fromLatin1(sub)));
        QFile::setPermissions(m_xdg.filePath(QStringLiteral("runtime")),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_xdg.filePath(QStringLiteral("config"))));
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_xdg.filePath(QStringLiteral("data"))));
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_xdg.filePath(QStringLiteral("runtime"))));
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected"); // the whole error: "place: message"

        const auto row = [](const char* tag, const QByteArray& json, const QString& expected) {
            QTest::newRow(tag) << json << expected;
        };
        // the document
        row("not an object", "[1, 2]", u"test.json: the config must be a JSON object"_s);
        row("empty file", "  \n", u"test.json: the file is empty (expected a JSON object)"_s);
        row("unknown top key", R"j({"mastr": {}})j",
            u"mastr: unknown key (did you mean 'master'?)"_s);
        row("unknown key without suggestion", R"j({"frobnicate": 1})j",
            u"frobnicate: unknown key"_s);
        // master
        row("master not object", R"j({"master": []})j", u"master: must be an object"_s);
        row("title empty", withMaster(R"j("title": " ")j"),
            u"master.title: must be a non-empty string"_s);
        row("title number", withMaster(R"j("title": 5)j"),
            u"master.title: must be a non-empty string"_s);
        row("master unknown key", withMaster(R"j("ping_intervall": 5)j"),
            u"master.ping_intervall: unknown key (did you mean 'ping_interval'?)"_s);
        row("protocols not object", withMaster(R"j("protocols": 9989)j"),
            u"master.protocols: must be an object"_s);
        row("unknown protocol", withMaster(R"j("protocols": {"pb": {}})j"),
            u"master.protocols.pb: unknown key"_s);
        row("msgpack not object", withMaster(R"j("protocols": {"msgpack": true})j"),
            u"master.protocols.msgpack: must be an object"_s);
        const QString portError =
            u"master.protocols.msgpack.port: must be an integer from 0 to 65535 (0: any free port)"_s;
        row("port too big", withMaster(R"j("protocols": {"msgpack": {"port": 65536}})j"),
            portError);
        row("port negative", withMaster(R"j("protocols": {"msgpack": {"port": -1}})j"), portError);
        row("port fraction", withMaster(R"j("protocols": {"msgpack": {"port": 99.5}})j"),
            portError);
        row("port string", withMaster(R"j("protocols": {"msgpack": {"port": "9989"}})j"),
            portError);
        row("bind not address", withMaster(R"j("protocols": {"msgpack": {"bind": "localhost"}})j"),
            u"master.protocols.msgpack.bind: 'localhost' is not an IP address (use \"\" for all interfaces)"_s);
        row("bind number", withMaster(R"j("protocols": {"msgpack": {"bind": 127}})j"),
            u"master.protocols.msgpack.bind: must be a string (an IP address; \"\" for all interfaces)"_s);
        row("enabled string", withMaster(R"j("protocols": {"msgpack": {"enabled": "yes"}})j"),
            u"master.protocols.msgpack.enabled: must be true or false"_s);
        row("database number", withMaster(R"j("database": 5)j"),
            u"master.database: must be a string (a path; \"\" for the default)"_s);
        row("secrets_dir null", withMaster(R"j("secrets_dir": null)j"),
            u"master.secrets_dir: must be a string (a path; \"\" for the default)"_s);
        row("ping_interval zero", withMaster(R"j("ping_interval": 0)j"),
            u"master.ping_interval: must be a positive integer (seconds, at most 2000000)"_s);
        row("ping_timeout negative", withMaster(R"j("ping_timeout": -3)j"),
            u"master.ping_timeout: must be a positive integer (seconds, at most 2000000)"_s);
        row("ping_interval too big", withMaster(R"j("ping_interval": 2000001)j"),
            u"master.ping_interval: must be a positive integer (seconds, at most 2000000)"_s);
        row("io_threads too many", withMaster(R"j("io_threads": 65)j"),
            u"master.io_threads: must be an integer from 0 (automatic) to 64"_s);
        row("io_threads fraction", withMaster(R"j("io_threads": 1.5)j"),
            u"master.io_threads: must be an integer from 0 (automatic) to 64"_s);
        const QString longSocket = u"/tmp/"_s + QString(120, u'x') + u".sock"_s;
        row("control socket too long",
            withMaster("\"control_socket\": \"" + longSocket.toUtf8() + "\""),
            u"master.control_socket: '%1' is 130 bytes long; a local socket path must be shorter than 107 bytes"_s
                .arg(longSocket));
        // workers
        row("workers not list", R"j({"workers": {"name": "w"}})j",
            u"workers: must be a list of workers"_s);
        row("worker not object", R"j({"workers": ["w"]})j", u"workers[0]: must be an object"_s);
        row("name missing", R"j({"workers": [{"password": "x"}]})j",
            u"workers[0].name: missing (every worker needs a name)"_s);
        row("name empty", R"j({"workers": [{"name": "", "password": {"env": "P"}}]})j",
            u"workers[0].name: must not be empty"_s);
        row("name with space",
            R"j({"workers": [{"name": "bot linux", "password": {"env": "P"}}]})j",
            u"workers[0].name: 'bot linux' may contain only letters, digits, '.', '_' and '-'"_s);
        row("name too long",
            "{\"workers\": [{\"name\": \"" + QByteArray(101, 'n') +
                "\", \"password\": {\"env\": \"P\"}}]}",
            u"workers[0].name: is longer than 100 characters"_s);
        row("name number", R"j({"workers": [{"name": 7, "password": {"env": "P"}}]})j",
            u"workers[0].name: must be a string (the worker's name)"_s);
        row("password missing", R"j({"workers": [{"name": "w"}]})j",
            u"workers[0].password: missing (every worker needs a password, e.g. {\"secret\": \"worker/NAME\"})"_s);
        const QString pwForms =
            u"must be {\"secret\": \"NAME\"}, {\"env\": \"VARIABLE\"} or a plain string"_s;
        row("password number", R"j({"workers": [{"name": "w", "password": 1234}]})j",
            u"workers[0].password: "_s + pwForms);
        row("password empty object", R"j({"workers": [{"name": "w", "password": {}}]})j",
            u"workers[0].password: "_s + pwForms);
        row("password empty string", R"j({"workers": [{"name": "w", "password": ""}]})j",
            u"workers[0].password: must not be empty"_s);
        row("password both forms",
            R"j({"workers": [{"name": "w", "password": {"secret": "a", "env": "B"}}]})j",
            u"workers[0].password: must have either \"secret\" or \"env\", not both"_s);
        row("secret name dotdot",
            R"j({"workers": [{"name": "w", "password": {"secret": "../x"}}]})j",
            u"workers[0].password.secret: secret name '../x' has a '..' part"_s);
        row("secret name number", R"j({"workers": [{"name": "w", "password": {"secret": 3}}]})j",
            u"workers[0].password.secret: must be a string (a secret name)"_s);
        row("env name invalid", R"j({"workers": [{"name": "w", "password": {"env": "1VAR"}}]})j",
            u"workers[0].password.env: '1VAR' is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)"_s);
        row("properties list", withWorker(R"j("properties": [])j"),
            u"workers[0].properties: must be an object"_s);
        const QString maxBuilds = u"workers[0].max_builds: must be a positive integer or null"_s;
        row("max_builds zero", withWorker(R"j("max_builds": 0)j"), maxBuilds);
        row("max_builds negative", withWorker(R"j("max_builds": -2)j"), maxBuilds);
        row("max_builds fraction", withWorker(R"j("max_builds": 2.5)j"), maxBuilds);
        row("max_builds string", withWorker(R"j("max_builds": "3")j"), maxBuilds);
        row("max_builds bool", withWorker(R"j("max_builds": true)j"), maxBuilds);
        const QString keepalive =
            u"workers[0].keepalive_interval: must be a positive integer (seconds, at most 2000000) or null"_s;
        row("keepalive zero", withWorker(R"j("keepalive_interval": 0)j"), keepalive);
        row("keepalive string", withWorker(R"j("keepalive_interval": "1h")j"), keepalive);
        row("keepalive typo", withWorker(R"j("keepalive_intervall": 5)j"),
            u"workers[0].keepalive_intervall: unknown key (did you mean 'keepalive_interval'?)"_s);
        row("missing_timeout null", withWorker(R"j("missing_timeout": null)j"),
            u"workers[0].missing_timeout: must be a positive integer (seconds, at most 2000000)"_s);
        row("notify bad address", withWorker(R"j("notify_on_missing": "ops at example.org")j"),
            u"workers[0].notify_on_missing: 'ops at example.org' is not an email address (expected local@domain)"_s);
        row("notify bad address in list",
            withWorker(R"j("notify_on_missing": ["ops@example.org", "ops@"])j"),
            u"workers[0].notify_on_missing[1]: 'ops@' is not an email address (expected local@domain)"_s);
        row("notify number in list", withWorker(R"j("notify_on_missing": [5])j"),
            u"workers[0].notify_on_missing[0]: must be an email address (a string)"_s);
        row("notify object", withWorker(R"j("notify_on_missing": {})j"),
            u"workers[0].notify_on_missing: must be an email address or a list of them"_s);
        row("duplicate name",
            R"j({"workers": [{"name": "a", "password": {"env": "P"}},
                            {"name": "b", "password": {"env": "P"}},
                            {"name": "a", "password": {"env": "Q"}}]})j",
            u"workers[2].name: duplicate worker name 'a' (also workers[0])"_s);
    }

    void badInput()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY(!r.ok());
        QVERIFY(!r.config.has_value());
        QCOMPARE(r.errors, QStringList{expected});
    }

    void everyErrorAtOnce()
    {
        const QByteArray json = R"j({
            "master": {"title": "", "protocols": {"msgpack": {"port": 70000}}, "colour": "red"},
            "workers": [
                {"name": "ok", "password": {"secret": "worker/ok"}},
                {"name": "bad", "password": {"secrte": "worker/bad"}, "max_builds": 0},
                {"name": "ok", "password": "pw", "missing_timeout": 1.5}
            ]
        })j";
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY(!r.ok());
        const QStringList expected{
            u"master.colour: unknown key"_s,
            u"master.title: must be a non-empty string"_s,
            u"master.protocols.msgpack.port: must be an integer from 0 to 65535 (0: any free port)"_s,
            u"workers[1].password.secrte: unknown key (did you mean 'secret'?)"_s,
            u"workers[1].password: must be {\"secret\": \"NAME\"}, {\"env\": \"VARIABLE\"} or a plain string"_s,
            u"workers[1].max_builds: must be a positive integer or null"_s,
            u"workers[2].missing_timeout: must be a positive integer (seconds, at most 2000000)"_s,
            u"workers[2].name: duplicate worker name 'ok' (also workers[0])"_s,
        };
        QCOMPARE(r.errors, expected);
    }

    void syntaxError_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        // Qt reports where its parser stopped: at or just after the offending token.
        QTest::newRow("trailing comma")
            << QByteArray("{\n  \"master\": {\n    \"title\": \"x\",\n  }\n}")
            << u"test.json:4:4: object is missing after a comma"_s;
        QTest::newRow("missing comma")
            << QByteArray(R"j({"a": 1 "b": 2})j") << u"test.json:1:10: unterminated object"_s;
        QTest::newRow("bad literal")
            << QByteArray("{\n  \"workers\": tru\n}") << u"test.json:3:1: illegal value"_s;
        QTest::newRow("unterminated string") << QByteArray("{\n\"master\": {\"title\": \"abc")
                                             << u"test.json:2:25: unterminated string"_s;
        // columns count characters, not bytes
        QTest::newRow("after non-ASCII") << QByteArray("{\n  \"t\": \"\xc3\xa4\xc3\xb6\" x\n}")
                                         << u"test.json:2:14: unterminated object"_s;
        QTest::newRow("garbage at end")
            << QByteArray("{}\n\n  x") << u"test.json:3:3: garbage at the end of the document"_s;
    }

    void syntaxError()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors, QStringList{expected});
    }

    void missingFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("nope/master.json"));
        const ConfigLoadResult r = loadConfigFile(path);
        QVERIFY(!r.ok());
        QCOMPARE(
            r.errors,
            QStringList{path + u": cannot read the config file (No such file or directory)"_s});
    }

    void emptyConfigGivesDefaults()
    {
        const ConfigLoadResult r = parseConfig("{}", Origin);
        QVERIFY(r.ok());
        QVERIFY(r.errors.isEmpty());
        QVERIFY(r.warnings.isEmpty());
        QCOMPARE(*r.config, defaultConfig());
        const MasterConfig& c = *r.config;
        QCOMPARE(c.master.title, u"Yardmaster"_s);
        QVERIFY(c.master.msgpack.enabled);
        QCOMPARE(c.master.msgpack.port, quint16(9989));
        QCOMPARE(c.master.msgpack.bind, QString());
        QCOMPARE(c.master.pingInterval, 60);
        QCOMPARE(c.master.pingTimeout, 30);
        QCOMPARE(c.master.ioThreads, 0);
        QVERIFY(c.workers.isEmpty());
        QCOMPARE(c.sourcePath, QDir::current().absoluteFilePath(Origin));
    }

    void fullConfig()
    {
        const QByteArray json = R"j({
            "master": {
                "title": "Build farm",
                "protocols": {"msgpack": {"enabled": true, "port": 0, "bind": "::1"}},
                "database": "/var/lib/ym/state.sqlite",
                "control_socket": "/run/ym.sock",
                "secrets_dir": "/etc/ym/secrets",
                "ping_interval": 1e1,
                "ping_timeout": 5.0,
                "io_threads": 64
            },
            "workers": [
                {"name": "bot-linux", "password": {"secret": "worker/bot-linux"},
                 "properties": {"os": "linux", "cores": 8}, "max_builds": 2,
                 "keepalive_interval": 1, "notify_on_missing": "ops@example.org",
                 "missing_timeout": 600},
                {"name": "bot.win_2", "password": {"env": "BOT_WIN_PW"}, "max_builds": null,
                 "keepalive_interval": null,
                 "notify_on_missing": ["a@example.org", "b.c+d@mail.example.org"]},
                {"name": "minimal", "password": {"env": "P"}}
            ]
        })j";
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        QVERIFY(r.warnings.isEmpty());
        const MasterConfig& c = *r.config;
        QCOMPARE(c.master.title, u"Build farm"_s);
        QCOMPARE(c.master.msgpack.port, quint16(0));
        QCOMPARE(c.master.msgpack.bind, u"::1"_s);
        QCOMPARE(c.effectiveDatabasePath(), u"/var/lib/ym/state.sqlite"_s);
        QCOMPARE(c.effectiveControlSocket(), u"/run/ym.sock"_s);
        QCOMPARE(c.effectiveSecretsDir(), u"/etc/ym/secrets"_s);
        QCOMPARE(c.master.pingInterval, 10); // 1e1: an integral number
        QCOMPARE(c.master.pingTimeout, 5);
        QCOMPARE(c.master.ioThreads, 64);
        QCOMPARE(c.workers.size(), 3);

        const WorkerConfig* linux = c.findWorker(u"bot-linux"_s);
        QVERIFY(linux);
        QCOMPARE(linux->password, (SecretRef{SecretRef::Kind::Secret, u"worker/bot-linux"_s}));
        QCOMPARE(linux->properties.value(u"cores"_s).toInt(), 8);
        QCOMPARE(linux->maxBuilds, std::optional<int>(2));
        QCOMPARE(linux->keepaliveInterval, std::optional<int>(1));
        QCOMPARE(linux->notifyOnMissing, QStringList{u"ops@example.org"_s});
        QCOMPARE(linux->missingTimeout, 600);

        const WorkerConfig* win = c.findWorker(u"bot.win_2"_s);
        QVERIFY(win);
        QCOMPARE(win->password, (SecretRef{SecretRef::Kind::Env, u"BOT_WIN_PW"_s}));
        QCOMPARE(win->maxBuilds, std::nullopt);         // explicit null: unlimited
        QCOMPARE(win->keepaliveInterval, std::nullopt); // explicit null: disabled
        QCOMPARE(win->notifyOnMissing,
                 (QStringList{u"a@example.org"_s, u"b.c+d@mail.example.org"_s}));

        const WorkerConfig* minimal = c.findWorker(u"minimal"_s);
        QVERIFY(minimal);
        QCOMPARE(minimal->properties, QJsonObject());
        QCOMPARE(minimal->maxBuilds, std::nullopt);                     // absent: unlimited
        QCOMPARE(minimal->keepaliveInterval, std::optional<int>(3600)); // absent: 3600
        QCOMPARE(minimal->notifyOnMissing, QStringList());
        QCOMPARE(minimal->missingTimeout, 3600);
        QCOMPARE(c.findWorker(u"nobody"_s), nullptr);
    }

    void plainPasswordWarns()
    {
        const QByteArray secret = "hunter2-very-secret";
        const QByteArray json = QByteArray(R"j({"workers": [
            {"name": "ok", "password": {"env": "P"}},
            {"name": "bot-linux", "password": "PW"}]})j")
                                    .replace("PW", secret);
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY(r.ok());
        QCOMPARE(r.warnings.size(), 1);
        QVERIFY(r.warnings[0].startsWith(u"workers[1].password: "_s));
        QVERIFY(r.warnings[0].contains(u"'bot-linux'"_s));
        QVERIFY(!r.warnings[0].contains(QString::fromUtf8(secret)));
        QCOMPARE(r.config->workers[1].password,
                 (SecretRef{SecretRef::Kind::Plain, QString::fromUtf8(secret)}));

        // Errors next to a plain password never show it either.
        const QByteArray bad = QByteArray(R"j({"workers": [
            {"name": "bot linux", "password": "PW", "max_builds": 0, "passwrd": 1}]})j")
                                   .replace("PW", secret);
        const ConfigLoadResult rb = parseConfig(bad, Origin);
        QVERIFY(!rb.ok());
        QCOMPARE(rb.errors.size(), 3);
        for (const QString& text : rb.errors + rb.warnings)
            QVERIFY2(!text.contains(QString::fromUtf8(secret)), qPrintable(text));
    }

    void relativePathsFollowTheConfigFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("etc/farm.json"));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("etc"))));
        QVERIFY(writeFile(path, withMaster(R"j("database": "state/db.sqlite",
                                             "control_socket": "../run/ctl.sock",
                                             "secrets_dir": "secrets")j")));
        const ConfigLoadResult r = loadConfigFile(path);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        const MasterConfig& c = *r.config;
        QCOMPARE(c.sourcePath, path);
        QCOMPARE(c.master.databasePath, u"state/db.sqlite"_s); // kept as written
        QCOMPARE(c.effectiveDatabasePath(), dir.filePath(QStringLiteral("etc/state/db.sqlite")));
        QCOMPARE(c.effectiveControlSocket(), dir.filePath(QStringLiteral("run/ctl.sock")));
        QCOMPARE(c.effectiveSecretsDir(), dir.filePath(QStringLiteral("etc/secrets")));

        MasterConfig home;
        home.master.secretsDir = u"~/ym-secrets"_s;
        QCOMPARE(home.effectiveSecretsDir(), QDir::homePath() + u"/ym-secrets"_s);
    }

    void defaultPaths()
    {
        const QString xdg = m_xdg.path();
        QCOMPARE(MasterConfig::defaultConfigPath(), xdg + u"/config/yardmaster/master.json"_s);

        MasterConfig c;
        c.sourcePath = u"/srv/farm/ci.json"_s;
        QCOMPARE(c.effectiveDatabasePath(), xdg + u"/data/yardmaster/state.sqlite"_s);
        QCOMPARE(c.effectiveSecretsDir(), xdg + u"/config/yardmaster/secrets"_s);
        const QString hash = QString::fromLatin1(
            QCryptographicHash::hash("/srv/farm/ci.json", QCryptographicHash::Sha1)
                .toHex()
                .left(8));
        QCOMPARE(c.effectiveControlSocket(),
                 xdg + u"/runtime/yardmaster/ci-"_s + hash + u".sock"_s);

        // Without a source, the socket belongs to the default config path.
        MasterConfig noSource;
        QCOMPARE(noSource.effectiveControlSocket(),
                 MasterConfig::defaultControlSocket(MasterConfig::defaultConfigPath()));
        QVERIFY(
            noSource.effectiveControlSocket().startsWith(xdg + u"/runtime/yardmaster/master-"_s));
    }

    // The examples in docs/configuration.md load without errors or warnings.
    void documentedExamplesLoad()
    {
        QFile doc(QStringLiteral(YM_SOURCE_DIR "/docs/configuration.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString text = QString::fromUtf8(doc.readAll());
        static const QRegularExpression block(u"```json\\n(.*?)```"_s,
                                              QRegularExpression::DotMatchesEverythingOption);
        int examples = 0;
        QList<StepConfig::Type> stepTypes;
        for (auto it = block.globalMatch(text); it.hasNext(); ++examples) {
            const QString json = it.next().captured(1);
            const ConfigLoadResult r = parseConfig(json.toUtf8(), u"configuration.md"_s);
            QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
            QVERIFY(r.warnings.isEmpty());
            QVERIFY(!r.config->workers.isEmpty());
            for (const BuilderConfig& b : r.config->builders) {
                for (const StepConfig& s : b.steps)
                    if (!stepTypes.contains(s.type()))
                        stepTypes << s.type();
            }
        }
        QCOMPARE(examples, 4); // the complete example, mail, builders, a latent worker
        // Between them the examples show every kind of step.
        QCOMPARE(stepTypes.size(), 3);
    }

    void longRuntimeDirFallsBackToTmp()
    {
        QTemporaryDir base;
        const QString runtime = base.filePath(QString(90, u'r'));
        QVERIFY(QDir().mkdir(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        const QByteArray saved = qgetenv("XDG_RUNTIME_DIR");
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
        const QString socket = MasterConfig::defaultControlSocket(u"/srv/farm/ci.json"_s);
        qputenv("XDG_RUNTIME_DIR", saved);

        QVERIFY2(socket.startsWith(u"/tmp/yardmaster-%1/ci-"_s.arg(::getuid())),
                 qPrintable(socket));
        QVERIFY(socket.toUtf8().size() < 107);

        // A very long config name is shortened to fit; the hash keeps it unique.
        const QString longName = u"/srv/"_s + QString(150, u'c') + u".json"_s;
        const QString shortened = MasterConfig::defaultControlSocket(longName);
        QVERIFY(shortened.toUtf8().size() < 107);
        QVERIFY(shortened.endsWith(u".sock"_s));
    }
};

QTEST_GUILESS_MAIN(TestConfigValidation)
#include "tst_config_validation.moc"
