#pragma once

#include <QSqlDatabase>
#include <QString>

#include <cstdint>
#include <map>
#include <string>

// Reads the master's SQLite database read-only (WAL: never blocks the master).
namespace ymbench::out {

class DbProbe
{
public:
    DbProbe() = default;
    ~DbProbe();
    DbProbe(const DbProbe&) = delete;
    DbProbe& operator=(const DbProbe&) = delete;

    bool open(const QString& path, std::string& error);
    // Adds the stdout lines of chunks stored since the last call; false on a
    // read error.
    bool poll();
    int64_t storedLines() const { return m_lines; }
    // Builds with a result; -1 on error.
    int finishedBuilds();
    // The id of the build running on `worker`, 0 while there is none.
    int64_t buildOf(const QString& worker);
    // Every build's result ("success", ...) by worker name.
    std::map<std::string, std::string> results();

    // The stored stdout of every build, checked line by line against what
    // worker W sent: `lines[W]` lines of `lineBytes`, numbered from 0, in
    // order. Counts stored bytes and lines; `error` names the first problem.
    struct Check
    {
        int64_t bytes = 0;
        int64_t lines = 0;
        int64_t chunks = 0;
        bool ok = false;
        std::string error;
    };
    Check verify(const std::map<std::string, int64_t>& linesByWorker, int lineBytes);

private:
    QString m_name;
    int64_t m_lastChunk = 0;
    int64_t m_lines = 0;
};

} // namespace ymbench::out
