#include "mail/MailAddress.h"

#include "mail/MailMessage.h"

#include <QStringList>
#include <QUrl>

namespace ym {

namespace {

constexpr int MaxLocalBytes = 64;
constexpr int MaxAddressBytes = 254;
constexpr int MaxDisplayName = 200;

bool isAtext(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= 0x80)
        return !c.isSpace() && c.category() != QChar::Other_Control &&
               c.category() != QChar::Other_Format;
    if ((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9'))
        return true;
    return QStringView(u"!#$%&'*+-/=?^_`{|}~").contains(c);
}

bool hasControl(const QString& s)
{
    for (QChar c : s) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

Result<void> checkLocal(const QString& local)
{
    if (local.isEmpty())
        return Error{QStringLiteral("the part before '@' is empty")};
    if (local.toUtf8().size() > MaxLocalBytes)
        return Error{
            QStringLiteral("the part before '@' is longer than %1 bytes").arg(MaxLocalBytes)};
    if (local.startsWith(u'.') || local.endsWith(u'.') || local.contains(QStringLiteral("..")))
        return Error{QStringLiteral("the part before '@' has a leading, trailing or doubled '.'")};
    for (QChar c : local) {
        if (c != u'.' && !isAtext(c))
            return Error{QStringLiteral("the part before '@' must not contain '%1'").arg(c)};
    }
    return {};
}

Result<void> checkDomain(const QString& domain)
{
    if (domain.isEmpty())
        return Error{QStringLiteral("the domain after '@' is empty")};
    const QStringList labels = domain.split(u'.');
    for (const QString& label : labels) {
        if (label.isEmpty())
            return Error{QStringLiteral("the domain '%1' has an empty part").arg(domain)};
        if (label.startsWith(u'-') || label.endsWith(u'-'))
            return Error{QStringLiteral("the domain '%1' has a part that starts or ends with '-'")
                             .arg(domain)};
        for (QChar c : label) {
            if (c != u'-' && !c.isLetterOrNumber())
                return Error{
                    QStringLiteral("the domain '%1' must not contain '%2'").arg(domain, c)};
        }
    }
    if (QUrl::toAce(domain).isEmpty())
        return Error{QStringLiteral("the domain '%1' is not a valid host name").arg(domain)};
    return {};
}

bool isPlainPhrase(const QString& s)
{
    for (QChar c : s) {
        if (c != u' ' && (c.unicode() >= 0x80 || !isAtext(c)))
            return false;
    }
    return true;
}

bool isAscii(const QString& s)
{
    for (QChar c : s) {
        if (c.unicode() >= 0x80)
            return false;
    }
    return true;
}

} // namespace

Result<MailAddress> MailAddress::parse(const QString& text, bool allowDisplayName)
{
    const QString input = text.trimmed();
    if (input.isEmpty())
        return Error{QStringLiteral("the address is empty")};
    if (hasControl(input))
        return Error{QStringLiteral("the address contains a control character (such as a line "
                                    "break)")};
    MailAddress a;
    QString spec = input;
    if (input.endsWith(u'>')) {
        const qsizetype open = input.lastIndexOf(u'<');
        if (open < 0)
            return Error{QStringLiteral("'>' without '<'")};
        if (!allowDisplayName && open > 0)
            return Error{QStringLiteral("a display name is not allowed here (only local@domain)")};
        QString name = input.left(open).trimmed();
        if (name.size() >= 2 && name.startsWith(u'"') && name.endsWith(u'"')) {
            name = name.mid(1, name.size() - 2);
            name.replace(QStringLiteral("\\\""), QStringLiteral("\""));
            name.replace(QStringLiteral("\\\\"), QStringLiteral("\\"));
        }
        if (name.size() > MaxDisplayName)
            return Error{QStringLiteral("the display name is longer than %1 characters")
                             .arg(MaxDisplayName)};
        a.displayName = name;
        spec = input.mid(open + 1, input.size() - open - 2).trimmed();
    }
    if (spec.contains(u' ') || spec.contains(u'<') || spec.contains(u'>'))
        return Error{QStringLiteral("expected local@domain")};
    const qsizetype at = spec.lastIndexOf(u'@');
    if (at < 0)
        return Error{QStringLiteral("no '@' (expected local@domain)")};
    a.local = spec.left(at);
    a.domain = spec.mid(at + 1);
    if (a.local.contains(u'@'))
        return Error{QStringLiteral("more than one '@'")};
    if (Result<void> r = checkLocal(a.local); !r)
        return r.error();
    if (Result<void> r = checkDomain(a.domain); !r)
        return r.error();
    if (a.envelope().size() > MaxAddressBytes)
        return Error{QStringLiteral("the address is longer than %1 bytes").arg(MaxAddressBytes)};
    return a;
}

QString MailAddress::address() const
{
    return local + u'@' + domain;
}

QByteArray MailAddress::asciiDomain() const
{
    return QUrl::toAce(domain);
}

QByteArray MailAddress::envelope() const
{
    return local.toUtf8() + '@' + asciiDomain();
}

bool MailAddress::needsSmtpUtf8() const
{
    return !isAscii(local);
}

QByteArray MailAddress::header() const
{
    const QByteArray spec = envelope();
    if (displayName.isEmpty())
        return spec;
    QByteArray name;
    if (isPlainPhrase(displayName)) {
        name = displayName.toLatin1();
    } else if (isAscii(displayName)) {
        QString quoted = displayName;
        quoted.replace(u'\\', QStringLiteral("\\\\"));
        quoted.replace(u'"', QStringLiteral("\\\""));
        name = '"' + quoted.toLatin1() + '"';
    } else {
        // Encoded words; the name of the header does not matter for a phrase.
        name = MailMessage::headerValue(QByteArrayLiteral("From"), displayName);
    }
    return name + " <" + spec + '>';
}

} // namespace ym
