#pragma once

#include "engine/EngineEvent.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace ym::storage {

// Rows of the build tables as plain values (times in ms since the epoch, UTC;
// 0 = not yet). Results are Buildbot's words: success, warnings, failure,
// skipped, exception, retry, cancelled; empty while running.

struct BuildRequestRecord
{
    qint64 id = 0;
    QString builder;
    QString reason;
    QJsonObject properties;
    qint64 submittedMs = 0;
    QString state = QStringLiteral("queued"); // queued, claimed, done
    qint64 claimedByBuild = 0;
    int retries = 0;
};

struct BuildRecord
{
    qint64 id = 0;
    QString builder;
    int number = 0;
    QString worker;
    QString reason;
    QJsonObject properties;
    qint64 requestId = 0; // 0: none
    qint64 requestedMs = 0;
    qint64 startedMs = 0;
    qint64 finishedMs = 0;
    QString result;
};

struct StepRecord
{
    qint64 id = 0;
    qint64 buildId = 0;
    int number = 0;
    QString name;
    qint64 startedMs = 0;
    qint64 finishedMs = 0;
    QString result;
    QString summary;
};

struct LogChunkRecord
{
    qint64 id = 0; // assigned by the database; read order
    qint64 stepId = 0;
    QString stream; // stdout, stderr, header, or a log name
    int firstLine = 0;
    int lineCount = 0;
    qint64 timeMs = 0;          // time of the first line
    QList<quint32> lineOffsets; // per line, ms after timeMs; empty: all at timeMs
    QString text;
};

// A worker's connection loss, watched for notify_on_missing (worker_losses).
struct WorkerLossRecord
{
    QString worker;
    qint64 lostMs = 0; // with `worker`, identifies the loss
    qint64 lastSeenMs = 0;
    QString peer;
    QString reason;
    QJsonObject info;                          // admin, host, version... as reported
    QString state = QStringLiteral("pending"); // pending, returned, notified, failed, cancelled
    int attempts = 0;                          // mail attempts so far
    QString lastError;
    qint64 finishedMs = 0;
};

// One latent instance in the ledger (latent_instances). Written before and
// after every provider call, so that no instance is forgotten.
struct LatentInstanceRecord
{
    qint64 id = 0; // allocated by Store::addLatentInstance; the driver's idempotency token
    QString worker;
    QString driver;     // libvirt, ec2, openstack
    QString instanceId; // empty until the provider named it
    // starting: the start call runs (or the master died during it)
    // running: the provider runs it
    // stopping: the stop call runs
    // stopped: stopped by the master (closed)
    // start_failed: the start failed and nothing runs (closed)
    // gone: the provider no longer had it (closed; reconciled or stopped behind our back)
    // stop_failed: the stop call failed: it may still run (open)
    QString state = QStringLiteral("starting");
    qint64 requestedMs = 0; // the start call was made
    qint64 startedMs = 0;   // the provider confirmed it (0: not yet)
    qint64 attachedMs = 0;  // its worker attached (0: not yet)
    qint64 stopRequestedMs = 0;
    qint64 stoppedMs = 0; // closed
    QString lastError;
    QString reason;         // why it was started / stopped ("request 12", "idle 600 s", "ctl")
    QJsonObject attributes; // driver facts (uri, hd_image, base_image...)

    bool isOpen() const; // starting, running, stopping, stop_failed
};

// worker_events.kind <-> EngineEvent::Kind (the names of EngineEvent::kindName).
std::optional<EngineEvent::Kind> eventKindFromName(const QString& name);

// line_times column: one little-endian uint32 per line.
QByteArray encodeLineOffsets(const QList<quint32>& offsets);
QList<quint32> decodeLineOffsets(const QByteArray& blob);

} // namespace ym::storage
