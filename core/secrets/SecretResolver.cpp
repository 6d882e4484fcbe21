#include "secrets/SecretResolver.h"

#include "secrets/DirectorySecretStore.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretStore.h"

#include <QPointer>

namespace ym {

std::unique_ptr<AsyncSecretStore> makeSecretStore(const MasterConfig& config,
                                                  SecretsBackend autoBackend)
{
    if (config.effectiveSecretsBackend(autoBackend) == SecretsBackend::Keychain)
        return std::make_unique<KeychainSecretStore>();
    return std::make_unique<DirectorySecretStore>(config.effectiveSecretsDir());
}

void resolveSecrets(AsyncSecretStore& store, const QList<SecretRequest>& requests, QObject* context,
                    std::function<void(ResolvedSecrets)> done)
{
    struct State
    {
        ResolvedSecrets result;
        int pending = 1; // the loop below holds one until it has queued every read
        std::function<void(ResolvedSecrets)> done;
        QPointer<QObject> context;

        void release()
        {
            if (--pending == 0 && context)
                done(std::move(result));
        }
    };
    auto state = std::make_shared<State>();
    state->done = std::move(done);
    state->context = context;

    QHash<QString, QList<SecretRequest>> byName; // secret name -> the requests that use it
    QStringList order;
    for (const SecretRequest& r : requests) {
        if (r.ref.kind != SecretRef::Kind::Secret) {
            Result<QByteArray> value = resolveInlineSecret(r.ref, r.where);
            if (value)
                state->result.values.insert(r.key, std::move(value).value());
            else
                state->result.errors.insert(r.key, value.error().message);
            continue;
        }
        if (!byName.contains(r.ref.value))
            order << r.ref.value;
        byName[r.ref.value] << r;
    }
    for (const QString& name : std::as_const(order)) {
        ++state->pending;
        store.readAsync(name, context,
                        [state, name, users = byName.value(name)](Result<QByteArray> read) {
                            for (const SecretRequest& r : users) {
                                Result<QByteArray> value = checkSecretValue(read, name, r.where);
                                if (value)
                                    state->result.values.insert(r.key, std::move(value).value());
                                else
                                    state->result.errors.insert(r.key, value.error().message);
                            }
                            state->release();
                        });
    }
    state->release();
}

} // namespace ym
