#include "CtlMain.h"

#include "CommandLine.h"
#include "CtlSecret.h"

#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "control/ControlClient.h"
#include "control/LatentText.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <initializer_list>

using namespace Qt::StringLiterals;

namespace ym {

namespace {

struct CommandInfo
{
    QString name;
    QString summary;
    QString details;
    int timeoutMs;
    QString arguments = {}; // usage of the positional arguments
    int minArgs = 0;
    int maxArgs = 0;
};

const QList<CommandInfo>& commands()
{
    static const QList<CommandInfo> list = {
        {u"status"_s, u"every configured worker with its state and what it reported"_s,
         u"Prints every configured worker: its state, peer address, since when it is connected\n"
         u"(or when it was last seen), and the version, host and admin it reported.\n"
         u"With --json, prints the master's whole answer as JSON."_s,
         15000},
        {u"reload"_s, u"re-read the config file and apply the difference"_s,
         u"Makes the master re-read its config file: added workers appear, removed ones are\n"
         u"disconnected, changed ones are updated, unchanged connected workers stay connected.\n"
         u"A config that fails validation is refused with its errors (exit code 1) and the\n"
         u"running config stays."_s,
         60000},
        {u"events"_s, u"the master's recent event log"_s,
         u"Prints the master's recent events (attaches, detaches, refused logins, reloads...),\n"
         u"oldest first."_s,
         15000},
        {u"force"_s, u"queue a build of a builder"_s,
         u"Queues a build of BUILDER. It starts on a connected worker of the builder that has\n"
         u"a free slot (max_builds). Prints the build request's id. An unknown builder is an\n"
         u"error (exit code 1)."_s,
         15000, u"BUILDER [--reason TEXT] [--property K=V]..."_s, 1, 1},
        {u"builds"_s, u"recent builds, running builds and queued requests"_s,
         u"Prints the most recent builds (oldest first), then the queued requests.\n"
         u"--builder B shows one builder's only."_s,
         15000, u"[--builder B]"_s, 0, 0},
        {u"log"_s, u"the log of a build (or of one of its steps)"_s,
         u"Prints the output of build BUILD's steps (or of STEP, a name or number).\n"
         u"--follow keeps printing new output until the build finishes."_s,
         30000, u"BUILD [STEP] [--follow]"_s, 1, 2},
        {u"stop"_s, u"stop a running build"_s,
         u"Interrupts the running step of build BUILD; the build ends `cancelled`, with the\n"
         u"reason in its log."_s,
         15000, u"BUILD [--reason TEXT]"_s, 1, 1},
        {u"cancel"_s, u"cancel a queued build request"_s,
         u"Takes build request REQUEST (the id `force` printed) out of the queue before it\n"
         u"starts; it ends `cancelled`. A request already running is refused: stop its build."_s,
         15000, u"REQUEST [--reason TEXT]"_s, 1, 1},
        {u"secret"_s, u"secrets in the secret store: set, delete, list, migrate"_s,
         u"  set NAME     store a secret; the value comes from stdin (typed without echo on a\n"
         u"               terminal, or piped in), never from the command line\n"
         u"  delete NAME  remove a secret\n"
         u"  list         the names of the stored secrets (never values)\n"
         u"  migrate      move every plain-text worker password of the config into the store\n"
         u"               as worker/NAME and rewrite the config with references (the old\n"
         u"               file is kept, owner-only, as FILE.bak)\n"
         u"Works on the store the config names (master.secrets; --store overrides it), with or\n"
         u"without a running master; run `yardmaster ctl reload` afterwards so a running\n"
         u"master uses the change."_s,
         60000, u"set NAME | delete NAME | list | migrate [--store keychain|directory]"_s, 1, 2},
        {u"test-mail"_s, u"send a test message with the master's mail settings"_s,
         u"Makes the running master send a test message to ADDRESS with its current `mail`\n"
         u"settings (relay host, port, TLS, login). Prints the SMTP server's answer; when the\n"
         u"message is not sent, prints the error (exit code 1)."_s,
         120000, u"ADDRESS"_s, 1, 1},
        {u"start-latent"_s, u"start a latent worker's instance now"_s,
         u"Starts the instance (virtual machine) of latent worker NAME now, without waiting\n"
         u"for a build and ignoring the back-off after failed starts. It stops again after\n"
         u"build_wait_timeout idle. An unknown or standard worker, or one whose instance is\n"
         u"not stopped, is an error (exit code 1)."_s,
         15000, u"NAME"_s, 1, 1},
        {u"stop-latent"_s, u"stop a latent worker's instance now"_s,
         u"Stops the instance of latent worker NAME. Refused while builds run on it, unless\n"
         u"--force: its running builds then end `retry` and run again later."_s,
         15000, u"NAME [--force]"_s, 1, 1},
        {u"ledger"_s, u"the latent instance ledger"_s,
         u"Prints the newest rows of the latent instance ledger (oldest first): every\n"
         u"instance the master started, with its state and times and the last error.\n"
         u"--worker NAME shows one worker's only; --limit N (default 100) how many."_s,
         15000, u"[--worker NAME] [--limit N]"_s, 0, 0},
    };
    return list;
}

const CommandInfo* findCommand(const QString& name)
{
    for (const CommandInfo& info : commands()) {
        if (info.name == name)
            return &info;
    }
    return nullptr;
}

// A field of a worker entry, looked up at the top level and then in "info".
QJsonValue field(const QJsonObject& object, std::initializer_list<QString> keys)
{
    for (const QString& key : keys) {
        if (object.contains(key) && !object.value(key).isNull())
            return object.value(key);
    }
    const QJsonObject info = object.value(u"info"_s).toObject();
    for (const QString& key : keys) {
        if (info.contains(key) && !info.value(key).isNull())
            return info.value(key);
    }
    return {};
}

QString text(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString().simplified();
    case QJsonValue::Double:
        return QString::number(value.toDouble());
    case QJsonValue::Bool:
        return value.toBool() ? u"yes"_s : u"no"_s;
    default:
        return {};
    }
}

// An ISO time from the master, shown in local time; anything else as it came.
QString timeText(const QJsonValue& value)
{
    const QString raw = text(value);
    if (raw.isEmpty())
        return raw;
    const QDateTime time = QDateTime::fromString(raw, Qt::ISODateWithMs);
    if (!time.isValid())
        return raw;
    return time.toLocalTime().toString(u"yyyy-MM-dd hh:mm:ss"_s);
}

// Columns padded to their widest cell; the last column is not padded.
QString table(const QStringList& header, const QList<QStringList>& rows)
{
    QList<qsizetype> widths(header.size(), 0);
    auto measure = [&widths](const QStringList& row) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    };
    measure(header);
    for (const QStringList& row : rows)
        measure(row);
    QString out;
    auto emitRow = [&](const QStringList& row) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            const QString cell = row[i].isEmpty() ? u"-"_s : row[i];
            line += i + 1 < row.size() ? cell.leftJustified(widths[i] + 2) : cell;
        }
        out += line.trimmed() + u'\n';
    };
    emitRow(header);
    for (const QStringList& row : rows)
        emitRow(row);
    return out;
}

QString printStatus(const QJsonObject& answer)
{
    const QJsonArray workers = answer.value(u"workers"_s).toArray();
    QList<QStringList> rows;
    int connected = 0;
    for (const QJsonValue& value : workers) {
        const QJsonObject w = value.toObject();
        const QString state = text(field(w, {u"state"_s, u"phase"_s}));
        const bool isConnected = state.compare(u"connected"_s, Qt::CaseInsensitive) == 0;
        if (isConnected)
            ++connected;
        QString since = isConnected
                            ? timeText(field(w, {u"connected_since"_s, u"connectedSince"_s}))
                            : timeText(field(w, {u"last_seen"_s, u"lastSeen"_s}));
        if (!isConnected && since.isEmpty())
            since = u"never"_s;
        rows.append({text(field(w, {u"name"_s})), state, text(field(w, {u"peer"_s})), since,
                     text(field(w, {u"version"_s})), text(field(w, {u"host"_s})),
                     text(field(w, {u"admin"_s}))});
    }
    const QString configured =
        workers.size() == 1 ? u"1 worker"_s : u"%1 workers"_s.arg(workers.size());
    QString out = u"%1 (yardmaster %2, msgpack port %3): %4 configured, %5 connected\n"_s.arg(
        text(answer.value(u"title"_s)), text(answer.value(u"version"_s)),
        text(answer.value(u"port"_s)), configured, QString::number(connected));
    if (!workers.isEmpty())
        out += u'\n' + table({u"NAME"_s, u"STATE"_s, u"PEER"_s, u"SINCE"_s, u"VERSION"_s, u"HOST"_s,
                              u"ADMIN"_s},
                             rows);
    QString latent; // the lifecycle phase of each latent worker
    for (const QJsonValue& value : workers) {
        const QString line =
            latenttext::statusLine(value.toObject(), QDateTime::currentDateTimeUtc());
        if (!line.isEmpty())
            latent += line + u'\n';
    }
    if (!latent.isEmpty())
        out += u"\nLatent workers:\n"_s + latent;
    return out;
}

QString listText(const QJsonValue& value)
{
    QStringList items;
    const QJsonArray array = value.toArray();
    for (const QJsonValue& item : array)
        items.append(item.toString());
    return u'[' + items.join(u", "_s) + u']';
}

QString printReload(const QJsonObject& answer)
{
    QString out = u"reloaded: added %1 removed %2 changed %3\n"_s.arg(
        listText(answer.value(u"added"_s)), listText(answer.value(u"removed"_s)),
        listText(answer.value(u"changed"_s)));
    const QJsonArray warnings = answer.value(u"warnings"_s).toArray();
    for (const QJsonValue& warning : warnings)
        out += u"warning: "_s + warning.toString() + u'\n';
    return out;
}

QString printEvents(const QJsonObject& answer)
{
    const QJsonArray events = answer.value(u"events"_s).toArray();
    if (events.isEmpty())
        return u"no events\n"_s;
    QList<QStringList> rows;
    for (const QJsonValue& value : events) {
        const QJsonObject e = value.toObject();
        const int count = e.value(u"count"_s).toInt(1);
        rows.append({timeText(e.value(u"time"_s)), text(e.value(u"kind"_s)),
                     text(e.value(u"worker"_s)), text(e.value(u"peer"_s)),
                     count > 1 ? u"x%1"_s.arg(count) : u"1"_s, text(e.value(u"message"_s))});
    }
    return table({u"TIME"_s, u"KIND"_s, u"WORKER"_s, u"PEER"_s, u"COUNT"_s, u"MESSAGE"_s}, rows);
}

QString msText(const QJsonValue& value)
{
    if (!value.isDouble())
        return {};
    return QDateTime::fromMSecsSinceEpoch(qint64(value.toDouble()))
        .toString(u"yyyy-MM-dd hh:mm:ss"_s);
}

QString printBuilds(const QJsonObject& answer)
{
    const QJsonArray builds = answer.value(u"builds"_s).toArray();
    if (builds.isEmpty())
        return u"no builds\n"_s;
    QList<QStringList> rows;
    for (const QJsonValue& value : builds) {
        const QJsonObject b = value.toObject();
        const bool queued = b.value(u"state"_s).toString() == u"queued"_s;
        const QString id =
            queued ? u"r%1"_s.arg(text(b.value(u"request"_s))) : text(b.value(u"id"_s));
        QString state = text(b.value(u"state"_s));
        if (!b.value(u"current_step"_s).isNull() && !b.value(u"current_step"_s).isUndefined())
            state += u" (%1)"_s.arg(text(b.value(u"current_step"_s)));
        if (queued && !b.value(u"waiting_for"_s).toString().isEmpty())
            state += u" (%1)"_s.arg(b.value(u"waiting_for"_s).toString());
        rows.append({id, text(b.value(u"builder"_s)),
                     queued ? QString() : text(b.value(u"number"_s)), text(b.value(u"worker"_s)),
                     state, text(b.value(u"result"_s)), msText(b.value(u"started_ms"_s)),
                     msText(b.value(u"finished_ms"_s)), text(b.value(u"reason"_s))});
    }
    return table({u"ID"_s, u"BUILDER"_s, u"NUMBER"_s, u"WORKER"_s, u"STATE"_s, u"RESULT"_s,
                  u"STARTED"_s, u"FINISHED"_s, u"REASON"_s},
                 rows);
}

// The text of the log chunks, with a line naming each step as it begins.
QString printLog(const QJsonObject& answer, int* lastStep)
{
    QString out;
    const QJsonArray chunks = answer.value(u"chunks"_s).toArray();
    for (const QJsonValue& value : chunks) {
        const QJsonObject c = value.toObject();
        const int step = c.value(u"step_number"_s).toInt();
        if (step != *lastStep) {
            out += u"=== step %1: %2 ===\n"_s.arg(step).arg(c.value(u"step"_s).toString());
            *lastStep = step;
        }
        out += c.value(u"text"_s).toString();
    }
    return out;
}

// The control socket to talk to: --socket, or the one the config names.
bool resolveSocket(const QString& socketOption, const QString& configOption, QString* socketPath)
{
    if (!socketOption.isEmpty()) {
        *socketPath = socketOption;
        return true;
    }
    const QString configPath =
        configOption.isEmpty() ? MasterConfig::defaultConfigPath() : configOption;
    if (configOption.isEmpty() && !QFileInfo::exists(configPath)) {
        // No config yet, so no master has run with it: the default socket is
        // where one would listen.
        *socketPath = defaultConfig().effectiveControlSocket();
        return true;
    }
    const ConfigLoadResult loaded = loadConfigFile(configPath);
    if (!loaded.ok()) {
        printErr(u"yardmaster ctl: the config %1 has errors:\n"_s.arg(configPath));
        for (const QString& error : loaded.errors)
            printErr(error + u'\n');
        return false;
    }
    *socketPath = loaded.config->effectiveControlSocket();
    return true;
}

// `ctl log --follow`: asks for new chunks every 0.5 s until the build has
// finished (the master says so before it reads, so nothing is missed).
int followLog(const QString& socketPath, QJsonObject request, int timeoutMs)
{
    int lastStep = -1;
    for (;;) {
        const Result<QJsonObject> result = controlRequest(socketPath, request, timeoutMs);
        if (!result.ok()) {
            printErr(u"yardmaster ctl: %1\n"_s.arg(result.error().message));
            return ExitUnreachable;
        }
        const QJsonObject& answer = result.value();
        if (!answer.value(u"ok"_s).toBool()) {
            printErr(u"yardmaster ctl log: the master refused:\n"_s);
            for (const QJsonValue& error : answer.value(u"errors"_s).toArray())
                printErr(error.toString() + u'\n');
            return ExitRefused;
        }
        printOut(printLog(answer, &lastStep));
        if (answer.value(u"finished"_s).toBool())
            return ExitOk;
        request.insert(u"after"_s, answer.value(u"last_chunk"_s));
        if (!answer.value(u"more"_s).toBool()) // caught up: wait for new output
            QThread::msleep(500);
    }
}

// `ctl log` without --follow: the master answers in pages of a few MB
// ("more": true); fetch them all. Plain text is printed page by page;
// --json prints one answer with every chunk.
int fetchLog(const QString& socketPath, QJsonObject request, int timeoutMs, bool json)
{
    int lastStep = -1;
    QJsonObject merged;
    for (;;) {
        const Result<QJsonObject> result = controlRequest(socketPath, request, timeoutMs);
        if (!result.ok()) {
            printErr(u"yardmaster ctl: %1\n"_s.arg(result.error().message));
            return ExitUnreachable;
        }
        QJsonObject answer = result.value();
        if (!answer.value(u"ok"_s).toBool()) {
            if (json) {
                printOut(QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Indented)));
                return ExitRefused;
            }
            printErr(u"yardmaster ctl log: the master refused:\n"_s);
            for (const QJsonValue& error : answer.value(u"errors"_s).toArray())
                printErr(error.toString() + u'\n');
            return ExitRefused;
        }
        const bool more = answer.value(u"more"_s).toBool();
        if (json) {
            if (merged.isEmpty()) {
                merged = answer;
            } else {
                QJsonArray chunks = merged.value(u"chunks"_s).toArray();
                for (const QJsonValue& c : answer.value(u"chunks"_s).toArray())
                    chunks.append(c);
                merged.insert(u"chunks"_s, chunks);
                merged.insert(u"steps"_s, answer.value(u"steps"_s));
                merged.insert(u"finished"_s, answer.value(u"finished"_s));
                merged.insert(u"last_chunk"_s, answer.value(u"last_chunk"_s));
            }
        } else {
            printOut(printLog(answer, &lastStep));
        }
        if (!more)
            break;
        request.insert(u"after"_s, answer.value(u"last_chunk"_s));
    }
    if (json) {
        merged.remove(u"more"_s);
        printOut(QString::fromUtf8(QJsonDocument(merged).toJson(QJsonDocument::Indented)));
    }
    return ExitOk;
}

} // namespace

int runCtl(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"yardmaster"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(YM_VERSION));

    QStringList arguments = app.arguments();
    if (arguments.size() > 1)
        arguments.removeAt(1); // "ctl"

    QCommandLineParser parser;
    const QCommandLineOption configOption(
        {u"c"_s, u"config"_s},
        u"Find the master's control socket in this config (default: %1)."_s.arg(
            MasterConfig::defaultConfigPath()),
        u"FILE"_s);
    const QCommandLineOption socketOption(
        {u"s"_s, u"socket"_s}, u"Talk to the master on this control socket."_s, u"PATH"_s);
    const QCommandLineOption jsonOption(u"json"_s,
                                        u"Print the master's answer as JSON (indented)."_s);
    parser.addOption(configOption);
    parser.addOption(socketOption);
    parser.addOption(jsonOption);
    const QCommandLineOption reasonOption(u"reason"_s, u"force, stop: the reason."_s, u"TEXT"_s);
    const QCommandLineOption propertyOption(u"property"_s,
                                            u"force: a build property (repeatable)."_s, u"K=V"_s);
    const QCommandLineOption builderOption(u"builder"_s, u"builds: one builder only."_s, u"B"_s);
    const QCommandLineOption followOption(u"follow"_s,
                                          u"log: keep printing until the build finishes."_s);
    parser.addOption(reasonOption);
    parser.addOption(propertyOption);
    parser.addOption(builderOption);
    parser.addOption(followOption);
    const QCommandLineOption storeOption(
        u"store"_s, u"secret: the store to use (keychain or directory)."_s, u"STORE"_s);
    parser.addOption(storeOption);
    const QCommandLineOption forceOption(u"force"_s, u"stop-latent: stop even while builds run."_s);
    const QCommandLineOption workerOption(u"worker"_s, u"ledger: one worker only."_s, u"NAME"_s);
    const QCommandLineOption limitOption(u"limit"_s, u"ledger: at most N rows."_s, u"N"_s);
    parser.addOption(forceOption);
    parser.addOption(workerOption);
    parser.addOption(limitOption);
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();

    if (!parser.parse(arguments)) {
        printErr(u"yardmaster ctl: %1\nTry `yardmaster ctl --help`.\n"_s.arg(parser.errorText()));
        return ExitUsage;
    }
    const QStringList positional = parser.positionalArguments();
    const QString commandName = positional.value(0);
    const CommandInfo* command = findCommand(commandName);

    if (parser.isSet(helpOption) || parser.isSet(u"help-all"_s)) {
        if (command) {
            printOut(composeHelp(
                parser,
                u"yardmaster ctl [--config FILE | --socket PATH] %1 %2[--json]"_s.arg(
                    command->name,
                    command->arguments.isEmpty() ? QString() : command->arguments + u' '),
                command->details));
        } else {
            QString body = u"Talks to a running master over its control socket (owner-only).\n\n"
                           u"Commands:\n"_s;
            for (const CommandInfo& info : commands())
                body += u"  %1  %2\n"_s.arg(info.name.leftJustified(12), info.summary);
            body += u"\nRun `yardmaster ctl COMMAND --help` for one command.\n"
                    u"Exit codes: 0 ok, 1 the master refused or failed, 2 usage or config "
                    u"error, 3 cannot reach the master.\n"_s;
            printOut(composeHelp(parser,
                                 u"yardmaster ctl [--config FILE | --socket PATH] COMMAND "
                                 u"[--json]"_s,
                                 body));
        }
        return ExitOk;
    }
    if (parser.isSet(versionOption)) {
        printOut(u"yardmaster %1\n"_s.arg(QCoreApplication::applicationVersion()));
        return ExitOk;
    }
    if (commandName.isEmpty()) {
        printErr(u"yardmaster ctl: missing COMMAND (status, reload, events, force, builds, log or "
                 u"stop)\n"
                 u"Try `yardmaster ctl --help`.\n"_s);
        return ExitUsage;
    }
    if (!command) {
        printErr(u"yardmaster ctl: unknown command '%1' (see yardmaster ctl --help)\n"_s.arg(
            commandName));
        return ExitUsage;
    }
    const QStringList args = positional.mid(1);
    if (args.size() > command->maxArgs) {
        printErr(u"yardmaster ctl %1: unexpected argument '%2'\n"_s.arg(commandName,
                                                                        args.at(command->maxArgs)));
        return ExitUsage;
    }
    if (args.size() < command->minArgs) {
        printErr(u"yardmaster ctl %1: missing argument (usage: yardmaster ctl %1 %2)\n"_s.arg(
            commandName, command->arguments));
        return ExitUsage;
    }
    auto misplaced = [&](const QCommandLineOption& option, const QStringList& allowed) {
        if (parser.isSet(option) && !allowed.contains(command->name)) {
            printErr(u"yardmaster ctl %1: --%2 does not apply to this command\n"_s.arg(
                command->name, option.names().constFirst()));
            return true;
        }
        return false;
    };
    if (misplaced(reasonOption, {u"force"_s, u"stop"_s, u"cancel"_s}) ||
        misplaced(propertyOption, {u"force"_s}) || misplaced(builderOption, {u"builds"_s}) ||
        misplaced(followOption, {u"log"_s}) || misplaced(storeOption, {u"secret"_s}) ||
        misplaced(forceOption, {u"stop-latent"_s}) || misplaced(workerOption, {u"ledger"_s}) ||
        misplaced(limitOption, {u"ledger"_s}))
        return ExitUsage;
    if (parser.isSet(followOption) && parser.isSet(jsonOption)) {
        printErr(u"yardmaster ctl log: give either --follow or --json, not both\n"_s);
        return ExitUsage;
    }
    if (command->name == u"secret"_s) {
        if (parser.isSet(socketOption)) {
            printErr(u"yardmaster ctl secret: give --config, not --socket (the config says "
                     u"which store to use)\n"_s);
            return ExitUsage;
        }
        return runCtlSecret(args, parser.value(configOption), parser.value(storeOption),
                            parser.isSet(jsonOption));
    }
    QJsonObject request{{u"command"_s, command->name}};
    if (command->name == u"force"_s) {
        request.insert(u"builder"_s, args.at(0));
        if (parser.isSet(reasonOption))
            request.insert(u"reason"_s, parser.value(reasonOption));
        QJsonObject properties;
        for (const QString& kv : parser.values(propertyOption)) {
            const qsizetype eq = kv.indexOf(u'=');
            if (eq <= 0) {
                printErr(u"yardmaster ctl force: --property '%1' is not KEY=VALUE\n"_s.arg(kv));
                return ExitUsage;
            }
            properties.insert(kv.left(eq), kv.mid(eq + 1));
        }
        request.insert(u"properties"_s, properties);
    } else if (command->name == u"stop"_s || command->name == u"log"_s) {
        bool ok = false;
        const qint64 id = args.at(0).toLongLong(&ok);
        if (!ok || id <= 0) {
            printErr(
                u"yardmaster ctl %1: '%2' is not a build id\n"_s.arg(command->name, args.at(0)));
            return ExitUsage;
        }
        request.insert(u"build"_s, double(id));
        if (command->name == u"stop"_s && parser.isSet(reasonOption))
            request.insert(u"reason"_s, parser.value(reasonOption));
        if (args.size() > 1)
            request.insert(u"step"_s, args.at(1));
    } else if (command->name == u"cancel"_s) {
        bool ok = false;
        const qint64 id = args.at(0).toLongLong(&ok);
        if (!ok || id <= 0) {
            printErr(u"yardmaster ctl cancel: '%1' is not a request id\n"_s.arg(args.at(0)));
            return ExitUsage;
        }
        request.insert(u"request"_s, double(id));
        if (parser.isSet(reasonOption))
            request.insert(u"reason"_s, parser.value(reasonOption));
    } else if (command->name == u"test-mail"_s) {
        request.insert(u"address"_s, args.at(0));
    } else if (command->name == u"builds"_s && parser.isSet(builderOption)) {
        request.insert(u"builder"_s, parser.value(builderOption));
    } else if (command->name == u"start-latent"_s || command->name == u"stop-latent"_s) {
        request.insert(u"worker"_s, args.at(0));
        if (parser.isSet(forceOption))
            request.insert(u"force"_s, true);
    } else if (command->name == u"ledger"_s) {
        if (parser.isSet(workerOption))
            request.insert(u"worker"_s, parser.value(workerOption));
        if (parser.isSet(limitOption)) {
            bool ok = false;
            const int limit = parser.value(limitOption).toInt(&ok);
            if (!ok || limit < 1 || limit > 1'000'000) {
                printErr(u"yardmaster ctl ledger: --limit '%1' is not a number from 1 to "
                         u"1000000\n"_s.arg(parser.value(limitOption)));
                return ExitUsage;
            }
            request.insert(u"limit"_s, limit);
        }
    }
    if (parser.isSet(configOption) && parser.isSet(socketOption)) {
        printErr(u"yardmaster ctl: give either --config or --socket, not both\n"_s);
        return ExitUsage;
    }

    QString socketPath;
    if (!resolveSocket(parser.value(socketOption), parser.value(configOption), &socketPath))
        return ExitUsage;

    if (parser.isSet(followOption))
        return followLog(socketPath, request, command->timeoutMs);
    if (command->name == u"log"_s)
        return fetchLog(socketPath, request, command->timeoutMs, parser.isSet(jsonOption));
    const Result<QJsonObject> result = controlRequest(socketPath, request, command->timeoutMs);
    if (!result.ok()) {
        printErr(u"yardmaster ctl: %1\n"_s.arg(result.error().message));
        return ExitUnreachable;
    }
    const QJsonObject& answer = result.value();
    const bool ok = answer.value(u"ok"_s).toBool();
    if (parser.isSet(jsonOption)) {
        printOut(QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Indented)));
        return ok ? ExitOk : ExitRefused;
    }
    if (!ok && command->name == u"test-mail"_s) {
        for (const QJsonValue& error : answer.value(u"errors"_s).toArray())
            printErr(u"yardmaster ctl test-mail: %1\n"_s.arg(error.toString()));
        return ExitRefused;
    }
    if (!ok) {
        printErr(u"yardmaster ctl %1: the master refused:\n"_s.arg(command->name));
        const QJsonArray errors = answer.value(u"errors"_s).toArray();
        for (const QJsonValue& error : errors)
            printErr(error.toString() + u'\n');
        return ExitRefused;
    }
    if (command->name == u"status"_s) {
        printOut(printStatus(answer));
    } else if (command->name == u"reload"_s) {
        printOut(printReload(answer));
    } else if (command->name == u"force"_s) {
        printOut(u"queued build request %1 for builder '%2'\n"_s.arg(
            text(answer.value(u"request"_s)), answer.value(u"builder"_s).toString()));
    } else if (command->name == u"stop"_s) {
        printOut(u"stopping build %1\n"_s.arg(text(answer.value(u"build"_s))));
    } else if (command->name == u"cancel"_s) {
        printOut(u"cancelled build request %1\n"_s.arg(text(answer.value(u"request"_s))));
    } else if (command->name == u"builds"_s) {
        printOut(printBuilds(answer));
    } else if (command->name == u"start-latent"_s) {
        printOut(u"starting %1\n"_s.arg(answer.value(u"worker"_s).toString()));
    } else if (command->name == u"stop-latent"_s) {
        printOut(u"stopping %1\n"_s.arg(answer.value(u"worker"_s).toString()));
    } else if (command->name == u"ledger"_s) {
        printOut(latenttext::ledgerTable(answer.value(u"instances"_s).toArray()));
    } else if (command->name == u"test-mail"_s) {
        printOut(u"test message to %1 accepted by the SMTP server: %2\n"_s.arg(
            answer.value(u"address"_s).toString(), answer.value(u"answer"_s).toString()));
    } else if (command->name == u"log"_s) {
        int lastStep = -1;
        printOut(printLog(answer, &lastStep));
    } else {
        printOut(printEvents(answer));
    }
    return ExitOk;
}

} // namespace ym
