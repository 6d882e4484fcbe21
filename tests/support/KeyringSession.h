#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTemporaryDir>

#include <optional>

namespace ymtest {

// A private OS keychain for one test: its own D-Bus session bus (dbus-daemon
// with a minimal config: no service activation, so nothing starts behind the
// test's back) and, on it, a real gnome-keyring-daemon serving the Secret
// Service, with a throwaway HOME and XDG_RUNTIME_DIR. Both processes belong to
// the fixture and are stopped by PID in stop() or the destructor.
class KeyringSession
{
public:
    enum class Keyring
    {
        Unlocked, // gnome-keyring-daemon --unlock: the "login" keyring, unlocked
        None,     // only the bus: no Secret Service on it
    };

    KeyringSession();
    ~KeyringSession(); // stop()

    bool start(Keyring keyring = Keyring::Unlocked);
    void stop();
    // Locks the "login" collection (org.freedesktop.Secret.Service.Lock).
    bool lock();

    QString busAddress() const;
    QString home() const;
    // For child processes: KEY=VALUE entries, and "-KEY" for variables to
    // remove (DISPLAY, WAYLAND_DISPLAY: no GUI prompt, no autolaunch).
    QStringList environment() const;
    QProcessEnvironment processEnvironment() const;
    // Sets this process's own environment to match (for in-process stores).
    void exportToThisProcess() const;

    // The value QtKeychain stored for `key` under service "yardmaster", read
    // with the independent `secret-tool`; nullopt when there is none.
    std::optional<QByteArray> lookup(const QString& key) const;

private:
    bool runTool(const QString& program, const QStringList& args, QByteArray* out = nullptr) const;
    bool waitForSecretService(int timeoutMs) const;

    QTemporaryDir m_tmp;
    QProcess m_bus;
    QProcess m_keyring;
    QString m_address;
};

// Every file under `dir` (recursively) whose bytes contain `needle`.
QStringList filesContaining(const QString& dir, const QByteArray& needle);

} // namespace ymtest
