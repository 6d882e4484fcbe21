#pragma once

#include "config/MasterConfig.h"
#include "engine/DeadlineQueue.h"
#include "engine/EngineEvent.h"
#include "engine/Link.h"
#include "engine/WorkerState.h"

#include <memory>

namespace ym {

// What a worker session needs from the master around it.
class SessionHost
{
public:
    virtual void recordEvent(EngineEvent::Kind kind, const QString& worker, const QString& peer,
                             const QString& message) = 0;
    virtual void markDirty(const QString& worker) = 0;
    virtual void abortLink(ConnId conn, const QString& reason) = 0;
    virtual DeadlineQueue& deadlines() = 0;
    // The worker finished attaching / lost its link (builds may start / stop).
    virtual void workerAttached(const QString& worker) = 0;
    virtual void workerDetached(const QString& worker) = 0;
    // The builder folders (relative to the basedir, '/'-separated) of the
    // builders naming this worker.
    virtual QStringList builderDirs(const QString& worker) const = 0;

protected:
    ~SessionHost() = default;
};

// One configured worker: its config, its current link (if any), the attach
// sequence and keepalives. Lives on the engine thread.
class WorkerSession
{
public:
    static constexpr int RequestTimeoutMs = 60'000;   // any attach step
    static constexpr int KeepaliveTimeoutMs = 60'000; // a keepalive's answer
    static constexpr int DuplicateCheckTimeoutMs = 10'000;

    WorkerSession(WorkerConfig config, SessionHost& host);
    ~WorkerSession();
    WorkerSession(const WorkerSession&) = delete;
    WorkerSession& operator=(const WorkerSession&) = delete;

    const QString& name() const { return m_config.name; }
    const WorkerConfig& config() const { return m_config; }
    // Applies a changed config without touching the link (keepalives are
    // rescheduled when their interval changed).
    void updateConfig(const WorkerConfig& config);

    WorkerState snapshot() const;
    // Runtime flags set by the administrator (MasterActions.cpp).
    void setPaused(bool paused, const QString& reason)
    {
        m_state.paused = paused;
        m_state.pauseReason = paused ? reason : QString();
    }
    void setShutdownRequested(bool requested) { m_state.shutdownRequested = requested; }
    Link* link() const { return m_link.get(); }
    bool isAttached() const { return m_state.phase == WorkerState::Phase::Connected; }
    bool isPaused() const { return m_state.paused; }

    // Takes over a freshly authenticated link and runs the attach sequence.
    void attach(std::unique_ptr<Link> link);
    // The link is gone: fail what waits on it, record the loss.
    void linkClosed(const QString& reason);
    // Any message from the worker on the current link.
    void touch();
    // An absolute path on the worker for `relative` ('/'-separated, relative
    // to its basedir), in the worker's path style (posix or nt).
    QString path(const QString& relative) const;
    // mkdir of these folders (relative to the basedir) on the attached worker.
    void makeDirs(const QStringList& relative);

private:
    void step(const char* what, Result<QVariant> result, const std::function<void()>& next);
    void fail(const QString& why);
    void runAttach();
    void onWorkerInfo(const QVariant& info);
    void listdirDone(const QVariantMap& updates);
    void finishAttach();
    void scheduleKeepalive(bool first);
    void cancelKeepalive();
    void sendKeepalive();

    WorkerConfig m_config;
    SessionHost& m_host;
    std::unique_ptr<Link> m_link;
    WorkerState m_state;
    DeadlineQueue::Id m_keepalive = 0;
    qint64 m_attachStartedMs = 0;
};

} // namespace ym
