// The "builders" section: every bad input gives the expected error at its
// place, all problems are reported at once, good inputs give the expected
// values and defaults.
#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace ym;
using namespace Qt::StringLiterals;

// Raw strings use the delimiter j: moc 6.4 misreads R"(...)" whose text starts
// or ends with a quote, and then finds no test class.

namespace {

const QString Origin = QStringLiteral("test.json");

const QByteArray Workers = R"j("workers": [{"name": "bot-1", "password": {"env": "P"}},
                                          {"name": "bot-2", "password": {"env": "P"}}])j";

// A config with workers bot-1 and bot-2 and one builder made of `fields`.
QByteArray builder(const QByteArray& fields)
{
    return "{" + Workers + R"j(, "builders": [{)j" + fields + "}]}";
}

// A builder "b" on bot-1 with one step made of `fields`.
QByteArray withStep(const QByteArray& fields)
{
    return builder(R"j("name": "b", "workernames": ["bot-1"], "steps": [{)j" + fields + "}]");
}

QByteArray shell(const QByteArray& fields)
{
    return withStep(R"j("type": "shell", "command": "make")j" +
                    (fields.isEmpty() ? QByteArray() : ", " + fields));
}

QByteArray upload(const QByteArray& fields)
{
    return withStep(R"j("type": "upload", "worker_src": "out.bin", "master_dest": "b/out.bin")j" +
                    (fields.isEmpty() ? QByteArray() : ", " + fields));
}

QByteArray download(const QByteArray& fields)
{
    return withStep(R"j("type": "download", "master_src": "in.bin", "worker_dest": "in.bin")j" +
                    (fields.isEmpty() ? QByteArray() : ", " + fields));
}

const QString S = QStringLiteral("builders[0].steps[0].");

} // namespace

class TestConfigBuilders final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badInput_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected"); // the whole error: "place: message"
        const auto row = [](const char* tag, const QByteArray& json, const QString& expected) {
            QTest::newRow(tag) << json << expected;
        };
        const QByteArray ok =
            R"j("workernames": ["bot-1"], "steps": [{"type": "shell", "command": "make"}])j";

        // the list and the builder
        row("builders not list", R"j({"builders": {}})j",
            u"builders: must be a list of builders"_s);
        row("builder not object", R"j({"builders": ["b"]})j", u"builders[0]: must be an object"_s);
        row("unknown top key", R"j({"builder": []})j",
            u"builder: unknown key (did you mean 'builders'?)"_s);
        row("unknown builder key", builder(R"j("name": "b", "builddirr": "x", )j" + ok),
            u"builders[0].builddirr: unknown key (did you mean 'builddir'?)"_s);
        row("name missing", builder(ok),
            u"builders[0].name: missing (every builder needs a name)"_s);
        row("name empty", builder(R"j("name": "", )j" + ok),
            u"builders[0].name: must not be empty"_s);
        row("name number", builder(R"j("name": 3, )j" + ok),
            u"builders[0].name: must be a string (the builder's name)"_s);
        row("name with slash", builder(R"j("name": "a/b", )j" + ok),
            u"builders[0].name: 'a/b' may contain only letters, digits, '.', '_' and '-'"_s);
        row("name too long", builder("\"name\": \"" + QByteArray(101, 'n') + "\", " + ok),
            u"builders[0].name: is longer than 100 characters"_s);
        row("duplicate name", "{" + Workers + R"j(, "builders": [
                {"name": "a", "workernames": ["bot-1"], "steps": [{"type": "shell", "command": "x"}]},
                {"name": "a", "workernames": ["bot-2"], "steps": [{"type": "shell", "command": "y"}]}]})j",
            u"builders[1].name: duplicate builder name 'a' (also builders[0])"_s);
        row("properties list", builder(R"j("name": "b", "properties": [], )j" + ok),
            u"builders[0].properties: must be an object"_s);

        // workernames
        const QByteArray steps = R"j(, "steps": [{"type": "shell", "command": "make"}])j";
        row("workernames missing", builder(R"j("name": "b")j" + steps),
            u"builders[0].workernames: missing (the workers that may run this builder)"_s);
        row("workernames string", builder(R"j("name": "b", "workernames": "bot-1")j" + steps),
            u"builders[0].workernames: must be a list of worker names"_s);
        row("workernames empty", builder(R"j("name": "b", "workernames": [])j" + steps),
            u"builders[0].workernames: must not be empty (name at least one worker)"_s);
        row("workernames number", builder(R"j("name": "b", "workernames": ["bot-1", 2])j" + steps),
            u"builders[0].workernames[1]: must be a string (a worker's name)"_s);
        row("unknown worker, close",
            builder(R"j("name": "b", "workernames": ["bot-1", "bot-x"])j" + steps),
            u"builders[0].workernames[1]: unknown worker 'bot-x' (did you mean 'bot-1'?)"_s);
        row("unknown worker", builder(R"j("name": "b", "workernames": ["zeta"])j" + steps),
            u"builders[0].workernames[0]: unknown worker 'zeta'"_s);
        row("unknown worker, no workers",
            R"j({"builders": [{"name": "b", "workernames": ["bot-1"], "steps": [{"type": "shell", "command": "make"}]}]})j",
            u"builders[0].workernames[0]: unknown worker 'bot-1'"_s);
        row("worker named twice",
            builder(R"j("name": "b", "workernames": ["bot-1", "bot-2", "bot-1"])j" + steps),
            u"builders[0].workernames[2]: worker 'bot-1' is named twice (also builders[0].workernames[0])"_s);

        // builddir
        const auto dir = [&](const QByteArray& value) {
            return builder(R"j("name": "b", "builddir": )j" + value + ", " + ok);
        };
        const QString bd = u"builders[0].builddir: "_s;
        row("builddir absolute", dir(R"j("/srv/b")j"),
            bd + u"'/srv/b' must be a relative path (it is joined with the worker's basedir)"_s);
        row("builddir drive", dir(R"j("C:/b")j"),
            bd + u"'C:/b' must be a relative path (it is joined with the worker's basedir)"_s);
        row("builddir dotdot", dir(R"j("a/../b")j"), bd + u"'a/../b' must not have a '..' part"_s);
        row("builddir double slash", dir("\"a//b\""),
            bd + u"'a//b' has an empty part (a leading, trailing or doubled '/')"_s);
        row("builddir trailing slash", dir(R"j("a/")j"),
            bd + u"'a/' has an empty part (a leading, trailing or doubled '/')"_s);
        row("builddir dot", dir(R"j(".")j"), bd + u"'.' must not have a '.' part"_s);
        row("builddir backslash", dir(R"j("a\\b")j"),
            bd + u"'a\\b' must use '/' between its parts, not '\\'"_s);
        row("builddir empty", dir(R"j("")j"), bd + u"must not be empty"_s);
        row("builddir control", dir(R"j("a\u0001")j"),
            bd + u"must not contain control characters"_s);
        row("builddir number", dir("5"), bd + u"must be a string (a relative path)"_s);
        row("builddir shared", "{" + Workers + R"j(, "builders": [
                {"name": "a", "workernames": ["bot-1"], "steps": [{"type": "shell", "command": "x"}]},
                {"name": "b", "builddir": "a", "workernames": ["bot-2"], "steps": [{"type": "shell", "command": "y"}]}]})j",
            u"builders[1].builddir: 'a' is also the builddir of builders[0]; every builder needs its own"_s);

        // steps
        const QByteArray named = R"j("name": "b", "workernames": ["bot-1"])j";
        row("steps missing", builder(named),
            u"builders[0].steps: missing (a builder needs at least one step)"_s);
        row("steps object", builder(named + R"j(, "steps": {})j"),
            u"builders[0].steps: must be a list of steps"_s);
        row("steps empty", builder(named + R"j(, "steps": [])j"),
            u"builders[0].steps: must not be empty (a builder needs at least one step)"_s);
        row("step not object", builder(named + R"j(, "steps": ["make"])j"),
            u"builders[0].steps[0]: must be an object"_s);
        row("type missing", withStep(R"j("command": "make")j"),
            S + u"type: missing (the kind of step: shell, upload or download)"_s);
        row("type unknown", withStep(R"j("type": "shel", "command": "make")j"),
            S + u"type: 'shel' is not a step type (one of shell, upload or download)"_s);
        row("type number", withStep(R"j("type": 1)j"),
            S + u"type: must be a string (shell, upload or download)"_s);
        row("shell typo", shell(R"j("halt_on_failur": true)j"),
            S + u"halt_on_failur: unknown key (did you mean 'halt_on_failure'?)"_s);
        row("upload with env", upload(R"j("env": {})j"), S + u"env: unknown key"_s);
        row("step name empty", shell(R"j("name": " ")j"), S + u"name: must not be empty"_s);
        row("step name number", shell(R"j("name": 1)j"),
            S + u"name: must be a string (the step's name)"_s);
        row("step name too long", shell("\"name\": \"" + QByteArray(101, 's') + "\""),
            S + u"name: is longer than 100 characters"_s);
        row("step name duplicate",
            builder(named + R"j(, "steps": [{"type": "shell", "name": "x", "command": "a"},
                                          {"type": "shell", "command": "x"},
                                          {"type": "upload", "name": "x", "worker_src": "f", "master_dest": "f"}])j"),
            u"builders[0].steps[2].name: duplicate step name 'x' (also builders[0].steps[0])"_s);
        row("workdir absolute", shell(R"j("workdir": "/tmp")j"),
            S + u"workdir: '/tmp' must be a relative path (it is joined with the builder's directory)"_s);
        row("workdir dotdot", upload(R"j("workdir": "..")j"),
            S + u"workdir: '..' must not have a '..' part"_s);
        row("halt_on_failure number", download(R"j("halt_on_failure": 1)j"),
            S + u"halt_on_failure: must be true or false"_s);

        // shell
        row("command missing", withStep(R"j("type": "shell")j"),
            S + u"command: missing (the command to run: a string or a list of strings)"_s);
        row("command empty", withStep(R"j("type": "shell", "command": "  ")j"),
            S + u"command: must not be empty"_s);
        row("command empty list", withStep(R"j("type": "shell", "command": [])j"),
            S + u"command: must not be empty (the first item is the program to run)"_s);
        row("command number", withStep(R"j("type": "shell", "command": 5)j"),
            S + u"command: must be a string (run by the shell) or a list of strings (run directly)"_s);
        row("command item number", withStep(R"j("type": "shell", "command": ["ls", 5])j"),
            S + u"command[1]: must be a string"_s);
        row("command program empty", withStep(R"j("type": "shell", "command": ["", "x"])j"),
            S + u"command[0]: must not be empty (the program to run)"_s);
        row("env list", shell(R"j("env": [])j"),
            S + u"env: must be an object (variable names to values)"_s);
        row("env value number", shell(R"j("env": {"A": 1})j"),
            S + u"env.\"A\": must be a string, null (removes the variable) or a list of strings (joined with the worker's path separator)"_s);
        row("env list item", shell(R"j("env": {"PATH": ["/bin", false]})j"),
            S + u"env.\"PATH\"[1]: must be a string"_s);
        row("env bad name", shell(R"j("env": {"A=B": "x"})j"),
            S + u"env.\"A=B\": is not an environment variable name (it must not be empty or contain '=')"_s);
        const QString secondsOrNull =
            u": must be a positive integer (seconds, at most 2000000) or null"_s;
        row("timeout zero", shell(R"j("timeout": 0)j"), S + u"timeout"_s + secondsOrNull);
        row("timeout string", shell(R"j("timeout": "20m")j"), S + u"timeout"_s + secondsOrNull);
        row("max_time negative", shell(R"j("max_time": -1)j"), S + u"max_time"_s + secondsOrNull);
        row("sigterm_time fraction", shell(R"j("sigterm_time": 1.5)j"),
            S + u"sigterm_time"_s + secondsOrNull);
        row("want_stdout string", shell(R"j("want_stdout": "yes")j"),
            S + u"want_stdout: must be true or false"_s);
        row("want_stderr null", shell(R"j("want_stderr": null)j"),
            S + u"want_stderr: must be true or false"_s);
        row("use_pty number", shell(R"j("use_pty": 0)j"), S + u"use_pty: must be true or false"_s);
        row("log_environ string", shell(R"j("log_environ": "false")j"),
            S + u"log_environ: must be true or false"_s);
        row("decode_rc list", shell(R"j("decode_rc": [])j"),
            S + u"decode_rc: must be an object (exit codes to results)"_s);
        const QString rcKey = u": key must be an integer exit code"_s;
        row("decode_rc key word", shell(R"j("decode_rc": {"x": "warnings"})j"),
            S + u"decode_rc.\"x\""_s + rcKey);
        row("decode_rc key fraction", shell(R"j("decode_rc": {"1.5": "warnings"})j"),
            S + u"decode_rc.\"1.5\""_s + rcKey);
        row("decode_rc key too big", shell(R"j("decode_rc": {"4294967296": "warnings"})j"),
            S + u"decode_rc.\"4294967296\""_s + rcKey);
        row("decode_rc key empty", shell(R"j("decode_rc": {"": "warnings"})j"),
            S + u"decode_rc.\"\""_s + rcKey);
        const QString results = u": must be one of success, warnings, failure, exception"_s;
        row("decode_rc typo", shell(R"j("decode_rc": {"3": "warning"})j"),
            S + u"decode_rc.\"3\""_s + results);
        row("decode_rc skipped", shell(R"j("decode_rc": {"3": "skipped"})j"),
            S + u"decode_rc.\"3\""_s + results);
        row("decode_rc cancelled", shell(R"j("decode_rc": {"3": "cancelled"})j"),
            S + u"decode_rc.\"3\""_s + results);
        row("decode_rc number value", shell(R"j("decode_rc": {"3": 1})j"),
            S + u"decode_rc.\"3\""_s + results);
        row("decode_rc same code twice",
            shell(R"j("decode_rc": {"3": "warnings", "03": "failure"})j"),
            S + u"decode_rc.\"3\": exit code 3 is also given as \"03\""_s);
        row("interrupt_signal INT", shell(R"j("interrupt_signal": "INT")j"),
            S + u"interrupt_signal: must be \"KILL\" or \"TERM\""_s);
        row("interrupt_signal lower case", shell(R"j("interrupt_signal": "kill")j"),
            S + u"interrupt_signal: must be \"KILL\" or \"TERM\""_s);
        row("initial_stdin number", shell(R"j("initial_stdin": 5)j"),
            S + u"initial_stdin: must be a string or null"_s);
        row("logfiles list", shell(R"j("logfiles": ["a"])j"),
            S + u"logfiles: must be an object (log names to files on the worker)"_s);
        row("logfiles stdio", shell(R"j("logfiles": {"stdio": "out.txt"})j"),
            S + u"logfiles.\"stdio\": the log name 'stdio' is taken by the step's own output"_s);
        row("logfiles empty name", shell(R"j("logfiles": {"": "out.txt"})j"),
            S + u"logfiles.\"\": a log name must not be empty or contain control characters"_s);
        row("logfiles empty file", shell(R"j("logfiles": {"test": ""})j"),
            S + u"logfiles.\"test\": must be a file on the worker (a non-empty string)"_s);
        row("logfiles number", shell(R"j("logfiles": {"test": 1})j"),
            S + u"logfiles.\"test\": must be a file on the worker (a non-empty string)"_s);

        // upload
        row("worker_src missing", withStep(R"j("type": "upload", "master_dest": "x")j"),
            S + u"worker_src: missing (the file on the worker, relative to workdir or absolute)"_s);
        row("worker_src empty", upload(R"j("worker_src": "")j"),
            S + u"worker_src: must not be empty"_s);
        row("master_dest missing", withStep(R"j("type": "upload", "worker_src": "x")j"),
            S + u"master_dest: missing (where the file goes, relative to the master's artifact directory)"_s);
        row("master_dest dotdot", upload(R"j("master_dest": "a/../../etc/passwd")j"),
            S + u"master_dest: 'a/../../etc/passwd' must not have a '..' part"_s);
        row("master_dest absolute", upload(R"j("master_dest": "/etc/passwd")j"),
            S + u"master_dest: '/etc/passwd' must be a relative path (it is a path under the master's artifact directory)"_s);
        row("master_dest dot", upload(R"j("master_dest": ".")j"),
            S + u"master_dest: '.' must not have a '.' part"_s);
        row("maxsize zero", upload(R"j("maxsize": 0)j"),
            S + u"maxsize: must be a positive integer (bytes) or null"_s);
        row("maxsize string", download(R"j("maxsize": "5M")j"),
            S + u"maxsize: must be a positive integer (bytes) or null"_s);
        row("blocksize zero", upload(R"j("blocksize": 0)j"),
            S + u"blocksize: must be a positive integer (bytes, at most 67108864)"_s);
        row("blocksize too big", download(R"j("blocksize": 67108865)j"),
            S + u"blocksize: must be a positive integer (bytes, at most 67108864)"_s);
        row("blocksize null", upload(R"j("blocksize": null)j"),
            S + u"blocksize: must be a positive integer (bytes, at most 67108864)"_s);
        const QString modeError = u"mode: must be null or an octal mode string such as \"0644\""_s;
        row("mode number", upload(R"j("mode": 644)j"), S + modeError);
        row("mode not octal", download(R"j("mode": "0999")j"), S + modeError);
        row("mode too long", download(R"j("mode": "00644")j"), S + modeError);
        row("mode letters", upload(R"j("mode": "rw-r--r--")j"), S + modeError);
        row("keepstamp string", upload(R"j("keepstamp": "no")j"),
            S + u"keepstamp: must be true or false"_s);
        row("download with keepstamp", download(R"j("keepstamp": true)j"),
            S + u"keepstamp: unknown key"_s);

        // download
        row("master_src missing", withStep(R"j("type": "download", "worker_dest": "x")j"),
            S + u"master_src: missing (the file on the master, absolute or relative to the config file's folder)"_s);
        row("master_src number", download(R"j("master_src": 1)j"),
            S + u"master_src: must be a string (the file on the master, absolute or relative to the config file's folder)"_s);
        row("worker_dest missing", withStep(R"j("type": "download", "master_src": "x")j"),
            S + u"worker_dest: missing (where the file goes on the worker, relative to workdir or absolute)"_s);
        row("worker_dest empty", download(R"j("worker_dest": "")j"),
            S + u"worker_dest: must not be empty"_s);

        // master.artifacts_dir
        row("artifacts_dir number", R"j({"master": {"artifacts_dir": 1}})j",
            u"master.artifacts_dir: must be a string (a path; \"\" for the default)"_s);
        row("artifacts_dir typo", R"j({"master": {"artifact_dir": ""}})j",
            u"master.artifact_dir: unknown key (did you mean 'artifacts_dir'?)"_s);
    }

    void badInput()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors, QStringList{expected});
    }

    // A worker removed while a builder still names it: reported with every
    // other problem of the same load.
    void removedWorkerWithOtherErrors()
    {
        const QByteArray json = R"j({
            "workers": [{"name": "bot-1", "password": {"env": "P"}, "max_builds": 0}],
            "builders": [
                {"name": "a", "workernames": ["bot-1", "bot-gone"],
                 "steps": [{"type": "shell", "command": "make", "timeout": 0}]},
                {"name": "b", "workernames": ["bot-gone"],
                 "steps": [{"type": "upload", "worker_src": "f", "master_dest": "../f"}]}
            ]
        })j";
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY(!r.ok());
        const QStringList expected{
            u"workers[0].max_builds: must be a positive integer or null"_s,
            u"builders[0].workernames[1]: unknown worker 'bot-gone'"_s,
            u"builders[0].steps[0].timeout: must be a positive integer (seconds, at most 2000000) or null"_s,
            u"builders[1].workernames[0]: unknown worker 'bot-gone'"_s,
            u"builders[1].steps[0].master_dest: '../f' must not have a '..' part"_s,
        };
        QCOMPARE(r.errors, expected);
    }

    // A worker whose own entry has an error is still a known name.
    void brokenWorkerIsStillKnown()
    {
        const QByteArray json = R"j({
            "workers": [{"name": "bot-1"}],
            "builders": [{"name": "a", "workernames": ["bot-1"],
                          "steps": [{"type": "shell", "command": "make"}]}]})j";
        const ConfigLoadResult r = parseConfig(json, Origin);
        QCOMPARE(
            r.errors,
            QStringList{
                u"workers[0].password: missing (every worker needs a password, e.g. {\"secret\": \"worker/NAME\"})"_s});
    }

    void fullBuilder()
    {
        const QByteArray json = "{" + Workers + R"j(, "builders": [
            {"name": "linux-debug", "workernames": ["bot-2", "bot-1"], "builddir": "dbg/linux",
             "properties": {"arch": "x86_64"},
             "steps": [
                {"type": "shell", "name": "configure", "command": ["cmake", "-S", "", "-B", "b"],
                 "workdir": "src/sub", "env": {"CC": "gcc", "GONE": null, "PATH": ["/opt/bin", "/usr/bin"]},
                 "timeout": null, "max_time": 3600, "want_stdout": false, "want_stderr": false,
                 "halt_on_failure": false, "decode_rc": {"3": "warnings", "-1": "exception", "0": "failure", "4": "success"},
                 "interrupt_signal": "TERM", "sigterm_time": 5, "use_pty": true, "log_environ": false,
                 "initial_stdin": "yes\n", "logfiles": {"test": "build/test.log"}},
                {"type": "upload", "name": "fetch", "worker_src": "/tmp/out.bin", "master_dest": "linux/out.bin",
                 "workdir": ".", "maxsize": 5000000, "blocksize": 1024, "mode": "640", "keepstamp": true,
                 "halt_on_failure": false},
                {"type": "download", "master_src": "files/in.bin", "worker_dest": "C:\\in.bin",
                 "maxsize": null, "blocksize": 67108864, "mode": "4755"}
             ]},
            {"name": "minimal", "workernames": ["bot-1"],
             "steps": [{"type": "shell", "command": "make all"}]}
        ]})j";
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        const MasterConfig& c = *r.config;
        QCOMPARE(c.builders.size(), 2);
        const BuilderConfig* b = c.findBuilder(u"linux-debug"_s);
        QVERIFY(b);
        QCOMPARE(b->workernames, (QStringList{u"bot-2"_s, u"bot-1"_s})); // order kept
        QCOMPARE(b->builddir, u"dbg/linux"_s);
        QCOMPARE(b->properties.value(u"arch"_s).toString(), u"x86_64"_s);
        QCOMPARE(b->steps.size(), 3);

        const StepConfig& configure = b->steps[0];
        QCOMPARE(configure.type(), StepConfig::Type::Shell);
        QCOMPARE(configure.name, u"configure"_s);
        QCOMPARE(configure.workdir, u"src/sub"_s);
        QVERIFY(!configure.haltOnFailure);
        const ShellStep* sh = configure.shell();
        QVERIFY(sh);
        QVERIFY(sh->commandIsList());
        QCOMPARE(std::get<QStringList>(sh->command),
                 (QStringList{u"cmake"_s, u"-S"_s, QString(), u"-B"_s, u"b"_s}));
        QCOMPARE(sh->env.size(), 3);
        QCOMPARE(sh->env.value(u"CC"_s), EnvValue::value(u"gcc"_s));
        QCOMPARE(sh->env.value(u"GONE"_s), EnvValue::unset());
        QCOMPARE(sh->env.value(u"PATH"_s), EnvValue::pathList({u"/opt/bin"_s, u"/usr/bin"_s}));
        QCOMPARE(sh->timeout, std::nullopt);
        QCOMPARE(sh->maxTime, std::optional<int>(3600));
        QVERIFY(!sh->wantStdout);
        QVERIFY(!sh->wantStderr);
        QCOMPARE(sh->decodeRc.size(), 4);
        QCOMPARE(sh->resultFor(3), StepResult::Warnings);
        QCOMPARE(sh->resultFor(-1), StepResult::Exception);
        QCOMPARE(sh->resultFor(0), StepResult::Failure); // decode_rc overrides 0 too
        QCOMPARE(sh->resultFor(4), StepResult::Success);
        QCOMPARE(sh->resultFor(1), StepResult::Failure);
        QCOMPARE(sh->interruptSignal, ShellStep::Signal::Term);
        QCOMPARE(sh->sigtermTime, std::optional<int>(5));
        QVERIFY(sh->usePty);
        QVERIFY(!sh->logEnviron);
        QCOMPARE(sh->initialStdin, std::optional<QString>(u"yes\n"_s));
        QCOMPARE(sh->logfiles.value(u"test"_s), u"build/test.log"_s);

        const StepConfig& fetch = b->steps[1];
        QCOMPARE(fetch.type(), StepConfig::Type::Upload);
        QCOMPARE(fetch.workdir, u"."_s);
        QVERIFY(!fetch.haltOnFailure);
        const UploadStep* up = fetch.upload();
        QVERIFY(up);
        QCOMPARE(up->workerSrc, u"/tmp/out.bin"_s);
        QCOMPARE(up->masterDest, u"linux/out.bin"_s);
        QCOMPARE(up->maxsize, std::optional<qint64>(5000000));
        QCOMPARE(up->blocksize, 1024);
        QCOMPARE(up->mode, std::optional<int>(0640));
        QVERIFY(up->keepstamp);

        const StepConfig& dl = b->steps[2];
        QCOMPARE(dl.type(), StepConfig::Type::Download);
        QCOMPARE(dl.name, u"download"_s);
        QCOMPARE(dl.workdir, u"build"_s);
        QVERIFY(dl.haltOnFailure);
        const DownloadStep* down = dl.download();
        QVERIFY(down);
        QCOMPARE(down->masterSrc, u"files/in.bin"_s);
        QCOMPARE(down->workerDest, u"C:\\in.bin"_s);
        QCOMPARE(down->maxsize, std::nullopt);
        QCOMPARE(down->blocksize, 67108864);
        QCOMPARE(down->mode, std::optional<int>(04755));
        QCOMPARE(c.resolvePath(down->masterSrc),
                 QDir::current().absoluteFilePath(u"files/in.bin"_s));

        // Defaults.
        const BuilderConfig* m = c.findBuilder(u"minimal"_s);
        QVERIFY(m);
        QCOMPARE(m->builddir, u"minimal"_s);
        QCOMPARE(m->effectiveBuilddir(), u"minimal"_s);
        QCOMPARE(m->properties, QJsonObject());
        const StepConfig& make = m->steps.at(0);
        QCOMPARE(make.name, u"make"_s);
        QCOMPARE(make.workdir, u"build"_s);
        QVERIFY(make.haltOnFailure);
        QCOMPARE(m->findStep(u"make"_s), &make);
        QCOMPARE(m->findStep(u"nope"_s), nullptr);
        const ShellStep& d = *make.shell();
        QVERIFY(!d.commandIsList());
        QCOMPARE(std::get<QString>(d.command), u"make all"_s);
        QVERIFY(d.env.isEmpty());
        QCOMPARE(d.timeout, std::optional<int>(1200));
        QCOMPARE(d.maxTime, std::nullopt);
        QVERIFY(d.wantStdout);
        QVERIFY(d.wantStderr);
        QVERIFY(d.decodeRc.isEmpty());
        QCOMPARE(d.resultFor(0), StepResult::Success);
        QCOMPARE(d.resultFor(2), StepResult::Failure);
        QCOMPARE(d.interruptSignal, ShellStep::Signal::Kill);
        QCOMPARE(d.sigtermTime, std::nullopt);
        QVERIFY(!d.usePty);
        QVERIFY(d.logEnviron);
        QCOMPARE(d.initialStdin, std::nullopt);
        QVERIFY(d.logfiles.isEmpty());
        QCOMPARE(c.findBuilder(u"nobody"_s), nullptr);

        const UploadStep u;
        QCOMPARE(u.blocksize, 262144);
        QCOMPARE(u.maxsize, std::nullopt);
        QCOMPARE(u.mode, std::nullopt);
        QVERIFY(!u.keepstamp);
    }

    // Steps without a name get the first word of their command (or their type),
    // made unique with _2, _3...; a given name is never taken by a generated one.
    void defaultStepNames()
    {
        const QByteArray json = builder(R"j("name": "b", "workernames": ["bot-1"], "steps": [
            {"type": "shell", "command": "  make -j2 all"},
            {"type": "shell", "command": ["make", "install"]},
            {"type": "shell", "command": "make check"},
            {"type": "shell", "name": "make_2", "command": "true"},
            {"type": "upload", "worker_src": "a", "master_dest": "a"},
            {"type": "upload", "worker_src": "b", "master_dest": "b"},
            {"type": "download", "master_src": "c", "worker_dest": "c"},
            {"type": "shell", "command": ["/usr/bin/env", "x"]},
            {"type": "shell", "name": "upload", "command": "echo"}])j");
        const ConfigLoadResult r = parseConfig(json, Origin);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        QStringList names;
        for (const StepConfig& s : r.config->builders.at(0).steps)
            names << s.name;
        QCOMPARE(names,
                 (QStringList{u"make"_s, u"make_3"_s, u"make_4"_s, u"make_2"_s, u"upload_2"_s,
                              u"upload_3"_s, u"download"_s, u"/usr/bin/env"_s, u"upload"_s}));
    }

    void artifactsDir()
    {
        QTemporaryDir xdg;
        QVERIFY(xdg.isValid());
        const QByteArray saved = qgetenv("XDG_DATA_HOME");
        qputenv("XDG_DATA_HOME", QFile::encodeName(xdg.path()));
        MasterConfig c;
        const QString byDefault = c.effectiveArtifactsDir();
        qputenv("XDG_DATA_HOME", saved);
        QCOMPARE(byDefault, xdg.path() + u"/yardmaster/artifacts"_s);

        const ConfigLoadResult r =
            parseConfig(R"j({"master": {"artifacts_dir": "art"}})j", u"/srv/farm/ci.json"_s);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        QCOMPARE(r.config->master.artifactsDir, u"art"_s);
        QCOMPARE(r.config->effectiveArtifactsDir(), u"/srv/farm/art"_s);
        c.master.artifactsDir = u"/var/lib/ym/artifacts"_s;
        QCOMPARE(c.effectiveArtifactsDir(), u"/var/lib/ym/artifacts"_s);
    }

    void resultNames()
    {
        for (StepResult result : {StepResult::Success, StepResult::Warnings, StepResult::Failure,
                                  StepResult::Exception})
            QCOMPARE(stepResultFromName(QString(stepResultName(result))), std::optional(result));
        QCOMPARE(stepResultName(StepResult::Warnings), QLatin1StringView("warnings"));
        QCOMPARE(stepResultFromName(u"retry"), std::nullopt);
        QCOMPARE(stepTypeName(StepConfig::Type::Download), QLatin1StringView("download"));
    }
};

QTEST_GUILESS_MAIN(TestConfigBuilders)
#include "tst_config_builders.moc"
