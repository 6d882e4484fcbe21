#pragma once

#include <QDateTime>
#include <QString>

namespace ym {

// "just now", "5 s ago", "3 min ago", "2 h ago", "4 days ago" (translated).
QString relativeTime(const QDateTime& when, const QDateTime& now);
// The exact local time with the UTC offset, for tooltips.
QString exactTime(const QDateTime& when);
// A number of seconds as "90 s", "5 min", "1 h" (translated).
QString shortDuration(int seconds);

} // namespace ym
