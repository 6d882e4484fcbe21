#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace ymtest {

// A real `yardmaster --headless` process on loopback, with its config, secrets
// folder, database and control socket in a private temporary folder.
class MasterProcess
{
public:
    // `config` is a master config; missing master.protocols.msgpack,
    // database, control_socket and secrets_dir are filled in (port 0, bind
    // 127.0.0.1, paths in the temp folder).
    explicit MasterProcess(QJsonObject config = {});
    ~MasterProcess(); // stop() if running

    QString dir() const;
    QString configPath() const;
    QString secretsDir() const;
    // Writes a secret file (0600) before or after start.
    void writeSecret(const QString& name, const QByteArray& value);
    // Rewrites the config file (for reload tests); the same fill-ins apply.
    void rewriteConfig(const QJsonObject& config);

    // Starts the process and waits until `ctl status` answers (up to 20 s).
    // `extraEnv`: KEY=VALUE entries, or -KEY to remove a variable; they apply
    // to later ctl runs too.
    bool start(const QStringList& extraEnv = {});
    // The environment for ctl runs before start() (same form as extraEnv).
    void setEnvironment(const QStringList& extraEnv);
    quint16 port() const; // from `ctl status --json` after start
    qint64 pid() const;
    // SIGTERM and wait; returns false if it did not exit within `timeoutMs`.
    bool stop(int timeoutMs = 5000);
    int exitCode() const;

    struct CtlResult
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
        QJsonObject json; // parsed `out` when it is a JSON object
    };
    // Runs `yardmaster ctl --config <config> ARGS...`.
    CtlResult ctl(const QStringList& args, int timeoutMs = 15000) const;
    // The same with `input` on ctl's stdin (a pipe), e.g. for `secret set`.
    CtlResult ctlWithInput(const QStringList& args, const QByteArray& input,
                           int timeoutMs = 60000) const;
    // Runs `yardmaster ctl --socket <control socket> ARGS...`: works while the
    // config file on disk is invalid (reload tests).
    CtlResult ctlViaSocket(const QStringList& args, int timeoutMs = 15000) const;
    QString controlSocket() const;
    QJsonObject status() const;                    // ctl --socket ... status --json
    QJsonObject worker(const QString& name) const; // one entry of status()["workers"]
    // Polls status until worker `name` has "state" == `state`.
    bool waitForState(const QString& name, const QString& state, int timeoutMs);
    // All stderr so far (the master's log).
    QString log();
    bool waitForLog(const QString& text, int timeoutMs);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// A real, unmodified buildbot-worker 3.7 in a temp folder, run in the
// foreground with twistd so the test owns its PID.
class BuildbotWorker
{
public:
    BuildbotWorker(QString name, QByteArray password, quint16 masterPort);
    ~BuildbotWorker(); // kills it if running

    bool create(); // buildbot-worker create-worker --protocol=msgpack_experimental_v7 ...
    bool start();  // twistd --nodaemon --no_save -y buildbot.tac (cwd: the worker dir)
    void stop();   // SIGTERM, then SIGKILL after 5 s
    void kill9();
    void freeze(); // SIGSTOP
    void thaw();   // SIGCONT
    qint64 pid() const;
    QString dir() const;
    QString log() const; // twistd.log
    bool waitForLog(const QString& text, int timeoutMs) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace ymtest
