#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace ym {

// One mailbox: `local@domain` with an optional display name, as written in the
// config ("ops@example.org" or "Build Farm <ops@example.org>"). Non-ASCII is
// allowed in the display name (RFC 2047 in headers), in the domain (sent as
// IDNA "xn--" labels) and in the local part (RFC 6531: needs SMTPUTF8).
struct MailAddress
{
    QString displayName;
    QString local;
    QString domain; // as written (Unicode)

    // Parses and checks one address. `allowDisplayName`: "Name <addr>" is
    // accepted too. The error says what is wrong, without a place.
    static Result<MailAddress> parse(const QString& text, bool allowDisplayName = true);

    // local@domain (Unicode, for people).
    QString address() const;
    // local@ace-domain for the SMTP envelope (the local part in UTF-8).
    QByteArray envelope() const;
    // The domain in ASCII (IDNA), empty when it cannot be converted.
    QByteArray asciiDomain() const;
    bool needsSmtpUtf8() const; // a non-ASCII local part
    // For a header: `"Name" <addr>` or `=?utf-8?b?...?= <addr>` or `addr`.
    QByteArray header() const;
};

} // namespace ym
