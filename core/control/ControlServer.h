#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

class QLocalServer;
class QLocalSocket;

namespace ym {

class Master;

// The local socket behind `yardmaster ctl`. Owner-only (the socket is 0600 in
// a 0700 folder). Lives on the engine thread and uses the Master's face.
//
// Wire format: one JSON object per line each way (a line is capped at 64 KiB).
//   {"command":"status"} -> {"ok":true,"version":"0.1.0","title":...,"config":PATH,"port":N,
//                            "running":true,"workers":[WorkerState::toJson()...]}
//   {"command":"reload"} -> {"ok":true,"added":[...],"removed":[...],"changed":[...],
//                            "warnings":[...]}
//                        or {"ok":false,"errors":["..."]}
//   {"command":"events"} -> {"ok":true,"events":[EngineEvent::toJson()...]}
//   unknown command      -> {"ok":false,"errors":["unknown command 'x'"]}
//   malformed line       -> {"ok":false,"errors":["malformed request ..."]}
class ControlServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControlServer)

public:
    ControlServer(Master& master, QObject* parent = nullptr);
    ~ControlServer() override;

    // Listens on `path` (removing a stale socket left by a dead master, but
    // refusing when a live master answers there). Creates the folder 0700.
    bool listen(const QString& path, QString* error);
    QString path() const;

private:
    void onNewConnection();
    void refuseLongLine(QLocalSocket* socket);
    QJsonObject handleRequest(const QByteArray& line);
    QJsonObject status() const;
    QJsonObject reload();
    QJsonObject events() const;

    Master& m_master;
    QLocalServer* m_server = nullptr;
};

} // namespace ym
