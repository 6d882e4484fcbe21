#pragma once

#include "storage/Schema.h"
#include "util/Result.h"

#include <QList>
#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

class QSqlQuery;

namespace ym::storage {

// One connection to the state database, migrated to the schema this code
// knows. Not thread-safe: use it only on the thread that called open()
// (QSqlDatabase connections belong to their thread). Each instance has its
// own connection name, so several may be open at once, on several threads.
class Database final
{
    Q_DISABLE_COPY_MOVE(Database)

public:
    struct Options
    {
        int busyTimeoutMs = 5000; // how long a statement waits for another writer's lock
    };

    Database();
    ~Database(); // closes

    // Opens (creating it, 0600, in a 0700 folder when missing) and migrates.
    // Refuses a file that is not a database, or whose schema is newer than
    // the last of `steps`; such a file is left untouched.
    Result<void> open(const QString& path, Options options);
    Result<void> open(const QString& path) { return open(path, Options{}); }
    // For tests of the migration machinery: another list of steps.
    Result<void> open(const QString& path, const QList<Migration>& steps, Options options);
    void close();

    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }
    QString connectionName() const { return m_name; }
    int schemaVersion() const { return m_version; }
    QSqlDatabase& db() { return m_db; }
    bool isSqlite() const;

    // Expands the {ID} / {BLOB} placeholders of Schema.h for this driver.
    QString dialect(const QString& sql) const;

    // Runs one statement; on failure the error names the file and `purpose`.
    Result<void> exec(const QString& sql, const QString& purpose);
    // Executes a prepared query (prepare() and bind first).
    Result<void> exec(QSqlQuery& query, const QString& purpose);

    // A write transaction. On SQLite it takes the write lock at once
    // (BEGIN IMMEDIATE), so a read-then-write transaction cannot deadlock.
    Result<void> beginWrite(const QString& purpose);
    Result<void> commit(const QString& purpose);
    void rollback();

    // An error naming this file, what was being done, and the driver's text.
    Error error(const QString& purpose, const QSqlError& sqlError) const;
    // True when a statement failed because another connection held a lock:
    // trying again later may succeed.
    static bool isBusy(const QSqlError& sqlError);
    // The driver's error of the last exec() that failed.
    const QSqlError& lastSqlError() const { return m_lastError; }

private:
    Result<void> prepareFile(const QString& path);
    Result<void> configure(const Options& options);
    Result<int> readVersion();
    Result<void> migrate(const QList<Migration>& steps);

    QSqlDatabase m_db;
    QSqlError m_lastError;
    QString m_name;
    QString m_path;
    int m_version = 0;
    bool m_open = false;
};

} // namespace ym::storage
