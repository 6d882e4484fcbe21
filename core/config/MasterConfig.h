#pragma once

#include "config/BuilderConfig.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ym {

// Where a password comes from. The config file never needs to hold a secret.
struct SecretRef
{
    enum class Kind
    {
        Secret, // {"secret": "worker/bot-linux"}: resolved by the active SecretStore
        Env,    // {"env": "VAR"}: read from the master's environment
        Plain,  // "literal": accepted with a warning
    };
    Kind kind = Kind::Secret;
    QString value; // the secret's name, the variable's name, or the literal

    bool operator==(const SecretRef&) const = default;
};

// A libvirt latent worker (config `libvirt` of a worker with type "libvirt").
// The domain's name is the worker's name.
struct LibvirtConfig
{
    QString connection; // libvirt URI, e.g. qemu:///session (required)
    QString hdImage;    // the domain's disk; with baseImage: a fresh overlay per start
    QString baseImage;  // empty: hdImage is used as it is
    QString xml;        // domain XML (inline or read from xml_file); empty: a defined domain
    QString xmlFile;    // where `xml` came from (absolute), empty when inline

    bool operator==(const LibvirtConfig&) const = default;
};

// What makes a worker latent: started on demand, stopped when idle.
struct LatentConfig
{
    enum class Driver
    {
        None, // a standard worker
        Libvirt,
    };
    static constexpr int DefaultBuildWaitTimeout = 600;
    static constexpr int DefaultMissingTimeout = 1200; // a latent worker's attach deadline

    Driver driver = Driver::None;
    // Seconds idle after the last build before the instance is stopped;
    // 0: right after the build; negative: never automatically.
    int buildWaitTimeout = DefaultBuildWaitTimeout;
    LibvirtConfig libvirt;

    bool operator==(const LatentConfig&) const = default;
    bool isLatent() const { return driver != Driver::None; }
    static QString driverName(Driver driver); // "standard", "libvirt"
};

struct WorkerConfig
{
    static constexpr int DefaultKeepaliveInterval = 3600;
    static constexpr int DefaultMissingTimeout = 3600;

    QString name;
    SecretRef password;
    QJsonObject properties;
    std::optional<int> maxBuilds;                                    // nullopt: unlimited
    std::optional<int> keepaliveInterval = DefaultKeepaliveInterval; // nullopt: disabled
    QStringList notifyOnMissing;
    int missingTimeout = DefaultMissingTimeout; // latent: LatentConfig::DefaultMissingTimeout
    LatentConfig latent;                        // driver None: a standard worker

    bool operator==(const WorkerConfig&) const = default;
};

struct MsgpackProtocolConfig
{
    static constexpr quint16 DefaultPort = 9989;
    bool enabled = true;
    quint16 port = DefaultPort; // 0: any free port (tests)
    QString bind;               // empty: all interfaces

    bool operator==(const MsgpackProtocolConfig&) const = default;
};

// Which secret store serves `{"secret": ...}` references (master.secrets).
enum class SecretsBackend
{
    Auto,      // the face decides: keychain for the desktop console, directory headless
    Keychain,  // the OS keychain (Secret Service) through QtKeychain
    Directory, // one file per secret under secrets_dir
};

struct MasterSettings
{
    QString title = QStringLiteral("Yardmaster");
    MsgpackProtocolConfig msgpack;
    QString databasePath;  // empty: default (see MasterConfig::effectiveDatabasePath)
    QString controlSocket; // empty: default (see MasterConfig::effectiveControlSocket)
    QString secretsDir;    // empty: default (see MasterConfig::effectiveSecretsDir)
    QString artifactsDir;  // empty: default (see MasterConfig::effectiveArtifactsDir)
    int pingInterval = 60; // seconds of silence before the master pings a worker
    int pingTimeout = 30;  // seconds a ping may stay unanswered before the link is dropped
    int ioThreads = 0;     // 0: one per core, at most 4
    SecretsBackend secrets = SecretsBackend::Auto;

    bool operator==(const MasterSettings&) const = default;
};

// Outgoing mail (missing-worker notices): config `mail`. Without that
// section: yardmaster@<hostname> via localhost:25, no TLS, no login.
struct MailConfig
{
    enum class Tls
    {
        None,     // plain SMTP
        StartTls, // SMTP, then STARTTLS (required: refused when the server lacks it)
        Tls,      // TLS from the first byte (SMTPS, usually port 465)
    };
    static constexpr quint16 DefaultPort = 25;
    static constexpr quint16 DefaultTlsPort = 465;

    QString fromaddr;                                // empty: yardmaster@<hostname>
    QString relayhost = QStringLiteral("localhost"); // host name or IP address
    quint16 port = DefaultPort;
    Tls tls = Tls::None;
    QString username;                  // empty: no AUTH
    std::optional<SecretRef> password; // set exactly when username is set
    QString caFile;                    // empty: the system's CA certificates
    QStringList builders;              // [] : missing-worker notices only

    bool operator==(const MailConfig&) const = default;

    // fromaddr, or yardmaster@<this host's name>.
    QString effectiveFromaddr() const;
    static QString tlsName(Tls tls);
};

struct MasterConfig
{
    MasterSettings master;
    QList<WorkerConfig> workers;
    QList<BuilderConfig> builders;
    MailConfig mail;

    // The file this config was loaded from (absolute); relative paths in it are
    // relative to that file's folder. Not part of equality.
    QString sourcePath;

    bool operator==(const MasterConfig& o) const
    {
        return master == o.master && workers == o.workers && builders == o.builders &&
               mail == o.mail;
    }

    const WorkerConfig* findWorker(const QString& name) const;
    const BuilderConfig* findBuilder(const QString& name) const;

    // Paths with defaults applied and made absolute.
    QString effectiveDatabasePath() const;
    QString effectiveControlSocket() const;
    QString effectiveSecretsDir() const;
    QString effectiveArtifactsDir() const;
    // master.secrets with Auto replaced by `autoBackend` (what the face uses).
    SecretsBackend effectiveSecretsBackend(SecretsBackend autoBackend) const;
    static QString secretsBackendName(SecretsBackend backend); // "auto", "keychain", "directory"
    // `path` made absolute: "~/" is the home folder, a relative path is relative
    // to the folder of sourcePath (the current folder when sourcePath is empty).
    QString resolvePath(const QString& path) const;
    // The default control socket for a config file (see docs/configuration.md).
    static QString defaultControlSocket(const QString& configPath);
    // Where a config lives when none is named: $XDG_CONFIG_HOME/yardmaster/master.json.
    static QString defaultConfigPath();
};

} // namespace ym
