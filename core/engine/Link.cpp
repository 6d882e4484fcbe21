#include "engine/Link.h"

#include "util/Logging.h"

#include <utility>

namespace ym {

Link::Link(ConnId id, QString worker, QString peer, ConnectionHub& hub, DeadlineQueue& deadlines)
    : m_id(id), m_worker(std::move(worker)), m_peer(std::move(peer)), m_hub(hub),
      m_deadlines(deadlines)
{}

Link::~Link()
{
    for (auto& [seq, p] : m_pending)
        m_deadlines.cancel(p.deadline);
    for (auto& [id, c] : m_commands)
        m_deadlines.cancel(c.deadline);
}

void Link::request(const QString& op, QVariantMap fields, int timeoutMs, Reply reply)
{
    const qint64 seq = m_nextSeq++;
    fields.insert(QStringLiteral("op"), op);
    fields.insert(QStringLiteral("seq_number"), seq);
    Pending p{op, std::move(reply), 0};
    p.deadline = m_deadlines.add(timeoutMs, [this, seq, op, timeoutMs] {
        auto it = m_pending.find(seq);
        if (it == m_pending.end())
            return;
        Reply r = std::move(it->second.reply);
        m_pending.erase(it);
        r(Error{QStringLiteral("no answer to '%1' within %2 s").arg(op).arg(timeoutMs / 1000.0)});
    });
    m_pending.emplace(seq, std::move(p));
    m_hub.send(m_id, fields);
}

void Link::startCommand(const QString& name, const QVariantMap& args, int timeoutMs,
                        CommandDone done)
{
    const QString id = QString::number(++m_nextCommand);
    Command c{name, {}, std::move(done), 0, {}, {}, {}};
    c.deadline = m_deadlines.add(timeoutMs, [this, id, name, timeoutMs] {
        auto it = m_commands.find(id);
        if (it == m_commands.end())
            return;
        it->second.deadline = 0;
        finishCommand(id, Error{QStringLiteral("command '%1' did not complete within %2 s")
                                    .arg(name)
                                    .arg(timeoutMs / 1000)});
    });
    m_commands.emplace(id, std::move(c));
    QVariantMap fields{{QStringLiteral("command_id"), id},
                       {QStringLiteral("command_name"), name},
                       {QStringLiteral("args"), args}};
    request(QStringLiteral("start_command"), fields, timeoutMs, [this, id](Result<QVariant> r) {
        if (!r.ok())
            finishCommand(id, r.error());
    });
}

QString Link::startStreamingCommand(const QString& name, const QString& builderName,
                                    const QVariantMap& args, CommandUpdate onUpdate,
                                    CommandEnd done, CommandRequest onRequest)
{
    const QString id = QString::number(++m_nextCommand);
    Command c{name, {}, {}, 0, std::move(onUpdate), std::move(done), std::move(onRequest)};
    m_commands.emplace(id, std::move(c));
    QVariantMap fields{{QStringLiteral("builder_name"), builderName},
                       {QStringLiteral("command_id"), id},
                       {QStringLiteral("command_name"), name},
                       {QStringLiteral("args"), args}};
    request(QStringLiteral("start_command"), fields, StartTimeoutMs,
            [this, id](Result<QVariant> r) {
                if (!r.ok())
                    endStream(id, {CommandOutcome::Kind::Failed, r.error().message});
            });
    return id;
}

void Link::interruptCommand(const QString& commandId, const QString& builderName,
                            const QString& why)
{
    if (!m_commands.count(commandId))
        return;
    request(QStringLiteral("interrupt_command"),
            {{QStringLiteral("builder_name"), builderName},
             {QStringLiteral("command_id"), commandId},
             {QStringLiteral("why"), why}},
            StartTimeoutMs, [worker = m_worker, commandId](Result<QVariant> r) {
                if (!r.ok())
                    qCWarning(lcEngine).noquote()
                        << QStringLiteral("worker '%1': interrupting command %2: %3")
                               .arg(worker, commandId, r.error().message);
            });
}

void Link::endStream(const QString& id, CommandOutcome outcome)
{
    auto it = m_commands.find(id);
    if (it == m_commands.end())
        return;
    CommandEnd end = std::move(it->second.end);
    m_commands.erase(it);
    end(std::move(outcome));
}

void Link::finishCommand(const QString& id, Result<QVariantMap> result)
{
    auto it = m_commands.find(id);
    if (it == m_commands.end())
        return;
    Command c = std::move(it->second);
    m_commands.erase(it);
    m_deadlines.cancel(c.deadline);
    c.done(std::move(result));
}

bool Link::handle(const QVariantMap& message)
{
    const QString op = message.value(QStringLiteral("op")).toString();
    const QVariant seq = message.value(QStringLiteral("seq_number"));
    if (op == u"response") {
        auto it = m_pending.find(seq.toLongLong());
        if (it == m_pending.end()) {
            qCDebug(lcEngine) << "worker" << m_worker << "answered unknown seq_number" << seq;
            return true;
        }
        Pending p = std::move(it->second);
        m_pending.erase(it);
        m_deadlines.cancel(p.deadline);
        const QVariant result = message.value(QStringLiteral("result"));
        if (message.value(QStringLiteral("is_exception")).toBool())
            p.reply(Error{QStringLiteral("worker failed '%1': %2").arg(p.op, result.toString())});
        else
            p.reply(result);
        return true;
    }
    if (op.startsWith(QStringLiteral("update_")))
        return handleCommandRequest(op, seq, message);
    if (op != u"update" && op != u"complete")
        return false;

    const QString commandId = message.value(QStringLiteral("command_id")).toString();
    auto it = m_commands.find(commandId);
    if (it == m_commands.end()) {
        respond(seq, QStringLiteral("unknown command_id '%1'").arg(commandId), true);
        return true;
    }
    const QVariant args = message.value(QStringLiteral("args"));
    if (it->second.onUpdate) {
        // The answer waits until what the message carried is stored (the
        // owner's gate): an acknowledged line survives a master crash.
        if (op == u"update") {
            const CommandUpdate onUpdate = it->second.onUpdate; // may start other commands
            for (const QVariant& pair : args.toList()) {
                const QVariantList kv = pair.toList();
                if (kv.size() == 2)
                    onUpdate(kv[0].toString(), kv[1]);
            }
        } else if (args.isValid() && !args.isNull()) {
            endStream(commandId, {CommandOutcome::Kind::Failed, args.toString()});
        } else {
            endStream(commandId, {CommandOutcome::Kind::Completed, {}});
        }
        acknowledge(seq);
        return true;
    }
    if (op == u"update") {
        for (const QVariant& pair : args.toList()) {
            const QVariantList kv = pair.toList();
            if (kv.size() == 2 && !it->second.updates.contains(kv[0].toString()))
                it->second.updates.insert(kv[0].toString(), kv[1]);
        }
        respond(seq, QVariant());
        return true;
    }
    // complete: args is nil on success or a failure text.
    respond(seq, QVariant());
    const QString name = it->second.name;
    if (args.isValid() && !args.isNull()) {
        finishCommand(commandId,
                      Error{QStringLiteral("command '%1' failed: %2").arg(name, args.toString())});
        return true;
    }
    const QVariantMap updates = it->second.updates;
    if (!updates.contains(QStringLiteral("rc")))
        finishCommand(commandId, Error{QStringLiteral("command '%1' ended without rc").arg(name)});
    else if (updates.value(QStringLiteral("rc")).toLongLong() != 0)
        finishCommand(commandId, Error{QStringLiteral("command '%1' failed with rc %2")
                                           .arg(name)
                                           .arg(updates.value(QStringLiteral("rc")).toLongLong())});
    else
        finishCommand(commandId, updates);
    return true;
}

bool Link::handleCommandRequest(const QString& op, const QVariant& seq, const QVariantMap& message)
{
    const QString commandId = message.value(QStringLiteral("command_id")).toString();
    auto it = m_commands.find(commandId);
    if (it == m_commands.end()) {
        respond(seq, QStringLiteral("unknown command_id '%1'").arg(commandId), true);
        return true;
    }
    if (!it->second.onRequest) {
        respond(seq,
                QStringLiteral("command %1 (%2) does not accept '%3'")
                    .arg(commandId, it->second.name, op),
                true);
        return true;
    }
    const CommandRequest onRequest = it->second.onRequest; // may end the command
    Result<QVariant> r = onRequest(op, message);
    if (r.ok())
        respond(seq, r.value());
    else
        respond(seq, r.error().message, true);
    return true;
}

void Link::failAll(const QString& why)
{
    auto pending = std::move(m_pending);
    m_pending.clear();
    for (auto& [seq, p] : pending) {
        m_deadlines.cancel(p.deadline);
        p.reply(Error{why});
    }
    auto commands = std::move(m_commands);
    m_commands.clear();
    for (auto& [id, c] : commands) {
        m_deadlines.cancel(c.deadline);
        if (c.end)
            c.end({CommandOutcome::Kind::Lost, why});
        else
            c.done(Error{why});
    }
}

void Link::acknowledge(const QVariant& seq)
{
    if (!m_ackGate) {
        respond(seq, QVariant());
        return;
    }
    ConnectionHub* hub = &m_hub;
    const ConnId id = m_id;
    m_ackGate([hub, id, seq](const QString& error) {
        QVariantMap msg{{QStringLiteral("op"), QStringLiteral("response")},
                        {QStringLiteral("seq_number"), seq},
                        {QStringLiteral("result"), error.isEmpty() ? QVariant() : error}};
        if (!error.isEmpty())
            msg.insert(QStringLiteral("is_exception"), true);
        hub->send(id, msg);
    });
}

void Link::respond(const QVariant& seq, const QVariant& result, bool isException)
{
    QVariantMap msg{{QStringLiteral("op"), QStringLiteral("response")},
                    {QStringLiteral("seq_number"), seq},
                    {QStringLiteral("result"), result}};
    if (isException)
        msg.insert(QStringLiteral("is_exception"), true);
    m_hub.send(m_id, msg);
}

} // namespace ym
