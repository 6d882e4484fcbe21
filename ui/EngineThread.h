#pragma once

#include <QObject>
#include <QString>
#include <QThread>

#include <functional>

namespace ym {

class Master;

// Owns the engine's thread: the Master is created here, moved onto its own
// QThread and started there (its listeners are created on that thread). The
// GUI talks to it only through its face (queued signals and slots).
class EngineThread final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineThread)

public:
    // Runs on the engine thread: after a successful start (e.g. to open the
    // control socket), and before the engine shuts down.
    using Hook = std::function<void(Master&)>;

    explicit EngineThread(const QString& configPath, QObject* parent = nullptr);
    ~EngineThread() override; // stop()

    Master* master() const { return m_master; }
    void setHooks(Hook afterStart, Hook beforeStop);
    // Starts the thread and asks the engine to start (queued).
    void start();
    // Shuts the engine down on its thread and joins it; waits at most
    // `timeoutMs`. Safe to call twice.
    bool stop(int timeoutMs = 10000);

private:
    QThread m_thread;
    Master* m_master = nullptr;
    bool m_started = false;
    Hook m_afterStart;
    Hook m_beforeStop;
};

} // namespace ym
