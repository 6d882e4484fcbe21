#pragma once

#include "storage/StorageRecords.h"
#include "util/Result.h"

#include <QList>
#include <QObject>

#include <functional>

namespace ym {

class Master;

// Reads the newest `limit` ledger rows (all workers, newest last); `done`
// runs on `context`'s thread. The Instances tab reads through this, so that
// a test can feed it rows without an engine.
using LedgerRows = QList<storage::LatentInstanceRecord>;
using LedgerReader =
    std::function<void(int limit, QObject* context, std::function<void(Result<LedgerRows>)> done)>;

// The reader over the engine: Master::readLedger(QString(), limit, context, done).
LedgerReader masterLedgerReader(Master* master);

} // namespace ym
