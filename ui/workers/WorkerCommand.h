#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace ym {

struct MasterInfo;

// The host a worker should connect to: the configured bind address, or this
// machine's host name when the master listens on every interface.
QString masterHostForWorkers(const MasterInfo& info);

// The exact command that creates this worker on its machine:
//   buildbot-worker create-worker --protocol=msgpack_experimental_v7 NAME HOST:PORT NAME PASSWORD
// The basedir is the worker's name (relative to where it is run). Without a
// password the word PASSWORD stands in its place. Arguments are quoted for a
// POSIX shell when they need it.
QString createWorkerCommand(const QString& name, const QString& host, quint16 port,
                            const std::optional<QByteArray>& password);

// `arg` quoted for a POSIX shell (unchanged when it needs no quoting).
QString shellQuote(const QString& arg);

} // namespace ym
