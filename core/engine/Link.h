#pragma once

#include "engine/DeadlineQueue.h"
#include "protocol/ConnectionHub.h"
#include "util/Result.h"

#include <QString>
#include <QVariant>
#include <QVariantMap>

#include <functional>
#include <unordered_map>

namespace ym {

// One authenticated WebSocket link to a worker, seen from the engine thread:
// request/response matching by seq_number with a deadline on every request,
// and the command ids of running start_commands. Knows nothing of workers.
class Link
{
public:
    static constexpr int StartTimeoutMs = 60'000; // answer to start/interrupt_command
    using Reply = std::function<void(Result<QVariant>)>;
    // Updates of one start_command, first value per key (as the worker batches
    // them, keys may repeat); delivered when `complete` arrives.
    using CommandDone = std::function<void(Result<QVariantMap>)>;
    // Streaming commands (build steps): every `update` pair is delivered as
    // it arrives, then the end.
    using CommandUpdate = std::function<void(const QString& key, const QVariant& value)>;
    struct CommandOutcome
    {
        enum class Kind
        {
            Completed, // `complete` without a failure text (look at the rc seen)
            Failed,    // `complete` with a failure text, or start_command refused
            Lost,      // the link went away (failAll)
        };
        Kind kind = Kind::Completed;
        QString text;
    };
    using CommandEnd = std::function<void(CommandOutcome)>;
    // Requests a running command makes of the master (file transfers:
    // update_upload_file_write, update_read_file, ...): the returned value is
    // the response's result, an error becomes an exception response.
    using CommandRequest =
        std::function<Result<QVariant>(const QString& op, const QVariantMap& message)>;
    // Sends one deferred answer: nil, or an exception with `error` when set.
    // Safe to call after the link is gone (the answer is then dropped).
    using Responder = std::function<void(const QString& error)>;
    // Decides when a streaming command's `update` and `complete` are
    // answered: the owner calls `send` once what the message carried is
    // durable. Without a gate they are answered at once.
    using AckGate = std::function<void(Responder send)>;

    Link(ConnId id, QString worker, QString peer, ConnectionHub& hub, DeadlineQueue& deadlines);
    ~Link(); // cancels deadlines; pending replies are dropped (call failAll first)
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    ConnId id() const { return m_id; }
    const QString& worker() const { return m_worker; }
    const QString& peer() const { return m_peer; }

    // Sends {op, seq_number, ...fields}; `reply` gets the result, the
    // worker's error text, or a timeout error after `timeoutMs`.
    void request(const QString& op, QVariantMap fields, int timeoutMs, Reply reply);
    // Registers a command id, then sends start_command; `done` gets the
    // collected updates when `complete` arrives (an error when the worker
    // reports a failure, `rc` is missing or non-zero, or time runs out).
    void startCommand(const QString& name, const QVariantMap& args, int timeoutMs,
                      CommandDone done);

    // Registers a command id, then sends start_command with `builder_name`;
    // no deadline (the worker applies the step's own timeouts). Returns the id.
    QString startStreamingCommand(const QString& name, const QString& builderName,
                                  const QVariantMap& args, CommandUpdate onUpdate, CommandEnd done,
                                  CommandRequest onRequest = {});
    // interrupt_command {builder_name, command_id, why}; the command then ends
    // as usual (the worker sends rc -1 and complete).
    void interruptCommand(const QString& commandId, const QString& builderName, const QString& why);

    // Feeds one message from the worker. Returns false when the message is
    // not about this link's requests or commands (the caller answers it).
    bool handle(const QVariantMap& message);

    // Every pending reply and command gets `why` as its error.
    void failAll(const QString& why);

    void respond(const QVariant& seq, const QVariant& result, bool isException = false);
    void setAckGate(AckGate gate) { m_ackGate = std::move(gate); }

private:
    struct Pending
    {
        QString op;
        Reply reply;
        DeadlineQueue::Id deadline = 0;
    };
    struct Command
    {
        QString name;
        QVariantMap updates;
        CommandDone done;
        DeadlineQueue::Id deadline = 0;
        CommandUpdate onUpdate; // set: a streaming command
        CommandEnd end;
        CommandRequest onRequest; // set: the command may send update_* requests
    };

    void finishCommand(const QString& id, Result<QVariantMap> result);
    void endStream(const QString& id, CommandOutcome outcome);
    bool handleCommandRequest(const QString& op, const QVariant& seq, const QVariantMap& message);
    void acknowledge(const QVariant& seq); // through the gate, if any

    ConnId m_id;
    QString m_worker;
    QString m_peer;
    ConnectionHub& m_hub;
    DeadlineQueue& m_deadlines;
    qint64 m_nextSeq = 0;
    quint64 m_nextCommand = 0;
    std::unordered_map<qint64, Pending> m_pending;
    std::unordered_map<QString, Command> m_commands;
    AckGate m_ackGate;
};

} // namespace ym
