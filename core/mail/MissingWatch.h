#pragma once

#include "config/MasterConfig.h"
#include "engine/DeadlineQueue.h"
#include "engine/EngineEvent.h"
#include "engine/WorkerState.h"
#include "mail/MailTransport.h"
#include "storage/StorageRecords.h"
#include "util/Result.h"

#include <QObject>
#include <QSet>

#include <functional>
#include <memory>
#include <unordered_map>

namespace ym {

class Store;

// Engine thread: tells the notify_on_missing addresses of a worker when it
// has been disconnected longer than its missing_timeout, once per lost
// connection. Losses are written to the database (worker_losses), so a
// master restarted in the window still sends when the time is up, and never
// twice. Only a worker that was attached since the master started can go
// missing (a loss persisted before a restart still counts). A reconnect in
// time ends the loss quietly; a failed send is retried with back-off.
class MissingWatch
{
public:
    static constexpr int MaxAttempts = 8;
    static constexpr int FirstRetryMs = 5'000; // then doubled each time
    static constexpr int MaxRetryMs = 600'000;

    struct Hooks
    {
        std::function<const MasterConfig&()> config;
        // Resolves a secret reference (maybe later, from the event loop).
        std::function<void(const SecretRef&, const QString& where,
                           std::function<void(Result<QByteArray>)> done)>
            resolveSecret;
        std::function<Store*()> store;
        std::function<void(EngineEvent::Kind, const QString& worker, const QString& message)> event;
    };

    MissingWatch(Hooks hooks, DeadlineQueue& deadlines, MailTransport& transport, QObject* context);
    ~MissingWatch();
    MissingWatch(const MissingWatch&) = delete;
    MissingWatch& operator=(const MissingWatch&) = delete;

    // At start-up: the losses still pending in the database.
    void restore(const QList<storage::WorkerLossRecord>& pending);
    void attached(const QString& worker);
    // The worker's link is gone; `state` is its snapshot after the loss.
    void detached(const WorkerState& state);
    // A latent worker's instance ran since `sinceMs` but its worker did not
    // attach within missing_timeout: the notice is due now (the first failure
    // of a streak only; the engine decides).
    void attachFailed(const WorkerState& state, qint64 sinceMs, const QString& reason);
    // After a reload: new timeouts apply; losses of removed workers (or of
    // workers without addresses now) are cancelled.
    void configChanged();
    // Sends a test message to `address` with the current settings; `done`
    // gets the server's answer or the error.
    void sendTest(const QString& address, std::function<void(Result<QString>)> done);

    // The SMTP settings of the current config, password resolved (maybe later).
    void smtpSettings(std::function<void(Result<SmtpSettings>)> done) const;

private:
    struct Loss
    {
        storage::WorkerLossRecord record;
        DeadlineQueue::Id timer = 0;
        bool sending = false;
        QByteArray message; // composed when due, reused by the retries
        QStringList recipients;
    };

    void schedule(Loss& loss, qint64 delayMs);
    void due(const QString& worker);
    void attempt(const QString& worker);
    void send(const QString& worker, const SmtpSettings& settings);
    void attemptDone(const QString& worker, qint64 lostMs, const MailOutcome& outcome);
    void finish(Loss& loss, const QString& state);
    const WorkerConfig* watched(const QString& worker) const; // configured with addresses
    qint64 dueMs(const Loss& loss) const;

    Hooks m_hooks;
    DeadlineQueue& m_deadlines;
    MailTransport& m_transport;
    QObject* m_context;
    QSet<QString> m_attached; // attached since the master started
    // Callbacks that may outlive this object (secret resolution) check it.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
    std::unordered_map<QString, Loss> m_losses; // at most one open loss per worker
};

} // namespace ym
