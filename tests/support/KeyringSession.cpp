#include "support/KeyringSession.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QStandardPaths>
#include <QTest>

#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace ymtest {

namespace {

constexpr int StartTimeoutMs = 20000;

QString busConfig(const QString& socketPath)
{
    return uR"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%1</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)"_s.arg(socketPath);
}

void stopProcess(QProcess& p)
{
    if (p.state() == QProcess::NotRunning)
        return;
    p.terminate();
    if (!p.waitForFinished(5000)) {
        p.kill();
        p.waitForFinished(3000);
    }
}

} // namespace

KeyringSession::KeyringSession() : m_tmp(u"/tmp/ymk-XXXXXX"_s)
{
    QDir().mkpath(home());
    QDir().mkpath(m_tmp.filePath(u"run"_s));
    ::chmod(QFile::encodeName(m_tmp.filePath(u"run"_s)).constData(), 0700);
}

KeyringSession::~KeyringSession()
{
    stop();
}

QString KeyringSession::home() const
{
    return m_tmp.filePath(u"home"_s);
}

QString KeyringSession::busAddress() const
{
    return m_address;
}

QStringList KeyringSession::environment() const
{
    return {u"DBUS_SESSION_BUS_ADDRESS="_s + m_address, u"HOME="_s + home(),
            u"XDG_RUNTIME_DIR="_s + m_tmp.filePath(u"run"_s), u"-DISPLAY"_s, u"-WAYLAND_DISPLAY"_s};
}

QProcessEnvironment KeyringSession::processEnvironment() const
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const QString& kv : environment()) {
        if (kv.startsWith(u'-')) {
            e.remove(kv.mid(1));
            continue;
        }
        const qsizetype eq = kv.indexOf(u'=');
        e.insert(kv.left(eq), kv.mid(eq + 1));
    }
    return e;
}

void KeyringSession::exportToThisProcess() const
{
    for (const QString& kv : environment()) {
        if (kv.startsWith(u'-')) {
            qunsetenv(kv.mid(1).toLocal8Bit().constData());
            continue;
        }
        const qsizetype eq = kv.indexOf(u'=');
        qputenv(kv.left(eq).toLocal8Bit().constData(), kv.mid(eq + 1).toLocal8Bit());
    }
}

bool KeyringSession::start(Keyring keyring)
{
    const QString config = m_tmp.filePath(u"bus.conf"_s);
    QFile f(config);
    if (!f.open(QIODevice::WriteOnly) || f.write(busConfig(m_tmp.filePath(u"bus"_s)).toUtf8()) < 0)
        return false;
    f.close();

    m_bus.setProcessChannelMode(QProcess::SeparateChannels);
    m_bus.start(u"dbus-daemon"_s, {u"--config-file="_s + config, u"--nofork"_s, u"--nopidfile"_s,
                                   u"--print-address=1"_s});
    if (!m_bus.waitForStarted(10000)) {
        qWarning("dbus-daemon did not start (Debian package dbus)");
        return false;
    }
    QDeadlineTimer deadline(StartTimeoutMs);
    while (!m_bus.canReadLine() && !deadline.hasExpired())
        m_bus.waitForReadyRead(500);
    m_address = QString::fromUtf8(m_bus.readLine()).trimmed();
    if (m_address.isEmpty()) {
        qWarning() << "dbus-daemon printed no address:" << m_bus.readAllStandardError();
        return false;
    }
    if (keyring == Keyring::None)
        return true;

    m_keyring.setProcessEnvironment(processEnvironment());
    m_keyring.setWorkingDirectory(home());
    m_keyring.setStandardOutputFile(m_tmp.filePath(u"keyring.log"_s));
    m_keyring.setStandardErrorFile(m_tmp.filePath(u"keyring.log"_s), QIODevice::Append);
    m_keyring.start(u"gnome-keyring-daemon"_s,
                    {u"--foreground"_s, u"--unlock"_s, u"--components=secrets"_s});
    if (!m_keyring.waitForStarted(10000)) {
        qWarning("gnome-keyring-daemon did not start (Debian package gnome-keyring)");
        return false;
    }
    // The keyring's password on stdin (a throwaway one for a throwaway HOME).
    m_keyring.write("test-keyring-password");
    m_keyring.closeWriteChannel();
    if (!waitForSecretService(StartTimeoutMs)) {
        QFile log(m_tmp.filePath(u"keyring.log"_s));
        log.open(QIODevice::ReadOnly);
        qWarning() << "gnome-keyring-daemon did not take org.freedesktop.secrets:" << log.readAll();
        return false;
    }
    return true;
}

void KeyringSession::stop()
{
    stopProcess(m_keyring);
    stopProcess(m_bus);
}

bool KeyringSession::runTool(const QString& program, const QStringList& args, QByteArray* out) const
{
    QProcess p;
    p.setProcessEnvironment(processEnvironment());
    p.start(program, args);
    if (!p.waitForStarted(10000))
        return false;
    p.closeWriteChannel();
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished(3000);
        return false;
    }
    if (out)
        *out = p.readAllStandardOutput();
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool KeyringSession::waitForSecretService(int timeoutMs) const
{
    QDeadlineTimer deadline(timeoutMs);
    do {
        QByteArray out;
        if (runTool(u"dbus-send"_s,
                    {u"--session"_s, u"--print-reply"_s, u"--dest=org.freedesktop.DBus"_s, u"/"_s,
                     u"org.freedesktop.DBus.NameHasOwner"_s, u"string:org.freedesktop.secrets"_s},
                    &out) &&
            out.contains("boolean true"))
            return true;
        QTest::qWait(200);
    } while (!deadline.hasExpired());
    return false;
}

bool KeyringSession::lock()
{
    QByteArray out;
    return runTool(u"dbus-send"_s,
                   {u"--session"_s, u"--print-reply"_s, u"--dest=org.freedesktop.secrets"_s,
                    u"/org/freedesktop/secrets"_s, u"org.freedesktop.Secret.Service.Lock"_s,
                    u"array:objpath:/org/freedesktop/secrets/collection/login"_s},
                   &out) &&
           out.contains("/org/freedesktop/secrets/collection/login");
}

std::optional<QByteArray> KeyringSession::lookup(const QString& key) const
{
    QByteArray out;
    if (!runTool(u"secret-tool"_s, {u"lookup"_s, u"server"_s, u"yardmaster"_s, u"user"_s, key},
                 &out))
        return std::nullopt;
    return out;
}

QStringList filesContaining(const QString& dir, const QByteArray& needle)
{
    QStringList hits;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        if (f.readAll().contains(needle))
            hits << path;
    }
    return hits;
}

} // namespace ymtest
