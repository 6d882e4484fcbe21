#pragma once

#include "config/BuilderConfig.h"
#include "engine/BuildInfo.h"
#include "engine/BuildQueue.h"
#include "engine/Link.h"
#include "engine/StepLog.h"

#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace ym {

class Link;
class Store;
class Build;
struct Transfer;

// What a running build needs from the engine around it.
class BuildHost
{
public:
    virtual Store& buildStore() = 0;
    // The worker's link while it is attached, else null.
    virtual Link* attachedLink(const QString& worker) = 0;
    // An absolute path on the worker for a path relative to its basedir
    // ('/'-separated), in the worker's own path style.
    virtual QString workerPath(const QString& worker, const QString& relative) = 0;
    // The folder upload steps store into, and a master-side path resolved
    // against the config file's folder.
    virtual QString artifactsDir() = 0;
    virtual QString masterPath(const QString& path) = 0;
    virtual void buildChanged(const Build& build) = 0;
    // The build has ended (result stored); the host disposes of it later,
    // never from inside this call.
    virtual void buildEnded(qint64 buildId) = 0;

protected:
    ~BuildHost() = default;
};

// One running build: its steps run one after another on one worker as
// streaming start_commands; output goes to the Store in batches. Engine
// thread only.
class Build
{
public:
    static constexpr int FlushMs = 200;

    Build(BuildHost& host, BuilderConfig builder, QueuedRequest request, QString worker,
          int number);
    ~Build();
    Build(const Build&) = delete;
    Build& operator=(const Build&) = delete;

    // Records the build (allocating its id); run() then runs its steps.
    qint64 start();
    void run();
    // Interrupts the running step; the build ends `cancelled`.
    void stop(const QString& reason);

    qint64 id() const { return m_id; }
    const QueuedRequest& request() const { return m_request; }
    const QString& worker() const { return m_worker; }
    const QString& result() const { return m_result; }
    bool workerLost() const { return m_lost; }
    bool isFinished() const { return !m_result.isEmpty(); }
    BuildInfo info() const;

    // Results ordered from best to worst (Buildbot's worst_status order).
    static int severity(const QString& result);

private:
    void runStep(int index);
    void startShell(const StepConfig& step, const ShellStep& shell);
    // BuildTransfer.cpp
    void startUpload(const StepConfig& step, const UploadStep& upload);
    void startDownload(const StepConfig& step, const DownloadStep& download);
    QString workerFilePath(const StepConfig& step, const QString& path);
    Result<QVariant> onUploadRequest(const QString& op, const QVariantMap& message);
    Result<QVariant> onDownloadRequest(const QString& op, const QVariantMap& message);
    // The link, or null after ending the step as lost.
    Link* linkOrLost();
    // A streaming command ended: the common outcomes (lost, cancelled, worker
    // failure, no rc); otherwise `onRc` decides.
    void commandEnded(const Link::CommandOutcome& outcome, const std::function<void(int)>& onRc);
    void onUpdate(const QString& key, const QVariant& value);
    void endStep(const QString& result, const QString& summary);
    void skipRest(int from);
    void finish();
    void header(const QString& text);

    BuildHost& m_host;
    BuilderConfig m_builder;
    QueuedRequest m_request;
    QString m_worker;
    int m_number = 0;
    qint64 m_id = 0;
    qint64 m_startedMs = 0;
    qint64 m_finishedMs = 0;
    QString m_result;
    QString m_buildResult = QStringLiteral("success"); // worst so far

    int m_step = -1;
    qint64 m_stepId = 0;
    QString m_commandId;
    std::optional<int> m_rc;
    std::unique_ptr<StepLog> m_log;
    QTimer m_flushTimer;

    std::unique_ptr<Transfer> m_transfer;

    QString m_stopReason;
    bool m_lost = false;
};

} // namespace ym
