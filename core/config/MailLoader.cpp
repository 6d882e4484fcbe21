#include "config/MailLoader.h"

#include "config/ConfigKeys.h"
#include "mail/MailAddress.h"
#include "secrets/SecretStore.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

namespace ym::configdetail {

namespace keys = configkeys;

namespace {

constexpr int MaxHostLength = 253;
constexpr int MaxUsernameLength = 256;

// {"secret": NAME} or {"env": VAR}, or a plain string (with a warning). The
// value of a plain password never goes into a message.
std::optional<SecretRef> secretRef(Checker& c, const QJsonValue& v, const QString& path)
{
    static const QRegularExpression envRe(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    if (v.isString()) {
        if (v.toString().isEmpty()) {
            c.error(path, QStringLiteral("must not be empty"));
            return std::nullopt;
        }
        c.warnings << path + QStringLiteral(": plain-text mail password; prefer "
                                            "{\"secret\": \"mail/relay\"} or {\"env\": \"VAR\"}");
        return SecretRef{SecretRef::Kind::Plain, v.toString()};
    }
    const QString expected =
        QStringLiteral("must be {\"secret\": \"NAME\"}, {\"env\": \"VARIABLE\"} or a plain string");
    if (!v.isObject()) {
        c.error(path, expected);
        return std::nullopt;
    }
    const QJsonObject obj = v.toObject();
    static constexpr QLatin1StringView allowed[] = {keys::Secret, keys::Env};
    c.checkKeys(obj, path, allowed);
    const bool hasSecret = obj.contains(keys::Secret);
    if (hasSecret == obj.contains(keys::Env)) {
        c.error(path, hasSecret ? QStringLiteral("must have either \"secret\" or \"env\", not both")
                                : expected);
        return std::nullopt;
    }
    if (hasSecret) {
        const QString sPath = child(path, keys::Secret);
        const auto s = c.string(obj.value(keys::Secret), sPath, QStringLiteral("a secret name"));
        if (!s)
            return std::nullopt;
        if (const auto valid = validateSecretName(*s); !valid) {
            c.error(sPath, valid.error().message);
            return std::nullopt;
        }
        return SecretRef{SecretRef::Kind::Secret, *s};
    }
    const QString ePath = child(path, keys::Env);
    const auto s =
        c.string(obj.value(keys::Env), ePath, QStringLiteral("an environment variable name"));
    if (!s)
        return std::nullopt;
    if (!envRe.match(*s).hasMatch()) {
        c.error(ePath,
                QStringLiteral("'%1' is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)")
                    .arg(*s));
        return std::nullopt;
    }
    return SecretRef{SecretRef::Kind::Env, *s};
}

bool isHostName(const QString& host)
{
    if (host.isEmpty() || host.size() > MaxHostLength)
        return false;
    if (!QHostAddress(host).isNull())
        return true;
    static const QRegularExpression label(QStringLiteral("^[\\w]([\\w-]*[\\w])?$"),
                                          QRegularExpression::UseUnicodePropertiesOption);
    const QStringList labels = host.split(u'.');
    for (const QString& l : labels) {
        if (!label.match(l).hasMatch() || l.contains(u'_'))
            return false;
    }
    return !QUrl::toAce(host).isEmpty();
}

} // namespace

void parseMail(Checker& c, const QJsonValue& value, const QString& path,
               const QStringList& builderNames, MailConfig& m)
{
    if (!value.isObject()) {
        c.error(path, QStringLiteral("must be an object"));
        return;
    }
    const QJsonObject obj = value.toObject();
    c.checkKeys(obj, path, keys::MailKeys);

    if (obj.contains(keys::Fromaddr)) {
        const QString p = child(path, keys::Fromaddr);
        if (const auto s = c.string(obj.value(keys::Fromaddr), p,
                                    QStringLiteral("an email address; \"\" for the default"))) {
            if (s->isEmpty()) {
                m.fromaddr.clear();
            } else if (const auto a = MailAddress::parse(*s); !a) {
                c.error(
                    p,
                    QStringLiteral("'%1' is not an email address: %2").arg(*s, a.error().message));
            } else {
                m.fromaddr = *s;
            }
        }
    }
    if (obj.contains(keys::Relayhost)) {
        const QString p = child(path, keys::Relayhost);
        if (const auto s = c.string(obj.value(keys::Relayhost), p,
                                    QStringLiteral("the SMTP server's host name or address"))) {
            if (!isHostName(*s))
                c.error(p, QStringLiteral("'%1' is not a host name or IP address").arg(*s));
            else
                m.relayhost = *s;
        }
    }
    if (obj.contains(keys::Tls)) {
        const QString p = child(path, keys::Tls);
        const QJsonValue v = obj.value(keys::Tls);
        const QString name = v.toString();
        if (name == u"none")
            m.tls = MailConfig::Tls::None;
        else if (name == u"starttls")
            m.tls = MailConfig::Tls::StartTls;
        else if (name == u"tls")
            m.tls = MailConfig::Tls::Tls;
        else
            c.error(p, QStringLiteral("must be \"none\", \"starttls\" or \"tls\""));
    }
    if (obj.contains(keys::Port)) {
        if (const auto n = c.integer(obj.value(keys::Port), child(path, keys::Port), 1, 65535,
                                     QStringLiteral("must be an integer from 1 to 65535")))
            m.port = quint16(*n);
    } else if (m.tls == MailConfig::Tls::Tls) {
        m.port = MailConfig::DefaultTlsPort;
    }
    if (obj.contains(keys::Username)) {
        const QString p = child(path, keys::Username);
        if (const auto s = c.string(obj.value(keys::Username), p,
                                    QStringLiteral("the SMTP login; \"\" for none"))) {
            if (hasControlCharacter(*s))
                c.error(p, QStringLiteral("must not contain control characters"));
            else if (s->size() > MaxUsernameLength)
                c.error(p, QStringLiteral("is longer than %1 characters").arg(MaxUsernameLength));
            else
                m.username = *s;
        }
    }
    if (obj.contains(keys::Password) && !obj.value(keys::Password).isNull())
        m.password = secretRef(c, obj.value(keys::Password), child(path, keys::Password));
    const bool hasPassword = obj.contains(keys::Password) && !obj.value(keys::Password).isNull();
    const bool usernameBroken =
        obj.contains(keys::Username) && !obj.value(keys::Username).isString();
    if (!m.username.isEmpty() && !hasPassword)
        c.error(child(path, keys::Password),
                QStringLiteral("missing (a username needs a password, e.g. "
                               "{\"secret\": \"mail/relay\"})"));
    if (hasPassword && m.username.isEmpty() && !usernameBroken)
        c.error(child(path, keys::Username),
                QStringLiteral("missing or empty (a password needs a username)"));
    if (obj.contains(keys::CaFile)) {
        if (const auto s = c.string(obj.value(keys::CaFile), child(path, keys::CaFile),
                                    QStringLiteral("a path; \"\" for the system's certificates")))
            m.caFile = *s;
    }
    if (obj.contains(keys::Builders)) {
        const QString p = child(path, keys::Builders);
        const QJsonValue v = obj.value(keys::Builders);
        if (!v.isArray()) {
            c.error(p, QStringLiteral("must be a list of builder names ([] for missing-worker "
                                      "notices only)"));
            return;
        }
        const QJsonArray list = v.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString ip = indexed(p, i);
            const auto s = c.string(list.at(i), ip, QStringLiteral("a builder's name"));
            if (!s)
                continue;
            if (!builderNames.contains(*s))
                c.error(ip, QStringLiteral("unknown builder '%1'").arg(*s));
            else if (m.builders.contains(*s))
                c.error(ip, QStringLiteral("builder '%1' is listed twice").arg(*s));
            else
                m.builders << *s;
        }
    }
}

} // namespace ym::configdetail
