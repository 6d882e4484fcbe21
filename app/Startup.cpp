#include "Startup.h"

#include "CommandLine.h"

#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "config/MasterConfig.h"
#include "util/Logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocalSocket>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace ym {

// Raises the soft limit on open files to the hard limit: each worker link is a
// descriptor. Warns when even the hard limit is too low for this config.
void raiseFileLimit(qsizetype workerCount)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        qCWarning(lcApp) << "cannot read the open-file limit:" << std::strerror(errno);
        return;
    }
    rlim_t target = limit.rlim_max;
    if (target == RLIM_INFINITY) {
        // Linux refuses an infinite RLIMIT_NOFILE; fs.nr_open is the real ceiling.
        QFile nrOpen(u"/proc/sys/fs/nr_open"_s);
        bool ok = false;
        if (nrOpen.open(QIODevice::ReadOnly))
            target = nrOpen.readAll().trimmed().toULongLong(&ok);
        if (!ok)
            target = 1048576;
    }
    if (limit.rlim_cur < target) {
        rlimit raised = limit;
        raised.rlim_cur = target;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
        else
            qCWarning(lcApp) << "cannot raise the open-file limit to" << quint64(target) << ":"
                             << std::strerror(errno);
    }
    const quint64 needed = quint64(workerCount) + 256;
    if (limit.rlim_max != RLIM_INFINITY && quint64(limit.rlim_max) < needed)
        qCWarning(lcApp).noquote()
            << u"the hard limit on open files is %1, below the %2 this config needs (%3 workers "
               u"+ 256): raise it (LimitNOFILE= in the service unit, or ulimit -Hn)"_s
                   .arg(quint64(limit.rlim_max))
                   .arg(needed)
                   .arg(workerCount);
    qCDebug(lcApp) << "open-file limit: soft" << quint64(limit.rlim_cur) << "hard"
                   << quint64(limit.rlim_max);
}

// True when a live master answers on `socketPath`.
bool masterAnswers(const QString& socketPath)
{
    if (!QFileInfo::exists(socketPath))
        return false;
    QLocalSocket probe;
    probe.connectToServer(socketPath);
    const bool live = probe.waitForConnected(1000);
    probe.abort();
    return live;
}

// The config to run with: FILE from --config, or the default path, where a
// default config is created on first run.
bool prepareConfigPath(const QString& given, QString* path, const QString& nextStep)
{
    if (!given.isEmpty()) {
        *path = QFileInfo(given).absoluteFilePath();
        return true;
    }
    *path = QFileInfo(MasterConfig::defaultConfigPath()).absoluteFilePath();
    if (QFileInfo::exists(*path))
        return true;
    const QString folder = QFileInfo(*path).absolutePath();
    if (!QDir().mkpath(folder)) {
        printErr(u"yardmaster: cannot create the config folder %1\n"_s.arg(folder));
        return false;
    }
    const Result<void> saved = saveConfigFile(defaultConfig(), *path);
    if (!saved.ok()) {
        printErr(u"yardmaster: cannot create a default config at %1: %2\n"_s.arg(
            *path, saved.error().message));
        return false;
    }
    printErr(u"yardmaster: first run: created a default config at %1 (no workers yet: %2)\n"_s.arg(
        *path, nextStep));
    return true;
}

bool prepareToRun(const QString& given, const QString& nextStep, QString* path)
{
    if (!prepareConfigPath(given, path, nextStep))
        return false;
    const ConfigLoadResult loaded = loadConfigFile(*path);
    if (!loaded.ok()) {
        printErr(QStringLiteral("yardmaster: the config %1 has errors:\n").arg(*path));
        for (const QString& error : loaded.errors)
            printErr(error + u'\n');
        return false;
    }
    const QString socketPath = loaded.config->effectiveControlSocket();
    if (masterAnswers(socketPath)) {
        printErr(QStringLiteral("yardmaster: another master is already running on %1\n")
                     .arg(socketPath));
        return false;
    }
    raiseFileLimit(loaded.config->workers.size());
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}

} // namespace ym
