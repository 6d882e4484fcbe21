// Weak stand-ins for the Master slots declared on main but defined by the
// engine's latent work (not merged when this test was written): the test
// links ymcore's moc output, which references them. A real definition in
// ymcore wins over these; delete this file once the engine defines them.

#include "engine/Master.h"

namespace ym {

[[gnu::weak]] void Master::startLatentWorker(const QString&)
{}
[[gnu::weak]] void Master::stopLatentWorker(const QString&, bool)
{}
[[gnu::weak]] void Master::testLatentConnection(quint64, const ym::WorkerConfig&)
{}

} // namespace ym
