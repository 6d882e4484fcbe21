#pragma once

#include "config/ConfigValidation.h"
#include "config/MasterConfig.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace ym::configdetail {

// Checks "mail" (at `path`) into `out`, reporting into `checker`.
// `builderNames`: the names in "builders", which "mail.builders" may refer to.
void parseMail(Checker& checker, const QJsonValue& value, const QString& path,
               const QStringList& builderNames, MailConfig& out);

} // namespace ym::configdetail
