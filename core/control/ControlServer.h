#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>

class QLocalServer;
class QLocalSocket;

namespace ym {

class Master;

// The local socket behind `yardmaster ctl`. Owner-only (the socket is 0600 in
// a 0700 folder). Lives on the engine thread and uses the Master's face.
//
// Wire format: one JSON object per line each way (a line is capped at 64 KiB).
//   {"command":"status"} -> {"ok":true,"version":"0.1.0","title":...,"config":PATH,"port":N,
//                            "running":true,"secrets":"keychain"|"directory",
//                            "workers":[WorkerState::toJson()...]}
//   {"command":"reload"} -> {"ok":true,"added":[...],"removed":[...],"changed":[...],
//                            "warnings":[...]}
//                        or {"ok":false,"errors":["..."]}
//                           (answered once the config's secrets are resolved)
//   {"command":"events"} -> {"ok":true,"events":[EngineEvent::toJson()...]}
//   {"command":"force","builder":B,"reason":R?,"properties":{K:V}?}
//                        -> {"ok":true,"request":ID,"builder":B}
//                        or {"ok":false,"errors":["unknown builder 'x' (configured: ...)"]}
//   {"command":"builds","builder":B?,"limit":N?}
//                        -> {"ok":true,"builds":[BuildInfo::toJson()...]}: stored builds
//                           (oldest first, at most N, default 100) with running ones
//                           updated from memory, then queued requests (id 0)
//   {"command":"log","build":ID,"step":NAME_OR_NUMBER?,"after":CHUNK_ID?}
//                        -> {"ok":true,"build":ID,"finished":bool,"more":bool,"last_chunk":ID,
//                            "steps":[{id,number,name,result,summary,started_ms,finished_ms}],
//                            "chunks":[{id,step,step_number,stream,first_line,line_count,
//                                       time_ms,line_times:[ms after time_ms...],text}]}
//                           chunks with id > after, in order; `finished` was true before
//                           the read, so a follower stops after such an answer.
//                           An answer holds about 4 MB of text at most: with "more": true
//                           (and "finished": false) ask again with after = last_chunk
//   {"command":"stop","build":ID,"reason":R?} -> {"ok":true} or {"ok":false,"errors":[...]}
//   {"command":"cancel","request":ID,"reason":R?} -> {"ok":true,"request":ID}: a queued
//                           request taken out of the queue (ends `cancelled`)
//   {"command":"test-mail","address":A}
//                        -> {"ok":true,"address":A,"answer":"250 ..."}: the SMTP server took it
//                        or {"ok":false,"errors":["test message to A not sent: ..."]}
//   {"command":"start-latent","worker":W} -> {"ok":true,"worker":W}: its instance is
//                           being started (Master::startLatentNow), or {"ok":false,...}
//   {"command":"stop-latent","worker":W,"force":bool?} -> {"ok":true,"worker":W,"force":F}
//                           (refused while builds run unless force)
//   {"command":"ledger","worker":W?,"limit":N?}
//                        -> {"ok":true,"instances":[latenttext::ledgerRowJson()...]}: the
//                           newest N (default 100) rows of the instance ledger, newest last
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
    using Answer = std::function<void(const QJsonObject&)>;
    void handleRequest(const QByteArray& line, const Answer& answer);
    QJsonObject force(const QJsonObject& request);
    QJsonObject stop(const QJsonObject& request);
    QJsonObject cancel(const QJsonObject& request);
    void builds(const QJsonObject& request, const Answer& answer);
    void log(const QJsonObject& request, const Answer& answer);
    void testMail(const QJsonObject& request, const Answer& answer);
    QJsonObject startLatent(const QJsonObject& request); // ControlLatent.cpp
    QJsonObject stopLatent(const QJsonObject& request);
    void ledger(const QJsonObject& request, const Answer& answer);
    QJsonObject status() const;
    void reload(const Answer& answer);
    QJsonObject events() const;

    Master& m_master;
    QLocalServer* m_server = nullptr;
};

} // namespace ym
