#pragma once

#include <QString>
#include <QVariantList>
#include <QVariantMap>

#include <optional>

// What a buildbot-worker 3.7 answers, as QVariant values for ym::codec.
namespace ymbench::replies {

// The get_worker_info result: the keys and shapes the real worker sends
// (info/ files, os_* from Debian 12's os-release, a small environ, 15 commands).
QVariantMap workerInfo(const QString& name);

// The `update` args the worker sends for a finished file-system command
// (files/stat first, then rc, then elapsed), or nothing when the simulated
// worker does not run `command` (shell, transfers, unknown names).
std::optional<QVariantList> commandUpdates(const QString& command, double elapsedS);

} // namespace ymbench::replies
