#pragma once

#include "mail/MailAddress.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace ym {

// An RFC 5322 text message: headers (non-ASCII words as RFC 2047 encoded
// words, lines folded under 78 characters) and a UTF-8 text/plain body in
// quoted-printable. Lines end in CRLF.
class MailMessage
{
public:
    MailMessage() = default;

    void setFrom(const MailAddress& from) { m_from = from; }
    void setTo(const QList<MailAddress>& to) { m_to = to; }
    void setSubject(const QString& subject) { m_subject = subject; }
    void setBody(const QString& body) { m_body = body; }
    void setDate(const QDateTime& date) { m_date = date; }
    // `<id@domain>`; empty: one is made up from random bytes and the from domain.
    void setMessageId(const QByteArray& id) { m_messageId = id; }
    // Extra headers (ASCII names; values are encoded like the subject).
    void addHeader(const QByteArray& name, const QString& value);

    const MailAddress& from() const { return m_from; }
    const QList<MailAddress>& to() const { return m_to; }
    QByteArray messageId() const;

    // The whole message, ready for SMTP DATA (without the final ".").
    QByteArray render() const;

    // Building blocks (public for the tests).
    // `text` as one header's value: as is when it is printable ASCII, else
    // RFC 2047 "B" encoded words of at most 75 characters, never splitting a
    // UTF-8 sequence; folded so no line exceeds 78 characters after `name: `.
    static QByteArray headerValue(const QByteArray& name, const QString& text);
    // RFC 2045 quoted-printable of UTF-8 text with CRLF line ends, lines at most 76.
    static QByteArray quotedPrintable(const QString& text);
    // RFC 5322 date-time: "Sat, 28 Nov 2026 00:53:00 +0000".
    static QByteArray dateText(const QDateTime& time);

private:
    MailAddress m_from;
    QList<MailAddress> m_to;
    QString m_subject;
    QString m_body;
    QDateTime m_date;
    mutable QByteArray m_messageId;
    QList<std::pair<QByteArray, QString>> m_extra;
};

} // namespace ym
