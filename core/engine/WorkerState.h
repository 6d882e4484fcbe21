#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QVariantMap>

#include <optional>

namespace ym {

// The lifecycle of a latent worker's instance (one for every driver).
struct LatentState
{
    enum class Phase
    {
        Stopped,          // no instance
        Starting,         // the provider call that creates it runs
        WaitingForAttach, // the instance runs; its worker has not attached yet
        Attached,         // substantiated: builds may run
        Stopping,         // the provider call that stops it runs
        StartFailed,      // failure phases: stopped, with `lastError`,
        AttachTimedOut,   //   and no automatic start before `retryAt`
        StopFailed,       // the instance may still run (and cost): see the ledger
    };

    Phase phase = Phase::Stopped;
    QDateTime phaseSince; // UTC
    QString driver;       // "libvirt"
    QString instanceId;   // the current (or last) instance
    qint64 ledgerId = 0;  // its ledger row; 0: none
    QString lastError;    // why the last failure phase was entered
    int failures = 0;     // consecutive failed starts (the back-off grows with it)
    QDateTime retryAt;    // no automatic start before this (null: at once)
    QDateTime stopAt;     // when idle: the automatic stop (null: none scheduled)
    int buildWaitTimeout = 0;
    QString waitingRequests; // why it was started ("request 12 (builder)") or empty

    static QString phaseName(Phase phase); // "stopped", "starting", "waiting for attach", ...
    static bool isFailure(Phase phase);
    QJsonObject toJson() const;
};

// A copy of one worker's state, made on the engine thread and handed to
// whoever watches (GUI, ctl). Never a pointer into the engine.
struct WorkerState
{
    enum class Phase
    {
        Disconnected,
        Attaching, // authenticated, attach sequence running
        Connected,
    };

    QString name;
    Phase phase = Phase::Disconnected;
    QString peer;             // address of the current (or last) link
    QDateTime connectedSince; // when the current link attached (UTC); null when not connected
    QDateTime lastSeen;       // last message from the worker (UTC); survives a disconnect
    QDateTime disconnectedAt; // when the last link went away (UTC)
    QString lastDisconnectReason;
    // What get_worker_info reported: host, admin, version, numcpus, basedir,
    // system, os_* keys, worker_commands, access_uri... (never `environ`).
    // Kept as JSON: at 10,000 workers a QVariantMap of it costs ~4 KB more each.
    QJsonObject info;
    QJsonObject properties;
    std::optional<int> maxBuilds;
    std::optional<int> keepaliveInterval;
    int missingTimeout = 0;
    int runningBuilds = 0;
    quint64 keepalivesSent = 0;
    quint64 keepalivesAnswered = 0;
    QDateTime lastKeepaliveAnswered;
    double lastKeepaliveRttMs = -1;
    quint64 linkId = 0;      // identifies the current link; changes on every attach
    quint64 attachCount = 0; // how many times it attached since the master started
    // Paused: gets no new builds (running ones go on). Runtime only, like
    // Buildbot's pause: a restart of the master unpauses every worker.
    bool paused = false;
    QString pauseReason;
    bool shutdownRequested = false;    // graceful shutdown: sent once its builds are done
    std::optional<LatentState> latent; // set exactly for latent workers

    static QString phaseName(Phase phase);
    QJsonObject toJson() const;
};

} // namespace ym

Q_DECLARE_METATYPE(ym::WorkerState)
