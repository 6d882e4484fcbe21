// Master::Impl: outgoing mail (missing-worker notices, test messages).
#include "engine/MasterImpl.h"

#include "mail/MailLogging.h"

namespace ym {

void Master::Impl::startMail(const QList<storage::WorkerLossRecord>& pending)
{
    smtp = std::make_unique<SmtpSender>();
    MissingWatch::Hooks hooks;
    hooks.config = [this]() -> const MasterConfig& {
        return config;
    };
    hooks.resolveSecret = [this](const SecretRef& ref, const QString& where,
                                 std::function<void(Result<QByteArray>)> done) {
        const QString key = QStringLiteral("mail");
        resolveSecrets(
            *secrets, {SecretRequest{key, ref, where}}, &q, [key, done](const ResolvedSecrets& r) {
                if (r.values.contains(key))
                    done(r.values.value(key));
                else
                    done(Error{r.errors.value(key, QStringLiteral("mail.password: "
                                                                  "cannot be resolved"))});
            });
    };
    hooks.store = [this] {
        return storage.get();
    };
    hooks.event = [this](EngineEvent::Kind kind, const QString& worker, const QString& message) {
        recordEvent(kind, worker, {}, message);
    };
    missing = std::make_unique<MissingWatch>(std::move(hooks), *deadlineQueue, *smtp, &q);
    const MailConfig& m = config.mail;
    qCInfo(lcMail).noquote() << QStringLiteral("mail: from %1 via %2:%3 (TLS %4)")
                                    .arg(m.effectiveFromaddr(), m.relayhost)
                                    .arg(m.port)
                                    .arg(MailConfig::tlsName(m.tls));
    missing->restore(pending);
}

void Master::Impl::stopMail()
{
    missing.reset();
    smtp.reset(); // aborts a transfer under way and joins the mail thread
}

void Master::Impl::sendTestMail(const QString& address, std::function<void(Result<QString>)> done)
{
    if (!running || !missing) {
        done(Error{QStringLiteral("the master is not running")});
        return;
    }
    missing->sendTest(address, std::move(done));
}

} // namespace ym
