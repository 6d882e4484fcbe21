#pragma once

// An in-process master for console tests: a config in a private temporary
// folder (port 0 on 127.0.0.1, database, control socket and secrets there).
// The console's engine takes master.secrets "auto" as the OS keychain, so the
// config says "directory" unless the test gives master.secrets itself (a test
// that wants the keychain says "auto" or "keychain" and runs a KeyringSession).
#include "secrets/DirectorySecretStore.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

namespace ymtest {

class ConsoleConfig
{
public:
    QString configPath() const { return m_dir.filePath(QStringLiteral("master.json")); }
    QString secretsDir() const { return m_dir.filePath(QStringLiteral("secrets")); }
    QString dir() const { return m_dir.path(); }
    bool isValid() const { return m_dir.isValid(); }

    // `config` gets master.protocols, database, control_socket, secrets_dir
    // and (unless given) secrets: "directory".
    bool write(QJsonObject config) const
    {
        QJsonObject master = config.value(QStringLiteral("master")).toObject();
        master.insert(
            QStringLiteral("protocols"),
            QJsonObject{{QStringLiteral("msgpack"),
                         QJsonObject{{QStringLiteral("port"), 0},
                                     {QStringLiteral("bind"), QStringLiteral("127.0.0.1")}}}});
        master.insert(QStringLiteral("database"), m_dir.filePath(QStringLiteral("state.sqlite")));
        master.insert(QStringLiteral("control_socket"),
                      m_dir.filePath(QStringLiteral("control.sock")));
        if (!master.contains(QStringLiteral("secrets_dir")))
            master.insert(QStringLiteral("secrets_dir"), secretsDir());
        if (!master.contains(QStringLiteral("secrets")))
            master.insert(QStringLiteral("secrets"), QStringLiteral("directory"));
        config.insert(QStringLiteral("master"), master);
        QFile f(configPath());
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        const QByteArray json = QJsonDocument(config).toJson();
        return f.write(json) == json.size();
    }
    bool writeSecret(const QString& name, const QByteArray& value) const
    {
        ym::DirectorySecretStore store(secretsDir());
        return store.write(name, value).ok();
    }
    QByteArray readSecret(const QString& name) const
    {
        ym::DirectorySecretStore store(secretsDir());
        const auto r = store.read(name);
        return r.ok() ? r.value() : QByteArray();
    }
    QByteArray configText() const
    {
        QFile f(configPath());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private:
    QTemporaryDir m_dir;
};

} // namespace ymtest
