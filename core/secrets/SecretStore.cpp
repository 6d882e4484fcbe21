#include "secrets/SecretStore.h"

namespace ym {

namespace {

constexpr qsizetype MaxSecretNameLength = 200;

bool allowedChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
           u == u'.' || u == u'_' || u == u'-';
}

} // namespace

Result<QByteArray> resolveSecret(const SecretRef& ref, const SecretStore& store,
                                 const QString& where)
{
    if (ref.kind != SecretRef::Kind::Secret)
        return resolveInlineSecret(ref, where);
    return checkSecretValue(store.read(ref.value), ref.value, where);
}

Result<QByteArray> checkSecretValue(Result<QByteArray> read, const QString& name,
                                    const QString& where)
{
    const QString prefix = where.isEmpty() ? QString() : where + QStringLiteral(": ");
    if (!read)
        return Error{prefix + read.error().message};
    if (read.value().isEmpty())
        return Error{prefix + QStringLiteral("secret '%1' is empty").arg(name)};
    return read;
}

Result<QByteArray> resolveInlineSecret(const SecretRef& ref, const QString& where)
{
    const QString prefix = where.isEmpty() ? QString() : where + QStringLiteral(": ");
    QByteArray value;
    switch (ref.kind) {
    case SecretRef::Kind::Secret:
        return Error{prefix + QStringLiteral("secret '%1' needs a secret store").arg(ref.value)};
    case SecretRef::Kind::Env: {
        const QByteArray name = ref.value.toLocal8Bit();
        if (ref.value.isEmpty() || !qEnvironmentVariableIsSet(name.constData()))
            return Error{prefix +
                         QStringLiteral("environment variable %1 is not set").arg(ref.value)};
        value = qgetenv(name.constData());
        if (value.isEmpty())
            return Error{prefix +
                         QStringLiteral("environment variable %1 is empty").arg(ref.value)};
        break;
    }
    case SecretRef::Kind::Plain:
        value = ref.value.toUtf8();
        if (value.isEmpty())
            return Error{prefix + QStringLiteral("the plain-text password is empty")};
        break;
    }
    return value;
}

Result<void> validateSecretName(const QString& name)
{
    if (name.isEmpty())
        return Error{QStringLiteral("secret name must not be empty")};
    if (name.size() > MaxSecretNameLength)
        return Error{
            QStringLiteral("secret name is longer than %1 characters").arg(MaxSecretNameLength)};
    for (QChar c : name) {
        if (c != u'/' && !allowedChar(c)) {
            const QString shown =
                c.isPrint() ? QString(c)
                            : QStringLiteral("U+%1").arg(int(c.unicode()), 4, 16, QLatin1Char('0'));
            return Error{QStringLiteral("secret name '%1' contains '%2' (allowed: letters, "
                                        "digits, '.', '_', '-' and '/' between parts)")
                             .arg(c.isPrint() ? name : QStringLiteral("..."), shown)};
        }
    }
    const QStringList parts = name.split(u'/');
    for (const QString& part : parts) {
        if (part.isEmpty())
            return Error{QStringLiteral("secret name '%1' has an empty part (a leading, trailing "
                                        "or doubled '/')")
                             .arg(name)};
        if (part == u"." || part == u"..")
            return Error{QStringLiteral("secret name '%1' has a '%2' part").arg(name, part)};
    }
    return {};
}

} // namespace ym
