#pragma once

#include <QString>

namespace ym {

// Start-up steps shared by the console and the headless face.

// Raises the soft limit on open files to the hard limit (each worker link is a
// descriptor); warns when even the hard limit is too low for this config.
void raiseFileLimit(qsizetype workerCount);
// True when a live master answers on `socketPath`.
bool masterAnswers(const QString& socketPath);
// The config to run with: FILE from --config, or the default path, where a
// default config is created on first run (the message ends with `nextStep`).
bool prepareConfigPath(const QString& given, QString* path, const QString& nextStep);
// Everything before a master starts, for both faces: the config path (as
// prepareConfigPath), the config validated (a bad config never runs
// half-configured), no other master on its control socket, the file limit
// raised, SIGPIPE ignored. On failure it has said why on stderr.
bool prepareToRun(const QString& given, const QString& nextStep, QString* path);

} // namespace ym
