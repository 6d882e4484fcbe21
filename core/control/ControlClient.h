#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QString>

namespace ym {

// One request/answer over the control socket (blocking: for the short-lived
// `yardmaster ctl` process only, never for the GUI thread).
Result<QJsonObject> controlRequest(const QString& socketPath, const QJsonObject& request,
                                   int timeoutMs = 10000);

} // namespace ym
