#pragma once

#include "config/MasterConfig.h"
#include "secrets/AsyncSecretStore.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

class QObject;

namespace ym {

// The secret store that serves a config: master.secrets, with Auto meaning
// `autoBackend` (keychain for the desktop console, directory headless).
std::unique_ptr<AsyncSecretStore> makeSecretStore(const MasterConfig& config,
                                                  SecretsBackend autoBackend);

// One password to resolve: `key` names it in the answer (the worker's name),
// `where` prefixes its error ("worker 'bot-linux'").
struct SecretRequest
{
    QString key;
    SecretRef ref;
    QString where;
};

struct ResolvedSecrets
{
    QHash<QString, QByteArray> values; // by key
    QHash<QString, QString> errors;    // by key: why it has no value
};

// Resolves every request: Env and Plain at once, Secret references through
// `store` (one read per distinct name, all queued together). `done` runs once,
// on the store's thread, when all are answered (possibly before this returns,
// with the directory store); never when `context` is gone.
void resolveSecrets(AsyncSecretStore& store, const QList<SecretRequest>& requests, QObject* context,
                    std::function<void(ResolvedSecrets)> done);

} // namespace ym
