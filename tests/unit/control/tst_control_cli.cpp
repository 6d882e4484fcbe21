// The real `yardmaster` executable: its command lines, exit codes and
// messages, a first run with a default config, and a clean stop on signals.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <signal.h>

using namespace Qt::StringLiterals;

namespace {

const QString Exe = QStringLiteral(YM_YARDMASTER_EXE);

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run run(const QStringList& args, const QProcessEnvironment& env = {}, int timeoutMs = 30000)
{
    QProcess process;
    if (!env.isEmpty())
        process.setProcessEnvironment(env);
    process.start(Exe, args);
    Run result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = u"(test) the process did not finish within the timeout"_s;
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

QString describe(const Run& r)
{
    return u"exit %1\n--- stdout:\n%2\n--- stderr:\n%3"_s.arg(r.exitCode).arg(r.out, r.err);
}

void writeJson(const QString& path, const QJsonObject& object)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(object).toJson());
}

// A private environment: XDG folders in `dir`, so defaults land there.
QProcessEnvironment privateEnv(const QTemporaryDir& dir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR"}) {
        const QString folder = dir.filePath(QString::fromLatin1(name).toLower());
        QDir().mkpath(folder);
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        env.insert(QString::fromLatin1(name), folder);
    }
    return env;
}

} // namespace

class TestControlCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void help_data();
    void help();
    void version();
    void usageErrors_data();
    void usageErrors();
    void ctlCannotReachMaster();
    void brokenConfigIsRefusedWithEveryError_data();
    void brokenConfigIsRefusedWithEveryError();
    void firstRunCreatesDefaultConfig();
    void runsWithConfigAndStopsCleanly_data();
    void runsWithConfigAndStopsCleanly();

private:
    // Starts `yardmaster --headless ARGS` and waits until `ctl CTLARGS status`
    // answers. Returns the last ctl run.
    Run startMaster(QProcess& master, const QStringList& args, const QStringList& ctlArgs,
                    const QProcessEnvironment& env);
};

void TestControlCli::help_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("yardmaster --help")
        << QStringList{u"--help"_s}
        << QStringList{u"--headless"_s, u"--config"_s, u"ctl"_s, u"--version"_s, u"--lang"_s};
    QTest::newRow("yardmaster -h")
        << QStringList{u"-h"_s} << QStringList{u"--headless"_s, u"--config"_s};
    QTest::newRow("ctl --help") << QStringList{u"ctl"_s, u"--help"_s}
                                << QStringList{u"--config"_s,  u"--socket"_s, u"--json"_s,
                                               u"status"_s,    u"reload"_s,   u"events"_s,
                                               u"Exit codes"_s};
    QTest::newRow("ctl status --help")
        << QStringList{u"ctl"_s, u"status"_s, u"--help"_s}
        << QStringList{u"ctl [--config FILE | --socket PATH] status [--json]"_s, u"--socket"_s,
                       u"--config"_s, u"--json"_s};
    QTest::newRow("ctl reload -h")
        << QStringList{u"ctl"_s, u"reload"_s, u"-h"_s}
        << QStringList{u"reload"_s, u"--socket"_s, u"--config"_s, u"refused"_s};
    QTest::newRow("ctl events --help") << QStringList{u"ctl"_s, u"events"_s, u"--help"_s}
                                       << QStringList{u"events"_s, u"--socket"_s, u"--config"_s};
}

void TestControlCli::help()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, mentions);
    const Run r = run(args);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.out.startsWith(u"Usage: yardmaster"_s), qPrintable(describe(r)));
    for (const QString& text : mentions)
        QVERIFY2(r.out.contains(text), qPrintable(text + u" missing in:\n"_s + describe(r)));
}

void TestControlCli::version()
{
    for (const QStringList& args :
         {QStringList{u"--version"_s}, QStringList{u"ctl"_s, u"--version"_s}}) {
        const Run r = run(args);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(r.out.trimmed(), u"yardmaster "_s + QStringLiteral(YM_VERSION));
    }
}

void TestControlCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown option") << QStringList{u"--frobnicate"_s} << u"frobnicate"_s;
    QTest::newRow("unknown command")
        << QStringList{u"frobnicate"_s} << u"unknown command 'frobnicate'"_s;
    QTest::newRow("ctl without command") << QStringList{u"ctl"_s} << u"missing COMMAND"_s;
    QTest::newRow("ctl unknown command")
        << QStringList{u"ctl"_s, u"frob"_s} << u"unknown command 'frob'"_s;
    QTest::newRow("ctl extra argument")
        << QStringList{u"ctl"_s, u"status"_s, u"now"_s} << u"unexpected argument 'now'"_s;
    QTest::newRow("ctl --config and --socket")
        << QStringList{u"ctl"_s,      u"--config"_s, u"a.json"_s,
                       u"--socket"_s, u"b.sock"_s,   u"status"_s}
        << u"either --config or --socket"_s;
    QTest::newRow("ctl --config missing file")
        << QStringList{u"ctl"_s, u"--config"_s, u"/nonexistent/yardmaster.json"_s, u"status"_s}
        << u"/nonexistent/yardmaster.json"_s;
    QTest::newRow("headless --config missing file")
        << QStringList{u"--headless"_s, u"--config"_s, u"/nonexistent/yardmaster.json"_s}
        << u"/nonexistent/yardmaster.json"_s;
}

void TestControlCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = run(args);
    QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
    QVERIFY2(r.err.contains(message), qPrintable(describe(r)));
}

void TestControlCli::ctlCannotReachMaster()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString socket = dir.filePath(u"nobody-listens.sock"_s);
    for (const QString& command : {u"status"_s, u"reload"_s, u"events"_s}) {
        const Run r = run({u"ctl"_s, u"--socket"_s, socket, command});
        QVERIFY2(r.exitCode == 3, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(u"cannot reach the master at %1: "_s.arg(socket)),
                 qPrintable(describe(r)));
        QVERIFY2(r.err.contains(u"(is it running?)"_s), qPrintable(describe(r)));
    }
}

void TestControlCli::brokenConfigIsRefusedWithEveryError_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("headless") << QStringList{u"--headless"_s, u"--config"_s};
    QTest::newRow("no face option") << QStringList{u"--config"_s};
    QTest::newRow("ctl status") << QStringList{u"ctl"_s, u"status"_s, u"--config"_s};
}

void TestControlCli::brokenConfigIsRefusedWithEveryError()
{
    QFETCH(QStringList, args);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath(u"broken.json"_s);
    // Two problems, in two places.
    writeJson(config, {{u"master"_s, QJsonObject{{u"titel"_s, u"typo"_s},
                                                 {u"control_socket"_s, dir.filePath(u"c.sock"_s)}}},
                       {u"workers"_s,
                        QJsonArray{QJsonObject{{u"name"_s, u"bot-a"_s},
                                               {u"password"_s, QJsonObject{{u"env"_s, u"PW"_s}}},
                                               {u"max_builds"_s, 0}}}}});
    const Run r = run(args << config);
    QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
    QVERIFY2(r.err.contains(config), qPrintable(describe(r)));
    QVERIFY2(r.err.contains(u"master.titel: unknown key"_s), qPrintable(describe(r)));
    QVERIFY2(r.err.contains(u"workers[0].max_builds: "_s), qPrintable(describe(r)));
    QVERIFY2(!QFileInfo::exists(dir.filePath(u"c.sock"_s)), "a broken config must not start");
}

Run TestControlCli::startMaster(QProcess& master, const QStringList& args,
                                const QStringList& ctlArgs, const QProcessEnvironment& env)
{
    master.setProcessEnvironment(env);
    master.start(Exe, args);
    Run last;
    if (!master.waitForStarted(10000)) {
        last.err = u"(test) the master did not start: "_s + master.errorString();
        return last;
    }
    (void)QTest::qWaitFor(
        [&] {
            last = run(QStringList{u"ctl"_s} << ctlArgs << u"status"_s << u"--json"_s, env);
            return last.exitCode == 0 || master.state() != QProcess::Running;
        },
        30000);
    return last;
}

void TestControlCli::firstRunCreatesDefaultConfig()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QProcessEnvironment env = privateEnv(dir);
    const QString configPath = env.value(u"XDG_CONFIG_HOME"_s) + u"/yardmaster/master.json"_s;
    QVERIFY(!QFileInfo::exists(configPath));

    QProcess master;
    const Run status = startMaster(master, {u"--headless"_s}, {}, env);
    QString log = QString::fromUtf8(master.readAllStandardError());
    QVERIFY2(status.exitCode == 0, qPrintable(describe(status) + u"\n--- master log:\n"_s + log));
    QVERIFY(QFileInfo::exists(configPath));
    const QJsonObject answer = QJsonDocument::fromJson(status.out.toUtf8()).object();
    QCOMPARE(answer.value(u"ok"_s).toBool(), true);
    QVERIFY(answer.value(u"workers"_s).isArray());
    QCOMPARE(answer.value(u"workers"_s).toArray().size(), 0);
    QCOMPARE(answer.value(u"config"_s).toString(), configPath);

    // The table form works too.
    const Run table = run({u"ctl"_s, u"status"_s}, env);
    QVERIFY2(table.exitCode == 0, qPrintable(describe(table)));
    QVERIFY2(table.out.contains(u"0 workers configured"_s), qPrintable(describe(table)));

    ::kill(pid_t(master.processId()), SIGTERM);
    QVERIFY2(master.waitForFinished(2000), "SIGTERM: the master must exit within 2 s");
    QCOMPARE(master.exitStatus(), QProcess::NormalExit);
    log += QString::fromUtf8(master.readAllStandardError());
    QVERIFY2(master.exitCode() == 0, qPrintable(log));
    QVERIFY2(log.contains(u"created a default config at %1"_s.arg(configPath)), qPrintable(log));

    // A second run finds the config and does not say it created one again.
    QProcess again;
    const Run status2 = startMaster(again, {u"--headless"_s}, {}, env);
    QVERIFY2(status2.exitCode == 0, qPrintable(describe(status2)));
    ::kill(pid_t(again.processId()), SIGINT);
    QVERIFY2(again.waitForFinished(2000), "SIGINT: the master must exit within 2 s");
    QCOMPARE(again.exitCode(), 0);
    QVERIFY(!QString::fromUtf8(again.readAllStandardError()).contains(u"created a default"_s));
}

void TestControlCli::runsWithConfigAndStopsCleanly_data()
{
    QTest::addColumn<int>("stopSignal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestControlCli::runsWithConfigAndStopsCleanly()
{
    QFETCH(int, stopSignal);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QProcessEnvironment env = privateEnv(dir);
    const QString config = dir.filePath(u"master.json"_s);
    const QString socket = dir.filePath(u"run/control.sock"_s);
    const QJsonObject master{
        {u"title"_s, u"cli test"_s},
        {u"protocols"_s,
         QJsonObject{{u"msgpack"_s, QJsonObject{{u"port"_s, 0}, {u"bind"_s, u"127.0.0.1"_s}}}}},
        {u"database"_s, dir.filePath(u"state.sqlite"_s)},
        {u"secrets_dir"_s, dir.filePath(u"secrets"_s)},
        {u"control_socket"_s, socket},
    };
    const QJsonObject botA{{u"name"_s, u"bot-a"_s},
                           {u"password"_s, QJsonObject{{u"env"_s, u"YM_CLI_PW"_s}}}};
    writeJson(config, {{u"master"_s, master}, {u"workers"_s, QJsonArray{botA}}});
    QProcessEnvironment masterEnv = env;
    masterEnv.insert(u"YM_CLI_PW"_s, u"pw"_s);

    QProcess process;
    const Run status = startMaster(process, {u"--headless"_s, u"--config"_s, config},
                                   {u"--config"_s, config}, masterEnv);
    QString log = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(status.exitCode == 0, qPrintable(describe(status) + u"\n--- master log:\n"_s + log));
    QCOMPARE(QFileInfo(QFileInfo(socket).absolutePath()).permissions() & 0x0077, 0);

    // The table lists the configured worker.
    const Run table = run({u"ctl"_s, u"--socket"_s, socket, u"status"_s}, env);
    QVERIFY2(table.exitCode == 0, qPrintable(describe(table)));
    for (const QString& column : {u"NAME"_s, u"STATE"_s, u"PEER"_s, u"SINCE"_s, u"VERSION"_s,
                                  u"HOST"_s, u"ADMIN"_s, u"bot-a"_s, u"disconnected"_s})
        QVERIFY2(table.out.contains(column), qPrintable(column + u": "_s + describe(table)));

    const Run events = run({u"ctl"_s, u"--socket"_s, socket, u"events"_s}, env);
    QVERIFY2(events.exitCode == 0, qPrintable(describe(events)));
    QVERIFY2(events.out.contains(u"started"_s), qPrintable(describe(events)));

    // A second master on the same control socket is refused.
    const Run second = run({u"--headless"_s, u"--config"_s, config}, masterEnv);
    QVERIFY2(second.exitCode == 2, qPrintable(describe(second)));
    QVERIFY2(second.err.contains(u"another master is already running on %1"_s.arg(socket)),
             qPrintable(describe(second)));

    // Reload: one worker added.
    const QJsonObject botB{{u"name"_s, u"bot-b"_s},
                           {u"password"_s, QJsonObject{{u"env"_s, u"YM_CLI_PW"_s}}}};
    writeJson(config, {{u"master"_s, master}, {u"workers"_s, QJsonArray{botA, botB}}});
    const Run reload = run({u"ctl"_s, u"--config"_s, config, u"reload"_s}, env);
    QVERIFY2(reload.exitCode == 0, qPrintable(describe(reload)));
    QVERIFY2(reload.out.contains(u"reloaded: added [bot-b] removed [] changed []"_s),
             qPrintable(describe(reload)));

    // A reload of a broken config is refused with its errors (exit 1); the
    // running config stays. ctl reads the socket path from --socket here,
    // since the config no longer loads.
    writeJson(
        config,
        {{u"master"_s, master}, {u"workers"_s, QJsonArray{botA, botB, botA}}, {u"extra"_s, true}});
    const Run refused = run({u"ctl"_s, u"--socket"_s, socket, u"reload"_s}, env);
    QVERIFY2(refused.exitCode == 1, qPrintable(describe(refused)));
    QVERIFY2(refused.err.contains(u"extra: unknown key"_s), qPrintable(describe(refused)));
    QVERIFY2(refused.err.contains(u"workers[2]"_s), qPrintable(describe(refused)));
    const Run refusedJson = run({u"ctl"_s, u"--socket"_s, socket, u"reload"_s, u"--json"_s}, env);
    QCOMPARE(refusedJson.exitCode, 1);
    QCOMPARE(QJsonDocument::fromJson(refusedJson.out.toUtf8()).object().value(u"ok"_s), false);
    const Run after = run({u"ctl"_s, u"--socket"_s, socket, u"status"_s, u"--json"_s}, env);
    QCOMPARE(
        QJsonDocument::fromJson(after.out.toUtf8()).object().value(u"workers"_s).toArray().size(),
        2);

    // SIGHUP reloads (the broken config is refused again, and logged).
    ::kill(pid_t(process.processId()), SIGHUP);
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     log += QString::fromUtf8(process.readAllStandardError());
                     return log.contains(u"config reload refused"_s);
                 },
                 20000),
             qPrintable(log));

    ::kill(pid_t(process.processId()), stopSignal);
    QVERIFY2(process.waitForFinished(2000), "the master must exit within 2 s of the signal");
    log += QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
             qPrintable(log));
    QVERIFY2(!QFileInfo::exists(socket), "the control socket is removed on exit");
    const Run gone = run({u"ctl"_s, u"--socket"_s, socket, u"status"_s}, env);
    QCOMPARE(gone.exitCode, 3);
    // The log carries time, level and category.
    QVERIFY2(
        log.contains(QRegularExpression(
            u"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} I ym\\.app: control socket: "_s)),
        qPrintable(log));
}

QTEST_GUILESS_MAIN(TestControlCli)
#include "tst_control_cli.moc"
