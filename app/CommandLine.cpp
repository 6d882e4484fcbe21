#include "CommandLine.h"

#include <QCommandLineParser>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace ym {

QString composeHelp(const QCommandLineParser& parser, const QString& usage, const QString& body)
{
    QString options = parser.helpText();
    const qsizetype at = options.indexOf(u"Options:"_s);
    options = at >= 0 ? options.mid(at) : QString();
    QString text = u"Usage: "_s + usage + u"\n\n"_s + body;
    if (!text.endsWith(u'\n'))
        text += u'\n';
    if (!options.isEmpty())
        text += u'\n' + options;
    return text;
}

void printOut(const QString& text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    std::fflush(stdout);
}

void printErr(const QString& text)
{
    std::fputs(text.toUtf8().constData(), stderr);
    std::fflush(stderr);
}

} // namespace ym
