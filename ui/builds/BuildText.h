#pragma once

#include "engine/BuildInfo.h"

#include <QColor>
#include <QCoreApplication>
#include <QDateTime>
#include <QString>

namespace ym::ui {

// The words and colours the builds views use for states, results, times and
// durations (one place, so the builders list, the builds list and the log
// viewer agree).
class BuildText final
{
    Q_DECLARE_TR_FUNCTIONS(ym::ui::BuildText)

public:
    BuildText() = delete;

    // "success", "failure", ... translated; an unknown result as it is.
    static QString result(const QString& result);
    // "queued", "running", or the result of a finished build.
    static QString status(const BuildInfo& build);
    // The background colour of a result ("" = running, "queued" = queued).
    static QColor resultColour(const QString& result);
    static QColor statusColour(const BuildInfo& build);
    // "2 h 05 min", "3 min 07 s", "12 s".
    static QString duration(qint64 ms);
    // Local time "yyyy-MM-dd HH:mm:ss"; empty when invalid.
    static QString time(const QDateTime& t);
    // The exact UTC time (tooltips).
    static QString exactTime(const QDateTime& t);
};

} // namespace ym::ui
