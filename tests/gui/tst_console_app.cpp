// The `yardmaster` executable's console face: without arguments it opens the
// console (offscreen here) with its engine and control socket, so `ctl`
// answers; SIGTERM closes it cleanly; without a display it says what to do.
#include "GuiTestSupport.h"

#include <QJsonArray>
#include <QProcess>
#include <QTest>

#include <signal.h>

using namespace Qt::StringLiterals;

namespace {
const QString Exe = QStringLiteral(YM_YARDMASTER_EXE);

QProcessEnvironment privateEnv(const QString& dir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir);
    env.insert(u"XDG_CONFIG_HOME"_s, dir + u"/config"_s);
    env.insert(u"XDG_DATA_HOME"_s, dir + u"/data"_s);
    env.insert(u"XDG_RUNTIME_DIR"_s, dir + u"/run"_s);
    return env;
}
} // namespace

class TestConsoleApp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensWithControlSocket();
    void firstRunWithoutConfig();
    void noDisplay();
};

void TestConsoleApp::opensWithControlSocket()
{
    ymtest::ConsoleConfig cfg;
    QVERIFY(cfg.write(QJsonObject{
        {u"workers"_s, QJsonArray{QJsonObject{
                           {u"name"_s, u"bot-a"_s},
                           {u"password"_s, QJsonObject{{u"secret"_s, u"worker/bot-a"_s}}}}}}}));
    QVERIFY(cfg.writeSecret(u"worker/bot-a"_s, "pw"));
    QProcess console;
    console.setProcessEnvironment(privateEnv(cfg.dir()));
    console.start(Exe, {u"--config"_s, cfg.configPath()});
    QVERIFY(console.waitForStarted(10000));
    QByteArray status;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            QProcess ctl;
            ctl.start(Exe, {u"ctl"_s, u"--config"_s, cfg.configPath(), u"status"_s, u"--json"_s});
            ctl.waitForFinished(15000);
            status = ctl.readAllStandardOutput();
            return ctl.exitCode() == 0 || console.state() != QProcess::Running;
        }(),
        30000);
    QVERIFY(console.state() == QProcess::Running);
    QVERIFY2(status.contains("\"bot-a\""), status.constData());
    ::kill(pid_t(console.processId()), SIGTERM);
    QVERIFY(console.waitForFinished(15000));
    QCOMPARE(console.exitStatus(), QProcess::NormalExit);
    const QString log = QString::fromUtf8(console.readAllStandardError());
    QVERIFY2(console.exitCode() == 0, qPrintable(log));
    QVERIFY2(log.contains(u"console starting"_s), qPrintable(log));
    QVERIFY2(log.contains(u"master stopped"_s), qPrintable(log));
    QVERIFY2(log.contains(u"secret store: directory"_s), qPrintable(log)); // as configured
}

void TestConsoleApp::firstRunWithoutConfig()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QProcessEnvironment env = privateEnv(dir.path());
    const QString configPath = env.value(u"XDG_CONFIG_HOME"_s) + u"/yardmaster/master.json"_s;
    QProcess console;
    console.setProcessEnvironment(env);
    console.start(Exe, QStringList{});
    QVERIFY(console.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            QProcess ctl;
            ctl.setProcessEnvironment(env);
            ctl.start(Exe, {u"ctl"_s, u"status"_s});
            ctl.waitForFinished(15000);
            return ctl.exitCode() == 0 || console.state() != QProcess::Running;
        }(),
        30000);
    QVERIFY(QFileInfo::exists(configPath));
    ::kill(pid_t(console.processId()), SIGINT);
    QVERIFY(console.waitForFinished(15000));
    const QString log = QString::fromUtf8(console.readAllStandardError());
    QVERIFY2(console.exitCode() == 0, qPrintable(log));
    QVERIFY2(log.contains(u"created a default config at %1"_s.arg(configPath)), qPrintable(log));
    QVERIFY2(log.contains(u"\"Add worker\""_s), qPrintable(log));
    // master.secrets "auto" (the default config) means the OS keychain in the console.
    QVERIFY2(log.contains(u"secret store: keychain"_s), qPrintable(log));
}

void TestConsoleApp::noDisplay()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcessEnvironment env = privateEnv(dir.path());
    env.remove(u"QT_QPA_PLATFORM"_s);
    env.remove(u"DISPLAY"_s);
    env.remove(u"WAYLAND_DISPLAY"_s);
    QProcess console;
    console.setProcessEnvironment(env);
    console.start(Exe, QStringList{});
    QVERIFY(console.waitForFinished(15000));
    QCOMPARE(console.exitCode(), 2);
    const QString err = QString::fromUtf8(console.readAllStandardError());
    QVERIFY2(err.contains(u"yardmaster --headless"_s), qPrintable(err));
    // Nothing was created: it stopped before the first-run config.
    QVERIFY(!QFileInfo::exists(env.value(u"XDG_CONFIG_HOME"_s) + u"/yardmaster/master.json"_s));
}

QTEST_MAIN(TestConsoleApp)
#include "tst_console_app.moc"
