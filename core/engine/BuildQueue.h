#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <deque>
#include <optional>

namespace ym {

// A build request waiting for a worker (the in-memory side of a
// build_requests row).
struct QueuedRequest
{
    qint64 id = 0;
    QString builder;
    QString reason;
    QJsonObject properties;
    qint64 submittedMs = 0;
    int retries = 0;
};

// The build queue and the one place where running builds are counted per
// worker. Pure logic (engine thread, no timers, no I/O): requests wait FIFO
// per builder; assign() hands requests to connected workers with a free slot
// (running < max_builds, null = unlimited), preferring the worker idle the
// longest, and counts the slot as taken at once, so max_builds cannot be
// exceeded whatever the order of events.
class BuildQueue
{
public:
    struct Assignment
    {
        QueuedRequest request;
        QString worker;
    };

    // Requests
    void push(QueuedRequest request);      // at the back of its builder's queue
    void pushFront(QueuedRequest request); // runs next (a retry, a restart)
    bool remove(qint64 requestId);
    QList<QueuedRequest> removeBuilder(const QString& builder);
    QList<QueuedRequest> pending() const; // every builder's, in queue order
    int size() const;

    // Workers (configured ones; unknown names are never assigned)
    void setWorker(const QString& name, std::optional<int> maxBuilds);
    void removeWorker(const QString& name);
    // Connected: may get builds; becoming connected counts as idle since `nowMs`.
    void setConnected(const QString& name, bool connected, qint64 nowMs);
    // Paused: keeps its running builds but gets no new ones.
    void setPaused(const QString& name, bool paused);
    int running(const QString& worker) const;
    void buildFinished(const QString& worker, qint64 nowMs);

    // Pairs waiting requests with free workers; `workernames` maps each
    // builder to the workers that may run it (a builder missing from it is
    // not started). Takes the slots it hands out.
    QList<Assignment> assign(const QHash<QString, QStringList>& workernames);

private:
    struct Entry
    {
        qint64 order = 0; // global order: lower runs first across builders
        QueuedRequest request;
    };
    struct Worker
    {
        std::optional<int> maxBuilds;
        bool connected = false;
        bool paused = false;
        int running = 0;
        qint64 idleSinceMs = 0;
    };
    bool hasSlot(const Worker& w) const;

    QHash<QString, std::deque<Entry>> m_queues;
    QHash<QString, Worker> m_workers;
    qint64 m_nextOrder = 1;
    qint64 m_frontOrder = 0;
};

} // namespace ym
