#include "control/LatentText.h"

#include <QJsonValue>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace ym::latenttext {

namespace {

QJsonValue msOrNull(qint64 ms)
{
    return ms ? QJsonValue(double(ms)) : QJsonValue();
}

QString msText(const QJsonValue& value)
{
    if (!value.isDouble())
        return {};
    return QDateTime::fromMSecsSinceEpoch(qint64(value.toDouble()))
        .toString(u"yyyy-MM-dd hh:mm:ss"_s);
}

QDateTime isoTime(const QJsonValue& value)
{
    if (!value.isString() || value.toString().isEmpty())
        return {};
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

// Columns padded to their widest cell ("-" for an empty one); the last is not padded.
QString table(const QStringList& header, const QList<QStringList>& rows)
{
    QList<qsizetype> widths(header.size(), 0);
    const auto cell = [](const QString& s) {
        return s.isEmpty() ? u"-"_s : s;
    };
    const auto measure = [&](const QStringList& row) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], cell(row.at(i)).size());
    };
    measure(header);
    for (const QStringList& row : rows)
        measure(row);
    QString out;
    const auto emitRow = [&](const QStringList& row) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? cell(row[i]).leftJustified(widths[i] + 2) : cell(row[i]);
        out += line.trimmed() + u'\n';
    };
    emitRow(header);
    for (const QStringList& row : rows)
        emitRow(row);
    return out;
}

} // namespace

QJsonObject ledgerRowJson(const storage::LatentInstanceRecord& r)
{
    return QJsonObject{
        {u"id"_s, double(r.id)},
        {u"worker"_s, r.worker},
        {u"driver"_s, r.driver},
        {u"instance"_s, r.instanceId},
        {u"state"_s, r.state},
        {u"open"_s, r.isOpen()},
        {u"requested_ms"_s, msOrNull(r.requestedMs)},
        {u"started_ms"_s, msOrNull(r.startedMs)},
        {u"attached_ms"_s, msOrNull(r.attachedMs)},
        {u"stop_requested_ms"_s, msOrNull(r.stopRequestedMs)},
        {u"stopped_ms"_s, msOrNull(r.stoppedMs)},
        {u"last_error"_s, r.lastError},
        {u"reason"_s, r.reason},
        {u"attributes"_s, r.attributes},
    };
}

QString duration(qint64 seconds)
{
    seconds = std::max<qint64>(seconds, 0);
    if (seconds < 60)
        return u"%1 s"_s.arg(seconds);
    if (seconds < 3600)
        return seconds % 60 ? u"%1 min %2 s"_s.arg(seconds / 60).arg(seconds % 60)
                            : u"%1 min"_s.arg(seconds / 60);
    if (seconds < 86400) {
        const qint64 minutes = seconds / 60 % 60;
        return minutes ? u"%1 h %2 min"_s.arg(seconds / 3600).arg(minutes)
                       : u"%1 h"_s.arg(seconds / 3600);
    }
    const qint64 hours = seconds / 3600 % 24;
    return hours ? u"%1 d %2 h"_s.arg(seconds / 86400).arg(hours) : u"%1 d"_s.arg(seconds / 86400);
}

QString ledgerTable(const QJsonArray& rows)
{
    if (rows.isEmpty())
        return u"no latent instances\n"_s;
    QList<QStringList> cells;
    for (const QJsonValue& value : rows) {
        const QJsonObject r = value.toObject();
        const QJsonValue id = r.value(u"id"_s);
        cells.append({id.isDouble() ? QString::number(qint64(id.toDouble())) : QString(),
                      r.value(u"worker"_s).toString(), r.value(u"driver"_s).toString(),
                      r.value(u"instance"_s).toString(), r.value(u"state"_s).toString(),
                      msText(r.value(u"requested_ms"_s)), msText(r.value(u"started_ms"_s)),
                      msText(r.value(u"attached_ms"_s)), msText(r.value(u"stopped_ms"_s)),
                      r.value(u"last_error"_s).toString().simplified()});
    }
    return table({u"ID"_s, u"WORKER"_s, u"DRIVER"_s, u"INSTANCE"_s, u"STATE"_s, u"REQUESTED"_s,
                  u"STARTED"_s, u"ATTACHED"_s, u"STOPPED"_s, u"LAST ERROR"_s},
                 cells);
}

QString statusLine(const QJsonObject& worker, const QDateTime& now)
{
    const QJsonValue latentValue = worker.value(u"latent"_s);
    if (!latentValue.isObject())
        return {};
    const QJsonObject latent = latentValue.toObject();
    const QString phase = latent.value(u"phase"_s).toString();
    QString line = u"%1  latent %2: %3"_s.arg(worker.value(u"name"_s).toString(),
                                              latent.value(u"driver"_s).toString(), phase);
    const QDateTime since = isoTime(latent.value(u"phase_since"_s));
    if (since.isValid())
        line += u" (%1)"_s.arg(duration(since.secsTo(now)));
    const QString instance = latent.value(u"instance"_s).toString();
    if (!instance.isEmpty() && phase != u"stopped")
        line += u", instance %1"_s.arg(instance);
    const QString error = latent.value(u"last_error"_s).toString().simplified();
    const bool failure =
        phase == u"start failed" || phase == u"attach timed out" || phase == u"stop failed";
    if (failure && !error.isEmpty())
        line += u": "_s + error;
    const QDateTime retryAt = isoTime(latent.value(u"retry_at"_s));
    if (failure && retryAt.isValid()) {
        if (retryAt > now)
            line += u"; next start not before %1 (in %2)"_s.arg(
                retryAt.toLocalTime().toString(u"hh:mm:ss"_s), duration(now.secsTo(retryAt)));
        else
            line += u"; may start again now"_s;
    }
    const QDateTime stopAt = isoTime(latent.value(u"stop_at"_s));
    if (phase == u"attached" && stopAt.isValid())
        line += u"; idle, stops at %1 (in %2)"_s.arg(stopAt.toLocalTime().toString(u"hh:mm:ss"_s),
                                                     duration(now.secsTo(stopAt)));
    const QString waiting = latent.value(u"waiting_requests"_s).toString();
    if (!waiting.isEmpty() && (phase == u"starting" || phase == u"waiting for attach"))
        line += u"; for "_s + waiting;
    return line;
}

} // namespace ym::latenttext
