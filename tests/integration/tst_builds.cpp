// Builds on a real buildbot-worker 3.7 attached to a real `yardmaster --headless`:
// logs and results, max_builds, stopping, a worker lost mid-step, bad input.
#include "support/BuildLogs.h"
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

#include <algorithm>

#include <signal.h>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

constexpr int AttachTimeoutMs = 60000;
constexpr int BuildTimeoutMs = 120000;

QJsonObject shellStep(const QString& name, const QJsonValue& command, const QJsonObject& extra = {})
{
    QJsonObject s{{u"type"_s, u"shell"_s}, {u"name"_s, name}, {u"command"_s, command}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        s.insert(it.key(), it.value());
    return s;
}

QJsonObject builder(const QString& name, const QString& worker, const QJsonArray& steps)
{
    return QJsonObject{
        {u"name"_s, name}, {u"workernames"_s, QJsonArray{worker}}, {u"steps"_s, steps}};
}

QJsonObject configWith(const QJsonArray& workers, const QJsonArray& builders)
{
    QJsonObject c = masterConfig(workers);
    c.insert(u"builders"_s, builders);
    return c;
}

// A master and one attached worker.
struct Setup
{
    MasterProcess master;
    std::unique_ptr<BuildbotWorker> worker;

    Setup(const QJsonObject& config, const QString& workerName) : master(config)
    {
        master.writeSecret(u"worker/"_s + workerName, "builds-Pw-4");
        if (!master.start())
            return;
        worker = std::make_unique<BuildbotWorker>(workerName, "builds-Pw-4", master.port());
        if (worker->create() && worker->start())
            master.waitForState(workerName, u"connected"_s, AttachTimeoutMs);
    }
    bool ready(const QString& workerName)
    {
        return worker && master.worker(workerName).value(u"state"_s).toString() == u"connected"_s;
    }
};

qint64 force(const MasterProcess& m, const QString& builderName)
{
    const MasterProcess::CtlResult r = m.ctl({u"force"_s, builderName, u"--json"_s});
    if (r.exitCode != 0)
        qWarning() << "ctl force failed:" << r.err;
    return qint64(r.json.value(u"request"_s).toDouble());
}

QJsonArray builds(const MasterProcess& m)
{
    return m.ctl({u"builds"_s, u"--json"_s}).json.value(u"builds"_s).toArray();
}

// The builds (not queued requests) of a request, oldest first.
QList<QJsonObject> buildsOfRequest(const MasterProcess& m, qint64 request)
{
    QList<QJsonObject> out;
    for (const QJsonValue& v : builds(m)) {
        const QJsonObject b = v.toObject();
        if (qint64(b.value(u"request"_s).toDouble()) == request &&
            b.value(u"state"_s).toString() != u"queued"_s)
            out << b;
    }
    return out;
}

QJsonObject lastBuildOf(const MasterProcess& m, qint64 request)
{
    const QList<QJsonObject> list = buildsOfRequest(m, request);
    return list.isEmpty() ? QJsonObject() : list.last();
}

bool finished(const QJsonObject& build)
{
    return build.value(u"state"_s).toString() == u"finished"_s;
}

bool processExists(const QString& marker)
{
    QProcess p;
    p.start(u"pgrep"_s, {u"-f"_s, marker});
    p.waitForFinished(10000);
    return p.exitCode() == 0;
}

} // namespace

class TestBuilds final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void logsAndResults();
    void maxBuilds_data();
    void maxBuilds();
    void stopInterruptsTheCommand();
    void workerKilledMidStep();
    void masterKilledMidBuild();
    void reloadAddsBuilderFolders();
    void unknownBuilder();
};

void TestBuilds::logsAndResults()
{
    const QJsonArray steps{
        shellStep(u"out"_s,
                  u"echo out-line-1; echo err-line-1 >&2; echo \"env=$YM_TEST_VAR\"; "
                  u"echo err-line-2 >&2"_s,
                  {{u"env"_s, QJsonObject{{u"YM_TEST_VAR"_s, u"hello-env"_s}}}}),
        shellStep(u"warn"_s, QJsonArray{u"sh"_s, u"-c"_s, u"echo about to warn; exit 3"_s},
                  {{u"decode_rc"_s, QJsonObject{{u"3"_s, u"warnings"_s}}}}),
    };
    Setup s(configWith({workerEntry(u"bot-b"_s)}, {builder(u"b1"_s, u"bot-b"_s, steps)}),
            u"bot-b"_s);
    QVERIFY(s.ready(u"bot-b"_s));
    // The builder's folder was made at attach.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(s.worker->dir() + u"/b1"_s).isDir(), 10000);

    const qint64 request = force(s.master, u"b1"_s);
    QVERIFY(request > 0);
    QTRY_VERIFY_WITH_TIMEOUT(finished(lastBuildOf(s.master, request)), BuildTimeoutMs);
    const QJsonObject build = lastBuildOf(s.master, request);
    QCOMPARE(build.value(u"result"_s).toString(), u"warnings"_s);
    QCOMPARE(build.value(u"worker"_s).toString(), u"bot-b"_s);
    QCOMPARE(build.value(u"number"_s).toInt(), 1);
    const QString id = QString::number(qint64(build.value(u"id"_s).toDouble()));

    const MasterProcess::CtlResult log = s.master.ctl({u"log"_s, id, u"--json"_s});
    QVERIFY2(log.exitCode == 0, log.err.constData());
    QVERIFY(log.json.value(u"finished"_s).toBool());
    const QHash<QString, QString> texts = logTexts(log.json);
    QCOMPARE(texts.value(u"out/stdout"_s), u"out-line-1\nenv=hello-env\n"_s);
    QCOMPARE(texts.value(u"out/stderr"_s), u"err-line-1\nerr-line-2\n"_s);
    QCOMPARE(texts.value(u"warn/stdout"_s), u"about to warn\n"_s);
    QVERIFY(!texts.contains(u"warn/stderr"_s));
    QCOMPARE(stepResult(log.json, u"out"_s), u"success"_s);
    QCOMPARE(stepResult(log.json, u"warn"_s), u"warnings"_s);
    // Per-line times: one per line, lines numbered per stream.
    for (const QJsonValue& v : log.json.value(u"chunks"_s).toArray()) {
        const QJsonObject c = v.toObject();
        QVERIFY(c.value(u"time_ms"_s).toDouble() > 0);
        const int lines = c.value(u"line_count"_s).toInt();
        QCOMPARE(int(c.value(u"text"_s).toString().count(u'\n')), lines);
        const int times = int(c.value(u"line_times"_s).toArray().size());
        QVERIFY(times == 0 || times == lines);
    }

    // The plain and --follow forms print the same text (the build is over).
    const MasterProcess::CtlResult plain = s.master.ctl({u"log"_s, id, u"out"_s});
    QCOMPARE(plain.exitCode, 0);
    // Streams interleave as they arrived; stdout's lines keep their order.
    const qsizetype first = plain.out.indexOf("out-line-1\n");
    QVERIFY(first >= 0);
    QVERIFY(plain.out.indexOf("env=hello-env\n") > first);
    QVERIFY(plain.out.contains("err-line-2\n"));
    const MasterProcess::CtlResult follow = s.master.ctl({u"log"_s, id, u"--follow"_s});
    QVERIFY2(follow.exitCode == 0, follow.err.constData());
    QVERIFY(follow.out.contains("about to warn\n"));
    // A second build gets the next number.
    const qint64 second = force(s.master, u"b1"_s);
    QTRY_VERIFY_WITH_TIMEOUT(finished(lastBuildOf(s.master, second)), BuildTimeoutMs);
    QCOMPARE(lastBuildOf(s.master, second).value(u"number"_s).toInt(), 2);
}

void TestBuilds::maxBuilds_data()
{
    QTest::addColumn<int>("maxBuilds");
    QTest::newRow("max_builds 1") << 1;
    QTest::newRow("max_builds 2") << 2;
}

void TestBuilds::maxBuilds()
{
    QFETCH(int, maxBuilds);
    const QJsonArray steps{shellStep(u"nap"_s, u"sleep 2"_s)};
    Setup s(configWith({workerEntry(u"bot-m"_s, {{u"max_builds"_s, maxBuilds}})},
                       {builder(u"m1"_s, u"bot-m"_s, steps)}),
            u"bot-m"_s);
    QVERIFY(s.ready(u"bot-m"_s));

    QList<qint64> requests;
    for (int i = 0; i < 5; ++i)
        requests << force(s.master, u"m1"_s);
    for (qint64 r : requests)
        QVERIFY(r > 0);
    // While they run, the worker never shows more running builds than allowed.
    int mostRunning = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            mostRunning = std::max(mostRunning,
                                   s.master.worker(u"bot-m"_s).value(u"running_builds"_s).toInt());
            return std::all_of(requests.cbegin(), requests.cend(),
                               [&](qint64 r) { return finished(lastBuildOf(s.master, r)); });
        }(),
        BuildTimeoutMs);
    QVERIFY(mostRunning <= maxBuilds);
    QVERIFY(mostRunning >= 1);

    // From the stored start and finish times: the most builds at one moment.
    QList<QPair<double, double>> spans;
    for (qint64 r : requests) {
        const QJsonObject b = lastBuildOf(s.master, r);
        QCOMPARE(b.value(u"result"_s).toString(), u"success"_s);
        QCOMPARE(b.value(u"worker"_s).toString(), u"bot-m"_s);
        spans << qMakePair(b.value(u"started_ms"_s).toDouble(),
                           b.value(u"finished_ms"_s).toDouble());
    }
    int most = 0;
    for (const auto& a : spans) {
        int at = 0; // builds running at the moment `a` started
        for (const auto& b : spans)
            at += (b.first <= a.first && a.first < b.second) ? 1 : 0;
        most = std::max(most, at);
    }
    QCOMPARE(most, maxBuilds);
}

void TestBuilds::stopInterruptsTheCommand()
{
    const QString marker = u"ym-stop-marker-%1"_s.arg(QCoreApplication::applicationPid());
    const QJsonArray steps{shellStep(u"long"_s, u"sleep 60 && echo %1"_s.arg(marker)),
                           shellStep(u"after"_s, u"echo never"_s)};
    Setup s(configWith({workerEntry(u"bot-s"_s)}, {builder(u"s1"_s, u"bot-s"_s, steps)}),
            u"bot-s"_s);
    QVERIFY(s.ready(u"bot-s"_s));
    const qint64 request = force(s.master, u"s1"_s);
    QTRY_VERIFY_WITH_TIMEOUT(processExists(marker), 30000);
    const QJsonObject running = lastBuildOf(s.master, request);
    QCOMPARE(running.value(u"state"_s).toString(), u"running"_s);
    QCOMPARE(running.value(u"current_step"_s).toString(), u"long"_s);
    const QString id = QString::number(qint64(running.value(u"id"_s).toDouble()));

    const MasterProcess::CtlResult stop =
        s.master.ctl({u"stop"_s, id, u"--reason"_s, u"enough of this"_s});
    QCOMPARE(stop.exitCode, 0);
    QTRY_VERIFY_WITH_TIMEOUT(finished(lastBuildOf(s.master, request)), 20000);
    QCOMPARE(lastBuildOf(s.master, request).value(u"result"_s).toString(), u"cancelled"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!processExists(marker), 10000);

    const MasterProcess::CtlResult log = s.master.ctl({u"log"_s, id, u"--json"_s});
    QCOMPARE(stepResult(log.json, u"long"_s), u"cancelled"_s);
    QCOMPARE(stepResult(log.json, u"after"_s), u"skipped"_s);
    QVERIFY(logTexts(log.json).value(u"long/header"_s).contains(u"enough of this"_s));
    // A finished build cannot be stopped again.
    QCOMPARE(s.master.ctl({u"stop"_s, id}).exitCode, 1);
}

void TestBuilds::workerKilledMidStep()
{
    const QJsonArray steps{shellStep(u"slow"_s, u"echo started; sleep 5; echo slept"_s)};
    Setup s(configWith({workerEntry(u"bot-k"_s)}, {builder(u"k1"_s, u"bot-k"_s, steps)}),
            u"bot-k"_s);
    QVERIFY(s.ready(u"bot-k"_s));
    const qint64 request = force(s.master, u"k1"_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastBuildOf(s.master, request).value(u"current_step"_s).toString(),
                              u"slow"_s, 30000);
    s.worker->kill9();

    QTRY_VERIFY_WITH_TIMEOUT(finished(lastBuildOf(s.master, request)), 30000);
    const QJsonObject lost = lastBuildOf(s.master, request);
    QCOMPARE(lost.value(u"result"_s).toString(), u"retry"_s);
    const QString lostId = QString::number(qint64(lost.value(u"id"_s).toDouble()));
    const MasterProcess::CtlResult log = s.master.ctl({u"log"_s, lostId, u"--json"_s});
    QCOMPARE(stepResult(log.json, u"slow"_s), u"exception"_s);
    QVERIFY(logTexts(log.json).value(u"slow/header"_s).contains(u"worker 'bot-k' lost at"_s));

    // The request is back in the queue, once retried.
    QJsonObject queued;
    for (const QJsonValue& v : builds(s.master))
        if (v.toObject().value(u"state"_s).toString() == u"queued"_s)
            queued = v.toObject();
    QCOMPARE(qint64(queued.value(u"request"_s).toDouble()), request);
    QCOMPARE(queued.value(u"retries"_s).toInt(), 1);

    // The worker comes back: the request runs again and completes.
    QVERIFY(s.worker->start());
    QVERIFY(s.master.waitForState(u"bot-k"_s, u"connected"_s, AttachTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(buildsOfRequest(s.master, request).size() == 2 &&
                                 finished(lastBuildOf(s.master, request)),
                             BuildTimeoutMs);
    QCOMPARE(lastBuildOf(s.master, request).value(u"result"_s).toString(), u"success"_s);
}

void TestBuilds::masterKilledMidBuild()
{
    const QJsonArray steps{shellStep(u"long"_s, u"sleep 30"_s)};
    Setup s(configWith({workerEntry(u"bot-r"_s, {{u"max_builds"_s, 1}})},
                       {builder(u"r1"_s, u"bot-r"_s, steps)}),
            u"bot-r"_s);
    QVERIFY(s.ready(u"bot-r"_s));
    const qint64 first = force(s.master, u"r1"_s);
    const qint64 second = force(s.master, u"r1"_s);
    QTRY_COMPARE_WITH_TIMEOUT(lastBuildOf(s.master, first).value(u"state"_s).toString(),
                              u"running"_s, 30000);
    const qint64 interrupted = qint64(lastBuildOf(s.master, first).value(u"id"_s).toDouble());
    QTest::qWait(300); // past the storage batch: the start is committed

    QCOMPARE(::kill(pid_t(s.master.pid()), SIGKILL), 0);
    s.master.stop(10000);
    s.worker->stop(); // the master comes back on another port
    QVERIFY(s.master.start());

    // The interrupted build is marked, both requests wait, the interrupted first.
    QJsonObject marked;
    QList<qint64> queued;
    for (const QJsonValue& v : builds(s.master)) {
        const QJsonObject b = v.toObject();
        if (qint64(b.value(u"id"_s).toDouble()) == interrupted)
            marked = b;
        if (b.value(u"state"_s).toString() == u"queued"_s)
            queued << qint64(b.value(u"request"_s).toDouble());
    }
    QCOMPARE(marked.value(u"result"_s).toString(), u"exception"_s);
    QCOMPARE(queued, (QList<qint64>{first, second}));
    const MasterProcess::CtlResult log =
        s.master.ctl({u"log"_s, QString::number(interrupted), u"--json"_s});
    QCOMPARE(stepResult(log.json, u"long"_s), u"exception"_s);
    bool said = false;
    for (const QString& text : logTexts(log.json))
        said = said || text.contains(u"master restarted during the build"_s);
    QVERIFY(said);
}

void TestBuilds::reloadAddsBuilderFolders()
{
    // An upload of a file the worker does not have fails the step (and halts the build).
    const QJsonArray steps{shellStep(u"first"_s, u"echo one"_s),
                           QJsonObject{{u"type"_s, u"upload"_s},
                                       {u"worker_src"_s, u"out.bin"_s},
                                       {u"master_dest"_s, u"out.bin"_s}},
                           shellStep(u"last"_s, u"echo never"_s)};
    const QJsonObject before = configWith({workerEntry(u"bot-l"_s)}, {});
    Setup s(before, u"bot-l"_s);
    QVERIFY(s.ready(u"bot-l"_s));
    QVERIFY(!QFileInfo(s.worker->dir() + u"/later/sub"_s).exists());

    QJsonObject after = configWith({workerEntry(u"bot-l"_s)}, {});
    QJsonObject b = builder(u"later"_s, u"bot-l"_s, steps);
    b.insert(u"builddir"_s, u"later/sub"_s);
    after.insert(u"builders"_s, QJsonArray{b});
    s.master.rewriteConfig(after);
    const MasterProcess::CtlResult reload = s.master.ctl({u"reload"_s});
    QVERIFY2(reload.exitCode == 0, reload.err.constData());
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(s.worker->dir() + u"/later/sub"_s).isDir(), 20000);

    const qint64 request = force(s.master, u"later"_s);
    QTRY_VERIFY_WITH_TIMEOUT(finished(lastBuildOf(s.master, request)), BuildTimeoutMs);
    const QJsonObject build = lastBuildOf(s.master, request);
    QCOMPARE(build.value(u"result"_s).toString(), u"failure"_s);
    const MasterProcess::CtlResult log = s.master.ctl(
        {u"log"_s, QString::number(qint64(build.value(u"id"_s).toDouble())), u"--json"_s});
    QCOMPARE(stepResult(log.json, u"first"_s), u"success"_s);
    QCOMPARE(stepResult(log.json, u"upload"_s), u"failure"_s);
    QCOMPARE(stepResult(log.json, u"last"_s), u"skipped"_s);
    QVERIFY(logTexts(log.json)
                .value(u"upload/header"_s)
                .contains(u"/later/sub/build/out.bin failed"_s));
    // The shell step ran in the builder's folder.
    QVERIFY(logTexts(log.json).value(u"first/header"_s).contains(u"/later/sub/build"_s));
}

void TestBuilds::unknownBuilder()
{
    Setup s(configWith({workerEntry(u"bot-u"_s)},
                       {builder(u"real"_s, u"bot-u"_s, {shellStep(u"x"_s, u"true"_s)})}),
            u"bot-u"_s);
    const MasterProcess::CtlResult r = s.master.ctl({u"force"_s, u"nosuch"_s});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("unknown builder 'nosuch'"), r.err.constData());
    QVERIFY(r.err.contains("real"));
    // Nothing was queued.
    QVERIFY(builds(s.master).isEmpty());
    // Bad ids are usage errors; unknown ones are refused.
    QCOMPARE(s.master.ctl({u"log"_s, u"abc"_s}).exitCode, 2);
    QCOMPARE(s.master.ctl({u"log"_s, u"999"_s}).exitCode, 1);
    QCOMPARE(s.master.ctl({u"stop"_s, u"999"_s}).exitCode, 1);
}

QTEST_GUILESS_MAIN(TestBuilds)
#include "tst_builds.moc"
