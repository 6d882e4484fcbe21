#include "EngineThread.h"

#include "engine/Master.h"

namespace ym {

EngineThread::EngineThread(const QString& configPath, QObject* parent)
    : QObject(parent), m_master(new Master(configPath))
{
    m_thread.setObjectName(QStringLiteral("engine"));
    // master.secrets "auto" means the OS keychain in the desktop console
    // (the folder headless); set before start().
    m_master->setAutoSecretsBackend(SecretsBackend::Keychain);
    m_master->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_master, &QObject::deleteLater);
}

EngineThread::~EngineThread()
{
    stop();
}

void EngineThread::setHooks(Hook afterStart, Hook beforeStop)
{
    m_afterStart = std::move(afterStart);
    m_beforeStop = std::move(beforeStop);
}

void EngineThread::start()
{
    Master* master = m_master;
    // Runs on the engine thread (the context object lives there).
    connect(master, &Master::started, master, [this, master](bool ok, const QStringList&) {
        if (ok && m_afterStart)
            m_afterStart(*master);
    });
    m_started = true;
    m_thread.start();
    QMetaObject::invokeMethod(master, &Master::start, Qt::QueuedConnection);
}

bool EngineThread::stop(int timeoutMs)
{
    if (!m_thread.isRunning()) {
        if (!m_started) { // never ran: nothing on its thread to stop
            delete m_master;
            m_master = nullptr;
        }
        return true;
    }
    Master* master = m_master;
    Hook beforeStop = m_beforeStop;
    QMetaObject::invokeMethod(
        master,
        [master, beforeStop] {
            if (beforeStop)
                beforeStop(*master);
            // Stopped at once, or once its latent instances are stopped.
            QObject::connect(master, &Master::stopped, master,
                             [] { QThread::currentThread()->quit(); });
            master->shutdown();
        },
        Qt::QueuedConnection);
    const bool done = m_thread.wait(QDeadlineTimer(timeoutMs));
    m_master = nullptr;
    return done;
}

} // namespace ym
