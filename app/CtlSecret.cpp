#include "CtlSecret.h"

#include "CommandLine.h"

#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "control/ControlClient.h"
#include "secrets/DirectorySecretStore.h"
#include "secrets/SecretResolver.h"
#include "secrets/SecretStore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <termios.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace ym {

namespace {

constexpr int AskMasterTimeoutMs = 3000;
constexpr qint64 MaxValueBytes = 64 * 1024;

QString storePlace(const AsyncSecretStore& store, const MasterConfig& config)
{
    return store.backendName() == u"keychain"_s
               ? u"the OS keychain (service \"yardmaster\")"_s
               : u"the secrets folder %1"_s.arg(config.effectiveSecretsDir());
}

// The value from stdin: typed without echo on a terminal, else the whole pipe.
Result<QByteArray> readValue(const QString& name)
{
    QByteArray value;
    if (::isatty(STDIN_FILENO)) {
        printErr(u"Value for secret %1 (not shown): "_s.arg(name));
        termios saved{};
        const bool restore = ::tcgetattr(STDIN_FILENO, &saved) == 0;
        if (restore) {
            termios quiet = saved;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            quiet.c_lflag |= ECHONL;
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        char buffer[1024];
        while (value.size() <= MaxValueBytes) {
            const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (n <= 0)
                break;
            value.append(buffer, qsizetype(n));
            if (value.endsWith('\n'))
                break;
        }
        if (restore)
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        ::memset(buffer, 0, sizeof buffer);
    } else {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            value.append(buffer, qsizetype(n));
            if (value.size() > MaxValueBytes)
                break;
        }
        ::memset(buffer, 0, sizeof buffer);
    }
    if (value.size() > MaxValueBytes)
        return Error{u"the value on stdin is longer than %1 bytes"_s.arg(MaxValueBytes)};
    if (value.endsWith('\n'))
        value.chop(1);
    if (value.endsWith('\r'))
        value.chop(1);
    if (value.isEmpty())
        return Error{u"no value on stdin; nothing stored (pipe the value in, or type it at the "
                     u"prompt)"_s};
    return value;
}

// A copy of the config file next to it, owner-only from its first byte:
// FILE.bak, or FILE.bak-TIME when that exists.
Result<QString> backUp(const QString& path)
{
    QFile original(path);
    if (!original.open(QIODevice::ReadOnly))
        return Error{u"cannot read %1 (%2)"_s.arg(path, original.errorString())};
    const QByteArray text = original.readAll();
    QString backup = path + u".bak"_s;
    if (QFileInfo::exists(backup))
        backup =
            path + u".bak-"_s + QDateTime::currentDateTime().toString(u"yyyyMMdd-hhmmss-zzz"_s);
    const int fd = ::open(QFile::encodeName(backup).constData(),
                          O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{u"cannot create the backup %1 (%2)"_s.arg(
            backup, QString::fromLocal8Bit(::strerror(errno)))};
    QFile out;
    if (!out.open(fd, QIODevice::WriteOnly, QFileDevice::AutoCloseHandle) ||
        out.write(text) != text.size() || !out.flush() || ::fsync(fd) != 0) {
        out.close();
        QFile::remove(backup);
        return Error{u"cannot write the backup %1 (is the disk full?)"_s.arg(backup)};
    }
    out.close();
    return backup;
}

// One `ctl secret` run: the store, the config, and the exit code once done.
class SecretCommand
{
public:
    SecretCommand(MasterConfig config, QString configPath, std::unique_ptr<AsyncSecretStore> store,
                  bool json)
        : m_config(std::move(config)), m_configPath(std::move(configPath)),
          m_store(std::move(store)), m_json(json)
    {}

    void set(const QString& name, const QByteArray& value)
    {
        m_store->writeAsync(name, value, &m_context, [this, name](Result<void> r) {
            if (!r)
                return fail(r.error().message);
            printOut(u"stored secret %1 in %2\n"_s.arg(name, storePlace(*m_store, m_config)));
            printErr(u"A running master uses it after `yardmaster ctl reload`.\n"_s);
            finish(ExitOk);
        });
    }

    void remove(const QString& name)
    {
        m_store->removeAsync(name, &m_context, [this, name](Result<void> r) {
            if (!r)
                return fail(r.error().message);
            printOut(u"deleted secret %1 from %2\n"_s.arg(name, storePlace(*m_store, m_config)));
            finish(ExitOk);
        });
    }

    void list()
    {
        m_store->listAsync(&m_context, [this](Result<QStringList> r) {
            if (!r)
                return fail(r.error().message);
            if (m_json) {
                printOut(QString::fromUtf8(
                    QJsonDocument(QJsonObject{{u"ok"_s, true},
                                              {u"store"_s, m_store->backendName()},
                                              {u"secrets"_s, QJsonArray::fromStringList(*r)}})
                        .toJson(QJsonDocument::Indented)));
            } else if (r->isEmpty()) {
                printErr(u"no secrets in %1\n"_s.arg(storePlace(*m_store, m_config)));
            } else {
                printOut(r->join(u'\n') + u'\n');
            }
            finish(ExitOk);
        });
    }

    // Every plain-text worker password into the store as worker/NAME, read
    // back to check, then the config rewritten with references.
    void migrate()
    {
        for (const WorkerConfig& w : std::as_const(m_config.workers)) {
            if (w.password.kind == SecretRef::Kind::Plain)
                m_pending << w.name;
        }
        if (m_pending.isEmpty()) {
            printOut(u"no plain-text passwords in %1; nothing to migrate\n"_s.arg(m_configPath));
            return finish(ExitOk);
        }
        for (const QString& worker : std::as_const(m_pending)) {
            if (auto valid = validateSecretName(u"worker/"_s + worker); !valid)
                return fail(u"worker '%1': %2"_s.arg(worker, valid.error().message));
        }
        migrateNext(0);
    }

    void fail(const QString& message)
    {
        if (m_json)
            printOut(QString::fromUtf8(
                QJsonDocument(QJsonObject{{u"ok"_s, false}, {u"errors"_s, QJsonArray{message}}})
                    .toJson(QJsonDocument::Indented)));
        printErr(u"yardmaster ctl secret: %1\n"_s.arg(message));
        finish(ExitRefused);
    }

private:
    WorkerConfig* findWorker(const QString& name)
    {
        for (WorkerConfig& w : m_config.workers) {
            if (w.name == name)
                return &w;
        }
        return nullptr;
    }

    void migrateNext(qsizetype i)
    {
        if (i == m_pending.size())
            return rewriteConfig();
        const QString worker = m_pending.at(i);
        const QString name = u"worker/"_s + worker;
        const QByteArray value = findWorker(worker)->password.value.toUtf8();
        m_store->writeAsync(name, value, &m_context, [this, i, name, value](Result<void> w) {
            if (!w)
                return fail(u"%1; the config was not changed"_s.arg(w.error().message));
            m_store->readAsync(name, &m_context, [this, i, name, value](Result<QByteArray> r) {
                if (!r || r.value() != value)
                    return fail(u"secret %1 does not read back as written%2; the config was "
                                u"not changed"_s.arg(name, r ? QString()
                                                             : u" ("_s + r.error().message + u')'));
                migrateNext(i + 1);
            });
        });
    }

    void rewriteConfig()
    {
        const Result<QString> backup = backUp(m_configPath);
        if (!backup)
            return fail(u"%1; the config was not changed (the passwords are in the store "
                        u"already)"_s.arg(backup.error().message));
        QStringList names;
        for (const QString& worker : std::as_const(m_pending)) {
            findWorker(worker)->password = {SecretRef::Kind::Secret, u"worker/"_s + worker};
            names << u"worker/"_s + worker;
        }
        if (const Result<void> saved = saveConfigFile(m_config, m_configPath); !saved)
            return fail(u"%1 (the old config is unchanged; a copy is in %2)"_s.arg(
                saved.error().message, *backup));
        printOut(
            u"moved %1 plain-text password(s) into %2: %3\n"
            u"rewrote %4 with {\"secret\": ...} references\n"
            u"kept the old file as %5 (owner-only; it still holds the plain-text "
            u"passwords: delete it once the master runs with the new config)\n"_s
                .arg(m_pending.size())
                .arg(storePlace(*m_store, m_config), names.join(u", "_s), m_configPath, *backup));
        printErr(u"A running master uses the new config after `yardmaster ctl reload`.\n"_s);
        finish(ExitOk);
    }

    void finish(int code) { QCoreApplication::exit(code); }

    MasterConfig m_config;
    QString m_configPath;
    std::unique_ptr<AsyncSecretStore> m_store;
    bool m_json = false;
    QObject m_context; // callbacks die with this command
    QStringList m_pending;
};

// The store a `ctl secret` command uses: --store, else master.secrets, else
// (auto) the one a running master uses, else the directory store.
Result<SecretsBackend> chooseBackend(const MasterConfig& config, const QString& storeOption)
{
    if (storeOption == u"keychain"_s)
        return SecretsBackend::Keychain;
    if (storeOption == u"directory"_s)
        return SecretsBackend::Directory;
    if (!storeOption.isEmpty())
        return Error{u"--store must be \"keychain\" or \"directory\", not '%1'"_s.arg(storeOption)};
    if (config.master.secrets != SecretsBackend::Auto)
        return config.master.secrets;
    const Result<QJsonObject> status =
        controlRequest(config.effectiveControlSocket(), QJsonObject{{u"command"_s, u"status"_s}},
                       AskMasterTimeoutMs);
    if (status) {
        const QString used = status->value(u"secrets"_s).toString();
        if (used == u"keychain"_s)
            return SecretsBackend::Keychain;
        if (used == u"directory"_s)
            return SecretsBackend::Directory;
    }
    printErr(u"note: master.secrets is \"auto\" and no running master says which store it "
             u"uses: using the secrets folder (the headless default). Give --store keychain "
             u"for the OS keychain.\n"_s);
    return SecretsBackend::Directory;
}

} // namespace

int runCtlSecret(const QStringList& args, const QString& configOption, const QString& storeOption,
                 bool json)
{
    // The outcome is printed once, plainly; the store's own log lines would repeat it.
    QLoggingCategory::setFilterRules(u"ym.secrets.info=false\nym.secrets.warning=false"_s);
    const QString action = args.value(0);
    const bool needsName = action == u"set"_s || action == u"delete"_s;
    const bool noName = action == u"list"_s || action == u"migrate"_s;
    if (!needsName && !noName) {
        printErr(u"yardmaster ctl secret: unknown action '%1' (set NAME, delete NAME, list or "
                 u"migrate)\n"_s.arg(action));
        return ExitUsage;
    }
    if (needsName != (args.size() == 2)) {
        printErr(needsName ? u"yardmaster ctl secret %1: missing NAME\n"_s.arg(action)
                           : u"yardmaster ctl secret %1: unexpected argument '%2'\n"_s.arg(
                                 action, args.value(1)));
        return ExitUsage;
    }
    const QString name = args.value(1);
    if (needsName) {
        if (auto valid = validateSecretName(name); !valid) {
            printErr(u"yardmaster ctl secret %1: %2\n"_s.arg(action, valid.error().message));
            return ExitUsage;
        }
    }

    const QString configPath =
        configOption.isEmpty() ? MasterConfig::defaultConfigPath() : configOption;
    MasterConfig config = defaultConfig();
    if (!configOption.isEmpty() || QFileInfo::exists(configPath) || action == u"migrate"_s) {
        const ConfigLoadResult loaded = loadConfigFile(configPath);
        if (!loaded.ok()) {
            printErr(u"yardmaster ctl secret: the config %1 has errors:\n"_s.arg(configPath));
            for (const QString& error : loaded.errors)
                printErr(error + u'\n');
            return ExitUsage;
        }
        config = *loaded.config;
    }
    const Result<SecretsBackend> backend = chooseBackend(config, storeOption);
    if (!backend) {
        printErr(u"yardmaster ctl secret: %1\n"_s.arg(backend.error().message));
        return ExitUsage;
    }
    MasterConfig chosen = config;
    chosen.master.secrets = *backend;

    QByteArray value;
    if (action == u"set"_s) {
        Result<QByteArray> read = readValue(name);
        if (!read) {
            printErr(u"yardmaster ctl secret set: %1\n"_s.arg(read.error().message));
            return ExitUsage;
        }
        value = std::move(read).value();
    }

    SecretCommand command(config, configPath, makeSecretStore(chosen, *backend), json);
    // From the event loop: a store may answer at once, and exit() only ends a
    // loop that runs.
    QTimer::singleShot(0, QCoreApplication::instance(), [&] {
        if (action == u"set"_s)
            command.set(name, value);
        else if (action == u"delete"_s)
            command.remove(name);
        else if (action == u"list"_s)
            command.list();
        else
            command.migrate();
    });
    const int code = QCoreApplication::exec();
    value.fill('\0');
    return code;
}

} // namespace ym
