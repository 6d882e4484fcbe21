#include "ConsoleMain.h"

#include "CommandLine.h"
#include "Startup.h"
#include "UnixSignals.h"

#include "EngineThread.h"
#include "MainWindow.h"
#include "Translations.h"
#include "UiResources.h"
#include "config/ConfigLoader.h"
#include "control/ControlServer.h"
#include "engine/Master.h"
#include "util/Logging.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include <csignal>
#include <cstdlib>

using namespace Qt::StringLiterals;

namespace ym {

namespace {
constexpr int ShutdownWaitMs = 40000; // latent instances are stopped first (25 s at most)

bool haveDisplay()
{
    return !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") ||
           !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}
} // namespace

int runConsole(int argc, char** argv)
{
    // Everything that can fail without a window is checked before one opens.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    QCommandLineParser parser;
    const QCommandLineOption configOption({u"c"_s, u"config"_s}, u"The master config."_s,
                                          u"FILE"_s);
    parser.addOption(configOption);
    const QCommandLineOption langOption(u"lang"_s, u"The console's language (de, fr, en)."_s,
                                        u"LANG"_s);
    parser.addOption(langOption);
    if (!parser.parse(arguments)) {
        printErr(u"yardmaster: %1\nTry `yardmaster --help`.\n"_s.arg(parser.errorText()));
        return ExitUsage;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printErr(u"yardmaster: unknown command '%1'\nTry `yardmaster --help`.\n"_s.arg(
            parser.positionalArguments().constFirst()));
        return ExitUsage;
    }
    const QString language = parser.value(langOption);
    if (parser.isSet(langOption) && language != u"en"_s && !consoleLanguages().contains(language)) {
        printErr(u"yardmaster: --lang: unknown language '%1' (known: en, %2)\n"_s.arg(
            language, consoleLanguages().join(u", "_s)));
        return ExitUsage;
    }
    if (!haveDisplay()) {
        printErr(u"yardmaster: no display for the console (DISPLAY and WAYLAND_DISPLAY are "
                 u"unset); on a server run `yardmaster --headless`\n"_s);
        return ExitUsage;
    }
    QString configPath;
    if (!prepareToRun(parser.value(configOption), u"add one with \"Add worker\" in the window"_s,
                      &configPath))
        return ExitUsage;

    QApplication app(argc, argv);
    QApplication::setApplicationName(u"yardmaster"_s);
    QApplication::setApplicationDisplayName(u"Yardmaster"_s);
    QApplication::setApplicationVersion(QStringLiteral(YM_VERSION));
    QGuiApplication::setDesktopFileName(u"yardmaster"_s);
    QApplication::setWindowIcon(uiIcon(u"yardmaster"_s));
    const QString effectiveLanguage = installConsoleTranslations(language);
    qCInfo(lcApp).noquote() << "yardmaster" << QCoreApplication::applicationVersion()
                            << "console starting with" << configPath << "language"
                            << effectiveLanguage;

    EngineThread engine(configPath);
    ControlServer* control = nullptr; // engine thread only (the hooks run there)
    engine.setHooks(
        [&control](Master& master) {
            control = new ControlServer(master, &master);
            QString error;
            if (!control->listen(master.config().effectiveControlSocket(), &error)) {
                qCWarning(lcApp).noquote() << error << "(yardmaster ctl will not reach it)";
                delete control;
                control = nullptr;
            }
        },
        [&control](Master&) {
            delete control;
            control = nullptr;
        });

    MainWindow window(engine.master());
    window.show();

    UnixSignals unixSignals({SIGTERM, SIGINT, SIGHUP});
    QObject::connect(&unixSignals, &UnixSignals::received, &app, [&](int number) {
        if (number == SIGHUP) {
            QMetaObject::invokeMethod(engine.master(), &Master::reload, Qt::QueuedConnection);
            return;
        }
        qCInfo(lcApp) << "stop signal received: closing the console";
        QApplication::quit();
    });

    engine.start();
    const int code = app.exec();
    if (!engine.stop(ShutdownWaitMs)) {
        qCCritical(lcApp) << "the engine did not stop within" << ShutdownWaitMs << "ms";
        std::_Exit(1);
    }
    return code;
}

} // namespace ym
