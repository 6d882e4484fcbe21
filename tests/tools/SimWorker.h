#pragma once

// Runs tests/tools/simworker.py (simulated buildbot-workers) from a QtTest and
// reads the JSON lines it prints. Header-only; used by the integration tests.

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTest>

#include <memory>

namespace ymtest {

inline QString simWorkerScript()
{
    return QStringLiteral(YM_SOURCE_DIR "/tests/tools/simworker.py");
}

class SimWorker
{
public:
    // `args` are simworker.py's options; `env` entries are "NAME=value".
    SimWorker(QStringList args, const QStringList& env = {}) : m_args(std::move(args))
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const QString& kv : env) {
            const qsizetype eq = kv.indexOf(u'=');
            if (eq > 0)
                e.insert(kv.left(eq), kv.mid(eq + 1));
        }
        m_proc.setProcessEnvironment(e);
    }
    ~SimWorker()
    {
        if (m_proc.state() != QProcess::NotRunning) {
            m_proc.kill();
            m_proc.waitForFinished(5000);
        }
    }
    SimWorker(const SimWorker&) = delete;
    SimWorker& operator=(const SimWorker&) = delete;

    bool start()
    {
        m_proc.start(QStringLiteral("/usr/bin/python3"),
                     QStringList{QStringLiteral("-u"), simWorkerScript()} + m_args);
        return m_proc.waitForStarted(10000);
    }

    // The next JSON object printed on stdout; empty when none came in time.
    QJsonObject nextReport(int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (true) {
            while (m_proc.canReadLine()) {
                const QByteArray line = m_proc.readLine().trimmed();
                const QJsonDocument doc = QJsonDocument::fromJson(line);
                if (doc.isObject())
                    return doc.object();
            }
            if (deadline.hasExpired() || m_proc.state() == QProcess::NotRunning) {
                // A line may have arrived together with the exit.
                if (m_proc.canReadLine())
                    continue;
                return {};
            }
            m_proc.waitForReadyRead(int(std::min<qint64>(deadline.remainingTime(), 500)));
        }
    }

    // SIGTERM (the tool reports and exits) and wait.
    bool terminate(int timeoutMs = 15000)
    {
        if (m_proc.state() == QProcess::NotRunning)
            return true;
        m_proc.terminate();
        return m_proc.waitForFinished(timeoutMs);
    }
    bool waitForFinished(int timeoutMs) { return m_proc.waitForFinished(timeoutMs); }
    bool running() const { return m_proc.state() != QProcess::NotRunning; }
    int exitCode() const { return m_proc.exitCode(); }
    QString errors() { return QString::fromUtf8(m_proc.readAllStandardError()); }

private:
    QStringList m_args;
    QProcess m_proc;
};

// Runs simworker.py to the end and returns its last JSON line (empty on failure).
inline QJsonObject runSimWorker(const QStringList& args, const QStringList& env, int timeoutMs,
                                QString* errors = nullptr)
{
    SimWorker sim(args, env);
    if (!sim.start())
        return {};
    QJsonObject last;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        const QJsonObject r = sim.nextReport(int(deadline.remainingTime()));
        if (r.isEmpty())
            break;
        last = r;
    }
    sim.waitForFinished(int(std::max<qint64>(deadline.remainingTime(), 1000)));
    if (errors)
        *errors = sim.errors();
    return last;
}

} // namespace ymtest
