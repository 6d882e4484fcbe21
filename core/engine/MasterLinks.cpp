// Master::Impl: what happens to worker links (hub events, duplicates).
#include "engine/MasterImpl.h"

#include "util/Logging.h"

namespace ym {

void Master::Impl::drain()
{
    if (!hub)
        return;
    // Build output arrives faster than SQLite stores it: while the store is
    // far behind, leave messages in the hub, which stops reading from the
    // workers' sockets at its own limit. Memory stays bounded and TCP slows
    // the workers down; the store drains 64 MB in well under a second.
    if (storage && storage->backlogBytes() > MaxStoreBacklogBytes) {
        if (!drainRetry->isActive())
            drainRetry->start();
        return;
    }
    std::vector<HubEvent> batch = hub->takeEvents();
    for (const HubEvent& e : batch) {
        if (!running)
            return;
        switch (e.kind) {
        case HubEvent::Kind::Authenticated:
            onAuthenticated(e);
            break;
        case HubEvent::Kind::Refused:
            refusals->refused(e.worker, e.peer, e.reason, deadlineQueue->now());
            break;
        case HubEvent::Kind::Message:
            onMessage(e);
            break;
        case HubEvent::Kind::Warning:
            onWarning(e);
            break;
        case HubEvent::Kind::Closed:
            onClosed(e);
            break;
        }
    }
}

void Master::Impl::onAuthenticated(const HubEvent& e)
{
    auto it = sessions.find(e.worker);
    if (it == sessions.end()) { // removed by a reload after the hub checked the password
        hub->abort(e.conn, QStringLiteral("worker no longer configured"));
        return;
    }
    WorkerSession& session = *it->second;
    auto link = std::make_unique<Link>(e.conn, e.worker, e.peer, *hub, *deadlineQueue);
    if (!admitLatent(session, *link)) {
        hub->close(e.conn, QStringLiteral("refused: no instance of this latent worker expects it"));
        return;
    }
    link->setAckGate([this](Link::Responder send) {
        if (!storage) {
            send(QStringLiteral("the master is shutting down"));
            return;
        }
        storage->whenCommitted(ackContext.get(), [send](Result<void> stored) {
            send(stored ? QString() : stored.error().message);
        });
    });
    if (session.link())
        startDuplicateCheck(session, std::move(link));
    else
        attachLink(session, std::move(link));
}

void Master::Impl::attachLink(WorkerSession& session, std::unique_ptr<Link> link)
{
    linkOwner[link->id()] = session.name();
    session.attach(std::move(link));
}

// Like Buildbot: ask the attached link; if it answers within 10 s the
// newcomer is refused, otherwise the old link is dropped and the newcomer
// attaches. Per worker, never under a master-wide lock.
void Master::Impl::startDuplicateCheck(WorkerSession& session, std::unique_ptr<Link> newcomer)
{
    const QString name = session.name();
    const QString newPeer = newcomer->peer();
    if (duplicateOf.count(name)) {
        const QString why = QStringLiteral("duplicate connection for worker '%1' from %2 refused: "
                                           "a duplicate check is already running")
                                .arg(name, newPeer);
        qCWarning(lcEngine).noquote() << why;
        recordEvent(EngineEvent::Kind::Duplicate, name, newPeer, why);
        hub->close(newcomer->id(), QStringLiteral("duplicate connection"));
        return;
    }
    Link* old = session.link();
    const ConnId oldId = old->id();
    const ConnId newId = newcomer->id();
    qCInfo(lcEngine).noquote()
        << QStringLiteral("duplicate connection for worker '%1' from %2; asking the attached "
                          "link from %3")
               .arg(name, newPeer, old->peer());
    duplicateOf[name] = newId;
    duplicates.emplace(newId, Duplicate{name, std::move(newcomer)});
    old->request(
        QStringLiteral("print"),
        {{QStringLiteral("message"), QStringLiteral("master got a duplicate connection")}},
        WorkerSession::DuplicateCheckTimeoutMs, [this, name, oldId](Result<QVariant> r) {
            const bool answered = r.ok();
            // Not from inside the old link's own callback: it may be destroyed.
            QMetaObject::invokeMethod(
                &q, [this, name, oldId, answered] { duplicateCheckDone(name, oldId, answered); },
                Qt::QueuedConnection);
        });
}

void Master::Impl::duplicateCheckDone(const QString& name, ConnId oldConn, bool oldAnswered)
{
    auto dup = duplicateOf.find(name);
    if (dup == duplicateOf.end())
        return; // the newcomer went away meanwhile
    const ConnId newId = dup->second;
    duplicateOf.erase(dup);
    auto node = duplicates.find(newId);
    if (node == duplicates.end())
        return;
    std::unique_ptr<Link> newcomer = std::move(node->second.link);
    duplicates.erase(node);

    auto sit = sessions.find(name);
    if (sit == sessions.end()) {
        hub->abort(newId, QStringLiteral("worker no longer configured"));
        return;
    }
    WorkerSession& session = *sit->second;
    Link* old = session.link();
    if (oldAnswered && old && old->id() == oldConn) {
        const QString why = QStringLiteral("duplicate connection for worker '%1' from %2 refused: "
                                           "the worker is attached from %3, which answered")
                                .arg(name, newcomer->peer(), old->peer());
        qCWarning(lcEngine).noquote() << why;
        recordEvent(EngineEvent::Kind::Duplicate, name, newcomer->peer(), why);
        hub->close(newId, QStringLiteral("duplicate connection"));
        return;
    }
    if (old) {
        const QString why = QStringLiteral("duplicate connection for worker '%1': the link from %2 "
                                           "did not answer within %3 s; replaced by %4")
                                .arg(name, old->peer())
                                .arg(WorkerSession::DuplicateCheckTimeoutMs / 1000)
                                .arg(newcomer->peer());
        qCWarning(lcEngine).noquote() << why;
        recordEvent(EngineEvent::Kind::Duplicate, name, newcomer->peer(), why);
        const ConnId oldId = old->id();
        linkOwner.erase(oldId);
        session.linkClosed(
            QStringLiteral("replaced by a new connection from %1").arg(newcomer->peer()));
        hub->abort(oldId, QStringLiteral("replaced by a new connection"));
    }
    attachLink(session, std::move(newcomer));
}

void Master::Impl::onMessage(const HubEvent& e)
{
    Link* link = nullptr;
    WorkerSession* session = nullptr;
    if (auto it = linkOwner.find(e.conn); it != linkOwner.end()) {
        auto sit = sessions.find(it->second);
        if (sit != sessions.end() && sit->second->link() && sit->second->link()->id() == e.conn) {
            session = sit->second.get();
            link = session->link();
        }
    } else if (auto dit = duplicates.find(e.conn); dit != duplicates.end()) {
        link = dit->second.link.get();
    }
    if (!link)
        return; // a link on its way out
    if (session)
        session->touch();
    if (link->handle(e.message))
        return;
    // A request from the worker that this master does not serve (yet).
    const QString op = e.message.value(QStringLiteral("op")).toString();
    link->respond(e.message.value(QStringLiteral("seq_number")),
                  QStringLiteral("Command %1 does not exist.").arg(op), true);
}

void Master::Impl::onWarning(const HubEvent& e)
{
    if (warningsLogged >= 20) {
        ++warningsSuppressed;
        return;
    }
    ++warningsLogged;
    qCWarning(lcProtocol).noquote()
        << QStringLiteral("worker '%1' (%2): %3").arg(e.worker, e.peer, e.reason);
    recordEvent(EngineEvent::Kind::ProtocolError, e.worker, e.peer, e.reason);
}

void Master::Impl::onClosed(const HubEvent& e)
{
    if (auto dit = duplicates.find(e.conn); dit != duplicates.end()) {
        const QString name = dit->second.worker;
        duplicates.erase(dit);
        if (auto w = duplicateOf.find(name); w != duplicateOf.end() && w->second == e.conn)
            duplicateOf.erase(w);
        return;
    }
    auto it = linkOwner.find(e.conn);
    if (it == linkOwner.end())
        return;
    const QString name = it->second;
    linkOwner.erase(it);
    auto sit = sessions.find(name);
    if (sit == sessions.end() || !sit->second->link() || sit->second->link()->id() != e.conn)
        return;
    sit->second->linkClosed(e.reason);
    // A newcomer waiting on a duplicate check can take over at once.
    if (auto w = duplicateOf.find(name); w != duplicateOf.end()) {
        const ConnId newId = w->second;
        duplicateOf.erase(w);
        auto node = duplicates.find(newId);
        if (node != duplicates.end()) {
            std::unique_ptr<Link> newcomer = std::move(node->second.link);
            duplicates.erase(node);
            attachLink(*sit->second, std::move(newcomer));
        }
    }
}

} // namespace ym
