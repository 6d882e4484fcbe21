#include "config/MasterConfig.h"

#include "config/ConfigLoader.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <unistd.h>

namespace ym {

namespace {

using configlimits::MaxSocketPathBytes;

QString socketIn(const QString& dir, QString base, const QString& hash)
{
    const auto build = [&] {
        return dir + u'/' + base + u'-' + hash + QStringLiteral(".sock");
    };
    while (build().toUtf8().size() > MaxSocketPathBytes && !base.isEmpty())
        base.chop(1);
    return build();
}

} // namespace

const WorkerConfig* MasterConfig::findWorker(const QString& name) const
{
    for (const WorkerConfig& w : workers) {
        if (w.name == name)
            return &w;
    }
    return nullptr;
}

const BuilderConfig* MasterConfig::findBuilder(const QString& name) const
{
    for (const BuilderConfig& b : builders) {
        if (b.name == name)
            return &b;
    }
    return nullptr;
}

QString MasterConfig::resolvePath(const QString& path) const
{
    if (path.isEmpty())
        return {};
    if (path == u"~")
        return QDir::homePath();
    if (path.startsWith(QStringLiteral("~/")))
        return QDir::cleanPath(QDir::homePath() + path.mid(1));
    if (QDir::isAbsolutePath(path))
        return QDir::cleanPath(path);
    const QDir base = sourcePath.isEmpty() ? QDir::current() : QFileInfo(sourcePath).absoluteDir();
    return QDir::cleanPath(base.absoluteFilePath(path));
}

QString MasterConfig::effectiveDatabasePath() const
{
    if (!master.databasePath.isEmpty())
        return resolvePath(master.databasePath);
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/yardmaster/state.sqlite");
}

QString MasterConfig::effectiveControlSocket() const
{
    if (!master.controlSocket.isEmpty())
        return resolvePath(master.controlSocket);
    return defaultControlSocket(sourcePath.isEmpty() ? defaultConfigPath() : sourcePath);
}

QString MasterConfig::effectiveSecretsDir() const
{
    if (!master.secretsDir.isEmpty())
        return resolvePath(master.secretsDir);
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/yardmaster/secrets");
}

QString MasterConfig::effectiveArtifactsDir() const
{
    if (!master.artifactsDir.isEmpty())
        return resolvePath(master.artifactsDir);
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/yardmaster/artifacts");
}

QString MasterConfig::defaultConfigPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/yardmaster/master.json");
}

QString MasterConfig::defaultControlSocket(const QString& configPath)
{
    const QString absolute = QFileInfo(configPath).absoluteFilePath();
    QString base = QFileInfo(absolute).fileName();
    if (base.endsWith(QStringLiteral(".json")))
        base.chop(5);
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(absolute.toUtf8(), QCryptographicHash::Sha1).toHex().left(8));

    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (!runtime.isEmpty()) {
        const QString dir = runtime + QStringLiteral("/yardmaster");
        const QString candidate = dir + u'/' + base + u'-' + hash + QStringLiteral(".sock");
        if (candidate.toUtf8().size() <= MaxSocketPathBytes)
            return candidate;
    }
    const QString fallback = QStringLiteral("/tmp/yardmaster-%1").arg(::getuid());
    return socketIn(fallback, base, hash);
}

SecretsBackend MasterConfig::effectiveSecretsBackend(SecretsBackend autoBackend) const
{
    if (master.secrets != SecretsBackend::Auto)
        return master.secrets;
    return autoBackend == SecretsBackend::Auto ? SecretsBackend::Directory : autoBackend;
}

QString LatentConfig::driverName(Driver driver)
{
    switch (driver) {
    case Driver::None:
        return QStringLiteral("standard");
    case Driver::Libvirt:
        return QStringLiteral("libvirt");
    }
    return QStringLiteral("standard");
}

QString MasterConfig::secretsBackendName(SecretsBackend backend)
{
    switch (backend) {
    case SecretsBackend::Keychain:
        return QStringLiteral("keychain");
    case SecretsBackend::Directory:
        return QStringLiteral("directory");
    case SecretsBackend::Auto:
        break;
    }
    return QStringLiteral("auto");
}

} // namespace ym
