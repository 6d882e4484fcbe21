#pragma once

#include "config/MasterConfig.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace ym {

// The outcome of loading a config: either a whole config or every problem at
// once, each with its place. A bad config never half-loads.
struct ConfigLoadResult
{
    std::optional<MasterConfig> config; // set only when errors is empty
    QStringList errors;   // "file:line:column: message" or "workers[2].max_builds: message"
    QStringList warnings; // e.g. "workers[0].password: plain-text password for worker 'x' ..."

    bool ok() const { return config.has_value(); }
};

// Reads and validates a config file. `path` is used in messages and to
// resolve relative paths.
ConfigLoadResult loadConfigFile(const QString& path);
// Parses and validates JSON text; `origin` names it in messages (a file name).
ConfigLoadResult parseConfig(const QByteArray& json, const QString& origin);

} // namespace ym
