#include "mail/MissingWatch.h"

#include "mail/MailLogging.h"
#include "mail/MissingNotice.h"
#include "storage/Store.h"

#include <QDateTime>
#include <QHostInfo>
#include <QJsonObject>

namespace ym {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// What of the worker's info a notice shows (never `environ`, which the
// session does not keep anyway).
QJsonObject noticeInfo(const QJsonObject& info)
{
    QJsonObject out;
    for (const char* key : {"admin", "host", "version", "basedir", "system", "access_uri"}) {
        const QString k = QLatin1StringView(key);
        if (info.contains(k))
            out.insert(k, info.value(k));
    }
    return out;
}

QString settingsSummary(const MailConfig& m, const SmtpSettings& s)
{
    return QStringLiteral("relay %1, TLS %2, from %3, login %4")
        .arg(s.where(), MailConfig::tlsName(m.tls), m.effectiveFromaddr(),
             m.username.isEmpty() ? QStringLiteral("none") : m.username);
}

} // namespace

MissingWatch::MissingWatch(Hooks hooks, DeadlineQueue& deadlines, MailTransport& transport,
                           QObject* context)
    : m_hooks(std::move(hooks)), m_deadlines(deadlines), m_transport(transport), m_context(context)
{}

MissingWatch::~MissingWatch()
{
    for (auto& [name, loss] : m_losses)
        m_deadlines.cancel(loss.timer);
}

void MissingWatch::smtpSettings(std::function<void(Result<SmtpSettings>)> done) const
{
    const MailConfig& m = m_hooks.config().mail;
    SmtpSettings s;
    s.host = m.relayhost;
    s.port = m.port;
    s.tls = m.tls;
    s.username = m.username;
    s.caFile = m.caFile.isEmpty() ? QString() : m_hooks.config().resolvePath(m.caFile);
    if (m.username.isEmpty() || !m.password) {
        done(s);
        return;
    }
    std::weak_ptr<bool> alive = m_alive;
    m_hooks.resolveSecret(*m.password, QStringLiteral("mail.password"),
                          [alive, s, done](Result<QByteArray> pw) mutable {
                              if (alive.expired())
                                  return;
                              if (!pw) {
                                  done(pw.error());
                                  return;
                              }
                              s.password = pw.value();
                              done(s);
                          });
}

const WorkerConfig* MissingWatch::watched(const QString& worker) const
{
    const WorkerConfig* w = m_hooks.config().findWorker(worker);
    return w && !w->notifyOnMissing.isEmpty() ? w : nullptr;
}

qint64 MissingWatch::dueMs(const Loss& loss) const
{
    const WorkerConfig* w = watched(loss.record.worker);
    const int timeout = w ? w->missingTimeout : WorkerConfig::DefaultMissingTimeout;
    return loss.record.lostMs + qint64(timeout) * 1000;
}

void MissingWatch::schedule(Loss& loss, qint64 delayMs)
{
    m_deadlines.cancel(loss.timer);
    const QString worker = loss.record.worker;
    loss.timer = m_deadlines.add(std::max<qint64>(0, delayMs), [this, worker] {
        auto it = m_losses.find(worker);
        if (it == m_losses.end())
            return;
        it->second.timer = 0;
        if (it->second.message.isEmpty())
            due(worker);
        else
            attempt(worker); // a retry
    });
}

void MissingWatch::restore(const QList<storage::WorkerLossRecord>& pending)
{
    for (const storage::WorkerLossRecord& r : pending) {
        Loss loss;
        loss.record = r;
        if (!watched(r.worker)) {
            finish(loss, QStringLiteral("cancelled"));
            continue;
        }
        // A newer loss of the same worker replaces an older one (cannot
        // normally happen: a reconnect closes a loss before the next opens).
        if (auto old = m_losses.find(r.worker); old != m_losses.end()) {
            finish(old->second, QStringLiteral("cancelled"));
            m_losses.erase(old);
        }
        auto& placed = m_losses.emplace(r.worker, std::move(loss)).first->second;
        qCInfo(lcMail).noquote()
            << QStringLiteral("worker '%1' has been disconnected since %2 (before this start); "
                              "watching for missing_timeout")
                   .arg(r.worker,
                        QDateTime::fromMSecsSinceEpoch(r.lostMs, Qt::UTC).toString(Qt::ISODate));
        schedule(placed, dueMs(placed) - nowMs());
    }
}

void MissingWatch::attached(const QString& worker)
{
    m_attached.insert(worker);
    auto it = m_losses.find(worker);
    if (it == m_losses.end())
        return;
    Loss& loss = it->second;
    m_deadlines.cancel(loss.timer);
    if (loss.message.isEmpty())
        qCInfo(lcMail).noquote() << QStringLiteral(
                                        "worker '%1' is back within its missing_timeout: no notice")
                                        .arg(worker);
    else
        qCInfo(lcMail).noquote() << QStringLiteral(
                                        "worker '%1' is back; no more attempts to send its notice")
                                        .arg(worker);
    finish(loss, QStringLiteral("returned"));
    m_losses.erase(it);
}

void MissingWatch::detached(const WorkerState& state)
{
    if (!m_attached.remove(state.name))
        return; // was not attached (lost while attaching, or never since the start)
    const WorkerConfig* w = watched(state.name);
    if (!w)
        return;
    if (auto old = m_losses.find(state.name); old != m_losses.end()) {
        m_deadlines.cancel(old->second.timer);
        finish(old->second, QStringLiteral("cancelled"));
        m_losses.erase(old);
    }
    Loss loss;
    storage::WorkerLossRecord& r = loss.record;
    r.worker = state.name;
    r.lostMs = state.disconnectedAt.isValid() ? state.disconnectedAt.toMSecsSinceEpoch() : nowMs();
    r.lastSeenMs = state.lastSeen.isValid() ? state.lastSeen.toMSecsSinceEpoch() : 0;
    r.peer = state.peer;
    r.reason = state.lastDisconnectReason;
    r.info = noticeInfo(state.info);
    if (Store* store = m_hooks.store())
        store->addWorkerLoss(r);
    qCInfo(lcMail).noquote() << QStringLiteral("worker '%1' lost; %2 will be told if it is not "
                                               "back within %3 s")
                                    .arg(state.name, w->notifyOnMissing.join(QStringLiteral(", ")))
                                    .arg(w->missingTimeout);
    auto& placed = m_losses.emplace(state.name, std::move(loss)).first->second;
    schedule(placed, dueMs(placed) - nowMs());
}

void MissingWatch::attachFailed(const WorkerState& state, qint64 sinceMs, const QString& reason)
{
    const WorkerConfig* w = watched(state.name);
    if (!w || m_losses.count(state.name))
        return; // no addresses, or a notice about it is already on its way
    Loss loss;
    storage::WorkerLossRecord& r = loss.record;
    r.worker = state.name;
    r.lostMs = sinceMs;
    r.lastSeenMs = state.lastSeen.isValid() ? state.lastSeen.toMSecsSinceEpoch() : 0;
    r.peer = state.peer;
    r.reason = reason;
    r.info = noticeInfo(state.info);
    r.info.insert(QStringLiteral("latent_attach"), true); // kept with the loss across restarts
    if (Store* store = m_hooks.store())
        store->addWorkerLoss(r);
    qCInfo(lcMail).noquote() << QStringLiteral("latent worker '%1' did not attach; telling %2")
                                    .arg(state.name, w->notifyOnMissing.join(QStringLiteral(", ")));
    auto& placed = m_losses.emplace(state.name, std::move(loss)).first->second;
    schedule(placed, std::max<qint64>(0, dueMs(placed) - nowMs()));
}

void MissingWatch::configChanged()
{
    for (auto it = m_losses.begin(); it != m_losses.end();) {
        Loss& loss = it->second;
        if (loss.sending) {
            ++it;
            continue;
        }
        if (!watched(it->first)) {
            m_deadlines.cancel(loss.timer);
            qCInfo(lcMail).noquote()
                << QStringLiteral("worker '%1' is no longer watched (removed, or no "
                                  "notify_on_missing): its pending notice is cancelled")
                       .arg(it->first);
            finish(loss, QStringLiteral("cancelled"));
            it = m_losses.erase(it);
            continue;
        }
        if (loss.message.isEmpty()) // not due yet: the timeout may have changed
            schedule(loss, dueMs(loss) - nowMs());
        ++it;
    }
    for (auto it = m_attached.begin(); it != m_attached.end();) {
        if (!m_hooks.config().findWorker(*it))
            it = m_attached.erase(it);
        else
            ++it;
    }
}

void MissingWatch::due(const QString& worker)
{
    auto it = m_losses.find(worker);
    if (it == m_losses.end())
        return;
    Loss& loss = it->second;
    const WorkerConfig* w = watched(worker);
    if (!w) {
        finish(loss, QStringLiteral("cancelled"));
        m_losses.erase(it);
        return;
    }
    const MasterConfig& config = m_hooks.config();
    const qint64 now = nowMs();
    const QString gone = durationText((now - loss.record.lostMs) / 1000);
    qCWarning(lcMail).noquote()
        << QStringLiteral("worker '%1' is missing: disconnected for %2 (missing_timeout %3 s); "
                          "telling %4")
               .arg(worker, gone)
               .arg(w->missingTimeout)
               .arg(w->notifyOnMissing.join(QStringLiteral(", ")));
    m_hooks.event(EngineEvent::Kind::WorkerMissing, worker,
                  QStringLiteral("disconnected for %1 (missing_timeout %2 s); telling %3")
                      .arg(gone)
                      .arg(w->missingTimeout)
                      .arg(w->notifyOnMissing.join(QStringLiteral(", "))));

    const Result<MailAddress> from = MailAddress::parse(config.mail.effectiveFromaddr());
    QList<MailAddress> to;
    QStringList problems;
    if (!from)
        problems << QStringLiteral("mail.fromaddr '%1': %2")
                        .arg(config.mail.effectiveFromaddr(), from.error().message);
    for (const QString& a : w->notifyOnMissing) {
        const Result<MailAddress> parsed = MailAddress::parse(a, false);
        if (parsed)
            to << parsed.value();
        else
            problems << QStringLiteral("'%1': %2").arg(a, parsed.error().message);
    }
    if (!problems.isEmpty() || to.isEmpty()) {
        const QString why = QStringLiteral("cannot send the notice about worker '%1': %2")
                                .arg(worker, problems.join(QStringLiteral("; ")));
        qCWarning(lcMail).noquote() << why;
        m_hooks.event(EngineEvent::Kind::MailFailed, worker, why);
        loss.record.lastError = why;
        finish(loss, QStringLiteral("failed"));
        m_losses.erase(it);
        return;
    }
    MissingNoticeFacts f;
    f.worker = worker;
    f.title = config.master.title;
    f.masterHost = QHostInfo::localHostName();
    f.lostMs = loss.record.lostMs;
    f.lastSeenMs = loss.record.lastSeenMs;
    f.nowMs = now;
    f.missingTimeout = w->missingTimeout;
    f.peer = loss.record.peer;
    f.reason = loss.record.reason;
    f.info = loss.record.info;
    f.latentAttach = loss.record.info.value(QStringLiteral("latent_attach")).toBool();
    loss.message = missingNotice(f, from.value(), to).render();
    loss.recipients.clear();
    for (const MailAddress& a : to)
        loss.recipients << a.address();
    attempt(worker);
}

void MissingWatch::attempt(const QString& worker)
{
    auto it = m_losses.find(worker);
    if (it == m_losses.end())
        return;
    it->second.sending = true;
    smtpSettings([this, worker](Result<SmtpSettings> settings) {
        auto found = m_losses.find(worker);
        if (found == m_losses.end())
            return; // back meanwhile
        if (!settings) {
            Loss& loss = found->second;
            const QString why = QStringLiteral("cannot send the notice about worker '%1': %2")
                                    .arg(worker, settings.error().message);
            qCWarning(lcMail).noquote() << why;
            m_hooks.event(EngineEvent::Kind::MailFailed, worker, why);
            loss.record.lastError = why;
            finish(loss, QStringLiteral("failed"));
            m_losses.erase(found);
            return;
        }
        send(worker, settings.value());
    });
}

void MissingWatch::send(const QString& worker, const SmtpSettings& settings)
{
    auto it = m_losses.find(worker);
    if (it == m_losses.end())
        return;
    Loss& loss = it->second;
    const MasterConfig& config = m_hooks.config();
    const Result<MailAddress> from = MailAddress::parse(config.mail.effectiveFromaddr());
    MailDelivery d;
    if (from)
        d.envelopeFrom = from->envelope();
    for (const QString& a : loss.recipients) {
        if (const Result<MailAddress> r = MailAddress::parse(a, false))
            d.recipients << r->envelope();
    }
    if (!from || d.recipients.isEmpty()) {
        const QString why = QStringLiteral("cannot send the notice about worker '%1': the "
                                           "sender or the addresses are not valid any more")
                                .arg(worker);
        qCWarning(lcMail).noquote() << why;
        m_hooks.event(EngineEvent::Kind::MailFailed, worker, why);
        loss.record.lastError = why;
        finish(loss, QStringLiteral("failed"));
        m_losses.erase(it);
        return;
    }
    d.message = loss.message;
    const qint64 lostMs = loss.record.lostMs;
    qCDebug(lcMail).noquote() << QStringLiteral("sending the notice about worker '%1' via %2")
                                     .arg(worker, settings.where());
    m_transport.send(settings, d, m_context, [this, worker, lostMs](const MailOutcome& outcome) {
        attemptDone(worker, lostMs, outcome);
    });
}

void MissingWatch::attemptDone(const QString& worker, qint64 lostMs, const MailOutcome& outcome)
{
    auto it = m_losses.find(worker);
    if (it == m_losses.end() || it->second.record.lostMs != lostMs) {
        qCInfo(lcMail).noquote() << QStringLiteral(
                                        "notice about worker '%1' (no longer pending): %2")
                                        .arg(worker, outcome.text());
        return;
    }
    Loss& loss = it->second;
    loss.sending = false;
    ++loss.record.attempts;
    const QString to = loss.recipients.join(QStringLiteral(", "));
    if (outcome.ok()) {
        const QString text = QStringLiteral("notice about missing worker '%1' sent to %2: %3")
                                 .arg(worker, to, outcome.text());
        qCInfo(lcMail).noquote() << text;
        m_hooks.event(EngineEvent::Kind::MailSent, worker, text);
        loss.record.lastError.clear();
        finish(loss, QStringLiteral("notified"));
        m_losses.erase(it);
        return;
    }
    loss.record.lastError = outcome.text();
    const bool permanent = outcome.kind == MailOutcome::Kind::Permanent;
    if (permanent || loss.record.attempts >= MaxAttempts) {
        const QString text =
            QStringLiteral("notice about missing worker '%1' to %2 not sent (%3): %4")
                .arg(worker, to,
                     permanent
                         ? QStringLiteral("refused for good, no retry")
                         : QStringLiteral("gave up after %1 attempts").arg(loss.record.attempts),
                     outcome.text());
        qCWarning(lcMail).noquote() << text;
        m_hooks.event(EngineEvent::Kind::MailFailed, worker, text);
        finish(loss, QStringLiteral("failed"));
        m_losses.erase(it);
        return;
    }
    const qint64 delay = std::min<qint64>(
        qint64(FirstRetryMs) << std::min(loss.record.attempts - 1, 20), MaxRetryMs);
    const QString text =
        QStringLiteral("notice about missing worker '%1' to %2 not sent (attempt %3 of %4), "
                       "retrying in %5 s: %6")
            .arg(worker, to)
            .arg(loss.record.attempts)
            .arg(MaxAttempts)
            .arg(delay / 1000)
            .arg(outcome.text());
    qCWarning(lcMail).noquote() << text;
    m_hooks.event(EngineEvent::Kind::MailFailed, worker, text);
    if (Store* store = m_hooks.store())
        store->updateWorkerLoss(loss.record);
    schedule(loss, delay);
}

void MissingWatch::finish(Loss& loss, const QString& state)
{
    loss.record.state = state;
    loss.record.finishedMs = nowMs();
    if (Store* store = m_hooks.store())
        store->updateWorkerLoss(loss.record);
}

void MissingWatch::sendTest(const QString& address, std::function<void(Result<QString>)> done)
{
    const Result<MailAddress> to = MailAddress::parse(address);
    if (!to) {
        done(Error{
            QStringLiteral("'%1' is not an email address: %2").arg(address, to.error().message)});
        return;
    }
    const MasterConfig& config = m_hooks.config();
    const Result<MailAddress> from = MailAddress::parse(config.mail.effectiveFromaddr());
    if (!from) {
        done(Error{QStringLiteral("mail.fromaddr '%1' is not an email address: %2")
                       .arg(config.mail.effectiveFromaddr(), from.error().message)});
        return;
    }
    const MailAddress toAddress = to.value();
    const MailAddress fromAddress = from.value();
    const QString title = config.master.title;
    const MailConfig mail = config.mail;
    smtpSettings(
        [this, done, address, toAddress, fromAddress, title, mail](Result<SmtpSettings> settings) {
            if (!settings) {
                done(settings.error());
                return;
            }
            MailDelivery d;
            d.envelopeFrom = fromAddress.envelope();
            d.recipients << toAddress.envelope();
            d.message = testMessage(title, QHostInfo::localHostName(),
                                    settingsSummary(mail, settings.value()), fromAddress, toAddress)
                            .render();
            const QString where = settings->where();
            m_transport.send(settings.value(), d, m_context,
                             [this, done, address, where](const MailOutcome& outcome) {
                                 if (outcome.ok()) {
                                     const QString text =
                                         QStringLiteral("test message sent to %1 via %2: %3")
                                             .arg(address, where, outcome.text());
                                     qCInfo(lcMail).noquote() << text;
                                     m_hooks.event(EngineEvent::Kind::MailSent, {}, text);
                                     done(outcome.text());
                                 } else {
                                     const QString text =
                                         QStringLiteral("test message to %1 not sent: %2")
                                             .arg(address, outcome.text());
                                     qCWarning(lcMail).noquote() << text;
                                     m_hooks.event(EngineEvent::Kind::MailFailed, {}, text);
                                     done(Error{text});
                                 }
                             });
        });
}

} // namespace ym
