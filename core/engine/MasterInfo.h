#pragma once

#include "config/MasterConfig.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include <optional>

namespace ym {

// What the engine tells a watcher about itself: the running config (a copy)
// and where it listens. Sent after start and after every reload.
struct MasterInfo
{
    bool running = false;
    QString configPath;
    MasterConfig config;
    QString listenAddress; // as configured: empty means every interface
    quint16 port = 0;      // the bound msgpack port (0: not listening)
    QString secretsBackend;
};

// A worker added or edited in the console: its new config and, when it
// changes, its password. `originalName` is empty for a new worker.
struct WorkerEdit
{
    quint64 ticket = 0; // echoed by Master::workerSaved
    QString originalName;
    WorkerConfig config;
    std::optional<QByteArray> password; // set: stored as the secret "worker/<name>"
};

} // namespace ym

Q_DECLARE_METATYPE(ym::MasterInfo)
Q_DECLARE_METATYPE(ym::WorkerEdit)
Q_DECLARE_METATYPE(ym::WorkerConfig)
