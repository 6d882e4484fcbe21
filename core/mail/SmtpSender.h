#pragma once

#include "mail/MailTransport.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <memory>

namespace ym {

namespace mail {
class SmtpWorker;
}

// MailTransport over libcurl's SMTP (STARTTLS, SMTPS, AUTH). Transfers run
// one after another on a thread of its own ("ym-smtp"), never on the thread
// that asks; results come back to the asking thread by queued signals.
// Destroying it aborts a running transfer within a moment and joins the
// thread; callbacks of unfinished sends are dropped.
class SmtpSender final : public QObject, public MailTransport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SmtpSender)

public:
    explicit SmtpSender(QObject* parent = nullptr);
    ~SmtpSender() override;

    void send(const SmtpSettings& settings, const MailDelivery& delivery, QObject* context,
              std::function<void(MailOutcome)> done) override;

private:
    void onFinished(quint64 job, const ym::MailOutcome& outcome);

    struct Pending
    {
        QPointer<QObject> context;
        std::function<void(MailOutcome)> done;
    };
    QThread m_thread;
    mail::SmtpWorker* m_worker = nullptr;
    std::shared_ptr<std::atomic<bool>> m_abort;
    QHash<quint64, Pending> m_pending;
    quint64 m_lastJob = 0;
};

namespace mail {

// The half on the SMTP thread (internal to SmtpSender).
class SmtpWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SmtpWorker)

public:
    explicit SmtpWorker(std::shared_ptr<std::atomic<bool>> abort) : m_abort(std::move(abort)) {}
    ~SmtpWorker() override = default;

    // Blocking: one SMTP transaction with libcurl.
    void run(quint64 job, const SmtpSettings& settings, const MailDelivery& delivery);

Q_SIGNALS:
    void finished(quint64 job, const ym::MailOutcome& outcome);

private:
    std::shared_ptr<std::atomic<bool>> m_abort;
};

} // namespace mail

} // namespace ym
