#pragma once

#include "storage/StorageRecords.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

// Latent workers over the control socket: the JSON of a ledger row, and the
// text `yardmaster ctl` prints for the ledger and for a latent worker in
// `ctl status`. In core so that tests can check the text without a process.
namespace ym::latenttext {

// {"id","worker","driver","instance","state","requested_ms","started_ms",
//  "attached_ms","stop_requested_ms","stopped_ms" (null when 0),"last_error",
//  "reason","attributes"}
QJsonObject ledgerRowJson(const storage::LatentInstanceRecord& record);

// "12 s", "3 min 5 s", "2 h 10 min", "3 d 4 h" (negative counts as 0).
QString duration(qint64 seconds);

// The ledger as a table (times in local time), or "no latent instances".
QString ledgerTable(const QJsonArray& rows);

// One line for a latent worker in `ctl status`, from its status entry (the
// WorkerState JSON with its "latent" object), e.g.
// "bot1  latent libvirt: waiting for attach (12 s)"; empty for a standard
// worker. Failure phases add the last error and when the next start may be.
QString statusLine(const QJsonObject& worker, const QDateTime& now);

} // namespace ym::latenttext
