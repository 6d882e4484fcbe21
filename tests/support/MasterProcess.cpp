#include "support/MasterProcess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTest>

#include <csignal>
#include <sys/stat.h>
#include <sys/types.h>

using namespace Qt::StringLiterals;

namespace ymtest {

namespace {

// A temp folder whose path stays short: Unix socket paths are limited to ~107
// bytes, and the control socket lives in it.
QString shortTempBase()
{
    const QString base = QDir::tempPath();
    return base.size() <= 40 ? base : u"/tmp"_s;
}

QString readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

bool writeFile(const QString& path, const QByteArray& data, QFile::Permissions perms)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const bool ok = f.write(data) == data.size();
    f.close();
    return ok && f.setPermissions(perms);
}

bool makePrivateDir(const QString& path)
{
    if (!QDir().mkpath(path))
        return false;
    return ::chmod(QFile::encodeName(path).constData(), 0700) == 0;
}

QString findProgram(const QStringList& names)
{
    for (const QString& n : names) {
        const QString p = QStandardPaths::findExecutable(n);
        if (!p.isEmpty())
            return p;
    }
    return {};
}

// Prints the tail of a log when the current test failed, so that a failure in
// CI shows what the process said.
void dumpIfFailed(const QString& what, const QString& text)
{
    if (!QTest::currentTestFailed() || text.isEmpty())
        return;
    constexpr qsizetype MaxChars = 12000;
    const QString tail = text.size() > MaxChars ? text.right(MaxChars) : text;
    qWarning().noquote() << "----- " << what << " (tail) -----\n" << tail << "\n----- end -----";
}

} // namespace

// ---------------------------------------------------------------- MasterProcess

struct MasterProcess::Impl
{
    QTemporaryDir tmp{shortTempBase() + u"/ymt-XXXXXX"_s};
    QJsonObject config;
    QProcess proc;
    quint16 port = 0;
    int lastExitCode = -1;

    QString path(const QString& rel) const { return tmp.path() + u'/' + rel; }
    QString logPath() const { return path(u"master.log"_s); }
    QString secretsDir() const
    {
        const QString s = config.value(u"master"_s).toObject().value(u"secrets_dir"_s).toString();
        return s.isEmpty() ? path(u"secrets"_s) : s;
    }

    QJsonObject fillIn(QJsonObject c) const
    {
        QJsonObject master = c.value(u"master"_s).toObject();
        QJsonObject protocols = master.value(u"protocols"_s).toObject();
        if (!protocols.contains(u"msgpack"_s)) {
            protocols.insert(u"msgpack"_s,
                             QJsonObject{{u"port"_s, 0}, {u"bind"_s, u"127.0.0.1"_s}});
            master.insert(u"protocols"_s, protocols);
        }
        if (!master.contains(u"database"_s))
            master.insert(u"database"_s, path(u"master.sqlite"_s));
        if (!master.contains(u"control_socket"_s))
            master.insert(u"control_socket"_s, path(u"ctl.sock"_s));
        if (!master.contains(u"secrets_dir"_s))
            master.insert(u"secrets_dir"_s, path(u"secrets"_s));
        c.insert(u"master"_s, master);
        if (!c.contains(u"workers"_s))
            c.insert(u"workers"_s, QJsonArray{});
        return c;
    }

    void writeConfig(const QJsonObject& c)
    {
        config = fillIn(c);
        writeFile(path(u"master.json"_s), QJsonDocument(config).toJson(),
                  QFile::ReadOwner | QFile::WriteOwner);
        makePrivateDir(secretsDir());
    }

    QProcessEnvironment environment(const QStringList& extraEnv) const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        // Keep the master away from the user's real XDG folders.
        e.insert(u"XDG_CONFIG_HOME"_s, path(u"xdg/config"_s));
        e.insert(u"XDG_DATA_HOME"_s, path(u"xdg/data"_s));
        e.insert(u"XDG_STATE_HOME"_s, path(u"xdg/state"_s));
        e.insert(u"XDG_CACHE_HOME"_s, path(u"xdg/cache"_s));
        for (const QString& kv : extraEnv) {
            if (kv.startsWith(u'-')) {
                e.remove(kv.mid(1));
                continue;
            }
            const qsizetype eq = kv.indexOf(u'=');
            if (eq > 0)
                e.insert(kv.left(eq), kv.mid(eq + 1));
        }
        return e;
    }

    CtlResult runCtl(const QStringList& args, int timeoutMs,
                     const QByteArray* input = nullptr) const;

    QProcessEnvironment env;
    QStringList presetEnv; // setEnvironment(): also under start()'s extraEnv
};

MasterProcess::MasterProcess(QJsonObject config) : d(std::make_unique<Impl>())
{
    d->env = d->environment({});
    d->writeConfig(config);
}

MasterProcess::~MasterProcess()
{
    if (d->proc.state() != QProcess::NotRunning) {
        if (!stop(3000)) {
            d->proc.kill();
            d->proc.waitForFinished(3000);
        }
    }
    dumpIfFailed(u"master log"_s, log());
}

QString MasterProcess::dir() const
{
    return d->tmp.path();
}
QString MasterProcess::configPath() const
{
    return d->path(u"master.json"_s);
}
QString MasterProcess::secretsDir() const
{
    return d->secretsDir();
}

void MasterProcess::writeSecret(const QString& name, const QByteArray& value)
{
    const QString file = secretsDir() + u'/' + name;
    // Every folder between the secrets dir and the file is owner-only too.
    QString folder = QFileInfo(file).absolutePath();
    makePrivateDir(folder);
    for (QString f = folder; f.size() > secretsDir().size(); f = QFileInfo(f).absolutePath())
        ::chmod(QFile::encodeName(f).constData(), 0700);
    makePrivateDir(secretsDir());
    writeFile(file, value, QFile::ReadOwner | QFile::WriteOwner);
}

void MasterProcess::setEnvironment(const QStringList& extraEnv)
{
    d->presetEnv = extraEnv;
    d->env = d->environment(extraEnv);
}

void MasterProcess::rewriteConfig(const QJsonObject& config)
{
    d->writeConfig(config);
}

bool MasterProcess::start(const QStringList& extraEnv)
{
    d->env = d->environment(d->presetEnv + extraEnv);
    d->proc.setProcessEnvironment(d->env);
    d->proc.setProcessChannelMode(QProcess::SeparateChannels);
    // The log goes to a file: nothing has to drain a pipe while a test blocks.
    d->proc.setStandardErrorFile(d->logPath(), QIODevice::Append);
    d->proc.setStandardOutputFile(d->path(u"master.stdout"_s), QIODevice::Append);
    d->proc.setWorkingDirectory(dir());
    d->proc.start(QStringLiteral(YM_YARDMASTER_EXE),
                  {u"--headless"_s, u"--config"_s, configPath()});
    if (!d->proc.waitForStarted(10000)) {
        qWarning().noquote() << "yardmaster did not start:" << d->proc.errorString();
        return false;
    }
    QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired()) {
        if (d->proc.state() == QProcess::NotRunning || d->proc.waitForFinished(0)) {
            d->lastExitCode = d->proc.exitCode();
            qWarning().noquote() << "yardmaster exited during start-up with code"
                                 << d->proc.exitCode() << "\n"
                                 << log();
            return false;
        }
        const CtlResult r = ctl({u"status"_s, u"--json"_s}, 5000);
        if (r.exitCode == 0 && r.json.value(u"ok"_s).toBool()) {
            d->port = quint16(r.json.value(u"port"_s).toInt());
            return true;
        }
        QTest::qWait(200);
    }
    qWarning().noquote() << "yardmaster did not answer `ctl status` within 20 s\n" << log();
    return false;
}

quint16 MasterProcess::port() const
{
    return d->port;
}

qint64 MasterProcess::pid() const
{
    return d->proc.processId();
}

bool MasterProcess::stop(int timeoutMs)
{
    if (d->proc.state() == QProcess::NotRunning)
        return true;
    d->proc.terminate();
    if (!d->proc.waitForFinished(timeoutMs)) {
        d->proc.kill();
        d->proc.waitForFinished(3000);
        d->lastExitCode = -1;
        return false;
    }
    d->lastExitCode = d->proc.exitStatus() == QProcess::NormalExit ? d->proc.exitCode() : -1;
    return true;
}

int MasterProcess::exitCode() const
{
    return d->lastExitCode;
}

MasterProcess::CtlResult MasterProcess::ctl(const QStringList& args, int timeoutMs) const
{
    return d->runCtl(QStringList{u"ctl"_s, u"--config"_s, configPath()} + args, timeoutMs);
}

MasterProcess::CtlResult MasterProcess::ctlWithInput(const QStringList& args,
                                                     const QByteArray& input, int timeoutMs) const
{
    return d->runCtl(QStringList{u"ctl"_s, u"--config"_s, configPath()} + args, timeoutMs, &input);
}

MasterProcess::CtlResult MasterProcess::ctlViaSocket(const QStringList& args, int timeoutMs) const
{
    return d->runCtl(QStringList{u"ctl"_s, u"--socket"_s, controlSocket()} + args, timeoutMs);
}

QString MasterProcess::controlSocket() const
{
    return d->config.value(u"master"_s).toObject().value(u"control_socket"_s).toString();
}

MasterProcess::CtlResult MasterProcess::Impl::runCtl(const QStringList& args, int timeoutMs,
                                                     const QByteArray* input) const
{
    CtlResult r;
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(YM_YARDMASTER_EXE), args);
    if (!p.waitForStarted(10000))
        return r;
    if (input) {
        p.write(*input);
        p.closeWriteChannel();
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(3000);
        r.err = "ctl timed out";
        return r;
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out);
    if (doc.isObject())
        r.json = doc.object();
    return r;
}

QJsonObject MasterProcess::status() const
{
    return ctlViaSocket({u"status"_s, u"--json"_s}).json;
}

QJsonObject MasterProcess::worker(const QString& name) const
{
    const QJsonArray workers = status().value(u"workers"_s).toArray();
    for (const QJsonValue& w : workers) {
        if (w.toObject().value(u"name"_s).toString() == name)
            return w.toObject();
    }
    return {};
}

bool MasterProcess::waitForState(const QString& name, const QString& state, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    do {
        if (worker(name).value(u"state"_s).toString() == state)
            return true;
        QTest::qWait(250);
    } while (!deadline.hasExpired());
    return worker(name).value(u"state"_s).toString() == state;
}

QString MasterProcess::log()
{
    return readFile(d->logPath());
}

bool MasterProcess::waitForLog(const QString& text, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    do {
        if (log().contains(text))
            return true;
        QTest::qWait(200);
    } while (!deadline.hasExpired());
    return log().contains(text);
}

// ---------------------------------------------------------------- BuildbotWorker

struct BuildbotWorker::Impl
{
    QString name;
    QByteArray password;
    quint16 masterPort = 0;
    QTemporaryDir tmp{shortTempBase() + u"/ymw-XXXXXX"_s};
    QProcess proc;

    QString dir() const { return tmp.path() + u"/worker"_s; }
    bool running() const { return proc.state() != QProcess::NotRunning; }
    void signal(int sig) const
    {
        if (running() && proc.processId() > 0)
            ::kill(pid_t(proc.processId()), sig);
    }
};

BuildbotWorker::BuildbotWorker(QString name, QByteArray password, quint16 masterPort)
    : d(std::make_unique<Impl>())
{
    d->name = std::move(name);
    d->password = std::move(password);
    d->masterPort = masterPort;
}

BuildbotWorker::~BuildbotWorker()
{
    if (d->running()) {
        d->signal(SIGCONT);
        d->proc.kill();
        d->proc.waitForFinished(5000);
    }
    dumpIfFailed(u"worker "_s + d->name + u" log"_s, log());
}

bool BuildbotWorker::create()
{
    const QString exe = findProgram({u"buildbot-worker"_s});
    if (exe.isEmpty()) {
        qWarning("buildbot-worker is not installed (Debian package buildbot-worker)");
        return false;
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(exe, {u"create-worker"_s, u"--protocol=msgpack_experimental_v7"_s, dir(),
                  u"127.0.0.1:"_s + QString::number(d->masterPort), d->name,
                  QString::fromUtf8(d->password)});
    if (!p.waitForStarted(10000) || !p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished(3000);
        qWarning("buildbot-worker create-worker did not finish");
        return false;
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning().noquote() << "buildbot-worker create-worker failed:" << p.readAll();
        return false;
    }
    return QFile::exists(dir() + u"/buildbot.tac"_s);
}

bool BuildbotWorker::start()
{
    if (d->running())
        return true;
    // Debian names it twistd3; other systems twistd.
    const QString twistd = findProgram({u"twistd3"_s, u"twistd"_s});
    if (twistd.isEmpty()) {
        qWarning("twistd is not installed (Debian package python3-twisted)");
        return false;
    }
    d->proc.setWorkingDirectory(dir());
    d->proc.setStandardOutputFile(dir() + u"/twistd.stdout"_s, QIODevice::Append);
    d->proc.setStandardErrorFile(dir() + u"/twistd.stdout"_s, QIODevice::Append);
    // buildbot.tac installs its own log observer: the log goes to DIR/twistd.log
    // even in --nodaemon mode. No pid file: the test owns the PID.
    d->proc.start(twistd,
                  {u"--nodaemon"_s, u"--no_save"_s, u"--pidfile="_s, u"-y"_s, u"buildbot.tac"_s});
    if (!d->proc.waitForStarted(10000)) {
        qWarning().noquote() << "twistd did not start:" << d->proc.errorString();
        return false;
    }
    return true;
}

void BuildbotWorker::stop()
{
    if (!d->running())
        return;
    d->signal(SIGCONT);
    d->proc.terminate();
    if (!d->proc.waitForFinished(5000)) {
        d->proc.kill();
        d->proc.waitForFinished(5000);
    }
}

void BuildbotWorker::kill9()
{
    if (!d->running())
        return;
    d->proc.kill();
    d->proc.waitForFinished(5000);
}

void BuildbotWorker::freeze()
{
    d->signal(SIGSTOP);
}
void BuildbotWorker::thaw()
{
    d->signal(SIGCONT);
}

qint64 BuildbotWorker::pid() const
{
    return d->running() ? d->proc.processId() : 0;
}

QString BuildbotWorker::dir() const
{
    return d->dir();
}

QString BuildbotWorker::log() const
{
    return readFile(dir() + u"/twistd.log"_s) + readFile(dir() + u"/twistd.stdout"_s);
}

bool BuildbotWorker::waitForLog(const QString& text, int timeoutMs) const
{
    QDeadlineTimer deadline(timeoutMs);
    do {
        if (log().contains(text))
            return true;
        QTest::qWait(200);
    } while (!deadline.hasExpired());
    return log().contains(text);
}

} // namespace ymtest
