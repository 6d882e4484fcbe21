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

// Limits the loader enforces (documented in docs/configuration.md).
namespace configlimits {
inline constexpr int MaxSeconds = 2'000'000; // about 23 days; fits a QTimer in milliseconds
inline constexpr int MaxIoThreads = 64;
inline constexpr int MaxWorkerNameLength = 100;
inline constexpr int MaxSocketPathBytes = 106; // sun_path is 108 bytes with its NUL
inline constexpr int MaxBuilderNameLength = 100;
inline constexpr int MaxStepNameLength = 100;
inline constexpr int MaxBlocksize = 64 * 1024 * 1024;         // bytes per transfer chunk
inline constexpr qint64 MaxFileBytes = 9'007'199'254'740'992; // 2^53: exact in a JSON number
} // namespace configlimits

// Reads and validates a config file. `path` is used in messages and to
// resolve relative paths.
ConfigLoadResult loadConfigFile(const QString& path);
// Parses and validates JSON text; `origin` names it in messages (a file name).
ConfigLoadResult parseConfig(const QByteArray& json, const QString& origin);

} // namespace ym
