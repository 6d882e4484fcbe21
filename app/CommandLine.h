#pragma once

#include <QString>

class QCommandLineParser;

namespace ym {

// Help text with our own usage line (QCommandLineParser would print argv[0]
// and a generic "[options]"): USAGE, a blank line, BODY, then the options.
QString composeHelp(const QCommandLineParser& parser, const QString& usage, const QString& body);

// Plain output for the CLI (UTF-8, no log pattern).
void printOut(const QString& text);
void printErr(const QString& text);

// Exit codes shared by every face.
enum ExitCode : int
{
    ExitOk = 0,
    ExitRefused = 1,     // the master refused or reported a failure
    ExitUsage = 2,       // bad command line or bad config
    ExitUnreachable = 3, // no master answers on the control socket
};

} // namespace ym
