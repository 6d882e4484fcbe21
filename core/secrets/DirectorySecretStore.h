#pragma once

#include "secrets/AsyncSecretStore.h"
#include "secrets/SecretStore.h"

namespace ym {

// One file per secret under a folder (the secret "worker/bot-linux" is the file
// DIR/worker/bot-linux). Like ssh, it refuses a file or folder that group or
// others can read, and writes new ones owner-only (0600 files, 0700 folders).
// A single trailing newline in a file is not part of the secret.
// Both faces: the synchronous one, and the asynchronous one whose callbacks
// run at once (before the call returns).
class DirectorySecretStore final : public SecretStore, public AsyncSecretStore
{
public:
    explicit DirectorySecretStore(QString directory);

    QString backendName() const override { return QStringLiteral("directory"); }
    QString directory() const { return m_dir; }
    Result<QByteArray> read(const QString& name) const override;
    Result<void> write(const QString& name, const QByteArray& value) override;
    Result<void> remove(const QString& name) override;
    Result<QStringList> list() const override;

    void readAsync(const QString& name, QObject* context, ReadDone done) override;
    void writeAsync(const QString& name, const QByteArray& value, QObject* context,
                    Done done) override;
    void removeAsync(const QString& name, QObject* context, Done done) override;
    void listAsync(QObject* context, ListDone done) override;

private:
    QString m_dir;
};

} // namespace ym
