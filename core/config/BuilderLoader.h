#pragma once

#include "config/BuilderConfig.h"
#include "config/ConfigValidation.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace ym::configdetail {

// Checks "builders" (at `path`) into `out`, reporting into `checker`.
// `workerNames`: the names in "workers", which "workernames" may refer to.
void parseBuilders(Checker& checker, const QJsonValue& value, const QString& path,
                   const QStringList& workerNames, QList<BuilderConfig>& out);

} // namespace ym::configdetail
