#include "RelativeTime.h"

#include <QCoreApplication>

namespace ym {

namespace {
QString tr(const char* text, int n)
{
    return QCoreApplication::translate("ym::RelativeTime", text, nullptr, n);
}
} // namespace

QString relativeTime(const QDateTime& when, const QDateTime& now)
{
    if (!when.isValid())
        return QCoreApplication::translate("ym::RelativeTime", "never");
    const qint64 s = when.secsTo(now);
    if (s < 5)
        return QCoreApplication::translate("ym::RelativeTime", "just now");
    if (s < 60)
        return tr("%n s ago", int(s));
    if (s < 3600)
        return tr("%n min ago", int(s / 60));
    if (s < 86400)
        return tr("%n h ago", int(s / 3600));
    return tr("%n day(s) ago", int(s / 86400));
}

QString exactTime(const QDateTime& when)
{
    if (!when.isValid())
        return QCoreApplication::translate("ym::RelativeTime", "never");
    return when.toLocalTime().toString(Qt::ISODate);
}

QString shortDuration(int seconds)
{
    if (seconds >= 3600 && seconds % 3600 == 0)
        return tr("%n h", seconds / 3600);
    if (seconds >= 60 && seconds % 60 == 0)
        return tr("%n min", seconds / 60);
    return tr("%n s", seconds);
}

} // namespace ym
