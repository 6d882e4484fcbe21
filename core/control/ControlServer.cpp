#include "control/ControlServer.h"

#include "engine/Master.h"
#include "util/Logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace ym {

namespace {

// A request line longer than this is junk: the connection is answered with an
// error and closed.
constexpr qint64 MaxLineBytes = 64 * 1024;
// A client that stays silent this long is dropped.
constexpr int IdleTimeoutMs = 60 * 1000;
// How long listen() waits for a live master to answer on an existing socket.
constexpr int ProbeTimeoutMs = 1000;

QJsonArray toArray(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}

QJsonObject failure(const QStringList& errors)
{
    return QJsonObject{{u"ok"_s, false}, {u"errors"_s, toArray(errors)}};
}

void sendAnswer(QLocalSocket* socket, const QJsonObject& answer)
{
    QByteArray line = QJsonDocument(answer).toJson(QJsonDocument::Compact);
    line.append('\n');
    socket->write(line);
}

} // namespace

ControlServer::ControlServer(Master& master, QObject* parent) : QObject(parent), m_master(master)
{}

ControlServer::~ControlServer()
{
    if (m_server && m_server->isListening()) {
        const QString socketPath = m_server->fullServerName();
        m_server->close(); // unlinks the socket file
        if (QFileInfo::exists(socketPath))
            QFile::remove(socketPath);
        qCInfo(lcControl).noquote() << "control socket closed:" << socketPath;
    }
}

bool ControlServer::listen(const QString& path, QString* error)
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (path.isEmpty())
        return fail(u"no control socket path configured"_s);
    if (m_server && m_server->isListening())
        return fail(u"the control server already listens on %1"_s.arg(m_server->fullServerName()));

    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QString folder = QFileInfo(absolute).absolutePath();
    if (!QFileInfo::exists(folder)) {
        if (!QDir().mkpath(folder))
            return fail(u"cannot create the control socket's folder %1"_s.arg(folder));
        // Only a folder we created is ours to restrict.
        if (!QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                               QFileDevice::ExeOwner))
            return fail(
                u"cannot restrict the control socket's folder %1 to its owner"_s.arg(folder));
    }

    if (QFileInfo::exists(absolute) || QFileInfo(absolute).isSymLink()) {
        QLocalSocket probe;
        probe.connectToServer(absolute);
        if (probe.waitForConnected(ProbeTimeoutMs)) {
            probe.abort();
            return fail(u"another master is already running on %1"_s.arg(absolute));
        }
        qCInfo(lcControl).noquote() << "removing a stale control socket:" << absolute;
        if (!QLocalServer::removeServer(absolute))
            return fail(u"cannot remove the stale control socket %1"_s.arg(absolute));
    }

    if (!m_server) {
        m_server = new QLocalServer(this);
        m_server->setSocketOptions(QLocalServer::UserAccessOption);
        connect(m_server, &QLocalServer::newConnection, this, &ControlServer::onNewConnection);
    }
    if (!m_server->listen(absolute))
        return fail(
            u"cannot listen on the control socket %1: %2"_s.arg(absolute, m_server->errorString()));
    qCInfo(lcControl).noquote() << "control socket listening:" << absolute;
    return true;
}

QString ControlServer::path() const
{
    return m_server && m_server->isListening() ? m_server->fullServerName() : QString();
}

void ControlServer::onNewConnection()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);

        auto* idle = new QTimer(socket);
        idle->setSingleShot(true);
        idle->setInterval(IdleTimeoutMs);
        connect(idle, &QTimer::timeout, socket, [socket] {
            qCDebug(lcControl) << "dropping an idle control client";
            socket->abort();
        });
        idle->start();

        connect(socket, &QLocalSocket::readyRead, this, [this, socket, idle] {
            if (socket->state() != QLocalSocket::ConnectedState)
                return;
            idle->start();
            for (;;) {
                if (!socket->canReadLine()) {
                    if (socket->bytesAvailable() > MaxLineBytes)
                        refuseLongLine(socket);
                    return;
                }
                const QByteArray line = socket->readLine(MaxLineBytes + 1);
                if (!line.endsWith('\n')) { // readLine stopped at the cap
                    refuseLongLine(socket);
                    return;
                }
                const QByteArray trimmed = line.trimmed();
                if (!trimmed.isEmpty()) {
                    QPointer<QLocalSocket> guard(socket);
                    handleRequest(trimmed, [guard](const QJsonObject& answer) {
                        if (guard && guard->state() == QLocalSocket::ConnectedState)
                            sendAnswer(guard, answer);
                    });
                }
            }
        });
    }
}

void ControlServer::refuseLongLine(QLocalSocket* socket)
{
    qCWarning(lcControl) << "control request longer than" << MaxLineBytes
                         << "bytes; closing that client";
    sendAnswer(socket, failure({u"request line longer than %1 bytes"_s.arg(MaxLineBytes)}));
    socket->disconnectFromServer();
}

void ControlServer::handleRequest(const QByteArray& line, const Answer& answer)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return answer(failure({u"malformed request at offset %1: %2"_s.arg(parseError.offset)
                                   .arg(parseError.errorString())}));
    if (!doc.isObject())
        return answer(failure({u"malformed request: expected a JSON object"_s}));
    const QJsonObject request = doc.object();
    const QJsonValue commandValue = request.value(u"command"_s);
    if (!commandValue.isString())
        return answer(failure({u"malformed request: \"command\" must be a string"_s}));
    const QString command = commandValue.toString();
    qCDebug(lcControl).noquote() << "control request:" << command;

    if (command == u"status"_s)
        return answer(status());
    if (command == u"reload"_s)
        return reload(answer);
    if (command == u"events"_s)
        return answer(events());
    if (command == u"force"_s)
        return answer(force(request));
    if (command == u"stop"_s)
        return answer(stop(request));
    if (command == u"cancel"_s)
        return answer(cancel(request));
    if (command == u"builds"_s)
        return builds(request, answer);
    if (command == u"log"_s)
        return log(request, answer);
    if (command == u"test-mail"_s)
        return testMail(request, answer);
    if (command == u"start-latent"_s)
        return answer(startLatent(request));
    if (command == u"stop-latent"_s)
        return answer(stopLatent(request));
    if (command == u"ledger"_s)
        return ledger(request, answer);
    answer(failure({u"unknown command '%1'"_s.arg(command.left(100))}));
}

QJsonObject ControlServer::status() const
{
    QJsonArray workers;
    const QList<WorkerState> states = m_master.workers();
    for (const WorkerState& state : states)
        workers.append(state.toJson());
    const MasterConfig& config = m_master.config();
    return QJsonObject{
        {u"ok"_s, true},
        {u"version"_s, QStringLiteral(YM_VERSION)},
        {u"title"_s, config.master.title},
        {u"config"_s, m_master.configPath()},
        {u"port"_s, int(m_master.msgpackPort())},
        {u"running"_s, m_master.isRunning()},
        {u"secrets"_s, m_master.secretsBackend()},
        {u"workers"_s, workers},
    };
}

void ControlServer::reload(const Answer& answer)
{
    m_master.reloadAsync([answer](const Result<Master::ReloadReport>& result) {
        if (!result.ok()) {
            // The engine joins every config error into one message, one per line.
            QStringList errors = result.error().message.split(u'\n', Qt::SkipEmptyParts);
            if (errors.isEmpty())
                errors.append(u"reload failed"_s);
            qCWarning(lcControl).noquote() << "reload via the control socket refused";
            answer(failure(errors));
            return;
        }
        const Master::ReloadReport& report = result.value();
        qCInfo(lcControl).noquote()
            << u"reload via the control socket: added [%1] removed [%2] changed [%3]"_s.arg(
                   report.added.join(u", "_s), report.removed.join(u", "_s),
                   report.changed.join(u", "_s));
        answer(QJsonObject{
            {u"ok"_s, true},
            {u"added"_s, toArray(report.added)},
            {u"removed"_s, toArray(report.removed)},
            {u"changed"_s, toArray(report.changed)},
            {u"warnings"_s, toArray(report.warnings)},
        });
    });
}

QJsonObject ControlServer::events() const
{
    QJsonArray list;
    const QList<EngineEvent> recent = m_master.recentEvents();
    for (const EngineEvent& event : recent)
        list.append(event.toJson());
    return QJsonObject{{u"ok"_s, true}, {u"events"_s, list}};
}

} // namespace ym
