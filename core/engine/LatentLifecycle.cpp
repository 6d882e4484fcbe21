// One latent worker's instance lifecycle (see LatentLifecycle.h).
#include "engine/LatentLifecycle.h"

#include "latent/DriverFactory.h"
#include "storage/Store.h"
#include "util/Logging.h"

#include <QDateTime>

#include <algorithm>

namespace ym {

using Phase = LatentState::Phase;

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
QString seconds(qint64 ms)
{
    return QStringLiteral("%1 s").arg(ms / 1000);
}
} // namespace

LatentLifecycle::LatentLifecycle(WorkerConfig config, LatentHost& host)
    : m_config(std::move(config)), m_host(host)
{
    m_state.phaseSince = QDateTime::currentDateTimeUtc();
}

LatentLifecycle::~LatentLifecycle()
{
    *m_alive = false;
    cancelTimer(m_attachTimer);
    cancelTimer(m_idleTimer);
    cancelTimer(m_retryTimer);
}

void LatentLifecycle::updateConfig(const WorkerConfig& config)
{
    if (config.latent == m_config.latent) {
        m_config = config;
        return;
    }
    // The driver is replaced before the next start; the running instance
    // stays with the driver that started it.
    const bool idle = m_state.phase == Phase::Stopped || m_state.phase == Phase::StartFailed ||
                      m_state.phase == Phase::AttachTimedOut;
    WorkerConfig kept = m_config;
    m_config = config;
    if (!idle) {
        m_config.latent = kept.latent;
        m_nextConfig = config;
    } else {
        m_driver.reset();
        m_nextConfig.reset();
    }
    m_host.latentChanged(name());
}

LatentState LatentLifecycle::state() const
{
    LatentState s = m_state;
    s.driver = LatentConfig::driverName(m_config.latent.driver);
    s.buildWaitTimeout = m_config.latent.buildWaitTimeout;
    return s;
}

bool LatentLifecycle::canAutoStart() const
{
    switch (m_state.phase) {
    case Phase::Stopped:
        return true;
    case Phase::StartFailed:
    case Phase::AttachTimedOut:
        return !m_state.retryAt.isValid() || m_state.retryAt <= QDateTime::currentDateTimeUtc();
    default:
        return false;
    }
}

bool LatentLifecycle::isComing() const
{
    return m_state.phase == Phase::Starting || m_state.phase == Phase::WaitingForAttach;
}

bool LatentLifecycle::isBusy() const
{
    return isComing() || m_state.phase == Phase::Attached || m_state.phase == Phase::Stopping;
}

bool LatentLifecycle::acceptsAttach() const
{
    return isComing() && !m_stopAfterStart;
}

void LatentLifecycle::setWaitingRequests(const QString& text)
{
    if (m_state.waitingRequests == text)
        return;
    m_state.waitingRequests = text;
    m_host.latentChanged(name());
}

Result<void> LatentLifecycle::start(const QString& reason, bool manual)
{
    const QString who = QStringLiteral("latent worker '%1'").arg(name());
    switch (m_state.phase) {
    case Phase::Stopped:
    case Phase::StartFailed:
    case Phase::AttachTimedOut:
        break;
    case Phase::StopFailed:
        return Error{QStringLiteral("%1: its last stop failed (%2); its instance may still run: "
                                    "stop it first")
                         .arg(who, m_state.lastError)};
    default:
        return Error{
            QStringLiteral("%1 is already %2").arg(who, LatentState::phaseName(m_state.phase))};
    }
    if (!manual && !canAutoStart())
        return Error{QStringLiteral("%1: no automatic start before %2 (back-off after: %3)")
                         .arg(who, m_state.retryAt.toString(Qt::ISODate), m_state.lastError)};
    Store* ledger = m_host.ledger();
    if (!ledger)
        return Error{QStringLiteral("the master is not running")};
    if (m_nextConfig) {
        m_config = *m_nextConfig;
        m_nextConfig.reset();
        m_driver.reset();
    }
    ensureDriver();
    if (!m_driver)
        return Error{QStringLiteral("%1: no driver for type '%2'")
                         .arg(who, LatentConfig::driverName(m_config.latent.driver))};

    cancelTimer(m_retryTimer);
    cancelTimer(m_idleTimer);
    m_record = storage::LatentInstanceRecord{};
    m_record.worker = name();
    m_record.driver = m_driver->kind();
    m_record.state = QStringLiteral("starting");
    m_record.requestedMs = nowMs();
    m_record.reason = reason;
    m_record.id = ledger->addLatentInstance(m_record); // before the provider call
    m_startReason = reason;
    m_state.ledgerId = m_record.id;
    m_state.instanceId.clear();
    m_state.retryAt = {};
    m_state.stopAt = {};
    m_stopAfterStart = false;
    m_deadlinePassed = false;
    m_stopFailure.reset();
    setPhase(Phase::Starting);
    // Like Buildbot: missing_timeout covers the start and the attach.
    armAttachDeadline(qint64(m_config.missingTimeout) * 1000);

    const QString text = QStringLiteral("starting an instance (%1)").arg(reason);
    qCInfo(lcLatent).noquote() << QStringLiteral("%1: %2").arg(who, text);
    m_host.latentEvent(EngineEvent::Kind::Latent, name(), text);

    // The provider is called only once the row is on disk: a crash after the
    // call never leaves an instance the ledger does not know.
    const quint64 attempt = ++m_attempt;
    latent::InstanceSpec spec{name(), m_record.id, m_host.masterId()};
    ledger->whenCommitted(
        m_driver.get(), [this, alive = m_alive, attempt, spec](Result<void> stored) {
            if (!*alive || attempt != m_attempt || m_state.phase != Phase::Starting)
                return;
            if (!stored.ok()) {
                startDone(Error{QStringLiteral("not started: the instance ledger cannot be written "
                                               "(%1)")
                                    .arg(stored.error().message)},
                          attempt);
                return;
            }
            m_driver->start(spec, [this, alive, attempt](Result<latent::InstanceInfo> r) {
                if (*alive)
                    startDone(std::move(r), attempt);
            });
        });
    return {};
}

void LatentLifecycle::startDone(Result<latent::InstanceInfo> r, quint64 attempt)
{
    if (attempt != m_attempt ||
        (m_state.phase != Phase::Starting && m_state.phase != Phase::Attached))
        return;
    const qint64 now = nowMs();
    if (!r.ok()) {
        cancelTimer(m_attachTimer);
        m_record.state = QStringLiteral("start_failed");
        m_record.lastError = r.error().message;
        m_record.stoppedMs = now;
        writeLedger();
        m_stopAfterStart = false;
        failed(Phase::StartFailed, r.error().message);
        return;
    }
    const latent::InstanceInfo& info = r.value();
    m_record.instanceId = info.instanceId;
    m_record.attributes = info.attributes;
    m_record.state = QStringLiteral("running");
    m_record.startedMs = now;
    writeLedger();
    m_state.instanceId = info.instanceId;
    if (m_stopAfterStart) {
        m_stopAfterStart = false;
        runStop(m_stopAfterStartReason, std::nullopt, QStringLiteral("stopped"));
        return;
    }
    if (m_deadlinePassed && m_state.phase == Phase::Starting) {
        const QString why = QStringLiteral("its worker did not attach within %1 (missing_timeout)")
                                .arg(seconds(qint64(m_config.missingTimeout) * 1000));
        m_state.lastError = why;
        runStop(why, Phase::AttachTimedOut, QStringLiteral("stopped"));
        return;
    }
    const QString text = QStringLiteral("instance %1 is %2; waiting for its worker to attach")
                             .arg(info.instanceId, latent::InstanceInfo::stateName(info.state));
    qCInfo(lcLatent).noquote() << QStringLiteral("latent worker '%1': %2").arg(name(), text);
    m_host.latentEvent(EngineEvent::Kind::Latent, name(), text);
    if (m_state.phase == Phase::Starting)
        setPhase(Phase::WaitingForAttach);
    else
        m_host.latentChanged(name());
}

Result<void> LatentLifecycle::stop(const QString& reason)
{
    const QString who = QStringLiteral("latent worker '%1'").arg(name());
    switch (m_state.phase) {
    case Phase::Stopped:
    case Phase::StartFailed:
    case Phase::AttachTimedOut:
        return Error{QStringLiteral("%1 has no running instance").arg(who)};
    case Phase::Stopping:
        return Error{QStringLiteral("%1 is already stopping").arg(who)};
    case Phase::Starting:
        m_stopAfterStart = true;
        m_stopAfterStartReason = reason;
        m_host.latentChanged(name());
        return {};
    case Phase::WaitingForAttach:
    case Phase::Attached:
    case Phase::StopFailed:
        runStop(reason, std::nullopt, QStringLiteral("stopped"));
        return {};
    }
    return {};
}

void LatentLifecycle::runStop(const QString& reason, std::optional<Phase> failure,
                              const QString& ledgerState)
{
    cancelTimer(m_attachTimer);
    cancelTimer(m_idleTimer);
    cancelTimer(m_retryTimer);
    m_state.stopAt = {};
    m_stopFailure = failure;
    m_lastStopReason = reason;
    // The worker goes first: its builds end (retried) before the machine does.
    m_host.dropWorkerLink(name(), QStringLiteral("instance stopping: %1").arg(reason));
    m_record.state = QStringLiteral("stopping");
    if (m_record.stopRequestedMs == 0)
        m_record.stopRequestedMs = nowMs();
    m_record.reason = m_startReason.isEmpty()
                          ? QStringLiteral("stop: %1").arg(reason)
                          : QStringLiteral("start: %1; stop: %2").arg(m_startReason, reason);
    writeLedger(); // before the provider call
    setPhase(Phase::Stopping);
    const QString text = QStringLiteral("stopping instance %1: %2").arg(m_state.instanceId, reason);
    qCInfo(lcLatent).noquote() << QStringLiteral("latent worker '%1': %2").arg(name(), text);
    m_host.latentEvent(EngineEvent::Kind::Latent, name(), text);
    ensureDriver();
    if (!m_driver) {
        stopDone(Error{QStringLiteral("no driver")}, reason, ledgerState);
        return;
    }
    // A disk that is thrown away needs no clean shutdown.
    const bool force = failure.has_value() || !m_config.latent.libvirt.baseImage.isEmpty();
    auto call = [this, alive = m_alive, reason, ledgerState, force] {
        if (!*alive || m_state.phase != Phase::Stopping)
            return;
        m_driver->stop(currentRef(), force, [this, alive, reason, ledgerState](Result<void> r) {
            if (*alive)
                stopDone(std::move(r), reason, ledgerState);
        });
    };
    if (Store* ledger = m_host.ledger())
        ledger->whenCommitted(m_driver.get(), [call](Result<void>) { call(); });
    else
        call();
}

void LatentLifecycle::stopDone(Result<void> r, const QString& reason, const QString& ledgerState)
{
    if (m_state.phase != Phase::Stopping)
        return;
    if (!r.ok()) {
        const QString why = QStringLiteral("cannot stop instance %1: %2")
                                .arg(m_state.instanceId, r.error().message);
        m_record.state = QStringLiteral("stop_failed");
        m_record.lastError = r.error().message;
        writeLedger();
        failed(Phase::StopFailed, why);
        return;
    }
    m_record.state = ledgerState;
    m_record.stoppedMs = nowMs();
    writeLedger();
    const QString text = QStringLiteral("instance %1 stopped (%2)").arg(m_state.instanceId, reason);
    qCInfo(lcLatent).noquote() << QStringLiteral("latent worker '%1': %2").arg(name(), text);
    m_host.latentEvent(EngineEvent::Kind::Latent, name(), text);
    if (m_stopFailure) {
        const Phase failure = *m_stopFailure;
        m_stopFailure.reset();
        failed(failure, m_state.lastError.isEmpty() ? reason : m_state.lastError);
    } else {
        setPhase(Phase::Stopped);
    }
}

void LatentLifecycle::failed(Phase phase, const QString& why)
{
    m_state.lastError = why;
    m_state.failures = std::min(m_state.failures + 1, MaxBackoffSteps);
    const qint64 delay = backoffMs();
    m_state.retryAt = QDateTime::currentDateTimeUtc().addMSecs(delay);
    const QString text = phase == Phase::StopFailed
                             ? QStringLiteral("%1; retrying in %2").arg(why, seconds(delay))
                             : QStringLiteral("%1: %2; no automatic start for %3")
                                   .arg(LatentState::phaseName(phase), why, seconds(delay));
    qCWarning(lcLatent).noquote() << QStringLiteral("latent worker '%1': %2").arg(name(), text);
    m_host.latentEvent(EngineEvent::Kind::LatentFailed, name(), text);
    cancelTimer(m_retryTimer);
    m_retryTimer = m_host.latentDeadlines().add(delay, [this] {
        m_retryTimer = 0;
        if (m_state.phase == Phase::StopFailed)
            runStop(m_lastStopReason, std::nullopt, QStringLiteral("stopped"));
        else
            m_host.latentChanged(name()); // the queue may start it again
    });
    setPhase(phase);
}

qint64 LatentLifecycle::backoffMs() const
{
    qint64 delay = FirstRetryMs;
    for (int i = 1; i < m_state.failures && delay < MaxRetryMs; ++i)
        delay *= 2;
    return std::min(delay, MaxRetryMs);
}

bool LatentLifecycle::workerAttached()
{
    if (!isComing()) { // admitted, then the instance began to stop meanwhile
        m_host.dropWorkerLink(
            name(),
            QStringLiteral("its instance is %1").arg(LatentState::phaseName(m_state.phase)));
        return false;
    }
    cancelTimer(m_attachTimer);
    m_state.failures = 0;
    m_state.retryAt = {};
    m_state.lastError.clear();
    if (m_record.attachedMs == 0) {
        m_record.attachedMs = nowMs();
        writeLedger();
    }
    setPhase(Phase::Attached);
    return true;
}

void LatentLifecycle::workerDetached(const QString& reason)
{
    if (m_state.phase != Phase::Attached)
        return;
    cancelTimer(m_idleTimer);
    m_state.stopAt = {};
    const QString text = QStringLiteral("its worker left the running instance %1 (%2); waiting "
                                        "up to %3 for it to return")
                             .arg(m_state.instanceId, reason)
                             .arg(m_config.missingTimeout);
    m_host.latentEvent(EngineEvent::Kind::Latent, name(), text + QStringLiteral(" s"));
    setPhase(Phase::WaitingForAttach);
    armAttachDeadline(qint64(m_config.missingTimeout) * 1000);
}

void LatentLifecycle::buildStarted()
{
    if (m_idleTimer == 0 && !m_state.stopAt.isValid())
        return;
    cancelTimer(m_idleTimer);
    m_state.stopAt = {};
    m_host.latentChanged(name());
}

void LatentLifecycle::idle()
{
    if (m_state.phase != Phase::Attached || m_idleTimer != 0)
        return;
    const int wait = m_config.latent.buildWaitTimeout;
    if (wait < 0)
        return; // never stopped automatically
    if (wait == 0) {
        runStop(QStringLiteral("idle (build_wait_timeout 0)"), std::nullopt,
                QStringLiteral("stopped"));
        return;
    }
    m_state.stopAt = QDateTime::currentDateTimeUtc().addSecs(wait);
    m_idleTimer = m_host.latentDeadlines().add(qint64(wait) * 1000, [this, wait] {
        m_idleTimer = 0;
        m_state.stopAt = {};
        if (m_state.phase == Phase::Attached && m_host.latentRunningBuilds(name()) == 0)
            runStop(QStringLiteral("idle for %1 s (build_wait_timeout)").arg(wait), std::nullopt,
                    QStringLiteral("stopped"));
    });
    m_host.latentChanged(name());
}

void LatentLifecycle::armAttachDeadline(qint64 delayMs)
{
    cancelTimer(m_attachTimer);
    m_attachTimer = m_host.latentDeadlines().add(delayMs, [this] {
        m_attachTimer = 0;
        attachDeadline();
    });
}

void LatentLifecycle::attachDeadline()
{
    const QString why = QStringLiteral("its worker did not attach within %1 s (missing_timeout)")
                            .arg(m_config.missingTimeout);
    if (m_state.phase == Phase::Starting) {
        m_deadlinePassed = true; // acted on when the start call answers
        return;
    }
    if (m_state.phase != Phase::WaitingForAttach)
        return;
    m_state.lastError = why;
    if (m_state.failures == 0) {
        const qint64 since = m_record.requestedMs > 0
                                 ? m_record.requestedMs
                                 : nowMs() - qint64(m_config.missingTimeout) * 1000;
        m_host.latentAttachFailed(
            name(), since, QStringLiteral("instance %1 runs, but %2").arg(m_state.instanceId, why));
    }
    runStop(why, Phase::AttachTimedOut, QStringLiteral("stopped"));
}

void LatentLifecycle::cancelTimer(DeadlineQueue::Id& id)
{
    if (id != 0)
        m_host.latentDeadlines().cancel(id);
    id = 0;
}

void LatentLifecycle::onInstanceChanged(const latent::InstanceInfo& info)
{
    if (info.instanceId != m_state.instanceId || m_state.instanceId.isEmpty())
        return;
    if (info.state != latent::InstanceInfo::State::Absent &&
        info.state != latent::InstanceInfo::State::Stopped)
        return;
    if (m_state.phase != Phase::WaitingForAttach && m_state.phase != Phase::Attached)
        return; // our own start or stop
    const QString why =
        QStringLiteral("instance %1 stopped outside the master (%2)")
            .arg(info.instanceId,
                 info.detail.isEmpty() ? latent::InstanceInfo::stateName(info.state) : info.detail);
    qCWarning(lcLatent).noquote() << QStringLiteral("latent worker '%1': %2").arg(name(), why);
    m_host.latentEvent(EngineEvent::Kind::LatentFailed, name(), why);
    m_record.lastError = why;
    runStop(QStringLiteral("stopped outside the master"), std::nullopt, QStringLiteral("gone"));
}

void LatentLifecycle::setPhase(Phase phase)
{
    m_state.phase = phase;
    m_state.phaseSince = QDateTime::currentDateTimeUtc();
    m_host.latentChanged(name());
}

void LatentLifecycle::writeLedger()
{
    if (Store* ledger = m_host.ledger(); ledger && m_record.id != 0)
        ledger->updateLatentInstance(m_record);
}

void LatentLifecycle::ensureDriver()
{
    if (m_driver)
        return;
    m_driver = latent::makeLatentDriver(m_config);
    if (!m_driver)
        return;
    QObject::connect(m_driver.get(), &latent::LatentDriver::instanceChanged, m_driver.get(),
                     [this](const latent::InstanceInfo& info) { onInstanceChanged(info); });
}

latent::InstanceRef LatentLifecycle::currentRef() const
{
    return latent::InstanceRef{m_record.id, name(), m_state.instanceId, m_record.attributes};
}

} // namespace ym
