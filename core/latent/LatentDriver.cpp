#include "latent/LatentDriver.h"

namespace ym::latent {

QString InstanceInfo::stateName(State state)
{
    switch (state) {
    case State::Absent:
        return QStringLiteral("absent");
    case State::Pending:
        return QStringLiteral("pending");
    case State::Running:
        return QStringLiteral("running");
    case State::Stopping:
        return QStringLiteral("stopping");
    case State::Stopped:
        return QStringLiteral("stopped");
    }
    return QStringLiteral("absent");
}

} // namespace ym::latent
