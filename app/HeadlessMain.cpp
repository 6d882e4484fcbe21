#include "HeadlessMain.h"

#include "CommandLine.h"
#include "Startup.h"
#include "UnixSignals.h"

#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "control/ControlServer.h"
#include "engine/Master.h"
#include "util/Logging.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocalSocket>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace ym {

namespace {
constexpr int ShutdownWatchdogMs = 40000; // latent instances are stopped first (25 s at most)
} // namespace

int runHeadless(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"yardmaster"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(YM_VERSION));
    qSetMessagePattern(u"%{time yyyy-MM-ddThh:mm:ss.zzz} "
                       u"%{if-debug}D%{endif}%{if-info}I%{endif}%{if-warning}W%{endif}"
                       u"%{if-critical}C%{endif}%{if-fatal}F%{endif} %{category}: %{message}"_s);

    QCommandLineParser parser;
    const QCommandLineOption headlessOption(u"headless"_s,
                                            u"Run without a window (a server); without it, "
                                            u"yardmaster opens the desktop console."_s);
    const QCommandLineOption configOption(
        {u"c"_s, u"config"_s},
        u"The master config (default: %1, created on first run)."_s.arg(
            MasterConfig::defaultConfigPath()),
        u"FILE"_s);
    // Answered here for --help; the console face reads it.
    const QCommandLineOption langOption(
        u"lang"_s, u"The console's language: de, fr or en (default: the system's)."_s, u"LANG"_s);
    parser.addOption(headlessOption);
    parser.addOption(configOption);
    parser.addOption(langOption);
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();

    const QString usage = u"yardmaster [--headless] [--config FILE] [--lang de|fr|en]\n"
                          u"       yardmaster ctl [--config FILE | --socket PATH] COMMAND "
                          u"[--json]"_s;
    const QString body =
        u"Yardmaster: a build master that Buildbot workers attach to.\n\n"
        u"Commands:\n"
        u"  (none)   open the desktop console (the master runs inside it) with the given or\n"
        u"           the default config; --headless runs the master without a window\n"
        u"  ctl      talk to a running master: status, reload, events (see `yardmaster ctl "
        u"--help`)\n"_s;

    if (!parser.parse(app.arguments())) {
        printErr(u"yardmaster: %1\nTry `yardmaster --help`.\n"_s.arg(parser.errorText()));
        return ExitUsage;
    }
    if (parser.isSet(helpOption) || parser.isSet(u"help-all"_s)) {
        printOut(composeHelp(parser, usage, body));
        return ExitOk;
    }
    if (parser.isSet(versionOption)) {
        printOut(u"yardmaster %1\n"_s.arg(QCoreApplication::applicationVersion()));
        return ExitOk;
    }
    if (parser.isSet(langOption)) {
        printErr(u"yardmaster: --lang: the headless master has no console to translate\n"_s);
        return ExitUsage;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printErr(u"yardmaster: unknown command '%1'\nTry `yardmaster --help`.\n"_s.arg(
            parser.positionalArguments().constFirst()));
        return ExitUsage;
    }

    QString configPath;
    if (!prepareToRun(parser.value(configOption), u"add some, then run `yardmaster ctl reload`"_s,
                      &configPath))
        return ExitUsage;

    qCInfo(lcApp).noquote() << "yardmaster" << QCoreApplication::applicationVersion()
                            << "starting with" << configPath;

    QThread engineThread;
    engineThread.setObjectName(u"engine"_s);
    auto* master = new Master(configPath);
    master->moveToThread(&engineThread);
    QObject::connect(&engineThread, &QThread::finished, master, &QObject::deleteLater);
    QObject::connect(&engineThread, &QThread::finished, &app, &QCoreApplication::quit);

    std::atomic<int> exitCode = ExitOk;
    std::atomic<bool> engineGone = false; // set just before the engine thread quits
    // Engine-thread state: touched only from slots that run on the engine thread.
    ControlServer* control = nullptr;
    bool engineStopping = false;

    QObject::connect(
        master, &Master::started, master, [&, master](bool ok, const QStringList& errors) {
            if (!ok) {
                for (const QString& error : errors)
                    qCCritical(lcApp).noquote() << error;
                qCCritical(lcApp) << "the master did not start";
                exitCode = ExitUsage;
                engineGone = true;
                engineThread.quit();
                return;
            }
            if (engineStopping)
                return;
            control = new ControlServer(*master, master);
            QString error;
            if (!control->listen(master->config().effectiveControlSocket(), &error)) {
                qCCritical(lcApp).noquote() << error;
                delete control;
                control = nullptr;
                exitCode = ExitUsage;
                engineStopping = true;
                master->shutdown();
                return;
            }
            qCInfo(lcApp).noquote() << "control socket:" << control->path();
            qCInfo(lcApp).noquote() << "master running; msgpack port" << master->msgpackPort();
        });
    QObject::connect(master, &Master::stopped, master, [&] {
        delete control;
        control = nullptr;
        qCInfo(lcApp) << "master stopped";
        engineGone = true;
        engineThread.quit();
    });
    QObject::connect(master, &Master::reloaded, &app, [](bool ok, const QStringList& messages) {
        if (ok) {
            qCInfo(lcApp) << "config reloaded";
            for (const QString& message : messages) {
                if (!message.trimmed().endsWith(u':')) // e.g. "added:" with nobody added
                    qCInfo(lcApp).noquote() << "  " << message;
            }
        } else {
            qCWarning(lcApp) << "config reload refused; the running config stays";
            for (const QString& message : messages)
                qCWarning(lcApp).noquote() << "  " << message;
        }
    });

    QTimer watchdog;
    watchdog.setSingleShot(true);
    QObject::connect(&watchdog, &QTimer::timeout, &app, [] {
        qCCritical(lcApp) << "shutdown did not finish within" << ShutdownWatchdogMs
                          << "ms; exiting anyway";
        std::_Exit(1);
    });

    bool stopping = false; // main thread
    UnixSignals unixSignals({SIGTERM, SIGINT, SIGHUP});
    QObject::connect(&unixSignals, &UnixSignals::received, &app, [&, master](int number) {
        if (engineGone)
            return; // already on the way out
        if (number == SIGHUP) {
            if (stopping)
                return;
            qCInfo(lcApp) << "SIGHUP: reloading the config";
            QMetaObject::invokeMethod(master, &Master::reload, Qt::QueuedConnection);
            return;
        }
        if (stopping) {
            qCWarning(lcApp) << "second stop signal: exiting now";
            std::_Exit(1);
        }
        stopping = true;
        qCInfo(lcApp).noquote() << (number == SIGINT ? u"SIGINT"_s : u"SIGTERM"_s)
                                << "received: shutting down";
        watchdog.start(ShutdownWatchdogMs);
        QMetaObject::invokeMethod(
            master,
            [&, master] {
                if (engineStopping)
                    return;
                engineStopping = true;
                delete control; // ctl clients see no half-stopped master
                control = nullptr;
                master->shutdown();
            },
            Qt::QueuedConnection);
    });

    engineThread.start();
    QMetaObject::invokeMethod(master, &Master::start, Qt::QueuedConnection);
    app.exec();
    engineThread.quit();
    engineThread.wait();
    return exitCode;
}

} // namespace ym
