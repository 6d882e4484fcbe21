#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace ymtest {

// A private libvirtd that serves libvirt's built-in test driver over a Unix
// socket in its own folder, so that several processes (the test and a real
// master) share one `test:///default` hypervisor, and the state survives a
// client killed with SIGKILL.
//
// The daemon loads no hypervisor modules (LIBVIRT_DRIVER_DIR is an empty
// folder); its log, pid file and socket live in the folder. As root it also
// shares /run/libvirt/common/system.token with every libvirtd on the machine
// (created once, written under a file lock, harmless); as another user that
// file lives in the folder too (XDG_RUNTIME_DIR points there). It needs no
// root.
//
// The test driver's state is reset when the daemon's LAST client connection
// closes: a test keeps one connection open for its whole life (DomainWatcher
// does).
class LibvirtDaemon
{
public:
    // `dir` empty: a fresh temporary folder (removed in the destructor).
    explicit LibvirtDaemon(const QString& dir = {});
    ~LibvirtDaemon(); // stop()

    // Starts libvirtd and waits until a connection to uri() opens (up to
    // `timeoutMs`). On failure: false, errorString() says why, with the
    // daemon's log, and the daemon is stopped.
    bool start(int timeoutMs = 30000);
    // SIGTERM, then SIGKILL after `timeoutMs`.
    void stop(int timeoutMs = 5000);
    bool isRunning() const;

    // test+unix:///default?socket=DIR/run/libvirt-sock
    QString uri() const;
    QString socketPath() const;
    QString dir() const;
    qint64 pid() const;
    QString log() const; // the daemon's log file and its stdout/stderr
    QString errorString() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Installs a libvirt error handler that keeps libvirt quiet on stderr (once per
// process; the errors still reach virGetLastError()), and ignores SIGPIPE (a
// connection to a stopped daemon fails instead of killing the process).
void silenceLibvirtErrors();
// The last libvirt error of this thread, as text (empty when none).
QString lastLibvirtError();

} // namespace ymtest
