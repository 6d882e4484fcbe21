// Master: the reads other threads (the GUI) make without waiting. Each read
// hops onto the engine thread, where the Store is known to be alive, and the
// answer is carried to the caller's context object by a relay made on the
// caller's thread.
#include "engine/MasterViews.h"
#include "engine/MasterImpl.h"
#include "storage/StoreBackend.h"

#include <QHash>

namespace ym {

namespace {

Error notRunning()
{
    return Error{QStringLiteral("the master is not running")};
}

QDateTime utcTime(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC) : QDateTime();
}

} // namespace

BuildInfo buildInfoFromRecord(const storage::BuildRecord& r)
{
    BuildInfo i;
    i.id = r.id;
    i.requestId = r.requestId;
    i.builder = r.builder;
    i.number = r.number;
    i.worker = r.worker;
    i.state = r.result.isEmpty() ? BuildInfo::State::Running : BuildInfo::State::Finished;
    i.result = r.result;
    i.reason = r.reason;
    i.requested = utcTime(r.requestedMs);
    i.started = utcTime(r.startedMs);
    i.finished = utcTime(r.finishedMs);
    return i;
}

void Master::readBuilders(QObject* context, std::function<void(QList<BuilderInfo>)> done)
{
    auto deliver = storage::deliverTo<QList<BuilderInfo>>(context, std::move(done));
    QMetaObject::invokeMethod(
        this, [this, deliver] { deliver(BuilderInfo::fromConfigs(d->config.builders)); },
        Qt::QueuedConnection);
}

void Master::readBuilds(int limit, QObject* context,
                        std::function<void(Result<QList<BuildInfo>>)> done)
{
    auto deliver = storage::deliverTo<Result<QList<BuildInfo>>>(context, std::move(done));
    QMetaObject::invokeMethod(
        this,
        [this, limit, deliver] {
            if (!d->running || !d->storage)
                return deliver(notRunning());
            const QList<BuildInfo> live = d->buildInfos();
            d->storage->queryBuilds(QString(), limit, nullptr,
                                    [live, deliver](Result<QList<storage::BuildRecord>> r) {
                                        if (!r.ok())
                                            return deliver(r.error());
                                        QHash<qint64, BuildInfo> running;
                                        for (const BuildInfo& b : live)
                                            if (b.state == BuildInfo::State::Running)
                                                running.insert(b.id, b);
                                        QList<BuildInfo> out;
                                        out.reserve(r.value().size() + live.size());
                                        for (const storage::BuildRecord& rec : r.value())
                                            out << running.value(rec.id, buildInfoFromRecord(rec));
                                        for (const BuildInfo& b : live)
                                            if (b.state == BuildInfo::State::Queued)
                                                out << b;
                                        deliver(std::move(out));
                                    });
        },
        Qt::QueuedConnection);
}

void Master::readSteps(qint64 buildId, QObject* context,
                       std::function<void(Result<QList<storage::StepRecord>>)> done)
{
    auto deliver = storage::deliverTo<Result<QList<storage::StepRecord>>>(context, std::move(done));
    QMetaObject::invokeMethod(
        this,
        [this, buildId, deliver] {
            if (!d->running || !d->storage)
                return deliver(notRunning());
            d->storage->querySteps(buildId, nullptr, deliver);
        },
        Qt::QueuedConnection);
}

void Master::readLog(qint64 stepId, qint64 afterChunkId, int limit, QObject* context,
                     std::function<void(Result<QList<storage::LogChunkRecord>>)> done)
{
    auto deliver =
        storage::deliverTo<Result<QList<storage::LogChunkRecord>>>(context, std::move(done));
    QMetaObject::invokeMethod(
        this,
        [this, stepId, afterChunkId, limit, deliver] {
            if (!d->running || !d->storage)
                return deliver(notRunning());
            d->storage->queryLog(stepId, afterChunkId, limit, nullptr, deliver);
        },
        Qt::QueuedConnection);
}

} // namespace ym
