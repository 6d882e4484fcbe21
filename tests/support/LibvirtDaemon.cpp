#include "support/LibvirtDaemon.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTest>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <csignal>
#include <mutex>
#include <sys/socket.h>
#include <sys/un.h>

using namespace Qt::StringLiterals;

namespace ymtest {

namespace {

void quietErrorHandler(void*, virErrorPtr)
{}

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

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const bool ok = f.write(data) == data.size();
    f.close();
    return ok && f.error() == QFile::NoError;
}

QString findLibvirtd()
{
    QString exe = QStandardPaths::findExecutable(u"libvirtd"_s);
    if (exe.isEmpty())
        exe = QStandardPaths::findExecutable(u"libvirtd"_s, {u"/usr/sbin"_s, u"/sbin"_s});
    return exe;
}

// A libvirtd.conf value: a double-quoted string.
QByteArray quoted(const QString& s)
{
    QByteArray out = "\"";
    for (const char c : s.toUtf8()) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}

} // namespace

void silenceLibvirtErrors()
{
    static std::once_flag once;
    std::call_once(once, [] {
        virSetErrorFunc(nullptr, quietErrorHandler);
        // libvirt's client writes to its socket with write(): a daemon that
        // went away must give an error, not kill the test with SIGPIPE.
        std::signal(SIGPIPE, SIG_IGN);
    });
}

QString lastLibvirtError()
{
    const virError* e = virGetLastError();
    return e && e->message ? QString::fromUtf8(e->message) : QString();
}

struct LibvirtDaemon::Impl
{
    std::unique_ptr<QTemporaryDir> tmp;
    QString dir;
    QProcess proc;
    QString error;

    QString path(const QString& rel) const { return dir + u'/' + rel; }
    QString logPath() const { return path(u"libvirtd.log"_s); }
    QString outPath() const { return path(u"libvirtd.out"_s); }
    QString socketPath() const { return path(u"run/libvirt-sock"_s); }
    QString pidPath() const { return path(u"run/libvirtd.pid"_s); }
    QString uri() const { return u"test+unix:///default?socket="_s + socketPath(); }

    bool writeConfig()
    {
        // Only the read-write socket is used; no authentication on it: the
        // folder is private (0700) and so is the socket.
        QByteArray conf;
        conf += "unix_sock_dir = " + quoted(path(u"run"_s)) + "\n";
        conf += "unix_sock_rw_perms = \"0700\"\n";
        conf += "unix_sock_ro_perms = \"0700\"\n";
        conf += "unix_sock_admin_perms = \"0700\"\n";
        conf += "auth_unix_rw = \"none\"\n";
        conf += "auth_unix_ro = \"none\"\n";
        // Warnings and errors into the folder, not the journal or /var/log.
        conf += "log_outputs = " + quoted(u"3:file:"_s + logPath()) + "\n";
        // No pings from the daemon: a client stopped with SIGSTOP (or a busy
        // event loop) keeps its connection.
        conf += "keepalive_interval = -1\n";
        return writeFile(path(u"cfg/libvirtd.conf"_s), conf);
    }

    void fail(const QString& why)
    {
        error = why + u"\n----- libvirtd log ("_s + dir + u") -----\n"_s + readFile(logPath()) +
                readFile(outPath()) + u"----- end -----"_s;
    }
};

LibvirtDaemon::LibvirtDaemon(const QString& dir) : d(std::make_unique<Impl>())
{
    silenceLibvirtErrors();
    if (dir.isEmpty()) {
        d->tmp = std::make_unique<QTemporaryDir>(shortTempBase() + u"/ymv-XXXXXX"_s);
        d->dir = d->tmp->path();
    } else {
        d->dir = QDir(dir).absolutePath();
    }
}

LibvirtDaemon::~LibvirtDaemon()
{
    stop();
}

bool LibvirtDaemon::start(int timeoutMs)
{
    if (isRunning())
        return true;
    d->error.clear();
    if (d->tmp && !d->tmp->isValid()) {
        d->error = u"cannot create a temporary folder for libvirtd: "_s + d->tmp->errorString();
        return false;
    }
    const QString exe = findLibvirtd();
    if (exe.isEmpty()) {
        d->error = u"libvirtd is not installed (Debian package libvirt-daemon)"_s;
        return false;
    }
    if (QFile::encodeName(d->socketPath()).size() >= qsizetype(sizeof(sockaddr_un::sun_path))) {
        d->error = u"libvirtd socket path too long for a Unix socket: "_s + d->socketPath();
        return false;
    }
    for (const QString& sub : {u"run"_s, u"cfg"_s, u"empty"_s, u"xdg/runtime"_s, u"xdg/config"_s,
                               u"xdg/cache"_s, u"home"_s}) {
        if (!QDir().mkpath(d->path(sub))) {
            d->error = u"cannot create "_s + d->path(sub);
            return false;
        }
    }
    QFile::setPermissions(d->path(u"run"_s),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QFile::setPermissions(d->path(u"xdg/runtime"_s),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    if (!d->writeConfig()) {
        d->error = u"cannot write "_s + d->path(u"cfg/libvirtd.conf"_s);
        return false;
    }

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // An empty module folder: no qemu/lxc/network/storage drivers (they fail
    // or touch the host); the test driver is built into libvirt itself.
    env.insert(u"LIBVIRT_DRIVER_DIR"_s, d->path(u"empty"_s));
    // Not root: libvirtd runs as a session daemon and keeps its state under
    // these (root ignores them and uses /run/libvirt/common/system.token).
    env.insert(u"HOME"_s, d->path(u"home"_s));
    env.insert(u"XDG_RUNTIME_DIR"_s, d->path(u"xdg/runtime"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, d->path(u"xdg/config"_s));
    env.insert(u"XDG_CACHE_HOME"_s, d->path(u"xdg/cache"_s));
    for (const QString& k :
         {u"LIBVIRT_DEFAULT_URI"_s, u"LIBVIRT_LOG_OUTPUTS"_s, u"LIBVIRT_LOG_FILTERS"_s,
          u"LIBVIRT_DEBUG"_s, u"DISPLAY"_s, u"DBUS_SESSION_BUS_ADDRESS"_s})
        env.remove(k);
    d->proc.setProcessEnvironment(env);
    d->proc.setWorkingDirectory(d->dir);
    d->proc.setStandardOutputFile(d->outPath(), QIODevice::Append);
    d->proc.setStandardErrorFile(d->outPath(), QIODevice::Append);
    d->proc.start(exe,
                  {u"--config"_s, d->path(u"cfg/libvirtd.conf"_s), u"--pid-file"_s, d->pidPath()});
    if (!d->proc.waitForStarted(10000)) {
        d->fail(u"libvirtd ("_s + exe + u") did not start: "_s + d->proc.errorString());
        return false;
    }

    // Ready when a connection opens (libvirtd binds its socket before it
    // accepts, so a bare socket file is not enough).
    QDeadlineTimer deadline(timeoutMs);
    QString lastError;
    while (true) {
        if (d->proc.state() == QProcess::NotRunning || d->proc.waitForFinished(0)) {
            d->fail(u"libvirtd exited during start-up with code "_s +
                    QString::number(d->proc.exitCode()));
            return false;
        }
        // Our daemon holds the pid file (locked) before it binds its
        // socket: a socket without that may be another daemon's.
        const bool ours = readFile(d->pidPath()).trimmed() == QString::number(d->proc.processId());
        if (ours && QFile::exists(d->socketPath())) {
            const QByteArray u8 = uri().toUtf8();
            if (virConnectPtr c = virConnectOpen(u8.constData())) {
                virConnectClose(c);
                return true;
            }
            lastError = lastLibvirtError();
        }
        if (deadline.hasExpired())
            break;
        QTest::qWait(100);
    }
    d->fail(u"libvirtd did not accept a connection to "_s + uri() + u" within "_s +
            QString::number(timeoutMs) + u" ms"_s +
            (lastError.isEmpty() ? QString() : u" (last error: "_s + lastError + u')'));
    stop();
    return false;
}

void LibvirtDaemon::stop(int timeoutMs)
{
    if (d->proc.state() == QProcess::NotRunning)
        return;
    d->proc.terminate();
    if (!d->proc.waitForFinished(timeoutMs)) {
        d->proc.kill();
        d->proc.waitForFinished(5000);
    }
}

bool LibvirtDaemon::isRunning() const
{
    return d->proc.state() != QProcess::NotRunning;
}

QString LibvirtDaemon::uri() const
{
    return d->uri();
}

QString LibvirtDaemon::socketPath() const
{
    return d->socketPath();
}

QString LibvirtDaemon::dir() const
{
    return d->dir;
}

qint64 LibvirtDaemon::pid() const
{
    return isRunning() ? d->proc.processId() : 0;
}

QString LibvirtDaemon::log() const
{
    return readFile(d->logPath()) + readFile(d->outPath());
}

QString LibvirtDaemon::errorString() const
{
    return d->error;
}

} // namespace ymtest
