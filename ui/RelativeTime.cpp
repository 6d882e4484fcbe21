#include "RelativeTime.h"

#include <QCoreApplication>

namespace ym {

namespace {
// The translation context "ym::RelativeTime" (lupdate finds it by this macro).
class RelativeTime
{
    Q_DECLARE_TR_FUNCTIONS(ym::RelativeTime)
};
} // namespace

QString relativeTime(const QDateTime& when, const QDateTime& now)
{
    if (!when.isValid())
        return RelativeTime::tr("never");
    const qint64 s = when.secsTo(now);
    if (s < 5)
        return RelativeTime::tr("just now");
    if (s < 60)
        return RelativeTime::tr("%n s ago", "", int(s));
    if (s < 3600)
        return RelativeTime::tr("%n min ago", "", int(s / 60));
    if (s < 86400)
        return RelativeTime::tr("%n h ago", "", int(s / 3600));
    return RelativeTime::tr("%n day(s) ago", nullptr, int(s / 86400));
}

QString exactTime(const QDateTime& when)
{
    if (!when.isValid())
        return RelativeTime::tr("never");
    return when.toLocalTime().toString(Qt::ISODate);
}

QString shortDuration(int seconds)
{
    if (seconds >= 3600 && seconds % 3600 == 0)
        return RelativeTime::tr("%n h", "", seconds / 3600);
    if (seconds >= 60 && seconds % 60 == 0)
        return RelativeTime::tr("%n min", "", seconds / 60);
    return RelativeTime::tr("%n s", "", seconds);
}

} // namespace ym
