#pragma once

#include "engine/WorkerState.h"

#include <QColor>
#include <QDateTime>
#include <QString>

namespace ym::latent {

// A latent phase as the console names it (translated): "waiting for attach".
QString phaseText(LatentState::Phase phase);
// A span of seconds, coarse: "12 s", "2 min", "3 h", "2 d" (translated).
QString elapsedText(qint64 seconds);
// The worker table's lifecycle cell: "waiting for attach · 12 s", "stopped",
// "start failed · 2 min", "idle, stops in 8 min". Empty for standard workers.
QString lifecycleText(const WorkerState& w, const QDateTime& now);
// Its tooltip: the phase since when, the instance, the last error, when the
// next automatic start may happen, why it was started.
QString lifecycleToolTip(const WorkerState& w, const QDateTime& now);
// A colour per kind of phase: failures red, attached green, moving blue.
QColor lifecycleColor(LatentState::Phase phase);
// Whether the cell's text changes with time (phases that show a duration).
bool lifecycleTicks(const WorkerState& w);

// What the context menu offers: start while stopped or after a failed start
// or attach; stop while it starts, waits, is attached or after a failed stop.
bool canStartInstance(const WorkerState& w);
bool canStopInstance(const WorkerState& w);

} // namespace ym::latent
