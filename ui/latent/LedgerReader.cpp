// The console's only direct call of Master::readLedger (any-thread read).
#include "latent/LedgerReader.h"

#include "engine/Master.h"

#include <QPointer>

namespace ym {

LedgerReader masterLedgerReader(Master* master)
{
    return [engine = QPointer<Master>(master)](int limit, QObject* context,
                                               std::function<void(Result<LedgerRows>)> done) {
        if (!engine) {
            done(Error{QStringLiteral("the master is gone")});
            return;
        }
        engine->readLedger(QString(), limit, context, std::move(done));
    };
}

} // namespace ym
