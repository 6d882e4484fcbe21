// Config saving: load -> save -> load gives an equal config, the text is
// stable, and a failed save leaves the old file whole.
#include "config/ConfigKeys.h"
#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace ym;
using namespace Qt::StringLiterals;

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

mode_t modeOf(const QString& path)
{
    struct stat st
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

} // namespace

class TestConfigRoundtrip final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundtrip_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("empty") << QByteArray("{}");
        QTest::newRow("no workers") << QByteArray(R"j({"master": {"title": "T", "io_threads": 3,
            "protocols": {"msgpack": {"enabled": false, "port": 0, "bind": "127.0.0.1"}}},
            "workers": []})j");
        QTest::newRow("every password form") << QByteArray(R"j({"workers": [
            {"name": "a", "password": {"secret": "worker/a"}},
            {"name": "b", "password": {"env": "B_PASSWORD"}},
            {"name": "c", "password": )j"
                                                           "\"pl\\\"ain\\\\ text \\u00e9\"}]}");
        QTest::newRow("null semantics") << QByteArray(R"j({"workers": [
            {"name": "a", "password": {"env": "P"}, "max_builds": null, "keepalive_interval": null},
            {"name": "b", "password": {"env": "P"}, "max_builds": 4, "keepalive_interval": 7},
            {"name": "c", "password": {"env": "P"}}]})j");
        QTest::newRow("properties and notify") << QByteArray(R"j({"workers": [
            {"name": "a", "password": {"env": "P"},
             "properties": {"z": [1, 2.5, {"deep": null}], "a": "x", "b": true, "n": {}},
             "notify_on_missing": "one@example.org", "missing_timeout": 5},
            {"name": "b", "password": {"env": "P"},
             "notify_on_missing": ["one@example.org", "two@example.org"]}]})j");
        QTest::newRow("paths and unicode") << QByteArray(R"j({"master": {
            "title": "Ferme \u00e0 builds \ud83d\ude9c", "database": "db/state.sqlite",
            "control_socket": "/run/ym/ctl.sock", "secrets_dir": "~/secrets",
            "ping_interval": 2000000, "ping_timeout": 1}})j");
        QTest::newRow("artifacts dir") << QByteArray(R"j({"master": {"artifacts_dir": "art"}})j");
        QTest::newRow("minimal builder") << QByteArray(R"j({
            "workers": [{"name": "a", "password": {"env": "P"}}],
            "builders": [{"name": "b", "workernames": ["a"],
                          "steps": [{"type": "shell", "command": "make"},
                                    {"type": "shell", "command": "make check"}]}]})j");
        QTest::newRow("every step field")
            << QByteArray(R"j({
            "workers": [{"name": "a", "password": {"env": "P"}}, {"name": "c", "password": {"env": "P"}}],
            "builders": [
             {"name": "b", "workernames": ["c", "a"], "builddir": "x/y",
              "properties": {"k": [1, {"n": null}], "s": "\u00e9"},
              "steps": [
                {"type": "shell", )j"
                          "\"name\": \"conf \\\"igure\\\"\", "
                          "\"command\": [\"sh\", \"-c\", \"echo \\\"$X\\\"\", \"\"],"
                          R"j(
                 "workdir": ".", "env": {"X": "1", "U": null, "P": ["/a", "/b"], "E": [], "O": ["one"]},
                 "timeout": null, "max_time": 60, "want_stdout": false, "want_stderr": false,
                 "halt_on_failure": false, "decode_rc": {"3": "warnings", "-9": "exception", "0": "failure"},
                 "interrupt_signal": "TERM", "sigterm_time": 3, "use_pty": true, "log_environ": false,
                 "initial_stdin": "line\n", "logfiles": {"test log": "t/out.log"}},
                {"type": "shell", "command": "echo hi", "initial_stdin": ""},
                {"type": "upload", "worker_src": "out/a.bin", "master_dest": "b/a.bin", "maxsize": 9007199254740992,
                 "blocksize": 1, "mode": "600", "keepstamp": true, "halt_on_failure": false},
                {"type": "upload", "name": "up", "worker_src": "/abs", "master_dest": "abs"},
                {"type": "download", "master_src": "~/in.bin", "worker_dest": "D:\\in.bin",
                 "maxsize": 1, "blocksize": 67108864, "mode": "4755", "workdir": "w/x"}]},
             {"name": "second", "workernames": ["a"], "steps": [{"type": "download", "master_src": "/f", "worker_dest": "f"}]}]})j");
    }

    void roundtrip()
    {
        QFETCH(QByteArray, json);
        const ConfigLoadResult first = parseConfig(json, u"in.json"_s);
        QVERIFY2(first.ok(), qPrintable(first.errors.join(u'\n')));

        const QByteArray saved = serializeConfig(*first.config);
        const ConfigLoadResult second = parseConfig(saved, u"out.json"_s);
        QVERIFY2(second.ok(),
                 qPrintable(second.errors.join(u'\n') + u'\n' + QString::fromUtf8(saved)));
        QCOMPARE(*second.config, *first.config);
        QCOMPARE(second.warnings.size(), first.warnings.size());
        // Stable: saving again gives the same text.
        QCOMPARE(serializeConfig(*second.config), saved);
    }

    void everyFieldWrittenInOrder()
    {
        MasterConfig c = defaultConfig();
        QVERIFY(c.workers.isEmpty());
        WorkerConfig w;
        w.name = u"bot"_s;
        w.password = {SecretRef::Kind::Secret, u"worker/bot"_s};
        c.workers << w;
        const QByteArray text = serializeConfig(c);

        namespace k = configkeys;
        const auto inOrder = [&](std::initializer_list<QLatin1StringView> keys) {
            qsizetype at = -1;
            for (QLatin1StringView key : keys) {
                const qsizetype next =
                    text.indexOf('"' + QByteArray(key.data(), key.size()) + "\":");
                if (next <= at)
                    return false;
                at = next;
            }
            return true;
        };
        QVERIFY2(
            inOrder({k::Master,          k::Title,          k::Protocols,    k::Msgpack,
                     k::Enabled,         k::Port,           k::Bind,         k::Database,
                     k::ControlSocket,   k::SecretsDir,     k::ArtifactsDir, k::PingInterval,
                     k::PingTimeout,     k::IoThreads,      k::Workers,      k::Name,
                     k::Password,        k::Properties,     k::MaxBuilds,    k::KeepaliveInterval,
                     k::NotifyOnMissing, k::MissingTimeout, k::Builders}),
            text.constData());
        QVERIFY(text.contains("\"builders\": []"));
        // Defaults are written explicitly, nulls included.
        QVERIFY(text.contains("\"max_builds\": null"));
        QVERIFY(text.contains("\"keepalive_interval\": 3600"));
        QVERIFY(text.contains("\"port\": 9989"));
        QVERIFY(text.endsWith("}\n"));
    }

    void everyStepFieldWrittenInOrder()
    {
        MasterConfig c = defaultConfig();
        BuilderConfig b;
        b.name = u"bld"_s;
        b.workernames = QStringList{u"bot"_s};
        StepConfig sh;
        sh.name = u"s"_s;
        ShellStep shellStep;
        shellStep.command = u"make"_s;
        sh.details = shellStep;
        StepConfig up;
        up.name = u"u"_s;
        UploadStep uploadStep;
        uploadStep.workerSrc = u"a"_s;
        uploadStep.masterDest = u"b"_s;
        up.details = uploadStep;
        StepConfig down;
        down.name = u"d"_s;
        DownloadStep downloadStep;
        downloadStep.masterSrc = u"c"_s;
        downloadStep.workerDest = u"d"_s;
        down.details = downloadStep;
        b.steps = {sh, up, down};
        c.builders << b;
        const QByteArray text = serializeConfig(c);

        namespace k = configkeys;
        QList<QByteArray> keys;
        for (QLatin1StringView key :
             {k::Builders,        k::Name,        k::Workernames,   k::Builddir,
              k::Properties,      k::Steps,       k::Type,          k::Command,
              k::Workdir,         k::Env,         k::Timeout,       k::MaxTime,
              k::WantStdout,      k::WantStderr,  k::HaltOnFailure, k::DecodeRc,
              k::InterruptSignal, k::SigtermTime, k::UsePty,        k::LogEnviron,
              k::InitialStdin,    k::Logfiles,    k::WorkerSrc,     k::MasterDest,
              k::Maxsize,         k::Blocksize,   k::Mode,          k::Keepstamp,
              k::MasterSrc,       k::WorkerDest})
            keys << '"' + QByteArray(key.data(), key.size()) + "\":";
        qsizetype at = -1;
        for (const QByteArray& key : std::as_const(keys)) {
            const qsizetype next = text.indexOf(key, at + 1);
            QVERIFY2(next > at, key.constData());
            at = next;
        }
        // Defaults written explicitly.
        QVERIFY(text.contains("\"builddir\": \"bld\""));
        QVERIFY(text.contains("\"timeout\": 1200"));
        QVERIFY(text.contains("\"interrupt_signal\": \"KILL\""));
        QVERIFY(text.contains("\"blocksize\": 262144"));
        QVERIFY(text.contains("\"mode\": null"));

        const ConfigLoadResult back = parseConfig(text, u"x.json"_s);
        QVERIFY(!back.ok()); // "bot" is not a worker of this config
        QCOMPARE(back.errors, QStringList{u"builders[0].workernames[0]: unknown worker 'bot'"_s});
    }

    void saveCreatesFolderOwnerOnly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"a/b/master.json"_s);
        MasterConfig c = defaultConfig();
        c.master.title = u"Saved"_s;
        const Result<void> saved = saveConfigFile(c, path);
        QVERIFY2(saved.ok(), saved.ok() ? "" : qPrintable(saved.error().message));
        QCOMPARE(modeOf(path), mode_t(0600));
        QCOMPARE(modeOf(dir.filePath(u"a/b"_s)), mode_t(0700)); // created owner-only
        QCOMPARE(modeOf(dir.filePath(u"a"_s)), mode_t(0700));

        const ConfigLoadResult back = loadConfigFile(path);
        QVERIFY(back.ok());
        QCOMPARE(*back.config, c);
        QCOMPARE(back.config->sourcePath, path);
        QCOMPARE(QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{u"master.json"_s}); // no temporary file left behind
    }

    void saveReplacesAndTightensPermissions()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"master.json"_s);
        QVERIFY(writeFile(path, "{}"));
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner |
                                                QFile::ReadGroup | QFile::ReadOther));
        MasterConfig c = defaultConfig();
        c.master.pingInterval = 17;
        QVERIFY(saveConfigFile(c, path).ok());
        QCOMPARE(modeOf(path), mode_t(0600));
        const ConfigLoadResult back = loadConfigFile(path);
        QVERIFY(back.ok());
        QCOMPARE(back.config->master.pingInterval, 17);
    }

    // Writing fails half-way (file size limit: works for root too): the old
    // file stays whole and no temporary file is left.
    void failedWriteKeepsOldFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"master.json"_s);
        const QByteArray old = R"j({"master": {"title": "old"}})j";
        QVERIFY(writeFile(path, old));

        MasterConfig c = defaultConfig();
        c.master.title = QString(4000, u'n');

        std::signal(SIGXFSZ, SIG_IGN);
        rlimit saved{};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        rlimit small = saved;
        small.rlim_cur = 1024;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        const Result<void> r = saveConfigFile(c, path);
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &saved), 0);

        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.startsWith(path + u": cannot save the config"_s),
                 qPrintable(r.error().message));
        QCOMPARE(readFile(path), old);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{u"master.json"_s});
    }

    void targetIsFolder()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"master.json"_s);
        QVERIFY(QDir().mkdir(path));
        QVERIFY(writeFile(path + u"/inside"_s, "keep"));
        const Result<void> r = saveConfigFile(defaultConfig(), path);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message, path + u": cannot save the config: this is a folder"_s);
        QCOMPARE(readFile(path + u"/inside"_s), QByteArray("keep"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{u"master.json"_s});
    }

    void parentIsAFile()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(u"blocker"_s), "x"));
        const QString path = dir.filePath(u"blocker/master.json"_s);
        const Result<void> r = saveConfigFile(defaultConfig(), path);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.startsWith(path + u": "_s), qPrintable(r.error().message));
        QCOMPARE(readFile(dir.filePath(u"blocker"_s)), QByteArray("x"));
    }
};

QTEST_GUILESS_MAIN(TestConfigRoundtrip)
#include "tst_config_roundtrip.moc"
