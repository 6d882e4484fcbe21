// ControlServer: the build commands (force, stop, builds, log).
#include "control/ControlServer.h"

#include "engine/Master.h"
#include "engine/MasterViews.h"
#include "storage/Store.h"
#include "util/Logging.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QPointer>

#include <memory>

using namespace Qt::StringLiterals;

namespace ym {

namespace {

constexpr int DefaultBuildsLimit = 100;
// A log answer stops after about this much text and says "more": true, so
// neither side ever holds a whole multi-GB log (ctl fetches page by page).
constexpr qsizetype LogAnswerBytes = 4 * 1024 * 1024;
constexpr int LogChunksPerRead = 16; // worker chunks are at most ~64 KiB: <= 1 MB a read

QJsonObject failed(const QString& error)
{
    return QJsonObject{{u"ok"_s, false}, {u"errors"_s, QJsonArray{error}}};
}

QJsonValue msOrNull(qint64 ms)
{
    return ms ? QJsonValue(double(ms)) : QJsonValue();
}

// A positive integer id from a JSON number or numeric string, else 0.
qint64 idValue(const QJsonValue& v)
{
    if (v.isDouble())
        return v.toDouble() >= 1 ? qint64(v.toDouble()) : 0;
    if (v.isString())
        return v.toString().toLongLong();
    return 0;
}

} // namespace

QJsonObject ControlServer::force(const QJsonObject& request)
{
    const QString builder = request.value(u"builder"_s).toString();
    if (builder.isEmpty())
        return failed(u"force: \"builder\" is required"_s);
    const QJsonValue props = request.value(u"properties"_s);
    if (!props.isUndefined() && !props.isNull() && !props.isObject())
        return failed(u"force: \"properties\" must be an object"_s);
    const Result<qint64> r =
        m_master.forceBuild(builder, request.value(u"reason"_s).toString(), props.toObject());
    if (!r.ok())
        return failed(r.error().message);
    return QJsonObject{{u"ok"_s, true}, {u"request"_s, double(r.value())}, {u"builder"_s, builder}};
}

QJsonObject ControlServer::cancel(const QJsonObject& request)
{
    const qint64 id = idValue(request.value(u"request"_s));
    if (id <= 0)
        return failed(u"cancel: \"request\" must be a build request id"_s);
    const Result<void> r = m_master.cancelRequest(id, request.value(u"reason"_s).toString());
    if (!r.ok())
        return failed(r.error().message);
    return QJsonObject{{u"ok"_s, true}, {u"request"_s, double(id)}};
}

QJsonObject ControlServer::stop(const QJsonObject& request)
{
    const qint64 id = idValue(request.value(u"build"_s));
    if (id <= 0)
        return failed(u"stop: \"build\" must be a build id"_s);
    const Result<void> r = m_master.stopBuild(id, request.value(u"reason"_s).toString());
    if (!r.ok())
        return failed(r.error().message);
    return QJsonObject{{u"ok"_s, true}, {u"build"_s, double(id)}};
}

void ControlServer::builds(const QJsonObject& request, const Answer& answer)
{
    Store* store = m_master.store();
    if (!store)
        return answer(failed(u"the master is not running"_s));
    const QString builder = request.value(u"builder"_s).toString();
    const int limit = request.value(u"limit"_s).toInt(DefaultBuildsLimit);
    const QList<BuildInfo> live = m_master.builds();
    store->queryBuilds(builder, limit, this,
                       [answer, live, builder](Result<QList<storage::BuildRecord>> r) {
                           if (!r.ok())
                               return answer(failed(r.error().message));
                           QHash<qint64, BuildInfo> running;
                           for (const BuildInfo& b : live)
                               if (b.state == BuildInfo::State::Running)
                                   running.insert(b.id, b);
                           QJsonArray list;
                           for (const storage::BuildRecord& rec : r.value()) {
                               BuildInfo info = buildInfoFromRecord(rec);
                               if (running.contains(rec.id))
                                   info = running.value(rec.id);
                               list.append(info.toJson());
                           }
                           for (const BuildInfo& b : live)
                               if (b.state == BuildInfo::State::Queued &&
                                   (builder.isEmpty() || b.builder == builder))
                                   list.append(b.toJson());
                           answer(QJsonObject{{u"ok"_s, true}, {u"builds"_s, list}});
                       });
}

void ControlServer::log(const QJsonObject& request, const Answer& answer)
{
    Store* store = m_master.store();
    if (!store)
        return answer(failed(u"the master is not running"_s));
    const qint64 buildId = idValue(request.value(u"build"_s));
    if (buildId <= 0)
        return answer(failed(u"log: \"build\" must be a build id"_s));
    const QJsonValue stepWanted = request.value(u"step"_s);
    const qint64 after = qint64(request.value(u"after"_s).toDouble(0));
    bool running = false;
    for (const BuildInfo& b : m_master.builds())
        running = running || (b.id == buildId && b.state == BuildInfo::State::Running);

    // Decided before any read is queued: a finished build's log is complete.
    const bool finished = !running;
    QPointer<Store> guard(store);
    store->querySteps(
        buildId, this,
        [this, guard, answer, buildId, stepWanted, after, finished,
         running](Result<QList<storage::StepRecord>> steps) {
            if (!steps.ok())
                return answer(failed(steps.error().message));
            if (steps.value().isEmpty() && !running)
                return answer(failed(u"no build with id %1"_s.arg(buildId)));
            QJsonArray stepList;
            QList<storage::StepRecord> selected;
            for (const storage::StepRecord& s : steps.value()) {
                stepList.append(QJsonObject{
                    {u"id"_s, double(s.id)},
                    {u"number"_s, s.number},
                    {u"name"_s, s.name},
                    {u"result"_s, s.result.isEmpty() ? QJsonValue() : QJsonValue(s.result)},
                    {u"summary"_s, s.summary},
                    {u"started_ms"_s, msOrNull(s.startedMs)},
                    {u"finished_ms"_s, msOrNull(s.finishedMs)}});
                const bool match = stepWanted.isUndefined() || stepWanted.isNull() ||
                                   stepWanted.toString() == s.name ||
                                   (stepWanted.isDouble() && stepWanted.toInt() == s.number) ||
                                   stepWanted.toString() == QString::number(s.number);
                if (match)
                    selected << s;
            }
            if (selected.isEmpty() && !stepWanted.isUndefined() && !stepWanted.isNull())
                return answer(failed(u"build %1 has no step '%2'"_s.arg(buildId).arg(
                    stepWanted.isDouble() ? QString::number(stepWanted.toInt())
                                          : stepWanted.toString())));
            // Read the selected steps' logs one after another, up to about
            // LogAnswerBytes of text; then the answer says "more": true and
            // the client asks again from last_chunk.
            struct Page
            {
                QJsonArray chunks;
                qint64 lastChunk = 0;
                qsizetype bytes = 0;
            };
            auto page = std::make_shared<Page>();
            page->lastChunk = after;
            // next(i, more): read step i, or answer now (`more`: there is more).
            auto next = std::make_shared<std::function<void(int, bool)>>();
            const QJsonObject head{{u"ok"_s, true},
                                   {u"build"_s, double(buildId)},
                                   {u"finished"_s, finished},
                                   {u"steps"_s, stepList}};
            const int count = int(selected.size());
            *next = [this, guard, answer, selected, page, next, head, count](int i, bool more) {
                if (more || i >= selected.size() || !guard) {
                    QJsonObject out = head;
                    out.insert(u"chunks"_s, page->chunks);
                    out.insert(u"last_chunk"_s, double(page->lastChunk));
                    out.insert(u"more"_s, more);
                    if (more)
                        out.insert(u"finished"_s, false); // not all of it yet
                    const auto keep = std::move(*next);   // this closure lives until we return
                    *next = nullptr;                      // breaks the cycle
                    return answer(out);
                }
                const storage::StepRecord step = selected[i];
                guard->queryLog(
                    step.id, page->lastChunk, LogChunksPerRead, this,
                    [answer, step, page, next, i, count](Result<QList<storage::LogChunkRecord>> r) {
                        if (!r.ok()) {
                            *next = nullptr;
                            return answer(failed(r.error().message));
                        }
                        for (const storage::LogChunkRecord& c : r.value()) {
                            QJsonArray times;
                            for (quint32 o : c.lineOffsets)
                                times.append(double(o));
                            page->chunks.append(QJsonObject{{u"id"_s, double(c.id)},
                                                            {u"step"_s, step.name},
                                                            {u"step_number"_s, step.number},
                                                            {u"stream"_s, c.stream},
                                                            {u"first_line"_s, c.firstLine},
                                                            {u"line_count"_s, c.lineCount},
                                                            {u"time_ms"_s, double(c.timeMs)},
                                                            {u"line_times"_s, times},
                                                            {u"text"_s, c.text}});
                            page->lastChunk = std::max(page->lastChunk, c.id);
                            page->bytes += c.text.size();
                        }
                        const bool full = page->bytes >= LogAnswerBytes;
                        if (r.value().size() >= LogChunksPerRead) // the step may have more
                            return (*next)(i, full);
                        (*next)(i + 1, full && i + 1 < count);
                    });
            };
            (*next)(0, false);
        });
}

} // namespace ym
