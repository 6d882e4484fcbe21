#include "control/ControlClient.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocalSocket>

using namespace Qt::StringLiterals;

namespace ym {

namespace {

constexpr qint64 MaxAnswerBytes = 64 * 1024 * 1024;

QString reasonFor(const QLocalSocket& socket)
{
    switch (socket.error()) {
    case QLocalSocket::ServerNotFoundError:
        return u"no such socket"_s;
    case QLocalSocket::ConnectionRefusedError:
        return u"connection refused"_s;
    case QLocalSocket::SocketAccessError:
        return u"permission denied"_s;
    case QLocalSocket::SocketTimeoutError:
        return u"timed out"_s;
    default:
        return socket.errorString();
    }
}

} // namespace

Result<QJsonObject> controlRequest(const QString& socketPath, const QJsonObject& request,
                                   int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    QLocalSocket socket;
    socket.connectToServer(socketPath);
    if (!socket.waitForConnected(int(deadline.remainingTime())))
        return Error{u"cannot reach the master at %1: %2 (is it running?)"_s.arg(
            socketPath, reasonFor(socket))};

    QByteArray line = QJsonDocument(request).toJson(QJsonDocument::Compact);
    line.append('\n');
    socket.write(line);
    while (socket.bytesToWrite() > 0) {
        if (!socket.waitForBytesWritten(int(deadline.remainingTime())))
            return Error{u"cannot send the request to the master at %1: %2"_s.arg(
                socketPath, reasonFor(socket))};
    }

    while (!socket.canReadLine()) {
        if (socket.bytesAvailable() > MaxAnswerBytes)
            return Error{u"the master at %1 sent an answer longer than %2 bytes"_s.arg(socketPath)
                             .arg(MaxAnswerBytes)};
        if (deadline.hasExpired())
            return Error{u"no answer from the master at %1 within %2 s"_s.arg(socketPath)
                             .arg(timeoutMs / 1000.0)};
        if (!socket.waitForReadyRead(int(deadline.remainingTime()))) {
            if (socket.canReadLine())
                break;
            if (socket.state() != QLocalSocket::ConnectedState)
                return Error{
                    u"the master at %1 closed the connection without answering"_s.arg(socketPath)};
            return Error{u"no answer from the master at %1 within %2 s"_s.arg(socketPath)
                             .arg(timeoutMs / 1000.0)};
        }
    }
    const QByteArray answer = socket.readLine();
    socket.disconnectFromServer();

    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(answer, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return Error{
            u"the master at %1 sent an answer that is not a JSON object"_s.arg(socketPath)};
    return doc.object();
}

} // namespace ym
