#include "engine/BuilderInfo.h"

namespace ym {

BuilderInfo BuilderInfo::fromConfig(const BuilderConfig& config)
{
    BuilderInfo info;
    info.name = config.name;
    info.workernames = config.workernames;
    for (const StepConfig& step : config.steps)
        info.steps << step.name;
    info.properties = config.properties;
    return info;
}

QList<BuilderInfo> BuilderInfo::fromConfigs(const QList<BuilderConfig>& configs)
{
    QList<BuilderInfo> out;
    out.reserve(configs.size());
    for (const BuilderConfig& c : configs)
        out << fromConfig(c);
    return out;
}

} // namespace ym
