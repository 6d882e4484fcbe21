#pragma once

#include "config/BuilderConfig.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace ym {

// A copy of one configured builder for whoever watches (the GUI): what it is
// called, which workers may run it and its steps. Made on the engine thread.
struct BuilderInfo
{
    QString name;
    QStringList workernames;
    QStringList steps; // step names, in order
    QJsonObject properties;

    static BuilderInfo fromConfig(const BuilderConfig& config);
    static QList<BuilderInfo> fromConfigs(const QList<BuilderConfig>& configs);

    bool operator==(const BuilderInfo&) const = default;
};

} // namespace ym

Q_DECLARE_METATYPE(ym::BuilderInfo)
