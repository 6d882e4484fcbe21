#include "builds/BuildText.h"

using namespace Qt::StringLiterals;

namespace ym::ui {

QString BuildText::result(const QString& result)
{
    if (result == u"success")
        return tr("success");
    if (result == u"warnings")
        return tr("warnings");
    if (result == u"failure")
        return tr("failure");
    if (result == u"skipped")
        return tr("skipped");
    if (result == u"exception")
        return tr("exception");
    if (result == u"retry")
        return tr("retry");
    if (result == u"cancelled")
        return tr("cancelled");
    return result;
}

QString BuildText::status(const BuildInfo& build)
{
    switch (build.state) {
    case BuildInfo::State::Queued:
        return build.retries > 0 ? tr("queued (retry %1)").arg(build.retries) : tr("queued");
    case BuildInfo::State::Running:
        return tr("running");
    case BuildInfo::State::Finished:
        break;
    }
    return result(build.result);
}

QColor BuildText::resultColour(const QString& result)
{
    if (result.isEmpty())
        return QColor(0xff, 0xf1, 0x76); // running: yellow
    if (result == u"queued")
        return QColor(0xe0, 0xe0, 0xe0);
    if (result == u"success")
        return QColor(0xa5, 0xd6, 0xa7);
    if (result == u"warnings")
        return QColor(0xff, 0xcc, 0x80);
    if (result == u"failure")
        return QColor(0xef, 0x9a, 0x9a);
    if (result == u"exception")
        return QColor(0xce, 0x93, 0xd8);
    if (result == u"retry")
        return QColor(0x90, 0xca, 0xf9);
    return QColor(0xbd, 0xbd, 0xbd); // cancelled, skipped, unknown
}

QColor BuildText::statusColour(const BuildInfo& build)
{
    switch (build.state) {
    case BuildInfo::State::Queued:
        return resultColour(u"queued"_s);
    case BuildInfo::State::Running:
        return resultColour(QString());
    case BuildInfo::State::Finished:
        break;
    }
    return resultColour(build.result);
}

QString BuildText::duration(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms / 1000);
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString BuildText::time(const QDateTime& t)
{
    return t.isValid() ? t.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s) : QString();
}

QString BuildText::exactTime(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

} // namespace ym::ui
