#include "WorkerReplies.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace ymbench::replies {

QVariantMap workerInfo(const QString& name)
{
    // The real worker's commandRegistry, each at its command_version "3.1".
    static const QStringList commands{u"shell"_s,
                                      u"uploadFile"_s,
                                      u"upload_file"_s,
                                      u"uploadDirectory"_s,
                                      u"upload_directory"_s,
                                      u"downloadFile"_s,
                                      u"download_file"_s,
                                      u"mkdir"_s,
                                      u"rmdir"_s,
                                      u"cpdir"_s,
                                      u"stat"_s,
                                      u"glob"_s,
                                      u"listdir"_s,
                                      u"rmfile"_s};
    QVariantMap wc;
    for (const QString& c : commands)
        wc.insert(c, u"3.1"_s);
    const QString basedir = u"/var/lib/buildbot/workers/"_s + name;
    return QVariantMap{
        {u"admin"_s, u"Load Generator <loadgen@localhost>\n"_s},
        {u"host"_s, u"ym-loadgen simulated worker "_s + name + u'\n'},
        {u"os_pretty_name"_s, u"Debian GNU/Linux 12 (bookworm)"_s},
        {u"os_name"_s, u"Debian GNU/Linux"_s},
        {u"os_version_id"_s, u"12"_s},
        {u"os_version"_s, u"12 (bookworm)"_s},
        {u"os_version_codename"_s, u"bookworm"_s},
        {u"os_id"_s, u"debian"_s},
        {u"os_home_url"_s, u"https://www.debian.org/"_s},
        {u"os_support_url"_s, u"https://www.debian.org/support"_s},
        {u"os_bug_report_url"_s, u"https://bugs.debian.org/"_s},
        {u"environ"_s, QVariantMap{{u"HOME"_s, basedir},
                                   {u"LANG"_s, u"C.UTF-8"_s},
                                   {u"PATH"_s, u"/usr/local/bin:/usr/bin:/bin"_s},
                                   {u"USER"_s, u"buildbot"_s},
                                   {u"PWD"_s, basedir}}},
        {u"system"_s, u"posix"_s},
        {u"basedir"_s, basedir},
        {u"numcpus"_s, qint64(2)},
        {u"version"_s, u"3.7.0"_s},
        {u"worker_commands"_s, wc},
        {u"delete_leftover_dirs"_s, false},
    };
}

std::optional<QVariantList> commandUpdates(const QString& command, double elapsedS)
{
    auto pair = [](const QString& k, const QVariant& v) {
        return QVariant(QVariantList{k, v});
    };
    QVariantList out;
    if (command == u"listdir") {
        // A worker made by `buildbot-worker create-worker` has these.
        out << pair(u"files"_s, QVariantList{u"buildbot.tac"_s, u"info"_s, u"twistd.log"_s});
    } else if (command == u"glob") {
        out << pair(u"files"_s, QVariantList{});
    } else if (command == u"stat") {
        QVariantList st;
        for (qint64 v :
             {qint64(040755), qint64(1), qint64(2049), qint64(1), qint64(1000), qint64(1000),
              qint64(4096), qint64(1700000000), qint64(1700000000), qint64(1700000000)})
            st << v;
        out << pair(u"stat"_s, st);
    } else if (command != u"mkdir" && command != u"rmdir" && command != u"rmfile" &&
               command != u"cpdir") {
        return std::nullopt;
    }
    out << pair(u"rc"_s, qint64(0));
    out << pair(u"elapsed"_s, elapsedS);
    return out;
}

} // namespace ymbench::replies
