#include "HeadlessMain.h"

#include "CommandLine.h"
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

constexpr int ShutdownWatchdogMs = 10000;

// Raises the soft limit on open files to the hard limit: each worker link is a
// descriptor. Warns when even the hard limit is too low for this config.
void raiseFileLimit(qsizetype workerCount)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        qCWarning(lcApp) << "cannot read the open-file limit:" << std::strerror(errno);
        return;
    }
    rlim_t target = limit.rlim_max;
    if (target == RLIM_INFINITY) {
        // Linux refuses an infinite RLIMIT_NOFILE; fs.nr_open is the real ceiling.
        QFile nrOpen(u"/proc/sys/fs/nr_open"_s);
        bool ok = false;
        if (nrOpen.open(QIODevice::ReadOnly))
            target = nrOpen.readAll().trimmed().toULongLong(&ok);
        if (!ok)
            target = 1048576;
    }
    if (limit.rlim_cur < target) {
        rlimit raised = limit;
        raised.rlim_cur = target;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
        else
            qCWarning(lcApp) << "cannot raise the open-file limit to" << quint64(target) << ":"
                             << std::strerror(errno);
    }
    const quint64 needed = quint64(workerCount) + 256;
    if (limit.rlim_max != RLIM_INFINITY && quint64(limit.rlim_max) < needed)
        qCWarning(lcApp).noquote()
            << u"the hard limit on open files is %1, below the %2 this config needs (%3 workers "
               u"+ 256): raise it (LimitNOFILE= in the service unit, or ulimit -Hn)"_s
                   .arg(quint64(limit.rlim_max))
                   .arg(needed)
                   .arg(workerCount);
    qCDebug(lcApp) << "open-file limit: soft" << quint64(limit.rlim_cur) << "hard"
                   << quint64(limit.rlim_max);
}

// True when a live master answers on `socketPath`.
bool masterAnswers(const QString& socketPath)
{
    if (!QFileInfo::exists(socketPath))
        return false;
    QLocalSocket probe;
    probe.connectToServer(socketPath);
    const bool live = probe.waitForConnected(1000);
    probe.abort();
    return live;
}

// The config to run with: FILE from --config, or the default path, where a
// default config is created on first run.
bool prepareConfigPath(const QString& given, QString* path)
{
    if (!given.isEmpty()) {
        *path = QFileInfo(given).absoluteFilePath();
        return true;
    }
    *path = QFileInfo(MasterConfig::defaultConfigPath()).absoluteFilePath();
    if (QFileInfo::exists(*path))
        return true;
    const QString folder = QFileInfo(*path).absolutePath();
    if (!QDir().mkpath(folder)) {
        printErr(u"yardmaster: cannot create the config folder %1\n"_s.arg(folder));
        return false;
    }
    const Result<void> saved = saveConfigFile(defaultConfig(), *path);
    if (!saved.ok()) {
        printErr(u"yardmaster: cannot create a default config at %1: %2\n"_s.arg(
            *path, saved.error().message));
        return false;
    }
    printErr(u"yardmaster: first run: created a default config at %1 (no workers yet: add "
             u"some, then run `yardmaster ctl reload`)\n"_s.arg(*path));
    return true;
}

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
                                            u"Run without a window (the default until the "
                                            u"desktop console lands)."_s);
    const QCommandLineOption configOption(
        {u"c"_s, u"config"_s},
        u"The master config (default: %1, created on first run)."_s.arg(
            MasterConfig::defaultConfigPath()),
        u"FILE"_s);
    parser.addOption(headlessOption);
    parser.addOption(configOption);
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();

    const QString usage = u"yardmaster [--headless] [--config FILE]\n"
                          u"       yardmaster ctl [--config FILE | --socket PATH] COMMAND "
                          u"[--json]"_s;
    const QString body =
        u"Yardmaster: a build master that Buildbot workers attach to.\n\n"
        u"Commands:\n"
        u"  (none)   run the master (headless) with the given or the default config\n"
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
    if (!parser.positionalArguments().isEmpty()) {
        printErr(u"yardmaster: unknown command '%1'\nTry `yardmaster --help`.\n"_s.arg(
            parser.positionalArguments().constFirst()));
        return ExitUsage;
    }

    QString configPath;
    if (!prepareConfigPath(parser.value(configOption), &configPath))
        return ExitUsage;
    // Validate before anything starts: a bad config never runs half-configured.
    const ConfigLoadResult loaded = loadConfigFile(configPath);
    if (!loaded.ok()) {
        printErr(u"yardmaster: the config %1 has errors:\n"_s.arg(configPath));
        for (const QString& error : loaded.errors)
            printErr(error + u'\n');
        return ExitUsage;
    }
    const QString socketPath = loaded.config->effectiveControlSocket();
    if (masterAnswers(socketPath)) {
        printErr(u"yardmaster: another master is already running on %1\n"_s.arg(socketPath));
        return ExitUsage;
    }
    raiseFileLimit(loaded.config->workers.size());
    std::signal(SIGPIPE, SIG_IGN);

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
