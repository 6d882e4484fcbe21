// Master::Impl: the build queue, running builds and their hand-over to workers.
#include "engine/MasterImpl.h"

#include "util/Logging.h"

#include <QDateTime>

namespace ym {

namespace {
constexpr int MaxRetries = 3;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

BuildInfo Master::Impl::queuedInfo(const QueuedRequest& r) const
{
    BuildInfo i;
    i.requestId = r.id;
    i.builder = r.builder;
    i.state = BuildInfo::State::Queued;
    i.reason = r.reason;
    i.retries = r.retries;
    i.requested = QDateTime::fromMSecsSinceEpoch(r.submittedMs, Qt::UTC);
    i.waitingFor = waitingFor.value(r.id);
    return i;
}

void Master::Impl::workerAttached(const QString& worker)
{
    if (LatentLifecycle* l = latent(worker); l && !l->workerAttached())
        return;
    queue.setConnected(worker, true, nowMs());
    scheduleAssign();
    if (missing)
        missing->attached(worker);
}

void Master::Impl::workerDetached(const QString& worker)
{
    queue.setConnected(worker, false, nowMs());
    auto it = sessions.find(worker);
    if (LatentLifecycle* l = latent(worker)) {
        // Its absence is the lifecycle's business (attach deadline), not a
        // missing-worker notice's.
        if (it != sessions.end())
            l->workerDetached(it->second->snapshot().lastDisconnectReason);
        return;
    }
    if (running && missing && it != sessions.end())
        missing->detached(it->second->snapshot());
}

QStringList Master::Impl::builderDirs(const QString& worker) const
{
    QStringList dirs;
    for (const BuilderConfig& b : config.builders)
        if (b.workernames.contains(worker))
            dirs << b.effectiveBuilddir();
    return dirs;
}

Link* Master::Impl::attachedLink(const QString& worker)
{
    auto it = sessions.find(worker);
    if (it == sessions.end() || !it->second->isAttached())
        return nullptr;
    return it->second->link();
}

QString Master::Impl::workerPath(const QString& worker, const QString& relative)
{
    auto it = sessions.find(worker);
    return it == sessions.end() ? relative : it->second->path(relative);
}

QString Master::Impl::artifactsDir()
{
    return config.effectiveArtifactsDir();
}

QString Master::Impl::masterPath(const QString& path)
{
    return config.resolvePath(path);
}

void Master::Impl::buildChanged(const Build& build)
{
    markDirty(build.worker());
    Q_EMIT q.buildChanged(build.info());
}

void Master::Impl::buildEnded(qint64 buildId)
{
    auto it = builds.find(buildId);
    if (it == builds.end())
        return;
    Build& build = *it->second;
    const qint64 now = nowMs();
    queue.buildFinished(build.worker(), now);
    markDirty(build.worker());
    QueuedRequest request = build.request();
    if (build.workerLost()) {
        request.retries += 1;
        if (request.retries > MaxRetries) {
            qCWarning(lcEngine).noquote()
                << QStringLiteral("build request %1 (%2): worker lost %3 times; giving up")
                       .arg(request.id)
                       .arg(request.builder)
                       .arg(request.retries);
            storage->finishRequest(request.id, now, QStringLiteral("exception"));
        } else {
            qCInfo(lcEngine).noquote()
                << QStringLiteral("build request %1 (%2) put back at the front of the queue "
                                  "(retry %3 of %4)")
                       .arg(request.id)
                       .arg(request.builder)
                       .arg(request.retries)
                       .arg(MaxRetries);
            storage->requeueRequest(request.id, request.retries);
            queue.pushFront(request);
            Q_EMIT q.buildChanged(queuedInfo(request));
        }
    } else {
        storage->finishRequest(request.id, now, build.result());
    }
    // Not from inside the build's own call stack.
    QMetaObject::invokeMethod(
        &q, [this, buildId] { builds.erase(buildId); }, Qt::QueuedConnection);
    scheduleAssign();
}

Result<qint64> Master::Impl::forceBuild(const QString& builder, const QString& reason,
                                        const QJsonObject& properties)
{
    if (!running || !storage)
        return Error{QStringLiteral("the master is not running")};
    if (!config.findBuilder(builder)) {
        QStringList names;
        for (const BuilderConfig& b : config.builders)
            names << b.name;
        return Error{
            QStringLiteral("unknown builder '%1' (configured: %2)")
                .arg(builder, names.isEmpty() ? QStringLiteral("none") : names.join(u", "))};
    }
    storage::BuildRequestRecord rec;
    rec.builder = builder;
    rec.reason = reason.isEmpty() ? QStringLiteral("forced") : reason;
    rec.properties = properties;
    rec.submittedMs = nowMs();
    rec.id = storage->addBuildRequest(rec);
    QueuedRequest request{rec.id, builder, rec.reason, properties, rec.submittedMs, 0};
    queue.push(request);
    qCInfo(lcEngine).noquote() << QStringLiteral("build request %1 queued for builder '%2': %3")
                                      .arg(rec.id)
                                      .arg(builder, rec.reason);
    Q_EMIT q.buildChanged(queuedInfo(request));
    scheduleAssign();
    return rec.id;
}

Result<void> Master::Impl::stopBuild(qint64 buildId, const QString& reason)
{
    auto it = builds.find(buildId);
    if (it == builds.end() || it->second->isFinished())
        return Error{QStringLiteral("no running build with id %1").arg(buildId)};
    it->second->stop(reason);
    return {};
}

Result<void> Master::Impl::cancelRequest(qint64 requestId, const QString& reason)
{
    if (!running || !storage)
        return Error{QStringLiteral("the master is not running")};
    std::optional<QueuedRequest> found;
    for (const QueuedRequest& r : queue.pending())
        if (r.id == requestId)
            found = r;
    if (!found) {
        for (const auto& [id, build] : builds)
            if (build->request().id == requestId && !build->isFinished())
                return Error{QStringLiteral("request %1 is running as build %2: stop the build "
                                            "instead")
                                 .arg(requestId)
                                 .arg(id)};
        return Error{QStringLiteral("no queued request with id %1").arg(requestId)};
    }
    queue.remove(requestId);
    const QString why = reason.isEmpty() ? QStringLiteral("cancelled") : reason;
    storage->finishRequest(requestId, nowMs(), QStringLiteral("cancelled"));
    qCInfo(lcEngine).noquote() << QStringLiteral("build request %1 for builder '%2' cancelled: %3")
                                      .arg(requestId)
                                      .arg(found->builder, why);
    BuildInfo info = queuedInfo(*found);
    info.state = BuildInfo::State::Finished;
    info.result = QStringLiteral("cancelled");
    info.finished = QDateTime::currentDateTimeUtc();
    info.reason = found->reason;
    Q_EMIT q.buildChanged(info);
    return {};
}

QList<BuildInfo> Master::Impl::buildInfos() const
{
    QList<BuildInfo> out;
    for (const QueuedRequest& r : queue.pending())
        out << queuedInfo(r);
    for (const auto& [id, b] : builds)
        if (!b->isFinished())
            out << b->info();
    return out;
}

void Master::Impl::syncQueueWorkers()
{
    for (const auto& [name, s] : sessions) {
        queue.setWorker(name, s->config().maxBuilds);
        queue.setConnected(name, s->isAttached(), nowMs());
    }
}

void Master::Impl::scheduleAssign()
{
    if (assignPending)
        return;
    assignPending = true;
    QMetaObject::invokeMethod(
        &q,
        [this] {
            assignPending = false;
            if (running)
                runAssign();
        },
        Qt::QueuedConnection);
}

void Master::Impl::runAssign()
{
    QHash<QString, QStringList> workernames;
    for (const BuilderConfig& b : config.builders)
        workernames.insert(b.name, b.workernames);
    const QList<BuildQueue::Assignment> assigned = queue.assign(workernames);
    for (const BuildQueue::Assignment& a : assigned) {
        const BuilderConfig* builder = config.findBuilder(a.request.builder);
        const int number = ++buildNumbers[a.request.builder];
        auto build = std::make_unique<Build>(*this, *builder, a.request, a.worker, number);
        Build* b = build.get();
        const qint64 id = b->start();
        builds.emplace(id, std::move(build));
        markDirty(a.worker);
        if (LatentLifecycle* l = latent(a.worker))
            l->buildStarted();
        b->run();
    }
    planLatentStarts();
}

void Master::Impl::restoreBuilds(std::function<void()> next)
{
    storage->lastBuildNumbers(&q, [this, next](Result<QHash<QString, int>> numbers) {
        if (numbers.ok())
            buildNumbers = numbers.value();
        else
            qCWarning(lcEngine).noquote()
                << QStringLiteral("cannot read the build numbers: %1").arg(numbers.error().message);
        storage->pendingRequests(&q, [this, next](Result<QList<storage::BuildRequestRecord>> r) {
            if (!r.ok()) {
                qCWarning(lcEngine).noquote()
                    << QStringLiteral("cannot read the build queue: %1").arg(r.error().message);
                next();
                return;
            }
            QList<QueuedRequest> interrupted;
            QList<qint64> interruptedBuilds;
            for (const storage::BuildRequestRecord& rec : r.value()) {
                QueuedRequest req{rec.id,         rec.builder,     rec.reason,
                                  rec.properties, rec.submittedMs, rec.retries};
                if (rec.state != u"claimed") {
                    queue.push(req);
                    continue;
                }
                interrupted << req;
                storage->requeueRequest(rec.id, rec.retries);
                if (rec.claimedByBuild)
                    interruptedBuilds << rec.claimedByBuild;
            }
            for (auto it = interrupted.crbegin(); it != interrupted.crend(); ++it)
                queue.pushFront(*it);
            if (queue.size() > 0)
                qCInfo(lcEngine).noquote()
                    << QStringLiteral("build queue restored: %1 request(s), %2 interrupted by "
                                      "the last shutdown")
                           .arg(queue.size())
                           .arg(interrupted.size());
            // Listen once the interrupted builds are marked: nobody sees them running.
            auto left = std::make_shared<int>(int(interruptedBuilds.size()));
            if (*left == 0)
                next();
            for (qint64 id : interruptedBuilds)
                markInterruptedBuild(id, [left, next] {
                    if (--*left == 0)
                        next();
                });
        });
    });
}

// A build that was running when the master died: unfinished steps and the
// build end `exception`, with a log line saying why.
void Master::Impl::markInterruptedBuild(qint64 buildId, std::function<void()> done)
{
    storage->querySteps(
        buildId, &q, [this, buildId, done](Result<QList<storage::StepRecord>> steps) {
            const qint64 now = nowMs();
            int next = 0;
            if (steps.ok()) {
                for (const storage::StepRecord& s : steps.value()) {
                    next = std::max(next, s.number + 1);
                    if (s.result.isEmpty())
                        storage->finishStep(s.id, now, QStringLiteral("exception"),
                                            QStringLiteral("master restarted during the build"));
                }
            }
            storage::StepRecord rec;
            rec.buildId = buildId;
            rec.number = next;
            rec.name = QStringLiteral("master restart");
            rec.startedMs = now;
            const qint64 stepId = storage->startStep(rec);
            StepLog log(*storage, stepId);
            log.addText(
                QStringLiteral("header"),
                QStringLiteral("master restarted during the build (noticed at %1); the "
                               "request was put back in the queue")
                    .arg(QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).toString(Qt::ISODateWithMs)));
            log.flush();
            storage->finishStep(stepId, now, QStringLiteral("exception"),
                                QStringLiteral("master restarted during the build"));
            storage->finishBuild(buildId, now, QStringLiteral("exception"));
            qCWarning(lcEngine).noquote()
                << QStringLiteral("build %1 was running when the master stopped: marked exception")
                       .arg(buildId);
            done();
        });
}

void Master::Impl::applyBuilders(const QList<BuilderConfig>& old)
{
    const qint64 now = nowMs();
    for (const BuilderConfig& b : old) {
        if (config.findBuilder(b.name))
            continue;
        for (const QueuedRequest& r : queue.removeBuilder(b.name)) {
            qCWarning(lcEngine).noquote()
                << QStringLiteral(
                       "build request %1 dropped: builder '%2' was removed from the config")
                       .arg(r.id)
                       .arg(b.name);
            storage->finishRequest(r.id, now, QStringLiteral("exception"));
        }
    }
    // Folders of new (or moved) builders on the workers already attached.
    for (auto& [name, session] : sessions) {
        QStringList dirs;
        for (const BuilderConfig& b : config.builders) {
            if (!b.workernames.contains(name))
                continue;
            bool known = false;
            for (const BuilderConfig& o : old)
                known = known || (o.effectiveBuilddir() == b.effectiveBuilddir() &&
                                  o.workernames.contains(name));
            if (!known)
                dirs << b.effectiveBuilddir();
        }
        session->makeDirs(dirs);
    }
    Q_EMIT q.buildersChanged(BuilderInfo::fromConfigs(config.builders));
    scheduleAssign();
}

} // namespace ym
