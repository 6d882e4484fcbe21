#pragma once

// Shared by the storage crash tests: this test binary, run again as a child
// with `flag`, writes to a database and prints on stdout how many writes it
// saw committed, one number per line, until it is killed.
#include "storage/Database.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QProcess>
#include <QSqlQuery>
#include <QTest>

#include <optional>

namespace ymtest {

// Starts the child on `path`, kills it with SIGKILL once it reported at least
// `atLeast` committed writes, and answers the last count it reported (or
// nullopt, with `error` saying why).
inline std::optional<qint64> killWriterMidStream(const char* flag, const QString& path,
                                                 qint64 atLeast, QString* error)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), {QString::fromLatin1(flag), path});
    if (!child.waitForStarted(30'000)) {
        *error = QStringLiteral("the writer did not start: %1").arg(child.errorString());
        return std::nullopt;
    }
    qint64 committed = 0;
    QByteArray pending;
    auto readCommitted = [&] {
        pending += child.readAllStandardOutput();
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            committed = pending.left(nl).toLongLong();
            pending.remove(0, nl + 1);
        }
    };
    // Let it write many batches, then kill it mid-stream.
    const QDeadlineTimer deadline(120'000);
    for (readCommitted(); committed < atLeast; readCommitted()) {
        if (deadline.hasExpired() || child.state() == QProcess::NotRunning) {
            *error =
                QStringLiteral("the writer reported %1 of %2 writes").arg(committed).arg(atLeast);
            child.kill();
            child.waitForFinished(30'000);
            return std::nullopt;
        }
        QTest::qWait(20);
    }
    child.kill(); // SIGKILL
    child.waitForFinished(30'000);
    readCommitted();
    if (child.exitStatus() != QProcess::CrashExit) {
        *error = QStringLiteral("the writer was not killed (exit code %1)").arg(child.exitCode());
        return std::nullopt;
    }
    return committed;
}

// Empty when SQLite finds the database file sound.
inline QString integrityProblem(ym::storage::Database& db)
{
    QSqlQuery check(db.db());
    if (!check.exec(QStringLiteral("PRAGMA integrity_check")) || !check.next())
        return QStringLiteral("PRAGMA integrity_check did not run");
    const QString answer = check.value(0).toString();
    return answer == u"ok" ? QString() : answer;
}

} // namespace ymtest
