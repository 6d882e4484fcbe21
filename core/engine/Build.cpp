#include "engine/Build.h"

#include "engine/BuildTransfer.h"
#include "engine/Link.h"
#include "storage/Store.h"
#include "util/Logging.h"

#include <QDateTime>

#include <utility>

namespace ym {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QVariant optionalInt(const std::optional<int>& v)
{
    return v ? QVariant(*v) : QVariant();
}

QVariantMap shellArgs(const ShellStep& shell, const QString& workdir)
{
    QVariantMap env;
    for (auto it = shell.env.cbegin(); it != shell.env.cend(); ++it) {
        switch (it->kind) {
        case EnvValue::Kind::Unset:
            env.insert(it.key(), QVariant());
            break;
        case EnvValue::Kind::Value:
            env.insert(it.key(), it->parts.value(0));
            break;
        case EnvValue::Kind::PathList:
            env.insert(it.key(), it->parts); // the worker joins it with its path separator
            break;
        }
    }
    QVariantMap logfiles;
    for (auto it = shell.logfiles.cbegin(); it != shell.logfiles.cend(); ++it)
        logfiles.insert(it.key(), it.value());
    QVariant command;
    if (const QString* s = std::get_if<QString>(&shell.command))
        command = *s;
    else
        command = std::get<QStringList>(shell.command);
    return {
        {QStringLiteral("workdir"), workdir},
        {QStringLiteral("command"), command},
        {QStringLiteral("env"), env},
        {QStringLiteral("want_stdout"), shell.wantStdout},
        {QStringLiteral("want_stderr"), shell.wantStderr},
        {QStringLiteral("timeout"), optionalInt(shell.timeout)},
        {QStringLiteral("maxTime"), optionalInt(shell.maxTime)},
        {QStringLiteral("sigtermTime"), optionalInt(shell.sigtermTime)},
        {QStringLiteral("logfiles"), logfiles},
        {QStringLiteral("usePTY"), shell.usePty},
        {QStringLiteral("logEnviron"), shell.logEnviron},
        {QStringLiteral("initial_stdin"),
         shell.initialStdin ? QVariant(*shell.initialStdin) : QVariant()},
        {QStringLiteral("interruptSignal"), shell.interruptSignal == ShellStep::Signal::Term
                                                ? QStringLiteral("TERM")
                                                : QStringLiteral("KILL")},
    };
}

} // namespace

Build::Build(BuildHost& host, BuilderConfig builder, QueuedRequest request, QString worker,
             int number)
    : m_host(host), m_builder(std::move(builder)), m_request(std::move(request)),
      m_worker(std::move(worker)), m_number(number)
{
    m_flushTimer.setInterval(FlushMs);
    QObject::connect(&m_flushTimer, &QTimer::timeout, &m_flushTimer, [this] {
        if (m_log)
            m_log->flush();
    });
}

Build::~Build() = default;

int Build::severity(const QString& result)
{
    static const QStringList order{QStringLiteral("skipped"),   QStringLiteral("success"),
                                   QStringLiteral("warnings"),  QStringLiteral("failure"),
                                   QStringLiteral("exception"), QStringLiteral("retry"),
                                   QStringLiteral("cancelled")};
    return int(order.indexOf(result));
}

qint64 Build::start()
{
    m_startedMs = nowMs();
    storage::BuildRecord rec;
    rec.builder = m_builder.name;
    rec.number = m_number;
    rec.worker = m_worker;
    rec.reason = m_request.reason;
    rec.properties = m_request.properties;
    rec.requestId = m_request.id;
    rec.requestedMs = m_request.submittedMs;
    rec.startedMs = m_startedMs;
    m_id = m_host.buildStore().startBuild(rec);
    qCInfo(lcEngine).noquote() << QStringLiteral("build %1 (%2 #%3) started on worker '%4'")
                                      .arg(m_id)
                                      .arg(m_builder.name)
                                      .arg(m_number)
                                      .arg(m_worker);
    return m_id;
}

void Build::run()
{
    m_flushTimer.start();
    runStep(0);
}

BuildInfo Build::info() const
{
    BuildInfo i;
    i.id = m_id;
    i.requestId = m_request.id;
    i.builder = m_builder.name;
    i.number = m_number;
    i.worker = m_worker;
    i.state = isFinished() ? BuildInfo::State::Finished : BuildInfo::State::Running;
    i.result = m_result;
    i.reason = m_request.reason;
    i.retries = m_request.retries;
    i.requested = QDateTime::fromMSecsSinceEpoch(m_request.submittedMs, Qt::UTC);
    i.started = QDateTime::fromMSecsSinceEpoch(m_startedMs, Qt::UTC);
    if (m_finishedMs)
        i.finished = QDateTime::fromMSecsSinceEpoch(m_finishedMs, Qt::UTC);
    if (!isFinished() && m_step >= 0 && m_step < m_builder.steps.size())
        i.currentStep = m_builder.steps[m_step].name;
    return i;
}

void Build::header(const QString& text)
{
    if (m_log)
        m_log->addText(QStringLiteral("header"), text);
}

void Build::runStep(int index)
{
    if (index >= m_builder.steps.size()) {
        finish();
        return;
    }
    m_step = index;
    const StepConfig& step = m_builder.steps[index];
    storage::StepRecord rec;
    rec.buildId = m_id;
    rec.number = index;
    rec.name = step.name;
    rec.startedMs = nowMs();
    m_stepId = m_host.buildStore().startStep(rec);
    m_log = std::make_unique<StepLog>(m_host.buildStore(), m_stepId);
    m_rc.reset();
    m_host.buildChanged(*this);

    if (!m_stopReason.isEmpty()) {
        endStep(QStringLiteral("cancelled"), m_stopReason);
        return;
    }
    if (const ShellStep* shell = step.shell()) {
        startShell(step, *shell);
        return;
    }
    if (const UploadStep* upload = step.upload()) {
        startUpload(step, *upload);
        return;
    }
    if (const DownloadStep* download = step.download()) {
        startDownload(step, *download);
        return;
    }
    const QString why =
        QStringLiteral("step type %1 is not supported").arg(QString(stepTypeName(step.type())));
    header(why);
    endStep(QStringLiteral("exception"), why);
}

Link* Build::linkOrLost()
{
    Link* link = m_host.attachedLink(m_worker);
    if (!link) {
        m_lost = true;
        header(QStringLiteral("worker '%1' is not attached at %2; the build will be retried")
                   .arg(m_worker, timeText(nowMs())));
        endStep(QStringLiteral("exception"), QStringLiteral("worker lost"));
    }
    return link;
}

void Build::commandEnded(const Link::CommandOutcome& outcome, const std::function<void(int)>& onRc)
{
    m_commandId.clear();
    if (outcome.kind == Link::CommandOutcome::Kind::Lost) {
        m_lost = true;
        header(QStringLiteral("worker '%1' lost at %2 (%3); the build will be retried")
                   .arg(m_worker, timeText(nowMs()), outcome.text));
        endStep(QStringLiteral("exception"), QStringLiteral("worker lost"));
    } else if (!m_stopReason.isEmpty()) {
        endStep(QStringLiteral("cancelled"), m_stopReason);
    } else if (outcome.kind == Link::CommandOutcome::Kind::Failed) {
        header(QStringLiteral("the worker reported a failure: %1").arg(outcome.text));
        endStep(QStringLiteral("exception"), outcome.text);
    } else if (!m_rc) {
        header(QStringLiteral("the command ended without an exit code"));
        endStep(QStringLiteral("exception"), QStringLiteral("no exit code"));
    } else {
        onRc(*m_rc);
    }
}

void Build::startShell(const StepConfig& step, const ShellStep& shell)
{
    Link* link = linkOrLost();
    if (!link)
        return;
    const QString relative = step.workdir == u"."
                                 ? m_builder.effectiveBuilddir()
                                 : m_builder.effectiveBuilddir() + u'/' + step.workdir;
    const QVariantMap args = shellArgs(shell, m_host.workerPath(m_worker, relative));
    m_commandId = link->startStreamingCommand(
        QStringLiteral("shell"), m_builder.name, args,
        [this](const QString& key, const QVariant& value) { onUpdate(key, value); },
        [this, shell](const Link::CommandOutcome& outcome) {
            commandEnded(outcome, [this, &shell](int rc) {
                endStep(QString(stepResultName(shell.resultFor(rc))),
                        QStringLiteral("exit code %1").arg(rc));
            });
        });
}

void Build::onUpdate(const QString& key, const QVariant& value)
{
    if (!m_log)
        return;
    // Output is handed to the store at once: the worker's update is answered
    // only once it is committed (Link's ack gate), and the worker batches
    // its output already (64 KiB or 5 s).
    if (key == u"stdout" || key == u"stderr" || key == u"header") {
        m_log->addWorkerOutput(key, value);
        m_log->flush();
    } else if (key == u"log") {
        const QVariantList parts = value.toList();
        if (parts.size() == 2)
            m_log->addWorkerOutput(parts[0].toString(), parts[1]);
        m_log->flush();
    } else if (key == u"rc") {
        m_rc = value.toInt();
    }
}

void Build::endStep(const QString& result, const QString& summary)
{
    const int index = m_step;
    const StepConfig& step = m_builder.steps[index];
    m_transfer.reset(); // an unfinished upload's temporary file goes with it
    if (m_log) {
        m_log->flush();
        m_log.reset();
    }
    m_host.buildStore().finishStep(m_stepId, nowMs(), result, summary);
    qCDebug(lcEngine).noquote()
        << QStringLiteral("build %1 step '%2': %3 (%4)").arg(m_id).arg(step.name, result, summary);
    QString buildResult = result;
    if (m_lost)
        buildResult = QStringLiteral("retry");
    if (severity(buildResult) > severity(m_buildResult))
        m_buildResult = buildResult;
    const bool failed = result == u"failure" || result == u"exception";
    if (m_lost || result == u"cancelled" || (failed && step.haltOnFailure)) {
        skipRest(index + 1);
        finish();
        return;
    }
    runStep(index + 1);
}

void Build::skipRest(int from)
{
    const qint64 now = nowMs();
    for (int i = from; i < m_builder.steps.size(); ++i) {
        storage::StepRecord rec;
        rec.buildId = m_id;
        rec.number = i;
        rec.name = m_builder.steps[i].name;
        rec.startedMs = now;
        const qint64 id = m_host.buildStore().startStep(rec);
        m_host.buildStore().finishStep(id, now, QStringLiteral("skipped"), {});
    }
}

void Build::stop(const QString& reason)
{
    if (isFinished() || !m_stopReason.isEmpty())
        return;
    m_stopReason = reason.isEmpty() ? QStringLiteral("stopped") : reason;
    header(QStringLiteral("build stopped at %1: %2").arg(timeText(nowMs()), m_stopReason));
    qCInfo(lcEngine).noquote()
        << QStringLiteral("build %1 stopping: %2").arg(m_id).arg(m_stopReason);
    if (m_commandId.isEmpty())
        return; // the next step sees the reason
    if (Link* link = m_host.attachedLink(m_worker))
        link->interruptCommand(m_commandId, m_builder.name, m_stopReason);
}

void Build::finish()
{
    m_flushTimer.stop();
    m_finishedMs = nowMs();
    m_result = m_buildResult;
    m_host.buildStore().finishBuild(m_id, m_finishedMs, m_result);
    qCInfo(lcEngine).noquote() << QStringLiteral("build %1 (%2 #%3) on worker '%4': %5")
                                      .arg(m_id)
                                      .arg(m_builder.name)
                                      .arg(m_number)
                                      .arg(m_worker, m_result);
    m_host.buildChanged(*this);
    m_host.buildEnded(m_id);
}

} // namespace ym
