#pragma once

#include "config/MasterConfig.h"
#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ym {

// Where secrets live. Values never reach logs or error texts: errors name the
// secret and the problem only. This is the synchronous face (the directory
// store); every backend, the OS keychain included, has the asynchronous one
// (AsyncSecretStore.h).
class SecretStore
{
public:
    virtual ~SecretStore() = default;
    virtual QString backendName() const = 0;
    virtual Result<QByteArray> read(const QString& name) const = 0;
    virtual Result<void> write(const QString& name, const QByteArray& value) = 0;
    virtual Result<void> remove(const QString& name) = 0;
    virtual Result<QStringList> list() const = 0;
};

// Resolves a password reference: Secret through `store`, Env from the process
// environment, Plain as written. `where` (e.g. "worker 'bot-linux'") goes into
// error messages.
Result<QByteArray> resolveSecret(const SecretRef& ref, const SecretStore& store,
                                 const QString& where);

// Env and Plain references (no store needed); a Secret reference is an error.
Result<QByteArray> resolveInlineSecret(const SecretRef& ref, const QString& where);
// What a store read for secret `name`, with an empty value made an error.
Result<QByteArray> checkSecretValue(Result<QByteArray> read, const QString& name,
                                    const QString& where);

// Secret names are paths of [A-Za-z0-9._-] segments separated by '/', no
// empty, "." or ".." segment, at most 200 characters.
Result<void> validateSecretName(const QString& name);

} // namespace ym
