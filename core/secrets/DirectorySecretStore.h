#pragma once

#include "secrets/SecretStore.h"

namespace ym {

// One file per secret under a folder (the secret "worker/bot-linux" is the file
// DIR/worker/bot-linux). Like ssh, it refuses a file or folder that group or
// others can read, and writes new ones owner-only (0600 files, 0700 folders).
// A single trailing newline in a file is not part of the secret.
class DirectorySecretStore final : public SecretStore
{
public:
    explicit DirectorySecretStore(QString directory);

    QString backendName() const override { return QStringLiteral("directory"); }
    QString directory() const { return m_dir; }
    Result<QByteArray> read(const QString& name) const override;
    Result<void> write(const QString& name, const QByteArray& value) override;
    Result<void> remove(const QString& name) override;
    Result<QStringList> list() const override;

private:
    QString m_dir;
};

} // namespace ym
