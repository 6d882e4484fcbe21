// LatentLifecycle at master start-up: the ledger's open rows (see
// LatentLifecycle.h).
#include "engine/LatentLifecycle.h"

#include "storage/Store.h"
#include "util/Logging.h"

#include <QDateTime>

namespace ym {

using Phase = LatentState::Phase;

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

void LatentLifecycle::reconcile(const storage::LatentInstanceRecord& record)
{
    if (m_state.ledgerId != 0 && m_state.ledgerId != record.id) {
        closeExtra(record);
        return;
    }
    m_record = record;
    m_startReason = record.reason;
    m_state.ledgerId = record.id;
    m_state.instanceId = record.instanceId.isEmpty() ? name() : record.instanceId;
    if (m_record.instanceId.isEmpty())
        m_record.instanceId = m_state.instanceId;
    // Its worker may attach while the provider is asked.
    setPhase(Phase::WaitingForAttach);
    armAttachDeadline(qint64(m_config.missingTimeout) * 1000);
    ensureDriver();
    if (!m_driver)
        return;
    m_driver->describe(currentRef(), [this, alive = m_alive](Result<latent::InstanceInfo> r) {
        if (*alive)
            reconciled(std::move(r));
    });
}

void LatentLifecycle::reconciled(Result<latent::InstanceInfo> r)
{
    if (m_state.phase != Phase::WaitingForAttach && m_state.phase != Phase::Attached)
        return;
    if (!r.ok()) {
        const QString why = QStringLiteral("cannot check instance %1 from the ledger: %2; waiting "
                                           "for its worker, then stopping it")
                                .arg(m_state.instanceId, r.error().message);
        qCWarning(lcLatent).noquote() << QStringLiteral("latent worker '%1': %2").arg(name(), why);
        m_host.latentEvent(EngineEvent::Kind::LatentFailed, name(), why);
        return;
    }
    const latent::InstanceInfo& info = r.value();
    using S = latent::InstanceInfo::State;
    if (info.state == S::Absent || info.state == S::Stopped) {
        const QString why =
            QStringLiteral("found %1 at start-up")
                .arg(info.state == S::Absent ? QStringLiteral("gone") : QStringLiteral("shut off"));
        m_host.latentEvent(EngineEvent::Kind::Latent, name(),
                           QStringLiteral("ledger row %1: instance %2 %3; closed")
                               .arg(m_record.id)
                               .arg(m_state.instanceId, why));
        runStop(why, std::nullopt, QStringLiteral("gone"));
        return;
    }
    const QString before = m_record.state;
    if (before == QStringLiteral("stopping") || before == QStringLiteral("stop_failed")) {
        runStop(QStringLiteral("finishing the stop begun before the master restarted"),
                std::nullopt, QStringLiteral("stopped"));
        return;
    }
    if (m_record.state != QStringLiteral("running") || m_record.attributes.isEmpty()) {
        m_record.state = QStringLiteral("running");
        if (m_record.startedMs == 0)
            m_record.startedMs = nowMs();
        if (m_record.attributes.isEmpty())
            m_record.attributes = info.attributes;
        writeLedger();
    }
    const QString text = QStringLiteral("adopted instance %1 (ledger row %2, %3) from before the "
                                        "restart; waiting up to %4 s for its worker")
                             .arg(m_state.instanceId)
                             .arg(m_record.id)
                             .arg(latent::InstanceInfo::stateName(info.state))
                             .arg(m_config.missingTimeout);
    qCInfo(lcLatent).noquote() << QStringLiteral("latent worker '%1': %2").arg(name(), text);
    m_host.latentEvent(EngineEvent::Kind::Latent, name(), text);
}

void LatentLifecycle::closeExtra(storage::LatentInstanceRecord record)
{
    // A second open row for this worker. Same instance: one row suffices.
    if (record.instanceId.isEmpty() || record.instanceId == m_state.instanceId) {
        record.state = QStringLiteral("gone");
        record.stoppedMs = nowMs();
        record.lastError = QStringLiteral("superseded by ledger row %1").arg(m_state.ledgerId);
        if (Store* ledger = m_host.ledger())
            ledger->updateLatentInstance(record);
        return;
    }
    ensureDriver();
    if (!m_driver)
        return;
    latent::InstanceRef ref{record.id, name(), record.instanceId, record.attributes};
    m_host.latentEvent(EngineEvent::Kind::Latent, name(),
                       QStringLiteral("ledger row %1: stopping extra instance %2")
                           .arg(record.id)
                           .arg(record.instanceId));
    m_driver->stop(ref, true, [this, alive = m_alive, record](Result<void> r) mutable {
        if (!*alive)
            return;
        record.state = r.ok() ? QStringLiteral("stopped") : QStringLiteral("stop_failed");
        record.stoppedMs = r.ok() ? nowMs() : 0;
        record.lastError = r.ok() ? QString() : r.error().message;
        if (Store* ledger = m_host.ledger())
            ledger->updateLatentInstance(record);
    });
}

} // namespace ym
