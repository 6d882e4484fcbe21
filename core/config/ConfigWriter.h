#pragma once

#include "config/MasterConfig.h"
#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace ym {

// The config as JSON text; loading it again gives an equal config.
QByteArray serializeConfig(const MasterConfig& config);
// Writes atomically (QSaveFile): the old file stays whole if anything fails.
Result<void> saveConfigFile(const MasterConfig& config, const QString& path);
// The config written on first run: no workers, defaults everywhere.
MasterConfig defaultConfig();

} // namespace ym
