#pragma once

#include "config/MasterConfig.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <functional>

namespace ym {

// How to reach the SMTP server (the `mail` config with its password resolved).
// The password never goes into a log or a message.
struct SmtpSettings
{
    QString host = QStringLiteral("localhost");
    quint16 port = MailConfig::DefaultPort;
    MailConfig::Tls tls = MailConfig::Tls::None;
    QString username;
    QByteArray password;
    QString caFile;
    int connectTimeoutMs = 20'000;
    int timeoutMs = 60'000;

    QString where() const; // "HOST:PORT" (and the TLS mode), for messages
};

// One SMTP transaction: one message to one or more recipients.
struct MailDelivery
{
    QByteArray envelopeFrom;      // local@domain (ASCII domain)
    QList<QByteArray> recipients; // the same form
    QByteArray message;           // the rendered RFC 5322 message (CRLF)
};

// What came of it. `serverAnswer` is the server's last reply (code and text,
// as the server wrote it), empty when none came (connection refused).
struct MailOutcome
{
    enum class Kind
    {
        Sent,
        Temporary, // worth another try later: no connection, 4xx, TLS or timeout
        Permanent, // 5xx, or a setting that cannot work: do not retry
    };
    Kind kind = Kind::Temporary;
    int smtpCode = 0;
    QString serverAnswer;
    QString error; // what went wrong, for people (never a secret)

    bool ok() const { return kind == Kind::Sent; }
    // "250 OK ..." when sent; else the error with the server's answer.
    QString text() const;
};

// Sends mail somewhere (STYLE: external services sit behind a small
// interface). `done` runs on the thread of `context`, and not at all when
// `context` is gone by then.
class MailTransport
{
public:
    virtual ~MailTransport() = default;
    virtual void send(const SmtpSettings& settings, const MailDelivery& delivery, QObject* context,
                      std::function<void(MailOutcome)> done) = 0;
};

} // namespace ym

Q_DECLARE_METATYPE(ym::MailOutcome)
