// The real master with its worker passwords in a real OS keychain
// (gnome-keyring on a private D-Bus session): `ctl secret` commands, real
// buildbot-workers attaching, a password changed on reload, failing closed
// without a Secret Service or with a locked keyring, and `secret migrate`.
// Known secret values are searched for in every file, log and ctl output.
#include "support/KeyringSession.h"
#include "support/MasterProcess.h"
#include "support/TestConfigs.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ymtest;

namespace {

constexpr int AttachTimeoutMs = 60000;
constexpr int LogTimeoutMs = 60000;

QJsonObject keychainMaster()
{
    return QJsonObject{{u"secrets"_s, u"keychain"_s}};
}

QString output(const MasterProcess::CtlResult& r)
{
    return QString::fromUtf8(r.out + r.err);
}

bool hasSecretErrorEvent(MasterProcess& m, const QString& worker, const QString& text)
{
    const QJsonArray events = m.ctl({u"events"_s, u"--json"_s}).json.value(u"events"_s).toArray();
    for (const QJsonValue& v : events) {
        const QJsonObject e = v.toObject();
        if (e.value(u"kind"_s).toString() == u"secret-error"_s &&
            e.value(u"worker"_s).toString() == worker &&
            e.value(u"message"_s).toString().contains(text))
            return true;
    }
    return false;
}

} // namespace

class TestKeychainMaster final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void workerAttachesAndPasswordChangesOnReload();
    void failsClosed_data();
    void failsClosed();
    void migrateThreePlainPasswords();
    void directoryStoreCommands();
};

void TestKeychainMaster::workerAttachesAndPasswordChangesOnReload()
{
    const QByteArray oldPw = "kcm-Old-Pw-41";
    const QByteArray newPw = "kcm-New-Pw-97";
    QStringList ctlOutputs;
    KeyringSession keyring;
    QVERIFY(keyring.start());
    MasterProcess m(masterConfig({workerEntry(u"kc-bot"_s)}, keychainMaster()));
    m.setEnvironment(keyring.environment());

    MasterProcess::CtlResult r =
        m.ctlWithInput({u"secret"_s, u"set"_s, u"worker/kc-bot"_s}, oldPw + '\n');
    ctlOutputs << output(r);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains("stored secret worker/kc-bot in the OS keychain"));
    QCOMPARE(keyring.lookup(u"worker/kc-bot"_s), std::optional<QByteArray>(oldPw));

    QVERIFY(m.start());
    QVERIFY(m.waitForLog(u"secret store: keychain"_s, LogTimeoutMs));
    QCOMPARE(m.status().value(u"secrets"_s).toString(), u"keychain"_s);
    {
        BuildbotWorker w(u"kc-bot"_s, oldPw, m.port());
        QVERIFY(w.create());
        QVERIFY(w.start());
        QVERIFY(m.waitForState(u"kc-bot"_s, u"connected"_s, AttachTimeoutMs));
        r = m.ctl({u"secret"_s, u"list"_s});
        ctlOutputs << output(r);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("worker/kc-bot\n"));

        // A new value in the keychain, then reload.
        r = m.ctlWithInput({u"secret"_s, u"set"_s, u"worker/kc-bot"_s}, newPw);
        ctlOutputs << output(r);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = m.ctl({u"reload"_s});
        ctlOutputs << output(r);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        w.stop();
        QVERIFY(m.waitForState(u"kc-bot"_s, u"disconnected"_s, AttachTimeoutMs));
    }
    {
        BuildbotWorker stale(u"kc-bot"_s, oldPw, m.port());
        QVERIFY(stale.create());
        QVERIFY(stale.start());
        QTRY_VERIFY_WITH_TIMEOUT(
            !linesWith(m.log(), {u"worker 'kc-bot'"_s, u"wrong password"_s}).isEmpty(),
            AttachTimeoutMs);
        QCOMPARE(m.worker(u"kc-bot"_s).value(u"state"_s).toString(), u"disconnected"_s);
    }
    {
        BuildbotWorker fresh(u"kc-bot"_s, newPw, m.port());
        QVERIFY(fresh.create());
        QVERIFY(fresh.start());
        QVERIFY(m.waitForState(u"kc-bot"_s, u"connected"_s, AttachTimeoutMs));
        r = m.ctl({u"events"_s});
        ctlOutputs << output(r);
        r = m.ctl({u"status"_s, u"--json"_s});
        ctlOutputs << output(r);
    }
    QVERIFY(m.stop());

    // Nowhere in plain text: the master's folder (config, log, database and
    // its WAL, secrets folder, XDG folders), the keyring's HOME, ctl output.
    for (const QByteArray& value : {oldPw, newPw}) {
        QCOMPARE(filesContaining(m.dir(), value), QStringList());
        QCOMPARE(filesContaining(keyring.home(), value), QStringList());
        for (const QString& out : std::as_const(ctlOutputs))
            QVERIFY(!out.contains(QString::fromUtf8(value)));
    }
    QVERIFY(QFileInfo::exists(m.dir() + u"/master.sqlite"_s));
}

void TestKeychainMaster::failsClosed_data()
{
    QTest::addColumn<int>("setup"); // 0: no session bus, 1: bus without keyring, 2: locked
    QTest::addColumn<QString>("expected");
    QTest::newRow("no session bus") << 0 << u"no Secret Service on the D-Bus session bus"_s;
    QTest::newRow("no secret service") << 1 << u"no Secret Service on the D-Bus session bus"_s;
    QTest::newRow("locked keyring") << 2 << u"the OS keychain is locked"_s;
}

void TestKeychainMaster::failsClosed()
{
    QFETCH(int, setup);
    QFETCH(QString, expected);
    const QByteArray workerPw = "kcf-Worker-Pw-58";
    const QByteArray neverPw = "kcf-Never-Stored-Pw-23";
    QStringList ctlOutputs;

    KeyringSession keyring;
    MasterProcess m(masterConfig({workerEntry(u"kc-fc"_s)}, keychainMaster()));
    if (setup == 0) {
        m.setEnvironment({u"-DBUS_SESSION_BUS_ADDRESS"_s, u"-DISPLAY"_s, u"-WAYLAND_DISPLAY"_s,
                          u"HOME="_s + keyring.home()});
    } else {
        QVERIFY(keyring.start(setup == 1 ? KeyringSession::Keyring::None
                                         : KeyringSession::Keyring::Unlocked));
        m.setEnvironment(keyring.environment());
    }
    if (setup == 2) {
        const auto r = m.ctlWithInput({u"secret"_s, u"set"_s, u"worker/kc-fc"_s}, workerPw);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(keyring.lock());
    }

    // The master starts and listens all the same; the error says what is missing.
    QVERIFY(m.start());
    QVERIFY(m.waitForLog(expected, LogTimeoutMs));
    QVERIFY(m.log().contains(u"set master.secrets to \"directory\""_s));
    QVERIFY(!linesWith(m.log(), {u"worker 'kc-fc' cannot log in"_s, expected}).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(hasSecretErrorEvent(m, u"kc-fc"_s, expected), LogTimeoutMs);
    ctlOutputs << output(m.ctl({u"events"_s}));

    // The worker cannot log in; the master keeps serving.
    {
        BuildbotWorker w(u"kc-fc"_s, workerPw, m.port());
        QVERIFY(w.create());
        QVERIFY(w.start());
        QVERIFY(m.waitForLog(u"could not be read from the secret store"_s, AttachTimeoutMs));
        QCOMPARE(m.worker(u"kc-fc"_s).value(u"state"_s).toString(), u"disconnected"_s);
    }
    QCOMPARE(m.status().value(u"running"_s).toBool(), true);

    // Storing fails with the same explanation, and nothing falls back to a file.
    const auto set = m.ctlWithInput({u"secret"_s, u"set"_s, u"worker/kc-other"_s}, neverPw);
    ctlOutputs << output(set);
    QCOMPARE(set.exitCode, 1);
    QVERIFY2(set.err.contains(expected.toUtf8()), set.err.constData());
    const auto list = m.ctl({u"secret"_s, u"list"_s});
    ctlOutputs << output(list);
    QCOMPARE(list.exitCode, 1);
    QVERIFY(m.stop());

    for (const QByteArray& value : {workerPw, neverPw}) {
        QCOMPARE(filesContaining(keyring.home(), value), QStringList());
        QCOMPARE(filesContaining(m.dir(), value), QStringList());
        for (const QString& out : std::as_const(ctlOutputs))
            QVERIFY(!out.contains(QString::fromUtf8(value)));
    }
}

void TestKeychainMaster::migrateThreePlainPasswords()
{
    const QStringList names{u"kc-mig-a"_s, u"kc-mig-b"_s, u"kc-mig-c"_s};
    const auto valueOf = [](const QString& name) {
        return "Plain-Pw-" + name.toUtf8();
    };
    QJsonArray workers;
    for (const QString& n : names)
        workers.append(QJsonObject{{u"name"_s, n}, {u"password"_s, QString::fromUtf8(valueOf(n))}});
    KeyringSession keyring;
    QVERIFY(keyring.start());
    MasterProcess m(masterConfig(workers, keychainMaster()));
    m.setEnvironment(keyring.environment());

    const auto r = m.ctl({u"secret"_s, u"migrate"_s});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("moved 3 plain-text password(s) into the OS keychain"),
             r.out.constData());
    for (const QString& n : names) {
        QVERIFY(!r.out.contains(valueOf(n)) && !r.err.contains(valueOf(n)));
        QCOMPARE(keyring.lookup(u"worker/"_s + n), std::optional<QByteArray>(valueOf(n)));
    }

    // The config: references only, owner-only; the backup: the old text, owner-only.
    QFile config(m.configPath());
    QVERIFY(config.open(QIODevice::ReadOnly));
    const QByteArray text = config.readAll();
    const QJsonArray rewritten =
        QJsonDocument::fromJson(text).object().value(u"workers"_s).toArray();
    QCOMPARE(rewritten.size(), 3);
    for (qsizetype i = 0; i < 3; ++i) {
        const QJsonObject w = rewritten.at(i).toObject();
        QCOMPARE(w.value(u"name"_s).toString(), names.at(i));
        QCOMPARE(w.value(u"password"_s).toObject(), secretRef(names.at(i)));
        QVERIFY(!text.contains(valueOf(names.at(i))));
    }
    QCOMPARE(QFileInfo(m.configPath()).permissions() & 0x0077, QFileDevice::Permissions());
    const QString backup = m.configPath() + u".bak"_s;
    QVERIFY(QFileInfo::exists(backup));
    QCOMPARE(QFileInfo(backup).permissions(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                  QFileDevice::ReadUser | QFileDevice::WriteUser);
    QFile old(backup);
    QVERIFY(old.open(QIODevice::ReadOnly));
    QVERIFY(old.readAll().contains(valueOf(names.at(0))));

    const auto list = m.ctl({u"secret"_s, u"list"_s});
    QCOMPARE(list.out, QByteArray("worker/kc-mig-a\nworker/kc-mig-b\nworker/kc-mig-c\n"));
    const auto again = m.ctl({u"secret"_s, u"migrate"_s});
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.out.contains("nothing to migrate"));

    // The workers still attach, with the passwords now read from the keychain.
    QVERIFY(m.start());
    std::vector<std::unique_ptr<BuildbotWorker>> running;
    for (const QString& n : names) {
        running.push_back(std::make_unique<BuildbotWorker>(n, valueOf(n), m.port()));
        QVERIFY(running.back()->create());
        QVERIFY(running.back()->start());
    }
    for (const QString& n : names)
        QVERIFY(m.waitForState(n, u"connected"_s, AttachTimeoutMs));
    QVERIFY(!m.log().contains(u"plain-text"_s));
    running.clear();
    QVERIFY(m.stop());
    for (const QString& n : names)
        QCOMPARE(filesContaining(m.dir(), valueOf(n)), QStringList({backup}));
}

void TestKeychainMaster::directoryStoreCommands()
{
    MasterProcess m(
        masterConfig({workerEntry(u"dir-bot"_s), QJsonObject{{u"name"_s, u"dir-plain"_s},
                                                             {u"password"_s, u"dir-Plain-Pw-7"_s}}},
                     {{u"secrets"_s, u"directory"_s}}));
    const auto set = m.ctlWithInput({u"secret"_s, u"set"_s, u"worker/dir-bot"_s}, "dir-Pw-5\n");
    QVERIFY2(set.exitCode == 0, set.err.constData());
    QFile file(m.secretsDir() + u"/worker/dir-bot"_s);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("dir-Pw-5\n"));
    QCOMPARE(file.permissions() & 0x0077, QFileDevice::Permissions());

    const auto migrate = m.ctl({u"secret"_s, u"migrate"_s});
    QVERIFY2(migrate.exitCode == 0, migrate.err.constData());
    QCOMPARE(m.ctl({u"secret"_s, u"list"_s}).out, QByteArray("worker/dir-bot\nworker/dir-plain\n"));
    QVERIFY(m.start());
    BuildbotWorker w(u"dir-plain"_s, "dir-Plain-Pw-7", m.port());
    QVERIFY(w.create());
    QVERIFY(w.start());
    QVERIFY(m.waitForState(u"dir-plain"_s, u"connected"_s, AttachTimeoutMs));
    w.stop();

    const auto del = m.ctl({u"secret"_s, u"delete"_s, u"worker/dir-bot"_s});
    QCOMPARE(del.exitCode, 0);
    QCOMPARE(m.ctl({u"secret"_s, u"list"_s}).out, QByteArray("worker/dir-plain\n"));
    const auto missing = m.ctl({u"secret"_s, u"delete"_s, u"worker/dir-bot"_s});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("not found"));
    // Values never come from the command line.
    const auto extra = m.ctl({u"secret"_s, u"set"_s, u"worker/x"_s, u"value"_s});
    QCOMPARE(extra.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestKeychainMaster)
#include "tst_keychain_master.moc"
