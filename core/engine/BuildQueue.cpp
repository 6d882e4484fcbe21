#include "engine/BuildQueue.h"

#include <algorithm>
#include <limits>

namespace ym {

void BuildQueue::push(QueuedRequest request)
{
    const QString builder = request.builder;
    m_queues[builder].push_back(Entry{m_nextOrder++, std::move(request)});
}

void BuildQueue::pushFront(QueuedRequest request)
{
    const QString builder = request.builder;
    m_queues[builder].push_front(Entry{m_frontOrder--, std::move(request)});
}

bool BuildQueue::remove(qint64 requestId)
{
    for (auto it = m_queues.begin(); it != m_queues.end(); ++it) {
        auto& q = it.value();
        auto found = std::find_if(
            q.begin(), q.end(), [requestId](const Entry& e) { return e.request.id == requestId; });
        if (found != q.end()) {
            q.erase(found);
            return true;
        }
    }
    return false;
}

QList<QueuedRequest> BuildQueue::removeBuilder(const QString& builder)
{
    QList<QueuedRequest> out;
    for (const Entry& e : m_queues.value(builder))
        out << e.request;
    m_queues.remove(builder);
    return out;
}

QList<QueuedRequest> BuildQueue::pending() const
{
    QList<Entry> all;
    for (const auto& q : m_queues)
        all.append(QList<Entry>(q.begin(), q.end()));
    std::stable_sort(all.begin(), all.end(),
                     [](const Entry& a, const Entry& b) { return a.order < b.order; });
    QList<QueuedRequest> out;
    for (const Entry& e : all)
        out << e.request;
    return out;
}

int BuildQueue::size() const
{
    int n = 0;
    for (const auto& q : m_queues)
        n += int(q.size());
    return n;
}

void BuildQueue::setWorker(const QString& name, std::optional<int> maxBuilds)
{
    m_workers[name].maxBuilds = maxBuilds;
}

void BuildQueue::removeWorker(const QString& name)
{
    m_workers.remove(name);
}

void BuildQueue::setConnected(const QString& name, bool connected, qint64 nowMs)
{
    auto it = m_workers.find(name);
    if (it == m_workers.end())
        return;
    if (connected && !it->connected)
        it->idleSinceMs = nowMs;
    it->connected = connected;
}

void BuildQueue::setPaused(const QString& name, bool paused)
{
    auto it = m_workers.find(name);
    if (it != m_workers.end())
        it->paused = paused;
}

int BuildQueue::running(const QString& worker) const
{
    return m_workers.value(worker).running;
}

void BuildQueue::buildFinished(const QString& worker, qint64 nowMs)
{
    auto it = m_workers.find(worker);
    if (it == m_workers.end() || it->running == 0)
        return;
    if (--it->running == 0)
        it->idleSinceMs = nowMs;
}

bool BuildQueue::hasSlot(const Worker& w) const
{
    return w.connected && !w.paused && (!w.maxBuilds || w.running < *w.maxBuilds);
}

QList<BuildQueue::Assignment> BuildQueue::assign(const QHash<QString, QStringList>& workernames)
{
    QList<Assignment> out;
    for (;;) {
        // The builder whose head request is oldest goes first.
        QString builder;
        qint64 best = std::numeric_limits<qint64>::max();
        QString chosen;
        for (auto it = m_queues.cbegin(); it != m_queues.cend(); ++it) {
            if (it->empty() || it->front().order >= best)
                continue;
            // The worker idle longest: fewest running builds, then oldest idle time.
            QString pick;
            const Worker* pickW = nullptr;
            for (const QString& name : workernames.value(it.key())) {
                auto w = m_workers.constFind(name);
                if (w == m_workers.cend() || !hasSlot(*w))
                    continue;
                if (!pickW || w->running < pickW->running ||
                    (w->running == pickW->running && w->idleSinceMs < pickW->idleSinceMs)) {
                    pick = name;
                    pickW = &*w;
                }
            }
            if (!pickW)
                continue;
            best = it->front().order;
            builder = it.key();
            chosen = pick;
        }
        if (builder.isEmpty())
            return out;
        auto& q = m_queues[builder];
        out << Assignment{q.front().request, chosen};
        q.pop_front();
        if (q.empty())
            m_queues.remove(builder);
        ++m_workers[chosen].running;
    }
}

} // namespace ym
