#pragma once

#include "config/ConfigValidation.h"
#include "config/MasterConfig.h"

#include <QJsonObject>
#include <QString>

namespace ym::configdetail {

// Checks the latent-worker keys of the worker object `worker` (at `path`:
// "type", "build_wait_timeout", "libvirt") into `out.latent`, reporting into
// `checker`, and gives a latent worker without "missing_timeout" the latent
// default. `out.name` must already be set (empty when it had an error).
// Paths are made absolute with `config.resolvePath`; "xml_file" is read here.
void parseLatent(Checker& checker, const QJsonObject& worker, const QString& path,
                 const MasterConfig& config, WorkerConfig& out);

// Checks domain XML: it parses and its <name> is `workerName`. `origin` names
// the text in messages (a file, or "inline XML"). Returns the problem, or an
// empty string.
QString checkDomainXml(const QString& xml, const QString& workerName, const QString& origin);

} // namespace ym::configdetail
